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
