//! Anonymous feedback on a public service: a signed form token and an `Origin` check instead of
//! a session, messages next to the fields in the reader's language with the typed values kept,
//! rate limits per client and per service, a public aggregate, and comments only for the
//! agency's admins.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::helpers::{Resp, TestApp, Who};

const PAGE: &str = "/layanan/dinsos/bantuan-sosial";
const ACTION: &str = "/layanan/dinsos/bantuan-sosial/masukan";

/// The form token of a page's HTML, its character references undone.
fn token_of(html: &str) -> String {
    let marker = "name=\"token\" value=\"";
    let start = html.find(marker).expect("a token field") + marker.len();
    let raw = &html[start..start + html[start..].find('"').unwrap()];
    let mut out = String::new();
    let mut rest = raw;
    while let Some(i) = rest.find("&#") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').unwrap() + i;
        let n = &rest[i + 2..end];
        let n = n
            .strip_prefix('x')
            .map_or_else(|| n.parse().unwrap(), |h| u32::from_str_radix(h, 16).unwrap());
        out.push(char::from_u32(n).unwrap());
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&").replace("&quot;", "\"")
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", wadah_web::portal::layout::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn token(app: &TestApp) -> String {
    token_of(&app.get(PAGE).send().await.ok().text())
}

async fn post(app: &TestApp, body: String) -> Resp {
    app.post(ACTION)
        .raw("application/x-www-form-urlencoded", body)
        .header("host", "portal.example")
        .header("origin", "https://portal.example")
        .send()
        .await
}

/// A post from a given client address (as `axum::serve` records it).
async fn post_from(app: &TestApp, ip: [u8; 4], body: String) -> u16 {
    let request = Request::post(ACTION)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "portal.example")
        .extension(ConnectInfo(SocketAddr::from((ip, 40000))))
        .body(Body::from(body))
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let _ = response.into_body().collect().await;
    status
}

api_test!(feedback_is_aggregated_publicly_and_comments_stay_private);
async fn feedback_is_aggregated_publicly_and_comments_stay_private(app: TestApp) {
    let page = app.get(PAGE).send().await.ok().text();
    assert!(page.contains("Belum ada penilaian."), "{page}");
    assert!(page.contains("action=\"/layanan/dinsos/bantuan-sosial/masukan\""));
    for (rating, comment) in [
        ("4", "Petugasnya ramah, NIK 6474010101010001"),
        ("5", ""),
        ("", "Formulir membingungkan"),
    ] {
        let t = token(&app).await;
        let r = post(
            &app,
            form(&[("rating", rating), ("comment", comment), ("token", &t)]),
        )
        .await
        .status(303);
        assert_eq!(
            r.headers["location"],
            "/layanan/dinsos/bantuan-sosial?masukan=terima-kasih#masukan"
        );
    }
    let thanks = app
        .get(&format!("{PAGE}?masukan=terima-kasih"))
        .send()
        .await
        .ok()
        .text();
    assert!(thanks.contains("Terima kasih, masukan Anda sudah kami terima."));
    assert!(thanks.contains("Rata-rata 4,5 dari 5"), "{thanks}");
    assert!(thanks.contains("dari 2 penilaian"), "{thanks}");
    assert!(
        !thanks.contains("ramah")
            && !thanks.contains("6474010101010001")
            && !thanks.contains("membingungkan"),
        "comments are never shown publicly"
    );
    let en = app
        .get(PAGE)
        .header("accept-language", "en")
        .send()
        .await
        .ok()
        .text();
    assert!(
        en.contains("Average 4.5 out of 5") && en.contains("from 2 ratings"),
        "{en}"
    );

    // The agency's admins read the comments; nobody else does.
    let list = app
        .get("/api/v1/agencies/dinsos/public-services/bantuan-sosial/feedback")
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(
        list["summary"],
        serde_json::json!({"ratings": 2, "rating_sum": 9, "comments": 2})
    );
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["comment"], "Formulir membingungkan", "newest first");
    assert!(items[0].get("rating").is_none());
    assert_eq!(items[2]["rating"], 4);
    let all = app
        .get("/api/v1/agencies/dinsos/public-services/bantuan-sosial/feedback")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    let paged = app
        .get("/api/v1/agencies/dinsos/public-services/bantuan-sosial/feedback?limit=2")
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok()
        .json();
    let next = paged["next"].as_str().unwrap().to_owned();
    let rest = app
        .get(&format!(
            "/api/v1/agencies/dinsos/public-services/bantuan-sosial/feedback?limit=2&cursor={next}"
        ))
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(rest["items"][0]["rating"], 4);
    for who in [Who::BpsdmAdmin, Who::Developer] {
        app.get("/api/v1/agencies/dinsos/public-services/bantuan-sosial/feedback")
            .by(who)
            .send()
            .await
            .problem(404, "not_found");
    }
    app.get("/api/v1/agencies/dinsos/public-services/bantuan-sosial/feedback")
        .by(Who::Auditor)
        .send()
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/agencies/dinsos/public-services/bantuan-sosial/feedback")
        .send()
        .await
        .status(401);
    app.get("/api/v1/agencies/dinsos/public-services/tidak-ada/feedback")
        .by(Who::DinsosAdmin)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(invalid_feedback_is_explained_next_to_the_field_and_kept);
async fn invalid_feedback_is_explained_next_to_the_field_and_kept(app: TestApp) {
    let t = token(&app).await;
    let r = post(
        &app,
        form(&[("rating", "9"), ("comment", "Bagus <b>sekali</b>"), ("token", &t)]),
    )
    .await
    .status(422);
    let html = r.text();
    assert!(html.contains("Masukan belum terkirim."), "{html}");
    assert!(
        html.contains("<p class=\"error\" id=\"galat-nilai\">Pilih nilai dari 1 sampai 5.</p>"),
        "{html}"
    );
    assert!(
        html.contains("Bagus &#60;b&#62;sekali&#60;/b&#62;</textarea>")
            || html.contains("Bagus &lt;b&gt;sekali&lt;/b&gt;</textarea>"),
        "the typed comment is kept, escaped: {html}"
    );

    let long = "panjang ".repeat(200);
    let r = app
        .post(ACTION)
        .raw(
            "application/x-www-form-urlencoded",
            form(&[("rating", "3"), ("comment", &long), ("token", &t)]),
        )
        .header("accept-language", "en")
        .header("host", "portal.example")
        .header("origin", "https://portal.example")
        .send()
        .await
        .status(422);
    let html = r.text();
    assert!(html.contains("A comment has at most 1,000 characters."), "{html}");
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        html.contains("value=\"3\" checked"),
        "the chosen rating is kept: {html}"
    );

    let r = post(&app, form(&[("rating", ""), ("comment", "   "), ("token", &t)]))
        .await
        .status(422);
    assert!(r.text().contains("Beri penilaian, komentar, atau keduanya."));

    let page = app.get(PAGE).send().await.ok().text();
    assert!(page.contains("Belum ada penilaian."), "nothing was stored");
}

api_test!(feedback_needs_a_fresh_token_for_this_service_from_this_site);
async fn feedback_needs_a_fresh_token_for_this_service_from_this_site(app: TestApp) {
    let t = token(&app).await;
    let fields = |token: &str| form(&[("rating", "5"), ("token", token)]);
    // No token, a forged one, one for another service.
    for bad in ["", "v1.forged.token", &t[..t.len() - 2]] {
        let r = post(&app, fields(bad)).await.status(403);
        assert!(r.text().contains("sudah kedaluwarsa atau tidak sah"));
    }
    app.store
        .create_public_service(
            &crate::helpers::code("dinsos"),
            &crate::helpers::spec(crate::helpers::public_service_json("pengaduan", "public")),
            &app.change(),
        )
        .await
        .unwrap();
    let other = token_of(&app.get("/layanan/dinsos/pengaduan").send().await.ok().text());
    post(&app, fields(&other)).await.status(403);
    // From another site.
    let r = app
        .post(ACTION)
        .raw("application/x-www-form-urlencoded", fields(&t))
        .header("host", "portal.example")
        .header("origin", "https://evil.example")
        .send()
        .await
        .status(403);
    assert!(r.text().contains("value=\"5\" checked"), "what was typed is kept");
    app.post(ACTION)
        .raw("application/x-www-form-urlencoded", fields(&t))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .status(403);
    // Too old.
    app.clock.advance(chrono::Duration::minutes(121));
    post(&app, fields(&t)).await.status(403);
    let fresh = token(&app).await;
    post(&app, fields(&fresh)).await.status(303);
    // Staff-only and missing services take no feedback.
    post_to(&app, "/layanan/bpsdm/cuti-pegawai/masukan", fields(&fresh))
        .await
        .status(404);
    post_to(&app, "/layanan/dinsos/tidak-ada/masukan", fields(&fresh))
        .await
        .status(404);
}

async fn post_to(app: &TestApp, path: &str, body: String) -> Resp {
    app.post(path)
        .raw("application/x-www-form-urlencoded", body)
        .send()
        .await
}

api_test!(feedback_is_rate_limited_per_client_and_per_service);
async fn feedback_is_rate_limited_per_client_and_per_service(app: TestApp) {
    let t = token(&app).await;
    let body = || form(&[("rating", "4"), ("token", &t)]);
    for _ in 0..5 {
        assert_eq!(post_from(&app, [10, 0, 0, 1], body()).await, 303);
    }
    assert_eq!(
        post_from(&app, [10, 0, 0, 1], body()).await,
        429,
        "sixth from one client"
    );
    assert_eq!(
        post_from(&app, [10, 0, 0, 2], body()).await,
        303,
        "another client is not held back"
    );
    app.clock.advance(chrono::Duration::minutes(61));
    let t2 = token(&app).await;
    assert_eq!(
        post_from(&app, [10, 0, 0, 1], form(&[("rating", "4"), ("token", &t2)])).await,
        303,
        "a new window"
    );

    // Per service, whoever sends: a router with a small service limit.
    let router = app.with_config(wadah_web::WebConfig {
        feedback: wadah_web::portal::feedback::FeedbackLimits {
            per_client: 100,
            per_service: 2,
            window_minutes: 60,
        },
        ..wadah_web::WebConfig::default()
    });
    let page = app.get(PAGE).on(&router).send().await.ok().text();
    let t3 = token_of(&page);
    let send = |ip: u8| {
        let router = router.clone();
        let body = form(&[("rating", "3"), ("comment", "ok"), ("token", &t3)]);
        async move {
            let request = Request::post(ACTION)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .extension(ConnectInfo(SocketAddr::from(([10, 1, 0, ip], 40000))))
                .body(Body::from(body))
                .unwrap();
            let response = router.oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            let retry = response.headers().get(header::RETRY_AFTER).cloned();
            let html =
                String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
            (status, retry, html)
        }
    };
    assert_eq!(send(1).await.0, 303);
    assert_eq!(send(2).await.0, 303);
    let (status, retry, html) = send(3).await;
    assert_eq!(status, 429);
    assert_eq!(retry.unwrap(), "3600");
    assert!(html.contains("Terlalu banyak masukan"), "{html}");
    assert!(html.contains(">ok</textarea>"), "the comment is kept: {html}");
}
