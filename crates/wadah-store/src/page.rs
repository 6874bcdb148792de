//! Keyset pagination: a page is the items after a cursor (the last sort key of the previous
//! page), so pages stay fast and stable however large the registry grows.

use serde::Serialize;

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;

/// Which page of a list to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageRequest {
    /// Items per page, 1..=[`MAX_PAGE_SIZE`].
    pub limit: u32,
    /// The `next` of the previous page (a sort key; the web layer makes it opaque).
    pub after: Option<String>,
    /// Search in codes and names. For the registry (governments, agencies, applications,
    /// services, public services) every word of `q` must be a prefix of a word of the object's
    /// code or name, ignoring case and accents: see [`crate::search`] for the exact rules.
    /// Users are still searched by substring ([`PageRequest::like_pattern`]).
    pub q: Option<String>,
}

impl PageRequest {
    pub fn first(limit: u32) -> Self {
        Self {
            limit,
            ..Self::default()
        }
    }

    /// The limit clamped to 1..=MAX, so an engine never reads an unbounded page.
    pub fn clamped_limit(&self) -> u32 {
        self.limit.clamp(1, MAX_PAGE_SIZE)
    }

    /// The words of `q` ([`crate::search::query_words`]): `None` without a search, an empty
    /// list when `q` has no letters or digits (nothing matches).
    ///
    /// # Errors
    /// [`crate::StoreError::InvalidState`] when `q` has more than
    /// [`crate::search::MAX_QUERY_WORDS`] words.
    pub fn search_words(&self) -> crate::StoreResult<Option<Vec<String>>> {
        match self.q.as_deref() {
            Some(q) => crate::search::query_words(q),
            None => Ok(None),
        }
    }

    /// The `q` as a lower-case LIKE pattern with `%`, `_` and `\` escaped (escape char `\`).
    pub fn like_pattern(&self) -> Option<String> {
        let q = self.q.as_deref()?.trim().to_lowercase();
        if q.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(q.len() + 2);
        out.push('%');
        for c in q.chars() {
            if matches!(c, '%' | '_' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('%');
        Some(out)
    }
}

/// One page of a list, as the API answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The sort key to continue after, or `None` on the last page.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only says there is more.
    pub fn from_rows(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> String) -> Self {
        let limit = limit as usize;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(&key) } else { None };
        Self { items: rows, next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms_cannot_smuggle_wildcards() {
        let p = PageRequest {
            q: Some(" 50%_Off\\ ".into()),
            ..PageRequest::first(10)
        };
        assert_eq!(p.like_pattern().as_deref(), Some("%50\\%\\_off\\\\%"));
        assert_eq!(PageRequest::first(10).like_pattern(), None);
    }

    #[test]
    fn a_page_reports_more_only_when_a_row_beyond_the_limit_exists() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next.as_deref(), Some("2"));
        let last = Page::from_rows(vec![1, 2], 2, |n| n.to_string());
        assert_eq!(last.next, None);
    }
}
