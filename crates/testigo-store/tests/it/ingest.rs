use testigo_core::Span;
use testigo_store::{
    DocumentId, IncidentFilter, IncidentId, IngestOutcome, SourceRole, SqliteStore, Store, StoreError,
    EXTRACTION_AUTHOR,
};

use crate::{at, doc, memory, row_counts, saltillo, sha256_hex, stats, SALTILLO};

#[test]
fn ingesting_a_new_document_stores_it_and_its_incidents() {
    let mut store = memory();
    let d = doc("reports/saltillo.txt", SALTILLO);
    let mut second = saltillo();
    second.fatalities = Some(2);

    let outcome = store.ingest(&d, &[saltillo(), second.clone()]).unwrap();
    let IngestOutcome::New { document_id, incident_ids, .. } = outcome else {
        panic!("expected a new document, got {outcome:?}");
    };
    assert_eq!(incident_ids.len(), 2);
    assert_ne!(incident_ids[0], incident_ids[1]);

    let record = store.document_by_sha256(&d.sha256).unwrap().unwrap();
    assert_eq!(record.id, document_id);
    assert_eq!(record.sha256, d.sha256);
    assert_eq!(record.name, "reports/saltillo.txt");
    assert_eq!(record.kind, "text");
    assert_eq!(record.size, SALTILLO.len() as u64);
    assert_eq!(record.metadata, d.metadata);
    assert_eq!(record.metadata_source, d.metadata_source);
    assert_eq!(record.text, SALTILLO);
    assert_eq!(record.ingested_at, d.ingested_at);
    assert_eq!(store.document(document_id).unwrap(), Some(record.clone()));

    let first = store.incident(incident_ids[0]).unwrap().unwrap();
    assert_eq!(first.id, incident_ids[0]);
    assert_eq!(first.version, 1);
    assert_eq!(first.incident, saltillo());
    assert_eq!(first.created_at, d.ingested_at);
    assert_eq!(first.versions.len(), 1);
    assert_eq!(first.versions[0].version, 1);
    assert_eq!(first.versions[0].author, EXTRACTION_AUTHOR);
    assert_eq!(first.versions[0].reason, "extracted from reports/saltillo.txt");
    assert_eq!(first.sources.len(), 1);
    let source = &first.sources[0];
    assert_eq!(source.document, record);
    assert_eq!(source.role, SourceRole::Origin);
    assert_eq!(source.link_score, None);
    assert_eq!(source.linked_at, d.ingested_at);

    // The source carries its text, so the evidence can be quoted.
    let span = first.incident.evidence["event_date"][0];
    assert_eq!(span.slice(&source.document.text), Some("Wednesday, July 31"));

    let other = store.incident(incident_ids[1]).unwrap().unwrap();
    assert_eq!(other.incident, second);

    let s = stats(&store);
    assert_eq!((s.documents, s.incidents, s.incident_versions), (1, 2, 2));
}

#[test]
fn a_document_without_incidents_is_stored() {
    let mut store = memory();
    let d = doc("policy.txt", "Mexico announced a new migration policy.");
    let outcome = store.ingest(&d, &[]).unwrap();
    assert!(matches!(outcome, IngestOutcome::New { ref incident_ids, .. } if incident_ids.is_empty()));
    assert!(store.document_by_sha256(&d.sha256).unwrap().is_some());
    let s = stats(&store);
    assert_eq!((s.documents, s.incidents), (1, 0));
}

#[test]
fn the_same_bytes_again_are_already_known_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let d = doc("saltillo.txt", SALTILLO);
    let IngestOutcome::New { document_id, .. } = store.ingest(&d, &[saltillo()]).unwrap() else {
        panic!("first ingest must be new");
    };
    let before = row_counts(&path);

    // Same bytes under another name, later, with other incidents: still the same original.
    let mut again = d.clone();
    again.name = "copy of saltillo.txt".to_string();
    again.ingested_at = at(2);
    again.sha256 = again.sha256.to_ascii_uppercase();
    let mut out_of_text = saltillo();
    out_of_text.evidence.insert("injured".into(), vec![Span::new(0, 1_000_000)]);
    let outcome = store.ingest(&again, &[saltillo(), out_of_text]).unwrap();

    assert_eq!(outcome, IngestOutcome::AlreadyKnown { document_id });
    assert_eq!(row_counts(&path), before);
    assert_eq!(store.document(document_id).unwrap().unwrap().name, "saltillo.txt");
}

#[test]
fn original_bytes_come_back_identical() {
    let mut store = memory();
    // Every byte value, including NUL and bytes that are not UTF-8.
    let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    let mut d = doc("binary.html", "text extracted from the original");
    d.sha256 = sha256_hex(&bytes);
    d.bytes = bytes.clone();
    store.ingest(&d, &[]).unwrap();

    assert_eq!(store.original(&d.sha256).unwrap(), Some(bytes.clone()));
    assert_eq!(store.original(&d.sha256.to_ascii_uppercase()).unwrap(), Some(bytes));
    assert_eq!(store.original(&sha256_hex(b"never stored")).unwrap(), None);
    assert_eq!(store.document_by_sha256(&sha256_hex(b"never stored")).unwrap(), None);
}

#[test]
fn bytes_that_do_not_hash_to_the_given_sha256_are_refused() {
    let mut store = memory();
    let mut d = doc("saltillo.txt", SALTILLO);
    d.sha256 = sha256_hex(b"something else");
    let err = store.ingest(&d, &[saltillo()]).unwrap_err();
    assert!(matches!(err, StoreError::Sha256Mismatch { ref actual, .. } if *actual == sha256_hex(SALTILLO.as_bytes())));
    assert!(err.to_string().contains("compute the SHA-256"), "{err}");
    assert_eq!(stats(&store).documents, 0);
}

#[test]
fn a_malformed_sha256_is_refused() {
    let mut store = memory();
    for bad in ["", "abc", &"g".repeat(64), &"a".repeat(65)] {
        let err = store.original(bad).unwrap_err();
        assert!(matches!(err, StoreError::InvalidSha256 { .. }), "{bad:?}: {err:?}");
        let mut d = doc("x.txt", "x");
        d.sha256 = bad.to_string();
        assert!(matches!(store.ingest(&d, &[]), Err(StoreError::InvalidSha256 { .. })));
    }
    assert!(store.original(&"'); DROP TABLE originals;--".repeat(2)).is_err());
}

#[test]
fn a_span_outside_the_text_is_refused_and_nothing_is_written() {
    let mut store = memory();
    let d = doc("saltillo.txt", SALTILLO);
    let mut bad = saltillo();
    bad.evidence.insert("injured".into(), vec![Span::new(10, SALTILLO.len() + 1)]);
    let err = store.ingest(&d, &[saltillo(), bad]).unwrap_err();
    let StoreError::SpanOutsideText { ref incident, ref field, .. } = err else {
        panic!("expected SpanOutsideText, got {err:?}");
    };
    assert_eq!((incident.as_str(), field.as_str()), ("#1", "injured"));

    // A span that splits a multi-byte char is refused too: "—" is three bytes.
    let dash = SALTILLO.find('—').unwrap();
    let mut split = saltillo();
    split.claims[0].span = Span::new(dash + 1, dash + 5);
    let err = store.ingest(&d, &[split]).unwrap_err();
    assert!(matches!(err, StoreError::SpanOutsideText { ref field, .. } if field == "claims[0]"), "{err:?}");

    let s = stats(&store);
    assert_eq!((s.documents, s.incidents), (0, 0));
}

#[test]
fn evidence_and_claims_are_stored_as_rows_pointing_into_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let IngestOutcome::New { document_id, .. } = store.ingest(&doc("s.txt", SALTILLO), &[saltillo()]).unwrap() else {
        panic!("new");
    };

    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt =
        conn.prepare("SELECT field, span_start, span_end, document_id FROM evidence ORDER BY field").unwrap();
    let evidence: Vec<(String, isize, isize, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let quoted: Vec<(&str, &str)> =
        evidence.iter().map(|(f, s, e, _)| (f.as_str(), &SALTILLO[*s as usize..*e as usize])).collect();
    assert_eq!(quoted, [("event_date", "Wednesday, July 31"), ("fatalities", "shot dead"), ("location", "Saltillo.")]);
    assert!(evidence.iter().all(|e| DocumentId(e.3) == document_id));

    let (text, attributed_to, stance, fact, value): (String, String, String, String, String) = conn
        .query_row("SELECT text, attributed_to, stance, fact, value FROM claims", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap();
    assert_eq!(
        (text.as_str(), attributed_to.as_str(), stance.as_str(), fact.as_str(), value.as_str()),
        ("the man fired first", "The Coahuila Prosecutor's Office", "official", "victim_armed", "yes")
    );

    let (categories, harms, admin1_folded): (String, String, String) = conn
        .query_row("SELECT perpetrator_categories, harms, admin1_folded FROM incident_versions", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(categories, r#"["Police"]"#);
    assert_eq!(harms, r#"["killing","shooting"]"#);
    assert_eq!(admin1_folded, "coahuila");
}

#[test]
fn sql_metacharacters_are_stored_verbatim() {
    let mut store = memory();
    let evil = "'); DROP TABLE documents;--";
    let text = format!("Robert{evil} \"quoted\" 100% _under_ \\ back\0slash and NUL");
    let mut d = doc(&format!("{evil}.txt"), &text);
    d.metadata.title = Some(evil.to_string());
    d.metadata.publisher = Some(format!("{evil}\"; DELETE FROM incidents; --"));
    d.metadata_source = serde_json::json!({ "title": evil });
    let mut incident = saltillo();
    incident.evidence.clear();
    incident.claims.clear();
    incident.location.as_mut().unwrap().admin1 = Some(evil.to_string().into());
    incident.victims.group = Some(evil.to_string());

    let IngestOutcome::New { incident_ids, .. } = store.ingest(&d, &[incident.clone()]).unwrap() else {
        panic!("new");
    };
    let record = store.document_by_sha256(&d.sha256).unwrap().unwrap();
    assert_eq!(record.name, d.name);
    assert_eq!(record.text, text);
    assert_eq!(record.metadata, d.metadata);
    assert_eq!(record.metadata_source, d.metadata_source);
    assert_eq!(store.incident(incident_ids[0]).unwrap().unwrap().incident, incident);

    // Filtering by the same string finds it, and the tables are all still there.
    let filter = IncidentFilter { admin1: Some(evil.to_string()), ..IncidentFilter::default() };
    assert_eq!(store.incidents(&filter).unwrap().len(), 1);
    let filter = IncidentFilter { country: Some(evil.to_string()), ..IncidentFilter::default() };
    assert!(store.incidents(&filter).unwrap().is_empty());
    store.revise_incident(incident_ids[0], &incident, evil, evil).unwrap();
    let detail = store.incident(incident_ids[0]).unwrap().unwrap();
    assert_eq!((detail.versions[1].author.as_str(), detail.versions[1].reason.as_str()), (evil, evil));
    let s = stats(&store);
    assert_eq!((s.documents, s.incidents, s.incident_versions), (1, 1, 2));
}

#[test]
fn ids_display_as_bare_numbers() {
    assert_eq!(IncidentId(1).to_string(), "1");
    assert_eq!(DocumentId(42).to_string(), "42");
}
