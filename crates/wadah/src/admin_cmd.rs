//! `wadah admin create`: the first platform admin of a deployment (and, later, a break-glass
//! one). A production store starts empty, and every other person is created by a signed-in
//! admin in the console or the admin API, so the first one has to come from the command line.
//!
//! The password is generated, never typed on the command line (where it would land in the
//! shell history and in `ps`), and printed once; with `--token` an admin API token is issued
//! too, also printed once. An existing username is refused, never overwritten.

use anyhow::Context;
use serde_json::json;
use wadah_domain::user::{UserSpec, Username};
use wadah_domain::{Actor, Clock as _};
use wadah_store::Change;

use crate::cli::AdminCreateArgs;
use crate::people::{hash_password, issue_token, password};
use crate::runtime::OsRandom;
use crate::store::{self, Migrations};

pub async fn create(args: &AdminCreateArgs) -> anyhow::Result<()> {
    let config = crate::commands::load(&args.store)?;
    let username = Username::parse(&args.username).map_err(|e| anyhow::anyhow!("--username: {e}"))?;
    let spec: UserSpec = serde_json::from_value(json!({
        "username": username.as_str(),
        "display_name": args.name,
        "role": "platform_admin",
    }))
    .map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let store = store::open(&config, Migrations::Apply).await?;
    let change = Change {
        actor: Actor::system("cli"),
        at: wadah_domain::time::SystemClock.now(),
    };
    let plain = password(&OsRandom);
    let hash = hash_password(plain.clone()).await?;
    match store.create_user(&spec, Some(&hash), &change).await {
        Ok(_) => {}
        Err(wadah_store::StoreError::Duplicate { .. }) => anyhow::bail!(
            "a user named {} exists already; choose another --username (nothing was changed)",
            username.as_str()
        ),
        Err(e) => return Err(e).context("cannot create the user"),
    }
    println!("Platform admin {} created.", username.as_str());
    println!("Password (shown once; sign in at /console/masuk): {plain}");
    if args.token {
        let token = issue_token(store.as_ref(), &OsRandom, &username, "cli", &change).await?;
        println!("Admin API token (shown once; Authorization: Bearer …): {token}");
    }
    Ok(())
}
