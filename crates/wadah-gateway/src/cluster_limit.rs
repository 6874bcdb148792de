//! Cluster-wide rate limits: one GCRA cell per (consumer, service) in Redis, shared by every
//! gateway node, updated by one atomic Lua script (so two nodes can never both take the last
//! slot). The local cell (`limit`) stays the fast path: a request the local limit already
//! refuses never costs a Redis round-trip, and only requests it admits are checked here.
//!
//! The script reads Redis's own clock (`TIME`), so nodes with skewed clocks still agree. A cell
//! is a single integer, the theoretical arrival time in µs, that expires once it no longer
//! matters. Every call has a deadline (`redis_timeout`); after a failure Redis is skipped for
//! [`BACKOFF`], so an outage costs at most one slow request per second per node, never one per
//! request. While Redis is unreachable the configured [`RedisUnavailable`] policy decides:
//! `fail_open` keeps the local limit alone (each node admits up to the limit), `fail_closed`
//! refuses with 503 `rate_limit_unavailable`. Metrics say which happened.

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use metrics::{counter, gauge, histogram};
use redis::aio::ConnectionManager;

/// How long Redis is skipped after a failed call.
pub const BACKOFF: Duration = Duration::from_secs(1);

pub const CHECKS: &str = "wadah_gateway_cluster_limit_checks_total";
pub const CHECK_DURATION: &str = "wadah_gateway_cluster_limit_check_seconds";
pub const REDIS_UP: &str = "wadah_gateway_redis_up";

/// GCRA over µs from Redis's clock. KEYS[1]: the cell; ARGV[1]: emission interval (µs);
/// ARGV[2]: burst tolerance (µs). Answers {allowed 0|1, retry-after µs, reset µs}.
const SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
if tat - now > tolerance then
  return {0, tat - now - tolerance, tat - now}
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.floor((next_tat - now) / 1000) + 1000)
return {1, 0, next_tat - now}
";

/// What to do while Redis cannot be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RedisUnavailable {
    /// Admit by the local limit alone (each node up to the full limit).
    #[default]
    FailOpen,
    /// Refuse with 503 `rate_limit_unavailable`.
    FailClosed,
}

impl RedisUnavailable {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "fail_open" => Some(Self::FailOpen),
            "fail_closed" => Some(Self::FailClosed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FailOpen => "fail_open",
            Self::FailClosed => "fail_closed",
        }
    }

    fn to_u8(self) -> u8 {
        match self {
            Self::FailOpen => 0,
            Self::FailClosed => 1,
        }
    }

    fn from_u8(v: u8) -> Self {
        if v == 1 { Self::FailClosed } else { Self::FailOpen }
    }
}

/// `[rate_limit]` as the gateway takes it.
#[derive(Clone)]
pub struct ClusterLimitConfig {
    /// `redis://[:password@]host:port[/db]` (or `rediss://`). Never logged.
    pub redis_url: String,
    pub unavailable: RedisUnavailable,
    /// The deadline of one check.
    pub timeout: Duration,
    /// Prefix of every key (several deployments can share one Redis).
    pub key_prefix: String,
}

impl std::fmt::Debug for ClusterLimitConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterLimitConfig")
            .field("unavailable", &self.unavailable)
            .field("timeout", &self.timeout)
            .field("key_prefix", &self.key_prefix)
            .finish_non_exhaustive()
    }
}

/// The answer of one cluster-wide check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Over the shared limit: retry after this many nanoseconds.
    Refused {
        retry_after_ns: u64,
    },
    /// Redis could not be asked; the policy decides.
    Unavailable(RedisUnavailable),
}

/// The shared limiter of one gateway.
pub struct ClusterLimiter {
    conn: ArcSwapOption<ConnectionManager>,
    script: redis::Script,
    policy: Arc<AtomicU8>,
    timeout: Duration,
    prefix: String,
    origin: Instant,
    /// ns since `origin` before which Redis is not asked (after a failure).
    skip_until_ns: AtomicU64,
}

impl std::fmt::Debug for ClusterLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterLimiter")
            .field("prefix", &self.prefix)
            .field("connected", &self.conn.load().is_some())
            .finish_non_exhaustive()
    }
}

impl ClusterLimiter {
    /// Checks the URL and starts connecting in the background (the gateway starts even while
    /// Redis is down; the policy covers the gap).
    pub fn start(config: &ClusterLimitConfig) -> Result<Arc<Self>, redis::RedisError> {
        let client = redis::Client::open(config.redis_url.as_str())?;
        let limiter = Arc::new(Self {
            conn: ArcSwapOption::empty(),
            script: redis::Script::new(SCRIPT),
            policy: Arc::new(AtomicU8::new(config.unavailable.to_u8())),
            timeout: config.timeout,
            prefix: config.key_prefix.clone(),
            origin: Instant::now(),
            skip_until_ns: AtomicU64::new(0),
        });
        gauge!(REDIS_UP).set(0.0);
        tokio::spawn(connect(client, Arc::downgrade(&limiter), config.timeout));
        Ok(limiter)
    }

    /// The policy, changeable at run time (configuration reload).
    pub fn policy(&self) -> RedisUnavailable {
        RedisUnavailable::from_u8(self.policy.load(Ordering::Relaxed))
    }

    pub fn set_policy(&self, policy: RedisUnavailable) {
        self.policy.store(policy.to_u8(), Ordering::Relaxed);
    }

    /// Counts one request of `consumer` on `service` against `per_minute` across the cluster.
    pub async fn check(&self, consumer: &str, service: &str, per_minute: u32) -> Verdict {
        let now = self.now_ns();
        let Some(conn) = self.conn.load_full() else {
            return self.unavailable("not_connected");
        };
        if now < self.skip_until_ns.load(Ordering::Relaxed) {
            return self.unavailable("backoff");
        }
        let limit = u64::from(per_minute.max(1));
        let interval = 60_000_000 / limit;
        let tolerance = interval * (limit - 1);
        let key = format!("{}{consumer} {service}", self.prefix);
        let mut conn = (*conn).clone();
        let started = Instant::now();
        let mut invocation = self.script.key(key);
        invocation.arg(interval).arg(tolerance);
        let call = invocation.invoke_async::<(u8, u64, u64)>(&mut conn);
        let answer = tokio::time::timeout(self.timeout, call).await;
        histogram!(CHECK_DURATION).record(started.elapsed().as_secs_f64());
        match answer {
            Ok(Ok((1, _, _))) => {
                gauge!(REDIS_UP).set(1.0);
                counter!(CHECKS, "outcome" => "allowed").increment(1);
                Verdict::Allowed
            }
            Ok(Ok((_, retry_us, _))) => {
                gauge!(REDIS_UP).set(1.0);
                counter!(CHECKS, "outcome" => "refused").increment(1);
                Verdict::Refused {
                    retry_after_ns: retry_us.saturating_mul(1000),
                }
            }
            Ok(Err(e)) => {
                self.failed(now);
                tracing::debug!(error = %e, "cluster rate limit: Redis call failed");
                self.unavailable("error")
            }
            Err(_) => {
                self.failed(now);
                self.unavailable("timeout")
            }
        }
    }

    fn failed(&self, now_ns: u64) {
        gauge!(REDIS_UP).set(0.0);
        let until = now_ns.saturating_add(u64::try_from(BACKOFF.as_nanos()).unwrap_or(u64::MAX));
        let before = self.skip_until_ns.swap(until, Ordering::Relaxed);
        if before <= now_ns {
            tracing::warn!(
                policy = self.policy().as_str(),
                "cluster rate limit: Redis does not answer; applying the fallback policy"
            );
        }
    }

    fn unavailable(&self, why: &'static str) -> Verdict {
        let policy = self.policy();
        counter!(CHECKS, "outcome" => "unavailable", "reason" => why, "policy" => policy.as_str())
            .increment(1);
        Verdict::Unavailable(policy)
    }

    fn now_ns(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// Connects (retrying every [`BACKOFF`]) until it succeeds or the limiter is gone; the
/// connection manager then reconnects by itself.
async fn connect(client: redis::Client, limiter: Weak<ClusterLimiter>, timeout: Duration) {
    let mut warned = false;
    loop {
        let attempt = tokio::time::timeout(
            timeout.max(Duration::from_secs(1)),
            ConnectionManager::new(client.clone()),
        )
        .await;
        let Some(target) = limiter.upgrade() else { return };
        match attempt {
            Ok(Ok(conn)) => {
                target.conn.store(Some(Arc::new(conn)));
                gauge!(REDIS_UP).set(1.0);
                tracing::info!("cluster rate limit: connected to Redis");
                return;
            }
            Ok(Err(e)) if !warned => {
                warned = true;
                tracing::warn!(error = %e, policy = target.policy().as_str(), "cluster rate limit: cannot connect to Redis yet; applying the fallback policy meanwhile");
            }
            _ => {}
        }
        drop(target);
        tokio::time::sleep(BACKOFF).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse_from_their_config_names() {
        for p in [RedisUnavailable::FailOpen, RedisUnavailable::FailClosed] {
            assert_eq!(RedisUnavailable::parse(p.as_str()), Some(p));
            assert_eq!(RedisUnavailable::from_u8(p.to_u8()), p);
        }
        assert_eq!(RedisUnavailable::parse("open"), None);
    }

    #[test]
    fn the_url_is_never_in_the_debug_output() {
        let c = ClusterLimitConfig {
            redis_url: "redis://:s3cret@127.0.0.1:6379".into(),
            unavailable: RedisUnavailable::FailOpen,
            timeout: Duration::from_millis(50),
            key_prefix: "wadah:rl:".into(),
        };
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
