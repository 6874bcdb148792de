//! Single sign-on against a real OpenID provider: `oidc-provider` (OpenID certified, from the
//! npm registry) configured by `tests/oidc/provider.mjs`, on loopback, with `wadah demo`
//! pointed at it by configuration alone (environment variables, the client secret from a file).
//!
//! Driven as a browser would (an HTTP client with a cookie jar that follows redirects and
//! submits the provider's login and consent forms), it proves: the sign-in page offers the
//! provider; the authorization code flow ends with a Wadah session for the user keyed by
//! (issuer, subject) with the mapped role; the callback cannot be replayed; a staff member is
//! sent to the staff portal; sign-out goes on to the provider's logout (RP-initiated logout);
//! the provider's back-channel logout ends another person's Wadah session; a provider that is
//! down gives a clear page while the local sign-in still works.
//!
//! Needs node and oidc-provider (`scripts/oidc-deps.sh` installs it into
//! `/var/tmp/wadah-oidc`, or `$WADAH_OIDC_DIR`). When they are missing the test prints a loud
//! notice and passes locally, but FAILS when `CI=true`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test binary: failing loudly is the point

mod common;
mod sso_http;

use common::Demo;
use sha2::{Digest, Sha256};
use sso_http::{Browser, Provider, Response, free_port, input_value, tools_present};

/// Signs `login` in at the provider from `/sso/{provider}/masuk?kembali=…`: the provider's
/// login and consent forms; answers the URLs visited and the final response.
fn sign_in(b: &mut Browser, wadah: &str, login: &str, kembali: &str) -> (Vec<String>, Response) {
    let (mut visited, mut page) = b.visit(&format!("{wadah}/sso/tes/masuk?kembali={kembali}"));
    for _ in 0..3 {
        let here = visited.last().unwrap().clone();
        if !here.contains("/interaction/") || page.status != 200 {
            break;
        }
        let extra: Vec<(&str, &str)> = if page.body.contains("name=\"login\"") {
            vec![("login", login), ("password", "apa-saja")]
        } else {
            vec![]
        };
        let (more, next) = b.submit(&here, &page, &extra);
        visited.extend(more);
        page = next;
    }
    (visited, page)
}

fn username_for(issuer: &str, subject: &str) -> String {
    let digest = Sha256::digest(format!("{issuer}\0{subject}").as_bytes());
    format!("sso-{}", &hex::encode(digest)[..20])
}

fn console_status(b: &mut Browser, wadah: &str) -> (u16, String) {
    let r = b.request("GET", &format!("{wadah}/console"), None, None);
    (r.status, r.header("location").unwrap_or_default().to_owned())
}

#[test]
fn single_sign_on_with_a_real_openid_provider() {
    if !tools_present() {
        return;
    }
    let (wport, pport) = (free_port(), free_port());
    let wadah = format!("http://127.0.0.1:{wport}");
    let provider = Provider::start(pport, &wadah);
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("client-secret");
    std::fs::write(&secret, "rahasia-uji-123\n").unwrap();
    let dead = format!("http://127.0.0.1:{}", free_port());
    let env = [
        ("WADAH_SSO__PUBLIC_URL", wadah.as_str()),
        ("WADAH_SSO__PROVIDERS__TES__NAME", "Penyedia Uji"),
        ("WADAH_SSO__PROVIDERS__TES__ISSUER", provider.issuer.as_str()),
        ("WADAH_SSO__PROVIDERS__TES__CLIENT_ID", "wadah"),
        (
            "WADAH_SSO__PROVIDERS__TES__CLIENT_SECRET_FILE",
            secret.to_str().unwrap(),
        ),
        ("WADAH_SSO__PROVIDERS__TES__SCOPES", "openid profile email groups"),
        ("WADAH_SSO__PROVIDERS__TES__GROUPS_CLAIM", "groups"),
        (
            "WADAH_SSO__PROVIDERS__TES__GROUP_ROLES__WADAH_ADMIN",
            "platform_admin",
        ),
        ("WADAH_SSO__PROVIDERS__TES__AGENCY_CLAIM", "instansi"),
        ("WADAH_SSO__PROVIDERS__MATI__NAME", "Penyedia Mati"),
        ("WADAH_SSO__PROVIDERS__MATI__ISSUER", dead.as_str()),
        ("WADAH_SSO__PROVIDERS__MATI__CLIENT_ID", "wadah"),
        ("WADAH_SSO__PROVIDERS__MATI__CLIENT_SECRET", "x"),
    ];
    let demo = Demo::start_on(dir.path(), &format!("127.0.0.1:{wport}"), &env);

    // The sign-in page offers both providers besides the local form.
    let mut admin = Browser::default();
    let page = admin.request("GET", &format!("{wadah}/console/masuk"), None, None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Masuk dengan Penyedia Uji"), "{}", page.body);
    assert!(page.body.contains("/sso/tes/masuk?kembali="));
    assert!(page.body.contains("name=\"password\""), "the local form stays");

    // The full flow: provider login + consent, back to the console, signed in.
    let (visited, last) = sign_in(&mut admin, &wadah, "admin-siti", "/console");
    let callback = visited
        .iter()
        .find(|u| u.contains("/sso/tes/callback?"))
        .unwrap_or_else(|| panic!("the provider came back: {visited:?}"))
        .clone();
    assert!(
        callback.contains("code=") && callback.contains("state="),
        "{callback}"
    );
    assert!(
        visited.iter().any(|u| u.starts_with(&provider.issuer)),
        "went to the provider"
    );
    assert_eq!(
        visited.last().unwrap(),
        &format!("{wadah}/console"),
        "{visited:?}"
    );
    assert_eq!(last.status, 200, "{}", last.body);
    assert_eq!(
        console_status(&mut admin, &wadah).0,
        200,
        "signed in to the console"
    );

    // Keyed by (issuer, subject), with the mapped role, never by e-mail.
    let username = username_for(&provider.issuer, "admin-siti");
    let (status, user) = demo.get(&format!("/api/v1/users/{username}"), Some(&demo.token()));
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["role"], "platform_admin");
    assert_eq!(user["display_name"], "Pegawai admin-siti");

    // Replaying the provider's answer (same browser, same code and state) fails.
    let replay = admin.request("GET", &callback, None, None);
    assert_eq!(replay.status, 400, "a replayed callback is refused");
    assert!(replay.body.contains("sudah dipakai"), "{}", replay.body);
    assert_eq!(
        console_status(&mut admin, &wadah).0,
        200,
        "the first session is untouched"
    );

    // Another person: no group → least privilege (staff), sent to the staff portal.
    let mut staff = Browser::default();
    let (visited, _) = sign_in(&mut staff, &wadah, "budi", "/console");
    assert!(
        visited.iter().any(|u| u == &format!("{wadah}/asn")),
        "{visited:?}"
    );
    let (status, user) = demo.get(
        &format!("/api/v1/users/{}", username_for(&provider.issuer, "budi")),
        Some(&demo.token()),
    );
    assert_eq!((status, user["role"].as_str()), (200, Some("staff")), "{user}");
    assert_eq!(console_status(&mut staff, &wadah), (303, "/asn".to_owned()));

    // Back-channel logout: Budi logs out at the provider; his Wadah session ends.
    let (visited, page) = staff.visit(&format!("{}/session/end", provider.issuer));
    let (_, done) = staff.submit(visited.last().unwrap(), &page, &[("logout", "yes")]);
    assert_eq!(done.status, 200, "{}", done.body);
    let (status, location) = console_status(&mut staff, &wadah);
    assert_eq!(status, 303);
    assert!(location.starts_with("/console/masuk"), "{location}");

    // RP-initiated logout: the console's sign-out goes on to the provider's end_session.
    let home = admin.request("GET", &format!("{wadah}/console"), None, None);
    let csrf = input_value(&home.body, "csrf").expect("the sign-out form's token");
    let out = admin.request(
        "POST",
        &format!("{wadah}/console/keluar"),
        Some(&format!("csrf={csrf}")),
        Some(&wadah),
    );
    // A page of Wadah's moves on to the provider (a redirect would break the CSP's form-action).
    assert_eq!(out.status, 200, "{}", out.body);
    let refresh = out.body.split("url=").nth(1).expect("a meta refresh");
    let to = &refresh[..refresh.find('"').unwrap()].replace("&amp;", "&");
    assert!(
        out.body
            .contains(&format!("href=\"{}", &refresh[..refresh.find('"').unwrap()])),
        "a link too"
    );
    assert!(
        to.starts_with(&format!("{}/session/end?", provider.issuer)),
        "{to}"
    );
    assert!(
        to.contains("id_token_hint=") && to.contains("post_logout_redirect_uri="),
        "{to}"
    );
    assert_eq!(console_status(&mut admin, &wadah).0, 303, "signed out of Wadah");
    let (visited, page) = admin.visit(to);
    let (visited2, _) = admin.submit(visited.last().unwrap(), &page, &[("logout", "yes")]);
    assert!(
        visited2.iter().any(|u| u == &format!("{wadah}/sso/selesai")),
        "back at Wadah after the provider's logout: {visited2:?}"
    );

    // A provider that is down: a clear page; the local sign-in still works.
    let mut other = Browser::default();
    let down = other.request("GET", &format!("{wadah}/sso/mati/masuk"), None, None);
    assert_eq!(down.status, 502);
    assert!(down.body.contains("tidak dapat dihubungi"), "{}", down.body);
    let (user, pass) = (
        demo.creds["admin"]["username"].as_str().unwrap().to_owned(),
        demo.creds["admin"]["password"].as_str().unwrap().to_owned(),
    );
    let form = serde_urlencoded::to_string([
        ("username", user.as_str()),
        ("password", pass.as_str()),
        ("kembali", "/console"),
    ])
    .unwrap();
    let local = other.request(
        "POST",
        &format!("{wadah}/console/masuk"),
        Some(&form),
        Some(&wadah),
    );
    assert_eq!((local.status, local.header("location")), (303, Some("/console")));
    assert_eq!(console_status(&mut other, &wadah).0, 200);

    drop(provider);
    demo.stop();
}

/// `private_key_jwt`: the provider knows only Wadah's public key (no client secret exists);
/// Wadah signs each token request with its private key, read from a file named in the
/// environment.
#[test]
fn private_key_jwt_client_authentication_with_a_real_openid_provider() {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    if !tools_present() {
        return;
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let point = key.public_key_raw();
    assert_eq!((point.len(), point[0]), (65, 4), "an uncompressed P-256 point");
    let jwks = serde_json::json!({"keys": [{
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "wadah-1",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..]),
    }]})
    .to_string();
    let (wport, pport) = (free_port(), free_port());
    let wadah = format!("http://127.0.0.1:{wport}");
    let provider = Provider::start_with(pport, &wadah, &[("CLIENT_JWKS", jwks.as_str())]);
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("wadah-sso.pem");
    std::fs::write(&pem, key.serialize_pem()).unwrap();
    let env = [
        ("WADAH_SSO__PUBLIC_URL", wadah.as_str()),
        ("WADAH_SSO__PROVIDERS__TES__NAME", "Penyedia Uji"),
        ("WADAH_SSO__PROVIDERS__TES__ISSUER", provider.issuer.as_str()),
        ("WADAH_SSO__PROVIDERS__TES__CLIENT_ID", "wadah"),
        (
            "WADAH_SSO__PROVIDERS__TES__PRIVATE_KEY_FILE",
            pem.to_str().unwrap(),
        ),
        ("WADAH_SSO__PROVIDERS__TES__PRIVATE_KEY_ID", "wadah-1"),
    ];
    let demo = Demo::start_on(dir.path(), &format!("127.0.0.1:{wport}"), &env);
    let mut person = Browser::default();
    let (visited, last) = sign_in(&mut person, &wadah, "budi", "/asn");
    assert!(
        visited.iter().any(|u| u.contains("/sso/tes/callback?")),
        "{visited:?}"
    );
    assert_eq!(
        visited.last().unwrap(),
        &format!("{wadah}/asn"),
        "{visited:?}: {}",
        last.body
    );
    assert_eq!(last.status, 200);
    drop(provider);
    demo.stop();
}
