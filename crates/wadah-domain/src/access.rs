//! Access rights (Hak akses) and access requests (Permohonan akses). Deny by default: a consumer
//! may call a service only through a right the providing agency granted, for the whole consuming
//! agency or one of its applications, optionally narrowed to methods and path patterns, until it
//! expires. Requests carry the purpose and legal basis the provider decides on.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::ServiceRef;
use crate::text::{Description, Line};
use crate::{Code, Meta, Timestamp, ValidationError};

pub const MAX_METHODS: usize = 9;
pub const MAX_PATHS: usize = 20;

/// The consumer a right is for: one application, or every application of an agency when
/// `application` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsumerRef {
    pub agency: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<Code>,
}

/// An HTTP method a right may be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
}

/// A path pattern below the service's base path: segments separated by `/`, where `*` matches
/// one segment and a final `**` matches the rest (`/pegawai/*`, `/laporan/**`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "/pegawai/*")]
pub struct PathPattern(String);

impl PathPattern {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let err = |m: &str| Err(ValidationError::new("paths", format!("{m} (got {raw:?})")));
        if !raw.starts_with('/') || raw.len() > 200 {
            return err("a path pattern starts with '/' and has at most 200 characters");
        }
        let segments: Vec<&str> = raw[1..].split('/').collect();
        for (i, s) in segments.iter().enumerate() {
            if *s == "." || *s == ".." || s.contains('%') {
                return err("a path pattern has no '.', '..' or encoded segments");
            }
            if *s == "**" && i + 1 != segments.len() {
                return err("'**' may only end a path pattern");
            }
            if s.contains('*') && *s != "*" && *s != "**" {
                return err("'*' stands for a whole segment");
            }
            if !s.bytes().all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#') {
                return err("a path pattern holds no spaces, '?' or '#'");
            }
        }
        Ok(Self(raw.to_owned()))
    }

    /// Whether a normalised request path (below the service base) matches.
    pub fn matches(&self, path: &str) -> bool {
        let pattern: Vec<&str> = self.0[1..].split('/').collect();
        let actual: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        for (i, p) in pattern.iter().enumerate() {
            match *p {
                "**" => return true,
                "*" if actual.get(i).is_some_and(|a| !a.is_empty()) => {}
                lit if actual.get(i) == Some(&lit) => {}
                _ => return false,
            }
        }
        pattern.len() == actual.len()
    }
}

impl TryFrom<String> for PathPattern {
    type Error = ValidationError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<PathPattern> for String {
    fn from(v: PathPattern) -> Self {
        v.0
    }
}

/// What may be done under a right or asked for in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRightSpec {
    pub consumer: ConsumerRef,
    pub service: ServiceRef,
    /// Empty: every method.
    #[serde(default)]
    pub methods: Vec<Method>,
    /// Empty: every path of the service.
    #[serde(default)]
    pub paths: Vec<PathPattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Overrides the service's default limit for this consumer (requests per minute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 1000000)]
    pub limit_per_minute: Option<u32>,
}

impl AccessRightSpec {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.methods.len() > MAX_METHODS {
            return Err(ValidationError::new("methods", "too many methods"));
        }
        if self.paths.len() > MAX_PATHS {
            return Err(ValidationError::new(
                "paths",
                format!("at most {MAX_PATHS} patterns"),
            ));
        }
        if self
            .limit_per_minute
            .is_some_and(|l| !(1..=1_000_000).contains(&l))
        {
            return Err(ValidationError::new(
                "limit_per_minute",
                "must be between 1 and 1000000",
            ));
        }
        if self.consumer.agency == self.service.agency
            && self.consumer.application.as_ref() == Some(&self.service.application)
        {
            return Err(ValidationError::new(
                "consumer",
                "an application does not need a right to itself",
            ));
        }
        Ok(())
    }

    /// Whether the right admits this call, at this time (deny by default).
    pub fn admits(&self, method: Method, path: &str, now: Timestamp) -> bool {
        let in_time = self.expires_at.is_none_or(|t| t > now);
        let method_ok = self.methods.is_empty() || self.methods.contains(&method);
        let path_ok = self.paths.is_empty() || self.paths.iter().any(|p| p.matches(path));
        in_time && method_ok && path_ok
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccessRight {
    pub id: String,
    #[serde(flatten)]
    pub spec: AccessRightSpec,
    /// The access request this right was granted from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    pub meta: Meta,
}

/// A consumer's request for a right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequestSpec {
    /// The requesting application (requests are always for one application).
    pub consumer: ConsumerRef,
    pub service: ServiceRef,
    #[serde(default)]
    pub methods: Vec<Method>,
    #[serde(default)]
    pub paths: Vec<PathPattern>,
    /// Why the data is needed.
    pub purpose: Description,
    /// The regulation or agreement that allows the exchange.
    pub legal_basis: Line,
}

impl AccessRequestSpec {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.consumer.application.is_none() {
            return Err(ValidationError::new(
                "consumer",
                "name the requesting application",
            ));
        }
        if self.purpose.as_str().chars().count() < 10 {
            return Err(ValidationError::new(
                "purpose",
                "describe the purpose (at least 10 characters)",
            ));
        }
        if self.legal_basis.as_str().is_empty() {
            return Err(ValidationError::new("legal_basis", "name the legal basis"));
        }
        self.as_right(None, None).validate()
    }

    /// The right an approval grants.
    pub fn as_right(&self, expires_at: Option<Timestamp>, limit: Option<u32>) -> AccessRightSpec {
        AccessRightSpec {
            consumer: self.consumer.clone(),
            service: self.service.clone(),
            methods: self.methods.clone(),
            paths: self.paths.clone(),
            expires_at,
            limit_per_minute: limit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// The provider's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub approve: bool,
    /// Shown to the requester; required when rejecting.
    #[serde(default)]
    pub reason: Line,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_per_minute: Option<u32>,
}

impl Decision {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !self.approve && self.reason.as_str().is_empty() {
            return Err(ValidationError::new(
                "reason",
                "give the requester a reason for the rejection",
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccessRequest {
    pub id: String,
    #[serde(flatten)]
    pub spec: AccessRequestSpec,
    pub status: RequestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<crate::Actor>,
    #[serde(default)]
    pub reason: String,
    /// The right granted on approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<String>,
    pub meta: Meta,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_millis;

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    #[test]
    fn path_patterns_match_whole_segments() {
        let p = PathPattern::parse("/pegawai/*").unwrap();
        assert!(p.matches("/pegawai/123"));
        assert!(!p.matches("/pegawai/123/cuti"));
        assert!(!p.matches("/pegawai"));
        assert!(!p.matches("/pegawai-x/1"));
        let all = PathPattern::parse("/laporan/**").unwrap();
        assert!(all.matches("/laporan/2026/11"));
        for bad in ["pegawai", "/a/../b", "/a/%2e%2e", "/**/x", "/a*", "/a b"] {
            assert!(PathPattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rights_admit_only_their_methods_paths_and_time() {
        let right = AccessRightSpec {
            consumer: ConsumerRef {
                agency: code("dinsos"),
                application: Some(code("e-bansos")),
            },
            service: ServiceRef {
                agency: code("bpsdm"),
                application: code("simpeg"),
                service: code("pegawai"),
            },
            methods: vec![Method::Get],
            paths: vec![PathPattern::parse("/pegawai/*").unwrap()],
            expires_at: Some(from_millis(2_000)),
            limit_per_minute: None,
        };
        let now = from_millis(1_000);
        assert!(right.admits(Method::Get, "/pegawai/7", now));
        assert!(!right.admits(Method::Post, "/pegawai/7", now));
        assert!(!right.admits(Method::Get, "/gaji/7", now));
        assert!(!right.admits(Method::Get, "/pegawai/7", from_millis(2_000)));
    }
}
