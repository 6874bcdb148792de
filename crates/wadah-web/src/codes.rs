//! The published table of error codes: code → HTTP status → title (CONVENTIONS 9). Clients
//! integrate against these codes, never against the wording of `detail`. This is the only place
//! a status is chosen for an error; add a row here rather than picking a status in a handler.

use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $status:ident, $title:literal); )*) => {
        /// A stable, machine-readable error code (the `code` member of every problem document).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in table order (for documentation and tests).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status,)* }
            }

            /// A short, fixed summary of the problem type (RFC 9457 `title`).
            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }
        }
    };
}

error_codes! {
    /// No usable `Authorization: Bearer wdha_…` token.
    Unauthenticated = ("unauthenticated", UNAUTHORIZED, "Authentication required");
    /// Signed in, but the role does not allow this change.
    Forbidden = ("forbidden", FORBIDDEN, "Not allowed");
    /// No such object, or one the caller may not see.
    NotFound = ("not_found", NOT_FOUND, "Not found");
    /// The route exists, but not for this method.
    MethodNotAllowed = ("method_not_allowed", METHOD_NOT_ALLOWED, "Method not allowed");
    /// The body is not well-formed JSON.
    InvalidJson = ("invalid_json", BAD_REQUEST, "Malformed JSON");
    /// A query parameter is unknown, malformed or out of range.
    InvalidQuery = ("invalid_query", BAD_REQUEST, "Invalid query parameters");
    /// Well-formed input that breaks a rule; `field` names the culprit.
    ValidationFailed = ("validation_failed", UNPROCESSABLE_ENTITY, "Validation failed");
    /// An object with this code (or name) already exists.
    Duplicate = ("duplicate", CONFLICT, "Already exists");
    /// `If-Match` names an older version: someone else changed the object first.
    StaleVersion = ("stale_version", CONFLICT, "Changed by someone else");
    /// The object still has dependents; delete them first or ask for `?cascade=true`.
    InUse = ("in_use", CONFLICT, "Still in use");
    /// The operation does not fit the object's state (deciding a request twice…).
    InvalidState = ("invalid_state", CONFLICT, "Not possible in this state");
    /// An assessment cannot move on yet: claims, evidence or evaluator levels are missing.
    AssessmentIncomplete = ("assessment_incomplete", UNPROCESSABLE_ENTITY, "Assessment incomplete");
    /// An update without `If-Match: "<version>"`.
    PreconditionRequired = ("precondition_required", PRECONDITION_REQUIRED, "If-Match required");
    /// The body is larger than the configured limit.
    PayloadTooLarge = ("payload_too_large", PAYLOAD_TOO_LARGE, "Request body too large");
    /// The body is not sent as `application/json`.
    UnsupportedMediaType = ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "Unsupported media type");
    /// The store cannot be reached; try again later.
    StoreUnavailable = ("store_unavailable", SERVICE_UNAVAILABLE, "Store unavailable");
    /// This node is in drain (maintenance) mode or shutting down (`/readyz`); use another node.
    Draining = ("draining", SERVICE_UNAVAILABLE, "Node draining");
    /// A fault on our side; the details are in the server log.
    Internal = ("internal", INTERNAL_SERVER_ERROR, "Internal error");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_serialise_as_their_table_name() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::json!(code.as_str()));
            assert!(code.status().is_client_error() || code.status().is_server_error());
        }
    }

    /// The published table (docs/errors.md) lists every code with its status.
    #[test]
    fn the_published_table_lists_every_code_with_its_status() {
        let doc = include_str!("../../../docs/errors.md");
        for code in ErrorCode::ALL {
            let row = format!("| `{}` | {} |", code.as_str(), code.status().as_u16());
            assert!(doc.contains(&row), "docs/errors.md lacks the row {row}");
        }
    }
}
