//! The printable HTML report of an assessment: figures, the aspect radar, indicator bars,
//! history and peers, in the reader's language (Fluent keys `spbe-report-*`).
//!
//! The page is one self-contained document so that it can be saved or printed as it is: its
//! stylesheet is inline and allowed by its SHA-256 in the page's own CSP, which allows nothing
//! else (no script at all, no other style, no other origin).

use std::sync::LazyLock;

use askama::Template;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use wadah_domain::index::results::{AssessmentResults, Figure, StandingView};

use super::charts::{self, Axis, Bar};
use crate::portal::Lang;

const CSS: &str = include_str!("../../templates/index/report.css");

/// The report's Content-Security-Policy: its inline stylesheet by hash, nothing else.
pub static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self' data:; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
});

#[derive(Template)]
#[template(path = "index/report.html")]
struct Report<'a> {
    lang: Lang,
    r: &'a AssessmentResults,
    css: &'static str,
    status_label: String,
    radar: String,
    bars: String,
    /// (name, self, evaluator) per domain.
    domain_rows: Vec<(String, String, String)>,
    aspect_rows: Vec<(String, String, String)>,
    /// (year, index, predikat, source) per history point.
    history_rows: Vec<(u16, String, String, String)>,
    /// (what, national standing, standing among the same kind): published, then assessed.
    standing_rows: Vec<(String, String, String)>,
}

impl Report<'_> {
    fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
}

fn standing(lang: Lang, s: Option<&StandingView>) -> String {
    match s {
        Some(s) => lang.t_args(
            "spbe-report-standing",
            &[
                ("rank", &s.rank.to_string()),
                ("of", &s.of.to_string()),
                ("percentile", &s.percentile),
            ],
        ),
        None => "–".to_owned(),
    }
}

fn rows(own: &[Figure], evaluator: Option<&[Figure]>) -> Vec<(String, String, String)> {
    own.iter()
        .enumerate()
        .map(|(i, f)| {
            let ev = evaluator
                .and_then(|e| e.get(i))
                .map_or_else(|| "–".to_owned(), |e| e.value.clone());
            (format!("{}. {}", f.number, f.name), f.value.clone(), ev)
        })
        .collect()
}

fn number(text: &str) -> f64 {
    text.parse().unwrap_or(0.0)
}

/// What the printable report and the console's assessment page both show, drawn once: the
/// charts (SVG markup) and the table rows, in the reader's language.
#[derive(Debug, Clone)]
pub struct Parts {
    pub status_label: String,
    pub radar: String,
    pub bars: String,
    /// (name, self, evaluator) per domain.
    pub domain_rows: Vec<(String, String, String)>,
    pub aspect_rows: Vec<(String, String, String)>,
    /// (year, index, predikat, source) per history point.
    pub history_rows: Vec<(u16, String, String, String)>,
    /// (what, national standing, standing among the same kind): published, then assessed.
    pub standing_rows: Vec<(String, String, String)>,
}

/// Draws the charts and lays out the rows of `results`.
pub fn parts(results: &AssessmentResults, lang: Lang, max_level: u8) -> Parts {
    let evaluator = results.evaluator.as_ref();
    let axes: Vec<Axis> = results
        .self_assessment
        .aspects
        .iter()
        .enumerate()
        .map(|(i, a)| Axis {
            label: format!("{}. {}", a.number, a.name),
            own: number(&a.value),
            evaluator: evaluator.and_then(|e| e.aspects.get(i)).map(|e| number(&e.value)),
        })
        .collect();
    let bars: Vec<Bar> = results
        .indicators
        .iter()
        .map(|l| Bar {
            label: l.number.to_string(),
            own: l.claimed_level,
            evaluator: l.evaluator_level,
        })
        .collect();
    let history_rows = results
        .history
        .iter()
        .map(|h| {
            let source = lang.t(&format!("spbe-report-source-{}", h.source));
            (h.year, h.index.clone(), h.predikat.clone(), source)
        })
        .collect();
    let standing_rows = results.peers.as_ref().map_or_else(Vec::new, |p| {
        vec![
            (
                lang.t("spbe-report-published-standing"),
                standing(lang, p.published_national.as_ref()),
                standing(lang, p.published_same_kind.as_ref()),
            ),
            (
                lang.t("spbe-report-assessed-standing"),
                standing(lang, p.assessed_national.as_ref()),
                standing(lang, p.assessed_same_kind.as_ref()),
            ),
        ]
    });
    Parts {
        status_label: lang.t(&format!("spbe-report-status-{}", results.status)),
        radar: charts::radar(&lang.t("spbe-report-aspects"), &axes, max_level),
        bars: charts::bars(&lang.t("spbe-report-indicators"), &bars, max_level),
        domain_rows: rows(
            &results.self_assessment.domains,
            evaluator.map(|e| e.domains.as_slice()),
        ),
        aspect_rows: rows(
            &results.self_assessment.aspects,
            evaluator.map(|e| e.aspects.as_slice()),
        ),
        history_rows,
        standing_rows,
    }
}

/// Renders the report of `results` in `lang`.
pub fn render(results: &AssessmentResults, lang: Lang, max_level: u8) -> Result<String, askama::Error> {
    let p = parts(results, lang, max_level);
    let report = Report {
        lang,
        r: results,
        css: CSS,
        status_label: p.status_label,
        radar: p.radar,
        bars: p.bars,
        domain_rows: p.domain_rows,
        aspect_rows: p.aspect_rows,
        history_rows: p.history_rows,
        standing_rows: p.standing_rows,
    };
    report.render()
}
