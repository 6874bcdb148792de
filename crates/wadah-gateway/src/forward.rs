//! Phase 5, forward: send the admitted request to the service's upstream and stream the answer
//! back. The route's pooled client (`upstream::client`: HTTP/1.1, or TLS with HTTP/2 by ALPN)
//! sends it; redirects are passed to the consumer, never followed. The upstream gets the base
//! path + the checked rest of the path, the query unchanged, the headers `headers` allows, the
//! provider's upstream credential (`upstream::credentials`) in place of the consumer's, and the
//! body as it arrives.
//!
//! Failures map to problem codes: no connection → 502 `upstream_unavailable`; a certificate
//! that does not verify → 502 `upstream_tls_error`; no upstream credential (token endpoint
//! failed) → 502 `upstream_credential_failed`; a broken exchange → 502 `upstream_error`; no
//! response head within the service's timeout → 504 `upstream_timeout`; a streamed body past
//! the limit → 413, one that stalls → 408 `request_timeout`, a malformed one → 400. An upstream
//! whose circuit is open (`circuit`) is not called: 503 `upstream_circuit_open`, still with an
//! outcome record. A request is retried once, only when its method is idempotent, its body was
//! buffered and the connection failed before anything was sent; and once with a fresh token
//! when the upstream refuses an OAuth2 token and the body was buffered. Every admitted request
//! ends in exactly one outcome record.

use std::sync::Arc;
use std::time::Duration;

use axum::http::request::Parts;
use axum::http::{HeaderMap, Request, Response, StatusCode, Uri};
use axum::response::IntoResponse;
use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use wadah_domain::audit::Outcome;

use crate::Shared;
use crate::body::{Download, Upload, UploadStats};
use crate::circuit;
use crate::ctx::RequestCtx;
use crate::headers::{self, Forwarding};
use crate::metrics;
use crate::path;
use crate::problem::{Code, GatewayError};
use crate::snapshot::Upstream;
use crate::upstream::client::HttpsClient;

/// The body type the upstream client sends.
pub type Outgoing = Either<Full<Bytes>, Upload>;

/// The request body after admission: read whole (small, digested) or still streaming.
pub enum Prepared {
    Buffered(Bytes),
    Streamed(axum::body::Body),
}

pub async fn forward(
    gw: &Shared,
    ctx: &mut RequestCtx,
    parts: Parts,
    body: Prepared,
    upload: Arc<UploadStats>,
) -> axum::response::Response {
    // If the consumer hangs up before the upstream answers, hyper drops this future; the
    // guard still leaves the outcome record every admitted request must have.
    let mut unfinished = Unfinished::new(gw, ctx, &upload);
    let response = exchange(gw, ctx, parts, body, upload).await;
    unfinished.disarm();
    response
}

async fn exchange(
    gw: &Shared,
    ctx: &mut RequestCtx,
    parts: Parts,
    body: Prepared,
    upload: Arc<UploadStats>,
) -> axum::response::Response {
    let Some(route) = ctx.route.clone() else {
        return fail(
            gw,
            ctx,
            GatewayError::internal("forward without a route"),
            &upload,
        );
    };
    let Some(upstream) = route.upstream.as_ref() else {
        let e = GatewayError::new(
            Code::UpstreamUnavailable,
            "the service's upstream URL cannot be called (only http:// and https://)",
        );
        return fail(gw, ctx, e, &upload);
    };
    let uri = match upstream_uri(upstream, &ctx.rest, parts.uri.query()) {
        Ok(uri) => uri,
        Err(e) => return fail(gw, ctx, e, &upload),
    };
    let consumer = ctx.consumer_label().unwrap_or_default().to_owned();
    let client_ip = ctx.client.ip().to_string();
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok());
    let host = host.or_else(|| parts.uri.authority().map(|a| a.as_str()));
    let fwd = Forwarding {
        host,
        request_id: &ctx.id,
        client_ip,
        consumer: &consumer,
        proto: gw.config.scheme(),
    };
    let mut headers = headers::upstream_request(&parts.headers, &fwd);
    if let Some(web) = &ctx.web {
        let prefix = format!("/app/{}/{}", route.agency, route.application);
        headers::web_identity(&mut headers, web, &prefix);
    }
    if let Some(auth) = &route.auth
        && let Err(e) = auth.apply(&mut headers, gw.clock.as_ref(), route.timeout).await
    {
        return fail(gw, ctx, e, &upload);
    }
    if let Err(e) = crate::assertion::add(gw, ctx, &parts.headers, &mut headers) {
        return fail(gw, ctx, e, &upload);
    }
    let mut head = Head {
        method: parts.method,
        uri,
        headers,
        client: route.client.clone(),
    };
    let breaker = &gw.config.breaker;
    if let Some(circuit) = &route.circuit
        && let Err(e) = circuit.admit(breaker, circuit::now_ms(gw.origin))
    {
        return fail(gw, ctx, e, &upload);
    }
    ctx.request_out = Some(ctx.micros_now());
    let result = send_authorised(gw, &route, &mut head, body, &upload).await;
    if let Some(circuit) = &route.circuit {
        let verdict = result.as_ref().map(|r| r.status().as_u16()).map_err(|e| e.code);
        if let Some(failed) = circuit::failed(verdict) {
            circuit.record(breaker, circuit::now_ms(gw.origin), !failed);
        }
    }
    match result {
        Ok(response) => respond(gw, ctx, response, upload),
        Err(e) => fail(gw, ctx, e, &upload),
    }
}

/// Sends; when the upstream refuses an OAuth2 access token with 401, sends once more with a
/// fresh token, if the body can be sent again.
async fn send_authorised(
    gw: &Shared,
    route: &crate::snapshot::Route,
    head: &mut Head,
    body: Prepared,
    upload: &Arc<UploadStats>,
) -> Result<Response<Incoming>, GatewayError> {
    let replay = match &body {
        Prepared::Buffered(bytes) => Some(bytes.clone()),
        Prepared::Streamed(_) => None,
    };
    let sent = send(gw, head, body, upload, route.timeout).await;
    match (sent, replay, &route.auth) {
        (Ok(r), Some(bytes), Some(auth))
            if r.status() == StatusCode::UNAUTHORIZED && auth.renew(&head.headers) =>
        {
            drop(r);
            auth.apply(&mut head.headers, gw.clock.as_ref(), route.timeout)
                .await?;
            send(gw, head, Prepared::Buffered(bytes), upload, route.timeout).await
        }
        (sent, _, _) => sent,
    }
}

/// The outcome of an exchange abandoned by the consumer (status 499, as nginx logs it).
struct Unfinished {
    audit: crate::audit::AuditLog,
    outcome: Option<Outcome>,
}

impl Unfinished {
    fn new(gw: &Shared, ctx: &RequestCtx, upload: &UploadStats) -> Self {
        let mut outcome = outcome_of(ctx, 499, None, upload);
        outcome.complete = false;
        outcome.error = Some("client_closed".into());
        Self {
            audit: gw.audit.clone(),
            outcome: Some(outcome),
        }
    }

    fn disarm(&mut self) {
        self.outcome = None;
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(outcome) = self.outcome.take() {
            self.audit.outcome(outcome);
        }
    }
}

struct Head {
    method: axum::http::Method,
    uri: Uri,
    headers: HeaderMap,
    client: HttpsClient,
}

impl Head {
    fn request(&self, body: Outgoing) -> Result<Request<Outgoing>, GatewayError> {
        let mut req = Request::builder()
            .method(self.method.clone())
            .uri(self.uri.clone())
            .body(body)
            .map_err(GatewayError::internal)?;
        *req.headers_mut() = self.headers.clone();
        Ok(req)
    }
}

async fn send(
    gw: &Shared,
    head: &Head,
    body: Prepared,
    upload: &Arc<UploadStats>,
    timeout: Duration,
) -> Result<Response<Incoming>, GatewayError> {
    let deadline = tokio::time::Instant::now() + timeout;
    let timed_out = || {
        GatewayError::new(
            Code::UpstreamTimeout,
            format!("the upstream did not answer within {} ms", timeout.as_millis()),
        )
    };
    match body {
        Prepared::Buffered(bytes) => {
            let idempotent = matches!(
                head.method.as_str(),
                "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE"
            );
            let attempts = if idempotent { 2 } else { 1 };
            let mut last = None;
            for _ in 0..attempts {
                let req = head.request(Either::Left(Full::new(bytes.clone())))?;
                match tokio::time::timeout_at(deadline, head.client.request(req)).await {
                    Err(_) => return Err(timed_out()),
                    Ok(Ok(response)) => return Ok(response),
                    // Nothing was sent when the connection failed: safe to try once more.
                    Ok(Err(e)) if e.is_connect() => last = Some(e),
                    Ok(Err(e)) => return Err(classify(&e, upload)),
                }
            }
            Err(last.map_or_else(timed_out, |e| classify(&e, upload)))
        }
        Prepared::Streamed(stream) => {
            let limit = gw.config.max_body_bytes;
            let idle = gw.config.body_idle_timeout;
            let req = head.request(Either::Right(Upload::new(stream, limit, idle, upload.clone())))?;
            match tokio::time::timeout_at(deadline, head.client.request(req)).await {
                Err(_) => Err(timed_out()),
                Ok(Ok(response)) => Ok(response),
                Ok(Err(e)) => Err(classify(&e, upload)),
            }
        }
    }
}

fn classify(e: &hyper_util::client::legacy::Error, upload: &UploadStats) -> GatewayError {
    if upload.too_large.load(std::sync::atomic::Ordering::Relaxed) {
        return GatewayError::new(
            Code::PayloadTooLarge,
            "the request body is larger than the gateway accepts",
        );
    }
    if upload.stalled.load(std::sync::atomic::Ordering::Relaxed) {
        return GatewayError::new(Code::RequestTimeout, "the request body stopped arriving");
    }
    if upload.broken.load(std::sync::atomic::Ordering::Relaxed) {
        return GatewayError::new(Code::InvalidRequest, "the request body was malformed or cut off");
    }
    if crate::upstream::client::tls_failure(e) {
        tracing::warn!(error = ?e, "upstream TLS handshake failed");
        return GatewayError::new(
            Code::UpstreamTlsError,
            "the upstream's TLS certificate could not be verified",
        );
    }
    if e.is_connect() {
        tracing::warn!(error = %e, "upstream connection failed");
        return GatewayError::new(Code::UpstreamUnavailable, "the upstream cannot be reached");
    }
    tracing::warn!(error = %e, "upstream exchange failed");
    GatewayError::new(
        Code::UpstreamError,
        "the upstream broke off the exchange or answered with invalid HTTP",
    )
}

/// `scheme://authority/base/rest?query`.
fn upstream_uri(upstream: &Upstream, rest: &str, query: Option<&str>) -> Result<Uri, GatewayError> {
    let path = path::join(&upstream.base_path, rest);
    let text = match query {
        Some(q) => format!("{}://{}{path}?{q}", upstream.scheme, upstream.authority),
        None => format!("{}://{}{path}", upstream.scheme, upstream.authority),
    };
    text.parse().map_err(GatewayError::internal)
}

/// Streams the upstream's response back; its end writes the outcome record.
fn respond(
    gw: &Shared,
    ctx: &mut RequestCtx,
    response: Response<Incoming>,
    upload: Arc<UploadStats>,
) -> axum::response::Response {
    ctx.response_in = Some(ctx.micros_now());
    let (mut parts, incoming) = response.into_parts();
    headers::clean_response(&mut parts.headers);
    if let Some(web) = &ctx.web {
        headers::web_response(&mut parts.headers, web);
    }
    crate::pipeline::add_limit_headers(&mut parts.headers, ctx);
    let status = parts.status.as_u16();
    let mut outcome = outcome_of(ctx, status, None, &upload);
    outcome.upstream_status = Some(status);
    let (audit, labels, received) = (gw.audit.clone(), ctx.labels(), ctx.received());
    let (received_at, started) = (ctx.received_at(), received);
    let on_end = Box::new(move |bytes: u64, digest, error: Option<&'static str>| {
        outcome.bytes_out = bytes;
        outcome.response_digest = digest;
        outcome.complete = error.is_none();
        outcome.error = error.map(str::to_owned);
        if let Some(error) = error {
            metrics::incomplete(error);
        }
        outcome.request_body_digest = outcome.request_body_digest.or_else(|| upload_digest(&upload));
        outcome.bytes_in = upload.bytes.load(std::sync::atomic::Ordering::Relaxed);
        let elapsed = started.elapsed();
        outcome.response_out = received_at + i64::try_from(elapsed.as_micros()).unwrap_or(0);
        audit.outcome(outcome);
        metrics::exchange(&labels, status, elapsed);
    });
    let body = axum::body::Body::new(Download::new(incoming, gw.config.body_idle_timeout, on_end));
    axum::response::Response::from_parts(parts, body)
}

/// Answers a failed exchange with its problem document and records the outcome.
fn fail(gw: &Shared, ctx: &RequestCtx, e: GatewayError, upload: &UploadStats) -> axum::response::Response {
    let status = e.code.status();
    if matches!(e.code, Code::RequestTimeout | Code::InvalidRequest) {
        metrics::incomplete(e.code.as_str());
    }
    let outcome = outcome_of(ctx, status.as_u16(), Some(e.code), upload);
    gw.audit.outcome(outcome);
    metrics::exchange(&ctx.labels(), status.as_u16(), ctx.received().elapsed());
    let mut response = e.into_response();
    crate::pipeline::add_limit_headers(response.headers_mut(), ctx);
    response
}

fn outcome_of(ctx: &RequestCtx, status: u16, error: Option<Code>, upload: &UploadStats) -> Outcome {
    Outcome {
        request_id: ctx.id.clone(),
        status,
        upstream_status: None,
        request_in: ctx.received_at(),
        request_out: ctx.request_out,
        response_in: ctx.response_in,
        response_out: ctx.micros_now(),
        bytes_in: upload.bytes.load(std::sync::atomic::Ordering::Relaxed),
        bytes_out: 0,
        request_body_digest: upload_digest(upload),
        response_digest: None,
        complete: error.is_none(),
        error: error.map(|c| c.as_str().to_owned()),
    }
}

fn upload_digest(upload: &UploadStats) -> Option<wadah_domain::audit::Sha256Hash> {
    upload.digest.lock().ok().and_then(|d| *d)
}
