//! The JSON API: tokens, roles, filters, and every request and response checked against the
//! OpenAPI document.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use testigo_store::Store;

use crate::openapi::check;
use crate::TestApp;

fn token(t: &TestApp, user: &str) -> String {
    let mut store = testigo_store::SqliteStore::open(&t.db()).unwrap();
    testigo_web::create_token(&mut store, user, "test").unwrap()
}

/// Sends an API request, checks it and its answer against the OpenAPI document, and returns
/// the status and body.
async fn call(t: &TestApp, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, String) {
    send_checked(t, method, path, token, body.as_ref().map(Value::to_string), body.as_ref()).await
}

/// Sends `raw` as a JSON body that is not JSON, and checks the answer against the document.
async fn call_raw(t: &TestApp, path: &str, token: &str, raw: &str) -> (StatusCode, String) {
    send_checked(t, "post", path, Some(token), Some(raw.to_string()), None).await
}

/// Sends a request with `body` (as JSON), checks it (`checked`: the JSON sent, if it is JSON)
/// and its answer against the OpenAPI document, and returns the status and body.
async fn send_checked(
    t: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
    checked: Option<&Value>,
) -> (StatusCode, String) {
    let mut b = Request::builder().method(method.to_uppercase().as_str()).uri(format!("/api/v1{path}"));
    if let Some(tok) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {tok}"));
    }
    let req = match body {
        Some(text) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(text)).unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    let r = t.send(req).await;
    let (status, text, headers) = crate::split(r).await;
    let kind = headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    check(method, path, checked, status.as_u16(), &kind, &text);
    (status, text)
}

#[tokio::test]
async fn tokens_roles_and_the_openapi_document() {
    let t = TestApp::new(true);
    let viewer = token(&t, "vic");
    let analyst = token(&t, "ana");
    let v = Some(viewer.as_str());

    // Without a valid token: 401 (with WWW-Authenticate), with JSON errors.
    let (status, _) = call(&t, "get", "/incidents", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(&t, "get", "/incidents", Some(&"0".repeat(64)), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, doc) = call(&t, "get", "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_str::<Value>(&doc).unwrap()["openapi"], "3.1.0");

    let (status, body) = call(&t, "get", "/incidents", v, None).await;
    assert_eq!(status, StatusCode::OK);
    let all: Value = serde_json::from_str(&body).unwrap();
    assert!(all["total"].as_u64().unwrap() >= 2, "{all}");
    let (_, body) = call(&t, "get", "/incidents?q=disparos&country=MX&admin1=Coahuila&from=2019-07-01&to=2019-08-31&event_type=Violence%20against%20civilians", v, None).await;
    let found: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(found["total"], 1, "{found}");
    let id = found["items"][0]["id"].as_i64().unwrap();
    assert_eq!(found["items"][0]["location"], "Saltillo");
    let (_, body) = call(&t, "get", "/incidents?limit=1&offset=1&sort=date_asc", v, None).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["items"].as_array().unwrap().len(), 1);
    let (status, body) = call(&t, "get", "/incidents?from=soon", v, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = call(&t, "get", "/incidents?limit=100000", v, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = call(&t, "get", "/search?q=asesinato", v, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = call(&t, "get", "/search", v, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = call(&t, "get", &format!("/incidents/{id}"), v, None).await;
    assert_eq!(status, StatusCode::OK);
    let detail: Value = serde_json::from_str(&body).unwrap();
    assert!(detail["contested"].as_array().unwrap().iter().any(|c| c == "victims.nationalities"), "{}", detail["contested"]);
    let (status, _) = call(&t, "get", "/incidents/999999", v, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(&t, "get", &format!("/incidents/{id}/sources"), v, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(serde_json::from_str::<Value>(&body).unwrap()["items"].as_array().unwrap().len() >= 3);
    let (status, csv) = call(&t, "get", "/export?format=acled-csv&q=disparos", v, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.lines().count(), 2);
    let (status, _) = call(&t, "get", "/export?format=pdf", v, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A viewer's write is refused; an analyst's is done.
    let change = json!({"status": "verified", "reason": "called the shelter"});
    let (status, _) = call(&t, "post", &format!("/incidents/{id}/status"), v, Some(change.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = call(&t, "post", &format!("/incidents/{id}/status"), Some(&analyst), Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = call(&t, "post", &format!("/incidents/{id}/status"), Some(&analyst), Some(json!({"status": "maybe", "reason": "x"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, body) = call(&t, "get", "/incidents?verification=verified", v, None).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["total"], 1);
}

#[tokio::test]
async fn issue_5_analysts_edit_merge_and_split_through_the_api() {
    let t = TestApp::new(true);
    let viewer = token(&t, "vic");
    let analyst = token(&t, "ana");
    let a = Some(analyst.as_str());
    let (_, body) = call(&t, "get", "/incidents?q=disparos", a, None).await;
    let id = serde_json::from_str::<Value>(&body).unwrap()["items"][0]["id"].as_i64().unwrap();
    let edit = format!("/incidents/{id}/edit");
    let change = json!({"field": "fatalities", "value": 2, "reason": "the shelter counts two"});

    // No token: 401; a viewer's token: 403; a body that is not as described: 400, as JSON.
    let (status, _) = call(&t, "post", &edit, None, Some(change.clone())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for path in [edit.clone(), format!("/incidents/{id}/merge"), format!("/incidents/{id}/split")] {
        let (status, _) = call(&t, "post", &path, Some(&viewer), Some(json!({"reason": "x"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        let (status, body) = call_raw(&t, &path, &analyst, "field=fatalities").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(serde_json::from_str::<Value>(&body).unwrap()["error"].as_str().unwrap().starts_with("send a JSON object"), "{body}");
    }
    for (bad, says) in [
        (json!({"field": "fatalities", "value": 2}), "reason"),
        (json!({"field": "fatalities", "value": {"n": 2}, "reason": "r"}), "value"),
        (json!({"field": "claims", "value": "x", "reason": "r"}), "cannot be edited"),
        (json!({"field": "fatalities", "value": "three", "reason": "r"}), "not a whole number"),
    ] {
        let (status, body) = call(&t, "post", &edit, a, Some(bad.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body.contains(says), "{bad}: {body}");
    }
    let (status, _) = call(&t, "post", "/incidents/999999/edit", a, Some(change.clone())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(&t, "post", "/incidents/abc/edit", a, Some(change.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // An edit: a new version with who and why, the same as through the page.
    let (status, body) = call(&t, "post", &edit, a, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let result: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((result["field"].as_str(), result["value"].as_i64()), (Some("fatalities"), Some(2)));
    let version = result["version"].as_i64().unwrap();
    let nationalities = json!({"field": "victims.nationalities", "value": ["Honduran", "Salvadoran"], "reason": "both families"});
    let (_, body) = call(&t, "post", &edit, a, Some(nationalities)).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["value"], json!(["Honduran", "Salvadoran"]));
    let (_, body) = call(&t, "get", &format!("/incidents/{id}"), a, None).await;
    let detail: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(detail["fatalities"], 2);
    assert_eq!(detail["version"].as_i64(), Some(version + 1));
    {
        let store = testigo_store::SqliteStore::open(&t.db()).unwrap();
        let d = store.incident(testigo_store::IncidentId(id)).unwrap().unwrap();
        let v = d.versions.iter().find(|v| i64::from(v.version) == version).unwrap();
        assert_eq!((v.author.as_str(), v.reason.as_str()), ("ana", "set fatalities: the shelter counts two"));
    }

    // A split by document id, then a merge back; then a split by SHA-256.
    let (_, body) = call(&t, "get", &format!("/incidents/{id}/sources"), a, None).await;
    let sources: Value = serde_json::from_str(&body).unwrap();
    let linked: Vec<&Value> = sources["items"].as_array().unwrap().iter().filter(|s| s["active"] == true && s["role"] == "linked").collect();
    let document = linked[0]["document_id"].as_i64().unwrap();
    let split = format!("/incidents/{id}/split");
    let (status, _) = call(&t, "post", &split, a, Some(json!({"document_id": document, "sha256": "ab", "reason": "r"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "both ways of naming the source");
    let (status, _) = call(&t, "post", &split, a, Some(json!({"document_id": 999_999, "reason": "r"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not a source");
    let (status, body) = call(&t, "post", &split, a, Some(json!({"document_id": document, "reason": "another shooting"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new = serde_json::from_str::<Value>(&body).unwrap()["new_incident"].as_i64().unwrap();
    assert_ne!(new, id);
    let merge = format!("/incidents/{id}/merge");
    let (status, _) = call(&t, "post", &merge, a, Some(json!({"from": id, "reason": "itself"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = call(&t, "post", &merge, a, Some(json!({"from": new, "reason": "the same shooting after all"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["merged"], new);
    let (status, _) = call(&t, "post", &merge, a, Some(json!({"from": new, "reason": "twice"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "already merged");
    let (_, body) = call(&t, "get", &format!("/incidents/{new}"), a, None).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["merged_into"], id, "{body}");
    let sha = linked[1]["sha256"].as_str().unwrap();
    let (status, body) = call(&t, "post", &split, a, Some(json!({"sha256": sha, "reason": "a third account"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Each write is in the audit log with its author.
    let store = testigo_store::SqliteStore::open(&t.db()).unwrap();
    let log = store.audit_log(&testigo_store::AuditFilter { target: Some(format!("incident:{id}")), limit: 0, offset: 0 }).unwrap();
    let by_ana: Vec<&str> = log.iter().filter(|e| e.actor == "ana").map(|e| e.action.as_str()).collect();
    for action in ["revise", "split", "merge"] {
        assert!(by_ana.contains(&action), "{action} in {by_ana:?}");
    }
}

#[test]
fn the_documented_editable_fields_are_the_stores() {
    let doc = crate::openapi::document();
    let documented: Vec<&str> =
        doc["components"]["schemas"]["FieldChange"]["properties"]["field"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(documented, testigo_store::monitor::EDITABLE_FIELDS);
}
