//! Issue 4's acceptance: the seed article and the five linking reports, ingested in every
//! order, give one Saltillo incident with six sources (five independent) and its disputes, and
//! a separate death after Border Patrol detention in Lordsburg.

use std::path::PathBuf;

use testigo_core::Metadata;
use testigo_extract::Extractor;
use testigo_gazetteer::Gazetteer;
use testigo_store::{IncidentFilter, SqliteStore, Store};

use crate::cli::{run, shared, Db};

fn files() -> Vec<PathBuf> {
    let d = shared().join("data");
    let mut v = vec![d.join("seed/000_e9d4e46e13aa15ff.txt")];
    for f in ["saltillo-shelter-es.txt", "saltillo-state-es.txt", "ministry-es.txt", "saltillo-wire-copy-en.txt", "saltillo-wire-copy-reprint-en.txt"] {
        v.push(d.join("linking").join(f));
    }
    v
}

/// Heap's algorithm: every permutation of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    fn go(k: usize, a: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if k == 1 {
            out.push(a.clone());
            return;
        }
        go(k - 1, a, out);
        for i in 0..k - 1 {
            if k % 2 == 0 {
                a.swap(i, k - 1);
            } else {
                a.swap(0, k - 1);
            }
            go(k - 1, a, out);
        }
    }
    let mut a: Vec<usize> = (0..n).collect();
    let mut out = Vec::new();
    go(n, &mut a, &mut out);
    out
}

fn check(store: &SqliteStore, order: &[usize]) {
    let list = store.incidents(&IncidentFilter::default()).expect("list");
    let all: Vec<_> = list.iter().map(|s| store.incident(s.id).expect("read").expect("exists")).collect();
    let ctx = format!("order {order:?}: {:#?}", all.iter().map(|d| (d.id.0, d.incident.location.as_ref().and_then(|l| l.name.clone()), d.sources.len())).collect::<Vec<_>>());
    assert_eq!(all.len(), 3, "Saltillo, Lordsburg and the seed's Veracruz; {ctx}");
    let name = |d: &testigo_store::IncidentDetail| d.incident.location.as_ref().and_then(|l| l.name.clone()).unwrap_or_default();
    let salt = all.iter().find(|d| name(d) == "Saltillo").unwrap_or_else(|| panic!("a Saltillo incident; {ctx}"));
    let active: Vec<_> = salt.sources.iter().filter(|s| s.active).collect();
    assert_eq!(active.len(), 6, "six sources; {ctx}");
    let accounts = testigo_link::accounts(&salt.observations);
    assert_eq!(testigo_link::independent_sources(&accounts), 5, "the reprint is not independent; {ctx}");
    assert_eq!(salt.incident.event_date.map(|d| d.to_string()).as_deref(), Some("2019-07-31"));
    assert_eq!(salt.incident.fatalities, Some(1));
    for fact in ["victims.nationalities", "victim_armed"] {
        assert!(salt.incident.contested.iter().any(|c| c == fact), "{fact} contested: {:?}; {ctx}", salt.incident.contested);
    }
    let facts = testigo_link::facts(&accounts);
    let nat: Vec<&str> = facts["victims.nationalities"].iter().map(|v| v.value.as_str()).collect();
    assert!(nat.contains(&"SV") && nat.contains(&"HN"), "both nationalities kept: {nat:?}");
    let armed = &facts["victim_armed"];
    assert!(armed.iter().any(|v| v.value == "yes" && v.stance == "official"), "{armed:?}");
    assert!(armed.iter().any(|v| v.value == "no" && v.stance == "NGO"), "{armed:?}");
    let lord = all.iter().find(|d| name(d) == "Lordsburg").unwrap_or_else(|| panic!("a Lordsburg incident; {ctx}"));
    let loc = lord.incident.location.as_ref().expect("location");
    assert_eq!((loc.admin1.as_deref(), loc.country.as_deref()), (Some("New Mexico"), Some("US")));
    assert!(lord.incident.harms.contains(&testigo_core::Harm::DeathInCustody), "{:?}", lord.incident.harms);
    assert!(lord.incident.perpetrators.iter().any(|p| p.category == testigo_core::ActorCategory::ImmigrationAuthority));
    assert_eq!(lord.sources.len(), 1);
}

#[test]
fn issue_4_the_same_shooting_links_in_every_order_and_lordsburg_stays_apart() {
    let ex = Extractor::new(Gazetteer::embedded());
    let prepared: Vec<testigo_cli::Prepared> = files().iter().map(|f| testigo_cli::prepare(&ex, f, &Metadata::default()).expect("prepare")).collect();
    let perms = permutations(prepared.len());
    assert_eq!(perms.len(), 720);
    for order in &perms {
        let mut store = SqliteStore::open_in_memory().expect("store");
        for &i in order {
            let p = &prepared[i];
            store.ingest_linked(&p.doc, &p.incidents, &testigo_link::StoreLinker).expect("ingest");
        }
        check(&store, order);
    }
}

#[test]
fn issue_4_the_real_binary_links_and_exports_facts() {
    let db = Db::new();
    let paths: Vec<String> = files().iter().rev().map(|p| p.display().to_string()).collect();
    let mut args = vec!["ingest"];
    args.extend(paths.iter().map(String::as_str));
    let out = run(&db, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = run(&db, &["export", "--format", "jsonl"]);
    let rows: Vec<serde_json::Value> = j.stdout.lines().map(|l| serde_json::from_str(l).expect("jsonl")).collect();
    let salt = rows.iter().find(|r| r["location"]["name"] == "Saltillo").expect("Saltillo row");
    assert_eq!(salt["sources"].as_array().map(Vec::len), Some(6));
    assert_eq!(salt["independent_sources"], 5);
    for s in salt["sources"].as_array().expect("sources") {
        for k in ["sha256", "title", "publisher", "published", "url"] {
            assert!(s.get(k).is_some(), "source key {k}");
        }
    }
    let contested: Vec<&str> = salt["contested"].as_array().expect("contested").iter().filter_map(|v| v.as_str()).collect();
    assert!(contested.contains(&"victims.nationalities") && contested.contains(&"victim_armed"), "{contested:?}");
    let nat = salt["facts"]["victims.nationalities"].as_array().expect("facts");
    for v in nat {
        for k in ["value", "sha256", "attributed_to", "stance", "evidence"] {
            assert!(v.get(k).is_some(), "fact value key {k}");
        }
    }
    // `show` explains why each source was linked.
    let id = salt["id"].as_i64().expect("id").to_string();
    let show = run(&db, &["show", &id]);
    assert!(show.stdout.contains("why linked: "), "{}", show.stdout);
    assert!(show.stdout.contains("[CONTESTED]"), "{}", show.stdout);
}

#[test]
fn issue_4_bundled_examples_link_three_reports_and_keep_the_look_alike_apart() {
    let db = Db::new();
    let dir = crate::cli::examples();
    let out = run(&db, &["ingest", dir.to_str().expect("path")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = run(&db, &["export", "--format", "jsonl"]);
    let rows: Vec<serde_json::Value> = j.stdout.lines().map(|l| serde_json::from_str(l).expect("jsonl")).collect();
    let at = |name: &str| rows.iter().filter(|r| r["location"]["name"] == name).collect::<Vec<_>>();
    let tapachula = at("Tapachula");
    assert_eq!(tapachula.len(), 1, "the three Tapachula reports are one incident");
    let t = tapachula[0];
    let files: Vec<&str> = t["sources"].as_array().expect("sources").iter().filter_map(|s| s["file"].as_str()).collect();
    for f in ["03-tapachula", "11-tapachula", "12-tapachula"] {
        assert!(files.iter().any(|x| x.contains(f)), "{f} among {files:?}");
    }
    assert_eq!(t["independent_sources"], 3);
    let contested: Vec<&str> = t["contested"].as_array().expect("contested").iter().filter_map(|v| v.as_str()).collect();
    assert!(contested.contains(&"victim_armed") && contested.contains(&"victims.nationalities"), "{contested:?}");
    // The same night, the same force, another state: a separate incident.
    let villahermosa = at("Villahermosa");
    assert_eq!(villahermosa.len(), 1);
    assert_eq!(villahermosa[0]["sources"].as_array().map(Vec::len), Some(1));
    assert_ne!(villahermosa[0]["id"], t["id"]);
}

#[test]
fn issue_4_an_analyst_splits_a_source_out_and_merges_it_back() {
    let db = Db::new();
    let d = shared().join("data");
    let seed = d.join("seed/000_e9d4e46e13aa15ff.txt");
    let shelter = d.join("linking/saltillo-shelter-es.txt");
    assert_eq!(run(&db, &["ingest", seed.to_str().expect("p"), shelter.to_str().expect("p")]).code, 0);
    let list: serde_json::Value = serde_json::from_str(&run(&db, &["incidents", "--json"]).stdout).expect("json");
    let salt = list["items"].as_array().expect("items").iter().find(|i| i["location"]["name"] == "Saltillo").expect("Saltillo");
    assert_eq!(salt["source_count"], 2);
    let id = salt["id"].as_i64().expect("id").to_string();
    let sha = testigo_capture::sha256_hex(&std::fs::read(&shelter).expect("read"));
    let split = run(&db, &["split", &id, "--source", &sha[..12], "--reason", "different victim"]);
    assert_eq!(split.code, 0, "{}", split.stderr);
    let new_id: String = split.stdout.split_whitespace().last().expect("new id").to_string();
    let after: serde_json::Value = serde_json::from_str(&run(&db, &["incidents", "--json"]).stdout).expect("json");
    assert_eq!(after["total"], 3, "the split source is an incident of its own");
    let merged = run(&db, &["merge", &id, &new_id, "--reason", "same shooting after all"]);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let back: serde_json::Value = serde_json::from_str(&run(&db, &["incidents", "--json"]).stdout).expect("json");
    assert_eq!(back["total"], 2);
    let show = run(&db, &["show", &id]);
    assert!(show.stdout.contains("History:"), "{}", show.stdout);
    assert!(show.stdout.contains("same shooting after all"), "{}", show.stdout);
}
