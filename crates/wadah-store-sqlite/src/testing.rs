//! Test helpers for other crates: a fresh, migrated SQLite store in a temporary directory that
//! disappears with the [`TempSqlite`] guard. Small and always compiled, so integration tests
//! anywhere in the workspace can use it without features.
//!
//! ```no_run
//! # async fn demo() -> wadah_store::StoreResult<()> {
//! let temp = wadah_store_sqlite::testing::TempSqlite::new()?;
//! let store = temp.open().await?; // keep `temp` alive as long as the store
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use wadah_store::{StoreError, StoreResult};

use crate::SqlStore;

/// A temporary directory holding `wadah.db`; deleted on drop.
#[derive(Debug)]
pub struct TempSqlite {
    dir: tempfile::TempDir,
    /// `sqlite://…/wadah.db`, for code that opens stores by URL.
    pub url: String,
}

impl TempSqlite {
    pub fn new() -> StoreResult<Self> {
        let dir = tempfile::Builder::new()
            .prefix("wadah-test-")
            .tempdir()
            .map_err(|e| StoreError::Unavailable(format!("cannot create a temporary directory: {e}")))?;
        let url = format!("sqlite://{}", dir.path().join("wadah.db").display());
        Ok(Self { dir, url })
    }

    /// The directory (a `--data-dir` for the binary's tests).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The database file.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("wadah.db")
    }

    /// Opens and migrates the store in this directory.
    pub async fn open(&self) -> StoreResult<SqlStore> {
        crate::open(&self.url).await
    }
}
