//! The one error the domain raises: a value that breaks a rule. It names the field and the
//! rule in words a user can act on; the web layer turns it into a `422` problem document.

/// A rule broken by a user-supplied value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The field (JSON name) whose value is wrong, e.g. `code` or `upstream_url`.
    pub field: &'static str,
    /// What is wrong and what would be accepted.
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
