//! The developer portal: the directory of published APIs and each API's OpenAPI document
//! rendered on the server, with nothing of unpublished services and no hang on hostile
//! documents.

use serde_json::json;
use wadah_domain::service::ServiceRef;

use crate::helpers::{TestApp, Who, code, service_json, spec};

/// A document in the shape of the demo services' (`wadah demo`), with a recursive schema.
const SIMPEG_YAML: &str = r##"# Contoh (sample)
openapi: 3.0.3
info:
  title: "SIMPEG BPSDM"
  version: "1.0.0"
  description: "Data sintetis untuk demo."
tags:
  - name: pegawai
    description: Data pegawai ASN
paths:
  /pegawai:
    get:
      tags: [pegawai]
      summary: "Daftar pegawai"
      parameters:
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 50, default: 10}
      responses:
        "200":
          description: "Daftar data"
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {$ref: "#/components/schemas/Pegawai"}}
                  total: {type: integer}
  /pegawai/{id}:
    get:
      tags: [pegawai]
      summary: "Satu data pegawai"
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: integer, minimum: 1}
      responses:
        "200":
          description: "Satu data"
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pegawai"}
              example: {nip: "199001012020121001", nama: "Contoh Pegawai"}
        "404":
          description: "Tidak ditemukan"
components:
  schemas:
    Pegawai:
      type: object
      required: [nip]
      properties:
        nip: {type: string, description: "Nomor induk pegawai"}
        nama: {type: string}
        atasan: {$ref: "#/components/schemas/Pegawai"}
"##;

fn lang_of(html: &str) -> &str {
    let start = html.find("<html lang=\"").expect("an <html lang>") + "<html lang=\"".len();
    &html[start..start + html[start..].find('"').unwrap()]
}

async fn set_document(app: &TestApp, agency: &str, application: &str, service: &str, doc: &str) {
    let reference = ServiceRef {
        agency: code(agency),
        application: code(application),
        service: code(service),
    };
    let current = app.store.get_service(&reference).await.unwrap();
    let mut body = service_json(service, "public");
    body["openapi"] = json!(doc);
    app.store
        .update_service(&reference, &spec(body), current.meta.version, &app.change())
        .await
        .unwrap();
}

api_test!(the_directory_lists_published_services_only_and_searches);
async fn the_directory_lists_published_services_only_and_searches(app: TestApp) {
    let page = app.get("/developer").send().await.ok();
    let html = page.text();
    assert_eq!(lang_of(&html), "id");
    assert!(html.contains("Portal Pengembang"), "{html}");
    for expected in [
        "href=\"/developer/bpsdm/simpeg/pegawai\"",
        "href=\"/developer/dinsos/e-bansos/penerima\"",
        "BPSDM",
        "Dinas Sosial",
        "Aplikasi simpeg",
    ] {
        assert!(html.contains(expected), "directory lacks {expected}: {html}");
    }
    assert!(
        !html.contains("keluarga") && !html.contains("dtks"),
        "an internal service is not listed: {html}"
    );
    assert!(!html.contains("internal.example.go.id"), "no upstream URL");
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(!html.contains("<script>") && !html.contains("style="));
    assert!(html.len() < 100_000);

    let found = app.get("/developer?q=penerima").send().await.ok().text();
    assert!(found.contains("/developer/dinsos/e-bansos/penerima"));
    assert!(!found.contains("/developer/bpsdm/simpeg/pegawai"), "{found}");
    let none = app.get("/developer?q=kendaraan").send().await.ok().text();
    assert!(none.contains("Tidak ada layanan yang cocok"), "{none}");
    // A cursor that is not one the page handed out starts from the beginning.
    let odd = app.get("/developer?cursor=%%%").send().await.ok().text();
    assert!(odd.contains("/developer/bpsdm/simpeg/pegawai"));

    let en = app
        .get("/developer")
        .header("accept-language", "en")
        .send()
        .await
        .ok()
        .text();
    assert_eq!(lang_of(&en), "en");
    assert!(en.contains("Developer portal") && en.contains("2 APIs"), "{en}");
}

api_test!(a_service_page_renders_its_openapi_document_on_the_server);
async fn a_service_page_renders_its_openapi_document_on_the_server(app: TestApp) {
    set_document(&app, "bpsdm", "simpeg", "pegawai", SIMPEG_YAML).await;
    let router = app.with_config(wadah_web::WebConfig {
        gateway_url: "https://gw.bontang.example/".into(),
        ..wadah_web::WebConfig::default()
    });
    let page = app
        .get("/developer/bpsdm/simpeg/pegawai")
        .on(&router)
        .send()
        .await
        .ok();
    let html = page.text();
    for expected in [
        "<h1>Layanan pegawai</h1>",
        "SIMPEG BPSDM 1.0.0 · 2 operasi",
        ">GET</span> <code>/pegawai</code>",
        ">GET</span> <code>/pegawai/{id}</code>",
        "Daftar pegawai",
        "Satu data pegawai",
        "Data pegawai ASN",
        // Parameters: name, place, type, required.
        "<td><code>limit</code></td><td>query</td><td>integer</td><td>tidak</td>",
        "<td><code>id</code></td><td>path</td><td>integer</td><td>ya</td>",
        // The response schema as a nested table, the recursion marked instead of followed.
        "<code>nip</code></td><td>string</td><td>ya</td><td>Nomor induk pegawai",
        "recursive: Pegawai",
        "199001012020121001",
        // How to call it through the gateway, and the token URL.
        "https://gw.bontang.example/bpsdm/simpeg/pegawai/…",
        "GET https://gw.bontang.example/bpsdm/simpeg/pegawai/pegawai/{id}",
        "POST https://gw.bontang.example/oauth2/token",
        "Authorization: Bearer wdh_…",
        "href=\"/developer/bpsdm/simpeg/pegawai/openapi\"",
    ] {
        assert!(html.contains(expected), "page lacks {expected:?}: {html}");
    }
    assert!(!html.contains("internal.example.go.id"), "no upstream URL");
    assert!(!html.contains("<script>") && !html.contains("style="));
    assert!(html.len() < 100_000, "{} bytes", html.len());

    let download = app
        .get("/developer/bpsdm/simpeg/pegawai/openapi")
        .send()
        .await
        .ok();
    assert_eq!(download.text(), SIMPEG_YAML, "served verbatim");
    assert_eq!(
        download.headers["content-type"],
        "application/yaml; charset=utf-8"
    );
    let disposition = download.headers["content-disposition"].to_str().unwrap();
    assert_eq!(
        disposition,
        "attachment; filename=\"bpsdm-simpeg-pegawai-openapi.yaml\""
    );
    assert!(download.headers.contains_key("content-security-policy"));

    let en = app
        .get("/developer/bpsdm/simpeg/pegawai")
        .header("cookie", "wadah_lang=en")
        .send()
        .await
        .ok()
        .text();
    assert!(en.contains("2 operations") && en.contains("Required"), "{en}");
}

api_test!(unpublished_and_missing_services_are_the_same_404);
async fn unpublished_and_missing_services_are_the_same_404(app: TestApp) {
    for path in [
        "/developer/dinsos/dtks/keluarga",
        "/developer/dinsos/dtks/keluarga/openapi",
        "/developer/dinsos/dtks/tidak-ada",
        "/developer/x/Y!/z",
    ] {
        let r = app.get(path).send().await.status(404);
        let text = r.text();
        assert!(text.contains("Halaman tidak ditemukan"), "{path}: {text}");
        assert!(!text.contains("Layanan keluarga"), "{path} leaks the service");
    }
    // A published service without a document: the page says so, the download is a 404.
    let reference = ServiceRef {
        agency: code("bpsdm"),
        application: code("simpeg"),
        service: code("pegawai"),
    };
    let current = app.store.get_service(&reference).await.unwrap();
    let mut body = service_json("pegawai", "public");
    body.as_object_mut().unwrap().remove("openapi");
    app.store
        .update_service(&reference, &spec(body), current.meta.version, &app.change())
        .await
        .unwrap();
    let html = app
        .get("/developer/bpsdm/simpeg/pegawai")
        .send()
        .await
        .ok()
        .text();
    assert!(html.contains("belum menerbitkan dokumen OpenAPI"), "{html}");
    app.get("/developer/bpsdm/simpeg/pegawai/openapi")
        .send()
        .await
        .status(404);
}

api_test!(a_reference_loop_in_a_document_does_not_hang_the_page);
async fn a_reference_loop_in_a_document_does_not_hang_the_page(app: TestApp) {
    // Accepted by the admin API (it checks the OpenAPI frame, not every reference).
    let looped = json!({
        "openapi": "3.1.0",
        "info": {"title": "Loop", "version": "1"},
        "paths": {"/a": {"post": {
            "requestBody": {"$ref": "#/components/requestBodies/Loop"},
            "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}
        }}},
        "components": {
            "requestBodies": {"Loop": {"$ref": "#/components/requestBodies/Loop"}},
            "schemas": {
                "A": {"allOf": [{"$ref": "#/components/schemas/B"}], "properties": {"a": {"$ref": "#/components/schemas/A"}}},
                "B": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
                "Self": {"$ref": "#/components/schemas/Self"}
            }
        }
    })
    .to_string();
    let mut body = service_json("pegawai", "public");
    body["openapi"] = json!(looped);
    let current = app
        .get("/api/v1/agencies/bpsdm/applications/simpeg/services/pegawai")
        .by(Who::Platform)
        .send()
        .await
        .ok();
    app.put("/api/v1/agencies/bpsdm/applications/simpeg/services/pegawai")
        .by(Who::Platform)
        .if_match(current.version())
        .json(body)
        .send()
        .await
        .ok();
    let started = std::time::Instant::now();
    let html = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        app.get("/developer/bpsdm/simpeg/pegawai").send(),
    )
    .await
    .expect("the page answers")
    .ok()
    .text();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(html.contains(">POST</span> <code>/a</code>"), "{html}");
    assert!(html.contains("circular reference"), "{html}");
    assert!(html.contains("recursive: A"), "{html}");
    let download = app
        .get("/developer/bpsdm/simpeg/pegawai/openapi")
        .send()
        .await
        .ok();
    assert_eq!(
        download.headers["content-type"],
        "application/json; charset=utf-8"
    );
}
