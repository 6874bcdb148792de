//! People who use Wadah, their roles and their admin API tokens. Roles follow least
//! privilege (DESIGN.md §4.6): the platform admin (Diskominfo) sees everything, an agency admin
//! one agency, a developer one application, auditors and evaluators read. Staff (ASN) use the
//! staff portal and administer nothing: the role people get by default when they sign in
//! through an identity provider that says nothing more about them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::text::{Line, Name};
use crate::{Code, Meta, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PlatformAdmin,
    AgencyAdmin,
    Developer,
    Auditor,
    Evaluator,
    /// A civil servant (ASN): the staff portal only; no admin API, no console.
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlatformAdmin => "platform_admin",
            Self::AgencyAdmin => "agency_admin",
            Self::Developer => "developer",
            Self::Auditor => "auditor",
            Self::Evaluator => "evaluator",
            Self::Staff => "staff",
        }
    }
}

/// A login name: 3–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, pattern = "^[a-z0-9][a-z0-9._-]{2,63}$", example = "admin")]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let ok = (3..=64).contains(&raw.len())
            && raw
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                "username",
                "3-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = ValidationError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Username> for String {
    fn from(v: Username) -> Self {
        v.0
    }
}

/// A user as an administrator writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    pub username: Username,
    pub display_name: Name,
    #[serde(default)]
    pub email: Line,
    pub role: Role,
    /// Required for agency admins and developers; optional for auditors and evaluators (absent:
    /// the whole deployment); absent for platform admins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Code>,
    /// Required for developers: the application they work on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<Code>,
    #[serde(default)]
    pub disabled: bool,
}

impl UserSpec {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let need = |ok: bool, field, msg: &str| {
            if ok {
                Ok(())
            } else {
                Err(ValidationError::new(field, msg))
            }
        };
        match self.role {
            Role::PlatformAdmin => need(
                self.agency.is_none() && self.application.is_none(),
                "agency",
                "a platform admin is not bound to an agency",
            ),
            Role::AgencyAdmin => {
                need(self.agency.is_some(), "agency", "an agency admin needs an agency")?;
                need(
                    self.application.is_none(),
                    "application",
                    "an agency admin is not bound to one application",
                )
            }
            Role::Developer => {
                need(self.agency.is_some(), "agency", "a developer needs an agency")?;
                need(
                    self.application.is_some(),
                    "application",
                    "a developer needs an application",
                )
            }
            Role::Auditor | Role::Evaluator => need(
                self.application.is_none(),
                "application",
                "auditors and evaluators are not bound to one application",
            ),
            Role::Staff => need(
                self.application.is_none(),
                "application",
                "staff are not bound to one application",
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct User {
    #[serde(flatten)]
    pub spec: UserSpec,
    pub meta: Meta,
}

/// What a caller supplies to create an admin API token for themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenSpec {
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// An admin API token as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: String,
    pub username: Username,
    pub name: Name,
    pub hint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(role: Role, agency: Option<&str>, app: Option<&str>) -> UserSpec {
        UserSpec {
            username: Username::parse("someone").unwrap(),
            display_name: Name::parse("Someone").unwrap(),
            email: Line::default(),
            role,
            agency: agency.map(|a| Code::parse(a).unwrap()),
            application: app.map(|a| Code::parse(a).unwrap()),
            disabled: false,
        }
    }

    #[test]
    fn roles_need_exactly_their_scope() {
        assert!(spec(Role::PlatformAdmin, None, None).validate().is_ok());
        assert!(spec(Role::PlatformAdmin, Some("bpsdm"), None).validate().is_err());
        assert!(spec(Role::AgencyAdmin, Some("bpsdm"), None).validate().is_ok());
        assert!(spec(Role::AgencyAdmin, None, None).validate().is_err());
        assert!(spec(Role::Developer, Some("bpsdm"), None).validate().is_err());
        assert!(
            spec(Role::Developer, Some("bpsdm"), Some("simpeg"))
                .validate()
                .is_ok()
        );
        assert!(spec(Role::Auditor, None, None).validate().is_ok());
        assert!(spec(Role::Auditor, Some("bpsdm"), None).validate().is_ok());
    }

    #[test]
    fn usernames_are_plain_login_names() {
        assert!(Username::parse("admin").is_ok());
        assert!(Username::parse("budi.santoso_2").is_ok());
        for bad in ["ab", "Admin", ".x1", "a b c", "x@y.id"] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }
}
