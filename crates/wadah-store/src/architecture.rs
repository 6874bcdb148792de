//! The architecture role: SPBE architecture elements, their relations, the reference codes
//! a government adds, and whole-model export and import. Not read by the gateway, but written
//! like the registry (change log, registry version, optimistic versions), so an architect's
//! edit is as traceable as a grant.

use async_trait::async_trait;
use wadah_domain::Code;
use wadah_domain::architecture::{
    ArchitectureModel, Element, ElementKey, ElementKind, ElementRef, ElementSpec, Period, RefEntry, Relation,
    RelationSpec,
};

use crate::{Change, DeleteMode, Page, PageRequest, StoreResult};

/// Which elements a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchElementFilter {
    pub period: Option<Period>,
    /// Only this agency's (the caller's scope, or a narrower choice).
    pub agency: Option<Code>,
    pub kind: Option<ElementKind>,
}

/// Which relations a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchRelationFilter {
    pub period: Option<Period>,
    /// Relations with at least one end in this agency.
    pub agency: Option<Code>,
    /// Relations with this element at either end.
    pub element: Option<ElementRef>,
}

/// What a model export covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchModelFilter {
    pub period: Option<Period>,
    /// One agency's elements and the relations they take part in; `None`: the whole city.
    pub agency: Option<Code>,
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub governments_created: usize,
    pub agencies_created: usize,
    pub reference_codes_created: usize,
    pub elements_created: usize,
    pub elements_updated: usize,
    /// Elements already present with the same content.
    pub elements_unchanged: usize,
    pub relations_created: usize,
    /// Relations already present (same kind between the same two elements).
    pub relations_unchanged: usize,
}

#[async_trait]
pub trait ArchitectureStore: Send + Sync {
    /// Ordered by `period/agency/code`.
    async fn list_arch_elements(
        &self,
        filter: &ArchElementFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Element>>;
    async fn get_arch_element(&self, key: &ElementKey) -> StoreResult<Element>;
    /// The agency must exist; a parent is checked by the caller (domain rules).
    async fn create_arch_element(
        &self,
        agency: &Code,
        period: Period,
        spec: &ElementSpec,
        change: &Change,
    ) -> StoreResult<Element>;
    async fn update_arch_element(
        &self,
        key: &ElementKey,
        spec: &ElementSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Element>;
    /// Refuses while relations or children point at the element, unless `cascade`.
    async fn delete_arch_element(
        &self,
        key: &ElementKey,
        mode: DeleteMode,
        change: &Change,
    ) -> StoreResult<()>;
    /// Ordered by period, then relation key.
    async fn list_arch_relations(
        &self,
        filter: &ArchRelationFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Relation>>;
    async fn get_arch_relation(&self, id: &str) -> StoreResult<Relation>;
    /// Both ends must exist in `period`; the kinds are checked by the caller.
    async fn create_arch_relation(
        &self,
        period: Period,
        spec: &RelationSpec,
        change: &Change,
    ) -> StoreResult<Relation>;
    async fn delete_arch_relation(&self, id: &str, change: &Change) -> StoreResult<()>;
    /// Stored reference codes: imported national ones (`government` `None`) or a
    /// government's local ones.
    async fn list_ref_codes(&self, government: Option<&Code>) -> StoreResult<Vec<RefEntry>>;
    /// Adds codes the caller checked against the catalogue; a code already there is a
    /// `Duplicate` for local codes and replaced for national ones.
    async fn add_ref_codes(
        &self,
        government: Option<&Code>,
        entries: &[RefEntry],
        change: &Change,
    ) -> StoreResult<usize>;
    /// Everything `filter` covers, as one model (governments and agencies included).
    async fn architecture_model(&self, filter: &ArchModelFilter) -> StoreResult<ArchitectureModel>;
    /// Writes a model the caller checked (`ArchitectureModel::problems` empty) in one
    /// transaction: missing governments, agencies and local codes are created, elements are
    /// created or replaced by key, relations added unless present. All or nothing.
    async fn import_architecture(
        &self,
        model: &ArchitectureModel,
        change: &Change,
    ) -> StoreResult<ImportCounts>;
}
