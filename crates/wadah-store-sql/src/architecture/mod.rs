//! The architecture role (`ArchitectureStore`): elements, relations, reference codes, and the
//! whole-model export and one-transaction import. Same write discipline as the registry (see
//! `tx`): every change is logged and bumps the registry version.

mod codes;
mod elements;
mod exchange;
mod relations;

use async_trait::async_trait;
use wadah_domain::Code;
use wadah_domain::architecture::{
    ArchitectureModel, Element, ElementKey, ElementSpec, Period, RefEntry, Relation, RelationSpec,
};
use wadah_store::{
    ArchElementFilter, ArchModelFilter, ArchRelationFilter, ArchitectureStore, Change, DeleteMode,
    ImportCounts, Page, PageRequest, StoreResult,
};

use crate::SqlStore;

#[async_trait]
impl ArchitectureStore for SqlStore {
    async fn list_arch_elements(
        &self,
        filter: &ArchElementFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Element>> {
        elements::list(self, filter, page).await
    }
    async fn get_arch_element(&self, key: &ElementKey) -> StoreResult<Element> {
        elements::get(self, key).await
    }
    async fn create_arch_element(
        &self,
        agency: &Code,
        period: Period,
        spec: &ElementSpec,
        change: &Change,
    ) -> StoreResult<Element> {
        elements::create(self, agency, period, spec, change).await
    }
    async fn update_arch_element(
        &self,
        key: &ElementKey,
        spec: &ElementSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Element> {
        elements::update(self, key, spec, expected_version, change).await
    }
    async fn delete_arch_element(
        &self,
        key: &ElementKey,
        mode: DeleteMode,
        change: &Change,
    ) -> StoreResult<()> {
        elements::delete(self, key, mode, change).await
    }
    async fn list_arch_relations(
        &self,
        filter: &ArchRelationFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Relation>> {
        relations::list(self, filter, page).await
    }
    async fn get_arch_relation(&self, id: &str) -> StoreResult<Relation> {
        relations::get(self, id).await
    }
    async fn create_arch_relation(
        &self,
        period: Period,
        spec: &RelationSpec,
        change: &Change,
    ) -> StoreResult<Relation> {
        relations::create(self, period, spec, change).await
    }
    async fn delete_arch_relation(&self, id: &str, change: &Change) -> StoreResult<()> {
        relations::delete(self, id, change).await
    }
    async fn list_ref_codes(&self, government: Option<&Code>) -> StoreResult<Vec<RefEntry>> {
        codes::list(self, government).await
    }
    async fn add_ref_codes(
        &self,
        government: Option<&Code>,
        entries: &[RefEntry],
        change: &Change,
    ) -> StoreResult<usize> {
        codes::add(self, government, entries, change).await
    }
    async fn architecture_model(&self, filter: &ArchModelFilter) -> StoreResult<ArchitectureModel> {
        exchange::model(self, filter).await
    }
    async fn import_architecture(
        &self,
        model: &ArchitectureModel,
        change: &Change,
    ) -> StoreResult<ImportCounts> {
        exchange::import(self, model, change).await
    }
}
