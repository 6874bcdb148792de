-- SPBE architecture: elements of the six domains, RPJMD goals and roadmap items (one table,
-- the kind-specific facts in `doc`), their ArchiMate-typed relations, and the reference codes
-- a government adds (imported national codes have scope '', local ones the government's code).
-- Sort keys are codes joined by a space (byte order: COLLATE "C" on PostgreSQL). Keep the logical schema identical in both engines.

CREATE TABLE arch_elements (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    agency TEXT NOT NULL,
    period TEXT NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT,
    sort_key TEXT COLLATE "C" NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (agency_id, period, code)
);
CREATE INDEX arch_elements_agency ON arch_elements (agency, sort_key);
CREATE INDEX arch_elements_kind ON arch_elements (kind, sort_key);

CREATE TABLE arch_relations (
    id TEXT PRIMARY KEY,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL REFERENCES arch_elements (id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES arch_elements (id) ON DELETE CASCADE,
    source_agency TEXT NOT NULL,
    target_agency TEXT NOT NULL,
    sort_key TEXT COLLATE "C" NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX arch_relations_source ON arch_relations (source_id);
CREATE INDEX arch_relations_target ON arch_relations (target_id);
CREATE INDEX arch_relations_source_agency ON arch_relations (source_agency, sort_key);
CREATE INDEX arch_relations_target_agency ON arch_relations (target_agency, sort_key);

CREATE TABLE arch_ref_codes (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    code TEXT NOT NULL,
    origin TEXT NOT NULL,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (scope, code)
);
