//! Linking benchmark: builds a store of N generated incidents (default 100,000), then links
//! 500 new reports against it and prints the time per link and the database size. Prints
//! figures; asserts nothing.
//!
//! Usage: `testigo-bench-link [N] [DB_PATH]` (the database is created fresh; default a
//! temporary file).

/// mimalloc: extraction makes many small, short-lived allocations (about 10% of its
/// instructions under the system allocator).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use chrono::{Duration, NaiveDate, Utc};
use testigo_core::{DatePrecision, EventType, Harm, Incident, Location, Metadata, SubEventType, Victims};
use testigo_store::{NewDocument, SqliteStore, Store};

use testigo_cli::XorShift as Rng;

fn incident(r: &mut Rng) -> Incident {
    let base = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
    let d = base + Duration::days((r.next_u64() % 3650) as i64);
    let lat = 14.0 + r.unit() * 19.0;
    let lon = -118.0 + r.unit() * 32.0;
    Incident {
        event_date: Some(d),
        event_date_end: Some(d),
        date_precision: DatePrecision::Day,
        event_type: EventType::ViolenceAgainstCivilians,
        sub_event_type: SubEventType::Attack,
        harms: vec![if r.next_u64() % 2 == 0 { Harm::Killing } else { Harm::Injury }],
        location: Some(Location { name: Some(format!("Place {}", r.next_u64() % 10_000).into()), admin1: Some(format!("State {}", r.next_u64() % 32).into()), admin2: None, country: Some("MX".into()), latitude: Some(lat), longitude: Some(lon), geonameid: None, geo_precision: 1 }),
        perpetrators: vec![],
        victims: Victims::default(),
        fatalities: Some((r.next_u64() % 3) as u32),
        injured: None,
        missing: None,
        detained: None,
        displaced: None,
        claims: vec![],
        contested: vec![],
        date_text: None,
        evidence: Default::default(),
    }
}

fn document(n: u64) -> NewDocument {
    let bytes = format!("generated report {n}").into_bytes();
    NewDocument {
        sha256: testigo_capture::sha256_hex(&bytes),
        bytes,
        name: format!("generated-{n}.txt"),
        kind: "text".into(),
        text: String::new(),
        metadata: Metadata::default(),
        metadata_source: serde_json::Value::Null,
        ingested_at: Utc::now(),
        actor: "testigo-bench-link".to_string(),
        sensitive: false,
        simhash: Some(n),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("testigo-bench-link-{}", std::process::id()));
    let path = args.get(1).map(std::path::PathBuf::from).unwrap_or_else(|| dir.join("bench.db"));
    let _ = std::fs::create_dir_all(path.parent().unwrap_or(&dir));
    let _ = std::fs::remove_file(&path);
    let mut store = match SqliteStore::open(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("testigo-bench-link: {e}");
            std::process::exit(2);
        }
    };
    let mut r = Rng(0x9E3779B97F4A7C15);
    let t0 = Instant::now();
    for i in 0..n {
        // Plain ingest: building the store is not what is measured.
        if let Err(e) = store.ingest(&document(i), &[incident(&mut r)]) {
            eprintln!("testigo-bench-link: {e}");
            std::process::exit(2);
        }
    }
    let build = t0.elapsed();
    let m = 500u64;
    let t1 = Instant::now();
    let mut linked = 0;
    for i in 0..m {
        match store.ingest_linked(&document(n + i), &[incident(&mut r)], &testigo_link::StoreLinker) {
            Ok(testigo_store::IngestOutcome::New { links, .. }) => linked += links.iter().filter(|l| l.linked).count(),
            Ok(_) => {}
            Err(e) => {
                eprintln!("testigo-bench-link: {e}");
                std::process::exit(2);
            }
        }
    }
    let per = t1.elapsed().as_secs_f64() * 1000.0 / m as f64;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("store of {n} incidents built in {:.1} s ({:.0} incidents/s), {:.1} MB on disk", build.as_secs_f64(), n as f64 / build.as_secs_f64(), size as f64 / 1e6);
    println!("linking: {m} new reports, {per:.2} ms each (candidate search, scoring and the write, one transaction each); {linked} attached");
    let _ = std::fs::remove_dir_all(&dir);
}
