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

#[test]
fn issue_6_an_evidence_package_checks_with_sha256sum_alone() {
    let db = Db::new();
    assert_eq!(run(&db, &["ingest", seed_path().to_str().expect("p")]).code, 0);
    let zip_path = db.dir().join("incident-1.zip");
    let out = run(&db, &["package", "1", "--out", zip_path.to_str().expect("p")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Never overwritten.
    let again = run(&db, &["package", "1", "--out", zip_path.to_str().expect("p")]);
    assert_eq!(again.code, 2, "{}", again.stdout);

    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).expect("zip")).expect("archive");
    let mut files = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).expect("read");
        files.insert(name, bytes);
    }
    let sha = sha256_of(&seed_path());
    let original = files.get(&format!("sources/{sha}.txt")).expect("the original is in the package");
    assert_eq!(original, &std::fs::read(seed_path()).expect("seed"), "byte for byte");
    for name in ["incident.json", "sources.json", "audit.json", "README.txt", "SHA256SUMS"] {
        assert!(files.contains_key(name), "{name} missing: {:?}", files.keys());
    }
    // SHA256SUMS lists every other file with its digest, in `sha256sum` format.
    let sums = String::from_utf8(files["SHA256SUMS"].clone()).expect("utf8");
    assert_eq!(sums.lines().count(), files.len() - 1);
    for line in sums.lines() {
        let (digest, name) = line.split_once("  ").expect("two spaces");
        use sha2::Digest;
        let actual: String = sha2::Sha256::digest(&files[name]).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest, actual, "{name}");
    }
    // With the real tool, when it is there (Debian's coreutils).
    if std::process::Command::new("sha256sum").arg("--version").output().is_ok() {
        let unpacked = db.dir().join("unpacked");
        for (name, bytes) in &files {
            let p = unpacked.join(name);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, bytes).expect("write");
        }
        let check = std::process::Command::new("sha256sum").arg("-c").arg("SHA256SUMS").current_dir(&unpacked).output().expect("sha256sum");
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    }
    let sources: serde_json::Value = serde_json::from_slice(&files["sources.json"]).expect("json");
    assert!(sources[0]["ingested_at"].is_string(), "{sources}");
    let audit: serde_json::Value = serde_json::from_slice(&files["audit.json"]).expect("json");
    let actions: Vec<&str> = audit["entries"].as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["ingest", "extract"], "{audit}");
    let incident: serde_json::Value = serde_json::from_slice(&files["incident.json"]).expect("json");
    assert_eq!(incident["id"], 1);
    assert_eq!(incident["versions"][0]["author"], "testigo extract");
}

#[test]
fn issue_6_backup_makes_a_copy_that_verifies_and_never_overwrites() {
    let db = Db::new();
    assert_eq!(run(&db, &["ingest", seed_path().to_str().expect("p")]).code, 0);
    let copy = db.dir().join("copy.db");
    let out = run(&db, &["backup", copy.to_str().expect("p")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("verified"), "{}", out.stdout);
    let again = run(&db, &["backup", copy.to_str().expect("p")]);
    assert_eq!(again.code, 2);
    // The copy is a database of its own (moved elsewhere, as a backup would be).
    let copy_db = Db::new();
    std::fs::copy(&copy, &copy_db.path).expect("copy");
    let listed = run(&copy_db, &["incidents", "--json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&listed.stdout).expect("json")["total"], 2);
}

/// A published news article that names a minor victim, his mother and a witness.
const ARTICLE: &str = "Golpean policías a migrante hondureño en Saltillo\n\n\
SALTILLO, Coahuila, 12 de marzo de 2024.— Agentes de la Policía Municipal golpearon y detuvieron a Kevin Adonay \
Maldonado, un migrante hondureño de 15 años, en Saltillo, Coahuila, el 10 de marzo de 2024. \
\"Lo patearon en el suelo\", dijo su madre, Rosa Elvira Maldonado. Según el testigo Julio César Pineda, los \
policías le quitaron 200 dólares en la calle Abasolo.\n";

#[test]
fn issue_6_public_exports_carry_no_personal_data_in_any_format() {
    let db = Db::new();
    assert_eq!(run(&db, &["key", "init"]).code, 0);
    let inbox = tempfile::tempdir().expect("dir");
    let testimony = inbox.path().join("testimonio-rosa.txt");
    std::fs::write(&testimony, TESTIMONY).expect("write");
    let article = inbox.path().join("nota.txt");
    std::fs::write(&article, ARTICLE).expect("write");
    let out = run(&db, &["ingest", "--sensitive", "--published", "2024-03-12", testimony.to_str().expect("p")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(&db, &["ingest", "--published", "2024-03-12", "--publisher", "Vanguardia", article.to_str().expect("p")]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    // The non-public export does carry the article's names: the test data is what it claims.
    let full = run(&db, &["export", "--format", "jsonl"]);
    assert!(full.stdout.contains("Pineda"), "{}", full.stdout);

    let outdir = tempfile::tempdir().expect("dir");
    for format in ["acled-csv", "geojson", "jsonl"] {
        let file = outdir.path().join(format!("public.{format}"));
        let out = run(&db, &["export", "--public", "--format", format, "--out", file.to_str().expect("p")]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert!(out.stderr.contains("redacted") && out.stderr.contains("withheld"), "{format}: {}", out.stderr);
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(text.contains("Saltillo"), "{format}: the public export keeps places: {text}");
        let stdout = run(&db, &["export", "--public", "--format", format]).stdout;
        assert!(stdout.contains("Saltillo"), "{format}");
        for secret in SECRETS.iter().chain(&["nota.txt", "hijo", "Lo patearon", "15 años", "Agentes de la Policía"]) {
            assert!(!text.contains(secret), "{format}: {secret:?} in the public export: {text}");
            assert!(!stdout.contains(secret), "{format}: {secret:?} in the public export on stdout");
        }
    }
    let jsonl = std::fs::read_to_string(outdir.path().join("public.jsonl")).expect("read");
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().expect("line")).expect("json");
    assert!(first["redacted"].as_array().is_some_and(|r| !r.is_empty()), "{first}");
    assert!(!first["victims"]["ages"].as_array().expect("ages").iter().any(|a| a.as_u64() == Some(15)), "{first}");
    assert_eq!(first["victims"]["minors"], true, "{first}");
    // README: minors' exact ages become "minor".
    assert!(first["victims"]["ages"].as_array().expect("ages").contains(&serde_json::Value::from("minor")), "{first}");
    assert_no_secret_in(outdir.path());
}
