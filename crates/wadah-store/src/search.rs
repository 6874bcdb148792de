//! What `q` means, once for every engine: **word-prefix search**.
//!
//! An object's *words* are its code and its name split on everything that is not a letter or a
//! digit, lower-cased, with accents folded to ASCII (`Sósial` → `sosial`, `Straße` → `strasse`;
//! a hand-written fold for Latin-1 and Latin Extended-A, which covers Indonesian and the
//! European names that occur in it), cut to [`MAX_WORD_CHARS`] characters and de-duplicated.
//! `q` is split into words the same way, and an object matches when **every** word of `q` is a
//! **prefix** of some word of the object:
//!
//! - `DINAS sos` finds "Dinas Sosial" (`dinas` and `sos…`), `kesejahteraan` finds "Data
//!   Terpadu Kesejahteraan Sosial", `simp` finds the code `simpeg`;
//! - matching is case- and accent-insensitive; word order does not matter;
//! - there is no infix matching: `sejahtera` does not find "Kesejahteraan";
//! - punctuation separates words and is never a wildcard: `data_umum` means `data` and `umum`,
//!   and a `q` with no letters or digits at all (`%`, `--`) matches nothing;
//! - only the first [`MAX_WORD_CHARS`] characters of a word count, on both sides;
//! - `q` may have at most [`MAX_QUERY_WORDS`] words (after dropping repeats and words that are a
//!   prefix of another word of `q`, which add nothing); more is refused as
//!   [`StoreError::InvalidState`], which the API answers as a bad query parameter.
//!
//! Engines keep an index of the words (ordered bytewise) and look a word of `q` up as the range
//! `[word, upper_bound(word))`, so a search never needs `LIKE '%…%'` over a whole table.

use crate::{StoreError, StoreResult};

/// Longest word kept, in characters (longer words are cut, in the index and in `q` alike).
pub const MAX_WORD_CHARS: usize = 32;

/// Most words a `q` may have.
pub const MAX_QUERY_WORDS: usize = 5;

/// The words of an object (its code and name, say): sorted, without repeats.
pub fn index_words(parts: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = parts.iter().flat_map(|p| split_words(p)).collect();
    words.sort();
    words.dedup();
    words
}

/// The words of a search text, in order of appearance, or `None` when the text is blank (no
/// search at all). `Some(empty)` means the text has no letters or digits and matches nothing.
///
/// # Errors
/// [`StoreError::InvalidState`] when more than [`MAX_QUERY_WORDS`] words remain.
pub fn query_words(q: &str) -> StoreResult<Option<Vec<String>>> {
    if q.trim().is_empty() {
        return Ok(None);
    }
    let mut words: Vec<String> = Vec::new();
    for word in split_words(q) {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    // A word that is a prefix of another word of `q` is implied by it.
    let implied = |w: &String| words.iter().any(|o| o != w && o.starts_with(w.as_str()));
    let kept: Vec<String> = words.iter().filter(|w| !implied(w)).cloned().collect();
    if kept.len() > MAX_QUERY_WORDS {
        return Err(StoreError::InvalidState(format!(
            "`q` may have at most {MAX_QUERY_WORDS} words (it has {})",
            kept.len()
        )));
    }
    Ok(Some(kept))
}

/// The smallest string greater than every string that starts with `prefix` (bytewise, which is
/// code-point order for UTF-8): `prefix` with its last character incremented. Words only hold
/// letters and digits, so there is always one; `None` only for a prefix made of `char::MAX`.
pub fn upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Splits `text` into folded, capped words (repeats kept).
pub fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = Word::default();
    for c in text.chars() {
        if is_combining_mark(c) {
            continue; // a decomposed accent: part of the letter before it
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if let Some(folded) = fold(c) {
            folded.chars().for_each(|f| word.push(f));
        } else if c.is_alphanumeric() {
            c.to_lowercase()
                .filter(|l| l.is_alphanumeric())
                .for_each(|l| word.push(l));
        } else {
            words.extend(word.take());
        }
    }
    words.extend(word.take());
    words
}

/// A word being read, cut at [`MAX_WORD_CHARS`].
#[derive(Default)]
struct Word {
    text: String,
    chars: usize,
}

impl Word {
    fn push(&mut self, c: char) {
        if self.chars < MAX_WORD_CHARS {
            self.text.push(c);
            self.chars += 1;
        }
    }

    fn take(&mut self) -> Option<String> {
        self.chars = 0;
        Some(std::mem::take(&mut self.text)).filter(|w| !w.is_empty())
    }
}

/// Combining diacritical marks (U+0300–U+036F): a decomposed accent, dropped.
fn is_combining_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// The accented letters of Latin-1 and Latin Extended-A, folded to lower-case ASCII. `None`
/// for anything else.
fn fold(c: char) -> Option<&'static str> {
    let folded = match c {
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć'..='č' => "c",
        'Ð' | 'ð' | 'Ď'..='đ' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => "e",
        'Ĝ'..='ģ' => "g",
        'Ĥ'..='ħ' => "h",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => "i",
        'Ĳ' | 'ĳ' => "ij",
        'Ĵ' | 'ĵ' => "j",
        'Ķ'..='ĸ' => "k",
        'Ĺ'..='ł' => "l",
        'Ñ' | 'ñ' | 'Ń'..='ŋ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ'..='ř' => "r",
        'ß' => "ss",
        'Ś'..='š' | 'ſ' => "s",
        'Þ' | 'þ' => "th",
        'Ţ'..='ŧ' => "t",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => "u",
        'Ŵ' | 'ŵ' => "w",
        'Ý' | 'ý' | 'ÿ' | 'Ŷ'..='Ÿ' => "y",
        'Ź'..='ž' => "z",
        _ => return None,
    };
    Some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_split_and_deduplicated() {
        assert_eq!(
            index_words(&["dinsos", "Dinas Sosial — Dinas"]),
            ["dinas", "dinsos", "sosial"]
        );
        assert_eq!(
            split_words("Sósial Straße ÆRØ Łódź İzmir ŒUVRE naïve"),
            ["sosial", "strasse", "aero", "lodz", "izmir", "oeuvre", "naive"]
        );
        // A decomposed accent belongs to its letter; it does not split the word.
        assert_eq!(split_words("Re\u{301}sume\u{301}"), ["resume"]);
        assert_eq!(split_words("data_umum 50%-off"), ["data", "umum", "50", "off"]);
        assert_eq!(split_words("СОЦИАЛЬНЫЙ 東京"), ["социальный", "東京"]);
        assert_eq!(split_words(&"x".repeat(40))[0].len(), MAX_WORD_CHARS);
        assert!(split_words(" %_- ").is_empty());
    }

    #[test]
    fn query_words_drop_repeats_and_implied_prefixes() {
        assert_eq!(query_words("  ").unwrap(), None);
        assert_eq!(query_words("%").unwrap(), Some(vec![]));
        assert_eq!(
            query_words("DINAS sos d dinas").unwrap(),
            Some(vec!["dinas".to_owned(), "sos".to_owned()])
        );
        assert!(query_words("a1 b2 c3 d4 e5").is_ok());
        assert!(matches!(
            query_words("a1 b2 c3 d4 e5 f6"),
            Err(StoreError::InvalidState(_))
        ));
    }

    #[test]
    fn the_upper_bound_closes_exactly_the_prefix_range() {
        assert_eq!(upper_bound("sos").as_deref(), Some("sot"));
        assert_eq!(upper_bound("a9").as_deref(), Some("a:"));
        assert_eq!(upper_bound("z").as_deref(), Some("{"));
        assert_eq!(upper_bound("\u{d7ff}").as_deref(), Some("\u{e000}"));
        assert_eq!(upper_bound("a\u{10ffff}").as_deref(), Some("b"));
        assert_eq!(upper_bound(""), None);
        for (prefix, word) in [("sos", "sosial"), ("é", "éa"), ("a", "a\u{10ffff}")] {
            let upper = upper_bound(prefix).unwrap();
            assert!(word >= prefix && *word < *upper, "{word} in [{prefix}, {upper})");
        }
        assert!("sot" >= upper_bound("sos").unwrap().as_str());
    }
}
