//! Hostile and honest tokens against [`super`]: each test signs real tokens with a fresh key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::*;

const ISS: &str = "https://idp.example/realms/asn";
const CLIENT: &str = "wadah";
const NOW: i64 = 1_780_000_000;

/// A P-256 signing key: (encoding key, its public JWK with `kid`).
fn key(kid: &str) -> (EncodingKey, Jwk) {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let raw = pair.public_key_raw();
    let (x, y) = (&raw[1..33], &raw[33..65]);
    let jwk: Jwk = serde_json::from_value(json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y),
    }))
    .unwrap();
    (EncodingKey::from_ec_der(&pair.serialize_der()), jwk)
}

fn claims() -> Value {
    json!({
        "iss": ISS, "sub": "248289761001", "aud": CLIENT, "exp": NOW + 300, "iat": NOW - 5,
        "nonce": "n-0S6_WzA2Mj", "sid": "sid-1", "name": "Siti Aminah", "groups": ["asn"],
    })
}

fn sign(key: &EncodingKey, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

fn expected() -> Expected<'static> {
    Expected {
        issuer: ISS,
        client_id: CLIENT,
        now: chrono::DateTime::from_timestamp(NOW, 0).unwrap(),
    }
}

fn check(token: &str, keys: &[Jwk]) -> Result<IdClaims, TokenError> {
    validate_id_token(token, keys, &expected(), "n-0S6_WzA2Mj")
}

fn with(changes: Value) -> Value {
    let mut c = claims();
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c
}

#[test]
fn an_honest_token_is_accepted_with_its_claims() {
    let (k, jwk) = key("k1");
    let got = check(&sign(&k, "k1", &claims()), &[jwk]).unwrap();
    assert_eq!((got.iss.as_str(), got.sub.as_str()), (ISS, "248289761001"));
    assert_eq!(got.sid.as_deref(), Some("sid-1"));
    assert_eq!(got.other["name"], "Siti Aminah");
}

#[test]
fn wrong_issuer_and_audience_are_refused() {
    let (k, jwk) = key("k1");
    let keys = [jwk];
    for (changes, error) in [
        (
            json!({"iss": "https://evil.example/realms/asn"}),
            TokenError::Issuer,
        ),
        (json!({"iss": format!("{ISS}/")}), TokenError::Issuer),
        (json!({"aud": "another-client"}), TokenError::Audience),
        (json!({"aud": ["another-client", "third"]}), TokenError::Audience),
        // Several audiences: azp must name us.
        (json!({"aud": [CLIENT, "another-client"]}), TokenError::Audience),
        (
            json!({"aud": [CLIENT, "another-client"], "azp": "another-client"}),
            TokenError::Audience,
        ),
        (json!({"azp": "another-client"}), TokenError::Audience),
    ] {
        assert_eq!(
            check(&sign(&k, "k1", &with(changes.clone())), &keys).unwrap_err(),
            error,
            "{changes}"
        );
    }
    let ok = with(json!({"aud": [CLIENT, "another-client"], "azp": CLIENT}));
    assert!(check(&sign(&k, "k1", &ok), &keys).is_ok());
}

#[test]
fn expired_future_and_stale_tokens_are_refused_with_a_small_skew() {
    let (k, jwk) = key("k1");
    let keys = [jwk];
    for (changes, error) in [
        (json!({"exp": NOW - SKEW_SECS - 1}), TokenError::Expired),
        (json!({"iat": NOW + SKEW_SECS + 5}), TokenError::NotYetValid),
        (json!({"nbf": NOW + 3600}), TokenError::NotYetValid),
        (json!({"iat": NOW - 7200}), TokenError::TooOld),
    ] {
        assert_eq!(
            check(&sign(&k, "k1", &with(changes.clone())), &keys).unwrap_err(),
            error,
            "{changes}"
        );
    }
    // Within the skew: fine.
    let ok = with(json!({"exp": NOW - 10, "iat": NOW + 10}));
    assert!(check(&sign(&k, "k1", &ok), &keys).is_ok());
    // A token without exp or iat is not an ID token.
    assert!(matches!(
        check(&sign(&k, "k1", &with(json!({"exp": null}))), &keys),
        Err(TokenError::Claims(_))
    ));
}

#[test]
fn nonce_must_be_the_logins() {
    let (k, jwk) = key("k1");
    let keys = [jwk];
    for changes in [
        json!({"nonce": "someone-elses"}),
        json!({"nonce": null}),
        json!({"nonce": ""}),
    ] {
        assert_eq!(
            check(&sign(&k, "k1", &with(changes.clone())), &keys).unwrap_err(),
            TokenError::Nonce,
            "{changes}"
        );
    }
}

#[test]
fn a_bad_signature_or_another_key_is_refused() {
    let (k, jwk) = key("k1");
    let (other, _) = key("k1");
    assert_eq!(
        check(&sign(&other, "k1", &claims()), std::slice::from_ref(&jwk)).unwrap_err(),
        TokenError::Signature
    );
    // A changed payload under the original signature.
    let token = sign(&k, "k1", &claims());
    let parts: Vec<&str> = token.split('.').collect();
    let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&with(json!({"sub": "admin"}))).unwrap());
    let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
    assert_eq!(check(&tampered, &[jwk]).unwrap_err(), TokenError::Signature);
}

#[test]
fn alg_none_and_hmac_with_the_public_key_are_refused_before_any_key() {
    let (_, jwk) = key("k1");
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims()).unwrap());
    for alg in ["none", "None", "NONE"] {
        let head = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","kid":"k1"}}"#));
        assert!(
            matches!(
                check(&format!("{head}.{payload}."), std::slice::from_ref(&jwk)),
                Err(TokenError::Algorithm(_))
            ),
            "{alg}"
        );
    }
    // HS256 keyed with the provider's public key material (the classic confusion attack).
    let public_x = match &jwk.algorithm {
        jsonwebtoken::jwk::AlgorithmParameters::EllipticCurve(ec) => ec.x.clone(),
        _ => unreachable!(),
    };
    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let mut header = Header::new(alg);
        header.kid = Some("k1".into());
        let token = jsonwebtoken::encode(
            &header,
            &claims(),
            &EncodingKey::from_secret(public_x.as_bytes()).unwrap(),
        )
        .unwrap();
        assert!(
            matches!(
                check(&token, std::slice::from_ref(&jwk)),
                Err(TokenError::Algorithm(_))
            ),
            "{alg:?}"
        );
    }
}

#[test]
fn an_unknown_kid_is_reported_so_keys_can_be_refetched() {
    let (k, jwk) = key("old");
    let (new, new_jwk) = key("new");
    assert_eq!(
        check(&sign(&new, "new", &claims()), std::slice::from_ref(&jwk)).unwrap_err(),
        TokenError::UnknownKey
    );
    // After the refetch the rotated key verifies.
    assert!(check(&sign(&new, "new", &claims()), &[jwk.clone(), new_jwk.clone()]).is_ok());
    // A key for another curve or marked for encryption is never used.
    assert!(check(&sign(&k, "old", &claims()), &[jwk]).is_ok());
}

#[test]
fn garbage_is_malformed() {
    let (_, jwk) = key("k1");
    for junk in [
        "",
        "a.b",
        "a.b.c.d",
        "!!!.???.***",
        &"a".repeat(MAX_TOKEN_BYTES + 1),
    ] {
        assert!(
            matches!(
                check(junk, std::slice::from_ref(&jwk)),
                Err(TokenError::Malformed | TokenError::Algorithm(_))
            ),
            "{junk:.20}"
        );
    }
}

fn logout_claims() -> Value {
    json!({
        "iss": ISS, "aud": CLIENT, "iat": NOW - 2, "exp": NOW + 120, "jti": "j-1", "sid": "sid-1",
        "sub": "248289761001", "events": {BACKCHANNEL_EVENT: {}},
    })
}

#[test]
fn logout_tokens_need_the_event_no_nonce_and_a_session_or_subject() {
    let (k, jwk) = key("k1");
    let keys = [jwk];
    let ok = validate_logout_token(&sign(&k, "k1", &logout_claims()), &keys, &expected()).unwrap();
    assert_eq!(ok.sid.as_deref(), Some("sid-1"));
    let mut bad_cases = Vec::new();
    for (field, value) in [
        ("events", json!(null)),
        ("events", json!({"http://example.com/other": {}})),
        ("nonce", json!("n")),
        ("jti", json!(null)),
        ("iss", json!("https://evil.example")),
        ("aud", json!("someone-else")),
        ("exp", json!(NOW - 3600)),
    ] {
        let mut c = logout_claims();
        if value.is_null() {
            c.as_object_mut().unwrap().remove(field);
        } else {
            c[field] = value;
        }
        bad_cases.push(c);
    }
    let mut neither = logout_claims();
    neither.as_object_mut().unwrap().remove("sid");
    neither.as_object_mut().unwrap().remove("sub");
    bad_cases.push(neither);
    for c in bad_cases {
        assert!(
            validate_logout_token(&sign(&k, "k1", &c), &keys, &expected()).is_err(),
            "{c}"
        );
    }
    // An ID token is not a logout token.
    assert!(validate_logout_token(&sign(&k, "k1", &claims()), &keys, &expected()).is_err());
}

/// The length of the DER value whose length octets start at `at` (moved past them).
fn der_length(der: &[u8], at: &mut usize) -> usize {
    let first = der[*at];
    *at += 1;
    if first < 0x80 {
        return usize::from(first);
    }
    let n = usize::from(first & 0x7f);
    let len = der[*at..*at + n]
        .iter()
        .fold(0, |acc, b| (acc << 8) | usize::from(*b));
    *at += n;
    len
}

/// The DER values inside the SEQUENCE that `der` is: (tag, contents) each.
fn der_items(der: &[u8]) -> Vec<(u8, &[u8])> {
    let mut at = 1;
    let end = der_length(der, &mut at) + at;
    let mut items = Vec::new();
    while at < end {
        let tag = der[at];
        at += 1;
        let len = der_length(der, &mut at);
        items.push((tag, &der[at..at + len]));
        at += len;
    }
    items
}

/// The modulus and exponent of a PKCS#1 `RSAPublicKey`, leading zeros cut.
fn rsa_components(der: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let ints: Vec<Vec<u8>> = der_items(der)
        .into_iter()
        .map(|(_, v)| v[v.iter().position(|b| *b != 0).unwrap_or(0)..].to_vec())
        .collect();
    (ints[0].clone(), ints[1].clone())
}

/// Identity providers sign with RSA (Keycloak's default RS256) and EdDSA too; each is checked
/// against its own key type, and a forged payload is refused under either.
#[test]
fn rs256_and_eddsa_tokens_are_checked_with_their_own_keys() {
    let rsa = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let (n, e) = rsa_components(rsa.public_key_raw());
    let rsa_jwk: Jwk = serde_json::from_value(json!({
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "r1",
        "n": URL_SAFE_NO_PAD.encode(n), "e": URL_SAFE_NO_PAD.encode(e),
    }))
    .unwrap();
    // PKCS#8 wraps the PKCS#1 key that `from_rsa_der` takes in its OCTET STRING.
    let pkcs8 = rsa.serialize_der();
    let pkcs1 = der_items(&pkcs8)
        .into_iter()
        .find(|(tag, _)| *tag == 0x04)
        .unwrap()
        .1;
    let rsa_key = EncodingKey::from_rsa_der(pkcs1);
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("r1".into());
    let rs256 = jsonwebtoken::encode(&header, &claims(), &rsa_key).unwrap();

    let ed = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let ed_jwk: Jwk = serde_json::from_value(json!({
        "kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": "e1",
        "x": URL_SAFE_NO_PAD.encode(ed.public_key_raw()),
    }))
    .unwrap();
    let ed_key = EncodingKey::from_ed_der(&ed.serialize_der());
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("e1".into());
    let eddsa = jsonwebtoken::encode(&header, &claims(), &ed_key).unwrap();

    let keys = [rsa_jwk, ed_jwk.clone()];
    assert_eq!(check(&rs256, &keys).unwrap().sub, "248289761001");
    assert_eq!(check(&eddsa, &keys).unwrap().sub, "248289761001");
    for token in [&rs256, &eddsa] {
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&with(json!({"sub": "admin"}))).unwrap());
        assert_eq!(check(&parts.join("."), &keys).unwrap_err(), TokenError::Signature);
    }
    // The RSA token's kid naming the Ed25519 key: the key type does not fit the algorithm.
    let mut ed_as_r1 = ed_jwk;
    ed_as_r1.common.key_id = Some("r1".into());
    assert!(check(&rs256, &[ed_as_r1]).is_err());
}
