//! testigo's store: originals, documents, incidents (as versions), incident–source links,
//! evidence spans and attributed claims.
//!
//! The primary types are:
//!
//! - [`Store`], the operations the rest of testigo needs (ingest a document with the incidents
//!   extracted from it, linking them to stored incidents; look documents and incidents up; list
//!   incidents through an [`IncidentFilter`]; revise, merge and split incidents). It speaks only
//!   in core types and the plain structs of this crate, so a PostgreSQL backend can implement
//!   it later without changing callers.
//! - [`Linker`], the decisions the store asks for when it links reports (where to look, how
//!   alike two incidents are, what several reports add up to), implemented outside the store.
//! - [`SqliteStore`], the embedded SQLite implementation, opened with [`SqliteStore::open`] or
//!   [`SqliteStore::open_in_memory`].
//! - [`StoreError`], the one error type, whose messages say how to fix the problem.
//!
//! # Design
//!
//! **Invariant:** nothing is ever overwritten. Originals are kept byte-for-byte, addressed by
//! their SHA-256. An incident is a sequence of versions; the current incident is its highest
//! version, and a correction ([`Store::revise_incident`]) adds a version with its author and
//! reason. The SQLite schema enforces this with triggers that refuse to update or delete
//! originals and incident versions, evidence and claims, and that allow observations and
//! incident–source links only to be deactivated.
//!
//! **Invariant:** ingesting the same document twice is a no-op ([`IngestOutcome::AlreadyKnown`]),
//! and an ingest is one transaction: either the original, its document, its incidents, their
//! evidence and claims are all stored, or none is.
//!
//! # Documents and originals
//!
//! A **document** (a source) is identified by its [`source_key`]: the SHA-256 of its bytes
//! *and* the metadata it was given (publisher, URL, title, publication date). The same bytes
//! with the same metadata are the same document; the same bytes under another publisher (a
//! wire story reprinted verbatim by a newspaper) are another document, with its own id,
//! metadata and ingest time, and another source of the incidents it reports, though not an
//! independent one. Both share one **original**: the bytes are stored once, under their
//! SHA-256. [`Store::documents_by_sha256`] lists every document of one original.
//!
//! **Boundary:** this is the only crate that knows SQL. The schema is created and upgraded by an
//! ordered list of migrations recorded in a `schema_migrations` table; a database whose schema is
//! newer than this binary knows is refused rather than guessed at.
//!
//! Each incident version is stored as the JSON of the core [`Incident`] (the source of truth that
//! is read back), plus copies of the fields used for filtering (date range, type, place, country,
//! fatalities, perpetrator categories) and rows for its evidence spans and claims, so that they
//! can be queried without parsing JSON. A small `incident_index` table, kept by a trigger, holds
//! the current version's search fields of every incident, indexed so that the candidate search
//! of a date range and a bounding box reads only the matching part of an index, however many
//! incidents there are.
//!
//! # Linking several reports to one incident
//!
//! An incident is what its **observations** add up to. An [`Observation`] is what one document
//! said about one incident: the [`Incident`] extracted from that document (its spans point into
//! that document's text) and who said it. [`Store::ingest_linked`] looks for stored incidents
//! that may be the same as each newly extracted one, asks a [`Linker`] to score them, and either
//! attaches the new observation to the best one (a new version whose record is
//! [`Linker::merge`] of all its observations) or creates a new incident. The decision logic
//! (windows, scores, merging values) is pure code outside the store; the store only finds
//! candidates, keeps observations and records every decision with its score and reason.
//!
//! Analysts correct links with [`Store::merge_incidents`] and [`Store::split_source`] (or
//! [`Store::split_document`], when several sources share the same bytes). Neither
//! deletes anything: an observation or a link that no longer holds is marked inactive and a new
//! one is written; a merged incident is kept, with its history, as
//! [`IncidentStatus::MergedInto`] and leaves listings and candidate searches.
//!
//! **Limitation:** a new version made by linking, merging or splitting is computed from the
//! observations alone, so it replaces an analyst's [`Store::revise_incident`] correction of the
//! version before it (which stays readable in the history). Values set field by field with
//! [`SqliteStore::set_fields`] are kept as overrides and re-applied on every rebuilt version.
//!
//! # Examples
//!
//! ```
//! use testigo_core::Metadata;
//! use testigo_store::{IngestOutcome, NewDocument, SqliteStore, Store};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut store = SqliteStore::open_in_memory()?;
//! let doc = NewDocument {
//!     // SHA-256 of the bytes "hello".
//!     sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824".to_string(),
//!     bytes: b"hello".to_vec(),
//!     name: "hello.txt".to_string(),
//!     kind: "text".to_string(),
//!     text: "hello".to_string(),
//!     metadata: Metadata::default(),
//!     metadata_source: serde_json::json!({}),
//!     ingested_at: chrono::Utc::now(),
//!     actor: "ana".to_string(),
//!     sensitive: false,
//!     simhash: None,
//! };
//! let first = store.ingest(&doc, &[])?;
//! assert!(matches!(first, IngestOutcome::New { .. }));
//! let again = store.ingest(&doc, &[])?;
//! assert!(matches!(again, IngestOutcome::AlreadyKnown { .. }));
//! assert_eq!(store.original(&doc.sha256)?.as_deref(), Some(&b"hello"[..]));
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod crypto;
mod error;
mod fold;
mod migrations;
pub mod monitor;
mod redact;
mod sqlite;

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use testigo_core::{EventType, Incident, Metadata, Span};

pub use crate::crypto::StoreKey;
pub use crate::error::StoreError;
pub use crate::fold::fold;
pub use crate::monitor::search_terms;
pub use crate::redact::redact_detail;
pub use crate::sqlite::{Rotation, SqliteStore};

/// `Result` with [`StoreError`] as the default error.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The author recorded on version 1 of an incident created by ingesting a document.
pub const EXTRACTION_AUTHOR: &str = "testigo extract";

/// The author recorded on a version made by [`Store::ingest_linked`] attaching a new source.
pub const LINK_AUTHOR: &str = "testigo link";

/// The `link_reason` of the origin source of an incident created by [`Store::ingest_linked`].
pub const FIRST_REPORT: &str = "first report";

/// The `prev_hash` of the first audit entry: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an audit entry: SHA-256, as 64 lower-case hex digits, of its canonical encoding,
/// the ASCII tag `testigo-audit-v1` followed by each field as a netstring
/// (`<byte length in decimal>:<UTF-8 bytes>,`) in this order: `seq` (in decimal), `at` (as
/// stored: RFC 3339 in UTC with nine fractional digits and `Z`, e.g.
/// `2026-11-29T16:23:43.123456789Z`), `actor`, `action`, `target`, `reason`,
/// `subject_sha256`, `prev_hash`.
///
/// Anyone can recompute it: in Python,
/// `sha256(b"testigo-audit-v1" + b"".join(b"%d:%s," % (len(f), f) for f in fields))`
/// with each field encoded in UTF-8.
///
/// ```
/// let h = testigo_store::audit_hash(1, "2026-01-01T00:00:00.000000000Z", "ana", "ingest",
///     "document:1", "ingested a.txt", &"a".repeat(64), testigo_store::GENESIS_HASH);
/// assert_eq!(h.len(), 64);
/// assert_ne!(h, testigo_store::audit_hash(1, "2026-01-01T00:00:00.000000000Z", "ana", "ingest",
///     "document:2", "ingested a.txt", &"a".repeat(64), testigo_store::GENESIS_HASH));
/// ```
#[allow(clippy::too_many_arguments)]
pub fn audit_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    target: &str,
    reason: &str,
    subject_sha256: &str,
    prev_hash: &str,
) -> String {
    let seq = seq.to_string();
    let mut encoded = Vec::with_capacity(256);
    encoded.extend_from_slice(b"testigo-audit-v1");
    for field in [seq.as_str(), at, actor, action, target, reason, subject_sha256, prev_hash] {
        encoded.extend_from_slice(field.len().to_string().as_bytes());
        encoded.push(b':');
        encoded.extend_from_slice(field.as_bytes());
        encoded.push(b',');
    }
    sqlite::sha256_hex(&encoded)
}

/// The key that identifies a document: 64 lower-case hex digits, the SHA-256 of
/// `sha256 \0 publisher \0 url \0 title \0 published`, where `sha256` is the original's digest
/// in lower case, `published` is `YYYY-MM-DD`, and an absent field is the empty string.
///
/// Two documents with the same key are the same document ([`Store::ingest`] stores it once);
/// the same bytes with other metadata make another document. The language is not part of the
/// key (it is derived from the text), nor is the file name. The fields are taken as given,
/// without normalisation; an absent field and an empty one give the same key.
///
/// ```
/// use testigo_core::Metadata;
/// let sha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
/// let wire = Metadata { publisher: Some("wire".to_string()), ..Metadata::default() };
/// let reprint = Metadata { publisher: Some("newspaper".to_string()), ..Metadata::default() };
/// assert_ne!(testigo_store::source_key(sha, &wire), testigo_store::source_key(sha, &reprint));
/// assert_eq!(testigo_store::source_key(sha, &wire), testigo_store::source_key(&sha.to_uppercase(), &wire));
/// ```
pub fn source_key(sha256: &str, metadata: &Metadata) -> String {
    let published = metadata.published.map(|d| d.format("%Y-%m-%d").to_string());
    sqlite::source_key_of(
        &sha256.to_ascii_lowercase(),
        metadata.publisher.as_deref(),
        metadata.url.as_deref(),
        metadata.title.as_deref(),
        published.as_deref(),
    )
}

/// The operations testigo needs from a store, independent of the database behind it.
///
/// Every method that writes does so in one transaction: it either fully happens or not at all.
pub trait Store {
    /// Stores a document and the incidents extracted from it, unless it is already stored.
    ///
    /// If a document with the same [`source_key`] (the same bytes and the same metadata)
    /// exists, nothing is written and [`IngestOutcome::AlreadyKnown`] names it. Otherwise the
    /// original bytes (unless another document stored them already: an original is stored
    /// once, however many documents share it), the document and each incident (as a new
    /// incident at version 1, authored by [`EXTRACTION_AUTHOR`] and linked to the document as
    /// its [`SourceRole::Origin`]) are stored with their evidence and claims, and
    /// [`IngestOutcome::New`] lists the new ids in the order of `incidents`.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidSha256`] when `doc.sha256` is not 64 hex digits,
    /// [`StoreError::Sha256Mismatch`] when `doc.bytes` do not hash to it,
    /// [`StoreError::SpanOutsideText`] when an evidence or claim span does not lie on char
    /// boundaries of `doc.text`, and database errors.
    fn ingest(&mut self, doc: &NewDocument, incidents: &[Incident]) -> Result<IngestOutcome>;

    /// Stores a document and attaches each incident extracted from it to the stored incident it
    /// reports, or stores it as a new incident; all in one transaction.
    ///
    /// If a document with the same [`source_key`] exists, nothing is written and
    /// [`IngestOutcome::AlreadyKnown`] names it. Otherwise the document is stored (a new
    /// document even when another one has the same bytes, as with [`Store::ingest`]) and each
    /// incident of `incidents`, in order:
    ///
    /// 1. is looked up: [`Linker::window`] says where to search, and every active incident in
    ///    that window (at most [`CandidateWindow::limit`], nearest in date first) is
    ///    [scored](Linker::score) against its current version. Incidents that already have this
    ///    document as a source (including those created or attached earlier in this call) are
    ///    not candidates: two incidents of one document never become one.
    /// 2. is **attached** to the best candidate whose score is at least [`Linker::threshold`]
    ///    (the first of equal scores): a new [`Observation`], a [`SourceRole::Linked`] source
    ///    with the score and the linker's explanation, and a new version of that incident whose
    ///    record is [`Linker::merge`] of all its observations, by [`LINK_AUTHOR`] with the reason
    ///    `linked source <first 12 digits of the SHA-256>: <explanation>`;
    /// 3. or else becomes a **new** incident as with [`Store::ingest`], with its first
    ///    observation; its version 1 is [`Linker::merge`] of that one observation and its
    ///    origin source's `link_reason` is [`FIRST_REPORT`].
    ///
    /// Scores that are not finite never attach; others are clamped to `[0, 1]` when stored.
    /// A document with the same bytes as a stored one but other metadata (a reprint) is linked
    /// like any other: its incidents are scored against the stored ones, and usually attach to
    /// the incidents its twin reports, as another source of each.
    /// The `links` of [`IngestOutcome::New`] tell, per extracted incident, what happened and why.
    ///
    /// Spans of a merged record are checked against the document they point into: a span equal
    /// to one of an observation's (for the same field; for a claim, the same span and text, or
    /// the document its `source` names) belongs to that observation's document, any other one
    /// to the incident's origin document.
    ///
    /// # Errors
    ///
    /// Those of [`Store::ingest`]; [`StoreError::SpanOutsideText`] when a span of a merged
    /// record lies on char boundaries of none of the documents it may belong to.
    fn ingest_linked(
        &mut self,
        doc: &NewDocument,
        incidents: &[Incident],
        linker: &dyn Linker,
    ) -> Result<IngestOutcome>;

    /// The active observations of an incident, in the order they were attached; empty for an
    /// incident merged into another (its observations moved there).
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownIncident`] when there is no incident `id`, and database errors.
    fn observations(&self, id: IncidentId) -> Result<Vec<Observation>>;

    /// Merges incident `from` into incident `into`, because an analyst found that they are the
    /// same, and returns `into`'s new version number.
    ///
    /// `from`'s active observations move to `into` (the old rows are deactivated, new ones are
    /// appended after `into`'s), each of their documents becomes a [`SourceRole::Linked`] source
    /// of `into` with the `link_reason` `merged by AUTHOR: REASON` (unless it already is one),
    /// and `into` gets a new version, [`Linker::merge`] of its observations. `from` keeps its
    /// history and gets a final version with the same record and the status
    /// [`IncidentStatus::MergedInto`]; its sources become inactive. Nothing is deleted.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownIncident`] when either does not exist,
    /// [`StoreError::SameIncident`] when they are the same,
    /// [`StoreError::IncidentMerged`] when either was already merged into another,
    /// [`StoreError::SpanOutsideText`] as for [`Store::ingest_linked`], and database errors.
    fn merge_incidents(
        &mut self,
        into: IncidentId,
        from: IncidentId,
        linker: &dyn Linker,
        author: &str,
        reason: &str,
    ) -> Result<u32>;

    /// Splits the document with this SHA-256 off incident `id`, because an analyst found that
    /// it reports another incident, and returns the id of the new incident it now reports.
    /// When several active sources of `id` have these bytes (a story and its reprints), it does
    /// not guess: name the document with [`Store::split_document`].
    ///
    /// The document's active observations of `id` move to a new incident (version 1 is
    /// [`Linker::merge`] of them; the document is its [`SourceRole::Origin`] source), the
    /// document's link to `id` becomes inactive, and `id` gets a new version, [`Linker::merge`]
    /// of the observations that remain. Nothing is deleted.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownIncident`] when there is no incident `id`,
    /// [`StoreError::IncidentMerged`] when it was merged into another,
    /// [`StoreError::InvalidSha256`] when `document_sha256` is not 64 hex digits,
    /// [`StoreError::NotASource`] when no document with these bytes is an active source of `id`,
    /// [`StoreError::AmbiguousSource`] when several are,
    /// [`StoreError::OnlySource`] when it is its only one,
    /// [`StoreError::SpanOutsideText`] as for [`Store::ingest_linked`], and database errors.
    fn split_source(
        &mut self,
        id: IncidentId,
        document_sha256: &str,
        linker: &dyn Linker,
        author: &str,
        reason: &str,
    ) -> Result<IncidentId>;

    /// Splits the document `document` off incident `id`, as [`Store::split_source`] does, and
    /// returns the id of the new incident it now reports. Other documents with the same bytes
    /// stay sources of `id`.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownIncident`] when there is no incident `id`,
    /// [`StoreError::IncidentMerged`] when it was merged into another,
    /// [`StoreError::DocumentNotASource`] when `document` is not an active source of `id` (or
    /// no stored document at all),
    /// [`StoreError::OnlySource`] when it is its only one,
    /// [`StoreError::SpanOutsideText`] as for [`Store::ingest_linked`], and database errors.
    fn split_document(
        &mut self,
        id: IncidentId,
        document: DocumentId,
        linker: &dyn Linker,
        author: &str,
        reason: &str,
    ) -> Result<IncidentId>;

    /// The first document stored with this original (SHA-256 in hex, either case), if any.
    /// Several documents may share one original; [`Store::documents_by_sha256`] lists them all.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidSha256`] when `sha256` is not 64 hex digits, and database errors.
    fn document_by_sha256(&self, sha256: &str) -> Result<Option<DocumentRecord>>;

    /// Every document whose original has this SHA-256 (hex, either case), in the order they
    /// were stored (by id); empty when none is.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidSha256`] when `sha256` is not 64 hex digits, and database errors.
    fn documents_by_sha256(&self, sha256: &str) -> Result<Vec<DocumentRecord>>;

    /// The document with this id, if stored.
    ///
    /// # Errors
    ///
    /// Database errors.
    fn document(&self, id: DocumentId) -> Result<Option<DocumentRecord>>;

    /// The original bytes filed under this SHA-256 (hex, either case), byte-for-byte, if stored.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidSha256`] when `sha256` is not 64 hex digits, and database errors.
    fn original(&self, sha256: &str) -> Result<Option<Vec<u8>>>;

    /// The current version of every active incident (not merged into another) that matches
    /// `filter`, ordered by `event_date` (unresolved dates last) and then by id.
    ///
    /// # Errors
    ///
    /// Database errors.
    fn incidents(&self, filter: &IncidentFilter) -> Result<Vec<IncidentSummary>>;

    /// One incident: its current version, its status, its version history, its sources with
    /// their text and its observations; `None` when there is no incident with this id. An
    /// incident merged into another is returned too, with [`IncidentStatus::MergedInto`].
    ///
    /// # Errors
    ///
    /// Database errors.
    fn incident(&self, id: IncidentId) -> Result<Option<IncidentDetail>>;

    /// One version of an incident as it was stored; `None` when the incident or the version
    /// does not exist.
    ///
    /// # Errors
    ///
    /// Database errors.
    fn incident_version(&self, id: IncidentId, version: u32) -> Result<Option<Incident>>;

    /// Every active incident (not merged into another), as [`Store::incident`] returns it,
    /// ordered by id (creation order); for exports.
    ///
    /// # Errors
    ///
    /// Database errors.
    fn all_incidents(&self) -> Result<Vec<IncidentDetail>>;

    /// Stores `incident` as the new current version of incident `id`, recording who changed it
    /// and why, and returns the new version number. Earlier versions stay readable.
    ///
    /// Evidence and claim spans in `incident` are byte offsets into the text of the document
    /// the incident was first extracted from (its [`SourceRole::Origin`] source), except spans
    /// kept from one of its observations (equal to that observation's, as described in
    /// [`Store::ingest_linked`]), which point into that observation's document.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownIncident`] when there is no incident `id`,
    /// [`StoreError::IncidentMerged`] when it was merged into another,
    /// [`StoreError::SpanOutsideText`] when a span does not lie on char boundaries of the
    /// document it points into, and database errors.
    fn revise_incident(&mut self, id: IncidentId, incident: &Incident, author: &str, reason: &str) -> Result<u32>;

    /// How many documents and incidents are stored.
    ///
    /// # Errors
    ///
    /// Database errors.
    fn stats(&self) -> Result<StoreStats>;

    /// The audit log entries that match `filter`, newest first (highest `seq` first).
    ///
    /// Every operation that writes appends entries in its own transaction: `ingest` (target
    /// `document:N`, subject the original's SHA-256), and one entry per incident version it
    /// writes (target `incident:N`, subject the SHA-256 of the version's JSON record):
    /// `extract` (a new incident from a document), `link` (a new source attached), `merge`,
    /// `split`, `revise`; `key_rotate` (target `store`) when the encryption key changes, and
    /// whatever a caller appends with [`Store::append_audit`]. Databases upgraded to schema 4
    /// got one `ingest` entry per document and one `version` entry per incident version already
    /// stored.
    ///
    /// # Errors
    ///
    /// Database errors, and [`StoreError::Corrupt`] for a timestamp testigo did not write.
    fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>>;

    /// Appends an entry to the audit log for an action the store does not perform itself (a
    /// web application's user management, a login, an export) and returns it.
    /// `subject_sha256` is the SHA-256 (64 hex digits) of what the entry describes, or
    /// [`GENESIS_HASH`] when there is nothing to hash. The time is read from the clock.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidSha256`] when `subject_sha256` is not 64 hex digits, and database
    /// errors.
    fn append_audit(
        &mut self,
        actor: &str,
        action: &str,
        target: &str,
        reason: &str,
        subject_sha256: &str,
    ) -> Result<AuditEntry>;

    /// Checks that nothing stored was changed behind testigo's back: every original's bytes
    /// hash to the SHA-256 it is filed under (decrypting it first if it is encrypted), the
    /// audit log is an unbroken hash chain (see [`audit_hash`]), every document has its
    /// `ingest` entry naming its original's SHA-256, and every incident version has an entry
    /// whose subject is the SHA-256 of its record. Reads everything; memory stays bounded by
    /// the largest original and the number of incident versions.
    ///
    /// A chain whose last entries were removed is still a valid chain: compare
    /// [`VerifyReport::head_hash`] with a copy kept elsewhere (an evidence package records it)
    /// to detect that.
    ///
    /// # Errors
    ///
    /// [`StoreError::Tampered`] naming the first broken link (which original, which audit
    /// entry, which incident version, and what differs), key errors when encrypted data
    /// cannot be decrypted, and database errors.
    fn verify(&self) -> Result<VerifyReport>;
}

/// Which audit entries [`Store::audit_log`] returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditFilter {
    /// Only entries about this target (`incident:12`, `document:3`, `store`, ...); all when
    /// `None`.
    pub target: Option<String>,
    /// At most this many entries; `0` means no limit.
    pub limit: usize,
    /// Skip this many of the newest matching entries first.
    pub offset: usize,
}

/// One entry of the audit log: who did what to which record, when and why, chained to the
/// entry before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the log, from 1, without gaps.
    pub seq: i64,
    /// When (UTC, nanosecond precision).
    pub at: DateTime<Utc>,
    /// Who: the user name given to the operation (the CLI passes `$USER`, or `cli`).
    pub actor: String,
    /// What: `ingest`, `extract`, `link`, `revise`, `merge`, `split`, `key_rotate`, `version`
    /// (recorded by the upgrade to schema 4), or an action given to [`Store::append_audit`].
    pub action: String,
    /// To which record: `document:N`, `incident:N` or `store`.
    pub target: String,
    /// Why, in words.
    pub reason: String,
    /// SHA-256 (64 lower-case hex digits) of what the entry describes: the original's bytes for
    /// `ingest`, the JSON record (plaintext) of the version written for an incident action.
    pub subject_sha256: String,
    /// The `hash` of the entry before; [`GENESIS_HASH`] for the first.
    pub prev_hash: String,
    /// [`audit_hash`] of this entry's fields.
    pub hash: String,
}

/// What [`Store::verify`] checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Originals re-hashed.
    pub originals: u64,
    /// Audit entries whose chain was checked.
    pub audit_entries: u64,
    /// Documents whose `ingest` entry was found.
    pub documents: u64,
    /// Incident versions whose audit entry was found.
    pub incident_versions: u64,
    /// The hash of the last audit entry ([`GENESIS_HASH`] when the log is empty).
    pub head_hash: String,
}

/// The id of a stored document (one per distinct [`source_key`]: bytes and metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocumentId(pub i64);

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The id of a stored incident; stable across its versions. Displays as the bare number (`1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IncidentId(pub i64);

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A document to ingest, as capture produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDocument {
    /// SHA-256 of `bytes`, as 64 hex digits (either case; stored lower-case).
    pub sha256: String,
    /// The original file, byte-for-byte.
    pub bytes: Vec<u8>,
    /// The file name or path as the user gave it.
    pub name: String,
    /// What kind of file it is (`text`, `markdown`, `html`, ...), as capture names it.
    pub kind: String,
    /// The text extracted from the original; evidence spans are byte offsets into it.
    pub text: String,
    /// Title, publisher, URL, publication date and language, after merging every source of
    /// metadata.
    pub metadata: Metadata,
    /// Where each metadata field came from (flags, sidecar, HTML meta tags, header lines), as
    /// capture records it; stored verbatim.
    pub metadata_source: serde_json::Value,
    /// When the document was ingested. The caller passes it, so that ingest reads no clock.
    pub ingested_at: DateTime<Utc>,
    /// Who ingested it (a user name), recorded in the audit log.
    pub actor: String,
    /// True for a document that is itself personal data (a testimony, an intake form): its
    /// original bytes, name, title, URL, text and metadata provenance are stored encrypted, and
    /// its name is left out of version reasons and audit entries. Storing one needs a key
    /// ([`StoreError::KeyRequired`] otherwise). A published article is not sensitive.
    pub sensitive: bool,
    /// The document's near-duplicate fingerprint (a 64-bit SimHash of its text, as the linker
    /// computes it), if known; reprints of one report have fingerprints a few bits apart.
    pub simhash: Option<u64>,
}

/// What [`Store::ingest`] or [`Store::ingest_linked`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum IngestOutcome {
    /// The document was new: it and its incidents were stored.
    New {
        /// The new document.
        document_id: DocumentId,
        /// The incident each extracted incident was stored as or attached to, in the order
        /// they were passed (the same ids as in `links`).
        incident_ids: Vec<IncidentId>,
        /// What happened to each extracted incident, in the order they were passed.
        links: Vec<LinkOutcome>,
    },
    /// A document with the same [`source_key`] (same bytes, same metadata) was already stored;
    /// nothing was written.
    AlreadyKnown {
        /// The document stored earlier.
        document_id: DocumentId,
    },
}

/// A stored document (a source), without its original bytes (see [`Store::original`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRecord {
    /// Its id.
    pub id: DocumentId,
    /// SHA-256 of the original, 64 lower-case hex digits; other documents may share it.
    pub sha256: String,
    /// What identifies the document: its [`source_key`], 64 lower-case hex digits.
    pub source_key: String,
    /// The file name or path as given at ingest.
    pub name: String,
    /// The kind of file, as capture named it.
    pub kind: String,
    /// Size of the original in bytes.
    pub size: u64,
    /// Title, publisher, URL, publication date and language.
    pub metadata: Metadata,
    /// Where each metadata field came from, as capture recorded it.
    pub metadata_source: serde_json::Value,
    /// The extracted text; evidence spans are byte offsets into it.
    pub text: String,
    /// When it was ingested.
    pub ingested_at: DateTime<Utc>,
    /// Its near-duplicate fingerprint, if one was given at ingest.
    pub simhash: Option<u64>,
    /// True when it was ingested as sensitive ([`NewDocument::sensitive`]): it is stored
    /// encrypted, and nothing of it (name, title, URL, text) may appear in anything public.
    pub sensitive: bool,
}

/// What happened to one extracted incident in [`Store::ingest_linked`].
#[derive(Debug, Clone, PartialEq)]
pub struct LinkOutcome {
    /// The incident it was attached to, or the new incident it became.
    pub incident_id: IncidentId,
    /// True when it was attached to an incident already stored; false when it became a new
    /// incident.
    pub linked: bool,
    /// The score of the attachment; for a new incident, the best score among the candidates
    /// (below the threshold); `None` when there was no candidate (or no linker).
    pub score: Option<f64>,
    /// Why, in words: the linker's explanation of the attachment, or for a new incident
    /// [`FIRST_REPORT`] and, if there were candidates, the best one's score and explanation.
    pub reason: String,
}

/// What one document said about one incident: the incident as extracted from that document,
/// and who said it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The document.
    pub document_id: DocumentId,
    /// SHA-256 of the document's original, 64 lower-case hex digits.
    pub sha256: String,
    /// The document's title, publisher, URL, publication date and language.
    pub metadata: Metadata,
    /// The document's near-duplicate fingerprint, if known.
    pub simhash: Option<u64>,
    /// The incident as extracted from that document; its spans are byte offsets into that
    /// document's text.
    pub incident: Incident,
}

/// Where to look for stored incidents that may be the same as a new one.
///
/// Only active incidents (not merged into another) are candidates, and only those that match
/// every bound given.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateWindow {
    /// First day, inclusive: incidents whose `[event_date, event_date_end]` overlaps
    /// `[from, to]` match. When `from` or `to` is given together with a `bbox`, incidents with
    /// an unresolved date inside the box are candidates too (up to 16 of them, after the dated
    /// ones); when both are `None`, any date matches, unresolved included.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
    /// Only incidents in this country (ISO 3166-1 alpha-2, case-insensitive); `None` = any.
    pub country: Option<String>,
    /// Only incidents whose coordinates lie in `(min_lat, min_lon, max_lat, max_lon)`, in
    /// degrees, bounds included (incidents without coordinates never match); `None` = any. A box
    /// that crosses the antimeridian is not supported: give `min_lon <= max_lon`.
    pub bbox: Option<(f64, f64, f64, f64)>,
    /// At most this many candidates: those whose date range has its middle nearest to the
    /// middle of `[from, to]` (or to the one bound given) first, then by id; by id when the
    /// window has no date. Precise dates near the window's middle thus come before long ranges
    /// that merely contain it.
    pub limit: u32,
}

/// Decides links and merges; implemented outside the store (pure code), called by
/// [`Store::ingest_linked`], [`Store::merge_incidents`], [`Store::split_source`] and
/// [`Store::split_document`].
pub trait Linker {
    /// The window to search for candidates of `new`; `None` = never link (e.g. no date and no
    /// place).
    fn window(&self, new: &Incident) -> Option<CandidateWindow>;
    /// Score in `[0, 1]` that `new` is the same incident as the stored `existing` (its current
    /// version), with a one-line human explanation.
    fn score(&self, new: &Incident, existing: &Incident) -> (f64, String);
    /// Minimum score to attach.
    fn threshold(&self) -> f64;
    /// The incident record that an incident's observations add up to; called after every
    /// change of an incident's observations, with the observations in the order they were
    /// attached (never empty). Its spans must be copied from the observations (see
    /// [`Store::ingest_linked`]).
    fn merge(&self, observations: &[Observation]) -> Incident;
}

/// Whether an incident is current or was merged into another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentStatus {
    /// A current incident: listed, filtered, a candidate for links.
    Active,
    /// Merged into this incident ([`Store::merge_incidents`]): kept with its history, but no
    /// longer listed, filtered or a candidate.
    MergedInto(IncidentId),
}

/// Which incidents [`Store::incidents`] returns. Every field is optional; an empty filter
/// returns every incident.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IncidentFilter {
    /// Only incidents whose date range ends on or after this day. Incidents with an unresolved
    /// date never match a date bound.
    pub from: Option<NaiveDate>,
    /// Only incidents whose date range starts on or before this day.
    pub to: Option<NaiveDate>,
    /// Only incidents in this country (ISO 3166-1 alpha-2, case-insensitive).
    pub country: Option<String>,
    /// Only incidents in this first-level division, compared case- and accent-insensitively
    /// ("michoacan" matches "Michoacán").
    pub admin1: Option<String>,
    /// Only incidents of this ACLED event type.
    pub event_type: Option<EventType>,
    /// At most this many incidents; all when `None`.
    pub limit: Option<u32>,
    /// Skip this many matching incidents first.
    pub offset: u32,
}

/// One incident in a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSummary {
    /// Its id.
    pub id: IncidentId,
    /// Its current version number (1 for an uncorrected incident).
    pub version: u32,
    /// The current version.
    pub incident: Incident,
    /// How many documents report it (its active sources).
    pub sources: usize,
}

/// One incident with its history and sources.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentDetail {
    /// Its id.
    pub id: IncidentId,
    /// Its current version number.
    pub version: u32,
    /// The current version.
    pub incident: Incident,
    /// Whether it is current or was merged into another incident.
    pub status: IncidentStatus,
    /// When the incident was first stored.
    pub created_at: DateTime<Utc>,
    /// Every version, oldest first; the last one is `version`.
    pub versions: Vec<IncidentVersionInfo>,
    /// The documents that report or reported it, in the order they were linked; links ended
    /// by a split or a merge are kept with `active` false.
    pub sources: Vec<IncidentSource>,
    /// What each active source said about it, in the order attached; each observation's spans
    /// point into its own document's text.
    pub observations: Vec<Observation>,
    /// Every evidence and claim span of the current version with the document it points into,
    /// so that each can be quoted from the right source.
    pub spans: Vec<SourcedSpan>,
}

/// One evidence or claim span of a stored incident version, with the document it points into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedSpan {
    /// The evidence field (`event_date`, `location`, ...), or `claims[i]` for the claim at
    /// index `i` of the record.
    pub field: String,
    /// Byte offsets into the text of `document_id`, half-open.
    pub span: Span,
    /// The document whose text the span points into.
    pub document_id: DocumentId,
}

/// Who made one version of an incident, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentVersionInfo {
    /// Version number, from 1.
    pub version: u32,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// Who made it ([`EXTRACTION_AUTHOR`] for version 1 of an extracted incident).
    pub author: String,
    /// Why.
    pub reason: String,
}

/// How a document came to be a source of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceRole {
    /// The incident was extracted from this document.
    Origin,
    /// The linker matched an incident extracted from this document to the stored incident,
    /// or an analyst merged an incident it reported into this one.
    Linked,
}

impl SourceRole {
    /// The string stored in the database: `origin` or `linked`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SourceRole::Origin => "origin",
            SourceRole::Linked => "linked",
        }
    }
}

/// A document that reports an incident, with the link between them.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSource {
    /// The document, with its text so that evidence spans can be quoted.
    pub document: DocumentRecord,
    /// How it came to be a source.
    pub role: SourceRole,
    /// The linker's confidence that the document reports this incident, from 0 to 1; `None`
    /// for the origin document.
    pub link_score: Option<f64>,
    /// Why the document is a source, in words.
    pub link_reason: Option<String>,
    /// When the link was made.
    pub linked_at: DateTime<Utc>,
    /// False when the link was ended (the document was split off the incident, or the
    /// incident was merged into another); the row is kept.
    pub active: bool,
    /// When the link was ended, if it was.
    pub unlinked_at: Option<DateTime<Utc>>,
}

/// Counts of what is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreStats {
    /// Documents (sources): one per distinct original and metadata.
    pub documents: u64,
    /// Distinct originals (byte contents); at most `documents`.
    pub originals: u64,
    /// Incidents, counting those merged into another.
    pub incidents: u64,
    /// Incidents merged into another (kept, but no longer listed).
    pub merged_incidents: u64,
    /// Incident versions, counting every correction.
    pub incident_versions: u64,
}
