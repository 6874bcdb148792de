//! Runs the two listeners, web and gateway, never mixed (DESIGN.md §1). `App::build` binds both
//! (port 0 in tests; a gateway-only node, `web.enabled = false`, binds no web listener) and
//! `run_until_stopped` serves until the shutdown future resolves. Shutdown then drains: the
//! node reports "draining" at once (`/readyz`, gateway `/healthz`), keeps serving for
//! `lifecycle.drain_delay_secs` so load balancers move traffic away, stops accepting, lets
//! requests in flight finish within `lifecycle.grace_period_secs`, and flushes the gateway's
//! evidence log with a signed checkpoint (CONVENTIONS 2).

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use wadah_domain::time::SystemClock;
use wadah_gateway::Gateway;
use wadah_seal::{KeyRing, MasterKey};
use wadah_store::Store;
use wadah_web::{AppState, NodeState, WebConfig};

use crate::config::Config;
use crate::runtime::OsRandom;

/// Latency buckets in seconds: sub-millisecond gateway work up to slow upstreams.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the process-wide Prometheus recorder (once) and returns its handle.
pub fn install_metrics() -> anyhow::Result<PrometheusHandle> {
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
        .context("invalid metric buckets")?
        .install_recorder()
        .context("cannot install the metrics recorder")
}

/// The bound listeners with their state, ready to serve.
pub struct App {
    /// `None` on a gateway-only node.
    listener: Option<TcpListener>,
    state: AppState,
    gateway: Gateway,
    node: NodeState,
    lifecycle: crate::cluster::Lifecycle,
}

impl App {
    pub async fn build(
        config: &Config,
        store: Arc<dyn Store>,
        metrics: PrometheusHandle,
    ) -> anyhow::Result<Self> {
        let listener = if config.web_enabled {
            Some(TcpListener::bind(config.web_listen).await.with_context(|| {
                format!(
                    "cannot listen on {} (web.listen): is another program using it?",
                    config.web_listen
                )
            })?)
        } else {
            None
        };
        let web = WebConfig {
            max_body_bytes: config.max_body_bytes,
            sessions: config.sessions.clone(),
            sso: config.sso.clone(),
            ..WebConfig::default()
        };
        let audit_dir = config.audit_dir();
        std::fs::create_dir_all(&audit_dir)
            .with_context(|| format!("cannot create the evidence log directory {}", audit_dir.display()))?;
        let keys = Arc::new(KeyRing::new(
            MasterKey::load_or_create(&config.master_key_file).context("cannot load the master key")?,
        ));
        let mut gateway_config = config.gateway_config();
        if !config.gateway.node_id_configured {
            gateway_config.node_id =
                crate::cluster::resolve_node_id(&config.data_dir, &config.gateway.node_id)?;
        }
        tracing::info!(node = %gateway_config.node_id, "this node's evidence log is named after it");
        let gateway = Gateway::build(
            gateway_config,
            store.clone(),
            Arc::new(SystemClock),
            Arc::new(OsRandom),
            keys.clone(),
        )
        .await
        .context("cannot start the gateway")?;
        let scheme = if config.gateway.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let web = WebConfig {
            gateway_url: format!("{scheme}://{}", gateway.local_addr()?),
            ..web
        };
        let node = NodeState::new(gateway.drain_flag(), Some(gateway.feed_status()))
            .with_upstreams(Arc::new(UpstreamView(gateway.circuits())))
            .with_web_apps(Arc::new(WebAppsView(gateway.web_apps())));
        let state = AppState::new(store, Arc::new(SystemClock), Arc::new(OsRandom), metrics, web)
            .with_keys(keys)
            .with_node(node.clone());
        Ok(Self {
            listener,
            state,
            gateway,
            node,
            lifecycle: config.lifecycle,
        })
    }

    pub fn gateway_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.gateway.local_addr()?)
    }

    pub fn web_addr(&self) -> anyhow::Result<SocketAddr> {
        match &self.listener {
            Some(listener) => Ok(listener.local_addr()?),
            None => anyhow::bail!("this node runs no web listener (web.enabled = false)"),
        }
    }

    /// The drain flag and the gateway's store status (for operator signals).
    pub fn node(&self) -> NodeState {
        self.node.clone()
    }

    /// The cluster-wide limiter, if configured (for a configuration reload).
    pub fn cluster_limit(&self) -> Option<Arc<wadah_gateway::cluster_limit::ClusterLimiter>> {
        self.gateway.cluster_limit()
    }

    /// Serves both listeners until `shutdown` resolves; both then drain (see the module docs).
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let wait = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        let App {
            listener,
            state,
            gateway,
            node,
            lifecycle,
        } = self;
        let web_stopped = stopped.clone();
        let web = async move {
            let Some(listener) = listener else {
                return Ok(());
            };
            // Public services' links are checked while the portal runs (handle kept alive).
            let _link_checker = wadah_web::link_check::spawn_for(&state);
            let router = wadah_web::router(state);
            let serve = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(wait(web_stopped.clone()))
            .into_future();
            // The web listener waits for its connections at most the grace period, too.
            let deadline = async {
                wait(web_stopped).await;
                tokio::time::sleep(lifecycle.grace_period).await;
            };
            tokio::select! {
                result = serve => result,
                () = deadline => {
                    tracing::warn!("web shutdown: requests still in flight after the grace period were cut");
                    Ok(())
                }
            }
        };
        let gateway = gateway.run_until_stopped(wait(stopped));
        let signal = async move {
            shutdown.await;
            node.set_draining(true);
            if !lifecycle.drain_delay.is_zero() {
                tracing::info!(
                    seconds = lifecycle.drain_delay.as_secs(),
                    "draining: reporting not ready while still serving, so load balancers move away"
                );
                tokio::time::sleep(lifecycle.drain_delay).await;
            }
            let _ = stop.send(true);
        };
        let (web, gateway, ()) = tokio::join!(web, gateway, signal);
        web.context("the web listener failed")?;
        gateway.context("the gateway listener failed")
    }
}

/// Ctrl-C or SIGTERM, listened for from the moment [`Shutdown::listen`] returns. Every server
/// of the process waits on the same `Shutdown`: a signal stream of tokio only sees signals
/// delivered after it was made, so one made per server, when that server first polls it,
/// missed a SIGTERM that came while the process was still starting. The first server stopped
/// and the others served on (a demo stopped right after its welcome hung).
pub struct Shutdown(tokio::sync::watch::Receiver<bool>);

impl Shutdown {
    /// Registers the signal handlers now; call it before announcing that the process serves.
    pub fn listen() -> anyhow::Result<Self> {
        let (tx, rx) = tokio::sync::watch::channel(false);
        let signalled = signalled()?;
        tokio::spawn(async move {
            signalled.await;
            tracing::info!("shutting down: finishing requests in flight");
            let _ = tx.send(true);
        });
        Ok(Self(rx))
    }

    /// Resolves once a signal has come (at once if it already has).
    pub fn requested(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.0.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    }
}

#[cfg(unix)]
fn signalled() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = interrupt.recv() => {},
        }
    })
}

#[cfg(not(unix))]
fn signalled() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// The gateway's circuits as the web crate's [`wadah_web::UpstreamHealth`] (the binary is the
/// only crate that knows both).
struct UpstreamView(wadah_gateway::CircuitView);

impl wadah_web::UpstreamHealth for UpstreamView {
    fn service_status(&self, service: &str) -> Option<(&'static str, &'static str)> {
        self.0.service_status(service)
    }
}

/// The gateway's forwarding to web applications as the web crate's
/// [`wadah_web::webapp::WebAppForwarder`].
struct WebAppsView(wadah_gateway::webapp::WebApps);

impl wadah_web::webapp::WebAppForwarder for WebAppsView {
    fn forward(
        &self,
        visit: wadah_web::webapp::WebVisit,
        request: axum::extract::Request,
    ) -> wadah_web::webapp::Forwarded {
        let apps = self.0.clone();
        let identity = wadah_gateway::webapp::WebIdentity {
            application: format!("{}/{}", visit.agency, visit.application),
            user: visit.user,
            name: visit.name,
            agency: visit.user_agency,
            roles: visit.roles,
            hidden_cookies: visit.hidden_cookies,
        };
        let visit = wadah_gateway::webapp::WebVisit {
            agency: visit.agency,
            application: visit.application,
            base_url: visit.base_url,
            rest: visit.rest,
            identity,
            client: visit.client,
        };
        Box::pin(async move { apps.forward(visit, request).await })
    }
}
