//! Bytes → a neutral [`Document`]: the elements, relationships, properties and folders of an
//! exchange file, nothing interpreted yet. Hostile input stops here with a clear error:
//! a DOCTYPE (the door to external entities and entity expansion) is refused outright, as is
//! any entity reference other than XML's five and character references; files above
//! [`MAX_FILE_BYTES`], in an encoding other than UTF-8, nested absurdly deep or not an
//! ArchiMate model are refused with one sentence saying which.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::NAMESPACE;

/// Largest file accepted: a whole province's model (`bench/architecture.sh`: ~100k elements,
/// ~160k relations, every fact a property) is about 165 MiB as Wadah writes it.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;
/// Deepest element nesting accepted (organisation folders nest; nothing sensible goes deeper).
pub const MAX_DEPTH: usize = 64;
/// Longest text accepted in one name, documentation or value.
pub const MAX_TEXT_CHARS: usize = 64 * 1024;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the file is {0}; save it as UTF-8")]
    WrongEncoding(String),
    #[error("the file is not valid UTF-8 (byte {0}); save it as UTF-8")]
    NotUtf8(usize),
    #[error(
        "the file has a DOCTYPE declaration; exchange files have none, and Wadah refuses them (entities)"
    )]
    Doctype,
    #[error(
        "the file uses the entity &{0}; only XML's predefined entities and character references are accepted"
    )]
    Entity(String),
    #[error("not an ArchiMate exchange file: {0}")]
    NotArchiMate(String),
    #[error("the file nests elements deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("a text in the file is longer than {MAX_TEXT_CHARS} characters")]
    TextTooLong,
    #[error("malformed XML near byte {position}: {message}")]
    Malformed { position: u64, message: String },
}

/// An element or relationship as the file has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Concept {
    pub id: String,
    /// The `xsi:type`, e.g. `BusinessProcess`, `Serving`.
    pub archimate_type: String,
    pub name: String,
    pub documentation: String,
    /// `(property name, value)`, names resolved through the property definitions (a property
    /// whose definition is missing keeps its definition id as name).
    pub properties: Vec<(String, String)>,
    /// Relationships only.
    pub source: String,
    pub target: String,
}

impl Concept {
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn properties_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.properties
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An exchange file, uninterpreted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub name: String,
    pub properties: Vec<(String, String)>,
    pub elements: Vec<Concept>,
    pub relationships: Vec<Concept>,
    /// Concept id → labels of the organisation folders around it, outermost first.
    pub folders: HashMap<String, Vec<String>>,
    pub views: usize,
    /// How many properties the file holds in all (model, elements, relationships).
    pub property_count: usize,
}

/// What is being read: where text goes and which concept properties belong to.
#[derive(Debug, Default)]
struct State {
    doc: Document,
    stack: Vec<String>,
    concept: Option<(bool, Concept)>,
    definitions: HashMap<String, String>,
    /// The definition ref of the property being read.
    property_ref: Option<String>,
    text: String,
    folders: Vec<String>,
    /// Whether a label was already taken for each open folder.
    folder_labelled: Vec<bool>,
}

/// Reads an exchange file of at most [`MAX_FILE_BYTES`].
pub fn read(bytes: &[u8]) -> Result<Document, ReadError> {
    read_limited(bytes, MAX_FILE_BYTES)
}

/// Reads an exchange file of at most `max_bytes` (a caller that reads from a stream checks
/// the same limit before buffering).
pub fn read_limited(bytes: &[u8], max_bytes: usize) -> Result<Document, ReadError> {
    if bytes.len() > max_bytes {
        return Err(ReadError::TooLarge);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::WrongEncoding("UTF-16".into()));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.valid_up_to()))?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut st = State::default();
    let mut seen_root = false;
    loop {
        let position = reader.buffer_position();
        let malformed = |e: &dyn std::fmt::Display| ReadError::Malformed {
            position,
            message: e.to_string(),
        };
        match reader.read_event().map_err(|e| malformed(&e))? {
            Event::Decl(d) => {
                if let Some(enc) = d.encoding() {
                    let enc = enc.map_err(|e| malformed(&e))?;
                    let enc = String::from_utf8_lossy(&enc).to_ascii_lowercase();
                    if enc != "utf-8" && enc != "utf8" {
                        return Err(ReadError::WrongEncoding(enc));
                    }
                }
            }
            Event::DocType(_) => return Err(ReadError::Doctype),
            Event::Start(e) => {
                if !seen_root {
                    check_root(&e)?;
                    seen_root = true;
                }
                if st.stack.len() >= MAX_DEPTH {
                    return Err(ReadError::TooDeep);
                }
                let name = local(&e);
                st.open(&name, &e).map_err(|m| malformed(&m))?;
                st.stack.push(name);
            }
            Event::Empty(e) => {
                if !seen_root {
                    check_root(&e)?;
                    seen_root = true;
                }
                let name = local(&e);
                st.open(&name, &e).map_err(|m| malformed(&m))?;
                st.close(&name);
            }
            Event::End(_) => {
                if let Some(name) = st.stack.pop() {
                    st.close(&name);
                }
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| malformed(&e))?;
                st.push_text(&s)?;
            }
            Event::CData(t) => {
                let s = String::from_utf8_lossy(&t).into_owned();
                st.push_text(&s)?;
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| malformed(&e))?.into_owned();
                let c = match name.as_str() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        _ => return Err(ReadError::Entity(name.chars().take(40).collect())),
                    },
                };
                st.push_text(c.encode_utf8(&mut [0; 4]))?;
            }
            Event::Eof => break,
            Event::Comment(_) | Event::PI(_) => {}
        }
    }
    if !seen_root {
        return Err(ReadError::NotArchiMate("the file is empty".into()));
    }
    Ok(st.finish())
}

fn local(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn check_root(e: &BytesStart<'_>) -> Result<(), ReadError> {
    if local(e) != "model" {
        return Err(ReadError::NotArchiMate(format!(
            "the root element is <{}>, not <model>",
            local(e)
        )));
    }
    let ns = attrs(e)
        .map_err(ReadError::NotArchiMate)?
        .into_iter()
        .find(|(k, _)| k == "xmlns")
        .map(|(_, v)| v);
    match ns.as_deref() {
        Some(NAMESPACE) => Ok(()),
        other => Err(ReadError::NotArchiMate(format!(
            "the namespace is {other:?}, not {NAMESPACE}"
        ))),
    }
}

/// The attributes as `(qualified name, value)`, entity references refused.
fn attrs(e: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value: Cow<'_, str> = a.unescape_value().map_err(|e| e.to_string())?;
        out.push((key, value.into_owned()));
    }
    Ok(out)
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> &'a str {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// `xsi:type` under whatever prefix the file binds to the schema-instance namespace.
fn xsi_type(attrs: &[(String, String)]) -> &str {
    attrs
        .iter()
        .find(|(k, _)| k.ends_with(":type"))
        .map_or("", |(_, v)| v.as_str())
}

impl State {
    fn parent(&self) -> Option<&str> {
        self.stack.last().map(String::as_str)
    }

    fn open(&mut self, name: &str, e: &BytesStart<'_>) -> Result<(), String> {
        self.text.clear();
        match (self.parent(), name) {
            (Some("elements"), "element") | (Some("relationships"), "relationship") => {
                let a = attrs(e)?;
                let concept = Concept {
                    id: attr(&a, "identifier").to_owned(),
                    archimate_type: xsi_type(&a).to_owned(),
                    source: attr(&a, "source").to_owned(),
                    target: attr(&a, "target").to_owned(),
                    ..Concept::default()
                };
                self.concept = Some((name == "element", concept));
            }
            (Some("propertyDefinitions"), "propertyDefinition") => {
                let a = attrs(e)?;
                self.property_ref = Some(attr(&a, "identifier").to_owned());
            }
            (Some("properties"), "property") => {
                let a = attrs(e)?;
                self.property_ref = Some(attr(&a, "propertyDefinitionRef").to_owned());
            }
            (Some("organizations" | "item"), "item") => {
                let a = attrs(e)?;
                let target = attr(&a, "identifierRef");
                if !target.is_empty() {
                    self.doc.folders.insert(target.to_owned(), self.folders.clone());
                }
                self.folders.push(String::new());
                self.folder_labelled.push(false);
            }
            (Some("diagrams"), "view") => self.doc.views += 1,
            _ => {}
        }
        Ok(())
    }

    fn push_text(&mut self, s: &str) -> Result<(), ReadError> {
        if matches!(self.parent(), Some("name" | "documentation" | "value" | "label")) {
            if self.text.len() + s.len() > MAX_TEXT_CHARS * 4 {
                return Err(ReadError::TextTooLong);
            }
            self.text.push_str(s);
        }
        Ok(())
    }

    fn close(&mut self, name: &str) {
        let text = std::mem::take(&mut self.text);
        let parent_owned = self.stack.last().cloned();
        let parent = parent_owned.as_deref();
        let in_concept = matches!(parent, Some("element" | "relationship"));
        match name {
            "name" => match parent {
                Some("model") if self.stack.len() == 1 && self.doc.name.is_empty() => self.doc.name = text,
                Some("propertyDefinition") => {
                    if let Some(id) = self.property_ref.take() {
                        self.definitions.entry(id).or_insert(text);
                    }
                }
                _ if in_concept => {
                    if let Some((_, c)) = self.concept.as_mut()
                        && c.name.is_empty()
                    {
                        c.name = text;
                    }
                }
                _ => {}
            },
            "documentation" if in_concept => {
                if let Some((_, c)) = self.concept.as_mut()
                    && c.documentation.is_empty()
                {
                    c.documentation = text;
                }
            }
            "value" if parent == Some("property") => {
                let key = self.property_ref.clone().unwrap_or_default();
                let model_level = self.stack.len() == 3;
                match self.concept.as_mut() {
                    Some((_, c)) => {
                        c.properties.push((key, text));
                        self.doc.property_count += 1;
                    }
                    None if model_level => {
                        self.doc.properties.push((key, text));
                        self.doc.property_count += 1;
                    }
                    None => {}
                }
            }
            "property" => self.property_ref = None,
            "label" if parent == Some("item") => {
                if let (Some(last), Some(done)) = (self.folders.last_mut(), self.folder_labelled.last_mut())
                    && !*done
                {
                    *last = text;
                    *done = true;
                }
            }
            "item" => {
                self.folders.pop();
                self.folder_labelled.pop();
            }
            "element" | "relationship" => {
                if let Some((is_element, c)) = self.concept.take() {
                    if is_element {
                        self.doc.elements.push(c);
                    } else {
                        self.doc.relationships.push(c);
                    }
                }
            }
            _ => {}
        }
    }

    /// Resolves property definition ids to names.
    fn finish(mut self) -> Document {
        let defs = &self.definitions;
        let resolve = |props: &mut Vec<(String, String)>| {
            for (k, _) in props.iter_mut() {
                if let Some(name) = defs.get(k.as_str()) {
                    *k = name.clone();
                }
            }
        };
        resolve(&mut self.doc.properties);
        for c in self
            .doc
            .elements
            .iter_mut()
            .chain(self.doc.relationships.iter_mut())
        {
            resolve(&mut c.properties);
        }
        self.doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m1">
  <name xml:lang="en">Mini &amp; co</name>
  <elements>
    <element identifier="e1" xsi:type="BusinessProcess"><name>Verifikasi &#x41;</name>
      <properties><property propertyDefinitionRef="p1"><value>dinsos</value></property></properties>
    </element>
  </elements>
  <relationships><relationship identifier="r1" source="e1" target="e1" xsi:type="Flow"/></relationships>
  <organizations><item><label>Bisnis</label><item><label>dinsos</label><item identifierRef="e1"/></item></item></organizations>
  <propertyDefinitions><propertyDefinition identifier="p1" type="string"><name>wadah:agency</name></propertyDefinition></propertyDefinitions>
</model>"#;

    #[test]
    fn a_small_file_reads_with_properties_and_folders() {
        let doc = read(MINI.as_bytes()).unwrap();
        assert_eq!(doc.name, "Mini & co");
        assert_eq!(doc.elements.len(), 1);
        assert_eq!(doc.elements[0].name, "Verifikasi A");
        assert_eq!(doc.elements[0].property("wadah:agency"), Some("dinsos"));
        assert_eq!(doc.relationships[0].archimate_type, "Flow");
        assert_eq!(doc.folders["e1"], vec!["Bisnis".to_owned(), "dinsos".to_owned()]);
        assert_eq!(doc.property_count, 1);
    }

    #[test]
    fn doctype_and_entities_are_refused() {
        let billion = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"><name>&lol2;</name></model>"#;
        assert_eq!(read(billion.as_bytes()), Err(ReadError::Doctype));
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><model/>"#;
        assert_eq!(read(xxe.as_bytes()), Err(ReadError::Doctype));
        let undeclared = MINI.replace("Mini &amp; co", "Mini &x; co");
        assert_eq!(read(undeclared.as_bytes()), Err(ReadError::Entity("x".into())));
    }

    #[test]
    fn wrong_encodings_and_other_documents_get_one_clear_error() {
        let latin = MINI.replace("UTF-8", "ISO-8859-1");
        assert_eq!(
            read(latin.as_bytes()),
            Err(ReadError::WrongEncoding("iso-8859-1".into()))
        );
        assert_eq!(
            read(&[0xFF, 0xFE, b'<', 0]),
            Err(ReadError::WrongEncoding("UTF-16".into()))
        );
        assert_eq!(read(b"<model>\xC3\x28</model>"), Err(ReadError::NotUtf8(7)));
        assert!(matches!(read(b"<html/>"), Err(ReadError::NotArchiMate(_))));
        assert!(matches!(
            read(b"<model xmlns=\"urn:x\"/>"),
            Err(ReadError::NotArchiMate(_))
        ));
        assert!(matches!(read(b""), Err(ReadError::NotArchiMate(_))));
        assert!(matches!(
            read(b"<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\"><a></b></model>"),
            Err(ReadError::Malformed { .. })
        ));
        let deep = format!(
            "<model xmlns=\"{NAMESPACE}\">{}{}</model>",
            "<x>".repeat(100),
            "</x>".repeat(100)
        );
        assert_eq!(read(deep.as_bytes()), Err(ReadError::TooDeep));
    }
}
