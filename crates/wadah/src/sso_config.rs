//! `[sso]`: single sign-on providers (see `docs/sso.md` and `wadah.example.toml`).
//!
//! Providers are a table keyed by their id, so every key can also come from the environment:
//! `WADAH_SSO__PROVIDERS__ASN__CLIENT_SECRET_FILE=/run/secrets/asn` reads the client secret
//! from a file. Checked strictly: unknown keys are refused, the issuer and public URL must be
//! http(s) URLs (plain http only on loopback), and a role mapping names real roles.

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use serde::Deserialize;
use wadah_domain::Code;
use wadah_domain::user::Role;
use wadah_web::sso::client_auth::{ClientAuth, ClientKey};
use wadah_web::sso::mapping::{Mapping, mappable};
use wadah_web::sso::{ProviderConfig, SecretText, SsoConfig};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSso {
    /// Where people reach Wadah, e.g. `https://wadah.bontang.go.id`.
    pub public_url: Option<String>,
    #[serde(default)]
    pub providers: BTreeMap<String, RawProvider>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvider {
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// Or `client_secret_file` through the environment (`…__CLIENT_SECRET_FILE`).
    pub client_secret: Option<RawSecret>,
    /// Instead of a secret: Wadah's private key (PEM) for `private_key_jwt`, best through the
    /// environment as `…__PRIVATE_KEY_FILE=/run/secrets/wadah-sso.pem`.
    pub private_key: Option<RawSecret>,
    /// The key's algorithm: `ES256` (default), `ES384`, `RS256`, `PS256` or `EdDSA`.
    pub private_key_alg: Option<String>,
    /// The `kid` the provider knows the key by, if it needs one.
    pub private_key_id: Option<String>,
    /// Space-separated; `openid` is always asked for.
    pub scopes: Option<String>,
    pub groups_claim: Option<String>,
    #[serde(default)]
    pub group_roles: BTreeMap<String, String>,
    pub agency_claim: Option<String>,
    pub default_agency: Option<String>,
    pub update_on_login: Option<bool>,
}

/// A client secret as read: never printed, also not by `{:?}` of the raw configuration.
#[derive(Default, Deserialize)]
#[serde(transparent)]
pub struct RawSecret(String);

impl std::fmt::Debug for RawSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// `http(s)://…`; plain `http` only for loopback hosts (tests, a provider on the same machine).
fn web_url(key: &str, raw: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw).with_context(|| format!("{key} is not a URL (got {raw:?})"))?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    let ok = match url.scheme() {
        "https" => true,
        "http" => loopback,
        _ => false,
    };
    if !ok || url.query().is_some() || url.fragment().is_some() || raw.len() > 512 {
        bail!("{key} must be an https URL without query or fragment (http only on loopback; got {raw:?})");
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn provider(id: &str, raw: RawProvider) -> anyhow::Result<ProviderConfig> {
    let key = |k: &str| format!("sso.providers.{id}.{k}");
    if !valid_id(id) {
        bail!("sso.providers.{id}: a provider id is 1-32 characters of a-z, 0-9 and '-'");
    }
    let need = |v: Option<String>, k: &str| {
        v.filter(|s| !s.trim().is_empty())
            .with_context(|| format!("{} is required", key(k)))
    };
    let name = need(raw.name, "name")?;
    if name.chars().count() > 60 {
        bail!("{} must be at most 60 characters", key("name"));
    }
    // The issuer is compared exactly with `iss`: kept as written (only checked).
    let issuer = need(raw.issuer, "issuer")?;
    web_url(&key("issuer"), &issuer)?;
    let client_id = need(raw.client_id, "client_id")?;
    let present = |v: &Option<RawSecret>| v.as_ref().is_some_and(|s| !s.0.trim().is_empty());
    let client_auth = match (present(&raw.client_secret), present(&raw.private_key)) {
        (true, true) => bail!(
            "{} and {} are both set: choose client_secret_basic or private_key_jwt",
            key("client_secret"),
            key("private_key")
        ),
        (false, false) => bail!(
            "{} is required (or {} for private_key_jwt)",
            key("client_secret"),
            key("private_key")
        ),
        (true, false) => ClientAuth::SecretBasic(SecretText::new(
            raw.client_secret.map(|s| s.0).unwrap_or_default(),
        )),
        (false, true) => {
            let pem = raw.private_key.map(|s| s.0).unwrap_or_default();
            let alg = raw.private_key_alg.unwrap_or_else(|| "ES256".into());
            let kid = raw.private_key_id.filter(|k| !k.trim().is_empty());
            let key_config = ClientKey::from_pem(pem.as_bytes(), &alg, kid)
                .map_err(|e| anyhow::anyhow!("{}: {e}", key("private_key")))?;
            ClientAuth::PrivateKeyJwt(key_config)
        }
    };
    let mut scopes: Vec<String> = raw
        .scopes
        .unwrap_or_else(|| "openid profile email".into())
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".into());
    }
    let mut group_roles = Vec::new();
    for (group, role) in raw.group_roles {
        let parsed: Role = serde_json::from_value(serde_json::Value::String(role.clone()))
            .ok()
            .filter(|r| mappable(*r))
            .with_context(|| {
                format!(
                    "{}.{group:?} must be platform_admin, agency_admin, auditor, evaluator or staff (got {role:?})",
                    key("group_roles")
                )
            })?;
        group_roles.push((group, parsed));
    }
    let default_agency = raw
        .default_agency
        .map(|a| Code::parse(&a).with_context(|| format!("{} is not an agency code", key("default_agency"))))
        .transpose()?;
    Ok(ProviderConfig {
        id: id.to_owned(),
        name,
        issuer,
        client_id,
        client_auth,
        scopes,
        mapping: Mapping {
            groups_claim: raw.groups_claim,
            group_roles,
            agency_claim: raw.agency_claim,
            default_agency,
            update_on_login: raw.update_on_login.unwrap_or(true),
        },
    })
}

pub fn sso_settings(raw: RawSso) -> anyhow::Result<SsoConfig> {
    if raw.providers.is_empty() {
        return Ok(SsoConfig::default());
    }
    let public_url = raw
        .public_url
        .context("sso.public_url is required when identity providers are configured")?;
    let public_url = web_url("sso.public_url", &public_url)?;
    let providers = raw
        .providers
        .into_iter()
        .map(|(id, p)| provider(&id, p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(SsoConfig {
        public_url,
        providers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(toml_text: &str) -> RawSso {
        toml::from_str(toml_text).unwrap()
    }

    const GOOD: &str = r#"
public_url = "https://wadah.bontang.go.id/"
[providers.asn]
name = "SSO ASN"
issuer = "https://sso.example.go.id/realms/asn"
client_id = "wadah"
client_secret = "s3cret-value"
groups_claim = "groups"
agency_claim = "instansi"
[providers.asn.group_roles]
"/wadah/admin" = "platform_admin"
"#;

    #[test]
    fn a_provider_is_read_with_its_mapping_and_its_secret_never_prints() {
        let c = sso_settings(raw(GOOD)).unwrap();
        assert_eq!(c.public_url, "https://wadah.bontang.go.id");
        let p = c.provider("asn").unwrap();
        assert_eq!(p.scopes, ["openid", "profile", "email"]);
        assert_eq!(
            p.mapping.group_roles,
            [("/wadah/admin".to_owned(), Role::PlatformAdmin)]
        );
        assert_eq!(
            c.redirect_uri("asn"),
            "https://wadah.bontang.go.id/sso/asn/callback"
        );
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    /// The example file documents `[sso]` commented out: uncommented, it is valid.
    #[test]
    fn the_example_file_documents_a_valid_provider() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wadah.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let block: String = text[text.find("# [sso]").unwrap()..]
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| l.starts_with('[') || l.starts_with('"') || l.contains(" = "))
            .filter(|l| !l.starts_with("redirect") && !l.contains("{public_url}"))
            .map(|l| l.replacen("[sso.", "[", 1))
            .filter(|l| l != "[sso]")
            .collect::<Vec<_>>()
            .join("\n");
        let c = sso_settings(raw(&block)).unwrap();
        let p = c.provider("asn").unwrap();
        assert_eq!(p.mapping.group_roles.len(), 2);
        assert_eq!(p.mapping.default_agency.as_ref().unwrap().as_str(), "diskominfo");
    }

    const EC_PEM: &str = "-----BEGIN PRIVATE KEY-----\n\
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9fC7W3Fd/F9sQapR\n\
yJAldfc9tH7SiBcQGM9sqnzh+WyhRANCAATxh23C3oQMkf3RKmNZZlt8um/ZUXJ6\n\
FI9fPH2x5cW9GpF7SNzf/ahJkBtFdIgVrOr4D+XLL9K11NK4no1SCu8V\n\
-----END PRIVATE KEY-----\n";

    #[test]
    fn private_key_jwt_takes_a_key_instead_of_a_secret() {
        let with_key = GOOD.replace(
            "client_secret = \"s3cret-value\"",
            &format!("private_key = \"\"\"\n{EC_PEM}\"\"\"\nprivate_key_id = \"wadah-1\""),
        );
        let c = sso_settings(raw(&with_key)).unwrap();
        let p = c.provider("asn").unwrap();
        assert!(matches!(p.client_auth, ClientAuth::PrivateKeyJwt(_)), "{p:?}");
        assert!(!format!("{c:?}").contains("MIGH"), "the key never prints");
        let both = GOOD.replace(
            "client_secret = \"s3cret-value\"",
            &format!("client_secret = \"x\"\nprivate_key = \"\"\"\n{EC_PEM}\"\"\""),
        );
        let err = sso_settings(raw(&both)).unwrap_err();
        assert!(format!("{err:#}").contains("both set"), "{err:#}");
        let wrong_alg = with_key.replace("private_key_id", "private_key_alg = \"RS256\"\nprivate_key_id");
        let err = sso_settings(raw(&wrong_alg)).unwrap_err();
        assert!(
            format!("{err:#}").contains("sso.providers.asn.private_key"),
            "{err:#}"
        );
    }

    #[test]
    fn bad_providers_are_refused_naming_the_key() {
        for (text, needle) in [
            (
                GOOD.replace("public_url = \"https://wadah.bontang.go.id/\"", ""),
                "sso.public_url",
            ),
            (
                GOOD.replace("https://sso.example.go.id", "http://sso.example.go.id"),
                "issuer",
            ),
            (
                GOOD.replace("client_secret = \"s3cret-value\"", ""),
                "client_secret",
            ),
            (GOOD.replace("\"platform_admin\"", "\"developer\""), "group_roles"),
            (GOOD.replace("\"platform_admin\"", "\"root\""), "group_roles"),
            (
                GOOD.replace("[providers.asn]", "[providers.ASN]")
                    .replace("providers.asn.", "providers.ASN."),
                "provider id",
            ),
        ] {
            let err = sso_settings(raw(&text)).unwrap_err();
            assert!(format!("{err:#}").contains(needle), "{needle}: {err:#}");
        }
        assert!(toml::from_str::<RawSso>("[providers.asn]\nsecret = 1\n").is_err());
        assert!(sso_settings(RawSso::default()).unwrap().providers.is_empty());
    }
}
