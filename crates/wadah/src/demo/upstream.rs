//! The built-in sample upstreams: one small HTTP server in the demo process that answers for
//! every sample service with synthetic JSON, so the whole product works with nothing else
//! installed. A service's upstream base URL is `http://ADDR/sample/{agency}/{app}/{service}`.
//!
//! It also plays one *legacy web application* (`legacy`): an old browser application that
//! knows nothing of single sign-on and trusts Wadah to tell it who is visiting.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

use super::records::{RECORDS, record};

pub fn router() -> Router {
    Router::new()
        .route("/sample/{agency}/{app}/{service}", get(index))
        .route("/sample/{agency}/{app}/{service}/", get(index))
        .route("/sample/{agency}/{app}/{service}/{resource}", get(list))
        .route("/sample/{agency}/{app}/{service}/{resource}/{id}", get(one))
        .merge(super::legacy::router())
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<u64>,
}

async fn index(Path((agency, app, service)): Path<(String, String, String)>) -> Response {
    Json(json!({
        "layanan": format!("{agency}/{app}/{service}"),
        "keterangan": "Upstream contoh Wadah: data sintetis, bukan data pribadi sebenarnya.",
    }))
    .into_response()
}

async fn list(
    Path((_, _, _, resource)): Path<(String, String, String, String)>,
    Query(q): Query<ListQuery>,
) -> Response {
    let limit = q.limit.unwrap_or(10).clamp(1, RECORDS);
    let items: Vec<_> = (0..limit).map(|i| record(&resource, i)).collect();
    Json(json!({ "items": items, "total": RECORDS })).into_response()
}

async fn one(Path((_, _, _, resource, id)): Path<(String, String, String, String, String)>) -> Response {
    match id.parse::<u64>() {
        Ok(n) if (1..=RECORDS).contains(&n) => Json(record(&resource, n - 1)).into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            Json(json!({ "pesan": "data tidak ditemukan" })),
        )
            .into_response(),
    }
}
