//! Conformance case for upstream credentials: the store keeps the public part and the sealed
//! secret it was given, hands the sealed secret only to the gateway feed (where the key ring
//! that sealed it opens it, and no other ring or service context does), logs changes without
//! any secret, and drops the credential with its service.

use serde_json::json;
use wadah_domain::service::ServiceRef;
use wadah_domain::upstream::{UpstreamCredentialPublic, UpstreamCredentialSpec, seal_context};
use wadah_seal::{KeyRing, MasterKey};

use super::fixtures::*;
use crate::{ChangeFilter, DeleteMode, Store, StoreError};

const PLAIN: &str = "rahasia-splp-7f3a";

fn sealed(
    ring: &KeyRing,
    service: &ServiceRef,
    spec: &UpstreamCredentialSpec,
) -> (UpstreamCredentialPublic, String) {
    let (public, secret) = spec.split().expect("valid credential");
    let sealed = ring
        .seal(secret.as_bytes(), &seal_context(service))
        .expect("seal");
    (public, sealed)
}

pub async fn upstream_credentials_stay_sealed(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm"]).await;
    let svc = service_ref("bpsdm", "app", "svc");
    let ring = KeyRing::new(MasterKey::from_bytes(&[7; 32]));
    assert!(store.get_upstream_credential(&svc).await.expect("get").is_none());
    let basic: UpstreamCredentialSpec =
        spec(json!({"kind": "basic", "username": "bontang", "password": PLAIN}));
    let (public, sealed_secret) = sealed(&ring, &svc, &basic);
    let set = store
        .set_upstream_credential(&svc, &public, &sealed_secret, &change())
        .await
        .expect("set");
    assert_eq!(set.public, public);
    assert_eq!(
        store.get_upstream_credential(&svc).await.expect("get"),
        Some(set.clone())
    );

    let view = store.gateway_view().await.expect("view");
    let [fed] = view.upstream_credentials.as_slice() else {
        panic!(
            "one upstream credential expected: {:?}",
            view.upstream_credentials
        );
    };
    assert_eq!((&fed.service, &fed.public), (&svc, &public));
    let opened = ring
        .open(&fed.sealed_secret, &seal_context(&svc))
        .expect("the sealing ring opens it");
    assert_eq!(opened, PLAIN.as_bytes());
    let other_ring = KeyRing::new(MasterKey::from_bytes(&[8; 32]));
    assert!(
        other_ring.open(&fed.sealed_secret, &seal_context(&svc)).is_err(),
        "another key ring cannot"
    );
    let elsewhere = service_ref("bpsdm", "app", "other");
    assert!(
        ring.open(&fed.sealed_secret, &seal_context(&elsewhere)).is_err(),
        "nor another service"
    );

    let header: UpstreamCredentialSpec =
        spec(json!({"kind": "header", "name": "X-Api-Key", "value": "kunci-baru"}));
    let (public2, sealed2) = sealed(&ring, &svc, &header);
    let replaced = store
        .set_upstream_credential(&svc, &public2, &sealed2, &change())
        .await
        .expect("replace");
    assert_eq!(replaced.meta.version, set.meta.version + 1);
    let view = store.gateway_view().await.expect("view");
    assert_eq!(view.upstream_credentials[0].sealed_secret, sealed2);

    let missing = service_ref("bpsdm", "app", "nope");
    assert!(matches!(
        store
            .set_upstream_credential(&missing, &public, &sealed_secret, &change())
            .await,
        Err(StoreError::NotFound { .. })
    ));
    store
        .delete_upstream_credential(&svc, &change())
        .await
        .expect("delete");
    assert!(store.get_upstream_credential(&svc).await.expect("get").is_none());
    assert!(matches!(
        store.delete_upstream_credential(&svc, &change()).await,
        Err(StoreError::NotFound { .. })
    ));

    let log = changes(
        store,
        &ChangeFilter {
            agency: None,
            kind: Some("upstream_credential".into()),
        },
    )
    .await;
    assert_eq!(log.len(), 3, "set, replace, delete: {log:?}");
    let text = serde_json::to_string(&log).expect("json");
    for secret in [PLAIN, "kunci-baru", sealed_secret.as_str(), sealed2.as_str()] {
        assert!(
            !text.contains(secret),
            "the change log holds no secret, sealed or not"
        );
    }
    assert!(text.contains("bontang"), "it does hold the public part");

    store
        .set_upstream_credential(&svc, &public, &sealed_secret, &change())
        .await
        .expect("set again");
    let cascade = DeleteMode {
        expected_version: None,
        cascade: true,
    };
    store
        .delete_service(&svc, cascade, &change())
        .await
        .expect("delete service");
    let view = store.gateway_view().await.expect("view");
    assert!(
        view.upstream_credentials.is_empty(),
        "the credential goes with its service"
    );
}
