//! Archi's CSV format: three files, `elements.csv` ("ID","Type","Name","Documentation",
//! "Specialization"; the first row is the model itself), `relations.csv` (… "Source","Target",
//! …) and `properties.csv` ("ID","Key","Value"), with the same identifiers and properties as
//! the exchange file, so a spreadsheet user and Archi see the same model.
//!
//! Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! carriage return) get a leading space, as Archi's own "Excel compatible" export does: an
//! exported name can never execute in the reader's spreadsheet.

use wadah_domain::architecture::ArchitectureModel;

use crate::archimate::vocab;
use crate::archimate::write::{element_properties, enum_text, model_properties};

/// The three files' contents, in the order Archi names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFiles {
    pub elements: String,
    pub relations: String,
    pub properties: String,
}

/// One cell: quoted, quotes doubled, formula starts defused.
fn cell(raw: &str) -> String {
    let defused = match raw.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!(" {raw}"),
        _ => raw.to_owned(),
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

fn row(out: &mut String, cells: &[&str]) {
    let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// Archi's CSV name of an exchange-format relationship type (`Serving` → `ServingRelationship`).
fn relation_type(exchange_type: &str) -> String {
    format!("{exchange_type}Relationship")
}

/// Writes `model` as Archi's three CSV files.
pub fn write_csv(model: &ArchitectureModel, name: &str) -> CsvFiles {
    let mut elements = String::new();
    let mut relations = String::new();
    let mut properties = String::new();
    row(
        &mut elements,
        &["ID", "Type", "Name", "Documentation", "Specialization"],
    );
    row(
        &mut relations,
        &[
            "ID",
            "Type",
            "Name",
            "Documentation",
            "Source",
            "Target",
            "Specialization",
        ],
    );
    row(&mut properties, &["ID", "Key", "Value"]);
    row(&mut elements, &["model.wadah", "ArchimateModel", name, "", ""]);
    for (key, value) in model_properties(model) {
        row(&mut properties, &["model.wadah", key, &value]);
    }
    for g in &model.governments {
        let id = vocab::actor_id("government", &g.code);
        row(&mut elements, &[&id, vocab::ACTOR_TYPE, g.name.as_str(), "", ""]);
        row(&mut properties, &[&id, vocab::prop::ACTOR, "government"]);
        row(&mut properties, &[&id, vocab::prop::CODE, g.code.as_str()]);
        row(
            &mut properties,
            &[&id, vocab::prop::GOVERNMENT_KIND, &enum_text(&g.kind)],
        );
    }
    for a in &model.agencies {
        let id = vocab::actor_id("agency", &a.code);
        row(
            &mut elements,
            &[
                &id,
                vocab::ACTOR_TYPE,
                a.name.as_str(),
                a.description.as_str(),
                "",
            ],
        );
        row(&mut properties, &[&id, vocab::prop::ACTOR, "agency"]);
        row(&mut properties, &[&id, vocab::prop::CODE, a.code.as_str()]);
        row(
            &mut properties,
            &[&id, vocab::prop::GOVERNMENT, a.government.as_str()],
        );
        if a.operator {
            row(&mut properties, &[&id, vocab::prop::OPERATOR, "true"]);
        }
    }
    for e in &model.elements {
        let id = vocab::element_id(e.period, &e.agency, &e.spec.code);
        let t = vocab::element_type(e.spec.kind());
        row(
            &mut elements,
            &[&id, t, e.spec.name.as_str(), e.spec.description.as_str(), ""],
        );
        for (key, value) in element_properties(e) {
            row(&mut properties, &[&id, key, &value]);
        }
    }
    for r in &model.relations {
        let id = vocab::relation_id(r.period, &r.spec);
        let source = vocab::element_id(r.period, &r.spec.source.agency, &r.spec.source.code);
        let target = vocab::element_id(r.period, &r.spec.target.agency, &r.spec.target.code);
        let t = relation_type(vocab::relationship_type(r.spec.kind));
        row(&mut relations, &[&id, &t, "", "", &source, &target, ""]);
    }
    CsvFiles {
        elements,
        relations,
        properties,
    }
}

impl CsvFiles {
    /// The three files in one zip (what the console and the API hand out).
    pub fn zip(&self) -> Result<Vec<u8>, String> {
        zip_files(
            self.elements.as_bytes(),
            self.relations.as_bytes(),
            self.properties.as_bytes(),
        )
    }
}

/// Three CSV files' bytes in one zip, under Archi's names.
pub fn zip_files(elements: &[u8], relations: &[u8], properties: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [
        ("elements.csv", elements),
        ("relations.csv", relations),
        ("properties.csv", properties),
    ] {
        w.start_file(name, options).map_err(|e| e.to_string())?;
        w.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(w.finish().map_err(|e| e.to_string())?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("SIKS \"NG\""), "\"SIKS \"\"NG\"\"\"");
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\" =HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("@SUM(A1)"), "\" @SUM(A1)\"");
        assert_eq!(cell("-1+1"), "\" -1+1\"");
        assert_eq!(cell("Data 2026"), "\"Data 2026\"");
    }

    #[test]
    fn the_model_row_comes_first_and_relations_name_archi_types() {
        let files = write_csv(&ArchitectureModel::default(), "Bontang");
        let mut lines = files.elements.lines();
        assert_eq!(
            lines.next(),
            Some("\"ID\",\"Type\",\"Name\",\"Documentation\",\"Specialization\"")
        );
        assert_eq!(
            lines.next(),
            Some("\"model.wadah\",\"ArchimateModel\",\"Bontang\",\"\",\"\"")
        );
        assert_eq!(relation_type("Serving"), "ServingRelationship");
    }
}
