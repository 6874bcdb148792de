//! Agencies' OpenAPI documents. Wadah stores the document verbatim (the provider's text is the
//! contract, comments and key order included) after checking that it is an OpenAPI 3.x document
//! in JSON or YAML, so the developer portal and the machine directory can rely on its shape.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::ValidationError;

/// The largest document accepted (national-scale APIs stay well below this).
pub const MAX_OPENAPI_BYTES: usize = 1024 * 1024;

/// An OpenAPI 3.0/3.1 document, kept as the text the provider supplied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "openapi: 3.1.0\ninfo: {title: SIMPEG, version: '1'}\npaths: {}\n")]
pub struct OpenApiDocument(String);

/// One operation of a document, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl OpenApiDocument {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let err = |m: String| ValidationError::new("openapi", m);
        if raw.len() > MAX_OPENAPI_BYTES {
            return Err(err(format!(
                "the document is larger than {MAX_OPENAPI_BYTES} bytes"
            )));
        }
        let value = parse_tree(raw).map_err(err)?;
        let version = value.get("openapi").and_then(Value::as_str).unwrap_or_default();
        if !(version.starts_with("3.0.") || version.starts_with("3.1.")) {
            return Err(err("the document must declare `openapi: 3.0.x` or `3.1.x`".into()));
        }
        let info = value.get("info").and_then(Value::as_object);
        let has = |k: &str| info.and_then(|i| i.get(k)).and_then(Value::as_str).is_some();
        if !(has("title") && has("version")) {
            return Err(err("`info.title` and `info.version` are required".into()));
        }
        match value.get("paths") {
            Some(Value::Object(_)) => {}
            None if version.starts_with("3.1.") => {}
            _ => return Err(err("`paths` must be an object".into())),
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `application/json` or `application/yaml`, judged from the text.
    pub fn media_type(&self) -> &'static str {
        if self.0.trim_start().starts_with('{') {
            "application/json"
        } else {
            "application/yaml"
        }
    }

    /// The document as a JSON tree (YAML read into the same shape), for renderers such as the
    /// developer portal. `None` only if the stored text no longer parses, which `parse` rules out.
    pub fn tree(&self) -> Option<Value> {
        parse_tree(&self.0).ok()
    }

    /// The operations the document declares, in document order of paths.
    pub fn operations(&self) -> Vec<Operation> {
        let Ok(value) = parse_tree(&self.0) else {
            return Vec::new();
        };
        let Some(paths) = value.get("paths").and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut ops = Vec::new();
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(*method) {
                    ops.push(Operation {
                        method: method.to_uppercase(),
                        path: path.clone(),
                        summary: op.get("summary").and_then(Value::as_str).map(str::to_owned),
                    });
                }
            }
        }
        ops
    }
}

/// JSON first (cheap, exact); YAML otherwise. YAML is a superset, but its error messages for
/// broken JSON are confusing, so a document that looks like JSON gets the JSON error.
fn parse_tree(raw: &str) -> Result<Value, String> {
    if raw.trim_start().starts_with('{') {
        return serde_json::from_str(raw).map_err(|e| format!("not valid JSON: {e}"));
    }
    serde_norway::from_str::<Value>(raw).map_err(|e| format!("not valid YAML or JSON: {e}"))
}

impl TryFrom<String> for OpenApiDocument {
    type Error = ValidationError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<OpenApiDocument> for String {
    fn from(v: OpenApiDocument) -> Self {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_documents_are_accepted_and_kept_verbatim() {
        let yaml = "# SIMPEG\nopenapi: 3.0.3\ninfo:\n  title: SIMPEG\n  version: '1.0'\npaths:\n  /pegawai:\n    get:\n      summary: Daftar pegawai\n";
        let doc = OpenApiDocument::parse(yaml).unwrap();
        assert_eq!(doc.as_str(), yaml);
        assert_eq!(doc.media_type(), "application/yaml");
        let ops = doc.operations();
        assert_eq!(ops.len(), 1);
        assert_eq!(
            (ops[0].method.as_str(), ops[0].path.as_str()),
            ("GET", "/pegawai")
        );
        let json = r#"{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{}}"#;
        assert_eq!(
            OpenApiDocument::parse(json).unwrap().media_type(),
            "application/json"
        );
    }

    #[test]
    fn documents_that_are_not_openapi_3_are_refused() {
        for bad in [
            "{not json",
            "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}",
            "openapi: 3.0.0\npaths: {}",
            "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: []",
            "- a\n- list",
        ] {
            assert_eq!(OpenApiDocument::parse(bad).unwrap_err().field, "openapi", "{bad}");
        }
        let huge = format!("openapi: 3.0.0\n#{}", "x".repeat(MAX_OPENAPI_BYTES));
        assert!(OpenApiDocument::parse(&huge).is_err());
    }
}
