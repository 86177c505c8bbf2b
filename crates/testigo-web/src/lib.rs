//! The monitors' web application: `testigo serve`.
//!
//! Server-rendered HTML pages (maud, escaped by construction) for the incident list and search,
//! one incident with its evidence and contested facts, edits, verification status, merge and
//! split, uploads and the change history; a JSON API under `/api/v1` described by an OpenAPI
//! document; accounts with roles.
//!
//! # Design
//!
//! - **State:** a few SQLite connections to the same file, each behind a mutex, used from
//!   `spawn_blocking` so that the database never blocks the async runtime. SQLite in WAL mode
//!   lets readers run beside the one writer.
//! - **Accounts:** [`auth`] hashes passwords with argon2id; sessions and API tokens are random
//!   and stored as digests. Roles are ordered: viewer < analyst < admin. There are no default
//!   credentials: `testigo user add` creates the first account.
//! - **Safety:** every page is served with a Content-Security-Policy that allows only the
//!   application's own scripts and styles (no inline script); every form carries the session's
//!   CSRF token; logins are rate limited; uploads are limited in size; errors shown to the user
//!   never contain internals (they are logged on standard error).
//! - **Languages:** [`i18n`], English and Spanish from Fluent files, chosen by a cookie set by
//!   the switch in the header, else by `Accept-Language`.

pub mod api;
pub mod auth;
pub mod i18n;
mod pages;
mod render;
mod views;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Request};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use testigo_store::monitor::{Role, User};
use testigo_store::{SqliteStore, StoreError};

use crate::i18n::{Lang, Messages};

/// The largest upload accepted, in bytes, all files of one request together.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// The largest body of any other request, in bytes.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// How long a browser session lasts.
const SESSION_HOURS: i64 = 12;

/// The session cookie's name.
const SESSION_COOKIE: &str = "testigo_session";

/// The cookie holding the CSRF token of the login form (there is no session yet).
const LOGIN_CSRF_COOKIE: &str = "testigo_login_csrf";

/// The language cookie's name.
const LANG_COOKIE: &str = "testigo_lang";

/// The Content-Security-Policy of every response: only our own scripts, styles and images.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The database file.
    pub db: PathBuf,
    /// The encryption key file (issue 6), if the database has or should get a key.
    pub key_file: Option<PathBuf>,
    /// Mark cookies `Secure` (set when the server is reached through TLS, e.g. behind a
    /// reverse proxy).
    pub secure_cookies: bool,
    /// How many database connections serve requests.
    pub connections: usize,
    /// Serve the read-only public view instead: no login, no writes, no API, no search over
    /// source texts; every incident redacted with `testigo_store::redact_detail`.
    pub public: bool,
}

/// What every request handler shares.
pub struct AppState {
    stores: Vec<Mutex<SqliteStore>>,
    next: AtomicUsize,
    config: Config,
    messages: Messages,
    /// Failed logins per user name.
    login_limiter: auth::RateLimiter,
}

/// The shared state.
pub type Shared = Arc<AppState>;

impl AppState {
    /// Opens `config.connections` connections to the database (creating it if needed).
    ///
    /// # Errors
    ///
    /// When the database cannot be opened or the language files do not parse.
    pub fn open(config: Config) -> anyhow::Result<Shared> {
        let n = config.connections.clamp(1, 16);
        let mut stores = Vec::with_capacity(n);
        for _ in 0..n {
            let store = match &config.key_file {
                Some(key) => SqliteStore::open_with_key_file(&config.db, key)?,
                None => SqliteStore::open(&config.db)?,
            };
            store.set_read_cache(64)?;
            stores.push(Mutex::new(store));
        }
        Ok(Arc::new(AppState {
            stores,
            next: AtomicUsize::new(0),
            config,
            messages: Messages::load()?,
            login_limiter: auth::RateLimiter::new(5, Duration::from_secs(300)),
        }))
    }

    /// Runs `f` with a database connection on the blocking thread pool.
    async fn db<T, F>(self: &Arc<Self>, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> Result<T, WebError> + Send + 'static,
    {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let i = state.next.fetch_add(1, Ordering::Relaxed) % state.stores.len();
            // Another request may be using this connection; wait for it. A poisoned mutex
            // only means a request panicked while holding it; SQLite's state is per statement.
            let mut store = state.stores[i].lock().unwrap_or_else(|p| p.into_inner());
            f(&mut store)
        })
        .await
        .map_err(|e| WebError::Internal(format!("database task failed: {e}")))?
    }
}

/// Builds the application's router on opened state (the public view's when
/// [`Config::public`] is set).
pub fn app(state: Shared) -> Router {
    if state.config.public {
        return public_app(state);
    }
    let upload = Router::new()
        .route("/upload", get(pages::upload_form).post(pages::upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/", get(|| async { Redirect::to("/incidents") }))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/lang", get(pages::switch_language))
        .route("/static/{file}", get(pages::static_file))
        .route("/incidents", get(pages::incidents))
        .route("/incidents/export", get(pages::export))
        .route("/incidents/{id}", get(pages::incident))
        .route("/incidents/{id}/edit", post(pages::edit))
        .route("/incidents/{id}/status", post(pages::set_status))
        .route("/incidents/{id}/merge", post(pages::merge))
        .route("/incidents/{id}/split", post(pages::split))
        .route("/originals/{sha256}", get(pages::original))
        .route("/audit", get(pages::audit))
        .route("/map", get(views::map_page))
        .route("/map/points", get(views::map_points))
        .route("/stats", get(views::stats_page))
        .route("/stats.csv", get(views::stats_csv))
        .route("/static/vendor/{file}", get(pages::vendor_file))
        .merge(upload)
        .nest("/api/v1", api::router())
        .fallback(|| async { WebError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// The read-only public view: the list (without text search), redacted incident pages, the
/// map, the statistics and public downloads; nothing else exists.
fn public_app(state: Shared) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/", get(|| async { Redirect::to("/incidents") }))
        .route("/lang", get(pages::switch_language))
        .route("/static/{file}", get(pages::static_file))
        .route("/static/vendor/{file}", get(pages::vendor_file))
        .route("/incidents", get(pages::incidents))
        .route("/incidents/export", get(pages::export))
        .route("/incidents/{id}", get(pages::public_incident))
        .route("/map", get(views::map_page))
        .route("/map/points", get(views::map_points))
        .route("/stats", get(views::stats_page))
        .route("/stats.csv", get(views::stats_csv))
        .fallback(|| async { WebError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serves the application on `addr` until the process is stopped.
///
/// # Errors
///
/// When the database cannot be opened or the address cannot be bound.
pub async fn serve(config: Config, addr: SocketAddr) -> anyhow::Result<()> {
    let state = AppState::open(config)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}; choose another --addr"))?;
    eprintln!("testigo: serving on http://{}", listener.local_addr().unwrap_or(addr));
    axum::serve(listener, app(state)).await?;
    Ok(())
}

/// [`serve`] on a new multi-threaded runtime, for callers without one (the `testigo` command).
///
/// # Errors
///
/// Those of [`serve`], and when the runtime cannot start.
pub fn serve_blocking(config: Config, addr: SocketAddr) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(serve(config, addr))
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// What went wrong, as the user may see it: never with internals.
#[derive(Debug)]
pub enum WebError {
    /// 404.
    NotFound,
    /// 400 with a message for the user (already in their language, or a store message that
    /// says how to fix the input).
    BadRequest(String),
    /// 401 for the API; pages redirect to the login form instead.
    Unauthorized,
    /// 403: logged in, but the role does not allow it; or a form without its CSRF token.
    Forbidden,
    /// 429.
    TooManyAttempts,
    /// 500; the message is logged, not shown.
    Internal(String),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown to the user.
    fn public_message(&self) -> String {
        match self {
            WebError::NotFound => "Not found.".to_string(),
            WebError::BadRequest(m) => m.clone(),
            WebError::Unauthorized => "Log in first.".to_string(),
            WebError::Forbidden => "You may not do this.".to_string(),
            WebError::TooManyAttempts => "Too many attempts; wait a few minutes.".to_string(),
            WebError::Internal(m) => {
                eprintln!("testigo serve: internal error: {m}");
                "Something went wrong on the server; it has been logged.".to_string()
            }
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::UnknownIncident { .. } => WebError::NotFound,
            // Errors about what the user asked for say how to fix it and contain no internals.
            StoreError::InvalidOverride { .. }
            | StoreError::SameIncident { .. }
            | StoreError::IncidentMerged { .. }
            | StoreError::NotASource { .. }
            | StoreError::AmbiguousSource { .. }
            | StoreError::DocumentNotASource { .. }
            | StoreError::OnlySource { .. }
            | StoreError::InvalidSha256 { .. } => WebError::BadRequest(e.to_string()),
            StoreError::Busy { .. } => WebError::Internal(format!("database busy: {e}")),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = self.public_message();
        (status, render::error_page(status, &message)).into_response()
    }
}

/// A logged-in browser session, or an API token's user.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who.
    pub user: User,
    /// The session's CSRF token (empty for API tokens, which need none: they are not sent by
    /// browsers on their own).
    pub csrf: String,
    /// The digest of the session cookie, to end it.
    token_sha256: String,
}

/// The language of a request: the cookie, else `Accept-Language`.
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLang(request_lang(&parts.headers)))
    }
}

fn request_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)).unwrap_or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::En, Lang::from_accept_language)
    })
}

/// The value of cookie `name`, if the request sends it.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value with the application's attributes.
fn set_cookie(state: &AppState, name: &str, value: &str, max_age_seconds: i64) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}")
}

async fn session_of(state: &Shared, headers: &HeaderMap) -> Result<Option<Session>, WebError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let digest = auth::token_digest(&token);
    state
        .db(move |store| {
            Ok(store
                .session(&digest, Utc::now())?
                .map(|s| Session { user: s.user, csrf: s.csrf, token_sha256: digest.clone() }))
        })
        .await
}

/// Rejection of a page that needs a login: a GET is sent to the login form, anything else is
/// refused.
pub struct LoginRequired {
    redirect: Option<String>,
    forbidden: bool,
}

impl IntoResponse for LoginRequired {
    fn into_response(self) -> Response {
        match (self.forbidden, self.redirect) {
            (true, _) => WebError::Forbidden.into_response(),
            (false, Some(next)) => {
                let next: String = next.chars().filter(|c| c.is_ascii_alphanumeric() || "/?=&-_.%".contains(*c)).collect();
                Redirect::to(&format!("/login?next={}", percent_encode(&next))).into_response()
            }
            (false, None) => WebError::Unauthorized.into_response(),
        }
    }
}

/// The session of a logged-in user with at least role `MIN` (0 viewer, 1 analyst, 2 admin).
pub struct Auth<const MIN: u8>(pub Session);

/// Any logged-in user.
pub type Viewer = Auth<0>;
/// An analyst or an admin.
pub type Analyst = Auth<1>;
/// An admin.
pub type Admin = Auth<2>;

fn min_role(min: u8) -> Role {
    match min {
        0 => Role::Viewer,
        1 => Role::Analyst,
        _ => Role::Admin,
    }
}

impl<const MIN: u8> FromRequestParts<Shared> for Auth<MIN> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Self::Rejection> {
        let session = session_of(state, &parts.headers).await.map_err(IntoResponse::into_response)?;
        match session {
            Some(s) if s.user.role >= min_role(MIN) => Ok(Auth(s)),
            Some(_) => Err(LoginRequired { redirect: None, forbidden: true }.into_response()),
            None if parts.method == Method::GET => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
                Err(LoginRequired { redirect: Some(next), forbidden: false }.into_response())
            }
            None => Err(LoginRequired { redirect: None, forbidden: true }.into_response()),
        }
    }
}

/// A reader of the record: in the public view anyone (`None`), otherwise a logged-in user.
pub struct Reader(pub Option<Session>);

impl FromRequestParts<Shared> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Self::Rejection> {
        if state.config.public {
            return Ok(Reader(None));
        }
        Viewer::from_request_parts(parts, state).await.map(|Auth(s)| Reader(Some(s)))
    }
}

impl AppState {
    /// True in the public view.
    pub fn is_public(&self) -> bool {
        self.config.public
    }
}

/// Refuses a form whose `csrf` field is not the session's token.
fn check_csrf(session: &Session, sent: Option<&str>) -> Result<(), WebError> {
    match sent {
        Some(t) if !session.csrf.is_empty() && auth::constant_time_eq(t.as_bytes(), session.csrf.as_bytes()) => Ok(()),
        _ => Err(WebError::Forbidden),
    }
}

/// Percent-encodes a query value.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Creates a user (for `testigo user add`); `actor` is who does it, for the audit log.
///
/// # Errors
///
/// When the name or password is unacceptable, the name is taken, or the database fails.
pub fn add_user(store: &mut SqliteStore, name: &str, role: Role, password: &str, actor: &str) -> anyhow::Result<User> {
    if name.is_empty() || name.len() > 64 || !name.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c)) {
        anyhow::bail!("a user name is 1 to 64 letters, digits, '.', '_', '-' or '@'");
    }
    if password.chars().count() < auth::MIN_PASSWORD_CHARS {
        anyhow::bail!("the password must have at least {} characters", auth::MIN_PASSWORD_CHARS);
    }
    Ok(store.add_user(name, role, &auth::hash_password(password)?, actor)?)
}

/// Creates an API token for the user named `name` and returns it; only its digest is stored,
/// so it can be shown only once (for `testigo token create`); `actor` is who does it.
///
/// # Errors
///
/// When there is no such user or the database fails.
pub fn create_token(store: &mut SqliteStore, name: &str, actor: &str) -> anyhow::Result<String> {
    let token = auth::new_token()?;
    store.create_api_token(&auth::token_digest(&token), name, actor)?;
    Ok(token)
}
