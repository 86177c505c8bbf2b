//! The HTML pages and form handlers.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{Duration, Utc};
use maud::{html, Markup};
use testigo_core::{ActorCategory, EventType, Harm, SubEventType};
use testigo_extract::Extractor;
use testigo_gazetteer::Gazetteer;
use testigo_ingest::export::Format;
use testigo_store::monitor::{IncidentQuery, Role, Sort, Verification, EDITABLE_FIELDS};
use testigo_store::{DocumentId, IncidentDetail, IncidentId, IngestOutcome, SourcedSpan, Store};

use crate::i18n::{self, Lang};
use crate::render::{csrf_field, layout, marked_text, Ctx};
use crate::{
    auth, check_csrf, cookie, set_cookie, Admin, Analyst, Auth, ClientAddr, Reader, RequestLang, Session, Shared, Viewer, WebError,
    LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS,
};

/// Incidents per page of the list.
const PAGE_SIZE: u32 = 50;

/// The list counts matching incidents up to this number ("10,000+" beyond): counting a huge
/// selection costs more than showing a page of it.
const COUNT_LIMIT: u32 = 10_000;

/// The most files of one upload.
const MAX_FILES: usize = 1000;

/// The most incidents one download holds.
const MAX_EXPORT: u32 = 100_000;

pub(crate) fn ctx<'a>(state: &'a Shared, lang: Lang, session: Option<&'a Session>, uri: &Uri) -> Ctx<'a> {
    Ctx {
        lang,
        messages: &state.messages,
        session,
        here: uri.path_and_query().map_or("/", |p| p.as_str()).to_string(),
        public: state.is_public(),
    }
}

/// The query parameters a reader may use: in the public view there is no search over source
/// texts (a search for a name would tell whether a source mentions that person).
pub(crate) fn readable_query(state: &Shared, mut q: HashMap<String, String>) -> HashMap<String, String> {
    if state.is_public() {
        q.remove("q");
    }
    q
}

/// A path to come back to after a login or a language switch: only a path of this site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() < 2048 => n.to_string(),
        _ => "/incidents".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Static files, language, login, logout.

const APP_CSS: &str = include_str!("../assets/app.css");
const APP_JS: &str = include_str!("../assets/app.js");
const MAP_JS: &str = include_str!("../assets/map.js");

/// The front-end libraries and map outlines of `assets/vendor/` (fetched by
/// `scripts/fetch_web_assets.sh`), compiled in: name, media type, bytes.
const VENDOR: &[(&str, &str, &[u8])] = &[
    ("leaflet.js", "text/javascript; charset=utf-8", include_bytes!("../assets/vendor/leaflet.js")),
    ("leaflet.css", "text/css; charset=utf-8", include_bytes!("../assets/vendor/leaflet.css")),
    ("leaflet.markercluster.js", "text/javascript; charset=utf-8", include_bytes!("../assets/vendor/leaflet.markercluster.js")),
    ("MarkerCluster.css", "text/css; charset=utf-8", include_bytes!("../assets/vendor/MarkerCluster.css")),
    ("MarkerCluster.Default.css", "text/css; charset=utf-8", include_bytes!("../assets/vendor/MarkerCluster.Default.css")),
    ("topojson-client.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/vendor/topojson-client.min.js")),
    ("countries-50m.json", "application/json", include_bytes!("../assets/vendor/countries-50m.json")),
    ("us-states-10m.json", "application/json", include_bytes!("../assets/vendor/us-states-10m.json")),
    ("admin1-mx-ca.json", "application/json", include_bytes!("../assets/vendor/admin1-mx-ca.json")),
];

pub(crate) async fn vendor_file(Path(file): Path<String>) -> Response {
    match VENDOR.iter().find(|(name, _, _)| *name == file) {
        Some((_, kind, body)) => ([(header::CONTENT_TYPE, *kind), (header::CACHE_CONTROL, "max-age=86400")], *body).into_response(),
        None => WebError::NotFound.into_response(),
    }
}

pub(crate) async fn static_file(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "map.js" => (MAP_JS, "text/javascript; charset=utf-8"),
        _ => return WebError::NotFound.into_response(),
    };
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "max-age=3600")], body).into_response()
}

pub(crate) async fn switch_language(State(state): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let lang = q.get("to").and_then(|t| Lang::parse(t)).unwrap_or(Lang::En);
    let back = safe_next(q.get("back").map(String::as_str));
    let cookie = set_cookie(&state, LANG_COOKIE, lang.as_str(), 365 * 24 * 3600);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

pub(crate) async fn login_form(
    State(state): State<Shared>,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let token = auth::new_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let ctx = ctx(&state, lang, None, &uri);
    let page = login_page(&ctx, &token, q.get("next").map(String::as_str), None);
    let cookie = set_cookie(&state, LOGIN_CSRF_COOKIE, &token, 3600);
    Ok(([(header::SET_COOKIE, cookie)], page).into_response())
}

fn login_page(ctx: &Ctx<'_>, csrf: &str, next: Option<&str>, error: Option<&str>) -> Markup {
    layout(
        ctx,
        &ctx.t("login-title"),
        html! {
            h1 { (ctx.t("login-title")) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form.login method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(safe_next(next));
                label { (ctx.t("login-name")) input #name type="text" name="name" autocomplete="username" required; }
                label { (ctx.t("login-password")) input #password type="password" name="password" autocomplete="current-password" required; }
                button #login type="submit" { (ctx.t("login-submit")) }
            }
        },
    )
}

pub(crate) async fn login(
    State(state): State<Shared>,
    RequestLang(lang): RequestLang,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    // The login form's CSRF token is the one its cookie holds (there is no session yet).
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    let sent = form.get("csrf").map(String::as_str).unwrap_or("");
    if expected.is_empty() || !auth::constant_time_eq(expected.as_bytes(), sent.as_bytes()) {
        return Err(WebError::Csrf);
    }
    let name = form.get("name").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let next = safe_next(form.get("next").map(String::as_str));
    // Failures are counted per user name (no name is guessed at for long) and per client
    // address (no client tries many names); names are cut to the longest a user may have.
    let name_key: String = name.chars().take(64).collect();
    let addr_key = addr.map_or_else(|| "unknown".to_string(), auth::address_key);
    if !state.login_limiter.allowed(&name_key) || !state.address_limiter.allowed(&addr_key) {
        return Err(WebError::TooManyAttempts);
    }
    let lookup = name.clone();
    let credentials = state.db(move |store| Ok(store.user_credentials(&lookup)?)).await?;
    let ok = tokio::task::spawn_blocking(move || match credentials {
        Some(c) if auth::verify_password(&password, &c.password_hash) => Some((c.user, c.disabled)),
        Some(_) => None,
        None => {
            // Take as long as for a real user, so that timing does not tell which names exist.
            let _ = auth::hash_password(&password);
            None
        }
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    let user = match ok {
        Some((user, false)) => user,
        failed => {
            state.login_limiter.failed(&name_key);
            state.address_limiter.failed(&addr_key);
            // A disabled account is named only to whoever knows its password.
            let message = if failed.is_some() { "login-disabled" } else { "login-failed" };
            let ctx = ctx(&state, lang, None, &uri);
            let page = login_page(&ctx, &expected, Some(&next), Some(&ctx.t(message)));
            return Ok((StatusCode::UNAUTHORIZED, page).into_response());
        }
    };
    // A success forgets the name's failures, not the address's: one known account must not
    // let a client go on guessing others.
    state.login_limiter.succeeded(&name_key);
    let token = auth::new_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let csrf = auth::new_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let digest = auth::token_digest(&token);
    let expires = Utc::now() + Duration::hours(SESSION_HOURS);
    state.db(move |store| Ok(store.create_session(&digest, user.id, &csrf, expires)?)).await?;
    let session = set_cookie(&state, SESSION_COOKIE, &token, SESSION_HOURS * 3600);
    let clear = set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0);
    let mut response = Redirect::to(&next).into_response();
    let h = response.headers_mut();
    for c in [session, clear] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

pub(crate) async fn logout(
    State(state): State<Shared>,
    Auth(session): Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    check_csrf(&session, form.get("csrf").map(String::as_str))?;
    let digest = session.token_sha256.clone();
    state.db(move |store| Ok(store.end_session(&digest)?)).await?;
    let clear = set_cookie(&state, SESSION_COOKIE, "", 0);
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The incident list.

/// What a list filter's value should have been (see [`QueryError`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    /// `YYYY-MM-DD`.
    Date,
    /// An ACLED `event_type`.
    EventType,
    /// A harm of SPEC's list.
    Harm,
    /// A perpetrator category of SPEC's list.
    Perpetrator,
    /// A verification status.
    Verification,
    /// `yes` or `no`.
    YesNo,
    /// A sort order of the list.
    Sort,
    /// An ISO 3166-1 alpha-2 code.
    Country,
}

impl Expected {
    /// The Fluent id of the expectation's wording.
    fn id(self) -> &'static str {
        match self {
            Expected::Date => "filter-expect-date",
            Expected::EventType => "filter-expect-event-type",
            Expected::Harm => "filter-expect-harm",
            Expected::Perpetrator => "filter-expect-perpetrator",
            Expected::Verification => "filter-expect-verification",
            Expected::YesNo => "filter-expect-yes-no",
            Expected::Sort => "filter-expect-sort",
            Expected::Country => "filter-expect-country",
        }
    }
}

/// A list filter that does not parse: the query parameter, the value given (trimmed) and what
/// was expected. Pages say it in the reader's language ([`QueryError::message`]); the API and
/// downloads in English ([`QueryError::english`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryError {
    param: &'static str,
    value: String,
    expected: Expected,
}

impl QueryError {
    fn new(param: &'static str, value: &str, expected: Expected) -> QueryError {
        QueryError { param, value: value.to_string(), expected }
    }

    /// The message in `lang` (Fluent `filter-invalid` with the expectation's wording).
    pub(crate) fn message(&self, messages: &i18n::Messages, lang: Lang) -> String {
        let expected = messages.get(lang, self.expected.id());
        messages.get_args(lang, "filter-invalid", &[("param", self.param.into()), ("value", self.value.as_str().into()), ("expected", expected.into())])
    }

    /// The message in English.
    pub(crate) fn english(&self) -> String {
        format!("{}: {:?} is not {}", self.param, self.value, i18n::english(self.expected.id()))
    }
}

/// The list filters of a query string (shared by the page, the downloads and the API).
///
/// # Errors
///
/// [`QueryError`] for the first parameter that does not parse.
pub(crate) fn parse_query(q: &HashMap<String, String>) -> Result<IncidentQuery, QueryError> {
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let date = |k: &'static str| -> Result<Option<chrono::NaiveDate>, QueryError> {
        get(k)
            .map(|v| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| QueryError::new(k, v, Expected::Date)))
            .transpose()
    };
    let event_type = get("event_type").map(|v| EventType::parse(v).ok_or_else(|| QueryError::new("event_type", v, Expected::EventType))).transpose()?;
    let harm = get("harm").map(|v| Harm::parse(v).map(|h| h.as_str().to_string()).ok_or_else(|| QueryError::new("harm", v, Expected::Harm))).transpose()?;
    let perpetrator = get("perpetrator")
        .map(|v| ActorCategory::parse(v).map(|c| c.as_str().to_string()).ok_or_else(|| QueryError::new("perpetrator", v, Expected::Perpetrator)))
        .transpose()?;
    let verification = get("verification").map(|v| Verification::parse(v).ok_or_else(|| QueryError::new("verification", v, Expected::Verification))).transpose()?;
    let contested = match get("contested") {
        None => None,
        Some("yes" | "true") => Some(true),
        Some("no" | "false") => Some(false),
        Some(v) => return Err(QueryError::new("contested", v, Expected::YesNo)),
    };
    let sort = get("sort").map(|v| Sort::parse(v).ok_or_else(|| QueryError::new("sort", v, Expected::Sort))).transpose()?.unwrap_or_default();
    let country = get("country").map(|c| c.to_ascii_uppercase());
    if let Some(c) = country.as_ref().filter(|c| c.len() != 2 || !c.chars().all(|x| x.is_ascii_alphabetic())) {
        return Err(QueryError::new("country", c, Expected::Country));
    }
    Ok(IncidentQuery {
        text: get("q").map(str::to_string),
        from: date("from")?,
        to: date("to")?,
        country,
        admin1: get("admin1").map(str::to_string),
        event_type,
        harm,
        perpetrator,
        verification,
        contested,
        sort,
        limit: None,
        offset: 0,
        count_limit: None,
    })
}

/// The query string of the filters in `q` (without the page), for links that keep them.
pub(crate) fn filter_query(q: &HashMap<String, String>) -> String {
    let mut keys: Vec<&String> = q.keys().filter(|k| k.as_str() != "page" && k.as_str() != "format").collect();
    keys.sort();
    keys.iter()
        .filter(|k| !q[k.as_str()].trim().is_empty())
        .map(|k| format!("{}={}", crate::percent_encode(k), crate::percent_encode(&q[k.as_str()])))
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) async fn incidents(
    State(state): State<Shared>,
    Reader(session): Reader,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let q = readable_query(&state, q);
    let ctx = ctx(&state, lang, session.as_ref(), &uri);
    let mut query = parse_query(&q).map_err(|e| WebError::BadRequest(e.message(&state.messages, lang)))?;
    let page: u32 = q.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1 && *p <= 100_000).unwrap_or(1);
    query.limit = Some(PAGE_SIZE);
    query.offset = (page - 1) * PAGE_SIZE;
    query.count_limit = Some(COUNT_LIMIT);
    let mut result = state.db(move |store| Ok(store.search_incidents(&query)?)).await?;
    if state.is_public() {
        for item in &mut result.items {
            item.summary.incident = testigo_core::redact::redact_incident(&item.summary.incident).0;
        }
    }
    let filters = filter_query(&q);
    let pages = result.total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let link = |p: u64| if filters.is_empty() { format!("/incidents?page={p}") } else { format!("/incidents?{filters}&page={p}") };
    let body = html! {
        h1 { (ctx.t("incidents-title")) }
        (filter_form(&ctx, &q, "/incidents", true))
        @let shown = if result.total_is_lower_bound { format!("{}+", i18n::number(lang, result.total)) } else { i18n::number(lang, result.total) };
        p.count #count { (ctx.messages.get_args(lang, "incidents-count", &[("count", result.total.into()), ("shown", shown.into())])) }
        p.downloads {
            (ctx.t("download")) ": "
            @for f in Format::ALL {
                a.download href={ "/incidents/export?format=" (f.as_str()) @if !filters.is_empty() { "&" (filters) } } { (f.as_str()) } " "
            }
        }
        table.incidents {
            thead { tr {
                th { "#" } th { (ctx.t("field-date")) } th { (ctx.t("field-event-type")) } th { (ctx.t("field-location")) }
                th.num { (ctx.t("field-fatalities")) } th.num { (ctx.t("sources")) } th { (ctx.t("field-verification")) } th { (ctx.t("contested")) }
            } }
            tbody {
                @for item in &result.items {
                    @let i = &item.summary.incident;
                    tr {
                        td { a.incident-link href={ "/incidents/" (item.summary.id) } { (item.summary.id) } }
                        td { (date_label(lang, i)) }
                        td { (i.sub_event_type.as_str()) }
                        td { (i.headline_place()) }
                        td.num { (i.fatalities.map(|f| i18n::number(lang, u64::from(f))).unwrap_or_default()) }
                        td.num { (item.summary.sources) }
                        td { span class={ "status " (item.verification.as_str()) } { (ctx.t(&format!("status-{}", item.verification.as_str()))) } }
                        td { @if !i.contested.is_empty() { span.contested { (ctx.t("contested")) } } }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pages {
                @if page > 1 { a rel="prev" href=(link(u64::from(page) - 1)) { "← " (ctx.t("previous")) } }
                span { (ctx.messages.get_args(lang, "page-of", &[("page", u64::from(page).into()), ("pages", pages.into())])) }
                @if u64::from(page) < pages { a rel="next" href=(link(u64::from(page) + 1)) { (ctx.t("next")) " →" } }
            }
        }
    };
    Ok(layout(&ctx, &ctx.t("incidents-title"), body))
}

/// The filter form of the list, the map and the statistics (`action` is the page; the list
/// also has a sort order).
pub(crate) fn filter_form(ctx: &Ctx<'_>, q: &HashMap<String, String>, action: &str, with_sort: bool) -> Markup {
    let value = |k: &str| q.get(k).cloned().unwrap_or_default();
    let selected = |k: &str, v: &str| q.get(k).is_some_and(|x| x == v);
    html! {
        form.filters method="get" action=(action) {
            @if !ctx.public {
                label.wide { (ctx.t("filter-text")) input #q type="search" name="q" value=(value("q")) placeholder=(ctx.t("filter-text-hint")); }
            }
            label { (ctx.t("filter-from")) input type="date" name="from" value=(value("from")); }
            label { (ctx.t("filter-to")) input type="date" name="to" value=(value("to")); }
            label { (ctx.t("filter-country")) input type="text" name="country" size="3" maxlength="2" value=(value("country")); }
            label { (ctx.t("filter-admin1")) input type="text" name="admin1" value=(value("admin1")); }
            (select_filter(ctx, "filter-event-type", "event_type", q, EventType::ALL.iter().map(|t| (t.as_str(), t.as_str().to_string()))))
            (select_filter(ctx, "filter-harm", "harm", q, Harm::ALL.iter().map(|h| (h.as_str(), ctx.t(&format!("harm-{}", h.as_str()))))))
            (select_filter(ctx, "filter-perpetrator", "perpetrator", q, ActorCategory::ALL.iter().map(|c| (c.as_str(), c.as_str().to_string()))))
            (select_filter(ctx, "filter-verification", "verification", q,
                Verification::ALL.iter().map(|v| (v.as_str(), ctx.t(&format!("status-{}", v.as_str()))))))
            (select_filter(ctx, "filter-contested", "contested", q, [("yes", ctx.t("yes")), ("no", ctx.t("no"))].into_iter()))
            @if with_sort {
                label { (ctx.t("sort"))
                    select name="sort" {
                        @for s in Sort::ALL { option value=(s.as_str()) selected[selected("sort", s.as_str())] { (ctx.t(&format!("sort-{}", s.as_str()))) } }
                    }
                }
            }
            button #search type="submit" { (ctx.t("search")) }
            a.reset href=(action) { (ctx.t("reset")) }
        }
    }
}

/// A filter's drop-down list: "any", then `options` (value, label), with the value of `q`
/// selected.
fn select_filter<'o>(
    ctx: &Ctx<'_>,
    label: &str,
    name: &str,
    q: &HashMap<String, String>,
    options: impl Iterator<Item = (&'o str, String)>,
) -> Markup {
    let current = q.get(name).map(String::as_str);
    html! {
        label { (ctx.t(label))
            select name=(name) {
                option value="" { (ctx.t("any")) }
                @for (value, text) in options { option value=(value) selected[current == Some(value)] { (text) } }
            }
        }
    }
}

fn date_label(lang: Lang, i: &testigo_core::Incident) -> String {
    match (i.event_date, i.event_date_end) {
        (Some(a), Some(b)) if a != b => format!("{} – {}", i18n::date(lang, a), i18n::date(lang, b)),
        (Some(a), _) => i18n::date(lang, a),
        (None, _) => i.date_label(),
    }
}

pub(crate) async fn export(
    State(state): State<Shared>,
    Reader(_session): Reader,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let q = readable_query(&state, q);
    export_response(&state, &q).await
}

/// A download of every incident matching the filters of `q` in `q["format"]`.
pub(crate) async fn export_response(state: &Shared, q: &HashMap<String, String>) -> Result<Response, WebError> {
    let format = q
        .get("format")
        .and_then(|f| Format::parse(f))
        .ok_or_else(|| WebError::BadRequest("format: use acled-csv, geojson or jsonl".to_string()))?;
    let mut query = parse_query(q).map_err(|e| WebError::BadRequest(e.english()))?;
    query.limit = Some(MAX_EXPORT);
    let public = state.is_public();
    let bytes = state
        .db(move |store| {
            let page = store.search_incidents(&query)?;
            let mut details = Vec::with_capacity(page.items.len());
            for item in &page.items {
                if let Some(d) = store.incident(item.summary.id)? {
                    details.push(d);
                }
            }
            let mut out = Vec::new();
            let failed = |e: anyhow::Error| WebError::Internal(e.to_string());
            if public {
                // The same public form as `testigo export --public`.
                let (details, lists): (Vec<_>, Vec<_>) = details.iter().map(testigo_store::redact_detail).unzip();
                testigo_ingest::export::write(&mut out, format, &details, Some(&lists)).map_err(failed)?;
            } else {
                testigo_ingest::export::write(&mut out, format, &details, None).map_err(failed)?;
            }
            Ok(out)
        })
        .await?;
    let disposition = format!("attachment; filename=\"testigo-incidents.{}\"", format.extension());
    Ok(([(header::CONTENT_TYPE, format.media_type().to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// One incident.

/// Everything the incident page shows, read in one go.
struct IncidentPageData {
    detail: IncidentDetail,
    verification: Vec<testigo_store::monitor::VerificationChange>,
    overrides: Vec<testigo_store::monitor::FieldOverride>,
}

pub(crate) async fn incident(
    State(state): State<Shared>,
    Auth(session): Viewer,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Markup, WebError> {
    let data = state
        .db(move |store| {
            let detail = store.incident(IncidentId(id))?.ok_or(WebError::NotFound)?;
            Ok(IncidentPageData {
                verification: store.verification_history(IncidentId(id))?,
                overrides: store.overrides(IncidentId(id))?,
                detail,
            })
        })
        .await?;
    let ctx = ctx(&state, lang, Some(&session), &uri);
    Ok(incident_page(&ctx, &data))
}

pub(crate) async fn public_incident(
    State(state): State<Shared>,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Markup, WebError> {
    let detail = state.db(move |store| store.incident(IncidentId(id))?.ok_or(WebError::NotFound)).await?;
    if detail.status != testigo_store::IncidentStatus::Active {
        return Err(WebError::NotFound);
    }
    let (d, redactions) = testigo_store::redact_detail(&detail);
    let ctx = ctx(&state, lang, None, &uri);
    let i = &d.incident;
    let opt_n = |n: Option<u32>| n.map(|n| i18n::number(lang, u64::from(n))).unwrap_or_else(|| "—".to_string());
    let loc = i.location.as_ref();
    let mut categories: Vec<&str> = i.perpetrators.iter().map(|p| p.category.as_str()).collect();
    categories.dedup();
    let rows: Vec<(String, String)> = vec![
        (ctx.t("field-date"), date_label(lang, i)),
        (ctx.t("field-event-type"), format!("{} — {}", i.event_type.as_str(), i.sub_event_type.as_str())),
        (ctx.t("field-harms"), i.harms.iter().map(|h| ctx.t(&format!("harm-{}", h.as_str()))).collect::<Vec<_>>().join(", ")),
        (ctx.t("field-admin1"), loc.and_then(|l| l.admin1.as_deref()).unwrap_or_default().to_string()),
        (ctx.t("field-country"), loc.and_then(|l| l.country.as_deref()).unwrap_or_default().to_string()),
        (ctx.t("field-perpetrators"), categories.join(", ")),
        (ctx.t("field-fatalities"), opt_n(i.fatalities)),
        (ctx.t("field-injured"), opt_n(i.injured)),
        (ctx.t("field-missing"), opt_n(i.missing)),
        (ctx.t("field-detained"), opt_n(i.detained)),
        (ctx.t("sources"), d.sources.iter().filter(|s| s.active).count().to_string()),
    ];
    let title = ctx.messages.get_args(lang, "incident-title", &[("id", d.id.0.into())]);
    let body = html! {
        h1 { (title) }
        table.fields #fields {
            @for (label, value) in &rows { tr { th { (label) } td { (if value.is_empty() { "—" } else { value }) } } }
            @if !i.contested.is_empty() {
                tr { th { (ctx.t("contested-facts")) } td { (i.contested.iter().map(|f| fact_label(&ctx, f)).collect::<Vec<_>>().join(", ")) } }
            }
        }
        p.hint { (ctx.messages.get_args(lang, "public-redacted", &[("count", redactions.len().into())])) }
    };
    Ok(layout(&ctx, &title, body))
}

/// The numbers of the spans of `field` in the current version (indexes into `detail.spans`).
fn spans_of(spans: &[SourcedSpan], field: &str) -> Vec<usize> {
    spans.iter().enumerate().filter(|(_, s)| s.field == field).map(|(k, _)| k).collect()
}

/// A value that, when it has evidence, links to (and highlights) its spans.
fn evidence_value(ctx: &Ctx<'_>, value: &str, spans: &[usize]) -> Markup {
    let list: Vec<String> = spans.iter().map(|k| k.to_string()).collect();
    html! {
        @if let Some(first) = spans.first() {
            a.ev-link href={ "#ev-" (first) } data-ev=(list.join(" ")) title=(ctx.t("show-evidence")) { (value) }
        } @else {
            span { (value) }
        }
    }
}

fn incident_page(ctx: &Ctx<'_>, data: &IncidentPageData) -> Markup {
    let d = &data.detail;
    let i = &d.incident;
    let lang = ctx.lang;
    let status = data.verification.last().map_or(Verification::Unverified, |v| v.status);
    let opt_n = |n: Option<u32>| n.map(|n| i18n::number(lang, u64::from(n))).unwrap_or_else(|| "—".to_string());
    let loc = i.location.as_ref();
    let overridden: Vec<&str> = data.overrides.iter().map(|o| o.field.as_str()).collect();
    let rows: Vec<(String, String, &str)> = vec![
        (ctx.t("field-date"), date_label(lang, i), "event_date"),
        (ctx.t("field-event-type"), format!("{} — {}", i.event_type.as_str(), i.sub_event_type.as_str()), "event_type"),
        (ctx.t("field-harms"), i.harms.iter().map(|h| ctx.t(&format!("harm-{}", h.as_str()))).collect::<Vec<_>>().join(", "), "harms"),
        (ctx.t("field-location"), i.headline_place(), "location"),
        (ctx.t("field-admin1"), loc.and_then(|l| l.admin1.as_deref()).unwrap_or_default().to_string(), "location"),
        (ctx.t("field-country"), loc.and_then(|l| l.country.as_deref()).unwrap_or_default().to_string(), "location"),
        (
            ctx.t("field-perpetrators"),
            i.perpetrators
                .iter()
                .map(|p| format!("{} ({}{})", p.text, p.category.as_str(), if p.alleged { ", alleged" } else { "" }))
                .collect::<Vec<_>>()
                .join("; "),
            "perpetrators",
        ),
        (
            ctx.t("field-victims"),
            [
                i.victims.group.clone().unwrap_or_default(),
                i.victims.count.map(|c| c.to_string()).unwrap_or_default(),
                i.victims.genders.join(", "),
                i.victims.ages.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
            "victims",
        ),
        (ctx.t("field-nationality"), i.victims.nationalities.join(", "), "victims.nationalities"),
        (ctx.t("field-fatalities"), opt_n(i.fatalities), "fatalities"),
        (ctx.t("field-injured"), opt_n(i.injured), "injured"),
        (ctx.t("field-missing"), opt_n(i.missing), "missing"),
        (ctx.t("field-detained"), opt_n(i.detained), "detained"),
        (ctx.t("field-displaced"), opt_n(i.displaced), "displaced"),
    ];
    let accounts = testigo_link::accounts(&d.observations);
    let facts = testigo_link::facts(&accounts);
    let source_label = |sha: &str| {
        d.sources
            .iter()
            .find(|s| s.document.sha256 == sha)
            .map(|s| s.document.metadata.publisher.clone().or(s.document.metadata.title.clone()).unwrap_or(s.document.name.clone()))
            .unwrap_or_else(|| sha.chars().take(12).collect())
    };
    html! {
        h1 { (ctx.messages.get_args(lang, "incident-title", &[("id", d.id.0.into())])) }
        p.meta {
            span class={ "status " (status.as_str()) } id="verification" { (ctx.t(&format!("status-{}", status.as_str()))) }
            " · " (ctx.messages.get_args(lang, "version-n", &[("version", d.version.into())]))
            @if let testigo_store::IncidentStatus::MergedInto(into) = d.status {
                " · " a href={ "/incidents/" (into) } { (ctx.messages.get_args(lang, "merged-into", &[("id", into.0.into())])) }
            }
        }
        section.fields {
            h2 { (ctx.t("facts")) }
            table.fields #fields {
                @for (label, value, key) in &rows {
                    tr {
                        th { (label) }
                        td {
                            (evidence_value(ctx, if value.is_empty() { "—" } else { value }, &spans_of(&d.spans, key)))
                            @if overridden.iter().any(|f| f.starts_with(*key) || (*key == "event_type" && *f == "sub_event_type")) {
                                " " span.analyst { (ctx.t("set-by-analyst")) }
                            }
                        }
                    }
                }
            }
        }
        @if !i.contested.is_empty() {
            section.contested #contested {
                h2 { (ctx.t("contested-facts")) }
                @for fact in &i.contested {
                    h3 { (fact_label(ctx, fact)) }
                    @let values = facts.get(fact).map(Vec::as_slice).unwrap_or(&[]);
                    div.side-by-side {
                        @for value in distinct_values(values) {
                            div.value-group {
                                p.value { (value) }
                                @for v in values.iter().filter(|v| v.value == value) {
                                    div.account {
                                        p.who { (v.attributed_to) " (" (v.stance) ")" }
                                        p.source { (source_label(&v.sha256)) }
                                        @if !v.evidence.is_empty() { blockquote { (v.evidence) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !i.claims.is_empty() {
            section.claims {
                h2 { (ctx.t("claims")) }
                ul {
                    @for (n, c) in i.claims.iter().enumerate() {
                        li {
                            (evidence_value(ctx, &format!("“{}”", c.text), &spans_of(&d.spans, &format!("claims[{n}]"))))
                            " — " (c.attributed_to) " (" (c.stance.as_str()) ")"
                        }
                    }
                }
            }
        }
        @if ctx.can(Role::Analyst) && d.status == testigo_store::IncidentStatus::Active {
            (analyst_forms(ctx, d, status))
        }
        section.sources #sources {
            h2 { (ctx.t("sources")) }
            @for s in &d.sources {
                @let m = &s.document.metadata;
                article.source id={ "doc-" (s.document.id) } .inactive[!s.active] {
                    h3 { (m.title.clone().unwrap_or_else(|| s.document.name.clone())) }
                    dl {
                        dt { (ctx.t("publisher")) } dd { (m.publisher.clone().unwrap_or_default()) }
                        dt { (ctx.t("published")) } dd { (m.published.map(|p| i18n::date(lang, p)).unwrap_or_default()) }
                        @if let Some(url) = &m.url { dt { "URL" } dd { (url) } }
                        dt { "SHA-256" } dd { code.sha { (s.document.sha256) } " " a href={ "/originals/" (s.document.sha256) } { (ctx.t("original-bytes")) } }
                        dt { (ctx.t("why-linked")) } dd {
                            (s.link_reason.clone().unwrap_or_default())
                            @if let Some(score) = s.link_score { " (" (format!("{score:.2}")) ")" }
                            @if !s.active { " — " (ctx.t("link-ended")) }
                        }
                    }
                    @if s.active {
                        @let marks: Vec<(usize, testigo_core::Span)> = d.spans.iter().enumerate()
                            .filter(|(_, sp)| sp.document_id == s.document.id).map(|(k, sp)| (k, sp.span)).collect();
                        div.source-text { (marked_text(&s.document.text, &marks)) }
                    }
                }
            }
        }
        section.history #history {
            h2 { (ctx.t("history")) }
            table {
                thead { tr { th { (ctx.t("version")) } th { (ctx.t("when")) } th { (ctx.t("who")) } th { (ctx.t("why")) } } }
                tbody {
                    @for v in d.versions.iter().rev() {
                        tr { td { (v.version) } td { (v.created_at.format("%Y-%m-%d %H:%M UTC")) } td { (v.author) } td { (v.reason) } }
                    }
                    @for v in data.verification.iter().rev() {
                        tr { td { (ctx.t(&format!("status-{}", v.status.as_str()))) } td { (v.at.format("%Y-%m-%d %H:%M UTC")) } td { (v.author) } td { (v.reason) } }
                    }
                }
            }
        }
    }
    .pipe(|body| layout(ctx, &ctx.messages.get_args(lang, "incident-title", &[("id", d.id.0.into())]), body))
}

/// The distinct values of a fact, in the order first given.
fn distinct_values(values: &[testigo_link::FactValue]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v.value) {
            out.push(v.value.clone());
        }
    }
    out
}

/// The name of a disputable fact in the user's language (the key itself if it has none).
fn fact_label(ctx: &Ctx<'_>, fact: &str) -> String {
    let id = format!("fact-{}", fact.replace('.', "-"));
    let label = ctx.t(&id);
    if label == id {
        fact.to_string()
    } else {
        label
    }
}

/// `x.pipe(f)` is `f(x)`, to wrap a long `html!` block without another binding.
trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl Pipe for Markup {}

fn analyst_forms(ctx: &Ctx<'_>, d: &IncidentDetail, status: Verification) -> Markup {
    let id = d.id;
    html! {
        section.edit #edit {
            h2 { (ctx.t("edit-title")) }
            form.edit method="post" action={ "/incidents/" (id) "/edit" } {
                (csrf_field(ctx))
                label { (ctx.t("edit-field"))
                    select #edit-field name="field" {
                        @for f in EDITABLE_FIELDS { option value=(f) { (ctx.t(&format!("edit-{}", f.replace('.', "-")))) } }
                    }
                }
                label { (ctx.t("edit-value")) input #edit-value type="text" name="value" maxlength="200"; }
                label.wide { (ctx.t("edit-reason")) input #edit-reason type="text" name="reason" required maxlength="500"; }
                button #edit-submit type="submit" { (ctx.t("edit-submit")) }
            }
            p.hint { (ctx.t("edit-hint")) " " (SubEventType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")) }
            form.status method="post" action={ "/incidents/" (id) "/status" } {
                (csrf_field(ctx))
                label { (ctx.t("field-verification"))
                    select #status name="status" {
                        @for v in Verification::ALL { option value=(v.as_str()) selected[v == status] { (ctx.t(&format!("status-{}", v.as_str()))) } }
                    }
                }
                label.wide { (ctx.t("edit-reason")) input #status-reason type="text" name="reason" required maxlength="500"; }
                button #status-submit type="submit" { (ctx.t("status-submit")) }
            }
            form.merge method="post" action={ "/incidents/" (id) "/merge" } {
                (csrf_field(ctx))
                label { (ctx.t("merge-from")) input type="number" name="from" min="1" required; }
                label.wide { (ctx.t("edit-reason")) input type="text" name="reason" required maxlength="500"; }
                button type="submit" { (ctx.t("merge-submit")) }
            }
            @let active: Vec<_> = d.sources.iter().filter(|s| s.active).collect();
            @if active.len() > 1 {
                form.split method="post" action={ "/incidents/" (id) "/split" } {
                    (csrf_field(ctx))
                    label { (ctx.t("split-source"))
                        select name="document" {
                            @for s in &active {
                                option value=(s.document.id) {
                                    (s.document.metadata.publisher.clone().or(s.document.metadata.title.clone()).unwrap_or(s.document.name.clone()))
                                }
                            }
                        }
                    }
                    label.wide { (ctx.t("edit-reason")) input type="text" name="reason" required maxlength="500"; }
                    button type="submit" { (ctx.t("split-submit")) }
                }
            }
        }
    }
}

/// Checks an analyst's form (its CSRF token and a non-empty reason of at most 500 characters)
/// and returns who sends it and why.
fn analyst_form(state: &Shared, session: &Session, lang: Lang, form: &HashMap<String, String>) -> Result<(String, String), WebError> {
    check_csrf(session, form.get("csrf").map(String::as_str))?;
    match form.get("reason").map(|r| r.trim()) {
        Some(r) if !r.is_empty() && r.chars().count() <= 500 => Ok((session.user.name.clone(), r.to_string())),
        _ => Err(WebError::BadRequest(state.messages.get(lang, "reason-required"))),
    }
}

/// The whole number in field `key` of a form, or a 400 with `message`.
fn form_number(form: &HashMap<String, String>, key: &str, message: &str) -> Result<i64, WebError> {
    form.get(key).and_then(|f| f.trim().parse().ok()).ok_or_else(|| WebError::BadRequest(message.to_string()))
}

pub(crate) async fn edit(
    State(state): State<Shared>,
    Auth(session): Analyst,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (author, reason) = analyst_form(&state, &session, lang, &form)?;
    let field = form.get("field").cloned().unwrap_or_default();
    let value = testigo_store::monitor::parse_field_value(&field, form.get("value").map_or("", String::as_str))?;
    state.db(move |store| Ok(store.set_fields(IncidentId(id), &[(field, value)], &author, &reason)?)).await?;
    Ok(Redirect::to(&format!("/incidents/{id}#history")).into_response())
}

pub(crate) async fn set_status(
    State(state): State<Shared>,
    Auth(session): Analyst,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (author, reason) = analyst_form(&state, &session, lang, &form)?;
    let status = form
        .get("status")
        .and_then(|s| Verification::parse(s))
        .ok_or_else(|| WebError::BadRequest(state.messages.get(lang, "status-unknown")))?;
    state.db(move |store| Ok(store.set_verification(IncidentId(id), status, &author, &reason)?)).await?;
    Ok(Redirect::to(&format!("/incidents/{id}")).into_response())
}

pub(crate) async fn merge(
    State(state): State<Shared>,
    Auth(session): Analyst,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (author, reason) = analyst_form(&state, &session, lang, &form)?;
    let from = form_number(&form, "from", &state.messages.get(lang, "merge-from-required"))?;
    state
        .db(move |store| {
            Ok(store.merge_incidents(IncidentId(id), IncidentId(from), &testigo_link::StoreLinker, &author, &reason)?)
        })
        .await?;
    Ok(Redirect::to(&format!("/incidents/{id}")).into_response())
}

pub(crate) async fn split(
    State(state): State<Shared>,
    Auth(session): Analyst,
    RequestLang(lang): RequestLang,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (author, reason) = analyst_form(&state, &session, lang, &form)?;
    let document = form_number(&form, "document", &state.messages.get(lang, "split-source-required"))?;
    let new = state
        .db(move |store| {
            Ok(store.split_document(IncidentId(id), DocumentId(document), &testigo_link::StoreLinker, &author, &reason)?)
        })
        .await?;
    Ok(Redirect::to(&format!("/incidents/{new}")).into_response())
}

pub(crate) async fn original(
    State(state): State<Shared>,
    Auth(_session): Viewer,
    Path(sha256): Path<String>,
) -> Result<Response, WebError> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    let lookup = sha256.clone();
    let bytes = state.db(move |store| Ok(store.original(&lookup)?)).await?.ok_or(WebError::NotFound)?;
    let disposition = format!("attachment; filename=\"{}.bin\"", sha256.to_ascii_lowercase());
    Ok(([(header::CONTENT_TYPE, "application/octet-stream".to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Upload.

pub(crate) async fn upload_form(
    State(state): State<Shared>,
    Auth(session): Analyst,
    RequestLang(lang): RequestLang,
    uri: Uri,
) -> Markup {
    let ctx = ctx(&state, lang, Some(&session), &uri);
    upload_page(&ctx, &[])
}

/// What happened to one uploaded file.
struct FileResult {
    name: String,
    ok: bool,
    message: String,
    incidents: Vec<i64>,
}

fn upload_page(ctx: &Ctx<'_>, results: &[FileResult]) -> Markup {
    let body = html! {
        h1 { (ctx.t("upload-title")) }
        p { (ctx.t("upload-hint")) }
        form.upload method="post" action="/upload" enctype="multipart/form-data" {
            (csrf_field(ctx))
            input #files type="file" name="files" multiple required;
            button #upload type="submit" { (ctx.t("upload-submit")) }
        }
        @if !results.is_empty() {
            table.results #results {
                thead { tr { th { (ctx.t("file")) } th { (ctx.t("result")) } th { (ctx.t("nav-incidents")) } } }
                tbody {
                    @for r in results {
                        tr class=(if r.ok { "ok" } else { "failed" }) {
                            td { (r.name) }
                            td { (r.message) }
                            td { @for id in &r.incidents { a href={ "/incidents/" (id) } { "#" (id) } " " } }
                        }
                    }
                }
            }
        }
    };
    layout(ctx, &ctx.t("upload-title"), body)
}

pub(crate) async fn upload(
    State(state): State<Shared>,
    Auth(session): Analyst,
    RequestLang(lang): RequestLang,
    uri: Uri,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let mut csrf: Option<String> = None;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let too_big = || WebError::TooLarge;
    while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
        match field.name() {
            Some("csrf") => csrf = Some(field.text().await.map_err(|_| WebError::Csrf)?),
            Some("files") => {
                // The form puts the token first: refuse files sent without it before reading them.
                check_csrf(&session, csrf.as_deref())?;
                let name = field.file_name().map(sanitize_name).unwrap_or_else(|| "unnamed".to_string());
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                if files.len() >= MAX_FILES {
                    let m = state.messages.get_args(lang, "upload-too-many-files", &[("count", MAX_FILES.into())]);
                    return Err(WebError::BadRequest(m));
                }
                files.push((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    check_csrf(&session, csrf.as_deref())?;
    let results = tokio::task::spawn_blocking({
        let state = state.clone();
        let author = session.user.name.clone();
        move || ingest_files(&state, lang, files, &author)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    let ctx = ctx(&state, lang, Some(&session), &uri);
    let any_failed = results.iter().any(|r| !r.ok);
    let status = if any_failed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, upload_page(&ctx, &results)).into_response())
}

/// The last component of an uploaded file name, without control characters.
fn sanitize_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// Ingests uploaded files as `testigo ingest` does: sidecars (`NAME.meta.json`) go with their
/// report; every other file is a report.
/// The uploader is the actor of the audit log's entries.
fn ingest_files(state: &Shared, lang: Lang, files: Vec<(String, Vec<u8>)>, author: &str) -> Result<Vec<FileResult>, WebError> {
    let (sidecars, reports): (Vec<_>, Vec<_>) = files.into_iter().partition(|(n, _)| is_sidecar(n));
    let extractor = Extractor::new(Gazetteer::embedded());
    let mut results = Vec::with_capacity(reports.len());
    for (name, bytes) in reports {
        let full = format!("{name}.meta.json");
        let stem = name.rsplit_once('.').map(|(s, _)| format!("{s}.meta.json"));
        let sidecar = sidecars.iter().find(|(n, _)| *n == full || Some(n) == stem.as_ref());
        let prepared = testigo_ingest::prepare_bytes(
            &extractor,
            &name,
            bytes,
            sidecar.map(|(n, b)| (n.as_str(), b.as_slice())),
            &testigo_core::Metadata::default(),
            author,
        );
        let prepared = match prepared {
            Ok(p) => p,
            Err(e) => {
                results.push(FileResult { name, ok: false, message: format!("{e:#}"), incidents: vec![] });
                continue;
            }
        };
        let i = state.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % state.stores.len();
        let outcome = {
            let mut store = state.stores[i].lock().unwrap_or_else(|p| p.into_inner());
            store.ingest_linked(&prepared.doc, &prepared.incidents, &testigo_link::StoreLinker)
        };
        match outcome {
            Ok(IngestOutcome::New { incident_ids, links, .. }) => {
                let linked = links.iter().filter(|l| l.linked).count();
                let counts = [("incidents", incident_ids.len().into()), ("linked", linked.into())];
                let mut message = state.messages.get_args(lang, "upload-stored", &counts);
                for w in &prepared.warnings {
                    message.push_str("; ");
                    message.push_str(w);
                }
                let mut ids: Vec<i64> = incident_ids.iter().map(|i| i.0).collect();
                ids.dedup();
                results.push(FileResult { name, ok: true, message, incidents: ids });
            }
            Ok(IngestOutcome::AlreadyKnown { .. }) => {
                results.push(FileResult { name, ok: true, message: state.messages.get(lang, "upload-known"), incidents: vec![] })
            }
            Err(e) => {
                let shown = match WebError::from(e) {
                    WebError::BadRequest(m) => m,
                    other => other.public_message(),
                };
                results.push(FileResult { name, ok: false, message: shown, incidents: vec![] });
            }
        }
    }
    for (name, _) in sidecars {
        results.push(FileResult { name, ok: true, message: state.messages.get(lang, "upload-sidecar"), incidents: vec![] });
    }
    Ok(results)
}

fn is_sidecar(name: &str) -> bool {
    name.ends_with(".meta.json")
}

// ---------------------------------------------------------------------------------------------
// Audit.

/// The actions the audit log records, each named in the `.ftl` files as `audit-action-NAME`.
pub(crate) const AUDIT_ACTIONS: &[&str] = &[
    "ingest", "extract", "link", "revise", "merge", "split", "verify", "seal", "key_rotate", "version", "user_add",
    "user_role", "user_disable", "user_enable", "user_password", "token_create",
];

/// An audit action's name in the user's language (the action itself when it has none: an
/// action recorded by a later testigo, or appended by another program).
fn audit_action(ctx: &Ctx<'_>, action: &str) -> String {
    if AUDIT_ACTIONS.contains(&action) {
        ctx.t(&format!("audit-action-{action}"))
    } else {
        action.to_string()
    }
}

pub(crate) async fn audit(
    State(state): State<Shared>,
    Auth(session): Admin,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    const PER_PAGE: usize = 100;
    let page: usize = q.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1 && *p < 100_000).unwrap_or(1);
    let target = q.get("target").map(|t| t.trim().to_string()).filter(|t| !t.is_empty() && t.len() < 64);
    let filter = testigo_store::AuditFilter { target: target.clone(), limit: PER_PAGE, offset: (page - 1) * PER_PAGE };
    let entries = state.db(move |store| Ok(store.audit_log(&filter)?)).await?;
    let ctx = ctx(&state, lang, Some(&session), &uri);
    let link = |p: usize| match &target {
        Some(t) => format!("/audit?target={}&page={p}", crate::percent_encode(t)),
        None => format!("/audit?page={p}"),
    };
    let body = html! {
        h1 { (ctx.t("audit-title")) }
        p.hint { (ctx.t("audit-hint")) }
        form.filters method="get" action="/audit" {
            label { (ctx.t("audit-target")) input type="text" name="target" value=(target.clone().unwrap_or_default()) placeholder="incident:1"; }
            button type="submit" { (ctx.t("search")) }
        }
        table.audit #audit {
            thead { tr {
                th { "#" } th { (ctx.t("when")) } th { (ctx.t("who")) } th { (ctx.t("what")) } th { (ctx.t("audit-target")) }
                th { (ctx.t("why")) } th { (ctx.t("audit-hash")) }
            } }
            tbody {
                @for e in &entries {
                    tr {
                        td { (e.seq) }
                        td { (e.at.format("%Y-%m-%d %H:%M:%S UTC")) }
                        td { (e.actor) }
                        td { span.action title=(e.action) { (audit_action(&ctx, &e.action)) } }
                        td {
                            @if let Some(n) = e.target.strip_prefix("incident:").filter(|n| n.bytes().all(|b| b.is_ascii_digit())) {
                                a href={ "/incidents/" (n) } { (e.target) }
                            } @else { (e.target) }
                        }
                        td { (e.reason) }
                        td { code.sha title=(e.hash) { (e.hash.chars().take(12).collect::<String>()) } }
                    }
                }
            }
        }
        nav.pages {
            @if page > 1 { a rel="prev" href=(link(page - 1)) { "← " (ctx.t("previous")) } }
            @if entries.len() == PER_PAGE { a rel="next" href=(link(page + 1)) { (ctx.t("next")) " →" } }
        }
    };
    Ok(layout(&ctx, &ctx.t("audit-title"), body))
}
