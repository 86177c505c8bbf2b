//! The audit log: an append-only hash chain of every change to the store.
//!
//! Each entry commits to the entry before it (`prev_hash`) and to the SHA-256 of what it
//! describes (`subject_sha256`). The encoding that is hashed is documented on
//! [`crate::audit_hash`]; the checks that `testigo verify` runs are in [`verify`].

use std::collections::HashSet;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::keys::Keyholder;
use super::{parse_timestamp, sha256_hex};
use crate::error::SqlContext;
use crate::{AuditEntry, AuditFilter, Result, StoreError, VerifyReport, GENESIS_HASH};

/// What an entry to append says; the store fills in `seq`, `prev_hash` and `hash`.
pub(crate) struct NewEntry<'a> {
    /// When, as stored (RFC 3339 UTC with nanoseconds).
    pub(crate) at: &'a str,
    pub(crate) actor: &'a str,
    pub(crate) action: &'a str,
    pub(crate) target: &'a str,
    pub(crate) reason: &'a str,
    pub(crate) subject_sha256: &'a str,
    /// An analyst's words (`--reason`): stored sealed when the store has a key. The hash is
    /// computed over the plain reason either way.
    pub(crate) seal_reason: bool,
}

/// Appends one entry after the last one, inside the caller's transaction, and returns its
/// sequence number.
pub(crate) fn append(conn: &Connection, entry: &NewEntry<'_>) -> Result<i64> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .ctx("reading the end of the audit log")?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let hash = crate::audit_hash(
        seq,
        entry.at,
        entry.actor,
        entry.action,
        entry.target,
        entry.reason,
        entry.subject_sha256,
        &prev_hash,
    );
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor, action, target, reason, subject_sha256, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?10 THEN testigo_seal(?6) ELSE ?6 END, ?7, ?8, ?9)",
    )
    .and_then(|mut s| {
        s.execute(params![
            seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.target,
            entry.reason,
            entry.subject_sha256,
            prev_hash,
            hash,
            entry.seal_reason
        ])
    })
    .ctx("appending to the audit log")?;
    Ok(seq)
}

/// An audit row as stored, before its timestamp is parsed.
pub(crate) struct RawEntry {
    pub(crate) seq: i64,
    pub(crate) at: String,
    pub(crate) actor: String,
    pub(crate) action: String,
    pub(crate) target: String,
    pub(crate) reason: String,
    pub(crate) subject_sha256: String,
    pub(crate) prev_hash: String,
    pub(crate) hash: String,
}

/// The columns [`RawEntry::read`] reads, in order.
pub(crate) const COLUMNS: &str = "seq, at, actor, action, target, testigo_open(reason), subject_sha256, prev_hash, hash";

/// [`COLUMNS`] with the reason as stored (sealed or not), for [`walk_chain`], which opens it
/// itself so that an altered sealed reason is reported as tampering.
const RAW_COLUMNS: &str = "seq, at, actor, action, target, reason, subject_sha256, prev_hash, hash";

impl RawEntry {
    pub(crate) fn read(r: &Row<'_>) -> rusqlite::Result<RawEntry> {
        Ok(RawEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            target: r.get(4)?,
            reason: r.get(5)?,
            subject_sha256: r.get(6)?,
            prev_hash: r.get(7)?,
            hash: r.get(8)?,
        })
    }

    /// The hash this entry should have, recomputed from its stored fields.
    pub(crate) fn expected_hash(&self) -> String {
        crate::audit_hash(
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.target,
            &self.reason,
            &self.subject_sha256,
            &self.prev_hash,
        )
    }

    pub(crate) fn into_entry(self) -> Result<AuditEntry> {
        Ok(AuditEntry {
            seq: self.seq,
            at: parse_timestamp("audit entry time", &self.at)?,
            actor: self.actor,
            action: self.action,
            target: self.target,
            reason: self.reason,
            subject_sha256: self.subject_sha256,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// The entries that match `filter`, newest first.
pub(crate) fn list(conn: &Connection, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    let limit = if filter.limit == 0 { -1 } else { i64::try_from(filter.limit).unwrap_or(i64::MAX) };
    let offset = i64::try_from(filter.offset).unwrap_or(i64::MAX);
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE (?1 IS NULL OR target = ?1) ORDER BY seq DESC LIMIT ?2 OFFSET ?3"
    );
    let rows: Vec<RawEntry> = conn
        .prepare_cached(&sql)
        .and_then(|mut s| s.query_map(params![filter.target, limit, offset], RawEntry::read)?.collect())
        .ctx("reading the audit log")?;
    rows.into_iter().map(RawEntry::into_entry).collect()
}

/// Walks the whole chain, oldest first: every entry's `seq` follows the one before it, its
/// `prev_hash` is that entry's `hash`, and its `hash` is the hash of its own fields. Returns the
/// number of entries and the hash of the last one ([`GENESIS_HASH`] for an empty log).
///
/// # Errors
///
/// [`StoreError::Tampered`] naming the first entry that breaks the chain, and database errors.
pub(crate) fn walk_chain(conn: &Connection, keys: &Keyholder) -> Result<(u64, String)> {
    let mut stmt = conn.prepare(&format!("SELECT {RAW_COLUMNS} FROM audit_log ORDER BY seq")).ctx("reading the audit log")?;
    let mut rows = stmt.query([]).ctx("reading the audit log")?;
    let mut expected_seq = 1;
    let mut prev = GENESIS_HASH.to_string();
    let mut count = 0u64;
    while let Some(row) = rows.next().ctx("reading the audit log")? {
        let mut entry = RawEntry::read(row).ctx("reading the audit log")?;
        // An analyst's reason is stored sealed; the hash is over the plain reason.
        entry.reason = open_or_tampered(keys.open_text(&entry.reason, "an audit reason"), || {
            format!("audit entry {}", entry.seq)
        })?;
        let tampered = |what: String| StoreError::Tampered { what: format!("audit entry {}", entry.seq), reason: what };
        if entry.seq != expected_seq {
            return Err(StoreError::Tampered {
                what: format!("audit entry {expected_seq}"),
                reason: format!("it is missing: the entry after {} is {}", expected_seq - 1, entry.seq),
            });
        }
        if entry.prev_hash != prev {
            return Err(tampered(format!(
                "its prev_hash {} is not the hash {prev} of the entry before it",
                entry.prev_hash
            )));
        }
        let recomputed = entry.expected_hash();
        if entry.hash != recomputed {
            return Err(tampered(format!(
                "its fields (at {:?}, actor {:?}, action {:?}, target {:?}, reason {:?}, subject {}) hash to \
                 {recomputed}, not to the recorded {}: a field was changed after it was written",
                entry.at, entry.actor, entry.action, entry.target, entry.reason, entry.subject_sha256, entry.hash
            )));
        }
        prev = entry.hash;
        expected_seq += 1;
        count += 1;
    }
    Ok((count, prev))
}

/// SHA-256 of a UTF-8 string as lower-case hex: the subject of an entry about an incident
/// version is the hash of the version's record, its JSON as stored (before encryption).
pub(crate) fn subject_of_record(record: &str) -> String {
    sha256_hex(record.as_bytes())
}

/// The actor of the entries that migration 4 writes for what was stored before the audit log
/// existed.
pub(crate) const BACKFILL_ACTOR: &str = "testigo (recorded by migration 4)";

/// Writes the entries of what a database stored before migration 4: an `ingest` entry per
/// document and a `version` entry per incident version, in the order they were stored (by
/// time; a document before the versions of the same instant), so that `verify` can check
/// every original and every version of an upgraded database too.
pub(crate) fn backfill(conn: &Connection) -> Result<()> {
    struct Past {
        at: String,
        order: (u8, i64, i64),
        actor: String,
        action: &'static str,
        target: String,
        reason: String,
        subject: String,
    }
    let documents: Vec<(i64, String, String, String)> = conn
        .prepare("SELECT id, sha256, name, ingested_at FROM documents ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
        .ctx("reading documents for the audit log")?;
    let versions: Vec<(i64, i64, String, String, String, String)> = conn
        .prepare("SELECT incident_id, version, author, reason, record, created_at FROM incident_versions ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?.collect()
        })
        .ctx("reading incident versions for the audit log")?;
    let mut past: Vec<Past> = Vec::with_capacity(documents.len() + versions.len());
    for (id, sha256, name, at) in documents {
        past.push(Past {
            at,
            order: (0, id, 0),
            actor: BACKFILL_ACTOR.to_string(),
            action: "ingest",
            target: format!("document:{id}"),
            reason: format!("ingested {name}"),
            subject: sha256,
        });
    }
    for (incident, version, author, reason, record, at) in versions {
        past.push(Past {
            at,
            order: (1, incident, version),
            actor: author,
            action: "version",
            target: format!("incident:{incident}"),
            reason,
            subject: subject_of_record(&record),
        });
    }
    past.sort_by(|a, b| a.at.cmp(&b.at).then(a.order.cmp(&b.order)));
    for p in &past {
        append(
            conn,
            &NewEntry {
                at: &p.at,
                actor: &p.actor,
                action: p.action,
                target: &p.target,
                reason: &p.reason,
                subject_sha256: &p.subject,
                seal_reason: false,
            },
        )?;
    }
    Ok(())
}

/// Everything [`crate::Store::verify`] checks, in this order: originals, the chain, the
/// documents' `ingest` entries, the incident versions' entries.
pub(crate) fn verify(conn: &Connection, keys: &Keyholder) -> Result<VerifyReport> {
    let originals = verify_originals(conn, keys)?;
    let (audit_entries, head_hash) = walk_chain(conn, keys)?;

    // (target, subject) of every entry, to find each document's and version's entry.
    let recorded: HashSet<(String, String)> = conn
        .prepare("SELECT target, subject_sha256 FROM audit_log")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .ctx("reading the audit log")?;

    let mut documents = 0u64;
    {
        let mut stmt =
            conn.prepare("SELECT id, sha256 FROM documents ORDER BY id").ctx("reading documents")?;
        let mut rows = stmt.query([]).ctx("reading documents")?;
        while let Some(row) = rows.next().ctx("reading documents")? {
            let (id, sha256): (i64, String) = (row.get(0).ctx("reading documents")?, row.get(1).ctx("reading documents")?);
            let target = format!("document:{id}");
            if !recorded.contains(&(target.clone(), sha256.clone())) {
                return Err(StoreError::Tampered {
                    what: format!("document {id}"),
                    reason: format!(
                        "no audit entry records its ingest with its original {sha256}: its original's digest \
                         was changed, or it was inserted outside testigo"
                    ),
                });
            }
            documents += 1;
        }
    }

    let mut incident_versions = 0u64;
    {
        let mut stmt = conn
            .prepare("SELECT incident_id, version, record, id FROM incident_versions ORDER BY id")
            .ctx("reading incident versions")?;
        let mut rows = stmt.query([]).ctx("reading incident versions")?;
        while let Some(row) = rows.next().ctx("reading incident versions")? {
            let incident: i64 = row.get(0).ctx("reading incident versions")?;
            let version: i64 = row.get(1).ctx("reading incident versions")?;
            let record: String = row.get(2).ctx("reading incident versions")?;
            let record = open_or_tampered(keys.open_text(&record, "an incident record"), || {
                format!("incident {incident} version {version}")
            })?;
            let subject = subject_of_record(&record);
            if !recorded.contains(&(format!("incident:{incident}"), subject.clone())) {
                return Err(StoreError::Tampered {
                    what: format!("incident {incident} version {version}"),
                    reason: format!(
                        "its record hashes to {subject}, which no audit entry of incident:{incident} records: \
                         the record was changed after it was written, or inserted outside testigo"
                    ),
                });
            }
            let version_id: i64 = row.get(3).ctx("reading incident versions")?;
            verify_version_rows(conn, keys, version_id, &record, &format!("incident {incident} version {version}"))?;
            incident_versions += 1;
        }
    }
    verify_documents_metadata(conn, keys)?;
    verify_index(conn)?;
    verify_links(conn)?;
    verify_link_reasons(conn, keys)?;
    Ok(VerifyReport { originals, audit_entries, documents, incident_versions, head_hash })
}

/// The rows of one version against its record (proved by the chain): its filter columns
/// (dates, type, place, toll, categories: what searches and the index use), the same evidence
/// spans in the same order, and the same claims (stance, fact, quote, speaker, value).
fn verify_version_rows(conn: &Connection, keys: &Keyholder, version_id: i64, record: &str, what: &str) -> Result<()> {
    let incident: testigo_core::Incident =
        serde_json::from_str(record).map_err(|e| StoreError::corrupt(format!("record of {what}"), record, e))?;
    let tampered = |reason: String| StoreError::Tampered { what: format!("{what}'s {reason}"), reason: "it is not what the version's record (proved by the audit chain) says: edited after it was written".to_string() };
    let columns = super::VERSION_FILTER_COLUMNS;
    let filters: Vec<rusqlite::types::Value> = conn
        .prepare_cached(&format!("SELECT {columns} FROM incident_versions WHERE id = ?1"))
        .and_then(|mut s| {
            s.query_row([version_id], |r| (0..r.as_ref().column_count()).map(|i| r.get(i)).collect())
        })
        .ctx("reading incident versions")?;
    if filters != super::version_filter_values(&incident)? {
        return Err(tampered("filter columns".to_string()));
    }
    let expected: Vec<(String, i64, i64)> = incident
        .evidence
        .iter()
        .flat_map(|(field, spans)| spans.iter().map(move |s| (field.to_string(), s.start() as i64, s.end() as i64)))
        .collect();
    let stored: Vec<(String, i64, i64)> = conn
        .prepare_cached("SELECT field, span_start, span_end FROM evidence WHERE incident_version_id = ?1 ORDER BY id")
        .and_then(|mut s| s.query_map([version_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
        .ctx("reading evidence")?;
    if stored != expected {
        return Err(tampered("evidence".to_string()));
    }
    type ClaimRow = (i64, i64, i64, String, Option<String>, Option<String>, Option<String>, Option<String>);
    let claims: Vec<ClaimRow> = conn
        .prepare_cached(
            "SELECT position, span_start, span_end, stance, fact, text, attributed_to, value FROM claims \
             WHERE incident_version_id = ?1 ORDER BY position",
        )
        .and_then(|mut s| {
            s.query_map([version_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
            })?
            .collect()
        })
        .ctx("reading claims")?;
    if claims.len() != incident.claims.len() {
        return Err(tampered("claims".to_string()));
    }
    for ((position, start, end, stance, fact, text, speaker, value), claim) in claims.into_iter().zip(&incident.claims) {
        let field = || format!("claims[{position}]");
        let open = |v: Option<String>| -> Result<Option<String>> {
            v.map(|v| open_or_tampered(keys.open_text(&v, "a claim"), || format!("{what}'s {}", field()))).transpose()
        };
        let same = start == claim.span.start() as i64
            && end == claim.span.end() as i64
            && stance == claim.stance.as_str()
            && fact == claim.fact
            && open(text)?.as_deref() == Some(claim.text.as_str())
            && open(speaker)?.as_deref() == Some(claim.attributed_to.as_str())
            && open(value)? == claim.value;
        if !same {
            return Err(tampered(field()));
        }
    }
    Ok(())
}

/// Each document's metadata against its source key: the key is the digest of the original and
/// of the publisher, URL, title and publication date as they were ingested, so that an edit of
/// one of them (without recomputing the key) shows. A consistency check: the key is not in the
/// audit chain.
fn verify_documents_metadata(conn: &Connection, keys: &Keyholder) -> Result<()> {
    let mut stmt = conn
        .prepare("SELECT id, sha256, source_key, publisher, url, title, published, sealed FROM documents ORDER BY id")
        .ctx("reading documents")?;
    let mut rows = stmt.query([]).ctx("reading documents")?;
    while let Some(row) = rows.next().ctx("reading documents")? {
        let read = |i| -> Result<Option<String>> { row.get(i).ctx("reading documents") };
        let id: i64 = row.get(0).ctx("reading documents")?;
        let (sha256, key) = (read(1)?.unwrap_or_default(), read(2)?.unwrap_or_default());
        let sealed: bool = row.get(7).ctx("reading documents")?;
        let what = || format!("document {id}");
        let mut fields = [read(3)?, read(4)?, read(5)?, read(6)?];
        if sealed {
            for field in fields.iter_mut().take(3) {
                if let Some(value) = field.as_deref() {
                    *field = Some(open_or_tampered(keys.open_text(value, "a document's metadata"), what)?);
                }
            }
        }
        let [publisher, url, title, published] = &fields;
        let expected =
            super::source_key_of(&sha256, publisher.as_deref(), url.as_deref(), title.as_deref(), published.as_deref());
        if expected != key {
            return Err(StoreError::Tampered {
                what: what(),
                reason: format!(
                    "its publisher, URL, title or publication date is not what was ingested (they give the source \
                     key {expected}, not the recorded {key}): edited after it was stored"
                ),
            });
        }
    }
    Ok(())
}

/// `incident_index` (what `incidents` and the linker search) against the latest version of
/// each incident, recomputed as the trigger that maintains it does.
fn verify_index(conn: &Connection) -> Result<()> {
    let wrong: Option<i64> = conn
        .query_row(
            "SELECT x.incident_id FROM incident_index AS x \
             LEFT JOIN incident_index_rows AS r ON r.incident_id = x.incident_id AND r.version = \
             (SELECT max(w.version) FROM incident_versions AS w WHERE w.incident_id = x.incident_id) \
             WHERE r.incident_id IS NULL OR x.version IS NOT r.version OR x.event_date IS NOT r.event_date \
             OR x.event_date_end IS NOT r.event_date_end OR x.span_class IS NOT r.span_class \
             OR x.event_type IS NOT r.event_type OR x.country IS NOT r.country \
             OR x.admin1_folded IS NOT r.admin1_folded OR x.latitude IS NOT r.latitude \
             OR x.longitude IS NOT r.longitude OR x.merged_into IS NOT r.merged_into \
             UNION ALL SELECT v.incident_id FROM incident_versions AS v \
             WHERE v.incident_id NOT IN (SELECT incident_id FROM incident_index) \
             LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .ctx("reading the incident index")?;
    match wrong {
        None => Ok(()),
        Some(id) => Err(StoreError::Tampered {
            what: format!("incident {id}'s search index"),
            reason: "its row in incident_index is not the one its latest version gives: the search columns \
                     were edited (searches and links would go wrong)"
                .to_string(),
        }),
    }
}

/// The reason of every link the linker made on ingest (role `linked`, with a score) against
/// the audit entry of that link, whose reason is `linked source SHA12: REASON`.
fn verify_link_reasons(conn: &Connection, keys: &Keyholder) -> Result<()> {
    let mut recorded: HashSet<(String, String)> = HashSet::new();
    {
        let mut stmt = conn
            .prepare("SELECT seq, target, reason FROM audit_log WHERE target LIKE 'incident:%'")
            .ctx("reading the audit log")?;
        let mut rows = stmt.query([]).ctx("reading the audit log")?;
        while let Some(row) = rows.next().ctx("reading the audit log")? {
            let seq: i64 = row.get(0).ctx("reading the audit log")?;
            let reason: String = row.get(2).ctx("reading the audit log")?;
            let reason = open_or_tampered(keys.open_text(&reason, "an audit reason"), || format!("audit entry {seq}"))?;
            if reason.starts_with("linked source ") {
                recorded.insert((row.get(1).ctx("reading the audit log")?, reason));
            }
        }
    }
    let mut stmt = conn
        .prepare(
            "SELECT s.incident_id, s.document_id, d.sha256, s.link_reason FROM incident_sources AS s \
             JOIN documents AS d ON d.id = s.document_id \
             WHERE s.role = 'linked' AND s.link_score IS NOT NULL ORDER BY s.id",
        )
        .ctx("reading incident sources")?;
    let mut rows = stmt.query([]).ctx("reading incident sources")?;
    while let Some(row) = rows.next().ctx("reading incident sources")? {
        let incident: i64 = row.get(0).ctx("reading incident sources")?;
        let document: i64 = row.get(1).ctx("reading incident sources")?;
        let sha256: String = row.get(2).ctx("reading incident sources")?;
        let what = || format!("the link of incident {incident} to document {document}");
        let reason: Option<String> = row.get(3).ctx("reading incident sources")?;
        let reason = match reason {
            Some(r) => open_or_tampered(keys.open_text(&r, "a link reason"), what)?,
            None => String::new(),
        };
        let entry = format!("linked source {}: {reason}", sha256.get(..12).unwrap_or(&sha256));
        if !recorded.contains(&(format!("incident:{incident}"), entry)) {
            return Err(StoreError::Tampered {
                what: what(),
                reason: "its link reason is not the one the audit entry of the link records: edited after it was \
                         written"
                    .to_string(),
            });
        }
    }
    Ok(())
}

/// The links: every active observation of an incident has its document as an active source
/// of that incident, and every active source an active observation, so that a link ended (or
/// made) by editing the file shows.
fn verify_links(conn: &Connection) -> Result<()> {
    let unmatched: Option<(i64, i64, bool)> = conn
        .query_row(
            "SELECT incident_id, document_id, 1 FROM ( \
             SELECT incident_id, document_id FROM observations WHERE active = 1 \
             EXCEPT SELECT incident_id, document_id FROM incident_sources WHERE active = 1) \
             UNION ALL SELECT incident_id, document_id, 0 FROM ( \
             SELECT incident_id, document_id FROM incident_sources WHERE active = 1 \
             EXCEPT SELECT incident_id, document_id FROM observations WHERE active = 1) \
             LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .ctx("reading incident sources")?;
    match unmatched {
        None => Ok(()),
        Some((incident, document, observed)) => Err(StoreError::Tampered {
            what: format!("the link of incident {incident} to document {document}"),
            reason: if observed {
                "the incident's record uses the document, but its link to it is not active: the link was ended \
                 outside testigo"
                    .to_string()
            } else {
                "the link is active, but the incident's record does not use the document: the link was made or \
                 restored outside testigo"
                    .to_string()
            },
        }),
    }
}

/// Re-hashes every original, one at a time; returns how many.
fn verify_originals(conn: &Connection, keys: &Keyholder) -> Result<u64> {
    let mut stmt = conn.prepare("SELECT sha256, size, bytes, sealed FROM originals ORDER BY sha256").ctx("reading originals")?;
    let mut rows = stmt.query([]).ctx("reading originals")?;
    let mut count = 0u64;
    while let Some(row) = rows.next().ctx("reading originals")? {
        let sha256: String = row.get(0).ctx("reading originals")?;
        let size: i64 = row.get(1).ctx("reading originals")?;
        // Read whatever is there: an edit may have stored the bytes as text.
        let bytes: Vec<u8> = match row.get_ref(2).ctx("reading originals")? {
            ValueRef::Blob(b) | ValueRef::Text(b) => b.to_vec(),
            _ => Vec::new(),
        };
        let sealed: bool = row.get(3).ctx("reading originals")?;
        let bytes = if sealed {
            open_or_tampered(keys.open_blob(&bytes, "a stored original"), || format!("original {sha256}"))?
        } else {
            bytes
        };
        let actual = sha256_hex(&bytes);
        if actual != sha256 {
            return Err(StoreError::Tampered {
                what: format!("original {sha256}"),
                reason: format!("its {} stored bytes hash to {actual}", bytes.len()),
            });
        }
        if i64::try_from(bytes.len()).ok() != Some(size) {
            return Err(StoreError::Tampered {
                what: format!("original {sha256}"),
                reason: format!("it holds {} bytes but its recorded size is {size}", bytes.len()),
            });
        }
        count += 1;
    }
    Ok(count)
}

/// A value opened for `verify`: a sealed value whose authentication tag does not match, or
/// that claims another key than the database's (checked when the store was opened), was
/// altered in the file: that is reported as tampering with `what()`, not as a key problem.
/// A missing key stays what it is.
fn open_or_tampered<T>(opened: Result<T>, what: impl FnOnce() -> String) -> Result<T> {
    match opened {
        Err(StoreError::Decrypt { reason, .. }) => Err(StoreError::Tampered {
            what: what(),
            reason: format!("it is stored encrypted and does not decrypt: {reason}"),
        }),
        Err(StoreError::WrongKey { expected, .. }) => Err(StoreError::Tampered {
            what: what(),
            reason: format!(
                "it is stored encrypted under key id {expected}, not the database's key: the stored value was \
                 altered"
            ),
        }),
        other => other,
    }
}
