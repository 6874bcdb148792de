//! `/api/v1/users/{username}/tokens`: admin API tokens (`wdha_…`). A user mints tokens only for
//! themselves (the plain token is shown once); the user and the managers of their agency may
//! list (without secrets) and revoke them, so a manager can lock out a lost token at once.

use serde::Serialize;
use utoipa::ToSchema;
use wadah_domain::secret::{self, SecretKind};
use wadah_domain::user::{ApiToken, ApiTokenSpec, Username};
use wadah_store::{Page, StoredSecret};

use super::prelude::*;
use super::users::visible_user;

list_query!(
    /// Query of a user's token list.
    TokenQuery {}
);
page_type!(
    /// A page of admin API tokens (never with secrets).
    ApiTokenPage,
    ApiToken
);

/// A freshly minted token: the only time its secret is visible.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedApiToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// The token (`wdha_…`). Store it now: Wadah keeps only a digest.
    pub secret: String,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/users/{username}/tokens",
            get(list_tokens).post(create_token),
        )
        .route("/api/v1/users/{username}/tokens/{id}/revoke", post(revoke_token))
}

/// The caller must be `username` itself or manage the user's agency.
async fn ensure_self_or_manager(state: &AppState, caller: &Caller, username: &Username) -> ApiResult<()> {
    let user = visible_user(state, caller, username).await?;
    let own = caller.username() == username.as_str();
    if own || caller.principal().can_manage_users_of(user.spec.agency.as_ref()) {
        Ok(())
    } else {
        Err(caller.denied("manage another user's tokens"))
    }
}

/// List a user's tokens.
#[utoipa::path(get, path = "/api/v1/users/{username}/tokens", tag = "users",
    params(("username" = wadah_domain::user::Username, Path, description = "Login name", example = "admin"), TokenQuery),
    responses(
        (status = 200, description = "A page of tokens", body = ApiTokenPage),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<Username>,
    Query(query): Query<TokenQuery>,
) -> ApiResult<axum::Json<ApiTokenPage>> {
    let page = query.page()?;
    visible_user(&state, &caller, &username).await?;
    let mut tokens = state.store().list_api_tokens(&username).await?;
    // Tokens per user are few, so the page is cut here rather than in the store.
    tokens.sort_by(|a, b| a.id.cmp(&b.id));
    let q = page.q.as_deref().map(str::to_lowercase);
    let rows: Vec<ApiToken> = tokens
        .into_iter()
        .filter(|t| page.after.as_ref().is_none_or(|after| t.id > *after))
        .filter(|t| {
            q.as_ref()
                .is_none_or(|q| t.name.as_str().to_lowercase().contains(q))
        })
        .take(page.limit as usize + 1)
        .collect();
    Ok(axum::Json(
        Page::from_rows(rows, page.limit, |t| t.id.clone()).into(),
    ))
}

/// Mint a token for yourself; the answer is the only time it is shown.
#[utoipa::path(post, path = "/api/v1/users/{username}/tokens", tag = "users",
    params(("username" = wadah_domain::user::Username, Path, description = "Login name (your own)", example = "admin")),
    request_body = ApiTokenSpec,
    responses(
        (status = 201, description = "Issued; store the token now", body = IssuedApiToken),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<Username>,
    Json(spec): Json<ApiTokenSpec>,
) -> ApiResult<(StatusCode, axum::Json<IssuedApiToken>)> {
    visible_user(&state, &caller, &username).await?;
    if caller.username() != username.as_str() {
        return Err(caller.denied("mint tokens for someone else"));
    }
    if spec.expires_at.is_some_and(|t| t <= state.now()) {
        return Err(ApiError::validation(
            "expires_at",
            "expires_at: must be in the future",
        ));
    }
    let issued = secret::issue(SecretKind::AdminToken, state.random());
    let stored = StoredSecret {
        digest: issued.digest,
        hint: issued.hint,
    };
    let change = state.change_by(caller.principal());
    let token = state
        .store()
        .create_api_token(&username, &spec, &stored, &change)
        .await?;
    let body = IssuedApiToken {
        token,
        secret: issued.plain,
    };
    Ok((StatusCode::CREATED, axum::Json(body)))
}

/// Revoke a token (the user or a manager of the user's agency).
#[utoipa::path(post, path = "/api/v1/users/{username}/tokens/{id}/revoke", tag = "users",
    params(("username" = wadah_domain::user::Username, Path, description = "Login name", example = "admin"),
        ("id" = String, Path, description = "Token id")),
    responses(
        (status = 200, description = "Revoked", body = ApiToken),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path((username, id)): Path<(Username, String)>,
) -> ApiResult<axum::Json<ApiToken>> {
    ensure_self_or_manager(&state, &caller, &username).await?;
    let change = state.change_by(caller.principal());
    let token = state.store().revoke_api_token(&username, &id, &change).await?;
    Ok(axum::Json(token))
}
