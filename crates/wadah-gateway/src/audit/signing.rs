//! The keys that sign checkpoints. Each node has its own Ed25519 key (aws-lc-rs), made on its
//! first start.
//!
//! **Where the keys live, and why.** Both halves are kept in the store (`audit_keys`,
//! migration 0004): the public half in the clear, the private half sealed with the master key
//! ring (`wadah-seal`, context `audit-signing-key:{node}:{key id}`). Not in the audit
//! directory, because a key next to the files it vouches for can be replaced together with
//! them; not in a file per node, because an auditor then needs every node's disk to learn the
//! keys, and a replaced disk loses the key. In the store, an auditor reads every node's public
//! keys from one place that someone editing a node's files cannot change, and `wadah audit
//! verify` checks each checkpoint against them. To forge a checkpoint one needs both the
//! database (the sealed key) and the master key file, which lives apart from both.
//!
//! A node whose key cannot be opened (the master key changed without the old one kept in the
//! ring) makes a new key; old checkpoints stay verifiable with the old public key.

use std::collections::HashMap;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair as _, UnparsedPublicKey};
use sha2::{Digest as _, Sha256};
use wadah_domain::Clock;
use wadah_domain::audit::{AuditRecord, RecordBody};
use wadah_seal::KeyRing;
use wadah_store::{AuditKey, AuditPosition, Store, StoreError};

/// A node's private checkpoint key.
pub struct Signer {
    key_id: String,
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// The key id a checkpoint names: the first 8 bytes of the public key's SHA-256, hex.
pub fn key_id(public_key: &[u8]) -> String {
    hex::encode(&Sha256::digest(public_key)[..8])
}

fn context(node: &str, key_id: &str) -> String {
    format!("audit-signing-key:{node}:{key_id}")
}

impl Signer {
    /// A fresh key, and its PKCS#8 document (what gets sealed).
    pub fn generate() -> Result<(Self, Vec<u8>), String> {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| "cannot generate an Ed25519 key".to_owned())?;
        let signer = Self::from_pkcs8(pkcs8.as_ref())?;
        Ok((signer, pkcs8.as_ref().to_vec()))
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, String> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8)
            .map_err(|_| "the stored audit key is not an Ed25519 key".to_owned())?;
        Ok(Self {
            key_id: key_id(pair.public_key().as_ref()),
            pair,
        })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn public_key(&self) -> Vec<u8> {
        self.pair.public_key().as_ref().to_vec()
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }

    /// The node's newest key from the store, or a new one published there.
    pub async fn load_or_create(
        store: &dyn Store,
        ring: &KeyRing,
        node: &str,
        clock: &dyn Clock,
    ) -> Result<Self, StoreError> {
        if let Some((key, sealed)) = store.audit_signing_key(node).await? {
            match ring
                .open(&sealed, &context(node, &key.key_id))
                .map_err(|e| e.to_string())
                .and_then(|pkcs8| Self::from_pkcs8(&pkcs8))
            {
                Ok(signer) if signer.key_id == key.key_id => return Ok(signer),
                Ok(_) => {
                    tracing::error!(node, key = %key.key_id, "the stored audit key does not match its id; making a new one")
                }
                Err(e) => {
                    tracing::error!(node, key = %key.key_id, error = %e, "cannot open the audit signing key; making a new one")
                }
            }
        }
        let (signer, pkcs8) = Self::generate().map_err(StoreError::Internal)?;
        let sealed = ring
            .seal(&pkcs8, &context(node, &signer.key_id))
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        let key = AuditKey {
            key_id: signer.key_id.clone(),
            node: node.to_owned(),
            public_key: signer.public_key(),
            created_at: clock.now(),
        };
        store.add_audit_key(&key, &sealed).await?;
        tracing::info!(node, key = %signer.key_id, "made a new audit signing key");
        Ok(signer)
    }
}

/// What `verify` trusts beyond the files: the published public keys, and how far the store's
/// index has seen each node's log.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// key id → (node, raw public key).
    keys: HashMap<String, (String, Vec<u8>)>,
    /// node → index position.
    pub positions: HashMap<String, AuditPosition>,
}

impl Trust {
    pub fn new(keys: Vec<AuditKey>, positions: Vec<(String, AuditPosition)>) -> Self {
        Self {
            keys: keys
                .into_iter()
                .map(|k| (k.key_id, (k.node, k.public_key)))
                .collect(),
            positions: positions.into_iter().collect(),
        }
    }

    /// Trusts one key (tests, or a key given on the command line).
    pub fn with_key(mut self, node: &str, public_key: Vec<u8>) -> Self {
        self.keys
            .insert(key_id(&public_key), (node.to_owned(), public_key));
        self
    }

    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Checks a checkpoint record's signature: a published key of the record's node signed it.
    pub fn check(&self, record: &AuditRecord) -> Result<(), String> {
        let (RecordBody::Checkpoint(c), Some(message)) = (&record.body, record.checkpoint_message()) else {
            return Err("it is not a checkpoint".into());
        };
        let Some((node, public_key)) = self.keys.get(&c.key_id) else {
            return Err(format!(
                "the checkpoint is signed by key {}, which is not a published audit key",
                c.key_id
            ));
        };
        if *node != record.node {
            return Err(format!(
                "the checkpoint is signed by key {} of node {node}, not of node {}",
                c.key_id, record.node
            ));
        }
        UnparsedPublicKey::new(&ED25519, public_key)
            .verify(&message, &c.signature)
            .map_err(|_| format!("the checkpoint's signature does not verify with key {}", c.key_id))
    }
}
