//! The checks an element needs beyond its own rules, which take the store: its reference code
//! is in the government's catalogue, its parent exists and fits, the producer agency and the
//! registry application it names exist.

use wadah_domain::architecture::{Details, ElementKey, ElementSpec, Period, ReferenceCatalog};

use super::super::prelude::*;

/// The catalogue of the agency's government: shipped and imported national codes and the
/// government's local ones.
pub async fn catalog(state: &AppState, government: &Code) -> ApiResult<ReferenceCatalog> {
    let store = state.store();
    let imported = store.list_ref_codes(None).await?;
    let local = store.list_ref_codes(Some(government)).await?;
    ReferenceCatalog::build(&imported, &local)
        .map_err(|e| ApiError::internal(format!("stored reference codes: {e}")))
}

pub async fn element(state: &AppState, agency: &Code, period: Period, spec: &ElementSpec) -> ApiResult<()> {
    spec.validate(period)?;
    let store = state.store();
    let owner = store.get_agency(agency).await?;
    if let Some(code) = &spec.ref_code
        && !catalog(state, &owner.spec.government).await?.contains(code)
    {
        return Err(ApiError::validation(
            "ref_code",
            format!(
                "ref_code: {} is neither a national code nor a local code of {}",
                code.as_str(),
                owner.spec.government
            ),
        ));
    }
    if let Some(parent) = &spec.parent {
        let key = ElementKey {
            agency: agency.clone(),
            period,
            code: parent.clone(),
        };
        let above = store.get_arch_element(&key).await.map_err(|_| {
            ApiError::validation(
                "parent",
                format!("parent: no element {parent} in {agency} for {period}"),
            )
        })?;
        spec.check_parent(&above.spec)?;
    }
    match &spec.details {
        Details::DataSet { producer, .. } => {
            store
                .get_agency(producer)
                .await
                .map_err(|_| ApiError::validation("producer", format!("producer: no agency {producer}")))?;
        }
        Details::Application {
            application: Some(app),
            ..
        } => {
            store.get_application(agency, app).await.map_err(|_| {
                ApiError::validation(
                    "application",
                    format!("application: {agency} has no application {app}"),
                )
            })?;
        }
        _ => {}
    }
    Ok(())
}
