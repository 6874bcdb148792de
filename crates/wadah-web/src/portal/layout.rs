//! What every page of every portal shares: its language, its title, the asset paths and the
//! language switch. Templates extend `templates/layout.html`, which reads this, so the staff
//! portal, the developer portal and the console get the same head, headers and switch.

use super::assets;
use super::i18n::Lang;

/// The frame of a page.
#[derive(Debug, Clone)]
pub struct Layout {
    pub lang: Lang,
    /// The page's own title (the site name is appended).
    pub title: String,
    /// The path and query of this page, for the language switch to come back to.
    here: String,
    /// The signed-in person's links and sign-out form (staff and developer portal pages).
    pub account: Option<Account>,
}

/// A link of the signed-in navigation, with an optional badge ("2 baru").
#[derive(Debug, Clone)]
pub struct AccountLink {
    pub href: String,
    pub label: String,
    pub current: bool,
    pub badge: Option<String>,
}

/// Who is signed in, as the shared frame shows them: their links and the sign-out form.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub csrf: String,
    pub links: Vec<AccountLink>,
}

impl Layout {
    pub fn new(lang: Lang, title: impl Into<String>, here: &str) -> Self {
        Self {
            lang,
            title: title.into(),
            here: here.to_owned(),
            account: None,
        }
    }

    /// The same frame with the signed-in person's links and sign-out form.
    pub fn with_account(mut self, account: Account) -> Self {
        self.account = Some(account);
        self
    }

    /// A message in the page's language (for templates: `{{ page.t("key") }}`).
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn tag(&self) -> &'static str {
        self.lang.tag()
    }

    pub fn css(&self) -> &'static str {
        &assets::CSS.path
    }

    pub fn htmx(&self) -> &'static str {
        &assets::HTMX.path
    }

    /// The other language's tag.
    pub fn switch_tag(&self) -> &'static str {
        self.lang.other().tag()
    }

    /// The language switch: `/bahasa/{other}?kembali={this page}`.
    pub fn switch_href(&self) -> String {
        format!(
            "/bahasa/{}?kembali={}",
            self.lang.other().tag(),
            encode_component(&self.here)
        )
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode_component(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_comes_back_to_the_same_page_in_the_other_language() {
        let page = Layout::new(Lang::Id, "x", "/cari?q=bantuan sosial&x=1");
        assert_eq!(
            page.switch_href(),
            "/bahasa/en?kembali=%2Fcari%3Fq%3Dbantuan%20sosial%26x%3D1"
        );
        assert_eq!(Layout::new(Lang::En, "x", "/").switch_tag(), "id");
    }
}
