-- The keys that sign the gateway's OAuth2 access tokens and gateway assertions (JWTs), shared
-- by every gateway node and kept across restarts. Keep the logical schema identical to the
-- other engine's migration of the same number.
--
-- `generation` numbers keys in the order they take over; it is UNIQUE so that two nodes that
-- create "the next key" at the same moment cannot both succeed: the second insert does nothing
-- and that node uses the winner's key. `private_key` is the PKCS#8 document sealed with the
-- master key ring (wadah-seal, context `signing-key:{kid}`), never plain. Times are epoch
-- milliseconds: a key signs from `activates_at` until `retires_at`, and stays published in the
-- JWKS after that until every token it signed has expired.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    generation BIGINT NOT NULL UNIQUE,
    alg TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    activates_at BIGINT NOT NULL,
    retires_at BIGINT NOT NULL
);
