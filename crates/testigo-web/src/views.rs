//! The map (Leaflet over an offline base layer of country and state outlines) and the
//! timeline and statistics (SVG charts drawn on the server, with their tables and CSV).

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Query, State};
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use maud::{html, Markup, PreEscaped};
use serde_json::json;
use testigo_core::EventType;
use testigo_store::monitor::{IncidentStats, StatRow};

use crate::i18n;
use crate::pages::{filter_form, filter_query, parse_query};
use crate::render::{layout, Ctx};
use crate::{Reader, RequestLang, Shared, WebError};

/// The most incidents drawn on the map at once.
const MAX_POINTS: u32 = 20_000;

/// The colour class of an event type on the map and in its legend (`et-0` ...).
fn event_class(t: &EventType) -> String {
    let i = EventType::ALL.iter().position(|x| x == t).unwrap_or(0);
    format!("et-{i}")
}

pub(crate) async fn map_page(
    State(state): State<Shared>,
    Reader(session): Reader,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let q = crate::pages::readable_query(&state, q);
    parse_query(&q).map_err(|e| WebError::BadRequest(e.message(&state.messages, lang)))?;
    let ctx = Ctx { lang, messages: &state.messages, session: session.as_ref(), here: uri.to_string(), public: state.is_public() };
    let filters = filter_query(&q);
    let body = html! {
        h1 { (ctx.t("map-title")) }
        (filter_form(&ctx, &q, "/map", false))
        ul.legend {
            @for t in EventType::ALL { li { span class={ "swatch " (event_class(t)) } {} (t.as_str()) } }
        }
        div #map data-points={ "/map/points?" (filters) } data-types=(EventType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join("|")) {}
        p.hint { (ctx.t("map-hint")) }
        link rel="stylesheet" href="/static/vendor/leaflet.css";
        link rel="stylesheet" href="/static/vendor/MarkerCluster.css";
        link rel="stylesheet" href="/static/vendor/MarkerCluster.Default.css";
        script src="/static/vendor/leaflet.js" {}
        script src="/static/vendor/leaflet.markercluster.js" {}
        script src="/static/vendor/topojson-client.min.js" {}
        script src="/static/map.js" {}
    };
    Ok(layout(&ctx, &ctx.t("map-title"), body))
}

pub(crate) async fn map_points(
    State(state): State<Shared>,
    Reader(_session): Reader,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let q = crate::pages::readable_query(&state, q);
    let query = parse_query(&q).map_err(|e| WebError::BadRequest(e.english()))?;
    let points = state.db(move |store| Ok(store.map_points(&query, MAX_POINTS)?)).await?;
    let public = state.is_public();
    let items: Vec<_> = points
        .iter()
        .map(|p| {
            // The public view names no place finer than the state and blurs coordinates to
            // about a kilometre.
            let (lat, lon, place) = if public {
                ((p.latitude * 100.0).round() / 100.0, (p.longitude * 100.0).round() / 100.0, None)
            } else {
                (p.latitude, p.longitude, p.place.clone())
            };
            json!({
                "id": p.id, "latitude": lat, "longitude": lon, "event_type": p.event_type,
                "sub_event_type": p.sub_event_type, "event_date": p.event_date, "place": place,
                "admin1": p.admin1, "fatalities": p.fatalities,
            })
        })
        .collect();
    Ok(Json(json!({ "truncated": items.len() as u32 == MAX_POINTS, "items": items })).into_response())
}

async fn stats_of(state: &Shared, q: HashMap<String, String>) -> Result<IncidentStats, WebError> {
    let q = crate::pages::readable_query(state, q);
    let query = parse_query(&q).map_err(|e| WebError::BadRequest(e.english()))?;
    state.db(move |store| Ok(store.incident_stats(&query)?)).await
}

pub(crate) async fn stats_page(
    State(state): State<Shared>,
    Reader(session): Reader,
    RequestLang(lang): RequestLang,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let q = crate::pages::readable_query(&state, q);
    let stats = stats_of(&state, q.clone()).await?;
    let ctx = Ctx { lang, messages: &state.messages, session: session.as_ref(), here: uri.to_string(), public: state.is_public() };
    let filters = filter_query(&q);
    let section = |id: &str, title: &str, rows: &[StatRow]| {
        html! {
            section.stats id=(id) {
                h2 { (title) }
                (bar_chart(&ctx, rows))
                p.downloads { a href={ "/stats.csv?group=" (id) @if !filters.is_empty() { "&" (filters) } } { (ctx.t("download-csv")) } }
                table.stats {
                    thead { tr { th { (title) } th.num { (ctx.t("stats-incidents")) } th.num { (ctx.t("stats-fatalities")) } } }
                    tbody {
                        @for r in rows {
                            tr { td { (r.key) } td.num { (i18n::number(lang, r.incidents)) } td.num { (i18n::number(lang, r.fatalities)) } }
                        }
                    }
                }
            }
        }
    };
    let body = html! {
        h1 { (ctx.t("stats-title")) }
        (filter_form(&ctx, &q, "/stats", false))
        p.legend-inline { span.swatch.incidents {} (ctx.t("stats-incidents")) " " span.swatch.fatalities {} (ctx.t("stats-fatalities")) }
        (section("month", &ctx.t("stats-by-month"), &stats.by_month))
        (section("perpetrator", &ctx.t("stats-by-perpetrator"), &stats.by_perpetrator))
        (section("admin1", &ctx.t("stats-by-admin1"), &stats.by_admin1))
    };
    Ok(layout(&ctx, &ctx.t("stats-title"), body))
}

pub(crate) async fn stats_csv(
    State(state): State<Shared>,
    Reader(_session): Reader,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let group = q.get("group").cloned();
    let stats = stats_of(&state, q).await?;
    let (group, rows) = match group.as_deref() {
        Some("month") => ("month", &stats.by_month),
        Some("perpetrator") => ("perpetrator_category", &stats.by_perpetrator),
        Some("admin1") => ("admin1", &stats.by_admin1),
        _ => return Err(WebError::BadRequest("group: month, perpetrator or admin1".to_string())),
    };
    let mut out = format!("{group},incidents,fatalities\n");
    for r in rows {
        // Quote every key: category and place names may hold commas.
        let _ = writeln!(out, "\"{}\",{},{}", r.key.replace('"', "\"\""), r.incidents, r.fatalities);
    }
    let disposition = format!("attachment; filename=\"testigo-{group}.csv\"");
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)], out)
        .into_response())
}

/// A horizontal bar chart as inline SVG: per row, a bar of incidents and one of fatalities on
/// the same scale, with the numbers written beside them. No script, no external file.
fn bar_chart(ctx: &Ctx<'_>, rows: &[StatRow]) -> Markup {
    if rows.is_empty() {
        return html! { p.hint { (ctx.t("stats-none")) } };
    }
    let max = rows.iter().map(|r| r.incidents.max(r.fatalities)).max().unwrap_or(1).max(1) as f64;
    let (label_w, bar_w, row_h) = (220.0, 560.0, 26.0);
    let height = row_h * rows.len() as f64 + 10.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {w} {height}\" width=\"100%\" role=\"img\" aria-label=\"{title}\">",
        w = label_w + bar_w + 90.0,
        title = escape(&ctx.t("stats-incidents"))
    );
    for (i, r) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let wi = (r.incidents as f64 / max * bar_w).max(1.0);
        let wf = r.fatalities as f64 / max * bar_w;
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" class=\"label\">{label}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{wi:.1}\" height=\"11\" class=\"bar-incidents\"/>\
             <rect x=\"{label_w}\" y=\"{y2}\" width=\"{wf:.1}\" height=\"8\" class=\"bar-fatalities\"/>\
             <text x=\"{nx:.1}\" y=\"{ty}\" class=\"value\">{ni} · {nf}</text>",
            lx = label_w - 8.0,
            ty = y + 14.0,
            label = escape(&r.key),
            y2 = y + 12.0,
            nx = label_w + wi.max(wf) + 6.0,
            ni = i18n::number(ctx.lang, r.incidents),
            nf = i18n::number(ctx.lang, r.fatalities),
        );
    }
    svg.push_str("</svg>");
    PreEscaped(svg)
}

/// Text escaped for SVG/HTML.
fn escape(s: &str) -> String {
    html! { (s) }.into_string()
}
