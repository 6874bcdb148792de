//! How Wadah authenticates itself at a provider's token endpoint.
//!
//! - `client_secret_basic` (RFC 6749 §2.3.1): the shared secret in `Authorization: Basic`,
//!   both parts form-encoded first.
//! - `private_key_jwt` (OpenID Connect Core §9, RFC 7523 §2.2): no shared secret at all; each
//!   token request carries a fresh JWT signed with Wadah's own private key (`iss` = `sub` =
//!   the client id, `aud` = the token endpoint, a random `jti`, valid 60 seconds), and the
//!   provider checks it with the public key registered for the client. A leaked request is
//!   useless a minute later, and nothing the provider stores lets anyone act as Wadah — the
//!   method INApas and many Keycloak realms prefer.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use super::SecretText;

/// The `client_assertion_type` of `private_key_jwt`.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How long a client assertion is valid.
const LIFETIME_SECS: i64 = 60;

/// A client's authentication method with its credential.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    SecretBasic(SecretText),
    PrivateKeyJwt(ClientKey),
}

/// Wadah's private key for `private_key_jwt`; never printed.
#[derive(Clone)]
pub struct ClientKey {
    key: Arc<EncodingKey>,
    alg: Algorithm,
    kid: Option<String>,
}

impl fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The algorithms a client key may sign with (asymmetric only).
pub const ALGORITHMS: &[&str] = &["ES256", "ES384", "RS256", "PS256", "EdDSA"];

impl ClientKey {
    /// A PEM private key for `alg`, which must be one of [`ALGORITHMS`] and fit the key: EC
    /// and Ed25519 keys as PKCS#8 (`BEGIN PRIVATE KEY`), RSA keys as PKCS#1 (`BEGIN RSA
    /// PRIVATE KEY`).
    pub fn from_pem(pem: &[u8], alg: &str, kid: Option<String>) -> Result<Self, String> {
        let der = pem_body(pem).ok_or("not a PEM private key")?;
        let (key, alg) = match alg {
            "ES256" => (EncodingKey::from_ec_der(&der), Algorithm::ES256),
            "ES384" => (EncodingKey::from_ec_der(&der), Algorithm::ES384),
            "RS256" => (EncodingKey::from_rsa_der(&der), Algorithm::RS256),
            "PS256" => (EncodingKey::from_rsa_der(&der), Algorithm::PS256),
            "EdDSA" => (EncodingKey::from_ed_der(&der), Algorithm::EdDSA),
            other => {
                return Err(format!(
                    "unsupported algorithm {other:?} (use one of {ALGORITHMS:?})"
                ));
            }
        };
        let probe = Self {
            key: Arc::new(key),
            alg,
            kid,
        };
        // Sign once now, so a key that does not fit the algorithm fails at start, not at login.
        probe
            .assertion("probe", "https://probe.invalid/token", "probe", 0)
            .map_err(|e| format!("the private key cannot sign {alg:?}: {e}"))?;
        Ok(probe)
    }

    /// The signed client assertion for one token request.
    pub fn assertion(
        &self,
        client_id: &str,
        token_endpoint: &str,
        jti: &str,
        now: i64,
    ) -> Result<String, String> {
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            sub: &'a str,
            aud: &'a str,
            jti: &'a str,
            iat: i64,
            exp: i64,
        }
        let mut header = Header::new(self.alg);
        header.kid.clone_from(&self.kid);
        let claims = Claims {
            iss: client_id,
            sub: client_id,
            aud: token_endpoint,
            jti,
            iat: now,
            exp: now + LIFETIME_SECS,
        };
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| e.to_string())
    }
}

/// The DER inside the first `-----BEGIN … PRIVATE KEY-----` block.
fn pem_body(pem: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(pem).ok()?;
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start..];
    let header_end = rest.find("-----\n").or_else(|| rest.find("-----\r\n"))? + 5;
    if !rest[..header_end].contains("PRIVATE KEY") {
        return None;
    }
    let body = &rest[header_end..];
    let end = body.find("-----END ")?;
    let b64: String = body[..end].chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(b64).ok().filter(|d| !d.is_empty())
}

/// `client_secret_basic` (RFC 6749 §2.3.1: both parts form-encoded, then Basic).
pub fn basic(client_id: &str, secret: &SecretText) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", enc(client_id), enc(secret.expose()));
    format!("Basic {}", STANDARD.encode(pair))
}

/// A random `jti` (128 bits, base64url).
pub fn jti(random: &dyn wadah_domain::secret::Random) -> String {
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A throwaway P-256 key for the tests (PKCS#8), generated for this file only.
    const EC_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9fC7W3Fd/F9sQapR
yJAldfc9tH7SiBcQGM9sqnzh+WyhRANCAATxh23C3oQMkf3RKmNZZlt8um/ZUXJ6
FI9fPH2x5cW9GpF7SNzf/ahJkBtFdIgVrOr4D+XLL9K11NK4no1SCu8V
-----END PRIVATE KEY-----
";

    #[test]
    fn client_secret_basic_form_encodes_both_parts() {
        let expected = format!("Basic {}", STANDARD.encode("wadah+app:s3%3Acr%2Ft"));
        assert_eq!(basic("wadah app", &SecretText::new("s3:cr/t")), expected);
    }

    #[test]
    fn a_client_assertion_names_the_client_and_the_token_endpoint_for_a_minute() {
        let key = ClientKey::from_pem(EC_PEM.as_bytes(), "ES256", Some("k1".into())).unwrap();
        let token = key
            .assertion("wadah", "https://idp.example/token", "j-1", 1_000)
            .unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(
            (header.alg, header.kid.as_deref()),
            (Algorithm::ES256, Some("k1"))
        );
        let payload = token.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!(
            claims,
            serde_json::json!({"iss": "wadah", "sub": "wadah", "aud": "https://idp.example/token",
                "jti": "j-1", "iat": 1_000, "exp": 1_060})
        );
        assert!(!format!("{key:?}").contains("MIGH"), "the key never prints");
    }

    #[test]
    fn keys_that_do_not_fit_are_refused_at_start() {
        assert!(ClientKey::from_pem(EC_PEM.as_bytes(), "RS256", None).is_err());
        assert!(ClientKey::from_pem(EC_PEM.as_bytes(), "HS256", None).is_err());
        assert!(ClientKey::from_pem(b"not a key", "ES256", None).is_err());
    }
}
