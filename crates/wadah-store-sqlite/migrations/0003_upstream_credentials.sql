-- How the gateway authenticates to a service's upstream (issue 3, item 5). Keep the logical
-- schema identical to the PostgreSQL migration of the same number.
--
-- One row per service at most. `doc` is the public part (kind, header name, username, token
-- URL, client id, scope) as JSON; `sealed_secret` is the secret sealed by wadah-seal with the
-- node's master key and bound to the service (`upstream-credential:{agency}/{application}/{service}`),
-- so neither a copy of the database nor a row moved to another service reveals it. The change
-- log records the public part only. The row goes with its service.

CREATE TABLE upstream_credentials (
    service_id TEXT PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    doc TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
