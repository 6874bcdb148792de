//! OAuth2 client-credentials at `POST /oauth2/token` (RFC 6749 §4.4 and §5.2), access tokens
//! verified locally, the JWKS, key rotation, and the gateway assertion upstreams receive.

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation};
use serde_json::{Value, json};
use wadah_gateway::OauthConfig;

use crate::helpers::*;

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

fn basic(c: &Client) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", c.client_id, c.secret))
    )
}

async fn post_token(gw: &TestGateway, headers: &[(&str, &str)], body: &str) -> Answer {
    gw.send("POST", "/oauth2/token", None, headers, body.as_bytes())
        .await
}

/// A token for the dashboard's client, by Basic authentication.
async fn token(gw: &TestGateway) -> String {
    let auth = basic(&gw.client);
    let answer = post_token(
        gw,
        &[FORM, ("authorization", &auth)],
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.json()["access_token"].as_str().unwrap().to_owned()
}

fn bearer(token: &str) -> Key {
    Key {
        id: String::new(),
        plain: token.to_owned(),
    }
}

/// The RFC 6749 §5.2 error of an answer (asserting it is plain JSON, not problem+json).
fn oauth_error(answer: &Answer) -> String {
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "{answer:?}"
    );
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let body = answer.json();
    assert!(body["error_description"].is_string(), "{body}");
    body["error"].as_str().unwrap_or_default().to_owned()
}

async fn jwks(gw: &TestGateway) -> JwkSet {
    let answer = gw.get("/.well-known/jwks.json", None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("cache-control"), Some("public, max-age=300"));
    serde_json::from_slice(&answer.body).unwrap()
}

fn kid(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

/// Verifies `token` as any agency application would: with `jsonwebtoken` and the JWKS.
fn verify(set: &JwkSet, token: &str, issuer: &str, audience: &str) -> Value {
    let jwk = set.find(&kid(token)).expect("the token's key is published");
    assert_eq!(jwk.common.key_id.as_deref(), Some(kid(token).as_str()));
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap()
        .claims
}

fn issuer(gw: &TestGateway) -> String {
    format!("http://{}", gw.addr)
}

#[tokio::test]
async fn a_client_gets_a_token_with_basic_or_form_auth_and_calls_a_service_with_it() {
    let gw = spawn().await;
    let auth = basic(&gw.client);
    let answer = post_token(
        &gw,
        &[FORM, ("authorization", &auth)],
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert_eq!(answer.header("pragma"), Some("no-cache"));
    let body = answer.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    let token = body["access_token"].as_str().unwrap().to_owned();

    let called = gw
        .get("/bpsdm/simpeg/pegawai/pegawai/7", Some(&bearer(&token)))
        .await;
    assert_eq!(called.status, 200, "{called:?}");
    assert_eq!(called.json()["path"], "/api/v1/pegawai/pegawai/7");
    let seen = gw.seen();
    assert_eq!(seen[0].headers["x-wadah-consumer"], "diskominfo/dashboard");
    assert!(
        seen[0].headers.get("authorization").is_none(),
        "the token is not forwarded"
    );

    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        gw.client.client_id, gw.client.secret
    );
    let answer = post_token(&gw, &[FORM], &form).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let token = answer.json()["access_token"].as_str().unwrap().to_owned();
    let called = gw.get("/bpsdm/simpeg/pegawai/x", Some(&bearer(&token))).await;
    assert_eq!(called.status, 200);

    // A token carries its client's rights, no more: gaji only admits GET /pegawai/*.
    let denied = gw.get("/bpsdm/simpeg/gaji/other", Some(&bearer(&token))).await;
    assert_eq!((denied.status, denied.code().as_str()), (403, "access_denied"));
    let listed = gw.get("/_wadah/services", Some(&bearer(&token))).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["items"].as_array().map(Vec::len), Some(2));
}

/// (request headers, body, expected status, expected `error`).
type Case<'a> = (Vec<(&'a str, &'a str)>, String, u16, &'a str);

#[tokio::test]
async fn every_rfc_6749_error_is_answered_in_its_format() {
    let gw = spawn().await;
    let auth = basic(&gw.client);
    let creds = [FORM, ("authorization", auth.as_str())];
    let cases: Vec<Case<'_>> = vec![
        (
            creds.to_vec(),
            "grant_type=password".into(),
            400,
            "unsupported_grant_type",
        ),
        (creds.to_vec(), "scope=x".into(), 400, "invalid_request"),
        (
            creds.to_vec(),
            "grant_type=client_credentials&scope=bpsdm".into(),
            400,
            "invalid_scope",
        ),
        (
            creds.to_vec(),
            "grant_type=client_credentials&grant_type=client_credentials".into(),
            400,
            "invalid_request",
        ),
        (
            creds.to_vec(),
            format!("grant_type=client_credentials&client_id={}", gw.client.client_id),
            400,
            "invalid_request",
        ),
        (
            vec![("content-type", "application/json")],
            r#"{"grant_type":"client_credentials"}"#.into(),
            400,
            "invalid_request",
        ),
        (
            vec![FORM],
            format!(
                "grant_type=client_credentials&client_id={}&client_secret=wdhs_wrong",
                gw.client.client_id
            ),
            400,
            "invalid_client",
        ),
        (
            vec![FORM],
            "grant_type=client_credentials".into(),
            401,
            "invalid_client",
        ),
        (
            vec![FORM],
            "grant_type=client_credentials&x=".to_owned() + &"a".repeat(9000),
            400,
            "invalid_request",
        ),
    ];
    for (headers, body, status, error) in cases {
        let answer = post_token(&gw, &headers, &body).await;
        assert_eq!(
            (answer.status, oauth_error(&answer).as_str()),
            (status, error),
            "{body:.80}"
        );
    }

    for (id, secret) in [
        (gw.client.client_id.as_str(), "wdhs_wrong"),
        ("wdhc_unknown", gw.client.secret.as_str()),
    ] {
        let wrong = format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")));
        let answer = post_token(
            &gw,
            &[FORM, ("authorization", &wrong)],
            "grant_type=client_credentials",
        )
        .await;
        assert_eq!(
            (answer.status, oauth_error(&answer).as_str()),
            (401, "invalid_client")
        );
        assert!(
            answer
                .header("www-authenticate")
                .unwrap()
                .starts_with("Basic realm=")
        );
    }

    let get = gw.get("/oauth2/token", None).await;
    assert_eq!((get.status, oauth_error(&get).as_str()), (405, "invalid_request"));
    assert_eq!(get.header("allow"), Some("POST"));
    assert!(gw.seen().is_empty());
}

#[tokio::test]
async fn repeated_failures_are_slowed_down_even_with_the_right_secret() {
    let gw = spawn().await;
    let wrong = format!(
        "grant_type=client_credentials&client_id={}&client_secret=wdhs_guess",
        gw.client.client_id
    );
    for _ in 0..20 {
        let answer = post_token(&gw, &[FORM], &wrong).await;
        assert_eq!(oauth_error(&answer), "invalid_client");
    }
    let right = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        gw.client.client_id, gw.client.secret
    );
    let answer = post_token(&gw, &[FORM], &right).await;
    assert_eq!((answer.status, oauth_error(&answer).as_str()), (429, "slow_down"));
    let retry: u64 = answer.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3).contains(&retry), "{retry}");
    // The refusals are evidence too: counted in the aggregated refusal record, not one by one.
    assert_eq!(rejections(&gw, "token_invalid_client").await, 20);
    assert_eq!(rejections(&gw, "token_slow_down").await, 1);
}

#[tokio::test]
async fn expired_tampered_and_foreign_algorithm_tokens_are_refused() {
    let gw = spawn_with(Options {
        fixed_clock: true,
        ..Options::default()
    })
    .await;
    let token = token(&gw).await;
    let path = "/bpsdm/simpeg/pegawai/x";
    assert_eq!(gw.get(path, Some(&bearer(&token))).await.status, 200);

    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["exp"] = json!(claims["exp"].as_i64().unwrap() + 86_400);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
    let header = |alg: &str| {
        URL_SAFE_NO_PAD.encode(json!({"alg": alg, "kid": kid(&token), "typ": "at+jwt"}).to_string())
    };
    let none = format!("{}.{payload}.", header("none"));
    let jwks_text = gw.get("/.well-known/jwks.json", None).await.body;
    let mut hs = jsonwebtoken::Header::new(Algorithm::HS256);
    hs.kid = Some(kid(&token));
    hs.typ = Some("at+jwt".into());
    let hmac = jsonwebtoken::encode(&hs, &claims, &EncodingKey::from_secret(&jwks_text).unwrap()).unwrap();
    for (name, bad) in [("tampered", tampered), ("none", none), ("hs256", hmac)] {
        let answer = gw.get(path, Some(&bearer(&bad))).await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (401, "unauthenticated"),
            "{name}"
        );
        assert!(
            answer
                .header("www-authenticate")
                .unwrap()
                .contains("invalid_token")
        );
    }

    gw.clock
        .as_ref()
        .unwrap()
        .advance(chrono::Duration::seconds(300 + 31));
    let expired = gw.get(path, Some(&bearer(&token))).await;
    assert_eq!(
        (expired.status, expired.code().as_str()),
        (401, "unauthenticated")
    );
    assert!(expired.json()["detail"].as_str().unwrap().contains("expired"));
    assert_eq!(gw.seen().len(), 1, "only the first call went upstream");
}

#[tokio::test]
async fn revoking_a_client_cuts_off_its_tokens_within_a_second() {
    let gw = spawn().await;
    let token = bearer(&token(&gw).await);
    let path = "/bpsdm/simpeg/pegawai/x";
    assert_eq!(gw.get(path, Some(&token)).await.status, 200);
    gw.store
        .revoke_credential(&gw.client.id, &change())
        .await
        .unwrap();
    let took = gw
        .eventually(path, &token, Duration::from_secs(1), |a| a.status == 401)
        .await;
    assert!(took < Duration::from_secs(1));
    let auth = basic(&gw.client);
    let answer = post_token(
        &gw,
        &[FORM, ("authorization", &auth)],
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(
        oauth_error(&answer),
        "invalid_client",
        "a revoked client gets no token"
    );
}

#[tokio::test]
async fn upstreams_verify_the_assertion_and_clients_the_token_with_the_jwks() {
    let gw = spawn().await;
    let token = token(&gw).await;
    let set = jwks(&gw).await;
    assert_eq!(set.keys.len(), 1);
    let jwk = serde_json::to_value(&set.keys[0]).unwrap();
    assert_eq!(
        (jwk["kty"].as_str(), jwk["crv"].as_str()),
        (Some("EC"), Some("P-256"))
    );
    assert_eq!(
        (jwk["use"].as_str(), jwk["alg"].as_str()),
        (Some("sig"), Some("ES256"))
    );
    assert_eq!(
        set.keys[0]
            .thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
            .unwrap(),
        kid(&token),
        "the kid is the RFC 7638 thumbprint"
    );
    let claims = verify(&set, &token, &issuer(&gw), &issuer(&gw));
    assert_eq!(claims["sub"], gw.client.client_id.as_str());
    assert_eq!(
        (claims["agency"].as_str(), claims["application"].as_str()),
        (Some("diskominfo"), Some("dashboard"))
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        300
    );

    let answer = gw
        .send(
            "GET",
            "/bpsdm/simpeg/pegawai/x",
            Some(&gw.dashboard),
            &[
                ("x-wadah-assertion", "forged"),
                ("x-wadah-user", "199001012020011001"),
            ],
            b"",
        )
        .await;
    assert_eq!(answer.status, 200);
    let seen = &gw.seen()[0];
    let assertion = seen.headers["x-wadah-assertion"].to_str().unwrap();
    assert_ne!(assertion, "forged", "a consumer's own assertion is dropped");
    let claims = verify(&set, assertion, &issuer(&gw), "bpsdm/simpeg/pegawai");
    assert_eq!(claims["sub"], "diskominfo/dashboard");
    assert_eq!(claims["jti"].as_str(), answer.header("x-request-id"));
    assert_eq!(claims["user"], "199001012020011001");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        60
    );
    assert_eq!(
        jsonwebtoken::decode_header(assertion).unwrap().typ.as_deref(),
        Some("wadah-assertion+jwt")
    );

    // An assertion is not an access token.
    let replayed = gw.get("/bpsdm/simpeg/pegawai/x", Some(&bearer(assertion))).await;
    assert_eq!(replayed.status, 401);
}

/// Polls the JWKS until `ok` holds (the keys reload every 50 ms in these tests).
async fn jwks_until(gw: &TestGateway, ok: impl Fn(&JwkSet) -> bool) -> JwkSet {
    let started = Instant::now();
    loop {
        let set = jwks(gw).await;
        if ok(&set) {
            return set;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "JWKS never got there: {set:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_next_key_is_published_before_it_signs_and_the_old_one_verifies_until_expiry() {
    let gw = spawn_with(Options {
        fixed_clock: true,
        oauth: OauthConfig {
            key_rotation: Duration::from_secs(4000),
            key_refresh_interval: Duration::from_millis(50),
            ..OauthConfig::default()
        },
        ..Options::default()
    })
    .await;
    let clock = gw.clock.clone().unwrap();
    let first = token(&gw).await;
    let old_kid = kid(&first);

    // 1000 s (a quarter of the period) before the first key retires, the next one appears.
    clock.advance(chrono::Duration::seconds(3100));
    let set = jwks_until(&gw, |s| s.keys.len() == 2).await;
    assert_eq!(
        kid(&token(&gw).await),
        old_kid,
        "the next key is published, not yet signing"
    );
    let new_kid = set
        .keys
        .iter()
        .filter_map(|k| k.common.key_id.clone())
        .find(|k| *k != old_kid)
        .unwrap();
    clock.advance(chrono::Duration::seconds(800));
    let late = token(&gw).await;
    assert_eq!(kid(&late), old_kid);

    // The first key retires at 4000 s: tokens are signed by the next one from then on, and a
    // token the old key signed 101 s ago still works until it expires.
    clock.advance(chrono::Duration::seconds(101));
    let fresh = token(&gw).await;
    assert_eq!(kid(&fresh), new_kid);
    let path = "/bpsdm/simpeg/pegawai/x";
    assert_eq!(gw.get(path, Some(&bearer(&late))).await.status, 200);
    assert_eq!(gw.get(path, Some(&bearer(&fresh))).await.status, 200);
    verify(&jwks(&gw).await, &late, &issuer(&gw), &issuer(&gw));

    // Once every token it signed has expired (plus margin), the old key leaves the JWKS.
    clock.advance(chrono::Duration::seconds(3950));
    let set = jwks_until(&gw, |s| s.find(&old_kid).is_none()).await;
    assert!(set.find(&new_kid).is_some());
    let stored = gw.store.signing_keys().await.unwrap();
    assert!(
        stored.iter().all(|k| k.private_sealed.starts_with("v1.")),
        "sealed, never plain"
    );
}

#[tokio::test]
async fn nodes_starting_at_once_share_one_key() {
    let temp = wadah_store_sqlite::testing::TempSqlite::new().unwrap();
    let store: std::sync::Arc<dyn wadah_store::Store> = std::sync::Arc::new(temp.open().await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let node = |n: u8| {
        let mut config = wadah_gateway::GatewayConfig::new(
            "127.0.0.1:0".parse().unwrap(),
            &dir.path().join(n.to_string()),
        );
        config.oauth.issuer = Some("http://gw.bontang".into());
        wadah_gateway::Gateway::build(
            config,
            store.clone(),
            std::sync::Arc::new(wadah_domain::time::SystemClock),
            std::sync::Arc::new(OsRandom),
            test_keys(),
        )
    };
    let (a, b) = tokio::join!(node(1), node(2));
    let (a, b) = (a.unwrap(), b.unwrap());
    let keys = store.signing_keys().await.unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    drop((a, b));
}

#[tokio::test]
async fn a_forced_rotation_signs_with_the_new_key_a_minute_later() {
    let gw = spawn_with(Options {
        fixed_clock: true,
        ..Options::default()
    })
    .await;
    let clock = gw.clock.clone().unwrap();
    let before = token(&gw).await;
    let now = wadah_domain::Clock::now(clock.as_ref());
    let rotation = OauthConfig::default().key_rotation;
    let new_kid = wadah_gateway::keys::rotate_now(gw.store.as_ref(), &test_keys(), rotation, now)
        .await
        .unwrap();
    jwks_until(&gw, |s| s.find(&new_kid).is_some()).await;
    assert_eq!(kid(&token(&gw).await), kid(&before), "not before the delay");
    clock.advance(chrono::Duration::seconds(61));
    assert_eq!(kid(&token(&gw).await), new_kid);
    let path = "/bpsdm/simpeg/pegawai/x";
    assert_eq!(
        gw.get(path, Some(&bearer(&before))).await.status,
        200,
        "old tokens live on"
    );
}
