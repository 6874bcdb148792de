-- SPBE assessments and the bytes of their evidence files. Keep the logical schema identical to
-- the other engine's migration of the same number.
--
-- `assessments`: one per government, year and instrument. `status` is the workflow state
-- (draft, submitted, evaluated, final); `doc` the indicator entries as JSON (claims, evidence
-- items, evaluator levels), written whole by each save under `version`.
-- `assessment_files`: evidence file bytes, keyed by assessment and SHA-256 (the same content
-- uploaded twice is kept once); at most 10 MiB each, checked by the web layer before insert.
CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    government TEXT NOT NULL,
    year BIGINT NOT NULL,
    instrument TEXT NOT NULL,
    status TEXT NOT NULL,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (government, year, instrument)
);

CREATE TABLE assessment_files (
    assessment_id TEXT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (assessment_id, sha256)
);
