//! Services (Layanan API): one API of an application, reachable through the gateway at
//! `/{agency}/{application}/{service}/…` and forwarded to its upstream base URL.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::application::WebUrl;
use crate::health_check::HealthCheck;
use crate::openapi::OpenApiDocument;
use crate::text::{Description, Name};
use crate::upstream::CaBundle;
use crate::{Code, Meta, ValidationError};

/// Who may discover the service in the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Listed for every agency's developers (access still needs a right).
    Public,
    /// Listed only inside the owning agency.
    Internal,
}

/// The data classification of what the service returns (Perpres 39/2019 Satu Data terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    Terbuka,
    Terbatas,
    Rahasia,
}

pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
pub const DEFAULT_LIMIT_PER_MINUTE: u32 = 1_000;

fn default_timeout_ms() -> u32 {
    DEFAULT_TIMEOUT_MS
}

fn default_limit() -> u32 {
    DEFAULT_LIMIT_PER_MINUTE
}

/// A service as its agency writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Unique within the application.
    pub code: Code,
    pub name: Name,
    #[serde(default)]
    pub description: Description,
    /// Where the gateway forwards calls (http or https); the rest of the path is appended.
    pub upstream_url: WebUrl,
    /// The OpenAPI 3.x document (JSON or YAML text), stored verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openapi: Option<OpenApiDocument>,
    pub visibility: Visibility,
    pub classification: Classification,
    /// Total time the gateway waits for the upstream, 100 ms – 120 s.
    #[serde(default = "default_timeout_ms")]
    #[schema(minimum = 100, maximum = 120000)]
    pub timeout_ms: u32,
    /// Requests per minute per consumer unless a right says otherwise, 1 – 1,000,000.
    #[serde(default = "default_limit")]
    #[schema(minimum = 1, maximum = 1000000)]
    pub default_limit_per_minute: u32,
    /// PEM CA certificates trusted for an `https://` upstream besides the system's roots
    /// (e.g. a government intranet's private CA); at most 64 KiB and 16 certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_ca_pem: Option<CaBundle>,
    /// Active health checks of the upstream (none: only failed calls open its circuit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<HealthCheck>,
}

impl ServiceSpec {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !(100..=120_000).contains(&self.timeout_ms) {
            return Err(ValidationError::new(
                "timeout_ms",
                "must be between 100 and 120000",
            ));
        }
        if !(1..=1_000_000).contains(&self.default_limit_per_minute) {
            return Err(ValidationError::new(
                "default_limit_per_minute",
                "must be between 1 and 1000000",
            ));
        }
        if let Some(check) = &self.health_check {
            check.validate()?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Service {
    pub agency: Code,
    pub application: Code,
    #[serde(flatten)]
    pub spec: ServiceSpec,
    pub meta: Meta,
}

/// A service named by its three codes, as in a gateway route.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRef {
    pub agency: Code,
    pub application: Code,
    pub service: Code,
}

impl std::fmt::Display for ServiceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.agency, self.application, self.service)
    }
}
