//! Credentials (Kredensial): how a consuming application proves itself to the gateway. An API
//! key or an OAuth2 client, whose secret is shown once at creation or rotation and only its
//! digest is stored; or a client certificate (mTLS), registered by its PEM, of which the
//! SHA-256 fingerprint is stored in the same place (see [`crate::certificate`]).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::certificate::ClientCertificate;
use crate::text::Name;
use crate::{Code, Meta, Timestamp, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// `Authorization: Bearer wdh_…` or `apikey: wdh_…`.
    ApiKey,
    /// OAuth2 client-credentials at `POST /oauth2/token` (client id + secret).
    OauthClient,
    /// A TLS client certificate presented to the gateway listener (mTLS). Registered with
    /// its PEM in `certificate`; there is no secret to show or rotate.
    Certificate,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiKey => "api_key",
            Self::OauthClient => "oauth_client",
            Self::Certificate => "certificate",
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
    /// The application's client certificate, PEM (`kind: certificate` only; at most 16 KiB,
    /// the leaf alone, not a CA, not expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
}

impl CredentialSpec {
    pub fn validate(&self, now: Timestamp) -> Result<(), ValidationError> {
        match self.expires_at {
            Some(t) if t <= now => Err(ValidationError::new("expires_at", "must be in the future")),
            _ => Ok(()),
        }
    }

    /// The checked certificate of a `certificate` credential (`None` for other kinds); a
    /// certificate on another kind, or a `certificate` credential without one, is refused.
    pub fn client_certificate(&self, now: Timestamp) -> Result<Option<ClientCertificate>, ValidationError> {
        match (self.kind, &self.certificate) {
            (CredentialKind::Certificate, Some(pem)) => ClientCertificate::from_pem(pem, now).map(Some),
            (CredentialKind::Certificate, None) => Err(ValidationError::new(
                "certificate",
                "a certificate credential needs the application's certificate (PEM)",
            )),
            (_, Some(_)) => Err(ValidationError::new(
                "certificate",
                "only a credential of kind \"certificate\" takes a certificate",
            )),
            (_, None) => Ok(None),
        }
    }
}

/// What a certificate credential shows of its certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CertificateInfo {
    /// The subject distinguished name.
    pub subject: String,
    /// When the certificate itself expires.
    pub not_after: chrono::DateTime<chrono::Utc>,
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
    /// The certificate (certificate credentials only; the hint holds its fingerprint's start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateInfo>,
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
    /// The API key or client secret. Store it now: Wadah keeps only a digest. Absent for a
    /// certificate, which has no secret on Wadah's side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}
