//! Operator control of a running node by signal, so that no admin API is needed for it:
//! - `SIGUSR1`: enter drain (maintenance) mode: `/readyz` and the gateway's `/healthz` answer
//!   503 `draining`, so a load balancer moves traffic away; requests are still served.
//! - `SIGUSR2`: leave drain mode.
//! - `SIGHUP`: reload the configuration file and apply what can change safely while serving:
//!   `log.level` and `rate_limit.redis_unavailable`. Everything else (listeners, database,
//!   data dir, TLS files, evidence settings, Redis URL) needs a restart; a reload that finds
//!   an invalid file keeps the running configuration and says so.

use std::path::PathBuf;
use std::sync::Arc;

use wadah_gateway::cluster_limit::ClusterLimiter;
use wadah_web::NodeState;

use crate::config::Config;
use crate::runtime::LogReload;

/// What the signals act on.
#[derive(Debug, Clone)]
pub struct Control {
    pub node: NodeState,
    pub log: Option<LogReload>,
    /// Where the configuration came from (`serve --config`, `--data-dir`).
    pub config_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub limiter: Option<Arc<ClusterLimiter>>,
}

impl Control {
    /// Re-reads the configuration and applies the reloadable part.
    pub fn reload(&self) {
        let config = match Config::load(self.config_file.as_deref(), self.data_dir.as_deref()) {
            Ok(config) => config,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "configuration reload refused; the running configuration stays");
                return;
            }
        };
        if let Some(log) = &self.log
            && let Err(e) = log.set(&config.log_level)
        {
            tracing::warn!(error = %e, "cannot apply log.level");
        }
        if let (Some(limiter), Some(redis)) = (&self.limiter, config.rate_limit.redis.as_ref()) {
            limiter.set_policy(redis.unavailable);
        }
        tracing::info!(
            log_level = %config.log_level,
            "configuration reloaded (log.level, rate_limit.redis_unavailable); other keys apply at the next restart"
        );
    }
}

/// Listens for the control signals until the process ends.
#[cfg(unix)]
pub fn spawn(control: Control) {
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async move {
        let (Ok(mut hup), Ok(mut usr1), Ok(mut usr2)) = (
            signal(SignalKind::hangup()),
            signal(SignalKind::user_defined1()),
            signal(SignalKind::user_defined2()),
        ) else {
            tracing::warn!("cannot listen for SIGHUP/SIGUSR1/SIGUSR2; reload and drain by signal are off");
            return;
        };
        loop {
            tokio::select! {
                Some(()) = hup.recv() => control.reload(),
                Some(()) = usr1.recv() => {
                    control.node.set_draining(true);
                    tracing::info!("drain mode on: /readyz answers 503 draining; requests are still served");
                }
                Some(()) = usr2.recv() => {
                    control.node.set_draining(false);
                    tracing::info!("drain mode off: ready again");
                }
                else => return,
            }
        }
    });
}

#[cfg(not(unix))]
pub fn spawn(_control: Control) {}
