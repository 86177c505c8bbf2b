//! Export formats, version 1: ACLED-style CSV, GeoJSON (RFC 7946) and JSON Lines.
//!
//! The CSV uses ACLED's column names so ACLED tooling reads it; GeoJSON coordinates are
//! `[longitude, latitude]`; JSON Lines carries the full record with sources, claims and
//! evidence. Shared by `testigo export` and the web application's downloads.

use std::io::Write;

use serde_json::{json, Value};
use testigo_core::redact::Redaction;
use testigo_store::IncidentDetail;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ACLED column names, one row per incident.
    AcledCsv,
    /// RFC 7946 FeatureCollection.
    Geojson,
    /// One full incident record per line.
    Jsonl,
}

impl Format {
    /// Every format, in the order they are offered.
    pub const ALL: [Format; 3] = [Format::AcledCsv, Format::Geojson, Format::Jsonl];

    /// The format's name on the command line and in URLs: `acled-csv`, `geojson`, `jsonl`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::AcledCsv => "acled-csv",
            Format::Geojson => "geojson",
            Format::Jsonl => "jsonl",
        }
    }

    /// The format named `name` (as [`Format::as_str`] writes it), if any.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The media type of a file in this format.
    pub fn media_type(&self) -> &'static str {
        match self {
            Format::AcledCsv => "text/csv; charset=utf-8",
            Format::Geojson => "application/geo+json",
            Format::Jsonl => "application/x-ndjson",
        }
    }

    /// The usual file extension (without the dot).
    pub fn extension(&self) -> &'static str {
        match self {
            Format::AcledCsv => "csv",
            Format::Geojson => "geojson",
            Format::Jsonl => "jsonl",
        }
    }
}

/// ACLED's column names, in the order written.
pub const ACLED_COLUMNS: &[&str] = &[
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1", "inter1", "actor2",
    "inter2", "country", "iso", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities",
];

fn country_name(cc: &str) -> String {
    testigo_gazetteer::Gazetteer::embedded().country(cc).map(|c| c.name().to_string()).unwrap_or_else(|| cc.to_string())
}

/// One incident as the JSON of `export --format jsonl` and `show --json`.
pub fn incident_json(d: &IncidentDetail) -> Value {
    let mut v = serde_json::to_value(&d.incident).unwrap_or_default();
    let sources: Vec<Value> = d
        .sources
        .iter()
        .filter(|s| s.active)
        .map(|s| {
            let m = &s.document.metadata;
            json!({
                "sha256": s.document.sha256,
                "title": m.title,
                "publisher": m.publisher,
                "published": m.published,
                "url": m.url,
                "language": m.language,
                "file": s.document.name,
                "link_reason": s.link_reason,
                "link_score": s.link_score,
            })
        })
        .collect();
    let accounts = testigo_link::accounts(&d.observations);
    let facts = testigo_link::facts(&accounts);
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), d.id.0.into());
        o.insert("version".into(), d.version.into());
        o.insert("independent_sources".into(), testigo_link::independent_sources(&accounts).max(usize::from(!d.sources.is_empty())).into());
        o.insert("sources".into(), Value::Array(sources));
        o.insert("facts".into(), serde_json::to_value(&facts).unwrap_or_default());
    }
    v
}

/// [`incident_json`] of a redacted incident: sources without file names, fact values with
/// their speaker's role and without quotes, `"minor"` in `victims.ages` for each minor's
/// exact age, and the list of what was redacted.
pub fn public_json(d: &IncidentDetail, redactions: &[Redaction]) -> Value {
    let mut v = incident_json(d);
    if let Some(sources) = v.get_mut("sources").and_then(Value::as_array_mut) {
        for s in sources.iter_mut().filter_map(Value::as_object_mut) {
            s.remove("file");
        }
    }
    if let Some(facts) = v.get_mut("facts").and_then(Value::as_object_mut) {
        for values in facts.values_mut().filter_map(Value::as_array_mut) {
            for fact in values.iter_mut().filter_map(Value::as_object_mut) {
                let stance = fact.get("stance").and_then(Value::as_str).unwrap_or("").to_string();
                let role = testigo_core::Stance::parse(&stance).map_or("source", testigo_core::redact::role);
                fact.insert("attributed_to".into(), role.into());
                fact.insert("evidence".into(), testigo_core::redact::WITHHELD.into());
            }
        }
    }
    // Each minor's exact age is written "minor", beside the adults' ages.
    let minors = testigo_core::redact::minor_ages(redactions);
    if let Some(ages) = v.pointer_mut("/victims/ages").and_then(Value::as_array_mut) {
        ages.extend(std::iter::repeat_n(Value::from("minor"), minors));
    }
    if let Some(o) = v.as_object_mut() {
        let list: Vec<Value> = redactions.iter().map(|r| json!({"field": r.field, "what": r.what})).collect();
        o.insert("redacted".into(), list.into());
    }
    v
}

fn notes(d: &IncidentDetail) -> String {
    // ACLED notes summarise the event; we quote the sentence that reported it.
    let text = d.sources.first().map(|s| s.document.text.as_str()).unwrap_or("");
    d.incident
        .evidence
        .get("event_type")
        .and_then(|v| v.first())
        .and_then(|s| s.slice(text))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| summary(&d.incident))
}

/// A one-line summary from categories only, for a public export's notes (no quoted text).
fn summary(i: &testigo_core::Incident) -> String {
    let harms: Vec<&str> = i.harms.iter().map(|h| h.as_str()).collect();
    let by: Vec<&str> = i.perpetrators.iter().map(|p| p.category.as_str()).collect();
    let place = i.location.as_ref().and_then(|l| l.name.clone()).unwrap_or_default();
    format!("{} by {} in {place}", if harms.is_empty() { "incident".to_string() } else { harms.join(", ") }, if by.is_empty() { "unknown perpetrators".to_string() } else { by.join(", ") })
}

fn acled_row(d: &IncidentDetail) -> Vec<String> {
    let i = &d.incident;
    let loc = i.location.as_ref();
    let cc = loc.and_then(|l| l.country.clone()).unwrap_or_default();
    let days = match (i.event_date, i.event_date_end) {
        (Some(a), Some(b)) => (b - a).num_days() + 1,
        _ => 1,
    };
    let actor1 = i.perpetrators.first();
    let victims = match i.victims.group.as_deref() {
        Some("migrants") => format!("Migrants ({})", if cc.is_empty() { "International".into() } else { country_name(&cc) }),
        _ => format!("Civilians ({})", if cc.is_empty() { "International".into() } else { country_name(&cc) }),
    };
    let opt = |x: Option<String>| x.unwrap_or_default();
    vec![
        format!("{}{}", cc, d.id.0),
        opt(i.event_date.map(|x| x.to_string())),
        opt(i.event_date.map(|x| chrono::Datelike::year(&x).to_string())),
        opt(i.date_precision.acled_time_precision(days).map(|p| p.to_string())),
        i.event_type.as_str().to_string(),
        i.sub_event_type.as_str().to_string(),
        opt(actor1.map(|p| p.text.clone())),
        opt(actor1.map(|p| p.category.acled_inter().to_string())),
        victims,
        "7".into(),
        if cc.is_empty() { String::new() } else { country_name(&cc) },
        String::new(),
        opt(loc.and_then(|l| l.admin1.as_deref().map(str::to_string))),
        opt(loc.and_then(|l| l.admin2.as_deref().map(str::to_string))),
        opt(loc.and_then(|l| l.name.as_deref().map(str::to_string))),
        opt(loc.and_then(|l| l.latitude).map(|x| format!("{x:.4}"))),
        opt(loc.and_then(|l| l.longitude).map(|x| format!("{x:.4}"))),
        opt(loc.map(|l| l.geo_precision.to_string())),
        d.sources.iter().filter_map(|s| s.document.metadata.publisher.clone()).collect::<Vec<_>>().join("; "),
        String::new(),
        notes(d),
        opt(i.fatalities.map(|f| f.to_string())),
    ]
}

/// Writes `items` in `format`; with `redactions` (one list per item) as a public export.
pub fn write(out: &mut dyn Write, format: Format, items: &[IncidentDetail], redactions: Option<&[Vec<Redaction>]>) -> anyhow::Result<()> {
    let json_of = |i: usize, d: &IncidentDetail| match redactions {
        Some(r) => public_json(d, r.get(i).map_or(&[][..], Vec::as_slice)),
        None => incident_json(d),
    };
    match format {
        Format::AcledCsv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(ACLED_COLUMNS)?;
            for d in items {
                w.write_record(acled_row(d))?;
            }
            w.flush()?;
        }
        Format::Geojson => {
            let features: Vec<Value> = items
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let geometry = d
                        .incident
                        .location
                        .as_ref()
                        .and_then(|l| Some(json!({"type": "Point", "coordinates": [l.longitude?, l.latitude?]})))
                        .unwrap_or(Value::Null);
                    let mut props = json_of(i, d);
                    if let Some(o) = props.as_object_mut() {
                        o.remove("evidence");
                    }
                    json!({"type": "Feature", "id": d.id.0, "geometry": geometry, "properties": props})
                })
                .collect();
            serde_json::to_writer(&mut *out, &json!({"type": "FeatureCollection", "features": features}))?;
            writeln!(out)?;
        }
        Format::Jsonl => {
            for (i, d) in items.iter().enumerate() {
                serde_json::to_writer(&mut *out, &json_of(i, d))?;
                writeln!(out)?;
            }
        }
    }
    Ok(())
}

