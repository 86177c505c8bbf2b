//! The audit log (issue 6): every write appends hash-chained entries, and `verify` finds the
//! first record edited behind testigo's back.

use std::path::Path;

use testigo_store::monitor::{IncidentQuery, Sort};
use testigo_store::{audit_hash, AuditFilter, IncidentId, SqliteStore, Store, StoreError, GENESIS_HASH};

use crate::link::SameDayAndPlace;
use crate::{doc, saltillo, SALTILLO};

/// Runs SQL on the file as an attacker would: with the write-once triggers dropped.
pub fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    conn.execute_batch(sql).unwrap();
}

fn stored(path: &Path) -> SqliteStore {
    let mut store = SqliteStore::open(path).unwrap();
    store.ingest(&doc("saltillo.txt", SALTILLO), &[saltillo()]).unwrap();
    let mut revised = saltillo();
    revised.fatalities = Some(2);
    store.revise_incident(IncidentId(1), &revised, "ana", "the second victim died in hospital").unwrap();
    store
}

#[test]
fn every_write_appends_a_chained_entry_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = stored(&path);
    let all = store.audit_log(&AuditFilter::default()).unwrap();
    let actions: Vec<(&str, &str, &str)> =
        all.iter().map(|e| (e.action.as_str(), e.target.as_str(), e.actor.as_str())).collect();
    assert_eq!(
        actions,
        [("revise", "incident:1", "ana"), ("extract", "incident:1", "tester"), ("ingest", "document:1", "tester")]
    );
    assert_eq!(all[2].subject_sha256, crate::sha256_hex(SALTILLO.as_bytes()));
    assert_eq!(all[2].prev_hash, GENESIS_HASH);
    assert_eq!(all[0].reason, "the second victim died in hospital");
    for pair in all.windows(2) {
        assert_eq!(pair[0].prev_hash, pair[1].hash);
        assert_eq!(pair[0].seq, pair[1].seq + 1);
    }
    // The documented encoding.
    let e = &all[0];
    let at = e.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    assert_eq!(e.hash, audit_hash(e.seq, &at, &e.actor, &e.action, &e.target, &e.reason, &e.subject_sha256, &e.prev_hash));
    // The subject of a version entry is the SHA-256 of the version's JSON.
    let v2 = store.incident_version(IncidentId(1), 2).unwrap().unwrap();
    assert_eq!(e.subject_sha256, crate::sha256_hex(serde_json::to_string(&v2).unwrap().as_bytes()));

    let page = store.audit_log(&AuditFilter { target: Some("incident:1".to_string()), limit: 1, offset: 1 }).unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].action, "extract");

    let own = store.append_audit("admin", "user_add", "user:ana", "new analyst", GENESIS_HASH).unwrap();
    assert_eq!(own.seq, 4);
    assert_eq!(own.prev_hash, all[0].hash);
    assert!(matches!(
        store.append_audit("admin", "x", "y", "z", "nope"),
        Err(StoreError::InvalidSha256 { .. })
    ));
    let report = store.verify().unwrap();
    assert_eq!((report.originals, report.audit_entries, report.documents, report.incident_versions), (1, 4, 1, 2));
    assert_eq!(report.head_hash, own.hash);
}

#[test]
fn merges_and_splits_are_audited_and_verify() {
    let mut store = crate::memory();
    let linker = SameDayAndPlace;
    store.ingest(&doc("a.txt", SALTILLO), &[saltillo()]).unwrap();
    let other = format!("{SALTILLO} Más tarde.");
    store.ingest(&doc("b.txt", &other), &[saltillo()]).unwrap();
    store.merge_incidents(IncidentId(1), IncidentId(2), &linker, "ana", "same shooting").unwrap();
    let sha_b = crate::sha256_hex(other.as_bytes());
    store.split_source(IncidentId(1), &sha_b, &linker, "luis", "another day").unwrap();
    let actions: Vec<String> = store
        .audit_log(&AuditFilter::default())
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| format!("{} {} {}", e.action, e.target, e.actor))
        .collect();
    assert_eq!(
        actions,
        [
            "ingest document:1 tester",
            "extract incident:1 tester",
            "ingest document:2 tester",
            "extract incident:2 tester",
            "merge incident:2 ana",
            "merge incident:1 ana",
            "split incident:3 luis",
            "split incident:1 luis",
        ]
    );
    let report = store.verify().unwrap();
    assert_eq!(report.incident_versions, 6);
}

#[test]
fn the_audit_log_cannot_be_changed_through_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(stored(&path));
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(conn.execute("UPDATE audit_log SET reason = 'x' WHERE seq = 1", []).is_err());
    assert!(conn.execute("DELETE FROM audit_log WHERE seq = 3", []).is_err());
}

#[test]
fn verify_names_an_edited_original() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(stored(&path));
    // One byte of the original: 'S' → 'X'.
    tamper(&path, "UPDATE originals SET bytes = CAST('X' AS BLOB) || substr(bytes, 2)");
    let err = SqliteStore::open(&path).unwrap().verify().unwrap_err();
    let sha = crate::sha256_hex(SALTILLO.as_bytes());
    match &err {
        StoreError::Tampered { what, .. } => assert_eq!(what, &format!("original {sha}")),
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("hash to"), "{err}");
}

#[test]
fn verify_names_an_edited_audit_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(stored(&path));
    tamper(&path, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2");
    let err = SqliteStore::open(&path).unwrap().verify().unwrap_err();
    assert!(matches!(&err, StoreError::Tampered { what, .. } if what == "audit entry 2"), "{err}");
    assert!(err.to_string().contains("someone else"), "{err}");

    // Rewriting the entry's hash too breaks the next entry's link.
    drop(stored(&dir.path().join("b.db")));
    let b = dir.path().join("b.db");
    tamper(&b, "UPDATE audit_log SET hash = 'f' || substr(hash, 2) WHERE seq = 2");
    let err = SqliteStore::open(&b).unwrap().verify().unwrap_err();
    assert!(matches!(&err, StoreError::Tampered { what, .. } if what == "audit entry 2"), "{err}");

    // A removed entry in the middle.
    drop(stored(&dir.path().join("c.db")));
    let c = dir.path().join("c.db");
    tamper(&c, "DELETE FROM audit_log WHERE seq = 2");
    let err = SqliteStore::open(&c).unwrap().verify().unwrap_err();
    assert!(matches!(&err, StoreError::Tampered { what, .. } if what == "audit entry 2"), "{err}");
}

#[test]
fn verify_names_an_edited_incident_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(stored(&path));
    tamper(&path, "UPDATE incident_versions SET record = replace(record, '\"fatalities\":2', '\"fatalities\":0') WHERE version = 2");
    let err = SqliteStore::open(&path).unwrap().verify().unwrap_err();
    assert!(matches!(&err, StoreError::Tampered { what, .. } if what == "incident 1 version 2"), "{err}");
}

#[test]
fn a_schema_3_database_gets_an_entry_for_everything_already_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    SqliteStore::create_at_schema_version(&path, 3).unwrap();
    // Written by the old schema: no audit log yet.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
    let store = SqliteStore::open(&path).unwrap();
    let report = store.verify().unwrap();
    assert_eq!(report.audit_entries, 0);
    drop(store);

    // A store at schema 3 with data: build it with the current code, then remove the audit log
    // and the schema 4 record, as if schema 4 had never been applied.
    let old = dir.path().join("old2.db");
    drop(stored(&old));
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch(
            "DROP TRIGGER sources_fts_link; DROP TRIGGER sources_fts_unlink; DROP TRIGGER sources_fts_seal; \
             DROP TABLE sources_fts; DROP TABLE analyst_overrides; \
             DROP TABLE verification; DROP TABLE api_tokens; DROP TABLE sessions; DROP TABLE users; \
             DROP INDEX incident_index_by_date; DROP INDEX incident_index_admin1; \
             DROP TRIGGER incident_versions_facets; DROP TABLE incident_facets; \
             DROP TABLE audit_log; DROP TABLE keyring; ALTER TABLE originals DROP COLUMN sealed; \
             ALTER TABLE documents DROP COLUMN sealed; \
             DELETE FROM schema_migrations WHERE version >= 4;",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&old).unwrap();
    let log = store.audit_log(&AuditFilter::default()).unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["ingest", "version", "version"]);
    assert_eq!(log[2].actor, "testigo (recorded by migration 4)");
    assert_eq!(log[0].actor, "ana");
    let report = store.verify().unwrap();
    assert_eq!((report.originals, report.documents, report.incident_versions), (1, 1, 2));
    // Migration 8 indexed the stored source for search and copied the state and date of the
    // current version into the facets, which the order by fatalities reads (issue 5).
    let query = IncidentQuery { text: Some("shot".into()), admin1: Some("coahuila".into()), sort: Sort::FatalitiesDesc, ..IncidentQuery::default() };
    let page = store.search_incidents(&query).unwrap();
    assert_eq!((page.total, page.items.len(), page.items[0].summary.incident.fatalities), (1, 1, Some(2)));
}

/// Edits that leave originals and records alone but change what the store says about them: a
/// document's metadata, evidence and claim rows, the search index, a link ended silently
/// (acceptance finding D4).
#[test]
fn verify_names_edited_metadata_index_and_links() {
    let cases = [
        ("UPDATE documents SET published = '2019-07-01'", "document 1"),
        ("UPDATE documents SET url = 'https://example.org/other'", "document 1"),
        ("UPDATE incident_index SET event_type = 'Protests'", "incident 1's search index"),
        ("UPDATE incident_index SET admin1_folded = 'sonora'", "incident 1's search index"),
        ("UPDATE evidence SET span_end = span_end - 1 WHERE incident_version_id = 2", "incident 1 version 2's evidence"),
        ("UPDATE claims SET attributed_to = 'nadie' WHERE incident_version_id = 1", "incident 1 version 1's claims[0]"),
        (
            "UPDATE incident_versions SET event_type = 'Protests' WHERE version = 2; \
             UPDATE incident_index SET event_type = 'Protests'",
            "incident 1 version 2's filter columns",
        ),
        ("UPDATE incident_sources SET active = 0, unlinked_at = '2024-01-01T00:00:00.000000000Z'", "the link of incident 1 to document 1"),
    ];
    for (sql, named) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        drop(stored(&path));
        SqliteStore::open(&path).unwrap().verify().unwrap();
        tamper(&path, sql);
        let err = SqliteStore::open(&path).unwrap().verify().unwrap_err();
        let StoreError::Tampered { what, .. } = &err else { panic!("{sql}: {err:?}") };
        assert_eq!(what, named, "{sql}: {err}");
    }
}

/// A link the linker made, then its reason or its end edited in the file (finding D4).
#[test]
fn verify_names_an_edited_link_reason_or_a_silent_unlink() {
    for (sql, named) in [
        ("UPDATE incident_sources SET link_reason = 'analyst said so' WHERE role = 'linked'", "the link of incident 1 to document 2"),
        (
            "UPDATE incident_sources SET active = 0, unlinked_at = '2024-01-01T00:00:00.000000000Z' WHERE role = 'linked'",
            "the link of incident 1 to document 2",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.db");
        {
            let mut store = SqliteStore::open(&path).unwrap();
            store.ingest_linked(&doc("a.txt", SALTILLO), &[saltillo()], &SameDayAndPlace).unwrap();
            let other = format!("{SALTILLO} Más tarde.");
            store.ingest_linked(&doc("b.txt", &other), &[saltillo()], &SameDayAndPlace).unwrap();
            assert_eq!(store.incident(IncidentId(1)).unwrap().unwrap().sources.len(), 2, "linked");
            store.verify().unwrap();
        }
        tamper(&path, sql);
        let err = SqliteStore::open(&path).unwrap().verify().unwrap_err();
        let StoreError::Tampered { what, .. } = &err else { panic!("{sql}: {err:?}") };
        assert_eq!(what, named, "{sql}: {err}");
    }
}
