//! Link checks of public services' online links against a local site that answers 200, 404,
//! 405-to-HEAD, redirects, hangs, or is not there at all: the portal marks every broken link on
//! the service's page and in the listings, and shows a working one as checked.

use std::time::Duration;

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{any, get};
use serde_json::json;
use wadah_web::link_check::{Probe, check_all};

use crate::helpers::{TestApp, code, spec};

/// A local site: `/ok`, `/missing` (404), `/no-head` (405 to HEAD, 200 to GET), `/moved`
/// (302 → `/ok`), `/loop` (redirects to itself), `/hang` (never answers).
async fn site() -> String {
    let app = Router::new()
        .route("/ok", get(|| async { "ok" }))
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/no-head",
            any(|method: Method| async move {
                if method == Method::HEAD {
                    StatusCode::METHOD_NOT_ALLOWED.into_response()
                } else {
                    "ok".into_response()
                }
            }),
        )
        .route("/moved", get(|| async { Redirect::temporary("/ok") }))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route("/hang", get(std::future::pending::<&'static str>));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// An address where nothing listens (a port just released).
fn refused() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/")
}

async fn add_service(app: &TestApp, code_: &str, url: &str) {
    app.store
        .create_public_service(
            &code("dinsos"),
            &spec(json!({
                "code": code_,
                "name": format!("Layanan {code_}"),
                "audience": "public",
                "online_url": url
            })),
            &app.change(),
        )
        .await
        .unwrap();
}

fn probe() -> Probe {
    Probe::new(Duration::from_millis(500), 3, "Wadah-LinkCheck/test")
}

api_test!(broken_links_are_marked_and_working_ones_shown_as_checked);
async fn broken_links_are_marked_and_working_ones_shown_as_checked(app: TestApp) {
    let base = site().await;
    let cases = [
        ("baik", format!("{base}/ok")),
        ("hilang", format!("{base}/missing")),
        ("tanpa-head", format!("{base}/no-head")),
        ("pindah", format!("{base}/moved")),
        ("berputar", format!("{base}/loop")),
        ("macet", format!("{base}/hang")),
        ("mati", refused()),
    ];
    for (c, url) in &cases {
        add_service(&app, c, url).await;
    }
    // Before the first round: not checked, and said so.
    let before = app.get("/layanan/dinsos/hilang").send().await.ok().text();
    assert!(before.contains("belum diperiksa"), "{before}");

    let started = std::time::Instant::now();
    let checked = check_all(app.store.as_ref(), app.clock.as_ref(), &probe(), 4)
        .await
        .unwrap();
    assert_eq!(checked, cases.len());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "timeouts bound the round"
    );

    for working in ["baik", "tanpa-head", "pindah"] {
        let html = app
            .get(&format!("/layanan/dinsos/{working}"))
            .send()
            .await
            .ok()
            .text();
        assert!(html.contains("berfungsi"), "{working}: {html}");
        assert!(!html.contains("sedang bermasalah"), "{working}: {html}");
    }
    for (broken, reason) in [
        ("hilang", "kode kesalahan 404"),
        ("berputar", "mengalihkan terlalu sering"),
        ("macet", "tidak menjawab dalam batas waktu"),
        ("mati", "tidak dapat dihubungi"),
    ] {
        let html = app
            .get(&format!("/layanan/dinsos/{broken}"))
            .send()
            .await
            .ok()
            .text();
        assert!(
            html.contains("Tautan layanan daring sedang bermasalah"),
            "{broken}: {html}"
        );
        assert!(html.contains(reason), "{broken} lacks {reason:?}: {html}");
        assert!(!html.contains("berfungsi"), "{broken}: {html}");
    }
    let en = app
        .get("/layanan/dinsos/hilang")
        .header("accept-language", "en")
        .send()
        .await
        .ok()
        .text();
    assert!(en.contains("The online link is currently not working") && en.contains("error code 404"));

    // The listings mark exactly the broken ones.
    let home = app.get("/").send().await.ok().text();
    assert_eq!(home.matches("Tautan bermasalah").count(), 4, "{home}");
    let agency = app.get("/instansi/dinsos").send().await.ok().text();
    assert_eq!(agency.matches("Tautan bermasalah").count(), 4);
    let found = app.get("/cari?q=hilang").send().await.ok().text();
    assert!(found.contains("Tautan bermasalah"), "{found}");
    let fine = app.get("/cari?q=baik").send().await.ok().text();
    assert!(!fine.contains("Tautan bermasalah"), "{fine}");
}

api_test!(a_failing_link_keeps_its_start_and_a_changed_url_is_checked_afresh);
async fn a_failing_link_keeps_its_start_and_a_changed_url_is_checked_afresh(app: TestApp) {
    let base = site().await;
    add_service(&app, "hilang", &format!("{base}/missing")).await;
    check_all(app.store.as_ref(), app.clock.as_ref(), &probe(), 2)
        .await
        .unwrap();
    app.clock.advance(chrono::Duration::days(3));
    check_all(app.store.as_ref(), app.clock.as_ref(), &probe(), 2)
        .await
        .unwrap();
    let html = app.get("/layanan/dinsos/hilang").send().await.ok().text();
    assert!(html.contains("Bermasalah sejak 1 Maret 2026"), "{html}");
    assert!(html.contains("4 Maret 2026"), "the last check's date: {html}");

    // The agency fixes the URL: the old failure no longer counts, nor marks the listing.
    let current = app
        .store
        .get_public_service(&code("dinsos"), &code("hilang"))
        .await
        .unwrap();
    let mut fixed = serde_json::to_value(&current.spec).unwrap();
    fixed["online_url"] = json!(format!("{base}/ok"));
    app.store
        .update_public_service(
            &code("dinsos"),
            &code("hilang"),
            &spec(fixed),
            current.meta.version,
            &app.change(),
        )
        .await
        .unwrap();
    let html = app.get("/layanan/dinsos/hilang").send().await.ok().text();
    assert!(
        !html.contains("sedang bermasalah") && html.contains("belum diperiksa"),
        "{html}"
    );
    assert!(
        !app.get("/")
            .send()
            .await
            .ok()
            .text()
            .contains("Tautan bermasalah")
    );
    check_all(app.store.as_ref(), app.clock.as_ref(), &probe(), 2)
        .await
        .unwrap();
    let html = app.get("/layanan/dinsos/hilang").send().await.ok().text();
    assert!(html.contains("berfungsi"), "{html}");
}
