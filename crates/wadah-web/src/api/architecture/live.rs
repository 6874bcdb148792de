//! Live facts from the gateway next to the model: which applications actually exchanged data
//! in the last 30 days (and whether the architecture draws that cooperation), and which access
//! rights nobody used. Read through the integration map's own handler, so the caller's evidence
//! scope applies unchanged; a role without one (evaluators) gets no live facts, not an error.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;
use wadah_domain::architecture::{ArchitectureModel, Details, ElementKind, ElementRef, RelationKind};

use super::super::prelude::*;
use crate::api::traffic::Window;
use crate::api::traffic::map::{IntegrationMap, MapParams, integration_map};
use crate::codes::ErrorCode;

/// One consumer application calling another agency's (or its own agency's) application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Exchange {
    /// `agency/application` of the registry.
    pub consumer: String,
    /// `agency/application` of the registry.
    pub provider: String,
    pub requests: u64,
    pub server_errors: u64,
    /// Whether the architecture relates the two applications (flow or serving, either way).
    pub in_model: bool,
}

/// A right granted and unexpired that saw no call in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UnusedRight {
    /// `agency/application`, or `agency/*` for a right granted to a whole agency.
    pub consumer: String,
    /// `agency/application/service`.
    pub service: String,
}

/// What the gateway saw in the window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LiveFacts {
    pub window: Window,
    /// Busiest first.
    pub exchanges: Vec<Exchange>,
    pub unused_rights: Vec<UnusedRight>,
    /// More rights existed than one map reads; some unused rights may be missing.
    pub truncated: bool,
}

/// The registry application an application element stands for: the one it names, else its
/// own code (the demo and most inventories use the registry's codes).
pub fn registry_app(agency: &Code, code: &Code, details: &Details) -> String {
    match details {
        Details::Application {
            application: Some(app),
            ..
        } => format!("{agency}/{app}"),
        _ => format!("{agency}/{code}"),
    }
}

/// Pairs of registry applications the model relates (both orders).
fn modelled_pairs(model: &ArchitectureModel) -> BTreeSet<(String, String)> {
    let apps: BTreeMap<ElementRef, String> = model
        .elements
        .iter()
        .filter(|e| e.spec.kind() == ElementKind::Application)
        .map(|e| {
            (
                ElementRef {
                    agency: e.agency.clone(),
                    code: e.spec.code.clone(),
                },
                registry_app(&e.agency, &e.spec.code, &e.spec.details),
            )
        })
        .collect();
    let mut out = BTreeSet::new();
    for r in &model.relations {
        if !matches!(r.spec.kind, RelationKind::Flow | RelationKind::Serving) {
            continue;
        }
        if let (Some(a), Some(b)) = (apps.get(&r.spec.source), apps.get(&r.spec.target)) {
            out.insert((a.clone(), b.clone()));
            out.insert((b.clone(), a.clone()));
        }
    }
    out
}

/// The live facts of the last 30 days within the caller's evidence scope, joined with
/// `model`; `None` for a caller whose role reads no traffic.
pub async fn live_facts(
    state: &AppState,
    caller: &Caller,
    agency: Option<Code>,
    model: &ArchitectureModel,
) -> ApiResult<Option<LiveFacts>> {
    let params = MapParams {
        window: Some(Window::Month),
        agency,
    };
    let map = match integration_map(State(state.clone()), caller.clone(), Query(params)).await {
        Ok(m) => m.0,
        Err(e) if e.code() == ErrorCode::Forbidden => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(facts(&map, model)))
}

fn facts(map: &IntegrationMap, model: &ArchitectureModel) -> LiveFacts {
    let modelled = modelled_pairs(model);
    let mut pairs: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    let mut unused_rights = Vec::new();
    for l in &map.links {
        let provider = format!("{}/{}", l.agency, l.application);
        match &l.consumer.application {
            Some(app) if l.requests > 0 => {
                let slot = pairs
                    .entry((format!("{}/{app}", l.consumer.agency), provider))
                    .or_default();
                slot.0 += l.requests;
                slot.1 += l.server_errors;
            }
            _ if l.granted && l.requests == 0 => unused_rights.push(UnusedRight {
                consumer: match &l.consumer.application {
                    Some(app) => format!("{}/{app}", l.consumer.agency),
                    None => format!("{}/*", l.consumer.agency),
                },
                service: format!("{provider}/{}", l.service),
            }),
            _ => {}
        }
    }
    let mut exchanges: Vec<Exchange> = pairs
        .into_iter()
        .map(|((consumer, provider), (requests, server_errors))| Exchange {
            in_model: modelled.contains(&(consumer.clone(), provider.clone())),
            consumer,
            provider,
            requests,
            server_errors,
        })
        .collect();
    exchanges.sort_by_key(|x| std::cmp::Reverse(x.requests));
    LiveFacts {
        window: map.window,
        exchanges,
        unused_rights,
        truncated: map.truncated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::traffic::map::{MapConsumer, MapLink};

    fn link(consumer: (&str, Option<&str>), service: &str, requests: u64, granted: bool) -> MapLink {
        let s: Vec<&str> = service.split('/').collect();
        MapLink {
            consumer: MapConsumer {
                agency: consumer.0.into(),
                application: consumer.1.map(Into::into),
            },
            agency: s[0].into(),
            application: s[1].into(),
            service: s[2].into(),
            requests,
            server_errors: 0,
            granted,
        }
    }

    #[test]
    fn traffic_becomes_exchanges_and_silent_rights_are_unused() {
        let map = IntegrationMap {
            window: Window::Month,
            links: vec![
                link(("dinsos", Some("e-bansos")), "bpsdm/simpeg/pegawai", 3, true),
                link(("dinsos", Some("e-bansos")), "bpsdm/simpeg/jabatan", 2, false),
                link(("dinsos", None), "bpsdm/simpeg/pegawai", 0, true),
                link(("bpsdm", Some("presensi")), "dinsos/dtks/keluarga", 0, true),
            ],
            truncated: false,
        };
        let f = facts(&map, &ArchitectureModel::default());
        assert_eq!(f.exchanges.len(), 1, "two services of one application add up");
        assert_eq!(f.exchanges[0].requests, 5);
        assert!(!f.exchanges[0].in_model);
        let unused: Vec<&str> = f.unused_rights.iter().map(|u| u.consumer.as_str()).collect();
        assert_eq!(unused, ["dinsos/*", "bpsdm/presensi"]);
    }
}
