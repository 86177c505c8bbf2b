//! What the monitors' web application keeps beside incidents: accounts (users, sessions, API
//! tokens), the verification status of incidents, analysts' field overrides, and the incident
//! search behind the list page and the API.
//!
//! The SQL lives in the SQLite implementation ([`crate::SqliteStore`]'s inherent methods); the
//! types and the pure rules (which fields an analyst may set, how an override changes a record,
//! how search text becomes an index query) are here.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use testigo_core::{EventType, Incident, SubEventType};

use crate::{IncidentSummary, StoreError};

/// What a user may do. Ordered: an admin may do everything an analyst may, an analyst
/// everything a viewer may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads incidents, sources and exports.
    Viewer,
    /// Also edits incidents, sets their verification status, merges, splits and uploads.
    Analyst,
    /// Also manages users and reads the audit log.
    Admin,
}

impl Role {
    /// The role's name: `viewer`, `analyst` or `admin`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// The role named `name`, if any.
    pub fn parse(name: &str) -> Option<Role> {
        [Role::Viewer, Role::Analyst, Role::Admin].into_iter().find(|r| r.as_str() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: i64,
    /// The login name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
}

/// A user account with its password hash (a PHC string), for checking a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCredentials {
    /// The user.
    pub user: User,
    /// The password hash as stored (argon2id PHC string).
    pub password_hash: String,
    /// True when an admin disabled the account: it may not log in.
    pub disabled: bool,
}

/// A user account as the admins' Users page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAccount {
    /// The user.
    pub user: User,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// The latest browser login, if any (API tokens do not count).
    pub last_login_at: Option<DateTime<Utc>>,
    /// When an admin disabled the account; `None` while it is active.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// The credentials a change of an account ended: its browser sessions and its API tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccessEnded {
    /// Browser sessions ended (their cookies stop working at once).
    pub sessions: usize,
    /// API tokens revoked.
    pub tokens: usize,
}

/// A browser session found by its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Whose session it is.
    pub user: User,
    /// The session's CSRF token, which every form must send back.
    pub csrf: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// How far an incident has been checked by a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Verification {
    /// Nobody has checked it yet (the status of every new incident).
    #[default]
    Unverified,
    /// Independent sources agree.
    Corroborated,
    /// Checked by the monitors themselves (a visit, a call, a document).
    Verified,
    /// Credible sources dispute it.
    Disputed,
    /// A source withdrew it, or it was found false.
    Retracted,
}

impl Verification {
    /// Every status, in the order offered.
    pub const ALL: [Verification; 5] = [
        Verification::Unverified,
        Verification::Corroborated,
        Verification::Verified,
        Verification::Disputed,
        Verification::Retracted,
    ];

    /// The status's name: `unverified`, `corroborated`, `verified`, `disputed`, `retracted`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verification::Unverified => "unverified",
            Verification::Corroborated => "corroborated",
            Verification::Verified => "verified",
            Verification::Disputed => "disputed",
            Verification::Retracted => "retracted",
        }
    }

    /// The status named `name`, if any.
    pub fn parse(name: &str) -> Option<Verification> {
        Verification::ALL.into_iter().find(|v| v.as_str() == name)
    }
}

/// One change of an incident's verification status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationChange {
    /// The new status.
    pub status: Verification,
    /// Who set it.
    pub author: String,
    /// Why.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// An analyst's value for one field of an incident, re-applied on every later version.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldOverride {
    /// The field, one of [`EDITABLE_FIELDS`].
    pub field: String,
    /// The value as JSON (as in the incident record; `null` clears the field).
    pub value: Value,
    /// Who set it.
    pub author: String,
    /// Why.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The fields an analyst may set, as paths into the incident record. Setting
/// `sub_event_type` sets the matching `event_type` too.
pub const EDITABLE_FIELDS: &[&str] = &[
    "event_date",
    "event_date_end",
    "sub_event_type",
    "fatalities",
    "injured",
    "missing",
    "detained",
    "displaced",
    "location.name",
    "location.admin1",
    "location.country",
    "victims.count",
    "victims.nationalities",
];

/// The evidence key whose spans back `field`: the spans are dropped when an analyst sets the
/// field, because they no longer show where its value came from.
fn evidence_key(field: &str) -> &str {
    match field {
        "event_date" | "event_date_end" => "event_date",
        "sub_event_type" => "event_type",
        "victims.count" => "victims",
        f if f.starts_with("location.") => "location",
        f => f,
    }
}

/// Turns the text an analyst typed for `field` into its JSON value: the empty string clears
/// the field, counts are whole numbers, dates `YYYY-MM-DD`, the sub-event type one of ACLED's,
/// the country two letters, nationalities a comma-separated list.
///
/// # Errors
///
/// [`StoreError::InvalidOverride`] saying what is wrong and what is expected.
pub fn parse_field_value(field: &str, text: &str) -> Result<Value, StoreError> {
    let invalid = |reason: String| StoreError::InvalidOverride { field: field.to_string(), reason };
    let text = text.trim();
    if !EDITABLE_FIELDS.contains(&field) {
        return Err(invalid(format!("this field cannot be edited; editable fields are {}", EDITABLE_FIELDS.join(", "))));
    }
    if text.is_empty() {
        return match field {
            "sub_event_type" => Err(invalid("an incident must have a sub-event type".to_string())),
            "victims.nationalities" => Ok(Value::Array(Vec::new())),
            _ => Ok(Value::Null),
        };
    }
    match field {
        "event_date" | "event_date_end" => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .map_err(|_| invalid(format!("{text:?} is not a date; write it as YYYY-MM-DD"))),
        "fatalities" | "injured" | "missing" | "detained" | "displaced" | "victims.count" => text
            .parse::<u32>()
            .map(Value::from)
            .map_err(|_| invalid(format!("{text:?} is not a whole number of people"))),
        "sub_event_type" => SubEventType::parse(text)
            .map(|t| Value::String(t.as_str().to_string()))
            .ok_or_else(|| invalid(format!("{text:?} is not an ACLED sub-event type"))),
        "location.country" if text.len() == 2 && text.chars().all(|c| c.is_ascii_alphabetic()) => {
            Ok(Value::String(text.to_ascii_uppercase()))
        }
        "location.country" => Err(invalid(format!("{text:?} is not a two-letter country code such as MX"))),
        "victims.nationalities" => Ok(Value::Array(
            text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| Value::String(s.to_string())).collect(),
        )),
        _ if text.chars().count() > 200 => Err(invalid("at most 200 characters".to_string())),
        _ => Ok(Value::String(text.to_string())),
    }
}

/// `incident` with the analyst's values of `overrides` (field, value; later ones win) set, and
/// the evidence of those fields dropped.
///
/// # Errors
///
/// [`StoreError::InvalidOverride`] when a field is not editable or a value does not fit it.
pub fn apply_overrides(incident: &Incident, overrides: &[(String, Value)]) -> Result<Incident, StoreError> {
    if overrides.is_empty() {
        return Ok(incident.clone());
    }
    let encode = |source| StoreError::Encode { what: "incident", source };
    let mut record = serde_json::to_value(incident).map_err(encode)?;
    for (field, value) in overrides {
        let invalid = |reason: &str| StoreError::InvalidOverride { field: field.clone(), reason: reason.to_string() };
        if !EDITABLE_FIELDS.contains(&field.as_str()) {
            return Err(invalid("this field cannot be edited"));
        }
        let Some(object) = record.as_object_mut() else {
            return Err(invalid("the incident record is not an object"));
        };
        match field.split_once('.') {
            Some((parent, child)) => {
                let slot = object.entry(parent.to_string()).or_insert(Value::Null);
                if slot.is_null() {
                    // A location set by hand where none was found: a place without coordinates,
                    // at the precision of its admin1 (ACLED's 3).
                    *slot = serde_json::json!({"geo_precision": 3});
                }
                let Some(inner) = slot.as_object_mut() else {
                    return Err(invalid("the field's parent is not an object"));
                };
                inner.insert(child.to_string(), value.clone());
            }
            None => {
                object.insert(field.clone(), value.clone());
            }
        }
        if field == "sub_event_type" {
            let event_type = value.as_str().and_then(SubEventType::parse).map(|t| t.event_type());
            if let Some(t) = event_type {
                object.insert("event_type".to_string(), Value::String(t.as_str().to_string()));
            }
        }
        if let Some(evidence) = object.get_mut("evidence").and_then(Value::as_object_mut) {
            evidence.remove(evidence_key(field));
        }
    }
    serde_json::from_value(record).map_err(|e| StoreError::InvalidOverride {
        field: overrides.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>().join(", "),
        reason: format!("the value does not fit the incident record ({e})"),
    })
}

/// How [`IncidentQuery`] results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Newest event first (unresolved dates last), then by id.
    #[default]
    DateDesc,
    /// Oldest event first (unresolved dates last), then by id.
    DateAsc,
    /// Most fatalities first, then newest.
    FatalitiesDesc,
    /// Most recently stored first.
    Recent,
}

impl Sort {
    /// Every order, in the order offered.
    pub const ALL: [Sort; 4] = [Sort::DateDesc, Sort::DateAsc, Sort::FatalitiesDesc, Sort::Recent];

    /// The order's name in URLs: `date_desc`, `date_asc`, `fatalities`, `recent`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Sort::DateDesc => "date_desc",
            Sort::DateAsc => "date_asc",
            Sort::FatalitiesDesc => "fatalities",
            Sort::Recent => "recent",
        }
    }

    /// The order named `name`, if any.
    pub fn parse(name: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Which incidents [`crate::SqliteStore::search_incidents`] returns: the list page's filters.
/// Every field is optional; the default returns the first page of every active incident.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IncidentQuery {
    /// Words to find in the text of the incident's sources (case- and accent-insensitive; word
    /// forms are matched by their stem: "asesinato" finds "asesinaron").
    pub text: Option<String>,
    /// Only incidents whose date range ends on or after this day.
    pub from: Option<NaiveDate>,
    /// Only incidents whose date range starts on or before this day.
    pub to: Option<NaiveDate>,
    /// Only incidents in this country (ISO 3166-1 alpha-2, case-insensitive).
    pub country: Option<String>,
    /// Only incidents in this first-level division (case- and accent-insensitive).
    pub admin1: Option<String>,
    /// Only incidents of this event type.
    pub event_type: Option<EventType>,
    /// Only incidents with this harm (SPEC's harm names, e.g. `killing`).
    pub harm: Option<String>,
    /// Only incidents with a perpetrator of this category (e.g. `state_forces`).
    pub perpetrator: Option<String>,
    /// Only incidents with this verification status.
    pub verification: Option<Verification>,
    /// `Some(true)`: only incidents with a contested fact; `Some(false)`: only those without.
    pub contested: Option<bool>,
    /// The order.
    pub sort: Sort,
    /// At most this many incidents (the page size); all when `None`.
    pub limit: Option<u32>,
    /// Skip this many first.
    pub offset: u32,
    /// Count the matching incidents only up to this number (a page of a huge selection need
    /// not count all of it); `None` counts them all.
    pub count_limit: Option<u32>,
}

/// One incident of a search result.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedIncident {
    /// The incident as [`crate::Store::incidents`] lists it.
    pub summary: IncidentSummary,
    /// Its verification status.
    pub verification: Verification,
}

/// One page of a search, with the number of all matching incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentPage {
    /// How many incidents match, on every page (at most the query's `count_limit`).
    pub total: u64,
    /// True when more than `total` match (counting stopped at the query's `count_limit`).
    pub total_is_lower_bound: bool,
    /// The incidents of this page.
    pub items: Vec<ListedIncident>,
}

/// One incident on the map: where, what and when, without its record.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    /// The incident.
    pub id: i64,
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// ACLED event type.
    pub event_type: String,
    /// ACLED sub-event type.
    pub sub_event_type: String,
    /// First day, `YYYY-MM-DD`, if resolved.
    pub event_date: Option<String>,
    /// The place's name, if any.
    pub place: Option<String>,
    /// First-level division, if any.
    pub admin1: Option<String>,
    /// Fatalities, if known.
    pub fatalities: Option<u32>,
}

/// Counts of incidents and fatalities grouped three ways, for the statistics page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IncidentStats {
    /// Per month (`YYYY-MM`, by first day), oldest first; incidents with an unresolved date are
    /// not counted here.
    pub by_month: Vec<StatRow>,
    /// Per perpetrator category, most incidents first (an incident with two categories counts
    /// in both).
    pub by_perpetrator: Vec<StatRow>,
    /// Per first-level division (`Admin1, CC`), most incidents first, at most 50.
    pub by_admin1: Vec<StatRow>,
}

/// One group of [`IncidentStats`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    /// The group: a month, a category, a division.
    pub key: String,
    /// Incidents.
    pub incidents: u64,
    /// Their fatalities (unknown counts as 0).
    pub fatalities: u64,
}

/// The full-text index query for words typed by a user, or `None` when there is no word: each
/// word is folded, cut to its stem (a few Spanish and English suffixes) and matched as a
/// prefix, and all words must occur.
///
/// ```
/// assert_eq!(testigo_store::search_terms("Asesinato").as_deref(), Some("\"asesin\"*"));
/// assert_eq!(testigo_store::search_terms("disparos Saltillo").as_deref(), Some("\"dispar\"* \"saltill\"*"));
/// assert_eq!(testigo_store::search_terms(" \"* - "), None);
/// ```
pub fn search_terms(text: &str) -> Option<String> {
    let folded = crate::fold(text);
    let terms: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"*", stem(w)))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// A light stem of a folded word: the longest known Spanish or English inflectional or
/// derivational suffix is cut, keeping at least four letters, so that the stem, matched as a
/// prefix, finds the other forms ("asesinato", "asesinaron", "asesinados" → "asesin";
/// "killings", "killed" → "kill").
fn stem(word: &str) -> &str {
    const SUFFIXES: &[&str] = &[
        "amientos", "imientos", "aciones", "amiento", "imiento", "iciones", "ieron", "acion",
        "icion", "ation", "ings", "aron", "ando", "iendo", "ados", "idos", "adas", "idas", "ato", "ado", "ido",
        "ada", "ida", "ing", "ion", "ers", "ed", "es", "os", "as", "ar", "er", "ir", "s", "o", "a", "e",
    ];
    let chars = word.chars().count();
    for suffix in SUFFIXES {
        if let Some(rest) = word.strip_suffix(suffix) {
            if chars - suffix.chars().count() >= 4 {
                return rest;
            }
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_find_word_forms() {
        for (a, b) in [("asesinato", "asesinaron"), ("asesinados", "asesinato"), ("disparos", "disparó"), ("killings", "killed"), ("disparar", "disparó"), ("muertos", "muerte")] {
            let sa = stem(&crate::fold(a)).to_string();
            let fb = crate::fold(b);
            assert!(fb.starts_with(&sa), "{a} → {sa} should prefix {fb}");
        }
        // Short words are kept whole.
        assert_eq!(stem("shot"), "shot");
    }

    #[test]
    fn search_terms_cannot_inject_query_syntax() {
        assert_eq!(search_terms("a\" OR b*").as_deref(), Some("\"a\"* \"or\"* \"b\"*"));
        assert_eq!(search_terms(""), None);
    }

    #[test]
    fn field_values_are_parsed_and_checked() {
        assert_eq!(parse_field_value("fatalities", " 3 ").ok(), Some(Value::from(3)));
        assert_eq!(parse_field_value("fatalities", "").ok(), Some(Value::Null));
        assert!(parse_field_value("fatalities", "three").is_err());
        assert!(parse_field_value("claims", "x").is_err());
        assert!(parse_field_value("event_date", "2019-13-01").is_err());
        assert_eq!(parse_field_value("location.country", "mx").ok(), Some(Value::from("MX")));
        assert_eq!(
            parse_field_value("victims.nationalities", "Honduran, Salvadoran").ok(),
            Some(serde_json::json!(["Honduran", "Salvadoran"]))
        );
    }
}
