//! Linking in SQLite: observations, the candidate search, moving observations and links, and
//! finding the document each span of a merged record points into.

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use testigo_core::{Incident, Span};

use super::{date_text, insert_version, normalise_country, parse_metadata, simhash_from_sql, VersionMeta};
use crate::error::SqlContext;
use crate::migrations::SPAN_CLASS_MAX_DAYS;
use crate::{CandidateWindow, DocumentId, IncidentId, Linker, Observation, Result, SourceRole, StoreError};

/// Where an incident stands: its current version and whether that version closed it.
#[derive(Debug, Clone, Copy)]
pub(super) struct IncidentState {
    /// Its current version number.
    pub(super) version: i64,
    /// The incident it was merged into, if it was.
    pub(super) merged_into: Option<IncidentId>,
}

/// The current version of an incident and whether it was merged; `None` when it does not exist.
pub(super) fn incident_state(conn: &Connection, id: IncidentId) -> Result<Option<IncidentState>> {
    conn.prepare_cached(
        "SELECT version, merged_into FROM incident_versions WHERE incident_id = ?1 ORDER BY version DESC LIMIT 1",
    )
    .and_then(|mut s| {
        s.query_row([id.0], |r| {
            Ok(IncidentState { version: r.get(0)?, merged_into: r.get::<_, Option<i64>>(1)?.map(IncidentId) })
        })
        .optional()
    })
    .ctx("reading an incident's state")
}

/// The number of the next version of an existing incident.
pub(super) fn next_version(conn: &Connection, id: IncidentId) -> Result<i64> {
    match incident_state(conn, id)? {
        Some(state) => Ok(state.version + 1),
        None => Err(StoreError::UnknownIncident { id }),
    }
}

/// An active observation as stored, with its document's name and text (to check spans).
pub(super) struct StoredObservation {
    /// Its row in `observations`.
    pub(super) row_id: i64,
    document_name: String,
    text: String,
    /// The observation itself.
    pub(super) observation: Observation,
}

impl StoredObservation {
    /// The document its spans point into.
    pub(super) fn span_document(&self) -> SpanDocument<'_> {
        SpanDocument {
            id: self.observation.document_id.0,
            sha256: &self.observation.sha256,
            name: &self.document_name,
            text: &self.text,
            observed: Some(&self.observation.incident),
        }
    }
}

/// The active observations of an incident, in the order they were attached.
pub(super) fn load_observations(conn: &Connection, id: IncidentId) -> Result<Vec<StoredObservation>> {
    type Row = (i64, String, i64, String, String, String, [Option<String>; 5], Option<i64>);
    let rows: Vec<Row> = conn
        .prepare_cached(
            "SELECT o.id, testigo_open(o.record), d.id, d.sha256, iif(d.sealed, testigo_open(d.name), d.name), \
             iif(d.sealed, testigo_open(d.text), d.text), iif(d.sealed, testigo_open(d.title), d.title), iif(d.sealed, testigo_open(d.publisher), d.publisher), \
             iif(d.sealed, testigo_open(d.url), d.url), d.published, d.language, d.simhash \
             FROM observations AS o JOIN documents AS d ON d.id = o.document_id \
             WHERE o.incident_id = ?1 AND o.active = 1 ORDER BY o.position",
        )
        .and_then(|mut s| {
            s.query_map([id.0], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    [r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?],
                    r.get(11)?,
                ))
            })?
            .collect()
        })
        .ctx("reading an incident's observations")?;
    rows.into_iter()
        .map(
            |(
                row_id,
                record,
                document_id,
                sha256,
                document_name,
                text,
                [title, publisher, url, published, language],
                simhash,
            )| {
                let incident = serde_json::from_str(&record)
                    .map_err(|e| StoreError::corrupt(format!("record of observation {row_id}"), &record, e))?;
                Ok(StoredObservation {
                    row_id,
                    document_name,
                    text,
                    observation: Observation {
                        document_id: DocumentId(document_id),
                        sha256,
                        metadata: parse_metadata(title, publisher, url, published, language)?,
                        simhash: simhash.map(simhash_from_sql),
                        incident,
                    },
                })
            },
        )
        .collect()
}

/// The position after the last observation an incident ever had.
fn next_position(conn: &Connection, incident_id: i64) -> Result<i64> {
    conn.prepare_cached("SELECT coalesce(max(position) + 1, 0) FROM observations WHERE incident_id = ?1")
        .and_then(|mut s| s.query_row([incident_id], |r| r.get(0)))
        .ctx("reading an incident's observations")
}

/// Attaches what `document_id` says (`incident`) to an incident, after its other observations.
pub(super) fn insert_observation(
    conn: &Connection,
    incident_id: i64,
    document_id: i64,
    incident: &Incident,
    at: &str,
) -> Result<()> {
    let record =
        serde_json::to_string(incident).map_err(|source| StoreError::Encode { what: "observation", source })?;
    let position = next_position(conn, incident_id)?;
    conn.prepare_cached(
        "INSERT INTO observations (incident_id, document_id, position, record, created_at) \
         VALUES (?1, ?2, ?3, testigo_seal(?4), ?5)",
    )
    .and_then(|mut s| s.execute(params![incident_id, document_id, position, record, at]))
    .ctx("storing an observation")?;
    Ok(())
}

/// Moves an observation to another incident: its row is deactivated and a copy that
/// `replaces` it is appended to the observations of `to`.
pub(super) fn move_observation(conn: &Connection, row_id: i64, to: IncidentId, at: &str) -> Result<()> {
    conn.prepare_cached("UPDATE observations SET active = 0, deactivated_at = ?2 WHERE id = ?1 AND active = 1")
        .and_then(|mut s| s.execute(params![row_id, at]))
        .ctx("deactivating an observation")?;
    let position = next_position(conn, to.0)?;
    conn.prepare_cached(
        "INSERT INTO observations (incident_id, document_id, position, record, created_at, replaces) \
         SELECT ?1, document_id, ?2, record, ?3, id FROM observations WHERE id = ?4",
    )
    .and_then(|mut s| s.execute(params![to.0, position, at, row_id]))
    .ctx("moving an observation")?;
    Ok(())
}

/// Links a document to an incident as one of its sources.
pub(super) fn insert_source(
    conn: &Connection,
    incident_id: i64,
    document_id: i64,
    role: SourceRole,
    score: Option<f64>,
    reason: &str,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO incident_sources (incident_id, document_id, role, link_score, link_reason, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| s.execute(params![incident_id, document_id, role.as_str(), score, reason, at]))
    .ctx("linking an incident to a document")?;
    Ok(())
}

/// [`insert_source`] for a link an analyst made (merge, split): its reason holds the analyst's
/// words and is stored sealed when the store has a key.
pub(super) fn insert_analyst_source(
    conn: &Connection,
    incident_id: i64,
    document_id: i64,
    role: SourceRole,
    reason: &str,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO incident_sources (incident_id, document_id, role, link_score, link_reason, created_at) \
         VALUES (?1, ?2, ?3, NULL, testigo_seal(?4), ?5)",
    )
    .and_then(|mut s| s.execute(params![incident_id, document_id, role.as_str(), reason, at]))
    .ctx("linking an incident to a document")?;
    Ok(())
}

/// Ends the active link between an incident and a document; the row is kept.
pub(super) fn deactivate_source(conn: &Connection, incident_id: i64, document_id: i64, at: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE incident_sources SET active = 0, unlinked_at = ?3 \
         WHERE incident_id = ?1 AND document_id = ?2 AND active = 1",
    )
    .and_then(|mut s| s.execute(params![incident_id, document_id, at]))
    .ctx("ending the link of an incident to a document")?;
    Ok(())
}

/// Writes version `version` of incident `id`: the linker's merge of its active observations.
pub(super) fn write_merged_version(
    conn: &Connection,
    id: IncidentId,
    version: i64,
    linker: &dyn Linker,
    meta: &VersionMeta<'_>,
) -> Result<()> {
    let stored = load_observations(conn, id)?;
    if stored.is_empty() {
        return Err(StoreError::corrupt(format!("incident {id}"), "", "it has no active observation to merge"));
    }
    let observations: Vec<Observation> = stored.iter().map(|o| o.observation.clone()).collect();
    // An analyst's values win over what the observations add up to (see `crate::monitor`).
    let record = crate::monitor::apply_overrides(&linker.merge(&observations), &super::monitor::current_overrides(conn, id)?)?;
    let docs: Vec<SpanDocument<'_>> = stored.iter().map(StoredObservation::span_document).collect();
    let owners = attribute_spans(&record, &docs, &id.to_string())?;
    insert_version(conn, id.0, version, &record, meta, &owners)
}

/// A document that spans of a record may point into.
pub(super) struct SpanDocument<'a> {
    /// Its id.
    pub(super) id: i64,
    /// Its SHA-256 (lower case).
    pub(super) sha256: &'a str,
    /// Its name, for error messages.
    pub(super) name: &'a str,
    /// Its text.
    pub(super) text: &'a str,
    /// What it said about the incident (its observation), whose spans point into `text`.
    pub(super) observed: Option<&'a Incident>,
}

/// The document each span of a record points into: one id per evidence span, in the order of
/// the record's evidence map and then of each field's spans, and one per claim.
pub(super) struct SpanOwners {
    /// Documents of the evidence spans.
    pub(super) evidence: Vec<i64>,
    /// Documents of the claims.
    pub(super) claims: Vec<i64>,
}

impl SpanOwners {
    /// Every span of `incident` points into one document.
    pub(super) fn all(incident: &Incident, document_id: i64) -> SpanOwners {
        SpanOwners {
            evidence: vec![document_id; incident.evidence.values().map(Vec::len).sum()],
            claims: vec![document_id; incident.claims.len()],
        }
    }
}

/// Finds the document each span of `record` points into, and checks that it lies on char
/// boundaries of that document's text.
///
/// A span equal to one of an observation's (for evidence, under the same field; for a claim,
/// same span and text, or a document with the SHA-256 the claim's `source` names) points into that
/// observation's document, the first in `docs` order. Any other span points into the first
/// document of `docs` (the incident's first report); `which` names the incident in errors.
pub(super) fn attribute_spans(record: &Incident, docs: &[SpanDocument<'_>], which: &str) -> Result<SpanOwners> {
    let mut owners = SpanOwners { evidence: Vec::new(), claims: Vec::new() };
    for (field, spans) in &record.evidence {
        for span in spans {
            let kept = docs.iter().find(|d| {
                span.slice(d.text).is_some()
                    && d.observed.is_some_and(|o| o.evidence.get(field).is_some_and(|s| s.contains(span)))
            });
            owners.evidence.push(owner(kept, docs.first(), field, *span, which)?);
        }
    }
    for (i, claim) in record.claims.iter().enumerate() {
        let observed_here = |d: &&SpanDocument<'_>| {
            claim.span.slice(d.text).is_some()
                && d.observed.is_some_and(|o| o.claims.iter().any(|c| c.span == claim.span && c.text == claim.text))
        };
        // Several documents may share the SHA-256 a claim names (a story and its reprints):
        // the one that observed the claim first, else the first whose text the span fits.
        let named = claim.source.as_deref().and_then(|sha256| {
            let same_bytes = || docs.iter().filter(move |d| d.sha256.eq_ignore_ascii_case(sha256));
            same_bytes().find(observed_here).or_else(|| same_bytes().find(|d| claim.span.slice(d.text).is_some()))
        });
        let kept = named.or_else(|| docs.iter().find(observed_here));
        owners.claims.push(owner(kept, docs.first(), &format!("claims[{i}]"), claim.span, which)?);
    }
    Ok(owners)
}

/// The document of one span: the one that kept it, else the fallback if the span fits its text.
fn owner(
    kept: Option<&SpanDocument<'_>>,
    fallback: Option<&SpanDocument<'_>>,
    field: &str,
    span: Span,
    which: &str,
) -> Result<i64> {
    if let Some(doc) = kept {
        return Ok(doc.id);
    }
    let Some(doc) = fallback else {
        return Err(StoreError::corrupt(format!("incident {which}"), "", "it has no source document"));
    };
    if span.slice(doc.text).is_some() {
        return Ok(doc.id);
    }
    Err(StoreError::SpanOutsideText {
        document: doc.name.to_string(),
        incident: which.to_string(),
        field: field.to_string(),
        start: span.start(),
        end: span.end(),
        text_len: doc.text.len(),
    })
}

// The dated query below has one `VALUES` row per span class: the classes of
// `SPAN_CLASS_MAX_DAYS` and the unbounded last one.
const _: () = assert!(SPAN_CLASS_MAX_DAYS.len() == 11);

/// Candidates of a window with a date bound. For each span class `k` (date ranges of at most
/// `SPAN_CLASS_MAX_DAYS[k]` days after their first day), an incident overlapping `[from, to]`
/// starts in `[from - max_k, to]`: one index range per class, instead of every incident that
/// starts before `to`. The place filters are evaluated on the same (covering) index. Ordered by
/// the distance between the middles of the incident's range and of the window (`?21`).
const DATED_CANDIDATES: &str = "\
WITH classes (k, lo) AS (VALUES (0, ?1), (1, ?2), (2, ?3), (3, ?4), (4, ?5), (5, ?6), (6, ?7), (7, ?8), \
(8, ?9), (9, ?10), (10, ?11), (11, ?12)) \
SELECT x.incident_id, x.version \
FROM classes AS c CROSS JOIN incident_index AS x INDEXED BY incident_index_dates \
WHERE x.merged_into IS NULL \
AND x.span_class = c.k AND x.event_date >= c.lo AND x.event_date <= ?13 \
AND coalesce(x.event_date_end, x.event_date) >= ?14 \
AND (?15 IS NULL OR x.country = ?15) \
AND (?16 IS NULL OR (x.latitude BETWEEN ?16 AND ?18 AND x.longitude BETWEEN ?17 AND ?19)) \
AND (?20 IS NULL OR NOT EXISTS (SELECT 1 FROM observations AS o \
     WHERE o.incident_id = x.incident_id AND o.document_id = ?20 AND o.active = 1)) \
ORDER BY abs((julianday(x.event_date) + julianday(coalesce(x.event_date_end, x.event_date)) + 1.0) / 2.0 - ?21), \
x.incident_id \
LIMIT ?22";

/// Candidates of an undated window with a bounding box.
const PLACED_CANDIDATES: &str = "\
SELECT x.incident_id, x.version FROM incident_index AS x INDEXED BY incident_index_place \
WHERE x.merged_into IS NULL \
AND x.latitude BETWEEN ?1 AND ?3 AND x.longitude BETWEEN ?2 AND ?4 \
AND (?5 IS NULL OR x.country = ?5) \
AND (?6 IS NULL OR NOT EXISTS (SELECT 1 FROM observations AS o \
     WHERE o.incident_id = x.incident_id AND o.document_id = ?6 AND o.active = 1)) \
ORDER BY x.incident_id LIMIT ?7";

/// Candidates of an undated window with only a country.
const COUNTRY_CANDIDATES: &str = "\
SELECT x.incident_id, x.version FROM incident_index AS x INDEXED BY incident_index_country \
WHERE x.merged_into IS NULL AND x.country = ?1 \
AND (?2 IS NULL OR NOT EXISTS (SELECT 1 FROM observations AS o \
     WHERE o.incident_id = x.incident_id AND o.document_id = ?2 AND o.active = 1)) \
ORDER BY x.incident_id LIMIT ?3";

/// Candidates of a window without any bound: every active incident, up to the limit.
const ANY_CANDIDATES: &str = "\
SELECT x.incident_id, x.version FROM incident_index AS x \
WHERE x.merged_into IS NULL \
AND (?1 IS NULL OR NOT EXISTS (SELECT 1 FROM observations AS o \
     WHERE o.incident_id = x.incident_id AND o.document_id = ?1 AND o.active = 1)) \
ORDER BY x.incident_id LIMIT ?2";

/// Sorts before every `YYYY-MM-DD` date: an open lower bound.
const BEFORE_ALL_DATES: &str = "";
/// Sorts after every `YYYY-MM-DD` date of a four-digit year: an open upper bound.
const AFTER_ALL_DATES: &str = "9999-12-31";

/// The SQL and parameters of the candidate search of `window`, leaving out incidents that
/// `exclude_document` already reports.
fn candidate_query(window: &CandidateWindow, exclude_document: Option<i64>) -> (&'static str, Vec<Value>) {
    let text = |s: String| Value::Text(s);
    let country = window.country.as_deref().map(normalise_country).map_or(Value::Null, text);
    let exclude = exclude_document.map_or(Value::Null, Value::Integer);
    let limit = Value::Integer(i64::from(window.limit));
    if window.from.is_some() || window.to.is_some() {
        let mut values: Vec<Value> = SPAN_CLASS_MAX_DAYS
            .iter()
            .map(|&days| {
                window
                    .from
                    .and_then(|from| from.checked_sub_days(Days::new(days)))
                    .map_or_else(|| BEFORE_ALL_DATES.to_string(), date_text)
            })
            .chain([BEFORE_ALL_DATES.to_string()])
            .map(text)
            .collect();
        values.push(text(window.to.map_or_else(|| AFTER_ALL_DATES.to_string(), date_text)));
        values.push(text(window.from.map_or_else(|| BEFORE_ALL_DATES.to_string(), date_text)));
        values.push(country);
        match window.bbox {
            Some((min_lat, min_lon, max_lat, max_lon)) => {
                values.extend([min_lat, min_lon, max_lat, max_lon].map(Value::Real));
            }
            None => values.extend([Value::Null, Value::Null, Value::Null, Value::Null]),
        }
        values.push(exclude);
        // A day is the interval [julian_day, julian_day + 1); candidates are ordered by the
        // distance between their range's middle and the window's, so that precise dates near
        // the middle come before long ranges that merely contain it.
        let middle = match (window.from, window.to) {
            (Some(from), Some(to)) => (julian_day(from) + julian_day(to) + 1.0) / 2.0,
            (Some(day), None) | (None, Some(day)) => julian_day(day) + 0.5,
            (None, None) => 0.0,
        };
        values.push(Value::Real(middle));
        values.push(limit);
        return (DATED_CANDIDATES, values);
    }
    match (window.bbox, country) {
        (Some((min_lat, min_lon, max_lat, max_lon)), country) => {
            let mut values: Vec<Value> = [min_lat, min_lon, max_lat, max_lon].map(Value::Real).to_vec();
            values.extend([country, exclude, limit]);
            (PLACED_CANDIDATES, values)
        }
        (None, Value::Null) => (ANY_CANDIDATES, vec![exclude, limit]),
        (None, country) => (COUNTRY_CANDIDATES, vec![country, exclude, limit]),
    }
}

/// The Julian day number of midnight at the start of `date`, as SQLite's `julianday` gives it.
fn julian_day(date: NaiveDate) -> f64 {
    // 0001-01-01, day 1 of the common era, is Julian day 1721425.5.
    f64::from(date.num_days_from_ce()) + 1_721_424.5
}

/// The active incidents in `window` that `exclude_document` does not already report, as
/// (id, current version), nearest in date first.
pub(super) fn candidates(
    conn: &Connection,
    window: &CandidateWindow,
    exclude_document: Option<i64>,
) -> Result<Vec<(IncidentId, i64)>> {
    let (sql, values) = candidate_query(window, exclude_document);
    let mut found: Vec<(IncidentId, i64)> = conn
        .prepare_cached(sql)
        .and_then(|mut s| s.query_map(params_from_iter(values), |r| Ok((IncidentId(r.get(0)?), r.get(1)?)))?.collect())
        .ctx("searching for candidate incidents")?;
    // An incident stored without a date (a report that gave none) is still the same incident
    // as a dated report of the same place: look for undated ones in the box too.
    if window.from.is_some() || window.to.is_some() {
        if let Some((min_lat, min_lon, max_lat, max_lon)) = window.bbox {
            let country = window.country.as_deref().map(normalise_country).map_or(Value::Null, Value::Text);
            let exclude = exclude_document.map_or(Value::Null, Value::Integer);
            let values = vec![Value::Real(min_lat), Value::Real(min_lon), Value::Real(max_lat), Value::Real(max_lon), country, exclude, Value::Integer(16)];
            let undated: Vec<(IncidentId, i64)> = conn
                .prepare_cached(UNDATED_PLACED_CANDIDATES)
                .and_then(|mut s| s.query_map(params_from_iter(values), |r| Ok((IncidentId(r.get(0)?), r.get(1)?)))?.collect())
                .ctx("searching for undated candidate incidents")?;
            for u in undated {
                if !found.iter().any(|f| f.0 == u.0) {
                    found.push(u);
                }
            }
        }
    }
    Ok(found)
}

/// Undated incidents in a bounding box (the complement of a dated window's search).
const UNDATED_PLACED_CANDIDATES: &str = "\
SELECT x.incident_id, x.version FROM incident_index AS x INDEXED BY incident_index_place \
WHERE x.merged_into IS NULL AND x.event_date IS NULL \
AND x.latitude BETWEEN ?1 AND ?3 AND x.longitude BETWEEN ?2 AND ?4 \
AND (?5 IS NULL OR x.country = ?5) \
AND (?6 IS NULL OR NOT EXISTS (SELECT 1 FROM observations AS o \
     WHERE o.incident_id = x.incident_id AND o.document_id = ?6 AND o.active = 1)) \
ORDER BY x.incident_id LIMIT ?7";

/// `EXPLAIN QUERY PLAN` of the candidate search of `window`: the `detail` of each step.
pub(super) fn candidate_query_plan(conn: &Connection, window: &CandidateWindow) -> Result<Vec<String>> {
    let (sql, values) = candidate_query(window, Some(0));
    conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .and_then(|mut s| s.query_map(params_from_iter(values), |r| r.get::<_, String>(3))?.collect())
        .ctx("explaining the candidate search")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn julian_days_agree_with_sqlite() {
        let conn = Connection::open_in_memory().expect("memory database");
        for day in ["0001-01-01", "1970-01-01", "2000-01-01", "2019-07-31", "2024-02-29"] {
            let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("date");
            let sqlite: f64 = conn.query_row("SELECT julianday(?1)", [day], |r| r.get(0)).expect("julianday");
            assert_eq!(julian_day(date), sqlite, "{day}");
        }
    }

    #[test]
    fn span_classes_agree_with_the_schema() {
        let mut store = crate::SqliteStore::open_in_memory().expect("store");
        let conn = &mut store.conn;
        let tx = conn.transaction().expect("transaction");
        tx.execute("INSERT INTO incidents (id, created_at) VALUES (1, 'now')", []).expect("incident");
        let start = NaiveDate::from_ymd_opt(2019, 1, 1).expect("date");
        let mut cases = vec![(0_u64, 0_usize)];
        for (k, &max) in SPAN_CLASS_MAX_DAYS.iter().enumerate() {
            cases.push((max, k));
            cases.push((max + 1, k + 1));
        }
        for (version, (days, class)) in (1..).zip(cases) {
            let end = start.checked_add_days(Days::new(days)).expect("end");
            tx.execute(
                "INSERT INTO incident_versions (incident_id, version, record, created_at, author, reason, \
                 event_date, event_date_end, date_precision, event_type, sub_event_type, \
                 perpetrator_categories, harms) \
                 VALUES (1, ?1, '{}', 'now', 'test', 'test', ?2, ?3, 'range', 'Battles', 'Armed clash', '[]', '[]')",
                params![version, date_text(start), date_text(end)],
            )
            .expect("version");
            let stored: i64 = tx
                .query_row("SELECT span_class FROM incident_index WHERE incident_id = 1", [], |r| r.get(0))
                .expect("index row");
            assert_eq!(stored, i64::try_from(class).expect("class"), "a range of {days} days");
        }
    }
}
