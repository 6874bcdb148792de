//! The rest of the registry in the console: public services, access rights, an application's
//! credentials, a service's upstream credential and OpenAPI document, and deleting
//! applications and services. Each path is driven as a browser without JavaScript would: the
//! page, the form post with the session's CSRF token, the redirect, and what the store holds
//! afterwards; and the refusals: another agency (404, nothing leaks), the auditor (reads, a 403
//! for any change), a forged form (403, nothing changes) and bad input (the form comes back
//! with the message next to the field and what was typed, secrets excepted).

use wadah_domain::access::Method;
use wadah_domain::service::ServiceRef;
use wadah_store::{AccessFilter, PageRequest};

use crate::console::{get, post, sign_in};
use crate::helpers::{TestApp, code};

const PUBLIC: &str = "/console/instansi/bpsdm/layanan-publik";
const SIMPEG: &str = "/console/instansi/bpsdm/aplikasi/simpeg";
const PEGAWAI: &str = "/console/instansi/bpsdm/aplikasi/simpeg/layanan/pegawai";

fn pegawai() -> ServiceRef {
    ServiceRef {
        agency: code("bpsdm"),
        application: code("simpeg"),
        service: code("pegawai"),
    }
}

async fn rights_to_pegawai(app: &TestApp) -> Vec<wadah_domain::access::AccessRight> {
    let filter = AccessFilter {
        provider: Some(code("bpsdm")),
        ..AccessFilter::default()
    };
    let page = app
        .store
        .list_rights(&filter, &PageRequest::first(100))
        .await
        .unwrap();
    page.items
        .into_iter()
        .filter(|r| r.spec.service == pegawai())
        .collect()
}

api_test!(public_services_are_described_changed_and_deleted_with_errors_next_to_the_field);
async fn public_services_are_described_changed_and_deleted_with_errors_next_to_the_field(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let agency = get(&app, &s, "/console/instansi/bpsdm").await.ok().text();
    assert!(
        agency.contains(&format!("href=\"{PUBLIC}\"")),
        "linked from the agency"
    );
    let list = get(&app, &s, PUBLIC).await.ok().text();
    assert!(list.contains("cuti-pegawai") && list.contains("Layanan publik baru"));

    let form = [
        ("csrf", s.csrf.as_str()),
        ("code", "kenaikan-pangkat"),
        ("name", "Kenaikan pangkat"),
        ("audience", "asn"),
        ("topics", "kepegawaian, karier"),
        ("requirements", "SK pangkat terakhir\nPenilaian kinerja"),
        ("cost", "Gratis"),
        ("online_url", "bukan alamat"),
    ];
    let bad = post(&app, &s, &format!("{PUBLIC}/baru"), &form).await.status(422);
    let html = bad.text();
    assert!(
        html.contains("id=\"f-online_url-error\">Masukkan alamat http"),
        "{html}"
    );
    assert!(html.contains("value=\"Kenaikan pangkat\"") && html.contains("value=\"bukan alamat\""));
    assert!(
        html.contains("SK pangkat terakhir\nPenilaian kinerja</textarea>"),
        "typed lines kept"
    );
    assert!(
        app.store
            .get_public_service(&code("bpsdm"), &code("kenaikan-pangkat"))
            .await
            .is_err()
    );

    let mut good = form;
    good[7].1 = "https://simpeg.example.go.id/pangkat";
    let created = post(&app, &s, &format!("{PUBLIC}/baru"), &good).await.status(303);
    assert_eq!(created.headers["location"], format!("{PUBLIC}/kenaikan-pangkat"));
    let stored = app
        .store
        .get_public_service(&code("bpsdm"), &code("kenaikan-pangkat"))
        .await
        .unwrap();
    assert_eq!(stored.spec.topics, vec![code("kepegawaian"), code("karier")]);
    assert_eq!(stored.spec.requirements.len(), 2);
    let page = get(&app, &s, &format!("{PUBLIC}/kenaikan-pangkat"))
        .await
        .ok()
        .text();
    assert!(page.contains("SK pangkat terakhir") && page.contains("Gratis"));

    let edit = get(&app, &s, &format!("{PUBLIC}/kenaikan-pangkat/ubah"))
        .await
        .ok()
        .text();
    assert!(
        edit.contains("value=\"kepegawaian, karier\""),
        "lists shown as typed: {edit}"
    );
    let mut changed = good;
    changed[2].1 = "Kenaikan pangkat reguler";
    changed[0].1 = s.csrf.as_str();
    post(&app, &s, &format!("{PUBLIC}/kenaikan-pangkat/ubah"), &changed)
        .await
        .status(303);
    let stored = app
        .store
        .get_public_service(&code("bpsdm"), &code("kenaikan-pangkat"))
        .await
        .unwrap();
    assert_eq!(stored.spec.name.as_str(), "Kenaikan pangkat reguler");

    let confirm = get(&app, &s, &format!("{PUBLIC}/kenaikan-pangkat/hapus"))
        .await
        .ok()
        .text();
    assert!(confirm.contains("Kenaikan pangkat reguler") && confirm.contains("name=\"csrf\""));
    assert!(
        app.store
            .get_public_service(&code("bpsdm"), &code("kenaikan-pangkat"))
            .await
            .is_ok(),
        "the confirmation page changes nothing"
    );
    post(
        &app,
        &s,
        &format!("{PUBLIC}/kenaikan-pangkat/hapus"),
        &[("csrf", &s.csrf)],
    )
    .await
    .status(303);
    assert!(
        app.store
            .get_public_service(&code("bpsdm"), &code("kenaikan-pangkat"))
            .await
            .is_err()
    );

    // Dinas Sosial's admin does not see BPSDM's; the auditor reads but changes nothing.
    let other = sign_in(&app, "dinsos-admin").await;
    for path in [
        PUBLIC.to_owned(),
        format!("{PUBLIC}/cuti-pegawai"),
        format!("{PUBLIC}/cuti-pegawai/ubah"),
    ] {
        let html = get(&app, &other, &path).await.status(404).text();
        assert!(
            !html.contains("Layanan publik cuti-pegawai"),
            "no data of bpsdm leaks on {path}"
        );
    }
    post(
        &app,
        &other,
        &format!("{PUBLIC}/cuti-pegawai/hapus"),
        &[("csrf", &other.csrf)],
    )
    .await
    .status(404);
    let auditor = sign_in(&app, "auditor").await;
    let read = get(&app, &auditor, &format!("{PUBLIC}/cuti-pegawai"))
        .await
        .ok()
        .text();
    assert!(!read.contains("/cuti-pegawai/ubah"), "no edit link for a reader");
    get(&app, &auditor, &format!("{PUBLIC}/cuti-pegawai/ubah"))
        .await
        .status(403);
    post(
        &app,
        &auditor,
        &format!("{PUBLIC}/cuti-pegawai/hapus"),
        &[("csrf", &auditor.csrf)],
    )
    .await
    .status(403);
    assert!(
        app.store
            .get_public_service(&code("bpsdm"), &code("cuti-pegawai"))
            .await
            .is_ok()
    );
}

api_test!(access_rights_are_granted_changed_and_revoked_by_the_providing_agency_only);
async fn access_rights_are_granted_changed_and_revoked_by_the_providing_agency_only(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let service_page = get(&app, &s, PEGAWAI).await.ok().text();
    assert!(service_page.contains(&format!("href=\"{PEGAWAI}/hak-akses\"")));
    let rights = format!("{PEGAWAI}/hak-akses");

    let mut form = vec![
        ("csrf", s.csrf.as_str()),
        ("consumer_agency", "dinsos"),
        ("consumer_application", "e-bansos"),
        ("methods", "get, post"),
        ("paths", "pegawai/*"),
        ("expires_at", "2099-12-31"),
        ("limit_per_minute", "30"),
    ];
    let bad = post(&app, &s, &format!("{rights}/baru"), &form).await.status(422);
    let html = bad.text();
    assert!(
        html.contains("id=\"f-paths-error\">Setiap pola diawali /"),
        "{html}"
    );
    assert!(html.contains("value=\"get, post\"") && html.contains(">pegawai/*</textarea>"));
    form[4].1 = "/pegawai/*";
    form[1].1 = "tidak-ada";
    let unknown = post(&app, &s, &format!("{rights}/baru"), &form).await.status(422);
    let html = unknown.text();
    assert!(html.contains("id=\"f-consumer_agency-error\""), "{html}");
    assert!(rights_to_pegawai(&app).await.is_empty(), "nothing granted yet");

    form[1].1 = "dinsos";
    post(&app, &s, &format!("{rights}/baru"), &form).await.status(303);
    let granted = rights_to_pegawai(&app).await;
    assert_eq!(granted.len(), 1);
    let right = &granted[0];
    assert_eq!(right.spec.methods, vec![Method::Get, Method::Post]);
    assert_eq!(right.spec.limit_per_minute, Some(30));
    assert_eq!(right.spec.consumer.application, Some(code("e-bansos")));
    assert_eq!(
        right.spec.expires_at.unwrap().to_rfc3339(),
        "2099-12-31T00:00:00+00:00"
    );
    let list = get(&app, &s, &rights).await.ok().text();
    assert!(
        list.contains("dinsos/e-bansos") && list.contains("/pegawai/*"),
        "{list}"
    );

    let edit_path = format!("{rights}/{}/ubah", right.id);
    let edit = get(&app, &s, &edit_path).await.ok().text();
    assert!(
        edit.contains("value=\"GET, POST\"") && edit.contains("value=\"2099-12-31\""),
        "{edit}"
    );
    let changed = [
        ("csrf", s.csrf.as_str()),
        ("consumer_agency", "bpsdm"),
        ("methods", "GET"),
        ("paths", ""),
        ("expires_at", ""),
        ("limit_per_minute", "120"),
    ];
    post(&app, &s, &edit_path, &changed).await.status(303);
    let after = &rights_to_pegawai(&app).await[0];
    assert_eq!(after.spec.limit_per_minute, Some(120));
    assert_eq!(after.spec.methods, vec![Method::Get]);
    assert!(after.spec.paths.is_empty() && after.spec.expires_at.is_none());
    assert_eq!(
        after.spec.consumer.agency,
        code("dinsos"),
        "the consumer of a right is fixed"
    );

    // Dinas Sosial (the consumer) cannot touch BPSDM's service; the auditor only reads.
    let other = sign_in(&app, "dinsos-admin").await;
    get(&app, &other, &rights).await.status(404);
    post(
        &app,
        &other,
        &format!("{rights}/{}/cabut", right.id),
        &[("csrf", &other.csrf)],
    )
    .await
    .status(404);
    let auditor = sign_in(&app, "auditor").await;
    let read = get(&app, &auditor, &rights).await.ok().text();
    assert!(
        read.contains("dinsos/e-bansos") && !read.contains("/baru\""),
        "{read}"
    );
    get(&app, &auditor, &format!("{rights}/baru")).await.status(403);
    post(
        &app,
        &auditor,
        &format!("{rights}/{}/cabut", right.id),
        &[("csrf", &auditor.csrf)],
    )
    .await
    .status(403);
    assert_eq!(rights_to_pegawai(&app).await.len(), 1);

    let confirm = get(&app, &s, &format!("{rights}/{}/cabut", right.id))
        .await
        .ok()
        .text();
    assert!(confirm.contains("dinsos/e-bansos"));
    post(
        &app,
        &s,
        &format!("{rights}/{}/cabut", right.id),
        &[("csrf", &s.csrf)],
    )
    .await
    .status(303);
    assert!(rights_to_pegawai(&app).await.is_empty());
}

fn secret_of(html: &str) -> String {
    let at = html.find("id=\"rahasia\">").expect("the secret") + "id=\"rahasia\">".len();
    html[at..at + html[at..].find('<').unwrap()].to_owned()
}

api_test!(credentials_are_issued_rotated_and_revoked_and_a_secret_is_shown_once);
async fn credentials_are_issued_rotated_and_revoked_and_a_secret_is_shown_once(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let base = format!("{SIMPEG}/kredensial");
    assert!(
        get(&app, &s, SIMPEG)
            .await
            .ok()
            .text()
            .contains(&format!("href=\"{base}\""))
    );
    assert!(get(&app, &s, &base).await.ok().text().contains("production"));

    let mut form = vec![
        ("csrf", s.csrf.as_str()),
        ("name", "integrasi-bkn"),
        ("kind", "api_key"),
        ("expires_at", "2000-01-01"),
    ];
    let bad = post(&app, &s, &format!("{base}/baru"), &form).await.status(422);
    let html = bad.text();
    assert!(
        html.contains("id=\"f-expires_at-error\">Tanggal tidak valid atau sudah lewat"),
        "{html}"
    );
    assert!(html.contains("value=\"integrasi-bkn\"") && html.contains("value=\"2000-01-01\""));
    form[3].1 = "";
    let issued = post(&app, &s, &format!("{base}/baru"), &form).await.status(201);
    assert_eq!(issued.headers["cache-control"], "no-store");
    let first = secret_of(&issued.text());
    let listed = app
        .store
        .list_credentials(&code("bpsdm"), &code("simpeg"), &PageRequest::first(100))
        .await
        .unwrap();
    let names: Vec<&str> = listed.items.iter().map(|c| c.name.as_str()).collect();
    let credential = listed
        .items
        .iter()
        .find(|c| c.name.as_str() == "integrasi-bkn")
        .unwrap_or_else(|| panic!("{names:?}"));
    let hint = credential.hint.trim_end_matches('…');
    assert!(
        first.starts_with(hint) && first.len() > hint.len() + 10,
        "the secret of that credential"
    );
    let list = get(&app, &s, &base).await.ok().text();
    assert!(
        list.contains("integrasi-bkn") && !list.contains(&first),
        "never shown again"
    );

    let rotate = format!("{base}/{}/rotasi", credential.id);
    assert!(get(&app, &s, &rotate).await.ok().text().contains("integrasi-bkn"));
    let rotated = post(&app, &s, &rotate, &[("csrf", &s.csrf)]).await.ok();
    let second = secret_of(&rotated.text());
    assert_ne!(first, second);
    let stored = app.store.get_credential(&credential.id).await.unwrap();
    assert!(stored.rotated_at.is_some());

    // Another agency's admin: not found; the auditor: reads, changes nothing.
    let other = sign_in(&app, "dinsos-admin").await;
    get(&app, &other, &base).await.status(404);
    post(
        &app,
        &other,
        &format!("{base}/{}/cabut", credential.id),
        &[("csrf", &other.csrf)],
    )
    .await
    .status(404);
    let auditor = sign_in(&app, "auditor").await;
    let read = get(&app, &auditor, &base).await.ok().text();
    assert!(
        read.contains("integrasi-bkn") && !read.contains("/rotasi"),
        "{read}"
    );
    let mut as_auditor = form.clone();
    as_auditor[0].1 = auditor.csrf.as_str();
    post(&app, &auditor, &format!("{base}/baru"), &as_auditor)
        .await
        .status(403);
    post(
        &app,
        &auditor,
        &format!("{base}/{}/cabut", credential.id),
        &[("csrf", &auditor.csrf)],
    )
    .await
    .status(403);

    post(
        &app,
        &s,
        &format!("{base}/{}/cabut", credential.id),
        &[("csrf", &s.csrf)],
    )
    .await
    .status(303);
    let revoked = app.store.get_credential(&credential.id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(get(&app, &s, &base).await.ok().text().contains("Dicabut"));
}

api_test!(an_upstream_credential_is_set_and_removed_and_its_secret_never_shown);
async fn an_upstream_credential_is_set_and_removed_and_its_secret_never_shown(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let base = format!("{PEGAWAI}/kredensial-upstream");
    assert!(
        get(&app, &s, PEGAWAI)
            .await
            .ok()
            .text()
            .contains(&format!("href=\"{base}\""))
    );
    assert!(get(&app, &s, &base).await.ok().text().contains("Belum ada"));

    let mut form = vec![
        ("csrf", s.csrf.as_str()),
        ("kind", "header"),
        ("header_name", "Host"),
        ("header_value", "rahasia-upstream-123"),
    ];
    let bad = post(&app, &s, &format!("{base}/ubah"), &form).await.status(422);
    let html = bad.text();
    assert!(html.contains("id=\"f-header_name-error\""), "{html}");
    assert!(html.contains("value=\"Host\""), "the header name is kept");
    assert!(
        !html.contains("rahasia-upstream-123"),
        "a secret is never shown back"
    );
    assert!(
        app.store
            .get_upstream_credential(&pegawai())
            .await
            .unwrap()
            .is_none()
    );

    form[2].1 = "X-Api-Key";
    post(&app, &s, &format!("{base}/ubah"), &form).await.status(303);
    assert!(
        app.store
            .get_upstream_credential(&pegawai())
            .await
            .unwrap()
            .is_some()
    );
    for path in [base.clone(), format!("{base}/ubah")] {
        let html = get(&app, &s, &path).await.ok().text();
        assert!(!html.contains("rahasia-upstream-123"), "{path}");
    }
    assert!(get(&app, &s, &base).await.ok().text().contains("x-api-key"));

    let other = sign_in(&app, "dinsos-admin").await;
    get(&app, &other, &base).await.status(404);
    let auditor = sign_in(&app, "auditor").await;
    assert!(get(&app, &auditor, &base).await.ok().text().contains("x-api-key"));
    get(&app, &auditor, &format!("{base}/ubah")).await.status(403);
    post(
        &app,
        &auditor,
        &format!("{base}/hapus"),
        &[("csrf", &auditor.csrf)],
    )
    .await
    .status(403);

    get(&app, &s, &format!("{base}/hapus")).await.ok();
    post(&app, &s, &format!("{base}/hapus"), &[("csrf", &s.csrf)])
        .await
        .status(303);
    assert!(
        app.store
            .get_upstream_credential(&pegawai())
            .await
            .unwrap()
            .is_none()
    );
}

api_test!(an_openapi_document_is_replaced_or_removed_and_a_bad_one_is_kept_to_correct);
async fn an_openapi_document_is_replaced_or_removed_and_a_bad_one_is_kept_to_correct(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let path = format!("{PEGAWAI}/openapi");
    assert!(
        get(&app, &s, PEGAWAI)
            .await
            .ok()
            .text()
            .contains(&format!("href=\"{path}\""))
    );
    let bad = post(
        &app,
        &s,
        &path,
        &[("csrf", &s.csrf), ("openapi", "bukan: dokumen")],
    )
    .await
    .status(422);
    let html = bad.text();
    assert!(
        html.contains("id=\"f-openapi-error\"") && html.contains(">bukan: dokumen</textarea>"),
        "{html}"
    );
    let doc = r#"{"openapi":"3.1.0","info":{"title":"Pegawai","version":"2"},"paths":{"/pegawai":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#;
    post(&app, &s, &path, &[("csrf", &s.csrf), ("openapi", doc)])
        .await
        .status(303);
    let stored = app.store.get_service(&pegawai()).await.unwrap();
    assert_eq!(stored.spec.openapi.map(String::from).as_deref(), Some(doc));
    assert_eq!(
        stored.spec.upstream_url.as_str(),
        "https://pegawai.internal.example.go.id/api/",
        "the rest is kept"
    );
    post(&app, &s, &path, &[("csrf", &s.csrf), ("openapi", "")])
        .await
        .status(303);
    assert!(
        app.store
            .get_service(&pegawai())
            .await
            .unwrap()
            .spec
            .openapi
            .is_none()
    );
    let auditor = sign_in(&app, "auditor").await;
    get(&app, &auditor, &path).await.status(403);
}

api_test!(applications_and_services_are_deleted_only_after_a_confirmation);
async fn applications_and_services_are_deleted_only_after_a_confirmation(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let confirm = get(&app, &s, &format!("{PEGAWAI}/hapus")).await.ok().text();
    assert!(confirm.contains("name=\"csrf\"") && confirm.contains("name=\"cascade\""));
    assert!(
        app.store.get_service(&pegawai()).await.is_ok(),
        "asking changes nothing"
    );

    let other = sign_in(&app, "dinsos-admin").await;
    post(
        &app,
        &other,
        &format!("{PEGAWAI}/hapus"),
        &[("csrf", &other.csrf)],
    )
    .await
    .status(404);
    let auditor = sign_in(&app, "auditor").await;
    get(&app, &auditor, &format!("{PEGAWAI}/hapus")).await.status(403);
    post(
        &app,
        &auditor,
        &format!("{SIMPEG}/hapus"),
        &[("csrf", &auditor.csrf)],
    )
    .await
    .status(403);
    assert!(app.store.get_service(&pegawai()).await.is_ok());

    let deleted = post(
        &app,
        &s,
        &format!("{PEGAWAI}/hapus"),
        &[("csrf", &s.csrf), ("cascade", "tidak")],
    )
    .await
    .status(303);
    assert_eq!(deleted.headers["location"], SIMPEG);
    assert!(app.store.get_service(&pegawai()).await.is_err());

    // SIMPEG still has a credential: without "also delete" the store refuses and says so.
    let refused = post(
        &app,
        &s,
        &format!("{SIMPEG}/hapus"),
        &[("csrf", &s.csrf), ("cascade", "tidak")],
    )
    .await
    .status(409);
    assert!(refused.text().contains("<h1>"));
    assert!(
        app.store
            .get_application(&code("bpsdm"), &code("simpeg"))
            .await
            .is_ok()
    );
    post(
        &app,
        &s,
        &format!("{SIMPEG}/hapus"),
        &[("csrf", &s.csrf), ("cascade", "ya")],
    )
    .await
    .status(303);
    assert!(
        app.store
            .get_application(&code("bpsdm"), &code("simpeg"))
            .await
            .is_err()
    );
}

api_test!(every_registry_form_without_the_session_token_is_refused_and_changes_nothing);
async fn every_registry_form_without_the_session_token_is_refused_and_changes_nothing(app: TestApp) {
    let s = sign_in(&app, "bpsdm-admin").await;
    let credential = app
        .store
        .list_credentials(&code("bpsdm"), &code("simpeg"), &PageRequest::default())
        .await
        .unwrap()
        .items
        .remove(0);
    let before = app
        .store
        .list_changes(&Default::default(), &PageRequest::first(500))
        .await
        .unwrap();
    for path in [
        format!("{PUBLIC}/baru"),
        format!("{PUBLIC}/cuti-pegawai/ubah"),
        format!("{PUBLIC}/cuti-pegawai/hapus"),
        format!("{PEGAWAI}/hak-akses/baru"),
        format!("{SIMPEG}/kredensial/baru"),
        format!("{SIMPEG}/kredensial/{}/rotasi", credential.id),
        format!("{SIMPEG}/kredensial/{}/cabut", credential.id),
        format!("{PEGAWAI}/kredensial-upstream/ubah"),
        format!("{PEGAWAI}/kredensial-upstream/hapus"),
        format!("{PEGAWAI}/openapi"),
        format!("{PEGAWAI}/hapus"),
        format!("{SIMPEG}/hapus"),
    ] {
        let fields = [
            ("csrf", "palsu"),
            ("code", "cuti-pegawai"),
            ("name", "Diubah"),
            ("kind", "api_key"),
            ("cascade", "ya"),
        ];
        post(&app, &s, &path, &fields).await.status(403);
        post(&app, &s, &path, &fields[1..]).await.status(403);
    }
    let after = app
        .store
        .list_changes(&Default::default(), &PageRequest::first(500))
        .await
        .unwrap();
    assert_eq!(before.items.len(), after.items.len(), "nothing changed");
    assert!(
        app.store
            .get_credential(&credential.id)
            .await
            .unwrap()
            .revoked_at
            .is_none()
    );
}
