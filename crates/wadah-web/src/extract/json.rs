//! A strict JSON body extractor. Unlike `axum::Json` it answers with problem documents: a wrong
//! media type is `415`, an oversized body `413`, broken JSON `400 invalid_json`, and JSON of the
//! wrong shape (unknown field, wrong type, broken domain rule) `422 validation_failed` naming the
//! field by its JSON path.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::codes::ErrorCode;
use crate::error::{ApiError, ApiResult};

/// A JSON request body, parsed into `T` (usually a domain `…Spec`).
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "send the body as `Content-Type: application/json`",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    "the request body is larger than this server accepts",
                )
            } else {
                ApiError::new(ErrorCode::InvalidJson, rejection.body_text())
            }
        })?;
        parse(&bytes).map(Json)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses a JSON document into `T`, classifying failures as described in the module docs.
/// Syntax is checked first, so a broken document is `invalid_json` whatever its shape.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let tree: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(ErrorCode::InvalidJson, format!("not valid JSON: {e}")))?;
    serde_path_to_error::deserialize(tree).map_err(classify)
}

fn classify(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = err.path().to_string();
    let inner = err.into_inner();
    if inner.classify() != Category::Data {
        return ApiError::new(ErrorCode::InvalidJson, format!("not valid JSON: {inner}"));
    }
    let message = strip_position(&inner.to_string());
    let field = match missing_field(&message) {
        Some(name) if path == "." => name.to_owned(),
        Some(name) => format!("{path}.{name}"),
        None => path,
    };
    let message = strip_domain_field(&message);
    if field == "." {
        return ApiError::validation("", message.to_owned());
    }
    ApiError::validation(field.clone(), format!("{field}: {message}"))
}

/// serde_json appends " at line L column C"; the path says more, so drop it.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Domain rules say `code: …` whatever field holds the code; the JSON path is more precise.
fn strip_domain_field(message: &str) -> &str {
    match message.split_once(": ") {
        Some((head, rest))
            if !head.is_empty() && head.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') =>
        {
            rest
        }
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wadah_domain::agency::AgencySpec;

    fn err(body: &str) -> crate::error::Problem {
        parse::<AgencySpec>(body.as_bytes()).unwrap_err().problem()
    }

    #[test]
    fn syntax_errors_are_invalid_json() {
        assert_eq!(err("{").code, ErrorCode::InvalidJson);
        assert_eq!(err("{} x").code, ErrorCode::InvalidJson);
    }

    #[test]
    fn shape_errors_name_the_field() {
        let ok = r#""name":"BPSDM","government":"bontang""#;
        let p = err(&format!(r#"{{"code":"BAD CODE",{ok}}}"#));
        assert_eq!(
            (p.code, p.field.as_deref()),
            (ErrorCode::ValidationFailed, Some("code"))
        );
        assert!(p.detail.starts_with("code: a code"), "{}", p.detail);
        let p = err(&format!(r#"{{"code":"bpsdm",{ok},"colour":"red"}}"#));
        assert_eq!(p.code, ErrorCode::ValidationFailed);
        assert!(p.detail.contains("colour"), "{}", p.detail);
        let p = err(r#"{"code":"bpsdm","government":"bontang"}"#);
        assert_eq!(p.field.as_deref(), Some("name"));
        let p = err(&format!(r#"{{"code":"bpsdm",{ok},"operator":"yes"}}"#));
        assert_eq!(p.field.as_deref(), Some("operator"));
    }

    #[test]
    fn only_json_media_types_are_accepted() {
        let mut h = HeaderMap::new();
        assert!(!is_json(&h));
        h.insert(
            header::CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        assert!(is_json(&h));
        h.insert(
            header::CONTENT_TYPE,
            "application/merge-patch+json".parse().unwrap(),
        );
        assert!(is_json(&h));
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert!(!is_json(&h));
    }
}
