//! Issue 5's admin parts: the Users page (accounts added, roles changed, accounts disabled and
//! enabled, passwords set; the last admin kept; every change audited), error pages and audit
//! actions in the request's language, and login limits per client address.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::{cookie_pair, hidden, split, TestApp, PASSWORD};

/// GET `path` with a cookie and an `Accept-Language` header.
async fn get_in(t: &TestApp, lang: &str, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let mut b = Request::get(path).header(header::ACCEPT_LANGUAGE, lang);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    let (status, body, _) = split(t.send(b.body(Body::empty()).unwrap()).await).await;
    (status, body)
}

/// The id of user `name`, from the store.
fn user_id(t: &TestApp, name: &str) -> String {
    let store = testigo_store::SqliteStore::open(&t.db()).unwrap();
    store.user_credentials(name).unwrap().unwrap().user.id.to_string()
}

#[tokio::test]
async fn issue_5_admins_manage_users_and_nobody_else_may() {
    let t = TestApp::new(true);
    let (admin, csrf) = t.login("admin").await;
    let a = Some(admin.as_str());

    // Only admins: anonymous visitors go to the login form (or are refused a POST), analysts
    // and viewers get 403; the navigation shows the page to admins only.
    let (status, _, headers) = t.get("/users", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers[header::LOCATION].to_str().unwrap().starts_with("/login?next=%2Fusers"));
    let (status, _, _) = t.post_form("/users", None, &[("name", "x"), ("role", "admin")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for who in ["ana", "vic"] {
        let (s, c) = t.login(who).await;
        let (status, page, _) = t.get("/users", Some(&s)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert!(page.contains("Your role does not allow this"), "{page}");
        let (_, page, _) = t.get("/incidents", Some(&s)).await;
        assert!(!page.contains("href=\"/users\""), "no Users link for {who}");
        let vic_id = user_id(&t, "vic");
        let form = [("csrf", c.as_str()), ("role", "admin")];
        let (status, _, _) = t.post_form(&format!("/users/{vic_id}/role"), Some(&s), &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who} may not make anyone an admin");
    }
    let (status, page, _) = t.get("/users", a).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"/users\""), "the admin's navigation links to the page");
    let users = &page[page.find("id=\"users\"").unwrap()..];
    for (name, role) in [("admin", "admin"), ("ana", "analyst"), ("vic", "viewer")] {
        assert!(users.contains(&format!("<td class=\"name\">{name}</td><td>{role}</td>")), "{name}: {users}");
    }
    assert!(users.contains("data-confirm=\"Disable the account of vic? Their sessions end"), "disabling asks first: {users}");
    assert!(users.contains("<td class=\"state\">active</td>") && users.contains(" UTC</td>"), "created, last login, state: {users}");

    // Adding a user: the CSRF token, a valid name, a long enough password typed twice.
    let add = |name: &'static str, p1: &'static str, p2: &'static str, csrf: &str| {
        vec![("csrf", csrf.to_string()), ("name", name.to_string()), ("role", "analyst".to_string()), ("password", p1.to_string()), ("password2", p2.to_string())]
    };
    let post = |form: Vec<(&'static str, String)>| {
        let t = &t;
        let admin = admin.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.post_form("/users", Some(&admin), &form).await
        }
    };
    let (status, page, _) = post(add("lena", PASSWORD, PASSWORD, "forged")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("The form has expired"), "{page}");
    let (status, page, _) = post(add("lena", "short", "short", &csrf)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("A password has at least 10 characters"), "{page}");
    let (status, page, _) = post(add("lena", PASSWORD, "another-long-password", &csrf)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("The two passwords differ"), "{page}");
    let (status, page, _) = post(add("le na", PASSWORD, PASSWORD, &csrf)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("A user name is 1 to 64 letters"), "{page}");
    let (status, _, headers) = post(add("lena", PASSWORD, PASSWORD, &csrf)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let lena = user_id(&t, "lena");
    assert_eq!(headers[header::LOCATION], format!("/users?done=added&id={lena}").as_str());
    let (_, page, _) = t.get(&format!("/users?done=added&id={lena}"), a).await;
    assert!(page.contains("id=\"notice\" role=\"status\">User lena added."), "{page}");
    let row = &page[page.find(&format!("id=\"user-{lena}\"")).unwrap()..];
    assert!(row.contains("<td class=\"name\">lena</td><td>analyst</td>") && row.contains("<td>never</td>"), "{row}");
    let (status, page, _) = post(add("lena", PASSWORD, PASSWORD, &csrf)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("There is already a user named lena"), "{page}");

    // The new analyst works; a new role applies to the running session at once.
    let (lena_session, lena_csrf) = t.login("lena").await;
    let (status, _, _) = t.get("/upload", Some(&lena_session)).await;
    assert_eq!(status, StatusCode::OK);
    let id = {
        let (_, body, _) = t.get("/incidents?q=disparos", Some(&lena_session)).await;
        body.split("class=\"incident-link\" href=\"/incidents/").nth(1).unwrap().split('"').next().unwrap().to_string()
    };
    let edit = [("csrf", lena_csrf.as_str()), ("field", "fatalities"), ("value", "2"), ("reason", "lena's count")];
    let (status, _, _) = t.post_form(&format!("/incidents/{id}/edit"), Some(&lena_session), &edit).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, headers) = t.post_form(&format!("/users/{lena}/role"), a, &[("csrf", &csrf), ("role", "viewer")]).await;
    assert_eq!((status, headers[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, format!("/users?done=role&id={lena}").as_str()));
    let (status, _, _) = t.get("/upload", Some(&lena_session)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer now");
    let (status, _, _) = t.post_form(&format!("/users/{lena}/role"), a, &[("csrf", &csrf), ("role", "owner")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Disabling: the session and the API token stop at once, the login says why, the account
    // stays listed, and the history keeps its author.
    let token = {
        let mut store = testigo_store::SqliteStore::open(&t.db()).unwrap();
        testigo_web::create_token(&mut store, "lena", "test").unwrap()
    };
    let api = |token: String| Request::get("/api/v1/incidents").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    assert_eq!(t.send(api(token.clone())).await.status(), StatusCode::OK);
    let (status, _, _) = t.post_form(&format!("/users/{lena}/disable"), a, &[("role", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
    let (status, _, _) = t.post_form(&format!("/users/{lena}/disable"), a, &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, headers) = t.get("/incidents", Some(&lena_session)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers[header::LOCATION].to_str().unwrap().starts_with("/login"));
    assert_eq!(t.send(api(token.clone())).await.status(), StatusCode::UNAUTHORIZED);
    let (_, login_page, headers) = t.get("/login", None).await;
    let login_cookie = cookie_pair(&headers, "testigo_login_csrf");
    let login = [("csrf", hidden(&login_page, "csrf")), ("name", "lena".to_string()), ("password", PASSWORD.to_string())];
    let login: Vec<(&str, &str)> = login.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page, _) = t.post_form("/login", Some(&login_cookie), &login).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("This account is disabled"), "{page}");
    let (_, page, _) = t.get(&format!("/users?done=disabled&id={lena}"), a).await;
    assert!(page.contains("lena is disabled: their sessions ended and their API tokens were revoked."), "{page}");
    assert!(page.contains("<td class=\"name\">lena</td>") && page.contains("disabled since"), "{page}");
    let (_, incident, _) = t.get(&format!("/incidents/{id}"), a).await;
    assert!(incident.contains("<td>lena</td><td>set fatalities: lena&#39;s count</td>") || incident.contains("<td>lena</td><td>set fatalities: lena's count</td>"), "{incident}");

    // Enabled again: the password works, the old token stays revoked.
    let (status, _, _) = t.post_form(&format!("/users/{lena}/enable"), a, &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (lena_session, _) = t.login("lena").await;
    assert_eq!(t.send(api(token)).await.status(), StatusCode::UNAUTHORIZED);

    // A new password set by the admin ends the user's sessions; the new one works.
    let new_password = "a-brand-new-secret-9";
    let form = [("csrf", csrf.as_str()), ("password", new_password), ("password2", new_password)];
    let (status, _, _) = t.post_form(&format!("/users/{lena}/password"), a, &form[..2]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "typed once");
    let (status, _, _) = t.post_form(&format!("/users/{lena}/password"), a, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = t.get("/incidents", Some(&lena_session)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the session ended");
    t.login_with("lena", new_password).await;
    let (status, _, _) = t.post_form("/users/999/password", a, &form).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The last active admin can be neither demoted nor disabled, with a clear message.
    let me = user_id(&t, "admin");
    for (path, form) in [("role", vec![("csrf", csrf.as_str()), ("role", "analyst")]), ("disable", vec![("csrf", csrf.as_str())])] {
        let (status, page, _) = t.post_form(&format!("/users/{me}/{path}"), a, &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.contains("admin is the last active admin: make another user an admin first"), "{page}");
    }
    // With a second admin, the first may step down, and is sent out of the admins' pages.
    let ana = user_id(&t, "ana");
    t.post_form(&format!("/users/{ana}/role"), a, &[("csrf", &csrf), ("role", "admin")]).await;
    let (status, _, headers) = t.post_form(&format!("/users/{me}/role"), a, &[("csrf", &csrf), ("role", "analyst")]).await;
    assert_eq!((status, headers[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/incidents"));
    let (status, _, _) = t.get("/users", a).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Every change is in the audit log: who, what, about whom; never a password.
    let (ana_session, _) = t.login("ana").await;
    let (_, audit_lena, _) = t.get(&format!("/audit?target=user:{lena}"), Some(&ana_session)).await;
    for (action, label, reason) in [
        ("user_add", "user added", "user lena added with role analyst"),
        ("user_role", "role changed", "role of lena changed from analyst to viewer"),
        ("user_disable", "user disabled", "user lena disabled; 1 session(s) ended, 1 API token(s) revoked"),
        ("user_enable", "user enabled again", "user lena enabled again"),
        ("user_password", "password set", "password of lena set; 1 session(s) ended"),
    ] {
        let row = format!("<td>admin</td><td><span class=\"action\" title=\"{action}\">{label}</span></td><td>user:{lena}</td><td>{reason}</td>");
        assert!(audit_lena.contains(&row), "{row} in {audit_lena}");
    }
    assert!(!audit_lena.contains(new_password) && !audit_lena.contains(PASSWORD), "no password in the log");
}

#[tokio::test]
async fn error_pages_and_audit_actions_speak_the_requests_language() {
    let t = TestApp::new(true);
    let (vic, _) = t.login("vic").await;
    let (ana, ana_csrf) = t.login("ana").await;
    let (admin, _) = t.login("admin").await;
    let es = "es-MX,es;q=0.9";

    // 404, in both languages, without internals.
    let (status, page) = get_in(&t, es, "/no/such/page", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("<html lang=\"es\">") && page.contains("404 — No encontrado") && page.contains("Volver a los incidentes"), "{page}");
    let (_, page) = get_in(&t, "en", "/no/such/page", None).await;
    assert!(page.contains("<html lang=\"en\">") && page.contains("404 — Not found"), "{page}");
    // 403 for a role, and the language cookie of the switch wins over the header.
    let (status, page) = get_in(&t, "en", "/upload", Some(&format!("{vic}; testigo_lang=es"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("403 — No permitido") && page.contains("Su rol no permite esto"), "{page}");
    // 403 for a form without its CSRF token, and for an anonymous form: said differently.
    let post = |path: &str, cookie: Option<&str>, body: String| {
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header(header::ACCEPT_LANGUAGE, es);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        b.body(Body::from(body)).unwrap()
    };
    let (status, page, _) = split(t.send(post("/incidents/1/edit", Some(&ana), "field=fatalities&value=3&reason=x".into())).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("El formulario ha caducado"), "{page}");
    let (status, page, _) = split(t.send(post("/incidents/1/edit", None, "field=fatalities".into())).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("Inicie sesión primero"), "{page}");
    // 413: a form larger than the server takes.
    let big = format!("csrf={ana_csrf}&field=fatalities&value=3&reason={}", "x".repeat(300 * 1024));
    let (status, page, _) = split(t.send(post("/incidents/1/edit", Some(&ana), big)).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.contains("413 — Demasiado grande") && page.contains("64 MB"), "{page}");
    // 400: a path or a filter that does not parse (the filter's detail is shown).
    let (status, page) = get_in(&t, es, "/incidents/not-a-number", Some(&vic)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("No se puede hacer la solicitud") && !page.contains("Cannot parse"), "{page}");
    let (status, page) = get_in(&t, es, "/incidents?from=ayer", Some(&vic)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("No se puede hacer la solicitud") && page.contains("id=\"error-detail\">from: «ayer» no es una fecha escrita AAAA-MM-DD"), "{page}");
    let (status, page, _) = split(t.send(post("/incidents/1/status", Some(&ana), format!("csrf={ana_csrf}&status=maybe&reason=r"))).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Elija uno de los estados de verificación"), "{page}");
    // 405: a method the address does not take.
    let (status, page) = get_in(&t, es, "/logout", Some(&vic)).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.contains("405 — No disponible"), "{page}");
    // 429: too many failed logins.
    let (_, login_page, headers) = t.get("/login", None).await;
    let cookie = cookie_pair(&headers, "testigo_login_csrf");
    let csrf = hidden(&login_page, "csrf");
    for _ in 0..6 {
        t.send(post("/login", Some(&cookie), format!("csrf={csrf}&name=vic&password=wrong"))).await;
    }
    let (status, page, _) = split(t.send(post("/login", Some(&cookie), format!("csrf={csrf}&name=vic&password=wrong"))).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("429 — Demasiados intentos"), "{page}");

    // The audit log's actions in Spanish.
    let (_, page) = get_in(&t, es, "/audit", Some(&admin)).await;
    assert!(page.contains("title=\"ingest\">informe guardado<") && page.contains("title=\"user_add\">usuario creado<"), "{page}");

    // 500: a server error says so in the user's language, and nothing of its cause.
    rusqlite::Connection::open(t.db()).unwrap().execute_batch("DROP TABLE incident_facets").unwrap();
    let (status, page) = get_in(&t, es, "/stats", Some(&vic)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.contains("500 — Error del servidor") && !page.contains("incident_facets") && !page.contains("SQL"), "{page}");
}

#[tokio::test]
async fn issue_5_logins_are_limited_per_client_address() {
    let t = TestApp::new(false);
    let (_, login_page, headers) = t.get("/login", None).await;
    let cookie = cookie_pair(&headers, "testigo_login_csrf");
    let csrf = hidden(&login_page, "csrf");
    let attempt = |peer: &'static str, name: String, password: &'static str| {
        let (t, cookie, csrf) = (&t, cookie.clone(), csrf.clone());
        async move { t.post_form_from(peer, "/login", Some(&cookie), &[("csrf", &csrf), ("name", &name), ("password", password)]).await.0 }
    };
    // One address tries 20 names, once each: every name is under its own limit, but the
    // address has had its share, and even a right password waits.
    for n in 0..testigo_web::auth::ADDRESS_FAILURES {
        assert_eq!(attempt("198.51.100.7:4000", format!("guess{n}"), "wrong-password").await, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    assert_eq!(attempt("198.51.100.7:4001", "ana".into(), PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "another port, the same address");
    assert_eq!(attempt("198.51.100.7:4002", "guess99".into(), "x").await, StatusCode::TOO_MANY_REQUESTS);
    // Another address is not affected; an X-Forwarded-For header changes nothing.
    assert_eq!(attempt("198.51.100.8:4000", "ana".into(), PASSWORD).await, StatusCode::SEE_OTHER);
    let forwarded = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &cookie)
        .header("x-forwarded-for", "203.0.113.50")
        .body(Body::from(format!("csrf={csrf}&name=ana&password={PASSWORD}")))
        .unwrap();
    let r = t.send_from("198.51.100.7:4003", forwarded).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "the peer address counts, not the header");
    // An IPv6 client is counted by its /64 network.
    for n in 0..testigo_web::auth::ADDRESS_FAILURES {
        attempt("[2001:db8:5:6::1]:4000", format!("v6guess{n}"), "wrong-password").await;
    }
    assert_eq!(attempt("[2001:db8:5:6::abcd]:4000", "ana".into(), PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(attempt("[2001:db8:5:7::1]:4000", "ana".into(), PASSWORD).await, StatusCode::SEE_OTHER);
}

/// A list filter that does not parse is explained in the reader's language on the pages, and
/// in English by the API.
#[tokio::test]
async fn issue_5_bad_filters_are_explained_in_the_readers_language() {
    let t = TestApp::new(true);
    let (viewer, _) = t.login("vic").await;
    let v = Some(viewer.as_str());
    let (status, body) = get_in(&t, "es-MX,es;q=0.9", "/incidents?to=31/12/2024", v).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("to: «31/12/2024» no es una fecha escrita AAAA-MM-DD"), "{body}");
    let (_, body) = get_in(&t, "es", "/map?country=Mexico", v).await;
    assert!(body.contains("country: «MEXICO» no es un código de país de dos letras, como MX"), "{body}");
    let (_, body) = get_in(&t, "en", "/incidents?contested=maybe", v).await;
    assert!(body.contains("contested: “maybe” is not yes or no"), "{body}");
    let (_, body) = get_in(&t, "es", "/incidents?event_type=Robo", v).await;
    assert!(body.contains("event_type: «Robo» no es un tipo de evento de ACLED"), "{body}");
}
