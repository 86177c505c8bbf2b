use testigo_core::{EventType, Span, SubEventType};
use testigo_store::{IncidentFilter, IncidentId, IngestOutcome, SqliteStore, Store, StoreError};

use crate::{date, doc, memory, placed, saltillo, stats, SALTILLO};

/// Four incidents from one document:
/// a day in Coahuila, a range in Michoacán, a day in Texas (strategic development) and an
/// unresolved date in Veracruz. Returns them in that order.
fn four(store: &mut SqliteStore) -> [IncidentId; 4] {
    let incidents = [
        placed(Some("2019-07-31"), Some("2019-07-31"), "MX", "Coahuila", SubEventType::Attack),
        placed(Some("2019-06-21"), Some("2019-06-30"), "mx", "Michoacán", SubEventType::Attack),
        placed(Some("2019-08-05"), Some("2019-08-05"), "US", "Texas", SubEventType::Arrests),
        placed(None, None, "MX", "Veracruz", SubEventType::AbductionForcedDisappearance),
    ];
    let IngestOutcome::New { incident_ids, .. } = store.ingest(&doc("four.txt", "four incidents"), &incidents).unwrap()
    else {
        panic!("new");
    };
    [incident_ids[0], incident_ids[1], incident_ids[2], incident_ids[3]]
}

fn ids(store: &SqliteStore, filter: IncidentFilter) -> Vec<IncidentId> {
    store.incidents(&filter).unwrap().into_iter().map(|s| s.id).collect()
}

#[test]
fn an_empty_filter_lists_everything_by_date_with_unresolved_last() {
    let mut store = memory();
    let [coahuila, michoacan, texas, veracruz] = four(&mut store);
    let all = store.incidents(&IncidentFilter::default()).unwrap();
    assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), [michoacan, coahuila, texas, veracruz]);
    assert!(all.iter().all(|s| s.version == 1 && s.sources == 1));
    assert_eq!(all[0].incident.event_date, Some(date("2019-06-21")));
    assert_eq!(all[0].incident.location.as_ref().unwrap().admin1.as_deref(), Some("Michoacán"));
}

#[test]
fn dates_match_when_the_ranges_overlap() {
    let mut store = memory();
    let [coahuila, michoacan, texas, _veracruz] = four(&mut store);
    let between = |from: &str, to: &str| IncidentFilter {
        from: Some(date(from)),
        to: Some(date(to)),
        ..IncidentFilter::default()
    };
    // Inside Michoacán's range, touching neither end.
    assert_eq!(ids(&store, between("2019-06-25", "2019-06-26")), [michoacan]);
    // Touching the last day of the range.
    assert_eq!(ids(&store, between("2019-06-30", "2019-07-30")), [michoacan]);
    assert_eq!(ids(&store, between("2019-07-01", "2019-07-31")), [coahuila]);
    assert_eq!(ids(&store, between("2019-08-06", "2019-12-31")), []);
    // Open-ended bounds; the unresolved date matches neither.
    assert_eq!(
        ids(&store, IncidentFilter { from: Some(date("2019-06-30")), ..IncidentFilter::default() }),
        [michoacan, coahuila, texas]
    );
    assert_eq!(ids(&store, IncidentFilter { to: Some(date("2019-06-21")), ..IncidentFilter::default() }), [michoacan]);
}

#[test]
fn country_matches_case_insensitively() {
    let mut store = memory();
    let [coahuila, michoacan, texas, veracruz] = four(&mut store);
    let country = |c: &str| IncidentFilter { country: Some(c.to_string()), ..IncidentFilter::default() };
    assert_eq!(ids(&store, country("mx")), [michoacan, coahuila, veracruz]);
    assert_eq!(ids(&store, country("US")), [texas]);
    assert_eq!(ids(&store, country("GT")), []);
}

#[test]
fn admin1_matches_case_and_accent_insensitively() {
    let mut store = memory();
    let [coahuila, michoacan, _texas, _veracruz] = four(&mut store);
    let admin1 = |a: &str| IncidentFilter { admin1: Some(a.to_string()), ..IncidentFilter::default() };
    for spelling in ["Michoacan", "michoacán", "MICHOACÁN", " Michoaca\u{301}n "] {
        assert_eq!(ids(&store, admin1(spelling)), [michoacan], "{spelling:?}");
    }
    assert_eq!(ids(&store, admin1("COAHUILA")), [coahuila]);
    assert_eq!(ids(&store, admin1("Michoa")), [], "a prefix is not a match");
}

#[test]
fn event_type_and_combined_filters() {
    let mut store = memory();
    let [coahuila, michoacan, texas, veracruz] = four(&mut store);
    let of_type = |t: EventType| IncidentFilter { event_type: Some(t), ..IncidentFilter::default() };
    assert_eq!(ids(&store, of_type(EventType::StrategicDevelopments)), [texas]);
    assert_eq!(ids(&store, of_type(EventType::ViolenceAgainstCivilians)), [michoacan, coahuila, veracruz]);
    assert_eq!(ids(&store, of_type(EventType::Battles)), []);

    let combined = IncidentFilter {
        from: Some(date("2019-07-01")),
        country: Some("MX".to_string()),
        event_type: Some(EventType::ViolenceAgainstCivilians),
        ..IncidentFilter::default()
    };
    assert_eq!(ids(&store, combined), [coahuila]);
}

#[test]
fn limit_and_offset_page_through_the_ordered_list() {
    let mut store = memory();
    let [coahuila, michoacan, texas, veracruz] = four(&mut store);
    let page = |limit, offset| IncidentFilter { limit, offset, ..IncidentFilter::default() };
    assert_eq!(ids(&store, page(Some(2), 0)), [michoacan, coahuila]);
    assert_eq!(ids(&store, page(Some(2), 2)), [texas, veracruz]);
    assert_eq!(ids(&store, page(None, 3)), [veracruz]);
    assert_eq!(ids(&store, page(Some(0), 0)), []);
}

#[test]
fn a_revision_adds_a_version_and_keeps_the_first() {
    let mut store = memory();
    let IngestOutcome::New { incident_ids, .. } = store.ingest(&doc("s.txt", SALTILLO), &[saltillo()]).unwrap() else {
        panic!("new");
    };
    let id = incident_ids[0];
    let mut corrected = saltillo();
    corrected.fatalities = Some(2);
    corrected.location.as_mut().unwrap().admin1 = Some("Nuevo León".to_string().into());

    let version = store.revise_incident(id, &corrected, "ana", "second victim confirmed by the shelter").unwrap();
    assert_eq!(version, 2);

    let detail = store.incident(id).unwrap().unwrap();
    assert_eq!(detail.version, 2);
    assert_eq!(detail.incident, corrected);
    let history: Vec<(u32, &str)> = detail.versions.iter().map(|v| (v.version, v.author.as_str())).collect();
    assert_eq!(history, [(1, "testigo extract"), (2, "ana")]);
    assert_eq!(detail.versions[1].reason, "second victim confirmed by the shelter");
    assert!(detail.versions[1].created_at >= detail.versions[0].created_at);
    assert_eq!(detail.sources.len(), 1, "a revision does not add a source");

    // Version 1 is still there, unchanged.
    assert_eq!(store.incident_version(id, 1).unwrap(), Some(saltillo()));
    assert_eq!(store.incident_version(id, 2).unwrap(), Some(corrected));
    assert_eq!(store.incident_version(id, 3).unwrap(), None);

    // Listings and filters see the current version only.
    let listed = store.incidents(&IncidentFilter::default()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].version, listed[0].incident.fatalities), (2, Some(2)));
    let admin1 = |a: &str| IncidentFilter { admin1: Some(a.to_string()), ..IncidentFilter::default() };
    assert_eq!(ids(&store, admin1("nuevo leon")), [id]);
    assert_eq!(ids(&store, admin1("Coahuila")), []);

    assert_eq!(store.revise_incident(id, &saltillo(), "ben", "revert").unwrap(), 3);
    let s = stats(&store);
    assert_eq!((s.incidents, s.incident_versions), (1, 3));
}

#[test]
fn revising_an_unknown_incident_or_with_a_bad_span_is_refused() {
    let mut store = memory();
    let err = store.revise_incident(IncidentId(7), &saltillo(), "ana", "fix").unwrap_err();
    assert!(matches!(err, StoreError::UnknownIncident { id: IncidentId(7) }), "{err:?}");
    assert!(err.to_string().contains("no incident 7"), "{err}");

    let IngestOutcome::New { incident_ids, .. } = store.ingest(&doc("s.txt", SALTILLO), &[saltillo()]).unwrap() else {
        panic!("new");
    };
    let mut bad = saltillo();
    bad.evidence.insert("injured".into(), vec![Span::new(0, 10_000)]);
    let err = store.revise_incident(incident_ids[0], &bad, "ana", "fix").unwrap_err();
    assert!(matches!(err, StoreError::SpanOutsideText { .. }), "{err:?}");
    assert_eq!(store.incident(incident_ids[0]).unwrap().unwrap().version, 1);
}

#[test]
fn all_incidents_returns_every_incident_with_its_sources_in_id_order() {
    let mut store = memory();
    let [coahuila, michoacan, texas, veracruz] = four(&mut store);
    let IngestOutcome::New { incident_ids, .. } = store.ingest(&doc("s.txt", SALTILLO), &[saltillo()]).unwrap() else {
        panic!("new");
    };
    let all = store.all_incidents().unwrap();
    assert_eq!(all.iter().map(|d| d.id).collect::<Vec<_>>(), [coahuila, michoacan, texas, veracruz, incident_ids[0]]);
    assert!(all.iter().all(|d| d.sources.len() == 1 && d.versions.len() == 1));
    assert_eq!(all[4].sources[0].document.text, SALTILLO);
    assert_eq!(all[0].sources[0].document.name, "four.txt");
    assert_eq!(store.incident(IncidentId(999)).unwrap(), None);
}
