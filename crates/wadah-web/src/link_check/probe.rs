//! One link, checked the way a browser would reach it: `HEAD` first (cheap for the site), then
//! `GET` when `HEAD` answers an error (many sites refuse or mishandle `HEAD`); redirects are
//! followed by hand up to a limit and only to http(s); every request has a time limit and an
//! honest `User-Agent`, so a site's operator can see who is knocking. Bodies are never read.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::Empty;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::{ClientConfig, RootCertStore};
use wadah_domain::link_check::LinkFailure;

/// What a check found: the last status received and, when the link does not work, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub http_status: Option<u16>,
    pub failure: Option<LinkFailure>,
}

impl Outcome {
    fn failed(failure: LinkFailure, http_status: Option<u16>) -> Self {
        Self {
            http_status,
            failure: Some(failure),
        }
    }
}

/// The checking client (cheap to clone; clones share the connection pool).
#[derive(Clone)]
pub struct Probe {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    timeout: Duration,
    max_redirects: usize,
    user_agent: Arc<str>,
}

impl std::fmt::Debug for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Probe")
            .field("timeout", &self.timeout)
            .field("max_redirects", &self.max_redirects)
            .finish_non_exhaustive()
    }
}

impl Probe {
    /// A probe trusting the operating system's CA roots (as the gateway's upstream client
    /// does: intranet CAs live there).
    pub fn new(timeout: Duration, max_redirects: usize, user_agent: &str) -> Self {
        let loaded = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        let _ = roots.add_parsable_certificates(loaded.certs);
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = match ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions() {
            Ok(b) => b.with_root_certificates(roots).with_no_client_auth(),
            Err(_) => ClientConfig::builder()
                .with_root_certificates(RootCertStore::empty())
                .with_no_client_auth(),
        };
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(timeout));
        http.enforce_http(false);
        let connector = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Self {
            client: Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(0)
                .build(connector),
            timeout,
            max_redirects,
            user_agent: user_agent.into(),
        }
    }

    /// Checks `url`: `HEAD`, then `GET` if `HEAD` gave an error status.
    pub async fn check(&self, url: &str) -> Outcome {
        let head = self.follow(Method::HEAD, url).await;
        match head.http_status {
            Some(status) if status >= 400 => self.follow(Method::GET, url).await,
            _ => head,
        }
    }

    /// One method, following redirects.
    async fn follow(&self, method: Method, url: &str) -> Outcome {
        let Ok(mut current) = url::Url::parse(url) else {
            return Outcome::failed(LinkFailure::Redirects, None);
        };
        let mut method = method;
        for _ in 0..=self.max_redirects {
            if !matches!(current.scheme(), "http" | "https") {
                return Outcome::failed(LinkFailure::Redirects, None);
            }
            let status = match self.once(&method, current.as_str()).await {
                Ok((status, location)) => match location {
                    Some(location) if status.is_redirection() => {
                        match current.join(&location) {
                            Ok(next) => current = next,
                            Err(_) => return Outcome::failed(LinkFailure::Redirects, Some(status.as_u16())),
                        }
                        if status == StatusCode::SEE_OTHER {
                            method = Method::GET;
                        }
                        continue;
                    }
                    _ => status,
                },
                Err(failure) => return Outcome::failed(failure, None),
            };
            let code = status.as_u16();
            return if status.is_success() {
                Outcome {
                    http_status: Some(code),
                    failure: None,
                }
            } else {
                Outcome::failed(LinkFailure::Status, Some(code))
            };
        }
        Outcome::failed(LinkFailure::Redirects, None)
    }

    /// One request: the status and the `Location` header, or why there was no answer.
    async fn once(&self, method: &Method, url: &str) -> Result<(StatusCode, Option<String>), LinkFailure> {
        let request = Request::builder()
            .method(method.clone())
            .uri(url)
            .header(header::USER_AGENT, self.user_agent.as_ref())
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .body(Empty::<Bytes>::new())
            .map_err(|_| LinkFailure::Redirects)?;
        let response = match tokio::time::timeout(self.timeout, self.client.request(request)).await {
            Err(_) => return Err(LinkFailure::Timeout),
            Ok(Err(e)) if tls_failure(&e) => return Err(LinkFailure::Tls),
            Ok(Err(_)) => return Err(LinkFailure::Unreachable),
            Ok(Ok(response)) => response,
        };
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // The body is dropped unread: the connection closes (no pooling), nothing is downloaded.
        Ok((response.status(), location))
    }
}

/// Whether a failed request failed in the TLS handshake.
fn tls_failure(e: &hyper_util::client::legacy::Error) -> bool {
    std::error::Error::source(e).is_some_and(|s| is_rustls(s, 8))
}

/// Looks for a `rustls::Error` in the chain; `io::Error` hides what it wraps from `source()`,
/// so it is opened with `get_ref`.
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
