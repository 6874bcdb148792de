//! Access: credentials (how a consuming application proves itself), access rights (what it may
//! call) and access requests (how it asks). Rights and requests are addressed by id and belong
//! to two agencies at once, the provider (the service's agency) and the consumer; both ids are
//! columns so a scoped list can ask for either, and the change log records both.

pub(crate) mod credentials;
pub(crate) mod requests;
pub(crate) mod rights;

use sqlx::AnyConnection;
use wadah_domain::access::ConsumerRef;
use wadah_domain::service::ServiceRef;
use wadah_store::{AccessFilter, StoreResult};

use crate::SqlStore;
use crate::error::missing;
use crate::query::Sql;
use crate::registry::{agency_id, application_ids, service_ids};

/// The joins both rights (`r` = `access_rights`) and requests (`r` = `access_requests`) list
/// with, so one filter function serves both.
pub(crate) const JOINS: &str = " JOIN agencies pa ON pa.id = r.provider_agency_id \
     JOIN agencies ca ON ca.id = r.consumer_agency_id \
     LEFT JOIN applications capp ON capp.id = r.consumer_application_id \
     JOIN services s ON s.id = r.service_id JOIN applications sp ON sp.id = s.application_id";

/// Narrows a rights or requests query to `filter` (the web layer has already narrowed the
/// filter to the caller's scope).
pub(crate) fn apply_filter(sql: &mut Sql, filter: &AccessFilter) {
    if let Some(agency) = &filter.involving {
        sql.filter("(pa.code = ? OR ca.code = ?)", [agency.into(), agency.into()]);
    }
    sql.filter_opt("pa.code = ?", filter.provider.as_ref())
        .filter_opt("ca.code = ?", filter.consumer_agency.as_ref())
        .filter_opt("capp.code = ?", filter.consumer_application.as_ref());
    if let Some(service) = &filter.service {
        sql.filter(
            "pa.code = ? AND sp.code = ? AND s.code = ?",
            [
                (&service.agency).into(),
                (&service.application).into(),
                (&service.service).into(),
            ],
        );
    }
}

/// The rows a right or request points at.
#[derive(Debug)]
pub(crate) struct Refs {
    pub service_id: String,
    pub provider_agency_id: String,
    pub consumer_agency_id: String,
    pub consumer_application_id: Option<String>,
}

/// Resolves the service and the consumer, or names the one that does not exist.
pub(crate) async fn resolve(
    store: &SqlStore,
    conn: &mut AnyConnection,
    consumer: &ConsumerRef,
    service: &ServiceRef,
) -> StoreResult<Refs> {
    let svc = service_ids(store, conn, service)
        .await?
        .ok_or_else(|| missing("service", service.to_string()))?;
    let consumer_agency_id = agency_id(store, conn, &consumer.agency)
        .await?
        .ok_or_else(|| missing("agency", consumer.agency.as_str()))?;
    let consumer_application_id = match &consumer.application {
        Some(app) => Some(
            application_ids(store, conn, &consumer.agency, app)
                .await?
                .ok_or_else(|| missing("application", format!("{}/{app}", consumer.agency)))?
                .id,
        ),
        None => None,
    };
    Ok(Refs {
        service_id: svc.id,
        provider_agency_id: svc.agency_id,
        consumer_agency_id,
        consumer_application_id,
    })
}
