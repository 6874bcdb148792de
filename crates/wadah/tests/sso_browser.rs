//! Single sign-on in a real browser (headless Chromium) against a real OpenID provider
//! (`oidc-provider`, started by the `sso_http` helpers): a civil servant signs in to the staff
//! portal through the provider, opens the demo's legacy web application from the launcher —
//! already signed in, the application greets them by name — then logs out everywhere
//! (Wadah's sign-out goes on to the provider's logout), after which the application is no
//! longer reachable without signing in again, and the provider asks for a login again too.
//!
//! Needs chromium, chromedriver and axe-core (`scripts/browser-deps.sh`) and node with
//! oidc-provider (`scripts/oidc-deps.sh`); without them it prints a loud notice and passes
//! locally, but FAILS when `CI=true`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test binary: failing loudly is the point

mod common;
mod sso_http;

use std::time::Duration;

use fantoccini::{Client, Locator};

use common::Demo;
use common::browser::*;
use sso_http::{Provider, free_port, tools_present};

#[test]
fn sign_in_through_the_provider_open_a_legacy_application_signed_in_and_log_out_everywhere() {
    // Both checks run first, so CI fails on whichever is missing.
    let browser_tools = tools();
    let provider_tools = tools_present();
    if browser_tools.is_none() || !provider_tools {
        return;
    }
    let (wport, pport) = (free_port(), free_port());
    let wadah = format!("http://127.0.0.1:{wport}");
    let provider = Provider::start(pport, &wadah);
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("WADAH_SSO__PUBLIC_URL", wadah.as_str()),
        ("WADAH_SSO__PROVIDERS__TES__NAME", "Penyedia Uji"),
        ("WADAH_SSO__PROVIDERS__TES__ISSUER", provider.issuer.as_str()),
        ("WADAH_SSO__PROVIDERS__TES__CLIENT_ID", "wadah"),
        ("WADAH_SSO__PROVIDERS__TES__CLIENT_SECRET", "rahasia-uji-123"),
        ("WADAH_SSO__PROVIDERS__TES__SCOPES", "openid profile email groups"),
        ("WADAH_SSO__PROVIDERS__TES__GROUPS_CLAIM", "groups"),
        ("WADAH_SSO__PROVIDERS__TES__AGENCY_CLAIM", "instansi"),
    ];
    let demo = Demo::start_on(dir.path(), &format!("127.0.0.1:{wport}"), &env);
    let driver = Driver::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let c = driver.browser().await;
        let journey = tokio::spawn(journey(c.clone(), wadah.clone(), provider.issuer.clone())).await;
        let _ = c.close().await;
        if let Err(e) = journey {
            std::panic::resume_unwind(e.into_panic());
        }
    });
    drop(provider);
    demo.stop();
}

/// Waits (bounded) until the page's URL starts with `prefix`.
async fn wait_for_url(c: &Client, prefix: &str) -> String {
    for _ in 0..150 {
        if let Ok(url) = c.current_url().await
            && url.as_str().starts_with(prefix)
        {
            return url.to_string();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "never reached {prefix}; at {:?}: {}",
        c.current_url().await.map(|u| u.to_string()),
        body_text(c).await
    );
}

async fn click(c: &Client, css: &str) {
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// The provider's own login and consent pages (its development interactions).
async fn provider_login(c: &Client, issuer: &str, login: &str) {
    wait_for_url(c, &format!("{issuer}/interaction/")).await;
    let name = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("input[name='login']"))
        .await
        .expect("the provider's login form");
    name.send_keys(login).await.unwrap();
    c.find(Locator::Css("input[name='password']"))
        .await
        .unwrap()
        .send_keys("apa-saja")
        .await
        .unwrap();
    click(c, "button[type='submit']").await;
    // Consent, when the provider asks for it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    if c.current_url()
        .await
        .is_ok_and(|u| u.as_str().starts_with(issuer))
    {
        click(c, "button[type='submit']").await;
    }
}

async fn journey(client: Client, wadah: String, issuer: String) {
    let c = &client;
    // 1. The staff portal needs a session: the sign-in page offers the provider.
    c.goto(&format!("{wadah}/asn")).await.unwrap();
    wait_for_url(c, &format!("{wadah}/console/masuk")).await;
    click(c, "a[href^='/sso/tes/masuk']").await;
    provider_login(c, &issuer, "budi").await;
    wait_for_url(c, &format!("{wadah}/asn")).await;
    assert!(body_text(c).await.contains("Pegawai budi"), "signed in as budi");
    screenshot(c, "sso-staff-portal").await;

    // 2. The launcher opens the legacy application through Wadah, already signed in.
    click(c, "a[href='/app/bpsdm/e-cuti/']").await;
    wait_for_url(c, &format!("{wadah}/app/bpsdm/e-cuti/")).await;
    let text = body_text(c).await;
    assert!(text.contains("e-Cuti"), "{text}");
    assert!(
        text.contains("Masuk sebagai Pegawai budi"),
        "the application knows who: {text}"
    );
    assert!(text.contains("Asersi Wadah diterima: ya"), "{text}");
    screenshot(c, "sso-legacy-app").await;

    // 3. Log out everywhere: Wadah's sign-out continues to the provider's logout.
    c.goto(&format!("{wadah}/asn")).await.unwrap();
    click(c, ".signout button").await;
    wait_for_url(c, &format!("{issuer}/session/end")).await;
    click(c, "button[name='logout'], button[value='yes']").await;
    // Back at Wadah (`/sso/selesai` sends on to the sign-in page).
    wait_for_url(c, &format!("{wadah}/console/masuk")).await;

    // 4. The application is no longer reachable without signing in…
    c.goto(&format!("{wadah}/app/bpsdm/e-cuti/")).await.unwrap();
    let url = wait_for_url(c, &format!("{wadah}/console/masuk")).await;
    assert!(url.contains("kembali=%2Fapp%2Fbpsdm%2Fe-cuti%2F"), "{url}");
    assert!(!body_text(c).await.contains("Masuk sebagai Pegawai budi"));
    // …and the provider's session ended too: signing in asks for a login again.
    click(c, "a[href^='/sso/tes/masuk']").await;
    wait_for_url(c, &format!("{issuer}/interaction/")).await;
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("input[name='login']"))
        .await
        .expect("the provider asks who is signing in again");
}
