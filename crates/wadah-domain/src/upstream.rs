//! How Wadah reaches a service's upstream on the provider's behalf: the extra trust for its TLS
//! certificate ([`CaBundle`], kept in the service) and the credential Wadah presents to it
//! ([`UpstreamCredentialSpec`], kept apart from the service, its secret sealed at rest).
//!
//! A credential splits into a public part ([`UpstreamCredentialPublic`]: the kind, a header
//! name, a username, a token URL, a client id) that may be shown and logged as a change, and
//! one secret string that is sealed by the caller (`wadah-seal`) before it reaches the store,
//! bound to [`seal_context`]. Nothing here holds a secret in a `Debug` output.

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::{PemObject, SectionKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::ServiceRef;
use crate::{Code, Meta, ValidationError};

/// The largest CA bundle a service may carry.
pub const MAX_CA_PEM_BYTES: usize = 64 * 1024;
/// The most certificates in one bundle.
pub const MAX_CA_CERTIFICATES: usize = 16;
/// The longest secret (header value, password, client secret).
pub const MAX_SECRET_BYTES: usize = 4096;
/// The longest public text field (header name, username, client id, scope).
const MAX_PUBLIC_BYTES: usize = 256;
const MAX_SCOPE_BYTES: usize = 1024;
const MAX_URL_BYTES: usize = 2000;

/// PEM text of one or more CA certificates that the gateway trusts, besides the system's
/// roots, for this service's upstream (a government intranet's private CA). Only
/// `CERTIFICATE` sections count; each must be an X.509 certificate usable as a trust anchor.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n")]
pub struct CaBundle(String);

impl CaBundle {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::certificates_of(raw)?;
        Ok(Self(raw.to_owned()))
    }

    fn certificates_of(raw: &str) -> Result<Vec<CertificateDer<'static>>, ValidationError> {
        let err = |m: String| ValidationError::new("upstream_ca_pem", m);
        if raw.len() > MAX_CA_PEM_BYTES {
            return Err(err(format!("at most {MAX_CA_PEM_BYTES} bytes of PEM")));
        }
        let mut certs = Vec::new();
        for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(raw.as_bytes()) {
            let (kind, der) = section.map_err(|e| err(format!("not valid PEM: {e}")))?;
            if kind != SectionKind::Certificate {
                continue;
            }
            let cert = CertificateDer::from(der);
            webpki::anchor_from_trusted_cert(&cert).map_err(|e| {
                err(format!(
                    "certificate {} is not a valid X.509 certificate: {e}",
                    certs.len() + 1
                ))
            })?;
            certs.push(cert);
            if certs.len() > MAX_CA_CERTIFICATES {
                return Err(err(format!("at most {MAX_CA_CERTIFICATES} certificates")));
            }
        }
        if certs.is_empty() {
            return Err(err("no `-----BEGIN CERTIFICATE-----` section found".into()));
        }
        Ok(certs)
    }

    /// The certificates in DER form (validated when the bundle was parsed).
    pub fn certificates(&self) -> Vec<CertificateDer<'static>> {
        Self::certificates_of(&self.0).unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CaBundle({} bytes)", self.0.len())
    }
}

impl TryFrom<String> for CaBundle {
    type Error = ValidationError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<CaBundle> for String {
    fn from(v: CaBundle) -> Self {
        v.0
    }
}

/// What an agency admin sends to set a service's upstream credential (secrets included; the
/// answer never repeats them).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum UpstreamCredentialSpec {
    /// A fixed header on every upstream call, e.g. `X-Api-Key: …` or `Authorization: Bearer …`.
    Header { name: String, value: String },
    /// HTTP Basic authentication.
    Basic { username: String, password: String },
    /// An OAuth2 access token from the provider's token endpoint (RFC 6749 §4.4), fetched by
    /// the gateway, cached until shortly before it expires and sent as `Authorization: Bearer`.
    Oauth2ClientCredentials {
        /// An `https://` URL.
        token_url: String,
        client_id: String,
        client_secret: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
    },
}

impl std::fmt::Debug for UpstreamCredentialSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UpstreamCredentialSpec({:?})", self.public())
    }
}

/// The parts of an upstream credential that are not secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum UpstreamCredentialPublic {
    Header {
        name: String,
    },
    Basic {
        username: String,
    },
    Oauth2ClientCredentials {
        token_url: String,
        client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
    },
}

impl UpstreamCredentialPublic {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Header { .. } => "header",
            Self::Basic { .. } => "basic",
            Self::Oauth2ClientCredentials { .. } => "oauth2_client_credentials",
        }
    }

    /// The full credential again, from its public part and its opened secret.
    pub fn with_secret(&self, secret: String) -> UpstreamCredentialSpec {
        match self.clone() {
            Self::Header { name } => UpstreamCredentialSpec::Header { name, value: secret },
            Self::Basic { username } => UpstreamCredentialSpec::Basic {
                username,
                password: secret,
            },
            Self::Oauth2ClientCredentials {
                token_url,
                client_id,
                scope,
            } => UpstreamCredentialSpec::Oauth2ClientCredentials {
                token_url,
                client_id,
                client_secret: secret,
                scope,
            },
        }
    }
}

/// A service's upstream credential as the API shows it: never with its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UpstreamCredential {
    pub agency: Code,
    pub application: Code,
    pub service: Code,
    #[serde(flatten)]
    pub public: UpstreamCredentialPublic,
    /// `created_at`/`updated_at` say when it was first set and last replaced.
    pub meta: Meta,
}

/// The associated data a service's credential secret is sealed with, so a sealed value copied
/// to another service's row does not open there.
pub fn seal_context(service: &ServiceRef) -> String {
    format!("upstream-credential:{service}")
}

/// Header names an upstream credential may not set: framing, routing and what Wadah itself
/// sets towards the upstream.
const RESERVED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "proxy-authenticate",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "forwarded",
    "x-request-id",
];

impl UpstreamCredentialSpec {
    /// Checks every field; on success answers the public part and the secret to seal.
    pub fn split(&self) -> Result<(UpstreamCredentialPublic, String), ValidationError> {
        self.validate()?;
        let secret = match self {
            Self::Header { value, .. } => value,
            Self::Basic { password, .. } => password,
            Self::Oauth2ClientCredentials { client_secret, .. } => client_secret,
        };
        Ok((self.public(), secret.clone()))
    }

    pub fn public(&self) -> UpstreamCredentialPublic {
        match self.clone() {
            Self::Header { name, .. } => UpstreamCredentialPublic::Header {
                name: name.to_ascii_lowercase(),
            },
            Self::Basic { username, .. } => UpstreamCredentialPublic::Basic { username },
            Self::Oauth2ClientCredentials {
                token_url,
                client_id,
                scope,
                ..
            } => UpstreamCredentialPublic::Oauth2ClientCredentials {
                token_url,
                client_id,
                scope,
            },
        }
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        match self {
            Self::Header { name, value } => {
                let lower = name.to_ascii_lowercase();
                if name.is_empty() || name.len() > MAX_PUBLIC_BYTES || !name.bytes().all(is_token_byte) {
                    return Err(ValidationError::new(
                        "name",
                        "a header name: 1 to 256 letters, digits or !#$%&'*+-.^_`|~",
                    ));
                }
                if RESERVED_HEADERS.contains(&lower.as_str())
                    || lower.starts_with("x-forwarded-")
                    || lower.starts_with("x-wadah-")
                {
                    return Err(ValidationError::new(
                        "name",
                        format!(
                            "{lower} is set by the gateway or the HTTP framing and cannot be a credential"
                        ),
                    ));
                }
                secret("value", value)
            }
            Self::Basic { username, password } => {
                visible("username", username, MAX_PUBLIC_BYTES)?;
                if username.contains(':') {
                    return Err(ValidationError::new(
                        "username",
                        "a Basic username cannot contain `:`",
                    ));
                }
                secret("password", password)
            }
            Self::Oauth2ClientCredentials {
                token_url,
                client_id,
                client_secret,
                scope,
            } => {
                https_url("token_url", token_url)?;
                visible("client_id", client_id, MAX_PUBLIC_BYTES)?;
                secret("client_secret", client_secret)?;
                match scope {
                    Some(s) => visible("scope", s, MAX_SCOPE_BYTES),
                    None => Ok(()),
                }
            }
        }
    }
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// 1 to `max` bytes of visible ASCII (spaces allowed inside).
fn visible(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    let ok = !value.is_empty()
        && value.len() <= max
        && value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
        && value.trim() == value;
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            format!("1 to {max} visible ASCII characters, no leading or trailing space"),
        ))
    }
}

/// A secret travels in a header, so it is visible ASCII too.
fn secret(field: &'static str, value: &str) -> Result<(), ValidationError> {
    visible(field, value, MAX_SECRET_BYTES)
}

/// Client secrets are sent to the token endpoint, so only over TLS.
fn https_url(field: &'static str, raw: &str) -> Result<(), ValidationError> {
    if raw.len() > MAX_URL_BYTES {
        return Err(ValidationError::new(field, "a URL has at most 2000 characters"));
    }
    let url =
        url::Url::parse(raw).map_err(|e| ValidationError::new(field, format!("not a valid URL: {e}")))?;
    if url.scheme() != "https" {
        return Err(ValidationError::new(
            field,
            "the token endpoint must be an https:// URL (the client secret is sent to it)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) || !url.username().is_empty() || url.password().is_some() {
        return Err(ValidationError::new(
            field,
            "the URL must name a host and carry no credentials",
        ));
    }
    if url.fragment().is_some() {
        return Err(ValidationError::new(field, "the URL cannot have a #fragment"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn spec(v: serde_json::Value) -> Result<UpstreamCredentialSpec, String> {
        let s: UpstreamCredentialSpec = serde_json::from_value(v).map_err(|e| e.to_string())?;
        s.validate().map_err(|e| e.to_string())?;
        Ok(s)
    }

    #[test]
    fn each_kind_splits_into_a_public_part_and_one_secret() {
        let s = spec(serde_json::json!({"kind": "header", "name": "X-Api-Key", "value": "rahasia"})).unwrap();
        let (public, secret) = s.split().unwrap();
        assert_eq!(
            public,
            UpstreamCredentialPublic::Header {
                name: "x-api-key".into()
            }
        );
        assert_eq!(secret, "rahasia");
        assert!(
            !format!("{s:?}").contains("rahasia"),
            "Debug never shows the secret"
        );
        let s = spec(serde_json::json!({"kind": "oauth2_client_credentials",
            "token_url": "https://splp.go.id/oauth2/token", "client_id": "bontang", "client_secret": "s3"}))
        .unwrap();
        let (public, secret) = s.split().unwrap();
        assert_eq!(public.with_secret(secret), s);
    }

    #[test]
    fn bad_credentials_are_refused() {
        for bad in [
            serde_json::json!({"kind": "ntlm", "name": "x"}),
            serde_json::json!({"kind": "header", "name": "Host", "value": "x"}),
            serde_json::json!({"kind": "header", "name": "X-Wadah-Consumer", "value": "x"}),
            serde_json::json!({"kind": "header", "name": "bad name", "value": "x"}),
            serde_json::json!({"kind": "header", "name": "x-key", "value": "line\nbreak"}),
            serde_json::json!({"kind": "header", "name": "x-key", "value": "x".repeat(5000)}),
            serde_json::json!({"kind": "basic", "username": "a:b", "password": "x"}),
            serde_json::json!({"kind": "basic", "username": "a", "password": "x", "extra": 1}),
            serde_json::json!({"kind": "oauth2_client_credentials", "token_url": "http://splp.go.id/token",
                "client_id": "a", "client_secret": "b"}),
        ] {
            assert!(spec(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_ca_bundle_needs_a_certificate() {
        assert!(CaBundle::parse("not pem").is_err());
        assert!(CaBundle::parse("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_err());
        assert!(CaBundle::parse(&"x".repeat(MAX_CA_PEM_BYTES + 1)).is_err());
    }
}
