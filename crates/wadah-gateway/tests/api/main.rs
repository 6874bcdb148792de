//! The gateway's integration tests: one binary, real sockets on 127.0.0.1:0, a real upstream
//! and a fresh SQLite store per test. No test sleeps waiting for a server; the liveness checks
//! poll with a deadline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod evidence;
mod faults;
mod feed;
mod forwarding;
mod helpers;
mod https;
mod oauth;
mod rogue;
mod tls;
mod upstream_credentials;
mod upstream_tls;
