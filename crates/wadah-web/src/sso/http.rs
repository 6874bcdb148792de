//! The outbound HTTP client single sign-on uses to talk to providers: discovery, keys and the
//! token endpoint. hyper's pooled client over rustls (aws-lc-rs) with the system's CA roots,
//! like the link checker; redirects are never followed (a provider's endpoints are exact), each
//! call has a time limit and an answer larger than [`MAX_BODY`] is refused.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderValue, Method, Request, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::{ClientConfig, RootCertStore};

/// The largest answer read from a provider.
pub const MAX_BODY: usize = 1024 * 1024;
/// Time limit of one call.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a call to a provider gave nothing usable (kept vague on purpose: it goes to logs).
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("the provider did not answer in time")]
    Timeout,
    #[error("the provider cannot be reached: {0}")]
    Unreachable(String),
    #[error("the provider answered HTTP {0}")]
    Status(u16),
    #[error("the provider's answer is too large or broken")]
    Body,
    #[error("the provider's answer is not the JSON expected: {0}")]
    Json(String),
    #[error("bad URL {0}")]
    Url(String),
}

#[derive(Clone)]
pub struct Client {
    inner: hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("sso::http::Client")
    }
}

impl Client {
    pub fn new() -> Self {
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
        http.set_connect_timeout(Some(TIMEOUT));
        http.enforce_http(false);
        let connector = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Self {
            inner: hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector),
        }
    }

    /// `GET url`, answering the parsed JSON body of a 200.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, HttpError> {
        let request = Request::builder()
            .method(Method::GET)
            .uri(url)
            .header(header::ACCEPT, "application/json")
            .body(Full::new(Bytes::new()))
            .map_err(|_| HttpError::Url(url.to_owned()))?;
        let (status, body) = self.send(request).await?;
        if status != 200 {
            return Err(HttpError::Status(status));
        }
        serde_json::from_slice(&body).map_err(|e| HttpError::Json(e.to_string()))
    }

    /// `POST url` with a form body and optional `Authorization`; answers status and body.
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        authorization: Option<&str>,
    ) -> Result<(u16, Bytes), HttpError> {
        let body = serde_urlencoded::to_string(form).map_err(|_| HttpError::Body)?;
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(url)
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(value) = authorization {
            let value = HeaderValue::from_str(value).map_err(|_| HttpError::Body)?;
            builder = builder.header(header::AUTHORIZATION, value);
        }
        let request = builder
            .body(Full::new(Bytes::from(body)))
            .map_err(|_| HttpError::Url(url.to_owned()))?;
        self.send(request).await
    }

    async fn send(&self, request: Request<Full<Bytes>>) -> Result<(u16, Bytes), HttpError> {
        let call = async {
            let response = self
                .inner
                .request(request)
                .await
                .map_err(|e| HttpError::Unreachable(e.to_string()))?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), MAX_BODY)
                .collect()
                .await
                .map_err(|_| HttpError::Body)?
                .to_bytes();
            Ok((status, body))
        };
        tokio::time::timeout(TIMEOUT, call)
            .await
            .map_err(|_| HttpError::Timeout)?
    }
}
