//! The portal search: the registry's word-prefix search first, ranked; a typo-tolerant
//! fallback second.
//!
//! 1. **Exact**: the store's `?q=` search ([`wadah_store::search`]): every word of the query
//!    must begin a word of the service's code or name, ignoring case and accents. Its hits are
//!    **ranked** here by how well each query word matched: a whole name word (0) beats the
//!    start of a name word (1), which beats a match in the code only (2); ties keep the
//!    catalogue order (agency, name).
//! 2. **Tolerant**, only when the exact search finds nothing: each query word of four or more
//!    letters may be off by one edit (two for eight or more letters) from a word of a service's
//!    name, code or topics, or from the start of such a word (`bantaun` → `bantuan`, `sosal`
//!    → `sosial`, `pengadu` → `pengaduan`); shorter words must match exactly as in step 1.
//!    Edits are optimal-string-alignment distances (insert, delete, substitute, swap two
//!    neighbours), computed once per distinct catalogue word, not per service. Services are
//!    ranked by total distance. The page says the results are approximate.
//!
//! Folding (case, accents) is the store's own [`wadah_store::search::split_words`], so both
//! steps agree on what a word is.

use std::collections::{BTreeMap, BTreeSet};

use wadah_domain::public_service::PublicService;
use wadah_store::search::split_words;

use super::catalog::Catalog;

/// Most results the tolerant search returns.
pub const MAX_FUZZY_RESULTS: usize = 50;

/// Orders exact hits best first.
pub fn rank_exact(query: &str, hits: &mut [PublicService]) {
    let words = split_words(query);
    hits.sort_by_cached_key(|s| {
        let name = split_words(s.spec.name.as_str());
        words
            .iter()
            .map(|w| {
                if name.iter().any(|n| n == w) {
                    0u32
                } else if name.iter().any(|n| n.starts_with(w.as_str())) {
                    1
                } else {
                    2
                }
            })
            .sum::<u32>()
    });
}

/// Services whose words are within a small edit distance of every query word, best first.
pub fn tolerant<'c>(catalog: &'c Catalog, query: &str) -> Vec<&'c PublicService> {
    let words = split_words(query);
    if words.is_empty() || words.len() > wadah_store::search::MAX_QUERY_WORDS {
        return Vec::new();
    }
    // Every distinct word → the services that have it.
    let mut vocabulary: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (i, s) in catalog.services.iter().enumerate() {
        let topics = s.spec.topics.iter().map(|t| t.as_str());
        let parts = [s.spec.name.as_str(), s.spec.code.as_str()]
            .into_iter()
            .chain(topics);
        for w in parts.flat_map(split_words) {
            vocabulary.entry(w).or_default().insert(i);
        }
    }
    // Per service: the summed best distance, for services that matched every query word.
    let mut total: BTreeMap<usize, usize> = BTreeMap::new();
    for (n, q) in words.iter().enumerate() {
        let mut best: BTreeMap<usize, usize> = BTreeMap::new();
        for (word, services) in &vocabulary {
            let Some(d) = word_distance(q, word) else {
                continue;
            };
            for &i in services {
                let e = best.entry(i).or_insert(d);
                *e = (*e).min(d);
            }
        }
        total = if n == 0 {
            best
        } else {
            total
                .into_iter()
                .filter_map(|(i, sum)| best.get(&i).map(|d| (i, sum + d)))
                .collect()
        };
    }
    let mut ranked: Vec<(usize, usize)> = total.into_iter().collect();
    ranked.sort_by_key(|&(i, d)| (d, i));
    ranked
        .into_iter()
        .take(MAX_FUZZY_RESULTS)
        .filter_map(|(i, _)| catalog.services.get(i))
        .collect()
}

/// How far query word `q` is from catalogue word `w` (or from its start), if close enough.
fn word_distance(q: &str, w: &str) -> Option<usize> {
    if w.starts_with(q) {
        return Some(0);
    }
    let q: Vec<char> = q.chars().collect();
    let allowed = match q.len() {
        0..=3 => return None,
        4..=7 => 1,
        _ => 2,
    };
    let w: Vec<char> = w.chars().collect();
    let whole = osa(&q, &w);
    // The start of a longer word, a letter or two either side of the query's length.
    let prefix = (q.len().saturating_sub(allowed)..=q.len() + allowed)
        .filter(|&n| n < w.len())
        .filter_map(|n| w.get(..n))
        .map(|p| osa(&q, p))
        .min()
        .unwrap_or(usize::MAX);
    let d = whole.min(prefix);
    (d <= allowed).then_some(d)
}

/// Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a
/// substring): insertions, deletions, substitutions and swaps of two neighbours.
fn osa(a: &[char], b: &[char]) -> usize {
    let (a, b): (String, String) = (a.iter().collect(), b.iter().collect());
    strsim::osa_distance(&a, &b)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use wadah_domain::application::Audience;
    use wadah_domain::public_service::PublicServiceSpec;
    use wadah_domain::{Actor, Code, Meta};

    use super::*;

    fn service(agency: &str, code: &str, name: &str, topic: &str) -> PublicService {
        PublicService {
            agency: Code::parse(agency).unwrap(),
            spec: PublicServiceSpec {
                code: Code::parse(code).unwrap(),
                name: wadah_domain::text::Name::parse(name).unwrap(),
                description: Default::default(),
                audience: Audience::Public,
                topics: vec![Code::parse(topic).unwrap()],
                eligibility: Default::default(),
                requirements: vec![],
                cost: Default::default(),
                duration: Default::default(),
                online_url: None,
                office_address: Default::default(),
                applications: vec![],
                sample: true,
            },
            meta: Meta::new(&Actor::user("t"), chrono::DateTime::UNIX_EPOCH),
        }
    }

    fn catalog() -> Catalog {
        Catalog {
            version: 1,
            services: vec![
                service(
                    "dinsos",
                    "pengajuan-bansos",
                    "Pengajuan Bantuan Sosial",
                    "bantuan-sosial",
                ),
                service(
                    "dinsos",
                    "pengaduan-sosial",
                    "Pengaduan Layanan Sosial",
                    "pengaduan",
                ),
                service(
                    "bpsdm",
                    "informasi-pelatihan",
                    "Informasi Jadwal Pelatihan",
                    "pendidikan",
                ),
            ],
            agencies: BTreeMap::new(),
        }
    }

    fn names(found: &[&PublicService]) -> Vec<String> {
        found.iter().map(|s| s.spec.code.to_string()).collect()
    }

    #[test]
    fn small_typos_still_find_the_service() {
        let c = catalog();
        assert_eq!(
            names(&tolerant(&c, "bantaun")),
            ["pengajuan-bansos"],
            "swapped letters"
        );
        assert_eq!(
            names(&tolerant(&c, "pelathan")),
            ["informasi-pelatihan"],
            "a missing letter"
        );
        assert_eq!(names(&tolerant(&c, "JADWAL pelatiham")), ["informasi-pelatihan"]);
        let start = names(&tolerant(&c, "pengadu"));
        assert_eq!(
            start[0], "pengaduan-sosial",
            "a word's start ranks first: {start:?}"
        );
        let sosial = names(&tolerant(&c, "sosal"));
        assert_eq!(sosial.len(), 2, "both social services: {sosial:?}");
    }

    #[test]
    fn unrelated_or_short_words_find_nothing() {
        let c = catalog();
        assert!(tolerant(&c, "kendaraan").is_empty());
        assert!(tolerant(&c, "bxn").is_empty(), "three letters must match exactly");
        assert!(
            tolerant(&c, "bantaun kendaraan").is_empty(),
            "every word must match"
        );
        assert!(tolerant(&c, "").is_empty());
    }

    #[test]
    fn closer_matches_rank_first() {
        let mut c = catalog();
        c.services.push(service(
            "dinsos",
            "bantuan-pangan",
            "Bantuan Pangan",
            "bantuan-sosial",
        ));
        // `pengajuab` is one edit from `pengajuan` and two from `pengaduan`.
        let found = names(&tolerant(&c, "pengajuab"));
        assert_eq!(found, ["pengajuan-bansos", "pengaduan-sosial"]);
    }

    #[test]
    fn exact_hits_rank_whole_name_words_before_prefixes_and_codes() {
        let mut hits = vec![
            service("ab", "sosial-x", "Layanan Lain", "tt"),
            service("ab", "bb", "Sosialisasi Program", "tt"),
            service("ab", "cc", "Bantuan Sosial", "tt"),
        ];
        rank_exact("sosial", &mut hits);
        let order: Vec<_> = hits.iter().map(|s| s.spec.name.as_str()).collect();
        assert_eq!(order, ["Bantuan Sosial", "Sosialisasi Program", "Layanan Lain"]);
    }

    #[test]
    fn osa_counts_a_swap_as_one_edit() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(osa(&c("bantaun"), &c("bantuan")), 1);
        assert_eq!(osa(&c("kitten"), &c("sitting")), 3);
        assert_eq!(osa(&c(""), &c("abc")), 3);
    }
}
