//! Upstream credentials: the provider's own credential replaces the consumer's on the way to
//! the upstream (static header, Basic, or an OAuth2 token fetched once, cached until shortly
//! before it expires, refreshed by one request for a burst, renewed once after a 401), and a
//! token endpoint that fails answers `upstream_credential_failed` without calling upstream.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use base64::Engine as _;
use serde_json::{Value, json};
use wadah_domain::Clock;
use wadah_domain::time::{FixedClock, SystemClock};

use crate::helpers::{Options, spawn_with};
use crate::https::{Pki, pki, spawn_https};

const CLIENT_SECRET: &str = "rahasia-splp-9d2c";

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[tokio::test]
async fn a_static_header_replaces_the_consumers_key() {
    let gw = spawn_with(Options {
        upstream_credential: Some(json!({"kind": "header", "name": "X-Api-Key", "value": "kunci-bpsdm"})),
        ..Options::default()
    })
    .await;
    let answer = gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let seen = gw.seen();
    assert_eq!(seen[0].headers["x-api-key"], "kunci-bpsdm");
    assert!(!seen[0].headers.contains_key("authorization"));
    for (_, value) in &seen[0].headers {
        assert!(
            !value.to_str().unwrap_or_default().contains(&gw.dashboard.plain),
            "the consumer's API key never arrives upstream"
        );
    }
    // gaji has no credential of its own: nothing is added there.
    let answer = gw.get("/bpsdm/simpeg/gaji/pegawai/1", Some(&gw.dashboard)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(!gw.seen()[1].headers.contains_key("x-api-key"));
}

#[tokio::test]
async fn basic_credentials_replace_the_consumers_bearer() {
    let gw = spawn_with(Options {
        upstream_credential: Some(json!({"kind": "basic", "username": "wadah", "password": "sandi-rahasia"})),
        ..Options::default()
    })
    .await;
    let answer = gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        gw.seen()[0].headers["authorization"],
        basic("wadah", "sandi-rahasia")
    );
}

/// A token endpoint over TLS: counts requests, checks the client authentication and the
/// grant, and answers `tok-{n}` (or 500 when `fail` is set).
struct TokenEndpoint {
    calls: Arc<AtomicUsize>,
    url: String,
    pki: Pki,
}

async fn token_endpoint(fail: bool, expires_in: u64) -> TokenEndpoint {
    let calls = Arc::new(AtomicUsize::new(0));
    let state = (calls.clone(), fail, expires_in);
    let app = Router::new()
        .route(
            "/oauth2/token",
            post(
                |State((calls, fail, expires_in)): State<(Arc<AtomicUsize>, bool, u64)>,
                 headers: HeaderMap,
                 body: String| async move {
                    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                    let expected = basic("bontang", CLIENT_SECRET);
                    let authorised = headers
                        .get("authorization")
                        .is_some_and(|v| v.as_bytes() == expected.as_bytes());
                    if fail || !authorised || !body.contains("grant_type=client_credentials") {
                        return (StatusCode::INTERNAL_SERVER_ERROR, "no").into_response();
                    }
                    axum::Json(json!({"access_token": format!("tok-{n}"), "token_type": "Bearer",
                        "expires_in": expires_in}))
                    .into_response()
                },
            ),
        )
        .with_state(state);
    let pki = pki("splp");
    let (addr, _) = spawn_https(&pki, &[b"http/1.1"], app).await;
    TokenEndpoint {
        calls,
        url: format!("https://localhost:{}/oauth2/token", addr.port()),
        pki,
    }
}

fn oauth2(endpoint: &TokenEndpoint) -> Value {
    json!({"kind": "oauth2_client_credentials", "token_url": endpoint.url,
        "client_id": "bontang", "client_secret": CLIENT_SECRET, "scope": "pegawai.read"})
}

fn bearers(gw: &crate::helpers::TestGateway) -> Vec<String> {
    gw.seen()
        .iter()
        .map(|s| s.headers["authorization"].to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_oauth2_token_is_fetched_once_for_a_burst_and_again_after_it_expires() {
    let endpoint = token_endpoint(false, 3600).await;
    let clock = Arc::new(FixedClock::at(SystemClock.now()));
    let gw = Arc::new(
        spawn_with(Options {
            // The token endpoint's private CA is trusted through the service's bundle.
            ca_pem: Some(endpoint.pki.ca_pem.clone()),
            upstream_credential: Some(oauth2(&endpoint)),
            clock: Some(clock.clone() as Arc<dyn Clock>),
            ..Options::default()
        })
        .await,
    );
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..20 {
        let gw = gw.clone();
        burst.spawn(async move {
            gw.get(&format!("/bpsdm/simpeg/pegawai/{i}"), Some(&gw.dashboard))
                .await
        });
    }
    while let Some(answer) = burst.join_next().await {
        assert_eq!(answer.unwrap().status, 200);
    }
    assert_eq!(
        endpoint.calls.load(Ordering::SeqCst),
        1,
        "one token for the whole burst"
    );
    assert!(bearers(&gw).iter().all(|b| b == "Bearer tok-1"));

    clock.advance(chrono::Duration::seconds(3500));
    let answer = gw.get("/bpsdm/simpeg/pegawai/later", Some(&gw.dashboard)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        endpoint.calls.load(Ordering::SeqCst),
        1,
        "still valid 100 s before expiry"
    );
    clock.advance(chrono::Duration::seconds(60));
    let answer = gw
        .get("/bpsdm/simpeg/pegawai/refreshed", Some(&gw.dashboard))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        endpoint.calls.load(Ordering::SeqCst),
        2,
        "refreshed shortly before expiry"
    );
    assert_eq!(bearers(&gw).last().unwrap(), "Bearer tok-2");
}

#[tokio::test]
async fn a_failing_token_endpoint_answers_upstream_credential_failed() {
    let endpoint = token_endpoint(true, 3600).await;
    let gw = spawn_with(Options {
        ca_pem: Some(endpoint.pki.ca_pem.clone()),
        upstream_credential: Some(oauth2(&endpoint)),
        ..Options::default()
    })
    .await;
    let answer = gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (502, "upstream_credential_failed")
    );
    assert!(!String::from_utf8_lossy(&answer.body).contains(CLIENT_SECRET));
    assert!(
        gw.seen().is_empty(),
        "the upstream is not called without its credential"
    );
    assert_eq!(endpoint.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_for_a_replayable_request() {
    let endpoint = token_endpoint(false, 3600).await;
    // An upstream that no longer accepts the first token it was shown.
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let app = Router::new().fallback(move |headers: HeaderMap| {
        let log = log.clone();
        async move {
            let bearer = headers["authorization"].to_str().unwrap().to_owned();
            log.lock().unwrap().push(bearer.clone());
            if bearer == "Bearer tok-1" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let gw = spawn_with(Options {
        upstream: Some(format!("http://{addr}/api")),
        ca_pem: Some(endpoint.pki.ca_pem.clone()),
        upstream_credential: Some(oauth2(&endpoint)),
        ..Options::default()
    })
    .await;
    let answer = gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(*seen.lock().unwrap(), ["Bearer tok-1", "Bearer tok-2"]);
    assert_eq!(endpoint.calls.load(Ordering::SeqCst), 2);
}
