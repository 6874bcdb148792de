//! What the assessment API renders besides JSON: the printable HTML report with its SVG
//! charts, the XLSX export in the evaluators' layout, and the platform facts behind evidence
//! suggestions (gathered from the store). No rules live here: scoring, history, peers and
//! suggestions are `wadah_domain::index`.

pub mod charts;
pub mod facts;
pub mod report;
pub mod xlsx;
