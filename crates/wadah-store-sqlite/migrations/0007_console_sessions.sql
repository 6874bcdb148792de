-- Sign-in sessions of people and the failed-sign-in counters that throttle guessing
-- (wadah-store/src/sessions.rs). Keep the logical schema identical to the other engine's
-- migration of the same number.
--
-- A session is found by `id_digest`, the hex SHA-256 of the random id only the browser's
-- cookie holds; the plain id is never stored. `method` says how the person signed in
-- (`local` password, later `oidc`). Times are epoch milliseconds: the session ends at
-- `expires_at` however active it is, or earlier when idle too long since `last_seen_at` (the
-- idle rule is the web layer's). Deleting a user ends their sessions.
CREATE TABLE sessions (
    id_digest TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed sign-ins per key: `key_digest` is the hex SHA-256 of `user:{username}` or
-- `ip:{address}`, so the table holds neither names nor addresses.
CREATE TABLE login_failures (
    key_digest TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
