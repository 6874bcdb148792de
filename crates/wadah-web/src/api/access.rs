//! Shared rules of access rights and requests: both are visible to the providing and to the
//! consuming agency, and the list of an agency-scoped caller is narrowed to the ones involving
//! its agency. Only the provider's admins grant, change and decide.

use wadah_domain::policy::Principal;
use wadah_domain::service::ServiceRef;

use super::prelude::*;

/// Whether the caller may see an object between `provider` and `consumer`.
pub fn visible(principal: &Principal, provider: &Code, consumer: &Code) -> bool {
    principal.can_read_agency(provider) || principal.can_read_agency(consumer)
}

/// Reads: hidden (404) unless one side is in the caller's scope.
pub fn ensure_visible(
    caller: &Caller,
    provider: &Code,
    consumer: &Code,
    kind: &str,
    id: &str,
) -> ApiResult<()> {
    if visible(caller.principal(), provider, consumer) {
        Ok(())
    } else {
        Err(ApiError::not_found(kind, id))
    }
}

/// Changes: hidden (404) as for reads, then forbidden (403) unless the caller administers the
/// provider.
pub fn ensure_provider_admin(
    caller: &Caller,
    provider: &Code,
    consumer: &Code,
    kind: &str,
    id: &str,
) -> ApiResult<()> {
    ensure_visible(caller, provider, consumer, kind, id)?;
    if caller.principal().can_write_agency(provider) {
        Ok(())
    } else {
        Err(caller.denied(&format!(
            "grant or decide access to services of agency {provider}"
        )))
    }
}

/// The `involving` filter of an agency-scoped caller; `None`: it asked about another agency.
pub fn involving(caller: &Caller, asked: Option<Code>) -> Option<Option<Code>> {
    narrow(&caller.principal().agency_scope(), asked)
}

/// Creating a right for `service` from scratch: the provider's admins only.
pub fn ensure_may_grant(caller: &Caller, service: &ServiceRef) -> ApiResult<()> {
    caller.write(&service.agency, "service", service)
}
