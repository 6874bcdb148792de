//! Authentication with a client certificate (mTLS), around the header credentials of `auth`.
//!
//! The TLS handshake has already verified the certificate against the configured client CAs
//! (chain, validity, client usage); here its fingerprint (SHA-256 of the leaf's DER) is looked
//! up among the registered certificate credentials in the snapshot. Revoked ones are not in
//! the snapshot, so a revocation is live with the next refresh; expiry is checked against the
//! clock, like API keys.
//!
//! Precedence when a request carries both a certificate and a header credential
//! (`Authorization` or `apikey`): both must be valid and name the **same application**, else
//! 401. The consumer is then the one of the header credential (the explicit, per-request
//! choice). A certificate that is trusted by the CA but not registered (or revoked, or expired)
//! is no credential: the header alone decides, and without one the request gets 401.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use wadah_domain::Timestamp;

use super::CREDENTIAL_HEADERS;
use crate::keys::KeySet;
use crate::problem::{Code, GatewayError};
use crate::snapshot::{Consumer, Snapshot};
use crate::tls::PeerCertificate;

/// The consumer behind the request's certificate and/or header credential.
pub fn authenticate(
    snapshot: &Snapshot,
    keys: &KeySet,
    headers: &HeaderMap,
    peer: Option<&PeerCertificate>,
    now: Timestamp,
) -> Result<Arc<Consumer>, GatewayError> {
    let Some(peer) = peer else {
        return super::authenticate(snapshot, keys, headers, now);
    };
    let by_certificate = snapshot
        .certificate_consumer(&peer.fingerprint)
        .filter(|c| c.expires_at.is_none_or(|t| t > now));
    let has_header = CREDENTIAL_HEADERS.iter().any(|h| headers.contains_key(*h));
    match (by_certificate, has_header) {
        (Some(consumer), false) => Ok(consumer.clone()),
        (None, false) => Err(refused(
            "the client certificate is not registered to an application, or its credential was \
             revoked or has expired; register it under the application's credentials",
        )),
        (None, true) => super::authenticate(snapshot, keys, headers, now),
        (Some(by_certificate), true) => {
            let by_header = super::authenticate(snapshot, keys, headers, now)?;
            if by_header.agency == by_certificate.agency
                && by_header.application == by_certificate.application
            {
                Ok(by_header)
            } else {
                Err(refused(
                    "the client certificate and the Authorization credential belong to different \
                     applications; send one application's credentials",
                ))
            }
        }
    }
}

fn refused(detail: &'static str) -> GatewayError {
    GatewayError::new(Code::Unauthenticated, detail).with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"wadah\", error=\"invalid_token\""),
    )
}

#[cfg(test)]
mod tests {
    use wadah_domain::credential::{Credential, CredentialKind};
    use wadah_domain::secret::SecretDigest;
    use wadah_domain::text::Name;
    use wadah_domain::{Actor, Code, Meta};
    use wadah_store::{GatewayCredential, GatewayView};

    use super::*;
    use crate::problem::Code as Problem;

    fn at(ms: i64) -> Timestamp {
        wadah_domain::time::from_millis(ms)
    }

    fn credential(app: &str, kind: CredentialKind, digest: &str, expires: Option<i64>) -> GatewayCredential {
        GatewayCredential {
            credential: Credential {
                id: format!("{app}-{}", kind.as_str()),
                agency: Code::parse("dinsos").unwrap(),
                application: Code::parse(app).unwrap(),
                name: Name::parse("x").unwrap(),
                kind,
                hint: String::new(),
                client_id: None,
                expires_at: expires.map(at),
                rotated_at: None,
                revoked_at: None,
                certificate: None,
                meta: Meta::new(&Actor::system("test"), at(0)),
            },
            digest: SecretDigest::from_stored(digest.to_owned()),
        }
    }

    /// e-bansos: a certificate (fingerprint 0x11…, expiring at t=1000) and an API key;
    /// e-pkh: an API key.
    fn no_keys() -> crate::keys::KeySet {
        crate::keys::tests_support::empty("http://gw")
    }

    fn snapshot() -> (Snapshot, PeerCertificate) {
        let cert = hex::encode([0x11u8; 32]);
        let view = GatewayView {
            version: 1,
            services: vec![],
            credentials: vec![
                credential("e-bansos", CredentialKind::Certificate, &cert, Some(1000)),
                credential(
                    "e-bansos",
                    CredentialKind::ApiKey,
                    SecretDigest::of("wdh_bansos").as_str(),
                    None,
                ),
                credential(
                    "e-pkh",
                    CredentialKind::ApiKey,
                    SecretDigest::of("wdh_pkh").as_str(),
                    None,
                ),
            ],
            rights: vec![],
            upstream_credentials: vec![],
        };
        let upstreams = crate::upstream::Upstreams {
            keys: std::sync::Arc::new(wadah_seal::KeyRing::new(wadah_seal::MasterKey::from_bytes(
                &[7; 32],
            ))),
            clients: crate::upstream::client::Clients::load(),
        };
        let peer = PeerCertificate {
            chain: Vec::new().into(),
            fingerprint: [0x11; 32],
        };
        (Snapshot::build(view, None, &upstreams), peer)
    }

    fn key(plain: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("apikey", plain.parse().unwrap());
        h
    }

    #[test]
    fn a_registered_certificate_names_its_application_until_it_expires() {
        let (snapshot, peer) = snapshot();
        let c = authenticate(&snapshot, &no_keys(), &HeaderMap::new(), Some(&peer), at(999)).unwrap();
        assert_eq!(
            (c.application.as_str(), c.credential.as_str()),
            ("e-bansos", "e-bansos-certificate")
        );
        let expired =
            authenticate(&snapshot, &no_keys(), &HeaderMap::new(), Some(&peer), at(1000)).unwrap_err();
        assert_eq!(expired.code, Problem::Unauthenticated);
        let stranger = PeerCertificate {
            fingerprint: [0x22; 32],
            ..peer
        };
        assert!(authenticate(&snapshot, &no_keys(), &HeaderMap::new(), Some(&stranger), at(0)).is_err());
    }

    #[test]
    fn with_both_the_header_credential_must_belong_to_the_same_application_and_wins() {
        let (snapshot, peer) = snapshot();
        let same = authenticate(&snapshot, &no_keys(), &key("wdh_bansos"), Some(&peer), at(0)).unwrap();
        assert_eq!(same.credential, "e-bansos-api_key");
        let other = authenticate(&snapshot, &no_keys(), &key("wdh_pkh"), Some(&peer), at(0)).unwrap_err();
        assert!(
            other.detail.contains("different applications"),
            "{}",
            other.detail
        );
        assert!(authenticate(&snapshot, &no_keys(), &key("wdh_nope"), Some(&peer), at(0)).is_err());
        // An expired (or unknown) certificate is no credential: the header decides alone.
        let header_only =
            authenticate(&snapshot, &no_keys(), &key("wdh_pkh"), Some(&peer), at(2000)).unwrap();
        assert_eq!(header_only.application.as_str(), "e-pkh");
    }
}
