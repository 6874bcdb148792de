//! Architecture elements: `/api/v1/architecture/{period}/elements` lists across the agencies
//! the caller may see; `/api/v1/architecture/{period}/agencies/{agency}/elements` holds one
//! agency's, changed by its admins.

use wadah_domain::architecture::{Element, ElementKey, ElementKind, ElementSpec, Period};
use wadah_store::ArchElementFilter;

use super::super::prelude::*;
use super::checks;

list_query!(
    /// Query of the element list.
    ElementQuery {
        /// Only elements of this agency.
        agency: Option<Code>,
        /// Only elements of this kind.
        kind: Option<ElementKind>,
    }
);
page_type!(
    /// A page of architecture elements.
    ElementPage,
    Element
);

pub fn routes() -> Router<AppState> {
    let base = "/api/v1/architecture/{period}/agencies/{agency}/elements";
    Router::new()
        .route("/api/v1/architecture/{period}/elements", get(list_elements))
        .route(base, post(create_element))
        .route(
            &format!("{base}/{{code}}"),
            get(get_element).put(update_element).delete(delete_element),
        )
}

fn key((period, agency, code): (Period, Code, Code)) -> ElementKey {
    ElementKey { agency, period, code }
}

/// List architecture elements of a period across the agencies the caller may see.
#[utoipa::path(get, path = "/api/v1/architecture/{period}/elements", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"), ElementQuery),
    responses(
        (status = 200, description = "A page of elements", body = ElementPage),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_elements(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<Period>,
    Query(query): Query<ElementQuery>,
) -> ApiResult<axum::Json<ElementPage>> {
    let page = query.page()?;
    let Some(agency) = narrow(&caller.principal().agency_scope(), query.agency) else {
        return Ok(axum::Json(ElementPage::empty()));
    };
    let filter = ArchElementFilter {
        period: Some(period),
        agency,
        kind: query.kind,
    };
    let page = state
        .store()
        .list_arch_elements(&filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Add an element to the agency's architecture (agency admin).
#[utoipa::path(post, path = "/api/v1/architecture/{period}/agencies/{agency}/elements", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"),
        ("agency" = Code, Path, description = "Agency code", example = "dinsos")),
    request_body = ElementSpec,
    responses(
        (status = 201, description = "Created", body = Element, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_element(
    State(state): State<AppState>,
    caller: Caller,
    Path((period, agency)): Path<(Period, Code)>,
    Json(spec): Json<ElementSpec>,
) -> ApiResult<Tagged<Element>> {
    caller.write(&agency, "agency", &agency)?;
    checks::element(&state, &agency, period, &spec).await?;
    let change = state.change_by(caller.principal());
    let created = state
        .store()
        .create_arch_element(&agency, period, &spec, &change)
        .await?;
    let location = format!(
        "/api/v1/architecture/{period}/agencies/{agency}/elements/{}",
        created.spec.code
    );
    Ok(Tagged::created(created.meta.version, location, created))
}

/// Read an element.
#[utoipa::path(get, path = "/api/v1/architecture/{period}/agencies/{agency}/elements/{code}", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"),
        ("agency" = Code, Path, description = "Agency code", example = "dinsos"),
        ("code" = Code, Path, description = "Element code", example = "penyaluran-bansos")),
    responses(
        (status = 200, description = "The element", body = Element, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_element(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(Period, Code, Code)>,
) -> ApiResult<Tagged<Element>> {
    let key = key(path);
    caller.read(&key.agency, "architecture element", &key)?;
    let element = state.store().get_arch_element(&key).await?;
    Ok(Tagged::ok(element.meta.version, element))
}

/// Change an element (agency admin); the code and the kind stay.
#[utoipa::path(put, path = "/api/v1/architecture/{period}/agencies/{agency}/elements/{code}", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"),
        ("agency" = Code, Path, description = "Agency code", example = "dinsos"),
        ("code" = Code, Path, description = "Element code", example = "penyaluran-bansos"),
        crate::openapi::IfMatchHeader),
    request_body = ElementSpec,
    responses(
        (status = 200, description = "Changed", body = Element, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn update_element(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(Period, Code, Code)>,
    IfMatch(version): IfMatch,
    Json(spec): Json<ElementSpec>,
) -> ApiResult<Tagged<Element>> {
    let key = key(path);
    caller.write(&key.agency, "architecture element", &key)?;
    keep_code(&key.code, &spec.code, "code")?;
    checks::element(&state, &key.agency, key.period, &spec).await?;
    let change = state.change_by(caller.principal());
    let updated = state
        .store()
        .update_arch_element(&key, &spec, version, &change)
        .await?;
    Ok(Tagged::ok(updated.meta.version, updated))
}

/// Delete an element (agency admin); `?cascade=true` also deletes its relations.
#[utoipa::path(delete, path = "/api/v1/architecture/{period}/agencies/{agency}/elements/{code}", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"),
        ("agency" = Code, Path, description = "Agency code", example = "dinsos"),
        ("code" = Code, Path, description = "Element code", example = "penyaluran-bansos"),
        DeleteQuery, crate::openapi::OptionalIfMatchHeader),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn delete_element(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(Period, Code, Code)>,
    Query(query): Query<DeleteQuery>,
    MaybeIfMatch(version): MaybeIfMatch,
) -> ApiResult<StatusCode> {
    let key = key(path);
    caller.write(&key.agency, "architecture element", &key)?;
    let change = state.change_by(caller.principal());
    state
        .store()
        .delete_arch_element(&key, query.mode(version), &change)
        .await?;
    Ok(no_content())
}
