//! The pooled clients that call upstreams: HTTP/1.1 for `http://`, and for `https://` TLS
//! (rustls on the aws-lc-rs provider) offering HTTP/2 and HTTP/1.1 by ALPN, so an upstream
//! that speaks h2 is multiplexed over one connection. Certificates are always verified; there
//! is no switch to turn that off.
//!
//! Trust: the operating system's roots, loaded once at start with `rustls-native-certs`
//! rather than a compiled-in Mozilla list (`webpki-roots`): government intranets often run a
//! private CA that the operator has already added to the system store, and the system store
//! follows the distribution's updates without a Wadah release. A service may add its own CA
//! bundle (`upstream_ca_pem`); such services get a client of their own, built when a snapshot
//! first sees that bundle and reused by its SHA-256 digest afterwards, never per request.

use std::sync::Arc;
use std::time::Duration;

use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::{ClientConfig, RootCertStore};
use sha2::{Digest, Sha256};
use wadah_domain::upstream::CaBundle;

use crate::forward::Outgoing;

/// One pooled client (cheap to clone; clones share the pool).
pub type HttpsClient = Client<HttpsConnector<HttpConnector>, Outgoing>;

/// The SHA-256 of a CA bundle's text: the key under which its client is reused.
pub type CaDigest = [u8; 32];

/// Builds clients: the shared one over the system's roots, and one per custom CA bundle.
pub struct Clients {
    system_roots: RootCertStore,
    default: HttpsClient,
}

impl std::fmt::Debug for Clients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clients")
            .field("system_roots", &self.system_roots.len())
            .finish_non_exhaustive()
    }
}

impl Clients {
    /// Loads the system's roots (once per gateway) and builds the default client.
    pub fn load() -> Self {
        let loaded = rustls_native_certs::load_native_certs();
        for e in &loaded.errors {
            tracing::warn!(error = %e, "a system CA certificate could not be loaded");
        }
        let mut system_roots = RootCertStore::empty();
        let (added, ignored) = system_roots.add_parsable_certificates(loaded.certs);
        tracing::debug!(added, ignored, "system CA roots for upstream TLS");
        let default = build(system_roots.clone());
        Self {
            system_roots,
            default,
        }
    }

    pub fn default_client(&self) -> HttpsClient {
        self.default.clone()
    }

    /// A client that trusts the system's roots plus `bundle`.
    pub fn with_ca(&self, bundle: &CaBundle) -> HttpsClient {
        let mut roots = self.system_roots.clone();
        let (added, ignored) = roots.add_parsable_certificates(bundle.certificates());
        if ignored > 0 || added == 0 {
            tracing::warn!(
                added,
                ignored,
                "some certificates of a service's CA bundle were not usable"
            );
        }
        build(roots)
    }
}

pub fn ca_digest(bundle: &CaBundle) -> CaDigest {
    Sha256::digest(bundle.as_str().as_bytes()).into()
}

fn build(roots: RootCertStore) -> HttpsClient {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = match ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions() {
        Ok(b) => b.with_root_certificates(roots).with_no_client_auth(),
        // The aws-lc-rs provider supports the default versions; keep rustls' own defaults if not.
        Err(_) => ClientConfig::builder()
            .with_root_certificates(RootCertStore::empty())
            .with_no_client_auth(),
    };
    let mut http = HttpConnector::new();
    http.set_connect_timeout(Some(Duration::from_secs(5)));
    http.set_nodelay(true);
    http.enforce_http(false);
    let connector = HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .wrap_connector(http);
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(256)
        .build(connector)
}

/// Whether a failed call failed in the TLS handshake (untrusted or invalid certificate, name
/// mismatch, no common protocol) rather than in reaching the host.
pub fn tls_failure(e: &hyper_util::client::legacy::Error) -> bool {
    std::error::Error::source(e).is_some_and(|s| is_rustls(s, 8))
}

/// Looks for a `rustls::Error` in the chain. `io::Error` is opened with `get_ref`, because its
/// `source()` skips the error it wraps (hyper-rustls wraps tokio-rustls's `io::Error`, which
/// wraps the `rustls::Error`).
fn is_rustls(err: &(dyn std::error::Error + 'static), depth: u8) -> bool {
    if depth == 0 {
        return false;
    }
    if err.is::<rustls::Error>() {
        return true;
    }
    if let Some(inner) = err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref())
        && is_rustls(inner, depth - 1)
    {
        return true;
    }
    err.source().is_some_and(|s| is_rustls(s, depth - 1))
}
