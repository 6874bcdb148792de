//! The SPBE architecture of a government, per agency and per planning period: elements of the
//! six domains (business processes, data, services, applications, infrastructure, security),
//! the RPJMD goals they serve, the roadmap (Peta Rencana SPBE) that changes them, the
//! ArchiMate-typed relations between them, and the reference codes they are classified by.
//!
//! Types and rules only, like the rest of the crate: storage is `wadah-store`'s
//! `ArchitectureStore`, the exchange formats live in `wadah-exchange`.
//!
//! # Layout
//! - `period`: planning periods and years;
//! - `reference`: national and local reference codes (RAB, RAD, RAL, RAA, RAI, RAK);
//! - `element`: the element type, its kinds and per-kind facts;
//! - `relation`: relation types and which kinds they may join;
//! - `roadmap`: roadmap parts, budgets in rupiah, totals;
//! - `model`: a whole architecture as one checked value (export and import);
//! - `analysis`: what a city architect asks of the model (gaps, redundancy, orphans).

pub mod analysis;
pub mod element;
pub mod model;
pub mod period;
pub mod reference;
pub mod relation;
pub mod roadmap;

pub use element::{Details, Element, ElementKey, ElementKind, ElementSpec};
pub use model::{ArchitectureModel, ModelElement, ModelProblem, ModelRelation};
pub use period::{Period, Year};
pub use reference::{Family, LocalRefCodeSpec, Origin, RefEntry, ReferenceCatalog};
pub use relation::{ElementRef, Relation, RelationKind, RelationSpec};
pub use roadmap::{BudgetLine, RoadmapPart, RoadmapStatus, RoadmapTotals, Rupiah};
