//! The JSON API under `/api/v1`, described by [`OPENAPI`] (served at `/api/v1/openapi.json`).
//!
//! Every endpoint but the document itself needs `Authorization: Bearer TOKEN` (a token made by
//! `testigo token create`); the token acts with its user's role: viewers read, analysts also
//! write what the incident page lets them (verification status, a field, a merge, a split),
//! through the same store functions. Without a valid token the answer is 401, with a role that
//! may not do it 403, with a body that is not what the document describes 400; errors are
//! `{"error": "..."}` (in English).

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use axum::extract::rejection::JsonRejection;
use testigo_store::monitor::{ListedIncident, Role, User, Verification};
use testigo_store::{DocumentId, IncidentId, Store};

use crate::pages::parse_query;
use crate::{auth, Shared, WebError};

/// The OpenAPI 3 document of the API.
pub const OPENAPI: &str = include_str!("../assets/openapi.json");

/// Most incidents of one API page.
const MAX_LIMIT: u32 = 500;

/// The API's routes (mounted under `/api/v1`).
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/incidents", get(incidents))
        .route("/search", get(search))
        .route("/incidents/{id}", get(incident))
        .route("/incidents/{id}/sources", get(sources))
        .route("/incidents/{id}/status", post(set_status))
        .route("/incidents/{id}/edit", post(edit))
        .route("/incidents/{id}/merge", post(merge))
        .route("/incidents/{id}/split", post(split))
        .route("/export", get(export))
        .fallback(|| async { ApiError(WebError::NotFound) })
}

/// An error as JSON.
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> ApiError {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let body = Json(json!({ "error": self.0.public_message() }));
        if status == StatusCode::UNAUTHORIZED {
            (status, [(header::WWW_AUTHENTICATE, "Bearer")], body).into_response()
        } else {
            (status, body).into_response()
        }
    }
}

/// The user of a valid bearer token with at least role `MIN` (0 viewer, 1 analyst, 2 admin).
pub struct Token<const MIN: u8>(pub User);

impl<const MIN: u8> FromRequestParts<Shared> for Token<MIN> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or(ApiError(WebError::Unauthorized))?;
        let digest = auth::token_digest(token);
        let user = state.db(move |store| Ok(store.api_token_user(&digest)?)).await?.ok_or(ApiError(WebError::Unauthorized))?;
        let min = match MIN {
            0 => Role::Viewer,
            1 => Role::Analyst,
            _ => Role::Admin,
        };
        if user.role < min {
            return Err(ApiError(WebError::Forbidden));
        }
        Ok(Token(user))
    }
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// One incident of a list, as the API writes it.
fn item_json(item: &ListedIncident) -> Value {
    let s = &item.summary;
    let i = &s.incident;
    let loc = i.location.as_ref();
    json!({
        "id": s.id.0,
        "version": s.version,
        "event_date": i.event_date.map(|d| d.to_string()),
        "event_date_end": i.event_date_end.map(|d| d.to_string()),
        "event_type": i.event_type.as_str(),
        "sub_event_type": i.sub_event_type.as_str(),
        "location": loc.and_then(|l| l.name.clone()),
        "admin1": loc.and_then(|l| l.admin1.clone()),
        "country": loc.and_then(|l| l.country.clone()),
        "latitude": loc.and_then(|l| l.latitude),
        "longitude": loc.and_then(|l| l.longitude),
        "fatalities": i.fatalities,
        "sources": s.sources,
        "verification": item.verification.as_str(),
        "contested": i.contested,
    })
}

async fn list(state: &Shared, q: &HashMap<String, String>) -> Result<Json<Value>, ApiError> {
    let mut query = parse_query(q).map_err(|e| WebError::BadRequest(e.english()))?;
    let limit = match q.get("limit") {
        Some(l) => l.parse::<u32>().ok().filter(|l| (1..=MAX_LIMIT).contains(l)).ok_or_else(|| {
            WebError::BadRequest(format!("limit: a whole number from 1 to {MAX_LIMIT}"))
        })?,
        None => 50,
    };
    let offset = match q.get("offset") {
        Some(o) => o.parse::<u32>().map_err(|_| WebError::BadRequest("offset: a whole number".to_string()))?,
        None => 0,
    };
    query.limit = Some(limit);
    query.offset = offset;
    let page = state.db(move |store| Ok(store.search_incidents(&query)?)).await?;
    Ok(Json(json!({ "total": page.total, "items": page.items.iter().map(item_json).collect::<Vec<_>>() })))
}

async fn incidents(
    State(state): State<Shared>,
    _user: Token<0>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    list(&state, &q).await
}

async fn search(
    State(state): State<Shared>,
    _user: Token<0>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    if q.get("q").is_none_or(|t| t.trim().is_empty()) {
        return Err(WebError::BadRequest("q: give the words to search for".to_string()).into());
    }
    list(&state, &q).await
}

async fn incident(State(state): State<Shared>, _user: Token<0>, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let (detail, verification) = state
        .db(move |store| {
            let d = store.incident(IncidentId(id))?.ok_or(WebError::NotFound)?;
            let v = store.verification_history(IncidentId(id))?.last().map_or(Verification::Unverified, |c| c.status);
            Ok((d, v))
        })
        .await?;
    let mut v = testigo_ingest::export::incident_json(&detail);
    if let Some(o) = v.as_object_mut() {
        o.insert("verification".to_string(), json!(verification.as_str()));
        let merged_into = match detail.status {
            testigo_store::IncidentStatus::MergedInto(into) => Some(into.0),
            testigo_store::IncidentStatus::Active => None,
        };
        o.insert("merged_into".to_string(), json!(merged_into));
    }
    Ok(Json(v))
}

async fn sources(State(state): State<Shared>, _user: Token<0>, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let detail = state.db(move |store| store.incident(IncidentId(id))?.ok_or(WebError::NotFound)).await?;
    let items: Vec<Value> = detail
        .sources
        .iter()
        .map(|s| {
            let m = &s.document.metadata;
            json!({
                "document_id": s.document.id.0,
                "sha256": s.document.sha256,
                "title": m.title,
                "publisher": m.publisher,
                "published": m.published.map(|d| d.to_string()),
                "url": m.url,
                "language": m.language.map(|l| l.as_str()),
                "role": s.role.as_str(),
                "link_score": s.link_score,
                "link_reason": s.link_reason,
                "active": s.active,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// The JSON object of a write's body, or a 400 saying what to send (`shape`).
fn object(body: Result<Json<Value>, JsonRejection>, shape: &str) -> Result<serde_json::Map<String, Value>, ApiError> {
    match body {
        Ok(Json(Value::Object(o))) => Ok(o),
        _ => Err(WebError::BadRequest(format!("send a JSON object {shape}")).into()),
    }
}

/// The `reason` of a write: said, in at most 500 characters (kept with the change).
fn reason(body: &serde_json::Map<String, Value>) -> Result<String, ApiError> {
    body.get("reason")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty() && r.chars().count() <= 500)
        .map(str::to_string)
        .ok_or_else(|| WebError::BadRequest("reason: say why, in at most 500 characters".to_string()).into())
}

/// The whole number in `key` of a write's body, or a 400 with `message`.
fn number(body: &serde_json::Map<String, Value>, key: &str, message: &str) -> Result<i64, ApiError> {
    body.get(key).and_then(Value::as_i64).ok_or_else(|| WebError::BadRequest(message.to_string()).into())
}

async fn set_status(
    State(state): State<Shared>,
    Token(user): Token<1>,
    Path(id): Path<i64>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = object(body, "{\"status\": ..., \"reason\": ...}")?;
    let status = body
        .get("status")
        .and_then(Value::as_str)
        .and_then(Verification::parse)
        .ok_or_else(|| WebError::BadRequest("status: one of unverified, corroborated, verified, disputed, retracted".to_string()))?;
    let reason = reason(&body)?;
    let author = user.name.clone();
    state.db(move |store| Ok(store.set_verification(IncidentId(id), status, &author, &reason)?)).await?;
    Ok(Json(json!({ "id": id, "verification": status.as_str() })))
}

/// An analyst sets one field of an incident, as the incident page's form does: a new version
/// with who, when and why, kept as an override that survives relinking.
async fn edit(
    State(state): State<Shared>,
    Token(user): Token<1>,
    Path(id): Path<i64>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = object(body, "{\"field\": ..., \"value\": ..., \"reason\": ...}")?;
    let field = body
        .get("field")
        .and_then(Value::as_str)
        .ok_or_else(|| WebError::BadRequest("field: name the field to set, e.g. fatalities".to_string()))?
        .to_string();
    // The value as the page's form would carry it: text (empty clears), a number, null, or a
    // list of nationalities.
    let text = match body.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Null) => String::new(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
        }
        _ => return Err(WebError::BadRequest("value: a string, a whole number, null or a list of strings".to_string()).into()),
    };
    let reason = reason(&body)?;
    let value = testigo_store::monitor::parse_field_value(&field, &text).map_err(WebError::from)?;
    let (author, shown) = (user.name.clone(), value.clone());
    let key = field.clone();
    let version = state.db(move |store| Ok(store.set_fields(IncidentId(id), &[(key, value)], &author, &reason)?)).await?;
    Ok(Json(json!({ "id": id, "version": version, "field": field, "value": shown })))
}

/// An analyst merges incident `from` into `id`, as the incident page's form does.
async fn merge(
    State(state): State<Shared>,
    Token(user): Token<1>,
    Path(id): Path<i64>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = object(body, "{\"from\": ..., \"reason\": ...}")?;
    let from = number(&body, "from", "from: the number of the incident to merge into this one")?;
    let reason = reason(&body)?;
    let author = user.name.clone();
    let version = state
        .db(move |store| Ok(store.merge_incidents(IncidentId(id), IncidentId(from), &testigo_link::StoreLinker, &author, &reason)?))
        .await?;
    Ok(Json(json!({ "id": id, "version": version, "merged": from })))
}

/// An analyst splits one source off incident `id` (named by its document id, or by the
/// SHA-256 of its original as `testigo split` does), as the incident page's form does.
async fn split(
    State(state): State<Shared>,
    Token(user): Token<1>,
    Path(id): Path<i64>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = object(body, "{\"document_id\": ... or \"sha256\": ..., \"reason\": ...}")?;
    let source = match (body.get("document_id"), body.get("sha256").and_then(Value::as_str)) {
        (Some(d), None) => Ok(d.as_i64().ok_or_else(|| WebError::BadRequest("document_id: a whole number".to_string()))?),
        (None, Some(sha)) => Err(sha.to_string()),
        _ => return Err(WebError::BadRequest("name the source to split off by document_id or by sha256, not both".to_string()).into()),
    };
    let reason = reason(&body)?;
    let author = user.name.clone();
    let new = state
        .db(move |store| {
            let linker = &testigo_link::StoreLinker;
            Ok(match &source {
                Ok(document) => store.split_document(IncidentId(id), DocumentId(*document), linker, &author, &reason)?,
                Err(sha256) => store.split_source(IncidentId(id), sha256, linker, &author, &reason)?,
            })
        })
        .await?;
    Ok(Json(json!({ "id": id, "new_incident": new.0 })))
}

async fn export(
    State(state): State<Shared>,
    _user: Token<0>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    Ok(crate::pages::export_response(&state, &q).await?)
}
