//! Bounded free text: names, descriptions and contacts. Every input has a size limit
//! (DESIGN.md §4.5), and control characters never reach the store or the pages.

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Checks length (in characters) and refuses control characters other than newlines and tabs.
fn check(
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<(), ValidationError> {
    let n = raw.chars().count();
    if n < min {
        return Err(ValidationError::new(
            field,
            format!("must have at least {min} character(s)"),
        ));
    }
    if n > max {
        return Err(ValidationError::new(
            field,
            format!("must have at most {max} characters (got {n})"),
        ));
    }
    let allowed = |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\t' || c == '\r'));
    if !raw.chars().all(allowed) {
        return Err(ValidationError::new(field, "must not contain control characters"));
    }
    Ok(())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, field = $field:literal, min = $min:literal, max = $max:literal, multiline = $ml:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(try_from = "String", into = "String")]
        #[schema(value_type = String)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                Self::parse_field($field, raw)
            }
            pub fn parse_field(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
                let trimmed = raw.trim();
                check(field, trimmed, $min, $max, $ml)?;
                Ok(Self(trimmed.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// A display name: one line, 1–200 characters.
    Name, field = "name", min = 1, max = 200, multiline = false
);
bounded_text!(
    /// A description or other prose: up to 4,000 characters, newlines allowed.
    Description, field = "description", min = 0, max = 4000, multiline = true
);
bounded_text!(
    /// A short one-line value (a contact, a cost, a duration): up to 300 characters.
    Line, field = "value", min = 0, max = 300, multiline = false
);

// Written out rather than derived in the macro: `Name` must have no (empty) default.
#[allow(clippy::derivable_impls)]
impl Default for Description {
    fn default() -> Self {
        Self(String::new())
    }
}

#[allow(clippy::derivable_impls)]
impl Default for Line {
    fn default() -> Self {
        Self(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Dinas Sosial ").unwrap().as_str(), "Dinas Sosial");
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"x".repeat(201)).is_err());
        assert!(Name::parse("a\u{0}b").is_err());
        assert!(Name::parse("two\nlines").is_err());
        assert!(Description::parse("two\nlines").is_ok());
    }
}
