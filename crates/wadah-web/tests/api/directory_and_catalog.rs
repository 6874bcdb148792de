//! The service directory (signed-in users, published services of every agency) and the public
//! catalogue (no authentication, citizen services only).

use serde_json::json;

use crate::helpers::{TestApp, Who, public_service_json};

api_test!(the_directory_lists_published_services_without_upstreams);
async fn the_directory_lists_published_services_without_upstreams(app: TestApp) {
    let page = app.get("/api/v1/directory").by(Who::BpsdmAdmin).send().await.ok();
    let text = page.text();
    let body = page.json();
    let names: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}/{}/{}",
                s["agency"].as_str().unwrap(),
                s["application"].as_str().unwrap(),
                s["service"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(names, vec!["bpsdm/simpeg/pegawai", "dinsos/e-bansos/penerima"]);
    assert!(
        !text.contains("internal.example.go.id"),
        "upstream leaked: {text}"
    );
    assert!(!text.contains("keluarga"), "internal service listed: {text}");
    assert_eq!(body["items"][0]["has_openapi"], true);
    let dinsos = app
        .get("/api/v1/directory?agency=dinsos")
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(dinsos["items"].as_array().unwrap().len(), 1);
    let limited = app
        .get("/api/v1/directory?limit=1")
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    assert!(limited["next"].is_string());
    app.get("/api/v1/directory")
        .send()
        .await
        .problem(401, "unauthenticated");
}

api_test!(the_catalog_needs_no_authentication_and_shows_only_citizen_services);
async fn the_catalog_needs_no_authentication_and_shows_only_citizen_services(app: TestApp) {
    for i in 0..3 {
        let body = public_service_json(&format!("izin-{i}"), "public");
        app.post("/api/v1/agencies/bpsdm/public-services")
            .by(Who::BpsdmAdmin)
            .json(body)
            .send()
            .await
            .status(201);
    }
    let page = app.get("/api/v1/catalog").send().await.ok();
    let body = page.json();
    let codes: Vec<_> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].clone())
        .collect();
    assert_eq!(
        codes,
        vec![
            json!("izin-0"),
            json!("izin-1"),
            json!("izin-2"),
            json!("bantuan-sosial")
        ]
    );
    assert!(
        !page.text().contains("cuti-pegawai"),
        "staff-only service in the public catalogue"
    );
    assert!(body["items"][0].get("meta").is_none());
    let found = app.get("/api/v1/catalog?q=IZIN-1").send().await.ok().json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let dinsos = app
        .get("/api/v1/catalog?agency=dinsos&topic=umum")
        .send()
        .await
        .ok()
        .json();
    assert_eq!(dinsos["items"][0]["code"], "bantuan-sosial");
    let first = app.get("/api/v1/catalog?limit=2").send().await.ok().json();
    let rest = app
        .get(&format!(
            "/api/v1/catalog?limit=2&cursor={}",
            first["next"].as_str().unwrap()
        ))
        .send()
        .await
        .ok()
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert!(rest["next"].is_null());
    app.get("/api/v1/catalog?audience=asn")
        .send()
        .await
        .problem(400, "invalid_query");
}
