//! Encryption at rest (issue 6): personal data and sensitive documents never reach the file in
//! plain text, and the wrong key, or none, is refused with an error naming the key file.

use std::path::Path;

use testigo_store::monitor::IncidentQuery;
use testigo_store::{IncidentId, NewDocument, SqliteStore, Store, StoreError, StoreKey};

use crate::{doc, saltillo, SALTILLO};

/// Every byte of the database file and its write-ahead log.
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut all = std::fs::read(db).unwrap();
    let wal = db.with_extension("db-wal");
    if let Ok(w) = std::fs::read(wal) {
        all.extend(w);
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn testimony() -> NewDocument {
    NewDocument { sensitive: true, name: "testimonio-rosa-amaya.txt".to_string(), ..doc("t.txt", SALTILLO) }
}

#[test]
fn a_sensitive_document_and_personal_data_are_stored_encrypted_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let key_file = dir.path().join("key");
    StoreKey::create(&key_file).unwrap();
    let mut store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
    assert!(store.key_id().is_some());
    let t = testimony();
    store.ingest(&t, &[saltillo()]).unwrap();
    // A published article stays in plain text, but its incident's claims are personal data.
    let article = doc("article.txt", "Un artículo publicado sobre Tapachula.");
    store.ingest(&article, &[]).unwrap();

    // Read back through the store: plain text.
    let detail = store.incident(IncidentId(1)).unwrap().unwrap();
    assert_eq!(detail.incident, saltillo());
    assert_eq!(detail.sources[0].document.text, SALTILLO);
    assert_eq!(detail.sources[0].document.name, "testimonio-rosa-amaya.txt");
    assert_eq!(store.original(&t.sha256).unwrap().unwrap(), SALTILLO.as_bytes());
    let report = store.verify().unwrap();
    assert_eq!(report.originals, 2);
    drop(store);

    // On disk: nothing of the testimony, nothing of the claims; the article as published.
    let bytes = file_bytes(&db);
    for secret in ["Salvadoran migrant", "rosa-amaya", "the man fired first", "Coahuila Prosecutor's Office said"] {
        assert!(!contains(&bytes, secret), "{secret:?} is in the database file");
    }
    assert!(contains(&bytes, "Un artículo publicado sobre Tapachula."));

    // Without the key file: refused, naming it.
    std::fs::rename(&key_file, dir.path().join("elsewhere")).unwrap();
    let err = SqliteStore::open_with_key_file(&db, &key_file).unwrap_err();
    assert!(matches!(err, StoreError::KeyMissing { .. }), "{err:?}");
    assert!(err.to_string().contains(&key_file.display().to_string()), "{err}");
    // With another key: refused, naming it.
    let other = dir.path().join("other.key");
    StoreKey::create(&other).unwrap();
    let err = SqliteStore::open_with_key_file(&db, &other).unwrap_err();
    assert!(matches!(err, StoreError::WrongKey { .. }), "{err:?}");
    assert!(err.to_string().contains(&other.display().to_string()), "{err}");
    // Plain `open` has no key either.
    assert!(matches!(SqliteStore::open(&db), Err(StoreError::KeyMissing { .. })));
}

#[test]
fn a_sensitive_document_needs_a_key() {
    let mut store = crate::memory();
    let err = store.ingest(&testimony(), &[]).unwrap_err();
    assert!(matches!(err, StoreError::KeyRequired { .. }), "{err:?}");
    assert!(err.to_string().contains("testigo key init"), "{err}");
    assert_eq!(store.stats().unwrap().documents, 0);
}

#[test]
fn rotating_the_key_re_encrypts_everything_and_retires_the_old_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    // Personal data stored before the database had a key...
    {
        let mut store = SqliteStore::open(&db).unwrap();
        store.ingest(&doc("plain.txt", SALTILLO), &[saltillo()]).unwrap();
    }
    // (The claim's speaker is a key of the JSON records only; the text itself is a published
    // article, which stays in plain text.)
    assert!(contains(&file_bytes(&db), "\"attributed_to\""));
    let old_file = dir.path().join("old.key");
    let old = StoreKey::create(&old_file).unwrap();
    let mut store = SqliteStore::open_with_key_file(&db, &old_file).unwrap();
    let t = NewDocument { sensitive: true, ..doc("t.txt", "Testimonio de Rosa Amaya en Saltillo.") };
    store.ingest(&t, &[]).unwrap();

    let new_file = dir.path().join("new.key");
    let new = StoreKey::create(&new_file).unwrap();
    let rotation = store.rotate_key(new.clone(), "admin").unwrap();
    assert_eq!(rotation.old_key_id.as_deref(), Some(old.id()));
    assert_eq!(rotation.new_key_id, new.id());
    // Still readable in this store, and verified.
    assert_eq!(store.original(&t.sha256).unwrap().unwrap(), b"Testimonio de Rosa Amaya en Saltillo.");
    assert_eq!(store.incident(IncidentId(1)).unwrap().unwrap().incident, saltillo());
    store.verify().unwrap();
    let last = store.audit_log(&testigo_store::AuditFilter { limit: 1, ..Default::default() }).unwrap();
    assert_eq!((last[0].action.as_str(), last[0].actor.as_str()), ("key_rotate", "admin"));
    drop(store);

    let bytes = file_bytes(&db);
    // The claims stored in plain text before are now sealed, under the new key only.
    assert!(!contains(&bytes, "\"attributed_to\""));
    assert!(!contains(&bytes, "Rosa Amaya"));
    assert!(!contains(&bytes, &format!("tgk1:54474b31{}", old.id())), "a value is still sealed with the old key");
    assert!(matches!(SqliteStore::open_with_key_file(&db, &old_file), Err(StoreError::WrongKey { .. })));
    let store = SqliteStore::open_with_key_file(&db, &new_file).unwrap();
    assert_eq!(store.original(&t.sha256).unwrap().unwrap(), b"Testimonio de Rosa Amaya en Saltillo.");
    store.verify().unwrap();
}

/// A database with the [`testimony`] ingested under a new key: its folder, file and key file.
fn sealed_testimony_db() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let key_file = dir.path().join("key");
    StoreKey::create(&key_file).unwrap();
    let mut store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
    store.ingest(&testimony(), &[saltillo()]).unwrap();
    (dir, db, key_file)
}

/// Runs `sql` on the file as an attacker would, then `verify`: its error.
fn altered_verify(db: &Path, key_file: &Path, sql: &str) -> StoreError {
    crate::audit::tamper(db, sql);
    SqliteStore::open_with_key_file(db, key_file).unwrap().verify().unwrap_err()
}

#[test]
fn verify_reports_an_altered_original_ciphertext_as_tampering() {
    let (_dir, db, key_file) = sealed_testimony_db();
    let err = altered_verify(
        &db,
        &key_file,
        "UPDATE originals SET bytes = CAST(substr(bytes, 1, 60) || \
         CASE WHEN substr(bytes, 61, 1) = x'00' THEN x'01' ELSE x'00' END || substr(bytes, 62) AS BLOB)",
    );
    // A failed authentication tag on a stored row is tampering, named by the original's digest.
    let StoreError::Tampered { what, .. } = &err else { panic!("{err:?}") };
    assert_eq!(what, &format!("original {}", testimony().sha256));
    assert!(err.to_string().contains("altered"), "{err}");
}

/// A sealed incident record whose ciphertext was altered is tampering too.
#[test]
fn verify_names_an_altered_sealed_record() {
    let (dir, db, key_file) = sealed_testimony_db();
    // The last hex digit of the sealed record, changed.
    let err = altered_verify(
        &db,
        &key_file,
        "UPDATE incident_versions SET record = substr(record, 1, length(record) - 1) || \
         CASE WHEN substr(record, -1) = '0' THEN '1' ELSE '0' END",
    );
    drop(dir);
    let StoreError::Tampered { what, .. } = &err else { panic!("{err:?}") };
    assert_eq!(what, "incident 1 version 1");
}

/// Analysts' reasons (merge, split, revise) are their words, possibly names: with a key they
/// are stored sealed in versions, sources and the audit log, read back in plain text, and the
/// chain still verifies, also after a key rotation.
#[test]
fn analyst_reasons_are_sealed_and_the_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let key_file = dir.path().join("key");
    StoreKey::create(&key_file).unwrap();
    let mut store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
    let (text_a, text_b) = (format!("{SALTILLO} A"), format!("{SALTILLO} B"));
    let a = store.ingest(&doc("a.txt", &text_a), &[saltillo()]).unwrap();
    let b = store.ingest(&doc("b.txt", &text_b), &[saltillo()]).unwrap();
    let (testigo_store::IngestOutcome::New { incident_ids: ia, .. }, testigo_store::IngestOutcome::New { incident_ids: ib, .. }) = (a, b) else {
        panic!("new documents")
    };
    let linker = crate::link::SameDayAndPlace;
    store.merge_incidents(ia[0], ib[0], &linker, "ana", "lo confirmó Julio César Pineda").unwrap();
    let sha_b = doc("b.txt", &text_b).sha256;
    store.split_source(ia[0], &sha_b, &linker, "ana", "según Kevin Adonay no es el mismo").unwrap();
    drop(store);
    let bytes = file_bytes(&db);
    for name in ["Pineda", "Kevin"] {
        assert!(!contains(&bytes, name), "{name} is in the database file in plain text");
    }
    let mut store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
    store.verify().unwrap();
    let detail = store.incident(ia[0]).unwrap().unwrap();
    assert!(detail.versions.iter().any(|v| v.reason.contains("Julio César Pineda")), "{:?}", detail.versions);
    assert!(detail.sources.iter().any(|s| s.link_reason.as_deref().is_some_and(|r| r.contains("Pineda"))));
    let log = store.audit_log(&testigo_store::AuditFilter::default()).unwrap();
    assert!(log.iter().any(|e| e.reason.contains("Kevin Adonay")));
    // The hash of an entry is over its plain reason, as README documents.
    for e in &log {
        let hash = testigo_store::audit_hash(e.seq, &e.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true), &e.actor, &e.action, &e.target, &e.reason, &e.subject_sha256, &e.prev_hash);
        assert_eq!(hash, e.hash, "entry {}", e.seq);
    }
    let new_file = dir.path().join("key2");
    let new = StoreKey::generate(&new_file).unwrap();
    new.write_new(&new_file).unwrap();
    store.rotate_key(new, "admin").unwrap();
    drop(store);
    let store = SqliteStore::open_with_key_file(&db, &new_file).unwrap();
    store.verify().unwrap();
    assert!(store.incident(ia[0]).unwrap().unwrap().versions.iter().any(|v| v.reason.contains("Pineda")));
}

/// Sensitivity follows the bytes: the same bytes ingested again without `--sensitive` are
/// sealed too, and `--sensitive` of bytes stored in plain text seals the stored copies.
#[test]
fn sensitivity_follows_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    StoreKey::create(&key_file).unwrap();
    let text = SALTILLO;
    // 1. Sensitive first, then the same bytes under other metadata, without --sensitive.
    let db = dir.path().join("one.db");
    let mut store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
    store.ingest(&testimony(), &[saltillo()]).unwrap();
    let mut again = doc("copia.txt", text);
    again.metadata.publisher = Some("Casa Amaya".to_string());
    assert!(matches!(store.ingest(&again, &[]).unwrap(), testigo_store::IngestOutcome::New { .. }));
    assert!(store.documents_by_sha256(&again.sha256).unwrap().iter().all(|d| d.sensitive));
    // The sealed publisher is read back in plain text wherever documents are read.
    let observed = store.observations(IncidentId(1)).unwrap();
    assert_eq!(observed[0].metadata.publisher.as_deref(), Some("Vanguardia"));
    store.verify().unwrap();
    drop(store);
    let bytes = file_bytes(&db);
    for needle in ["he had no gun", "Casa Amaya", "copia.txt", "testimonio-rosa-amaya"] {
        assert!(!contains(&bytes, needle), "{needle} is in the file in plain text");
    }

    // 2. Plain first, then --sensitive of the same bytes (same metadata: already known).
    let db = dir.path().join("two.db");
    let mut store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
    let mut plain = testimony();
    plain.sensitive = false;
    plain.metadata.publisher = Some("Casa Amaya".to_string());
    store.ingest(&plain, &[saltillo()]).unwrap();
    let words = IncidentQuery { text: Some("Vanguardia gun".to_string()), ..IncidentQuery::default() };
    assert_eq!(store.search_incidents(&words).unwrap().total, 1, "a plain document is searched");
    let mut sealed = plain.clone();
    sealed.sensitive = true;
    assert!(matches!(store.ingest(&sealed, &[]).unwrap(), testigo_store::IngestOutcome::AlreadyKnown { .. }));
    // Sealed, its words are no longer in the full-text index (issue 5).
    assert_eq!(store.search_incidents(&words).unwrap().total, 0, "a sealed document is never searched");
    let docs = store.documents_by_sha256(&plain.sha256).unwrap();
    assert!(docs.iter().all(|d| d.sensitive) && docs[0].text == text);
    assert_eq!(store.original(&plain.sha256).unwrap().unwrap(), text.as_bytes());
    store.verify().unwrap();
    let log = store.audit_log(&testigo_store::AuditFilter { limit: 1, ..Default::default() }).unwrap();
    assert_eq!(log[0].action, "seal");
    drop(store);
    let bytes = file_bytes(&db);
    for needle in ["he had no gun", "Casa Amaya", "testimonio-rosa-amaya"] {
        assert!(!contains(&bytes, needle), "{needle} is still in the file in plain text");
    }
}

/// The web application's analyst overrides and verification statuses hold analysts' words:
/// sealed in the file, read back in plain text, and re-encrypted by a key rotation.
#[test]
fn analyst_overrides_and_verification_reasons_are_sealed_and_survive_rotation() {
    use testigo_store::monitor::Verification;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let key_file = dir.path().join("key");
    StoreKey::create(&key_file).unwrap();
    let mut store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
    let testigo_store::IngestOutcome::New { incident_ids, .. } = store.ingest(&doc("a.txt", SALTILLO), &[saltillo()]).unwrap() else {
        panic!("a new document")
    };
    let id = incident_ids[0];
    store.set_verification(id, Verification::Verified, "ana", "llamé a Epifanio Quirarte").unwrap();
    store.set_fields(id, &[("fatalities".to_string(), serde_json::json!(2))], "ana", "según Yoselin Urbizo fueron dos").unwrap();
    drop(store);
    let bytes = file_bytes(&db);
    for name in ["Quirarte", "Yoselin"] {
        assert!(!contains(&bytes, name), "{name} is in the database file in plain text");
    }
    let mut store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
    let new_file = dir.path().join("key2");
    let new = StoreKey::generate(&new_file).unwrap();
    new.write_new(&new_file).unwrap();
    store.rotate_key(new, "admin").unwrap();
    drop(store);
    let store = SqliteStore::open_with_key_file(&db, &new_file).unwrap();
    store.verify().unwrap();
    assert!(store.verification_history(id).unwrap().iter().any(|v| v.reason.contains("Epifanio Quirarte")));
    let overrides = store.overrides(id).unwrap();
    assert!(overrides.iter().any(|o| o.reason.contains("Yoselin Urbizo") && o.value == serde_json::json!(2)), "{overrides:?}");
}
