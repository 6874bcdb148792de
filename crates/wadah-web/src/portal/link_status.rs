//! Marks cards whose online link failed its last check, so a listing never presents a dead
//! link as fine. One query per page: the store keeps the failing checks apart (a healthy
//! catalogue has few), and a check counts only while it is about the service's current URL.

use std::collections::HashSet;

use super::catalog::Catalog;
use super::pages::Group;
use crate::state::AppState;

/// Sets `broken` on every card whose service's current online link failed its last check.
pub async fn mark(state: &AppState, catalog: &Catalog, groups: &mut [Group]) {
    let broken = match state.store().broken_links().await {
        Ok(checks) => checks,
        Err(e) => {
            tracing::warn!(error = %e, "the portal could not read the link checks");
            return;
        }
    };
    let hrefs: HashSet<String> = broken
        .into_iter()
        .filter(|check| {
            catalog.services.iter().any(|s| {
                s.agency == check.agency
                    && s.spec.code == check.public_service
                    && s.spec
                        .online_url
                        .as_ref()
                        .is_some_and(|u| u.as_str() == check.url)
            })
        })
        .map(|check| format!("/layanan/{}/{}", check.agency, check.public_service))
        .collect();
    for card in groups.iter_mut().flat_map(|g| g.cards.iter_mut()) {
        card.broken = hrefs.contains(&card.href);
    }
}
