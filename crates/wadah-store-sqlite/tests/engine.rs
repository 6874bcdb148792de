//! SQLite-specific behaviour: the pragmas every connection runs with, readiness, migration
//! reporting, and clear errors for files that are not databases or cannot be written.

use std::sync::Arc;

use sqlx::Row as _;
use wadah_store::{StoreError, StoreHealth};
use wadah_store_sqlite::testing::TempSqlite;

#[tokio::test]
async fn connections_use_wal_foreign_keys_and_normal_sync() {
    let temp = TempSqlite::new().unwrap();
    let store = temp.open().await.unwrap();
    // Several connections, so the per-connection pragmas are checked beyond the first one.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut conn = store.pool().acquire().await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(fk, 1);
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(sync, 1, "NORMAL");
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert!(busy >= 1000);
        held.push(conn);
    }
    assert_eq!(store.engine(), "sqlite");
    assert!(temp.path().exists());
}

#[tokio::test]
async fn ready_means_migrated_and_migrate_reports_what_it_applied() {
    let temp = TempSqlite::new().unwrap();
    let store = wadah_store_sqlite::connect(&temp.url).await.unwrap();
    let not_ready = store.ready().await;
    assert!(
        matches!(not_ready, Err(StoreError::Unavailable(ref m)) if m.contains("migrat")),
        "{not_ready:?}"
    );
    let applied = wadah_store_sqlite::migrate(&store).await.unwrap();
    assert!(applied >= 1);
    store.ready().await.unwrap();
    assert_eq!(
        wadah_store_sqlite::migrate(&store).await.unwrap(),
        0,
        "nothing left to apply"
    );
    let tables = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'change_log'")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].get::<String, _>("name"), "change_log");
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_named_in_a_clear_error() {
    let temp = TempSqlite::new().unwrap();
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(temp.path(), garbage).unwrap();
    let err = wadah_store_sqlite::open(&temp.url).await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&temp.path().display().to_string()), "{message}");
    assert!(message.contains("not a usable SQLite database"), "{message}");
}

/// `mode=ro` makes the file read-only for SQLite even when the tests run as root (which
/// ignores file permissions): a file that still needs its journal switched cannot be opened,
/// and writes to an opened one are refused as `Unavailable`.
#[tokio::test]
async fn a_read_only_database_is_unavailable() {
    use sqlx::{Connection as _, Executor as _};
    use wadah_store::RegistryWrite as _;
    sqlx::any::install_default_drivers();
    let fresh = TempSqlite::new().unwrap();
    let mut conn = sqlx::AnyConnection::connect(&format!("{}?mode=rwc", fresh.url))
        .await
        .unwrap();
    conn.execute("CREATE TABLE t (x INTEGER)").await.unwrap();
    conn.close().await.unwrap();
    let err = wadah_store_sqlite::open(&format!("{}?mode=ro", fresh.url))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(
        err.to_string().contains(&fresh.path().display().to_string()),
        "{err}"
    );

    let migrated = TempSqlite::new().unwrap();
    migrated.open().await.unwrap().close().await;
    let store = wadah_store_sqlite::open(&format!("{}?mode=ro", migrated.url))
        .await
        .unwrap();
    store.ready().await.unwrap();
    let change = wadah_store::Change {
        actor: wadah_domain::Actor::system("test"),
        at: wadah_domain::time::from_millis(0),
    };
    let spec =
        serde_json::from_value(serde_json::json!({"code": "bontang", "name": "Bontang", "kind": "kota"}))
            .unwrap();
    let refused = store.create_government(&spec, &change).await;
    assert!(matches!(refused, Err(StoreError::Unavailable(_))), "{refused:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_read_only_file_is_unavailable_with_the_file_named() {
    use std::os::unix::fs::PermissionsExt as _;
    let temp = TempSqlite::new().unwrap();
    let store = temp.open().await.unwrap();
    store.close().await;
    for leftover in ["wadah.db-wal", "wadah.db-shm"] {
        let _ = std::fs::remove_file(temp.dir().join(leftover));
    }
    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(temp.dir(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let result = wadah_store_sqlite::open(&temp.url).await;
    std::fs::set_permissions(temp.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if is_root() {
        // root ignores file permissions; nothing to observe here.
        return;
    }
    let err = result.map(Arc::new).unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(
        err.to_string().contains(&temp.path().display().to_string()),
        "{err}"
    );
}

#[cfg(unix)]
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// Writers queue rather than fail with `SQLITE_BUSY`, and every commit counts once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_all_commit() {
    use wadah_store::{RegistryRead as _, RegistryWrite as _};
    let temp = TempSqlite::new().unwrap();
    let store = Arc::new(temp.open().await.unwrap());
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
                store
                    .list_agencies(&Default::default(), &wadah_store::PageRequest::first(5))
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(store.registry_version().await.unwrap(), before + 80);
}
