//! The public portal in a real browser: headless Debian Chromium driven over WebDriver
//! (fantoccini + chromedriver) against a running `wadah demo`.
//!
//! What it proves, as a reader would see it: `/` lists the public services of BPSDM and Dinas
//! Sosial in Indonesian (`<html lang="id">`); the language switch gives English; the search
//! works on a phone-sized window; a service page opens; a missing service shows the 404 page;
//! Tab reaches the search field and the language switch with a visible focus ring; and axe-core
//! finds no `serious` or `critical` accessibility violation on any main page. Then the developer
//! portal (`/developer` and one API rendered from its OpenAPI document) and feedback on a
//! public service, sent as a browser sends it.
//!
//! Screenshots of each main page go to `<target dir>/screenshots/`.
//!
//! Needs `chromium`, `chromedriver` and axe-core (`scripts/browser-deps.sh` installs all three;
//! axe-core from `$WADAH_AXE_JS`, default `/var/tmp/wadah-node/node_modules/axe-core/axe.min.js`).
//! When one is missing the test prints a loud notice and passes locally, but FAILS when
//! `CI=true`, where a skipped browser test would hide a broken set-up.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test binary: failing loudly is the point

mod common;

use std::time::Duration;

use fantoccini::{Client, Locator};

use common::Demo;
use common::browser::*;

#[test]
fn the_public_portal_works_in_a_real_browser_and_passes_the_accessibility_check() {
    let Some(tools) = tools() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Demo::start(dir.path());
    let web = demo.creds["web_url"].as_str().expect("web_url").to_owned();
    let driver = Driver::start();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let c = driver.browser().await;
        // On its own task, so a failed assertion still lets us close the browser session.
        let journey = tokio::spawn(portal_journey(c.clone(), web, tools.axe)).await;
        let _ = c.close().await;
        if let Err(e) = journey {
            std::panic::resume_unwind(e.into_panic());
        }
    });
    demo.stop();
}

async fn portal_journey(client: Client, web: String, axe: String) {
    let (c, axe) = (&client, axe.as_str());
    // 1. The home page, in Indonesian by default.
    c.goto(&format!("{web}/")).await.expect("open /");
    assert_eq!(html_lang(c).await, "id");
    let text = body_text(c).await;
    for expected in [
        "Badan Pengembangan Sumber Daya Manusia",
        "Dinas Sosial",
        "Pengajuan Bantuan Sosial",
        "Informasi Jadwal Pelatihan",
        "Cari layanan",
    ] {
        assert!(text.contains(expected), "home page lacks {expected:?}:\n{text}");
    }
    assert!(
        !text.contains("Pengajuan Cuti ASN"),
        "staff services stay off the public portal"
    );
    screenshot(c, "home-id").await;
    accessibility(c, axe, "/ (id)").await;

    // 2. Keyboard: Tab reaches the language switch and the search field, with a visible focus.
    c.goto(&format!("{web}/")).await.expect("reopen /");
    tab_to(c, "#ganti-bahasa", 10).await;
    let ring = focus_ring(c).await;
    assert!(
        !ring.starts_with("none") && !ring.ends_with(" 0px"),
        "language switch focus: {ring}"
    );
    tab_to(c, "#q", 10).await;
    let ring = focus_ring(c).await;
    assert!(
        !ring.starts_with("none") && !ring.ends_with(" 0px"),
        "search field focus: {ring}"
    );

    // 3. The language switch: English words and <html lang="en">, kept across pages.
    c.find(Locator::Css("#ganti-bahasa"))
        .await
        .expect("switch")
        .click()
        .await
        .expect("click");
    assert_eq!(html_lang(c).await, "en");
    let text = body_text(c).await;
    assert!(text.contains("Every public service in one place"), "{text}");
    assert!(text.contains("Search services"));
    screenshot(c, "home-en").await;
    accessibility(c, axe, "/ (en)").await;

    // 4. A service page (in English, as chosen).
    c.goto(&format!("{web}/layanan/dinsos/pengajuan-bansos"))
        .await
        .expect("open a service");
    assert_eq!(html_lang(c).await, "en");
    let text = body_text(c).await;
    for expected in [
        "Pengajuan Bantuan Sosial",
        "Requirements",
        "KTP elektronik",
        "Dinas Sosial",
        "Apply online",
    ] {
        assert!(
            text.contains(expected),
            "service page lacks {expected:?}:\n{text}"
        );
    }
    screenshot(c, "service").await;
    accessibility(c, axe, "/layanan/dinsos/pengajuan-bansos").await;

    // 5. A missing service: the 404 page, in the reader's language.
    c.goto(&format!("{web}/layanan/dinsos/tidak-ada"))
        .await
        .expect("open a missing service");
    assert!(body_text(c).await.contains("Page not found"));
    screenshot(c, "not-found").await;
    accessibility(c, axe, "404").await;

    // 6. Back to Indonesian, then search on a phone-sized window (390×844).
    c.find(Locator::Css("#ganti-bahasa"))
        .await
        .expect("switch")
        .click()
        .await
        .expect("click");
    assert_eq!(html_lang(c).await, "id");
    c.set_window_size(390, 844).await.expect("phone size");
    c.goto(&format!("{web}/")).await.expect("open /");
    let field = c.find(Locator::Css("#q")).await.expect("search field");
    field
        .send_keys("bantaun sosial")
        .await
        .expect("type a query with a typo");
    c.find(Locator::Css(".search button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("search");
    c.wait()
        .for_element(Locator::Css("#hasil .card"))
        .await
        .expect("results");
    let url = c.current_url().await.expect("url");
    assert!(url.path() == "/cari", "the search is its own page: {url}");
    let results = c
        .find(Locator::Css("#hasil"))
        .await
        .expect("results")
        .text()
        .await
        .expect("text");
    assert!(results.contains("Pengajuan Bantuan Sosial"), "{results}");
    screenshot(c, "search-phone").await;
    accessibility(c, axe, "/cari (phone)").await;
    let width = c
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .expect("scroll width");
    assert!(
        width.as_u64().unwrap_or(9999) <= 390,
        "no sideways scrolling on a phone: {width}"
    );

    developer_and_feedback_journey(c, &web, axe).await;
}

/// The developer portal (the API directory and one API rendered from its OpenAPI document)
/// and anonymous feedback on a public service, as a browser sends it (with its `Origin`).
async fn developer_and_feedback_journey(c: &Client, web: &str, axe: &str) {
    // 7. The API directory, in Indonesian.
    c.set_window_size(1280, 900).await.expect("desktop size");
    c.goto(&format!("{web}/developer"))
        .await
        .expect("open /developer");
    assert_eq!(html_lang(c).await, "id");
    let text = body_text(c).await;
    for expected in [
        "Portal Pengembang",
        "Data Pegawai",
        "Penerima Bantuan",
        "bpsdm/simpeg/pegawai",
    ] {
        assert!(text.contains(expected), "/developer lacks {expected:?}:\n{text}");
    }
    screenshot(c, "developer").await;
    accessibility(c, axe, "/developer").await;

    // 8. One API: its operations from the OpenAPI document, and how to call it.
    c.find(Locator::Css("a[href='/developer/bpsdm/simpeg/pegawai']"))
        .await
        .expect("the service's link")
        .click()
        .await
        .expect("open the service");
    let text = body_text(c).await;
    for expected in [
        "Data Pegawai",
        "GET /pegawai",
        "/pegawai/{id}",
        "Daftar pegawai",
        "limit",
        "/bpsdm/simpeg/pegawai/",
        "/oauth2/token",
        "Unduh dokumen OpenAPI",
    ] {
        assert!(
            text.contains(expected),
            "the API page lacks {expected:?}:\n{text}"
        );
    }
    screenshot(c, "developer-service").await;
    accessibility(c, axe, "/developer/bpsdm/simpeg/pegawai").await;
    c.set_window_size(390, 844).await.expect("phone size");
    let width = c
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .expect("scroll width");
    assert!(
        width.as_u64().unwrap_or(9999) <= 390,
        "the API page does not scroll sideways on a phone: {width}"
    );
    c.set_window_size(1280, 900).await.expect("desktop size");

    // 9. Feedback on a public service: rate it, see the aggregate; the comment stays private.
    c.goto(&format!("{web}/layanan/dinsos/pengajuan-bansos"))
        .await
        .expect("open a service");
    c.find(Locator::Css("input[name='rating'][value='5']"))
        .await
        .expect("rating 5")
        .click()
        .await
        .expect("choose 5");
    c.find(Locator::Css("#komentar"))
        .await
        .expect("comment field")
        .send_keys("Prosesnya cepat")
        .await
        .expect("type a comment");
    c.find(Locator::Css("#masukan button[type='submit']"))
        .await
        .expect("send button")
        .click()
        .await
        .expect("send");
    c.wait()
        .for_element(Locator::Css("#masukan .note"))
        .await
        .expect("the thank-you note");
    let text = body_text(c).await;
    assert!(text.contains("Terima kasih"), "{text}");
    assert!(text.contains("Rata-rata 5,0 dari 5"), "{text}");
    assert!(
        !text.contains("Prosesnya cepat"),
        "comments are not shown publicly"
    );
    screenshot(c, "feedback").await;
    accessibility(c, axe, "/layanan/dinsos/pengajuan-bansos (feedback)").await;
}

/// The console in a real browser: the demo admin signs in, opens the main console pages (each
/// screenshot and checked by axe-core), sees a form error next to its field, and signs out.
#[test]
fn the_console_works_in_a_real_browser_and_passes_the_accessibility_check() {
    as_demo_admin(console_journey);
}

/// Opens `path`, checks a phrase, saves a screenshot and runs axe-core.
async fn console_page(c: &Client, axe: &str, web: &str, path: &str, expect: &str, name: &str) {
    c.goto(&format!("{web}{path}"))
        .await
        .expect("open a console page");
    let text = body_text(c).await;
    assert!(text.contains(expect), "{path} lacks {expect:?}:\n{text}");
    let size = c
        .execute("return document.documentElement.outerHTML.length;", vec![])
        .await
        .expect("page size");
    assert!(
        size.as_u64().unwrap_or(u64::MAX) < 100_000,
        "{path} is too big: {size}"
    );
    screenshot(c, &format!("console-{name}")).await;
    accessibility(c, axe, path).await;
}

async fn console_journey(client: Client, web: String, username: String, password: String, axe: String) {
    let (c, axe) = (&client, axe.as_str());
    // 1. Not signed in: the console sends the reader to the sign-in form, in Indonesian.
    c.goto(&format!("{web}/console/instansi"))
        .await
        .expect("open /console");
    assert_eq!(c.current_url().await.expect("url").path(), "/console/masuk");
    assert_eq!(html_lang(c).await, "id");
    screenshot(c, "console-sign-in").await;
    accessibility(c, axe, "/console/masuk").await;

    // 2. A wrong password first, then the right one; back to the page first asked for.
    c.find(Locator::Css("#f-username"))
        .await
        .expect("username")
        .send_keys(&username)
        .await
        .expect("type");
    c.find(Locator::Css("#f-password"))
        .await
        .expect("password")
        .send_keys("salah-sekali-ini")
        .await
        .expect("type");
    c.find(Locator::Css(".signin button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    c.wait()
        .for_element(Locator::Css("#masuk-error"))
        .await
        .expect("the refusal");
    assert!(
        body_text(c)
            .await
            .contains("Nama pengguna atau kata sandi salah.")
    );
    accessibility(c, axe, "/console/masuk (error)").await;
    c.find(Locator::Css("#f-password"))
        .await
        .expect("password")
        .send_keys(&password)
        .await
        .expect("type");
    c.find(Locator::Css(".signin button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    wait_away_from(c, "/console/masuk").await;
    assert_eq!(c.current_url().await.expect("url").path(), "/console/instansi");
    let cookie = c
        .execute("return document.cookie;", vec![])
        .await
        .expect("cookies");
    assert!(
        !cookie.as_str().unwrap_or_default().contains("wadah_sesi"),
        "the session cookie is HttpOnly: {cookie}"
    );

    // 3. The main pages.
    console_page(c, axe, &web, "/console", "Selamat datang", "home").await;
    console_page(
        c,
        axe,
        &web,
        "/console/instansi",
        "Badan Pengembangan Sumber Daya Manusia",
        "agencies",
    )
    .await;
    console_page(c, axe, &web, "/console/instansi/bpsdm", "simpeg", "agency").await;
    console_page(
        c,
        axe,
        &web,
        "/console/instansi/bpsdm/aplikasi/simpeg",
        "Layanan API",
        "application",
    )
    .await;
    c.find(Locator::Css("table a"))
        .await
        .expect("a service link")
        .click()
        .await
        .expect("open a service");
    assert!(body_text(c).await.contains("Alamat di gateway"));
    screenshot(c, "console-service").await;
    accessibility(c, axe, "service").await;
    console_page(
        c,
        axe,
        &web,
        "/console/permohonan",
        "Permohonan akses",
        "requests",
    )
    .await;
    console_page(c, axe, &web, "/console/jejak", "Jejak audit", "evidence").await;
    console_page(c, axe, &web, "/console/perubahan", "Log perubahan", "changes").await;
    console_page(c, axe, &web, "/console/pengguna", &username, "users").await;
    index_pages(c, axe, &web).await;

    // 4. A form with an error: the message sits next to the field and the typed name stays.
    console_page(
        c,
        axe,
        &web,
        "/console/instansi/bpsdm/aplikasi/baru",
        "Daftarkan aplikasi baru",
        "form",
    )
    .await;
    c.find(Locator::Css("#f-code"))
        .await
        .expect("code")
        .send_keys("Kode Salah")
        .await
        .expect("type");
    c.find(Locator::Css("#f-name"))
        .await
        .expect("name")
        .send_keys("Aplikasi Uji")
        .await
        .expect("type");
    c.find(Locator::Css(".console-form button"))
        .await
        .expect("save")
        .click()
        .await
        .expect("submit");
    // The click does not wait for the answer page.
    c.wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .expect("the form comes back with its errors");
    let text = body_text(c).await;
    assert!(text.contains("Kode harus 2–32 karakter"), "{text}");
    let kept = c
        .find(Locator::Css("#f-name"))
        .await
        .expect("name")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some("Aplikasi Uji"));
    screenshot(c, "console-form-error").await;
    accessibility(c, axe, "form with an error").await;

    // 5. English, then sign out.
    c.find(Locator::Css("#ganti-bahasa"))
        .await
        .expect("switch")
        .click()
        .await
        .expect("click");
    assert_eq!(html_lang(c).await, "en");
    c.goto(&format!("{web}/console")).await.expect("home");
    assert!(body_text(c).await.contains("Welcome"));
    screenshot(c, "console-home-en").await;
    accessibility(c, axe, "/console (en)").await;
    c.find(Locator::Css(".signout button"))
        .await
        .expect("sign out")
        .click()
        .await
        .expect("click");
    c.wait()
        .for_element(Locator::Css("#f-username"))
        .await
        .expect("the sign-in page");
    assert_eq!(c.current_url().await.expect("url").path(), "/console/masuk");
    c.goto(&format!("{web}/console")).await.expect("home again");
    assert_eq!(
        c.current_url().await.expect("url").path(),
        "/console/masuk",
        "signed out"
    );
}

/// The SPBE index pages of the demo: the Bontang assessment (index, predicate, charts,
/// history, peers) and the planner's cheapest way from *Baik* to *Sangat Baik*. Pages are
/// opened by address (taken from the links) so that no check reads a page still unloading.
async fn index_pages(c: &Client, axe: &str, web: &str) {
    console_page(
        c,
        axe,
        web,
        "/console/indeks",
        "Penilaian Indeks SPBE",
        "index-list",
    )
    .await;
    let assessment = c
        .find(Locator::Css("table a"))
        .await
        .expect("an assessment link")
        .attr("href")
        .await
        .expect("href")
        .expect("the link has an address");
    console_page(c, axe, web, &assessment, "Kalimantan Timur", "index-assessment").await;
    let text = body_text(c).await;
    assert!(text.contains("Bontang") && text.contains("· Baik"), "{text}");
    let planner = format!("{assessment}/rencana?target=Sangat+Baik");
    console_page(c, axe, web, &planner, "Rencana termurah", "index-planner").await;
    let text = body_text(c).await;
    assert!(
        text.contains("· Sangat Baik") && text.contains("Tambahkan ke Peta Rencana"),
        "{text}"
    );
}

#[test]
fn a_developer_gets_access_and_a_key_and_a_civil_servant_uses_the_staff_portal() {
    let Some(tools) = tools() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Demo::start(dir.path());
    let driver = Driver::start();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let c = driver.browser().await;
        let journey = front_doors_journey(&c, &demo, &tools.axe).await;
        let _ = c.close().await;
        journey
    });
    demo.stop();
}

/// The new application and service BPSDM's admin registers in the journey.
const NEW_APP: &str = "uji-pelatihan";
const NEW_SERVICE: &str = "jadwal-uji";

/// Types `text` into the field `#f-{name}` (emptied first).
async fn fill(c: &Client, name: &str, text: &str) {
    let field = c
        .find(Locator::Css(&format!("#f-{name}")))
        .await
        .unwrap_or_else(|e| panic!("field {name}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

/// Sends the console form on the page and waits for the page it leads to.
async fn submit_to(c: &Client, from: &str, to: &str) {
    c.find(Locator::Css("form.console-form button[type='submit']"))
        .await
        .expect("the form's button")
        .click()
        .await
        .expect("send");
    wait_away_from(c, from).await;
    let at = c.current_url().await.expect("url");
    assert_eq!(at.path(), to, "{}", body_text(c).await);
}

/// BPSDM's admin registers a new application and a new service in the console, the service
/// pointing at the demo's sample upstream (the one BPSDM's training schedule uses), and the
/// registry's other console pages pass the accessibility check.
async fn register_in_console(c: &Client, demo: &Demo, web: &str, axe: &str) {
    let existing = "/console/instansi/bpsdm/aplikasi/simdiklat/layanan/jadwal";
    sign_in_as(
        c,
        web,
        "admin-bpsdm",
        &demo_password(demo, "admin-bpsdm"),
        existing,
    )
    .await;
    let upstream = c
        .find(Locator::XPath(
            "//dt[text()='Alamat dasar upstream (URL)']/following-sibling::dd",
        ))
        .await
        .expect("the sample service's upstream")
        .text()
        .await
        .expect("text");
    assert!(upstream.contains("/sample/bpsdm/simdiklat/jadwal"), "{upstream}");

    let new_app = "/console/instansi/bpsdm/aplikasi/baru";
    c.goto(&format!("{web}{new_app}")).await.expect("new application");
    accessibility(c, axe, new_app).await;
    fill(c, "code", NEW_APP).await;
    fill(c, "name", "Aplikasi Uji Pelatihan").await;
    let app = format!("/console/instansi/bpsdm/aplikasi/{NEW_APP}");
    submit_to(c, new_app, &app).await;
    screenshot(c, "console-new-application").await;
    accessibility(c, axe, &app).await;

    c.find(Locator::LinkText("Tambah layanan API"))
        .await
        .expect("new service link")
        .click()
        .await
        .expect("open");
    let new_service = format!("{app}/layanan/baru");
    wait_away_from(c, &app).await;
    fill(c, "code", NEW_SERVICE).await;
    fill(c, "name", "Jadwal Pelatihan (uji)").await;
    fill(c, "upstream_url", &upstream).await;
    let service = format!("{app}/layanan/{NEW_SERVICE}");
    submit_to(c, &new_service, &service).await;
    screenshot(c, "console-new-service").await;
    accessibility(c, axe, &service).await;

    for (path, expect, name) in [
        (format!("{service}/hak-akses"), "Hak akses", "rights"),
        (
            format!("{service}/hak-akses/baru"),
            "Instansi pemohon",
            "right-form",
        ),
        (format!("{service}/kredensial-upstream"), "Belum ada", "upstream"),
        (
            format!("{service}/kredensial-upstream/ubah"),
            "Nama header",
            "upstream-form",
        ),
        (format!("{service}/openapi"), "Dokumen OpenAPI", "openapi"),
        (format!("{service}/hapus"), "Hapus layanan", "delete-service"),
        (format!("{app}/kredensial"), "Kredensial aplikasi", "credentials"),
        (
            format!("{app}/kredensial/baru"),
            "Kredensial baru",
            "credential-form",
        ),
        (format!("{app}/hapus"), "Hapus aplikasi", "delete-application"),
        (
            "/console/instansi/bpsdm/layanan-publik".to_owned(),
            "Layanan publik",
            "public-services",
        ),
        (
            "/console/instansi/bpsdm/layanan-publik/baru".to_owned(),
            "Persyaratan",
            "public-service-form",
        ),
    ] {
        console_page(c, axe, web, &path, expect, name).await;
    }

    // The service's OpenAPI document, loaded from a file into the form and saved.
    let doc = r#"{"openapi":"3.0.3","info":{"title":"Jadwal uji","version":"1"},"paths":{"/jadwal":{"get":{"summary":"Daftar jadwal pelatihan uji","responses":{"200":{"description":"ok"}}}}}}"#;
    let file = tempfile::Builder::new()
        .suffix(".json")
        .tempfile()
        .expect("a file");
    std::fs::write(file.path(), doc).expect("write the document");
    let openapi = format!("{service}/openapi");
    c.goto(&format!("{web}{openapi}"))
        .await
        .expect("the OpenAPI page");
    c.find(Locator::Css("#f-openapi-file"))
        .await
        .expect("load from a file")
        .send_keys(&file.path().display().to_string())
        .await
        .expect("choose the file");
    let mut loaded = String::new();
    for _ in 0..50 {
        loaded = c
            .find(Locator::Css("#f-openapi"))
            .await
            .expect("the field")
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default();
        if !loaded.is_empty() {
            break;
        }
        std::thread::park_timeout(Duration::from_millis(100));
    }
    assert_eq!(loaded, doc, "the file's text is in the field");
    submit_to(c, &openapi, &service).await;
    let text = body_text(c).await;
    assert!(text.contains("Dokumen OpenAPI"), "{text}");
}

async fn front_doors_journey(c: &Client, demo: &Demo, axe: &str) {
    let web = demo.creds["web_url"].as_str().expect("web_url").to_owned();
    // 0. BPSDM's admin registers a new application and service in the console.
    register_in_console(c, demo, &web, axe).await;
    let route = format!("bpsdm/{NEW_APP}/{NEW_SERVICE}");

    // 1. A developer of Dinas Sosial's e-Bansos asks for access to that new service.
    let form = format!("/developer/{route}/akses");
    let form = form.as_str();
    let api_page = format!("/developer/{route}");
    sign_in_as(
        c,
        &web,
        "dev-ebansos",
        &demo_password(demo, "dev-ebansos"),
        &api_page,
    )
    .await;
    let text = body_text(c).await;
    assert!(
        text.contains("Daftar jadwal pelatihan uji"),
        "the uploaded document's operation is in the API directory:\n{text}"
    );
    c.goto(&format!("{web}{form}")).await.expect("the request form");
    let at = c.current_url().await.expect("url");
    assert_eq!(at.path(), form, "{}", body_text(c).await);
    screenshot(c, "developer-request-form").await;
    accessibility(c, axe, form).await;
    c.find(Locator::Css("#f-tujuan"))
        .await
        .expect("purpose")
        .send_keys("Menampilkan jadwal pelatihan kepada pendamping sosial.")
        .await
        .expect("type");
    c.find(Locator::Css("#f-dasar_hukum"))
        .await
        .expect("legal basis")
        .send_keys("Perjanjian kerja sama BPSDM–Dinsos (contoh)")
        .await
        .expect("type");
    c.find(Locator::Css("form.console-form button"))
        .await
        .expect("send")
        .click()
        .await
        .expect("send");
    wait_away_from(c, form).await;
    let url = c.current_url().await.expect("url");
    let id = url
        .query_pairs()
        .find(|(k, _)| k == "baru")
        .expect("the new request")
        .1
        .into_owned();
    assert!(body_text(c).await.contains("Menunggu keputusan"));

    // 2. BPSDM's admin approves it in the console.
    sign_in_as(
        c,
        &web,
        "admin-bpsdm",
        &demo_password(demo, "admin-bpsdm"),
        &format!("/console/permohonan/{id}"),
    )
    .await;
    c.find(Locator::Css("form[action$='/keputusan'] button"))
        .await
        .expect("approve")
        .click()
        .await
        .expect("approve");
    c.wait()
        .for_element(Locator::XPath("//dd[text()='Disetujui']"))
        .await
        .expect("approved");

    // 3. The developer is told, sees the right and its limits, and creates an API key.
    sign_in_as(
        c,
        &web,
        "dev-ebansos",
        &demo_password(demo, "dev-ebansos"),
        "/developer",
    )
    .await;
    let text = body_text(c).await;
    assert!(
        text.to_lowercase().contains("1 baru"),
        "the new decision is announced: {} {text}",
        c.current_url().await.expect("url")
    );
    c.goto(&format!("{web}/developer/permohonan"))
        .await
        .expect("my requests");
    let text = body_text(c).await;
    assert!(
        text.contains("Disetujui") && text.contains("permintaan per menit"),
        "{text}"
    );
    screenshot(c, "developer-requests").await;
    accessibility(c, axe, "/developer/permohonan").await;
    c.goto(&format!("{web}/developer/aplikasi/dinsos/e-bansos"))
        .await
        .expect("credentials");
    accessibility(c, axe, "/developer/aplikasi/dinsos/e-bansos").await;
    c.find(Locator::Css("#f-nama"))
        .await
        .expect("name")
        .send_keys("uji-browser")
        .await
        .expect("type");
    c.find(Locator::Css("section form.console-form button"))
        .await
        .expect("create")
        .click()
        .await
        .expect("create");
    let key = c
        .wait()
        .for_element(Locator::Css("#rahasia"))
        .await
        .expect("the secret")
        .text()
        .await
        .expect("text");
    assert!(key.starts_with("wdh_"), "{key}");
    screenshot(c, "developer-secret").await;
    accessibility(c, axe, "secret").await;

    // 4. The key calls the service through the gateway once it has seen the new right.
    let mut status = 0;
    for _ in 0..100 {
        status = demo.gateway_get(&format!("/{route}/jadwal"), Some(&key)).0;
        if status == 200 {
            break;
        }
        std::thread::park_timeout(Duration::from_millis(100));
    }
    assert_eq!(status, 200, "the gateway admits the new key under the new right");

    // 4b. BPSDM's admin sees the call on the dashboard, on the integration map and in the
    // evidence log (the index follows the gateway's log within about a second).
    sign_in_as(
        c,
        &web,
        "admin-bpsdm",
        &demo_password(demo, "admin-bpsdm"),
        "/console/dasbor",
    )
    .await;
    let mut text = String::new();
    for _ in 0..50 {
        c.goto(&format!("{web}/console/dasbor")).await.expect("dashboard");
        text = body_text(c).await;
        if text.contains(&route) {
            break;
        }
        std::thread::park_timeout(Duration::from_millis(200));
    }
    assert!(
        text.contains(&route) && text.contains("dinsos/e-bansos"),
        "the call is on the dashboard:\n{text}"
    );
    // A tall window, so the screenshots show the charts under the figures.
    c.set_window_size(1280, 2400).await.expect("tall window");
    screenshot(c, "console-dashboard").await;
    accessibility(c, axe, "/console/dasbor").await;
    console_page(
        c,
        axe,
        &web,
        "/console/peta",
        "dinsos/e-bansos",
        "integration-map",
    )
    .await;
    c.set_window_size(1280, 900).await.expect("desktop size");
    console_page(
        c,
        axe,
        &web,
        "/console/jejak?consumer=dinsos/e-bansos",
        &route,
        "evidence-after-call",
    )
    .await;

    // 5. A civil servant signs in and lands on the staff portal.
    sign_in_as(
        c,
        &web,
        "asn-bpsdm",
        &demo_password(demo, "asn-bpsdm"),
        "/console",
    )
    .await;
    assert_eq!(c.current_url().await.expect("url").path(), "/asn");
    let text = body_text(c).await;
    for expected in [
        "Portal ASN",
        "Kehadiran",
        "Presensi ASN Online",
        "Pengajuan Cuti ASN",
    ] {
        assert!(text.contains(expected), "/asn lacks {expected:?}:\n{text}");
    }
    assert!(
        !text.contains("Pengajuan Bantuan Sosial"),
        "public services stay off /asn"
    );
    screenshot(c, "staff-portal").await;
    accessibility(c, axe, "/asn").await;
    c.set_window_size(390, 844).await.expect("phone size");
    screenshot(c, "staff-portal-phone").await;
    accessibility(c, axe, "/asn (phone)").await;
}
