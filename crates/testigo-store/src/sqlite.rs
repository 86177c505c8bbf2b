//! The SQLite implementation of [`Store`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

mod audit;
mod keys;
mod link;
mod accounts;
mod monitor;

pub use self::keys::Rotation;
pub(crate) use self::keys::take_function_error;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, Row, TransactionBehavior};
use sha2::{Digest, Sha256};
use testigo_core::{Incident, Language, Metadata, Span};

use self::link::{
    attribute_spans, candidates, deactivate_source, incident_state, insert_analyst_source, insert_observation, insert_source,
    load_observations, move_observation, next_version, write_merged_version, IncidentState, SpanDocument, SpanOwners,
};
use self::keys::Keyholder;
use crate::crypto::StoreKey;
use crate::error::SqlContext;
use crate::migrations::{latest_version, APPLICATION_ID, AUDIT_LOG_VERSION, KEYRING_VERSION, MIGRATIONS, SCHEMA_MIGRATIONS, SOURCE_KEY_FUNCTION};
use crate::{
    fold, AuditEntry, AuditFilter, VerifyReport, CandidateWindow, DocumentId, DocumentRecord, IncidentDetail, IncidentFilter, IncidentId, IncidentSource,
    IncidentStatus, IncidentSummary, IncidentVersionInfo, IngestOutcome, LinkOutcome, Linker, NewDocument, Observation,
    Result, SourceRole, SourcedSpan, Store, StoreError, StoreStats, EXTRACTION_AUTHOR, FIRST_REPORT, LINK_AUTHOR,
};

/// How long a writer waits for another process's lock before giving up with
/// [`StoreError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The `link_reason` of the link between an incident and the document it was extracted from.
const ORIGIN_LINK_REASON: &str = "extracted from this document";

/// How the link reason of a source added by an analyst's merge starts (the analyst's name and
/// words follow); public exports withhold such reasons.
pub(crate) const MERGED_BY: &str = "merged by ";
/// How the link reason of a source an analyst split off starts.
pub(crate) const SPLIT_FROM: &str = "split from incident ";

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
    /// The encryption key, if any, with what messages about it name.
    keys: Keyholder,
    /// The incidents the last broad search found, read by the SQL function `testigo_found`
    /// (see `sqlite/monitor.rs`).
    found: monitor::FoundSet,
}

impl std::fmt::Debug for Keyholder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyholder").field("key", &self.key).field("key_path", &self.key_path).finish()
    }
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
        SqliteStore::init(conn, path.to_path_buf(), None, None)
    }

    /// Opens the database at `path` as [`SqliteStore::open`] does, with the key in `key_file`
    /// if that file exists: personal data is then written encrypted and encrypted data can be
    /// read. When the file does not exist the store has no key: a database that holds
    /// encrypted data is then refused with [`StoreError::KeyMissing`] naming `key_file`, and
    /// any other works unencrypted. A database opened with a key for the first time adopts it;
    /// from then on only that key opens it (until [`SqliteStore::rotate_key`]).
    ///
    /// # Errors
    ///
    /// Those of [`SqliteStore::open`]; [`StoreError::KeyFile`] when the key file cannot be
    /// read or is not a key file, [`StoreError::KeyMissing`], and [`StoreError::WrongKey`] when
    /// the database was encrypted with another key.
    pub fn open_with_key_file(path: &Path, key_file: &Path) -> Result<SqliteStore> {
        let key = keys::load_if_present(key_file)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| opening_error(path, source))?;
        SqliteStore::init(conn, path.to_path_buf(), key, Some(key_file.to_path_buf()))
    }

    /// Opens a new, empty database in memory that encrypts personal data with `key`.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open_in_memory`].
    pub fn open_in_memory_with_key(key: StoreKey) -> Result<SqliteStore> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open { path: path.clone(), source })?;
        let key_path = key.path().to_path_buf();
        SqliteStore::init(conn, path, Some(key), Some(key_path))
    }

    /// The id of the key this store encrypts with, if it has one.
    pub fn key_id(&self) -> Option<&str> {
        self.keys.key.as_deref().map(StoreKey::id)
    }

    /// Re-encrypts everything encrypted under `new` (and encrypts the personal data stored in
    /// plain text before the database had a key), retires the old key, appends a `key_rotate`
    /// audit entry by `actor`, all in one transaction; from then on only `new` opens the
    /// database. The caller keeps `new`'s key file safe *before* calling (see
    /// [`StoreKey::write_new`]): if the rotation fails, nothing changed and the old key still
    /// works. Old ciphertext does not linger: deleted content is overwritten (`secure_delete`)
    /// and the write-ahead log is truncated afterwards.
    ///
    /// # Errors
    ///
    /// [`StoreError::KeyMissing`] when encrypted data exists but this store has no key,
    /// decryption errors for altered values, and database errors.
    pub fn rotate_key(&mut self, new: StoreKey, actor: &str) -> Result<Rotation> {
        let new = Arc::new(new);
        let at = timestamp(Utc::now());
        let rotation = keys::rotate(&mut self.conn, &self.keys, &new, actor, &at)?;
        self.keys.key = Some(new);
        self.keys.key_path = self.keys.key.as_deref().map(|k| k.path().to_path_buf());
        keys::register(&self.conn, &self.keys).ctx("registering the encryption functions")?;
        // Best effort: the rotation is committed; this only shrinks the log file.
        let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        Ok(rotation)
    }

    /// Makes a consistent copy of the whole database at `dest` (a new file) with SQLite's
    /// online backup, while other connections may go on writing; the copy is a testigo
    /// database that opens with the same key.
    ///
    /// # Errors
    ///
    /// [`StoreError::Open`] when `dest` exists or cannot be created, and database errors.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(StoreError::Open {
                path: dest.to_path_buf(),
                source: rusqlite::Error::InvalidPath(dest.to_path_buf()),
            });
        }
        // The copy is created empty first, readable by its owner only (it holds what the
        // database holds); VACUUM INTO accepts an empty file.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        options.open(dest).map_err(|e| StoreError::Open {
            path: dest.to_path_buf(),
            source: rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some(format!("cannot create it: {e}")),
            ),
        })?;
        let dest_path = dest.to_string_lossy().into_owned();
        if let Err(e) = self.conn.execute("VACUUM INTO ?1", [dest_path]) {
            // Nothing of the copy is worth keeping.
            let _ = std::fs::remove_file(dest);
            return Err(e).ctx("copying the database");
        }
        Ok(())
    }

    /// After an ingest sealed `sealed` stored copies in plain text: moves the rewritten pages
    /// out of the write-ahead log, so that no plain text lingers there (best effort: the
    /// ingest is committed; `secure_delete` already overwrote the old cells).
    fn after_sealing(&self, sealed: usize) {
        if sealed > 0 {
            let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    /// Opens a new, empty database in memory; it disappears when the store is dropped.
    ///
    /// # Errors
    ///
    /// [`StoreError::Open`] or [`StoreError::Migration`] only if SQLite itself fails.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open { path: path.clone(), source })?;
        SqliteStore::init(conn, path, None, None)
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

    /// The query plan SQLite chooses for the candidate search of `window` (the `detail` column
    /// of `EXPLAIN QUERY PLAN`, one line per step), so that tests and benchmarks can check that
    /// the search uses an index rather than scanning every incident.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn candidate_query_plan(&self, window: &CandidateWindow) -> Result<Vec<String>> {
        link::candidate_query_plan(&self.conn, window)
    }

    /// Creates a database at `path` with only the first `version` migrations applied, as an
    /// older testigo would have left it; for tests of schema upgrades. Opening it with
    /// [`SqliteStore::open`] upgrades it.
    ///
    /// # Errors
    ///
    /// Those of [`SqliteStore::open`].
    #[doc(hidden)]
    pub fn create_at_schema_version(path: &Path, version: i64) -> Result<()> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| opening_error(path, source))?;
        let keys = Keyholder { key: None, db: path.to_path_buf(), key_path: None };
        SqliteStore::init_at(conn, path.to_path_buf(), version.clamp(0, latest_version()), keys).map(drop)
    }

    fn init(conn: Connection, path: PathBuf, key: Option<StoreKey>, key_path: Option<PathBuf>) -> Result<SqliteStore> {
        let keys = Keyholder { key: key.map(Arc::new), db: path.clone(), key_path };
        SqliteStore::init_at(conn, path, latest_version(), keys)
    }

    /// Opens `conn`, migrates it up to schema version `target` and checks its key.
    fn init_at(mut conn: Connection, path: PathBuf, target: i64, keys: Keyholder) -> Result<SqliteStore> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|source| opening_error(&path, source))?;
        // Check that the file is ours before changing anything in it (WAL mode is persistent).
        check_is_testigo(&conn, &path)?;
        // `journal_mode` answers with the mode in force: `memory` for an in-memory database.
        let _mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(|source| opening_error(&path, source))?;
        // Migrations run without foreign-key enforcement, as SQLite prescribes for rebuilding a
        // table that others reference (migration 3 rebuilds `documents`); `migrate` checks
        // every foreign key before committing. It cannot be switched inside a transaction.
        conn.pragma_update(None, "foreign_keys", false).map_err(|source| opening_error(&path, source))?;
        // Deleted content is overwritten, so that no plain or old ciphertext lingers in free
        // pages after a key rotation.
        conn.pragma_update(None, "secure_delete", true).map_err(|source| opening_error(&path, source))?;
        keys::register(&conn, &keys).map_err(|source| opening_error(&path, source))?;
        let found = monitor::FoundSet::register(&conn).map_err(|source| opening_error(&path, source))?;
        migrate(&mut conn, &path, target)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(|source| opening_error(&path, source))?;
        if target >= KEYRING_VERSION {
            keys::check(&conn, &keys, &timestamp(Utc::now()))?;
        }
        Ok(SqliteStore { conn, path, keys, found })
    }
}

impl Store for SqliteStore {
    fn ingest(&mut self, doc: &NewDocument, incidents: &[Incident]) -> Result<IngestOutcome> {
        let prepared = PreparedDocument::new(doc, &self.keys, &self.conn)?;
        // IMMEDIATE takes the write lock now, so that two processes ingesting the same file
        // cannot both find it missing.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting an ingest")?;
        let sealed_copies = seal_stored_copies(&tx, &prepared, &self.keys, &doc.actor)?;
        let document_id = match store_new_document(&tx, doc, &prepared, incidents)? {
            Ok(id) => id,
            // Nothing written, unless stored copies of these bytes were sealed.
            Err(known) => {
                tx.commit().ctx("committing an ingest")?;
                self.after_sealing(sealed_copies);
                return Ok(IngestOutcome::AlreadyKnown { document_id: known });
            }
        };
        let at = &prepared.at;
        let mut incident_ids = Vec::with_capacity(incidents.len());
        let mut links = Vec::with_capacity(incidents.len());
        for incident in incidents {
            let incident_id = create_incident(&tx, at)?;
            insert_observation(&tx, incident_id, document_id, incident, at)?;
            insert_version(
                &tx,
                incident_id,
                1,
                incident,
                &VersionMeta { at, actor: &doc.actor, action: "extract", author: EXTRACTION_AUTHOR, reason: &prepared.reason, analyst: false, merged_into: None },
                &SpanOwners::all(incident, document_id),
            )?;
            insert_source(&tx, incident_id, document_id, SourceRole::Origin, None, ORIGIN_LINK_REASON, at)?;
            incident_ids.push(IncidentId(incident_id));
            links.push(LinkOutcome {
                incident_id: IncidentId(incident_id),
                linked: false,
                score: None,
                reason: ORIGIN_LINK_REASON.to_string(),
            });
        }
        tx.commit().ctx("committing an ingest")?;
        self.after_sealing(sealed_copies);
        Ok(IngestOutcome::New { document_id: DocumentId(document_id), incident_ids, links })
    }

    fn ingest_linked(
        &mut self,
        doc: &NewDocument,
        incidents: &[Incident],
        linker: &dyn Linker,
    ) -> Result<IngestOutcome> {
        let prepared = PreparedDocument::new(doc, &self.keys, &self.conn)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting an ingest")?;
        let sealed_copies = seal_stored_copies(&tx, &prepared, &self.keys, &doc.actor)?;
        let document_id = match store_new_document(&tx, doc, &prepared, incidents)? {
            Ok(id) => id,
            Err(known) => {
                tx.commit().ctx("committing an ingest")?;
                self.after_sealing(sealed_copies);
                return Ok(IngestOutcome::AlreadyKnown { document_id: known });
            }
        };
        let at = &prepared.at;
        let short_sha = &prepared.sha256[..12];
        let threshold = linker.threshold();

        let mut incident_ids = Vec::with_capacity(incidents.len());
        let mut links = Vec::with_capacity(incidents.len());
        for (i, incident) in incidents.iter().enumerate() {
            let which = format!("#{i}");
            let window = linker.window(incident);
            let mut best: Option<(IncidentId, f64, String)> = None;
            if let Some(window) = &window {
                // Incidents this document already reports are not candidates: two incidents of
                // one document are never attached to one stored incident.
                for (id, version) in candidates(&tx, window, Some(document_id))? {
                    let existing = read_version(&tx, id, version)?;
                    let (score, explanation) = linker.score(incident, &existing);
                    if !score.is_finite() {
                        continue;
                    }
                    let score = score.clamp(0.0, 1.0);
                    // Strictly greater: of equal scores, the first (nearest in date) wins.
                    if best.as_ref().is_none_or(|b| score > b.1) {
                        best = Some((id, score, explanation));
                    }
                }
            }
            match best {
                Some((id, score, explanation)) if score >= threshold => {
                    insert_observation(&tx, id.0, document_id, incident, at)?;
                    insert_source(&tx, id.0, document_id, SourceRole::Linked, Some(score), &explanation, at)?;
                    let reason = format!("linked source {short_sha}: {explanation}");
                    let version = next_version(&tx, id)?;
                    write_merged_version(
                        &tx,
                        id,
                        version,
                        linker,
                        &VersionMeta { at, actor: &doc.actor, action: "link", author: LINK_AUTHOR, reason: &reason, analyst: false, merged_into: None },
                    )?;
                    incident_ids.push(id);
                    links.push(LinkOutcome { incident_id: id, linked: true, score: Some(score), reason: explanation });
                }
                best => {
                    let incident_id = create_incident(&tx, at)?;
                    insert_observation(&tx, incident_id, document_id, incident, at)?;
                    let observation = Observation {
                        document_id: DocumentId(document_id),
                        sha256: prepared.sha256.clone(),
                        metadata: doc.metadata.clone(),
                        simhash: doc.simhash,
                        incident: incident.clone(),
                    };
                    let record = linker.merge(std::slice::from_ref(&observation));
                    let this = SpanDocument {
                        id: document_id,
                        sha256: &prepared.sha256,
                        name: &doc.name,
                        text: &doc.text,
                        observed: Some(incident),
                    };
                    let owners = attribute_spans(&record, std::slice::from_ref(&this), &which)?;
                    insert_version(
                        &tx,
                        incident_id,
                        1,
                        &record,
                        &VersionMeta { at, actor: &doc.actor, action: "extract", author: EXTRACTION_AUTHOR, reason: &prepared.reason, analyst: false, merged_into: None },
                        &owners,
                    )?;
                    insert_source(&tx, incident_id, document_id, SourceRole::Origin, None, FIRST_REPORT, at)?;
                    let (score, reason) = match (&window, best) {
                        (None, _) => (None, format!("{FIRST_REPORT}: the linker gave no window to search")),
                        (Some(_), None) => (None, format!("{FIRST_REPORT}: no candidate in the window")),
                        (Some(_), Some((id, score, explanation))) => (
                            Some(score),
                            format!(
                                "{FIRST_REPORT}: the best candidate, incident {id}, scored {score:.2}, below \
                                 {threshold:.2}: {explanation}"
                            ),
                        ),
                    };
                    incident_ids.push(IncidentId(incident_id));
                    links.push(LinkOutcome { incident_id: IncidentId(incident_id), linked: false, score, reason });
                }
            }
        }
        tx.commit().ctx("committing an ingest")?;
        self.after_sealing(sealed_copies);
        Ok(IngestOutcome::New { document_id: DocumentId(document_id), incident_ids, links })
    }

    fn observations(&self, id: IncidentId) -> Result<Vec<Observation>> {
        if incident_state(&self.conn, id)?.is_none() {
            return Err(StoreError::UnknownIncident { id });
        }
        Ok(load_observations(&self.conn, id)?.into_iter().map(|o| o.observation).collect())
    }

    fn merge_incidents(
        &mut self,
        into: IncidentId,
        from: IncidentId,
        linker: &dyn Linker,
        author: &str,
        reason: &str,
    ) -> Result<u32> {
        if into == from {
            return Err(StoreError::SameIncident { id: into });
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a merge")?;
        let into_state = active_incident(&tx, into)?;
        let from_state = active_incident(&tx, from)?;
        let at = timestamp(Utc::now());

        // `from` closes with its record unchanged; its spans are attributed while its
        // observations are still active.
        let from_record = read_version(&tx, from, from_state.version)?;
        let from_observations = load_observations(&tx, from)?;
        let docs: Vec<SpanDocument<'_>> = from_observations.iter().map(|o| o.span_document()).collect();
        let owners = attribute_spans(&from_record, &docs, &from.to_string())?;
        let closing = format!("merged into incident {into}: {reason}");
        insert_version(
            &tx,
            from.0,
            from_state.version + 1,
            &from_record,
            &VersionMeta { at: &at, actor: author, action: "merge", author, reason: &closing, analyst: true, merged_into: Some(into.0) },
            &owners,
        )?;

        let link_reason = format!("{MERGED_BY}{author}: {reason}");
        for observation in &from_observations {
            move_observation(&tx, observation.row_id, into, &at)?;
            let document_id = observation.observation.document_id.0;
            if !has_active_source(&tx, into.0, document_id)? {
                insert_analyst_source(&tx, into.0, document_id, SourceRole::Linked, &link_reason, &at)?;
            }
        }
        tx.execute(
            "UPDATE incident_sources SET active = 0, unlinked_at = ?2 WHERE incident_id = ?1 AND active = 1",
            params![from.0, at],
        )
        .ctx("ending the links of a merged incident")?;

        let version = into_state.version + 1;
        let merged = format!("merged incident {from} into this one: {reason}");
        write_merged_version(
            &tx,
            into,
            version,
            linker,
            &VersionMeta { at: &at, actor: author, action: "merge", author, reason: &merged, analyst: true, merged_into: None },
        )?;
        tx.commit().ctx("committing a merge")?;
        to_version(into, version)
    }

    fn split_source(
        &mut self,
        id: IncidentId,
        document_sha256: &str,
        linker: &dyn Linker,
        author: &str,
        reason: &str,
    ) -> Result<IncidentId> {
        let sha256 = normalise_sha256(document_sha256)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a split")?;
        let state = active_incident(&tx, id)?;
        let document_id = match active_sources_with_sha256(&tx, id.0, &sha256)?.as_slice() {
            [] => return Err(StoreError::NotASource { id, sha256 }),
            [one] => *one,
            several => {
                let documents = several.iter().copied().map(DocumentId).collect();
                return Err(StoreError::AmbiguousSource { id, sha256, documents });
            }
        };
        let new_id = split_off(&tx, id, state, document_id, &sha256, linker, author, reason)?;
        tx.commit().ctx("committing a split")?;
        Ok(new_id)
    }

    fn split_document(
        &mut self,
        id: IncidentId,
        document: DocumentId,
        linker: &dyn Linker,
        author: &str,
        reason: &str,
    ) -> Result<IncidentId> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a split")?;
        let state = active_incident(&tx, id)?;
        if !has_active_source(&tx, id.0, document.0)? {
            return Err(StoreError::DocumentNotASource { id, document });
        }
        let sha256: String = tx
            .prepare_cached("SELECT sha256 FROM documents WHERE id = ?1")
            .and_then(|mut s| s.query_row([document.0], |r| r.get(0)))
            .ctx("reading a document")?;
        let new_id = split_off(&tx, id, state, document.0, &sha256, linker, author, reason)?;
        tx.commit().ctx("committing a split")?;
        Ok(new_id)
    }

    fn document_by_sha256(&self, sha256: &str) -> Result<Option<DocumentRecord>> {
        let sha256 = normalise_sha256(sha256)?;
        let raw = self
            .conn
            .prepare_cached(concat!(
                "SELECT ",
                document_columns!(),
                " FROM documents AS d JOIN originals AS o ON o.sha256 = d.sha256 WHERE d.sha256 = ?1 \
                 ORDER BY d.id LIMIT 1"
            ))
            .and_then(|mut s| s.query_row([&sha256], RawDocument::read).optional())
            .ctx("reading a document")?;
        raw.map(RawDocument::into_record).transpose()
    }

    fn documents_by_sha256(&self, sha256: &str) -> Result<Vec<DocumentRecord>> {
        let sha256 = normalise_sha256(sha256)?;
        let raws: Vec<RawDocument> = self
            .conn
            .prepare_cached(concat!(
                "SELECT ",
                document_columns!(),
                " FROM documents AS d JOIN originals AS o ON o.sha256 = d.sha256 WHERE d.sha256 = ?1 \
                 ORDER BY d.id"
            ))
            .and_then(|mut s| s.query_map([&sha256], RawDocument::read)?.collect())
            .ctx("reading documents")?;
        raws.into_iter().map(RawDocument::into_record).collect()
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
            .query_row("SELECT iif(sealed, testigo_open_blob(bytes), bytes) FROM originals WHERE sha256 = ?1", [&sha256], |r| r.get(0))
            .optional()
            .ctx("reading an original")
    }

    fn incidents(&self, filter: &IncidentFilter) -> Result<Vec<IncidentSummary>> {
        // A bound that is NULL does not filter. An incident's date range is
        // [event_date, event_date_end]; it matches when that range overlaps [from, to]. An
        // unresolved date (NULL) never satisfies a bound. Merged incidents are not listed.
        let sql = "SELECT x.incident_id, x.version, testigo_open(v.record), \
                   (SELECT count(*) FROM incident_sources AS s \
                    WHERE s.incident_id = x.incident_id AND s.active = 1) \
                   FROM incident_index AS x \
                   JOIN incident_versions AS v ON v.incident_id = x.incident_id AND v.version = x.version \
                   WHERE x.merged_into IS NULL \
                   AND (?1 IS NULL OR coalesce(x.event_date_end, x.event_date) >= ?1) \
                   AND (?2 IS NULL OR x.event_date <= ?2) \
                   AND (?3 IS NULL OR x.country = ?3) \
                   AND (?4 IS NULL OR x.admin1_folded = ?4) \
                   AND (?5 IS NULL OR x.event_type = ?5) \
                   ORDER BY x.event_date IS NULL, x.event_date, x.incident_id \
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
        let current: Option<(i64, i64, String, Option<i64>, String)> = self
            .conn
            .prepare_cached(
                "SELECT v.id, v.version, testigo_open(v.record), v.merged_into, i.created_at \
                 FROM incident_versions AS v JOIN incidents AS i ON i.id = v.incident_id \
                 WHERE v.incident_id = ?1 ORDER BY v.version DESC LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row([id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).optional()
            })
            .ctx("reading an incident")?;
        let Some((version_id, version, record, merged_into, created_at)) = current else {
            return Ok(None);
        };
        let version = to_version(id, version)?;
        let incident = parse_record(id, version, &record)?;
        let created_at = parse_timestamp("incident creation time", &created_at)?;
        let status = merged_into.map_or(IncidentStatus::Active, |n| IncidentStatus::MergedInto(IncidentId(n)));

        let versions: Vec<(i64, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT version, created_at, author, testigo_open(reason) FROM incident_versions \
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
                ", s.role, s.link_score, testigo_open(s.link_reason), s.created_at, s.active, s.unlinked_at \
                 FROM incident_sources AS s \
                 JOIN documents AS d ON d.id = s.document_id \
                 JOIN originals AS o ON o.sha256 = d.sha256 \
                 WHERE s.incident_id = ?1 ORDER BY s.id"
            ))
            .and_then(|mut s| s.query_map([id.0], RawSource::read)?.collect())
            .ctx("reading an incident's sources")?;
        let sources = sources.into_iter().map(RawSource::into_source).collect::<Result<Vec<_>>>()?;
        let observations = load_observations(&self.conn, id)?.into_iter().map(|o| o.observation).collect();
        let spans = version_spans(&self.conn, version_id)?;

        Ok(Some(IncidentDetail { id, version, incident, status, created_at, versions, sources, observations, spans }))
    }

    fn incident_version(&self, id: IncidentId, version: u32) -> Result<Option<Incident>> {
        let record: Option<String> = self
            .conn
            .prepare_cached("SELECT testigo_open(record) FROM incident_versions WHERE incident_id = ?1 AND version = ?2")
            .and_then(|mut s| s.query_row(params![id.0, version], |r| r.get(0)).optional())
            .ctx("reading an incident version")?;
        record.map(|record| parse_record(id, version, &record)).transpose()
    }

    fn all_incidents(&self) -> Result<Vec<IncidentDetail>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached("SELECT incident_id FROM incident_index WHERE merged_into IS NULL ORDER BY incident_id")
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
        let state = active_incident(&tx, id)?;
        // Spans kept from an observation point into its document; any other span into the
        // document the incident was first extracted from (the first observation).
        let observations = load_observations(&tx, id)?;
        let docs: Vec<SpanDocument<'_>> = observations.iter().map(|o| o.span_document()).collect();
        let owners = attribute_spans(incident, &docs, &id.to_string())?;
        let version = state.version + 1;
        let at = timestamp(Utc::now());
        insert_version(
            &tx,
            id.0,
            version,
            incident,
            &VersionMeta { at: &at, actor: author, action: "revise", author, reason, analyst: true, merged_into: None },
            &owners,
        )?;
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
            originals: count("SELECT count(*) FROM originals")?,
            incidents: count("SELECT count(*) FROM incidents")?,
            merged_incidents: count("SELECT count(*) FROM incident_index WHERE merged_into IS NOT NULL")?,
            incident_versions: count("SELECT count(*) FROM incident_versions")?,
        })
    }

    fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        audit::list(&self.conn, filter)
    }

    fn append_audit(
        &mut self,
        actor: &str,
        action: &str,
        target: &str,
        reason: &str,
        subject_sha256: &str,
    ) -> Result<AuditEntry> {
        let subject = normalise_sha256(subject_sha256)?;
        let at = timestamp(Utc::now());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting an audit entry")?;
        let seq = audit::append(
            &tx,
            &audit::NewEntry { at: &at, actor, action, target, reason, subject_sha256: &subject, seal_reason: false },
        )?;
        let entry = tx
            .prepare_cached(&format!("SELECT {} FROM audit_log WHERE seq = ?1", audit::COLUMNS))
            .and_then(|mut s| s.query_row([seq], audit::RawEntry::read))
            .ctx("reading the audit log")?;
        tx.commit().ctx("committing an audit entry")?;
        entry.into_entry()
    }

    fn verify(&self) -> Result<VerifyReport> {
        audit::verify(&self.conn, &self.keys)
    }
}

/// A document checked and prepared for storage.
struct PreparedDocument {
    /// Lower-case SHA-256.
    sha256: String,
    /// What identifies the document: [`crate::source_key`].
    source_key: String,
    size: i64,
    metadata_source: String,
    /// The ingest time as stored.
    at: String,
    /// The reason of version 1 of its incidents (and of its `ingest` audit entry).
    reason: String,
    /// For a sensitive document, what is stored of it, sealed.
    sealed: Option<SealedDocument>,
}

/// A sensitive document's encrypted fields.
struct SealedDocument {
    bytes: Vec<u8>,
    name: String,
    title: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
    text: String,
    metadata_source: String,
}

impl PreparedDocument {
    /// Checks and prepares `doc`. Sensitivity follows the bytes: when a stored document with
    /// the same SHA-256 is sensitive, `doc` is sealed too, whatever `doc.sensitive` says.
    fn new(doc: &NewDocument, keys: &Keyholder, conn: &Connection) -> Result<PreparedDocument> {
        let sha256 = normalise_sha256(&doc.sha256)?;
        let actual = sha256_hex(&doc.bytes);
        if actual != sha256 {
            return Err(StoreError::Sha256Mismatch { name: doc.name.clone(), given: doc.sha256.clone(), actual });
        }
        let sensitive = doc.sensitive || bytes_are_sealed(conn, &sha256)?;
        PreparedDocument {
            source_key: crate::source_key(&sha256, &doc.metadata),
            size: to_i64("original size", doc.bytes.len())?,
            metadata_source: serde_json::to_string(&doc.metadata_source)
                .map_err(|source| StoreError::Encode { what: "metadata source", source })?,
            at: timestamp(doc.ingested_at),
            // A sensitive document's name may name a person: it is not written in plain text.
            reason: if sensitive {
                format!("extracted from sensitive document {}", &sha256[..12])
            } else {
                format!("extracted from {}", doc.name)
            },
            sealed: None,
            sha256,
        }
        .seal(doc, keys, sensitive)
    }

    /// Seals a sensitive document's fields; `KeyRequired` when there is no key.
    fn seal(mut self, doc: &NewDocument, keys: &Keyholder, sensitive: bool) -> Result<PreparedDocument> {
        if !sensitive {
            return Ok(self);
        }
        let Some(key) = keys.key.as_deref() else {
            return Err(StoreError::KeyRequired { name: doc.name.clone() });
        };
        let m = &doc.metadata;
        self.sealed = Some(SealedDocument {
            bytes: key.seal(&doc.bytes)?,
            name: key.seal_text(&doc.name)?,
            title: m.title.as_deref().map(|t| key.seal_text(t)).transpose()?,
            publisher: m.publisher.as_deref().map(|p| key.seal_text(p)).transpose()?,
            url: m.url.as_deref().map(|u| key.seal_text(u)).transpose()?,
            text: key.seal_text(&doc.text)?,
            metadata_source: key.seal_text(&self.metadata_source)?,
        });
        Ok(self)
    }
}


/// True when a stored document or original with this (lower-case) SHA-256 is sealed.
fn bytes_are_sealed(conn: &Connection, sha256: &str) -> Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM originals WHERE sha256 = ?1 AND sealed = 1) \
         OR EXISTS (SELECT 1 FROM documents WHERE sha256 = ?1 AND sealed = 1)",
    )
    .and_then(|mut s| s.query_row([sha256], |r| r.get(0)))
    .ctx("looking the document up")
}

/// When `prepared` is sealed, seals what is stored of the same bytes in plain text (they were
/// ingested before without `--sensitive`), inside the caller's transaction: the original, every
/// document of it (name, title, publisher, URL, text, metadata provenance) and the reasons
/// that name those documents (`extracted from NAME` of their incidents' versions, their
/// `ingest` audit entries). The plaintext, and so every digest and audit hash, stays the same;
/// like key rotation it is a sanctioned rewrite of write-once rows, and each document sealed
/// gets a `seal` audit entry by `actor`. Returns how many documents or originals were sealed.
fn seal_stored_copies(conn: &Connection, prepared: &PreparedDocument, keys: &Keyholder, actor: &str) -> Result<usize> {
    let (Some(_), Some(key)) = (&prepared.sealed, keys.key.as_deref()) else {
        return Ok(0);
    };
    let sha256 = &prepared.sha256;
    let documents: Vec<i64> = conn
        .prepare_cached("SELECT id FROM documents WHERE sha256 = ?1 AND sealed = 0 ORDER BY id")
        .and_then(|mut s| s.query_map([sha256], |r| r.get(0))?.collect())
        .ctx("looking the document up")?;
    let original: Option<Vec<u8>> = conn
        .prepare_cached("SELECT bytes FROM originals WHERE sha256 = ?1 AND sealed = 0")
        .and_then(|mut s| s.query_row([sha256], |r| r.get(0)).optional())
        .ctx("reading an original")?;
    if documents.is_empty() && original.is_none() {
        return Ok(0);
    }
    let triggers = keys::lift_update_triggers(conn)?;
    let named = "SELECT 'extracted from ' || name FROM documents WHERE sha256 = ?1 AND sealed = 0";
    for sql in [
        format!("UPDATE incident_versions SET reason = testigo_seal(reason) WHERE reason IN ({named})"),
        format!(
            "UPDATE audit_log SET reason = testigo_seal(reason) WHERE substr(reason, 1, 5) <> 'tgk1:' \
             AND (reason IN ({named}) OR target IN \
             (SELECT 'document:' || id FROM documents WHERE sha256 = ?1 AND sealed = 0))"
        ),
        "UPDATE documents SET name = testigo_seal(name), title = testigo_seal(title), \
         publisher = testigo_seal(publisher), url = testigo_seal(url), text = testigo_seal(text), \
         metadata_source = testigo_seal(metadata_source), sealed = 1 WHERE sha256 = ?1 AND sealed = 0"
            .to_string(),
    ] {
        conn.execute(&sql, [sha256]).ctx("sealing a document stored in plain text")?;
    }
    if let Some(bytes) = &original {
        conn.execute("UPDATE originals SET bytes = ?2, sealed = 1 WHERE sha256 = ?1", params![sha256, key.seal(bytes)?])
            .ctx("sealing an original stored in plain text")?;
    }
    keys::restore_triggers(conn, &triggers)?;
    if !documents.is_empty() {
        // A trigger (migration 8) took the documents out of the full-text index; merging the
        // index's segments also drops their words from the file (secure_delete overwrites the
        // pages freed). Rare, and worth its second on a large store.
        conn.execute("INSERT INTO sources_fts (sources_fts) VALUES ('optimize')", [])
            .ctx("dropping a sealed document's words from the full-text index")?;
    }
    for id in &documents {
        audit::append(
            conn,
            &audit::NewEntry {
                at: &prepared.at,
                actor,
                action: "seal",
                target: &format!("document:{id}"),
                reason: "the same bytes were ingested as sensitive: the document and its original are now stored \
                         encrypted",
                subject_sha256: sha256,
                seal_reason: false,
            },
        )?;
    }
    Ok(documents.len() + usize::from(original.is_some()))
}

/// The first steps of both ingests, inside their transaction: `Err(id)` when the document (same
/// bytes, same metadata) is already stored; otherwise the incidents' spans are checked against
/// the text (after the lookup, so that known bytes stay a no-op whatever is passed) and the
/// document is inserted: `Ok(new id)`.
fn store_new_document(
    conn: &Connection,
    doc: &NewDocument,
    prepared: &PreparedDocument,
    incidents: &[Incident],
) -> Result<std::result::Result<i64, DocumentId>> {
    if let Some(id) = known_document(conn, &prepared.source_key)? {
        return Ok(Err(DocumentId(id)));
    }
    for (i, incident) in incidents.iter().enumerate() {
        check_spans(incident, &doc.text, &doc.name, &format!("#{i}"))?;
    }
    Ok(Ok(insert_document(conn, doc, prepared)?))
}

fn known_document(conn: &Connection, source_key: &str) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM documents WHERE source_key = ?1")
        .and_then(|mut s| s.query_row([source_key], |r| r.get(0)).optional())
        .ctx("looking the document up")
}

/// [`crate::source_key`] from a document's columns: `sha256` lower-case, `published` as
/// `YYYY-MM-DD`. The same function backfills the key in migration 3.
pub(crate) fn source_key_of(
    sha256: &str,
    publisher: Option<&str>,
    url: Option<&str>,
    title: Option<&str>,
    published: Option<&str>,
) -> String {
    let mut key = String::with_capacity(128);
    key.push_str(sha256);
    for field in [publisher, url, title, published] {
        key.push('\0');
        key.push_str(field.unwrap_or(""));
    }
    sha256_hex(key.as_bytes())
}

/// Registers [`source_key_of`] as the SQL function that migration 3 backfills keys with.
fn register_source_key_function(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        SOURCE_KEY_FUNCTION,
        5,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let sha256: String = ctx.get(0)?;
            let [publisher, url, title, published] = [1, 2, 3, 4].map(|i| ctx.get::<Option<String>>(i));
            Ok(source_key_of(
                &sha256.to_ascii_lowercase(),
                publisher?.as_deref(),
                url?.as_deref(),
                title?.as_deref(),
                published?.as_deref(),
            ))
        },
    )
}

/// The active sources of an incident whose original has this (lower-case) SHA-256, by id.
fn active_sources_with_sha256(conn: &Connection, incident_id: i64, sha256: &str) -> Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT s.document_id FROM incident_sources AS s JOIN documents AS d ON d.id = s.document_id \
         WHERE s.incident_id = ?1 AND s.active = 1 AND d.sha256 = ?2 ORDER BY s.document_id",
    )
    .and_then(|mut s| s.query_map(params![incident_id, sha256], |r| r.get(0))?.collect())
    .ctx("reading an incident's sources")
}

/// Moves the document's observations of incident `id` (an active source, not its only one) to
/// a new incident, ends its link to `id` and writes the new versions of both; returns the new
/// incident's id. `sha256` is the document's, for messages.
#[allow(clippy::too_many_arguments)]
fn split_off(
    tx: &Connection,
    id: IncidentId,
    state: IncidentState,
    document_id: i64,
    sha256: &str,
    linker: &dyn Linker,
    author: &str,
    reason: &str,
) -> Result<IncidentId> {
    let (moving, remaining): (Vec<_>, Vec<_>) =
        load_observations(tx, id)?.into_iter().partition(|o| o.observation.document_id.0 == document_id);
    if remaining.is_empty() {
        return Err(StoreError::OnlySource { id, sha256: sha256.to_string() });
    }
    if moving.is_empty() {
        return Err(StoreError::corrupt(
            format!("incident {id}"),
            sha256,
            "the document is an active source without an active observation",
        ));
    }
    let at = timestamp(Utc::now());

    let new_id = IncidentId(create_incident(tx, &at)?);
    for observation in &moving {
        move_observation(tx, observation.row_id, new_id, &at)?;
    }
    deactivate_source(tx, id.0, document_id, &at)?;
    let link_reason = format!("{SPLIT_FROM}{id} by {author}: {reason}");
    insert_analyst_source(tx, new_id.0, document_id, SourceRole::Origin, &link_reason, &at)?;
    let split_from = format!("split from incident {id}: {reason}");
    write_merged_version(
        tx,
        new_id,
        1,
        linker,
        &VersionMeta { at: &at, actor: author, action: "split", author, reason: &split_from, analyst: true, merged_into: None },
    )?;

    let split_off =
        format!("split off source {} (document {document_id}) into incident {new_id}: {reason}", &sha256[..12]);
    write_merged_version(
        tx,
        id,
        state.version + 1,
        linker,
        &VersionMeta { at: &at, actor: author, action: "split", author, reason: &split_off, analyst: true, merged_into: None },
    )?;
    Ok(new_id)
}

/// Stores the original and the document; returns the document's id.
fn insert_document(conn: &Connection, doc: &NewDocument, prepared: &PreparedDocument) -> Result<i64> {
    // The original is content-addressed and stored once: another document with the same bytes
    // (the same story under another publisher) may have stored it already.
    // A sensitive document's bytes are stored sealed; if the same bytes were stored before in
    // plain text, `seal_stored_copies` has sealed them already.
    let sealed = prepared.sealed.as_ref();
    conn.execute(
        "INSERT OR IGNORE INTO originals (sha256, size, bytes, sealed) VALUES (?1, ?2, ?3, ?4)",
        params![prepared.sha256, prepared.size, sealed.map_or(&doc.bytes, |s| &s.bytes), sealed.is_some()],
    )
    .ctx("storing the original")?;
    let m = &doc.metadata;
    conn.execute(
        "INSERT INTO documents (sha256, source_key, name, kind, title, publisher, url, published, \
         language, text, metadata_source, ingested_at, simhash, sealed) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            prepared.sha256,
            prepared.source_key,
            sealed.map_or(&doc.name, |s| &s.name),
            doc.kind,
            sealed.map_or(m.title.as_ref(), |s| s.title.as_ref()),
            sealed.map_or(m.publisher.as_ref(), |s| s.publisher.as_ref()),
            sealed.map_or(m.url.as_ref(), |s| s.url.as_ref()),
            m.published.map(date_text),
            m.language.map(|l| l.as_str()),
            sealed.map_or(&doc.text, |s| &s.text),
            sealed.map_or(&prepared.metadata_source, |s| &s.metadata_source),
            prepared.at,
            doc.simhash.map(simhash_to_sql),
            sealed.is_some(),
        ],
    )
    .ctx("storing the document")?;
    let id = conn.last_insert_rowid();
    audit::append(
        conn,
        &audit::NewEntry {
            at: &prepared.at,
            actor: &doc.actor,
            action: "ingest",
            target: &format!("document:{id}"),
            reason: &prepared.reason,
            subject_sha256: &prepared.sha256,
            seal_reason: false,
        },
    )?;
    Ok(id)
}

/// Creates an incident (without versions yet); returns its id.
fn create_incident(conn: &Connection, at: &str) -> Result<i64> {
    conn.prepare_cached("INSERT INTO incidents (created_at) VALUES (?1)")
        .and_then(|mut s| s.execute([at]))
        .ctx("storing an incident")?;
    Ok(conn.last_insert_rowid())
}

/// The state of an incident that must exist and not be merged into another.
fn active_incident(conn: &Connection, id: IncidentId) -> Result<IncidentState> {
    match incident_state(conn, id)? {
        None => Err(StoreError::UnknownIncident { id }),
        Some(IncidentState { merged_into: Some(into), .. }) => Err(StoreError::IncidentMerged { id, into }),
        Some(state) => Ok(state),
    }
}

/// True when the document is an active source of the incident.
fn has_active_source(conn: &Connection, incident_id: i64, document_id: i64) -> Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM incident_sources \
         WHERE incident_id = ?1 AND document_id = ?2 AND active = 1)",
    )
    .and_then(|mut s| s.query_row(params![incident_id, document_id], |r| r.get(0)))
    .ctx("reading an incident's sources")
}

/// One stored version's record.
fn read_version(conn: &Connection, id: IncidentId, version: i64) -> Result<Incident> {
    let record: String = conn
        .prepare_cached("SELECT testigo_open(record) FROM incident_versions WHERE incident_id = ?1 AND version = ?2")
        .and_then(|mut s| s.query_row(params![id.0, version], |r| r.get(0)))
        .ctx("reading an incident version")?;
    parse_record(id, to_version(id, version)?, &record)
}

/// The evidence and claim spans of one stored version, with their documents.
fn version_spans(conn: &Connection, version_id: i64) -> Result<Vec<SourcedSpan>> {
    let rows: Vec<(String, i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT field, span_start, span_end, document_id FROM ( \
             SELECT 0 AS kind, id AS ord, field, span_start, span_end, document_id FROM evidence \
             WHERE incident_version_id = ?1 \
             UNION ALL \
             SELECT 1, position, 'claims[' || position || ']', span_start, span_end, document_id FROM claims \
             WHERE incident_version_id = ?1) ORDER BY kind, ord",
        )
        .and_then(|mut s| s.query_map([version_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
        .ctx("reading an incident's evidence")?;
    rows.into_iter()
        .map(|(field, start, end, document_id)| {
            let offset = |n: i64| usize::try_from(n).map_err(|e| StoreError::corrupt("span offset", &n.to_string(), e));
            Ok(SourcedSpan {
                field,
                span: Span::new(offset(start)?, offset(end)?),
                document_id: DocumentId(document_id),
            })
        })
        .collect()
}

/// The columns of a [`DocumentRecord`], from `documents AS d JOIN originals AS o`, in the order
/// [`RawDocument::read`] reads them.
macro_rules! document_columns {
    () => {
        "d.id, d.sha256, iif(d.sealed, testigo_open(d.name), d.name), d.kind, o.size, \
         iif(d.sealed, testigo_open(d.title), d.title), iif(d.sealed, testigo_open(d.publisher), d.publisher), iif(d.sealed, testigo_open(d.url), d.url), \
         d.published, d.language, iif(d.sealed, testigo_open(d.text), d.text), \
         iif(d.sealed, testigo_open(d.metadata_source), d.metadata_source), d.ingested_at, d.simhash, d.source_key, \
         d.sealed"
    };
}
use document_columns;

/// The number of columns [`document_columns!`] selects.
const DOCUMENT_COLUMN_COUNT: usize = 16;

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
    simhash: Option<i64>,
    source_key: String,
    sealed: bool,
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
            simhash: r.get(13)?,
            source_key: r.get(14)?,
            sealed: r.get(15)?,
        })
    }

    fn into_record(self) -> Result<DocumentRecord> {
        let metadata = parse_metadata(self.title, self.publisher, self.url, self.published, self.language)?;
        let metadata_source = serde_json::from_str(&self.metadata_source)
            .map_err(|e| StoreError::corrupt("document metadata source", &self.metadata_source, e))?;
        Ok(DocumentRecord {
            id: DocumentId(self.id),
            sha256: self.sha256,
            source_key: self.source_key,
            name: self.name,
            kind: self.kind,
            size: u64::try_from(self.size)
                .map_err(|e| StoreError::corrupt("original size", &self.size.to_string(), e))?,
            metadata,
            metadata_source,
            text: self.text,
            ingested_at: parse_timestamp("ingest time", &self.ingested_at)?,
            simhash: self.simhash.map(simhash_from_sql),
            sensitive: self.sealed,
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
    active: bool,
    unlinked_at: Option<String>,
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
            active: r.get(n + 4)?,
            unlinked_at: r.get(n + 5)?,
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
            active: self.active,
            unlinked_at: self.unlinked_at.as_deref().map(|t| parse_timestamp("unlink time", t)).transpose()?,
        })
    }
}

/// Who made a version, when and why; and whether it closes the incident, merged into another.
struct VersionMeta<'a> {
    at: &'a str,
    /// Who asked for it (the audit entry's actor); `author` is who made the record (the
    /// extractor or linker for versions computed on ingest).
    actor: &'a str,
    /// The audit entry's action: `extract`, `link`, `merge`, `split` or `revise`.
    action: &'a str,
    author: &'a str,
    reason: &'a str,
    /// The reason holds an analyst's words (`--reason` of merge, split, revise): it is stored
    /// sealed when the store has a key, in the version and in its audit entry.
    analyst: bool,
    merged_into: Option<i64>,
}

/// Writes one version of an incident, its copies of filter fields, its evidence and its claims.
/// `owners` names the document each span points into.
fn insert_version(
    conn: &Connection,
    incident_id: i64,
    version: i64,
    incident: &Incident,
    meta: &VersionMeta<'_>,
    owners: &SpanOwners,
) -> Result<()> {
    let record = serde_json::to_string(incident).map_err(|source| StoreError::Encode { what: "incident", source })?;
    let mut values: Vec<Value> = vec![
        incident_id.into(),
        version.into(),
        record.clone().into(),
        meta.at.to_string().into(),
        meta.author.to_string().into(),
        meta.reason.to_string().into(),
    ];
    values.extend(version_filter_values(incident)?);
    values.push(meta.merged_into.into());
    values.push(meta.analyst.into());
    conn.prepare_cached(&format!(
        "INSERT INTO incident_versions (incident_id, version, record, created_at, author, reason, {VERSION_FILTER_COLUMNS}, \
         merged_into) \
         VALUES (?1, ?2, testigo_seal(?3), ?4, ?5, CASE WHEN ?23 THEN testigo_seal(?6) ELSE ?6 END, ?7, ?8, ?9, ?10, \
         ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"
    ))
    .and_then(|mut s| s.execute(rusqlite::params_from_iter(values)))
    .ctx("storing an incident version")?;
    let version_id = conn.last_insert_rowid();
    audit::append(
        conn,
        &audit::NewEntry {
            at: meta.at,
            actor: meta.actor,
            action: meta.action,
            target: &format!("incident:{incident_id}"),
            reason: meta.reason,
            subject_sha256: &audit::subject_of_record(&record),
            seal_reason: meta.analyst,
        },
    )?;

    let mut evidence = conn
        .prepare_cached(
            "INSERT INTO evidence (incident_version_id, document_id, field, span_start, span_end) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .ctx("storing evidence")?;
    let spans = incident.evidence.iter().flat_map(|(field, spans)| spans.iter().map(move |s| (field, s)));
    for ((field, span), document_id) in spans.zip(&owners.evidence) {
        let (start, end) = (to_i64("span start", span.start())?, to_i64("span end", span.end())?);
        evidence.execute(params![version_id, document_id, field, start, end]).ctx("storing evidence")?;
    }

    let mut claims = conn
        .prepare_cached(
            "INSERT INTO claims (incident_version_id, document_id, position, text, attributed_to, \
             stance, fact, value, span_start, span_end) \
             VALUES (?1, ?2, ?3, testigo_seal(?4), testigo_seal(?5), ?6, ?7, testigo_seal(?8), ?9, ?10)",
        )
        .ctx("storing claims")?;
    for ((position, claim), document_id) in incident.claims.iter().enumerate().zip(&owners.claims) {
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

/// The columns of `incident_versions` copied from its record for filtering and the search
/// index, in the order [`version_filter_values`] gives them.
pub(crate) const VERSION_FILTER_COLUMNS: &str = "event_date, event_date_end, date_precision, event_type, \
    sub_event_type, country, admin1, admin1_folded, admin2, location_name, latitude, longitude, fatalities, \
    perpetrator_categories, harms";

/// The values of [`VERSION_FILTER_COLUMNS`] for a version whose record is `incident`: what
/// `insert_version` stores and `verify` expects.
pub(crate) fn version_filter_values(incident: &Incident) -> Result<Vec<Value>> {
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
    let text = |t: Option<&str>| t.map_or(Value::Null, |t| Value::Text(t.to_string()));
    Ok(vec![
        incident.event_date.map(date_text).into(),
        incident.event_date_end.map(date_text).into(),
        incident.date_precision.as_str().to_string().into(),
        incident.event_type.as_str().to_string().into(),
        incident.sub_event_type.as_str().to_string().into(),
        location.and_then(|l| l.country.as_deref()).map(normalise_country).into(),
        text(admin1),
        admin1.map(fold).into(),
        text(location.and_then(|l| l.admin2.as_deref())),
        text(location.and_then(|l| l.name.as_deref())),
        location.and_then(|l| l.latitude).into(),
        location.and_then(|l| l.longitude).into(),
        incident.fatalities.map(i64::from).into(),
        categories.into(),
        harms.into(),
    ])
}

/// Refuses spans that do not lie on char boundaries of `text`: they would quote the wrong words.
fn check_spans(incident: &Incident, text: &str, document: &str, which: &str) -> Result<()> {
    let claims = incident.claims.iter().enumerate().map(|(i, c)| (format!("claims[{i}]"), c.span));
    let evidence = incident.evidence.iter().flat_map(|(field, spans)| spans.iter().map(move |s| (field.to_string(), *s)));
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

/// Creates the schema or brings it up to schema version `target`, in one transaction.
fn migrate(conn: &mut Connection, path: &Path, target: i64) -> Result<()> {
    let migration_error =
        |version: i64| move |source| StoreError::Migration { path: path.to_path_buf(), version, source };
    let latest = latest_version();
    register_source_key_function(conn).ctx("registering the source key function")?;
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
    if current >= target {
        return Ok(());
    }
    let applied_at = timestamp(Utc::now());
    for (version, sql) in (1..).zip(MIGRATIONS.iter()) {
        if version <= current || version > target {
            continue;
        }
        tx.execute_batch(sql).map_err(migration_error(version))?;
        if version == AUDIT_LOG_VERSION {
            audit::backfill(&tx)?;
        }
        tx.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)", params![version, applied_at])
            .map_err(migration_error(version))?;
    }
    // Foreign keys were not enforced while migrating: check them all now.
    let violations: Vec<(String, Option<i64>, String)> = tx
        .prepare("PRAGMA foreign_key_check")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
        .map_err(migration_error(target))?;
    if let Some((table, rowid, parent)) = violations.first() {
        let message = format!(
            "{} foreign key violation(s), the first in {table} row {} (references {parent})",
            violations.len(),
            rowid.map_or_else(|| "?".to_string(), |r| r.to_string()),
        );
        let code = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY);
        return Err(migration_error(target)(rusqlite::Error::SqliteFailure(code, Some(message))));
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(migration_error(target))?;
    tx.commit().map_err(migration_error(target))
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
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
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

/// A document's metadata from its columns.
fn parse_metadata(
    title: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
    published: Option<String>,
    language: Option<String>,
) -> Result<Metadata> {
    let published = published.as_deref().map(|p| parse_date("publication date", p)).transpose()?;
    let language = match language.as_deref() {
        None => None,
        Some(l) => {
            Some(Language::parse(l).ok_or_else(|| StoreError::corrupt("document language", l, "expected en or es"))?)
        }
    };
    Ok(Metadata { title, publisher, url, published, language })
}

/// A SimHash is stored as the SQLite `INTEGER` (signed) with the same 64 bits.
fn simhash_to_sql(simhash: u64) -> i64 {
    i64::from_ne_bytes(simhash.to_ne_bytes())
}

/// The inverse of [`simhash_to_sql`].
fn simhash_from_sql(stored: i64) -> u64 {
    u64::from_ne_bytes(stored.to_ne_bytes())
}

fn parse_date(what: &'static str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| StoreError::corrupt(what, text, e))
}

/// RFC 3339 in UTC with nanoseconds: fixed width, so it sorts as text, and lossless.
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub(crate) fn parse_timestamp(what: &'static str, text: &str) -> Result<DateTime<Utc>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_keys_are_enforced_once_opened() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("fk.db");
        // A new file, then the same file reopened (no migration to run).
        for store in [SqliteStore::open_in_memory(), SqliteStore::open(&path), SqliteStore::open(&path)] {
            let store = store.expect("store");
            let on: bool = store.conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).expect("pragma");
            assert!(on, "{}", store.path().display());
        }
    }

    #[test]
    fn the_source_key_function_agrees_with_source_key() {
        let conn = Connection::open_in_memory().expect("memory database");
        register_source_key_function(&conn).expect("function");
        let sha = "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824";
        let metadata = Metadata {
            title: Some("t".to_string()),
            publisher: Some("p".to_string()),
            url: None,
            published: NaiveDate::from_ymd_opt(2019, 8, 1),
            language: None,
        };
        let sql: String = conn
            .query_row("SELECT testigo_source_key(?1, 'p', NULL, 't', '2019-08-01')", [sha], |r| r.get(0))
            .expect("key");
        assert_eq!(sql, crate::source_key(sha, &metadata));
        // The documented definition.
        assert_eq!(sql, sha256_hex(format!("{}\0p\0\0t\02019-08-01", sha.to_ascii_lowercase()).as_bytes()));
    }
}
