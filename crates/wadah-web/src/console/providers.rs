//! `GET /console/sso`: the identity providers as configured (read-only: they live in the
//! configuration file, not in the store) — issuer, client, how Wadah authenticates to it, the
//! scopes, how claims map to roles and agencies — with whether its discovery document and
//! signing keys can be fetched right now. Deployment-wide settings, so only platform
//! administrators and auditors see it. Secrets are never shown (only which method is used).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use wadah_domain::user::Role;

use super::Ctx;
use super::view::{Cell, Page, Table, render};
use crate::error::ApiError;
use crate::sso::ProviderConfig;
use crate::sso::client_auth::ClientAuth;
use crate::state::AppState;

/// How long one provider's discovery may take before the page says it is unreachable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// `GET /console/sso`.
pub async fn providers(State(state): State<AppState>, ctx: Ctx) -> Response {
    if !matches!(ctx.who.principal.role, Role::PlatformAdmin | Role::Auditor) {
        return ctx.fail(&ApiError::forbidden(
            "identity providers are deployment-wide settings",
        ));
    }
    let sso = &state.config().sso;
    let mut rows = Vec::new();
    for p in &sso.providers {
        let status = discovery_status(&state, p).await;
        rows.push(vec![
            Cell::text(format!("{} ({})", p.name, p.id)),
            Cell::text(p.issuer.as_str()),
            Cell::text(p.client_id.as_str()),
            Cell::text(match p.client_auth {
                ClientAuth::SecretBasic(_) => "client_secret_basic",
                ClientAuth::PrivateKeyJwt(_) => "private_key_jwt",
            }),
            Cell::text(p.scopes.join(" ")),
            Cell::text(mapping(&ctx, p)),
            Cell::text(ctx.t(status)),
        ]);
    }
    let title = ctx.t("console-sso-title");
    let mut view = Page::new(ctx.frame(title.clone()), title.clone());
    view.lead = Some(if sso.providers.is_empty() {
        ctx.t("console-sso-none")
    } else {
        ctx.t("console-sso-lead")
    });
    view.tables.push(Table {
        caption: title,
        head: [
            "provider", "issuer", "client", "auth", "scopes", "mapping", "status",
        ]
        .iter()
        .map(|c| ctx.t(&format!("console-sso-col-{c}")))
        .collect(),
        rows,
        empty: ctx.t("console-empty"),
        more: None,
    });
    render(StatusCode::OK, &view)
}

/// The groups that give a role, the agency claim and default, as one line.
fn mapping(ctx: &Ctx, p: &ProviderConfig) -> String {
    let m = &p.mapping;
    let mut parts: Vec<String> = m
        .group_roles
        .iter()
        .map(|(group, role)| format!("{group} → {}", ctx.t(&format!("console-role-{}", role.as_str()))))
        .collect();
    if let Some(claim) = &m.groups_claim {
        parts.insert(0, format!("{}: {claim}", ctx.t("console-sso-groups-claim")));
    }
    if let Some(claim) = &m.agency_claim {
        parts.push(format!("{}: {claim}", ctx.t("console-sso-agency-claim")));
    }
    if let Some(agency) = &m.default_agency {
        parts.push(format!("{}: {agency}", ctx.t("console-sso-default-agency")));
    }
    parts.push(ctx.t("console-sso-least-privilege"));
    parts.join("; ")
}

/// The discovery document and keys, fetched through this node's cache (bounded in time).
async fn discovery_status(state: &AppState, p: &ProviderConfig) -> &'static str {
    let Some(cache) = state.sso().cache(&p.id) else {
        return "console-sso-status-down";
    };
    let client = state.sso().client();
    let now = state.now();
    let check = async {
        let metadata = cache.metadata(client, &p.issuer, now).await?;
        cache.keys(client, &metadata, now, false).await
    };
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(_)) => "console-sso-status-ok",
        Ok(Err(e)) => {
            tracing::warn!(provider = %p.id, error = %e, "identity provider discovery failed");
            "console-sso-status-down"
        }
        Err(_) => "console-sso-status-down",
    }
}
