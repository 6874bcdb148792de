-- The evidence index (what `/api/v1/audit` searches) and the keys that sign checkpoints.
-- Keep the logical schema identical to the other engine's migration of the same number.
--
-- `audit_exchanges` is a searchable copy of the gateway nodes' log files: one row per
-- admission record, completed by its outcome record. Times are µs since the epoch; the log
-- files stay the evidence. `audit_positions` is how far each node's log is indexed (the next
-- sequence and the hash before it), written in the same transaction as the rows.
-- `audit_keys` holds every node's Ed25519 checkpoint keys: the public half in hex, the private
-- half sealed under the master key ring.

CREATE TABLE audit_exchanges (
    node TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    request_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    consumer_agency TEXT NOT NULL,
    consumer_application TEXT NOT NULL,
    credential TEXT NOT NULL,
    service_agency TEXT NOT NULL,
    service_application TEXT NOT NULL,
    service TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query_digest TEXT,
    request_digest TEXT,
    outcome_sequence BIGINT,
    status BIGINT,
    upstream_status BIGINT,
    ended_at BIGINT,
    duration_ms BIGINT,
    bytes_in BIGINT,
    bytes_out BIGINT,
    response_digest TEXT,
    complete BIGINT,
    error TEXT,
    PRIMARY KEY (node, sequence)
);
CREATE INDEX audit_exchanges_at ON audit_exchanges (at, sequence);
CREATE INDEX audit_exchanges_request ON audit_exchanges (request_id, node, sequence);
CREATE INDEX audit_exchanges_consumer ON audit_exchanges (consumer_agency, consumer_application, at);
CREATE INDEX audit_exchanges_provider ON audit_exchanges (service_agency, service_application, service, at);

CREATE TABLE audit_positions (
    node TEXT NOT NULL PRIMARY KEY,
    next_sequence BIGINT NOT NULL,
    head TEXT NOT NULL
);

CREATE TABLE audit_keys (
    key_id TEXT NOT NULL PRIMARY KEY,
    node TEXT NOT NULL,
    public_key TEXT NOT NULL,
    sealed_private TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_keys_node ON audit_keys (node, created_at);
