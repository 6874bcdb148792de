//! The integration map drawn as inline SVG: consumers on the left, the services they call on
//! the right, one curve per link. A curve's width grows with the traffic (logarithmically, so
//! one busy link does not hide the rest); a granted link without traffic is dashed; traffic
//! without a right today (revoked or expired since) and links with many server errors get
//! their own classes. Each curve has a `<title>` saying all of it in words, and the page also
//! lists the links as a table.
//!
//! A two-column layout instead of a force-directed graph: it is deterministic, needs no
//! script, stays readable with a hundred applications, and a reader scans it like a list.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::charts::esc;
use crate::api::traffic::map::MapLink;

const WIDTH: f64 = 720.0;
const ROW: f64 = 24.0;
const TOP: f64 = 30.0;
const LEFT_X: f64 = 250.0;
const RIGHT_X: f64 = 470.0;
/// Nodes drawn per side at most; the table below the map lists everything.
pub const MAX_NODES: usize = 150;
/// Share of server errors from which a link is drawn as failing.
const FAILING: f64 = 0.05;

/// What the map says in words, in the reader's language.
pub struct MapText<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    pub consumers: &'a str,
    pub services: &'a str,
    /// The tooltip of a link, given the link.
    pub tip: &'a dyn Fn(&MapLink) -> String,
}

fn consumer_label(l: &MapLink) -> String {
    match &l.consumer.application {
        Some(app) => format!("{}/{app}", l.consumer.agency),
        None => format!("{}/*", l.consumer.agency),
    }
}

fn service_label(l: &MapLink) -> String {
    format!("{}/{}/{}", l.agency, l.application, l.service)
}

/// Row index of every distinct label, in sorted order, capped at [`MAX_NODES`].
fn rows(labels: impl Iterator<Item = String>) -> BTreeMap<String, usize> {
    let mut map: BTreeMap<String, usize> = labels.map(|l| (l, 0)).collect();
    for (i, row) in map.values_mut().enumerate() {
        *row = i;
    }
    map.retain(|_, row| *row < MAX_NODES);
    map
}

fn class_of(link: &MapLink) -> String {
    let mut class = String::from("link");
    if link.requests == 0 {
        class.push_str(" idle");
    }
    if !link.granted {
        class.push_str(" ungranted");
    }
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    if link.requests > 0 && link.server_errors as f64 / link.requests as f64 >= FAILING {
        class.push_str(" failing");
    }
    class
}

/// The map, or `None` when there is no link to draw.
pub fn draw(links: &[MapLink], text: &MapText<'_>) -> Option<String> {
    if links.is_empty() {
        return None;
    }
    let left = rows(links.iter().map(consumer_label));
    let right = rows(links.iter().map(service_label));
    #[allow(clippy::cast_precision_loss)] // at most MAX_NODES rows
    let height = TOP + ROW * left.len().max(right.len()) as f64 + 8.0;
    #[allow(clippy::cast_precision_loss)]
    let y = |row: usize| TOP + ROW * row as f64 + ROW / 2.0;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart map" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-labelledby="peta-t peta-d" xmlns="http://www.w3.org/2000/svg"><title id="peta-t">{}</title><desc id="peta-d">{}</desc>"#,
        esc(text.title),
        esc(text.desc)
    );
    let _ = write!(
        out,
        r#"<text class="axis head" x="{:.1}" y="16" text-anchor="end">{}</text><text class="axis head" x="{:.1}" y="16">{}</text>"#,
        LEFT_X - 8.0,
        esc(text.consumers),
        RIGHT_X + 8.0,
        esc(text.services)
    );
    for link in links {
        let (Some(&from), Some(&to)) = (left.get(&consumer_label(link)), right.get(&service_label(link)))
        else {
            continue;
        };
        #[allow(clippy::cast_precision_loss)]
        let width = 1.0 + (1.0 + link.requests as f64).log10();
        let (y1, y2, mid) = (y(from), y(to), f64::midpoint(LEFT_X, RIGHT_X));
        let _ = write!(
            out,
            r#"<path class="{}" stroke-width="{width:.1}" fill="none" d="M{LEFT_X:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {RIGHT_X:.1},{y2:.1}"><title>{}</title></path>"#,
            class_of(link),
            esc(&(text.tip)(link))
        );
    }
    for (label, &row) in &left {
        let _ = write!(
            out,
            r#"<circle class="node" cx="{LEFT_X:.1}" cy="{:.1}" r="4"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            y(row),
            LEFT_X - 8.0,
            y(row) + 4.0,
            esc(label)
        );
    }
    for (label, &row) in &right {
        let _ = write!(
            out,
            r#"<circle class="node" cx="{RIGHT_X:.1}" cy="{:.1}" r="4"/><text class="axis" x="{:.1}" y="{:.1}">{}</text>"#,
            y(row),
            RIGHT_X + 8.0,
            y(row) + 4.0,
            esc(label)
        );
    }
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::traffic::map::MapConsumer;

    fn link(
        consumer: &str,
        app: Option<&str>,
        service: &str,
        requests: u64,
        errors: u64,
        granted: bool,
    ) -> MapLink {
        let s: Vec<&str> = service.split('/').collect();
        MapLink {
            consumer: MapConsumer {
                agency: consumer.into(),
                application: app.map(Into::into),
            },
            agency: s[0].into(),
            application: s[1].into(),
            service: s[2].into(),
            requests,
            server_errors: errors,
            granted,
        }
    }

    fn draw_all(links: &[MapLink]) -> String {
        let tip = |l: &MapLink| format!("{} → {}", consumer_label(l), service_label(l));
        let text = MapText {
            title: "Peta",
            desc: "d",
            consumers: "Pemanggil",
            services: "Layanan",
            tip: &tip,
        };
        draw(links, &text).unwrap()
    }

    #[test]
    fn each_link_is_one_curve_between_its_two_nodes_with_its_kind() {
        let svg = draw_all(&[
            link(
                "diskominfo",
                Some("dashboard-kota"),
                "bpsdm/simpeg/pegawai",
                120,
                0,
                true,
            ),
            link("dinsos", None, "bpsdm/simpeg/pegawai", 0, 0, true),
            link("dinsos", Some("e-bansos"), "bpsdm/absen/hadir", 10, 5, false),
        ]);
        assert_eq!(svg.matches("<path").count(), 3);
        assert_eq!(
            svg.matches(r#"class="node""#).count(),
            5,
            "3 consumers + 2 services"
        );
        assert!(svg.contains(r#"class="link idle""#), "granted, unused: dashed");
        assert!(svg.contains(r#"class="link ungranted failing""#));
        assert!(svg.contains("dinsos/*"), "an agency-wide right has its own node");
        assert!(svg.contains("diskominfo/dashboard-kota → bpsdm/simpeg/pegawai"));
    }

    #[test]
    fn no_links_no_map() {
        let tip = |_: &MapLink| String::new();
        let text = MapText {
            title: "",
            desc: "",
            consumers: "",
            services: "",
            tip: &tip,
        };
        assert!(draw(&[], &text).is_none());
    }
}
