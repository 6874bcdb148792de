//! Identity-aware forwarding to web applications, end to end on `wadah demo`: its legacy
//! sample application (`bpsdm/e-cuti`, served by the demo's sample listener) is reached at
//! `/app/bpsdm/e-cuti/…` on the web listener.
//!
//! Proves: without a session the browser goes to the sign-in page and comes back after it; a
//! signed-in civil servant gets the application with the verified identity in place of the
//! identity headers the browser made up; the assertion verifies against the gateway's JWKS
//! and names the person; the Wadah session cookie never reaches the application (other
//! cookies do) and the application cannot overwrite it; path escapes are refused before
//! anything is forwarded; a back-office application of another agency answers 403; the
//! staff portal links the application to its `/app/…` address; every visit is in the
//! evidence log with who, which application, path and status.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test binary: failing loudly is the point

mod common;
mod sso_http;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::{Demo, wadah};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use sso_http::{Browser, Response};

fn sign_in(b: &mut Browser, web: &str, username: &str, password: &str, kembali: &str) -> Response {
    let form = serde_urlencoded::to_string([
        ("username", username),
        ("password", password),
        ("kembali", kembali),
    ])
    .unwrap();
    b.request("POST", &format!("{web}/console/masuk"), Some(&form), Some(web))
}

fn password(demo: &Demo, username: &str) -> String {
    if demo.creds["staff"]["username"] == username {
        return demo.creds["staff"]["password"].as_str().unwrap().to_owned();
    }
    let users = demo.creds["users"].as_array().unwrap();
    let user = users.iter().find(|u| u["username"] == username).unwrap();
    user["password"].as_str().unwrap().to_owned()
}

/// Sets `web_upstream` of an application through the admin API (as an administrator would).
fn make_web_app(demo: &Demo, agency: &str, application: &str, upstream: &str) {
    let web = demo.creds["web_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://");
    let path = format!("/api/v1/agencies/{agency}/applications/{application}");
    let (status, head, mut spec) = common::http_get(web, &path, Some(&demo.token()));
    assert_eq!(status, 200, "{spec}");
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("etag:"))
        .map(|v| v.trim().to_owned())
        .expect("ETag");
    let object = spec.as_object_mut().unwrap();
    for derived in ["agency", "meta"] {
        object.remove(derived);
    }
    object.insert("web_upstream".into(), upstream.into());
    let body = spec.to_string();
    let mut stream = TcpStream::connect(web).unwrap();
    write!(
        stream,
        "PUT {path} HTTP/1.1\r\nHost: wadah\r\nAuthorization: Bearer {}\r\nIf-Match: {etag}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        demo.token(),
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains(upstream),
        "the API answers the new field: {answer}"
    );
}

#[test]
fn web_applications_open_signed_in_with_a_verified_identity_and_leave_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Demo::start(dir.path());
    let web = demo.creds["web_url"].as_str().unwrap().to_owned();
    let app = format!("{web}/app/bpsdm/e-cuti");

    // No session: to the sign-in page, coming back to exactly this address afterwards.
    let mut staff = Browser::default();
    let away = staff.request("GET", &format!("{app}/cuti?jenis=tahunan"), None, None);
    assert_eq!(away.status, 303, "{}", away.body);
    assert_eq!(
        away.header("location"),
        Some("/console/masuk?kembali=%2Fapp%2Fbpsdm%2Fe-cuti%2Fcuti%3Fjenis%3Dtahunan")
    );
    let post = staff.request("POST", &format!("{app}/cuti"), Some("x=1"), Some(&web));
    assert_eq!(
        post.status, 303,
        "a form without a session is not forwarded either"
    );

    // The civil servant signs in and is sent back to the application.
    let signed = sign_in(
        &mut staff,
        &web,
        "asn-bpsdm",
        &password(&demo, "asn-bpsdm"),
        "/app/bpsdm/e-cuti/",
    );
    assert_eq!(
        (signed.status, signed.header("location")),
        (303, Some("/app/bpsdm/e-cuti/"))
    );
    let page = staff.request("GET", &format!("{app}/"), None, None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Pegawai BPSDM (contoh)"),
        "the page shows who: {}",
        page.body
    );
    assert!(page.body.contains("<code>asn-bpsdm</code>"), "{}", page.body);

    // Identity headers the browser makes up are replaced; Wadah's session cookie stays home.
    let spoofed = [
        ("X-Wadah-User", "admin"),
        ("X-Wadah-Roles", "platform_admin"),
        ("X-Wadah-Agency", "diskominfo"),
        ("X-Wadah-Assertion", "forged.by.browser"),
        ("Cookie", "aplikasi=milik-e-cuti"),
    ];
    let echo = staff.request_with("GET", &format!("{app}/_echo?q=1"), None, None, &spoofed);
    assert_eq!(echo.status, 200, "{}", echo.body);
    let echo: Value = serde_json::from_str(&echo.body).unwrap();
    let got = &echo["headers"];
    assert_eq!(
        echo["path"], "/legacy/bpsdm/e-cuti/_echo",
        "forwarded below the base URL"
    );
    assert_eq!(echo["query"], "q=1");
    assert_eq!(got["x-wadah-user"], "asn-bpsdm");
    assert_eq!(got["x-wadah-roles"], "staff");
    assert_eq!(got["x-wadah-agency"], "bpsdm");
    assert_eq!(got["x-wadah-user-name"], "Pegawai%20BPSDM%20%28contoh%29");
    assert_eq!(got["x-forwarded-prefix"], "/app/bpsdm/e-cuti");
    let cookie = got["cookie"].as_str().unwrap_or_default();
    assert!(
        cookie.contains("aplikasi=milik-e-cuti"),
        "the application's own cookie: {got}"
    );
    assert!(
        !cookie.contains("wadah_sesi"),
        "the session cookie must not be forwarded: {cookie}"
    );
    assert!(got.get("x-wadah-consumer").is_none(), "{got}");

    // The assertion verifies with the gateway's published keys and names the person.
    let assertion = got["x-wadah-assertion"].as_str().expect("an assertion");
    assert_ne!(assertion, "forged.by.browser");
    let (status, _, jwks) = demo.gateway_get("/.well-known/jwks.json", None);
    assert_eq!(status, 200);
    let set: JwkSet = serde_json::from_value(jwks).unwrap();
    let kid = jsonwebtoken::decode_header(assertion).unwrap().kid.unwrap();
    let key = DecodingKey::from_jwk(set.find(&kid).expect("published key")).unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&["bpsdm/e-cuti"]);
    validation.set_issuer(&[demo.creds["gateway_url"].as_str().unwrap()]);
    let claims = jsonwebtoken::decode::<Value>(assertion, &key, &validation)
        .expect("the assertion verifies against the JWKS")
        .claims;
    assert_eq!(claims["sub"], "asn-bpsdm");
    assert_eq!(claims["name"], "Pegawai BPSDM (contoh)");
    assert_eq!(claims["agency"], "bpsdm");
    assert_eq!(claims["roles"], json!(["staff"]));
    assert!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap() <= 60);

    // Path escapes are refused, never forwarded.
    for bad in [
        "/../../sample/bpsdm/simpeg/pegawai",
        "/%2e%2e/x",
        "/a%2fb",
        "//x",
        "/..;/x",
    ] {
        let r = staff.request("GET", &format!("{app}{bad}"), None, None);
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.body.contains("invalid_path"), "{bad}: {}", r.body);
    }

    // The staff portal opens it through Wadah.
    let portal = staff.request("GET", &format!("{web}/asn"), None, None);
    assert_eq!(portal.status, 200);
    assert!(
        portal.body.contains("href=\"/app/bpsdm/e-cuti/\""),
        "launcher link"
    );

    // A back-office application of another agency is not for this person.
    let legacy = echo["path"]
        .as_str()
        .unwrap()
        .trim_end_matches("/_echo")
        .to_owned();
    let base = format!(
        "http://{}{legacy}",
        got["host"].as_str().expect("the Host the application saw")
    );
    make_web_app(&demo, "dinsos", "dtks", &base);
    let denied = staff.request("GET", &format!("{web}/app/dinsos/dtks/"), None, None);
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert!(denied.body.contains("bukan untuk Anda"), "{}", denied.body);
    let mut dinsos = Browser::default();
    sign_in(
        &mut dinsos,
        &web,
        "admin-dinsos",
        &password(&demo, "admin-dinsos"),
        "/console",
    );
    let allowed = dinsos.request("GET", &format!("{web}/app/dinsos/dtks/"), None, None);
    assert_eq!(
        allowed.status, 200,
        "its own agency's administrator gets in: {}",
        allowed.body
    );

    // Not a web application at all: 404.
    let plain = staff.request("GET", &format!("{web}/app/bpsdm/simpeg/"), None, None);
    assert_eq!(plain.status, 404);

    // The evidence log: who, which application, path, status.
    demo.stop();
    let out = wadah(&["audit", "export", "--from", "2000-01-01"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let records: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let visit = records
        .iter()
        .find(|r| r["kind"] == "admission" && r["path"] == "/_echo" && r["service"] == "_web")
        .unwrap_or_else(|| panic!("the visit is in the evidence log: {records:?}"));
    assert_eq!(visit["end_user"], "asn-bpsdm");
    assert_eq!(
        (
            visit["service_agency"].as_str(),
            visit["service_application"].as_str()
        ),
        (Some("bpsdm"), Some("e-cuti"))
    );
    assert!(
        !visit.to_string().contains("Pegawai BPSDM"),
        "no names in the log: {visit}"
    );
    let outcome = records
        .iter()
        .find(|r| r["kind"] == "outcome" && r["request_id"] == visit["request_id"])
        .expect("its outcome");
    assert_eq!(outcome["status"], 200);
    assert!(
        !records
            .iter()
            .any(|r| r["kind"] == "admission" && r["path"].as_str().is_some_and(|p| p.contains(".."))),
        "refused paths were never admitted"
    );
}
