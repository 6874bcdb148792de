//! The public portal as a browser without JavaScript sees it: server-rendered HTML in the
//! reader's language, security headers, real 404 pages, search with typo tolerance, and a
//! catalogue that follows the registry.

use crate::helpers::{TestApp, code, public_service_json, spec};

fn lang_of(html: &str) -> &str {
    let start = html.find("<html lang=\"").expect("an <html lang>") + "<html lang=\"".len();
    &html[start..start + html[start..].find('"').unwrap()]
}

api_test!(the_home_page_lists_public_services_in_indonesian_with_strict_headers);
async fn the_home_page_lists_public_services_in_indonesian_with_strict_headers(app: TestApp) {
    let page = app.get("/").send().await.ok();
    let html = page.text();
    assert_eq!(lang_of(&html), "id");
    assert!(html.contains("Layanan publik bantuan-sosial"), "{html}");
    assert!(html.contains("href=\"/layanan/dinsos/bantuan-sosial\""));
    assert!(
        !html.contains("cuti-pegawai"),
        "a staff-only service is not public: {html}"
    );
    assert!(html.contains("Cari layanan"));
    let h = &page.headers;
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "no inline script or style"
    );
    assert!(html.len() < 100_000);
}

api_test!(the_language_comes_from_the_cookie_then_accept_language);
async fn the_language_comes_from_the_cookie_then_accept_language(app: TestApp) {
    let en = app
        .get("/")
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .ok()
        .text();
    assert_eq!(lang_of(&en), "en");
    assert!(en.contains("Search services"), "{en}");
    let id = app
        .get("/")
        .header("accept-language", "en")
        .header("cookie", "wadah_lang=id")
        .send()
        .await
        .ok()
        .text();
    assert_eq!(lang_of(&id), "id");

    let switch = app
        .get("/bahasa/en?kembali=%2Fcari%3Fq%3Dbantuan")
        .send()
        .await
        .status(303);
    assert_eq!(switch.headers["location"], "/cari?q=bantuan");
    let cookie = switch.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("wadah_lang=en;") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    for evil in [
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let r = app
            .get(&format!("/bahasa/id?kembali={evil}"))
            .send()
            .await
            .status(303);
        assert_eq!(r.headers["location"], "/", "{evil} must not redirect away");
    }
    app.get("/bahasa/fr").send().await.status(404);
}

api_test!(a_service_page_shows_the_service_and_missing_ones_are_real_404_pages);
async fn a_service_page_shows_the_service_and_missing_ones_are_real_404_pages(app: TestApp) {
    let html = app.get("/layanan/dinsos/bantuan-sosial").send().await.ok().text();
    assert!(html.contains("<h1>Layanan publik bantuan-sosial</h1>"), "{html}");
    assert!(html.contains("Dinas Sosial") || html.contains("href=\"/instansi/dinsos\""));
    assert!(html.contains("Persyaratan"));

    for missing in [
        "/layanan/dinsos/tidak-ada",
        "/layanan/bpsdm/cuti-pegawai",
        "/layanan/x/Y!",
    ] {
        let r = app.get(missing).send().await.status(404);
        let text = r.text();
        assert!(text.contains("Halaman tidak ditemukan"), "{missing}: {text}");
        assert_eq!(r.headers["content-type"], "text/html; charset=utf-8");
    }
    let en = app
        .get("/layanan/dinsos/tidak-ada")
        .header("cookie", "wadah_lang=en")
        .send()
        .await;
    assert!(en.status(404).text().contains("Page not found"));
    app.get("/topik/tidak-ada").send().await.status(404);
    app.get("/instansi/tidak-ada").send().await.status(404);

    // Outside the portal's routes: browsers get the page, API clients the problem document.
    let page = app
        .get("/tidak/ada")
        .header("accept", "text/html")
        .send()
        .await
        .status(404);
    assert!(page.text().contains("Halaman tidak ditemukan"));
    assert!(page.headers.contains_key("content-security-policy"));
    app.get("/tidak/ada").send().await.problem(404, "not_found");
    app.get("/api/v1/nope")
        .header("accept", "text/html")
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(search_finds_by_word_start_and_forgives_small_typos);
async fn search_finds_by_word_start_and_forgives_small_typos(app: TestApp) {
    let exact = app.get("/cari?q=BANTUAN").send().await.ok().text();
    assert!(
        exact.contains("href=\"/layanan/dinsos/bantuan-sosial\""),
        "{exact}"
    );
    assert!(!exact.contains("nama yang mirip"));

    let typo = app.get("/cari?q=bantaun").send().await.ok().text();
    assert!(typo.contains("href=\"/layanan/dinsos/bantuan-sosial\""), "{typo}");
    assert!(
        typo.contains("nama yang mirip"),
        "the page says the match is approximate"
    );

    let none = app.get("/cari?q=kendaraan").send().await.ok().text();
    assert!(
        none.contains("Tidak ada layanan yang cocok dengan “kendaraan”"),
        "{none}"
    );
    assert!(!none.contains("/layanan/dinsos/bantuan-sosial"));

    let escaped = app.get("/cari?q=%3Cscript%3Ex").send().await.ok().text();
    assert!(!escaped.contains("<script>x"), "the query is escaped: {escaped}");
    assert!(escaped.contains("&#60;script&#62;x") || escaped.contains("&lt;script&gt;x"));
    let too_long = app.get("/cari?q=a+b+c+d+e+f+g").send().await.ok().text();
    assert!(too_long.contains("paling banyak lima kata"), "{too_long}");
    app.get("/cari?q=").send().await.status(303);
}

api_test!(the_portal_follows_the_registry_and_serves_cached_assets);
async fn the_portal_follows_the_registry_and_serves_cached_assets(app: TestApp) {
    let before = app.get("/").send().await.ok().text();
    assert!(!before.contains("Layanan publik akta-kelahiran"));
    app.store
        .create_public_service(
            &code("dinsos"),
            &spec(public_service_json("akta-kelahiran", "public")),
            &app.change(),
        )
        .await
        .unwrap();
    let after = app.get("/").send().await.ok().text();
    assert!(
        after.contains("Layanan publik akta-kelahiran"),
        "a new service shows at once"
    );
    let topic = app.get("/topik/umum").send().await.ok().text();
    assert!(topic.contains("akta-kelahiran") && topic.contains("bantuan-sosial"));

    let css = after
        .split("href=\"/aset/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let asset = app.get(&format!("/aset/{css}")).send().await.ok();
    assert_eq!(asset.headers["content-type"], "text/css; charset=utf-8");
    assert!(
        asset.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    app.get("/aset/portal.000000000000.css").send().await.status(404);
}
