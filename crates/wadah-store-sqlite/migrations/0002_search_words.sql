-- Word-prefix search (`q`) through an index of words, and sort keys for the cross-agency lists.
-- Keep the logical schema identical to the PostgreSQL migration of the same number.
--
-- `<kind>_words` holds the words of each object's code and name (split, lower-cased, accents
-- folded: see wadah-store's `search` module). The write that creates, renames or deletes an
-- object maintains them in its own transaction; the foreign keys remove them with the object,
-- also when a cascade removes it. Words of objects that exist before this migration are filled
-- in by the store right after it (`SqlStore::migrate`), because splitting words is not
-- portable SQL. Words compare bytewise, so a prefix is the range [word, next) of the index.
--
-- `sort_key` is an object's path, the codes joined by a space (which sorts before every
-- character a code may hold, so keys order like the codes one by one): `agency application`,
-- `agency application service`, `agency code` for public services. Codes never change, so
-- neither does the key. Objects are looked up by it, lists order and page by it (across
-- agencies too), and a parent's children are the key range [`parent `, `parent!`).
--
-- agencies_government is rebuilt so that PostgreSQL can use it: the id columns that reference
-- another table are in the database's default collation while the ids are "C", and an index
-- only serves comparisons in its own collation.
--
-- The `search` columns (a lower-case `code name` for LIKE) are gone; only users keep theirs.

CREATE TABLE government_words (
    object_id TEXT NOT NULL REFERENCES governments (id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    PRIMARY KEY (object_id, word)
);
CREATE INDEX government_words_word ON government_words (word, object_id);

CREATE TABLE agency_words (
    object_id TEXT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    PRIMARY KEY (object_id, word)
);
CREATE INDEX agency_words_word ON agency_words (word, object_id);

CREATE TABLE application_words (
    object_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    PRIMARY KEY (object_id, word)
);
CREATE INDEX application_words_word ON application_words (word, object_id);

CREATE TABLE service_words (
    object_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    PRIMARY KEY (object_id, word)
);
CREATE INDEX service_words_word ON service_words (word, object_id);

CREATE TABLE public_service_words (
    object_id TEXT NOT NULL REFERENCES public_services (id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    PRIMARY KEY (object_id, word)
);
CREATE INDEX public_service_words_word ON public_service_words (word, object_id);

ALTER TABLE applications ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
UPDATE applications SET sort_key =
    (SELECT a.code FROM agencies a WHERE a.id = applications.agency_id) || ' ' || code;
CREATE UNIQUE INDEX applications_sort_key ON applications (sort_key);

ALTER TABLE services ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
UPDATE services SET sort_key =
    (SELECT p.sort_key FROM applications p WHERE p.id = services.application_id) || ' ' || code;
CREATE UNIQUE INDEX services_sort_key ON services (sort_key);
DROP INDEX services_visibility;
CREATE INDEX services_visibility_sort_key ON services (visibility, sort_key);

ALTER TABLE public_services ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
UPDATE public_services SET sort_key =
    (SELECT a.code FROM agencies a WHERE a.id = public_services.agency_id) || ' ' || code;
CREATE UNIQUE INDEX public_services_sort_key ON public_services (sort_key);

DROP INDEX agencies_government;
CREATE INDEX agencies_government ON agencies (government_id, code);

ALTER TABLE governments DROP COLUMN search;
ALTER TABLE agencies DROP COLUMN search;
ALTER TABLE applications DROP COLUMN search;
ALTER TABLE services DROP COLUMN search;
ALTER TABLE public_services DROP COLUMN search;
