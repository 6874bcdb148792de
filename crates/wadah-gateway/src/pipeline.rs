//! The proxy pipeline for `/{agency}/{application}/{service}/{rest…}`: the phases in order over
//! one [`RequestCtx`], each taking what it needs and refusing with a problem code.
//!
//! authenticate → resolve route → authorize → rate-limit → record admission → forward → record
//! outcome. Every refusal before admission is counted (metrics, and one aggregated evidence
//! record per window); every admitted request has an admission record, durable before
//! forwarding in strict mode, and an outcome record.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use wadah_domain::audit::{Admission, BodyEvidence, Sha256Hash};

use crate::body::UploadStats;
use crate::ctx::RequestCtx;
use crate::forward::{self, Prepared};
use crate::headers::{self, END_USER};
use crate::limit::ceil_secs;
use crate::path::{self, PathError};
use crate::problem::{Code, GatewayError};
use crate::snapshot::{Consumer, Route, Snapshot};
use crate::tls::PeerCertificate;
use crate::{RequestId, Shared, auth, authorize, metrics};

/// First path segments the gateway keeps for itself (DESIGN.md §3).
pub const RESERVED: [&str; 5] = ["oauth2", ".well-known", "healthz", "metrics", "_wadah"];

/// The caller's address, put into each request's extensions by the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

pub async fn handle(State(gw): State<Arc<Shared>>, req: Request) -> Response {
    let mut ctx = new_ctx(&gw, &req);
    match admit(&gw, &mut ctx, req).await {
        Ok((parts, body, upload)) => forward::forward(&gw, &mut ctx, parts, body, upload).await,
        Err(e) => refuse(&gw, &ctx, e),
    }
}

pub fn new_ctx(gw: &Shared, req: &Request) -> RequestCtx {
    let id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let client = req
        .extensions()
        .get::<ClientAddr>()
        .map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0);
    RequestCtx::new(id, client, gw.clock.now())
}

/// Counts a refusal before admission and answers it.
pub fn refuse(gw: &Shared, ctx: &RequestCtx, e: GatewayError) -> Response {
    metrics::rejected(e.code.as_str());
    gw.audit
        .reject(e.code.as_str(), ctx.consumer_label(), ctx.route_key());
    let mut response = e.into_response();
    add_limit_headers(response.headers_mut(), ctx);
    response
}

type Admitted = (Parts, Prepared, Arc<UploadStats>);

async fn admit(gw: &Shared, ctx: &mut RequestCtx, req: Request) -> Result<Admitted, GatewayError> {
    let snapshot = gw.snapshot.load_full();
    check_header_limits(req.headers(), gw)?;
    let peer = req.extensions().get::<PeerCertificate>();
    let consumer = auth::cert::authenticate(&snapshot, &gw.signing.load(), req.headers(), peer, ctx.now)?;
    ctx.consumer = Some(consumer.clone());
    let route = resolve(&snapshot, ctx, req.uri().path())?;
    let method = authorize::method(req.method()).ok_or_else(|| {
        GatewayError::new(
            Code::MethodNotAllowed,
            format!("the gateway does not forward {}", req.method()),
        )
    })?;
    ctx.method = Some(method);
    let grant = authorize::authorize(&route, &consumer, method, &ctx.rest, ctx.now)?;
    ctx.grant = Some(grant);
    rate_limit(gw, &snapshot, ctx, &consumer, &route, grant.limit_per_minute)?;
    cluster_limit(gw, ctx, &consumer, &route, grant.limit_per_minute).await?;
    let end_user = end_user(req.headers())?;
    let (parts, body) = req.into_parts();
    let (evidence, prepared) = prepare_body(gw, &parts, body).await?;
    let admission = Admission {
        request_id: ctx.id.clone(),
        consumer_agency: consumer.agency.to_string(),
        consumer_application: consumer.application.to_string(),
        credential: consumer.credential.clone(),
        service_agency: route.agency.to_string(),
        service_application: route.application.to_string(),
        service: route.service.to_string(),
        method: parts.method.to_string(),
        path: ctx.rest.clone(),
        query_digest: parts.uri.query().map(|q| Sha256Hash::of(q.as_bytes())),
        body: evidence,
        end_user,
        client: ctx.client.to_string(),
    };
    gw.audit.admit(admission).await.map_err(|e| {
        tracing::error!(error = %e, "refusing a request: its admission cannot be recorded");
        GatewayError::new(
            Code::AuditUnavailable,
            "the evidence log cannot be written, so the request was not forwarded",
        )
    })?;
    let upload = Arc::new(UploadStats::default());
    if let Prepared::Buffered(bytes) = &prepared {
        upload
            .bytes
            .store(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
    }
    Ok((parts, prepared, upload))
}

fn check_header_limits(headers: &HeaderMap, gw: &Shared) -> Result<(), GatewayError> {
    if headers.len() > gw.config.max_headers || headers::total_bytes(headers) > gw.config.max_header_bytes {
        return Err(GatewayError::new(
            Code::HeadersTooLarge,
            format!(
                "at most {} headers and {} bytes of headers",
                gw.config.max_headers, gw.config.max_header_bytes
            ),
        ));
    }
    Ok(())
}

/// Phase 2: the route, and the checked rest of the path into the context.
fn resolve(snapshot: &Snapshot, ctx: &mut RequestCtx, raw_path: &str) -> Result<Arc<Route>, GatewayError> {
    let first = raw_path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    if RESERVED.contains(&first) {
        return Err(GatewayError::new(
            Code::NotFound,
            format!("/{first} is reserved by the gateway"),
        ));
    }
    let parsed = path::parse(raw_path).map_err(|e| match e {
        PathError::NoService => GatewayError::new(
            Code::ServiceNotFound,
            "name a service: /{agency}/{application}/{service}/…",
        ),
        PathError::TooLong => GatewayError::new(
            Code::InvalidPath,
            format!("the path is longer than {} bytes", path::MAX_PATH_BYTES),
        ),
        PathError::Unsafe(why) => GatewayError::new(Code::InvalidPath, why),
    })?;
    let route = snapshot
        .route(parsed.key)
        .cloned()
        .ok_or_else(|| GatewayError::new(Code::ServiceNotFound, format!("no service {}", parsed.key)))?;
    ctx.rest = parsed.rest.to_owned();
    ctx.route = Some(route.clone());
    Ok(route)
}

/// Phase 4: the consumer's limit on this service.
fn rate_limit(
    gw: &Shared,
    snapshot: &Snapshot,
    ctx: &mut RequestCtx,
    consumer: &Consumer,
    route: &Route,
    per_minute: u32,
) -> Result<(), GatewayError> {
    let Some(cell) = snapshot.limit_cell(consumer, route) else {
        return Err(GatewayError::internal(format!(
            "no rate-limit cell for {} on {}",
            consumer.label, route.key
        )));
    };
    let now_ns = u64::try_from(gw.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
    let decision = cell.check(now_ns, per_minute);
    ctx.limit = Some(decision);
    if decision.allowed {
        return Ok(());
    }
    let retry = ceil_secs(decision.retry_after_ns).max(1);
    Err(GatewayError::new(
        Code::RateLimited,
        format!(
            "{} may call {} {per_minute} times a minute",
            consumer.label, route.key
        ),
    )
    .with_header(header::RETRY_AFTER, HeaderValue::from(retry)))
}

/// Phase 4b: the same limit across the cluster (Redis), only for what the local limit admitted,
/// so the hot path pays no round-trip for a request refused locally.
async fn cluster_limit(
    gw: &Shared,
    ctx: &mut RequestCtx,
    consumer: &Consumer,
    route: &Route,
    per_minute: u32,
) -> Result<(), GatewayError> {
    use crate::cluster_limit::{RedisUnavailable, Verdict};
    let Some(limiter) = &gw.cluster_limit else {
        return Ok(());
    };
    match limiter.check(&consumer.label, &route.key, per_minute).await {
        Verdict::Allowed | Verdict::Unavailable(RedisUnavailable::FailOpen) => Ok(()),
        Verdict::Refused { retry_after_ns } => {
            if let Some(d) = ctx.limit.as_mut() {
                d.allowed = false;
                d.remaining = 0;
                d.retry_after_ns = retry_after_ns;
                d.reset_ns = d.reset_ns.max(retry_after_ns);
            }
            let retry = ceil_secs(retry_after_ns).max(1);
            Err(GatewayError::new(
                Code::RateLimited,
                format!(
                    "{} may call {} {per_minute} times a minute (across all gateway nodes)",
                    consumer.label, route.key
                ),
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from(retry)))
        }
        Verdict::Unavailable(RedisUnavailable::FailClosed) => Err(GatewayError::new(
            Code::RateLimitUnavailable,
            "the cluster-wide rate limit cannot be checked right now; try again shortly",
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from(1u32))),
    }
}

/// `RateLimit-Limit/Remaining/Reset` from the context's limit decision, if there was one.
pub fn add_limit_headers(headers: &mut HeaderMap, ctx: &RequestCtx) {
    if let Some(d) = ctx.limit {
        headers.insert(
            HeaderName::from_static("ratelimit-limit"),
            HeaderValue::from(d.limit),
        );
        headers.insert(
            HeaderName::from_static("ratelimit-remaining"),
            HeaderValue::from(d.remaining),
        );
        headers.insert(
            HeaderName::from_static("ratelimit-reset"),
            HeaderValue::from(ceil_secs(d.reset_ns)),
        );
    }
}

/// The end user a consumer names in `X-Wadah-User` (at most 128 visible characters).
fn end_user(headers: &HeaderMap) -> Result<Option<String>, GatewayError> {
    let Some(value) = headers.get(END_USER) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(v) if !v.is_empty() && v.len() <= 128 => Ok(Some(v.to_owned())),
        _ => Err(GatewayError::new(
            Code::InvalidRequest,
            "X-Wadah-User must be 1 to 128 visible ASCII characters",
        )),
    }
}

/// Small bodies of known length are read now so the admission record holds their digest;
/// others stream (their digest goes into the outcome record). A declared length past the
/// limit is refused before anything is read.
pub(crate) async fn prepare_body(
    gw: &Shared,
    parts: &Parts,
    body: axum::body::Body,
) -> Result<(BodyEvidence, Prepared), GatewayError> {
    let too_large = || {
        GatewayError::new(
            Code::PayloadTooLarge,
            format!("the body may have at most {} bytes", gw.config.max_body_bytes),
        )
    };
    let declared = match parts.headers.get(header::CONTENT_LENGTH) {
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .ok_or_else(|| GatewayError::new(Code::InvalidRequest, "Content-Length is not a number"))?,
        ),
        None => None,
    };
    if declared.is_some_and(|n| n > gw.config.max_body_bytes) {
        return Err(too_large());
    }
    let exact = hyper::body::Body::size_hint(&body).exact();
    match exact {
        Some(0) => Ok((BodyEvidence::Empty, Prepared::Buffered(bytes::Bytes::new()))),
        Some(n) if n <= gw.config.digest_body_bytes => {
            let limited = http_body_util::Limited::new(body, usize::try_from(n).unwrap_or(usize::MAX));
            let read = tokio::time::timeout(gw.config.header_read_timeout, limited.collect());
            let bytes = match read.await {
                Ok(Ok(collected)) => collected.to_bytes(),
                Ok(Err(_)) => {
                    return Err(GatewayError::new(
                        Code::InvalidRequest,
                        "the request body was malformed or not sent in full",
                    ));
                }
                Err(_) => {
                    return Err(GatewayError::new(
                        Code::RequestTimeout,
                        "the request body was not sent in time",
                    ));
                }
            };
            let evidence = BodyEvidence::Digest {
                bytes: bytes.len() as u64,
                digest: Sha256Hash::of(&bytes),
            };
            Ok((evidence, Prepared::Buffered(bytes)))
        }
        _ => Ok((BodyEvidence::Streamed, Prepared::Streamed(body))),
    }
}
