//! Active health checks of a service's upstream, as the provider configures them: what the
//! gateway probes, how often, and how many results in a row change its verdict. The gateway
//! runs one probe loop per distinct upstream (scheme + host + port); when several services
//! share an upstream, the first of them (by path) that configures a check decides it.
//! Bounds are checked here, once, so the gateway never sees an interval of zero.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ValidationError;

pub const MIN_INTERVAL_MS: u32 = 200;
pub const MAX_INTERVAL_MS: u32 = 300_000;
pub const MAX_THRESHOLD: u32 = 10;
pub const MAX_PATH_BYTES: usize = 256;

fn default_interval_ms() -> u32 {
    10_000
}

fn default_unhealthy() -> u32 {
    3
}

fn default_healthy() -> u32 {
    2
}

/// How the gateway probes an upstream.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// A path on the upstream host (from its root, e.g. `/health`) answered with 2xx or 3xx
    /// when the upstream is up. Without one, the probe opens a TCP connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 256, example = "/health")]
    pub path: Option<String>,
    /// Time between probes, 200 ms – 300 s.
    #[serde(default = "default_interval_ms")]
    #[schema(minimum = 200, maximum = 300000)]
    pub interval_ms: u32,
    /// Failed probes in a row that mark the upstream down (its circuit opens), 1 – 10.
    #[serde(default = "default_unhealthy")]
    #[schema(minimum = 1, maximum = 10)]
    pub unhealthy_threshold: u32,
    /// Successful probes in a row that mark a down upstream up again, 1 – 10.
    #[serde(default = "default_healthy")]
    #[schema(minimum = 1, maximum = 10)]
    pub healthy_threshold: u32,
}

impl HealthCheck {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !(MIN_INTERVAL_MS..=MAX_INTERVAL_MS).contains(&self.interval_ms) {
            return Err(ValidationError::new(
                "health_check.interval_ms",
                format!("must be between {MIN_INTERVAL_MS} and {MAX_INTERVAL_MS}"),
            ));
        }
        for (field, value) in [
            ("health_check.unhealthy_threshold", self.unhealthy_threshold),
            ("health_check.healthy_threshold", self.healthy_threshold),
        ] {
            if !(1..=MAX_THRESHOLD).contains(&value) {
                return Err(ValidationError::new(
                    field,
                    format!("must be between 1 and {MAX_THRESHOLD}"),
                ));
            }
        }
        if let Some(path) = &self.path {
            let visible = path.bytes().all(|b| b.is_ascii_graphic() && b != b'#');
            if !path.starts_with('/') || path.len() > MAX_PATH_BYTES || !visible {
                return Err(ValidationError::new(
                    "health_check.path",
                    format!(
                        "must start with / and have at most {MAX_PATH_BYTES} visible ASCII characters (no #)"
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn check(v: serde_json::Value) -> Result<HealthCheck, String> {
        let c: HealthCheck = serde_json::from_value(v).map_err(|e| e.to_string())?;
        c.validate().map_err(|e| e.field.to_owned())?;
        Ok(c)
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let c = check(serde_json::json!({})).unwrap();
        assert_eq!(
            (c.path, c.interval_ms, c.unhealthy_threshold, c.healthy_threshold),
            (None, 10_000, 3, 2)
        );
    }

    #[test]
    fn out_of_bounds_values_name_their_field() {
        for (body, field) in [
            (serde_json::json!({"interval_ms": 0}), "health_check.interval_ms"),
            (
                serde_json::json!({"interval_ms": 300_001}),
                "health_check.interval_ms",
            ),
            (
                serde_json::json!({"unhealthy_threshold": 0}),
                "health_check.unhealthy_threshold",
            ),
            (
                serde_json::json!({"healthy_threshold": 11}),
                "health_check.healthy_threshold",
            ),
            (serde_json::json!({"path": "health"}), "health_check.path"),
            (serde_json::json!({"path": "/a b"}), "health_check.path"),
            (
                serde_json::json!({"path": format!("/{}", "a".repeat(256))}),
                "health_check.path",
            ),
        ] {
            assert_eq!(check(body.clone()).unwrap_err(), field, "{body}");
        }
        assert!(check(serde_json::json!({"surprise": 1})).is_err());
    }
}
