//! Client certificates as credentials (mTLS on the gateway listener): posted as PEM under an
//! application's credentials, checked, kept as fingerprint + subject + end; never a secret.

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use serde_json::json;

use crate::helpers::{TestApp, Who};

const BASE: &str = "/api/v1/agencies/bpsdm/applications/simpeg/credentials";

/// A self-signed certificate (the CA is the gateway's business, not the registry's).
fn certificate(cn: &str, ca: bool, not_after: (i32, u8, u8)) -> String {
    let mut params = CertificateParams::new(vec![]).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "BPSDM Kota Bontang");
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
    if ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    } else {
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    }
    let key = KeyPair::generate().unwrap();
    params.self_signed(&key).unwrap().pem()
}

fn leaf(cn: &str) -> String {
    certificate(cn, false, (2030, 1, 1))
}

fn body(pem: &str) -> serde_json::Value {
    json!({"name": "simpeg mTLS", "kind": "certificate", "certificate": pem})
}

api_test!(a_developer_registers_the_applications_certificate);
async fn a_developer_registers_the_applications_certificate(app: TestApp) {
    let pem = leaf("simpeg.bpsdm.bontang.go.id");
    let created = app
        .post(BASE)
        .by(Who::Developer)
        .json(body(&pem))
        .send()
        .await
        .status(201);
    let c = created.json();
    assert_eq!(c["kind"], "certificate");
    assert!(c.get("secret").is_none(), "a certificate has no secret: {c}");
    assert!(c.get("certificate_pem").is_none());
    let subject = c["certificate"]["subject"].as_str().unwrap();
    assert!(subject.contains("CN=simpeg.bpsdm.bontang.go.id"), "{subject}");
    assert_eq!(c["certificate"]["not_after"], "2030-01-01T00:00:00Z");
    assert_eq!(
        c["expires_at"], "2030-01-01T00:00:00Z",
        "a credential ends with its certificate"
    );
    assert!(c["hint"].as_str().unwrap().starts_with("sha256:"));
    let id = c["id"].as_str().unwrap().to_owned();

    let read = app
        .get(&format!("{BASE}/{id}"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(read["certificate"], c["certificate"]);
    assert!(
        !read.to_string().contains("BEGIN CERTIFICATE"),
        "the PEM is not kept: {read}"
    );

    // An earlier expiry asked for wins over the certificate's own end.
    let earlier = json!({"name": "short", "kind": "certificate", "certificate": leaf("short"),
        "expires_at": "2027-01-01T00:00:00Z"});
    let short = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(earlier)
        .send()
        .await
        .status(201)
        .json();
    assert_eq!(short["expires_at"], "2027-01-01T00:00:00Z");

    // No secret to rotate; revoking works as for every credential.
    let p = app
        .post(&format!("{BASE}/{id}/rotate"))
        .by(Who::Developer)
        .send()
        .await
        .problem(409, "invalid_state");
    assert!(p["detail"].as_str().unwrap().contains("new credential"), "{p}");
    let revoked = app
        .post(&format!("{BASE}/{id}/revoke"))
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    assert!(revoked["revoked_at"].is_string());

    // One certificate names one application: registering it again anywhere is a duplicate.
    let again = json!({"name": "again", "kind": "certificate", "certificate": pem});
    app.post("/api/v1/agencies/bpsdm/applications/presensi/credentials")
        .by(Who::BpsdmAdmin)
        .json(again)
        .send()
        .await
        .problem(409, "duplicate");
}

api_test!(bad_certificates_are_refused_and_nothing_is_stored);
async fn bad_certificates_are_refused_and_nothing_is_stored(app: TestApp) {
    let before = app.get(BASE).by(Who::BpsdmAdmin).send().await.ok().json()["items"]
        .as_array()
        .unwrap()
        .len();
    let expired = certificate("old", false, (2026, 2, 1));
    let ca = certificate("Bontang CA", true, (2035, 1, 1));
    let malformed = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
    let key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    let huge = format!("{}{}", leaf("x"), "\n".repeat(20_000));
    for (pem, needle) in [
        ("hello", "expected a PEM certificate"),
        (malformed, "not an X.509"),
        (key, "never send a private key"),
        (expired.as_str(), "expired"),
        (ca.as_str(), "CA certificate"),
        (huge.as_str(), "at most"),
    ] {
        let p = app
            .post(BASE)
            .by(Who::BpsdmAdmin)
            .json(body(pem))
            .send()
            .await
            .problem(422, "validation_failed");
        assert_eq!(p["field"], "certificate", "{p}");
        assert!(p["detail"].as_str().unwrap().contains(needle), "{needle}: {p}");
    }
    let missing = json!({"name": "x", "kind": "certificate"});
    let p = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(missing)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "certificate");
    let misplaced = json!({"name": "x", "kind": "api_key", "certificate": leaf("x")});
    let p = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(misplaced)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "certificate");
    let after = app.get(BASE).by(Who::BpsdmAdmin).send().await.ok().json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}

api_test!(only_the_owning_agency_and_application_register_certificates);
async fn only_the_owning_agency_and_application_register_certificates(app: TestApp) {
    // Another agency's admin does not even learn that the application exists.
    app.post(BASE)
        .by(Who::DinsosAdmin)
        .json(body(&leaf("intruder")))
        .send()
        .await
        .problem(404, "not_found");
    app.post("/api/v1/agencies/bpsdm/applications/presensi/credentials")
        .by(Who::Developer)
        .json(body(&leaf("presensi")))
        .send()
        .await
        .problem(403, "forbidden");
    app.post(BASE)
        .by(Who::Auditor)
        .json(body(&leaf("auditor")))
        .send()
        .await
        .problem(403, "forbidden");
    app.post(BASE)
        .by(Who::Anonymous)
        .json(body(&leaf("anon")))
        .send()
        .await
        .problem(401, "unauthenticated");
}
