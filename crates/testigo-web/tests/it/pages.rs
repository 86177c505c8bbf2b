//! The HTML pages: access control, CSRF, login, search, the incident page, edits, uploads,
//! languages and safety headers.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::{cookie_pair, hidden, report_files, TestApp, PASSWORD};

#[tokio::test]
async fn healthz_answers_without_login_with_safety_headers() {
    let t = TestApp::new(false);
    let (status, body, headers) = t.get("/healthz", None).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn anonymous_requests_are_refused() {
    let t = TestApp::new(false);
    for path in ["/incidents", "/upload", "/audit", "/incidents/1"] {
        let (status, _, headers) = t.get(path, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        assert!(headers[header::LOCATION].to_str().unwrap().starts_with("/login?next="), "{path}");
    }
    let (status, _, _) = t.post_form("/incidents/1/edit", None, &[("field", "fatalities"), ("value", "9"), ("reason", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body, _) = t.get("/no/such/page", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("panicked") && !body.contains("src/"), "{body}");
}

#[tokio::test]
async fn login_needs_its_csrf_token_the_right_password_and_is_rate_limited() {
    let t = TestApp::new(false);
    let (_, body, headers) = t.get("/login", None).await;
    let login_cookie = cookie_pair(&headers, "testigo_login_csrf");
    let csrf = hidden(&body, "csrf");
    // No token, or a token that is not the cookie's: refused.
    let (status, _, _) = t.post_form("/login", Some(&login_cookie), &[("name", "ana"), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = t.post_form("/login", None, &[("csrf", &csrf), ("name", "ana"), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A wrong password five times, then even the right one waits.
    for _ in 0..5 {
        let (status, body, _) = t.post_form("/login", Some(&login_cookie), &[("csrf", &csrf), ("name", "ana"), ("password", "wrong")]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains("Wrong user name or password"), "{body}");
    }
    let (status, _, _) = t.post_form("/login", Some(&login_cookie), &[("csrf", &csrf), ("name", "ana"), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another user is not affected; the session cookie is HttpOnly and SameSite=Strict.
    let (status, _, headers) =
        t.post_form("/login", Some(&login_cookie), &[("csrf", &csrf), ("name", "vic"), ("password", PASSWORD), ("next", "//evil.example")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/incidents", "an outside address is never a redirect target");
    let set = headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>();
    let session = set.iter().find(|c| c.starts_with("testigo_session=")).unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"), "{session}");
}

#[tokio::test]
async fn logout_ends_the_session() {
    let t = TestApp::new(false);
    let (session, csrf) = t.login("vic").await;
    let (status, _, _) = t.post_form("/logout", Some(&session), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "logout without its CSRF token");
    let (status, _, _) = t.post_form("/logout", Some(&session), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = t.get("/incidents", Some(&session)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the old cookie no longer works");
}

#[tokio::test]
async fn search_filters_and_downloads() {
    let t = TestApp::new(true);
    let (session, _) = t.login("vic").await;
    let s = Some(session.as_str());
    let (status, all, _) = t.get("/incidents", s).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body, _) = t.get("/incidents?q=disparos", s).await;
    assert!(body.contains("id=\"count\">1 incident<"), "{body}");
    assert!(body.contains("Saltillo"), "{body}");
    // Spanish word forms, case and accents: "DISPARAR" finds "disparó", "Muertos" "muerte".
    let (_, body, _) = t.get("/incidents?q=DISPARAR", s).await;
    assert!(body.contains("Saltillo"), "{body}");
    let (_, body, _) = t.get("/incidents?q=Muertos", s).await;
    assert!(!body.contains("id=\"count\">0 incidents"), "{body}");
    let (_, body, _) = t.get("/incidents?q=disparos&country=US", s).await;
    assert!(body.contains("id=\"count\">0 incidents"), "{body}");
    let (_, body, _) = t.get("/incidents?admin1=coahuila&contested=yes", s).await;
    assert!(body.contains("Saltillo") && body.contains("contested"), "{body}");
    let (status, body, _) = t.get("/incidents?from=yesterday", s).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("from: “yesterday” is not a date written YYYY-MM-DD"), "{body}");
    assert!(all.contains("/incidents/export?format=acled-csv"), "{all}");
    let (status, csv, headers) = t.get("/incidents/export?format=acled-csv&q=disparos", s).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.starts_with("event_id_cnty,event_date"), "{csv}");
    let (_, geojson, _) = t.get("/incidents/export?format=geojson", s).await;
    let v: serde_json::Value = serde_json::from_str(&geojson).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let (_, jsonl, _) = t.get("/incidents/export?format=jsonl&q=disparos", s).await;
    assert_eq!(jsonl.lines().count(), 1);
}

/// The id of the Saltillo incident (the one "disparos" finds).
async fn saltillo_id(t: &TestApp, session: &str) -> String {
    let (_, body, _) = t.get("/incidents?q=disparos", Some(session)).await;
    let start = body.find("class=\"incident-link\" href=\"/incidents/").unwrap() + "class=\"incident-link\" href=\"/incidents/".len();
    body[start..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn the_incident_page_shows_evidence_contested_facts_and_sources() {
    let t = TestApp::new(true);
    let (session, _) = t.login("vic").await;
    let id = saltillo_id(&t, &session).await;
    let (status, page, _) = t.get(&format!("/incidents/{id}"), Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    // Values link to their evidence, which is marked in the source text.
    assert!(page.contains("class=\"ev-link\" href=\"#ev-"), "no evidence links");
    assert!(page.contains("<mark class=\"ev e"), "no marked evidence");
    // The contested nationality, side by side with who says what.
    let contested = &page[page.find("id=\"contested\"").expect("a contested section")..];
    let contested = &contested[..contested.find("</section>").unwrap()];
    assert!(contested.contains("Victims&#39; nationality") || contested.contains("Victims' nationality"), "{contested}");
    assert!(contested.matches("class=\"account\"").count() >= 2, "{contested}");
    // Sources with SHA-256 and a link to the original bytes, and why they were linked.
    assert!(page.matches("href=\"/originals/").count() >= 3, "several sources");
    assert!(page.contains("Why linked"));
    let sha = page.split("href=\"/originals/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let r = t.send(Request::get(format!("/originals/{sha}")).header(header::COOKIE, &session).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap();
    assert_eq!(testigo_store::fold(&sha), sha);
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), sha, "the original, byte for byte");
    // A viewer sees no edit form.
    assert!(!page.contains("id=\"edit\""));
}

#[tokio::test]
async fn an_analyst_corrects_a_field_and_it_is_in_the_audit_log() {
    let t = TestApp::new(true);
    let (session, csrf) = t.login("ana").await;
    let id = saltillo_id(&t, &session).await;
    let edit = format!("/incidents/{id}/edit");
    // A forged form without the CSRF token, or with another, is refused.
    let (status, _, _) = t.post_form(&edit, Some(&session), &[("field", "fatalities"), ("value", "3"), ("reason", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = t.post_form(&edit, Some(&session), &[("csrf", "0000"), ("field", "fatalities"), ("value", "3"), ("reason", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // No reason, or a bad value: a clear 400.
    let (status, body, _) = t.post_form(&edit, Some(&session), &[("csrf", &csrf), ("field", "fatalities"), ("value", "3"), ("reason", " ")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Say why"), "{body}");
    let (status, body, _) = t.post_form(&edit, Some(&session), &[("csrf", &csrf), ("field", "fatalities"), ("value", "three"), ("reason", "r")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("not a whole number"), "{body}");
    let (status, _, _) =
        t.post_form(&edit, Some(&session), &[("csrf", &csrf), ("field", "fatalities"), ("value", "3"), ("reason", "shelter confirmed <three>")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = t
        .post_form(&format!("/incidents/{id}/status"), Some(&session), &[("csrf", &csrf), ("status", "corroborated"), ("reason", "three sources")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = t.get(&format!("/incidents/{id}"), Some(&session)).await;
    assert!(page.contains("set by an analyst"));
    assert!(page.contains("shelter confirmed &lt;three&gt;"), "escaped reason in the history");
    assert!(page.contains("id=\"verification\">corroborated"), "status shown");
    // The analyst may not read the audit log; the admin sees who changed what and why.
    let (status, _, _) = t.get("/audit", Some(&session)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (admin, _) = t.login("admin").await;
    let (status, audit, _) = t.get("/audit", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(audit.contains("set fatalities: shelter confirmed &lt;three&gt;") && audit.contains("<td>ana</td>"), "{audit}");
    assert!(audit.contains("title=\"verify\">verification status set<") && audit.contains("corroborated: three sources"), "{audit}");
    assert!(audit.contains("title=\"ingest\">report stored<"), "uploads and ingests are there too");
}

#[tokio::test]
async fn a_viewer_cannot_edit_or_upload() {
    let t = TestApp::new(true);
    let (session, csrf) = t.login("vic").await;
    let (status, _, _) =
        t.post_form("/incidents/1/edit", Some(&session), &[("csrf", &csrf), ("field", "fatalities"), ("value", "3"), ("reason", "r")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = t.get("/upload", Some(&session)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page, _) = t.get("/incidents/1", Some(&session)).await;
    assert!(!page.contains("/edit\""));
}

/// A multipart body of `files` (name, bytes) after a CSRF field.
fn multipart(csrf: Option<&str>, files: &[(String, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "testigo-test-boundary-7d1f";
    let mut body = Vec::new();
    if let Some(c) = csrf {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n").as_bytes());
    }
    for (name, bytes) in files {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n")
                .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn uploads_go_through_the_ingest_path_with_per_file_results() {
    let t = TestApp::new(false);
    let (session, csrf) = t.login("ana").await;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for f in report_files() {
        files.push((f.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&f).unwrap()));
        let sidecar = std::path::PathBuf::from(format!("{}.meta.json", f.display()));
        if sidecar.exists() {
            files.push((sidecar.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&sidecar).unwrap()));
        }
    }
    files.push(("broken.txt".to_string(), vec![0xff, 0xfe, 0x00, 0x00, 0x12]));
    let upload = |csrf: Option<&str>| {
        let (kind, body) = multipart(csrf, &files);
        Request::post("/upload").header(header::COOKIE, &session).header(header::CONTENT_TYPE, kind).body(Body::from(body)).unwrap()
    };
    let (status, _, _) = crate::split(t.send(upload(None)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an upload without its CSRF token");
    let (status, page, _) = crate::split(t.send(upload(Some(&csrf))).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "one file failed: {page}");
    let results = &page[page.find("id=\"results\"").unwrap()..];
    assert_eq!(results.matches("<tr class=\"failed\">").count(), 1, "{results}");
    assert!(results.contains("broken.txt"));
    assert!(results.matches("stored: ").count() == report_files().len(), "{results}");
    assert!(results.contains("linked to incidents already stored"));
    // The sidecars gave the publishers; the store has them.
    let store = testigo_store::SqliteStore::open(&t.db()).unwrap();
    use testigo_store::Store;
    assert_eq!(store.stats().unwrap().documents as usize, report_files().len());
    let (_, page, _) = crate::split(t.send(upload(Some(&csrf))).await).await;
    assert!(page.contains("already stored; nothing written"), "idempotent");
    let mut spanish = upload(Some(&csrf));
    spanish.headers_mut().insert(header::ACCEPT_LANGUAGE, "es".parse().unwrap());
    let (_, page, _) = crate::split(t.send(spanish).await).await;
    assert!(page.contains("ya estaba guardado; no se escribió nada") && page.contains("metadatos de un informe"), "per-file results in Spanish");
}

#[tokio::test]
async fn spanish_from_accept_language_and_from_the_switch() {
    let t = TestApp::new(true);
    let (session, _) = t.login("vic").await;
    let r = t
        .send(Request::get("/incidents").header(header::COOKIE, &session).header(header::ACCEPT_LANGUAGE, "es-MX,es;q=0.9").body(Body::empty()).unwrap())
        .await;
    let (_, page, _) = crate::split(r).await;
    assert!(page.contains("<html lang=\"es\">") && page.contains("Incidentes") && page.contains("Palabras en las fuentes"), "{page}");
    let (status, _, headers) = t.get("/lang?to=es&back=/incidents/1", Some(&session)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/incidents/1");
    let lang = cookie_pair(&headers, "testigo_lang");
    let (_, page, _) = t.get("/incidents/1", Some(&format!("{session}; {lang}"))).await;
    assert!(page.contains("Qué pasó") && page.contains("Fuentes"), "Spanish page");
    let (_, _, headers) = t.get("/lang?to=en&back=https://evil.example/", Some(&session)).await;
    assert_eq!(headers[header::LOCATION], "/incidents");
}

#[tokio::test]
async fn map_and_statistics_follow_the_filters() {
    let t = TestApp::new(true);
    let (session, _) = t.login("vic").await;
    let s = Some(session.as_str());
    let (status, page, headers) = t.get("/map?q=disparos", s).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-points=\"/map/points?q=disparos\""), "{page}");
    assert!(page.contains("<script src=\"/static/vendor/leaflet.js\">") && !page.contains("<script>"), "no inline script");
    assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("script-src 'self'"));
    let (status, json, _) = t.get("/map/points?q=disparos", s).await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["items"][0]["place"], "Saltillo");
    for file in ["leaflet.js", "leaflet.markercluster.js", "countries-50m.json", "us-states-10m.json", "admin1-mx-ca.json", "topojson-client.min.js"] {
        let (status, body, _) = t.get(&format!("/static/vendor/{file}"), None).await;
        assert_eq!(status, StatusCode::OK, "{file}");
        assert!(body.len() > 1000, "{file}");
    }
    // The states of Mexico and Central America (issue 5): every country users need, in a
    // file small enough for a slow connection.
    let (_, body, _) = t.get("/static/vendor/admin1-mx-ca.json", None).await;
    assert!(body.len() < 300_000, "{} bytes", body.len());
    let topo: serde_json::Value = serde_json::from_str(&body).unwrap();
    let ids: Vec<&str> = topo["objects"]["states"]["geometries"].as_array().unwrap().iter().filter_map(|g| g["id"].as_str()).collect();
    for state in ["MX-COA", "MX-CHP", "GT-PE", "HN-CR", "SV-SS", "NI-MN", "CR-SJ", "PA-8", "BZ-CY"] {
        assert!(ids.contains(&state), "{state} in {ids:?}");
    }
    let (status, page, _) = t.get("/stats", s).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg class=\"chart\"") && page.contains("2019-07") && page.contains("Police"), "{page}");
    let (status, csv, headers) = t.get("/stats.csv?group=month&country=MX", s).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.starts_with("month,incidents,fatalities\n\"2019-"), "{csv}");
    let (status, _, _) = t.get("/stats.csv?group=nope", s).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = t.get("/map/points", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the map's data needs a login");
}

#[tokio::test]
async fn the_public_view_reads_without_login_and_never_shows_personal_data() {
    // Names of people in the seed article and the linking set.
    let names = ["Marcos", "Xicotencatl", "Xicoténcatl"];
    let private = TestApp::new(true);
    let (session, _) = private.login("vic").await;
    let id = saltillo_id(&private, &session).await;
    let (_, page, _) = private.get(&format!("/incidents/{id}"), Some(&session)).await;
    assert!(names.iter().any(|n| page.contains(n)), "the private page quotes the sources");

    let t = TestApp::public();
    let mut seen = String::new();
    for path in [
        "/incidents".to_string(),
        format!("/incidents/{id}"),
        "/incidents/export?format=jsonl".to_string(),
        "/incidents/export?format=acled-csv".to_string(),
        "/incidents/export?format=geojson".to_string(),
        "/map".to_string(),
        "/map/points".to_string(),
        "/stats".to_string(),
        "/stats.csv?group=admin1".to_string(),
    ] {
        let (status, body, _) = t.get(&path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        seen.push_str(&body);
    }
    for n in names {
        assert!(!seen.contains(n), "{n} leaked into the public view");
    }
    assert!(!seen.contains("id=\"q\""), "no search over source texts");
    assert!(seen.contains("Public view"));
    // Searching the sources is ignored, not answered: the count is the same as without it.
    let (_, with_q, _) = t.get("/incidents?q=Marcos", None).await;
    let (_, without, _) = t.get("/incidents", None).await;
    let count = |p: &str| p.split("id=\"count\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(count(&with_q), count(&without));
    for path in ["/upload", "/login", "/audit", "/api/v1/incidents", "/originals/00"] {
        let (status, _, _) = t.get(path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} does not exist in the public view");
    }
    let (status, _, _) = t.post_form(&format!("/incidents/{id}/edit"), None, &[("field", "fatalities"), ("value", "1"), ("reason", "x")]).await;
    assert_ne!(status, StatusCode::SEE_OTHER, "no writes");
}

#[tokio::test]
async fn an_analyst_splits_a_source_off_and_merges_it_back() {
    let t = TestApp::new(true);
    let (session, csrf) = t.login("ana").await;
    let id = saltillo_id(&t, &session).await;
    let (_, page, _) = t.get(&format!("/incidents/{id}"), Some(&session)).await;
    // The split form offers the active sources by document id.
    let split_form = &page[page.find("action=\"/incidents/").and_then(|_| page.find("/split\"")).expect("a split form")..];
    let document = split_form.split("<option value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let (status, _, _) = t.post_form(&format!("/incidents/{id}/split"), Some(&session), &[("document", &document), ("reason", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
    let (status, _, headers) = t
        .post_form(&format!("/incidents/{id}/split"), Some(&session), &[("csrf", &csrf), ("document", &document), ("reason", "another shooting")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let new = headers[header::LOCATION].to_str().unwrap().trim_start_matches("/incidents/").to_string();
    assert_ne!(new, id);
    let (status, _, _) = t
        .post_form(&format!("/incidents/{id}/merge"), Some(&session), &[("csrf", &csrf), ("from", &new), ("reason", "the same shooting after all")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, merged, _) = t.get(&format!("/incidents/{new}"), Some(&session)).await;
    assert!(merged.contains(&format!("merged into incident {id}")), "{merged}");
    let (status, body, _) = t
        .post_form(&format!("/incidents/{id}/merge"), Some(&session), &[("csrf", &csrf), ("from", &id), ("reason", "itself")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
