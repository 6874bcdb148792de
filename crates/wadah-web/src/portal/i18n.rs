//! Which language a page is in, and its words.
//!
//! Every word of the portals lives in `locales/{id,en}/main.ftl` (Fluent), compiled into the
//! binary. The language of a request is, in order: the `wadah_lang` cookie (set by the language
//! switch, a plain link that works without JavaScript), then the best of `Accept-Language`, then
//! Indonesian. Fluent's bidi isolation marks are turned off: the portals are left-to-right only,
//! and the marks would leak into HTML and into search-engine snippets.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

use super::format;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "id",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The name of the cookie that keeps the reader's choice.
pub const COOKIE: &str = "wadah_lang";

static ID: LanguageIdentifier = langid!("id");
static EN: LanguageIdentifier = langid!("en");

/// A language of the portals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

    /// The BCP 47 tag, as in `<html lang>` and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            // `in` is the withdrawn ISO 639 code for Indonesian, still sent by old Android phones.
            "id" | "in" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language: the target of the language switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    /// The message `key`; the key itself when it is missing (a test keeps that from happening).
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_owned())
    }

    /// The message `key`, or `None` when no locale has it (for optional labels such as topics).
    pub fn try_t(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), key)
    }

    /// The message `key` with text arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, &str)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.to_string())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_owned())
    }

    /// A counting message: `$n` picks the plural form, `$shown` is `n` written the local way.
    pub fn t_count(self, key: &str, n: usize) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed("n"), FluentValue::from(n));
        args.insert(
            Cow::Borrowed("shown"),
            FluentValue::from(format::integer(self, n as u64)),
        );
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_owned())
    }

    /// The language of a request: cookie, then `Accept-Language`, then Indonesian.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie_header
            .and_then(from_cookie)
            .or_else(|| accept_language.and_then(from_accept_language))
            .unwrap_or_default()
    }
}

fn from_cookie(header: &str) -> Option<Lang> {
    header
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim() == COOKIE)
        .and_then(|(_, value)| Lang::from_tag(value))
}

/// The supported language with the highest `q` (ties: the first listed).
fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    for item in header.split(',').take(20) {
        let mut parts = item.split(';');
        let Some(lang) = parts.next().and_then(Lang::from_tag) else {
            continue;
        };
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((lang, q));
        }
    }
    best.map(|(lang, _)| lang)
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let get = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
        Ok(Lang::negotiate(get(header::COOKIE), get(header::ACCEPT_LANGUAGE)))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(text: &str) -> BTreeSet<String> {
        // A message starts at column 0 with `key =`; comments and continuation lines do not.
        text.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    #[test]
    fn both_locales_have_exactly_the_same_messages() {
        let id = keys(include_str!("../../locales/id/main.ftl"));
        let en = keys(include_str!("../../locales/en/main.ftl"));
        assert!(id.len() > 30, "the parser found the messages: {id:?}");
        let only_id: Vec<_> = id.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&id).collect();
        assert!(
            only_id.is_empty() && only_en.is_empty(),
            "only in id: {only_id:?}; only in en: {only_en:?}"
        );
        // Every message formats without errors given the arguments the pages pass.
        let args: HashMap<Cow<'static, str>, FluentValue> = [
            "query",
            "shown",
            "topic",
            "agency",
            "date",
            "name",
            "rank",
            "of",
            "percentile",
            "year",
            "from",
            "to",
            "count",
            "period",
            "government",
            "when",
            "requests",
            "errors",
            "consumer",
            "service",
            "granted",
            "application",
            "office",
            "contact",
            "kind",
            "relation",
            "scope",
            "elements",
            "relations",
            "made",
        ]
        .into_iter()
        .map(|k| (Cow::Borrowed(k), FluentValue::from("x")))
        .chain([(Cow::Borrowed("n"), FluentValue::from(2))])
        .collect();
        for key in &id {
            for lang in Lang::ALL {
                let text = LOCALES.try_lookup_with_args(lang.id(), key, &args);
                assert!(text.is_some(), "{key} does not resolve in {lang:?}");
            }
        }
    }

    #[test]
    fn words_come_in_the_chosen_language_without_bidi_marks() {
        assert_eq!(Lang::Id.t("search-button"), "Cari");
        assert_eq!(Lang::En.t("search-button"), "Search");
        let title = Lang::En.t_args("search-results-title", &[("query", "bansos")]);
        assert_eq!(title, "Search results for “bansos”");
        assert_eq!(Lang::En.t_count("services-count", 1), "One service");
        assert_eq!(Lang::En.t_count("services-count", 1234), "1,234 services");
        assert_eq!(Lang::Id.t_count("services-count", 1234), "1.234 layanan");
    }

    #[test]
    fn the_cookie_wins_then_accept_language_then_indonesian() {
        assert_eq!(Lang::negotiate(Some("a=b; wadah_lang=en"), Some("id")), Lang::En);
        assert_eq!(
            Lang::negotiate(Some("wadah_lang=xx"), Some("en-GB,en;q=0.8")),
            Lang::En
        );
        assert_eq!(Lang::negotiate(None, Some("fr, en;q=0.5, id;q=0.9")), Lang::Id);
        assert_eq!(Lang::negotiate(None, Some("de, fr")), Lang::Id);
        assert_eq!(Lang::negotiate(None, Some("en;q=0")), Lang::Id);
        assert_eq!(Lang::negotiate(None, Some("in-ID")), Lang::Id);
        assert_eq!(Lang::negotiate(None, None), Lang::Id);
    }
}
