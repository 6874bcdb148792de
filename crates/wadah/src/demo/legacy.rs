//! The demo's legacy web application (`bpsdm/e-cuti`, mounted at
//! `/legacy/{agency}/{app}` on the sample listener and reached by people at
//! `/app/bpsdm/e-cuti/` on the web listener). Like many regional applications it has no login
//! of its own here: it greets whoever Wadah says is visiting (`X-Wadah-User`,
//! `X-Wadah-User-Name`). `…/_echo` answers, as JSON, the path and every header it received, so
//! tests (and curious operators) can see exactly what a web application gets, including the
//! `X-Wadah-Assertion` to verify against the gateway's JWKS.

use axum::Json;
use axum::Router;
use axum::extract::Request;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::any;
use serde_json::{Map, Value, json};

pub fn router() -> Router {
    Router::new()
        .route("/legacy/{agency}/{app}", any(page))
        .route("/legacy/{agency}/{app}/", any(page))
        .route("/legacy/{agency}/{app}/{*rest}", any(page))
}

async fn page(request: Request) -> Response {
    let headers = request.headers();
    if request.uri().path().ends_with("/_echo") {
        let mut received = Map::new();
        for (name, value) in headers {
            let value = value.to_str().unwrap_or_default().to_owned();
            match received.get_mut(name.as_str()) {
                Some(Value::String(prior)) => {
                    *prior = format!("{prior}, {value}");
                }
                _ => {
                    received.insert(name.as_str().to_owned(), Value::String(value));
                }
            }
        }
        return Json(json!({
            "path": request.uri().path(),
            "query": request.uri().query(),
            "method": request.method().as_str(),
            "headers": received,
        }))
        .into_response();
    }
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let user = escape(text("x-wadah-user"));
    let name = escape(&decode(text("x-wadah-user-name")));
    let agency = escape(text("x-wadah-agency"));
    let signed = if headers.contains_key("x-wadah-assertion") {
        "ya"
    } else {
        "tidak"
    };
    let body = format!(
        "<!doctype html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><title>e-Cuti (aplikasi lama contoh)</title></head>\
         <body><main><h1>e-Cuti — aplikasi lama contoh</h1>\
         <p id=\"pengguna\">Masuk sebagai <strong>{name}</strong> (<code>{user}</code>, instansi <code>{agency}</code>).</p>\
         <p>Asersi Wadah diterima: {signed}.</p>\
         <p>Aplikasi ini tidak punya halaman masuk sendiri: Wadah memberi tahu siapa yang datang.</p>\
         </main></body></html>"
    );
    ([(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

/// Undoes the percent-encoding of `X-Wadah-User-Name`.
fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_come_back_from_their_header_form() {
        assert_eq!(super::decode("Siti%20Rahayu%2C%20S.Kom"), "Siti Rahayu, S.Kom");
        assert_eq!(super::decode("100%"), "100%");
    }
}
