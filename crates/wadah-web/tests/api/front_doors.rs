//! The signed-in front doors as a browser without JavaScript uses them: the staff portal
//! (`/asn`) for a civil servant, and the developer portal's signed-in part — asking for access,
//! the provider's decision seen by the requester with the right's limits, and credentials whose
//! secret is shown once — with another agency's objects hidden (404) and refusals (403).

use serde_json::json;
use wadah_domain::access::RequestStatus;
use wadah_domain::user::Username;
use wadah_store::{AccessFilter, PageRequest};

use crate::helpers::{Resp, TestApp, code, spec};

const PASSWORD: &str = "kata-sandi-yang-panjang";
const FORM: &str = "application/x-www-form-urlencoded";

fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", wadah_web::portal::layout::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A signed-in browser: its cookies and the session's CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

async fn add_user(app: &TestApp, user: serde_json::Value) {
    app.store
        .create_user(&spec(user), None, &app.change())
        .await
        .unwrap();
}

/// Signs `username` in, asking to come back to `next`; answers the browser and where the
/// sign-in sent it.
async fn sign_in(app: &TestApp, username: &str, next: &str) -> (Browser, String) {
    let hash = wadah_web::password::hash(PASSWORD).unwrap();
    app.store
        .set_password_hash(&Username::parse(username).unwrap(), &hash, &app.change())
        .await
        .unwrap();
    let body = encode(&[("username", username), ("password", PASSWORD), ("kembali", next)]);
    let resp = app
        .post("/console/masuk")
        .raw(FORM, body)
        .send()
        .await
        .status(303);
    let cookie = resp.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let to = resp.headers["location"].to_str().unwrap().to_owned();
    let page = app.get("/asn").header("cookie", &cookie).send().await.ok();
    let browser = Browser {
        csrf: csrf_of(&page.text()),
        cookie,
    };
    (browser, to)
}

async fn get(app: &TestApp, b: &Browser, path: &str) -> Resp {
    app.get(path).header("cookie", &b.cookie).send().await
}

async fn post(app: &TestApp, b: &Browser, path: &str, pairs: &[(&str, &str)]) -> Resp {
    let mut all = vec![("csrf", b.csrf.as_str())];
    all.extend_from_slice(pairs);
    app.post(path)
        .header("cookie", &b.cookie)
        .raw(FORM, encode(&all))
        .send()
        .await
}

/// The text between `start` and the next `<`.
fn text_after(html: &str, start: &str) -> String {
    let at = html.find(start).unwrap_or_else(|| panic!("no {start} in {html}")) + start.len();
    html[at..at + html[at..].find('<').unwrap()].to_owned()
}

api_test!(a_civil_servant_signs_in_to_the_staff_portal_and_sees_the_asn_services_by_task);
async fn a_civil_servant_signs_in_to_the_staff_portal_and_sees_the_asn_services_by_task(app: TestApp) {
    let anonymous = app.get("/asn").send().await.status(303);
    assert_eq!(anonymous.headers["location"], "/console/masuk?kembali=%2Fasn");
    app.store
        .create_public_service(
            &code("bpsdm"),
            &spec(
                json!({"code": "presensi-harian", "name": "Presensi Harian", "audience": "asn",
                "topics": ["kehadiran"], "applications": ["presensi"]}),
            ),
            &app.change(),
        )
        .await
        .unwrap();
    add_user(
        &app,
        json!({"username": "asn-bpsdm", "display_name": "Pegawai BPSDM", "role": "staff", "agency": "bpsdm"}),
    )
    .await;

    // Sent to the staff portal after signing in, even when the form said the console.
    let (asn, to) = sign_in(&app, "asn-bpsdm", "/console").await;
    assert_eq!(to, "/asn");
    let console = get(&app, &asn, "/console/instansi").await.status(303);
    assert_eq!(console.headers["location"], "/asn");

    let page = get(&app, &asn, "/asn").await.ok();
    assert!(
        page.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    assert_eq!(page.headers["cache-control"], "no-store");
    let html = page.text();
    assert!(
        html.contains("<html lang=\"id\"") && html.contains("Portal ASN"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "no inline script");
    for asn in [
        "Aplikasi simpeg",
        "Aplikasi presensi",
        "Presensi Harian",
        "Layanan publik cuti-pegawai",
    ] {
        assert!(html.contains(asn), "{asn} is listed: {html}");
    }
    for other in [
        "Aplikasi e-bansos",
        "Aplikasi dtks",
        "Layanan publik bantuan-sosial",
    ] {
        assert!(!html.contains(other), "{other} is not for ASN");
    }
    // Grouped by task: attendance holds the attendance service and the application behind it.
    let attendance = html
        .find("<h2 id=\"tugas-kehadiran\">Kehadiran")
        .expect("an attendance group");
    let next_group = attendance + html[attendance + 1..].find("<h2 ").unwrap();
    let group = &html[attendance..next_group];
    assert!(
        group.contains("Presensi Harian") && group.contains("Aplikasi presensi"),
        "{group}"
    );
    assert!(!group.contains("Aplikasi simpeg"));
    // Applications without a URL say how to reach them; the person's agency is marked.
    assert!(
        html.contains("instansi Anda") && html.contains("Tanyakan kepada pengelola TIK"),
        "{html}"
    );
    // No console for staff, and the signed-in frame offers no developer pages.
    assert!(!html.contains("href=\"/console\"") && !html.contains("/developer/permohonan"));

    let found = get(&app, &asn, "/asn?q=presen&tugas=").await.ok().text();
    assert!(found.contains("Aplikasi presensi") && !found.contains("Aplikasi simpeg"));
    let none = get(&app, &asn, "/asn?instansi=dinsos").await.ok().text();
    assert!(none.contains("Tidak ada yang cocok"), "{none}");
    let english = app
        .get("/asn")
        .header("cookie", &format!("{}; wadah_lang=en", asn.cookie))
        .send()
        .await
        .ok()
        .text();
    assert!(english.contains("<html lang=\"en\"") && english.contains("Attendance"));

    // Staff are refused the developer's signed-in pages.
    get(&app, &asn, "/developer/permohonan").await.status(403);
}

api_test!(a_developer_asks_for_access_the_provider_approves_and_the_developer_sees_the_right);
async fn a_developer_asks_for_access_the_provider_approves_and_the_developer_sees_the_right(app: TestApp) {
    let form_path = "/developer/dinsos/e-bansos/penerima/akses";
    let anonymous = app.get(form_path).send().await.status(303);
    assert_eq!(
        anonymous.headers["location"],
        "/console/masuk?kembali=%2Fdeveloper%2Fdinsos%2Fe-bansos%2Fpenerima%2Fakses"
    );
    let (dev, to) = sign_in(&app, "dev-simpeg", form_path).await;
    assert_eq!(to, form_path);
    let service_page = get(&app, &dev, "/developer/dinsos/e-bansos/penerima")
        .await
        .ok()
        .text();
    assert!(service_page.contains(&format!("href=\"{form_path}\"")) && service_page.contains("Minta akses"));
    let form = get(&app, &dev, form_path).await.ok().text();
    assert!(form.contains("value=\"bpsdm/simpeg\""), "{form}");

    // Forged and invalid submissions create nothing; the typed text is kept.
    let forged = app
        .post(form_path)
        .header("cookie", &dev.cookie)
        .raw(
            FORM,
            encode(&[
                ("aplikasi", "bpsdm/simpeg"),
                ("tujuan", "Tujuan yang cukup panjang"),
            ]),
        )
        .send()
        .await;
    forged.status(403);
    let short = post(
        &app,
        &dev,
        form_path,
        &[
            ("aplikasi", "bpsdm/simpeg"),
            ("tujuan", "pendek"),
            ("dasar_hukum", "Perwali 12/2025"),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(
        short.contains("paling sedikit 10 karakter") && short.contains("value=\"Perwali 12/2025\""),
        "{short}"
    );
    let bad_path = post(
        &app,
        &dev,
        form_path,
        &[
            ("aplikasi", "bpsdm/simpeg"),
            ("tujuan", "Mencocokkan data pegawai penerima bantuan"),
            ("dasar_hukum", "Perwali 12/2025"),
            ("jalur", "penerima tanpa garis miring"),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(
        bad_path.contains("f-jalur-error") && bad_path.contains(">penerima tanpa garis miring</textarea>")
    );
    let pending = AccessFilter {
        consumer_agency: Some(code("bpsdm")),
        ..AccessFilter::default()
    };
    assert!(
        app.store
            .list_requests(&pending, &PageRequest::first(100))
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let sent = post(
        &app,
        &dev,
        form_path,
        &[
            ("aplikasi", "bpsdm/simpeg"),
            ("tujuan", "Mencocokkan data pegawai penerima bantuan"),
            ("dasar_hukum", "Perwali 12/2025"),
            ("metode", "get"),
            ("jalur", "/penerima/*"),
        ],
    )
    .await
    .status(303);
    let location = sent.headers["location"].to_str().unwrap().to_owned();
    let id = location.split("baru=").nth(1).unwrap().to_owned();
    let mine = get(&app, &dev, &location).await.ok().text();
    assert!(
        mine.contains("Permohonan terkirim") && mine.contains("Menunggu keputusan"),
        "{mine}"
    );

    // The provider's admin approves in the console.
    let (dinsos, _) = sign_in(&app, "dinsos-admin", "/console").await;
    post(
        &app,
        &dinsos,
        &format!("/console/permohonan/{id}/keputusan"),
        &[("keputusan", "setujui")],
    )
    .await
    .status(303);
    assert_eq!(
        app.store.get_request(&id).await.unwrap().status,
        RequestStatus::Approved
    );

    // The developer is told on the developer pages, then sees the right and its limits.
    let directory = get(&app, &dev, "/developer").await.ok();
    assert_eq!(
        directory.headers["cache-control"], "no-store",
        "a page with a form token"
    );
    let directory = directory.text();
    assert!(
        directory.contains("Permohonan saya <span class=\"badge\">1 baru</span>"),
        "{directory}"
    );
    let decided = get(&app, &dev, "/developer/permohonan").await.ok();
    let seen = decided.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = decided.text();
    for shown in [
        "Disetujui",
        "Hak akses",
        "GET",
        "/penerima/*",
        "1.000 permintaan per menit",
        "bawaan layanan",
    ] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    let later = app
        .get("/developer")
        .header("cookie", &format!("{}; {seen}", dev.cookie))
        .send()
        .await
        .ok()
        .text();
    assert!(!later.contains("1 baru"), "seen decisions are no longer new");
}

api_test!(credentials_show_their_secret_once_and_other_agencies_get_404);
async fn credentials_show_their_secret_once_and_other_agencies_get_404(app: TestApp) {
    let (dev, _) = sign_in(&app, "dev-simpeg", "/developer/aplikasi").await;
    let mine = get(&app, &dev, "/developer/aplikasi").await.ok().text();
    assert!(
        mine.contains("href=\"/developer/aplikasi/bpsdm/simpeg\""),
        "{mine}"
    );
    assert!(
        !mine.contains("/developer/aplikasi/bpsdm/presensi"),
        "a developer acts for one application"
    );
    let base = "/developer/aplikasi/bpsdm/simpeg";

    let empty = post(
        &app,
        &dev,
        &format!("{base}/kredensial"),
        &[("nama", ""), ("jenis", "api_key")],
    )
    .await
    .status(422)
    .text();
    assert!(
        empty.contains("f-nama-error") && empty.contains("Beri nama"),
        "{empty}"
    );
    let past = post(
        &app,
        &dev,
        &format!("{base}/kredensial"),
        &[
            ("nama", "uji"),
            ("jenis", "api_key"),
            ("kedaluwarsa", "2020-01-01"),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(
        past.contains("f-kedaluwarsa-error") && past.contains("value=\"uji\""),
        "{past}"
    );

    let created = post(
        &app,
        &dev,
        &format!("{base}/kredensial"),
        &[("nama", "uji-coba"), ("jenis", "api_key")],
    )
    .await
    .status(201);
    assert_eq!(created.headers["cache-control"], "no-store");
    let secret = text_after(&created.text(), "id=\"rahasia\">");
    assert!(secret.starts_with("wdh_"), "{secret}");
    let list = get(&app, &dev, base).await.ok().text();
    assert!(
        list.contains("uji-coba") && !list.contains(&secret),
        "the secret is never shown again"
    );
    let credential = app
        .store
        .list_credentials(&code("bpsdm"), &code("simpeg"), &PageRequest::first(100))
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|c| c.name.as_str() == "uji-coba")
        .unwrap();

    let rotated = post(
        &app,
        &dev,
        &format!("{base}/kredensial/{}/rotasi", credential.id),
        &[],
    )
    .await
    .ok()
    .text();
    let fresh = text_after(&rotated, "id=\"rahasia\">");
    assert!(fresh.starts_with("wdh_") && fresh != secret);

    // Another agency's developer: the application and its credential do not exist for them;
    // a colleague of another application is refused.
    add_user(
        &app,
        json!({"username": "dev-ebansos", "display_name": "Dev e-Bansos", "role": "developer", "agency": "dinsos", "application": "e-bansos"}),
    )
    .await;
    add_user(
        &app,
        json!({"username": "dev-presensi", "display_name": "Dev Presensi", "role": "developer", "agency": "bpsdm", "application": "presensi"}),
    )
    .await;
    let (outsider, _) = sign_in(&app, "dev-ebansos", "/developer/aplikasi").await;
    let hidden = get(&app, &outsider, base).await.status(404).text();
    assert!(hidden.contains("tidak ada"), "{hidden}");
    post(
        &app,
        &outsider,
        &format!("{base}/kredensial/{}/cabut", credential.id),
        &[],
    )
    .await
    .status(404);
    let (colleague, _) = sign_in(&app, "dev-presensi", "/developer/aplikasi").await;
    post(
        &app,
        &colleague,
        &format!("{base}/kredensial"),
        &[("nama", "x"), ("jenis", "api_key")],
    )
    .await
    .status(403);
    assert!(
        app.store
            .get_credential(&credential.id)
            .await
            .unwrap()
            .revoked_at
            .is_none()
    );

    let revoked = post(
        &app,
        &dev,
        &format!("{base}/kredensial/{}/cabut", credential.id),
        &[],
    )
    .await
    .status(303);
    let back = revoked.headers["location"].to_str().unwrap().to_owned();
    let after = get(&app, &dev, &back).await.ok().text();
    assert!(
        after.contains("Kredensial dicabut") && after.contains("Dicabut"),
        "{after}"
    );
    assert!(
        app.store
            .get_credential(&credential.id)
            .await
            .unwrap()
            .revoked_at
            .is_some()
    );
}
