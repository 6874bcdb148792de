//! `/api/v1/users` and `/api/v1/me`: the people who administer Wadah. Accounts are managed by
//! the admins of their agency (platform-wide accounts by the platform admin) and seen by those
//! managers and by auditors and evaluators in scope; everyone sees their own account and may set
//! their own password. Passwords are hashed with argon2id off the async runtime.

use serde::Deserialize;
use utoipa::ToSchema;
use wadah_domain::user::{Role, User, UserSpec, Username};

use super::prelude::*;
use crate::password;

list_query!(
    /// Query of the user list.
    UserQuery {
        /// Only users of this agency.
        agency: Option<Code>,
        /// Only users with this role.
        role: Option<Role>,
    }
);
page_type!(
    /// A page of users.
    UserPage,
    User
);

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// 12 to 256 characters.
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me", get(get_me))
        .route("/api/v1/users", get(list_users).post(create_user))
        .route(
            "/api/v1/users/{username}",
            get(get_user).put(update_user).delete(delete_user),
        )
        .route(
            "/api/v1/users/{username}/password",
            axum::routing::put(set_password),
        )
}

/// The user `username`, if the caller may see it (itself, or as manager or reader in scope).
pub async fn visible_user(state: &AppState, caller: &Caller, username: &Username) -> ApiResult<User> {
    let hidden = || ApiError::not_found("user", username.as_str());
    let user = state.store().get_user(username).await.map_err(|e| match e {
        wadah_store::StoreError::NotFound { .. } => hidden(),
        other => other.into(),
    })?;
    let own = caller.username() == username.as_str();
    if own || caller.principal().can_read_users_of(user.spec.agency.as_ref()) {
        Ok(user)
    } else {
        Err(hidden())
    }
}

/// Managing the accounts of `agency`: hidden outside the caller's scope, else forbidden unless
/// the caller manages that agency's users.
fn ensure_manager(caller: &Caller, agency: Option<&Code>) -> ApiResult<()> {
    let p = caller.principal();
    if let Some(a) = agency.filter(|a| !p.can_read_agency(a)) {
        return Err(ApiError::not_found("agency", a));
    }
    if p.can_manage_users_of(agency) {
        Ok(())
    } else {
        let whose = agency.map_or_else(|| "platform-wide users".to_owned(), |a| format!("users of {a}"));
        Err(caller.denied(&format!("manage {whose}")))
    }
}

/// Nobody locks themselves out: one's own role, scope and enabled state are changed, and one's
/// own account deleted, by another administrator.
fn ensure_not_self_lockout(caller: &Caller, current: &User, next: Option<&UserSpec>) -> ApiResult<()> {
    if caller.username() != current.spec.username.as_str() {
        return Ok(());
    }
    let locks_out = next.is_none_or(|n| {
        n.role != current.spec.role
            || n.agency != current.spec.agency
            || n.application != current.spec.application
            || n.disabled
    });
    if locks_out {
        Err(ApiError::new(
            crate::codes::ErrorCode::InvalidState,
            "you cannot delete, disable or re-scope your own account; ask another administrator",
        ))
    } else {
        Ok(())
    }
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "users",
    responses((status = 200, description = "Your account", body = User, headers(("ETag" = String)))),
    security(("bearer" = [])))]
pub async fn get_me(State(state): State<AppState>, caller: Caller) -> ApiResult<Tagged<User>> {
    let username = Username::parse(caller.username())?;
    let user = state.store().get_user(&username).await?;
    Ok(Tagged::ok(user.meta.version, user))
}

/// List the users the caller may see.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    params(UserQuery),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        (status = 403, response = crate::openapi::Forbidden)),
    security(("bearer" = [])))]
pub async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<UserQuery>,
) -> ApiResult<axum::Json<UserPage>> {
    let page = query.page()?;
    let Some(agency) = narrow(&caller.principal().agency_scope(), query.agency) else {
        return Ok(axum::Json(UserPage::empty()));
    };
    if !caller.principal().can_read_users_of(agency.as_ref()) {
        return Err(caller.denied("list users; see your own account at /api/v1/me"));
    }
    let filter = wadah_store::UserFilter {
        agency,
        role: query.role,
    };
    let page = state
        .store()
        .list_users(&filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Create a user (a manager of the user's agency). Set the password with `PUT …/password`.
#[utoipa::path(post, path = "/api/v1/users", tag = "users",
    request_body = UserSpec,
    responses(
        (status = 201, description = "Created", body = User, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(spec): Json<UserSpec>,
) -> ApiResult<Tagged<User>> {
    ensure_manager(&caller, spec.agency.as_ref())?;
    spec.validate()?;
    let user = state
        .store()
        .create_user(&spec, None, &state.change_by(caller.principal()))
        .await?;
    let location = format!("/api/v1/users/{}", user.spec.username.as_str());
    Ok(Tagged::created(user.meta.version, location, user))
}

/// Read a user.
#[utoipa::path(get, path = "/api/v1/users/{username}", tag = "users",
    params(("username" = wadah_domain::user::Username, Path, description = "Login name", example = "admin")),
    responses(
        (status = 200, description = "The user", body = User, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<Username>,
) -> ApiResult<Tagged<User>> {
    let user = visible_user(&state, &caller, &username).await?;
    Ok(Tagged::ok(user.meta.version, user))
}

/// Change a user (a manager of both the old and the new agency).
#[utoipa::path(put, path = "/api/v1/users/{username}", tag = "users",
    params(("username" = wadah_domain::user::Username, Path, description = "Login name", example = "admin"), crate::openapi::IfMatchHeader),
    request_body = UserSpec,
    responses(
        (status = 200, description = "Changed", body = User, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<Username>,
    IfMatch(version): IfMatch,
    Json(spec): Json<UserSpec>,
) -> ApiResult<Tagged<User>> {
    let current = visible_user(&state, &caller, &username).await?;
    ensure_manager(&caller, current.spec.agency.as_ref())?;
    ensure_manager(&caller, spec.agency.as_ref())?;
    if spec.username != username {
        return Err(ApiError::validation(
            "username",
            "username: a login name cannot change",
        ));
    }
    spec.validate()?;
    ensure_not_self_lockout(&caller, &current, Some(&spec))?;
    let change = state.change_by(caller.principal());
    let updated = state
        .store()
        .update_user(&username, &spec, version, &change)
        .await?;
    Ok(Tagged::ok(updated.meta.version, updated))
}

/// Delete a user and their tokens (a manager of the user's agency).
#[utoipa::path(delete, path = "/api/v1/users/{username}", tag = "users",
    params(("username" = wadah_domain::user::Username, Path, description = "Login name", example = "admin"), crate::openapi::OptionalIfMatchHeader),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn delete_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<Username>,
    MaybeIfMatch(version): MaybeIfMatch,
) -> ApiResult<StatusCode> {
    let current = visible_user(&state, &caller, &username).await?;
    ensure_manager(&caller, current.spec.agency.as_ref())?;
    ensure_not_self_lockout(&caller, &current, None)?;
    let mode = DeleteMode {
        expected_version: version,
        cascade: true,
    };
    state
        .store()
        .delete_user(&username, mode, &state.change_by(caller.principal()))
        .await?;
    Ok(no_content())
}

/// Set a password (the user themselves, or a manager of the user's agency).
#[utoipa::path(put, path = "/api/v1/users/{username}/password", tag = "users",
    params(("username" = wadah_domain::user::Username, Path, description = "Login name", example = "admin")),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Password set"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn set_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<Username>,
    Json(body): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    let user = visible_user(&state, &caller, &username).await?;
    if caller.username() != username.as_str() {
        ensure_manager(&caller, user.spec.agency.as_ref())?;
    }
    password::check_policy(&body.password)?;
    let mut salt = [0u8; 16];
    state.random().fill(&mut salt);
    let hash = tokio::task::spawn_blocking(move || password::hash_with_salt(&body.password, &salt))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let change = state.change_by(caller.principal());
    state.store().set_password_hash(&username, &hash, &change).await?;
    Ok(no_content())
}
