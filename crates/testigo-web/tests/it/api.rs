//! The JSON API: tokens, roles, filters, and every request and response checked against the
//! OpenAPI document.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use crate::openapi::check;
use crate::TestApp;

fn token(t: &TestApp, user: &str) -> String {
    let mut store = testigo_store::SqliteStore::open(&t.db()).unwrap();
    testigo_web::create_token(&mut store, user, "test").unwrap()
}

/// Sends an API request, checks it and its answer against the OpenAPI document, and returns
/// the status and body.
async fn call(t: &TestApp, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, String) {
    let mut b = Request::builder().method(method.to_uppercase().as_str()).uri(format!("/api/v1{path}"));
    if let Some(tok) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {tok}"));
    }
    let req = match &body {
        Some(v) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(v.to_string())).unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    let r = t.send(req).await;
    let (status, text, headers) = crate::split(r).await;
    let kind = headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    check(method, path, body.as_ref(), status.as_u16(), &kind, &text);
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
