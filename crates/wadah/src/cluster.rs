//! The settings a node needs to run beside others: cluster-wide rate limits (`[rate_limit]`),
//! draining at shutdown (`[lifecycle]`), and the node's id, derived once and then kept in
//! `DATA_DIR/node-id` so that it never changes under an existing evidence log (each node's
//! hash chain is named by it).

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use sha2::Digest as _;
use wadah_gateway::{ClusterLimitConfig, RedisUnavailable};

use crate::config::{RawLifecycle, RawRateLimit, redact_url};

/// `[rate_limit]`, validated.
#[derive(Debug, Clone, Default)]
pub struct RateLimitSettings {
    /// `None`: each node limits on its own.
    pub redis: Option<ClusterLimitConfig>,
}

impl RateLimitSettings {
    /// What the gateway is given.
    pub fn gateway(&self) -> Option<ClusterLimitConfig> {
        self.redis.clone()
    }
}

/// `[lifecycle]`, validated.
#[derive(Debug, Clone, Copy)]
pub struct Lifecycle {
    /// After SIGTERM, how long the node reports "not ready" while still serving, so that load
    /// balancers stop sending it traffic before it stops accepting.
    pub drain_delay: Duration,
    /// Then how long requests in flight may take to finish.
    pub grace_period: Duration,
}

pub fn rate_limit_settings(raw: RawRateLimit) -> anyhow::Result<RateLimitSettings> {
    let Some(url) = raw.redis_url.filter(|u| !u.is_empty()) else {
        if raw.redis_unavailable.is_some() || raw.redis_timeout_ms.is_some() {
            // Harmless, but a sign the operator expects a shared limit that is not there.
            tracing::debug!("rate_limit settings without rate_limit.redis_url are ignored");
        }
        return Ok(RateLimitSettings::default());
    };
    if !(url.starts_with("redis://") || url.starts_with("rediss://")) || url.len() > 1024 {
        bail!(
            "rate_limit.redis_url must start with redis:// or rediss:// (got {})",
            redact_url(&url)
        );
    }
    let policy = raw.redis_unavailable.unwrap_or_else(|| "fail_open".into());
    let unavailable = RedisUnavailable::parse(&policy).with_context(|| {
        format!("rate_limit.redis_unavailable must be \"fail_open\" or \"fail_closed\" (got {policy:?})")
    })?;
    let timeout_ms = raw.redis_timeout_ms.unwrap_or(50);
    if !(1..=5000).contains(&timeout_ms) {
        bail!("rate_limit.redis_timeout_ms must be between 1 and 5000 (got {timeout_ms})");
    }
    let key_prefix = raw.redis_key_prefix.unwrap_or_else(|| "wadah:rl:".into());
    if key_prefix.len() > 64 || !key_prefix.bytes().all(|b| b.is_ascii_graphic()) {
        bail!("rate_limit.redis_key_prefix must be at most 64 visible characters (got {key_prefix:?})");
    }
    Ok(RateLimitSettings {
        redis: Some(ClusterLimitConfig {
            redis_url: url,
            unavailable,
            timeout: Duration::from_millis(timeout_ms),
            key_prefix,
        }),
    })
}

pub fn lifecycle_settings(raw: RawLifecycle) -> anyhow::Result<Lifecycle> {
    let delay = raw.drain_delay_secs.unwrap_or(0);
    if delay > 300 {
        bail!("lifecycle.drain_delay_secs must be between 0 and 300 (got {delay})");
    }
    let grace = raw.grace_period_secs.unwrap_or(30);
    if !(1..=3600).contains(&grace) {
        bail!("lifecycle.grace_period_secs must be between 1 and 3600 (got {grace})");
    }
    Ok(Lifecycle {
        drain_delay: Duration::from_secs(delay),
        grace_period: Duration::from_secs(grace),
    })
}

/// The file that keeps a derived node id.
const NODE_ID_FILE: &str = "node-id";

/// The node id to use when `gateway.node_id` is not set: the one kept in `DATA_DIR/node-id`;
/// else, for a data dir whose evidence log predates this file, the host name (the old
/// default, so the chain keeps its name); else the host name plus a short digest of the data
/// dir's path, so two nodes on one host differ. A new id is written to the file.
pub fn resolve_node_id(data_dir: &Path, host: &str) -> anyhow::Result<String> {
    let file = data_dir.join(NODE_ID_FILE);
    match std::fs::read_to_string(&file) {
        Ok(text) => {
            let id = text.trim().to_owned();
            if !valid(&id) {
                bail!(
                    "{} holds no valid node id (1 to 64 visible characters); fix or remove it",
                    file.display()
                );
            }
            return Ok(id);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
    }
    let id = if has_evidence(&data_dir.join("audit")) {
        host.to_owned()
    } else {
        let path = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        let digest = sha2::Sha256::digest(path.to_string_lossy().as_bytes());
        let short: String = hex::encode(digest).chars().take(8).collect();
        let base: String = host.chars().take(55).collect();
        format!("{base}-{short}")
    };
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    std::fs::write(&file, format!("{id}\n"))
        .with_context(|| format!("cannot keep the node id in {}", file.display()))?;
    Ok(id)
}

fn valid(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Whether the directory holds evidence segments already.
fn has_evidence(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.any(|e| e.is_ok_and(|e| e.path().is_file())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_id_is_kept_and_differs_between_data_dirs() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let id_a = resolve_node_id(a.path(), "gw").unwrap();
        let id_b = resolve_node_id(b.path(), "gw").unwrap();
        assert!(id_a.starts_with("gw-") && id_a != id_b, "{id_a} {id_b}");
        assert_eq!(resolve_node_id(a.path(), "other-host").unwrap(), id_a, "kept");
        std::fs::write(a.path().join("node-id"), "bad id\n").unwrap();
        assert!(resolve_node_id(a.path(), "gw").is_err());
    }

    #[test]
    fn an_existing_evidence_log_keeps_the_old_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("audit")).unwrap();
        std::fs::write(dir.path().join("audit/00000001.wal"), b"x").unwrap();
        assert_eq!(resolve_node_id(dir.path(), "gw").unwrap(), "gw");
    }

    #[test]
    fn redis_settings_are_checked() {
        let ok = rate_limit_settings(RawRateLimit {
            redis_url: Some("redis://127.0.0.1:6379".into()),
            redis_unavailable: Some("fail_closed".into()),
            ..RawRateLimit::default()
        })
        .unwrap();
        let redis = ok.redis.unwrap();
        assert_eq!(redis.unavailable, RedisUnavailable::FailClosed);
        assert_eq!(redis.timeout, Duration::from_millis(50));
        for (url, policy, needle) in [
            ("http://x", None, "rate_limit.redis_url"),
            ("redis://x", Some("sometimes"), "rate_limit.redis_unavailable"),
        ] {
            let err = rate_limit_settings(RawRateLimit {
                redis_url: Some(url.into()),
                redis_unavailable: policy.map(Into::into),
                ..RawRateLimit::default()
            })
            .unwrap_err();
            assert!(format!("{err:#}").contains(needle), "{err:#}");
        }
        assert!(
            rate_limit_settings(RawRateLimit::default())
                .unwrap()
                .redis
                .is_none()
        );
    }
}
