//! The console as a browser without JavaScript uses it: sign-in and its throttling, session
//! cookies and their expiry (on the test clock), CSRF refusals that change nothing, agency
//! isolation, form errors that keep what was typed, and deciding access requests.

use wadah_domain::access::RequestStatus;
use wadah_domain::secret::SecretDigest;
use wadah_domain::user::Username;
use wadah_store::{AccessFilter, PageRequest};
use wadah_web::WebConfig;
use wadah_web::session::SessionConfig;

use crate::helpers::{Resp, TestApp, code, spec};

const PASSWORD: &str = "kata-sandi-yang-panjang";
const FORM: &str = "application/x-www-form-urlencoded";

async fn set_password(app: &TestApp, username: &str) {
    let hash = wadah_web::password::hash(PASSWORD).unwrap();
    app.store
        .set_password_hash(&Username::parse(username).unwrap(), &hash, &app.change())
        .await
        .unwrap();
}

pub(crate) fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", wadah_web::portal::layout::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn try_sign_in(app: &TestApp, router: Option<&axum::Router>, username: &str, password: &str) -> Resp {
    let call = app.post("/console/masuk").raw(
        FORM,
        encode(&[
            ("username", username),
            ("password", password),
            ("kembali", "/console"),
        ]),
    );
    match router {
        Some(r) => call.on(r).send().await,
        None => call.send().await,
    }
}

/// `name=value` of the response's session cookie.
fn cookie_of(resp: &Resp) -> String {
    let set = resp.headers["set-cookie"].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

/// A signed-in person: the cookie and the page's CSRF token.
pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

pub(crate) async fn sign_in(app: &TestApp, username: &str) -> Session {
    set_password(app, username).await;
    let resp = try_sign_in(app, None, username, PASSWORD).await.status(303);
    let cookie = cookie_of(&resp);
    let home = app.get("/console").header("cookie", &cookie).send().await.ok();
    Session {
        csrf: csrf_of(&home.text()),
        cookie,
    }
}

pub(crate) async fn get(app: &TestApp, s: &Session, path: &str) -> Resp {
    app.get(path).header("cookie", &s.cookie).send().await
}

pub(crate) async fn post(app: &TestApp, s: &Session, path: &str, pairs: &[(&str, &str)]) -> Resp {
    app.post(path)
        .header("cookie", &s.cookie)
        .raw(FORM, encode(pairs))
        .send()
        .await
}

api_test!(signing_in_starts_a_session_in_an_http_only_cookie_and_wrong_answers_say_nothing_more);
async fn signing_in_starts_a_session_in_an_http_only_cookie_and_wrong_answers_say_nothing_more(app: TestApp) {
    set_password(&app, "admin").await;
    let anonymous = app.get("/console/instansi").send().await.status(303);
    assert_eq!(
        anonymous.headers["location"],
        "/console/masuk?kembali=%2Fconsole%2Finstansi"
    );
    let form = app.get("/console/masuk").send().await.ok().text();
    assert!(
        form.contains("<html lang=\"id\"") && form.contains("Masuk ke konsol"),
        "{form}"
    );

    let wrong = try_sign_in(&app, None, "admin", "bukan-kata-sandinya")
        .await
        .status(401);
    let unknown = try_sign_in(&app, None, "tidak-ada", "bukan-kata-sandinya")
        .await
        .status(401);
    for page in [&wrong, &unknown] {
        assert!(page.text().contains("Nama pengguna atau kata sandi salah."));
        assert!(page.headers.get("set-cookie").is_none());
    }
    assert!(wrong.text().contains("value=\"admin\""), "the username is kept");

    let ok = try_sign_in(&app, None, "admin", PASSWORD).await.status(303);
    assert_eq!(ok.headers["location"], "/console");
    let set = ok.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.starts_with("wadah_sesi=")
            && set.contains("HttpOnly")
            && set.contains("SameSite=Lax")
            && !set.contains("Secure"),
        "{set}"
    );
    let cookie = cookie_of(&ok);
    let id = cookie.trim_start_matches("wadah_sesi=");
    assert!(id.len() >= 43, "a 256-bit id: {id}");
    assert!(app.store.session(&SecretDigest::of(id)).await.unwrap().is_some());
    for file in app.database_files() {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes.windows(id.len()).any(|w| w == id.as_bytes()),
            "the plain session id is in {}",
            file.display()
        );
    }
    let home = app.get("/console").header("cookie", &cookie).send().await.ok();
    let html = home.text();
    assert!(html.contains("Selamat datang, Admin Diskominfo"), "{html}");
    assert!(html.contains("akun lokal"), "the sign-in method is shown");
    assert_eq!(home.headers["cache-control"], "no-store");
    assert!(
        !home.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("unsafe-inline")
    );
    assert!(html.len() < 100_000);

    // Over HTTPS the cookie is Secure with the __Host- prefix.
    let https = app.with_config(WebConfig {
        sessions: SessionConfig {
            secure_cookies: true,
            ..SessionConfig::default()
        },
        ..WebConfig::default()
    });
    let secure = try_sign_in(&app, Some(&https), "admin", PASSWORD)
        .await
        .status(303);
    let set = secure.headers["set-cookie"].to_str().unwrap();
    assert!(
        set.starts_with("__Host-wadah_sesi=") && set.contains("; Secure") && set.contains("Path=/"),
        "{set}"
    );
}

api_test!(repeated_failures_lock_a_username_whether_or_not_it_exists);
async fn repeated_failures_lock_a_username_whether_or_not_it_exists(app: TestApp) {
    set_password(&app, "admin").await;
    for name in ["admin", "hantu"] {
        for _ in 0..5 {
            try_sign_in(&app, None, name, "tebakan-yang-salah")
                .await
                .status(401);
        }
        let locked = try_sign_in(&app, None, name, PASSWORD).await.status(429);
        assert!(locked.text().contains("Terlalu banyak percobaan"), "{name}");
        assert!(
            locked.headers.get("set-cookie").is_none(),
            "the right password does not get in"
        );
    }
    // Another username is not locked by those failures.
    set_password(&app, "auditor").await;
    try_sign_in(&app, None, "auditor", PASSWORD).await.status(303);
    // The lock lifts after the lockout.
    app.clock.advance(chrono::Duration::minutes(16));
    try_sign_in(&app, None, "admin", PASSWORD).await.status(303);
}

api_test!(sessions_end_when_idle_at_their_absolute_end_and_at_sign_out);
async fn sessions_end_when_idle_at_their_absolute_end_and_at_sign_out(app: TestApp) {
    let s = sign_in(&app, "admin").await;
    app.clock.advance(chrono::Duration::minutes(29));
    get(&app, &s, "/console").await.ok();
    app.clock.advance(chrono::Duration::minutes(29));
    get(&app, &s, "/console").await.ok();
    app.clock.advance(chrono::Duration::minutes(31));
    let idle = get(&app, &s, "/console").await.status(303);
    assert!(
        idle.headers["location"]
            .to_str()
            .unwrap()
            .starts_with("/console/masuk")
    );

    // Absolute end: 1 hour here, however active.
    let short = app.with_config(WebConfig {
        sessions: SessionConfig {
            absolute_timeout: chrono::Duration::hours(1),
            ..SessionConfig::default()
        },
        ..WebConfig::default()
    });
    let cookie = cookie_of(
        &try_sign_in(&app, Some(&short), "admin", PASSWORD)
            .await
            .status(303),
    );
    for minutes in [20, 20, 19] {
        app.clock.advance(chrono::Duration::minutes(minutes));
        app.get("/console")
            .header("cookie", &cookie)
            .on(&short)
            .send()
            .await
            .ok();
    }
    app.clock.advance(chrono::Duration::minutes(1));
    app.get("/console")
        .header("cookie", &cookie)
        .on(&short)
        .send()
        .await
        .status(303);

    let s = sign_in(&app, "admin").await;
    let out = post(&app, &s, "/console/keluar", &[("csrf", &s.csrf)])
        .await
        .status(303);
    assert!(out.headers["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    get(&app, &s, "/console").await.status(303);
}

api_test!(forms_without_the_session_token_or_from_another_site_are_refused_and_change_nothing);
async fn forms_without_the_session_token_or_from_another_site_are_refused_and_change_nothing(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let fields = |csrf: &'static str| {
        vec![
            ("csrf", csrf),
            ("code", "sikd"),
            ("name", "Sistem Informasi Kearsipan"),
            ("kind", "khusus"),
            ("audience", "asn"),
            ("lifecycle_stage", "active"),
        ]
    };
    let path = "/console/instansi/bpsdm/aplikasi/baru";
    let missing: Vec<_> = fields("").into_iter().filter(|(k, _)| *k != "csrf").collect();
    let refused = post(&app, &s, path, &missing).await.status(403);
    assert!(refused.text().contains("Permintaan ditolak"));
    post(&app, &s, path, &fields("salah")).await.status(403);
    let mut good: Vec<(&str, String)> = fields("").into_iter().map(|(k, v)| (k, v.to_owned())).collect();
    good[0].1 = s.csrf.clone();
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let evil = app
        .post(path)
        .header("cookie", &s.cookie)
        .header("host", "wadah.example")
        .header("origin", "https://evil.example")
        .raw(FORM, encode(&good))
        .send()
        .await;
    evil.status(403);
    let none = app.store.get_application(&code("bpsdm"), &code("sikd")).await;
    assert!(none.is_err(), "a refused form changed nothing: {none:?}");
    // Another session's token does not work either.
    let other = sign_in(&app, "admin").await;
    let mut stolen = good.clone();
    stolen[0].1 = other.csrf.as_str();
    post(&app, &s, path, &stolen).await.status(403);

    let created = post(&app, &s, path, &good).await.status(303);
    assert_eq!(
        created.headers["location"],
        "/console/instansi/bpsdm/aplikasi/sikd"
    );
    let app_page = get(&app, &s, "/console/instansi/bpsdm/aplikasi/sikd")
        .await
        .ok()
        .text();
    assert!(app_page.contains("Sistem Informasi Kearsipan"));
    let log = app
        .store
        .list_changes(&Default::default(), &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        log.items[0].actor.as_str(),
        "user:bpsdm-admin",
        "the change log names the person"
    );
}

api_test!(an_agency_admin_neither_sees_nor_changes_another_agency_and_readers_change_nothing);
async fn an_agency_admin_neither_sees_nor_changes_another_agency_and_readers_change_nothing(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let agencies = get(&app, &s, "/console/instansi").await.ok().text();
    assert!(
        agencies.contains("BPSDM") && !agencies.contains("Dinas Sosial"),
        "{agencies}"
    );
    for path in [
        "/console/instansi/dinsos",
        "/console/instansi/dinsos/aplikasi/e-bansos",
        "/console/instansi/dinsos/aplikasi/e-bansos/layanan/penerima",
        "/console/instansi/dinsos/aplikasi/e-bansos/ubah",
        "/console/instansi/dinsos/aplikasi/baru",
        "/console/instansi/tidak-ada",
    ] {
        let page = get(&app, &s, path).await.status(404);
        let html = page.text();
        assert!(html.contains("Halaman tidak ditemukan"), "{path}: {html}");
        assert!(!html.contains("e-bansos") || path.contains("e-bansos"), "{path}");
        assert!(
            !html.contains("Aplikasi e-bansos"),
            "no data of dinsos leaks on {path}"
        );
    }
    let fields = [
        ("csrf", s.csrf.as_str()),
        ("code", "e-bansos"),
        ("name", "Diambil alih"),
        ("kind", "khusus"),
        ("audience", "public"),
        ("lifecycle_stage", "active"),
    ];
    post(
        &app,
        &s,
        "/console/instansi/dinsos/aplikasi/e-bansos/ubah",
        &fields,
    )
    .await
    .status(404);
    post(&app, &s, "/console/instansi/dinsos/aplikasi/baru", &fields)
        .await
        .status(404);
    let untouched = app
        .store
        .get_application(&code("dinsos"), &code("e-bansos"))
        .await
        .unwrap();
    assert_eq!(untouched.spec.name.as_str(), "Aplikasi e-bansos");

    // The auditor reads everything and changes nothing (a 403 page).
    let auditor = sign_in(&app, "auditor").await;
    get(&app, &auditor, "/console/instansi/dinsos/aplikasi/e-bansos")
        .await
        .ok();
    let denied = get(&app, &auditor, "/console/instansi/dinsos/aplikasi/e-bansos/ubah")
        .await
        .status(403);
    assert!(denied.text().contains("Akses ditolak"));
    let mut as_auditor = fields;
    as_auditor[0].1 = auditor.csrf.as_str();
    post(
        &app,
        &auditor,
        "/console/instansi/dinsos/aplikasi/e-bansos/ubah",
        &as_auditor,
    )
    .await
    .status(403);
    let still = app
        .store
        .get_application(&code("dinsos"), &code("e-bansos"))
        .await
        .unwrap();
    assert_eq!(still.meta.version, untouched.meta.version);
}

api_test!(a_form_error_names_the_field_in_the_readers_language_and_keeps_what_was_typed);
async fn a_form_error_names_the_field_in_the_readers_language_and_keeps_what_was_typed(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let path = "/console/instansi/bpsdm/aplikasi/simpeg/layanan/baru";
    let typed = [
        ("csrf", s.csrf.as_str()),
        ("code", "Kode Salah"),
        ("name", "Layanan Riwayat Jabatan"),
        ("upstream_url", "https://simpeg.example.go.id/jabatan/"),
        ("visibility", "public"),
        ("classification", "terbatas"),
        ("timeout_ms", "5000"),
        ("default_limit_per_minute", "60"),
    ];
    let page = post(&app, &s, path, &typed).await.status(422);
    let html = page.text();
    assert!(
        html.contains("value=\"Layanan Riwayat Jabatan\""),
        "the name is kept: {html}"
    );
    assert!(
        html.contains("value=\"Kode Salah\""),
        "the bad code is kept to correct"
    );
    assert!(html.contains("value=\"https://simpeg.example.go.id/jabatan/\""));
    assert!(
        html.contains("id=\"f-code-error\">Kode harus 2–32 karakter"),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"f-code-error\""));

    let english = app
        .post(path)
        .header("cookie", &format!("{}; wadah_lang=en", s.cookie))
        .raw(
            FORM,
            encode(&[typed.as_slice(), &[("timeout_ms", "50")]].concat()),
        )
        .send()
        .await
        .status(422)
        .text();
    assert!(english.contains("<html lang=\"en\""));
    assert!(english.contains("A code has 2–32 characters"), "{english}");

    let mut fixed = typed;
    fixed[1].1 = "riwayat-jabatan";
    fixed[6].1 = "50";
    let slow = post(&app, &s, path, &fixed).await.status(422).text();
    assert!(
        slow.contains("id=\"f-timeout_ms-error\">Batas waktu harus bilangan bulat"),
        "{slow}"
    );
    assert!(slow.contains("value=\"riwayat-jabatan\""));

    let mut taken = fixed;
    taken[1].1 = "pegawai";
    taken[6].1 = "5000";
    let dup = post(&app, &s, path, &taken).await.status(422).text();
    assert!(dup.contains("Kode ini sudah dipakai"), "{dup}");

    fixed[6].1 = "5000";
    post(&app, &s, path, &fixed).await.status(303);
    let stored = app
        .store
        .get_service(&spec(
            serde_json::json!({"agency": "bpsdm", "application": "simpeg", "service": "riwayat-jabatan"}),
        ))
        .await
        .unwrap();
    assert_eq!(stored.spec.timeout_ms, 5000);
}

api_test!(the_providing_agency_approves_or_rejects_with_a_reason);
async fn the_providing_agency_approves_or_rejects_with_a_reason(app: TestApp) {
    let requests = app
        .store
        .list_requests(&AccessFilter::default(), &PageRequest::default())
        .await
        .unwrap();
    let seeded = requests.items[0].id.clone();
    let asked = app
        .store
        .create_request(
            &spec(serde_json::json!({
                "consumer": {"agency": "bpsdm", "application": "simpeg"},
                "service": {"agency": "dinsos", "application": "e-bansos", "service": "penerima"},
                "purpose": "Mencocokkan data pegawai penerima bantuan",
                "legal_basis": "Perwali 12/2025"
            })),
            &app.change(),
        )
        .await
        .unwrap()
        .id;

    // The consumer's admin sees the request but cannot decide it.
    let bpsdm = sign_in(&app, "bpsdm-admin").await;
    let seen = get(&app, &bpsdm, &format!("/console/permohonan/{asked}"))
        .await
        .ok()
        .text();
    assert!(
        seen.contains("Mencocokkan data pegawai") && !seen.contains("Setujui"),
        "{seen}"
    );
    let form = [("csrf", bpsdm.csrf.as_str()), ("keputusan", "setujui")];
    post(
        &app,
        &bpsdm,
        &format!("/console/permohonan/{asked}/keputusan"),
        &form,
    )
    .await
    .status(403);
    get(&app, &bpsdm, &format!("/console/permohonan/{seeded}"))
        .await
        .status(404);

    let dinsos = sign_in(&app, "dinsos-admin").await;
    let list = get(&app, &dinsos, "/console/permohonan").await.ok().text();
    assert!(list.contains(&format!("/console/permohonan/{asked}")));
    let home = get(&app, &dinsos, "/console").await.ok().text();
    assert!(
        home.contains("dinsos/e-bansos/penerima"),
        "pending on the home page: {home}"
    );
    let page = get(&app, &dinsos, &format!("/console/permohonan/{asked}"))
        .await
        .ok()
        .text();
    assert!(page.contains("Setujui") && page.contains("Tolak"));

    // A rejection needs a reason: the form comes back with the message next to the field.
    let decide = format!("/console/permohonan/{seeded}/keputusan");
    let no_reason = [
        ("csrf", dinsos.csrf.as_str()),
        ("keputusan", "tolak"),
        ("alasan", " "),
    ];
    let again = post(&app, &dinsos, &decide, &no_reason).await.status(422).text();
    assert!(
        again.contains("id=\"f-alasan-error\">Tuliskan alasan penolakan"),
        "{again}"
    );
    assert_eq!(
        app.store.get_request(&seeded).await.unwrap().status,
        RequestStatus::Pending
    );
    let reject = [
        ("csrf", dinsos.csrf.as_str()),
        ("keputusan", "tolak"),
        ("alasan", "Data keluarga hanya untuk Dinas Sosial"),
    ];
    post(&app, &dinsos, &decide, &reject).await.status(303);
    let rejected = app.store.get_request(&seeded).await.unwrap();
    assert_eq!(rejected.status, RequestStatus::Rejected);
    assert_eq!(rejected.reason, "Data keluarga hanya untuk Dinas Sosial");

    let approve = [("csrf", dinsos.csrf.as_str()), ("keputusan", "setujui")];
    post(
        &app,
        &dinsos,
        &format!("/console/permohonan/{asked}/keputusan"),
        &approve,
    )
    .await
    .status(303);
    let approved = app.store.get_request(&asked).await.unwrap();
    assert_eq!(approved.status, RequestStatus::Approved);
    let right = approved.right.expect("the approval granted a right");
    assert!(app.store.get_right(&right).await.is_ok());
    let shown = get(&app, &dinsos, &format!("/console/permohonan/{asked}"))
        .await
        .ok()
        .text();
    assert!(shown.contains("Disetujui") && !shown.contains("name=\"keputusan\""));
    // Deciding twice is refused and changes nothing.
    post(
        &app,
        &dinsos,
        &format!("/console/permohonan/{asked}/keputusan"),
        &approve,
    )
    .await
    .status(409);
}

api_test!(the_evidence_log_change_log_and_users_pages_follow_the_role);
async fn the_evidence_log_change_log_and_users_pages_follow_the_role(app: TestApp) {
    let auditor = sign_in(&app, "auditor").await;
    let evidence = get(
        &app,
        &auditor,
        "/console/jejak?request_id=abc&consumer=dinsos%2Fe-bansos",
    )
    .await
    .ok()
    .text();
    assert!(evidence.contains("Jejak audit") && evidence.contains("Tidak ada pertukaran yang cocok."));
    assert!(
        evidence.contains("value=\"dinsos/e-bansos\""),
        "the search is kept"
    );
    let bad = get(&app, &auditor, "/console/jejak?from=kemarin")
        .await
        .status(400)
        .text();
    assert!(bad.contains("Waktu tidak valid"));
    let bad = get(&app, &auditor, "/console/jejak?consumer=Bukan%20Kode")
        .await
        .status(400)
        .text();
    assert!(bad.contains("Isian pencarian tidak valid"));
    let changes = get(&app, &auditor, "/console/perubahan").await.ok().text();
    assert!(changes.contains("system:test-seed"), "{changes}");
    let users = get(&app, &auditor, "/console/pengguna").await.ok().text();
    assert!(users.contains("dinsos-admin") && users.contains("bpsdm-admin"));

    let bpsdm = sign_in(&app, "bpsdm-admin").await;
    let users = get(&app, &bpsdm, "/console/pengguna").await.ok().text();
    assert!(
        users.contains("bpsdm-admin") && !users.contains("dinsos-admin"),
        "{users}"
    );
    let changes = get(&app, &bpsdm, "/console/perubahan").await.ok().text();
    assert!(!changes.contains("dinsos/"), "only bpsdm's changes: {changes}");
    let developer = sign_in(&app, "dev-simpeg").await;
    get(&app, &developer, "/console/pengguna").await.status(403);
}

api_test!(the_sso_page_shows_providers_and_their_mapping_to_admins_and_auditors_and_never_a_secret);
async fn the_sso_page_shows_providers_and_their_mapping_to_admins_and_auditors_and_never_a_secret(
    app: TestApp,
) {
    use wadah_domain::user::Role;
    use wadah_web::sso::client_auth::ClientAuth;
    use wadah_web::sso::mapping::Mapping;
    use wadah_web::sso::{ProviderConfig, SecretText, SsoConfig};
    let sso = SsoConfig {
        public_url: "https://wadah.example.go.id".into(),
        providers: vec![ProviderConfig {
            id: "asn".into(),
            name: "SSO ASN Nasional".into(),
            // Nothing listens on the discard port: discovery is down.
            issuer: "http://127.0.0.1:9/realms/asn".into(),
            client_id: "wadah-bontang".into(),
            client_auth: ClientAuth::SecretBasic(SecretText::new("rahasia-klien-uji")),
            scopes: vec!["openid".into(), "profile".into()],
            mapping: Mapping {
                groups_claim: Some("groups".into()),
                group_roles: vec![("opd-admin".into(), Role::AgencyAdmin)],
                agency_claim: Some("opd".into()),
                ..Mapping::default()
            },
        }],
    };
    let router = app.with_config(WebConfig {
        sso,
        ..WebConfig::default()
    });
    let page = |s: &Session| {
        app.get("/console/sso")
            .header("cookie", &s.cookie)
            .on(&router)
            .send()
    };
    let admin = sign_in(&app, "admin").await;
    let html = page(&admin).await.ok().text();
    for shown in [
        "SSO ASN Nasional",
        "http://127.0.0.1:9/realms/asn",
        "wadah-bontang",
        "client_secret_basic",
        "openid profile",
        "opd-admin →",
        "Tidak terjangkau",
    ] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    assert!(
        !html.contains("rahasia-klien-uji"),
        "the client secret is never shown"
    );
    let auditor = sign_in(&app, "auditor").await;
    page(&auditor).await.ok();
    let agency_admin = sign_in(&app, "dinsos-admin").await;
    page(&agency_admin).await.status(403);
}
