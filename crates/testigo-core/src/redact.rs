//! Redaction of personal data for anything public: `testigo export --public` and the web
//! application's public view.
//!
//! [`redact_incident`] is pure: it takes an [`Incident`] and returns a copy without personal
//! data, with the list of what it removed or generalised. The rules:
//!
//! - **names → roles.** A claim's speaker (`attributed_to`) becomes the role its stance names
//!   ("witness", "official source", "NGO", "journalist", "victim's family", "source"): a
//!   witness's identity, a relative's name or an official's name never comes out. A
//!   perpetrator named in the text's words ("el agente Juan Pérez") becomes its category
//!   ("Police").
//! - **quotes are withheld.** A claim's quoted text can name, describe or locate people; it is
//!   replaced by [`WITHHELD`], and its fact, value and stance stay, so that contested facts still
//!   show who (as a role) says what.
//! - **exact ages of minors → "minor".** Ages under 18 are removed from `victims.ages` and
//!   `victims.minors` is set; adults' ages, counts, genders and nationalities stay. The
//!   [`Redaction`] says how many ([`minor_ages`]), so that a public export can write
//!   `"minor"` where each age was (`testigo export --public` does: `"ages": [34, "minor"]`).
//! - **exact addresses → municipality.** A location finer than a gazetteer place (no
//!   `geonameid` at town precision: a street, a house) becomes its municipality (`admin2`),
//!   or its state, with coordinates rounded to two decimals (about a kilometre).
//! - **evidence spans stay** (byte offsets, no text), and so do dates, event types, harms,
//!   counts, categories and gazetteer places.
//!
//! ```
//! use testigo_core::redact::redact_incident;
//! # let incident: testigo_core::Incident = serde_json::from_str(r#"{"event_date":null,"event_date_end":null,
//! #   "date_precision":"unresolved","event_type":"Violence against civilians","sub_event_type":"Attack",
//! #   "harms":["killing"],"location":null,"perpetrators":[],"victims":{"group":"migrants","count":1,
//! #   "nationalities":[],"ages":[15, 30],"genders":[]},"fatalities":1,"injured":null,"missing":null,
//! #   "detained":null,"claims":[{"text":"Mi vecino Julio Pineda lo vio","attributed_to":"Julio Pineda",
//! #   "stance":"witness","span":{"start":0,"end":5}}],"contested":[],"evidence":{}}"#).unwrap();
//! let (public, redactions) = redact_incident(&incident);
//! assert_eq!(public.claims[0].attributed_to, "witness");
//! assert_eq!(public.victims.ages, vec![30]);
//! assert!(public.victims.minors);
//! assert!(!serde_json::to_string(&public).unwrap().contains("Pineda"));
//! assert_eq!(redactions.len(), 3);
//! assert_eq!(testigo_core::redact::minor_ages(&redactions), 1);
//! ```

use crate::{Incident, Stance};

/// What replaces a withheld quote.
pub const WITHHELD: &str = "[quote withheld]";

/// Ages below this are a minor's.
pub const ADULT_AGE: u32 = 18;

/// One thing [`redact_incident`] removed or generalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    /// The field, as a path into the incident's JSON (`claims[0].attributed_to`,
    /// `victims.ages`, `location`).
    pub field: String,
    /// What was done, in words ("name replaced by the role \"witness\"").
    pub what: String,
}

/// The kinds of redaction, for summaries: how many of each were made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RedactionCounts {
    /// Speakers' names replaced by their role.
    pub speakers: usize,
    /// Quotes withheld.
    pub quotes: usize,
    /// Perpetrators named in the text's words, replaced by their category.
    pub perpetrators: usize,
    /// Minors' exact ages removed.
    pub minor_ages: usize,
    /// Locations generalised to the municipality or state.
    pub locations: usize,
}

impl RedactionCounts {
    /// Adds up `redactions` by kind (from their field).
    pub fn add(&mut self, redactions: &[Redaction]) {
        for r in redactions {
            match r.field.rsplit('.').next().unwrap_or("") {
                "attributed_to" => self.speakers += 1,
                "text" if r.field.starts_with("claims") => self.quotes += 1,
                "text" => self.perpetrators += 1,
                "ages" => self.minor_ages += 1,
                _ => self.locations += 1,
            }
        }
    }
}

impl std::fmt::Display for RedactionCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} speaker name(s) replaced by their role, {} quote(s) withheld, {} perpetrator name(s) replaced by \
             their category, {} minor's age(s) replaced by \"minor\", {} location(s) generalised to the municipality",
            self.speakers, self.quotes, self.perpetrators, self.minor_ages, self.locations
        )
    }
}

/// How many exact ages of minors [`redact_incident`] removed, from its redactions.
pub fn minor_ages(redactions: &[Redaction]) -> usize {
    redactions
        .iter()
        .filter(|r| r.field == "victims.ages")
        .filter_map(|r| r.what.split_whitespace().next()?.parse::<usize>().ok())
        .sum()
}

/// The role that stands for a speaker of this stance.
pub fn role(stance: Stance) -> &'static str {
    match stance {
        Stance::Official => "official source",
        Stance::Witness => "witness",
        Stance::Ngo => "NGO",
        Stance::Journalist => "journalist",
        Stance::VictimFamily => "victim's family",
        Stance::Other => "source",
    }
}

/// `incident` without personal data, and what was redacted (see the module docs for the
/// rules). Never fails; an incident without personal data comes back equal, with no
/// redactions.
pub fn redact_incident(incident: &Incident) -> (Incident, Vec<Redaction>) {
    let mut out = incident.clone();
    let mut done = Vec::new();
    for (i, claim) in out.claims.iter_mut().enumerate() {
        let role = role(claim.stance);
        if claim.attributed_to != role {
            claim.attributed_to = role.to_string();
            done.push(Redaction {
                field: format!("claims[{i}].attributed_to"),
                what: format!("name replaced by the role {role:?}"),
            });
        }
        if claim.text != WITHHELD {
            claim.text = WITHHELD.to_string();
            done.push(Redaction { field: format!("claims[{i}].text"), what: "quote withheld".to_string() });
        }
    }
    for (i, p) in out.perpetrators.iter_mut().enumerate() {
        let category = p.category.as_str();
        if p.text != category {
            p.text = category.to_string();
            done.push(Redaction {
                field: format!("perpetrators[{i}].text"),
                what: format!("the text's words replaced by the category {category:?}"),
            });
        }
    }
    let minors = out.victims.ages.iter().filter(|&&a| a < ADULT_AGE).count();
    if minors > 0 {
        out.victims.ages.retain(|&a| a >= ADULT_AGE);
        out.victims.minors = true;
        done.push(Redaction {
            field: "victims.ages".to_string(),
            what: format!("{minors} exact age(s) of minors replaced by \"minor\""),
        });
    }
    if let Some(loc) = out.location.as_mut() {
        if loc.geonameid.is_none() && loc.geo_precision <= 1 && loc.name.is_some() {
            let general = loc.admin2.clone().or_else(|| loc.admin1.clone());
            loc.name = general;
            loc.geo_precision = if loc.admin2.is_some() { 2 } else { 3 };
            loc.latitude = loc.latitude.map(|x| (x * 100.0).round() / 100.0);
            loc.longitude = loc.longitude.map(|x| (x * 100.0).round() / 100.0);
            done.push(Redaction {
                field: "location".to_string(),
                what: "a place finer than a town generalised to its municipality".to_string(),
            });
        }
    }
    (out, done)
}
