//! Linking several reports to one incident (issue 4): `ingest_linked`, observations,
//! `merge_incidents`, `split_source`, the upgrade of version-1 databases and the candidate
//! search.

use std::cell::RefCell;
use std::path::Path;

use chrono::Duration;
use testigo_core::{Claim, Incident, Span, Stance};
use testigo_store::{
    CandidateWindow, DocumentId, IncidentFilter, IncidentId, IncidentStatus, IngestOutcome, LinkOutcome, Linker,
    NewDocument, Observation, SourceRole, SqliteStore, Store, StoreError, LINK_AUTHOR,
};

use crate::{at, date, doc, memory, placed, row_counts, saltillo, sha256_hex, stats, SALTILLO};

/// A second report of the Saltillo shooting, from the shelter, with another toll.
pub const SHELTER: &str = "Casa del Migrante de Saltillo denounced on Friday that two Central American \
men were shot dead by state police on July 31 in Saltillo. According to the shelter's director, \
neither of them was armed.";

/// A report of a killing in Ramos Arizpe, near Saltillo, on the same day.
const RAMOS: &str = "RAMOS ARIZPE — A Salvadoran migrant was killed on July 31 in Ramos Arizpe, \
police said.";

/// The span of `needle` in `text`.
fn find(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap();
    Span::new(start, start + needle.len())
}

/// The Saltillo shooting as the shelter reports it: two dead, a claim of its own, every span
/// pointing into [`SHELTER`].
pub fn shelter() -> Incident {
    let mut incident = saltillo();
    incident.fatalities = Some(2);
    incident.evidence.clear();
    incident.evidence.insert("event_date".into(), vec![find(SHELTER, "July 31")]);
    incident.evidence.insert("location".into(), vec![find(SHELTER, "Saltillo.")]);
    incident.evidence.insert("fatalities".into(), vec![find(SHELTER, "two Central American men were shot dead")]);
    incident.claims = vec![Claim {
        text: "neither of them was armed".to_string(),
        attributed_to: "the shelter's director".to_string(),
        stance: Stance::Ngo,
        fact: Some("victim_armed".to_string()),
        value: Some("no".to_string()),
        span: find(SHELTER, "According to the shelter's director, neither of them was armed."),
        source: None,
    }];
    incident
}

/// The Ramos Arizpe killing: same day, another town, spans into [`RAMOS`].
fn ramos() -> Incident {
    let mut incident = saltillo();
    let location = incident.location.as_mut().unwrap();
    location.name = Some("Ramos Arizpe".to_string().into());
    location.latitude = Some(25.5418);
    location.longitude = Some(-100.9476);
    incident.evidence.clear();
    incident.evidence.insert("event_date".into(), vec![find(RAMOS, "July 31")]);
    incident.evidence.insert("location".into(), vec![find(RAMOS, "Ramos Arizpe,")]);
    incident.claims.clear();
    incident
}

fn doc_with_simhash(name: &str, text: &str, simhash: u64) -> NewDocument {
    NewDocument { simhash: Some(simhash), ingested_at: at(2), ..doc(name, text) }
}

/// The fake linker of the tests: the same incident when the day and the place name agree.
/// Its merge takes the first observation's record, the highest toll (with that observation's
/// evidence for it) and every observation's claims.
pub struct SameDayAndPlace;

impl Linker for SameDayAndPlace {
    fn window(&self, new: &Incident) -> Option<CandidateWindow> {
        let day = new.event_date?;
        Some(CandidateWindow {
            from: Some(day - Duration::days(3)),
            to: Some(new.event_date_end.unwrap_or(day) + Duration::days(3)),
            country: new.location.as_ref().and_then(|l| l.country.as_deref().map(str::to_string)),
            bbox: None,
            limit: 10,
        })
    }

    fn score(&self, new: &Incident, existing: &Incident) -> (f64, String) {
        let place = |i: &Incident| i.location.as_ref().and_then(|l| l.name.clone());
        if new.event_date == existing.event_date && place(new) == place(existing) {
            (1.0, "same day and place".to_string())
        } else {
            (0.0, "another day or place".to_string())
        }
    }

    fn threshold(&self) -> f64 {
        0.5
    }

    fn merge(&self, observations: &[Observation]) -> Incident {
        let mut merged = observations[0].incident.clone();
        let mut most = &observations[0];
        for o in observations {
            if o.incident.fatalities > most.incident.fatalities {
                most = o;
            }
        }
        merged.fatalities = most.incident.fatalities;
        match most.incident.evidence.get("fatalities") {
            Some(spans) => merged.evidence.insert("fatalities".into(), spans.clone()),
            None => merged.evidence.remove("fatalities"),
        };
        merged.claims = observations.iter().flat_map(|o| o.incident.claims.iter().cloned()).collect();
        merged
    }
}

pub fn ingest(store: &mut SqliteStore, d: &NewDocument, incidents: &[Incident]) -> (DocumentId, Vec<LinkOutcome>) {
    match store.ingest_linked(d, incidents, &SameDayAndPlace).unwrap() {
        IngestOutcome::New { document_id, incident_ids, links } => {
            assert_eq!(incident_ids, links.iter().map(|l| l.incident_id).collect::<Vec<_>>());
            (document_id, links)
        }
        other => panic!("expected a new document, got {other:?}"),
    }
}

pub fn count(path: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(path).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every table's row count is at least what it was: nothing was deleted.
fn assert_only_grew(before: &[(String, i64)], after: &[(String, i64)]) {
    for ((table, b), (_, a)) in before.iter().zip(after) {
        assert!(a >= b, "{table} shrank from {b} to {a}");
    }
}

#[test]
fn two_reports_of_one_incident_become_one_incident_with_two_sources() {
    let mut store = memory();
    let first = doc("vanguardia.txt", SALTILLO);
    let (first_id, links) = ingest(&mut store, &first, &[saltillo()]);
    assert_eq!(links.len(), 1);
    assert!(!links[0].linked);
    assert_eq!(links[0].score, None);
    assert!(links[0].reason.starts_with("first report"), "{}", links[0].reason);
    let id = links[0].incident_id;

    let second = doc_with_simhash("shelter.txt", SHELTER, u64::MAX - 5);
    let (second_id, links) = ingest(&mut store, &second, &[shelter()]);
    assert_eq!(
        links,
        [LinkOutcome { incident_id: id, linked: true, score: Some(1.0), reason: "same day and place".to_string() }]
    );
    let s = stats(&store);
    assert_eq!((s.documents, s.incidents, s.incident_versions, s.merged_incidents), (2, 1, 2, 0));

    let detail = store.incident(id).unwrap().unwrap();
    assert_eq!(detail.version, 2);
    assert_eq!(detail.status, IncidentStatus::Active);
    assert_eq!(detail.versions[1].author, LINK_AUTHOR);
    assert_eq!(detail.versions[1].reason, format!("linked source {}: same day and place", &second.sha256[..12]));
    // The merged record: the first report's, with the higher toll and both sides' claims.
    assert_eq!(detail.incident.fatalities, Some(2));
    assert_eq!(detail.incident.location, saltillo().location);
    assert_eq!(detail.incident.claims.len(), 2);
    assert_eq!(store.incident_version(id, 1).unwrap(), Some(saltillo()));

    let roles: Vec<_> = detail.sources.iter().map(|s| (s.document.id, s.role, s.active)).collect();
    assert_eq!(roles, [(first_id, SourceRole::Origin, true), (second_id, SourceRole::Linked, true)]);
    assert_eq!(detail.sources[0].link_reason.as_deref(), Some("first report"));
    assert_eq!(detail.sources[1].link_score, Some(1.0));
    assert_eq!(detail.sources[1].link_reason.as_deref(), Some("same day and place"));
    assert_eq!(detail.sources[1].document.simhash, Some(u64::MAX - 5));
    assert_eq!(store.document(first_id).unwrap().unwrap().simhash, None);

    // The observations, in the order attached, each as its document reported it.
    assert_eq!(detail.observations, store.observations(id).unwrap());
    let observed: Vec<_> = detail.observations.iter().map(|o| (o.document_id, o.incident.fatalities)).collect();
    assert_eq!(observed, [(first_id, Some(1)), (second_id, Some(2))]);
    assert_eq!(detail.observations[1].incident, shelter());
    assert_eq!(detail.observations[1].sha256, second.sha256);
    assert_eq!(detail.observations[1].metadata, second.metadata);
    assert_eq!(detail.observations[1].simhash, Some(u64::MAX - 5));

    // Every span is quoted from the document it points into.
    let text_of = |id: DocumentId| store.document(id).unwrap().unwrap().text;
    let quoted: Vec<(String, String)> = detail
        .spans
        .iter()
        .map(|s| (s.field.clone(), s.span.slice(&text_of(s.document_id)).unwrap().to_string()))
        .collect();
    let quote = |field: &str| quoted.iter().find(|(f, _)| f == field).map(|(_, q)| q.as_str());
    assert_eq!(quote("event_date"), Some("Wednesday, July 31"));
    assert_eq!(quote("fatalities"), Some("two Central American men were shot dead"));
    assert_eq!(quote("claims[0]"), Some("The Coahuila Prosecutor's Office said the man fired first"));
    assert_eq!(quote("claims[1]"), Some("According to the shelter's director, neither of them was armed."));
    let fatalities = detail.spans.iter().find(|s| s.field == "fatalities").unwrap();
    assert_eq!(fatalities.document_id, second_id);
    let second_quote = detail.observations[1].incident.evidence["event_date"][0].slice(SHELTER);
    assert_eq!(second_quote, Some("July 31"));

    // Listings count both sources.
    let listed = store.incidents(&IncidentFilter::default()).unwrap();
    assert_eq!(listed.iter().map(|s| (s.id, s.version, s.sources)).collect::<Vec<_>>(), [(id, 2, 2)]);
}

#[test]
fn a_different_incident_stays_separate() {
    let mut store = memory();
    let (_, links) = ingest(&mut store, &doc("vanguardia.txt", SALTILLO), &[saltillo()]);
    let saltillo_id = links[0].incident_id;
    let (_, links) = ingest(&mut store, &doc("ramos.txt", RAMOS), &[ramos()]);
    assert!(!links[0].linked);
    assert_ne!(links[0].incident_id, saltillo_id);
    // It was compared, and the comparison is reported.
    assert_eq!(links[0].score, Some(0.0));
    assert!(links[0].reason.contains(&format!("incident {saltillo_id}")), "{}", links[0].reason);
    assert!(links[0].reason.contains("another day or place"), "{}", links[0].reason);
    let s = stats(&store);
    assert_eq!((s.incidents, s.incident_versions), (2, 2));
    assert_eq!(store.incident(links[0].incident_id).unwrap().unwrap().incident, ramos());

    // An incident without a date gets no window and is always new.
    let mut undated = ramos();
    undated.event_date = None;
    undated.event_date_end = None;
    let (_, links) = ingest(&mut store, &doc("undated.txt", &format!("{RAMOS} Undated.")), &[undated]);
    assert!(!links[0].linked);
    assert_eq!(links[0].score, None);
    assert!(links[0].reason.contains("no window"), "{}", links[0].reason);
}

#[test]
fn two_incidents_of_one_document_never_merge_into_one() {
    let mut store = memory();
    // Within one new document: the second is not attached to the incident the first created.
    let (_, links) = ingest(&mut store, &doc("vanguardia.txt", SALTILLO), &[saltillo(), saltillo()]);
    assert_eq!(links.iter().map(|l| l.linked).collect::<Vec<_>>(), [false, false]);
    assert_ne!(links[0].incident_id, links[1].incident_id);
    let (a, b) = (links[0].incident_id, links[1].incident_id);

    // Against stored incidents: two reports in one document of what looks like the same
    // incident attach to two different incidents, never both to one.
    let (_, links) = ingest(&mut store, &doc("shelter.txt", SHELTER), &[shelter(), shelter()]);
    assert!(links.iter().all(|l| l.linked));
    assert_eq!(links.iter().map(|l| l.incident_id).collect::<Vec<_>>(), [a, b]);

    // A third copy in the same document has nowhere left to go: it becomes new.
    let (_, links) = ingest(&mut store, &doc("third.txt", &format!("{SHELTER} ")), &[shelter(), shelter(), shelter()]);
    assert_eq!(links.iter().map(|l| l.linked).collect::<Vec<_>>(), [true, true, false]);
    assert_eq!(links[..2].iter().map(|l| l.incident_id).collect::<Vec<_>>(), [a, b]);
    for id in [a, b] {
        let detail = store.incident(id).unwrap().unwrap();
        let mut documents: Vec<_> = detail.observations.iter().map(|o| o.document_id).collect();
        let all = documents.len();
        documents.dedup();
        assert_eq!(documents.len(), all, "incident {id} holds two observations of one document");
    }
    assert_eq!(stats(&store).incidents, 3);
}

#[test]
fn an_already_known_document_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let d = doc("vanguardia.txt", SALTILLO);
    let (document_id, _) = ingest(&mut store, &d, &[saltillo()]);
    let before = row_counts(&path);
    let index_before = count(&path, "SELECT count(*) FROM incident_index");

    let again = NewDocument { name: "copy.txt".to_string(), ingested_at: at(3), ..d.clone() };
    let outcome = store.ingest_linked(&again, &[saltillo(), shelter()], &SameDayAndPlace).unwrap();
    assert_eq!(outcome, IngestOutcome::AlreadyKnown { document_id });
    assert_eq!(row_counts(&path), before);
    assert_eq!(count(&path, "SELECT count(*) FROM incident_index"), index_before);
}

#[test]
fn a_span_outside_its_document_is_refused_when_linking() {
    let mut store = memory();
    ingest(&mut store, &doc("vanguardia.txt", SALTILLO), &[saltillo()]);
    let mut bad = shelter();
    bad.evidence.insert("injured".into(), vec![Span::new(0, SHELTER.len() + 1)]);
    let err = store.ingest_linked(&doc("shelter.txt", SHELTER), &[bad], &SameDayAndPlace).unwrap_err();
    assert!(matches!(err, StoreError::SpanOutsideText { ref field, .. } if field == "injured"), "{err:?}");
    let s = stats(&store);
    assert_eq!((s.documents, s.incident_versions), (1, 1));
}

#[test]
fn merging_then_splitting_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let linker = SameDayAndPlace;
    let (first_doc, links) = ingest(&mut store, &doc("vanguardia.txt", SALTILLO), &[saltillo()]);
    let a = links[0].incident_id;
    let ramos_doc = doc("ramos.txt", RAMOS);
    let (second_doc, links) = ingest(&mut store, &ramos_doc, &[ramos()]);
    let b = links[0].incident_id;
    assert_ne!(a, b);
    let start = row_counts(&path);

    // Refused merges change nothing.
    assert!(
        matches!(store.merge_incidents(a, a, &linker, "ana", "x"), Err(StoreError::SameIncident { id }) if id == a)
    );
    let unknown = store.merge_incidents(a, IncidentId(999), &linker, "ana", "x").unwrap_err();
    assert!(matches!(unknown, StoreError::UnknownIncident { id: IncidentId(999) }), "{unknown:?}");
    assert_eq!(row_counts(&path), start);

    // Merge b into a.
    assert_eq!(store.merge_incidents(a, b, &linker, "ana", "the same shooting").unwrap(), 2);
    let merged = row_counts(&path);
    assert_only_grew(&start, &merged);

    let into = store.incident(a).unwrap().unwrap();
    assert_eq!(into.version, 2);
    assert_eq!((into.versions[1].author.as_str(), into.status), ("ana", IncidentStatus::Active));
    assert!(into.versions[1].reason.contains("the same shooting"), "{}", into.versions[1].reason);
    assert_eq!(into.observations.iter().map(|o| o.document_id).collect::<Vec<_>>(), [first_doc, second_doc]);
    assert_eq!(into.incident, saltillo(), "the merge of both: the first report's record");
    let sources: Vec<_> = into.sources.iter().map(|s| (s.document.id, s.role, s.active)).collect();
    assert_eq!(sources, [(first_doc, SourceRole::Origin, true), (second_doc, SourceRole::Linked, true)]);
    assert_eq!(into.sources[1].link_reason.as_deref(), Some("merged by ana: the same shooting"));
    assert_eq!(into.sources[1].link_score, None);

    let from = store.incident(b).unwrap().unwrap();
    assert_eq!(from.status, IncidentStatus::MergedInto(a));
    assert_eq!(from.version, 2);
    assert_eq!(from.incident, ramos(), "the final version keeps the record");
    assert_eq!(from.versions[1].reason, format!("merged into incident {a}: the same shooting"));
    assert!(from.observations.is_empty());
    assert!(from.sources.iter().all(|s| !s.active && s.unlinked_at.is_some()));
    assert!(store.observations(b).unwrap().is_empty());

    // The merged incident leaves listings, exports and candidate searches.
    let listed: Vec<_> =
        store.incidents(&IncidentFilter::default()).unwrap().iter().map(|s| (s.id, s.sources)).collect();
    assert_eq!(listed, [(a, 2)]);
    assert_eq!(store.all_incidents().unwrap().iter().map(|d| d.id).collect::<Vec<_>>(), [a]);
    let s = stats(&store);
    assert_eq!((s.incidents, s.merged_incidents, s.incident_versions), (2, 1, 4));
    let mut reprint = ramos();
    reprint.fatalities = Some(3);
    let (_, links) = ingest(&mut store, &doc("ramos-2.txt", &format!("{RAMOS} ")), &[reprint]);
    assert!(!links[0].linked && links[0].incident_id != b, "{links:?}");
    let c_reprint = links[0].incident_id;

    // A merged incident can be neither merged, revised nor split again.
    let again = store.merge_incidents(a, b, &linker, "ana", "again").unwrap_err();
    assert!(matches!(again, StoreError::IncidentMerged { id, into } if id == b && into == a), "{again:?}");
    assert!(again.to_string().contains(&format!("use incident {a}")), "{again}");
    let revise = store.revise_incident(b, &ramos(), "ana", "fix").unwrap_err();
    assert!(matches!(revise, StoreError::IncidentMerged { .. }), "{revise:?}");
    let split = store.split_source(b, &ramos_doc.sha256, &linker, "ana", "x").unwrap_err();
    assert!(matches!(split, StoreError::IncidentMerged { .. }), "{split:?}");

    // Refused splits.
    let only = store.split_source(c_reprint, &sha256_hex(format!("{RAMOS} ").as_bytes()), &linker, "ben", "x");
    assert!(matches!(only, Err(StoreError::OnlySource { .. })), "{only:?}");
    let stranger = store.split_source(a, &sha256_hex(b"never stored"), &linker, "ben", "x").unwrap_err();
    assert!(matches!(stranger, StoreError::NotASource { id, .. } if id == a), "{stranger:?}");
    assert!(matches!(store.split_source(a, "nope", &linker, "ben", "x"), Err(StoreError::InvalidSha256 { .. })));
    let before_split = row_counts(&path);

    // Split the Ramos Arizpe report off again: it becomes a new incident.
    let c = store.split_source(a, &ramos_doc.sha256.to_ascii_uppercase(), &linker, "ben", "another town").unwrap();
    assert!(c != a && c != b && c != c_reprint);
    assert_only_grew(&before_split, &row_counts(&path));

    let split_off = store.incident(c).unwrap().unwrap();
    assert_eq!(split_off.version, 1);
    assert_eq!(split_off.incident, ramos());
    assert_eq!(split_off.status, IncidentStatus::Active);
    assert_eq!(split_off.versions[0].author, "ben");
    assert_eq!(split_off.observations.iter().map(|o| o.document_id).collect::<Vec<_>>(), [second_doc]);
    assert_eq!(split_off.sources.len(), 1);
    assert_eq!((split_off.sources[0].role, split_off.sources[0].active), (SourceRole::Origin, true));
    assert_eq!(
        split_off.sources[0].link_reason.as_deref(),
        Some(format!("split from incident {a} by ben: another town").as_str())
    );

    let remaining = store.incident(a).unwrap().unwrap();
    assert_eq!(remaining.version, 3);
    assert_eq!(remaining.incident, saltillo());
    assert_eq!(remaining.observations.iter().map(|o| o.document_id).collect::<Vec<_>>(), [first_doc]);
    let sources: Vec<_> = remaining.sources.iter().map(|s| (s.document.id, s.active)).collect();
    assert_eq!(sources, [(first_doc, true), (second_doc, false)]);
    assert!(remaining.sources[1].unlinked_at.is_some());
    assert_eq!(store.incidents(&IncidentFilter::default()).unwrap().iter().find(|s| s.id == a).unwrap().sources, 1);
    let again = store.split_source(a, &ramos_doc.sha256, &linker, "ben", "again").unwrap_err();
    assert!(matches!(again, StoreError::NotASource { .. }), "{again:?}");

    // Incidents a, b (merged), the reprint and c; versions 3 + 2 + 1 + 1.
    let s = stats(&store);
    assert_eq!((s.incidents, s.merged_incidents, s.incident_versions), (4, 1, 7));
    // Observations: a's first, b's (moved), its copy on a (moved), the reprint's, c's.
    assert_eq!(count(&path, "SELECT count(*) FROM observations"), 5);
    assert_eq!(count(&path, "SELECT count(*) FROM observations WHERE active = 1"), 3);
    // Links: a–first, b–ramos (ended), a–ramos (ended), reprint, c–ramos.
    assert_eq!(count(&path, "SELECT count(*) FROM incident_sources"), 5);
    assert_eq!(count(&path, "SELECT count(*) FROM incident_sources WHERE active = 1"), 3);

    // The same document can be linked to a again later: a new link row, the old one kept.
    assert_eq!(store.merge_incidents(a, c, &linker, "ana", "same after all").unwrap(), 4);
    let back = store.incident(a).unwrap().unwrap();
    let sources: Vec<_> = back.sources.iter().map(|s| (s.document.id, s.active)).collect();
    assert_eq!(sources, [(first_doc, true), (second_doc, false), (second_doc, true)]);

    // Deleting or rewriting what was recorded is refused by the database itself.
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "DELETE FROM observations",
        "UPDATE observations SET record = '{}'",
        "UPDATE observations SET active = 1 WHERE active = 0",
        "DELETE FROM incident_sources",
        "UPDATE incident_sources SET link_reason = 'x'",
        "UPDATE incident_sources SET active = 1 WHERE active = 0",
        "DELETE FROM evidence",
        "DELETE FROM claims",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("immutable") || message.contains("never deleted"), "{sql}: {message}");
    }
}

/// Creates a database as testigo with schema version 1 left it, holding the Saltillo
/// incident with a revision. Returns the incident's and the document's id.
fn version_1_database(path: &Path) -> (i64, i64) {
    SqliteStore::create_at_schema_version(path, 1).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    let version: i64 = conn.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 1);
    let tables: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'observations'", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 0, "version 1 has no observations");

    let sha256 = sha256_hex(SALTILLO.as_bytes());
    let at = "2024-05-01T12:30:00.000000000Z";
    conn.execute(
        "INSERT INTO originals (sha256, size, bytes) VALUES (?1, ?2, ?3)",
        rusqlite::params![sha256, SALTILLO.len() as i64, SALTILLO.as_bytes()],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO documents (sha256, name, kind, title, published, language, text, metadata_source, ingested_at) \
         VALUES (?1, 'vanguardia.txt', 'text', 'Migrante muere', '2019-08-02', 'en', ?2, '{}', ?3)",
        rusqlite::params![sha256, SALTILLO, at],
    )
    .unwrap();
    let document_id = conn.last_insert_rowid();
    conn.execute("INSERT INTO incidents (created_at) VALUES (?1)", [at]).unwrap();
    let incident_id = conn.last_insert_rowid();
    let mut revised = saltillo();
    revised.fatalities = Some(2);
    for (version, record, author) in [(1, saltillo(), "testigo extract"), (2, revised, "ana")] {
        conn.execute(
            "INSERT INTO incident_versions (incident_id, version, record, created_at, author, reason, \
             event_date, event_date_end, date_precision, event_type, sub_event_type, country, admin1, \
             admin1_folded, location_name, latitude, longitude, fatalities, perpetrator_categories, harms) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'extracted', '2019-07-31', '2019-07-31', 'day', \
             'Violence against civilians', 'Attack', 'MX', 'Coahuila', 'coahuila', 'Saltillo', 25.4232, \
             -101.0053, ?6, '[\"Police\"]', '[\"killing\",\"shooting\"]')",
            rusqlite::params![
                incident_id,
                version,
                serde_json::to_string(&record).unwrap(),
                at,
                author,
                record.fatalities
            ],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO incident_sources (incident_id, document_id, role, link_reason, created_at) \
         VALUES (?1, ?2, 'origin', 'extracted from this document', ?3)",
        rusqlite::params![incident_id, document_id, at],
    )
    .unwrap();
    (incident_id, document_id)
}

#[test]
fn a_version_1_database_is_upgraded_with_one_observation_per_incident() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let (incident_id, document_id) = version_1_database(&path);

    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), crate::migrations::LATEST_SCHEMA);
    let id = IncidentId(incident_id);
    let observations = store.observations(id).unwrap();
    assert_eq!(observations.len(), 1);
    assert_eq!(observations[0].document_id, DocumentId(document_id));
    assert_eq!(observations[0].incident, saltillo(), "the version-1 record");
    assert_eq!(observations[0].sha256, sha256_hex(SALTILLO.as_bytes()));
    assert_eq!(observations[0].metadata.title.as_deref(), Some("Migrante muere"));
    assert_eq!(observations[0].simhash, None);

    let detail = store.incident(id).unwrap().unwrap();
    assert_eq!((detail.version, detail.status), (2, IncidentStatus::Active));
    assert_eq!(detail.incident.fatalities, Some(2), "the current version is the revision");
    assert_eq!(detail.sources.len(), 1);
    assert!(detail.sources[0].active && detail.sources[0].unlinked_at.is_none());
    assert_eq!(detail.sources[0].role, SourceRole::Origin);
    let listed = store.incidents(&IncidentFilter { country: Some("mx".to_string()), ..IncidentFilter::default() });
    assert_eq!(listed.unwrap().iter().map(|s| (s.id, s.version, s.sources)).collect::<Vec<_>>(), [(id, 2, 1)]);

    // The upgraded incident is a candidate like any other.
    let (_, links) = ingest(&mut store, &doc("shelter.txt", SHELTER), &[shelter()]);
    assert!(links[0].linked && links[0].incident_id == id, "{links:?}");
    let detail = store.incident(id).unwrap().unwrap();
    assert_eq!(detail.version, 3);
    assert_eq!(detail.observations.len(), 2);

    // Reopening applies nothing again.
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.observations(id).unwrap().len(), 2);
    assert_eq!(count(&path, "SELECT count(*) FROM schema_migrations"), crate::migrations::LATEST_SCHEMA);
}

/// A linker that records which stored incidents (by place name) it was asked to score, in
/// order, and never links.
struct Recording {
    window: CandidateWindow,
    seen: RefCell<Vec<String>>,
}

impl Linker for Recording {
    fn window(&self, _new: &Incident) -> Option<CandidateWindow> {
        Some(self.window.clone())
    }
    fn score(&self, _new: &Incident, existing: &Incident) -> (f64, String) {
        let name = existing.location.as_ref().and_then(|l| l.name.as_deref()).unwrap_or_default().to_string();
        self.seen.borrow_mut().push(name);
        (0.0, "recorded".to_string())
    }
    fn threshold(&self) -> f64 {
        0.5
    }
    fn merge(&self, observations: &[Observation]) -> Incident {
        observations[0].incident.clone()
    }
}

/// An incident named `name`, dated `[from, to]`, in `country` at (lat, lon).
fn named(name: &str, from: Option<&str>, to: Option<&str>, country: &str, lat: f64, lon: f64) -> Incident {
    let mut incident = placed(from, to, country, "Coahuila", testigo_core::SubEventType::Attack);
    let location = incident.location.as_mut().unwrap();
    location.name = Some(name.to_string().into());
    location.latitude = Some(lat);
    location.longitude = Some(lon);
    incident
}

#[test]
fn the_candidate_search_finds_overlapping_ranges_in_the_window() {
    let mut store = memory();
    let stored = [
        named("day", Some("2019-07-31"), Some("2019-07-31"), "MX", 25.4, -101.0),
        named("month", Some("2019-07-01"), Some("2019-07-31"), "MX", 25.4, -101.0),
        named("year", Some("2019-01-01"), Some("2019-12-31"), "MX", 25.4, -101.0),
        named("five years", Some("2015-01-01"), Some("2019-12-31"), "MX", 25.4, -101.0),
        named("day after", Some("2019-08-03"), Some("2019-08-03"), "MX", 25.4, -101.0),
        named("before", Some("2019-06-01"), Some("2019-06-30"), "MX", 25.4, -101.0),
        named("after", Some("2019-09-01"), Some("2019-09-01"), "MX", 25.4, -101.0),
        named("undated", None, None, "MX", 25.4, -101.0),
        named("guatemala", Some("2019-07-31"), Some("2019-07-31"), "GT", 14.6, -90.5),
        named("far away", Some("2019-07-31"), Some("2019-07-31"), "MX", 19.4, -99.1),
    ];
    store.ingest(&doc("stored.txt", "stored incidents"), &stored).unwrap();

    let search = |store: &mut SqliteStore, window: CandidateWindow| -> Vec<String> {
        let linker = Recording { window, seen: RefCell::new(Vec::new()) };
        let text = format!("new report {}", stats(store).documents);
        let new = named("new", Some("2019-07-31"), Some("2019-07-31"), "MX", 25.4, -101.0);
        store.ingest_linked(&doc("new.txt", &text), &[new], &linker).unwrap();
        linker.seen.into_inner()
    };
    let window = CandidateWindow {
        from: Some(date("2019-07-30")),
        to: Some(date("2019-08-04")),
        country: Some("mx".to_string()),
        bbox: Some((24.0, -102.0, 26.0, -100.0)),
        limit: 10,
    };
    // Nearest to the middle of the window (2 August, 00:00) first, by the middle of their
    // range, then by id: the two days (1.5 days away), July, 2019, 2015–2019.
    // Undated incidents in the box follow the dated ones.
    assert_eq!(search(&mut store, window.clone()), ["day", "day after", "month", "year", "five years", "undated"]);
    let limited = search(&mut store, CandidateWindow { limit: 2, ..window.clone() });
    assert_eq!(limited, ["day", "day after", "undated"]);
    // Without the box, the far-away incident (and the new reports stored meanwhile) match too.
    let unboxed = search(&mut store, CandidateWindow { bbox: None, ..window.clone() });
    assert!(unboxed.contains(&"far away".to_string()) && !unboxed.contains(&"guatemala".to_string()));
    // An open-ended window.
    let since = search(&mut store, CandidateWindow { from: Some(date("2019-08-02")), to: None, ..window.clone() });
    assert_eq!(since, ["day after", "after", "year", "five years", "undated"]);
    // Without dates: every date, unresolved included, by id.
    let undated = search(&mut store, CandidateWindow { from: None, to: None, ..window.clone() });
    assert!(undated.contains(&"undated".to_string()) && undated.contains(&"before".to_string()), "{undated:?}");
    assert!(!undated.contains(&"far away".to_string()));
    let country_only = search(&mut store, CandidateWindow { from: None, to: None, bbox: None, ..window.clone() });
    assert!(country_only.contains(&"far away".to_string()) && !country_only.contains(&"guatemala".to_string()));
}

#[test]
fn the_candidate_search_uses_an_index() {
    let store = memory();
    let window = CandidateWindow {
        from: Some(date("2019-07-28")),
        to: Some(date("2019-08-03")),
        country: Some("MX".to_string()),
        bbox: Some((24.9, -101.5, 25.9, -100.5)),
        limit: 20,
    };
    let no_full_scan = |plan: &[String], index: &str| {
        assert!(
            plan.iter().any(|step| step.starts_with("SEARCH x USING COVERING INDEX") && step.contains(index)),
            "{plan:?}"
        );
        assert!(!plan.iter().any(|step| step.starts_with("SCAN x")), "{plan:?}");
    };
    no_full_scan(&store.candidate_query_plan(&window).unwrap(), "incident_index_dates");
    let open_ended = CandidateWindow { to: None, bbox: None, ..window.clone() };
    no_full_scan(&store.candidate_query_plan(&open_ended).unwrap(), "incident_index_dates");
    let placed = CandidateWindow { from: None, to: None, ..window.clone() };
    no_full_scan(&store.candidate_query_plan(&placed).unwrap(), "incident_index_place");
    let country = CandidateWindow { from: None, to: None, bbox: None, ..window };
    no_full_scan(&store.candidate_query_plan(&country).unwrap(), "incident_index_country");
}
