//! The shared conformance suite against the embedded engine: one fresh SQLite file per case.

use std::sync::Arc;

use wadah_store::Store;
use wadah_store_sqlite::testing::TempSqlite;

wadah_store::conformance_tests!(async {
    let temp = TempSqlite::new().expect("a temporary directory");
    let store: Arc<dyn Store> = Arc::new(temp.open().await.expect("open the SQLite store"));
    Some((store, temp))
});
