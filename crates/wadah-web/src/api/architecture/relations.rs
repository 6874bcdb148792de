//! Relations between architecture elements. A relation belongs to its source's agency, whose
//! admins add and remove it; its target must be an element the caller can see, so an agency
//! admin links within its own agency and the platform admin across agencies.

use wadah_domain::architecture::{ElementKey, ElementRef, Period, Relation, RelationSpec};
use wadah_store::ArchRelationFilter;

use super::super::prelude::*;

list_query!(
    /// Query of the relation list.
    RelationQuery {
        /// Only relations with an end in this agency.
        agency: Option<Code>,
        /// With `element`: only relations of this element (its agency).
        element_agency: Option<Code>,
        /// With `element_agency`: only relations of this element (its code).
        element: Option<Code>,
    }
);
page_type!(
    /// A page of architecture relations.
    RelationPage,
    Relation
);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/architecture/{period}/relations",
            get(list_relations).post(create_relation),
        )
        .route(
            "/api/v1/architecture/relations/{id}",
            get(get_relation).delete(delete_relation),
        )
}

/// List relations of a period that touch the agencies the caller may see.
#[utoipa::path(get, path = "/api/v1/architecture/{period}/relations", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"), RelationQuery),
    responses(
        (status = 200, description = "A page of relations", body = RelationPage),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_relations(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<Period>,
    Query(query): Query<RelationQuery>,
) -> ApiResult<axum::Json<RelationPage>> {
    let page = query.page()?;
    let Some(agency) = narrow(&caller.principal().agency_scope(), query.agency) else {
        return Ok(axum::Json(RelationPage::empty()));
    };
    let element = match (query.element_agency, query.element) {
        (Some(agency), Some(code)) => Some(ElementRef { agency, code }),
        (None, None) => None,
        _ => {
            return Err(ApiError::invalid_query(
                "`element` and `element_agency` go together",
            ));
        }
    };
    let filter = ArchRelationFilter {
        period: Some(period),
        agency,
        element,
    };
    let page = state
        .store()
        .list_arch_relations(&filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Relate two elements (admin of the source's agency; the target must be visible to you).
#[utoipa::path(post, path = "/api/v1/architecture/{period}/relations", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029")),
    request_body = RelationSpec,
    responses(
        (status = 201, description = "Created", body = Relation, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_relation(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<Period>,
    Json(spec): Json<RelationSpec>,
) -> ApiResult<Tagged<Relation>> {
    caller.write(&spec.source.agency, "agency", &spec.source.agency)?;
    spec.validate()?;
    let mut kinds = Vec::with_capacity(2);
    for (field, end) in [("source", &spec.source), ("target", &spec.target)] {
        let missing = || ApiError::validation(field, format!("{field}: no element {end} in {period}"));
        if !caller.principal().can_read_agency(&end.agency) {
            return Err(missing());
        }
        let key = ElementKey {
            agency: end.agency.clone(),
            period,
            code: end.code.clone(),
        };
        let element = state
            .store()
            .get_arch_element(&key)
            .await
            .map_err(|_| missing())?;
        kinds.push(element.spec.kind());
    }
    spec.kind.check(kinds[0], kinds[1])?;
    let change = state.change_by(caller.principal());
    let created = state.store().create_arch_relation(period, &spec, &change).await?;
    let location = format!("/api/v1/architecture/relations/{}", created.id);
    Ok(Tagged::created(created.meta.version, location, created))
}

async fn visible(state: &AppState, caller: &Caller, id: &str) -> ApiResult<Relation> {
    let relation = state.store().get_arch_relation(id).await?;
    let p = caller.principal();
    if p.can_read_agency(&relation.spec.source.agency) || p.can_read_agency(&relation.spec.target.agency) {
        Ok(relation)
    } else {
        Err(ApiError::not_found("architecture relation", id))
    }
}

/// Read a relation.
#[utoipa::path(get, path = "/api/v1/architecture/relations/{id}", tag = "architecture",
    params(("id" = String, Path, description = "Relation id")),
    responses(
        (status = 200, description = "The relation", body = Relation, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_relation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Tagged<Relation>> {
    let relation = visible(&state, &caller, &id).await?;
    Ok(Tagged::ok(relation.meta.version, relation))
}

/// Remove a relation (admin of the source's agency).
#[utoipa::path(delete, path = "/api/v1/architecture/relations/{id}", tag = "architecture",
    params(("id" = String, Path, description = "Relation id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn delete_relation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let relation = visible(&state, &caller, &id).await?;
    let source = &relation.spec.source.agency;
    if !caller.principal().can_write_agency(source) {
        return Err(caller.denied(&format!("change the architecture of agency {source}")));
    }
    let change = state.change_by(caller.principal());
    state.store().delete_arch_relation(&id, &change).await?;
    Ok(no_content())
}
