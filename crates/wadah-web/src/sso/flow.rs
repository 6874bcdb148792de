//! The authorization code flow with PKCE: [`begin`] sends the browser to the provider,
//! [`finish`] takes its answer. See the module docs of [`super`] for the whole picture.
//!
//! The pending login (nonce, PKCE verifier, provider, return path and the digest of a random
//! browser token) is sealed with the key ring — bound to the state's digest, so it cannot be
//! moved to another login — and kept in the store under the SHA-256 of `state`. The browser
//! gets only the browser token, in a short-lived `HttpOnly` cookie: an answer from the provider
//! is accepted only in the browser that began the login (no login CSRF), and only once (the
//! store hands a state out once), whichever node it reaches.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use wadah_domain::secret::SecretDigest;
use wadah_domain::user::User;
use wadah_store::{PendingLogin, SsoSessionLink, StoreError};

use super::ProviderConfig;
use super::client_auth::{self, ClientAuth};
use super::discovery::{DiscoveryError, Metadata};
use super::id_token::{self, Expected, IdClaims, LogoutClaims, TokenError};
use crate::state::AppState;

/// The cookie binding a pending login to the browser that began it.
pub const LOGIN_COOKIE: &str = "wadah_sso";
/// How long a person has at the provider before the login is refused.
pub const LOGIN_TTL_SECS: i64 = 600;
/// Longest `code` or `state` accepted from the provider's answer.
pub const MAX_PARAM_LEN: usize = 2048;

/// Why a login did not end in a session. Logged by kind; people see a generic page.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("no such identity provider")]
    UnknownProvider,
    #[error("the identity provider is unavailable: {0}")]
    Provider(#[from] DiscoveryError),
    #[error("unknown, used, expired or foreign login state")]
    State,
    #[error("the identity provider refused the login ({0})")]
    Denied(String),
    #[error("the token endpoint refused the code ({0})")]
    TokenEndpoint(String),
    #[error("the ID token was refused: {0}")]
    Token(#[from] TokenError),
    #[error("the account is disabled")]
    Disabled,
    #[error("the claims do not describe a person")]
    Claims,
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
    #[error("the login could not be sealed or opened")]
    Seal,
}

#[derive(Serialize, Deserialize)]
struct Pending {
    provider: String,
    nonce: String,
    verifier: String,
    return_to: String,
    /// Hex SHA-256 of the browser token.
    browser: String,
    expires_at: i64,
}

/// A finished login.
#[derive(Debug)]
pub struct Finished {
    pub user: User,
    pub claims: IdClaims,
    pub id_token: String,
    pub return_to: String,
}

fn random(state: &AppState) -> String {
    let mut bytes = [0u8; 32];
    state.random().fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn seal_context(state_digest: &SecretDigest) -> String {
    format!("sso-login:{}", state_digest.as_str())
}

/// The PKCE S256 challenge of `verifier` (RFC 7636 §4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn metadata(
    state: &AppState,
    provider: &ProviderConfig,
) -> Result<std::sync::Arc<Metadata>, LoginError> {
    let cache = state
        .sso()
        .cache(&provider.id)
        .ok_or(LoginError::UnknownProvider)?;
    Ok(cache
        .metadata(state.sso().client(), &provider.issuer, state.now())
        .await?)
}

/// Runs `check` with the provider's keys, refetching them once when the token names an
/// unknown `kid` (rate-limited by the cache).
async fn with_keys<T>(
    state: &AppState,
    provider: &ProviderConfig,
    check: impl Fn(&[jsonwebtoken::jwk::Jwk]) -> Result<T, TokenError>,
) -> Result<T, LoginError> {
    let cache = state
        .sso()
        .cache(&provider.id)
        .ok_or(LoginError::UnknownProvider)?;
    let meta = metadata(state, provider).await?;
    let client = state.sso().client();
    let keys = cache.keys(client, &meta, state.now(), false).await?;
    match check(&keys) {
        Err(TokenError::UnknownKey) => {
            let keys = cache.keys(client, &meta, state.now(), true).await?;
            Ok(check(&keys)?)
        }
        other => Ok(other?),
    }
}

/// Starts a login: answers the provider's authorization URL and the browser token to set in
/// [`LOGIN_COOKIE`].
pub async fn begin(
    state: &AppState,
    provider: &ProviderConfig,
    return_to: &str,
) -> Result<(String, String), LoginError> {
    let meta = metadata(state, provider).await?;
    let (login_state, nonce, verifier, browser) =
        (random(state), random(state), random(state), random(state));
    let digest = SecretDigest::of(&login_state);
    let expires_at = state.now() + chrono::Duration::seconds(LOGIN_TTL_SECS);
    let pending = Pending {
        provider: provider.id.clone(),
        nonce: nonce.clone(),
        verifier: verifier.clone(),
        return_to: return_to.to_owned(),
        browser: SecretDigest::of(&browser).as_str().to_owned(),
        expires_at: expires_at.timestamp(),
    };
    let plain = serde_json::to_vec(&pending).map_err(|_| LoginError::Seal)?;
    let sealed = state
        .keys()
        .seal(&plain, &seal_context(&digest))
        .map_err(|_| LoginError::Seal)?;
    state
        .store()
        .put_pending_login(
            &PendingLogin {
                state_digest: digest,
                sealed,
                expires_at,
            },
            state.now(),
        )
        .await?;
    let mut url = url::Url::parse(&meta.authorization_endpoint)
        .map_err(|_| LoginError::Provider(DiscoveryError::BadEndpoint("authorization_endpoint")))?;
    let sso = &state.config().sso;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &provider.client_id)
        .append_pair("redirect_uri", &sso.redirect_uri(&provider.id))
        .append_pair("scope", &provider.scopes.join(" "))
        .append_pair("state", &login_state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &pkce_challenge(&verifier))
        .append_pair("code_challenge_method", "S256");
    Ok((url.into(), browser))
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// An OAuth error code fit for a log line.
fn error_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect()
}

/// Takes the pending login of `login_state`, which must have been begun by `browser` for
/// `provider_id` and not have expired.
async fn take(
    state: &AppState,
    provider_id: &str,
    login_state: &str,
    browser: Option<&str>,
) -> Result<Pending, LoginError> {
    if login_state.is_empty() || login_state.len() > MAX_PARAM_LEN {
        return Err(LoginError::State);
    }
    let digest = SecretDigest::of(login_state);
    let taken = state
        .store()
        .take_pending_login(&digest)
        .await?
        .ok_or(LoginError::State)?;
    let plain = state
        .keys()
        .open(&taken.sealed, &seal_context(&digest))
        .map_err(|_| LoginError::State)?;
    let pending: Pending = serde_json::from_slice(&plain).map_err(|_| LoginError::State)?;
    let browser_ok = browser.is_some_and(|b| {
        bool::from(
            SecretDigest::of(b)
                .as_str()
                .as_bytes()
                .ct_eq(pending.browser.as_bytes()),
        )
    });
    if !browser_ok || pending.provider != provider_id || state.now().timestamp() >= pending.expires_at {
        return Err(LoginError::State);
    }
    Ok(pending)
}

/// Finishes a login with the provider's answer (`code`, `state`, or `error`).
pub async fn finish(
    state: &AppState,
    provider: &ProviderConfig,
    answer: &Answer,
    browser: Option<&str>,
) -> Result<Finished, LoginError> {
    // The state is taken first, also when the provider reports an error: it is spent either way.
    let pending = take(state, &provider.id, &answer.state, browser).await?;
    if let Some(error) = &answer.error {
        return Err(LoginError::Denied(error_code(error)));
    }
    // RFC 9207: a provider that names itself in the answer must name itself.
    if answer.iss.as_deref().is_some_and(|iss| iss != provider.issuer) {
        return Err(LoginError::Denied("iss".into()));
    }
    if answer.code.is_empty() || answer.code.len() > MAX_PARAM_LEN {
        return Err(LoginError::TokenEndpoint("no code".into()));
    }
    let meta = metadata(state, provider).await?;
    let redirect_uri = state.config().sso.redirect_uri(&provider.id);
    let mut form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", answer.code.clone()),
        ("redirect_uri", redirect_uri),
        ("code_verifier", pending.verifier.clone()),
    ];
    let authorization = match &provider.client_auth {
        ClientAuth::SecretBasic(secret) => Some(client_auth::basic(&provider.client_id, secret)),
        ClientAuth::PrivateKeyJwt(key) => {
            let jti = client_auth::jti(state.random());
            let assertion = key
                .assertion(
                    &provider.client_id,
                    &meta.token_endpoint,
                    &jti,
                    state.now().timestamp(),
                )
                .map_err(LoginError::TokenEndpoint)?;
            form.push(("client_id", provider.client_id.clone()));
            form.push(("client_assertion_type", client_auth::ASSERTION_TYPE.to_owned()));
            form.push(("client_assertion", assertion));
            None
        }
    };
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = state
        .sso()
        .client()
        .post_form(&meta.token_endpoint, &form, authorization.as_deref())
        .await
        .map_err(DiscoveryError::Http)?;
    let token: TokenAnswer =
        serde_json::from_slice(&body).map_err(|_| LoginError::TokenEndpoint(format!("HTTP {status}")))?;
    if status != 200 {
        let code = token
            .error
            .as_deref()
            .map_or_else(|| format!("HTTP {status}"), error_code);
        return Err(LoginError::TokenEndpoint(code));
    }
    let id_token = token
        .id_token
        .ok_or_else(|| LoginError::TokenEndpoint("no id_token".into()))?;
    let now = state.now();
    let claims = with_keys(state, provider, |keys| {
        let expected = Expected {
            issuer: &provider.issuer,
            client_id: &provider.client_id,
            now,
        };
        id_token::validate_id_token(&id_token, keys, &expected, &pending.nonce)
    })
    .await?;
    let user = super::users::user_for(state, provider, &claims).await?;
    Ok(Finished {
        user,
        claims,
        id_token,
        return_to: pending.return_to,
    })
}

/// The provider's answer at the redirect URI.
#[derive(Debug, Default, Deserialize)]
pub struct Answer {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub error: Option<String>,
    /// The provider's issuer (RFC 9207), when it sends it.
    #[serde(default)]
    pub iss: Option<String>,
}

/// Validates a back-channel logout token from `provider`.
pub async fn logout_claims(
    state: &AppState,
    provider: &ProviderConfig,
    token: &str,
) -> Result<LogoutClaims, LoginError> {
    let now = state.now();
    with_keys(state, provider, |keys| {
        let expected = Expected {
            issuer: &provider.issuer,
            client_id: &provider.client_id,
            now,
        };
        id_token::validate_logout_token(token, keys, &expected)
    })
    .await
}

/// The seal context of a session's stored ID token.
pub fn id_token_context(session: &SecretDigest) -> String {
    format!("sso-id-token:{}", session.as_str())
}

/// Where to send the browser after a signed-out SSO session: the provider's
/// `end_session_endpoint` with `id_token_hint`, `client_id` and `post_logout_redirect_uri`;
/// `None` when the provider has none or cannot be reached (the Wadah session is ended anyway).
pub async fn rp_logout_url(state: &AppState, link: &SsoSessionLink) -> Option<String> {
    let provider = state.config().sso.provider(&link.provider)?;
    let meta = metadata(state, provider).await.ok()?;
    let mut url = url::Url::parse(meta.end_session_endpoint.as_deref()?).ok()?;
    let hint = link.id_token_sealed.as_deref().and_then(|sealed| {
        state
            .keys()
            .open(sealed, &id_token_context(&link.session_digest))
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
    });
    {
        let mut query = url.query_pairs_mut();
        if let Some(hint) = &hint {
            query.append_pair("id_token_hint", hint);
        }
        query
            .append_pair("client_id", &provider.client_id)
            .append_pair("post_logout_redirect_uri", &state.config().sso.post_logout_uri());
    }
    Some(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn provider_error_codes_are_cut_to_a_safe_word() {
        assert_eq!(error_code("access_denied"), "access_denied");
        assert_eq!(error_code("x\r\ny<script>"), "xyscript");
    }
}
