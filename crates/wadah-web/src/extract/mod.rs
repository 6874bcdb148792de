//! Extractors: how a request's parts become typed, checked values before a handler runs. Each
//! one rejects with an [`ApiError`](crate::error::ApiError), so every malformed request gets a
//! problem document, never axum's plain-text rejections.

mod auth;
mod json;
mod path;
mod precondition;
mod query;

pub use auth::Caller;
pub use json::Json;
pub use path::Path;
pub use precondition::{IfMatch, MaybeIfMatch};
pub use query::Query;
