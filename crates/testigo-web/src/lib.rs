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
mod users;
mod views;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Request, State};
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
    /// Failed logins per client address (the TCP peer; see [`ClientAddr`]).
    address_limiter: auth::RateLimiter,
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
            if stores.is_empty() {
                store.optimize()?;
            }
            stores.push(Mutex::new(store));
        }
        Ok(Arc::new(AppState {
            stores,
            next: AtomicUsize::new(0),
            config,
            messages: Messages::load()?,
            login_limiter: auth::RateLimiter::new(5, Duration::from_secs(300), auth::LIMITER_CAPACITY),
            address_limiter: auth::RateLimiter::new(auth::ADDRESS_FAILURES, Duration::from_secs(300), auth::LIMITER_CAPACITY),
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
        .route("/users", get(users::users_page).post(users::users_create))
        .route("/users/{id}/{change}", post(users::users_change))
        .route("/map", get(views::map_page))
        .route("/map/points", get(views::map_points))
        .route("/stats", get(views::stats_page))
        .route("/stats.csv", get(views::stats_csv))
        .route("/static/vendor/{file}", get(pages::vendor_file))
        .merge(upload)
        .nest("/api/v1", api::router())
        .fallback(|| async { WebError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), localize_errors))
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
        .layer(middleware::from_fn_with_state(state.clone(), localize_errors))
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
    // The peer address of each connection is what the login limiter counts per client.
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>()).await?;
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

/// What went wrong, as the user may see it: never with internals. Pages show it in the
/// request's language (the messages `error-*` of the `.ftl` files, filled in by the middleware
/// `localize_errors`); the API as `{"error": ...}` in English.
#[derive(Debug)]
pub enum WebError {
    /// 404.
    NotFound,
    /// 400 with a detail for the user (already in their language, or a store message that
    /// says how to fix the input).
    BadRequest(String),
    /// 401 for the API; pages redirect to the login form instead.
    Unauthorized,
    /// 403: logged in, but the role does not allow it.
    Forbidden,
    /// 403: a form without the session's CSRF token (forged, or from an older session).
    Csrf,
    /// 413: a body larger than the server accepts.
    TooLarge,
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
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stem of the messages (`STEM-title`, `STEM-text`) that explain this error.
    fn message_stem(&self) -> &'static str {
        match self {
            WebError::NotFound => "error-not-found",
            WebError::BadRequest(_) => "error-bad-request",
            WebError::Unauthorized => "error-unauthorized",
            WebError::Forbidden => "error-forbidden",
            WebError::Csrf => "error-csrf",
            WebError::TooLarge => "error-too-large",
            WebError::TooManyAttempts => "error-too-many",
            WebError::Internal(_) => "error-internal",
        }
    }

    /// The message shown to the user in English (the API's language); internals are logged.
    fn public_message(&self) -> String {
        match self {
            WebError::BadRequest(detail) => detail.clone(),
            other => {
                other.log();
                i18n::english(&format!("{}-text", other.message_stem()))
            }
        }
    }

    /// Writes an internal error's message to standard error.
    fn log(&self) {
        if let WebError::Internal(m) = self {
            eprintln!("testigo serve: internal error: {m}");
        }
    }
}

/// The stems of the error pages' messages (`STEM-title` and `STEM-text`), every one in both
/// `.ftl` files (a test checks).
pub fn error_stems() -> &'static [&'static str] {
    &[
        "error-not-found",
        "error-bad-request",
        "error-unauthorized",
        "error-forbidden",
        "error-csrf",
        "error-too-large",
        "error-too-many",
        "error-internal",
        "error-method",
        "error-other",
    ]
}

/// An error response not yet rendered: [`localize_errors`] renders it in the request's
/// language.
#[derive(Debug, Clone)]
struct ErrorPage {
    stem: &'static str,
    detail: Option<String>,
}

/// Renders error responses in the language of the request: those of [`WebError`], and the
/// plain-text ones that axum's extractors answer by themselves (a body too large, a form or a
/// path that does not parse, a method the route does not take), as pages, or as JSON errors
/// under `/api/`.
async fn localize_errors(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let lang = request_lang(request.headers());
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let status = response.status();
    let page = match response.extensions_mut().remove::<ErrorPage>() {
        Some(page) => page,
        None if (status.is_client_error() || status.is_server_error()) && is_plain(response.headers()) => {
            let stem = match status {
                StatusCode::NOT_FOUND => "error-not-found",
                StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::UNSUPPORTED_MEDIA_TYPE => "error-bad-request",
                StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
                StatusCode::METHOD_NOT_ALLOWED => "error-method",
                s if s.is_server_error() => "error-internal",
                _ => "error-other",
            };
            ErrorPage { stem, detail: None }
        }
        None => return response,
    };
    let title = state.messages.get(lang, &format!("{}-title", page.stem));
    let text = state.messages.get(lang, &format!("{}-text", page.stem));
    let mut rendered = if api {
        let message = page.detail.unwrap_or(text);
        (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
    } else {
        let back = state.messages.get(lang, "error-back");
        (status, render::error_page(status, lang, &title, &text, page.detail.as_deref(), &back)).into_response()
    };
    // Keep what the handler said besides the body (an `Allow` or `WWW-Authenticate` header).
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && !rendered.headers().contains_key(name) {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    rendered
}

/// True for a response without a body of ours: no media type, or plain text.
fn is_plain(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_none_or(|t| t.starts_with("text/plain"))
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
            | StoreError::InvalidSha256 { .. }
            | StoreError::UserExists { .. }
            | StoreError::UnknownUser { .. }
            | StoreError::LastAdmin { .. }
            | StoreError::UserDisabled { .. } => WebError::BadRequest(e.to_string()),
            StoreError::UnknownUserId { .. } => WebError::NotFound,
            StoreError::Busy { .. } => WebError::Internal(format!("database busy: {e}")),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        let mut response = self.status().into_response();
        let stem = self.message_stem();
        let detail = match self {
            WebError::BadRequest(d) => Some(d),
            _ => None,
        };
        response.extensions_mut().insert(ErrorPage { stem, detail });
        response
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
            (true, _) => {
                // Not logged in: refused (403, not a redirect, for a form sent without a
                // session), and told to log in.
                let mut response = StatusCode::FORBIDDEN.into_response();
                response.extensions_mut().insert(ErrorPage { stem: "error-unauthorized", detail: None });
                response
            }
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
            Some(_) => Err(WebError::Forbidden.into_response()),
            None if parts.method == Method::GET => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
                Err(LoginRequired { redirect: Some(next), forbidden: false }.into_response())
            }
            None => Err(LoginRequired { redirect: None, forbidden: true }.into_response()),
        }
    }
}

/// The network address of the client, for the login limiter: the TCP peer's address, which
/// [`serve`] records for every connection. Never a header such as `X-Forwarded-For`, which any
/// client can write: behind a reverse proxy every client has the proxy's address, and shares
/// its limit. `None` when the router runs without connection information (in-process tests).
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
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
        _ => Err(WebError::Csrf),
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

/// True for an acceptable user name: 1 to 64 bytes of letters, digits, `.`, `_`, `-` or `@`.
pub fn valid_user_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c))
}

/// Creates a user (for `testigo user add`); `actor` is who does it, for the audit log.
///
/// # Errors
///
/// When the name or password is unacceptable, the name is taken, or the database fails.
pub fn add_user(store: &mut SqliteStore, name: &str, role: Role, password: &str, actor: &str) -> anyhow::Result<User> {
    if !valid_user_name(name) {
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
