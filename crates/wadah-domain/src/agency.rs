//! Governments (the tenant: a city, regency, province or ministry) and their agencies (OPD).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::text::{Description, Name};
use crate::{Code, Meta};

/// What kind of government body this is, as the SPBE evaluation groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GovernmentKind {
    Kota,
    Kabupaten,
    Provinsi,
    Kementerian,
    Lembaga,
}

/// A government as an administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GovernmentSpec {
    pub code: Code,
    pub name: Name,
    pub kind: GovernmentKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Government {
    #[serde(flatten)]
    pub spec: GovernmentSpec,
    pub meta: Meta,
}

/// An agency (Perangkat Daerah / OPD) as an administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencySpec {
    /// Unique in the deployment; the first segment of every gateway route.
    pub code: Code,
    pub name: Name,
    /// The government this agency belongs to.
    pub government: Code,
    #[serde(default)]
    pub description: Description,
    /// Whether this agency operates the platform (Diskominfo).
    #[serde(default)]
    pub operator: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Agency {
    #[serde(flatten)]
    pub spec: AgencySpec,
    pub meta: Meta,
}

impl Agency {
    pub fn code(&self) -> &Code {
        &self.spec.code
    }
}
