-- What the portals learn from outside the registry (wadah_store::PortalStore). Keep the logical
-- schema identical to the other engine's migration of the same number.
--
-- `link_checks`: the latest check of each public service's online link, one row per public
-- service, replaced by every check. `failure` is NULL when the link works, else one of
-- status | timeout | unreachable | tls | redirects; `url` is the URL that was checked (an edit
-- of the service makes the row stale until the next check). Times are epoch milliseconds.
CREATE TABLE link_checks (
    public_service_id TEXT PRIMARY KEY REFERENCES public_services (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    http_status BIGINT,
    failure TEXT,
    checked_at BIGINT NOT NULL,
    failing_since BIGINT
);

-- `public_service_feedback`: anonymous feedback (no account, no IP address is stored). At least
-- one of `rating` (1-5) and `comment` (empty string when absent) is given. Ids are UUIDv7, so
-- they order by time.
CREATE TABLE public_service_feedback (
    id TEXT PRIMARY KEY,
    public_service_id TEXT NOT NULL REFERENCES public_services (id) ON DELETE CASCADE,
    rating BIGINT CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX public_service_feedback_service ON public_service_feedback (public_service_id, id);
