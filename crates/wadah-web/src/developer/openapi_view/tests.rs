use serde_json::json;

use super::*;

fn all_rows(view: &ApiView) -> Vec<SchemaRow> {
    view.tags
        .iter()
        .flat_map(|t| &t.operations)
        .flat_map(|o| {
            o.body
                .iter()
                .flat_map(|b| &b.contents)
                .chain(o.responses.iter().flat_map(|r| &r.contents))
        })
        .flat_map(|c| c.rows.clone())
        .collect()
}

#[test]
fn operations_are_grouped_by_tag_with_parameters_bodies_and_responses() {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "SIMPEG", "version": "1.0", "description": "Data pegawai"},
        "servers": [{"url": "https://simpeg.internal.example/api"}],
        "tags": [{"name": "pegawai", "description": "Pegawai ASN"}],
        "paths": {
            "/pegawai/{nip}": {
                "parameters": [{"name": "nip", "in": "path", "schema": {"type": "string"}}],
                "get": {
                    "tags": ["pegawai"], "summary": "Satu pegawai",
                    "parameters": [{"$ref": "#/components/parameters/Fields"}],
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Pegawai"},
                            "example": {"nip": "199001012020121001", "nama": "Contoh"}
                        }}},
                        "404": {"$ref": "#/components/responses/NotFound"}
                    }
                },
                "put": {
                    "tags": ["pegawai"], "deprecated": true,
                    "requestBody": {"required": true, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pegawai"}}}},
                    "responses": {"204": {"description": "Disimpan"}}
                }
            },
            "/status": {"get": {"responses": {"200": {"description": "OK"}}}}
        },
        "components": {
            "parameters": {"Fields": {"name": "fields", "in": "query", "required": false,
                "schema": {"type": "array", "items": {"type": "string", "enum": ["nama", "unit"]}}}},
            "responses": {"NotFound": {"description": "Tidak ditemukan"}},
            "schemas": {"Pegawai": {
                "type": "object", "required": ["nip"],
                "properties": {
                    "nip": {"type": "string", "minLength": 18, "maxLength": 18, "description": "NIP"},
                    "nama": {"type": "string"},
                    "unit": {"type": "object", "properties": {"kode": {"type": "string"}}},
                    "riwayat": {"type": "array", "items": {"type": "object", "properties": {
                        "tahun": {"type": "integer", "format": "int32"}}}}
                }
            }}
        }
    });
    let view = render(&doc);
    assert_eq!((view.title.as_str(), view.version.as_str()), ("SIMPEG", "1.0"));
    assert_eq!(view.operation_count, 3);
    assert!(!view.truncated);
    let names: Vec<&str> = view.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["pegawai", ""], "declared tags first, untagged last");
    let get = &view.tags[0].operations[0];
    assert_eq!(
        (get.method.as_str(), get.path.as_str()),
        ("GET", "/pegawai/{nip}")
    );
    let params: Vec<(&str, &str, bool)> = get
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location.as_str(), p.required))
        .collect();
    assert_eq!(params, [("nip", "path", true), ("fields", "query", false)]);
    assert_eq!(get.parameters[1].ty, "array of string");
    let ok = &get.responses[0];
    assert_eq!(ok.status, "200");
    assert_eq!(ok.contents[0].ty, "Pegawai");
    let rows: Vec<(usize, &str, &str, bool)> = ok.contents[0]
        .rows
        .iter()
        .map(|r| (r.depth, r.name.as_str(), r.ty.as_str(), r.required))
        .collect();
    assert_eq!(
        rows,
        [
            (0, "nama", "string", false),
            (0, "nip", "string", true),
            (0, "riwayat", "array of object", false),
            (1, "tahun", "integer (int32)", false),
            (0, "unit", "object", false),
            (1, "kode", "string", false),
        ]
    );
    assert!(ok.contents[0].rows[1].notes.contains("min length: 18"));
    assert!(
        ok.contents[0]
            .example
            .as_deref()
            .unwrap()
            .contains("199001012020121001")
    );
    assert_eq!(get.responses[1].description, "Tidak ditemukan");
    let put = &view.tags[0].operations[1];
    assert!(put.deprecated && put.body.as_ref().unwrap().required);
    assert_eq!(put.body.as_ref().unwrap().contents[0].rows.len(), 6);
}

#[test]
fn reference_loops_end_with_a_remark_instead_of_hanging() {
    let doc = json!({
        "openapi": "3.1.0", "info": {"title": "x", "version": "1"},
        "paths": {"/a": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
            "201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Self"}}}},
            "202": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ping"}}}},
            "203": {"$ref": "#/components/responses/Loop"},
            "204": {"content": {"application/json": {"schema": {"$ref": "#"}}}}
        }}}},
        "components": {
            "responses": {"Loop": {"$ref": "#/components/responses/Loop"}},
            "schemas": {
                "Node": {"type": "object", "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "parent": {"$ref": "#/components/schemas/Node"},
                    "both": {"allOf": [{"$ref": "#/components/schemas/Node"}]}
                }},
                "Self": {"$ref": "#/components/schemas/Self"},
                "Ping": {"properties": {"pong": {"$ref": "#/components/schemas/Pong"}}},
                "Pong": {"properties": {"ping": {"$ref": "#/components/schemas/Ping"}}}
            }
        }
    });
    let view = render(&doc);
    let op = &view.tags[0].operations[0];
    let node = &op.responses[0].contents[0];
    assert!(
        node.rows
            .iter()
            .any(|r| r.name == "parent" && r.notes.contains("recursive: Node"))
    );
    assert!(
        node.rows
            .iter()
            .any(|r| r.notes.contains("recursive: Node") && r.depth == 1)
    );
    let selfish = &op.responses[1].contents[0].ty;
    assert!(
        selfish.starts_with('?') && selfish.contains("circular"),
        "{selfish}"
    );
    let ping = &op.responses[2].contents[0].rows;
    assert_eq!(ping.len(), 2, "{ping:?}");
    assert!(ping[1].notes.contains("recursive: Ping"));
    assert!(op.responses[3].description.contains("circular reference"));
    assert!(all_rows(&view).len() < 50);
}

#[test]
fn long_chains_of_distinct_references_do_not_exhaust_the_stack() {
    let mut schemas = serde_json::Map::new();
    for i in 0..5000 {
        schemas.insert(
            format!("S{i}"),
            json!({"allOf": [{"$ref": format!("#/components/schemas/S{}", i + 1)}]}),
        );
    }
    let doc = json!({
        "openapi": "3.1.0", "info": {"title": "x", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"content": {"a/b": {"schema": {"$ref": "#/components/schemas/S0"}}}}}}}},
        "components": {"schemas": schemas}
    });
    assert!(render(&doc).truncated);
}

#[test]
fn deep_and_exponential_schemas_stay_within_the_limits() {
    // 30 levels of nesting.
    let mut deep = json!({"type": "string"});
    for i in 0..30 {
        deep = json!({"type": "object", "properties": {format!("f{i}"): deep}});
    }
    // Ten levels of ten properties each referring to the next level: 10^10 paths.
    let mut schemas = serde_json::Map::new();
    for level in 0..10 {
        let props: serde_json::Map<String, Value> = (0..10)
            .map(|i| {
                (
                    format!("p{i}"),
                    json!({"$ref": format!("#/components/schemas/L{}", level + 1)}),
                )
            })
            .collect();
        schemas.insert(
            format!("L{level}"),
            json!({"type": "object", "properties": props}),
        );
    }
    schemas.insert("L10".into(), json!({"type": "integer"}));
    let doc = json!({
        "openapi": "3.1.0", "info": {"title": "x", "version": "1"},
        "paths": {
            "/deep": {"get": {"responses": {"200": {"content": {"a/b": {"schema": deep}}}}}},
            "/wide": {"get": {"responses": {"200": {"content": {"a/b": {"schema": {"$ref": "#/components/schemas/L0"}}}}}}}
        },
        "components": {"schemas": schemas}
    });
    let started = std::time::Instant::now();
    let view = render(&doc);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(view.truncated);
    let rows = all_rows(&view);
    assert!(rows.len() <= MAX_ROWS + 1);
    assert!(rows.iter().all(|r| r.depth <= MAX_DEPTH));
    assert!(rows.iter().any(|r| r.notes == "deeper levels not shown"));
}

/// Odd documents: every field may have any type. A small deterministic generator builds
/// documents from OpenAPI's own vocabulary (so the renderer's paths are exercised) with random
/// shapes, `$ref`s to random places and wrong types; none may panic or exceed the limits.
#[test]
fn odd_documents_never_panic() {
    const KEYS: &[&str] = &[
        "paths",
        "get",
        "post",
        "parameters",
        "requestBody",
        "responses",
        "content",
        "schema",
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "additionalProperties",
        "$ref",
        "type",
        "required",
        "enum",
        "example",
        "examples",
        "value",
        "tags",
        "name",
        "in",
        "description",
        "summary",
        "components",
        "schemas",
        "format",
        "default",
        "200",
        "application/json",
        "",
    ];
    const REFS: &[&str] = &[
        "#",
        "#/",
        "#/components",
        "#/components/schemas/A",
        "#/paths",
        "#/paths/~1a/get",
        "other.yaml#/x",
        "#/components/schemas/A/properties/a",
        "#/0/1",
        "#/%7Ba%7D",
        "#/components/schemas",
    ];
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn pick<'a>(&mut self, from: &'a [&'a str]) -> &'a str {
            from[(self.next() % from.len() as u64) as usize]
        }
        fn value(&mut self, depth: u32) -> Value {
            match self.next() % if depth > 5 { 5 } else { 9 } {
                0 => Value::Null,
                1 => json!(self.next().is_multiple_of(3)),
                2 => json!(self.next() % 1000),
                3 => json!(self.pick(KEYS)),
                4 => json!({"$ref": self.pick(REFS)}),
                5..=7 => {
                    let n = self.next() % 5;
                    Value::Object(
                        (0..n)
                            .map(|_| (self.pick(KEYS).to_owned(), self.value(depth + 1)))
                            .collect(),
                    )
                }
                _ => Value::Array((0..self.next() % 4).map(|_| self.value(depth + 1)).collect()),
            }
        }
    }
    let mut g = Gen(7);
    for _ in 0..3000 {
        let mut doc = g.value(0);
        if let Value::Object(map) = &mut doc {
            map.insert(
                "paths".into(),
                json!({"/a": {"get": g.value(1), "parameters": g.value(1)}}),
            );
            map.insert("components".into(), json!({"schemas": {"A": g.value(1)}}));
        }
        let view = render(&doc);
        assert!(all_rows(&view).len() <= MAX_ROWS + 1);
    }
}
