//! PostgreSQL-specific behaviour: readiness means migrated, `migrate` reports what it applied,
//! and an unreachable server is `Unavailable` without the URL (and its password) echoed.

use wadah_store::{StoreError, StoreHealth};
use wadah_store_postgres::testing::TestDatabase;

#[tokio::test]
async fn ready_means_migrated_and_migrate_reports_what_it_applied() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let store = wadah_store_postgres::connect(&db.url).await.unwrap();
    assert_eq!(store.engine(), "postgres");
    let not_ready = store.ready().await;
    assert!(
        matches!(not_ready, Err(StoreError::Unavailable(ref m)) if m.contains("migrat")),
        "{not_ready:?}"
    );
    assert!(wadah_store_postgres::migrate(&store).await.unwrap() >= 1);
    store.ready().await.unwrap();
    assert_eq!(
        wadah_store_postgres::migrate(&store).await.unwrap(),
        0,
        "nothing left to apply"
    );
    store.close().await;
    let reopened = db.open().await.unwrap();
    reopened.ready().await.unwrap();
    reopened.close().await;
    db.drop_now().await;
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_and_the_password_is_not_repeated() {
    let err = wadah_store_postgres::connect("postgres://wadah:s3cret-pw@127.0.0.1:1/wadah")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(!err.to_string().contains("s3cret-pw"), "{err}");
    assert!(err.to_string().contains("refused"), "the reason is kept: {err}");
    let not_postgres = wadah_store_postgres::connect("mysql://x@y/z").await;
    assert!(not_postgres.is_err());
}

/// Writers from many connections serialise on the registry version row; every commit counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_all_commit() {
    use std::sync::Arc;
    use wadah_store::{RegistryRead as _, RegistryWrite as _};
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let store = Arc::new(db.open().await.unwrap());
    let change = wadah_store::Change {
        actor: wadah_domain::Actor::system("test"),
        at: wadah_domain::time::from_millis(0),
    };
    let gov =
        serde_json::from_value(serde_json::json!({"code": "bontang", "name": "Bontang", "kind": "kota"}))
            .unwrap();
    store.create_government(&gov, &change).await.unwrap();
    let before = store.registry_version().await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..8 {
        let (store, change) = (store.clone(), change.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                let spec = serde_json::from_value(serde_json::json!({
                    "code": format!("a{t}-{i}"), "name": "Dinas", "government": "bontang"}))
                .unwrap();
                store.create_agency(&spec, &change).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(store.registry_version().await.unwrap(), before + 80);
    store.close().await;
    db.drop_now().await;
}
