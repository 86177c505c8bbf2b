//! The web application's records: accounts, verification, analysts' values (which must survive
//! relinking), search and history.

use chrono::{Duration, Utc};
use serde_json::json;
use testigo_core::SubEventType;
use testigo_store::monitor::{IncidentQuery, Role, Sort, Verification};
use testigo_store::{AuditFilter, IncidentId, Store, StoreError};

use crate::link::{ingest, shelter, SHELTER};
use crate::{doc, memory, placed, saltillo, SALTILLO};

#[test]
fn users_sessions_and_tokens() {
    let mut store = memory();
    let ana = store.add_user("ana", Role::Analyst, "$argon2id$hash", "root").unwrap();
    assert!(matches!(store.add_user("ana", Role::Viewer, "x", "root"), Err(StoreError::UserExists { .. })));
    let creds = store.user_credentials("ana").unwrap().unwrap();
    assert_eq!((creds.user.clone(), creds.password_hash.as_str()), (ana.clone(), "$argon2id$hash"));
    assert_eq!(store.user_credentials("nobody").unwrap(), None);

    let now = Utc::now();
    store.create_session("s1", ana.id, "csrf1", now + Duration::hours(1)).unwrap();
    let session = store.session("s1", now).unwrap().unwrap();
    assert_eq!((session.user, session.csrf.as_str()), (ana.clone(), "csrf1"));
    assert_eq!(store.session("s1", now + Duration::hours(2)).unwrap(), None, "an expired session is refused");
    store.end_session("s1").unwrap();
    assert_eq!(store.session("s1", now).unwrap(), None);

    assert_eq!(store.create_api_token(&"1".repeat(64), "ana", "root").unwrap(), ana);
    assert_eq!(store.api_token_user(&"1".repeat(64)).unwrap(), Some(ana.clone()));
    assert_eq!(store.api_token_user("t2").unwrap(), None);
    assert!(matches!(store.create_api_token(&"3".repeat(64), "bob", "root"), Err(StoreError::UnknownUser { .. })));
    let log = store.audit_log(&AuditFilter { target: Some(format!("user:{}", ana.id)), limit: 0, offset: 0 }).unwrap();
    let actions: Vec<_> = log.iter().map(|e| (e.actor.as_str(), e.action.as_str())).collect();
    assert_eq!(actions, [("root", "token_create"), ("root", "user_add")]);
}

#[test]
fn issue_5_admins_manage_accounts_without_losing_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testigo.db");
    let mut store = testigo_store::SqliteStore::open(&path).unwrap();
    let lucia = store.add_user("lucia", Role::Admin, "$argon2id$lucia", "root").unwrap();
    let ana = store.add_user("ana", Role::Analyst, "$argon2id$ana", "lucia").unwrap();
    let now = Utc::now();
    store.create_session("s-ana", ana.id, "c", now + Duration::hours(1)).unwrap();
    store.create_api_token(&"a".repeat(64), "ana", "lucia").unwrap();
    let accounts = store.user_accounts().unwrap();
    assert_eq!(accounts.iter().map(|a| a.user.name.as_str()).collect::<Vec<_>>(), ["ana", "lucia"]);
    assert!(accounts[0].last_login_at.is_some(), "a browser login is noted");
    assert!(accounts[1].last_login_at.is_none() && accounts[1].disabled_at.is_none());

    // A new role applies to the running session at once.
    assert_eq!(store.set_user_role(ana.id, Role::Viewer, "lucia").unwrap().user.role, Role::Viewer);
    assert_eq!(store.session("s-ana", now).unwrap().unwrap().user.role, Role::Viewer);

    // Disabling ends the sessions and revokes the tokens; the account stays, named.
    let ended = store.disable_user(ana.id, "lucia").unwrap();
    assert_eq!((ended.sessions, ended.tokens), (1, 1));
    assert_eq!(store.session("s-ana", now).unwrap(), None);
    assert_eq!(store.api_token_user(&"a".repeat(64)).unwrap(), None);
    assert!(store.user_credentials("ana").unwrap().unwrap().disabled);
    assert!(store.user_account(ana.id).unwrap().unwrap().disabled_at.is_some());
    assert!(matches!(store.create_api_token(&"b".repeat(64), "ana", "lucia"), Err(StoreError::UserDisabled { .. })));
    assert!(matches!(store.add_user("ana", Role::Viewer, "x", "lucia"), Err(StoreError::UserExists { .. })), "the name stays taken");
    assert_eq!(store.disable_user(ana.id, "lucia").unwrap(), Default::default(), "twice changes nothing");
    store.enable_user(ana.id, "lucia").unwrap();
    assert!(!store.user_credentials("ana").unwrap().unwrap().disabled);
    assert_eq!(store.api_token_user(&"a".repeat(64)).unwrap(), None, "revoked tokens stay revoked");

    // A new password ends the sessions, and the audit log never holds it.
    store.create_session("s-ana-2", ana.id, "c", now + Duration::hours(1)).unwrap();
    assert_eq!(store.set_password(ana.id, "$argon2id$new-secret-hash", "lucia").unwrap().sessions, 1);
    assert_eq!(store.session("s-ana-2", now).unwrap(), None);
    assert_eq!(store.user_credentials("ana").unwrap().unwrap().password_hash, "$argon2id$new-secret-hash");

    // The last active admin can be neither demoted nor disabled; a disabled admin does not count.
    assert!(matches!(store.set_user_role(lucia.id, Role::Analyst, "lucia"), Err(StoreError::LastAdmin { .. })));
    assert!(matches!(store.disable_user(lucia.id, "lucia"), Err(StoreError::LastAdmin { .. })));
    let mar = store.add_user("mar", Role::Admin, "$argon2id$mar", "lucia").unwrap();
    store.disable_user(mar.id, "lucia").unwrap();
    assert!(matches!(store.set_user_role(lucia.id, Role::Viewer, "lucia"), Err(StoreError::LastAdmin { .. })));
    store.enable_user(mar.id, "lucia").unwrap();
    assert_eq!(store.set_user_role(lucia.id, Role::Analyst, "mar").unwrap().user.role, Role::Analyst);
    assert!(matches!(store.set_user_role(99, Role::Viewer, "mar"), Err(StoreError::UnknownUserId { id: 99 })));
    assert_eq!(store.user_account(99).unwrap(), None);

    // Who did what, in the chained log; the chain still verifies.
    let log = store.audit_log(&AuditFilter { target: Some(format!("user:{}", ana.id)), limit: 0, offset: 0 }).unwrap();
    let actions: Vec<_> = log.iter().rev().map(|e| (e.actor.as_str(), e.action.as_str())).collect();
    assert_eq!(
        actions,
        [("lucia", "user_add"), ("lucia", "token_create"), ("lucia", "user_role"), ("lucia", "user_disable"), ("lucia", "user_enable"), ("lucia", "user_password")]
    );
    assert!(log.iter().all(|e| !e.reason.contains("secret")), "no password hash in the log");
    assert_eq!(log[0].reason, "password of ana set; 1 session(s) ended");
    assert!(store.verify().unwrap().audit_entries >= 9);
    drop(store);

    // Accounts are never deleted: their names are the authors of the record.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn.execute("DELETE FROM users WHERE name = 'ana'", []).unwrap_err();
    assert!(err.to_string().contains("never deleted"), "{err}");
}

#[test]
fn verification_status_is_a_history() {
    let mut store = memory();
    let (_, links) = ingest(&mut store, &doc("s.txt", SALTILLO), &[saltillo()]);
    let id = links[0].incident_id;
    assert!(store.verification_history(id).unwrap().is_empty());
    store.set_verification(id, Verification::Corroborated, "ana", "two sources").unwrap();
    store.set_verification(id, Verification::Disputed, "ana", "state denies").unwrap();
    let log = store.audit_log(&AuditFilter { target: Some(format!("incident:{id}")), limit: 1, offset: 0 }).unwrap();
    assert_eq!((log[0].action.as_str(), log[0].reason.as_str()), ("verify", "disputed: state denies"));
    let h = store.verification_history(id).unwrap();
    assert_eq!(h.iter().map(|c| c.status).collect::<Vec<_>>(), [Verification::Corroborated, Verification::Disputed]);
    assert!(matches!(
        store.set_verification(IncidentId(99), Verification::Verified, "ana", "x"),
        Err(StoreError::UnknownIncident { .. })
    ));
    let q = IncidentQuery { verification: Some(Verification::Disputed), ..IncidentQuery::default() };
    assert_eq!(store.search_incidents(&q).unwrap().total, 1);
    let q = IncidentQuery { verification: Some(Verification::Unverified), ..IncidentQuery::default() };
    assert_eq!(store.search_incidents(&q).unwrap().total, 0);
}

#[test]
fn issue_5_an_analysts_value_survives_a_new_linked_source() {
    let mut store = memory();
    let (_, links) = ingest(&mut store, &doc("s.txt", SALTILLO), &[saltillo()]);
    let id = links[0].incident_id;
    let values = [("fatalities".to_string(), json!(3)), ("location.admin1".to_string(), json!("Coahuila de Zaragoza"))];
    let version = store.set_fields(id, &values, "ana", "the shelter's count, confirmed by phone").unwrap();
    assert_eq!(version, 2);
    let detail = store.incident(id).unwrap().unwrap();
    assert_eq!(detail.incident.fatalities, Some(3));
    assert_eq!(detail.versions[1].author, "ana");
    assert!(!detail.incident.evidence.contains_key("fatalities"), "the old evidence no longer backs the value");

    // A second report is linked: the version is rebuilt from the observations (the fake
    // linker takes the highest toll, 2), and the analyst's values are applied on top.
    ingest(&mut store, &doc("shelter.txt", SHELTER), &[shelter()]);
    let detail = store.incident(id).unwrap().unwrap();
    assert_eq!(detail.version, 3);
    assert_eq!(detail.sources.len(), 2);
    assert_eq!(detail.incident.fatalities, Some(3));
    assert_eq!(detail.incident.location.unwrap().admin1.as_deref(), Some("Coahuila de Zaragoza"));
    let overrides = store.overrides(id).unwrap();
    assert_eq!(overrides.len(), 2);
    assert_eq!(overrides[0].reason, "the shelter's count, confirmed by phone");

    // A later value for the same field wins; a bad one is refused and writes nothing.
    store.set_fields(id, &[("fatalities".to_string(), json!(4))], "ana", "recount").unwrap();
    assert_eq!(store.incident(id).unwrap().unwrap().incident.fatalities, Some(4));
    // The list's, the map's and the statistics' copies follow the new version.
    assert_eq!(store.map_points(&IncidentQuery::default(), 10).unwrap()[0].fatalities, Some(4));
    assert_eq!(store.incident_stats(&IncidentQuery::default()).unwrap().by_month[0].fatalities, 4);
    assert!(matches!(
        store.set_fields(id, &[("claims".to_string(), json!([]))], "ana", "x"),
        Err(StoreError::InvalidOverride { .. })
    ));
    assert_eq!(store.incident(id).unwrap().unwrap().version, 4);
    // Every change is in the audit log with who and why.
    let log = store.audit_log(&AuditFilter { target: Some(format!("incident:{id}")), limit: 0, offset: 0 }).unwrap();
    assert_eq!(log[0].action, "revise");
    assert_eq!((log[0].actor.as_str(), log[0].reason.as_str()), ("ana", "set fatalities: recount"));
    assert!(log.iter().any(|e| e.action == "link"), "{log:?}");
    store.verify().unwrap();
}

#[test]
fn search_finds_word_forms_accent_insensitively_with_filters_and_counts() {
    let mut store = memory();
    let text = "SALTILLO — Dos migrantes fueron asesinados a disparos por policías estatales en Saltillo.";
    let incident = placed(Some("2019-07-31"), None, "MX", "Coahuila", SubEventType::Attack);
    let (_, links) = ingest(&mut store, &doc("es.txt", text), &[incident]);
    let saltillo_id = links[0].incident_id;
    let other = placed(Some("2019-05-01"), None, "MX", "Chiapas", SubEventType::Attack);
    let (_, links) = ingest(&mut store, &doc("en.txt", "In Tapachula, a migrant was beaten by guards."), &[other]);
    let tapachula_id = links[0].incident_id;

    let search = |q: IncidentQuery| {
        let page = store.search_incidents(&q).unwrap();
        (page.total, page.items.iter().map(|i| i.summary.id).collect::<Vec<_>>())
    };
    let text = |t: &str| IncidentQuery { text: Some(t.to_string()), ..IncidentQuery::default() };
    assert_eq!(search(text("asesinato")), (1, vec![saltillo_id]));
    assert_eq!(search(text("DISPARÓ")), (1, vec![saltillo_id]));
    assert_eq!(search(text("policias saltillo")), (1, vec![saltillo_id]));
    assert_eq!(search(text("beating")), (1, vec![tapachula_id]));
    assert_eq!(search(text("nothing-like-this")), (0, vec![]));
    assert_eq!(search(text("\" OR *")), (0, vec![]), "query syntax is not interpreted");
    assert_eq!(search(IncidentQuery::default()), (2, vec![saltillo_id, tapachula_id]));
    assert_eq!(search(IncidentQuery { sort: Sort::DateAsc, ..IncidentQuery::default() }).1, vec![tapachula_id, saltillo_id]);
    assert_eq!(search(IncidentQuery { admin1: Some("chiapas".into()), ..IncidentQuery::default() }).1, vec![tapachula_id]);
    assert_eq!(search(IncidentQuery { limit: Some(1), offset: 1, ..IncidentQuery::default() }), (2, vec![tapachula_id]));
    assert_eq!(search(IncidentQuery { contested: Some(true), ..IncidentQuery::default() }).0, 2);
    assert_eq!(search(IncidentQuery { contested: Some(false), ..IncidentQuery::default() }).0, 0);
    assert_eq!(search(IncidentQuery { perpetrator: Some(testigo_core::ActorCategory::Police.as_str().into()), ..IncidentQuery::default() }).0, 2);
    assert_eq!(search(IncidentQuery { harm: Some("killing".into()), ..IncidentQuery::default() }).0, 2);
}

#[test]
fn map_points_and_statistics_follow_the_filters() {
    let mut store = memory();
    let mut a = placed(Some("2019-07-31"), None, "MX", "Coahuila", SubEventType::Attack);
    a.location.as_mut().unwrap().name = Some("Saltillo".to_string().into());
    a.fatalities = Some(2);
    ingest(&mut store, &doc("a.txt", "In Saltillo, two migrants were shot dead by police."), &[a]);
    let mut b = placed(Some("2019-08-02"), None, "MX", "Chiapas", SubEventType::Attack);
    b.location.as_mut().unwrap().name = Some("Tapachula".to_string().into());
    b.location.as_mut().unwrap().latitude = None;
    ingest(&mut store, &doc("b.txt", "In Tapachula, a migrant was beaten by police."), &[b]);
    let c = placed(Some("2019-05-01"), None, "MX", "Chiapas", SubEventType::Attack);
    ingest(&mut store, &doc("c.txt", "A migrant was killed in Chiapas."), &[c]);

    let all = IncidentQuery::default();
    let points = store.map_points(&all, 100).unwrap();
    assert_eq!(points.len(), 2, "the one without coordinates is not on the map");
    assert_eq!(points[0].place.as_deref(), Some("Saltillo"));
    assert_eq!(points[0].fatalities, Some(2));
    let chiapas = IncidentQuery { admin1: Some("chiapas".into()), ..IncidentQuery::default() };
    assert_eq!(store.map_points(&chiapas, 100).unwrap().len(), 1);

    let stats = store.incident_stats(&all).unwrap();
    let months: Vec<_> = stats.by_month.iter().map(|r| (r.key.as_str(), r.incidents)).collect();
    assert_eq!(months, [("2019-05", 1), ("2019-07", 1), ("2019-08", 1)]);
    assert_eq!(stats.by_month[1].fatalities, 2);
    assert_eq!(stats.by_perpetrator[0].key, "Police");
    assert_eq!(stats.by_perpetrator[0].incidents, 3);
    assert_eq!(stats.by_admin1[0].key, "Chiapas, MX");
    assert_eq!(stats.by_admin1[0].incidents, 2);
    let text = IncidentQuery { text: Some("beaten".into()), ..IncidentQuery::default() };
    assert_eq!(store.incident_stats(&text).unwrap().by_month.len(), 1);
    let by_toll = store.search_incidents(&IncidentQuery { sort: Sort::FatalitiesDesc, ..IncidentQuery::default() }).unwrap();
    let tolls: Vec<_> = by_toll.items.iter().map(|i| i.summary.incident.fatalities.unwrap_or(0)).collect();
    assert_eq!(by_toll.total, 3);
    assert!(tolls.windows(2).all(|w| w[0] >= w[1]) && tolls[0] == 2, "{tolls:?}");
}

#[test]
fn counting_can_stop_at_a_limit() {
    let mut store = memory();
    for (i, day) in ["2019-01-01", "2019-02-01", "2019-03-01"].iter().enumerate() {
        let incident = placed(Some(day), None, "MX", "Chiapas", SubEventType::Attack);
        ingest(&mut store, &doc(&format!("{i}.txt"), &format!("Report {i} of a killing.")), &[incident]);
    }
    let page = store.search_incidents(&IncidentQuery { count_limit: Some(2), limit: Some(1), ..IncidentQuery::default() }).unwrap();
    assert_eq!((page.total, page.total_is_lower_bound, page.items.len()), (2, true, 1));
    let page = store.search_incidents(&IncidentQuery { count_limit: Some(3), ..IncidentQuery::default() }).unwrap();
    assert_eq!((page.total, page.total_is_lower_bound), (3, false));
    let page = store.search_incidents(&IncidentQuery::default()).unwrap();
    assert_eq!((page.total, page.total_is_lower_bound), (3, false));
}
