//! sqlx errors → [`StoreError`], in one place. Constraint violations become the user-facing
//! `Duplicate`/`MissingReference`; connection, pool and I/O trouble (and whatever the engine
//! says means "cannot write", e.g. a read-only SQLite file) becomes `Unavailable`; everything
//! else is `Internal`. Messages carry the database's wording but never bound values, so no
//! personal data leaks into logs through an error.

use sqlx::error::ErrorKind;
use wadah_domain::Code;
use wadah_store::StoreError;

use crate::SqlStore;

impl SqlStore {
    /// Maps an error from a read or from bookkeeping statements.
    pub(crate) fn db(&self, e: sqlx::Error) -> StoreError {
        classify(self.engine.is_unavailable, e)
    }

    /// Maps an error from writing the object `kind` `key`: a unique violation means the code
    /// (or username, client id…) is taken; a foreign-key violation means a parent vanished.
    pub(crate) fn db_write(&self, e: sqlx::Error, kind: &'static str, key: &str) -> StoreError {
        if let sqlx::Error::Database(db) = &e {
            match db.kind() {
                ErrorKind::UniqueViolation => {
                    return StoreError::Duplicate {
                        kind,
                        key: key.to_owned(),
                    };
                }
                ErrorKind::ForeignKeyViolation => {
                    return StoreError::MissingReference {
                        kind: "object referenced by",
                        key: format!("{kind} {key}"),
                    };
                }
                _ => {}
            }
        }
        self.db(e)
    }
}

/// The engine-independent part of the mapping; `unavailable` is the engine's own judgement of
/// its error codes.
pub fn classify(unavailable: fn(&str) -> bool, e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            if unavailable(&code) {
                StoreError::Unavailable(format!("{} (code {code})", db.message()))
            } else {
                StoreError::Internal(format!("database error {code}: {}", db.message()))
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::BeginFailed => StoreError::Unavailable(e.to_string()),
        other => StoreError::Internal(other.to_string()),
    }
}

/// A stored value that does not decode: a bug or a corrupt row, never the user's fault.
pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("cannot decode stored {what}: {e}"))
}

pub(crate) fn not_found(kind: &'static str, key: impl Into<String>) -> StoreError {
    StoreError::NotFound {
        kind,
        key: key.into(),
    }
}

pub(crate) fn missing(kind: &'static str, key: impl Into<String>) -> StoreError {
    StoreError::MissingReference {
        kind,
        key: key.into(),
    }
}

pub(crate) fn stale(kind: &'static str, key: impl Into<String>, expected: i64, actual: i64) -> StoreError {
    StoreError::StaleVersion {
        kind,
        key: key.into(),
        expected,
        actual,
    }
}

/// Refuses a spec whose code differs from the one in the path: codes are part of every route
/// and every reference, so they never change. `key` names the object in the message.
pub(crate) fn check_same_code(
    kind: &str,
    key: &str,
    current: &Code,
    proposed: &Code,
) -> Result<(), StoreError> {
    if current == proposed {
        Ok(())
    } else {
        Err(StoreError::InvalidState(format!(
            "the code of {kind} {key} cannot change (the update names {proposed}); create a new {kind} instead"
        )))
    }
}

/// A versioned UPDATE matched no row although the version was checked in the same transaction:
/// someone committed in between (only possible where the engine does not serialise writers).
pub(crate) fn lost_race(kind: &'static str, key: &str, expected: i64) -> StoreError {
    stale(kind, key, expected, expected + 1)
}
