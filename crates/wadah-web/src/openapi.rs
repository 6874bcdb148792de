//! The OpenAPI 3.1 document of the admin API, generated from the handlers' `#[utoipa::path]`
//! attributes and the domain types' schemas. Cross-cutting answers (401 on secured operations,
//! 400/413/415/422 on bodies, 400 on query strings, 500/503 everywhere) are added by one modifier
//! so that no handler can forget them. `docs/openapi.json` is this document, checked for drift.

use std::collections::BTreeMap;

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, Schema};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, Ref, RefOr};
use utoipa::{IntoParams, Modify, OpenApi, ToResponse};

use crate::api;
use crate::codes::ErrorCode;
use crate::error::Problem;

macro_rules! problem_response {
    ($name:ident, $description:literal) => {
        #[doc = $description]
        #[derive(Debug, ToResponse)]
        #[response(description = $description, content_type = "application/problem+json")]
        #[allow(dead_code)] // only its schema is used
        pub struct $name(pub Problem);
    };
}

problem_response!(
    BadRequest,
    "`invalid_json` (malformed body) or `invalid_query` (bad parameter)"
);
problem_response!(Unauthenticated, "`unauthenticated`: no usable bearer token");
problem_response!(Forbidden, "`forbidden`: your role may not do this");
problem_response!(NotFound, "`not_found`: no such object, or one outside your scope");
problem_response!(
    Conflict,
    "`duplicate`, `stale_version` (If-Match names an old version), `in_use` or `invalid_state`"
);
problem_response!(PreconditionRequired, "`precondition_required`: send `If-Match`");
problem_response!(PayloadTooLarge, "`payload_too_large`");
problem_response!(
    UnsupportedMediaType,
    "`unsupported_media_type`: send `application/json`"
);
problem_response!(
    ValidationFailed,
    "`validation_failed`: `field` names the offending field"
);
problem_response!(StoreUnavailable, "`store_unavailable`: try again shortly");
problem_response!(Internal, "`internal`: a fault on our side, logged");

/// `If-Match` on updates.
#[derive(Debug, IntoParams)]
#[allow(dead_code)] // only its schema is used
#[into_params(parameter_in = Header)]
pub struct IfMatchHeader {
    /// The `ETag` of the version you are changing, e.g. `"3"`.
    #[param(rename = "If-Match")]
    pub if_match: String,
}

/// `If-Match` on deletes (optional).
#[derive(Debug, IntoParams)]
#[allow(dead_code)] // only its schema is used
#[into_params(parameter_in = Header)]
pub struct OptionalIfMatchHeader {
    /// If given, delete only if this `ETag` is still current.
    #[param(rename = "If-Match")]
    pub if_match: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Wadah admin API", description = "Administration of Wadah's registry: agencies, applications, services, credentials, public services, access rights and requests, users."),
    paths(
        crate::ops::healthz, crate::ops::readyz, crate::ops::metrics,
        api::governments::list_governments, api::governments::create_government,
        api::governments::get_government, api::governments::update_government,
        api::agencies::list_agencies, api::agencies::create_agency, api::agencies::get_agency,
        api::agencies::update_agency, api::agencies::delete_agency,
        api::applications::list_applications, api::applications::create_application,
        api::applications::get_application, api::applications::update_application,
        api::applications::delete_application,
        api::services::list_services, api::services::create_service, api::services::get_service,
        api::services::get_service_openapi, api::services::update_service, api::services::delete_service,
        api::upstream_credentials::get_upstream_credential,
        api::upstream_credentials::set_upstream_credential,
        api::upstream_credentials::delete_upstream_credential,
        api::credentials::list_credentials, api::credentials::create_credential,
        api::credentials::get_credential, api::credentials::rotate_credential,
        api::credentials::revoke_credential,
        api::public_services::list_public_services, api::public_services::list_agency_public_services,
        api::public_services::create_public_service, api::public_services::get_public_service,
        api::public_services::update_public_service, api::public_services::delete_public_service,
        api::directory::list_directory,
        api::catalog::list_catalog,
        api::rights::list_rights, api::rights::create_right, api::rights::get_right,
        api::rights::update_right, api::rights::delete_right,
        api::requests::list_requests, api::requests::create_request, api::requests::get_request,
        api::requests::decide_request, api::requests::withdraw_request,
        api::users::get_me, api::users::list_users, api::users::create_user, api::users::get_user,
        api::users::update_user, api::users::delete_user, api::users::set_password,
        api::tokens::list_tokens, api::tokens::create_token, api::tokens::revoke_token,
        api::changes::list_changes,
        api::audit::search_audit,
        api::traffic::traffic_report,
        api::traffic::map::integration_map,
        api::feedback::list_feedback,
        api::architecture::elements::list_elements, api::architecture::elements::create_element,
        api::architecture::elements::get_element, api::architecture::elements::update_element,
        api::architecture::elements::delete_element,
        api::architecture::relations::list_relations, api::architecture::relations::create_relation,
        api::architecture::relations::get_relation, api::architecture::relations::delete_relation,
        api::architecture::reference::list_codes, api::architecture::reference::create_local_code,
        api::architecture::reference::import_national,
        api::architecture::analysis::get_roadmap, api::architecture::analysis::get_analysis,
        api::architecture::exchange::export_archimate, api::architecture::exchange::export_csv,
        api::architecture::exchange::export_architecture_xlsx,
        api::architecture::exchange::import_architecture_file,
    ),
    components(
        schemas(Problem, ErrorCode, wadah_domain::Code,
            wadah_domain::application::LifecycleStage, wadah_domain::application::Audience,
            wadah_domain::access::RequestStatus, wadah_domain::user::Role),
        responses(BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, PreconditionRequired,
            PayloadTooLarge, UnsupportedMediaType, ValidationFailed, StoreUnavailable, Internal),
    ),
    modifiers(&Conventions),
    tags(
        (name = "governments", description = "Tenants: the city, regency or province"),
        (name = "agencies", description = "Agencies (OPD)"),
        (name = "applications", description = "An agency's applications (Aplikasi SPBE)"),
        (name = "services", description = "APIs that applications provide through the gateway"),
        (name = "credentials", description = "How consuming applications authenticate at the gateway"),
        (name = "public-services", description = "Services for citizens and civil servants"),
        (name = "directory", description = "Published services, to request access to"),
        (name = "catalog", description = "The public catalogue (no authentication)"),
        (name = "access-rights", description = "Grants from providers to consumers (deny by default)"),
        (name = "access-requests", description = "Requests for access, decided by the provider"),
        (name = "users", description = "Administrators, developers, auditors and their API tokens"),
        (name = "changes", description = "The change log"),
        (name = "audit", description = "The evidence index: exchanges through the gateway"),
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "architecture", description = "SPBE architecture: elements, relations, reference codes, roadmap, analyses"),
    )
)]
struct ApiDoc;

/// The generated document.
pub fn openapi() -> Document {
    let mut doc = ApiDoc::openapi();
    doc.merge(api::assessments::openapi_part());
    Conventions.modify(&mut doc);
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut description = doc.info.description.take().unwrap_or_default();
    description.push_str(&code_table());
    doc.info.description = Some(description);
    inline_strict_parts_of_all_of(&mut doc);
    doc
}

/// The document as served and committed: pretty JSON with a final newline.
pub fn openapi_json() -> String {
    let mut json = serde_json::to_string_pretty(&openapi()).unwrap_or_default();
    json.push('\n');
    json
}

/// The published code table (CONVENTIONS 9), rendered into the document's description.
fn code_table() -> String {
    let mut table = String::from(
        "\n\nErrors are `application/problem+json` documents (RFC 9457) with a stable `code`:\n\n\
         | code | status | title |\n|---|---|---|\n",
    );
    for code in ErrorCode::ALL {
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            code.as_str(),
            code.status().as_u16(),
            code.title()
        ));
    }
    table
}

/// Adds the security scheme and the answers every operation of a kind can give.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("wdha_…")
            .description(Some(
                "An admin API token (`POST /api/v1/users/{username}/tokens`)",
            ))
            .build();
        components
            .security_schemes
            .insert("bearer".to_owned(), SecurityScheme::Http(bearer));
        for (path, item) in doc.paths.paths.iter_mut() {
            let api = path.starts_with("/api/");
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_common_responses(operation, api);
            }
        }
    }
}

fn add_common_responses(operation: &mut Operation, api: bool) {
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_body = operation.request_body.is_some();
    let has_query = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Query);
    let mut add = |status: &str, response: &str| {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
    };
    if has_body || has_query {
        add("400", "BadRequest");
    }
    if secured {
        add("401", "Unauthenticated");
    }
    if has_body {
        add("413", "PayloadTooLarge");
        add("415", "UnsupportedMediaType");
        add("422", "ValidationFailed");
    }
    if api {
        add("500", "Internal");
        add("503", "StoreUnavailable");
    }
}

/// `#[serde(deny_unknown_fields)]` specs become `additionalProperties: false`, which is right
/// for request bodies but wrong inside `allOf` (a stored `Agency` is its spec plus `meta`; the
/// strict spec schema would refuse `meta`). Such parts are inlined without that restriction.
fn inline_strict_parts_of_all_of(doc: &mut Document) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let lenient: BTreeMap<String, Schema> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            RefOr::T(Schema::Object(object))
                if matches!(
                    object.additional_properties.as_deref(),
                    Some(AdditionalProperties::FreeForm(false))
                ) =>
            {
                let mut object = object.clone();
                object.additional_properties = None;
                Some((format!("#/components/schemas/{name}"), Schema::Object(object)))
            }
            _ => None,
        })
        .collect();
    for schema in components.schemas.values_mut() {
        if let RefOr::T(Schema::AllOf(all_of)) = schema {
            for item in &mut all_of.items {
                if let RefOr::Ref(r) = item
                    && let Some(inline) = lenient.get(&r.ref_location)
                {
                    *item = RefOr::T(inline.clone());
                }
            }
        }
    }
}
