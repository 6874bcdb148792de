//! Codes: the short lowercase slugs that name agencies, applications, services and public
//! services in URLs (`/bpsdm/simpeg/pegawai/…`). They are part of every gateway route, so the
//! rule is strict and the words the listeners use for themselves are reserved.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Words that would collide with a listener's own paths (see DESIGN.md §3).
pub const RESERVED: &[&str] = &[
    "api",
    "asn",
    "assets",
    "console",
    "developer",
    "healthz",
    "metrics",
    "new",
    "oauth2",
    "readyz",
    "static",
    "wadah",
    "well-known",
];

/// A lowercase slug: `[a-z0-9][a-z0-9-]{1,31}`, not reserved, no trailing or doubled hyphen.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, pattern = "^[a-z0-9][a-z0-9-]{1,31}$", example = "bpsdm")]
pub struct Code(String);

impl Code {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::parse_field("code", raw)
    }

    /// Parses a code that a field other than `code` holds (e.g. `agency`), so errors name it.
    pub fn parse_field(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let bad = |why: &str| Err(ValidationError::new(field, format!("{why} (got {raw:?})")));
        let bytes = raw.as_bytes();
        if !(2..=32).contains(&bytes.len()) {
            return bad("a code has 2 to 32 characters");
        }
        if !bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        {
            return bad("a code uses only a-z, 0-9 and '-'");
        }
        if bytes[0] == b'-' || bytes[bytes.len() - 1] == b'-' || raw.contains("--") {
            return bad("a code neither starts nor ends with '-' and has no '--'");
        }
        if RESERVED.contains(&raw) {
            return bad("this word is reserved by Wadah");
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Code {
    type Error = ValidationError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Code> for String {
    fn from(code: Code) -> Self {
        code.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typical_agency_codes_are_accepted() {
        for ok in [
            "bpsdm",
            "dinsos",
            "diskominfo",
            "bontang-bpsdm",
            "e-kinerja",
            "a1",
        ] {
            assert!(Code::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn malformed_or_reserved_codes_are_refused_with_the_field_named() {
        for bad in [
            "",
            "a",
            "BPSDM",
            "dinas sosial",
            "-x",
            "x-",
            "a--b",
            "oauth2",
            "healthz",
            "é1",
        ] {
            let err = Code::parse(bad).expect_err(bad);
            assert_eq!(err.field, "code");
        }
        assert!(Code::parse(&"a".repeat(33)).is_err());
        assert!(Code::parse(&"a".repeat(32)).is_ok());
    }

    proptest! {
        #[test]
        fn every_valid_slug_round_trips(s in "[a-z0-9]([a-z0-9]|-[a-z0-9]){1,15}") {
            prop_assume!(!RESERVED.contains(&s.as_str()));
            let code = Code::parse(&s).unwrap();
            prop_assert_eq!(code.as_str(), s.as_str());
            let json = serde_json::to_string(&code).unwrap();
            let back: Code = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, code);
        }

        #[test]
        fn anything_accepted_matches_the_documented_pattern(s in "\\PC{0,40}") {
            if let Ok(code) = Code::parse(&s) {
                let c = code.as_str();
                prop_assert!((2..=32).contains(&c.len()));
                prop_assert!(c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'));
                prop_assert!(!c.starts_with('-') && !c.ends_with('-'));
            }
        }
    }
}
