//! Hand-written SVG charts for the assessment report: a radar of the aspect figures and bars
//! per indicator. Plain SVG markup with presentation attributes only (no `style`, no script),
//! so the report's strict CSP holds and the charts print as vectors. Text is XML-escaped here;
//! the template inserts the finished markup.
//!
//! Coordinates are `f64`: drawing needs no exactness (the figures in the tables are the exact
//! ones).

use std::fmt::Write as _;

/// Self-assessment and evaluator colours (distinguishable in greyscale print too: the
/// evaluator's series is dashed).
const SELF: &str = "#1f5f8b";
const EVALUATOR: &str = "#b35900";

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value on a 0..=max scale as a fraction, clamped.
fn share(value: f64, max: f64) -> f64 {
    if max <= 0.0 {
        0.0
    } else {
        (value / max).clamp(0.0, 1.0)
    }
}

/// One axis of the radar: its label and the two series' values.
#[derive(Debug, Clone)]
pub struct Axis {
    pub label: String,
    pub own: f64,
    pub evaluator: Option<f64>,
}

/// A radar (spider) chart of `axes` on a 0..=`max` scale, with rings at each level.
pub fn radar(title: &str, axes: &[Axis], max: u8) -> String {
    let (cx, cy, r) = (260.0_f64, 220.0_f64, 150.0_f64);
    let n = axes.len().max(3);
    let point = |i: usize, frac: f64| {
        let angle = -std::f64::consts::FRAC_PI_2 + (i as f64) * std::f64::consts::TAU / (n as f64);
        (cx + r * frac * angle.cos(), cy + r * frac * angle.sin())
    };
    let polygon = |values: &mut dyn Iterator<Item = f64>| {
        values
            .enumerate()
            .map(|(i, v)| {
                let (x, y) = point(i, share(v, f64::from(max)));
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart radar" viewBox="0 0 520 440" role="img" aria-labelledby="radar-title" xmlns="http://www.w3.org/2000/svg"><title id="radar-title">{}</title>"#,
        escape(title)
    );
    for level in 1..=max {
        let ring = polygon(&mut (0..n).map(|_| f64::from(level)));
        let _ = write!(
            svg,
            r##"<polygon points="{ring}" fill="none" stroke="#c8c8c8" stroke-width="1"/>"##
        );
    }
    for (i, axis) in axes.iter().enumerate() {
        let (x, y) = point(i, 1.0);
        let (lx, ly) = point(i, 1.12);
        let anchor = if (lx - cx).abs() < 5.0 {
            "middle"
        } else if lx > cx {
            "start"
        } else {
            "end"
        };
        let _ = write!(
            svg,
            r##"<line x1="{cx}" y1="{cy}" x2="{x:.1}" y2="{y:.1}" stroke="#c8c8c8" stroke-width="1"/><text x="{lx:.1}" y="{ly:.1}" font-size="11" text-anchor="{anchor}" fill="#222">{}</text>"##,
            escape(&axis.label)
        );
    }
    let own = polygon(&mut axes.iter().map(|a| a.own));
    let _ = write!(
        svg,
        r#"<polygon points="{own}" fill="{SELF}" fill-opacity="0.25" stroke="{SELF}" stroke-width="2"/>"#
    );
    if axes.iter().all(|a| a.evaluator.is_some()) && !axes.is_empty() {
        let ev = polygon(&mut axes.iter().map(|a| a.evaluator.unwrap_or_default()));
        let _ = write!(
            svg,
            r#"<polygon points="{ev}" fill="none" stroke="{EVALUATOR}" stroke-width="2" stroke-dasharray="6 4"/>"#
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One indicator's bar.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub own: Option<u8>,
    pub evaluator: Option<u8>,
}

/// Horizontal bars, one row per indicator (two bars when the evaluator's level is there).
pub fn bars(title: &str, rows: &[Bar], max: u8) -> String {
    let (left, width, row_h) = (40.0_f64, 420.0_f64, 18.0_f64);
    let height = row_h * rows.len() as f64 + 30.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart bars" viewBox="0 0 500 {height:.0}" role="img" aria-labelledby="bars-title" xmlns="http://www.w3.org/2000/svg"><title id="bars-title">{}</title>"#,
        escape(title)
    );
    for level in 0..=max {
        let x = left + width * share(f64::from(level), f64::from(max));
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="0" x2="{x:.1}" y2="{:.0}" stroke="#e0e0e0" stroke-width="1"/><text x="{x:.1}" y="{:.0}" font-size="10" text-anchor="middle" fill="#555">{level}</text>"##,
            height - 20.0,
            height - 6.0
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = row_h * i as f64;
        let _ = write!(
            svg,
            r##"<text x="{:.0}" y="{:.1}" font-size="10" text-anchor="end" fill="#222">{}</text>"##,
            left - 6.0,
            y + 12.0,
            escape(&row.label)
        );
        let split = row.evaluator.is_some();
        let h = if split { 7.0 } else { 12.0 };
        if let Some(level) = row.own {
            let w = width * share(f64::from(level), f64::from(max));
            let _ = write!(
                svg,
                r#"<rect x="{left}" y="{:.1}" width="{w:.1}" height="{h}" fill="{SELF}"/>"#,
                y + 2.0
            );
        }
        if let Some(level) = row.evaluator {
            let w = width * share(f64::from(level), f64::from(max));
            let _ = write!(
                svg,
                r#"<rect x="{left}" y="{:.1}" width="{w:.1}" height="{h}" fill="{EVALUATOR}"/>"#,
                y + 9.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_no_style_or_script_is_written() {
        let axes = vec![
            Axis {
                label: "<script>x</script> & co".into(),
                own: 3.0,
                evaluator: Some(2.5),
            },
            Axis {
                label: "b".into(),
                own: 5.0,
                evaluator: Some(5.0),
            },
            Axis {
                label: "c".into(),
                own: 0.0,
                evaluator: Some(1.0),
            },
        ];
        let svg = radar("Aspek", &axes, 5);
        assert!(svg.contains("&lt;script&gt;x&lt;/script&gt; &amp; co"));
        assert!(!svg.contains("<script") && !svg.contains("style="));
        assert_eq!(svg.matches("<polygon").count(), 5 + 2, "rings, own and evaluator");
        let bars = bars(
            "Indikator",
            &[Bar {
                label: "1".into(),
                own: Some(5),
                evaluator: None,
            }],
            5,
        );
        // A level-5 bar spans the whole scale.
        assert!(bars.contains(r#"width="420.0""#), "{bars}");
    }
}
