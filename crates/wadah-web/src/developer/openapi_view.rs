//! An agency's OpenAPI document turned into a view for the developer portal, on the server, so
//! the page needs no script (the strict CSP allows none inline and none from elsewhere).
//!
//! Documents come from providers and are read by everyone, so the renderer treats them as
//! hostile: every field may be missing or of the wrong type, local `$ref`s are followed with a
//! hop limit and cycle detection, schemas are expanded to [`MAX_DEPTH`] levels, and a document
//! gets at most [`MAX_ROWS`] schema rows and [`MAX_OPERATIONS`] operations in all (the page says
//! when it was cut short and offers the full document). The document's own `servers` and
//! security schemes are deliberately not shown: they describe the provider's upstream, which
//! consumers never call directly (they call the gateway).

use serde_json::{Map, Value};

/// Deepest schema nesting shown (the top level is 0).
pub const MAX_DEPTH: usize = 8;
/// Schema rows per document, over all operations.
pub const MAX_ROWS: usize = 3000;
/// Operations per document.
pub const MAX_OPERATIONS: usize = 300;
/// Schemas open at once (array items and `allOf` members nest without adding a level, so
/// this bounds the recursion where [`MAX_DEPTH`] does not).
const MAX_OPEN: usize = 48;
/// `$ref` → `$ref` chains longer than this are treated as broken.
const MAX_REF_HOPS: usize = 16;
/// Longest description kept, in characters.
const MAX_TEXT: usize = 2000;
/// Longest example kept, in characters.
const MAX_EXAMPLE: usize = 3000;
/// Longest short value (type, enum list, default), in characters.
const MAX_SHORT: usize = 160;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The whole document, as the page shows it.
#[derive(Debug, Default)]
pub struct ApiView {
    pub title: String,
    pub version: String,
    pub description: String,
    pub tags: Vec<TagView>,
    pub operation_count: usize,
    /// Whether limits cut something off (the page then points to the full document).
    pub truncated: bool,
}

/// Operations under one tag (untagged ones under an empty name).
#[derive(Debug)]
pub struct TagView {
    pub name: String,
    pub description: String,
    pub operations: Vec<OperationView>,
}

#[derive(Debug)]
pub struct OperationView {
    /// The element id of the operation (`op-1`, `op-2`…).
    pub anchor: String,
    /// Upper case, as written in HTTP.
    pub method: String,
    /// Lower case, for the CSS class.
    pub method_class: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub deprecated: bool,
    pub parameters: Vec<ParameterView>,
    pub body: Option<BodyView>,
    pub responses: Vec<ResponseView>,
}

#[derive(Debug)]
pub struct ParameterView {
    pub name: String,
    /// `path`, `query`, `header` or `cookie`, as the document says.
    pub location: String,
    pub ty: String,
    pub required: bool,
    pub description: String,
    pub example: String,
}

#[derive(Debug)]
pub struct BodyView {
    pub required: bool,
    pub description: String,
    pub contents: Vec<ContentView>,
}

#[derive(Debug)]
pub struct ResponseView {
    pub status: String,
    pub description: String,
    pub contents: Vec<ContentView>,
}

/// One media type of a body: its schema as rows, and an example.
#[derive(Debug)]
pub struct ContentView {
    pub media_type: String,
    /// The type of the whole body (`object (Pegawai)`, `array of object`…).
    pub ty: String,
    pub rows: Vec<SchemaRow>,
    pub example: Option<String>,
}

/// One field of a schema, flattened: `depth` says how far it is nested.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaRow {
    pub depth: usize,
    pub name: String,
    pub ty: String,
    pub required: bool,
    pub description: String,
    /// Constraints and remarks (enum values, ranges, "recursive", "not shown").
    pub notes: String,
}

impl SchemaRow {
    /// The CSS class that indents the row (`d0`…`d8`).
    pub fn indent(&self) -> String {
        format!("d{}", self.depth.min(MAX_DEPTH))
    }
}

/// Renders a document tree (see [`wadah_domain::openapi::OpenApiDocument::tree`]).
pub fn render(root: &Value) -> ApiView {
    let mut r = Renderer {
        root,
        rows_left: MAX_ROWS,
        open: 0,
        truncated: false,
    };
    let info = root.get("info");
    let mut view = ApiView {
        title: short(str_at(info, "title"), MAX_SHORT),
        version: short(str_at(info, "version"), MAX_SHORT),
        description: short(str_at(info, "description"), MAX_TEXT),
        ..ApiView::default()
    };
    let mut tags: Vec<TagView> = root
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let name = t.get("name")?.as_str()?;
            Some(TagView {
                name: short(name, MAX_SHORT),
                description: short(str_at(Some(t), "description"), MAX_TEXT),
                operations: Vec::new(),
            })
        })
        .take(MAX_OPERATIONS)
        .collect();
    let paths = root.get("paths").and_then(Value::as_object);
    'paths: for (path, item) in paths.into_iter().flatten() {
        let Some(item) = r.resolve(item).ok().map(|(v, _)| v).and_then(Value::as_object) else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get(*method).filter(|o| o.is_object()) else {
                continue;
            };
            if view.operation_count >= MAX_OPERATIONS {
                r.truncated = true;
                break 'paths;
            }
            view.operation_count += 1;
            let operation = r.operation(view.operation_count, method, path, item, op);
            let tag = op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
                .map(|t| short(t, MAX_SHORT))
                .unwrap_or_default();
            match tags.iter_mut().find(|t| t.name == tag) {
                Some(t) => t.operations.push(operation),
                None => tags.push(TagView {
                    name: tag,
                    description: String::new(),
                    operations: vec![operation],
                }),
            }
        }
    }
    tags.retain(|t| !t.operations.is_empty());
    view.tags = tags;
    view.truncated = r.truncated;
    view
}

struct Renderer<'a> {
    root: &'a Value,
    rows_left: usize,
    /// Schemas being expanded right now (the recursion depth of [`Renderer::children`]).
    open: usize,
    truncated: bool,
}

impl<'a> Renderer<'a> {
    /// Follows local `$ref`s: the target and the names of the references passed through.
    /// External references and dangling or over-long chains are an error with a remark.
    fn resolve(&self, mut v: &'a Value) -> Result<(&'a Value, Vec<String>), String> {
        let mut refs: Vec<String> = Vec::new();
        while let Some(reference) = v.get("$ref") {
            let Some(reference) = reference.as_str() else {
                return Err("invalid $ref".into());
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                return Err(format!("external reference {}", short(reference, MAX_SHORT)));
            };
            if refs.iter().any(|r| r == reference) || refs.len() >= MAX_REF_HOPS {
                return Err(format!("circular reference {}", short(reference, MAX_SHORT)));
            }
            refs.push(reference.to_owned());
            v = self
                .root
                .pointer(pointer)
                .ok_or_else(|| format!("missing reference {}", short(reference, MAX_SHORT)))?;
        }
        Ok((v, refs))
    }

    fn operation(
        &mut self,
        n: usize,
        method: &str,
        path: &str,
        item: &'a Map<String, Value>,
        op: &'a Value,
    ) -> OperationView {
        OperationView {
            anchor: format!("op-{n}"),
            method: method.to_uppercase(),
            method_class: method.to_owned(),
            path: short(path, MAX_TEXT),
            summary: short(str_at(Some(op), "summary"), MAX_SHORT * 2),
            description: short(str_at(Some(op), "description"), MAX_TEXT),
            deprecated: op.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
            parameters: self.parameters(item.get("parameters"), op.get("parameters")),
            body: op.get("requestBody").map(|b| self.body(b)),
            responses: self.responses(op.get("responses")),
        }
    }

    /// Path-level parameters, overridden by operation-level ones of the same name and place.
    fn parameters(&mut self, shared: Option<&'a Value>, own: Option<&'a Value>) -> Vec<ParameterView> {
        let list = |v: Option<&'a Value>| v.and_then(Value::as_array).into_iter().flatten();
        let mut out: Vec<ParameterView> = Vec::new();
        for raw in list(shared).chain(list(own)).take(MAX_OPERATIONS) {
            let p = match self.resolve(raw) {
                Ok((p, _)) => p,
                Err(note) => {
                    out.push(ParameterView {
                        name: "?".into(),
                        location: String::new(),
                        ty: String::new(),
                        required: false,
                        description: note,
                        example: String::new(),
                    });
                    continue;
                }
            };
            let location = short(str_at(Some(p), "in"), MAX_SHORT);
            let schema = p.get("schema");
            let ty = match (schema, p.get("content").and_then(Value::as_object)) {
                (Some(s), _) => self.type_of(s),
                (None, Some(c)) => c.keys().next().map(|k| short(k, MAX_SHORT)).unwrap_or_default(),
                (None, None) => String::new(),
            };
            let schema = schema.and_then(|s| self.resolve(s).ok()).map(|(s, _)| s);
            let example = p
                .get("example")
                .or_else(|| schema.and_then(|s| s.get("example")))
                .or_else(|| schema.and_then(|s| s.get("default")))
                .map(compact)
                .unwrap_or_default();
            let view = ParameterView {
                name: short(str_at(Some(p), "name"), MAX_SHORT),
                required: location == "path" || p.get("required").and_then(Value::as_bool).unwrap_or(false),
                location,
                ty,
                description: short(str_at(Some(p), "description"), MAX_TEXT),
                example,
            };
            out.retain(|o| !(o.name == view.name && o.location == view.location));
            out.push(view);
        }
        out
    }

    fn body(&mut self, raw: &'a Value) -> BodyView {
        match self.resolve(raw) {
            Ok((b, _)) => BodyView {
                required: b.get("required").and_then(Value::as_bool).unwrap_or(false),
                description: short(str_at(Some(b), "description"), MAX_TEXT),
                contents: self.contents(b.get("content")),
            },
            Err(note) => BodyView {
                required: false,
                description: note,
                contents: Vec::new(),
            },
        }
    }

    fn responses(&mut self, raw: Option<&'a Value>) -> Vec<ResponseView> {
        let Some(map) = raw.and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (status, raw) in map.iter().take(MAX_OPERATIONS) {
            let view = match self.resolve(raw) {
                Ok((resp, _)) => ResponseView {
                    status: short(status, MAX_SHORT),
                    description: short(str_at(Some(resp), "description"), MAX_TEXT),
                    contents: self.contents(resp.get("content")),
                },
                Err(note) => ResponseView {
                    status: short(status, MAX_SHORT),
                    description: note,
                    contents: Vec::new(),
                },
            };
            out.push(view);
        }
        out
    }

    fn contents(&mut self, raw: Option<&'a Value>) -> Vec<ContentView> {
        let Some(map) = raw.and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (media_type, media) in map.iter().take(MAX_OPERATIONS) {
            let mut rows = Vec::new();
            let mut ty = String::new();
            let mut schema_example = None;
            if let Some(schema) = media.get("schema") {
                ty = self.type_of(schema);
                match self.resolve(schema) {
                    Ok((target, refs)) => {
                        schema_example = target.get("example");
                        let mut stack = refs;
                        self.children(target, 0, &mut stack, &mut rows);
                    }
                    Err(note) => ty = format!("{ty} ({note})"),
                }
            }
            let example = media
                .get("example")
                .or_else(|| first_example(media.get("examples")))
                .or(schema_example)
                .map(pretty);
            out.push(ContentView {
                media_type: short(media_type, MAX_SHORT),
                ty,
                rows,
                example,
            });
        }
        out
    }

    /// Takes one row from the document's budget; `false` (and the page marked as cut short)
    /// once it is spent.
    fn take_row(&mut self) -> bool {
        if self.rows_left == 0 {
            self.truncated = true;
            return false;
        }
        self.rows_left -= 1;
        true
    }

    /// One field and, below it, what it contains.
    fn row(
        &mut self,
        name: &str,
        required: bool,
        schema: &'a Value,
        depth: usize,
        stack: &mut Vec<String>,
        out: &mut Vec<SchemaRow>,
    ) {
        if !self.take_row() {
            return;
        }
        let mut row = SchemaRow {
            depth,
            name: short(name, MAX_SHORT),
            ty: String::new(),
            required,
            description: String::new(),
            notes: String::new(),
        };
        let (target, refs) = match self.resolve(schema) {
            Ok(found) => found,
            Err(note) => {
                row.notes = note;
                out.push(row);
                return;
            }
        };
        row.ty = self.type_of(schema);
        row.description = short(str_at(Some(target), "description"), MAX_TEXT);
        row.notes = notes(target);
        if let Some(again) = refs.iter().find(|r| stack.contains(*r)) {
            row.notes = join_notes(&row.notes, &format!("recursive: {}", ref_name(again)));
            out.push(row);
            return;
        }
        out.push(row);
        let mark = stack.len();
        stack.extend(refs);
        self.children(target, depth + 1, stack, out);
        stack.truncate(mark);
    }

    /// The fields inside a schema: its properties, its array items' fields, the members of
    /// `allOf` merged, `oneOf`/`anyOf` alternatives, and `additionalProperties`.
    fn children(
        &mut self,
        schema: &'a Value,
        depth: usize,
        stack: &mut Vec<String>,
        out: &mut Vec<SchemaRow>,
    ) {
        if !schema.is_object() {
            return;
        }
        if self.open >= MAX_OPEN {
            self.truncated = true;
            return;
        }
        self.open += 1;
        self.expand(schema, depth, stack, out);
        self.open -= 1;
    }

    fn expand(&mut self, schema: &'a Value, depth: usize, stack: &mut Vec<String>, out: &mut Vec<SchemaRow>) {
        if depth > MAX_DEPTH {
            if has_children(schema) && self.take_row() {
                self.truncated = true;
                out.push(SchemaRow {
                    depth: MAX_DEPTH,
                    name: "…".into(),
                    ty: String::new(),
                    required: false,
                    description: String::new(),
                    notes: "deeper levels not shown".into(),
                });
            }
            return;
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                self.row(name, required.contains(&name.as_str()), prop, depth, stack, out);
            }
        }
        if let Some(items) = schema.get("items") {
            self.nested(items, depth, stack, out);
        }
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.nested(member, depth, stack, out);
        }
        for key in ["oneOf", "anyOf"] {
            let members = schema.get(key).and_then(Value::as_array).into_iter().flatten();
            for (i, member) in members.enumerate() {
                let label = if key == "oneOf" { "one of" } else { "any of" };
                self.row(&format!("({label} #{})", i + 1), false, member, depth, stack, out);
            }
        }
        if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            self.row("{key}", false, extra, depth, stack, out);
        }
    }

    /// The fields of a schema that belongs to the current level (array items, `allOf` members).
    fn nested(&mut self, schema: &'a Value, depth: usize, stack: &mut Vec<String>, out: &mut Vec<SchemaRow>) {
        match self.resolve(schema) {
            Ok((target, refs)) => {
                if let Some(again) = refs.iter().find(|r| stack.contains(*r)) {
                    if self.take_row() {
                        out.push(SchemaRow {
                            depth,
                            name: "↻".into(),
                            ty: ref_name(again),
                            required: false,
                            description: String::new(),
                            notes: format!("recursive: {}", ref_name(again)),
                        });
                    }
                    return;
                }
                let mark = stack.len();
                stack.extend(refs);
                self.children(target, depth, stack, out);
                stack.truncate(mark);
            }
            Err(note) => {
                if self.take_row() {
                    out.push(SchemaRow {
                        depth,
                        name: "?".into(),
                        ty: String::new(),
                        required: false,
                        description: String::new(),
                        notes: note,
                    });
                }
            }
        }
    }

    /// A short type label: `string (date)`, `array of Pegawai`, `integer | null`, `Pegawai`.
    fn type_of(&self, schema: &'a Value) -> String {
        self.type_label(schema, 0)
    }

    fn type_label(&self, schema: &'a Value, level: usize) -> String {
        let (target, refs) = match self.resolve(schema) {
            Ok(found) => found,
            Err(_) => return "?".into(),
        };
        let named = refs.last().map(|r| ref_name(r));
        let base = match target.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" | "),
            _ if target.get("properties").is_some() => "object".into(),
            _ if target.get("items").is_some() => "array".into(),
            _ if target.get("oneOf").is_some() => "one of".into(),
            _ if target.get("anyOf").is_some() => "any of".into(),
            _ if target.get("allOf").is_some() => "object".into(),
            _ => "any".into(),
        };
        let mut label = if base.starts_with("array") {
            match target.get("items") {
                Some(items) if level < 3 => format!("array of {}", self.type_label(items, level + 1)),
                _ => base,
            }
        } else {
            base
        };
        if let Some(format) = target.get("format").and_then(Value::as_str) {
            label = format!("{label} ({format})");
        }
        if let Some(name) = named {
            if label == "object" || label == "any" {
                label = name;
            } else if !label.starts_with("array") {
                label = format!("{name}: {label}");
            }
        }
        short(&label, MAX_SHORT)
    }
}

fn has_children(schema: &Value) -> bool {
    [
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "additionalProperties",
    ]
    .iter()
    .any(|k| schema.get(*k).is_some())
}

/// The last segment of a reference: `#/components/schemas/Pegawai` → `Pegawai`.
fn ref_name(reference: &str) -> String {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    short(&name.replace("~1", "/").replace("~0", "~"), MAX_SHORT)
}

/// Constraints worth knowing when calling: enum values, ranges, lengths, pattern, default.
fn notes(schema: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let shown: Vec<String> = values.iter().take(12).map(compact).collect();
        let more = if values.len() > 12 { ", …" } else { "" };
        parts.push(format!("enum: {}{more}", shown.join(", ")));
    }
    for (key, label) in [
        ("minimum", "min"),
        ("maximum", "max"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minItems", "min items"),
        ("maxItems", "max items"),
        ("pattern", "pattern"),
        ("default", "default"),
    ] {
        if let Some(v) = schema.get(key) {
            parts.push(format!("{label}: {}", compact(v)));
        }
    }
    for flag in ["nullable", "readOnly", "writeOnly", "deprecated"] {
        if schema.get(flag).and_then(Value::as_bool) == Some(true) {
            parts.push(flag.to_owned());
        }
    }
    if let Some(example) = schema.get("example") {
        parts.push(format!("example: {}", compact(example)));
    }
    short(&parts.join("; "), MAX_TEXT)
}

fn join_notes(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}; {b}")
    }
}

fn first_example(examples: Option<&Value>) -> Option<&Value> {
    examples?.as_object()?.values().find_map(|e| e.get("value"))
}

fn str_at<'v>(v: Option<&'v Value>, key: &str) -> &'v str {
    v.and_then(|v| v.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Cuts `text` to `max` characters, with an ellipsis when it was longer.
fn short(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => short(s, MAX_SHORT),
        other => short(&other.to_string(), MAX_SHORT),
    }
}

fn pretty(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    short(&text, MAX_EXAMPLE)
}

#[cfg(test)]
mod tests;
