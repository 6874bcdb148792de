//! `/api/v1/audit`: search the evidence index (exchanges through the gateway, newest first)
//! by request id, consumer, service, status class and time. It answers what the records hold:
//! codes, digests, sizes and times, never bodies. Who sees what is the domain policy's
//! [`AuditScope`](wadah_domain::policy::AuditScope): platform admins and platform-wide
//! auditors everything, an agency's admin (or auditor) the exchanges where the agency is the
//! consumer or the provider, a developer their application's, evaluators nothing.
//!
//! The index is filled in the background from each node's log, so a finished exchange shows
//! here within about a second; the log files (`wadah audit verify`) remain the evidence.

use wadah_domain::audit::AuditExchange;
use wadah_store::AuditFilter;

use super::prelude::*;

/// Longest accepted request id (the gateway's own limit).
const MAX_REQUEST_ID: usize = 128;

/// Query of the evidence index.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    #[param(min_length = 1, max_length = 512, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
    /// Only this request id (`X-Request-Id`).
    #[param(max_length = 128)]
    pub request_id: Option<String>,
    /// The consumer: `agency` or `agency/application`.
    #[param(max_length = 130, example = "diskominfo/dashboard-kota")]
    pub consumer: Option<String>,
    /// The service: `agency`, `agency/application` or `agency/application/service`.
    #[param(max_length = 200, example = "bpsdm/simpeg/pegawai")]
    pub service: Option<String>,
    /// The status class the consumer received: `2xx`, `3xx`, `4xx` or `5xx`.
    #[param(pattern = "^[1-5]xx$")]
    pub status: Option<String>,
    /// Admitted at or after this time (RFC 3339).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Admitted before this time (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

page_type!(
    /// A page of exchanges, newest first.
    AuditPage,
    AuditExchange
);

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(search_audit))
}

/// Search the evidence index: exchanges newest first, within the caller's scope.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of exchanges", body = AuditPage),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
    ),
    security(("bearer" = [])))]
pub async fn search_audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> ApiResult<axum::Json<AuditPage>> {
    let Some(scope) = caller.principal().audit_scope() else {
        return Err(ApiError::forbidden("your role may not read the evidence log"));
    };
    let page = crate::pagination::page_request(query.limit, query.cursor.as_deref(), None)?;
    let filter = filter(scope, &query)?;
    let page = state
        .store()
        .search_audit(&filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Splits `a/b/c` into at most `max` codes, each a valid code.
pub(crate) fn codes(raw: &str, max: usize, field: &str) -> ApiResult<Vec<String>> {
    let parts: Vec<&str> = raw.split('/').collect();
    if parts.len() > max || raw.len() > 200 {
        return Err(ApiError::invalid_query(format!(
            "`{field}` has at most {max} codes separated by `/`"
        )));
    }
    parts
        .into_iter()
        .map(|p| {
            Code::parse(p)
                .map(|c| c.as_str().to_owned())
                .map_err(|e| ApiError::invalid_query(format!("`{field}`: {e}")))
        })
        .collect()
}

fn filter(scope: wadah_domain::policy::AuditScope, q: &AuditQuery) -> ApiResult<AuditFilter> {
    let mut f = AuditFilter::scoped(scope);
    if let Some(id) = &q.request_id {
        if id.is_empty() || id.len() > MAX_REQUEST_ID {
            return Err(ApiError::invalid_query(format!(
                "`request_id` has 1 to {MAX_REQUEST_ID} characters"
            )));
        }
        f.request_id = Some(id.clone());
    }
    if let Some(raw) = &q.consumer {
        let mut parts = codes(raw, 2, "consumer")?.into_iter();
        f.consumer_agency = parts.next();
        f.consumer_application = parts.next();
    }
    if let Some(raw) = &q.service {
        let mut parts = codes(raw, 3, "service")?.into_iter();
        f.service_agency = parts.next();
        f.service_application = parts.next();
        f.service = parts.next();
    }
    if let Some(raw) = &q.status {
        let class = match raw.as_str() {
            "1xx" => 1,
            "2xx" => 2,
            "3xx" => 3,
            "4xx" => 4,
            "5xx" => 5,
            _ => {
                return Err(ApiError::invalid_query(
                    "`status` is one of 1xx, 2xx, 3xx, 4xx, 5xx",
                ));
            }
        };
        f.status_class = Some(class);
    }
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from >= to
    {
        return Err(ApiError::invalid_query("`from` must be before `to`"));
    }
    f.from = q.from;
    f.to = q.to;
    Ok(f)
}
