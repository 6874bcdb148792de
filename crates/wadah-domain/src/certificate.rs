//! Client certificates as credentials (mTLS on the gateway listener). An administrator posts
//! the PEM of an application's certificate; it is parsed here once, at the edge, into a
//! [`ClientCertificate`]: the SHA-256 fingerprint of its DER (what the gateway matches the
//! certificate of a TLS connection against), its subject and its validity end.
//!
//! Rules: one `CERTIFICATE` block, at most [`MAX_PEM_BYTES`]; it parses as X.509; it has not
//! expired; it is a leaf (not a CA: `basicConstraints cA` unset); if it limits its use
//! (extended key usage), TLS client authentication is among the uses, because the gateway's
//! verifier would refuse it in the handshake otherwise. Whether it chains to a trusted CA is
//! the gateway's handshake to decide: that trust is node configuration, not registry data.

use sha2::{Digest, Sha256};
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::{Timestamp, ValidationError};

/// The largest PEM accepted (a leaf certificate is 1–3 KiB; RSA 4096 with many names ~ 6 KiB).
pub const MAX_PEM_BYTES: usize = 16 * 1024;

/// The longest subject kept; longer ones are cut (it is shown to people, never matched).
const MAX_SUBJECT_CHARS: usize = 256;

const FIELD: &str = "certificate";

/// A validated client certificate, as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertificate {
    /// Lower-case hex SHA-256 of the certificate's DER.
    pub fingerprint: String,
    /// The subject distinguished name, e.g. `CN=e-bansos, O=Dinas Sosial`.
    pub subject: String,
    pub not_after: Timestamp,
}

/// The lower-case hex SHA-256 of a certificate's DER: the one definition both the registry and
/// the gateway use.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

impl ClientCertificate {
    /// Parses and checks `pem` (see the module rules) as of `now`.
    pub fn from_pem(pem: &str, now: Timestamp) -> Result<Self, ValidationError> {
        if pem.len() > MAX_PEM_BYTES {
            return Err(invalid(format!(
                "a PEM certificate of at most {MAX_PEM_BYTES} bytes is expected"
            )));
        }
        let der = single_certificate(pem)?;
        let (rest, cert) = X509Certificate::from_der(&der)
            .map_err(|_| invalid("the PEM block is not an X.509 certificate"))?;
        if !rest.is_empty() {
            return Err(invalid("the certificate has trailing bytes after its DER"));
        }
        check_leaf(&cert)?;
        let not_after = chrono::DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0)
            .ok_or_else(|| invalid("the certificate's validity end cannot be read"))?;
        if not_after <= now {
            return Err(invalid(format!(
                "the certificate expired at {}; register a current one",
                not_after.to_rfc3339()
            )));
        }
        Ok(Self {
            fingerprint: fingerprint(&der),
            subject: subject(&cert),
            not_after,
        })
    }

    /// When a credential for this certificate stops working: the certificate's end, or the
    /// earlier expiry the administrator asked for.
    pub fn credential_expiry(&self, requested: Option<Timestamp>) -> Timestamp {
        requested.map_or(self.not_after, |t| t.min(self.not_after))
    }

    /// The first characters of the fingerprint, to tell certificates apart in lists.
    pub fn hint(&self) -> String {
        format!("sha256:{}…", &self.fingerprint[..16])
    }
}

fn invalid(message: impl Into<String>) -> ValidationError {
    ValidationError::new(FIELD, message)
}

/// The DER of the one `CERTIFICATE` block in `pem`.
fn single_certificate(pem: &str) -> Result<Vec<u8>, ValidationError> {
    let mut blocks = Pem::iter_from_buffer(pem.as_bytes());
    let first = match blocks.next() {
        Some(Ok(block)) => block,
        Some(Err(_)) => return Err(invalid("the PEM block is malformed (bad header or base64)")),
        None => {
            return Err(invalid(
                "expected a PEM certificate (-----BEGIN CERTIFICATE----- …)",
            ));
        }
    };
    if first.label != "CERTIFICATE" {
        return Err(invalid(format!(
            "expected a CERTIFICATE block, got {:?}; never send a private key",
            first.label.chars().take(32).collect::<String>()
        )));
    }
    if blocks.next().is_some() {
        return Err(invalid(
            "send only the application's own (leaf) certificate, without its chain",
        ));
    }
    Ok(first.contents)
}

fn check_leaf(cert: &X509Certificate<'_>) -> Result<(), ValidationError> {
    let constraints = cert
        .basic_constraints()
        .map_err(|_| invalid("the certificate's basic constraints are malformed"))?;
    if constraints.is_some_and(|c| c.value.ca) {
        return Err(invalid(
            "this is a CA certificate; register the application's own (leaf) certificate",
        ));
    }
    let usage = cert
        .extended_key_usage()
        .map_err(|_| invalid("the certificate's extended key usage is malformed"))?;
    if let Some(usage) = usage
        && !(usage.value.client_auth || usage.value.any)
    {
        return Err(invalid(
            "the certificate's extended key usage does not include TLS client authentication",
        ));
    }
    Ok(())
}

fn subject(cert: &X509Certificate<'_>) -> String {
    let full = cert.subject().to_string();
    if full.chars().count() <= MAX_SUBJECT_CHARS {
        return full;
    }
    let mut cut: String = full.chars().take(MAX_SUBJECT_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    };

    use super::*;

    fn now() -> Timestamp {
        crate::time::from_millis(1_772_352_000_000) // 2026-03-01
    }

    fn params(cn: &str, not_after_year: i32) -> CertificateParams {
        let mut p = CertificateParams::new(vec![]).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.not_before = rcgen::date_time_ymd(2025, 1, 1);
        p.not_after = rcgen::date_time_ymd(not_after_year, 1, 1);
        p
    }

    /// (CA issuer, its PEM) and a leaf signed by it.
    fn issue(mut leaf: CertificateParams) -> (String, String) {
        let mut ca = params("Wadah Test CA", 2040);
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        leaf.extended_key_usages.push(ExtendedKeyUsagePurpose::ClientAuth);
        let key = KeyPair::generate().unwrap();
        let cert = leaf.signed_by(&key, &issuer).unwrap();
        (ca_cert.pem(), cert.pem())
    }

    #[test]
    fn a_leaf_certificate_gives_its_fingerprint_subject_and_end() {
        let (_, pem) = issue(params("e-bansos", 2030));
        let cert = ClientCertificate::from_pem(&pem, now()).unwrap();
        assert_eq!(cert.fingerprint.len(), 64);
        assert!(cert.subject.contains("CN=e-bansos"), "{}", cert.subject);
        assert_eq!(cert.not_after.to_rfc3339(), "2030-01-01T00:00:00+00:00");
        assert!(cert.hint().starts_with("sha256:"));
        let earlier = crate::time::from_millis(1_800_000_000_000);
        assert_eq!(cert.credential_expiry(Some(earlier)), earlier);
        assert_eq!(cert.credential_expiry(None), cert.not_after);
    }

    #[test]
    fn the_fingerprint_is_the_sha256_of_the_der() {
        let (_, pem) = issue(params("x", 2030));
        let der = Pem::iter_from_buffer(pem.as_bytes())
            .next()
            .unwrap()
            .unwrap()
            .contents;
        let cert = ClientCertificate::from_pem(&pem, now()).unwrap();
        assert_eq!(cert.fingerprint, fingerprint(&der));
    }

    #[test]
    fn bad_certificates_are_refused_with_a_reason() {
        let (ca, leaf) = issue(params("x", 2030));
        let (_, expired) = issue(params("old", 2026));
        let mut server_only = params("server", 2030);
        server_only.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().unwrap();
        let server_only = server_only.self_signed(&key).unwrap().pem();
        let garbage = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let private = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let huge = format!("{leaf}{}", " ".repeat(MAX_PEM_BYTES));
        for (pem, needle) in [
            ("not a certificate", "expected a PEM certificate"),
            (garbage, "not an X.509"),
            (private, "never send a private key"),
            (ca.as_str(), "CA certificate"),
            (expired.as_str(), "expired"),
            (server_only.as_str(), "client authentication"),
            (huge.as_str(), "at most"),
            (&format!("{leaf}{ca}"), "without its chain"),
        ] {
            let err = ClientCertificate::from_pem(pem, now()).unwrap_err();
            assert_eq!(err.field, "certificate");
            assert!(err.message.contains(needle), "{needle}: {}", err.message);
        }
    }
}
