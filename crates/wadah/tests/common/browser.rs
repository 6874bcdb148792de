//! Headless Chromium for the end-to-end tests: chromedriver, a browser session, axe-core, and
//! the small steps every browser journey takes (screenshots, reading the page, signing in).
//!
//! Needs `chromium`, `chromedriver` and axe-core (`scripts/browser-deps.sh` installs all three;
//! axe-core from `$WADAH_AXE_JS`, default `/var/tmp/wadah-node/node_modules/axe-core/axe.min.js`).
//! When one is missing the tests print a loud notice and pass locally, but FAIL when `CI=true`,
//! where a skipped browser test would hide a broken set-up.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use super::Demo;

pub const DEFAULT_AXE: &str = "/var/tmp/wadah-node/node_modules/axe-core/axe.min.js";

/// What the browser tests need, or why they cannot run.
pub struct Tools {
    pub axe: String,
}

pub fn tools() -> Option<Tools> {
    let mut missing = Vec::new();
    for bin in ["chromium", "chromedriver"] {
        let found = Command::new(bin)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            missing.push(bin.to_owned());
        }
    }
    let axe_path = std::env::var("WADAH_AXE_JS").unwrap_or_else(|_| DEFAULT_AXE.to_owned());
    let axe = std::fs::read_to_string(&axe_path);
    if axe.is_err() {
        missing.push(format!("axe-core ({axe_path})"));
    }
    if missing.is_empty() {
        return Some(Tools { axe: axe.unwrap() });
    }
    let message = format!(
        "\n==============================================================\n\
         BROWSER TESTS NOT RUN: missing {}.\n\
         Install them with: bash scripts/browser-deps.sh\n\
         ==============================================================\n",
        missing.join(", ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}(CI=true: the browser tests must run in CI)");
    }
    // Past libtest's capture, so a plain `cargo test` shows it.
    let _ = std::io::Write::write_all(&mut std::io::stderr(), message.as_bytes());
    None
}

/// A chromedriver on a free port, killed when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
    _profile: tempfile::TempDir,
}

impl Driver {
    pub fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen in time");
            std::thread::park_timeout(Duration::from_millis(50));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _profile: tempfile::tempdir().expect("profile dir"),
        }
    }

    pub async fn browser(&self) -> Client {
        let profile = self._profile.path().display().to_string();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    "--window-size=1280,900", "--lang=id-ID", format!("--user-data-dir={profile}"),
                ],
                // An Indonesian reader's browser: the portal must answer in Indonesian.
                "prefs": { "intl.accept_languages": "id-ID,id" },
            }),
        );
        let mut builder = ClientBuilder::rustls().expect("rustls connector");
        builder.capabilities(caps);
        builder.connect(&self.url).await.expect("a browser session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn screenshots_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`; the screenshots sit next to it.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    dir
}

pub async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    let path = screenshots_dir().join(format!("portal-{name}.png"));
    std::fs::write(&path, png).expect("write screenshot");
    eprintln!("screenshot: {}", path.display());
}

pub async fn html_lang(c: &Client) -> String {
    let v = c
        .execute("return document.documentElement.lang;", vec![])
        .await
        .expect("read lang");
    v.as_str().unwrap_or_default().to_owned()
}

/// The page's text. A page that a click is replacing may drop its `body` between finding and
/// reading it (a stale element): then the new page's `body` is read.
pub async fn body_text(c: &Client) -> String {
    for _ in 0..50 {
        let body = c.find(Locator::Css("body")).await.expect("body");
        match body.text().await {
            Ok(text) => return text,
            Err(e) if e.is_stale_element_reference() => {}
            Err(e) => panic!("text: {e:?}"),
        }
    }
    panic!("the page kept replacing its body")
}

/// Injects axe-core, runs it over the page, and fails on any serious or critical violation.
pub async fn accessibility(c: &Client, axe: &str, page: &str) {
    c.execute(axe, vec![]).await.expect("axe-core loads");
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document).then(
               r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))),
               e => done({error: String(e)}));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    assert!(
        result.get("error").is_none(),
        "axe-core failed on {page}: {result}"
    );
    let violations = result.as_array().expect("a list of violations");
    let bad: Vec<&Value> = violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    for v in violations {
        eprintln!(
            "axe {page}: {} [{}] {} at {}",
            v["id"], v["impact"], v["help"], v["nodes"]
        );
    }
    assert!(
        bad.is_empty(),
        "serious or critical accessibility violations on {page}:\n{}",
        serde_json::to_string_pretty(&bad).unwrap()
    );
}

/// Presses Tab until `selector` has the focus (at most `limit` times); the number of presses.
pub async fn tab_to(c: &Client, selector: &str, limit: usize) -> usize {
    for n in 1..=limit {
        let tab = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down {
                value: Key::Tab.into(),
            })
            .then(KeyAction::Up {
                value: Key::Tab.into(),
            });
        c.perform_actions(tab).await.expect("press Tab");
        let focused = c
            .execute(
                "return document.activeElement && document.activeElement.matches(arguments[0]);",
                vec![json!(selector)],
            )
            .await
            .expect("read focus");
        if focused == json!(true) {
            return n;
        }
    }
    panic!("{selector} was not reached with {limit} Tab presses");
}

/// Whether the focused element shows a focus ring (an outline of some width).
pub async fn focus_ring(c: &Client) -> String {
    c.execute(
        "const s = getComputedStyle(document.activeElement);
         return s.outlineStyle + ' ' + s.outlineWidth;",
        vec![],
    )
    .await
    .expect("read style")
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// The password of a demo person (`users`, or `staff` for the civil servant).
pub fn demo_password(demo: &Demo, username: &str) -> String {
    if demo.creds["staff"]["username"] == username {
        return demo.creds["staff"]["password"]
            .as_str()
            .expect("staff password")
            .to_owned();
    }
    let users = demo.creds["users"].as_array().expect("users");
    let user = users
        .iter()
        .find(|u| u["username"] == username)
        .expect("a demo user");
    user["password"].as_str().expect("password").to_owned()
}

/// Waits (bounded) until the page's path is no longer `path`: a click does not wait for the
/// navigation it starts.
pub async fn wait_away_from(c: &Client, path: &str) {
    for _ in 0..100 {
        if c.current_url().await.is_ok_and(|u| u.path() != path) {
            return;
        }
        std::thread::park_timeout(Duration::from_millis(100));
    }
    panic!("still on {path}");
}

/// Signs in through the form, coming back to `next`; signs out whoever was signed in first.
pub async fn sign_in_as(c: &Client, web: &str, username: &str, password: &str, next: &str) {
    c.goto(&format!("{web}/console/masuk?kembali={next}"))
        .await
        .expect("open sign-in");
    if let Ok(out) = c.find(Locator::Css(".signout button")).await {
        out.click().await.expect("sign out");
        c.wait()
            .for_element(Locator::Css("#f-username"))
            .await
            .expect("signed out");
        c.goto(&format!("{web}/console/masuk?kembali={next}"))
            .await
            .expect("open sign-in");
    }
    c.find(Locator::Css("#f-username"))
        .await
        .expect("username")
        .send_keys(username)
        .await
        .expect("type");
    c.find(Locator::Css("#f-password"))
        .await
        .expect("password")
        .send_keys(password)
        .await
        .expect("type");
    c.find(Locator::Css("form[action='/console/masuk'] button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("sign in");
    wait_away_from(c, "/console/masuk").await;
}

/// A browser journey as the demo's platform admin: starts the demo and a browser, runs
/// `journey(browser, web URL, username, password, axe-core)`, closes the browser, stops the
/// demo. A failing journey fails the test once the browser is closed. Without the tools it
/// says so (and fails under `CI=true`, see [`tools`]).
pub fn as_demo_admin<F, Fut>(journey: F)
where
    F: FnOnce(Client, String, String, String, String) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let Some(tools) = tools() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Demo::start(dir.path());
    let web = demo.creds["web_url"].as_str().expect("web_url").to_owned();
    let admin = |field: &str| {
        demo.creds["admin"][field]
            .as_str()
            .expect("the demo admin's sign-in")
            .to_owned()
    };
    let (username, password) = (admin("username"), admin("password"));
    let driver = Driver::start();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let c = driver.browser().await;
        let outcome = tokio::spawn(journey(c.clone(), web, username, password, tools.axe)).await;
        let _ = c.close().await;
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    });
    demo.stop();
}
