//! Test helpers for other crates: a fresh PostgreSQL database per test, dropped afterwards.
//! Small and always compiled, so integration tests anywhere in the workspace can use it.
//!
//! The server comes from `WADAH_TEST_POSTGRES_URL` (e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`; the user must be allowed to create
//! databases). Without it, PostgreSQL tests are skipped with a loud notice on stderr, except
//! when `CI=true`, where a silent skip would hide a missing service: there the helper panics.
//!
//! ```no_run
//! # async fn demo() -> wadah_store::StoreResult<()> {
//! let Some(db) = wadah_store_postgres::testing::TestDatabase::create().await else {
//!     return Ok(()); // not configured here; the notice says how to run them
//! };
//! let store = db.open().await?;
//! // … use the store …
//! db.drop_now().await;
//! # Ok(()) }
//! ```

use sqlx::{AnyConnection, AssertSqlSafe, Connection as _, Executor as _};
use wadah_store::StoreResult;

use crate::SqlStore;

pub const URL_VARIABLE: &str = "WADAH_TEST_POSTGRES_URL";

/// A database created for one test. Dropped (`DROP DATABASE … WITH (FORCE)`) by
/// [`TestDatabase::drop_now`] or, failing that, when the value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL of the fresh database.
    pub url: String,
    pub name: String,
    admin_url: String,
    dropped: bool,
}

impl TestDatabase {
    /// Creates `wadah_test_<random hex>` on the server named by `WADAH_TEST_POSTGRES_URL`.
    ///
    /// Answers `None` (after a notice) when the variable is unset outside CI.
    ///
    /// # Panics
    /// When the variable is unset and `CI=true`, or when it is set but the database cannot be
    /// created: both mean the tests cannot do what they claim to.
    #[allow(clippy::panic)] // a test helper: failing loudly is the point
    pub async fn create() -> Option<TestDatabase> {
        let Some(admin_url) = std::env::var(URL_VARIABLE).ok().filter(|u| !u.is_empty()) else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "{URL_VARIABLE} is not set, so the PostgreSQL tests cannot run in CI. Start a \
                     PostgreSQL service and set {URL_VARIABLE}=postgres://postgres@127.0.0.1:5432/postgres"
                );
            }
            // Once per test binary, and past libtest's output capture (which only sees the
            // print macros), so the skip is visible in a plain `cargo test`.
            static NOTICE: std::sync::Once = std::sync::Once::new();
            NOTICE.call_once(|| {
                let _ = std::io::Write::write_all(&mut std::io::stderr(), not_run_notice().as_bytes());
            });
            return None;
        };
        let name = format!("wadah_test_{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
        let url = match database_url(&admin_url, &name) {
            Ok(url) => url,
            Err(e) => panic!("{URL_VARIABLE} is not a usable URL: {e}"),
        };
        if let Err(e) = run_admin(&admin_url, &format!("CREATE DATABASE {name}")).await {
            panic!("cannot create the test database {name} ({URL_VARIABLE} is set): {e}");
        }
        Some(TestDatabase {
            url,
            name,
            admin_url,
            dropped: false,
        })
    }

    /// Connects to the test database and applies the migrations.
    pub async fn open(&self) -> StoreResult<SqlStore> {
        crate::open(&self.url).await
    }

    /// Drops the database now (terminating leftover connections).
    pub async fn drop_now(mut self) {
        self.dropped = true;
        drop_database(&self.admin_url, &self.name).await;
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        // Drop runs inside the test's runtime, which may be shutting down; a short-lived
        // thread with its own runtime does the clean-up reliably.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let cleanup = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                runtime.block_on(drop_database(&admin_url, &name));
            }
        });
        let _ = cleanup.join();
    }
}

fn not_run_notice() -> String {
    let bar = "!".repeat(78);
    format!(
        "\n{bar}\n!! PostgreSQL tests NOT RUN: {URL_VARIABLE} is not set.\n!! To run them, start \
         PostgreSQL and set\n!!   {URL_VARIABLE}=postgres://postgres@127.0.0.1:5432/postgres\n{bar}\n"
    )
}

/// The admin URL with its database replaced by `name`.
fn database_url(admin_url: &str, name: &str) -> Result<String, url::ParseError> {
    let mut url = url::Url::parse(admin_url)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// Runs one statement on the admin database. Only ever given text built from
/// `wadah_test_<hex>` names generated here, never from input.
async fn run_admin(admin_url: &str, statement: &str) -> Result<(), sqlx::Error> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(admin_url).await?;
    conn.execute(AssertSqlSafe(statement.to_owned())).await?;
    conn.close().await
}

async fn drop_database(admin_url: &str, name: &str) {
    let statement = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    if let Err(e) = run_admin(admin_url, &statement).await {
        eprintln!("could not drop the test database {name}: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_is_swapped_and_the_rest_kept() {
        let url = database_url(
            "postgres://postgres:pw@127.0.0.1:5432/postgres?sslmode=disable",
            "wadah_test_ab",
        )
        .unwrap();
        assert_eq!(
            url,
            "postgres://postgres:pw@127.0.0.1:5432/wadah_test_ab?sslmode=disable"
        );
    }
}
