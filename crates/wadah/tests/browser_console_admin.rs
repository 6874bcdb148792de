//! Users and roles in the console, in a real browser (headless Chromium over WebDriver) against
//! a running `wadah demo`: the demo admin signs in, opens the users list, creates an account
//! (the first password is shown once), finds it listed, opens its page; every users page is
//! screenshot and checked by axe-core (no `serious` or `critical` violation).
//!
//! Needs the same tools as `browser.rs` (`scripts/browser-deps.sh`); without them the test
//! prints a notice and passes locally, but fails when `CI=true`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test binary: failing loudly is the point

mod common;

use fantoccini::{Client, Locator};

use common::browser::*;

#[test]
fn the_demo_admin_creates_a_user_in_a_real_browser_and_the_users_pages_pass_the_accessibility_check() {
    as_demo_admin(users_journey);
}

async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .expect("a field")
        .send_keys(text)
        .await
        .expect("type");
}

async fn users_journey(client: Client, web: String, username: String, password: String, axe: String) {
    let (c, axe) = (&client, axe.as_str());
    sign_in_as(c, &web, &username, &password, "/console/pengguna").await;

    // 1. The list, with the way to a new account.
    assert_eq!(c.current_url().await.expect("url").path(), "/console/pengguna");
    let text = body_text(c).await;
    assert!(text.contains("Pengguna baru"), "{text}");
    screenshot(c, "console-users").await;
    accessibility(c, axe, "/console/pengguna").await;

    // 2. The form: a bad username comes back next to its field, the name typed kept.
    c.find(Locator::LinkText("Pengguna baru"))
        .await
        .expect("new user link")
        .click()
        .await
        .expect("open the form");
    c.wait()
        .for_element(Locator::Css("#f-username"))
        .await
        .expect("the form");
    accessibility(c, axe, "/console/pengguna/baru").await;
    type_into(c, "#f-username", "Bukan Nama").await;
    type_into(c, "#f-display_name", "Rina Wulandari").await;
    c.find(Locator::Css("form.console-form button[type=submit]"))
        .await
        .expect("save")
        .click()
        .await
        .expect("submit");
    c.wait()
        .for_element(Locator::Css("#f-username-error"))
        .await
        .expect("the error by the field");
    let kept = c
        .find(Locator::Css("#f-display_name"))
        .await
        .expect("name field")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some("Rina Wulandari"));
    screenshot(c, "console-user-form-error").await;
    accessibility(c, axe, "/console/pengguna/baru (error)").await;

    // 3. Corrected: the account is made and its first password shown once.
    let field = c.find(Locator::Css("#f-username")).await.expect("username");
    field.clear().await.expect("clear");
    field.send_keys("rina").await.expect("type");
    c.find(Locator::Css("form.console-form button[type=submit]"))
        .await
        .expect("save")
        .click()
        .await
        .expect("submit");
    c.wait()
        .for_element(Locator::Css("#rahasia"))
        .await
        .expect("the password shown once");
    let secret = c
        .find(Locator::Css("#rahasia"))
        .await
        .expect("secret")
        .text()
        .await
        .expect("text");
    assert!(secret.len() >= 12, "a generated password: {secret:?}");
    screenshot(c, "console-user-created").await;
    accessibility(c, axe, "/console/pengguna/rina (created)").await;

    // 4. Listed, and its page no longer shows the password.
    c.goto(&format!("{web}/console/pengguna")).await.expect("list");
    let text = body_text(c).await;
    assert!(text.contains("rina") && text.contains("Rina Wulandari"), "{text}");
    c.goto(&format!("{web}/console/pengguna/rina"))
        .await
        .expect("user page");
    let text = body_text(c).await;
    assert!(text.contains("Token API") && !text.contains(&secret), "{text}");
    screenshot(c, "console-user").await;
    accessibility(c, axe, "/console/pengguna/rina").await;
}
