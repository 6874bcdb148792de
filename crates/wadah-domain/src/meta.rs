//! Who created and changed an object, and when: every registry object carries a [`Meta`], and
//! its `version` is the optimistic-concurrency token (a stale update is refused, never merged).

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// The person or process behind a change, as recorded in `Meta` and the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "user:admin")]
pub struct Actor(String);

impl Actor {
    /// A signed-in user, by username (not by personal name: names never reach logs).
    pub fn user(username: &str) -> Self {
        Self(format!("user:{username}"))
    }

    /// Wadah itself (demo seeding, migrations, background jobs).
    pub fn system(what: &str) -> Self {
        Self(format!("system:{what}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Rebuilds an actor read back from the store.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }
}

/// Bookkeeping every stored object has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Meta {
    /// Increases by one on every change; send it back in `If-Match` to update.
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: Actor,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub updated_by: Actor,
}

impl Meta {
    pub fn new(actor: &Actor, now: Timestamp) -> Self {
        Self {
            version: 1,
            created_at: now,
            created_by: actor.clone(),
            updated_at: now,
            updated_by: actor.clone(),
        }
    }

    /// The meta of the next version of an object.
    pub fn next(&self, actor: &Actor, now: Timestamp) -> Self {
        Self {
            version: self.version + 1,
            created_at: self.created_at,
            created_by: self.created_by.clone(),
            updated_at: now,
            updated_by: actor.clone(),
        }
    }
}
