-- Client certificates (mTLS on the gateway listener) as credentials of kind `certificate`.
-- Keep the logical schema identical to the other engine's migration of the same number.
--
-- The certificate's SHA-256 fingerprint (hex of its DER) goes into `secret_digest`, like the
-- digests of API keys: its uniqueness means one certificate names at most one application, and
-- the gateway feed carries it to the snapshot. The subject and the certificate's own end are
-- kept for people (the credential's `expires_at` is at most the certificate's end). Both are
-- NULL for API keys and OAuth clients.
ALTER TABLE credentials ADD COLUMN certificate_subject TEXT;
ALTER TABLE credentials ADD COLUMN certificate_not_after BIGINT;
