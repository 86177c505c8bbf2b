//! The store's one error type.

use std::fmt;
use std::path::PathBuf;

use crate::{DocumentId, IncidentId};

/// Everything that can go wrong in the store.
///
/// The first group are problems the user can fix (a wrong path, a file that is not a testigo
/// database, a database from a newer testigo, a database in use); the second are inputs that
/// violate the store's contract (a bug in the caller); the last are database failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An analyst's value for a field was refused.
    #[error("cannot set {field}: {reason}")]
    InvalidOverride {
        /// The field.
        field: String,
        /// What is wrong and what is expected.
        reason: String,
    },

    /// A user with this name exists already.
    #[error("there is already a user named {name:?}; choose another name")]
    UserExists {
        /// The name.
        name: String,
    },

    /// No user has this name.
    #[error("there is no user named {name:?}; create one with `testigo user add NAME --role ROLE`")]
    UnknownUser {
        /// The name.
        name: String,
    },

    /// No user has this id (a user management request for an account that does not exist).
    #[error("there is no user number {id}")]
    UnknownUserId {
        /// The id.
        id: i64,
    },

    /// The change would leave no active admin, and nobody could manage users any more.
    #[error(
        "{name:?} is the last active admin: make another user an admin first, so that someone \
         can still manage users"
    )]
    LastAdmin {
        /// The admin's name.
        name: String,
    },

    /// The user's account is disabled, so it may not get new credentials.
    #[error("the account of {name:?} is disabled; an admin can enable it again on the Users page")]
    UserDisabled {
        /// The name.
        name: String,
    },

    /// The database file could not be opened or created.
    #[error(
        "cannot open the database {path}: {source}; check that the directory exists and that \
         you may read and write there"
    )]
    Open {
        /// The path given.
        path: PathBuf,
        /// What SQLite reported.
        #[source]
        source: rusqlite::Error,
    },

    /// The file exists but is not an SQLite database at all.
    #[error(
        "{path} is not a testigo database (it is not an SQLite file); give the path of a \
         database created by testigo, or a new file name to create one"
    )]
    NotSqlite {
        /// The path given.
        path: PathBuf,
    },

    /// The file is an SQLite database, but one created by another program.
    #[error(
        "{path} is an SQLite database but not a testigo database; give the path of a database \
         created by testigo, or a new file name to create one"
    )]
    NotTestigo {
        /// The path given.
        path: PathBuf,
    },

    /// The database was written by a newer testigo, whose schema this binary does not know.
    #[error(
        "{path} has schema version {found}, but this testigo knows versions up to {known}; \
         upgrade testigo to open it"
    )]
    SchemaTooNew {
        /// The path given.
        path: PathBuf,
        /// The database's schema version.
        found: i64,
        /// The newest schema version this binary knows.
        known: i64,
    },

    /// Upgrading the schema failed; the database was left as it was.
    #[error(
        "upgrading {path} to schema version {version} failed: {source}; the database was not \
         changed; restore it from a backup if it was edited by another program"
    )]
    Migration {
        /// The path given.
        path: PathBuf,
        /// The schema version whose migration failed.
        version: i64,
        /// What SQLite reported.
        #[source]
        source: rusqlite::Error,
    },

    /// Another process holds a lock on the database for longer than the busy timeout.
    #[error(
        "the database is busy while {operation}: another testigo process is writing to it; \
         retry when it has finished"
    )]
    Busy {
        /// What the store was doing.
        operation: &'static str,
    },

    /// A SHA-256 given to the store is not 64 hexadecimal digits.
    #[error("{sha256:?} is not a SHA-256 digest; give it as 64 hexadecimal digits")]
    InvalidSha256 {
        /// The string given.
        sha256: String,
    },

    /// The bytes of a document do not hash to the SHA-256 it was to be filed under.
    #[error(
        "the bytes of {name:?} hash to {actual}, not to the given {given}; compute the SHA-256 \
         of exactly the bytes being stored"
    )]
    Sha256Mismatch {
        /// The document's name.
        name: String,
        /// The SHA-256 given.
        given: String,
        /// The SHA-256 of the bytes.
        actual: String,
    },

    /// An evidence or claim span does not lie on char boundaries of its document's text.
    #[error(
        "incident {incident} of {document:?}: the span [{start}, {end}) of {field:?} does not \
         lie on character boundaries of the document's text ({text_len} bytes); spans must be \
         byte offsets into that text (this is a bug in the extractor or editor that made them)"
    )]
    SpanOutsideText {
        /// The document's name.
        document: String,
        /// Which incident: its position among the incidents ingested with the document
        /// (`#0` for the first), or its id when revising, linking, merging or splitting.
        incident: String,
        /// The evidence field, or `claims[i]` for a claim.
        field: String,
        /// First byte of the span.
        start: usize,
        /// One past the last byte of the span.
        end: usize,
        /// Length of the text in bytes.
        text_len: usize,
    },

    /// An operation named an incident that does not exist.
    #[error("there is no incident {id}; list incidents to find its id")]
    UnknownIncident {
        /// The id given.
        id: IncidentId,
    },

    /// [`crate::Store::merge_incidents`] was asked to merge an incident into itself.
    #[error("incident {id} cannot be merged into itself; give two different incident ids")]
    SameIncident {
        /// The id given twice.
        id: IncidentId,
    },

    /// The incident was merged into another and can no longer be changed on its own.
    #[error("incident {id} was merged into incident {into}; use incident {into} instead")]
    IncidentMerged {
        /// The incident named.
        id: IncidentId,
        /// The incident it was merged into.
        into: IncidentId,
    },

    /// [`crate::Store::split_source`] named a document that is not an active source of the
    /// incident (or no stored document at all).
    #[error(
        "the document {sha256} is not a source of incident {id}; show the incident to see the \
         SHA-256 of its sources"
    )]
    NotASource {
        /// The incident.
        id: IncidentId,
        /// The SHA-256 given.
        sha256: String,
    },

    /// [`crate::Store::split_source`] was given the SHA-256 of several active sources of the
    /// incident (the same bytes under different metadata, such as a wire story and its
    /// reprints), so it cannot tell which one to split off.
    #[error(
        "incident {id} has {count} sources with the SHA-256 {sha256} (documents {list}): the same \
         report from different publishers; name the one to split off by its document id",
        count = documents.len(),
        list = join_ids(documents)
    )]
    AmbiguousSource {
        /// The incident.
        id: IncidentId,
        /// The SHA-256 given (lower case).
        sha256: String,
        /// The active sources of the incident with these bytes, by id.
        documents: Vec<DocumentId>,
    },

    /// [`crate::Store::split_document`] named a document that is not an active source of the
    /// incident (or no stored document at all).
    #[error(
        "document {document} is not a source of incident {id}; show the incident to see the ids \
         of its sources"
    )]
    DocumentNotASource {
        /// The incident.
        id: IncidentId,
        /// The document given.
        document: DocumentId,
    },

    /// [`crate::Store::split_source`] or [`crate::Store::split_document`] would leave the
    /// incident without any source.
    #[error(
        "the document {sha256} is the only source of incident {id}, so it cannot be split off; \
         revise the incident instead"
    )]
    OnlySource {
        /// The incident.
        id: IncidentId,
        /// The SHA-256 of the document.
        sha256: String,
    },

    /// A number is too large for the database (a span or size beyond `i64::MAX`).
    #[error("{what} {value} is too large to store")]
    OutOfRange {
        /// What the number is.
        what: &'static str,
        /// The number.
        value: String,
    },

    /// A value could not be encoded as JSON for storage.
    #[error("cannot encode {what} as JSON: {source}; this is a bug in testigo, please report it")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
    },

    /// A value read from the database is not one testigo writes.
    #[error(
        "the database holds an invalid {what} {value:?} ({reason}); it was written by another \
         program or edited by hand: restore it from a backup, or ingest the reports again into \
         a new database"
    )]
    Corrupt {
        /// What the value is (e.g. `incident 3 version 2 record`).
        what: String,
        /// The value, truncated to 200 bytes.
        value: String,
        /// Why it is invalid.
        reason: String,
    },

    /// `verify` found stored data that differs from what was recorded when it was written:
    /// the database was edited outside testigo.
    #[error(
        "{what} was altered after it was recorded: {reason}; the database was edited outside \
         testigo: keep this copy as evidence of the tampering and restore the last backup that \
         verifies"
    )]
    Tampered {
        /// Which record (`original 3f2a…`, `audit entry 12`, `incident 4 version 2`, ...).
        what: String,
        /// What differs.
        reason: String,
    },

    /// A key file cannot be read, written or parsed.
    #[error("key file {path}: {reason}")]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },

    /// `key init` was asked to create a key file that exists.
    #[error(
        "the key file {path} already exists; it is never overwritten (the data encrypted under it \
         would be lost): use `testigo key rotate` to change the key, or give another path in \
         TESTIGO_KEY_FILE"
    )]
    KeyExists {
        /// The key file.
        path: PathBuf,
    },

    /// The database holds encrypted data but no key was given.
    #[error(
        "the database {db} is encrypted (key id {key_id}) but there is no key file {key_path}: \
         restore the key file there, or point TESTIGO_KEY_FILE at it; without it the encrypted \
         data cannot be read",
        key_path = key_path.as_ref().map_or_else(|| "given".to_string(), |p| format!("at {}", p.display()))
    )]
    KeyMissing {
        /// The database.
        db: PathBuf,
        /// The id of the key the database is encrypted with.
        key_id: String,
        /// Where the key file was looked for, if anywhere.
        key_path: Option<PathBuf>,
    },

    /// The key given is not the one the data was encrypted with.
    #[error(
        "the key in {key_path} (key id {found}) is not the key this data was encrypted with (key id \
         {expected}); give the right key file in TESTIGO_KEY_FILE (after `testigo key rotate` \
         only the new key opens the database)"
    )]
    WrongKey {
        /// The key file given.
        key_path: PathBuf,
        /// The id of the key the data needs.
        expected: String,
        /// The id of the key given.
        found: String,
    },

    /// A sealed value does not decrypt with the right key: it was altered.
    #[error("cannot decrypt {what} with the key in {key_path}: {reason}")]
    Decrypt {
        /// The key file.
        key_path: PathBuf,
        /// Which value.
        what: String,
        /// Why.
        reason: String,
    },

    /// A sensitive document was to be stored, but the store has no key to encrypt it with.
    #[error(
        "{name:?} is sensitive and must be stored encrypted, but no key is configured; create one \
         with `testigo key init` (or set TESTIGO_KEY_FILE to an existing key file)"
    )]
    KeyRequired {
        /// The document's name.
        name: String,
    },

    /// Any other database failure.
    #[error("database error while {operation}: {source}")]
    Sqlite {
        /// What the store was doing.
        operation: &'static str,
        /// What SQLite reported.
        #[source]
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// Classifies an SQLite error raised while doing `operation`.
    pub(crate) fn sqlite(operation: &'static str, source: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        // Errors of testigo's own SQL functions (decryption) come back as themselves.
        if let Some(own) = crate::sqlite::take_function_error(&source) {
            return own;
        }
        match source.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy { operation },
            _ => StoreError::Sqlite { operation, source },
        }
    }

    /// A corrupt value; `value` is truncated so that a huge blob does not flood the message.
    pub(crate) fn corrupt(what: impl Into<String>, value: &str, reason: impl fmt::Display) -> StoreError {
        let mut end = value.len().min(200);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        StoreError::Corrupt { what: what.into(), value: value[..end].to_string(), reason: reason.to_string() }
    }
}

/// `1, 2, 3`: document ids for a message.
fn join_ids(ids: &[DocumentId]) -> String {
    ids.iter().map(DocumentId::to_string).collect::<Vec<_>>().join(", ")
}

/// Attaches the operation to SQLite errors.
pub(crate) trait SqlContext<T> {
    /// Maps an SQLite error to [`StoreError`], naming what the store was doing.
    fn ctx(self, operation: &'static str) -> Result<T, StoreError>;
}

impl<T> SqlContext<T> for Result<T, rusqlite::Error> {
    fn ctx(self, operation: &'static str) -> Result<T, StoreError> {
        self.map_err(|e| StoreError::sqlite(operation, e))
    }
}
