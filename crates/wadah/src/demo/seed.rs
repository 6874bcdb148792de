//! Loads the Bontang pilot (see `catalog`) into an empty store, through the same store traits
//! the admin API uses, so the demo exercises the real rules (validation, change log). Specs are
//! built from JSON so they pass through the same parsing as an API request.

use std::sync::Arc;

use anyhow::Context;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wadah_domain::access::{AccessRequestSpec, AccessRightSpec};
use wadah_domain::credential::{CredentialKind, CredentialSpec};
use wadah_domain::secret::{self, Random, SecretKind};
use wadah_domain::service::ServiceRef;
use wadah_domain::user::Username;
use wadah_domain::{Actor, Clock, Code};
use wadah_store::{Change, Store, StoredSecret};

use super::catalog::{self, APPS, SamplePublicService, SampleUser};
use super::credentials::{ConsumerSecrets, DemoUser, StaffSignIn};
use super::records::openapi_yaml;
use crate::people::{hash_password, password};

pub struct Seeder<'a> {
    pub store: &'a Arc<dyn Store>,
    pub clock: &'a dyn Clock,
    pub random: &'a dyn Random,
}

fn spec<T: DeserializeOwned>(what: &str, value: Value) -> anyhow::Result<T> {
    serde_json::from_value(value).with_context(|| format!("sample {what} is invalid"))
}

fn code(s: &str) -> anyhow::Result<Code> {
    Ok(Code::parse(s)?)
}

/// `a/b/c` → a service reference.
pub fn service_ref(path: &str) -> anyhow::Result<ServiceRef> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [a, b, c] => Ok(ServiceRef {
            agency: code(a)?,
            application: code(b)?,
            service: code(c)?,
        }),
        _ => anyhow::bail!("bad sample service path {path}"),
    }
}

/// The upstream base URL of a sample service on the sample listener.
pub fn sample_upstream(base: &str, agency: &str, app: &str, service: &str) -> String {
    format!("{base}/sample/{agency}/{app}/{service}")
}

/// The demo's legacy web application (`legacy`): which one, and its base URL.
pub const LEGACY_APP: (&str, &str) = ("bpsdm", "e-cuti");

pub fn legacy_upstream(base: &str) -> String {
    format!("{base}/legacy/{}/{}", LEGACY_APP.0, LEGACY_APP.1)
}

impl Seeder<'_> {
    fn change(&self) -> Change {
        Change {
            actor: Actor::system("demo"),
            at: self.clock.now(),
        }
    }

    /// Loads the registry part: government, agencies, applications, services, public services.
    pub async fn registry(&self, sample_base: &str) -> anyhow::Result<()> {
        let (gov_code, gov_name) = catalog::GOVERNMENT;
        let gov = spec(
            "government",
            json!({"code": gov_code, "name": gov_name, "kind": "kota"}),
        )?;
        self.store.create_government(&gov, &self.change()).await?;
        for (code, name, operator) in catalog::AGENCIES {
            let agency = spec(
                "agency",
                json!({
                    "code": code, "name": name, "government": gov_code, "operator": operator,
                    "description": "Perangkat daerah contoh untuk demo Wadah.",
                }),
            )?;
            self.store.create_agency(&agency, &self.change()).await?;
        }
        for app in APPS {
            let agency = code(app.agency)?;
            let app_spec = spec(
                "application",
                json!({
                    "code": app.code, "name": app.name, "description": app.description,
                    "kind": "khusus", "raa_code": app.raa,
                    "lifecycle": {"stage": "active", "phase_in": "2021-01-04", "active": "2022-01-03"},
                    "business_owner": format!("Kepala {}", app.agency.to_uppercase()),
                    "technical_contact": format!("tik@{}.bontangkota.example", app.agency),
                    "audience": app.audience, "sample": true,
                    "url": catalog::APP_URLS.iter().find(|(a, c, _)| *a == app.agency && *c == app.code).map(|(_, _, u)| u),
                    "web_upstream": ((app.agency, app.code) == LEGACY_APP).then(|| legacy_upstream(sample_base)),
                }),
            )?;
            self.store
                .create_application(&agency, &app_spec, &self.change())
                .await?;
            for s in app.services {
                let svc = spec(
                    "service",
                    json!({
                        "code": s.code, "name": s.name,
                        "description": format!("Layanan API {} (contoh).", s.name),
                        "upstream_url": sample_upstream(sample_base, app.agency, app.code, s.code),
                        "openapi": openapi_yaml(s.name, s.resource),
                        "visibility": "public", "classification": s.classification,
                    }),
                )?;
                self.store
                    .create_service(&agency, &code(app.code)?, &svc, &self.change())
                    .await?;
            }
        }
        for p in catalog::PUBLIC_SERVICES {
            let SamplePublicService {
                agency,
                code: code_,
                name,
                audience,
                ..
            } = p;
            let ps = spec(
                "public service",
                json!({
                    "code": code_, "name": name, "description": p.description, "audience": audience,
                    "topics": p.topics, "applications": p.applications, "sample": true,
                    "eligibility": p.eligibility, "requirements": p.requirements, "cost": p.cost,
                    "duration": p.duration, "online_url": p.online_url, "office_address": p.office_address,
                }),
            )?;
            self.store
                .create_public_service(&code(agency)?, &ps, &self.change())
                .await?;
        }
        Ok(())
    }

    /// Grants the sample rights and files the pending requests.
    pub async fn access(&self) -> anyhow::Result<()> {
        for (agency, app, service) in catalog::RIGHTS {
            let right: AccessRightSpec = spec(
                "right",
                json!({
                    "consumer": {"agency": agency, "application": app},
                    "service": service_ref(service)?, "methods": ["GET"],
                }),
            )?;
            self.store.create_right(&right, &self.change()).await?;
        }
        for (agency, app, service, purpose) in catalog::PENDING {
            let request: AccessRequestSpec = spec(
                "request",
                json!({
                    "consumer": {"agency": agency, "application": app},
                    "service": service_ref(service)?, "methods": ["GET"], "purpose": purpose,
                    "legal_basis": "Perpres 95/2018 tentang SPBE; perjanjian kerja sama antar-perangkat daerah (contoh)",
                }),
            )?;
            self.store.create_request(&request, &self.change()).await?;
        }
        Ok(())
    }

    /// Creates the demo people with a fresh password and admin API token each.
    pub async fn users(&self) -> anyhow::Result<Vec<DemoUser>> {
        let mut out = Vec::new();
        for SampleUser {
            username,
            name,
            role,
            agency,
            application,
        } in catalog::USERS
        {
            let user = spec(
                "user",
                json!({
                    "username": username, "display_name": name, "role": role,
                    "agency": agency, "application": application,
                }),
            )?;
            let password = password(self.random);
            let hash = hash_password(password.clone()).await?;
            self.store.create_user(&user, Some(&hash), &self.change()).await?;
            let api_token = self.token(username).await?;
            out.push(DemoUser {
                username: (*username).into(),
                role: (*role).into(),
                password,
                api_token,
            });
        }
        Ok(out)
    }

    /// The demo's civil servant ([`catalog::STAFF_USER`]) with a fresh password: created when
    /// missing (a data dir seeded before the staff portal existed), else given a new password.
    pub async fn staff(&self) -> anyhow::Result<StaffSignIn> {
        let SampleUser {
            username,
            name,
            role,
            agency,
            ..
        } = catalog::STAFF_USER;
        let password = password(self.random);
        let hash = hash_password(password.clone()).await?;
        let name_ = Username::parse(username)?;
        match self.store.get_user(&name_).await {
            Ok(_) => {
                self.store
                    .set_password_hash(&name_, &hash, &self.change())
                    .await?;
            }
            Err(wadah_store::StoreError::NotFound { .. }) => {
                let user = spec(
                    "user",
                    json!({"username": username, "display_name": name, "role": role, "agency": agency}),
                )?;
                self.store.create_user(&user, Some(&hash), &self.change()).await?;
            }
            Err(e) => return Err(e.into()),
        }
        Ok(StaffSignIn {
            username: username.into(),
            password,
            agency: agency.unwrap_or_default().into(),
        })
    }

    /// Gives the existing demo people a fresh password and token (when the secrets file was lost).
    pub async fn reissue_users(&self) -> anyhow::Result<Vec<DemoUser>> {
        let mut out = Vec::new();
        for SampleUser { username, role, .. } in catalog::USERS {
            let password = password(self.random);
            let hash = hash_password(password.clone()).await?;
            self.store
                .set_password_hash(&Username::parse(username)?, &hash, &self.change())
                .await?;
            let api_token = self.token(username).await?;
            out.push(DemoUser {
                username: (*username).into(),
                role: (*role).into(),
                password,
                api_token,
            });
        }
        Ok(out)
    }

    /// Issues a new admin API token for `username`.
    pub async fn token(&self, username: &str) -> anyhow::Result<String> {
        let username = Username::parse(username)?;
        crate::people::issue_token(
            self.store.as_ref(),
            self.random,
            &username,
            "demo",
            &self.change(),
        )
        .await
    }

    /// Gives each demo consumer an API key and an OAuth2 client.
    pub async fn consumers(&self) -> anyhow::Result<Vec<ConsumerSecrets>> {
        let mut out = Vec::new();
        for (agency, app) in catalog::CONSUMERS {
            let (agency_code, app_code) = (code(agency)?, code(app)?);
            let key = secret::issue(SecretKind::ApiKey, self.random);
            let key_spec: CredentialSpec =
                spec("credential", json!({"name": "Kunci API demo", "kind": "api_key"}))?;
            let stored = StoredSecret {
                digest: key.digest,
                hint: key.hint,
            };
            self.store
                .create_credential(&agency_code, &app_code, &key_spec, &stored, None, &self.change())
                .await?;
            let client = secret::issue(SecretKind::ClientSecret, self.random);
            let client_id = secret::public_id("wdhc_", self.random);
            let client_spec = CredentialSpec {
                kind: CredentialKind::OauthClient,
                ..spec(
                    "credential",
                    json!({"name": "Klien OAuth2 demo", "kind": "oauth_client"}),
                )?
            };
            let stored = StoredSecret {
                digest: client.digest,
                hint: client.hint,
            };
            self.store
                .create_credential(
                    &agency_code,
                    &app_code,
                    &client_spec,
                    &stored,
                    Some(&client_id),
                    &self.change(),
                )
                .await?;
            out.push(ConsumerSecrets {
                agency: (*agency).into(),
                application: (*app).into(),
                api_key: key.plain,
                client_id,
                client_secret: client.plain,
            });
        }
        Ok(out)
    }

    /// Points the sample services at the sample listener's current address, if it moved.
    pub async fn repoint_samples(&self, sample_base: &str) -> anyhow::Result<usize> {
        let mut moved = 0;
        // The legacy web application too (data dirs from before it existed gain it here).
        let (agency, app) = (code(LEGACY_APP.0)?, code(LEGACY_APP.1)?);
        if let Ok(current) = self.store.get_application(&agency, &app).await {
            let want = legacy_upstream(sample_base);
            if current.spec.web_upstream.as_ref().map(|u| u.as_str()) != Some(want.as_str()) {
                let mut spec = current.spec.clone();
                spec.web_upstream = Some(wadah_domain::application::WebUrl::parse("web_upstream", &want)?);
                self.store
                    .update_application(&agency, &app, &spec, current.meta.version, &self.change())
                    .await?;
                moved += 1;
            }
        }
        for app in APPS {
            for s in app.services {
                let r = service_ref(&format!("{}/{}/{}", app.agency, app.code, s.code))?;
                let Ok(current) = self.store.get_service(&r).await else {
                    continue;
                };
                let want = sample_upstream(sample_base, app.agency, app.code, s.code);
                if current.spec.upstream_url.as_str().trim_end_matches('/') != want {
                    let mut spec = current.spec.clone();
                    spec.upstream_url = wadah_domain::application::WebUrl::parse("upstream_url", &want)?;
                    self.store
                        .update_service(&r, &spec, current.meta.version, &self.change())
                        .await?;
                    moved += 1;
                }
            }
        }
        Ok(moved)
    }
}
