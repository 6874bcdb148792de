//! Secrets Wadah hands out (API keys, OAuth2 client secrets, admin API tokens) and how it keeps
//! them: only a SHA-256 digest is stored, the plain value is shown once, and comparisons are
//! constant-time. A fast hash is right here because the secrets are 256-bit random values, not
//! passwords; passwords use argon2id in the binary.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Where random bytes come from (the OS in production, a fixed stream in tests).
pub trait Random: Send + Sync + std::fmt::Debug {
    fn fill(&self, buf: &mut [u8]);
}

/// The kinds of secret, each with a prefix that makes a leaked value recognisable
/// (secret scanners, log review) and tells which listener it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A consumer's API key for the gateway (`wdh_`, DESIGN.md §3).
    ApiKey,
    /// An OAuth2 client secret for `POST /oauth2/token`.
    ClientSecret,
    /// A person's token for the admin API on the web listener.
    AdminToken,
}

impl SecretKind {
    pub fn prefix(self) -> &'static str {
        match self {
            Self::ApiKey => "wdh_",
            Self::ClientSecret => "wdhs_",
            Self::AdminToken => "wdha_",
        }
    }
}

/// A freshly minted secret: the plain value (to show once) and what is stored.
#[derive(Debug)]
pub struct IssuedSecret {
    pub plain: String,
    pub digest: SecretDigest,
    /// The first characters after the prefix, stored to help people tell keys apart.
    pub hint: String,
}

/// The stored form of a secret: hex SHA-256 of the whole plain value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretDigest(String);

impl SecretDigest {
    pub fn of(plain: &str) -> Self {
        Self(hex::encode(Sha256::digest(plain.as_bytes())))
    }

    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Constant-time check that `plain` is the secret behind this digest.
    pub fn matches(&self, plain: &str) -> bool {
        let candidate = Self::of(plain);
        candidate.0.as_bytes().ct_eq(self.0.as_bytes()).into()
    }
}

/// Mints a new secret of `kind`: prefix + 32 random bytes, base64url without padding.
pub fn issue(kind: SecretKind, random: &dyn Random) -> IssuedSecret {
    let mut bytes = [0u8; 32];
    random.fill(&mut bytes);
    let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let plain = format!("{}{body}", kind.prefix());
    IssuedSecret {
        digest: SecretDigest::of(&plain),
        hint: format!("{}{}…", kind.prefix(), &body[..6]),
        plain,
    }
}

/// Mints a public identifier (e.g. an OAuth2 `client_id`): 16 random bytes, hex.
pub fn public_id(prefix: &str, random: &dyn Random) -> String {
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Counter(std::sync::atomic::AtomicU8);
    impl Random for Counter {
        fn fill(&self, buf: &mut [u8]) {
            let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            buf.iter_mut().for_each(|b| *b = n);
        }
    }

    #[test]
    fn issued_secrets_carry_their_prefix_and_verify_only_themselves() {
        let random = Counter(Default::default());
        let a = issue(SecretKind::ApiKey, &random);
        let b = issue(SecretKind::ApiKey, &random);
        assert!(a.plain.starts_with("wdh_"));
        assert_eq!(a.plain.len(), 4 + 43);
        assert!(a.digest.matches(&a.plain));
        assert!(!a.digest.matches(&b.plain));
        assert!(!a.digest.as_str().contains(&a.plain[4..]));
        assert!(issue(SecretKind::AdminToken, &random).plain.starts_with("wdha_"));
    }
}
