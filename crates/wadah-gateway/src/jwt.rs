//! JSON Web Tokens as the gateway issues and accepts them: the compact JWS serialisation
//! (RFC 7515 §7.1) signed with ES256 (ECDSA P-256 + SHA-256, fixed-width `r ‖ s` signature,
//! RFC 7518 §3.4) through aws-lc-rs, the workspace's one crypto provider.
//!
//! Written here rather than taken from `jsonwebtoken` because the gateway signs an assertion
//! for every forwarded request: the key pair is parsed once and kept, where `jsonwebtoken`
//! parses the PKCS#8 document on every signature, and time checks must use the gateway's
//! `Clock`. The parser is deliberately narrow: exactly three base64url parts, at most
//! [`MAX_TOKEN`] bytes, a header with only `alg`, `kid` and `typ` (anything else, `crit`
//! included, is refused), and `alg` must be exactly `ES256`, so `none` and the HMAC family can
//! never be smuggled in. Tests check interoperability with `jsonwebtoken`. Every function here
//! is total: any input gives a value or an error, never a panic (fuzzed through `auth`).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _, ParsedPublicKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The one algorithm the gateway signs and accepts.
pub const ALG: &str = "ES256";
/// The longest token looked at (a Wadah token is about 600 bytes).
pub const MAX_TOKEN: usize = 4096;

/// Why a token was not accepted. The text goes into the 401's `detail`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the token is not a compact JWS ({0})")]
    Malformed(&'static str),
    #[error("the token's algorithm is not ES256")]
    Algorithm,
    #[error("the token is signed with a key this gateway does not publish")]
    UnknownKey,
    #[error("the token's signature does not verify")]
    Signature,
    #[error("the token's claims are missing or malformed")]
    Claims,
    #[error("the signing key cannot be used: {0}")]
    Key(&'static str),
}

/// A JWS header as Wadah writes it; nothing else is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub alg: String,
    pub kid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
}

/// A token split and decoded, its signature not yet checked.
#[derive(Debug)]
pub struct Unverified<'a> {
    pub header: Header,
    /// `base64url(header) . base64url(payload)`: what the signature covers.
    signing_input: &'a str,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

/// Splits and decodes `token`, checking its shape and header (not its signature).
pub fn parse(token: &str) -> Result<Unverified<'_>, JwtError> {
    if token.len() > MAX_TOKEN {
        return Err(JwtError::Malformed("too long"));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwtError::Malformed("not three parts"));
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| JwtError::Malformed("not base64url"))
    };
    let header: Header =
        serde_json::from_slice(&decode(h)?).map_err(|_| JwtError::Malformed("bad header"))?;
    if header.alg != ALG {
        return Err(JwtError::Algorithm);
    }
    let signature = decode(s)?;
    if signature.len() != 64 {
        return Err(JwtError::Signature);
    }
    Ok(Unverified {
        header,
        signing_input: &token[..h.len() + 1 + p.len()],
        payload: decode(p)?,
        signature,
    })
}

impl Unverified<'_> {
    /// Checks the signature with `key` and decodes the claims.
    pub fn verify<C: DeserializeOwned>(self, key: &VerifyingKey) -> Result<C, JwtError> {
        key.0
            .verify_sig(self.signing_input.as_bytes(), &self.signature)
            .map_err(|_| JwtError::Signature)?;
        serde_json::from_slice(&self.payload).map_err(|_| JwtError::Claims)
    }
}

/// A public key that verifies ES256 signatures, parsed once.
pub struct VerifyingKey(ParsedPublicKey);

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerifyingKey")
    }
}

impl VerifyingKey {
    /// From the uncompressed point `04 ‖ x ‖ y`.
    pub fn from_point(point: &[u8]) -> Result<Self, JwtError> {
        ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
            .map(Self)
            .map_err(|_| JwtError::Key("not a P-256 public key"))
    }

    /// From a public JWK's `x` and `y` (base64url).
    pub fn from_jwk(jwk: &serde_json::Value) -> Result<Self, JwtError> {
        let coord = |name: &str| {
            jwk[name]
                .as_str()
                .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
                .filter(|v| v.len() == 32)
                .ok_or(JwtError::Key("JWK without a 32-byte coordinate"))
        };
        let mut point = vec![4u8];
        point.extend(coord("x")?);
        point.extend(coord("y")?);
        Self::from_point(&point)
    }
}

/// A private key that signs ES256, parsed once; `kid` names it in every header.
pub struct SigningKey {
    pub kid: String,
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh key: its PKCS#8 document (to seal and store) and its public JWK.
    pub fn generate() -> Result<(Vec<u8>, serde_json::Value), JwtError> {
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| JwtError::Key("key generation failed"))?;
        let key = Self::from_pkcs8(doc.as_ref())?;
        Ok((doc.as_ref().to_vec(), key.public_jwk()))
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, JwtError> {
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8)
            .map_err(|_| JwtError::Key("not a P-256 PKCS#8 key"))?;
        let mut key = Self {
            kid: String::new(),
            pair,
            rng: SystemRandom::new(),
        };
        key.kid = thumbprint(&key.public_jwk());
        Ok(key)
    }

    /// The public key as a JWK (RFC 7517/7518), with `kid`, `use` and `alg`.
    pub fn public_jwk(&self) -> serde_json::Value {
        let point = self.pair.public_key().as_ref();
        let (x, y) = point.get(1..33).zip(point.get(33..65)).unwrap_or_default();
        let mut jwk = serde_json::json!({
            "kty": "EC", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y),
        });
        jwk["kid"] = thumbprint(&jwk).into();
        jwk["use"] = "sig".into();
        jwk["alg"] = ALG.into();
        jwk
    }

    pub fn verifying_key(&self) -> Result<VerifyingKey, JwtError> {
        VerifyingKey::from_point(self.pair.public_key().as_ref())
    }

    /// Signs `claims` with a header naming this key and `typ`.
    pub fn sign(&self, typ: &str, claims: &impl Serialize) -> Result<String, JwtError> {
        let header = Header {
            alg: ALG.into(),
            kid: self.kid.clone(),
            typ: Some(typ.into()),
        };
        let mut token = encode_json(&header)?;
        token.push('.');
        token.push_str(&encode_json(claims)?);
        let signature = self
            .pair
            .sign(&self.rng, token.as_bytes())
            .map_err(|_| JwtError::Key("signing failed"))?;
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature.as_ref()));
        Ok(token)
    }
}

fn encode_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JwtError> {
    let json = serde_json::to_vec(value).map_err(|_| JwtError::Claims)?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

/// The RFC 7638 thumbprint of an EC public JWK: SHA-256 over its required members in
/// lexicographic order, base64url. Stable, so every node derives the same `kid`.
pub fn thumbprint(jwk: &serde_json::Value) -> String {
    use sha2::{Digest, Sha256};
    let s = |k: &str| jwk[k].as_str().unwrap_or_default().to_owned();
    let canonical = format!(
        r#"{{"crv":"{}","kty":"{}","x":"{}","y":"{}"}}"#,
        s("crv"),
        s("kty"),
        s("x"),
        s("y")
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Claims {
        sub: String,
    }

    fn key() -> SigningKey {
        let (pkcs8, _) = SigningKey::generate().unwrap();
        SigningKey::from_pkcs8(&pkcs8).unwrap()
    }

    #[test]
    fn a_signed_token_verifies_only_with_its_key_and_untouched() {
        let k = key();
        let token = k.sign("JWT", &Claims { sub: "a".into() }).unwrap();
        let parsed = parse(&token).unwrap();
        assert_eq!(parsed.header.kid, k.kid);
        let claims: Claims = parsed.verify(&k.verifying_key().unwrap()).unwrap();
        assert_eq!(claims.sub, "a");
        let other = key().verifying_key().unwrap();
        assert_eq!(
            parse(&token).unwrap().verify::<Claims>(&other),
            Err(JwtError::Signature)
        );
        let (head, rest) = token.split_once('.').unwrap();
        let (_, sig) = rest.split_once('.').unwrap();
        let forged = format!("{head}.{}.{sig}", URL_SAFE_NO_PAD.encode(br#"{"sub":"b"}"#));
        let own = k.verifying_key().unwrap();
        assert_eq!(
            parse(&forged).unwrap().verify::<Claims>(&own),
            Err(JwtError::Signature)
        );
    }

    #[test]
    fn none_hmac_and_extra_header_members_are_refused() {
        let part = |v: &str| URL_SAFE_NO_PAD.encode(v);
        for (header, want) in [
            (r#"{"alg":"none","kid":"k"}"#, JwtError::Algorithm),
            (r#"{"alg":"HS256","kid":"k"}"#, JwtError::Algorithm),
            (r#"{"alg":"es256","kid":"k"}"#, JwtError::Algorithm),
            (
                r#"{"alg":"ES256","kid":"k","crit":["x"]}"#,
                JwtError::Malformed("bad header"),
            ),
            (r#"{"alg":"ES256"}"#, JwtError::Malformed("bad header")),
        ] {
            let token = format!("{}.{}.{}", part(header), part("{}"), part(&"s".repeat(64)));
            assert_eq!(parse(&token).unwrap_err(), want, "{header}");
        }
        for bad in ["", "a.b", "a.b.c.d", "%%.e30.e30", &"a".repeat(MAX_TOKEN + 1)] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_kid_is_the_rfc_7638_thumbprint() {
        // RFC 7638 has no EC example; this one is checked against `jsonwebtoken`'s thumbprint
        // in the integration tests. Here: stable, and independent of member order.
        let jwk = serde_json::json!({"y": "b", "x": "a", "kty": "EC", "crv": "P-256", "kid": "z"});
        assert_eq!(
            thumbprint(&jwk),
            thumbprint(&serde_json::json!({"crv":"P-256","kty":"EC","x":"a","y":"b"}))
        );
        let k = key();
        assert_eq!(k.public_jwk()["kid"], k.kid);
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC{0,300}") {
            let _ = parse(&s);
        }
    }
}
