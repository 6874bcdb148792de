//! Conformance cases for the bookkeeping every write does: the change log (who, what, before
//! and after, scoped by agency, newest first) and the registry version, and that a failed
//! write leaves both untouched.

use serde_json::json;
use wadah_domain::Actor;
use wadah_domain::change::ChangeAction;

use super::fixtures::*;
use crate::{ChangeFilter, DeleteMode, PageRequest, Store, StoreError};

/// Creates, updates and deletes are logged with actor, time, before and after; an agency's
/// view holds its own objects and the rights it consumes, nothing else; pages run newest first.
pub async fn change_log_records_every_write(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm", "dinsos", "dishub"]).await;
    let editor = change_at("editor", T0 + 1_000);
    store
        .update_application(&code("bpsdm"), &code("app"), &application("app"), 1, &editor)
        .await
        .expect("update");
    let right = spec(json!({"consumer": {"agency": "dinsos"},
        "service": {"agency": "bpsdm", "application": "app", "service": "svc"}}));
    let granted = store.create_right(&right, &editor).await.expect("right");
    store
        .delete_service(
            &service_ref("dishub", "app", "svc"),
            DeleteMode::default(),
            &editor,
        )
        .await
        .expect("delete");

    let all = changes(store, &ChangeFilter::default()).await;
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let deleted = &all[0];
    assert_eq!(
        (deleted.action, deleted.kind.as_str()),
        (ChangeAction::Delete, "service")
    );
    assert_eq!(deleted.key, "dishub/app/svc");
    assert_eq!(deleted.agency, Some(code("dishub")));
    assert_eq!(deleted.actor, Actor::user("editor"));
    assert_eq!(deleted.at, at(T0 + 1_000));
    assert_eq!(
        deleted.before.as_ref().and_then(|b| b["code"].as_str()),
        Some("svc")
    );
    assert!(deleted.after.is_none());

    let updated = all
        .iter()
        .find(|e| e.action == ChangeAction::Update && e.kind == "application")
        .expect("the update is logged");
    assert_eq!(updated.key, "bpsdm/app");
    let version = |v: &Option<serde_json::Value>| v.as_ref().map(|d| d["meta"]["version"].clone());
    assert_eq!(
        (version(&updated.before), version(&updated.after)),
        (Some(json!(1)), Some(json!(2)))
    );
    let created = all
        .iter()
        .filter(|e| e.action == ChangeAction::Create)
        .map(|e| e.kind.as_str())
        .collect::<Vec<_>>();
    assert_eq!(created.iter().filter(|k| **k == "agency").count(), 3);
    assert!(created.contains(&"government") && created.contains(&"access_right"));

    let scoped = |agency: &str| ChangeFilter {
        agency: Some(code(agency)),
        ..ChangeFilter::default()
    };
    let dinsos = changes(store, &scoped("dinsos")).await;
    assert!(
        dinsos.iter().any(|e| e.key == granted.id),
        "the consumer sees the right it holds"
    );
    assert!(
        dinsos
            .iter()
            .all(|e| e.agency == Some(code("dinsos")) || e.key == granted.id)
    );
    let dishub = changes(store, &scoped("dishub")).await;
    assert!(dishub.iter().all(|e| e.agency == Some(code("dishub"))));
    assert_eq!(
        dishub.len(),
        4,
        "agency, application, service created; service deleted"
    );
    let kind = ChangeFilter {
        kind: Some("service".into()),
        ..ChangeFilter::default()
    };
    assert_eq!(changes(store, &kind).await.len(), 4);

    let paged = all_pages(2, |p| async move {
        store.list_changes(&ChangeFilter::default(), &p).await
    })
    .await;
    assert_eq!(paged, all, "pages join up to the whole log");
}

/// The registry version grows with every committed write and not with reads.
pub async fn registry_version_grows_on_writes_only(store: &dyn Store) {
    let v0 = store.registry_version().await.expect("version");
    seed_government(store).await;
    let v1 = store.registry_version().await.expect("version");
    assert!(v1 > v0);
    seed_agency(store, "bpsdm").await;
    let v2 = store.registry_version().await.expect("version");
    assert!(v2 > v1);
    let _ = store.get_agency(&code("bpsdm")).await.expect("get");
    let _ = store
        .list_agencies(&Default::default(), &PageRequest::first(10))
        .await
        .expect("list");
    let _ = store
        .list_changes(&ChangeFilter::default(), &PageRequest::first(10))
        .await;
    assert_eq!(
        store.registry_version().await.expect("version"),
        v2,
        "reads change nothing"
    );
    let user = spec(json!({"username": "ani", "display_name": "Ani", "role": "auditor"}));
    store.create_user(&user, None, &change()).await.expect("user");
    assert!(store.registry_version().await.expect("version") > v2);
}

/// A refused write (duplicate, stale, in use, missing reference) leaves the registry version
/// and the change log exactly as they were.
pub async fn failed_writes_change_nothing(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm"]).await;
    let version = store.registry_version().await.expect("version");
    let log = changes(store, &ChangeFilter::default()).await;

    let dup = store.create_agency(&agency("bpsdm", "Lagi"), &change()).await;
    assert!(matches!(dup, Err(StoreError::Duplicate { .. })), "{dup:?}");
    let stale = store
        .update_agency(&code("bpsdm"), &agency("bpsdm", "Baru"), 9, &change())
        .await;
    assert!(matches!(stale, Err(StoreError::StaleVersion { .. })), "{stale:?}");
    let in_use = store
        .delete_agency(&code("bpsdm"), DeleteMode::default(), &change())
        .await;
    assert!(matches!(in_use, Err(StoreError::InUse { .. })), "{in_use:?}");
    let orphan = store
        .create_service(
            &code("bpsdm"),
            &code("ghost"),
            &service("x1", "public"),
            &change(),
        )
        .await;
    assert!(orphan.is_err());
    let bad_ps = spec(json!({"code": "ps", "name": "PS", "audience": "public", "applications": ["ghost"]}));
    let refused = store
        .create_public_service(&code("bpsdm"), &bad_ps, &change())
        .await;
    assert!(
        matches!(refused, Err(StoreError::MissingReference { .. })),
        "{refused:?}"
    );
    assert!(
        store
            .get_public_service(&code("bpsdm"), &code("ps"))
            .await
            .is_err(),
        "no half-write"
    );

    assert_eq!(store.registry_version().await.expect("version"), version);
    assert_eq!(changes(store, &ChangeFilter::default()).await, log);
}
