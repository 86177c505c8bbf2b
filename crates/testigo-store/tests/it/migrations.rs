use testigo_store::{IncidentFilter, SqliteStore, Store, StoreError};

use crate::{doc, saltillo, stats, SALTILLO};

/// The schema version this testigo creates: 1, then 2 for linking (issue 4), 3 for several
/// documents of one original, 4 for the audit log and 5 for encryption at rest (issue 6), 6 for
/// the web application (issue 5), 7 for user management by admins and 8 for the latency of the
/// list and the search (issue 5).
pub const LATEST_SCHEMA: i64 = 8;

fn applied(path: &std::path::Path) -> Vec<(i64, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_new_file_gets_the_schema_and_reopening_does_not_reapply_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST_SCHEMA);
        assert_eq!(store.path(), path);
        store.ingest(&doc("s.txt", SALTILLO), &[saltillo()]).unwrap();
    }
    let first = applied(&path);
    assert_eq!(first.iter().map(|a| a.0).collect::<Vec<_>>(), (1..=LATEST_SCHEMA).collect::<Vec<_>>());

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(applied(&path), first, "the migration was applied again");
    assert_eq!(store.schema_version().unwrap(), LATEST_SCHEMA);
    let s = stats(&store);
    assert_eq!((s.documents, s.incidents), (1, 1));
    assert_eq!(store.incidents(&IncidentFilter::default()).unwrap()[0].incident, saltillo());
}

#[test]
fn the_file_is_in_wal_mode_with_testigos_application_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let _store = SqliteStore::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(app, 0x5453_5447);
}

#[test]
fn an_existing_empty_file_becomes_a_database() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let store = SqliteStore::open(file.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_SCHEMA);
}

#[test]
fn a_database_from_a_newer_testigo_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 'future')", []).unwrap();
    drop(conn);

    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::SchemaTooNew { found: 99, known: LATEST_SCHEMA, .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("schema version 99") && message.contains("upgrade testigo"), "{message}");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let content = "These are my notes about the Saltillo shooting, not a database.\n".repeat(20);
    std::fs::write(&path, &content).unwrap();

    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotSqlite { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("notes.txt") && message.contains("not a testigo database"), "{message}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');").unwrap();
    drop(conn);

    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotTestigo { .. }), "{err:?}");
    assert!(err.to_string().contains("not a testigo database"), "{err}");

    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete", "opening must not switch someone else's file to WAL");
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 1);
}

#[test]
fn a_path_in_a_missing_directory_gives_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = SqliteStore::open(&dir.path().join("missing/dir/testigo.db")).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("check that the directory exists"), "{err}");
}

#[test]
fn stored_versions_and_originals_cannot_be_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut store = SqliteStore::open(&path).unwrap();
    store.ingest(&doc("s.txt", SALTILLO), &[saltillo()]).unwrap();

    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE incident_versions SET fatalities = 5",
        "DELETE FROM incident_versions",
        "UPDATE originals SET bytes = x'00'",
        "DELETE FROM originals",
        "UPDATE evidence SET span_start = 0",
        "UPDATE claims SET text = 'x'",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("immutable"), "{sql}: {err}");
    }
    let detail = store.incident(store.all_incidents().unwrap()[0].id).unwrap().unwrap();
    assert_eq!(detail.incident, saltillo());
}

#[test]
fn two_stores_on_one_file_see_each_others_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    let d = doc("s.txt", SALTILLO);
    let first = a.ingest(&d, &[saltillo()]).unwrap();
    let second = b.ingest(&d, &[saltillo()]).unwrap();
    let testigo_store::IngestOutcome::New { document_id, .. } = first else {
        panic!("new");
    };
    assert_eq!(second, testigo_store::IngestOutcome::AlreadyKnown { document_id });
    assert_eq!(stats(&b).incidents, 1);
}
