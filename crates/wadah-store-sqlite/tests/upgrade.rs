//! Upgrading a database written before the word index (migration 0001 only): migration 0002
//! adds the sort keys in SQL and the store fills in the words of existing objects, so search
//! finds them at once.

use wadah_store::conformance::{legacy_rows, upgraded_registry_is_searchable};
use wadah_store_sqlite::testing::TempSqlite;

/// Inserts one row of `legacy_rows` into its table with the columns migration 0001 has.
fn legacy_insert(table: &str) -> &'static str {
    match table {
        "governments" => {
            "INSERT INTO governments (id, code, kind, search, doc, version, created_at, created_by, \
             updated_at, updated_by) VALUES ('g1', $1, 'kota', '', $2, 1, 0, 'system:test', 0, 'system:test')"
        }
        "agencies" => {
            "INSERT INTO agencies (id, government_id, code, operator, search, doc, version, created_at, \
             created_by, updated_at, updated_by) VALUES ('a1', 'g1', $1, 0, '', $2, 1, 0, 'system:test', 0, \
             'system:test')"
        }
        "applications" => {
            "INSERT INTO applications (id, agency_id, code, lifecycle, audience, search, doc, version, \
             created_at, created_by, updated_at, updated_by) VALUES ('p1', 'a1', $1, 'active', 'asn', '', \
             $2, 1, 0, 'system:test', 0, 'system:test')"
        }
        "services" => {
            "INSERT INTO services (id, application_id, agency_id, code, visibility, search, doc, version, \
             created_at, created_by, updated_at, updated_by) VALUES ('s1', 'p1', 'a1', $1, 'public', '', \
             $2, 1, 0, 'system:test', 0, 'system:test')"
        }
        _ => {
            "INSERT INTO public_services (id, agency_id, code, audience, topics, search, doc, version, \
             created_at, created_by, updated_at, updated_by) VALUES ('ps1', 'a1', $1, 'public', ',', '', \
             $2, 1, 0, 'system:test', 0, 'system:test')"
        }
    }
}

#[tokio::test]
async fn a_database_from_before_the_word_index_is_searchable_after_migrating() {
    let temp = TempSqlite::new().unwrap();
    let store = wadah_store_sqlite::connect(&temp.url).await.unwrap();
    wadah_store_sqlite::ENGINE
        .migrator
        .run_to(1, store.pool())
        .await
        .unwrap();
    for (table, code, doc) in legacy_rows() {
        sqlx::query(legacy_insert(table))
            .bind(code)
            .bind(doc)
            .execute(store.pool())
            .await
            .unwrap();
    }
    assert!(wadah_store_sqlite::migrate(&store).await.unwrap() >= 1);
    upgraded_registry_is_searchable(&store).await;
    assert_eq!(
        wadah_store_sqlite::migrate(&store).await.unwrap(),
        0,
        "migrating again changes nothing"
    );
}
