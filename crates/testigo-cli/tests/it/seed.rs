//! Issue 2's acceptance: the founding article, ingested and extracted.

use serde_json::Value;

use crate::cli::{gold, run, seed_path, shared, Db};

fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let dl = (b.1 - a.1).to_radians();
    let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Checks the two incidents of the seed's gold coding against extracted ones.
fn check_seed_incidents(incidents: &[Value]) {
    let g = gold();
    let gi = g["incidents"].as_array().expect("gold incidents");
    assert_eq!(incidents.len(), 2, "exactly the two incidents of the gold coding: {incidents:#?}");
    // The store lists by date; extraction in text order. Find each by its state.
    let by_admin1 = |a: &str| incidents.iter().find(|i| i["location"]["admin1"] == a).unwrap_or_else(|| panic!("an incident in {a}: {incidents:#?}"));
    let salt = by_admin1("Coahuila");
    let gs = &gi[0];
    assert_eq!(salt["event_date"], gs["event_date"]);
    assert_eq!(salt["date_precision"], "day");
    assert_eq!(salt["event_type"], gs["event_type"]);
    assert_eq!(salt["sub_event_type"], gs["sub_event_type"]);
    assert_eq!(salt["fatalities"], gs["fatalities"]);
    let loc = &salt["location"];
    assert_eq!(loc["name"], gs["location"]["name"]);
    assert_eq!(loc["admin1"], gs["location"]["admin1"]);
    assert_eq!(loc["country"], gs["location"]["country"]);
    let d = km(
        (loc["latitude"].as_f64().expect("lat"), loc["longitude"].as_f64().expect("lon")),
        (gs["location"]["latitude"].as_f64().expect("gold lat"), gs["location"]["longitude"].as_f64().expect("gold lon")),
    );
    assert!(d < 10.0, "Saltillo is {d:.1} km from the gold point");
    assert!(salt["perpetrators"].as_array().expect("perps").iter().any(|p| p["category"] == "Police"), "{:#?}", salt["perpetrators"]);
    assert_eq!(salt["victims"]["group"], "migrants");
    assert_eq!(salt["victims"]["nationalities"], serde_json::json!(["SV"]));
    assert!(salt["contested"].as_array().expect("contested").iter().any(|c| c == "victim_armed"), "the armed/fired-first dispute is flagged: {:#?}", salt["claims"]);

    let ver = by_admin1("Veracruz");
    let gv = &gi[1];
    assert_eq!(ver["location"]["admin1"], gv["location"]["admin1"]);
    assert_eq!(ver["location"]["country"], gv["location"]["country"]);
    assert_eq!(ver["location"]["geo_precision"], 3);
    assert!(matches!(ver["date_precision"].as_str(), Some("range" | "month")), "{}", ver["date_precision"]);
    let start = ver["event_date"].as_str().expect("date");
    let end = ver["event_date_end"].as_str().expect("end");
    assert!(start >= "2019-06-01" && end <= "2019-06-30" && start >= gv["event_date"].as_str().unwrap_or("") || start == "2019-06-01", "late June: {start}..{end}");
    assert_eq!(ver["fatalities"], gv["fatalities"]);
}

#[test]
fn issue_2_ingest_stores_and_prints_the_two_seed_incidents() {
    let db = Db::new();
    let out = run(&db, &["ingest", "--json", seed_path().to_str().expect("path")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("ingest --json is JSON");
    assert_eq!(v["summary"]["new"], 1);
    check_seed_incidents(v["incidents"].as_array().expect("incidents"));
    // What was stored is what was printed.
    let list = run(&db, &["incidents", "--json"]);
    let stored: Value = serde_json::from_str(&list.stdout).expect("incidents --json");
    assert_eq!(stored["total"], 2);
    check_seed_incidents(stored["items"].as_array().expect("items"));
    // The plain summary prints the table.
    let db2 = Db::new();
    let text = run(&db2, &["ingest", seed_path().to_str().expect("path")]);
    assert!(text.stdout.contains("Saltillo, Coahuila, MX"), "{}", text.stdout);
    assert!(text.stdout.contains("incidents reported: 2"), "{}", text.stdout);
}

#[test]
fn issue_2_extract_gives_the_same_incidents_and_leaves_weekdays_unresolved_without_a_date() {
    let text = std::fs::read_to_string(seed_path()).expect("seed text");
    let line = serde_json::json!({"id": "seed", "text": text, "published": "2019-08-02"}).to_string();
    let no_date = serde_json::json!({"id": "seed-undated", "text": text}).to_string();
    let db = Db::new();
    let out = run(&db, &["extract"]).with_stdin(&format!("{line}\n{no_date}\nnot json\n"));
    assert_eq!(out.code, 1, "every line answered, one could not be read: {}", out.stderr);
    let lines: Vec<Value> = out.stdout.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 3, "one output line per input line");
    assert_eq!(lines[0]["id"], "seed");
    assert_eq!(lines[0]["language"], "en");
    check_seed_incidents(lines[0]["incidents"].as_array().expect("incidents"));
    let undated = &lines[1]["incidents"][0];
    assert_eq!(undated["date_precision"], "unresolved");
    assert_eq!(undated["event_date"], Value::Null);
    assert_eq!(undated["date_text"], "Wednesday");
    assert!(lines[2]["error"].is_string());
    assert!(!db.path.exists(), "extract touches no database");
}

#[test]
fn issue_2_ingesting_twice_adds_nothing() {
    let db = Db::new();
    let a = run(&db, &["ingest", "--json", seed_path().to_str().expect("path")]);
    assert_eq!(a.code, 0);
    let b = run(&db, &["ingest", "--json", seed_path().to_str().expect("path")]);
    let v: Value = serde_json::from_str(&b.stdout).expect("json");
    assert_eq!(v["summary"]["new"], 0);
    assert_eq!(v["summary"]["known"], 1);
    assert_eq!(v["summary"]["incidents"], 0);
    let list: Value = serde_json::from_str(&run(&db, &["incidents", "--json"]).stdout).expect("json");
    assert_eq!(list["total"], 2);
    let _ = shared();
}
