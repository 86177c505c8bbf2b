//! One original, several sources (issue 5): a document is its bytes *and* its metadata. A wire
//! story reprinted verbatim by a newspaper is the same bytes under another publisher: another
//! document, another source of the incident, sharing the stored original.

use std::path::Path;

use testigo_core::Language;
use testigo_store::{
    source_key, DocumentId, IncidentFilter, IncidentId, IngestOutcome, NewDocument, SourceRole, SqliteStore, Store,
    StoreError,
};

use crate::link::{count, ingest, shelter, SameDayAndPlace, SHELTER};
use crate::migrations::LATEST_SCHEMA;
use crate::{at, doc, memory, row_counts, saltillo, sha256_hex, stats, SALTILLO};

/// The wire service's copy of the Saltillo story.
fn wire() -> NewDocument {
    let mut d = doc("saltillo-wire-copy-en.txt", SALTILLO);
    d.metadata.title = Some("Migrant shot dead by police in northern Mexico, shelter says".to_string());
    d.metadata.publisher = Some("example wire service".to_string());
    d.metadata.url = None;
    d
}

/// The same bytes, reprinted by a newspaper: only the publisher differs.
fn reprint() -> NewDocument {
    let mut d = wire();
    d.name = "saltillo-wire-copy-reprint-en.txt".to_string();
    d.metadata.publisher = Some("example newspaper reprinting the wire story".to_string());
    d.ingested_at = at(2);
    d
}

fn table_count(rows: &[(String, i64)], table: &str) -> i64 {
    rows.iter().find(|(t, _)| t == table).map(|(_, n)| *n).unwrap()
}

#[test]
fn the_same_bytes_with_the_same_metadata_are_already_known_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let (document_id, _) = ingest(&mut store, &wire(), &[saltillo()]);
    let before = row_counts(&path);

    // Another file name, ingest time, language and case of the digest: not part of the key.
    let mut again = wire();
    again.name = "copy/of/the/wire.txt".to_string();
    again.ingested_at = at(9);
    again.metadata.language = Some(Language::Es);
    again.sha256 = again.sha256.to_ascii_uppercase();
    assert_eq!(source_key(&again.sha256, &again.metadata), source_key(&wire().sha256, &wire().metadata));
    let outcome = store.ingest_linked(&again, &[saltillo(), shelter()], &SameDayAndPlace).unwrap();
    assert_eq!(outcome, IngestOutcome::AlreadyKnown { document_id });
    assert_eq!(store.ingest(&again, &[saltillo()]).unwrap(), IngestOutcome::AlreadyKnown { document_id });
    assert_eq!(row_counts(&path), before);

    let record = store.document(document_id).unwrap().unwrap();
    assert_eq!(record.name, "saltillo-wire-copy-en.txt");
    assert_eq!(record.source_key, source_key(&wire().sha256, &wire().metadata));
    assert_eq!(store.documents_by_sha256(&wire().sha256).unwrap(), [record]);
}

#[test]
fn the_same_bytes_from_another_publisher_are_a_second_source_of_the_same_incident() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let (wire_id, links) = ingest(&mut store, &wire(), &[saltillo()]);
    let id = links[0].incident_id;
    let before = row_counts(&path);

    let (reprint_id, links) = ingest(&mut store, &reprint(), &[saltillo()]);
    assert_ne!(reprint_id, wire_id);
    assert_eq!(links.len(), 1);
    assert!(links[0].linked && links[0].incident_id == id, "{links:?}");

    // A new document row, but the original is stored once.
    let after = row_counts(&path);
    assert_eq!(table_count(&after, "originals"), table_count(&before, "originals"));
    assert_eq!(table_count(&after, "documents"), table_count(&before, "documents") + 1);
    let s = stats(&store);
    assert_eq!((s.documents, s.originals, s.incidents), (2, 1, 1));
    assert_eq!(store.original(&wire().sha256).unwrap().as_deref(), Some(SALTILLO.as_bytes()));

    // Each document keeps its own metadata, name, ingest time and key.
    let both = store.documents_by_sha256(&wire().sha256.to_ascii_uppercase()).unwrap();
    assert_eq!(both.iter().map(|d| d.id).collect::<Vec<_>>(), [wire_id, reprint_id]);
    assert_eq!(both[0].metadata, wire().metadata);
    assert_eq!(both[1].metadata, reprint().metadata);
    assert_eq!(both[1].name, "saltillo-wire-copy-reprint-en.txt");
    assert_eq!(both[1].ingested_at, at(2));
    assert_eq!(both[1].size, SALTILLO.len() as u64);
    assert_eq!(both[1].source_key, source_key(&reprint().sha256, &reprint().metadata));
    assert_ne!(both[0].source_key, both[1].source_key);
    assert_eq!(store.document_by_sha256(&wire().sha256).unwrap().as_ref(), Some(&both[0]), "the first one");
    assert_eq!(store.document(reprint_id).unwrap().as_ref(), Some(&both[1]));
    assert!(store.documents_by_sha256(&sha256_hex(b"never stored")).unwrap().is_empty());

    // Both are sources of the one incident, each with its own observation.
    let detail = store.incident(id).unwrap().unwrap();
    let sources: Vec<_> = detail.sources.iter().map(|s| (s.document.id, s.role, s.active)).collect();
    assert_eq!(sources, [(wire_id, SourceRole::Origin, true), (reprint_id, SourceRole::Linked, true)]);
    assert_eq!(detail.sources[1].document.metadata.publisher.as_deref(), reprint().metadata.publisher.as_deref());
    let observed: Vec<_> = detail.observations.iter().map(|o| (o.document_id, o.sha256.clone())).collect();
    assert_eq!(observed, [(wire_id, wire().sha256), (reprint_id, wire().sha256)]);
    assert_eq!(detail.observations[1].metadata, reprint().metadata);
    let listed = store.incidents(&IncidentFilter::default()).unwrap();
    assert_eq!(listed.iter().map(|s| (s.id, s.sources)).collect::<Vec<_>>(), [(id, 2)]);

    // Any other field of the metadata makes another document too.
    let mut other_url = reprint();
    other_url.metadata.url = Some("https://example.com/reprint".to_string());
    let mut other_title = reprint();
    other_title.metadata.title = Some("Police kill migrant".to_string());
    let mut other_day = reprint();
    other_day.metadata.published = Some(crate::date("2019-08-03"));
    for d in [other_url, other_title, other_day] {
        let (document_id, links) = ingest(&mut store, &d, &[saltillo()]);
        assert!(links[0].linked && links[0].incident_id == id);
        assert_eq!(store.document(document_id).unwrap().unwrap().metadata, d.metadata);
    }
    let s = stats(&store);
    assert_eq!((s.documents, s.originals, s.incidents), (5, 1, 1));
    assert_eq!(store.incident(id).unwrap().unwrap().sources.len(), 5);
}

#[test]
fn without_linking_a_reprint_stores_its_own_incidents() {
    let mut store = memory();
    let IngestOutcome::New { document_id: first, .. } = store.ingest(&wire(), &[saltillo()]).unwrap() else {
        panic!("new");
    };
    let IngestOutcome::New { document_id: second, incident_ids, .. } = store.ingest(&reprint(), &[saltillo()]).unwrap()
    else {
        panic!("a reprint is a new document");
    };
    assert_ne!(first, second);
    let detail = store.incident(incident_ids[0]).unwrap().unwrap();
    assert_eq!(
        detail.sources.iter().map(|s| (s.document.id, s.role)).collect::<Vec<_>>(),
        [(second, SourceRole::Origin)]
    );
    assert!(detail.spans.iter().all(|s| s.document_id == second), "spans point into the reprint's text");
    let s = stats(&store);
    assert_eq!((s.documents, s.originals, s.incidents), (2, 1, 2));
}

#[test]
fn splitting_by_an_ambiguous_sha256_is_refused_and_by_document_id_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let linker = SameDayAndPlace;
    let (wire_id, links) = ingest(&mut store, &wire(), &[saltillo()]);
    let id = links[0].incident_id;
    let (reprint_id, _) = ingest(&mut store, &reprint(), &[saltillo()]);
    let (shelter_id, links) = ingest(&mut store, &doc("shelter.txt", SHELTER), &[shelter()]);
    assert_eq!(links[0].incident_id, id);
    let before = row_counts(&path);

    // Two active sources have these bytes: the store does not guess.
    let err = store.split_source(id, &wire().sha256, &linker, "ana", "x").unwrap_err();
    let StoreError::AmbiguousSource { id: named, ref sha256, ref documents } = err else {
        panic!("expected AmbiguousSource, got {err:?}");
    };
    assert_eq!(
        (named, sha256.as_str(), documents.as_slice()),
        (id, wire().sha256.as_str(), &[wire_id, reprint_id][..])
    );
    let message = err.to_string();
    assert!(message.contains(&format!("documents {wire_id}, {reprint_id}")), "{message}");
    assert!(message.contains("document id"), "{message}");
    assert_eq!(row_counts(&path), before, "a refused split writes nothing");

    // Refused splits by document id.
    let stranger = store.split_document(id, DocumentId(999), &linker, "ana", "x").unwrap_err();
    assert!(matches!(stranger, StoreError::DocumentNotASource { id: i, document: DocumentId(999) } if i == id));
    assert!(stranger.to_string().contains("document 999 is not a source"), "{stranger}");
    let unknown = store.split_document(IncidentId(999), wire_id, &linker, "ana", "x").unwrap_err();
    assert!(matches!(unknown, StoreError::UnknownIncident { id: IncidentId(999) }), "{unknown:?}");
    assert_eq!(row_counts(&path), before);

    // The reprint, named by its id, becomes an incident of its own; the wire copy stays.
    let c = store.split_document(id, reprint_id, &linker, "ben", "a different story after all").unwrap();
    let split_off = store.incident(c).unwrap().unwrap();
    assert_eq!(
        split_off.sources.iter().map(|s| (s.document.id, s.role)).collect::<Vec<_>>(),
        [(reprint_id, SourceRole::Origin)]
    );
    assert_eq!(split_off.observations.iter().map(|o| o.document_id).collect::<Vec<_>>(), [reprint_id]);
    let remaining = store.incident(id).unwrap().unwrap();
    let sources: Vec<_> = remaining.sources.iter().map(|s| (s.document.id, s.active)).collect();
    assert_eq!(sources, [(wire_id, true), (reprint_id, false), (shelter_id, true)]);
    let last = remaining.versions.last().unwrap();
    assert_eq!(last.author, "ben");
    assert!(last.reason.contains(&format!("(document {reprint_id}) into incident {c}")), "{}", last.reason);

    // Now only one active source has those bytes: the SHA-256 names it.
    let d = store.split_source(id, &wire().sha256, &linker, "ben", "x").unwrap();
    assert_eq!(store.incident(d).unwrap().unwrap().observations[0].document_id, wire_id);
    let gone = store.split_document(id, wire_id, &linker, "ben", "x").unwrap_err();
    assert!(matches!(gone, StoreError::DocumentNotASource { .. }), "{gone:?}");
    let only = store.split_document(id, shelter_id, &linker, "ben", "x").unwrap_err();
    assert!(matches!(only, StoreError::OnlySource { ref sha256, .. } if *sha256 == sha256_hex(SHELTER.as_bytes())));
    assert_eq!(count(&path, "SELECT count(*) FROM incident_sources WHERE active = 1"), 3);
}

/// Stored in the schema-2 database: the Saltillo report, with the metadata of [`doc`].
const OLD_SALTILLO_ID: i64 = 5;
/// Stored in the schema-2 database: the shelter's report, linked to the same incident.
const OLD_SHELTER_ID: i64 = 9;
/// The `documents` AUTOINCREMENT high-water mark of the schema-2 database (as if later ids had
/// been used by a rolled-back write): ids are never reused.
const OLD_SEQUENCE: i64 = 20;

/// Creates a database as testigo with schema version 2 left it: two documents (ids 5 and 9)
/// reporting one incident (id 1, two versions), with observations, evidence and a claim
/// pointing into both. Returns the incident's id.
fn version_2_database(path: &Path) -> i64 {
    SqliteStore::create_at_schema_version(path, 2).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    let version: i64 = conn.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 2);
    let columns: i64 = conn
        .query_row("SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'source_key'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(columns, 0, "version 2 has no source keys");

    let when = "2024-05-01T12:30:00.000000000Z";
    let saltillo_doc = doc("vanguardia.txt", SALTILLO);
    let m = &saltillo_doc.metadata;
    for (id, text, name, title, publisher, url, simhash) in [
        (
            OLD_SALTILLO_ID,
            SALTILLO,
            "vanguardia.txt",
            m.title.as_deref(),
            m.publisher.as_deref(),
            m.url.as_deref(),
            None,
        ),
        (OLD_SHELTER_ID, SHELTER, "shelter.txt", None, Some("Casa del Migrante"), None, Some(-6_i64)),
    ] {
        let sha256 = sha256_hex(text.as_bytes());
        conn.execute(
            "INSERT INTO originals (sha256, size, bytes) VALUES (?1, ?2, ?3)",
            rusqlite::params![sha256, text.len() as i64, text.as_bytes()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO documents (id, sha256, name, kind, title, publisher, url, published, language, text, \
             metadata_source, ingested_at, simhash) \
             VALUES (?1, ?2, ?3, 'text', ?4, ?5, ?6, '2019-08-02', 'en', ?7, '{}', ?8, ?9)",
            rusqlite::params![id, sha256, name, title, publisher, url, text, when, simhash],
        )
        .unwrap();
    }
    conn.execute("UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'documents'", [OLD_SEQUENCE]).unwrap();
    conn.execute("INSERT INTO incidents (created_at) VALUES (?1)", [when]).unwrap();
    let incident_id = conn.last_insert_rowid();
    let mut merged = saltillo();
    merged.fatalities = Some(2);
    merged.evidence.insert("fatalities".into(), shelter().evidence["fatalities"].clone());
    merged.claims.push(shelter().claims[0].clone());
    for (version, record) in [(1, saltillo()), (2, merged.clone())] {
        conn.execute(
            "INSERT INTO incident_versions (incident_id, version, record, created_at, author, reason, \
             event_date, event_date_end, date_precision, event_type, sub_event_type, country, admin1, \
             admin1_folded, location_name, latitude, longitude, fatalities, perpetrator_categories, harms) \
             VALUES (?1, ?2, ?3, ?4, 'testigo link', 'linked', '2019-07-31', '2019-07-31', 'day', \
             'Violence against civilians', 'Attack', 'MX', 'Coahuila', 'coahuila', 'Saltillo', 25.4232, \
             -101.0053, ?5, '[\"Police\"]', '[\"killing\",\"shooting\"]')",
            rusqlite::params![incident_id, version, serde_json::to_string(&record).unwrap(), when, record.fatalities],
        )
        .unwrap();
    }
    let version_2: i64 = conn.last_insert_rowid();
    for (position, document_id, role, record) in
        [(0, OLD_SALTILLO_ID, "origin", saltillo()), (1, OLD_SHELTER_ID, "linked", shelter())]
    {
        conn.execute(
            "INSERT INTO incident_sources (incident_id, document_id, role, link_score, link_reason, created_at) \
             VALUES (?1, ?2, ?3, ?4, 'same day and place', ?5)",
            rusqlite::params![incident_id, document_id, role, (role == "linked").then_some(0.9), when],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO observations (incident_id, document_id, position, record, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![incident_id, document_id, position, serde_json::to_string(&record).unwrap(), when],
        )
        .unwrap();
    }
    // Version 2's spans: the fatalities and the second claim point into the shelter's report.
    for (field, span) in merged.evidence.iter().flat_map(|(f, spans)| spans.iter().map(move |s| (f, s))) {
        let document_id = if field == "fatalities" { OLD_SHELTER_ID } else { OLD_SALTILLO_ID };
        conn.execute(
            "INSERT INTO evidence (incident_version_id, document_id, field, span_start, span_end) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![version_2, document_id, field, span.start() as i64, span.end() as i64],
        )
        .unwrap();
    }
    for (position, claim) in merged.claims.iter().enumerate() {
        let document_id = if position == 0 { OLD_SALTILLO_ID } else { OLD_SHELTER_ID };
        conn.execute(
            "INSERT INTO claims (incident_version_id, document_id, position, text, attributed_to, stance, \
             fact, value, span_start, span_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            rusqlite::params![
                version_2,
                document_id,
                position as i64,
                claim.text,
                claim.attributed_to,
                claim.stance.as_str(),
                claim.fact,
                claim.value,
                claim.span.start() as i64,
                claim.span.end() as i64
            ],
        )
        .unwrap();
    }
    incident_id
}

#[test]
fn a_version_2_database_is_upgraded_keeping_every_document_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let id = IncidentId(version_2_database(&path));
    let before = row_counts(&path);

    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_SCHEMA);
    // Every row is still there; only the bookkeeping grew.
    for ((table, b), (_, a)) in before.iter().zip(row_counts(&path)) {
        let expected = if table == "schema_migrations" { b + (LATEST_SCHEMA - 2) } else { *b };
        assert_eq!(a, expected, "{table}");
    }
    assert_eq!(count(&path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

    // The documents keep their ids and fields, and have their keys.
    let saltillo_doc = store.document(DocumentId(OLD_SALTILLO_ID)).unwrap().unwrap();
    assert_eq!(saltillo_doc.name, "vanguardia.txt");
    assert_eq!(saltillo_doc.metadata, doc("x", SALTILLO).metadata);
    assert_eq!(saltillo_doc.source_key, source_key(&saltillo_doc.sha256, &saltillo_doc.metadata));
    let shelter_doc = store.document_by_sha256(&sha256_hex(SHELTER.as_bytes())).unwrap().unwrap();
    assert_eq!(shelter_doc.id, DocumentId(OLD_SHELTER_ID));
    assert_eq!(shelter_doc.simhash, Some(u64::MAX - 5));
    assert_eq!(shelter_doc.source_key, source_key(&shelter_doc.sha256, &shelter_doc.metadata));

    // Sources, observations and spans still point at the same documents.
    let detail = store.incident(id).unwrap().unwrap();
    let sources: Vec<_> = detail.sources.iter().map(|s| (s.document.id.0, s.role, s.link_score)).collect();
    assert_eq!(sources, [(OLD_SALTILLO_ID, SourceRole::Origin, None), (OLD_SHELTER_ID, SourceRole::Linked, Some(0.9))]);
    assert_eq!(
        detail.observations.iter().map(|o| o.document_id.0).collect::<Vec<_>>(),
        [OLD_SALTILLO_ID, OLD_SHELTER_ID]
    );
    let quote = |field: &str| {
        let span = detail.spans.iter().find(|s| s.field == field).unwrap();
        let text = store.document(span.document_id).unwrap().unwrap().text;
        span.span.slice(&text).unwrap().to_string()
    };
    assert_eq!(quote("fatalities"), "two Central American men were shot dead");
    assert_eq!(quote("event_date"), "Wednesday, July 31");
    assert_eq!(quote("claims[1]"), "According to the shelter's director, neither of them was armed.");

    // The schema: no unique constraint on sha256 any more, an index on it, a unique key.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let unique_on: Vec<String> = conn
        .prepare(
            "SELECT i.name FROM pragma_index_list('documents') AS l, pragma_index_info(l.name) AS i \
             WHERE l.\"unique\" = 1",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(unique_on, ["source_key"]);
    assert_eq!(
        count(&path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'documents_sha256'"),
        1
    );
    drop(conn);

    // Same bytes and metadata: already known. Same bytes, another publisher: a new document,
    // with an id never used before, linked to the upgraded incident.
    let outcome = store.ingest_linked(&doc("copy.txt", SALTILLO), &[saltillo()], &SameDayAndPlace).unwrap();
    assert_eq!(outcome, IngestOutcome::AlreadyKnown { document_id: DocumentId(OLD_SALTILLO_ID) });
    let mut reprinted = doc("reprint.txt", SALTILLO);
    reprinted.metadata.publisher = Some("El Siglo de Torreón".to_string());
    let (reprint_id, links) = ingest(&mut store, &reprinted, &[saltillo()]);
    assert_eq!(reprint_id, DocumentId(OLD_SEQUENCE + 1));
    assert!(links[0].linked && links[0].incident_id == id, "{links:?}");
    let s = stats(&store);
    assert_eq!((s.documents, s.originals), (3, 2));
    let ids: Vec<_> = store.documents_by_sha256(&reprinted.sha256).unwrap().iter().map(|d| d.id).collect();
    assert_eq!(ids, [DocumentId(OLD_SALTILLO_ID), reprint_id]);

    // Reopening applies nothing again.
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(count(&path, "SELECT count(*) FROM schema_migrations"), LATEST_SCHEMA);
    assert_eq!(store.incident(id).unwrap().unwrap().sources.len(), 3);
}

#[test]
fn a_version_2_database_with_a_dangling_reference_is_not_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    version_2_database(&path);
    // Written by another program, without foreign-key enforcement.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute(
        "INSERT INTO evidence (incident_version_id, document_id, field, span_start, span_end) \
         VALUES (1, 999, 'location', 0, 1)",
        [],
    )
    .unwrap();
    drop(conn);
    let before = row_counts(&path);

    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Migration { version: LATEST_SCHEMA, .. }), "{err:?}");
    assert!(err.to_string().contains("foreign key"), "{err}");
    assert_eq!(row_counts(&path), before);
    assert_eq!(count(&path, "SELECT max(version) FROM schema_migrations"), 2);
    let keys: i64 = count(&path, "SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'source_key'");
    assert_eq!(keys, 0, "the rebuild was rolled back");
}
