//! The architecture diagrams, drawn on the server as SVG with presentation attributes only
//! (no script, no style element: the console's and the report's strict CSPs allow them, and a
//! printed or saved document keeps its colours).
//!
//! - The **layered view**: one band per layer, business processes → services → applications →
//!   data → infrastructure, the elements as boxes and the relations among them as lines.
//! - The **application cooperation view**: the applications on a circle, the flows the model
//!   draws between them (solid) and the exchanges the gateway saw (dashed, wider with volume).
//!
//! Every box and line has a `<title>` that says in words what it is, and each diagram a
//! `<title>` and `<desc>`. Both are one pass over the model with bounded output: a band shows
//! at most [`PER_LAYER`] boxes (and says how many more there are), so a province-sized model
//! draws as fast as a small one; the report's tables list everything.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use wadah_domain::architecture::{ArchitectureModel, ElementKind, ElementRef, RelationKind};

use super::kind_label;
use crate::api::architecture::live::{LiveFacts, registry_app};
use crate::console::charts::esc;
use crate::portal::Lang;
use crate::portal::format::integer;

/// Boxes per layer band at most.
pub const PER_LAYER: usize = 24;
/// Applications on the cooperation view at most.
pub const MAX_APPS: usize = 40;
/// Lines drawn at most per diagram.
const MAX_LINES: usize = 600;

const WIDTH: f64 = 960.0;
const LABEL_W: f64 = 120.0;
const BOX_W: f64 = 128.0;
const BOX_H: f64 = 34.0;
const GAP: f64 = 12.0;
const PER_ROW: usize = 6;

/// The layers, top to bottom, with their fill colours (ArchiMate's layer colours, lightened).
const LAYERS: [(ElementKind, &str); 5] = [
    (ElementKind::BusinessProcess, "#fff4bf"),
    (ElementKind::Service, "#ffe2c2"),
    (ElementKind::Application, "#cfe8fc"),
    (ElementKind::DataSet, "#e4ddf7"),
    (ElementKind::Infrastructure, "#d4f0d4"),
];

/// `text` cut to `max` characters with an ellipsis.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

fn open_svg(out: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart arch-diagram" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

#[allow(clippy::cast_precision_loss)] // at most PER_LAYER boxes and a few rows
fn box_at(band_top: f64, i: usize) -> (f64, f64) {
    let (row, col) = (i / PER_ROW, i % PER_ROW);
    (
        LABEL_W + GAP + col as f64 * (BOX_W + GAP),
        band_top + 26.0 + row as f64 * (BOX_H + GAP),
    )
}

/// The layered view of `model`, `None` when no layer has an element.
pub fn layered(lang: Lang, id: &str, model: &ArchitectureModel) -> Option<String> {
    let mut drawn: BTreeMap<ElementRef, (f64, f64)> = BTreeMap::new();
    let mut per_layer: BTreeMap<ElementKind, Vec<(ElementRef, String)>> = BTreeMap::new();
    let mut counts: BTreeMap<ElementKind, usize> = BTreeMap::new();
    for e in &model.elements {
        let kind = e.spec.kind();
        if !LAYERS.iter().any(|(k, _)| *k == kind) {
            continue;
        }
        *counts.entry(kind).or_default() += 1;
        let slot = per_layer.entry(kind).or_default();
        if slot.len() < PER_LAYER {
            slot.push((
                ElementRef {
                    agency: e.agency.clone(),
                    code: e.spec.code.clone(),
                },
                e.spec.name.as_str().to_owned(),
            ));
        }
    }
    if counts.is_empty() {
        return None;
    }
    // Band heights first (the SVG's height is in its opening tag).
    let mut bands = Vec::new();
    let mut top = 8.0;
    for (kind, fill) in LAYERS {
        let n = per_layer.get(&kind).map_or(0, Vec::len);
        let rows = n.div_ceil(PER_ROW).max(1);
        #[allow(clippy::cast_precision_loss)]
        let height = 26.0 + rows as f64 * (BOX_H + GAP) + 14.0;
        bands.push((kind, fill, top, height));
        top += height + 6.0;
    }
    let mut out = String::new();
    open_svg(
        &mut out,
        id,
        top + 4.0,
        &lang.t("arch-layered-title"),
        &lang.t("arch-layered-desc"),
    );
    for (kind, fill, band_top, height) in &bands {
        let total = counts.get(kind).copied().unwrap_or(0);
        let _ = write!(
            out,
            r##"<rect x="2" y="{band_top:.1}" width="{:.0}" height="{height:.1}" fill="{fill}" fill-opacity="0.35" stroke="#8a8a8a"/><text x="10" y="{:.1}" font-size="13" font-weight="600" fill="#1a1a1a">{}</text><text x="10" y="{:.1}" font-size="11" fill="#444">{}</text>"##,
            WIDTH - 4.0,
            band_top + 18.0,
            esc(&super::kinds_label(lang, *kind)),
            band_top + 34.0,
            esc(&integer(lang, super::count(total))),
        );
        let shown = per_layer.get(kind).map_or(&[][..], Vec::as_slice);
        for (i, (r, _)) in shown.iter().enumerate() {
            let (x, y) = box_at(*band_top, i);
            drawn.insert(r.clone(), (x + BOX_W / 2.0, y + BOX_H / 2.0));
        }
        if total > shown.len() {
            let more = lang.t_args(
                "arch-diagram-more",
                &[("count", &integer(lang, super::count(total - shown.len())))],
            );
            let _ = write!(
                out,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#444" text-anchor="end">{}</text>"##,
                WIDTH - 10.0,
                band_top + height - 4.0,
                esc(&more)
            );
        }
    }
    // Lines under the boxes.
    let mut lines = 0;
    for r in &model.relations {
        if lines >= MAX_LINES {
            break;
        }
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (drawn.get(&r.spec.source), drawn.get(&r.spec.target))
        else {
            continue;
        };
        lines += 1;
        let dash = if r.spec.kind == RelationKind::Flow {
            r#" stroke-dasharray="6 3""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r##"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="#555" stroke-width="1.2" stroke-opacity="0.7"{dash}><title>{}</title></line>"##,
            esc(&format!(
                "{} {} {}",
                r.spec.source,
                lang.t(&format!("arch-rel-{}", r.spec.kind.as_str())),
                r.spec.target
            ))
        );
    }
    for (kind, fill, band_top, _) in &bands {
        let shown = per_layer.get(kind).map_or(&[][..], Vec::as_slice);
        for (i, (r, name)) in shown.iter().enumerate() {
            let (x, y) = box_at(*band_top, i);
            let _ = write!(
                out,
                r##"<g><title>{}</title><rect x="{x:.1}" y="{y:.1}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{fill}" stroke="#333"/><text x="{:.1}" y="{:.1}" font-size="10.5" text-anchor="middle" fill="#1a1a1a">{}</text><text x="{:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="#444">{}</text></g>"##,
                esc(&format!("{name} — {} {r}", kind_label(lang, *kind))),
                x + BOX_W / 2.0,
                y + 14.0,
                esc(&short(name, 22)),
                x + BOX_W / 2.0,
                y + 27.0,
                esc(&short(r.agency.as_str(), 24)),
            );
        }
    }
    out.push_str("</svg>");
    Some(out)
}

/// A line of the cooperation view: between two registry applications (`agency/app`).
struct Flow {
    from: String,
    to: String,
    live: Option<u64>,
}

/// The application cooperation view, `None` when there is no application and no exchange.
pub fn cooperation(
    lang: Lang,
    id: &str,
    model: &ArchitectureModel,
    live: Option<&LiveFacts>,
) -> Option<String> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut by_element: BTreeMap<ElementRef, String> = BTreeMap::new();
    for e in &model.elements {
        if e.spec.kind() == ElementKind::Application {
            let key = registry_app(&e.agency, &e.spec.code, &e.spec.details);
            names
                .entry(key.clone())
                .or_insert_with(|| e.spec.name.as_str().to_owned());
            by_element.insert(
                ElementRef {
                    agency: e.agency.clone(),
                    code: e.spec.code.clone(),
                },
                key,
            );
        }
    }
    let mut flows = Vec::new();
    for r in &model.relations {
        if !matches!(r.spec.kind, RelationKind::Flow | RelationKind::Serving) {
            continue;
        }
        if let (Some(a), Some(b)) = (by_element.get(&r.spec.source), by_element.get(&r.spec.target)) {
            flows.push(Flow {
                from: a.clone(),
                to: b.clone(),
                live: None,
            });
        }
    }
    for x in live.map_or(&[][..], |l| l.exchanges.as_slice()) {
        flows.push(Flow {
            from: x.consumer.clone(),
            to: x.provider.clone(),
            live: Some(x.requests),
        });
    }
    // Applications with a line first, then the rest, up to the cap.
    let mut nodes: BTreeSet<String> = BTreeSet::new();
    for f in &flows {
        for n in [&f.from, &f.to] {
            if nodes.len() < MAX_APPS {
                nodes.insert(n.clone());
            }
        }
    }
    for n in names.keys() {
        if nodes.len() >= MAX_APPS {
            break;
        }
        nodes.insert(n.clone());
    }
    if nodes.is_empty() {
        return None;
    }
    let size = 720.0;
    let (cx, cy, radius) = (WIDTH / 2.0, size / 2.0, 250.0);
    #[allow(clippy::cast_precision_loss)] // at most MAX_APPS nodes
    let pos: BTreeMap<&String, (f64, f64)> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let angle = std::f64::consts::TAU * i as f64 / nodes.len() as f64 - std::f64::consts::FRAC_PI_2;
            (n, (cx + radius * angle.cos(), cy + radius * angle.sin()))
        })
        .collect();
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart arch-diagram" viewBox="0 0 {WIDTH} {size}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(&lang.t("arch-cooperation-title")),
        esc(&lang.t("arch-cooperation-desc"))
    );
    for f in flows.iter().take(MAX_LINES) {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(&f.from), pos.get(&f.to)) else {
            continue;
        };
        let (stroke, extra, tip) = match f.live {
            None => (
                "#1f5f8b".to_owned(),
                r#" stroke-width="1.5""#.to_owned(),
                lang.t_args("arch-flow-model", &[("from", &f.from), ("to", &f.to)]),
            ),
            Some(n) => {
                #[allow(clippy::cast_precision_loss)]
                let w = 1.5 + (1.0 + n as f64).log10();
                (
                    "#b45309".to_owned(),
                    format!(r#" stroke-width="{w:.1}" stroke-dasharray="7 4""#),
                    lang.t_args(
                        "arch-flow-live",
                        &[("from", &f.from), ("to", &f.to), ("requests", &integer(lang, n))],
                    ),
                )
            }
        };
        let _ = write!(
            out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}"{extra} stroke-opacity="0.8"><title>{}</title></line>"#,
            esc(&tip)
        );
    }
    for (n, &(x, y)) in &pos {
        let anchor = if x < cx - 1.0 {
            "end"
        } else if x > cx + 1.0 {
            "start"
        } else {
            "middle"
        };
        let dx = match anchor {
            "end" => -10.0,
            "start" => 10.0,
            _ => 0.0,
        };
        let name = names.get(*n).cloned().unwrap_or_else(|| (*n).clone());
        let _ = write!(
            out,
            r##"<g><title>{}</title><circle cx="{x:.1}" cy="{y:.1}" r="7" fill="#cfe8fc" stroke="#1f5f8b" stroke-width="2"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="{anchor}" fill="#1a1a1a">{}</text></g>"##,
            esc(&format!("{name} ({n})")),
            x + dx,
            y + 4.0,
            esc(&short(n, 30)),
        );
    }
    out.push_str("</svg>");
    Some(out)
}
