//! The one error type of the storage layer. Variants say what went wrong in terms the web layer
//! maps to a status and a stable code; engine details stay in `detail` for the log.

/// A failed store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such object (`kind` is `agency`, `application`, …; `key` its path, e.g. `bpsdm/simpeg`).
    #[error("{kind} {key} not found")]
    NotFound { kind: &'static str, key: String },
    /// An object with this code (or username, client id…) already exists.
    #[error("{kind} {key} already exists")]
    Duplicate { kind: &'static str, key: String },
    /// The caller's version is not the stored one: someone else changed the object first.
    #[error("{kind} {key} was changed by someone else (version {actual}, you sent {expected})")]
    StaleVersion {
        kind: &'static str,
        key: String,
        expected: i64,
        actual: i64,
    },
    /// The object still has dependents (an agency with applications…) and no cascade was asked.
    #[error("{kind} {key} still has {dependents}")]
    InUse {
        kind: &'static str,
        key: String,
        dependents: String,
    },
    /// The operation does not fit the object's state (deciding a request twice…).
    #[error("{0}")]
    InvalidState(String),
    /// A referenced object (the government of a new agency…) does not exist.
    #[error("{kind} {key} does not exist")]
    MissingReference { kind: &'static str, key: String },
    /// The database cannot be reached or refuses writes (read-only file, disk full).
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or a corrupt database. Details are for the log only.
    #[error("store failure: {0}")]
    Internal(String),
}
