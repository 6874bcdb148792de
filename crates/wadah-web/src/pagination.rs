//! Lists: `?limit=` (1–500, default 50), `?cursor=` (opaque) and `?q=` (at most 100
//! characters), answered as `{"items": [...], "next": <cursor or null>}`. The cursor is the
//! store's sort key in base64url, so clients treat it as opaque and the store stays keyset-paged.
//!
//! [`list_query!`] declares a resource's query struct (the common parameters plus its filters,
//! unknown parameters refused) and [`page_type!`] a named page schema per resource, so the
//! OpenAPI document describes each list exactly.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use wadah_store::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageRequest};

use crate::error::{ApiError, ApiResult};

/// Longest accepted search term, in characters.
pub const MAX_Q_CHARS: usize = 100;

/// Longest accepted cursor, in bytes (sort keys are a few codes long).
const MAX_CURSOR_LEN: usize = 512;

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

pub fn decode_cursor(raw: &str) -> ApiResult<String> {
    let bad = || ApiError::invalid_query("`cursor` is not a cursor this API handed out");
    if raw.is_empty() || raw.len() > MAX_CURSOR_LEN {
        return Err(bad());
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
    String::from_utf8(bytes).map_err(|_| bad())
}

/// The error of a store's list call: a cursor the store cannot use (one handed out by another
/// list, say) is a bad query parameter, not a conflict.
pub fn list_error(e: wadah_store::StoreError) -> ApiError {
    match e {
        wadah_store::StoreError::InvalidState(detail) => ApiError::invalid_query(detail),
        other => other.into(),
    }
}

/// Checks the common list parameters and builds the store's page request.
pub fn page_request(limit: Option<u32>, cursor: Option<&str>, q: Option<&str>) -> ApiResult<PageRequest> {
    let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(ApiError::invalid_query(format!(
            "`limit` must be between 1 and {MAX_PAGE_SIZE} (got {limit})"
        )));
    }
    if q.is_some_and(|q| q.chars().count() > MAX_Q_CHARS) {
        return Err(ApiError::invalid_query(format!(
            "`q` has at most {MAX_Q_CHARS} characters"
        )));
    }
    Ok(PageRequest {
        limit,
        after: cursor.map(decode_cursor).transpose()?,
        q: q.map(str::to_owned).filter(|q| !q.trim().is_empty()),
    })
}

/// Declares a list's query parameters: `limit`, `cursor`, `q` and the given filters.
macro_rules! list_query {
    ($(#[$meta:meta])* $name:ident { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            /// Items per page, 1–500 (default 50).
            #[param(minimum = 1, maximum = 500)]
            pub limit: Option<u32>,
            /// The `next` of the previous page.
            #[param(min_length = 1, max_length = 512, pattern = "^[A-Za-z0-9_-]+$")]
            pub cursor: Option<String>,
            /// Case-insensitive search in codes and names (at most 100 characters).
            #[param(max_length = 100)]
            pub q: Option<String>,
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $name {
            pub fn page(&self) -> $crate::error::ApiResult<wadah_store::PageRequest> {
                $crate::pagination::page_request(self.limit, self.cursor.as_deref(), self.q.as_deref())
            }
        }
    };
}

/// Declares the page schema of a list of `$item`.
macro_rules! page_type {
    ($(#[$meta:meta])* $name:ident, $item:ty) => {
        $(#[$meta])*
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `?cursor=` for the next page; `null` on the last page.
            pub next: Option<String>,
        }

        impl From<wadah_store::Page<$item>> for $name {
            fn from(page: wadah_store::Page<$item>) -> Self {
                Self {
                    items: page.items,
                    next: page.next.as_deref().map($crate::pagination::encode_cursor),
                }
            }
        }

        impl $name {
            /// A page that shows nothing (a filter outside the caller's scope).
            #[allow(dead_code)]
            pub fn empty() -> Self {
                Self { items: Vec::new(), next: None }
            }
        }
    };
}

pub(crate) use {list_query, page_type};

/// Narrows a requested agency filter to the caller's scope. `None`: the caller asked for an
/// agency outside its scope, so the list is empty; `Some(f)`: filter by `f`.
pub fn narrow(
    scope: &wadah_domain::policy::AgencyScope,
    requested: Option<wadah_domain::Code>,
) -> Option<Option<wadah_domain::Code>> {
    match (scope.agency(), requested) {
        (None, requested) => Some(requested),
        (Some(own), Some(asked)) if asked != *own => None,
        (Some(own), _) => Some(Some(own.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wadah_domain::Code;
    use wadah_domain::policy::AgencyScope;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = encode_cursor("bpsdm/simpeg");
        assert_eq!(decode_cursor(&c).unwrap(), "bpsdm/simpeg");
        assert!(decode_cursor("!!!").is_err());
        assert!(decode_cursor("").is_err());
        assert!(decode_cursor(&"A".repeat(600)).is_err());
    }

    #[test]
    fn limits_and_search_terms_are_bounded() {
        assert_eq!(page_request(None, None, None).unwrap().limit, DEFAULT_PAGE_SIZE);
        assert!(page_request(Some(0), None, None).is_err());
        assert!(page_request(Some(501), None, None).is_err());
        assert!(page_request(Some(500), None, None).is_ok());
        assert!(page_request(None, None, Some(&"x".repeat(101))).is_err());
        assert_eq!(page_request(None, None, Some("  ")).unwrap().q, None);
    }

    #[test]
    fn scoped_callers_never_widen_their_view() {
        let bpsdm = Code::parse("bpsdm").unwrap();
        let dinsos = Code::parse("dinsos").unwrap();
        let one = AgencyScope::One(bpsdm.clone());
        assert_eq!(narrow(&one, None), Some(Some(bpsdm.clone())));
        assert_eq!(narrow(&one, Some(dinsos.clone())), None);
        assert_eq!(
            narrow(&AgencyScope::All, Some(dinsos.clone())),
            Some(Some(dinsos))
        );
        assert_eq!(narrow(&AgencyScope::All, None), Some(None));
    }
}
