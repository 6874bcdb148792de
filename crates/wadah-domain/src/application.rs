//! Applications (Aplikasi SPBE): a system run by one agency, which can provide services and
//! consume others. They carry what the SPBE architecture and an application portfolio need:
//! kind and RAA code, lifecycle with dates, owners and audience.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::text::{Description, Line, Name};
use crate::{Code, Meta, ValidationError};

/// *Aplikasi umum* (shared, mandated nationally) or *aplikasi khusus* (built for one agency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationKind {
    Umum,
    Khusus,
}

/// Where an application stands in its life, as portfolio tools (LeanIX, Archi) model it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LifecycleStage {
    Plan,
    PhaseIn,
    Active,
    PhaseOut,
    EndOfLife,
}

impl LifecycleStage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plan => "plan",
            Self::PhaseIn => "phase-in",
            Self::Active => "active",
            Self::PhaseOut => "phase-out",
            Self::EndOfLife => "end-of-life",
        }
    }
}

/// The lifecycle: the current stage and the dates each stage began (or is planned to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    pub stage: LifecycleStage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_in: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_out: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_life: Option<NaiveDate>,
}

impl Lifecycle {
    /// Dates must follow the order of the stages.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let dates = [self.phase_in, self.active, self.phase_out, self.end_of_life];
        let known: Vec<NaiveDate> = dates.into_iter().flatten().collect();
        if known.windows(2).any(|w| w[0] > w[1]) {
            return Err(ValidationError::new(
                "lifecycle",
                "stage dates must not go backwards (phase_in ≤ active ≤ phase_out ≤ end_of_life)",
            ));
        }
        Ok(())
    }
}

/// Who the application is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Citizens and businesses: shown in the public portal.
    Public,
    /// Civil servants (ASN): shown in the staff portal.
    Asn,
    /// Back-office only.
    Internal,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Asn => "asn",
            Self::Internal => "internal",
        }
    }
}

/// A reference-architecture code such as `RAA.02.01` (DESIGN.md §2): a domain prefix, then
/// two-digit levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "RAA.02.01")]
pub struct RefCode(String);

impl RefCode {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let mut parts = raw.split('.');
        let prefix = parts.next().unwrap_or_default();
        let levels: Vec<&str> = parts.collect();
        let prefix_ok = ["RAB", "RAD", "RAL", "RAA", "RAI", "RAK"].contains(&prefix);
        let levels_ok = !levels.is_empty()
            && levels.len() <= 6
            && levels
                .iter()
                .all(|l| l.len() == 2 && l.bytes().all(|b| b.is_ascii_digit()));
        if prefix_ok && levels_ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                field,
                format!("expected a reference code like RAA.02.01 (got {raw:?})"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RefCode {
    type Error = ValidationError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse("raa_code", &raw)
    }
}

impl From<RefCode> for String {
    fn from(v: RefCode) -> Self {
        v.0
    }
}

/// An http(s) URL of at most 2,000 characters, with a host and without user info.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "https://simpeg.bontangkota.go.id/")]
pub struct WebUrl(String);

impl WebUrl {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        if raw.len() > 2000 {
            return Err(ValidationError::new(field, "a URL has at most 2000 characters"));
        }
        let url =
            url::Url::parse(raw).map_err(|e| ValidationError::new(field, format!("not a valid URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ValidationError::new(
                field,
                "only http and https URLs are accepted",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(ValidationError::new(field, "the URL must name a host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ValidationError::new(
                field,
                "credentials do not belong in a URL; configure upstream credentials instead",
            ));
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for WebUrl {
    type Error = ValidationError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse("url", &raw)
    }
}

impl From<WebUrl> for String {
    fn from(v: WebUrl) -> Self {
        v.0
    }
}

/// An application as an administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationSpec {
    /// Unique within the agency.
    pub code: Code,
    pub name: Name,
    #[serde(default)]
    pub description: Description,
    pub kind: ApplicationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raa_code: Option<RefCode>,
    pub lifecycle: Lifecycle,
    /// The unit or position accountable for the application (not a personal name).
    #[serde(default)]
    pub business_owner: Line,
    /// How to reach the technical team (a role mailbox is better than a person).
    #[serde(default)]
    pub technical_contact: Line,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
    /// Set for a *web application*: the base URL Wadah forwards signed-in people to (usually
    /// an internal address). The application is then reachable at
    /// `/app/{agency}/{code}/…` on the web listener only with a portal session, and receives
    /// the verified identity (see `docs/sso.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_upstream: Option<WebUrl>,
    pub audience: Audience,
    /// Sample data loaded by `wadah demo`, not a real system.
    #[serde(default)]
    pub sample: bool,
}

impl ApplicationSpec {
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.lifecycle.validate()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Application {
    /// The owning agency's code.
    pub agency: Code,
    #[serde(flatten)]
    pub spec: ApplicationSpec,
    pub meta: Meta,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_codes_follow_the_national_format() {
        assert!(RefCode::parse("raa_code", "RAA.02.01").is_ok());
        assert!(RefCode::parse("raa_code", "RAB.04").is_ok());
        for bad in ["RAA", "RAX.01", "RAA.1", "RAA.01.x", "raa.01"] {
            assert!(RefCode::parse("raa_code", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_must_be_http_with_a_host_and_no_credentials() {
        assert!(WebUrl::parse("url", "https://simpeg.example.go.id/x").is_ok());
        for bad in [
            "ftp://x.id/",
            "javascript:alert(1)",
            "https://u:p@x.id/",
            "not a url",
            "file:///etc/passwd",
        ] {
            assert!(WebUrl::parse("url", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lifecycle_dates_must_not_go_backwards() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let mut l = Lifecycle {
            stage: LifecycleStage::Active,
            phase_in: d("2022-01-01"),
            active: d("2023-01-01"),
            phase_out: None,
            end_of_life: d("2030-12-31"),
        };
        assert!(l.validate().is_ok());
        l.active = d("2021-01-01");
        assert_eq!(l.validate().unwrap_err().field, "lifecycle");
    }
}
