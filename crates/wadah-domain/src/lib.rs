//! Wadah's domain: the registry of a government's agencies, applications and services, the
//! access rules between them, and the authorisation policy of the administration.
//!
//! This crate owns types and rules only. It does no I/O: time and randomness come in through
//! [`time::Clock`] and [`secret::Random`], storage lives behind the `wadah-store` traits, and
//! HTTP lives in `wadah-web`. Every user-supplied value becomes a validated newtype here once
//! ("parse, don't validate"), so code further in never re-checks it.

pub mod access;
pub mod agency;
pub mod application;
pub mod architecture;
pub mod audit;
pub mod certificate;
pub mod change;
pub mod code;
pub mod credential;
pub mod error;
pub mod feedback;
pub mod health_check;
pub mod index;
pub mod link_check;
pub mod meta;
pub mod openapi;
pub mod policy;
pub mod public_service;
pub mod secret;
pub mod service;
pub mod text;
pub mod time;
pub mod upstream;
pub mod user;

pub use code::Code;
pub use error::ValidationError;
pub use meta::{Actor, Meta};
pub use time::{Clock, Timestamp};
