//! Public services (Layanan publik / layanan SPBE): what a citizen or civil servant wants to do,
//! shown in the portals and realised by one or more of the agency's applications.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::application::{Audience, WebUrl};
use crate::text::{Description, Line, Name};
use crate::{Code, Meta, ValidationError};

pub const MAX_LIST_ITEMS: usize = 30;

/// A public service as its agency writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicServiceSpec {
    /// Unique within the agency.
    pub code: Code,
    pub name: Name,
    #[serde(default)]
    pub description: Description,
    /// `public` (citizens) or `asn` (civil servants).
    pub audience: Audience,
    /// Life events or topics it belongs to (`bantuan-sosial`, `kepegawaian`…).
    #[serde(default)]
    pub topics: Vec<Code>,
    /// Who may use it.
    #[serde(default)]
    pub eligibility: Line,
    #[serde(default)]
    pub requirements: Vec<Line>,
    #[serde(default)]
    pub cost: Line,
    #[serde(default)]
    pub duration: Line,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<WebUrl>,
    #[serde(default)]
    pub office_address: Line,
    /// Codes of the agency's applications that realise the service.
    #[serde(default)]
    pub applications: Vec<Code>,
    #[serde(default)]
    pub sample: bool,
}

impl PublicServiceSpec {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let too_many = |field, n: usize| {
            (n > MAX_LIST_ITEMS)
                .then(|| ValidationError::new(field, format!("at most {MAX_LIST_ITEMS} entries (got {n})")))
        };
        let checks = [
            too_many("topics", self.topics.len()),
            too_many("requirements", self.requirements.len()),
            too_many("applications", self.applications.len()),
        ];
        if let Some(e) = checks.into_iter().flatten().next() {
            return Err(e);
        }
        if self.audience == Audience::Internal {
            return Err(ValidationError::new(
                "audience",
                "a public service is for `public` or `asn`",
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicService {
    pub agency: Code,
    #[serde(flatten)]
    pub spec: PublicServiceSpec,
    pub meta: Meta,
}
