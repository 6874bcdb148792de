//! Active health checks: one probe loop per distinct upstream whose services ask for one
//! (`ServiceSpec::health_check`). A probe is a GET of the configured path through the
//! gateway's pooled client (2xx or 3xx: up), or without a path a TCP connection. After
//! `unhealthy_threshold` failures in a row the upstream is marked down, which opens its
//! circuit, so consumers get 503 `upstream_circuit_open` at once instead of waiting for their
//! own calls to fail; while it stays down every failed probe opens it again (restarting the
//! cool-down, so with an interval shorter than the cool-down no consumer request probes a
//! down upstream). After
//! `healthy_threshold` successes in a row it is up again and the circuit closes (an upstream
//! not yet judged is up after its first success).
//!
//! A supervisor follows the snapshot: when the registry version moves it starts loops for new
//! upstreams and stops those whose upstream or check went away. Dropping the [`Supervisor`]
//! (the gateway stopping) aborts the supervisor and with it every loop.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{Either, Full};
use tokio::task::AbortHandle;
use wadah_domain::health_check::HealthCheck;

use crate::Shared;
use crate::circuit::{self, Circuit, Health};
use crate::snapshot::Snapshot;
use crate::upstream::client::HttpsClient;

/// The longest a single probe may take (less when the interval is shorter).
const MAX_PROBE_TIME: Duration = Duration::from_secs(5);

/// Aborts its task when dropped.
#[derive(Debug)]
pub struct Supervisor(AbortHandle);

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One upstream to probe, and how.
#[derive(Debug, Clone)]
struct Target {
    circuit: Arc<Circuit>,
    check: HealthCheck,
    scheme: String,
    authority: String,
    /// The route's pooled client, so a probe trusts the same CAs as the calls it stands for.
    client: HttpsClient,
}

impl Target {
    fn same(&self, other: &Target) -> bool {
        Arc::ptr_eq(&self.circuit, &other.circuit) && self.check == other.check
    }
}

/// Starts the supervisor; it stops when the returned guard is dropped or the gateway is gone.
pub fn spawn(shared: Weak<Shared>) -> Supervisor {
    let task = tokio::spawn(supervise(shared));
    Supervisor(task.abort_handle())
}

async fn supervise(shared: Weak<Shared>) {
    let mut running: HashMap<String, (Target, Supervisor)> = HashMap::new();
    let mut seen_version = None;
    loop {
        let Some(gw) = shared.upgrade() else { return };
        let snapshot = gw.snapshot.load_full();
        let pause = gw.config.refresh_interval;
        drop(gw);
        if seen_version != Some(snapshot.version) {
            seen_version = Some(snapshot.version);
            let wanted = targets(&snapshot);
            running.retain(|name, (target, _)| wanted.get(name).is_some_and(|w| w.same(target)));
            for (name, target) in wanted {
                if let std::collections::hash_map::Entry::Vacant(slot) = running.entry(name) {
                    let task = tokio::spawn(probe_loop(shared.clone(), target.clone()));
                    slot.insert((target, Supervisor(task.abort_handle())));
                }
            }
        }
        tokio::time::sleep(pause).await;
    }
}

/// Each upstream with a check, configured by the first of its services (by path) that has one.
fn targets(snapshot: &Snapshot) -> HashMap<String, Target> {
    let mut routes: Vec<_> = snapshot.routes().collect();
    routes.sort_by(|a, b| a.key.cmp(&b.key));
    let mut out = HashMap::new();
    for route in routes {
        let (Some(check), Some(circuit), Some(upstream)) =
            (&route.health_check, &route.circuit, &route.upstream)
        else {
            continue;
        };
        out.entry(circuit.upstream.clone()).or_insert_with(|| Target {
            circuit: circuit.clone(),
            check: check.clone(),
            scheme: upstream.scheme.clone(),
            authority: upstream.authority.clone(),
            client: route.client.clone(),
        });
    }
    out
}

async fn probe_loop(shared: Weak<Shared>, target: Target) {
    let interval = Duration::from_millis(u64::from(target.check.interval_ms));
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut ups, mut downs) = (0u32, 0u32);
    loop {
        ticker.tick().await;
        let Some(gw) = shared.upgrade() else { return };
        let up = probe(&target, interval.min(MAX_PROBE_TIME)).await;
        if up {
            (ups, downs) = (ups.saturating_add(1), 0);
        } else {
            (ups, downs) = (0, downs.saturating_add(1));
        }
        let now = circuit::now_ms(gw.origin);
        let current = target.circuit.health();
        if !up && downs >= target.check.unhealthy_threshold {
            if current != Health::Down {
                tracing::warn!(upstream = %target.circuit.upstream, "health check: upstream down");
            }
            target.circuit.set_health(Health::Down, now);
        } else if up
            && current != Health::Up
            && (current == Health::Unknown || ups >= target.check.healthy_threshold)
        {
            tracing::info!(upstream = %target.circuit.upstream, "health check: upstream up");
            target.circuit.set_health(Health::Up, now);
        }
    }
}

async fn probe(target: &Target, limit: Duration) -> bool {
    let attempt = async {
        match &target.check.path {
            Some(path) => {
                let uri = format!("{}://{}{path}", target.scheme, target.authority);
                let Ok(req) = hyper::Request::get(uri)
                    .header(hyper::header::USER_AGENT, "wadah-health-check")
                    .body(Either::Left(Full::new(Bytes::new())))
                else {
                    return false;
                };
                match target.client.request(req).await {
                    Ok(response) => response.status().is_success() || response.status().is_redirection(),
                    Err(_) => false,
                }
            }
            None => tokio::net::TcpStream::connect(socket_name(&target.scheme, &target.authority))
                .await
                .is_ok(),
        }
    };
    tokio::time::timeout(limit, attempt).await.unwrap_or(false)
}

/// `host:port`, with the scheme's default port when the URL names none.
fn socket_name(scheme: &str, authority: &str) -> String {
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    if has_port {
        authority.to_owned()
    } else if scheme == "https" {
        format!("{authority}:443")
    } else {
        format!("{authority}:80")
    }
}

#[cfg(test)]
mod tests {
    use super::socket_name;

    #[test]
    fn a_missing_port_is_the_schemes_default() {
        assert_eq!(
            socket_name("http", "simpeg.bontang.go.id"),
            "simpeg.bontang.go.id:80"
        );
        assert_eq!(socket_name("https", "api.go.id"), "api.go.id:443");
        assert_eq!(socket_name("http", "127.0.0.1:8099"), "127.0.0.1:8099");
        assert_eq!(socket_name("http", "[::1]:81"), "[::1]:81");
        assert_eq!(socket_name("http", "[::1]"), "[::1]:80");
    }
}
