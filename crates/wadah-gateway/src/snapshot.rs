//! The immutable picture the hot path reads: routes by `agency/application/service`, API-key
//! digests → consumer, client-certificate fingerprints → consumer, rights per service, and the
//! rate-limit cells. Built from the store's
//! [`GatewayView`] off the hot path and swapped in whole (see `refresh`), so a request sees one
//! consistent registry version and never waits for the store.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Uri;
use subtle::ConstantTimeEq;
use wadah_domain::access::AccessRight;
use wadah_domain::credential::CredentialKind;
use wadah_domain::service::{Service, Visibility};
use wadah_domain::{Code, Timestamp};
use wadah_store::GatewayView;

use crate::limit::Gcra;

/// A consuming application, as one of its credentials (API key, certificate) identifies it.
#[derive(Debug)]
pub struct Consumer {
    pub credential: String,
    pub agency: Code,
    pub application: Code,
    pub expires_at: Option<Timestamp>,
    /// `agency/application`: the metrics label and the `X-Wadah-Consumer` value.
    pub label: String,
}

/// Where a service's calls go.
#[derive(Debug, Clone)]
pub struct Upstream {
    pub scheme: String,
    pub authority: String,
    /// The base path, without a trailing slash (may be empty).
    pub base_path: String,
}

/// One service as the gateway routes it.
#[derive(Debug)]
pub struct Route {
    pub agency: Code,
    pub application: Code,
    pub service: Code,
    pub name: String,
    /// `agency/application/service`.
    pub key: String,
    /// `None` when the upstream URL is not one the gateway can call yet (e.g. https).
    pub upstream: Option<Upstream>,
    pub timeout: Duration,
    pub default_limit: u32,
    pub visibility: Visibility,
    pub openapi: Option<Arc<str>>,
    /// Every right granted on this service, ordered by id.
    pub rights: Vec<AccessRight>,
}

/// API keys: the first 8 bytes of the digest → (full digest, consumer).
type KeyIndex = HashMap<[u8; 8], Vec<([u8; 32], Arc<Consumer>)>>;

/// The whole picture at one registry version.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub version: i64,
    routes: HashMap<String, Arc<Route>>,
    keys: KeyIndex,
    /// Client certificates by the SHA-256 of their DER (public values: no constant-time need).
    certificates: HashMap<[u8; 32], Arc<Consumer>>,
    /// Rate-limit cells by `consumer label` + ` ` + `route key`.
    limits: HashMap<String, Arc<Gcra>>,
}

impl Snapshot {
    /// Builds the picture; rate-limit cells of `previous` are carried over so a reload never
    /// hands a consumer a fresh burst.
    pub fn build(view: GatewayView, previous: Option<&Snapshot>) -> Self {
        let mut rights_by_service: HashMap<String, Vec<AccessRight>> = HashMap::new();
        for right in view.rights {
            rights_by_service
                .entry(right.spec.service.to_string())
                .or_default()
                .push(right);
        }
        let routes: HashMap<String, Arc<Route>> = view
            .services
            .into_iter()
            .map(|s| {
                let key = format!("{}/{}/{}", s.agency, s.application, s.spec.code);
                let rights = rights_by_service.remove(&key).unwrap_or_default();
                (key.clone(), Arc::new(route(s, key, rights)))
            })
            .collect();
        let mut keys = KeyIndex::new();
        let mut certificates = HashMap::new();
        let mut consumers = Vec::new();
        for c in view.credentials {
            let cred = c.credential;
            let Some(digest) = decode_digest(c.digest.as_str()) else {
                continue;
            };
            let usable = matches!(cred.kind, CredentialKind::ApiKey | CredentialKind::Certificate);
            if !usable || cred.revoked_at.is_some() {
                continue;
            }
            let kind = cred.kind;
            let consumer = Arc::new(Consumer {
                label: format!("{}/{}", cred.agency, cred.application),
                credential: cred.id,
                agency: cred.agency,
                application: cred.application,
                expires_at: cred.expires_at,
            });
            consumers.push(consumer.clone());
            if kind == CredentialKind::Certificate {
                certificates.insert(digest, consumer);
                continue;
            }
            let mut prefix = [0u8; 8];
            prefix.copy_from_slice(&digest[..8]);
            keys.entry(prefix).or_default().push((digest, consumer));
        }
        let limits = limit_cells(&routes, &consumers, previous);
        Self {
            version: view.version,
            routes,
            keys,
            certificates,
            limits,
        }
    }

    pub fn route(&self, key: &str) -> Option<&Arc<Route>> {
        self.routes.get(key)
    }

    pub fn routes(&self) -> impl Iterator<Item = &Arc<Route>> {
        self.routes.values()
    }

    /// The consumer whose API key has this SHA-256 digest (compared in constant time).
    pub fn consumer(&self, digest: &[u8; 32]) -> Option<&Arc<Consumer>> {
        let mut prefix = [0u8; 8];
        prefix.copy_from_slice(&digest[..8]);
        self.keys
            .get(&prefix)?
            .iter()
            .find(|(stored, _)| bool::from(stored.ct_eq(digest)))
            .map(|(_, c)| c)
    }

    /// The consumer whose client certificate has this fingerprint (SHA-256 of its DER).
    pub fn certificate_consumer(&self, fingerprint: &[u8; 32]) -> Option<&Arc<Consumer>> {
        self.certificates.get(fingerprint)
    }

    pub fn limit_cell(&self, consumer: &Consumer, route: &Route) -> Option<&Arc<Gcra>> {
        self.limits.get(&limit_key(&consumer.label, &route.key))
    }
}

fn route(s: Service, key: String, rights: Vec<AccessRight>) -> Route {
    Route {
        upstream: upstream(s.spec.upstream_url.as_str()),
        timeout: Duration::from_millis(u64::from(s.spec.timeout_ms)),
        default_limit: s.spec.default_limit_per_minute,
        visibility: s.spec.visibility,
        openapi: s.spec.openapi.as_ref().map(|d| Arc::from(d.as_str())),
        name: s.spec.name.as_str().to_owned(),
        agency: s.agency,
        application: s.application,
        service: s.spec.code,
        key,
        rights,
    }
}

/// Splits an `http://host:port/base` URL; other schemes are not callable yet.
fn upstream(url: &str) -> Option<Upstream> {
    let uri: Uri = url.parse().ok()?;
    if uri.scheme_str() != Some("http") {
        return None;
    }
    Some(Upstream {
        scheme: "http".into(),
        authority: uri.authority()?.as_str().to_owned(),
        base_path: uri.path().trim_end_matches('/').to_owned(),
    })
}

fn decode_digest(hex_digest: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(hex_digest).ok()?;
    bytes.try_into().ok()
}

fn limit_key(consumer: &str, route: &str) -> String {
    format!("{consumer} {route}")
}

/// One cell per (consumer application with a credential, service it holds a right on).
fn limit_cells(
    routes: &HashMap<String, Arc<Route>>,
    consumers: &[Arc<Consumer>],
    previous: Option<&Snapshot>,
) -> HashMap<String, Arc<Gcra>> {
    let mut cells = HashMap::new();
    for route in routes.values() {
        for right in &route.rights {
            let consumer = &right.spec.consumer;
            let matching = consumers.iter().filter(|c| {
                c.agency == consumer.agency
                    && consumer.application.as_ref().is_none_or(|a| *a == c.application)
            });
            for c in matching {
                let key = limit_key(&c.label, &route.key);
                let old = previous.and_then(|p| p.limits.get(&key)).cloned();
                cells
                    .entry(key)
                    .or_insert_with(|| old.unwrap_or_else(|| Arc::new(Gcra::new())));
            }
        }
    }
    cells
}
