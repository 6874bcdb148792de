//! Filters for the lists. Each is narrowed by the web layer to the caller's agency scope
//! before it reaches the store, so an engine never has to know about roles.

use wadah_domain::Code;
use wadah_domain::access::RequestStatus;
use wadah_domain::application::{Audience, LifecycleStage};
use wadah_domain::service::{ServiceRef, Visibility};
use wadah_domain::user::Role;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgencyFilter {
    pub government: Option<Code>,
    /// Only this agency (an agency-scoped caller's view of the list).
    pub only: Option<Code>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationFilter {
    pub lifecycle: Option<LifecycleStage>,
    pub audience: Option<Audience>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFilter {
    /// Services of every agency with this visibility (the directory), when no application is given.
    pub visibility: Option<Visibility>,
    pub agency: Option<Code>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicServiceFilter {
    pub agency: Option<Code>,
    pub audience: Option<Audience>,
    pub topic: Option<Code>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessFilter {
    /// Rights/requests where this agency is the provider or the consumer.
    pub involving: Option<Code>,
    pub provider: Option<Code>,
    pub consumer_agency: Option<Code>,
    pub consumer_application: Option<Code>,
    pub service: Option<ServiceRef>,
    /// Requests only.
    pub status: Option<RequestStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    pub agency: Option<Code>,
    pub role: Option<Role>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeFilter {
    pub agency: Option<Code>,
    pub kind: Option<String>,
}
