//! HTTPS upstreams: trusted through the service's own CA bundle, refused with
//! `upstream_tls_error` when their certificate does not verify, and spoken to over HTTP/2 when
//! they offer it by ALPN.

use std::time::Duration;

use axum::Router;
use axum::http::Version;
use serde_json::json;
use wadah_domain::service::ServiceRef;
use wadah_domain::upstream::CaBundle;

use crate::helpers::{Options, change, code, spawn_with};
use crate::https::{pki, spawn_https};

fn upstream_app() -> Router {
    Router::new().fallback(|| async { axum::Json(json!({"over": "tls"})) })
}

fn options(addr: std::net::SocketAddr, ca_pem: Option<String>) -> Options {
    Options {
        upstream: Some(format!("https://127.0.0.1:{}/api", addr.port())),
        ca_pem,
        ..Options::default()
    }
}

#[tokio::test]
async fn an_upstream_signed_by_the_services_ca_is_called_over_h2() {
    let pki = pki("bpsdm");
    let (addr, seen) = spawn_https(&pki, &[b"h2", b"http/1.1"], upstream_app()).await;
    let gw = spawn_with(options(addr, Some(pki.ca_pem.clone()))).await;
    for _ in 0..3 {
        let answer = gw
            .get("/bpsdm/simpeg/pegawai/daftar?page=2", Some(&gw.dashboard))
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(answer.json()["over"], "tls");
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    for request in &seen {
        assert_eq!(request.version, Version::HTTP_2, "the upstream offered h2");
        assert_eq!(request.path, "/api/pegawai/daftar");
        assert!(
            !request.headers.contains_key("authorization"),
            "the consumer's key stays behind"
        );
        assert_eq!(request.headers["x-wadah-consumer"], "diskominfo/dashboard");
    }
}

#[tokio::test]
async fn an_upstream_offering_only_http1_is_spoken_to_in_http1() {
    let pki = pki("bpsdm");
    let (addr, seen) = spawn_https(&pki, &[b"http/1.1"], upstream_app()).await;
    let gw = spawn_with(options(addr, Some(pki.ca_pem.clone()))).await;
    let answer = gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(seen.lock().unwrap()[0].version, Version::HTTP_11);
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_until_the_provider_adds_its_ca() {
    let pki = pki("bpsdm");
    let stranger = crate::https::pki("elsewhere");
    let (addr, seen) = spawn_https(&pki, &[b"h2", b"http/1.1"], upstream_app()).await;
    let gw = spawn_with(options(addr, Some(stranger.ca_pem.clone()))).await;
    let answer = gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (502, "upstream_tls_error")
    );
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing was sent over an unverified connection"
    );

    // Without any CA of its own the system's roots do not know the private CA either.
    let service = ServiceRef {
        agency: code("bpsdm"),
        application: code("simpeg"),
        service: code("pegawai"),
    };
    let current = gw.store.get_service(&service).await.unwrap();
    let mut spec = current.spec.clone();
    spec.upstream_ca_pem = None;
    let v2 = gw
        .store
        .update_service(&service, &spec, current.meta.version, &change())
        .await
        .unwrap();
    gw.eventually(
        "/bpsdm/simpeg/pegawai/x",
        &gw.dashboard,
        Duration::from_secs(2),
        |a| a.status == 502 && a.code() == "upstream_tls_error",
    )
    .await;

    spec.upstream_ca_pem = Some(CaBundle::parse(&pki.ca_pem).unwrap());
    gw.store
        .update_service(&service, &spec, v2.meta.version, &change())
        .await
        .unwrap();
    gw.eventually(
        "/bpsdm/simpeg/pegawai/x",
        &gw.dashboard,
        Duration::from_secs(2),
        |a| a.status == 200,
    )
    .await;
    assert!(!seen.lock().unwrap().is_empty());
}
