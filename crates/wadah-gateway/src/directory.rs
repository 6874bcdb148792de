//! The service directory for machines (X-Road's metaservices), on the gateway listener:
//!
//! - `GET /_wadah/services`: the services the authenticated caller may call, i.e. those on
//!   which it holds at least one unexpired right (`{"items": [{agency, application, service,
//!   name}]}`, ordered by path);
//! - `GET /_wadah/services/{agency}/{application}/{service}/openapi`: the stored OpenAPI
//!   document, verbatim. Decision: an authenticated consumer may read it when it holds a
//!   right on the service, when the service is `public` (listed for every agency's
//!   developers, DESIGN.md glossary), or when the service belongs to its own agency. Anything
//!   else answers 404 `service_not_found`, exactly as for a service that does not exist, so an
//!   internal service's existence does not leak.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use wadah_domain::service::Visibility;

use crate::pipeline::{new_ctx, refuse};
use crate::problem::{Code, GatewayError};
use crate::snapshot::{Consumer, Route};
use crate::tls::PeerCertificate;
use crate::{Shared, auth};

pub async fn services(State(gw): State<Arc<Shared>>, req: Request) -> Response {
    let mut ctx = new_ctx(&gw, &req);
    let snapshot = gw.snapshot.load_full();
    let peer = req.extensions().get::<PeerCertificate>();
    let consumer = match auth::cert::authenticate(&snapshot, &gw.signing.load(), req.headers(), peer, ctx.now)
    {
        Ok(c) => c,
        Err(e) => return refuse(&gw, &ctx, e),
    };
    ctx.consumer = Some(consumer.clone());
    let mut items: Vec<&Arc<Route>> = snapshot
        .routes()
        .filter(|r| has_right(r, &consumer, ctx.now))
        .collect();
    items.sort_by(|a, b| a.key.cmp(&b.key));
    let items: Vec<_> = items
        .iter()
        .map(|r| json!({"agency": r.agency, "application": r.application, "service": r.service, "name": r.name}))
        .collect();
    Json(json!({ "items": items })).into_response()
}

pub async fn openapi(
    State(gw): State<Arc<Shared>>,
    Path((agency, application, service)): Path<(String, String, String)>,
    req: Request,
) -> Response {
    let mut ctx = new_ctx(&gw, &req);
    let snapshot = gw.snapshot.load_full();
    let peer = req.extensions().get::<PeerCertificate>();
    let consumer = match auth::cert::authenticate(&snapshot, &gw.signing.load(), req.headers(), peer, ctx.now)
    {
        Ok(c) => c,
        Err(e) => return refuse(&gw, &ctx, e),
    };
    ctx.consumer = Some(consumer.clone());
    let key = format!("{agency}/{application}/{service}");
    let visible = snapshot.route(&key).filter(|r| {
        r.visibility == Visibility::Public || r.agency == consumer.agency || has_right(r, &consumer, ctx.now)
    });
    let Some(route) = visible else {
        return refuse(
            &gw,
            &ctx,
            GatewayError::new(Code::ServiceNotFound, format!("no service {key}")),
        );
    };
    let Some(doc) = route.openapi.clone() else {
        return refuse(
            &gw,
            &ctx,
            GatewayError::new(Code::NotFound, format!("{key} has no OpenAPI document")),
        );
    };
    let media = if doc.trim_start().starts_with('{') {
        "application/json"
    } else {
        "application/yaml"
    };
    let mut response = doc.to_string().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    response
}

/// Whether the consumer holds an unexpired right on the route (any method, any path).
fn has_right(route: &Route, consumer: &Consumer, now: wadah_domain::Timestamp) -> bool {
    route.rights.iter().any(|r| {
        let c = &r.spec.consumer;
        c.agency == consumer.agency
            && c.application.as_ref().is_none_or(|a| *a == consumer.application)
            && r.spec.expires_at.is_none_or(|t| t > now)
    })
}
