//! [`Gateway`]: builds everything the listener needs (first snapshot, refresher, evidence log,
//! upstream clients, TLS acceptor if configured), binds, and serves until told to stop, then
//! drains in-flight requests and flushes the evidence log. `router()` is the same service
//! without a socket, for tests. With TLS, each connection's handshake runs in its own task
//! (see `tls`), never in the accept loop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::server::graceful::Watcher;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tower::Service as _;
use wadah_domain::Clock;
use wadah_domain::secret::Random;
use wadah_seal::KeyRing;
use wadah_store::{FeedStatus, Store, StoreError};

use crate::audit::AuditLog;
use crate::audit::signing::Signer;
use crate::circuit::CircuitView;
use crate::config::GatewayConfig;
use crate::pipeline::ClientAddr;
use crate::problem::{Code, GatewayError};
use crate::tls::{PeerCertificate, Tls, TlsError};
use crate::upstream::Upstreams;
use crate::upstream::client::Clients;
use crate::{Shared, directory, health, keys, metrics, pipeline, refresh, request_id, tls, token};

/// How long a stopping gateway waits for the evidence index to catch up.
const SHUTDOWN_INDEX_LIMIT: Duration = Duration::from_secs(5);

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr} (gateway.listen): {source}; is another program using it?")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot load the registry for the gateway: {0}")]
    Store(#[from] StoreError),
    #[error("cannot start the evidence log writer: {0}")]
    Audit(std::io::Error),
    #[error("cannot load or create the token signing keys: {0}")]
    Keys(#[from] keys::KeyError),
    #[error("cannot set up TLS on the gateway listener: {0}")]
    Tls(#[from] TlsError),
    #[error("rate_limit.redis_url is not usable: {0}")]
    RateLimit(String),
}

/// The bound gateway listener, ready to serve.
pub struct Gateway {
    listener: TcpListener,
    tls: Option<Tls>,
    shared: Arc<Shared>,
    /// The active health checks; dropped (stopped) with the gateway.
    _health: health::Supervisor,
    web_apps: crate::webapp::WebApps,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("listen", &self.listener.local_addr().ok())
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// Loads the first snapshot and the signing keys (creating the first key in an empty
    /// store), starts their refreshers and the evidence log, and binds
    /// `config.listen` (port 0 picks a free port). An evidence directory that cannot be
    /// written does not stop the start: strict mode then refuses traffic with 503 until it can.
    pub async fn build(
        config: GatewayConfig,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn Random>,
        keys: Arc<KeyRing>,
    ) -> Result<Self, StartError> {
        let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
        let upstreams = Arc::new(Upstreams {
            keys: keys.clone(),
            clients: Clients::load(),
        });
        let web_client = upstreams.clients.default_client();
        let first = refresh::initial(store.as_ref(), &upstreams).await?;
        let snapshot = Arc::new(ArcSwap::from_pointee(first));
        let feed = Arc::new(FeedStatus::default());
        feed.reached(snapshot.load().version, clock.now().timestamp_millis());
        let refresher = refresh::Refresher {
            store: store.clone(),
            upstreams,
            interval: config.refresh_interval,
            status: feed.clone(),
            clock: clock.clone(),
        };
        refresh::spawn(refresher, Arc::downgrade(&snapshot));
        let signer = Signer::load_or_create(store.as_ref(), &keys, &config.node_id, clock.as_ref()).await?;
        let audit = AuditLog::start(&config, clock.clone(), Arc::new(signer), Some(store.clone()))
            .map_err(StartError::Audit)?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.listen,
                source,
            })?;
        let issuer = match &config.oauth.issuer {
            Some(issuer) => issuer.clone(),
            None => format!("http://{}", listener.local_addr().unwrap_or(config.listen)),
        };
        let first = keys::refresh(store.as_ref(), &keys, &config.oauth, &issuer, clock.now(), None).await?;
        let signing = Arc::new(ArcSwap::from_pointee(first));
        keys::spawn(
            store.clone(),
            keys.clone(),
            clock.clone(),
            config.oauth.clone(),
            Arc::downgrade(&signing),
        );
        let cluster_limit = config
            .cluster_limit
            .as_ref()
            .map(crate::cluster_limit::ClusterLimiter::start)
            .transpose()
            .map_err(|e| StartError::RateLimit(e.to_string()))?;
        let shared = Shared {
            config,
            clock,
            random,
            snapshot,
            audit,
            signing,
            throttle: token::Throttle::default(),
            origin: Instant::now(),
            feed,
            draining: Arc::new(AtomicBool::new(false)),
            cluster_limit,
        };
        let shared = Arc::new(shared);
        let health = health::spawn(Arc::downgrade(&shared));
        let web_apps = crate::webapp::WebApps::new(shared.clone(), web_client);
        Ok(Self {
            listener,
            tls,
            shared,
            _health: health,
            web_apps,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// What the snapshot refresher last heard from the store (for `/readyz`).
    pub fn feed_status(&self) -> Arc<FeedStatus> {
        self.shared.feed.clone()
    }

    /// The drain flag: while set, `/healthz` answers 503 `draining` (requests are still
    /// served), so a load balancer moves new traffic to other nodes.
    pub fn drain_flag(&self) -> Arc<AtomicBool> {
        self.shared.draining.clone()
    }

    /// The cluster-wide limiter, when `[rate_limit] redis_url` is set (for a configuration
    /// reload of its fallback policy).
    pub fn cluster_limit(&self) -> Option<Arc<crate::cluster_limit::ClusterLimiter>> {
        self.shared.cluster_limit.clone()
    }

    /// Identity-aware forwarding to web applications, for the web listener (`webapp`).
    pub fn web_apps(&self) -> crate::webapp::WebApps {
        self.web_apps.clone()
    }

    /// The evidence log (to flush it, e.g. before reading it in a test).
    pub fn audit(&self) -> AuditLog {
        self.shared.audit.clone()
    }

    /// The upstreams' circuits and health, as the metrics show them (for tests and tools).
    pub fn circuits(&self) -> CircuitView {
        CircuitView::new(self.shared.snapshot.clone())
    }

    /// The gateway's routes: `/healthz`, the directory, and the pipeline for everything else.
    pub fn router(&self) -> Router {
        router(self.shared.clone())
    }

    /// Serves until `shutdown` resolves, then stops accepting, lets requests in flight finish
    /// (up to `drain_timeout`, 30 s by default) and makes the evidence log durable, ending it with a signed checkpoint,
    /// then ships what the store's evidence index has not seen yet (bounded).
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let router = self.router();
        let builder = Arc::new(connection_builder(&self.shared.config));
        let graceful = GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => {
                    let (stream, addr) = match accepted {
                        Ok(pair) => pair,
                        Err(e) => {
                            // Out of file descriptors and the like: back off instead of spinning.
                            tracing::warn!(error = %e, "gateway accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    };
                    let connection = Connection {
                        router: router.clone(),
                        builder: builder.clone(),
                        watcher: graceful.watcher(),
                        addr,
                        audit: self.shared.audit.clone(),
                    };
                    tokio::spawn(connection.serve(stream, self.tls.clone()));
                }
                () = &mut shutdown => break,
            }
        }
        drop(self.listener);
        self.shared.draining.store(true, Ordering::Release);
        let grace = self.shared.config.drain_timeout;
        if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
            tracing::warn!(
                "gateway shutdown: requests still in flight after {} s were cut",
                grace.as_secs()
            );
        }
        self.shared.audit.close_window().await;
        if let Err(e) = self.shared.audit.checkpoint().await {
            tracing::error!(error = %e, "the evidence log could not be flushed at shutdown");
        }
        // Ship the tail to the store's evidence index now, so a cleanly stopped node leaves
        // nothing unshipped; bounded, since the store may be the reason for the stop (what is
        // left ships at the next start).
        match tokio::time::timeout(SHUTDOWN_INDEX_LIMIT, self.shared.audit.index_now()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "the evidence index could not catch up at shutdown; it resumes at the next start")
            }
            Err(_) => tracing::warn!(
                "the evidence index did not catch up at shutdown in time; it resumes at the next start"
            ),
        }
        Ok(())
    }
}

/// One accepted connection: its TLS handshake (if any), then HTTP until it ends.
struct Connection {
    router: Router,
    builder: Arc<auto::Builder<TokioExecutor>>,
    watcher: Watcher,
    addr: SocketAddr,
    /// Where heads that hyper refuses itself are counted (see [`malformed`]).
    audit: AuditLog,
}

impl Connection {
    async fn serve(self, stream: TcpStream, tls: Option<Tls>) {
        match tls {
            None => self.http(stream, None).await,
            Some(tls) => {
                if let Some((stream, peer)) = tls.handshake(stream).await {
                    self.http(stream, peer).await;
                }
            }
        }
    }

    async fn http<S>(self, io: S, peer: Option<PeerCertificate>)
    where
        S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        let Self {
            router,
            builder,
            watcher,
            addr,
            audit,
        } = self;
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ClientAddr(addr));
            if let Some(peer) = &peer {
                req.extensions_mut().insert(peer.clone());
            }
            router.clone().call(req)
        });
        let conn = builder.serve_connection(TokioIo::new(io), service).into_owned();
        if let Err(e) = watcher.watch(conn).await {
            if let Some(code) = malformed(e.as_ref()) {
                metrics::rejected(code);
                audit.reject(code, None, None);
            }
            tracing::debug!(error = %e, "gateway connection ended with an error");
        }
    }
}

/// The refusal code of a connection that hyper ended because the request head broke HTTP/1.1
/// framing (conflicting lengths, obs-fold, chunking on HTTP/1.0, a head over hyper's cap…).
/// hyper answers those with a bare 400 or 431 before any phase runs, so no problem document
/// can be sent; counting them here keeps the metrics exact and puts them into the aggregated
/// refusal record, like every other refusal of an unauthenticated caller.
fn malformed(error: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    let mut source = Some(error);
    while let Some(e) = source {
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            return if h.is_parse_too_large() {
                Some("headers_too_large")
            } else if h.is_parse() || h.is_parse_status() {
                Some("malformed_request")
            } else {
                None
            };
        }
        source = e.source();
    }
    None
}

fn connection_builder(config: &GatewayConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // hyper's own caps are twice ours, so a moderate excess reaches the pipeline and gets a
    // problem document (431 `headers_too_large`); a huge head is cut by hyper (a bare 431).
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .max_headers(config.max_headers.saturating_mul(2))
        .max_buf_size((config.max_header_bytes * 2).max(16 * 1024));
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(config.max_header_bytes).unwrap_or(u32::MAX));
    builder
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/oauth2/token", post(token::issue).fallback(token::wrong_method))
        .route("/.well-known/jwks.json", get(keys::jwks))
        .route("/_wadah/services", get(directory::services))
        .route(
            "/_wadah/services/{agency}/{application}/{service}/openapi",
            get(directory::openapi),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(pipeline::handle)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            request_id::layer,
        ))
        .with_state(shared)
}

/// Alive; `degraded` (still 200: it serves) while the store is unreachable and the snapshot
/// may be stale; 503 `draining` in drain mode, so a load balancer stops sending traffic.
async fn healthz(State(shared): State<Arc<Shared>>) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    if shared.draining.load(Ordering::Acquire) {
        return GatewayError::new(
            Code::Draining,
            "this node is draining; send new requests to another node",
        )
        .into_response();
    }
    let (status, store) = if shared.feed.is_reachable() {
        ("ok", "reachable")
    } else {
        ("degraded", "unreachable")
    };
    axum::Json(serde_json::json!({
        "status": status,
        "store": store,
        "registry_version": shared.snapshot.load().version,
    }))
    .into_response()
}

async fn method_not_allowed() -> GatewayError {
    GatewayError::new(Code::MethodNotAllowed, "this gateway endpoint only answers GET")
}
