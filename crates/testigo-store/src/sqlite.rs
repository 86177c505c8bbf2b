//! The SQLite implementation of [`Store`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, Row, TransactionBehavior};
use sha2::{Digest, Sha256};
use testigo_core::{Incident, Language, Metadata};

use crate::error::SqlContext;
use crate::migrations::{latest_version, APPLICATION_ID, MIGRATIONS, SCHEMA_MIGRATIONS};
use crate::{
    fold, DocumentId, DocumentRecord, IncidentDetail, IncidentFilter, IncidentId, IncidentSource, IncidentSummary,
    IncidentVersionInfo, IngestOutcome, NewDocument, Result, SourceRole, Store, StoreError, StoreStats,
    EXTRACTION_AUTHOR,
};

/// How long a writer waits for another process's lock before giving up with
/// [`StoreError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The `link_reason` of the link between an incident and the document it was extracted from.
const ORIGIN_LINK_REASON: &str = "extracted from this document";

/// A [`Store`] in an SQLite database: a file, or memory for tests.
///
/// The connection runs in WAL mode (readers do not block the writer) with foreign keys enforced
/// and a busy timeout, so that several testigo processes can share one file. It is `Send` but not
/// `Sync`: a server shares it behind a mutex or opens one per thread.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    /// The path it was opened from (`:memory:` for an in-memory database), for error messages.
    path: PathBuf,
}

impl SqliteStore {
    /// Opens the testigo database at `path`, creating it if the file does not exist or is empty,
    /// and upgrades its schema to the version this binary knows.
    ///
    /// # Errors
    ///
    /// [`StoreError::Open`] when the file cannot be opened or created,
    /// [`StoreError::NotSqlite`] when it is not an SQLite file,
    /// [`StoreError::NotTestigo`] when it is another program's SQLite database,
    /// [`StoreError::SchemaTooNew`] when a newer testigo wrote it,
    /// [`StoreError::Migration`] when upgrading the schema fails (the file is left unchanged),
    /// and [`StoreError::Busy`] when another process holds it locked.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        // No SQLITE_OPEN_URI: a path is a path, even if it starts with `file:`.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| opening_error(path, source))?;
        SqliteStore::init(conn, path.to_path_buf())
    }

    /// Opens a new, empty database in memory; it disappears when the store is dropped.
    ///
    /// # Errors
    ///
    /// [`StoreError::Open`] or [`StoreError::Migration`] only if SQLite itself fails.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open { path: path.clone(), source })?;
        SqliteStore::init(conn, path)
    }

    /// The path the store was opened from (`:memory:` for an in-memory database).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database (the newest this binary knows, once opened).
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0))
            .ctx("reading the schema version")
    }

    fn init(mut conn: Connection, path: PathBuf) -> Result<SqliteStore> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|source| opening_error(&path, source))?;
        // Check that the file is ours before changing anything in it (WAL mode is persistent).
        check_is_testigo(&conn, &path)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(|source| opening_error(&path, source))?;
        // `journal_mode` answers with the mode in force: `memory` for an in-memory database.
        let _mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(|source| opening_error(&path, source))?;
        migrate(&mut conn, &path)?;
        Ok(SqliteStore { conn, path })
    }
}

impl Store for SqliteStore {
    fn ingest(&mut self, doc: &NewDocument, incidents: &[Incident]) -> Result<IngestOutcome> {
        let sha256 = normalise_sha256(&doc.sha256)?;
        let actual = sha256_hex(&doc.bytes);
        if actual != sha256 {
            return Err(StoreError::Sha256Mismatch { name: doc.name.clone(), given: doc.sha256.clone(), actual });
        }
        let size = to_i64("original size", doc.bytes.len())?;
        let metadata_source = serde_json::to_string(&doc.metadata_source)
            .map_err(|source| StoreError::Encode { what: "metadata source", source })?;
        let at = timestamp(doc.ingested_at);
        let reason = format!("extracted from {}", doc.name);

        // IMMEDIATE takes the write lock now, so that two processes ingesting the same file
        // cannot both find it missing.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting an ingest")?;
        let known: Option<i64> = tx
            .query_row("SELECT id FROM documents WHERE sha256 = ?1", [&sha256], |r| r.get(0))
            .optional()
            .ctx("looking the document up")?;
        if let Some(id) = known {
            // Dropping the transaction rolls it back; it wrote nothing.
            return Ok(IngestOutcome::AlreadyKnown { document_id: DocumentId(id) });
        }
        // Checked after the lookup, so that ingesting known bytes stays a no-op whatever is passed.
        for (i, incident) in incidents.iter().enumerate() {
            check_spans(incident, &doc.text, &doc.name, &format!("#{i}"))?;
        }
        // An original without a document cannot exist (both are written here, together), but
        // `OR IGNORE` keeps the content-addressed table idempotent regardless.
        tx.execute(
            "INSERT OR IGNORE INTO originals (sha256, size, bytes) VALUES (?1, ?2, ?3)",
            params![sha256, size, doc.bytes],
        )
        .ctx("storing the original")?;
        let m = &doc.metadata;
        tx.execute(
            "INSERT INTO documents (sha256, name, kind, title, publisher, url, published, \
             language, text, metadata_source, ingested_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                sha256,
                doc.name,
                doc.kind,
                m.title,
                m.publisher,
                m.url,
                m.published.map(date_text),
                m.language.map(|l| l.as_str()),
                doc.text,
                metadata_source,
                at,
            ],
        )
        .ctx("storing the document")?;
        let document_id = tx.last_insert_rowid();

        let mut incident_ids = Vec::with_capacity(incidents.len());
        for incident in incidents {
            tx.execute("INSERT INTO incidents (created_at) VALUES (?1)", [&at]).ctx("storing an incident")?;
            let incident_id = tx.last_insert_rowid();
            insert_version(
                &tx,
                incident_id,
                1,
                incident,
                &VersionMeta { at: &at, author: EXTRACTION_AUTHOR, reason: &reason },
                document_id,
            )?;
            tx.execute(
                "INSERT INTO incident_sources \
                 (incident_id, document_id, role, link_score, link_reason, created_at) \
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5)",
                params![incident_id, document_id, SourceRole::Origin.as_str(), ORIGIN_LINK_REASON, at],
            )
            .ctx("linking an incident to its document")?;
            incident_ids.push(IncidentId(incident_id));
        }
        tx.commit().ctx("committing an ingest")?;
        Ok(IngestOutcome::New { document_id: DocumentId(document_id), incident_ids })
    }

    fn document_by_sha256(&self, sha256: &str) -> Result<Option<DocumentRecord>> {
        let sha256 = normalise_sha256(sha256)?;
        let raw = self
            .conn
            .prepare_cached(concat!(
                "SELECT ",
                document_columns!(),
                " FROM documents AS d JOIN originals AS o ON o.sha256 = d.sha256 WHERE d.sha256 = ?1"
            ))
            .and_then(|mut s| s.query_row([&sha256], RawDocument::read).optional())
            .ctx("reading a document")?;
        raw.map(RawDocument::into_record).transpose()
    }

    fn document(&self, id: DocumentId) -> Result<Option<DocumentRecord>> {
        let raw = self
            .conn
            .prepare_cached(concat!(
                "SELECT ",
                document_columns!(),
                " FROM documents AS d JOIN originals AS o ON o.sha256 = d.sha256 WHERE d.id = ?1"
            ))
            .and_then(|mut s| s.query_row([id.0], RawDocument::read).optional())
            .ctx("reading a document")?;
        raw.map(RawDocument::into_record).transpose()
    }

    fn original(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let sha256 = normalise_sha256(sha256)?;
        self.conn
            .query_row("SELECT bytes FROM originals WHERE sha256 = ?1", [&sha256], |r| r.get(0))
            .optional()
            .ctx("reading an original")
    }

    fn incidents(&self, filter: &IncidentFilter) -> Result<Vec<IncidentSummary>> {
        // A bound that is NULL does not filter. An incident's date range is
        // [event_date, event_date_end]; it matches when that range overlaps [from, to]. An
        // unresolved date (NULL) never satisfies a bound.
        let sql = "SELECT v.incident_id, v.version, v.record, \
                   (SELECT count(*) FROM incident_sources AS s WHERE s.incident_id = v.incident_id) \
                   FROM current_incident_versions AS v \
                   WHERE (?1 IS NULL OR coalesce(v.event_date_end, v.event_date) >= ?1) \
                   AND (?2 IS NULL OR v.event_date <= ?2) \
                   AND (?3 IS NULL OR v.country = ?3) \
                   AND (?4 IS NULL OR v.admin1_folded = ?4) \
                   AND (?5 IS NULL OR v.event_type = ?5) \
                   ORDER BY v.event_date IS NULL, v.event_date, v.incident_id \
                   LIMIT ?6 OFFSET ?7";
        let limit = filter.limit.map_or(-1, i64::from);
        let rows: Vec<(i64, i64, String, i64)> = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut stmt| {
                stmt.query_map(
                    params![
                        filter.from.map(date_text),
                        filter.to.map(date_text),
                        filter.country.as_deref().map(normalise_country),
                        filter.admin1.as_deref().map(fold),
                        filter.event_type.map(|t| t.as_str()),
                        limit,
                        i64::from(filter.offset),
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?
                .collect()
            })
            .ctx("listing incidents")?;
        rows.into_iter()
            .map(|(id, version, record, sources)| {
                let id = IncidentId(id);
                let version = to_version(id, version)?;
                Ok(IncidentSummary {
                    id,
                    version,
                    incident: parse_record(id, version, &record)?,
                    sources: usize::try_from(sources).unwrap_or(usize::MAX),
                })
            })
            .collect()
    }

    fn incident(&self, id: IncidentId) -> Result<Option<IncidentDetail>> {
        let current: Option<(i64, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT v.version, v.record, i.created_at \
                 FROM current_incident_versions AS v JOIN incidents AS i ON i.id = v.incident_id \
                 WHERE v.incident_id = ?1",
            )
            .and_then(|mut s| s.query_row([id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional())
            .ctx("reading an incident")?;
        let Some((version, record, created_at)) = current else {
            return Ok(None);
        };
        let version = to_version(id, version)?;
        let incident = parse_record(id, version, &record)?;
        let created_at = parse_timestamp("incident creation time", &created_at)?;

        let versions: Vec<(i64, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT version, created_at, author, reason FROM incident_versions \
                 WHERE incident_id = ?1 ORDER BY version",
            )
            .and_then(|mut s| s.query_map([id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
            .ctx("reading an incident's versions")?;
        let versions = versions
            .into_iter()
            .map(|(v, at, author, reason)| {
                Ok(IncidentVersionInfo {
                    version: to_version(id, v)?,
                    created_at: parse_timestamp("incident version time", &at)?,
                    author,
                    reason,
                })
            })
            .collect::<Result<Vec<_>>>()?;

        let sources: Vec<RawSource> = self
            .conn
            .prepare_cached(concat!(
                "SELECT ",
                document_columns!(),
                ", s.role, s.link_score, s.link_reason, s.created_at \
                 FROM incident_sources AS s \
                 JOIN documents AS d ON d.id = s.document_id \
                 JOIN originals AS o ON o.sha256 = d.sha256 \
                 WHERE s.incident_id = ?1 ORDER BY s.created_at, s.document_id"
            ))
            .and_then(|mut s| s.query_map([id.0], RawSource::read)?.collect())
            .ctx("reading an incident's sources")?;
        let sources = sources.into_iter().map(RawSource::into_source).collect::<Result<Vec<_>>>()?;

        Ok(Some(IncidentDetail { id, version, incident, created_at, versions, sources }))
    }

    fn incident_version(&self, id: IncidentId, version: u32) -> Result<Option<Incident>> {
        let record: Option<String> = self
            .conn
            .prepare_cached("SELECT record FROM incident_versions WHERE incident_id = ?1 AND version = ?2")
            .and_then(|mut s| s.query_row(params![id.0, version], |r| r.get(0)).optional())
            .ctx("reading an incident version")?;
        record.map(|record| parse_record(id, version, &record)).transpose()
    }

    fn all_incidents(&self) -> Result<Vec<IncidentDetail>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached("SELECT id FROM incidents ORDER BY id")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .ctx("listing incidents")?;
        let mut all = Vec::with_capacity(ids.len());
        for id in ids {
            // The incident was listed a moment ago and nothing is ever deleted, so it exists.
            if let Some(detail) = self.incident(IncidentId(id))? {
                all.push(detail);
            }
        }
        Ok(all)
    }

    fn revise_incident(&mut self, id: IncidentId, incident: &Incident, author: &str, reason: &str) -> Result<u32> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a revision")?;
        let latest: Option<i64> = tx
            .query_row("SELECT max(version) FROM incident_versions WHERE incident_id = ?1", [id.0], |r| r.get(0))
            .ctx("reading an incident's versions")?;
        let Some(latest) = latest else {
            return Err(StoreError::UnknownIncident { id });
        };
        // The record's spans point into the document it was extracted from.
        let origin: Option<(i64, String, String)> = tx
            .query_row(
                "SELECT d.id, d.name, d.text FROM incident_sources AS s \
                 JOIN documents AS d ON d.id = s.document_id \
                 WHERE s.incident_id = ?1 \
                 ORDER BY s.role = 'origin' DESC, s.created_at, s.document_id LIMIT 1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .ctx("reading an incident's origin document")?;
        let Some((document_id, name, text)) = origin else {
            return Err(StoreError::corrupt(format!("incident {id}"), "", "it has no source document"));
        };
        check_spans(incident, &text, &name, &id.to_string())?;
        let version = latest + 1;
        let at = timestamp(Utc::now());
        insert_version(&tx, id.0, version, incident, &VersionMeta { at: &at, author, reason }, document_id)?;
        tx.commit().ctx("committing a revision")?;
        to_version(id, version)
    }

    fn stats(&self) -> Result<StoreStats> {
        let count = |sql: &str| -> Result<u64> {
            let n: i64 = self.conn.query_row(sql, [], |r| r.get(0)).ctx("counting")?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        Ok(StoreStats {
            documents: count("SELECT count(*) FROM documents")?,
            incidents: count("SELECT count(*) FROM incidents")?,
            incident_versions: count("SELECT count(*) FROM incident_versions")?,
        })
    }
}

/// The columns of a [`DocumentRecord`], from `documents AS d JOIN originals AS o`, in the order
/// [`RawDocument::read`] reads them.
macro_rules! document_columns {
    () => {
        "d.id, d.sha256, d.name, d.kind, o.size, d.title, d.publisher, d.url, d.published, \
         d.language, d.text, d.metadata_source, d.ingested_at"
    };
}
use document_columns;

/// The number of columns [`document_columns!`] selects.
const DOCUMENT_COLUMN_COUNT: usize = 13;

/// A document row as SQLite returns it, before its values are checked.
struct RawDocument {
    id: i64,
    sha256: String,
    name: String,
    kind: String,
    size: i64,
    title: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
    published: Option<String>,
    language: Option<String>,
    text: String,
    metadata_source: String,
    ingested_at: String,
}

impl RawDocument {
    fn read(r: &Row<'_>) -> rusqlite::Result<RawDocument> {
        Ok(RawDocument {
            id: r.get(0)?,
            sha256: r.get(1)?,
            name: r.get(2)?,
            kind: r.get(3)?,
            size: r.get(4)?,
            title: r.get(5)?,
            publisher: r.get(6)?,
            url: r.get(7)?,
            published: r.get(8)?,
            language: r.get(9)?,
            text: r.get(10)?,
            metadata_source: r.get(11)?,
            ingested_at: r.get(12)?,
        })
    }

    fn into_record(self) -> Result<DocumentRecord> {
        let published = self.published.as_deref().map(|p| parse_date("publication date", p)).transpose()?;
        let language = match self.language.as_deref() {
            None => None,
            Some(l) => Some(
                Language::parse(l).ok_or_else(|| StoreError::corrupt("document language", l, "expected en or es"))?,
            ),
        };
        let metadata_source = serde_json::from_str(&self.metadata_source)
            .map_err(|e| StoreError::corrupt("document metadata source", &self.metadata_source, e))?;
        Ok(DocumentRecord {
            id: DocumentId(self.id),
            sha256: self.sha256,
            name: self.name,
            kind: self.kind,
            size: u64::try_from(self.size)
                .map_err(|e| StoreError::corrupt("original size", &self.size.to_string(), e))?,
            metadata: Metadata { title: self.title, publisher: self.publisher, url: self.url, published, language },
            metadata_source,
            text: self.text,
            ingested_at: parse_timestamp("ingest time", &self.ingested_at)?,
        })
    }
}

/// An incident–source row as SQLite returns it.
struct RawSource {
    document: RawDocument,
    role: String,
    link_score: Option<f64>,
    link_reason: Option<String>,
    linked_at: String,
}

impl RawSource {
    fn read(r: &Row<'_>) -> rusqlite::Result<RawSource> {
        let n = DOCUMENT_COLUMN_COUNT;
        Ok(RawSource {
            document: RawDocument::read(r)?,
            role: r.get(n)?,
            link_score: r.get(n + 1)?,
            link_reason: r.get(n + 2)?,
            linked_at: r.get(n + 3)?,
        })
    }

    fn into_source(self) -> Result<IncidentSource> {
        let role = match self.role.as_str() {
            "origin" => SourceRole::Origin,
            "linked" => SourceRole::Linked,
            other => return Err(StoreError::corrupt("source role", other, "expected origin or linked")),
        };
        Ok(IncidentSource {
            document: self.document.into_record()?,
            role,
            link_score: self.link_score,
            link_reason: self.link_reason,
            linked_at: parse_timestamp("link time", &self.linked_at)?,
        })
    }
}

/// Who made a version, when and why.
struct VersionMeta<'a> {
    at: &'a str,
    author: &'a str,
    reason: &'a str,
}

/// Writes one version of an incident, its copies of filter fields, its evidence and its claims.
/// `document_id` is the document its spans point into.
fn insert_version(
    conn: &Connection,
    incident_id: i64,
    version: i64,
    incident: &Incident,
    meta: &VersionMeta<'_>,
    document_id: i64,
) -> Result<()> {
    let record = serde_json::to_string(incident).map_err(|source| StoreError::Encode { what: "incident", source })?;
    let mut categories: Vec<&str> = incident.perpetrators.iter().map(|p| p.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    let categories = serde_json::to_string(&categories)
        .map_err(|source| StoreError::Encode { what: "perpetrator categories", source })?;
    let mut harms: Vec<&str> = incident.harms.iter().map(|h| h.as_str()).collect();
    harms.sort_unstable();
    harms.dedup();
    let harms = serde_json::to_string(&harms).map_err(|source| StoreError::Encode { what: "harms", source })?;
    let location = incident.location.as_ref();
    let admin1 = location.and_then(|l| l.admin1.as_deref());

    conn.prepare_cached(
        "INSERT INTO incident_versions (incident_id, version, record, created_at, author, reason, \
         event_date, event_date_end, date_precision, event_type, sub_event_type, country, admin1, \
         admin1_folded, admin2, location_name, latitude, longitude, fatalities, \
         perpetrator_categories, harms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
         ?19, ?20, ?21)",
    )
    .and_then(|mut s| {
        s.execute(params![
            incident_id,
            version,
            record,
            meta.at,
            meta.author,
            meta.reason,
            incident.event_date.map(date_text),
            incident.event_date_end.map(date_text),
            incident.date_precision.as_str(),
            incident.event_type.as_str(),
            incident.sub_event_type.as_str(),
            location.and_then(|l| l.country.as_deref()).map(normalise_country),
            admin1,
            admin1.map(fold),
            location.and_then(|l| l.admin2.as_deref()),
            location.and_then(|l| l.name.as_deref()),
            location.and_then(|l| l.latitude),
            location.and_then(|l| l.longitude),
            incident.fatalities,
            categories,
            harms,
        ])
    })
    .ctx("storing an incident version")?;
    let version_id = conn.last_insert_rowid();

    let mut evidence = conn
        .prepare_cached(
            "INSERT INTO evidence (incident_version_id, document_id, field, span_start, span_end) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .ctx("storing evidence")?;
    for (field, spans) in &incident.evidence {
        for span in spans {
            let (start, end) = (to_i64("span start", span.start())?, to_i64("span end", span.end())?);
            evidence.execute(params![version_id, document_id, field, start, end]).ctx("storing evidence")?;
        }
    }

    let mut claims = conn
        .prepare_cached(
            "INSERT INTO claims (incident_version_id, document_id, position, text, attributed_to, \
             stance, fact, value, span_start, span_end) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .ctx("storing claims")?;
    for (position, claim) in incident.claims.iter().enumerate() {
        claims
            .execute(params![
                version_id,
                document_id,
                to_i64("claim position", position)?,
                claim.text,
                claim.attributed_to,
                claim.stance.as_str(),
                claim.fact,
                claim.value,
                to_i64("span start", claim.span.start())?,
                to_i64("span end", claim.span.end())?,
            ])
            .ctx("storing claims")?;
    }
    Ok(())
}

/// Refuses spans that do not lie on char boundaries of `text`: they would quote the wrong words.
fn check_spans(incident: &Incident, text: &str, document: &str, which: &str) -> Result<()> {
    let claims = incident.claims.iter().enumerate().map(|(i, c)| (format!("claims[{i}]"), c.span));
    let evidence = incident.evidence.iter().flat_map(|(field, spans)| spans.iter().map(move |s| (field.clone(), *s)));
    for (field, span) in evidence.chain(claims) {
        if span.slice(text).is_none() {
            return Err(StoreError::SpanOutsideText {
                document: document.to_string(),
                incident: which.to_string(),
                field,
                start: span.start(),
                end: span.end(),
                text_len: text.len(),
            });
        }
    }
    Ok(())
}

/// Creates the schema or brings it up to date, in one transaction.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let migration_error =
        |version: i64| move |source| StoreError::Migration { path: path.to_path_buf(), version, source };
    let latest = latest_version();
    // IMMEDIATE: two processes opening a new file at once must not both create the schema.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a schema upgrade")?;
    // Checked again under the lock, in case another program wrote the file meanwhile.
    check_is_testigo(&tx, path)?;
    tx.execute_batch(SCHEMA_MIGRATIONS).map_err(migration_error(0))?;
    let current: i64 = tx
        .query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .ctx("reading the schema version")?;
    if current > latest {
        return Err(StoreError::SchemaTooNew { path: path.to_path_buf(), found: current, known: latest });
    }
    if current == latest {
        return Ok(());
    }
    let applied_at = timestamp(Utc::now());
    for (version, sql) in (1..).zip(MIGRATIONS.iter()) {
        if version <= current {
            continue;
        }
        tx.execute_batch(sql).map_err(migration_error(version))?;
        tx.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)", params![version, applied_at])
            .map_err(migration_error(version))?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(migration_error(latest))?;
    tx.commit().map_err(migration_error(latest))
}

/// Refuses a file that is not SQLite, or that is another program's SQLite database. An empty
/// database (a new file) is accepted: it becomes a testigo database.
fn check_is_testigo(conn: &Connection, path: &Path) -> Result<()> {
    let application_id: i32 =
        conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|source| opening_error(path, source))?;
    if application_id == APPLICATION_ID {
        return Ok(());
    }
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'", [], |r| r.get(0))
        .map_err(|source| opening_error(path, source))?;
    if application_id == 0 && objects == 0 {
        return Ok(());
    }
    Err(StoreError::NotTestigo { path: path.to_path_buf() })
}

/// Classifies an error met while opening `path`.
fn opening_error(path: &Path, source: rusqlite::Error) -> StoreError {
    match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotSqlite { path: path.to_path_buf() },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Busy { operation: "opening the database" }
        }
        _ => StoreError::Open { path: path.to_path_buf(), source },
    }
}

/// Checks that `sha256` is 64 hex digits and lower-cases it.
fn normalise_sha256(sha256: &str) -> Result<String> {
    if sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sha256.to_ascii_lowercase())
    } else {
        Err(StoreError::InvalidSha256 { sha256: sha256.to_string() })
    }
}

/// SHA-256 of `bytes` as lower-case hex.
fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Country codes are stored and compared upper-case.
fn normalise_country(country: &str) -> String {
    country.trim().to_ascii_uppercase()
}

/// `YYYY-MM-DD`, which sorts as text.
fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn parse_date(what: &'static str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| StoreError::corrupt(what, text, e))
}

/// RFC 3339 in UTC with nanoseconds: fixed width, so it sorts as text, and lossless.
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn parse_timestamp(what: &'static str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|e| StoreError::corrupt(what, text, e))
}

fn parse_record(id: IncidentId, version: u32, record: &str) -> Result<Incident> {
    serde_json::from_str(record)
        .map_err(|e| StoreError::corrupt(format!("record of incident {id} version {version}"), record, e))
}

fn to_version(id: IncidentId, version: i64) -> Result<u32> {
    u32::try_from(version)
        .map_err(|e| StoreError::corrupt(format!("version number of incident {id}"), &version.to_string(), e))
}

fn to_i64(what: &'static str, n: usize) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::OutOfRange { what, value: n.to_string() })
}
