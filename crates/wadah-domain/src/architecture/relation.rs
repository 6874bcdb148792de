//! Relations between elements, with ArchiMate's relation types and the source/target kinds
//! each admits. The table is stricter than ArchiMate's derivation rules on purpose: it holds
//! the relations SPBE architecture documents draw (process → service → application → data →
//! infrastructure, elements → goals, roadmap items → what they change), so a file another tool
//! reads back stays a valid ArchiMate model.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::element::ElementKind;
use super::period::Period;
use crate::{Code, Meta, ValidationError};

/// ArchiMate relation types Wadah keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    Serving,
    Realization,
    Access,
    Assignment,
    Flow,
    Composition,
}

impl RelationKind {
    pub const ALL: [RelationKind; 6] = [
        Self::Serving,
        Self::Realization,
        Self::Access,
        Self::Assignment,
        Self::Flow,
        Self::Composition,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Serving => "serving",
            Self::Realization => "realization",
            Self::Access => "access",
            Self::Assignment => "assignment",
            Self::Flow => "flow",
            Self::Composition => "composition",
        }
    }

    /// Whether a relation of this type may go from a `source` kind to a `target` kind.
    pub fn allows(self, source: ElementKind, target: ElementKind) -> bool {
        use ElementKind::*;
        match self {
            Self::Composition => source == target,
            Self::Serving => matches!(
                (source, target),
                (Service, BusinessProcess | Service)
                    | (Application, BusinessProcess | Service | Application)
                    | (Infrastructure, Application | Infrastructure)
            ),
            Self::Realization => match (source, target) {
                (BusinessProcess | Application, Service) => true,
                (Infrastructure, Application) => true,
                (Application | Infrastructure, SecurityControl) => true,
                // Every domain element can serve a goal of the plan; roadmap items too.
                (s, Goal) => s != Goal,
                // A roadmap item realises what it builds or changes.
                (RoadmapItem, t) => t != RoadmapItem,
                _ => false,
            },
            Self::Access => matches!(
                (source, target),
                (BusinessProcess | Application | Service, DataSet)
            ),
            Self::Assignment => matches!((source, target), (Infrastructure, Infrastructure)),
            Self::Flow => {
                source == target && matches!(source, BusinessProcess | Application | Infrastructure)
            }
        }
    }

    /// The same check with an error that names the kinds.
    pub fn check(self, source: ElementKind, target: ElementKind) -> Result<(), ValidationError> {
        if self.allows(source, target) {
            Ok(())
        } else {
            Err(ValidationError::new(
                "kind",
                format!(
                    "a {} relation cannot go from a {} to a {}",
                    self.as_str(),
                    source.as_str(),
                    target.as_str()
                ),
            ))
        }
    }
}

/// One end of a relation: an element of the same period, in any agency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementRef {
    pub agency: Code,
    pub code: Code,
}

impl std::fmt::Display for ElementRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.agency, self.code)
    }
}

/// A relation as an administrator writes it. It belongs to the source's agency: an agency
/// states what its elements serve, access or realise, also across agencies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationSpec {
    pub kind: RelationKind,
    pub source: ElementRef,
    pub target: ElementRef,
}

impl RelationSpec {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.source == self.target {
            return Err(ValidationError::new(
                "target",
                "a relation joins two different elements",
            ));
        }
        Ok(())
    }

    /// A stable identifier of the relation within its period (there is at most one relation
    /// of a kind between two elements).
    pub fn key(&self) -> String {
        format!("{}:{}->{}", self.kind.as_str(), self.source, self.target)
    }
}

/// A stored relation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Relation {
    /// Opaque id (for `DELETE`).
    pub id: String,
    #[schema(value_type = String, example = "2025-2029")]
    pub period: Period,
    #[serde(flatten)]
    pub spec: RelationSpec,
    pub meta: Meta,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ElementKind::*;

    #[test]
    fn the_spbe_chain_is_allowed() {
        assert!(RelationKind::Serving.allows(Service, BusinessProcess));
        assert!(RelationKind::Realization.allows(Application, Service));
        assert!(RelationKind::Access.allows(Application, DataSet));
        assert!(RelationKind::Serving.allows(Infrastructure, Application));
        assert!(RelationKind::Realization.allows(BusinessProcess, Goal));
        assert!(RelationKind::Realization.allows(RoadmapItem, Application));
        assert!(RelationKind::Composition.allows(Goal, Goal));
    }

    #[test]
    fn nonsense_relations_are_refused_with_the_kinds_named() {
        assert!(
            !RelationKind::Access.allows(DataSet, Application),
            "data does not access"
        );
        assert!(!RelationKind::Serving.allows(BusinessProcess, Infrastructure));
        assert!(!RelationKind::Composition.allows(Application, DataSet));
        assert!(!RelationKind::Realization.allows(Goal, Goal));
        let err = RelationKind::Flow.check(DataSet, DataSet).unwrap_err();
        assert!(
            err.message.contains("flow relation cannot go from a data_set"),
            "{err}"
        );
    }

    #[test]
    fn every_kind_can_trace_to_a_goal_except_goals() {
        for k in ElementKind::ALL {
            assert_eq!(RelationKind::Realization.allows(k, Goal), k != Goal, "{k:?}");
        }
    }
}
