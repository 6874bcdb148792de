//! Conformance case for the gateway's signing keys: one key per generation however many nodes
//! try to add it, retiring only ever brings a retirement forward, and purging drops only keys
//! retired long enough ago.

use super::fixtures::*;
use crate::{Store, StoredSigningKey};

fn key(kid: &str, generation: i64, activates: i64, retires: i64) -> StoredSigningKey {
    StoredSigningKey {
        kid: kid.into(),
        generation,
        alg: "ES256".into(),
        public_jwk: format!(r#"{{"kty":"EC","kid":"{kid}"}}"#),
        private_sealed: format!("v1.sealed.{kid}"),
        created_at: at(T0),
        activates_at: at(activates),
        retires_at: at(retires),
    }
}

pub async fn signing_keys_are_added_once_per_generation(store: &dyn Store) {
    assert!(store.signing_keys().await.expect("list").is_empty());
    let first = key("k1", 1, T0, T0 + 1_000_000);
    assert!(store.add_signing_key(&first).await.expect("add"));
    assert!(
        !store
            .add_signing_key(&key("k1-other-node", 1, T0 + 5, T0 + 1_000_005))
            .await
            .expect("add"),
        "a second key of the same generation is not added"
    );
    assert!(
        !store.add_signing_key(&first).await.expect("add"),
        "adding the same key twice is a no-op"
    );
    let next = key("k2", 2, T0 + 900_000, T0 + 1_900_000);
    assert!(store.add_signing_key(&next).await.expect("add"));
    let keys = store.signing_keys().await.expect("list");
    assert_eq!(
        keys,
        vec![first.clone(), next.clone()],
        "ordered by generation, round-tripped"
    );

    // Rotation: everything older than generation 3 retires at T0 + 500 000 at the latest.
    let forced = key("k3", 3, T0 + 500_000, T0 + 1_500_000);
    assert!(store.add_signing_key(&forced).await.expect("add"));
    assert_eq!(
        store
            .retire_signing_keys(3, at(T0 + 500_000))
            .await
            .expect("retire"),
        2
    );
    assert_eq!(
        store
            .retire_signing_keys(3, at(T0 + 800_000))
            .await
            .expect("retire"),
        0,
        "a later retirement never extends a key's life"
    );
    let keys = store.signing_keys().await.expect("list");
    let retires: Vec<_> = keys.iter().map(|k| (k.kid.as_str(), k.retires_at)).collect();
    assert_eq!(
        retires,
        [
            ("k1", at(T0 + 500_000)),
            ("k2", at(T0 + 500_000)),
            ("k3", at(T0 + 1_500_000))
        ]
    );

    assert_eq!(
        store.purge_signing_keys(at(T0 + 500_001)).await.expect("purge"),
        2
    );
    let left: Vec<_> = store
        .signing_keys()
        .await
        .expect("list")
        .into_iter()
        .map(|k| k.kid)
        .collect();
    assert_eq!(left, ["k3"]);
    assert_eq!(
        store.registry_version().await.expect("version"),
        0,
        "keys are not registry changes"
    );
}
