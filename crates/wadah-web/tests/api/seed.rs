//! The seed every test starts from: the Bontang government, agencies `bpsdm` and `dinsos`,
//! their applications, services (public and internal), public services, credentials, a right and
//! a request between dinsos's own applications, and one person per role with an API token.

use serde_json::{Value, json};
use wadah_domain::secret::{self, SecretKind};
use wadah_store::StoredSecret;

use crate::helpers::{TestApp, Who, code, spec};

impl TestApp {
    pub(crate) async fn seed(&mut self) {
        let s = self.store.clone();
        let c = self.change();
        s.create_government(
            &spec(json!({"code": "bontang", "name": "Pemerintah Kota Bontang", "kind": "kota"})),
            &c,
        )
        .await
        .unwrap();
        for (agency, name) in [("bpsdm", "BPSDM"), ("dinsos", "Dinas Sosial")] {
            s.create_agency(
                &spec(json!({"code": agency, "name": name, "government": "bontang"})),
                &c,
            )
            .await
            .unwrap();
        }
        for (agency, app, audience) in [
            ("bpsdm", "simpeg", "asn"),
            ("bpsdm", "presensi", "asn"),
            ("dinsos", "e-bansos", "public"),
            ("dinsos", "dtks", "internal"),
        ] {
            s.create_application(&code(agency), &spec(application_json(app, audience)), &c)
                .await
                .unwrap();
        }
        for (agency, app, service, visibility) in [
            ("bpsdm", "simpeg", "pegawai", "public"),
            ("dinsos", "e-bansos", "penerima", "public"),
            ("dinsos", "dtks", "keluarga", "internal"),
        ] {
            s.create_service(
                &code(agency),
                &code(app),
                &spec(service_json(service, visibility)),
                &c,
            )
            .await
            .unwrap();
        }
        for (agency, ps, audience) in [
            ("bpsdm", "cuti-pegawai", "asn"),
            ("dinsos", "bantuan-sosial", "public"),
        ] {
            s.create_public_service(&code(agency), &spec(public_service_json(ps, audience)), &c)
                .await
                .unwrap();
        }
        for (agency, app) in [("dinsos", "e-bansos"), ("bpsdm", "simpeg")] {
            let issued = secret::issue(SecretKind::ApiKey, self.random.as_ref());
            let stored = StoredSecret {
                digest: issued.digest,
                hint: issued.hint,
            };
            let cred = spec(json!({"name": "production", "kind": "api_key"}));
            s.create_credential(&code(agency), &code(app), &cred, &stored, None, &c)
                .await
                .unwrap();
        }
        // Between dinsos's own applications: nothing of bpsdm's.
        s.create_right(
            &spec(json!({
                "consumer": {"agency": "dinsos", "application": "dtks"},
                "service": {"agency": "dinsos", "application": "e-bansos", "service": "penerima"}
            })),
            &c,
        )
        .await
        .unwrap();
        s.create_request(
            &spec(json!({
                "consumer": {"agency": "dinsos", "application": "e-bansos"},
                "service": {"agency": "dinsos", "application": "dtks", "service": "keluarga"},
                "purpose": "Verifikasi data keluarga penerima bantuan",
                "legal_basis": "Permensos 3/2021"
            })),
            &c,
        )
        .await
        .unwrap();
        let people = [
            (
                Who::Platform,
                json!({"username": "admin", "display_name": "Admin Diskominfo", "role": "platform_admin"}),
            ),
            (
                Who::BpsdmAdmin,
                json!({"username": "bpsdm-admin", "display_name": "Admin BPSDM", "role": "agency_admin", "agency": "bpsdm"}),
            ),
            (
                Who::DinsosAdmin,
                json!({"username": "dinsos-admin", "display_name": "Admin Dinsos", "role": "agency_admin", "agency": "dinsos"}),
            ),
            (
                Who::Developer,
                json!({"username": "dev-simpeg", "display_name": "Developer SIMPEG", "role": "developer", "agency": "bpsdm", "application": "simpeg"}),
            ),
            (
                Who::Auditor,
                json!({"username": "auditor", "display_name": "Auditor Inspektorat", "role": "auditor"}),
            ),
        ];
        for (who, user) in people {
            s.create_user(&spec(user), None, &c).await.unwrap();
            let token = self.mint_token(who.username()).await;
            self.tokens.push((who, token));
        }
    }
}

pub fn application_json(code: &str, audience: &str) -> Value {
    json!({
        "code": code,
        "name": format!("Aplikasi {code}"),
        "kind": "khusus",
        "lifecycle": {"stage": "active", "active": "2024-01-01"},
        "audience": audience
    })
}

pub const OPENAPI_YAML: &str = "openapi: 3.0.3\ninfo:\n  title: Layanan\n  version: '1.0'\npaths:\n  /data:\n    get:\n      summary: Data\n";

pub fn service_json(code: &str, visibility: &str) -> Value {
    json!({
        "code": code,
        "name": format!("Layanan {code}"),
        "upstream_url": format!("https://{code}.internal.example.go.id/api/"),
        "openapi": OPENAPI_YAML,
        "visibility": visibility,
        "classification": "terbatas"
    })
}

pub fn public_service_json(code: &str, audience: &str) -> Value {
    json!({
        "code": code,
        "name": format!("Layanan publik {code}"),
        "description": "Sample",
        "audience": audience,
        "topics": ["umum"]
    })
}
