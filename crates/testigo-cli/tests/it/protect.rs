//! Issue 6, acceptance findings: analysts' reasons, sensitivity that follows the bytes, altered
//! ciphertext, key files shared by databases, file modes and messages, through the real binary.

use std::path::Path;

use crate::cli::{run, seed_path, Db};
use crate::integrity::{assert_no_secret_in, sha256_of, tamper, TESTIMONY};

/// A name an analyst types in a `--reason`; in no input file.
const ANALYST_WORDS: &str = "la abogada Xochitl Quetzalli Ramírez";

fn contains(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// True when some file under `dir` holds `needle`.
fn in_some_file(dir: &Path, needle: &str) -> Option<std::path::PathBuf> {
    crate::integrity::all_files(dir).into_iter().find(|(_, b)| contains(b, needle)).map(|(p, _)| p)
}

#[test]
fn an_analysts_reason_is_sealed_in_the_store_and_withheld_from_public_exports() {
    let db = Db::new();
    assert_eq!(run(&db, &["key", "init"]).code, 0);
    let inbox = tempfile::tempdir().expect("dir");
    let testimony = inbox.path().join("testimonio-rosa.txt");
    std::fs::write(&testimony, TESTIMONY).expect("write");
    assert_eq!(run(&db, &["ingest", seed_path().to_str().expect("p")]).code, 0);
    let out = run(&db, &["ingest", "--published", "2024-03-12", testimony.to_str().expect("p")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listed: serde_json::Value = serde_json::from_str(&run(&db, &["incidents", "--json"]).stdout).expect("json");
    let ids: Vec<i64> = listed["items"].as_array().expect("items").iter().filter_map(|i| i["id"].as_i64()).collect();
    let (into, from) = (ids[0], *ids.last().expect("an incident"));
    let reason = format!("lo confirmó {ANALYST_WORDS}");
    let out = run(&db, &["merge", &into.to_string(), &from.to_string(), "--reason", &reason]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    // Not in the database, its log or anything beside it; the chain verifies.
    assert_eq!(in_some_file(db.dir(), "Quetzalli"), None);
    let verified = run(&db, &["verify"]);
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    // Read back with the key.
    let shown = run(&db, &["show", &into.to_string(), "--json"]);
    assert!(shown.stdout.contains(ANALYST_WORDS), "{}", shown.stdout);

    // Withheld from every public export, and said so.
    for format in ["jsonl", "geojson", "acled-csv"] {
        let out = run(&db, &["export", "--public", "--format", format]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stdout.contains("Quetzalli"), "{format}: {}", out.stdout);
        assert!(out.stderr.contains("1 analyst's link reason(s) withheld"), "{format}: {}", out.stderr);
    }
    let public = run(&db, &["export", "--public", "--format", "jsonl"]).stdout;
    assert!(public.contains("merged by an analyst (reason withheld)"), "{public}");
    assert!(public.contains("an analyst's reason withheld"), "{public}");
}

#[test]
fn the_same_bytes_stay_sealed_whichever_way_they_are_ingested() {
    let inbox = tempfile::tempdir().expect("dir");
    let testimony = inbox.path().join("testimonio-rosa.txt");
    std::fs::write(&testimony, TESTIMONY).expect("write");
    let copy = inbox.path().join("copia.txt");
    std::fs::write(&copy, TESTIMONY).expect("write");
    let (testimony, copy) = (testimony.to_str().expect("p"), copy.to_str().expect("p"));

    // Sensitive first; the same bytes again under another name and publisher, without
    // --sensitive: sealed too, and said so.
    let db = Db::new();
    assert_eq!(run(&db, &["key", "init"]).code, 0);
    assert_eq!(run(&db, &["ingest", "--sensitive", "--published", "2024-03-12", testimony]).code, 0);
    let out = run(&db, &["ingest", "--published", "2024-03-12", "--publisher", "Casa Quetzalli", copy]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("stored encrypted too"), "{}", out.stderr);
    assert_no_secret_in(db.dir());
    assert_eq!(in_some_file(db.dir(), "Casa Quetzalli"), None, "the publisher of a sensitive document is sealed");
    assert_eq!(run(&db, &["verify"]).code, 0);

    // Plain first (a mistake), then --sensitive: the stored copy is sealed, and said so.
    let db = Db::new();
    assert_eq!(run(&db, &["key", "init"]).code, 0);
    assert_eq!(run(&db, &["ingest", "--published", "2024-03-12", "--publisher", "Casa Quetzalli", testimony]).code, 0);
    let out = run(&db, &["ingest", "--sensitive", "--published", "2024-03-12", "--publisher", "Casa Quetzalli", testimony]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("now stored encrypted"), "{}", out.stderr);
    assert_no_secret_in(db.dir());
    assert_eq!(in_some_file(db.dir(), "Casa Quetzalli"), None);
    let verified = run(&db, &["verify"]);
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    let shown = run(&db, &["show", "1", "--json"]);
    assert!(shown.stdout.contains("Casa Quetzalli"), "readable with the key: {}", shown.stdout);
}

#[test]
fn an_altered_encrypted_original_is_named_by_verify_with_exit_1() {
    let db = Db::new();
    assert_eq!(run(&db, &["key", "init"]).code, 0);
    let inbox = tempfile::tempdir().expect("dir");
    let testimony = inbox.path().join("testimonio-rosa.txt");
    std::fs::write(&testimony, TESTIMONY).expect("write");
    assert_eq!(run(&db, &["ingest", "--sensitive", testimony.to_str().expect("p")]).code, 0);
    tamper(
        &db.path,
        "UPDATE originals SET bytes = CAST(substr(bytes, 1, 60) || \
         CASE WHEN substr(bytes, 61, 1) = x'00' THEN x'01' ELSE x'00' END || substr(bytes, 62) AS BLOB)",
    );
    let out = run(&db, &["verify"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains(&format!("original {}", sha256_of(&testimony))), "{}", out.stderr);
}

#[test]
fn key_rotate_refuses_a_key_file_another_database_uses_unless_forced() {
    let a = Db::new();
    assert_eq!(run(&a, &["key", "init"]).code, 0);
    assert_eq!(run(&a, &["ingest", seed_path().to_str().expect("p")]).code, 0);
    let b = a.sharing_key();
    assert_eq!(run(&b, &["ingest", seed_path().to_str().expect("p")]).code, 0);

    let out = run(&a, &["key", "rotate"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    let b_path = std::fs::canonicalize(&b.path).expect("b");
    assert!(out.stderr.contains(&b_path.display().to_string()) && out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(run(&a, &["verify"]).code, 0, "nothing changed");

    let out = run(&a, &["key", "rotate", "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("never delete it"), "{}", out.stdout);
    // b is readable with the retired key file, which now lists it.
    let retired = std::fs::read_dir(a.dir())
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains(".retired-") && !p.to_string_lossy().ends_with(".databases"))
        .expect("retired key");
    let listed = std::fs::read_to_string(format!("{}.databases", retired.display())).expect("list");
    assert!(listed.contains(&b_path.display().to_string()), "{listed}");
    let verified = std::process::Command::new(env!("CARGO_BIN_EXE_testigo"))
        .env("TESTIGO_KEY_FILE", &retired)
        .arg("--db")
        .arg(&b.path)
        .arg("verify")
        .output()
        .expect("run");
    assert_eq!(verified.status.code(), Some(0), "{}", String::from_utf8_lossy(&verified.stderr));
}

#[cfg(unix)]
#[test]
fn packages_full_exports_and_backups_are_private_files() {
    use std::os::unix::fs::PermissionsExt as _;
    let db = Db::new();
    assert_eq!(run(&db, &["ingest", seed_path().to_str().expect("p")]).code, 0);
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let zip = db.dir().join("p.zip");
    assert_eq!(run(&db, &["package", "1", "--out", zip.to_str().expect("p")]).code, 0);
    assert_eq!(mode(&zip), 0o600);
    let full = db.dir().join("full.jsonl");
    assert_eq!(run(&db, &["export", "--format", "jsonl", "--out", full.to_str().expect("p")]).code, 0);
    assert_eq!(mode(&full), 0o600);
    let backup = db.dir().join("backup.db");
    let out = run(&db, &["backup", backup.to_str().expect("p")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mode(&backup), 0o600);
}

#[test]
fn messages_say_the_line_the_missing_folder_and_key_id() {
    let db = Db::new();
    let out = run(&db, &["extract"]).with_stdin("{\"id\": \"a\", \"text\": \"hola\"}\n{not json\n");
    let second: serde_json::Value = serde_json::from_str(out.stdout.lines().nth(1).expect("two lines")).expect("json");
    assert!(second["error"].as_str().expect("error").contains("line 2"), "{second}");

    assert_eq!(run(&db, &["ingest", seed_path().to_str().expect("p")]).code, 0);
    let out = run(&db, &["package", "1", "--out", "/nonexistent/dir/x.zip"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the folder /nonexistent/dir does not exist"), "{}", out.stderr);

    let out = run(&db, &["key", "init"]);
    assert!(out.stdout.contains("(key id "), "{}", out.stdout);
}
