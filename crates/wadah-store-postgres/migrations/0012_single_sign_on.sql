-- Single sign-on with OpenID Connect providers (wadah-store/src/sso.rs). Keep the logical
-- schema identical to the other engine's migration of the same number.
--
-- `federated_identities`: which user a provider's person is, keyed by the provider's issuer
-- and subject (never by e-mail). Deleting the user deletes the link.
CREATE TABLE federated_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    provider TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX federated_identities_user ON federated_identities (user_id);

-- `sso_pending_logins`: logins between the redirect to the provider and its answer, found by
-- the hex SHA-256 of their `state` and deleted when taken; `sealed` is sealed by the web layer
-- (nonce, PKCE verifier, return path). Times are epoch milliseconds.
CREATE TABLE sso_pending_logins (
    state_digest TEXT PRIMARY KEY,
    sealed TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sso_pending_logins_expires ON sso_pending_logins (expires_at);

-- `sso_sessions`: the provider session behind a Wadah session (back-channel logout finds it
-- by `sid` or subject); `id_token_sealed` is the sealed ID token (RP-initiated logout's hint).
CREATE TABLE sso_sessions (
    session_digest TEXT PRIMARY KEY REFERENCES sessions (id_digest) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    sid TEXT,
    id_token_sealed TEXT
);
CREATE INDEX sso_sessions_sid ON sso_sessions (issuer, sid);
CREATE INDEX sso_sessions_subject ON sso_sessions (issuer, subject);
