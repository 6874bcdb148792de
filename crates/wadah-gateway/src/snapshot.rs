//! The immutable picture the hot path reads: routes by `agency/application/service` (each with
//! its upstream client and opened upstream credential), API-key digests → consumer, OAuth2
//! clients by `client_id`, client-certificate fingerprints → consumer, rights per service, and
//! the rate-limit cells. Built from the store's
//! [`GatewayView`] off the hot path and swapped in whole (see `refresh`), so a request sees one
//! consistent registry version and never waits for the store.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Uri;
use subtle::ConstantTimeEq;
use wadah_domain::access::AccessRight;
use wadah_domain::credential::CredentialKind;
use wadah_domain::health_check::HealthCheck;
use wadah_domain::service::{Service, Visibility};
use wadah_domain::{Code, Timestamp};
use wadah_store::GatewayView;

use crate::circuit::{Circuit, Circuits};
use crate::limit::Gcra;
use crate::upstream::Upstreams;
use crate::upstream::client::{CaDigest, HttpsClient, ca_digest};
use crate::upstream::credentials::UpstreamAuth;

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
    /// `None` when the upstream URL is not one the gateway can call (not http or https).
    pub upstream: Option<Upstream>,
    /// The pooled client: the shared one, or the one trusting the service's own CA.
    pub client: HttpsClient,
    /// What the gateway presents to the upstream, if the provider set a credential.
    pub auth: Option<Arc<UpstreamAuth>>,
    pub timeout: Duration,
    pub default_limit: u32,
    pub visibility: Visibility,
    pub openapi: Option<Arc<str>>,
    /// Every right granted on this service, ordered by id.
    pub rights: Vec<AccessRight>,
    /// The active health check the service asks for, if any.
    pub health_check: Option<HealthCheck>,
    /// The upstream's breaker and health, shared with every route to the same upstream.
    pub circuit: Option<Arc<Circuit>>,
}

/// API keys: the first 8 bytes of the digest → (full digest, consumer).
type KeyIndex = HashMap<[u8; 8], Vec<([u8; 32], Arc<Consumer>)>>;

/// An OAuth2 client (client-credentials), by its `client_id`.
#[derive(Debug)]
pub struct OauthClient {
    /// SHA-256 of the current client secret.
    pub digest: [u8; 32],
    /// The credential's version: any change (a rotated secret, a revocation) moves it, and
    /// access tokens carry the version they were issued at.
    pub version: i64,
    pub consumer: Arc<Consumer>,
}

/// The whole picture at one registry version.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub version: i64,
    routes: HashMap<String, Arc<Route>>,
    keys: KeyIndex,
    oauth_clients: HashMap<String, OauthClient>,
    /// Client certificates by the SHA-256 of their DER (public values: no constant-time need).
    certificates: HashMap<[u8; 32], Arc<Consumer>>,
    /// Rate-limit cells by `consumer label` + ` ` + `route key`.
    limits: HashMap<String, Arc<Gcra>>,
    /// Clients of services with their own CA bundle, by the bundle's digest (carried over).
    clients: HashMap<CaDigest, HttpsClient>,
    /// One circuit per distinct upstream, carried over like the limit cells.
    circuits: Circuits,
}

impl Snapshot {
    /// Builds the picture; rate-limit cells of `previous` are carried over so a reload never
    /// hands a consumer a fresh burst.
    /// Clients for custom CAs and opened upstream credentials are carried over the same way.
    pub fn build(view: GatewayView, previous: Option<&Snapshot>, upstreams: &Upstreams) -> Self {
        let mut rights_by_service: HashMap<String, Vec<AccessRight>> = HashMap::new();
        for right in view.rights {
            rights_by_service
                .entry(right.spec.service.to_string())
                .or_default()
                .push(right);
        }
        let mut credentials: HashMap<String, _> = view
            .upstream_credentials
            .into_iter()
            .map(|c| (c.service.to_string(), c))
            .collect();
        let mut clients = HashMap::new();
        let mut circuits = Circuits::default();
        let routes: HashMap<String, Arc<Route>> = view
            .services
            .into_iter()
            .map(|s| {
                let key = format!("{}/{}/{}", s.agency, s.application, s.spec.code);
                let rights = rights_by_service.remove(&key).unwrap_or_default();
                let client = client_for(&s, previous, &mut clients, upstreams);
                let earlier = previous
                    .and_then(|p| p.routes.get(&key))
                    .and_then(|r| r.auth.as_ref());
                let auth = credentials
                    .remove(&key)
                    .map(|c| UpstreamAuth::open(&c, &upstreams.keys, &client, earlier));
                let mut route = route(s, key.clone(), rights, client, auth);
                route.circuit = route.upstream.as_ref().map(|u| {
                    let name = format!("{}://{}", u.scheme, u.authority);
                    circuits.attach(name, previous.map(|p| &p.circuits))
                });
                (key, Arc::new(route))
            })
            .collect();
        let mut keys = KeyIndex::new();
        let mut oauth_clients = HashMap::new();
        let mut certificates = HashMap::new();
        let mut consumers = Vec::new();
        for c in view.credentials {
            let cred = c.credential;
            let Some(digest) = decode_digest(c.digest.as_str()) else {
                continue;
            };
            if cred.revoked_at.is_some() {
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
            if kind == CredentialKind::OauthClient {
                if let Some(id) = cred.client_id {
                    let version = cred.meta.version;
                    oauth_clients.insert(
                        id,
                        OauthClient {
                            digest,
                            version,
                            consumer,
                        },
                    );
                }
                continue;
            }
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
            oauth_clients,
            certificates,
            limits,
            clients,
            circuits,
        }
    }

    pub fn circuits(&self) -> &Circuits {
        &self.circuits
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

    /// The usable (unrevoked) OAuth2 client with this `client_id`; expiry is the caller's check.
    pub fn client(&self, client_id: &str) -> Option<&OauthClient> {
        self.oauth_clients.get(client_id)
    }

    /// The consumer whose client certificate has this fingerprint (SHA-256 of its DER).
    pub fn certificate_consumer(&self, fingerprint: &[u8; 32]) -> Option<&Arc<Consumer>> {
        self.certificates.get(fingerprint)
    }

    pub fn limit_cell(&self, consumer: &Consumer, route: &Route) -> Option<&Arc<Gcra>> {
        self.limits.get(&limit_key(&consumer.label, &route.key))
    }
}

/// The service's client: the shared one, or the one for its CA bundle (reused by digest).
fn client_for(
    s: &Service,
    previous: Option<&Snapshot>,
    clients: &mut HashMap<CaDigest, HttpsClient>,
    upstreams: &Upstreams,
) -> HttpsClient {
    let Some(bundle) = &s.spec.upstream_ca_pem else {
        return upstreams.clients.default_client();
    };
    let digest = ca_digest(bundle);
    clients
        .entry(digest)
        .or_insert_with(|| {
            previous
                .and_then(|p| p.clients.get(&digest).cloned())
                .unwrap_or_else(|| upstreams.clients.with_ca(bundle))
        })
        .clone()
}

fn route(
    s: Service,
    key: String,
    rights: Vec<AccessRight>,
    client: HttpsClient,
    auth: Option<Arc<UpstreamAuth>>,
) -> Route {
    Route {
        client,
        auth,
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
        health_check: s.spec.health_check,
        circuit: None,
    }
}

/// Splits an `http(s)://host:port/base` URL; other schemes cannot be called.
pub(crate) fn upstream(url: &str) -> Option<Upstream> {
    let uri: Uri = url.parse().ok()?;
    let scheme = uri.scheme_str().filter(|s| matches!(*s, "http" | "https"))?;
    Some(Upstream {
        scheme: scheme.into(),
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
