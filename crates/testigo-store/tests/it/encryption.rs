//! Encryption at rest (issue 6): personal data and sensitive documents never reach the file in
//! plain text, and the wrong key, or none, is refused with an error naming the key file.

use std::path::Path;

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

#[test]
fn verify_decrypts_originals_and_names_an_altered_ciphertext() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let key_file = dir.path().join("key");
    StoreKey::create(&key_file).unwrap();
    {
        let mut store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
        store.ingest(&testimony(), &[saltillo()]).unwrap();
    }
    // One byte of the ciphertext, changed to another value.
    crate::audit::tamper(
        &db,
        "UPDATE originals SET bytes = CAST(substr(bytes, 1, 60) || \
         CASE WHEN substr(bytes, 61, 1) = x'00' THEN x'01' ELSE x'00' END || substr(bytes, 62) AS BLOB)",
    );
    let store = SqliteStore::open_with_key_file(&db, &key_file).unwrap();
    let err = store.verify().unwrap_err();
    assert!(matches!(err, StoreError::Decrypt { .. }), "{err:?}");
    assert!(err.to_string().contains("altered"), "{err}");
}
