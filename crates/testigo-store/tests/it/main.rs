//! Integration tests of the store, through its public API, against in-memory SQLite and
//! temporary files.

// Tests may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod audit;
mod encryption;
mod incidents;
mod ingest;
mod link;
mod migrations;
mod monitor;
mod sources;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sha2::{Digest, Sha256};
use testigo_core::{
    ActorCategory, Claim, DatePrecision, EventType, Harm, Incident, Language, Location, Metadata, Perpetrator, Span,
    Stance, SubEventType, Victims,
};
use testigo_store::{NewDocument, SqliteStore, StoreStats};

/// The founding example, abridged: a shooting in Saltillo, Coahuila.
pub const SALTILLO: &str = "SALTILLO, Coahuila — A Salvadoran migrant was shot dead by police \
from the Prosecutor's Office on Wednesday, July 31, in Saltillo. The Coahuila Prosecutor's \
Office said the man fired first; witnesses told Vanguardia he had no gun.";

pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut hex = String::new();
    for b in Sha256::digest(bytes) {
        write!(hex, "{b:02x}").unwrap();
    }
    hex
}

pub fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, day, 12, 30, 0).unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A document whose original bytes are its text, with full metadata.
pub fn doc(name: &str, text: &str) -> NewDocument {
    NewDocument {
        sha256: sha256_hex(text.as_bytes()),
        bytes: text.as_bytes().to_vec(),
        name: name.to_string(),
        kind: "text".to_string(),
        text: text.to_string(),
        metadata: Metadata {
            title: Some("Migrante salvadoreño muere baleado en Saltillo".to_string()),
            publisher: Some("Vanguardia".to_string()),
            url: Some("https://vanguardia.com.mx/nota/123".to_string()),
            published: Some(date("2019-08-02")),
            language: Some(Language::En),
        },
        metadata_source: serde_json::json!({"title": "sidecar", "published": "header"}),
        ingested_at: at(1),
        actor: "tester".to_string(),
        sensitive: false,
        simhash: None,
    }
}

/// The Saltillo incident, with evidence and a claim whose spans point into [`SALTILLO`].
pub fn saltillo() -> Incident {
    let find = |needle: &str| {
        let start = SALTILLO.find(needle).unwrap();
        Span::new(start, start + needle.len())
    };
    let mut evidence = BTreeMap::new();
    evidence.insert("event_date".into(), vec![find("Wednesday, July 31")]);
    evidence.insert("location".into(), vec![find("Saltillo.")]);
    evidence.insert("fatalities".into(), vec![find("shot dead")]);
    Incident {
        event_date: Some(date("2019-07-31")),
        event_date_end: Some(date("2019-07-31")),
        date_precision: DatePrecision::Day,
        event_type: EventType::ViolenceAgainstCivilians,
        sub_event_type: SubEventType::Attack,
        harms: vec![Harm::Killing, Harm::Shooting],
        location: Some(Location {
            name: Some("Saltillo".to_string().into()),
            admin1: Some("Coahuila".to_string().into()),
            admin2: Some("Saltillo".to_string().into()),
            country: Some("MX".to_string().into()),
            latitude: Some(25.4232),
            longitude: Some(-101.0053),
            geonameid: Some(3988086),
            geo_precision: 1,
        }),
        perpetrators: vec![Perpetrator {
            text: "police from the Prosecutor's Office".to_string(),
            category: ActorCategory::Police,
            alleged: false,
        }],
        victims: Victims {
            group: Some("migrants".to_string()),
            count: Some(1),
            nationalities: vec!["SV".to_string()],
            ages: vec![],
            genders: vec!["male".to_string()],
            minors: false,
        },
        fatalities: Some(1),
        injured: None,
        missing: None,
        detained: None,
        displaced: None,
        claims: vec![Claim {
            text: "the man fired first".to_string(),
            attributed_to: "The Coahuila Prosecutor's Office".to_string(),
            stance: Stance::Official,
            fact: Some("victim_armed".to_string()),
            value: Some("yes".to_string()),
            span: find("The Coahuila Prosecutor's Office said the man fired first"),
            source: None,
        }],
        contested: vec!["victim_armed".to_string()],
        date_text: None,
        evidence,
    }
}

/// An incident without spans, dated and placed as given, for filter tests.
pub fn placed(
    from: Option<&str>,
    to: Option<&str>,
    country: &str,
    admin1: &str,
    sub_event_type: SubEventType,
) -> Incident {
    let mut incident = saltillo();
    incident.event_date = from.map(date);
    incident.event_date_end = to.map(date);
    incident.date_precision = match (from, to) {
        (None, _) => DatePrecision::Unresolved,
        (Some(a), Some(b)) if a != b => DatePrecision::Range,
        _ => DatePrecision::Day,
    };
    incident.sub_event_type = sub_event_type;
    incident.event_type = sub_event_type.event_type();
    let location = incident.location.as_mut().unwrap();
    location.name = None;
    location.admin1 = Some(admin1.to_string().into());
    location.country = Some(country.to_string().into());
    incident.claims.clear();
    incident.evidence.clear();
    incident
}

pub fn stats(store: &impl testigo_store::Store) -> StoreStats {
    store.stats().unwrap()
}

/// Row counts of every table, read through a second connection to the file.
pub fn row_counts(path: &Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    [
        "originals",
        "documents",
        "incidents",
        "incident_versions",
        "incident_sources",
        "evidence",
        "claims",
        "observations",
        "schema_migrations",
    ]
    .iter()
    .map(|t| {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap();
        (t.to_string(), n)
    })
    .collect()
}

pub fn memory() -> SqliteStore {
    SqliteStore::open_in_memory().unwrap()
}
