//! Credentials (Kredensial): how a consuming application proves itself to the gateway. An API
//! key or an OAuth2 client; the secret is shown once at creation or rotation and only its
//! digest is stored.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::text::Name;
use crate::{Code, Meta, Timestamp, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// `Authorization: Bearer wdh_…` or `apikey: wdh_…`.
    ApiKey,
    /// OAuth2 client-credentials at `POST /oauth2/token` (client id + secret).
    OauthClient,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiKey => "api_key",
            Self::OauthClient => "oauth_client",
        }
    }
}

/// What a caller supplies to create a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialSpec {
    pub name: Name,
    pub kind: CredentialKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl CredentialSpec {
    pub fn validate(&self, now: Timestamp) -> Result<(), ValidationError> {
        match self.expires_at {
            Some(t) if t <= now => Err(ValidationError::new("expires_at", "must be in the future")),
            _ => Ok(()),
        }
    }
}

/// A credential as listed: never with its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Credential {
    pub id: String,
    pub agency: Code,
    pub application: Code,
    pub name: Name,
    pub kind: CredentialKind,
    /// The first characters of the secret, to tell credentials apart.
    pub hint: String,
    /// The OAuth2 `client_id` (OAuth clients only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub meta: Meta,
}

impl Credential {
    pub fn is_usable(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|t| t > now)
    }
}

/// The answer to a creation or rotation: the only time the secret is visible.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedCredential {
    #[serde(flatten)]
    pub credential: Credential,
    /// The API key or client secret. Store it now: Wadah keeps only a digest.
    pub secret: String,
}
