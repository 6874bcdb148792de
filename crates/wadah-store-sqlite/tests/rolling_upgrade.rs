//! Rolling upgrades (docs/deployment.md): a node must start against a database that a newer
//! node has already migrated further, so a migration it does not know is tolerated, while
//! every migration it does know must still be applied before it is ready.

use wadah_store::StoreHealth as _;
use wadah_store_sqlite::testing::TempSqlite;

#[tokio::test]
async fn an_older_node_starts_on_a_database_a_newer_node_migrated() {
    let temp = TempSqlite::new().unwrap();
    let store = temp.open().await.unwrap();
    // What a newer release's migration leaves in the bookkeeping table.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, \
         execution_time) VALUES (9999, 'from a newer release', CURRENT_TIMESTAMP, 1, X'00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    assert_eq!(wadah_store_sqlite::migrate(&store).await.unwrap(), 0);
    store.ready().await.unwrap();
}
