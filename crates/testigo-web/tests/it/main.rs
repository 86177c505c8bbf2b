//! Integration tests of the web application through its router (`app()` + `oneshot`), against a
//! real SQLite file with the seed article and the linking set of `../shared/data/` ingested
//! through the same path as `testigo ingest`.

// Tests may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod admin;
mod api;
mod openapi;
mod pages;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use testigo_store::monitor::Role;
use testigo_store::{SqliteStore, Store};
use tower::ServiceExt;

/// `../shared/data` beside the repository.
pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The report files of the acceptance scenario: the seed article and the linking set.
pub fn report_files() -> Vec<PathBuf> {
    let mut files = vec![shared_data().join("seed/000_e9d4e46e13aa15ff.txt")];
    let mut linking: Vec<PathBuf> = std::fs::read_dir(shared_data().join("linking"))
        .expect("../shared/data/linking must be beside the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    linking.sort();
    files.extend(linking);
    files
}

/// A test server: its router, its database directory and its users' passwords.
pub struct TestApp {
    pub app: Router,
    pub dir: tempfile::TempDir,
}

pub const PASSWORD: &str = "a-long-test-password";

impl TestApp {
    /// A server on a new database with users `admin`, `ana` (analyst) and `vic` (viewer),
    /// optionally with the reports ingested.
    pub fn new(with_reports: bool) -> TestApp {
        TestApp::with_mode(with_reports, false)
    }

    /// The same, serving the public view.
    pub fn public() -> TestApp {
        TestApp::with_mode(true, true)
    }

    fn with_mode(with_reports: bool, public: bool) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("testigo.db");
        {
            let mut store = SqliteStore::open(&db).unwrap();
            for (name, role) in [("admin", Role::Admin), ("ana", Role::Analyst), ("vic", Role::Viewer)] {
                testigo_web::add_user(&mut store, name, role, PASSWORD, "test").unwrap();
            }
            if with_reports {
                let ex = testigo_extract::Extractor::new(testigo_gazetteer::Gazetteer::embedded());
                for f in report_files() {
                    let p = testigo_ingest::prepare(&ex, &f, &testigo_core::Metadata::default()).unwrap();
                    store.ingest_linked(&p.doc, &p.incidents, &testigo_link::StoreLinker).unwrap();
                }
            }
        }
        let config = testigo_web::Config { db, key_file: None, secure_cookies: false, connections: 2, public };
        let app = testigo_web::app(testigo_web::AppState::open(config).unwrap());
        TestApp { app, dir }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("testigo.db")
    }

    /// Sends a request from 127.0.0.1, as `testigo serve` would see a local browser.
    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.send_from("127.0.0.1:50000", req).await
    }

    /// Sends a request from the client address `peer` (`IP:PORT`), as the TCP peer.
    pub async fn send_from(&self, peer: &str, mut req: Request<Body>) -> Response<Body> {
        let addr: std::net::SocketAddr = peer.parse().unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        self.app.clone().oneshot(req).await.unwrap()
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> (StatusCode, String, axum::http::HeaderMap) {
        let mut b = Request::get(path);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        let r = self.send(b.body(Body::empty()).unwrap()).await;
        split(r).await
    }

    pub async fn post_form(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> (StatusCode, String, axum::http::HeaderMap) {
        self.post_form_from("127.0.0.1:50000", path, cookie, form).await
    }

    /// [`TestApp::post_form`] from the client address `peer`.
    pub async fn post_form_from(
        &self,
        peer: &str,
        path: &str,
        cookie: Option<&str>,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, axum::http::HeaderMap) {
        let body = form.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        split(self.send_from(peer, b.body(Body::from(body)).unwrap()).await).await
    }

    /// Logs `name` in through the login form; returns the session cookie and its CSRF token.
    pub async fn login(&self, name: &str) -> (String, String) {
        self.login_with(name, PASSWORD).await
    }

    /// [`TestApp::login`] with another password.
    pub async fn login_with(&self, name: &str, password: &str) -> (String, String) {
        let (status, body, headers) = self.get("/login", None).await;
        assert_eq!(status, StatusCode::OK);
        let login_cookie = cookie_pair(&headers, "testigo_login_csrf");
        let csrf = hidden(&body, "csrf");
        let (status, _, headers) =
            self.post_form("/login", Some(&login_cookie), &[("csrf", &csrf), ("name", name), ("password", password), ("next", "/incidents")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login of {name}");
        let session = cookie_pair(&headers, "testigo_session");
        let (_, page, _) = self.get("/incidents", Some(&session)).await;
        (session, hidden(&page, "csrf"))
    }
}

pub async fn split(r: Response<Body>) -> (StatusCode, String, axum::http::HeaderMap) {
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = axum::body::to_bytes(r.into_body(), 64 * 1024 * 1024).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned(), headers)
}

/// `name=value` of the `Set-Cookie` header that sets cookie `name`.
pub fn cookie_pair(headers: &axum::http::HeaderMap, name: &str) -> String {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no cookie {name} in {headers:?}"))
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// The value of the first hidden field `name` of a page.
pub fn hidden(page: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = page.find(&needle).unwrap_or_else(|| panic!("no field {name}")) + needle.len();
    page[start..].split('"').next().unwrap().to_string()
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}
