//! The SQLite schema, as an ordered list of migrations.
//!
//! **Invariant:** a migration, once released, is never edited: a schema change is a new entry at
//! the end of [`MIGRATIONS`]. Migration `i` (from 0) brings the schema to version `i + 1`.

/// `PRAGMA application_id` of a testigo database ("TSTG" in ASCII), so that another program's
/// SQLite file is recognised as not ours.
pub(crate) const APPLICATION_ID: i32 = 0x5453_5447;

/// The migrations, oldest first.
pub(crate) const MIGRATIONS: &[&str] = &[V1];

/// The schema version this binary creates and understands.
pub(crate) fn latest_version() -> i64 {
    // There are a handful of migrations, so the length always fits.
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

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
