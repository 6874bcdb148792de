//! Passwords of administrators: argon2id with the library's default parameters, stored as PHC
//! strings. Hashing costs tens of milliseconds and MiBs of memory, so async callers run it in
//! `spawn_blocking`. Never used for API keys or tokens (those are high-entropy; see
//! `wadah_domain::secret`).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::ApiError;

/// Shortest accepted password, in characters.
pub const MIN_CHARS: usize = 12;
/// Longest accepted password, in characters (bounds the hashing work).
pub const MAX_CHARS: usize = 256;

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("random source failed: {0}")]
    Random(String),
    #[error("hashing failed: {0}")]
    Hash(String),
}

/// Hashes `plain` with argon2id and a fresh random salt from the operating system.
pub fn hash(plain: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| PasswordError::Random(e.to_string()))?;
    hash_with_salt(plain, &salt)
}

/// Hashes `plain` with argon2id and the given salt bytes (from a [`wadah_domain::secret::Random`]).
pub fn hash_with_salt(plain: &str, salt: &[u8]) -> Result<String, PasswordError> {
    let salt = SaltString::encode_b64(salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(plain.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `plain` matches the PHC string `phc` (false for a malformed `phc`).
pub fn verify(plain: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(plain.as_bytes(), &parsed)
            .is_ok()
    })
}

/// The length rule, as a `422` naming `password`.
pub fn check_policy(plain: &str) -> Result<(), ApiError> {
    let n = plain.chars().count();
    if (MIN_CHARS..=MAX_CHARS).contains(&n) {
        Ok(())
    } else {
        Err(ApiError::validation(
            "password",
            format!("password: must have {MIN_CHARS} to {MAX_CHARS} characters (got {n})"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("wrong horse battery", &phc));
        assert!(!verify("correct horse battery", "not a phc string"));
    }

    #[test]
    fn the_length_rule_names_the_field() {
        assert!(check_policy("short").is_err());
        assert!(check_policy(&"x".repeat(12)).is_ok());
        assert!(check_policy(&"x".repeat(257)).is_err());
    }
}
