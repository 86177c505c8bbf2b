//! The SQLite schema, as an ordered list of migrations.
//!
//! **Invariant:** a migration, once released, is never edited: a schema change is a new entry at
//! the end of [`MIGRATIONS`]. Migration `i` (from 0) brings the schema to version `i + 1`.

/// `PRAGMA application_id` of a testigo database ("TSTG" in ASCII), so that another program's
/// SQLite file is recognised as not ours.
pub(crate) const APPLICATION_ID: i32 = 0x5453_5447;

/// The migrations, oldest first.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7, V8];

/// The schema version whose migration is followed by writing the audit entries of what was
/// stored before it (see `audit::backfill`).
pub(crate) const AUDIT_LOG_VERSION: i64 = 4;

/// The schema version that brings the keyring (encryption at rest).
pub(crate) const KEYRING_VERSION: i64 = 5;

/// The schema version this binary creates and understands.
pub(crate) fn latest_version() -> i64 {
    // There are a handful of migrations, so the length always fits.
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// The SQL function, registered on the connection before migrating, that computes a document's
/// `source_key` from its columns (see [`crate::source_key`]); used by [`V3`] to backfill it.
pub(crate) const SOURCE_KEY_FUNCTION: &str = "testigo_source_key";

/// The bookkeeping table that records which migrations have been applied. Created before any
/// migration runs.
pub(crate) const SCHEMA_MIGRATIONS: &str = "
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
);
";

/// Version 1: originals, documents, incidents as versions, links, evidence and claims.
///
/// Dates are `YYYY-MM-DD` text and timestamps RFC 3339 UTC text with nanoseconds, so that both
/// sort as text. Byte spans are half-open `[span_start, span_end)` into `documents.text`.
const V1: &str = "
-- Originals, byte-for-byte, addressed by the SHA-256 of their bytes (lower-case hex).
-- `size` precedes `bytes` so that reading it does not load the blob.
CREATE TABLE originals (
    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    size   INTEGER NOT NULL CHECK (size >= 0),
    bytes  BLOB NOT NULL
);

-- A document is a source: one per original, with its extracted text and metadata.
CREATE TABLE documents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256          TEXT NOT NULL UNIQUE REFERENCES originals (sha256),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT,
    publisher       TEXT,
    url             TEXT,
    published       TEXT,
    language        TEXT CHECK (language IN ('en', 'es')),
    text            TEXT NOT NULL,
    metadata_source TEXT NOT NULL,
    ingested_at     TEXT NOT NULL
);

CREATE TABLE incidents (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL
);

-- Every version of every incident. `record` is the JSON of the core `Incident` and the source
-- of truth; the columns after `reason` are copies of its fields for filtering.
CREATE TABLE incident_versions (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id            INTEGER NOT NULL REFERENCES incidents (id),
    version                INTEGER NOT NULL CHECK (version >= 1),
    record                 TEXT NOT NULL,
    created_at             TEXT NOT NULL,
    author                 TEXT NOT NULL,
    reason                 TEXT NOT NULL,
    event_date             TEXT,
    event_date_end         TEXT,
    date_precision         TEXT NOT NULL,
    event_type             TEXT NOT NULL,
    sub_event_type         TEXT NOT NULL,
    country                TEXT,
    admin1                 TEXT,
    admin1_folded          TEXT,
    admin2                 TEXT,
    location_name          TEXT,
    latitude               REAL,
    longitude              REAL,
    fatalities             INTEGER,
    perpetrator_categories TEXT NOT NULL,
    harms                  TEXT NOT NULL,
    UNIQUE (incident_id, version)
);
CREATE INDEX incident_versions_event_date ON incident_versions (event_date, incident_id);
CREATE INDEX incident_versions_country ON incident_versions (country);
CREATE INDEX incident_versions_admin1_folded ON incident_versions (admin1_folded);
CREATE INDEX incident_versions_event_type ON incident_versions (event_type);

-- The current version of each incident: its highest.
CREATE VIEW current_incident_versions AS
SELECT v.*
FROM incident_versions AS v
WHERE v.version = (
    SELECT max(w.version) FROM incident_versions AS w WHERE w.incident_id = v.incident_id
);

-- Which documents report which incident. `link_score` and `link_reason` are filled by the
-- linker for `linked` sources; an `origin` source is the document the incident was extracted
-- from.
CREATE TABLE incident_sources (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    role        TEXT NOT NULL CHECK (role IN ('origin', 'linked')),
    link_score  REAL CHECK (link_score IS NULL OR (link_score >= 0 AND link_score <= 1)),
    link_reason TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (incident_id, document_id)
);
CREATE INDEX incident_sources_document ON incident_sources (document_id);

-- Byte spans of a document's text that back a field of an incident version.
CREATE TABLE evidence (
    id                  INTEGER PRIMARY KEY,
    incident_version_id INTEGER NOT NULL REFERENCES incident_versions (id),
    document_id         INTEGER NOT NULL REFERENCES documents (id),
    field               TEXT NOT NULL,
    span_start          INTEGER NOT NULL,
    span_end            INTEGER NOT NULL,
    CHECK (0 <= span_start AND span_start <= span_end)
);
CREATE INDEX evidence_incident_version ON evidence (incident_version_id);

-- Attributed statements of an incident version, in their order in the record.
CREATE TABLE claims (
    id                  INTEGER PRIMARY KEY,
    incident_version_id INTEGER NOT NULL REFERENCES incident_versions (id),
    document_id         INTEGER NOT NULL REFERENCES documents (id),
    position            INTEGER NOT NULL,
    text                TEXT NOT NULL,
    attributed_to       TEXT NOT NULL,
    stance              TEXT NOT NULL,
    fact                TEXT,
    value               TEXT,
    span_start          INTEGER NOT NULL,
    span_end            INTEGER NOT NULL,
    CHECK (0 <= span_start AND span_start <= span_end)
);
CREATE INDEX claims_incident_version ON claims (incident_version_id);

-- Nothing is ever overwritten: originals and incident versions (with their evidence and
-- claims) are append-only. A correction is a new version.
CREATE TRIGGER originals_no_update BEFORE UPDATE ON originals
BEGIN SELECT RAISE(ABORT, 'originals are immutable'); END;
CREATE TRIGGER originals_no_delete BEFORE DELETE ON originals
BEGIN SELECT RAISE(ABORT, 'originals are immutable'); END;
CREATE TRIGGER incident_versions_no_update BEFORE UPDATE ON incident_versions
BEGIN SELECT RAISE(ABORT, 'incident versions are immutable: add a version instead'); END;
CREATE TRIGGER incident_versions_no_delete BEFORE DELETE ON incident_versions
BEGIN SELECT RAISE(ABORT, 'incident versions are immutable: add a version instead'); END;
CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is immutable: add a version instead'); END;
CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims
BEGIN SELECT RAISE(ABORT, 'claims are immutable: add a version instead'); END;
";

/// The longest date range, in days after its first day, of each `incident_index.span_class`
/// below the last; the last class holds every longer range. Must agree with the `CASE` of the
/// `incident_index_rows` view in [`V2`] (a unit test checks that it does).
pub(crate) const SPAN_CLASS_MAX_DAYS: [u64; 11] = [0, 1, 3, 7, 15, 31, 63, 127, 255, 511, 1023];

/// Version 2: several reports of one incident (issue 4).
///
/// - `documents.simhash`: the near-duplicate fingerprint, a `u64` stored as the `INTEGER` with
///   the same 64 bits.
/// - `observations`: what one document said about one incident (the extracted record), in the
///   order attached. Moving one (a merge, a split) deactivates its row and inserts a new one.
/// - `incident_sources` is rebuilt with a surrogate key and `active`/`unlinked_at`, so that a
///   link can end and the same document be linked again later; only one active link per
///   incident and document.
/// - `incident_versions.merged_into`: the version that closes an incident merged into another.
/// - `incident_index`: one row per incident with the current version's search fields, kept by
///   a trigger, indexed for candidate searches (date ranges by span class, places, countries).
///
/// Every existing incident gets one observation: its version-1 record, from its origin document.
const V2: &str = "
ALTER TABLE documents ADD COLUMN simhash INTEGER;

-- Set on the final version of an incident merged into another; NULL otherwise.
ALTER TABLE incident_versions ADD COLUMN merged_into INTEGER REFERENCES incidents (id);

CREATE TABLE incident_sources_v2 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    role        TEXT NOT NULL CHECK (role IN ('origin', 'linked')),
    link_score  REAL CHECK (link_score IS NULL OR (link_score >= 0 AND link_score <= 1)),
    link_reason TEXT,
    created_at  TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    unlinked_at TEXT,
    CHECK ((active = 1) = (unlinked_at IS NULL))
);
INSERT INTO incident_sources_v2 (incident_id, document_id, role, link_score, link_reason, created_at)
SELECT incident_id, document_id, role, link_score, link_reason, created_at
FROM incident_sources ORDER BY created_at, incident_id, document_id;
DROP TABLE incident_sources;
ALTER TABLE incident_sources_v2 RENAME TO incident_sources;
CREATE UNIQUE INDEX incident_sources_active ON incident_sources (incident_id, document_id) WHERE active = 1;
CREATE INDEX incident_sources_incident ON incident_sources (incident_id);
CREATE INDEX incident_sources_document ON incident_sources (document_id);

-- What one document said about one incident: `record` is the JSON of the core `Incident` as
-- extracted from that document (spans into its text). `position` orders an incident's
-- observations by the time they were attached. `replaces` is the row a move deactivated.
CREATE TABLE observations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id    INTEGER NOT NULL REFERENCES incidents (id),
    document_id    INTEGER NOT NULL REFERENCES documents (id),
    position       INTEGER NOT NULL CHECK (position >= 0),
    record         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    replaces       INTEGER REFERENCES observations (id),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    deactivated_at TEXT,
    CHECK ((active = 1) = (deactivated_at IS NULL)),
    UNIQUE (incident_id, position)
);
CREATE INDEX observations_document ON observations (document_id);

INSERT INTO observations (incident_id, document_id, position, record, created_at)
SELECT v.incident_id, s.document_id, 0, v.record, s.created_at
FROM incident_versions AS v
JOIN incident_sources AS s ON s.incident_id = v.incident_id AND s.role = 'origin'
WHERE v.version = 1
ORDER BY v.incident_id;

-- The search fields of every version, with the span class of its date range: class k holds
-- ranges of at most 0, 1, 3, 7, ..., 1023 days after their first day (2^k - 1), class 11 the
-- longer ones, so that a date-range search is an index range per class.
CREATE VIEW incident_index_rows AS
SELECT id AS version_id, incident_id, version, event_date, event_date_end,
    CASE
        WHEN span IS NULL THEN NULL
        WHEN span <= 0 THEN 0
        WHEN span <= 1 THEN 1
        WHEN span <= 3 THEN 2
        WHEN span <= 7 THEN 3
        WHEN span <= 15 THEN 4
        WHEN span <= 31 THEN 5
        WHEN span <= 63 THEN 6
        WHEN span <= 127 THEN 7
        WHEN span <= 255 THEN 8
        WHEN span <= 511 THEN 9
        WHEN span <= 1023 THEN 10
        ELSE 11
    END AS span_class,
    event_type, country, admin1_folded, latitude, longitude, merged_into
FROM (
    SELECT v.*, julianday(coalesce(v.event_date_end, v.event_date)) - julianday(v.event_date) AS span
    FROM incident_versions AS v
);

-- The current version's search fields, one row per incident; derived data, kept by the trigger
-- below on every new version.
CREATE TABLE incident_index (
    incident_id    INTEGER PRIMARY KEY REFERENCES incidents (id),
    version        INTEGER NOT NULL,
    event_date     TEXT,
    event_date_end TEXT,
    span_class     INTEGER,
    event_type     TEXT NOT NULL,
    country        TEXT,
    admin1_folded  TEXT,
    latitude       REAL,
    longitude      REAL,
    merged_into    INTEGER REFERENCES incidents (id)
);
-- Covering indexes of active incidents for the candidate searches: by date range (one index
-- range per span class), by place, by country. `merged_into` (always NULL in them) is a column
-- too, so that SQLite need not read the table to check it.
CREATE INDEX incident_index_dates ON incident_index
    (span_class, event_date, event_date_end, country, latitude, longitude, version, merged_into)
    WHERE merged_into IS NULL;
CREATE INDEX incident_index_place ON incident_index (latitude, longitude, country, version, merged_into)
    WHERE merged_into IS NULL;
CREATE INDEX incident_index_country ON incident_index (country, version, merged_into) WHERE merged_into IS NULL;

INSERT INTO incident_index (incident_id, version, event_date, event_date_end, span_class, event_type,
    country, admin1_folded, latitude, longitude, merged_into)
SELECT r.incident_id, r.version, r.event_date, r.event_date_end, r.span_class, r.event_type,
    r.country, r.admin1_folded, r.latitude, r.longitude, r.merged_into
FROM incident_index_rows AS r
WHERE r.version = (SELECT max(w.version) FROM incident_versions AS w WHERE w.incident_id = r.incident_id);

CREATE TRIGGER incident_versions_index AFTER INSERT ON incident_versions
BEGIN
    INSERT INTO incident_index (incident_id, version, event_date, event_date_end, span_class, event_type,
        country, admin1_folded, latitude, longitude, merged_into)
    SELECT r.incident_id, r.version, r.event_date, r.event_date_end, r.span_class, r.event_type,
        r.country, r.admin1_folded, r.latitude, r.longitude, r.merged_into
    FROM incident_index_rows AS r WHERE r.version_id = NEW.id
    ON CONFLICT (incident_id) DO UPDATE SET
        version = excluded.version,
        event_date = excluded.event_date,
        event_date_end = excluded.event_date_end,
        span_class = excluded.span_class,
        event_type = excluded.event_type,
        country = excluded.country,
        admin1_folded = excluded.admin1_folded,
        latitude = excluded.latitude,
        longitude = excluded.longitude,
        merged_into = excluded.merged_into
    WHERE excluded.version > incident_index.version;
END;

-- Nothing is deleted: an observation or a link that no longer holds is deactivated, once; the
-- rest of the row never changes.
CREATE TRIGGER observations_no_delete BEFORE DELETE ON observations
BEGIN SELECT RAISE(ABORT, 'observations are never deleted: deactivate them instead'); END;
CREATE TRIGGER observations_only_deactivate BEFORE UPDATE ON observations
WHEN NEW.id IS NOT OLD.id OR NEW.incident_id IS NOT OLD.incident_id
    OR NEW.document_id IS NOT OLD.document_id OR NEW.position IS NOT OLD.position
    OR NEW.record IS NOT OLD.record OR NEW.created_at IS NOT OLD.created_at
    OR NEW.replaces IS NOT OLD.replaces OR OLD.active IS NOT 1 OR NEW.active IS NOT 0
BEGIN SELECT RAISE(ABORT, 'observations are immutable: only deactivating one is allowed'); END;
CREATE TRIGGER incident_sources_no_delete BEFORE DELETE ON incident_sources
BEGIN SELECT RAISE(ABORT, 'incident sources are never deleted: deactivate them instead'); END;
CREATE TRIGGER incident_sources_only_deactivate BEFORE UPDATE ON incident_sources
WHEN NEW.id IS NOT OLD.id OR NEW.incident_id IS NOT OLD.incident_id
    OR NEW.document_id IS NOT OLD.document_id OR NEW.role IS NOT OLD.role
    OR NEW.link_score IS NOT OLD.link_score OR NEW.link_reason IS NOT OLD.link_reason
    OR NEW.created_at IS NOT OLD.created_at OR OLD.active IS NOT 1 OR NEW.active IS NOT 0
BEGIN SELECT RAISE(ABORT, 'incident sources are immutable: only deactivating one is allowed'); END;
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is immutable: add a version instead'); END;
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN SELECT RAISE(ABORT, 'claims are immutable: add a version instead'); END;
";

/// Version 3: one original, several sources (issue 5). A wire story reprinted verbatim by
/// another outlet is the same bytes under another publisher: a second source of its incidents.
///
/// - `documents.sha256` is no longer unique: several documents may share one original, which
///   stays stored once in `originals`.
/// - `documents.source_key` identifies a document: the SHA-256 of its bytes together with its
///   publisher, URL, title and publication date (see `source_key` in the crate root); ingesting
///   the same bytes with the same metadata again is still a no-op. Existing rows are backfilled
///   by the `testigo_source_key` function the store registers before migrating.
///
/// The table is rebuilt as migration 2 rebuilt `incident_sources` (new table, copy, drop,
/// rename), keeping every id so that `incident_sources`, `observations`, `evidence` and
/// `claims` still point at the same documents; `sqlite_sequence` keeps its high-water mark, so
/// that ids are never reused. The store runs migrations with foreign-key enforcement off (the
/// drop would otherwise refuse to orphan the child rows for a moment) and checks every foreign
/// key with `PRAGMA foreign_key_check` before committing.
const V3: &str = "
CREATE TABLE documents_v3 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256          TEXT NOT NULL REFERENCES originals (sha256),
    source_key      TEXT NOT NULL UNIQUE CHECK (length(source_key) = 64),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT,
    publisher       TEXT,
    url             TEXT,
    published       TEXT,
    language        TEXT CHECK (language IN ('en', 'es')),
    text            TEXT NOT NULL,
    metadata_source TEXT NOT NULL,
    ingested_at     TEXT NOT NULL,
    simhash         INTEGER
);
INSERT INTO documents_v3 (id, sha256, source_key, name, kind, title, publisher, url, published, language,
    text, metadata_source, ingested_at, simhash)
SELECT id, sha256, testigo_source_key(sha256, publisher, url, title, published), name, kind, title, publisher,
    url, published, language, text, metadata_source, ingested_at, simhash
FROM documents ORDER BY id;

-- Keep the AUTOINCREMENT high-water mark of `documents` (ALTER TABLE RENAME carries the row).
UPDATE sqlite_sequence
SET seq = max(seq, coalesce((SELECT s.seq FROM sqlite_sequence AS s WHERE s.name = 'documents'), 0))
WHERE name = 'documents_v3';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'documents_v3', s.seq FROM sqlite_sequence AS s
WHERE s.name = 'documents' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence AS t WHERE t.name = 'documents_v3');

DROP TABLE documents;
ALTER TABLE documents_v3 RENAME TO documents;
-- The documents of one original, oldest first.
CREATE INDEX documents_sha256 ON documents (sha256, id);
";

/// Version 4: the audit log (issue 6), an append-only hash chain of every change.
///
/// `seq` numbers the entries from 1 without gaps; `hash` is the SHA-256 of the canonical
/// encoding of the entry's other fields (see `audit_hash` in the crate root) and `prev_hash`
/// the `hash` of the entry before (64 zeros for the first). `subject_sha256` is the SHA-256 of
/// what the entry describes: an original's bytes for an `ingest`, the JSON record of the new
/// incident version for a version-writing action. The store then writes one entry for every
/// document and incident version already stored (in Rust, after this SQL).
const V4: &str = "
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY CHECK (seq >= 1),
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    target         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    subject_sha256 TEXT NOT NULL CHECK (length(subject_sha256) = 64),
    prev_hash      TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash           TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
);
CREATE INDEX audit_log_target ON audit_log (target, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// Version 5: encryption at rest (issue 6).
///
/// - `keyring`: the ids (never the keys) of the keys the database was encrypted with; the one
///   whose `retired_at` is NULL is current. A key is retired by `key rotate`, never deleted.
/// - `originals.sealed`, `documents.sealed`: 1 for a sensitive document, whose original bytes
///   and name, title, URL, text and metadata provenance are stored encrypted.
///
/// Personal data in incident records, observations and claims is sealed value by value (a
/// sealed text starts with `tgk1:`; a JSON record never does), so it needs no flag.
const V5: &str = "
CREATE TABLE keyring (
    key_id     TEXT PRIMARY KEY NOT NULL CHECK (length(key_id) = 16),
    added_at   TEXT NOT NULL,
    retired_at TEXT
);
-- At most one current key.
CREATE UNIQUE INDEX keyring_current ON keyring ((retired_at IS NULL)) WHERE retired_at IS NULL;
CREATE TRIGGER keyring_no_delete BEFORE DELETE ON keyring
BEGIN SELECT RAISE(ABORT, 'keys are never forgotten: retire them instead'); END;
CREATE TRIGGER keyring_only_retire BEFORE UPDATE ON keyring
WHEN NEW.key_id IS NOT OLD.key_id OR NEW.added_at IS NOT OLD.added_at OR OLD.retired_at IS NOT NULL
    OR NEW.retired_at IS NULL
BEGIN SELECT RAISE(ABORT, 'a key can only be retired, once'); END;

ALTER TABLE originals ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1));
ALTER TABLE documents ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1));
";

/// Version 6: the monitors' web application. Accounts (users with a role and an argon2id
/// password hash, browser sessions, API tokens; tokens are stored only as SHA-256 digests),
/// the verification status of incidents and analysts' field overrides (both append-only: the
/// current value is the latest row), and a full-text index of documents' text.
///
/// An override is re-applied on top of every version rebuilt from observations (a new linked
/// source, a merge, a split), so that an analyst's correction is not lost by relinking.
const V6: &str = "
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    token_sha256 TEXT PRIMARY KEY NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL
);

CREATE TABLE verification (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    status      TEXT NOT NULL
        CHECK (status IN ('unverified', 'corroborated', 'verified', 'disputed', 'retracted')),
    author      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX verification_incident ON verification (incident_id, id);

CREATE TABLE analyst_overrides (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    author      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX analyst_overrides_incident ON analyst_overrides (incident_id, field, id);

CREATE TRIGGER verification_no_update BEFORE UPDATE ON verification
BEGIN SELECT RAISE(ABORT, 'verification changes are append-only'); END;
CREATE TRIGGER verification_no_delete BEFORE DELETE ON verification
BEGIN SELECT RAISE(ABORT, 'verification changes are append-only'); END;
CREATE TRIGGER analyst_overrides_no_update BEFORE UPDATE ON analyst_overrides
BEGIN SELECT RAISE(ABORT, 'analyst overrides are append-only'); END;
CREATE TRIGGER analyst_overrides_no_delete BEFORE DELETE ON analyst_overrides
BEGIN SELECT RAISE(ABORT, 'analyst overrides are append-only'); END;

-- Case- and accent-insensitive full-text index of the text of every document that is not
-- sensitive, kept by a trigger. Sensitive documents are sealed (issue 6) and never indexed: the
-- index's words would otherwise be their plaintext.
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    text, content = 'documents', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO documents_fts (rowid, text) SELECT id, text FROM documents WHERE sealed = 0;
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents WHEN NEW.sealed = 0
BEGIN INSERT INTO documents_fts (rowid, text) VALUES (NEW.id, NEW.text); END;

-- The incident list's default order (newest first) read from an index, a page at a time.
CREATE INDEX incident_index_by_date ON incident_index (event_date, incident_id) WHERE merged_into IS NULL;
-- The state filter of the list, the map and the statistics.
CREATE INDEX incident_index_admin1 ON incident_index (admin1_folded, event_date) WHERE merged_into IS NULL;

-- The current version's fields that the list, the map and the statistics filter, sort and count
-- by, one narrow row per incident, so that they need not read the versions' large records;
-- derived data, kept by the trigger below on every new version.
CREATE TABLE incident_facets (
    incident_id           INTEGER PRIMARY KEY REFERENCES incidents (id),
    version               INTEGER NOT NULL,
    fatalities            INTEGER,
    harms                 TEXT,
    perpetrator_categories TEXT,
    sub_event_type        TEXT NOT NULL,
    location_name         TEXT,
    admin1                TEXT
);
INSERT INTO incident_facets (incident_id, version, fatalities, harms, perpetrator_categories, sub_event_type,
    location_name, admin1)
SELECT v.incident_id, v.version, v.fatalities, v.harms, v.perpetrator_categories, v.sub_event_type,
    v.location_name, v.admin1
FROM incident_versions AS v JOIN incident_index AS x ON x.incident_id = v.incident_id AND x.version = v.version;
CREATE TRIGGER incident_versions_facets AFTER INSERT ON incident_versions
BEGIN
    INSERT OR REPLACE INTO incident_facets (incident_id, version, fatalities, harms, perpetrator_categories,
        sub_event_type, location_name, admin1)
    VALUES (NEW.incident_id, NEW.version, NEW.fatalities, NEW.harms, NEW.perpetrator_categories,
        NEW.sub_event_type, NEW.location_name, NEW.admin1);
END;
";

/// Version 7: user management by admins in the web application. An account is never deleted,
/// because the record names its authors (audit entries, versions, verification changes and
/// overrides keep the user name): an admin disables it instead, which ends its sessions and
/// revokes its API tokens, and may enable it again. `last_login_at` is the time of the latest
/// browser login.
const V7: &str = "
ALTER TABLE users ADD COLUMN last_login_at TEXT;
ALTER TABLE users ADD COLUMN disabled_at TEXT;

CREATE TRIGGER users_no_delete BEFORE DELETE ON users
BEGIN SELECT RAISE(ABORT, 'accounts are disabled, never deleted: the record names their authors'); END;
";

/// Version 8: the list's and the search's latency on large stores (issue 5).
///
/// The full-text index of sources, keyed by incident: `sources_fts` replaces
/// `documents_fts`: one row per active link of an incident to a document that is not sealed,
/// with the document's text, and rowid `incident_id * 2^32 + document_id`, so that a search
/// reads the incidents straight from the index (`rowid >> 32`, in incident order) instead of
/// looking every matching document's links up. It is contentless (the text is in `documents`)
/// and keeps prefix indexes of 4 to 8 characters, the lengths of most stems, so that a word
/// found in most documents is found in milliseconds.
///
/// Triggers keep it: a new active link adds a row, an ended link (a merge, a split, a move)
/// removes it, and sealing a document (the same bytes ingested again as sensitive) removes the
/// rows of its links: a sealed document is never searchable. `documents_fts` kept the words of
/// a document sealed after it was indexed; this migration builds the index anew without them.
/// Ids fit: incidents below 2^31, documents below 2^32.
///
/// The order by fatalities read from an index: `incident_facets` gets copies of the current
/// version's `admin1_folded` and `event_date`, so that an index of the facets holds the whole
/// order (fatalities, then date, then id), for all incidents and within a state, and a page
/// stops after its incidents instead of sorting them all. The state index of `incident_index`
/// also holds the country and `merged_into`, and the date index the range's last day and the
/// version, so that a state's count and a page of a date range read an index only.
const V8: &str = "
DROP TRIGGER documents_fts_insert;
DROP TABLE documents_fts;

CREATE VIRTUAL TABLE sources_fts USING fts5 (
    text, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '4 5 6 7 8'
);
INSERT INTO sources_fts (rowid, text)
SELECT (s.incident_id << 32) + s.document_id, d.text
FROM incident_sources AS s JOIN documents AS d ON d.id = s.document_id
WHERE s.active = 1 AND d.sealed = 0
ORDER BY s.incident_id, s.document_id;

CREATE TRIGGER sources_fts_link AFTER INSERT ON incident_sources WHEN NEW.active = 1
BEGIN
    INSERT INTO sources_fts (rowid, text)
    SELECT (NEW.incident_id << 32) + NEW.document_id, d.text FROM documents AS d
    WHERE d.id = NEW.document_id AND d.sealed = 0;
END;
CREATE TRIGGER sources_fts_unlink AFTER UPDATE OF active ON incident_sources
WHEN OLD.active = 1 AND NEW.active = 0
BEGIN
    DELETE FROM sources_fts WHERE rowid = (OLD.incident_id << 32) + OLD.document_id;
END;
CREATE TRIGGER sources_fts_seal AFTER UPDATE OF sealed ON documents
WHEN OLD.sealed = 0 AND NEW.sealed = 1
BEGIN
    DELETE FROM sources_fts WHERE rowid IN
        (SELECT (s.incident_id << 32) + s.document_id FROM incident_sources AS s
         WHERE s.document_id = NEW.id AND s.active = 1);
END;

ALTER TABLE incident_facets ADD COLUMN admin1_folded TEXT;
ALTER TABLE incident_facets ADD COLUMN event_date TEXT;
UPDATE incident_facets SET (admin1_folded, event_date) =
    (SELECT v.admin1_folded, v.event_date FROM incident_versions AS v
     WHERE v.incident_id = incident_facets.incident_id AND v.version = incident_facets.version);
DROP TRIGGER incident_versions_facets;
CREATE TRIGGER incident_versions_facets AFTER INSERT ON incident_versions
BEGIN
    INSERT OR REPLACE INTO incident_facets (incident_id, version, fatalities, harms, perpetrator_categories,
        sub_event_type, location_name, admin1, admin1_folded, event_date)
    VALUES (NEW.incident_id, NEW.version, NEW.fatalities, NEW.harms, NEW.perpetrator_categories,
        NEW.sub_event_type, NEW.location_name, NEW.admin1, NEW.admin1_folded, NEW.event_date);
END;
CREATE INDEX incident_facets_toll ON incident_facets (coalesce(fatalities, -1), event_date);
CREATE INDEX incident_facets_admin1_toll ON incident_facets (admin1_folded, coalesce(fatalities, -1), event_date);

DROP INDEX incident_index_admin1;
CREATE INDEX incident_index_admin1 ON incident_index (admin1_folded, event_date, country, merged_into)
    WHERE merged_into IS NULL;
DROP INDEX incident_index_by_date;
CREATE INDEX incident_index_by_date ON incident_index (event_date, incident_id, event_date_end, version, merged_into)
    WHERE merged_into IS NULL;
";
