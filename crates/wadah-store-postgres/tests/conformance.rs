//! The shared conformance suite against PostgreSQL: one fresh database per case on the server
//! named by `WADAH_TEST_POSTGRES_URL` (skipped with a notice when unset, failing in CI).

use std::sync::Arc;

use wadah_store::Store;
use wadah_store_postgres::testing::TestDatabase;

wadah_store::conformance_tests!(async {
    let db = TestDatabase::create().await?;
    let store: Arc<dyn Store> = Arc::new(db.open().await.expect("open the PostgreSQL store"));
    Some((store, db))
});
