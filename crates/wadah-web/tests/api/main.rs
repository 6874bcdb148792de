//! The admin API's integration tests: one binary, every test run against a fresh store on
//! SQLite and on PostgreSQL (see [`api_test!`]), driving the real router in-process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod helpers;

mod access_requests;
mod access_rights;
mod agencies;
mod applications;
mod architecture;
mod audit;
mod auth;
mod certificates;
mod changes;
mod credentials;
mod directory_and_catalog;
mod governments;
mod isolation;
mod openapi_doc;
mod portal;
mod public_services;
mod readers;
mod seed;
mod services;
mod snapshots;
mod upstream_credentials;
mod users;
