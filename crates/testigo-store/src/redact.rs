//! Redaction of stored incidents for anything public (`testigo export --public`, the web
//! application's public view): [`redact_detail`] applies `testigo_core::redact` to an
//! [`IncidentDetail`] and its sources. Pure: no SQL, no I/O.

use testigo_core::redact::{redact_incident, Redaction};

use crate::{DocumentId, IncidentDetail};

/// An incident without personal data, for a public export or view, with what was redacted:
/// the record and every observation through [`testigo_core::redact::redact_incident`]; every
/// source's local file name and text dropped; a sensitive source's title, publisher and URL
/// withheld; an analyst's reason for a link (merge, split) withheld; version reasons dropped
/// and analysts' names replaced by "analyst".
pub fn redact_detail(d: &IncidentDetail) -> (IncidentDetail, Vec<Redaction>) {
    let mut out = d.clone();
    let (incident, mut redactions) = redact_incident(&d.incident);
    out.incident = incident;
    let sensitive: Vec<DocumentId> =
        d.sources.iter().filter(|s| s.document.sensitive).map(|s| s.document.id).collect();
    for o in &mut out.observations {
        o.incident = redact_incident(&o.incident).0;
        if sensitive.contains(&o.document_id) {
            o.metadata = withheld_metadata(&o.metadata);
        }
    }
    for (i, s) in out.sources.iter_mut().enumerate() {
        let doc = &mut s.document;
        doc.name = String::new();
        doc.text = String::new();
        doc.metadata_source = serde_json::Value::Null;
        if let Some(withheld) = s.link_reason.as_deref().and_then(analyst_link_reason) {
            s.link_reason = Some(withheld.to_string());
            redactions.push(Redaction {
                field: format!("sources[{i}].link_reason"),
                what: "an analyst's reason withheld".to_string(),
            });
        }
        let doc = &mut s.document;
        if doc.sensitive {
            doc.metadata = withheld_metadata(&doc.metadata);
            redactions.push(Redaction {
                field: format!("sources[{i}]"),
                what: "sensitive document: its title, publisher and URL withheld".to_string(),
            });
        }
    }
    // Version reasons name files and carry analysts' words; authors are staff.
    for v in &mut out.versions {
        v.reason = String::new();
        if v.author != crate::EXTRACTION_AUTHOR && v.author != crate::LINK_AUTHOR {
            v.author = "analyst".to_string();
        }
    }
    (out, redactions)
}

/// What a public export says instead of a link reason that holds an analyst's words (the
/// `--reason` of a merge or split, which may name people), or `None` for a reason testigo
/// wrote itself ("same day, 3 km apart…"), which stays.
fn analyst_link_reason(reason: &str) -> Option<&'static str> {
    if reason.starts_with(crate::sqlite::MERGED_BY) {
        Some("merged by an analyst (reason withheld)")
    } else if reason.starts_with(crate::sqlite::SPLIT_FROM) {
        Some("split from another incident by an analyst (reason withheld)")
    } else {
        None
    }
}

fn withheld_metadata(m: &testigo_core::Metadata) -> testigo_core::Metadata {
    testigo_core::Metadata { title: None, publisher: None, url: None, ..m.clone() }
}

