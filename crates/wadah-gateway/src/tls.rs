//! TLS on the gateway listener (optional; plain HTTP is the default), with client certificates
//! (mTLS) as consumer credentials.
//!
//! rustls with the aws-lc-rs provider only (no `ring` in the tree), ALPN `h2` then `http/1.1`.
//! With `tls_client_ca_file` set, the server asks every client for a certificate and verifies
//! any it gets against those CAs (chain, validity, TLS client usage): an untrusted or expired
//! certificate fails the handshake. In the default [`ClientAuth::Optional`] mode a client may
//! send none, so API-key and OAuth consumers keep working over TLS; [`ClientAuth::Required`]
//! refuses them in the handshake. A verified certificate is only trusted, not yet a consumer:
//! `auth::cert` maps its fingerprint to an application through the registry.
//!
//! The handshake runs in the connection's own task under a deadline, so a client that opens a
//! socket and stalls never holds up the accept loop or anyone else. Files are read once, at
//! start; errors name the configuration key and say how to fix it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ServerConfig, WebPkiClientVerifier};
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// Whether clients must present a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// Asked for and verified when sent; clients without one authenticate by header.
    #[default]
    Optional,
    /// Every client must present a certificate from a trusted CA (no header-only clients).
    Required,
}

impl ClientAuth {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "optional" => Some(Self::Optional),
            "required" => Some(Self::Required),
            _ => None,
        }
    }
}

/// Where the listener's TLS material is (PEM files) and how clients are treated.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    /// The listener's certificate chain, leaf first.
    pub cert_file: PathBuf,
    /// The private key of the leaf (PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
    /// CAs that issue client certificates; `None`: no client certificates are asked for.
    pub client_ca_file: Option<PathBuf>,
    /// Only meaningful with `client_ca_file`.
    pub client_auth: ClientAuth,
    /// How long a client may take to finish the handshake (slow-client protection).
    pub handshake_timeout: Duration,
}

impl TlsConfig {
    pub fn new(cert_file: PathBuf, key_file: PathBuf) -> Self {
        Self {
            cert_file,
            key_file,
            client_ca_file: None,
            client_auth: ClientAuth::Optional,
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// Why the TLS material cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {key} {}: {source}; point it at a readable PEM file", path.display())]
    Read {
        key: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{key} {} is not usable: {why}", path.display())]
    Content {
        key: &'static str,
        path: PathBuf,
        why: String,
    },
    #[error(
        "gateway.tls_key_file does not fit gateway.tls_cert_file ({0}); the key must be the \
         private key of the first certificate in the chain"
    )]
    KeyMismatch(String),
    #[error("the TLS settings cannot be combined: {0}")]
    Settings(String),
}

/// What a loaded configuration amounts to, for `wadah config check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSummary {
    /// Certificates in the listener's chain.
    pub chain: usize,
    /// Trusted client-certificate CAs (0: client certificates are not asked for).
    pub client_cas: usize,
    pub client_auth: ClientAuth,
}

/// The verified certificate chain a client presented (leaf first), put into each request's
/// extensions by the accept loop, with the leaf's fingerprint computed once per connection.
#[derive(Debug, Clone)]
pub struct PeerCertificate {
    pub chain: Arc<[CertificateDer<'static>]>,
    /// SHA-256 of the leaf's DER (the registry's certificate-credential digest).
    pub fingerprint: [u8; 32],
}

/// The acceptor the listener wraps each connection in.
#[derive(Clone)]
pub(crate) struct Tls {
    acceptor: TlsAcceptor,
    handshake_timeout: Duration,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("handshake_timeout", &self.handshake_timeout)
            .finish_non_exhaustive()
    }
}

/// Reads and checks the files of `config`, as the gateway would at start.
pub fn check(config: &TlsConfig) -> Result<TlsSummary, TlsError> {
    load(config).map(|(_, summary)| summary)
}

pub(crate) fn acceptor(config: &TlsConfig) -> Result<Tls, TlsError> {
    let (server, _) = load(config)?;
    Ok(Tls {
        acceptor: TlsAcceptor::from(server),
        handshake_timeout: config.handshake_timeout,
    })
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn load(config: &TlsConfig) -> Result<(Arc<ServerConfig>, TlsSummary), TlsError> {
    if config.client_auth == ClientAuth::Required && config.client_ca_file.is_none() {
        return Err(TlsError::Settings(
            "gateway.tls_client_auth = \"required\" needs gateway.tls_client_ca_file (the CAs \
             that issue client certificates)"
                .into(),
        ));
    }
    let chain = certificates("gateway.tls_cert_file", &config.cert_file)?;
    let key = private_key(&config.key_file)?;
    let provider = provider();
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Settings(e.to_string()))?;
    let (builder, client_cas) = match &config.client_ca_file {
        None => (builder.with_no_client_auth(), 0),
        Some(path) => {
            let roots = client_roots(path)?;
            let count = roots.len();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = match config.client_auth {
                ClientAuth::Optional => verifier.allow_unauthenticated(),
                ClientAuth::Required => verifier,
            };
            let verifier = verifier.build().map_err(|e| TlsError::Content {
                key: "gateway.tls_client_ca_file",
                path: path.clone(),
                why: e.to_string(),
            })?;
            (builder.with_client_cert_verifier(verifier), count)
        }
    };
    let chain_len = chain.len();
    let mut server = builder
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::KeyMismatch(e.to_string()))?;
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let summary = TlsSummary {
        chain: chain_len,
        client_cas,
        client_auth: config.client_auth,
    };
    Ok((Arc::new(server), summary))
}

fn read(key: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        key,
        path: path.to_owned(),
        source,
    })
}

fn certificates(key: &'static str, path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let content = |why: String| TlsError::Content {
        key,
        path: path.to_owned(),
        why,
    };
    let pem = read(key, path)?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| content(format!("malformed PEM ({e})")))?;
    if chain.is_empty() {
        return Err(content(
            "it holds no certificate (-----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    Ok(chain)
}

fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let key = "gateway.tls_key_file";
    let pem = read(key, path)?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| TlsError::Content {
        key,
        path: path.to_owned(),
        why: format!(
            "it holds no usable private key ({e}); expected -----BEGIN PRIVATE KEY----- (PKCS#8), \
             RSA PRIVATE KEY or EC PRIVATE KEY"
        ),
    })
}

fn client_roots(path: &Path) -> Result<RootCertStore, TlsError> {
    let key = "gateway.tls_client_ca_file";
    let mut roots = RootCertStore::empty();
    for ca in certificates(key, path)? {
        roots.add(ca).map_err(|e| TlsError::Content {
            key,
            path: path.to_owned(),
            why: format!("a certificate in it is not a usable CA ({e})"),
        })?;
    }
    Ok(roots)
}

impl Tls {
    /// Finishes the handshake within the deadline; `None` (logged at debug) when the client
    /// failed it, stalled, or was refused (untrusted or expired certificate, plain HTTP…).
    pub(crate) async fn handshake(
        &self,
        stream: TcpStream,
    ) -> Option<(TlsStream<TcpStream>, Option<PeerCertificate>)> {
        let accepted = tokio::time::timeout(self.handshake_timeout, self.acceptor.accept(stream)).await;
        let stream = match accepted {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                crate::metrics::tls_handshake_failed("refused");
                tracing::debug!(error = %e, "gateway TLS handshake failed");
                return None;
            }
            Err(_) => {
                crate::metrics::tls_handshake_failed("timeout");
                tracing::debug!("gateway TLS handshake not finished in time");
                return None;
            }
        };
        let peer = stream.get_ref().1.peer_certificates().and_then(|chain| {
            let leaf = chain.first()?;
            Some(PeerCertificate {
                fingerprint: Sha256::digest(leaf.as_ref()).into(),
                chain: chain.iter().map(|c| c.clone().into_owned()).collect(),
            })
        });
        Some((stream, peer))
    }
}
