//! Conformance case for the gateway's feed: one view holds every service, every credential
//! with the digest of its *current* secret (revoked ones included, marked), and every right,
//! and a later view reflects each change at a higher version.

use serde_json::json;
use wadah_domain::access::AccessRightSpec;
use wadah_domain::credential::CredentialSpec;

use super::fixtures::*;
use crate::Store;

pub async fn gateway_view_follows_credentials_and_rights(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm", "dinsos"]).await;
    let key: CredentialSpec = spec(json!({"name": "kunci", "kind": "api_key"}));
    let first = secret("gw-first");
    let cred = store
        .create_credential(&code("dinsos"), &code("app"), &key, &first, None, &change())
        .await
        .expect("create credential");
    let grant: AccessRightSpec = spec(json!({
        "consumer": {"agency": "dinsos", "application": "app"},
        "service": {"agency": "bpsdm", "application": "app", "service": "svc"},
        "methods": ["GET"], "limit_per_minute": 60,
    }));
    store.create_right(&grant, &change()).await.expect("grant");

    let v1 = store.gateway_view().await.expect("view");
    assert_eq!(v1.version, store.registry_version().await.expect("version"));
    let paths: Vec<String> = v1
        .services
        .iter()
        .map(|s| format!("{}/{}/{}", s.agency, s.application, s.spec.code))
        .collect();
    assert_eq!(paths, ["bpsdm/app/svc", "dinsos/app/svc"]);
    assert_eq!(v1.credentials.len(), 1);
    let c = &v1.credentials[0];
    assert_eq!(
        (c.credential.id.as_str(), &c.digest),
        (cred.id.as_str(), &first.digest)
    );
    assert_eq!(
        (c.credential.agency.as_str(), c.credential.application.as_str()),
        ("dinsos", "app")
    );
    assert_eq!(v1.rights.len(), 1);
    assert_eq!(v1.rights[0].spec.limit_per_minute, Some(60));

    let second = secret("gw-second");
    let later = change_at("tester", T0 + 1_000);
    store
        .rotate_credential(&cred.id, &second, &later)
        .await
        .expect("rotate");
    let v2 = store.gateway_view().await.expect("view");
    assert!(v2.version > v1.version, "a rotation moves the version");
    assert_eq!(
        v2.credentials[0].digest, second.digest,
        "the view holds the current secret only"
    );

    store.revoke_credential(&cred.id, &later).await.expect("revoke");
    let wide: AccessRightSpec = spec(json!({
        "consumer": {"agency": "bpsdm"},
        "service": {"agency": "dinsos", "application": "app", "service": "svc"},
    }));
    let added = store.create_right(&wide, &later).await.expect("grant");
    let v3 = store.gateway_view().await.expect("view");
    assert!(v3.version > v2.version);
    assert_eq!(v3.credentials[0].credential.revoked_at, Some(at(T0 + 1_000)));
    assert!(!v3.credentials[0].credential.is_usable(at(T0 + 2_000)));
    assert_eq!(v3.rights.len(), 2);
    assert!(
        v3.rights
            .iter()
            .any(|r| r.id == added.id && r.spec.consumer.application.is_none())
    );

    let unchanged = store.gateway_view().await.expect("view");
    assert_eq!(unchanged.version, v3.version, "reading changes nothing");
}
