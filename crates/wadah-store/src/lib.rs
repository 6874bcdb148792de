//! Wadah's storage interface: traits split by role (read the registry, change it, manage
//! access, manage identities, read the change log), the one error type every engine returns,
//! and the conformance suite that every engine must pass.
//!
//! This crate knows nothing about HTTP or SQL. Engines (`wadah-store-sqlite`,
//! `wadah-store-postgres`) implement [`Store`]; handlers hold an `Arc<dyn Store>` and call only
//! the role they need. Every write records its change-log entry in the same transaction, bumps
//! the registry version (the gateway's "has anything changed?" check) and refuses stale versions.

mod architecture;
mod assessment;
mod audit;
pub mod conformance;
mod error;
mod feed;
mod filters;
mod page;
mod portal;
pub mod search;
mod sessions;
mod sso;
mod traffic;
mod traits;

pub use architecture::*;
pub use assessment::*;
pub use audit::*;
pub use error::StoreError;
pub use feed::{ChangeFeed, ChangeSignal, FeedStatus};
pub use filters::*;
pub use page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageRequest};
pub use portal::PortalStore;
pub use sessions::*;
pub use sso::*;
pub use traffic::*;
pub use traits::*;

pub type StoreResult<T> = Result<T, StoreError>;
