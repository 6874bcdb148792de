//! Conformance case: every kind of object updates the same way (new content stored, version
//! bumped, stale versions and changed codes refused), not just agencies.

use serde_json::json;
use wadah_domain::access::AccessRightSpec;
use wadah_domain::public_service::PublicServiceSpec;
use wadah_domain::user::UserSpec;

use super::fixtures::*;
use crate::{Store, StoreError};

fn is_stale<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::StaleVersion { .. }))
}

pub async fn every_kind_updates_with_its_version(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm", "dinsos"]).await;
    let later = change_at("editor", T0 + 1);

    let mut gov = government("bontang");
    gov.name = spec(json!("Pemerintah Kota Bontang"));
    let g = store
        .update_government(&code("bontang"), &gov, 1, &later)
        .await
        .expect("government");
    assert_eq!((g.meta.version, &g.spec), (2, &gov));
    assert!(is_stale(
        &store.update_government(&code("bontang"), &gov, 1, &later).await
    ));

    let mut app = application("app");
    app.audience = spec(json!("public"));
    let a = store
        .update_application(&code("bpsdm"), &code("app"), &app, 1, &later)
        .await
        .expect("application");
    assert_eq!(
        store
            .get_application(&code("bpsdm"), &code("app"))
            .await
            .expect("get"),
        a
    );
    assert_eq!(a.meta.version, 2);

    let svc_ref = service_ref("bpsdm", "app", "svc");
    let mut svc = service("svc", "internal");
    svc.timeout_ms = 5_000;
    let s = store
        .update_service(&svc_ref, &svc, 1, &later)
        .await
        .expect("service");
    assert_eq!(store.get_service(&svc_ref).await.expect("get"), s);
    assert_eq!((s.meta.version, s.spec.timeout_ms), (2, 5_000));
    assert!(is_stale(&store.update_service(&svc_ref, &svc, 1, &later).await));
    let renamed = store
        .update_service(&svc_ref, &service("svc2", "public"), 2, &later)
        .await;
    assert!(matches!(renamed, Err(StoreError::InvalidState(_))), "{renamed:?}");

    let ps: PublicServiceSpec =
        spec(json!({"code": "cuti", "name": "Cuti", "audience": "asn", "applications": ["app"]}));
    store
        .create_public_service(&code("bpsdm"), &ps, &change())
        .await
        .expect("create");
    let mut ps2 = ps.clone();
    ps2.applications.clear();
    ps2.topics = vec![code("kepegawaian")];
    let p = store
        .update_public_service(&code("bpsdm"), &code("cuti"), &ps2, 1, &later)
        .await
        .expect("public service");
    assert_eq!(
        store
            .get_public_service(&code("bpsdm"), &code("cuti"))
            .await
            .expect("get"),
        p
    );
    assert!(p.spec.applications.is_empty());

    let right: AccessRightSpec = spec(json!({"consumer": {"agency": "dinsos", "application": "app"},
        "service": {"agency": "bpsdm", "application": "app", "service": "svc"}}));
    let created = store.create_right(&right, &change()).await.expect("right");
    let mut narrower = right.clone();
    narrower.paths = vec![spec(json!("/pegawai/*"))];
    narrower.expires_at = Some(at(T0 + 86_400_000));
    let r = store
        .update_right(&created.id, &narrower, 1, &later)
        .await
        .expect("right update");
    assert_eq!(store.get_right(&created.id).await.expect("get"), r);
    assert_eq!((r.meta.version, &r.spec), (2, &narrower));
    assert!(is_stale(
        &store.update_right(&created.id, &narrower, 1, &later).await
    ));

    let user: UserSpec =
        spec(json!({"username": "ani", "display_name": "Ani", "role": "agency_admin", "agency": "bpsdm"}));
    store.create_user(&user, None, &change()).await.expect("user");
    let mut moved = user.clone();
    moved.agency = Some(code("dinsos"));
    let u = store
        .update_user(&user.username, &moved, 1, &later)
        .await
        .expect("user update");
    assert_eq!(store.get_user(&user.username).await.expect("get"), u);
    assert!(is_stale(
        &store.update_user(&user.username, &moved, 1, &later).await
    ));
    let gone = store
        .update_user(
            &user.username,
            &spec(json!({"username": "ani", "display_name": "Ani",
        "role": "agency_admin", "agency": "nowhere"})),
            2,
            &later,
        )
        .await;
    assert!(
        matches!(gone, Err(StoreError::MissingReference { .. })),
        "{gone:?}"
    );
}
