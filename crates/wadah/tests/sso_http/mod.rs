//! A browser for the single sign-on test without a browser: plain HTTP/1.1 on loopback, a
//! cookie jar per host, redirects followed, a page's first form submitted with its hidden
//! fields (what a person does on the provider's login, consent and logout pages).
//! Also starts the real provider (`Provider`, `tools_present`) for the tests that need it.

#![allow(dead_code)] // each test binary uses a different part

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An HTTP response as the test needs it.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn dechunk(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&rest[end + 2..end + 2 + size]);
        rest = &rest[end + 2 + size + 2..];
    }
    out
}

/// A browser: a cookie jar per host, one request per connection.
#[derive(Default)]
pub struct Browser {
    jar: BTreeMap<String, BTreeMap<String, String>>,
}

pub fn split_url(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").expect("plain http on loopback");
    match rest.find('/') {
        Some(i) => (rest[..i].to_owned(), rest[i..].to_owned()),
        None => (rest.to_owned(), "/".to_owned()),
    }
}

impl Browser {
    pub fn request(&mut self, method: &str, url: &str, form: Option<&str>, origin: Option<&str>) -> Response {
        self.request_with(method, url, form, origin, &[])
    }

    /// [`Browser::request`] with `extra` headers (as a hostile page or extension could add).
    pub fn request_with(
        &mut self,
        method: &str,
        url: &str,
        form: Option<&str>,
        origin: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Response {
        let (host, path) = split_url(url);
        let extra: String = extra.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect();
        let mut stream = TcpStream::connect(&host).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let cookies = self
            .jar
            .get(&host)
            .map(|c| {
                c.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .filter(|c| !c.is_empty())
            .map(|c| format!("Cookie: {c}\r\n"))
            .unwrap_or_default();
        let origin = origin.map(|o| format!("Origin: {o}\r\n")).unwrap_or_default();
        let body = form.unwrap_or("");
        let content = if form.is_some() {
            format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                body.len()
            )
        } else {
            String::new()
        };
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\nAccept-Language: id\r\n\
             {cookies}{origin}{extra}{content}Connection: close\r\n\r\n{body}"
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.lines();
        let status: u16 = lines.next().unwrap()[9..12].parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
        {
            body = dechunk(&body);
        }
        for (_, cookie) in headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        {
            let pair = cookie.split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                let jar = self.jar.entry(host.clone()).or_default();
                let expired = value.is_empty() || cookie.to_ascii_lowercase().contains("max-age=0");
                if expired {
                    jar.remove(name.trim());
                } else {
                    jar.insert(name.trim().to_owned(), value.trim().to_owned());
                }
            }
        }
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// GET `url` and follow redirects; answers every URL visited and the last response.
    pub fn visit(&mut self, url: &str) -> (Vec<String>, Response) {
        let mut visited = vec![url.to_owned()];
        let mut response = self.request("GET", url, None, None);
        while (300..400).contains(&response.status) {
            let next = absolute(
                visited.last().unwrap(),
                response.header("location").expect("location"),
            );
            visited.push(next.clone());
            assert!(visited.len() < 30, "too many redirects: {visited:?}");
            response = self.request("GET", &next, None, None);
        }
        (visited, response)
    }

    /// Submits the page's first form (hidden fields kept, `extra` added), following redirects.
    pub fn submit(
        &mut self,
        page_url: &str,
        page: &Response,
        extra: &[(&str, &str)],
    ) -> (Vec<String>, Response) {
        let form = &page.body[page.body.find("<form").expect("a form")..];
        let action = attr(form, "action").expect("form action");
        let mut fields: Vec<(String, String)> = Vec::new();
        for input in form.split("<input").skip(1) {
            let input = &input[..input.find('>').unwrap()];
            if attr(input, "type").as_deref() == Some("hidden")
                && let (Some(n), Some(v)) = (attr(input, "name"), attr(input, "value"))
            {
                fields.push((n, v));
            }
        }
        for (n, v) in extra {
            fields.push(((*n).to_owned(), (*v).to_owned()));
        }
        let body = serde_urlencoded::to_string(&fields).unwrap();
        let target = absolute(page_url, &html_unescape(&action));
        let mut visited = vec![target.clone()];
        let origin = {
            let (host, _) = split_url(&target);
            format!("http://{host}")
        };
        let mut response = self.request("POST", &target, Some(&body), Some(&origin));
        while (300..400).contains(&response.status) {
            let next = absolute(
                visited.last().unwrap(),
                response.header("location").expect("location"),
            );
            visited.push(next.clone());
            response = self.request("GET", &next, None, None);
        }
        (visited, response)
    }
}

pub fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(html_unescape(&tag[start..end]))
}

/// The value of the `<input name="{name}">` on a page.
pub fn input_value(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\""))?;
    let start = body[..at].rfind('<')?;
    let end = at + body[at..].find('>')?;
    attr(&body[start..end], "value")
}

fn html_unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
}

pub fn absolute(base: &str, location: &str) -> String {
    if location.starts_with("http://") {
        return location.to_owned();
    }
    let (host, _) = split_url(base);
    format!("http://{host}{location}")
}

// The provider: `oidc-provider` configured by `tests/oidc/provider.mjs`, on loopback.

pub fn oidc_dir() -> PathBuf {
    PathBuf::from(std::env::var("WADAH_OIDC_DIR").unwrap_or_else(|_| "/var/tmp/wadah-oidc".into()))
}

pub fn tools_present() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let package = oidc_dir().join("node_modules/oidc-provider/package.json");
    if node && package.exists() {
        return true;
    }
    let message = format!(
        "\n==============================================================\n\
         SINGLE SIGN-ON TEST NOT RUN: missing {}.\n\
         Install it with: bash scripts/oidc-deps.sh\n\
         ==============================================================\n",
        if node {
            package.display().to_string()
        } else {
            "node".into()
        }
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}(CI=true: the single sign-on test must run in CI)");
    }
    let _ = std::io::stderr().write_all(message.as_bytes());
    false
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The provider process, killed when dropped.
pub struct Provider {
    child: Child,
    pub issuer: String,
}

impl Provider {
    pub fn start(port: u16, wadah: &str) -> Provider {
        Provider::start_with(port, wadah, &[])
    }

    /// [`Provider::start`] with more environment for `provider.mjs` (e.g. `CLIENT_JWKS`).
    pub fn start_with(port: u16, wadah: &str, env: &[(&str, &str)]) -> Provider {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .env("PORT", port.to_string())
            .env("WADAH_URL", wadah)
            .env("CLIENT_SECRET", "rahasia-uji-123")
            .env("NODE_PATH", oidc_dir().join("node_modules"))
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let issuer = loop {
            assert!(Instant::now() < deadline, "the provider did not start in time");
            match lines.next() {
                Some(Ok(line)) if line.starts_with("READY ") => {
                    break line.trim_start_matches("READY ").to_owned();
                }
                Some(Ok(_)) => {}
                _ => panic!("the provider exited: {:?}", child.wait()),
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Provider { child, issuer }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
