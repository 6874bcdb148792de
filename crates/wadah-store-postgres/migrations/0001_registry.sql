-- Wadah registry schema, PostgreSQL dialect. Shipped migrations are never edited: add a new file.
-- Portable-column rules (sqlx Any): no BOOLEAN (flags are 0/1 INTEGER), timestamps are BIGINT
-- epoch milliseconds, ids are TEXT uuid v7, JSON is TEXT. Every object table carries the meta
-- columns version, created_at, created_by, updated_at, updated_by and a `doc` with its spec.
-- Keys that lists sort by are COLLATE "C" so the order is byte order, as on SQLite, whatever
-- the database's default collation.
-- Keep the logical schema identical to the SQLite migration of the same number.

CREATE TABLE registry_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO registry_state (id, version) VALUES (1, 0);

CREATE TABLE governments (
    id TEXT COLLATE "C" PRIMARY KEY,
    code TEXT COLLATE "C" NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    search TEXT NOT NULL,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE agencies (
    id TEXT COLLATE "C" PRIMARY KEY,
    government_id TEXT NOT NULL REFERENCES governments (id),
    code TEXT COLLATE "C" NOT NULL UNIQUE,
    operator INTEGER NOT NULL,
    search TEXT NOT NULL,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX agencies_government ON agencies (government_id, code);

CREATE TABLE applications (
    id TEXT COLLATE "C" PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    code TEXT COLLATE "C" NOT NULL,
    lifecycle TEXT NOT NULL,
    audience TEXT NOT NULL,
    search TEXT NOT NULL,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (agency_id, code)
);

CREATE TABLE services (
    id TEXT COLLATE "C" PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    agency_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    code TEXT COLLATE "C" NOT NULL,
    visibility TEXT NOT NULL,
    search TEXT NOT NULL,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (application_id, code)
);
CREATE INDEX services_agency ON services (agency_id);
CREATE INDEX services_visibility ON services (visibility);

CREATE TABLE public_services (
    id TEXT COLLATE "C" PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    code TEXT COLLATE "C" NOT NULL,
    audience TEXT NOT NULL,
    topics TEXT NOT NULL,
    search TEXT NOT NULL,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (agency_id, code)
);

CREATE TABLE public_service_applications (
    public_service_id TEXT NOT NULL REFERENCES public_services (id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    PRIMARY KEY (public_service_id, application_id)
);
CREATE INDEX public_service_applications_application ON public_service_applications (application_id);

CREATE TABLE credentials (
    id TEXT COLLATE "C" PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    agency_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    hint TEXT NOT NULL,
    client_id TEXT UNIQUE,
    secret_digest TEXT NOT NULL UNIQUE,
    expires_at BIGINT,
    rotated_at BIGINT,
    revoked_at BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX credentials_application ON credentials (application_id, id);
CREATE INDEX credentials_agency ON credentials (agency_id);

CREATE TABLE access_rights (
    id TEXT COLLATE "C" PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    provider_agency_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    consumer_agency_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    consumer_application_id TEXT REFERENCES applications (id) ON DELETE CASCADE,
    request_id TEXT,
    expires_at BIGINT,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX access_rights_service ON access_rights (service_id);
CREATE INDEX access_rights_provider ON access_rights (provider_agency_id, id);
CREATE INDEX access_rights_consumer ON access_rights (consumer_agency_id, id);
CREATE INDEX access_rights_consumer_application ON access_rights (consumer_application_id);

CREATE TABLE access_requests (
    id TEXT COLLATE "C" PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    provider_agency_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    consumer_agency_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    consumer_application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT,
    reason TEXT NOT NULL,
    right_id TEXT REFERENCES access_rights (id) ON DELETE SET NULL,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX access_requests_service ON access_requests (service_id);
CREATE INDEX access_requests_provider ON access_requests (provider_agency_id, id);
CREATE INDEX access_requests_consumer ON access_requests (consumer_agency_id, id);
CREATE INDEX access_requests_consumer_application ON access_requests (consumer_application_id);
CREATE INDEX access_requests_right ON access_requests (right_id);

CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY,
    username TEXT COLLATE "C" NOT NULL UNIQUE,
    role TEXT NOT NULL,
    agency_id TEXT REFERENCES agencies (id) ON DELETE CASCADE,
    application_id TEXT REFERENCES applications (id) ON DELETE CASCADE,
    disabled INTEGER NOT NULL,
    password_hash TEXT,
    search TEXT NOT NULL,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX users_agency ON users (agency_id);
CREATE INDEX users_application ON users (application_id);

CREATE TABLE api_tokens (
    id TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    hint TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    expires_at BIGINT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

CREATE TABLE change_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    kind TEXT NOT NULL,
    object_key TEXT NOT NULL,
    agency TEXT,
    consumer_agency TEXT,
    before_doc TEXT,
    after_doc TEXT
);
CREATE INDEX change_log_agency ON change_log (agency, id);
CREATE INDEX change_log_consumer_agency ON change_log (consumer_agency, id);
CREATE INDEX change_log_kind ON change_log (kind, id);
