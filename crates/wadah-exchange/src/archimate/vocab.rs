//! The vocabulary shared by the writer and the reader: which ArchiMate type each of our kinds
//! becomes, which ArchiMate types an import accepts for each, the property names Wadah writes,
//! and the identifiers it mints (valid `xs:ID`s derived from keys, so an export is stable and
//! re-importing it finds the same objects).

use wadah_domain::Code;
use wadah_domain::architecture::{ElementKind, Period, RelationKind, RelationSpec};

/// The ArchiMate element type Wadah writes for a kind.
pub fn element_type(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::BusinessProcess => "BusinessProcess",
        ElementKind::DataSet => "DataObject",
        ElementKind::Service => "BusinessService",
        ElementKind::Application => "ApplicationComponent",
        ElementKind::Infrastructure => "Node",
        ElementKind::SecurityControl => "Constraint",
        ElementKind::Goal => "Goal",
        ElementKind::RoadmapItem => "WorkPackage",
    }
}

/// The kind an ArchiMate element type is read as (also types Archi users pick for the same
/// idea, e.g. a `BusinessFunction` for a process or a `Device` for infrastructure).
pub fn kind_of(archimate_type: &str) -> Option<ElementKind> {
    Some(match archimate_type {
        "BusinessProcess" | "BusinessFunction" => ElementKind::BusinessProcess,
        "DataObject" | "BusinessObject" => ElementKind::DataSet,
        "BusinessService" => ElementKind::Service,
        "ApplicationComponent" => ElementKind::Application,
        "Node" | "Device" | "SystemSoftware" | "CommunicationNetwork" | "Facility" => {
            ElementKind::Infrastructure
        }
        "Constraint" | "Requirement" => ElementKind::SecurityControl,
        "Goal" | "Outcome" => ElementKind::Goal,
        "WorkPackage" => ElementKind::RoadmapItem,
        _ => return None,
    })
}

/// The ArchiMate relationship type of a relation kind.
pub fn relationship_type(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Serving => "Serving",
        RelationKind::Realization => "Realization",
        RelationKind::Access => "Access",
        RelationKind::Assignment => "Assignment",
        RelationKind::Flow => "Flow",
        RelationKind::Composition => "Composition",
    }
}

pub fn relation_kind_of(archimate_type: &str) -> Option<RelationKind> {
    RelationKind::ALL
        .into_iter()
        .find(|k| relationship_type(*k) == archimate_type)
}

/// The type of the actors that carry governments and agencies.
pub const ACTOR_TYPE: &str = "BusinessActor";

/// Property names Wadah writes (the `propertyDefinition` names). Everything Wadah needs to
/// read its own export back without loss is in these.
pub mod prop {
    pub const ACTOR: &str = "wadah:actor";
    pub const GOVERNMENT: &str = "wadah:government";
    pub const GOVERNMENT_KIND: &str = "wadah:government-kind";
    pub const OPERATOR: &str = "wadah:operator";
    pub const AGENCY: &str = "wadah:agency";
    pub const PERIOD: &str = "wadah:period";
    pub const CODE: &str = "wadah:code";
    pub const REF_CODE: &str = "spbe:kode-referensi";
    pub const PARENT: &str = "wadah:parent";
    pub const OWNER: &str = "wadah:owner";
    pub const CLASSIFICATION: &str = "spbe:klasifikasi";
    pub const PRODUCER: &str = "spbe:produsen-data";
    pub const WALIDATA: &str = "spbe:walidata";
    pub const AREA: &str = "spbe:jenis-layanan";
    pub const APPLICATION: &str = "wadah:application";
    pub const LIFECYCLE: &str = "lifecycle";
    pub const TECHNICAL_FIT: &str = "technical-fit";
    pub const FUNCTIONAL_FIT: &str = "functional-fit";
    pub const DISPOSITION: &str = "time-disposition";
    pub const CATEGORY: &str = "spbe:kategori-infrastruktur";
    pub const CONTROL_STATUS: &str = "spbe:status-kontrol";
    pub const GOAL_LEVEL: &str = "rpjmd:tingkat";
    pub const TARGET: &str = "rpjmd:target";
    pub const PART: &str = "spbe:bagian-peta-rencana";
    pub const ROADMAP_STATUS: &str = "status";
    pub const FIRST_YEAR: &str = "first-year";
    pub const LAST_YEAR: &str = "last-year";
    /// One property per year: `2026=200000000` (rupiah).
    pub const BUDGET: &str = "budget-rupiah";
    /// One property per gap.
    pub const GAP: &str = "gap";
    /// Model properties: one per code, `RAD.01 Data Umum` / `bontang RAB.04.02.01 Bantuan sosial`.
    pub const NATIONAL_CODE: &str = "spbe:kode-nasional";
    pub const LOCAL_CODE: &str = "spbe:kode-lokal";

    /// Every name, in the order the `propertyDefinitions` list them.
    pub const ALL: [&str; 31] = [
        ACTOR,
        GOVERNMENT,
        GOVERNMENT_KIND,
        OPERATOR,
        AGENCY,
        PERIOD,
        CODE,
        REF_CODE,
        PARENT,
        OWNER,
        CLASSIFICATION,
        PRODUCER,
        WALIDATA,
        AREA,
        APPLICATION,
        LIFECYCLE,
        TECHNICAL_FIT,
        FUNCTIONAL_FIT,
        DISPOSITION,
        CATEGORY,
        CONTROL_STATUS,
        GOAL_LEVEL,
        TARGET,
        PART,
        ROADMAP_STATUS,
        FIRST_YEAR,
        LAST_YEAR,
        BUDGET,
        GAP,
        NATIONAL_CODE,
        LOCAL_CODE,
    ];

    /// The `propertyDefinition` identifier of a property name (`pd-` and the name with `:`
    /// made `-`, an NCName).
    pub fn definition_id(name: &str) -> String {
        format!("pd-{}", name.replace(':', "-"))
    }
}

/// The identifier of an element: `e.<period>.<agency>.<code>` (codes are `[a-z0-9-]`).
pub fn element_id(period: Period, agency: &Code, code: &Code) -> String {
    format!("e.{period}.{agency}.{code}")
}

pub fn relation_id(period: Period, spec: &RelationSpec) -> String {
    format!(
        "r.{period}.{}.{}.{}.{}.{}",
        spec.kind.as_str(),
        spec.source.agency,
        spec.source.code,
        spec.target.agency,
        spec.target.code
    )
}

pub fn actor_id(role: &str, code: &Code) -> String {
    format!("a.{role}.{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_as_itself() {
        for k in ElementKind::ALL {
            assert_eq!(kind_of(element_type(k)), Some(k), "{k:?}");
        }
        for k in RelationKind::ALL {
            assert_eq!(relation_kind_of(relationship_type(k)), Some(k));
        }
        assert_eq!(kind_of("BusinessActor"), None);
    }

    #[test]
    fn property_definition_ids_are_unique_ncnames() {
        let ids: std::collections::BTreeSet<String> =
            prop::ALL.iter().map(|p| prop::definition_id(p)).collect();
        assert_eq!(ids.len(), prop::ALL.len());
        assert!(ids.iter().all(|i| !i.contains(':')));
    }
}
