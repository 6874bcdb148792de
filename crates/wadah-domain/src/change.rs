//! The change log: one entry per administrative change (who, what, when, before and after), kept
//! by the store in the same transaction as the change itself, shown in the console.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Actor, Code};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Create,
    Update,
    Delete,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// One recorded change. `before`/`after` are the object's JSON (never a secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChangeEntry {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: Actor,
    pub action: ChangeAction,
    /// The kind of object: `agency`, `application`, `service`, …
    pub kind: String,
    /// The object's key, e.g. `bpsdm/simpeg`.
    pub key: String,
    /// The agency the object belongs to, for scoping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Code>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}
