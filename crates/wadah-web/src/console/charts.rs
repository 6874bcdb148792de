//! Charts drawn on the server as inline SVG: no script, no external library, nothing the
//! strict CSP has to allow. Colours and strokes come from classes in `portal.css` and from
//! presentation attributes (not `style=`, which the CSP forbids). Every chart is a
//! `role="img"` with a title and a description, each bar or point carries a `<title>` (the
//! browser's tooltip and a screen reader's label), and the pages also show the numbers as a
//! table, so nothing is said by colour or shape alone.
//!
//! All text goes through [`esc`]; the numbers are formatted by the caller in the reader's
//! language.

use std::fmt::Write as _;

/// Drawing area, in SVG units (the CSS scales the chart to the page's width).
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// Escapes text for SVG (XML) content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One bar: its axis label (may be empty to skip it), the total and the part drawn as
/// "bad" on top (errors), and the tooltip text.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub total: f64,
    pub bad: f64,
    pub tip: String,
}

/// The axis's top: four grid steps of a round size (1, 2 or 5 × 10^n, at least `min_step`)
/// that reach `max`, so every grid line is a round number (whole numbers for counts).
pub fn axis_ceiling(max: f64, min_step: f64) -> f64 {
    let wanted = if max.is_finite() && max > 0.0 {
        max / 4.0
    } else {
        0.0
    };
    if wanted <= min_step {
        return 4.0 * min_step;
    }
    let magnitude = 10f64.powf(wanted.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= wanted)
        .unwrap_or(10.0 * magnitude);
    4.0 * step.max(min_step)
}

fn open(out: &mut String, id: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

/// Horizontal grid lines with the axis values (`fmt` formats a value).
fn grid(out: &mut String, ceiling: f64, fmt: &dyn Fn(f64) -> String) {
    for i in 0..=4 {
        let value = ceiling * f64::from(i) / 4.0;
        let y = TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - f64::from(i) / 4.0);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            esc(&fmt(value))
        );
    }
}

fn x_label(out: &mut String, x: f64, label: &str) {
    if !label.is_empty() {
        let _ = write!(
            out,
            r#"<text class="axis" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            HEIGHT - 8.0,
            esc(label)
        );
    }
}

/// A bar chart of totals with the bad part stacked on top in the error colour.
pub fn bars(id: &str, title: &str, desc: &str, bars: &[Bar], fmt: &dyn Fn(f64) -> String) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    // Bars count things: grid lines on whole numbers.
    let ceiling = axis_ceiling(bars.iter().map(|b| b.total).fold(0.0, f64::max), 1.0);
    grid(&mut out, ceiling, fmt);
    let plot_h = HEIGHT - TOP - BOTTOM;
    #[allow(clippy::cast_precision_loss)] // at most a few hundred bars
    let slot = (WIDTH - LEFT - RIGHT) / bars.len().max(1) as f64;
    for (i, bar) in bars.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = LEFT + slot * i as f64;
        let h = plot_h * (bar.total / ceiling).clamp(0.0, 1.0);
        let bad = plot_h * (bar.bad / ceiling).clamp(0.0, 1.0).min(h / plot_h.max(1.0));
        let base = TOP + plot_h;
        let _ = write!(
            out,
            r#"<g><title>{}</title><rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"/>"#,
            esc(&bar.tip),
            x + slot * 0.1,
            base - h,
            slot * 0.8
        );
        if bad > 0.0 {
            let _ = write!(
                out,
                r#"<rect class="bar bad" x="{:.1}" y="{:.1}" width="{:.1}" height="{bad:.1}"/>"#,
                x + slot * 0.1,
                base - h,
                slot * 0.8
            );
        }
        out.push_str("</g>");
        x_label(&mut out, x + slot / 2.0, &bar.label);
    }
    out.push_str("</svg>");
    out
}

/// One line of a line chart: a CSS class, and a value per point (`None`: a gap).
#[derive(Debug, Clone)]
pub struct Line {
    pub class: &'static str,
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Lines over shared x labels; a missing value breaks the line, and a lone value is a dot.
pub fn lines(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    series: &[Line],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    let max = series
        .iter()
        .flat_map(|l| l.values.iter().flatten())
        .fold(0.0, |m: f64, &v| m.max(v));
    let ceiling = axis_ceiling(max, 0.1);
    grid(&mut out, ceiling, fmt);
    let plot_h = HEIGHT - TOP - BOTTOM;
    #[allow(clippy::cast_precision_loss)]
    let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
    #[allow(clippy::cast_precision_loss)]
    let x_of = |i: usize| LEFT + slot * i as f64 + slot / 2.0;
    let y_of = |v: f64| TOP + plot_h * (1.0 - (v / ceiling).clamp(0.0, 1.0));
    for (i, label) in labels.iter().enumerate() {
        x_label(&mut out, x_of(i), label);
    }
    for line in series {
        let mut run: Vec<(f64, f64)> = Vec::new();
        let flush = |out: &mut String, run: &mut Vec<(f64, f64)>| {
            match run.len() {
                0 => {}
                1 => {
                    let _ = write!(
                        out,
                        r#"<circle class="{}" cx="{:.1}" cy="{:.1}" r="3"/>"#,
                        line.class, run[0].0, run[0].1
                    );
                }
                _ => {
                    let points: Vec<String> = run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                    let _ = write!(
                        out,
                        r#"<polyline class="{}" points="{}"/>"#,
                        line.class,
                        points.join(" ")
                    );
                }
            }
            run.clear();
        };
        for (i, value) in line.values.iter().enumerate() {
            match value {
                Some(v) => run.push((x_of(i), y_of(*v))),
                None => flush(&mut out, &mut run),
            }
        }
        flush(&mut out, &mut run);
    }
    // The legend: the class's colour and the line's name, in the top left corner.
    for (i, line) in series.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = LEFT + 8.0 + 110.0 * i as f64;
        let _ = write!(
            out,
            r#"<line class="{}" x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/><text class="axis" x="{:.1}" y="{:.1}">{}</text>"#,
            line.class,
            TOP + 6.0,
            x + 18.0,
            TOP + 6.0,
            x + 22.0,
            TOP + 10.0,
            esc(&line.name)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_lines_fall_on_round_numbers() {
        // Counts: steps of at least 1, so a single request does not give lines at 0.25.
        assert_eq!(axis_ceiling(0.0, 1.0), 4.0);
        assert_eq!(axis_ceiling(1.0, 1.0), 4.0);
        assert_eq!(axis_ceiling(7.0, 1.0), 8.0);
        assert_eq!(axis_ceiling(120.0, 1.0), 200.0);
        assert_eq!(axis_ceiling(5000.0, 1.0), 8000.0);
        // Milliseconds: steps down to 0.1.
        assert!((axis_ceiling(1.0, 0.1) - 2.0).abs() < 1e-9);
        for (max, min_step) in [(3.0, 1.0), (97.0, 1.0), (0.3, 0.1), (12_345.0, 1.0)] {
            let top = axis_ceiling(max, min_step);
            assert!(top >= max, "{max} fits under {top}");
        }
    }

    #[test]
    fn text_cannot_break_out_of_the_svg() {
        let svg = bars(
            "c",
            "<script>",
            "a & b",
            &[Bar {
                label: "\"x\"".into(),
                total: 3.0,
                bad: 1.0,
                tip: "</title><script>alert(1)</script>".into(),
            }],
            &|v| format!("{v}"),
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;/title&gt;&lt;script&gt;"));
        assert!(svg.contains(r#"class="bar bad""#), "errors are drawn on top");
    }

    #[test]
    fn a_gap_breaks_the_line_and_a_lone_value_is_a_dot() {
        let labels: Vec<String> = (0..5).map(|i| i.to_string()).collect();
        let svg = lines(
            "l",
            "t",
            "d",
            &labels,
            &[Line {
                class: "p50",
                name: "p50".into(),
                values: vec![Some(1.0), Some(2.0), None, Some(4.0), None],
            }],
            &|v| format!("{v}"),
        );
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1);
    }
}
