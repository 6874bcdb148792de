//! Users, roles, tokens and agencies in the console, as a browser without JavaScript uses
//! them: a new account with its first password shown once, role and scope changes, disable
//! and enable, a new password, tokens minted (secret once) and revoked, agencies created and
//! edited; and every refusal: an agency admin outside their agency or above their role, a
//! reader, a missing user, a forged form, one's own lock-out.

use wadah_domain::user::{Role, Username};

use crate::console::{Session, encode, get, sign_in};
use crate::helpers::*;

const FORM: &str = "application/x-www-form-urlencoded";

async fn post(app: &TestApp, s: &Session, path: &str, pairs: &[(&str, &str)]) -> Resp {
    let mut all = vec![("csrf", s.csrf.as_str())];
    all.extend_from_slice(pairs);
    crate::console::post(app, s, path, &all).await
}

/// Signs in with a password as the sign-in form does; the answer's status.
async fn sign_in_with(app: &TestApp, username: &str, password: &str) -> u16 {
    app.post("/console/masuk")
        .raw(
            FORM,
            encode(&[
                ("username", username),
                ("password", password),
                ("kembali", "/console"),
            ]),
        )
        .send()
        .await
        .status
        .as_u16()
}

/// The secret shown once on a page (`<code class="secret" id="rahasia">…</code>`).
fn secret_of(html: &str) -> String {
    let marker = "id=\"rahasia\">";
    let at = html.find(marker).expect("a secret shown once") + marker.len();
    html[at..at + html[at..].find('<').unwrap()].to_owned()
}

async fn user(app: &TestApp, name: &str) -> wadah_domain::user::User {
    app.store.get_user(&Username::parse(name).unwrap()).await.unwrap()
}

async fn version(app: &TestApp, name: &str) -> String {
    user(app, name).await.meta.version.to_string()
}

api_test!(the_platform_admin_creates_a_user_whose_first_password_is_shown_once_and_works);
async fn the_platform_admin_creates_a_user_whose_first_password_is_shown_once_and_works(app: TestApp) {
    let admin = sign_in(&app, "admin").await;
    let list = get(&app, &admin, "/console/pengguna").await.ok().text();
    assert!(
        list.contains("href=\"/console/pengguna/baru\"")
            && list.contains("href=\"/console/pengguna/bpsdm-admin\"")
    );
    let form = get(&app, &admin, "/console/pengguna/baru").await.ok().text();
    assert!(form.contains("name=\"username\"") && form.contains("value=\"platform_admin\""));

    // A bad username comes back by its field, with what was typed kept; nothing is stored.
    let bad = post(
        &app,
        &admin,
        "/console/pengguna/baru",
        &[
            ("username", "Bukan Nama"),
            ("display_name", "Rina Wulandari"),
            ("role", "auditor"),
            ("agency", "bpsdm"),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(
        bad.contains("id=\"f-username-error\"") && bad.contains("value=\"Rina Wulandari\""),
        "{bad}"
    );
    // A developer without an application: by the application field.
    let bad = post(
        &app,
        &admin,
        "/console/pengguna/baru",
        &[
            ("username", "rina"),
            ("display_name", "Rina"),
            ("role", "developer"),
            ("agency", "bpsdm"),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(bad.contains("id=\"f-application-error\""), "{bad}");
    assert!(
        app.store
            .get_user(&Username::parse("rina").unwrap())
            .await
            .is_err()
    );

    let made = post(
        &app,
        &admin,
        "/console/pengguna/baru",
        &[
            ("username", "rina"),
            ("display_name", "Rina Wulandari"),
            ("email", "rina@bontangkota.go.id"),
            ("role", "agency_admin"),
            ("agency", "bpsdm"),
            ("application", ""),
        ],
    )
    .await
    .status(201)
    .text();
    assert!(made.contains("Kata sandi awal") && made.contains("tidak akan ditampilkan lagi"));
    let password = secret_of(&made);
    assert!(password.len() >= 12);
    let stored = user(&app, "rina").await;
    assert_eq!(stored.spec.role, Role::AgencyAdmin);
    assert_eq!(stored.spec.agency.as_ref().map(|a| a.as_str()), Some("bpsdm"));
    assert_eq!(
        sign_in_with(&app, "rina", &password).await,
        303,
        "the password works"
    );
    // Shown once: the user's page does not show it again.
    let again = get(&app, &admin, "/console/pengguna/rina").await.ok().text();
    assert!(!again.contains(&password) && again.contains("Rina Wulandari (rina)"));
    assert!(
        get(&app, &admin, "/console/pengguna")
            .await
            .ok()
            .text()
            .contains("href=\"/console/pengguna/rina\"")
    );

    // The same username again: by the field.
    let dup = post(
        &app,
        &admin,
        "/console/pengguna/baru",
        &[
            ("username", "rina"),
            ("display_name", "Lain"),
            ("role", "auditor"),
            ("agency", ""),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(
        dup.contains("id=\"f-username-error\"") && dup.contains("sudah dipakai"),
        "{dup}"
    );

    // Without the session's token nothing is created.
    app.post("/console/pengguna/baru")
        .header("cookie", &admin.cookie)
        .raw(
            FORM,
            encode(&[
                ("username", "palsu"),
                ("display_name", "Palsu"),
                ("role", "auditor"),
            ]),
        )
        .send()
        .await
        .status(403);
    assert!(
        app.store
            .get_user(&Username::parse("palsu").unwrap())
            .await
            .is_err()
    );
}

api_test!(an_agency_admin_manages_only_their_agency_and_never_grants_a_role_above_their_own);
async fn an_agency_admin_manages_only_their_agency_and_never_grants_a_role_above_their_own(app: TestApp) {
    let bpsdm = sign_in(&app, "bpsdm-admin").await;
    let form = get(&app, &bpsdm, "/console/pengguna/baru").await.ok().text();
    assert!(
        !form.contains("value=\"platform_admin\""),
        "no platform-wide role offered"
    );
    assert!(!form.contains("value=\"dinsos\""), "no other agency offered");

    // Sent anyway: a platform admin without an agency is refused by the API (403) …
    post(
        &app,
        &bpsdm,
        "/console/pengguna/baru",
        &[
            ("username", "naik"),
            ("display_name", "Naik"),
            ("role", "platform_admin"),
            ("agency", ""),
        ],
    )
    .await
    .status(403);
    // … and with the agency too, by the agency field.
    let bad = post(
        &app,
        &bpsdm,
        "/console/pengguna/baru",
        &[
            ("username", "naik"),
            ("display_name", "Naik"),
            ("role", "platform_admin"),
            ("agency", "bpsdm"),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(bad.contains("id=\"f-agency-error\""), "{bad}");
    // Another agency's account: hidden, nothing created.
    post(
        &app,
        &bpsdm,
        "/console/pengguna/baru",
        &[
            ("username", "naik"),
            ("display_name", "Naik"),
            ("role", "staff"),
            ("agency", "dinsos"),
        ],
    )
    .await
    .status(404);
    assert!(
        app.store
            .get_user(&Username::parse("naik").unwrap())
            .await
            .is_err()
    );

    // Their own agency's staff account is fine.
    post(
        &app,
        &bpsdm,
        "/console/pengguna/baru",
        &[
            ("username", "asn-bpsdm"),
            ("display_name", "Budi"),
            ("role", "staff"),
            ("agency", "bpsdm"),
        ],
    )
    .await
    .status(201);

    // Raising that account to platform admin, or moving it to another agency, is refused.
    let v = version(&app, "asn-bpsdm").await;
    post(
        &app,
        &bpsdm,
        "/console/pengguna/asn-bpsdm",
        &[
            ("display_name", "Budi"),
            ("role", "platform_admin"),
            ("agency", ""),
            ("versi", &v),
        ],
    )
    .await
    .status(403);
    post(
        &app,
        &bpsdm,
        "/console/pengguna/asn-bpsdm",
        &[
            ("display_name", "Budi"),
            ("role", "staff"),
            ("agency", "dinsos"),
            ("versi", &v),
        ],
    )
    .await
    .status(404);
    let kept = user(&app, "asn-bpsdm").await;
    assert_eq!(kept.spec.role, Role::Staff);
    assert_eq!(kept.spec.agency.as_ref().map(|a| a.as_str()), Some("bpsdm"));

    // Users of other agencies and the platform's are not there for them; a missing one is 404.
    get(&app, &bpsdm, "/console/pengguna/dinsos-admin")
        .await
        .status(404);
    get(&app, &bpsdm, "/console/pengguna/admin").await.status(404);
    get(&app, &bpsdm, "/console/pengguna/tidak-ada").await.status(404);
    get(&app, &bpsdm, "/console/pengguna/BUKAN%20NAMA")
        .await
        .status(404);
    post(&app, &bpsdm, "/console/pengguna/dinsos-admin/sandi", &[])
        .await
        .status(404);
    let list = get(&app, &bpsdm, "/console/pengguna").await.ok().text();
    assert!(list.contains("asn-bpsdm") && !list.contains("dinsos-admin"));
}

api_test!(a_user_page_changes_role_disables_and_resets_the_password_and_readers_only_read);
async fn a_user_page_changes_role_disables_and_resets_the_password_and_readers_only_read(app: TestApp) {
    let admin = sign_in(&app, "admin").await;
    let page = "/console/pengguna/bpsdm-admin";
    let html = get(&app, &admin, page).await.ok().text();
    assert!(
        html.contains("name=\"role\"") && html.contains("action=\"/console/pengguna/bpsdm-admin/status\"")
    );
    assert!(html.contains("action=\"/console/pengguna/bpsdm-admin/sandi\""));
    assert!(
        !html.contains("action=\"/console/pengguna/bpsdm-admin/token\""),
        "tokens are minted by their owner"
    );

    // A combination the API refuses comes back by its field with what was typed kept.
    let v = version(&app, "bpsdm-admin").await;
    let bad = post(
        &app,
        &admin,
        page,
        &[
            ("display_name", "Admin BPSDM Baru"),
            ("role", "agency_admin"),
            ("agency", ""),
            ("versi", &v),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(
        bad.contains("id=\"f-agency-error\"") && bad.contains("value=\"Admin BPSDM Baru\""),
        "{bad}"
    );
    post(
        &app,
        &admin,
        page,
        &[
            ("display_name", "Auditor BPSDM"),
            ("role", "auditor"),
            ("agency", "bpsdm"),
            ("versi", &v),
        ],
    )
    .await
    .status(303);
    let changed = user(&app, "bpsdm-admin").await;
    assert_eq!(changed.spec.role, Role::Auditor);
    assert_eq!(changed.spec.display_name.as_str(), "Auditor BPSDM");
    // A stale page changes nothing.
    post(
        &app,
        &admin,
        page,
        &[
            ("display_name", "Lama"),
            ("role", "agency_admin"),
            ("agency", "bpsdm"),
            ("versi", &v),
        ],
    )
    .await
    .status(422);
    assert_eq!(user(&app, "bpsdm-admin").await.spec.role, Role::Auditor);

    // Disable: the person's session ends and they cannot sign in; enable again.
    let dinsos = sign_in(&app, "dinsos-admin").await;
    let v = version(&app, "dinsos-admin").await;
    post(
        &app,
        &admin,
        "/console/pengguna/dinsos-admin/status",
        &[("ke", "nonaktif"), ("versi", &v)],
    )
    .await
    .status(303);
    assert!(user(&app, "dinsos-admin").await.spec.disabled);
    get(&app, &dinsos, "/console").await.status(303);
    let shown = get(&app, &admin, "/console/pengguna/dinsos-admin")
        .await
        .ok()
        .text();
    assert!(shown.contains("Nonaktif") && shown.contains("value=\"aktif\""));
    let v = version(&app, "dinsos-admin").await;
    post(
        &app,
        &admin,
        "/console/pengguna/dinsos-admin/status",
        &[("ke", "aktif"), ("versi", &v)],
    )
    .await
    .status(303);
    assert!(!user(&app, "dinsos-admin").await.spec.disabled);

    // A new password, shown once, replaces the old one.
    let reset = post(&app, &admin, "/console/pengguna/dinsos-admin/sandi", &[])
        .await
        .ok()
        .text();
    let password = secret_of(&reset);
    assert_eq!(sign_in_with(&app, "dinsos-admin", &password).await, 303);
    assert_eq!(
        sign_in_with(&app, "dinsos-admin", "kata-sandi-yang-panjang").await,
        401
    );

    // Nobody disables themselves: no button, and the API's refusal when sent anyway.
    let own = get(&app, &admin, "/console/pengguna/admin").await.ok().text();
    assert!(!own.contains("action=\"/console/pengguna/admin/status\""));
    let v = version(&app, "admin").await;
    let refused = post(
        &app,
        &admin,
        "/console/pengguna/admin/status",
        &[("ke", "nonaktif"), ("versi", &v)],
    )
    .await
    .status(409)
    .text();
    assert!(refused.contains("akun Anda sendiri"), "{refused}");
    assert!(!user(&app, "admin").await.spec.disabled);

    // The auditor reads accounts but has no form, and a change sent anyway is a 403.
    let auditor = sign_in(&app, "auditor").await;
    let read = get(&app, &auditor, "/console/pengguna/dinsos-admin")
        .await
        .ok()
        .text();
    assert!(read.contains("dinsos-admin") && !read.contains("name=\"role\"") && !read.contains("/sandi\""));
    let v = version(&app, "dinsos-admin").await;
    post(
        &app,
        &auditor,
        "/console/pengguna/dinsos-admin/status",
        &[("ke", "nonaktif"), ("versi", &v)],
    )
    .await
    .status(403);
    post(&app, &auditor, "/console/pengguna/dinsos-admin/sandi", &[])
        .await
        .status(403);
    assert!(!user(&app, "dinsos-admin").await.spec.disabled);
    get(&app, &auditor, "/console/pengguna/baru").await.status(403);

    // Forged: nothing changes.
    let v = version(&app, "dinsos-admin").await;
    app.post("/console/pengguna/dinsos-admin/status")
        .header("cookie", &admin.cookie)
        .raw(FORM, encode(&[("ke", "nonaktif"), ("versi", &v)]))
        .send()
        .await
        .status(403);
    assert!(!user(&app, "dinsos-admin").await.spec.disabled);
}

api_test!(tokens_are_minted_by_their_owner_shown_once_and_revoked_from_the_console);
async fn tokens_are_minted_by_their_owner_shown_once_and_revoked_from_the_console(app: TestApp) {
    let bpsdm = sign_in(&app, "bpsdm-admin").await;
    let page = "/console/pengguna/bpsdm-admin";
    let html = get(&app, &bpsdm, page).await.ok().text();
    assert!(html.contains("action=\"/console/pengguna/bpsdm-admin/token\""));

    // A token without a name, or expiring in the past: by the field, nothing minted.
    let bad = post(
        &app,
        &bpsdm,
        &format!("{page}/token"),
        &[("nama", ""), ("kedaluwarsa", "")],
    )
    .await
    .status(422)
    .text();
    assert!(bad.contains("id=\"f-nama-error\""), "{bad}");
    let bad = post(
        &app,
        &bpsdm,
        &format!("{page}/token"),
        &[("nama", "skrip"), ("kedaluwarsa", "2001-01-01")],
    )
    .await
    .status(422)
    .text();
    assert!(
        bad.contains("id=\"f-kedaluwarsa-error\"") && bad.contains("value=\"skrip\""),
        "{bad}"
    );

    let before = app
        .store
        .list_api_tokens(&Username::parse("bpsdm-admin").unwrap())
        .await
        .unwrap()
        .len();
    let made = post(
        &app,
        &bpsdm,
        &format!("{page}/token"),
        &[("nama", "skrip-sinkron"), ("kedaluwarsa", "")],
    )
    .await
    .status(201)
    .text();
    let secret = secret_of(&made);
    assert!(secret.starts_with("wdha_"));
    let me = app
        .get("/api/v1/me")
        .header("authorization", &format!("Bearer {secret}"))
        .send()
        .await
        .ok()
        .json();
    assert_eq!(me["username"], "bpsdm-admin");
    let listed = get(&app, &bpsdm, page).await.ok().text();
    assert!(
        listed.contains("skrip-sinkron") && !listed.contains(&secret),
        "listed, never with its secret"
    );
    let tokens = app
        .store
        .list_api_tokens(&Username::parse("bpsdm-admin").unwrap())
        .await
        .unwrap();
    assert_eq!(tokens.len(), before + 1);
    let id = tokens
        .iter()
        .find(|t| t.name.as_str() == "skrip-sinkron")
        .unwrap()
        .id
        .clone();

    // Nobody mints for someone else: the platform admin sees no form and is refused.
    let admin = sign_in(&app, "admin").await;
    let seen = get(&app, &admin, page).await.ok().text();
    assert!(
        seen.contains("skrip-sinkron") && !seen.contains("action=\"/console/pengguna/bpsdm-admin/token\"")
    );
    post(&app, &admin, &format!("{page}/token"), &[("nama", "milik-orang")])
        .await
        .status(403);
    // A reader may not revoke; a manager of the user's agency may.
    let auditor = sign_in(&app, "auditor").await;
    post(&app, &auditor, &format!("{page}/token/{id}/cabut"), &[])
        .await
        .status(403);
    let dinsos = sign_in(&app, "dinsos-admin").await;
    post(&app, &dinsos, &format!("{page}/token/{id}/cabut"), &[])
        .await
        .status(404);
    post(&app, &admin, &format!("{page}/token/{id}/cabut"), &[])
        .await
        .status(303);
    app.get("/api/v1/me")
        .header("authorization", &format!("Bearer {secret}"))
        .send()
        .await
        .status(401);
    assert!(get(&app, &bpsdm, page).await.ok().text().contains("Dicabut"));
}

api_test!(the_platform_admin_creates_and_edits_agencies_and_nobody_else_does);
async fn the_platform_admin_creates_and_edits_agencies_and_nobody_else_does(app: TestApp) {
    let admin = sign_in(&app, "admin").await;
    let list = get(&app, &admin, "/console/instansi").await.ok().text();
    assert!(list.contains("href=\"/console/instansi/baru\""));
    let form = get(&app, &admin, "/console/instansi/baru").await.ok().text();
    assert!(
        form.contains("name=\"government\"") && form.contains("value=\"bontang\""),
        "{form}"
    );

    let bad = post(
        &app,
        &admin,
        "/console/instansi/baru",
        &[
            ("code", "Dinas Kesehatan"),
            ("name", "Dinas Kesehatan"),
            ("government", "bontang"),
            ("operator", "false"),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(
        bad.contains("id=\"f-code-error\"") && bad.contains("value=\"Dinas Kesehatan\""),
        "{bad}"
    );
    post(
        &app,
        &admin,
        "/console/instansi/baru",
        &[
            ("code", "dinkes"),
            ("name", "Dinas Kesehatan"),
            ("government", "bontang"),
            ("description", "Kesehatan warga"),
            ("operator", "false"),
        ],
    )
    .await
    .status(303);
    let shown = get(&app, &admin, "/console/instansi/dinkes").await.ok().text();
    assert!(shown.contains("Dinas Kesehatan") && shown.contains("href=\"/console/instansi/dinkes/ubah\""));
    let dup = post(
        &app,
        &admin,
        "/console/instansi/baru",
        &[
            ("code", "dinkes"),
            ("name", "Lagi"),
            ("government", "bontang"),
            ("operator", "false"),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(dup.contains("id=\"f-code-error\""));

    let edit = get(&app, &admin, "/console/instansi/dinkes/ubah")
        .await
        .ok()
        .text();
    let marker = "name=\"versi\" value=\"";
    let at = edit.find(marker).unwrap() + marker.len();
    let v = edit[at..at + edit[at..].find('"').unwrap()].to_owned();
    post(
        &app,
        &admin,
        "/console/instansi/dinkes/ubah",
        &[
            ("name", "Dinas Kesehatan Kota Bontang"),
            ("government", "bontang"),
            ("description", ""),
            ("operator", "false"),
            ("versi", &v),
        ],
    )
    .await
    .status(303);
    let stored = app.store.get_agency(&code("dinkes")).await.unwrap();
    assert_eq!(stored.spec.name.as_str(), "Dinas Kesehatan Kota Bontang");
    assert_eq!(stored.spec.code.as_str(), "dinkes", "the code stays");
    get(&app, &admin, "/console/instansi/tidak-ada/ubah")
        .await
        .status(404);

    // An agency admin edits applications, not agencies.
    let bpsdm = sign_in(&app, "bpsdm-admin").await;
    assert!(
        !get(&app, &bpsdm, "/console/instansi")
            .await
            .ok()
            .text()
            .contains("/console/instansi/baru")
    );
    get(&app, &bpsdm, "/console/instansi/baru").await.status(403);
    post(
        &app,
        &bpsdm,
        "/console/instansi/baru",
        &[
            ("code", "liar"),
            ("name", "Liar"),
            ("government", "bontang"),
            ("operator", "false"),
        ],
    )
    .await
    .status(403);
    get(&app, &bpsdm, "/console/instansi/bpsdm/ubah")
        .await
        .status(403);
    post(
        &app,
        &bpsdm,
        "/console/instansi/bpsdm/ubah",
        &[
            ("name", "Diganti"),
            ("government", "bontang"),
            ("operator", "true"),
            ("versi", "1"),
        ],
    )
    .await
    .status(403);
    post(
        &app,
        &bpsdm,
        "/console/instansi/dinsos/ubah",
        &[
            ("name", "Diganti"),
            ("government", "bontang"),
            ("operator", "false"),
            ("versi", "1"),
        ],
    )
    .await
    .status(404);
    assert!(app.store.get_agency(&code("liar")).await.is_err());
    assert_ne!(
        app.store
            .get_agency(&code("bpsdm"))
            .await
            .unwrap()
            .spec
            .name
            .as_str(),
        "Diganti"
    );
}
