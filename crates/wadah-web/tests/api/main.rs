//! The admin API's integration tests: one binary, every test run against a fresh store on
//! SQLite and on PostgreSQL (see [`api_test!`]), driving the real router in-process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod helpers;

mod access_requests;
mod access_rights;
mod agencies;
mod applications;
mod arch_exchange;
mod architecture;
mod assessments;
mod audit;
mod auth;
mod certificates;
mod changes;
mod console;
mod console_architecture;
mod console_registry;
mod console_users;
mod credentials;
mod developer;
mod directory_and_catalog;
mod feedback;
mod front_doors;
mod governments;
mod index_console;
mod isolation;
mod link_checks;
mod openapi_doc;
mod portal;
mod public_services;
mod readers;
mod seed;
mod services;
mod snapshots;
mod traffic;
mod upstream_credentials;
mod users;
