//! Issue 6: tamper evidence through the real binary (`testigo verify`).

use std::path::Path;

use crate::cli::{run, seed_path, Db};

/// Edits the database as an attacker with the file would: drops the write-once triggers and
/// runs `sql`.
pub fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).expect("open");
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).expect("drop trigger");
    }
    conn.execute_batch(sql).expect("tamper");
}

#[test]
fn issue_6_verify_passes_then_names_an_edited_original_and_an_edited_audit_row() {
    let db = Db::new();
    assert_eq!(run(&db, &["ingest", seed_path().to_str().expect("p")]).code, 0);
    let ok = run(&db, &["verify"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.starts_with("ok: 1 originals, 3 audit entries"), "{}", ok.stdout);

    // One byte of the original.
    let copy = Db::new();
    std::fs::copy(&db.path, &copy.path).expect("copy");
    tamper(&copy.path, "UPDATE originals SET bytes = CAST(substr(bytes, 1, 100) || 'X' || substr(bytes, 102) AS BLOB)");
    let out = run(&copy, &["verify"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let sha = crate::integrity::sha256_of(&seed_path());
    assert!(out.stderr.contains(&format!("original {sha}")), "{}", out.stderr);

    // One audit row.
    let copy = Db::new();
    std::fs::copy(&db.path, &copy.path).expect("copy");
    tamper(&copy.path, "UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 2");
    let out = run(&copy, &["verify"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stderr.contains("audit entry 2"), "{}", out.stderr);
}

/// SHA-256 of a file's bytes, as `sha256sum` prints it.
pub fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(std::fs::read(path).expect("read"));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A witness testimony full of personal data.
pub const TESTIMONY: &str = "Testimonio recogido el 12 de marzo de 2024 en la Casa del Migrante de Saltillo.\n\n\
Me llamo Rosa Elvira Maldonado, tengo 34 años y soy de Honduras. El 10 de marzo de 2024, en Saltillo, \
Coahuila, policías municipales detuvieron a mi hijo Kevin Adonay Maldonado, de 15 años, y le robaron \
200 dólares. Según mi vecino Julio César Pineda, los agentes golpearon a Kevin Adonay. \
Mi teléfono es 844 555 0199 y vivo en la calle Abasolo 123.\n";

/// The personal data of [`TESTIMONY`] that must never reach a file in plain text.
pub const SECRETS: &[&str] =
    &["Rosa Elvira", "Maldonado", "Kevin", "Adonay", "Julio César", "Pineda", "844 555 0199", "Abasolo", "testimonio-rosa"];

/// Every file under `dir`, recursively, with its bytes.
pub fn all_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(all_files(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).expect("read")));
        }
    }
    out
}

/// Asserts that no file under `dir` holds any of [`SECRETS`] (as `grep -r` would look).
pub fn assert_no_secret_in(dir: &Path) {
    let files = all_files(dir);
    assert!(!files.is_empty());
    for (path, bytes) in files {
        for secret in SECRETS {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{secret:?} is in {} in plain text", path.display());
        }
    }
}

#[test]
fn issue_6_a_sensitive_testimony_leaves_no_name_in_any_file_and_needs_its_key() {
    let db = Db::new();
    let inbox = tempfile::tempdir().expect("dir");
    let testimony = inbox.path().join("testimonio-rosa.txt");
    std::fs::write(&testimony, TESTIMONY).expect("write");
    let testimony = testimony.to_str().expect("path");

    // Without a key, a sensitive ingest is refused and nothing is stored.
    let out = run(&db, &["ingest", "--sensitive", testimony]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("testigo key init"), "{}", out.stderr);

    let out = run(&db, &["key", "init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(db.key.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&db.key).expect("meta").permissions().mode() & 0o777, 0o600);
    }
    let before = std::fs::read(&db.key).expect("key");
    let again = run(&db, &["key", "init"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read(&db.key).expect("key"), before, "the key file was overwritten");

    let out = run(&db, &["ingest", "--sensitive", "--published", "2024-03-12", testimony]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown = run(&db, &["show", "1", "--json"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("Saltillo"), "{}", shown.stdout);
    // Readable with the key: the original comes back byte for byte.
    assert_eq!(run(&db, &["verify"]).code, 0);

    // Nothing testigo wrote (database, write-ahead log, key folder) holds a name.
    assert_no_secret_in(db.dir());

    // Without the key file: refused, naming it.
    let hidden = db.dir().join("elsewhere.key");
    std::fs::rename(&db.key, &hidden).expect("move key");
    for args in [&["incidents"][..], &["show", "1"], &["verify"], &["export", "--format", "jsonl"]] {
        let out = run(&db, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains(&db.key.display().to_string()), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
    std::fs::rename(&hidden, &db.key).expect("restore key");

    // Rotation: the new key replaces the file, the old one is kept aside and no longer opens it.
    let out = run(&db, &["key", "rotate"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(run(&db, &["verify"]).code, 0);
    let retired: Vec<_> = std::fs::read_dir(db.dir())
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().contains("testigo.key.retired-"))
        .collect();
    assert_eq!(retired.len(), 1, "{retired:?}");
    let with_old = std::process::Command::new(env!("CARGO_BIN_EXE_testigo"))
        .env("TESTIGO_KEY_FILE", &retired[0])
        .arg("--db")
        .arg(&db.path)
        .arg("incidents")
        .output()
        .expect("run");
    assert_eq!(with_old.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&with_old.stderr).contains("is not the key"), "{}", String::from_utf8_lossy(&with_old.stderr));
    assert_no_secret_in(db.dir());
    let log = run(&db, &["show", "1"]);
    assert_eq!(log.code, 0, "{}", log.stderr);
}
