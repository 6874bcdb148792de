//! Sign-in secrets for people, issued by the binary (the demo's sample people and
//! `wadah admin create`): a random password hashed with argon2id off the async threads, and an
//! admin API token stored as its digest. The plain values are returned once, to be shown once.

use anyhow::Context;
use wadah_domain::secret::{self, Random, SecretKind};
use wadah_domain::user::{ApiTokenSpec, Username};
use wadah_store::{Change, Store, StoredSecret};

/// A random password: 18 bytes, base64url (24 characters).
pub fn password(random: &dyn Random) -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 18];
    random.fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The argon2id hash of `plain`, computed on a blocking thread (it takes tens of ms).
pub async fn hash_password(plain: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || wadah_web::password::hash(&plain))
        .await
        .context("password hashing stopped")?
        .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
}

/// Issues an admin API token named `name` for `username`; the plain token, shown once.
pub async fn issue_token(
    store: &dyn Store,
    random: &dyn Random,
    username: &Username,
    name: &str,
    change: &Change,
) -> anyhow::Result<String> {
    let issued = secret::issue(SecretKind::AdminToken, random);
    let spec: ApiTokenSpec =
        serde_json::from_value(serde_json::json!({ "name": name })).context("the token's name is invalid")?;
    let stored = StoredSecret {
        digest: issued.digest,
        hint: issued.hint,
    };
    store.create_api_token(username, &spec, &stored, change).await?;
    Ok(issued.plain)
}
