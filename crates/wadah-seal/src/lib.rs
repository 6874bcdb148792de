//! Secrets Wadah must be able to read back (upstream credentials, signing keys) are kept
//! *sealed*: AES-256-GCM under a master key that lives outside the database, so a copy of the
//! database or of a backup alone reveals nothing. Secrets Wadah only has to recognise (API
//! keys, client secrets, passwords) are hashed instead (`wadah_domain::secret`).
//!
//! A sealed value is text: `v1.{key id}.{base64url(nonce ‖ ciphertext ‖ tag)}`. The key id
//! (first 8 bytes of the key's SHA-256, hex) says which master key sealed it, so a key ring can
//! hold an old key while values are re-sealed under a new one. Every value is bound to a
//! *context* (associated data such as `upstream-credential:bpsdm/simpeg/pegawai`), so a sealed
//! value copied into another row does not open there.
//!
//! Every node of a cluster needs the same master key file; losing it makes the sealed values
//! unreadable (they must then be entered again), so it belongs in the operator's backup, apart
//! from the database backup.

use std::io::Write as _;
use std::path::Path;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The envelope version this code writes.
const VERSION: &str = "v1";
/// The longest sealed text [`KeyRing::open`] looks at (1 MiB of plaintext is plenty).
const MAX_SEALED: usize = 1_400_000;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the master key file {path} cannot be read or created: {source}")]
    KeyFile { path: String, source: std::io::Error },
    #[error("the master key file {0} must hold 64 hexadecimal characters (32 bytes); it was not changed")]
    KeyFormat(String),
    #[error("the master key file {0} may be read by other users; make it 0600 (chmod 600)")]
    KeyPermissions(String),
    #[error("the sealed value is not in the v1 format")]
    Format,
    #[error("the sealed value was made with master key {0}, which this node does not have")]
    UnknownKey(String),
    #[error("the sealed value does not open with this key and context (altered or moved)")]
    Open,
}

/// One 256-bit master key.
pub struct MasterKey {
    id: String,
    key: LessSafeKey,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        let id = hex::encode(&Sha256::digest(bytes)[..8]);
        // 32 bytes is exactly AES-256's key length, so this cannot fail.
        let unbound = UnboundKey::new(&AES_256_GCM, bytes).unwrap_or_else(|_| unreachable_key());
        Self {
            id,
            key: LessSafeKey::new(unbound),
        }
    }

    /// A fresh random key.
    pub fn generate() -> Result<Self, SealError> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| SealError::Format)?;
        Ok(Self::from_bytes(&bytes))
    }

    /// Reads the key file, or creates it (mode 0600, 64 hex characters) when it does not
    /// exist. An existing file is never rewritten: a malformed one is an error, not replaced.
    pub fn load_or_create(path: &Path) -> Result<Self, SealError> {
        let io = |source| SealError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Self::create(path).map_err(io)?;
                // Whoever won a race to create it (another node starting at the same moment
                // on a shared path), the file now holds a whole key: read that one.
                std::fs::read_to_string(path).map_err(io)?
            }
            Err(e) => return Err(io(e)),
        };
        let shown = path.display().to_string();
        check_permissions(path)
            .map_err(io)?
            .then_some(())
            .ok_or_else(|| SealError::KeyPermissions(shown.clone()))?;
        let bytes = hex::decode(text.trim()).map_err(|_| SealError::KeyFormat(shown.clone()))?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| SealError::KeyFormat(shown))?;
        Ok(Self::from_bytes(&bytes))
    }

    /// Writes a new random key to `path` unless a key is there already. The key is written
    /// and synced under a temporary name first and then hard-linked into place, which fails if
    /// `path` exists: so `path` never holds a partial key, and of two processes creating it at
    /// once exactly one key wins.
    fn create(path: &Path) -> std::io::Result<()> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| std::io::Error::other("no random bytes"))?;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut temp = tempfile::Builder::new().prefix(".master-key-").tempfile_in(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o600))?;
        }
        temp.write_all(format!("{}\n", hex::encode(bytes)).as_bytes())?;
        temp.as_file().sync_all()?;
        match std::fs::hard_link(temp.path(), path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
        // `temp` is removed when dropped; the key stays under `path`.
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt as _;
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o077 == 0)
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> std::io::Result<bool> {
    Ok(true)
}

#[allow(clippy::panic)]
fn unreachable_key() -> UnboundKey {
    panic!("AES-256-GCM rejected a 32-byte key")
}

/// The keys a node can open with; the first one seals.
#[derive(Debug)]
pub struct KeyRing {
    keys: Vec<MasterKey>,
}

impl KeyRing {
    pub fn new(current: MasterKey) -> Self {
        Self { keys: vec![current] }
    }

    /// Adds an older key that may still open values sealed before a key change.
    #[must_use]
    pub fn with_previous(mut self, key: MasterKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Seals `plaintext`, bound to `context`, under the current key with a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Result<String, SealError> {
        let Some(key) = self.keys.first() else {
            return Err(SealError::Format);
        };
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| SealError::Format)?;
        let mut buffer = plaintext.to_vec();
        key.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| SealError::Format)?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&buffer);
        Ok(format!("{VERSION}.{}.{}", key.id, URL_SAFE_NO_PAD.encode(blob)))
    }

    /// Opens a value sealed with `context` by any key of the ring.
    pub fn open(&self, sealed: &str, context: &str) -> Result<Vec<u8>, SealError> {
        if sealed.len() > MAX_SEALED {
            return Err(SealError::Format);
        }
        let mut parts = sealed.splitn(3, '.');
        let (Some(VERSION), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(SealError::Format);
        };
        let key = self
            .keys
            .iter()
            .find(|k| k.id == id)
            .ok_or_else(|| SealError::UnknownKey(id.to_owned()))?;
        let blob = URL_SAFE_NO_PAD.decode(body).map_err(|_| SealError::Format)?;
        if blob.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(SealError::Format);
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Format)?;
        let mut buffer = ciphertext.to_vec();
        let plain = key
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut buffer)
            .map_err(|_| SealError::Open)?;
        Ok(plain.to_vec())
    }

    /// Whether `sealed` was sealed by an older key and should be sealed again.
    pub fn needs_reseal(&self, sealed: &str) -> bool {
        let current = self.keys.first().map(|k| k.id.as_str());
        sealed.split('.').nth(1) != current
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use proptest::prelude::*;

    fn ring(byte: u8) -> KeyRing {
        KeyRing::new(MasterKey::from_bytes(&[byte; 32]))
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let ring = ring(1);
        let sealed = ring.seal(b"Bearer abc", "upstream:a/b/c").unwrap();
        assert!(!sealed.contains("abc"), "the plaintext must not show");
        assert_eq!(ring.open(&sealed, "upstream:a/b/c").unwrap(), b"Bearer abc");
        assert!(matches!(
            ring.open(&sealed, "upstream:a/b/d"),
            Err(SealError::Open)
        ));
        assert!(matches!(
            super::tests::ring(2).open(&sealed, "upstream:a/b/c"),
            Err(SealError::UnknownKey(_))
        ));
    }

    #[test]
    fn nodes_creating_the_key_at_once_all_get_the_one_key_that_won() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("master.key");
        let ids: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| MasterKey::load_or_create(&path).unwrap().id().to_owned()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        assert_eq!(MasterKey::load_or_create(&path).unwrap().id(), ids[0]);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn the_same_value_seals_differently_each_time() {
        let ring = ring(1);
        assert_ne!(ring.seal(b"x", "c").unwrap(), ring.seal(b"x", "c").unwrap());
    }

    #[test]
    fn an_old_key_still_opens_after_a_key_change() {
        let old = ring(1).seal(b"secret", "c").unwrap();
        let rotated = ring(2).with_previous(MasterKey::from_bytes(&[1; 32]));
        assert!(rotated.needs_reseal(&old));
        assert_eq!(rotated.open(&old, "c").unwrap(), b"secret");
        let new = rotated.seal(b"secret", "c").unwrap();
        assert!(!rotated.needs_reseal(&new));
    }

    #[test]
    fn the_key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/master.key");
        let first = MasterKey::load_or_create(&path).unwrap();
        let again = MasterKey::load_or_create(&path).unwrap();
        assert_eq!(first.id(), again.id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                MasterKey::load_or_create(&path),
                Err(SealError::KeyPermissions(_))
            ));
        }
    }

    #[test]
    fn a_malformed_key_file_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        std::fs::write(&path, "not hex").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert!(matches!(
            MasterKey::load_or_create(&path),
            Err(SealError::KeyFormat(_))
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not hex");
    }

    proptest! {
        #[test]
        fn any_altered_byte_is_detected(plain in proptest::collection::vec(any::<u8>(), 0..64), at in any::<usize>()) {
            let ring = ring(7);
            let sealed = ring.seal(&plain, "ctx").unwrap();
            let prefix = sealed.rfind('.').unwrap() + 1;
            let mut bytes = sealed.into_bytes();
            let i = prefix + at % (bytes.len() - prefix);
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert!(ring.open(&altered, "ctx").is_err());
        }
    }
}
