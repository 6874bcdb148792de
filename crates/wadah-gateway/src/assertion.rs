//! The gateway assertion: a short-lived ES256 JWT in `X-Wadah-Assertion` on every forwarded
//! request, so that an agency application can verify, with the keys at
//! `/.well-known/jwks.json`, that the call came through Wadah and for whom. Claims: `iss` (the
//! gateway's issuer), `sub` (the consumer, `agency/application`), `aud` (the service,
//! `agency/application/service`), `jti` (the request id, also in `X-Request-Id` and in the
//! evidence log), `iat` and `exp` ([`LIFETIME_SECS`] later), and `user` when the consumer named
//! an end user in `X-Wadah-User`. The header `typ` is [`TYP`], so an assertion is never taken
//! for an access token (nor the other way round: their `aud` differ too). A consumer cannot
//! send its own: `headers` drops any inbound `X-Wadah-Assertion`.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::Shared;
use crate::ctx::RequestCtx;
use crate::headers::END_USER;
use crate::problem::GatewayError;

/// The header upstreams receive the assertion in.
pub const HEADER: &str = "x-wadah-assertion";
/// How long an assertion is valid.
pub const LIFETIME_SECS: i64 = 60;
/// The JWS `typ` of assertions.
pub const TYP: &str = "wadah-assertion+jwt";

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: &'a str,
    iat: i64,
    exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
}

/// The assertion a web application receives (`webapp`): the person, not a consumer. `sub`
/// and `user` are the Wadah username, `aud` is `{agency}/{application}` (two segments, so it
/// is never a service's audience), `name` the display name, `agency` and `roles` as Wadah
/// knows them.
#[derive(Serialize)]
struct WebClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: &'a str,
    iat: i64,
    exp: i64,
    user: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agency: Option<&'a str>,
    roles: &'a [String],
}

/// Signs the assertion for the request in `ctx` and adds it to the upstream headers `out`.
pub fn add(
    gw: &Shared,
    ctx: &RequestCtx,
    inbound: &HeaderMap,
    out: &mut HeaderMap,
) -> Result<(), GatewayError> {
    let keys = gw.signing.load();
    let signer = keys
        .signer(ctx.now)
        .ok_or_else(|| GatewayError::internal("no signing key for the gateway assertion"))?;
    let iat = ctx.now.timestamp();
    if let Some(web) = &ctx.web {
        let claims = WebClaims {
            iss: keys.issuer(),
            sub: &web.user,
            aud: &web.application,
            jti: &ctx.id,
            iat,
            exp: iat + LIFETIME_SECS,
            user: &web.user,
            name: &web.name,
            agency: web.agency.as_deref(),
            roles: &web.roles,
        };
        let token = signer.sign(TYP, &claims).map_err(GatewayError::internal)?;
        let value = HeaderValue::from_str(&token).map_err(GatewayError::internal)?;
        out.insert(HeaderName::from_static(HEADER), value);
        return Ok(());
    }
    let claims = Claims {
        iss: keys.issuer(),
        sub: ctx.consumer_label().unwrap_or_default(),
        aud: ctx.route_key().unwrap_or_default(),
        jti: &ctx.id,
        iat,
        exp: iat + LIFETIME_SECS,
        user: inbound.get(END_USER).and_then(|v| v.to_str().ok()),
    };
    let token = signer.sign(TYP, &claims).map_err(GatewayError::internal)?;
    let value = HeaderValue::from_str(&token).map_err(GatewayError::internal)?;
    out.insert(HeaderName::from_static(HEADER), value);
    Ok(())
}
