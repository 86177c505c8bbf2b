//! testigo's store: originals, documents, incidents (as versions), incident–source links,
//! evidence spans and attributed claims.
//!
//! The primary types are:
//!
//! - [`Store`], the operations the rest of testigo needs (ingest a document with the incidents
//!   extracted from it, look documents and incidents up, list incidents through an
//!   [`IncidentFilter`], revise an incident). It speaks only in core types and the plain structs
//!   of this crate, so a PostgreSQL backend can implement it later without changing callers.
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
//! originals and incident versions.
//!
//! **Invariant:** ingesting the same bytes twice is a no-op ([`IngestOutcome::AlreadyKnown`]),
//! and an ingest is one transaction: either the original, its document, its incidents, their
//! evidence and claims are all stored, or none is.
//!
//! **Boundary:** this is the only crate that knows SQL. The schema is created and upgraded by an
//! ordered list of migrations recorded in a `schema_migrations` table; a database whose schema is
//! newer than this binary knows is refused rather than guessed at.
//!
//! Each incident version is stored as the JSON of the core [`Incident`] (the source of truth that
//! is read back), plus copies of the fields used for filtering (date range, type, place, country,
//! fatalities, perpetrator categories) and rows for its evidence spans and claims, so that they
//! can be queried without parsing JSON.
//!
//! Linking a new report to an incident already stored is a later step of the pipeline. Its seam
//! is the incident–source link ([`IncidentSource`]): every link has a [`SourceRole`] and an
//! optional `link_score` and `link_reason`; today every link is [`SourceRole::Origin`].
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

mod error;
mod fold;
mod migrations;
mod sqlite;

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use testigo_core::{EventType, Incident, Metadata};

pub use crate::error::StoreError;
pub use crate::fold::fold;
pub use crate::sqlite::SqliteStore;

/// `Result` with [`StoreError`] as the default error.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The author recorded on version 1 of an incident created by ingesting a document.
pub const EXTRACTION_AUTHOR: &str = "testigo extract";

/// The operations testigo needs from a store, independent of the database behind it.
///
/// Every method that writes does so in one transaction: it either fully happens or not at all.
pub trait Store {
    /// Stores a document and the incidents extracted from it, unless its bytes are already
    /// stored.
    ///
    /// If a document with `doc.sha256` exists, nothing is written and
    /// [`IngestOutcome::AlreadyKnown`] names it. Otherwise the original bytes, the document and
    /// each incident (as a new incident at version 1, authored by [`EXTRACTION_AUTHOR`] and linked
    /// to the document as its [`SourceRole::Origin`]) are stored with their evidence and claims,
    /// and [`IngestOutcome::New`] lists the new ids in the order of `incidents`.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidSha256`] when `doc.sha256` is not 64 hex digits,
    /// [`StoreError::Sha256Mismatch`] when `doc.bytes` do not hash to it,
    /// [`StoreError::SpanOutsideText`] when an evidence or claim span does not lie on char
    /// boundaries of `doc.text`, and database errors.
    fn ingest(&mut self, doc: &NewDocument, incidents: &[Incident]) -> Result<IngestOutcome>;

    /// The document whose original has this SHA-256 (hex, either case), if stored.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidSha256`] when `sha256` is not 64 hex digits, and database errors.
    fn document_by_sha256(&self, sha256: &str) -> Result<Option<DocumentRecord>>;

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

    /// The current version of every incident that matches `filter`, ordered by `event_date`
    /// (unresolved dates last) and then by id.
    ///
    /// # Errors
    ///
    /// Database errors.
    fn incidents(&self, filter: &IncidentFilter) -> Result<Vec<IncidentSummary>>;

    /// One incident: its current version, its version history and its sources with their
    /// text; `None` when there is no incident with this id.
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

    /// Every incident, as [`Store::incident`] returns it, ordered by id (creation order); for
    /// exports.
    ///
    /// # Errors
    ///
    /// Database errors.
    fn all_incidents(&self) -> Result<Vec<IncidentDetail>>;

    /// Stores `incident` as the new current version of incident `id`, recording who changed it
    /// and why, and returns the new version number. Earlier versions stay readable.
    ///
    /// Evidence and claim spans in `incident` are byte offsets into the text of the document
    /// the incident was first extracted from (its [`SourceRole::Origin`] source).
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownIncident`] when there is no incident `id`,
    /// [`StoreError::SpanOutsideText`] when a span does not lie on char boundaries of the origin
    /// document's text, and database errors.
    fn revise_incident(&mut self, id: IncidentId, incident: &Incident, author: &str, reason: &str) -> Result<u32>;

    /// How many documents and incidents are stored.
    ///
    /// # Errors
    ///
    /// Database errors.
    fn stats(&self) -> Result<StoreStats>;
}

/// The id of a stored document (one per distinct original).
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
}

/// What [`Store::ingest`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestOutcome {
    /// The document was new: it and its incidents were stored.
    New {
        /// The new document.
        document_id: DocumentId,
        /// The new incidents, in the order they were passed.
        incident_ids: Vec<IncidentId>,
    },
    /// A document with the same SHA-256 was already stored; nothing was written.
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
    /// SHA-256 of the original, 64 lower-case hex digits.
    pub sha256: String,
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
    /// How many documents report it.
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
    /// When the incident was first stored.
    pub created_at: DateTime<Utc>,
    /// Every version, oldest first; the last one is `version`.
    pub versions: Vec<IncidentVersionInfo>,
    /// The documents that report it, in the order they were linked.
    pub sources: Vec<IncidentSource>,
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
    /// The linker matched an incident extracted from this document to the stored incident
    /// (not yet implemented: the seam for linking reports to stored incidents).
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
}

/// Counts of what is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreStats {
    /// Documents (equal to the number of distinct originals).
    pub documents: u64,
    /// Incidents.
    pub incidents: u64,
    /// Incident versions, counting every correction.
    pub incident_versions: u64,
}
