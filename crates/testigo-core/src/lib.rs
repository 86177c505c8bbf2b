//! testigo's domain model: incidents, their locations, actors, victims, harms, claims and the
//! evidence spans that back every field.
//!
//! These types *are* a documented wire format: they serialise to exactly the JSON that
//! `testigo extract` writes (see SPEC.md, "Contracts that outside tools rely on"), so they derive
//! `Serialize`/`Deserialize`. Controlled vocabularies are Rust enums whose serialised strings are the
//! exact strings of the codebook they come from (ACLED's `event_type`/`sub_event_type`, SPEC's
//! perpetrator categories and harm list).
//!
//! **Invariant:** this crate does no I/O and reads no clock, environment or randomness.

#![deny(missing_docs)]

pub mod json;
pub mod redact;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into the UTF-8 text of one document.
///
/// Offsets are **bytes**, not chars, and always lie on char boundaries of the text they were
/// taken from. `start <= end` is enforced by [`Span::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// Creates a span; if `end < start` the two are swapped so the invariant always holds.
    pub fn new(start: usize, end: usize) -> Span {
        if end < start {
            Span { start: end, end: start }
        } else {
            Span { start, end }
        }
    }
    /// First byte of the span.
    pub fn start(&self) -> usize {
        self.start
    }
    /// One past the last byte of the span.
    pub fn end(&self) -> usize {
        self.end
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// The smallest span covering both.
    pub fn cover(&self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
    /// The text this span covers in `text`, or `None` when it is out of range or not on char
    /// boundaries (a span from another document).
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.start..self.end)
    }
}

/// How exactly an event date is known (SPEC `date_precision`).
///
/// Maps onto ACLED's `time_precision` by [`DatePrecision::acled_time_precision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    /// One known day.
    Day,
    /// A span of days (`event_date` .. `event_date_end`), e.g. "late June" or "last week".
    Range,
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
    /// The text names a date that cannot be placed on the calendar (a weekday or "last night"
    /// with no publication date to anchor it), or names none.
    #[default]
    Unresolved,
}

impl DatePrecision {
    /// ACLED `time_precision`: 1 exact day, 2 within a week (a range of up to 7 days),
    /// 3 within a month or coarser. `None` for unresolved dates.
    pub fn acled_time_precision(&self, days: i64) -> Option<u8> {
        match self {
            DatePrecision::Day => Some(1),
            DatePrecision::Range if days <= 7 => Some(2),
            DatePrecision::Range | DatePrecision::Month | DatePrecision::Year => Some(3),
            DatePrecision::Unresolved => None,
        }
    }
    /// How fine the precision is: 0 for a day, then range, month, year, 4 for unresolved
    /// (lower is finer).
    pub fn rank(&self) -> u8 {
        match self {
            DatePrecision::Day => 0,
            DatePrecision::Range => 1,
            DatePrecision::Month => 2,
            DatePrecision::Year => 3,
            DatePrecision::Unresolved => 4,
        }
    }
    /// The lower-case string used in JSON (`day`, `range`, ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            DatePrecision::Day => "day",
            DatePrecision::Range => "range",
            DatePrecision::Month => "month",
            DatePrecision::Year => "year",
            DatePrecision::Unresolved => "unresolved",
        }
    }
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $var),+
        }
        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The exact codebook string.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
            /// Parses the exact codebook string (ASCII case-insensitive); `None` when unknown.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                $(if s.eq_ignore_ascii_case($s) { return Some($name::$var); })+
                None
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// ACLED `event_type` (ACLED Codebook 2023, section "Event types").
    EventType {
        /// Violent acts by an organised armed group against unarmed non-combatants.
        ViolenceAgainstCivilians => "Violence against civilians",
        /// Violent interactions between two organised armed groups.
        Battles => "Battles",
        /// Public demonstrations in which participants do not engage in violence.
        Protests => "Protests",
        /// Violent demonstrations and mob violence.
        Riots => "Riots",
        /// One-sided violence at a distance: shelling, air strikes, IEDs, grenades.
        ExplosionsRemoteViolence => "Explosions/Remote violence",
        /// Non-violent but significant developments (arrests, agreements, deaths in custody
        /// where no violent act is reported).
        StrategicDevelopments => "Strategic developments",
    }
}

string_enum! {
    /// ACLED `sub_event_type` (ACLED Codebook 2023). Only the sub-types testigo can produce or
    /// read back are listed; other strings are kept as text where they appear.
    SubEventType {
        /// Violence against civilians: an attack that harms or kills.
        Attack => "Attack",
        /// Violence against civilians: abduction, kidnapping or enforced disappearance.
        AbductionForcedDisappearance => "Abduction/forced disappearance",
        /// Violence against civilians: sexual violence.
        SexualViolence => "Sexual violence",
        /// Battles: armed clash.
        ArmedClash => "Armed clash",
        /// Battles: government regains territory.
        GovernmentRegainsTerritory => "Government regains territory",
        /// Battles: non-state actor overtakes territory.
        NonStateActorOvertakesTerritory => "Non-state actor overtakes territory",
        /// Protests: peaceful protest.
        PeacefulProtest => "Peaceful protest",
        /// Protests: protest with intervention (force used against protesters).
        ProtestWithIntervention => "Protest with intervention",
        /// Protests: excessive force against protesters.
        ExcessiveForceAgainstProtesters => "Excessive force against protesters",
        /// Riots: violent demonstration.
        ViolentDemonstration => "Violent demonstration",
        /// Riots: mob violence.
        MobViolence => "Mob violence",
        /// Explosions/Remote violence: remote explosive, landmine or IED.
        RemoteExplosive => "Remote explosive/landmine/IED",
        /// Explosions/Remote violence: grenade.
        Grenade => "Grenade",
        /// Explosions/Remote violence: shelling, artillery or missile attack.
        Shelling => "Shelling/artillery/missile attack",
        /// Explosions/Remote violence: air or drone strike.
        AirDroneStrike => "Air/drone strike",
        /// Strategic developments: arrests.
        Arrests => "Arrests",
        /// Strategic developments: looting or property destruction.
        LootingPropertyDestruction => "Looting/property destruction",
        /// Strategic developments: disrupted weapons use.
        DisruptedWeaponsUse => "Disrupted weapons use",
        /// Strategic developments: change to group or activity.
        ChangeToGroupActivity => "Change to group/activity",
        /// Strategic developments: agreement.
        Agreement => "Agreement",
        /// Strategic developments: headquarters or base established.
        HeadquartersEstablished => "Headquarters or base established",
        /// Strategic developments: non-violent transfer of territory.
        NonViolentTransfer => "Non-violent transfer of territory",
        /// Strategic developments: other (deaths in custody, deportations, family separation).
        Other => "Other",
    }
}

impl SubEventType {
    /// The ACLED `event_type` this sub-type belongs to.
    pub fn event_type(&self) -> EventType {
        use SubEventType::*;
        match self {
            Attack | AbductionForcedDisappearance | SexualViolence => EventType::ViolenceAgainstCivilians,
            ArmedClash | GovernmentRegainsTerritory | NonStateActorOvertakesTerritory => EventType::Battles,
            PeacefulProtest | ProtestWithIntervention | ExcessiveForceAgainstProtesters => EventType::Protests,
            ViolentDemonstration | MobViolence => EventType::Riots,
            RemoteExplosive | Grenade | Shelling | AirDroneStrike => EventType::ExplosionsRemoteViolence,
            Arrests | LootingPropertyDestruction | DisruptedWeaponsUse | ChangeToGroupActivity | Agreement
            | HeadquartersEstablished | NonViolentTransfer | Other => EventType::StrategicDevelopments,
        }
    }
}

string_enum! {
    /// Perpetrator category (SPEC "Contracts"). Maps to ACLED `inter1` codes with
    /// [`ActorCategory::acled_inter`].
    ActorCategory {
        /// Any police force: municipal, state, federal, prosecutor's (ministerial) police.
        Police => "Police",
        /// Armed forces, including Mexico's National Guard and army, navy, marines.
        Military => "Military",
        /// Immigration authorities: Mexico's INM, US Border Patrol, ICE, CBP, Guatemala's IGM.
        ImmigrationAuthority => "Immigration authority",
        /// Other state agents: prison guards, officials, customs, prosecutors acting as such.
        OtherStateForces => "Other state forces",
        /// Organised crime: cartels, gangs (maras), traffickers, smugglers.
        CriminalGroup => "Criminal group",
        /// Armed men whose affiliation the report does not give ("gunmen", "hombres armados").
        UnidentifiedArmedGroup => "Unidentified armed group",
        /// Private individuals, mobs, vigilantes, rioters.
        Civilians => "Civilians",
        /// Anything else, including protesters as initiators of a protest.
        Other => "Other",
    }
}

impl ActorCategory {
    /// ACLED `inter` code: 1 state forces, 3 political militia (ACLED files unidentified gangs
    /// and armed groups there), 5 rioters, 6 protesters, 7 civilians, 8 other.
    pub fn acled_inter(&self) -> u8 {
        match self {
            ActorCategory::Police
            | ActorCategory::Military
            | ActorCategory::ImmigrationAuthority
            | ActorCategory::OtherStateForces => 1,
            ActorCategory::CriminalGroup | ActorCategory::UnidentifiedArmedGroup => 3,
            ActorCategory::Civilians => 7,
            ActorCategory::Other => 8,
        }
    }
    /// True for the four state categories.
    pub fn is_state(&self) -> bool {
        self.acled_inter() == 1
    }
}

string_enum! {
    /// What was done to the victims: SPEC's harm list, finer than ACLED's sub-types. Deaths in
    /// transit are the IOM Missing Migrants Project's category.
    Harm {
        /// Someone was killed.
        Killing => "killing",
        /// Shots were fired at people.
        Shooting => "shooting",
        /// Someone was wounded or beaten.
        Injury => "injury",
        /// Torture or cruel, inhuman or degrading treatment.
        Torture => "torture",
        /// Rape or other sexual violence.
        SexualViolence => "sexual_violence",
        /// Kidnapping or abduction.
        Abduction => "abduction",
        /// Extortion, ransom demands, bribes demanded under threat.
        Extortion => "extortion",
        /// Robbery or theft with violence.
        Robbery => "robbery",
        /// Detention or arrest (arbitrary or not: the text rarely says).
        Detention => "detention",
        /// Children separated from parents or carers.
        FamilySeparation => "family_separation",
        /// Deportation or forced return.
        Deportation => "deportation",
        /// Death while held by authorities.
        DeathInCustody => "death_in_custody",
        /// Death on the migration route: drowning, exposure, a fall from a train, a crash.
        DeathInTransit => "death_in_transit",
        /// Enforced or other disappearance; people missing.
        Disappearance => "disappearance",
        /// Threats or ultimatums.
        Threat => "threat",
        /// People forced to flee their homes.
        Displacement => "displacement",
        /// Houses, vehicles or property burnt or destroyed.
        PropertyDestruction => "property_destruction",
    }
}

string_enum! {
    /// Who is speaking in an attributed claim.
    Stance {
        /// A government office, prosecutor, police, ministry or official.
        Official => "official",
        /// An eyewitness or survivor.
        Witness => "witness",
        /// A shelter, human-rights organisation, church or other NGO.
        Ngo => "NGO",
        /// A journalist or news outlet speaking in its own voice.
        Journalist => "journalist",
        /// Relatives of the victim.
        VictimFamily => "victim's family",
        /// Anyone else.
        Other => "other",
    }
}

/// Where an incident happened, resolved against the gazetteer. The names are borrowed from
/// the gazetteer compiled into the binary when the extractor writes them (no allocation per
/// incident), owned when read back from JSON or edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// The place name as given by the gazetteer (GeoNames `name`), or the admin1/country name
    /// when only that is known.
    pub name: Option<Cow<'static, str>>,
    /// GeoNames first-level division name ("Coahuila", "Texas"); `None` when unknown.
    pub admin1: Option<Cow<'static, str>>,
    /// Second-level division (municipality, county) name; `None` when unknown.
    pub admin2: Option<Cow<'static, str>>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<Cow<'static, str>>,
    /// WGS84 latitude in decimal degrees.
    pub latitude: Option<f64>,
    /// WGS84 longitude in decimal degrees.
    pub longitude: Option<f64>,
    /// GeoNames `geonameid` of the place; `None` for coarse locations.
    pub geonameid: Option<u32>,
    /// ACLED `geo_precision`: 1 the named town, 2 nearby or part of a region, 3 only the
    /// state/province (or country).
    pub geo_precision: u8,
}

/// One perpetrator as the text names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Perpetrator {
    /// The words of the text that name the perpetrator.
    pub text: String,
    /// Category from SPEC's list.
    pub category: ActorCategory,
    /// True when the perpetrator is only alleged ("presuntamente", "allegedly", "suspected").
    pub alleged: bool,
}

/// The victims as a group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Victims {
    /// "migrants", "civilians", "journalists", ...; `None` when the text gives no group.
    pub group: Option<String>,
    /// Number of victims when stated; `None` when unknown.
    pub count: Option<u32>,
    /// ISO 3166-1 alpha-2 codes of the victims' nationalities, from demonyms; sorted, unique.
    pub nationalities: Vec<String>,
    /// Ages in years, in text order.
    pub ages: Vec<u32>,
    /// "male" / "female", in text order.
    pub genders: Vec<String>,
    /// True when the text says minors were among the victims.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub minors: bool,
}

/// An attributed statement about the incident: who says what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The statement, quoted from the text (the whole reporting sentence or the quote).
    pub text: String,
    /// Who says it, in the text's words ("Coahuila Prosecutor's Office", "witnesses").
    pub attributed_to: String,
    /// Kind of speaker.
    pub stance: Stance,
    /// The fact the claim bears on (`fatalities`, `victim_armed`, `victims.nationalities`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    /// The value the claim gives the fact ("yes", "no", "40", "SV"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Where the claim is in the text.
    pub span: Span,
    /// SHA-256 of the document the claim comes from, when the claim sits in a record merged
    /// from several documents; `None` in single-document extraction output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One incident as extracted from one document (the `incidents[]` items of the extract
/// contract).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// First (or only) day; `None` when unresolved.
    pub event_date: Option<NaiveDate>,
    /// Last day; equals `event_date` for a single day.
    pub event_date_end: Option<NaiveDate>,
    /// Precision of the date.
    pub date_precision: DatePrecision,
    /// ACLED event type.
    pub event_type: EventType,
    /// ACLED sub-event type.
    pub sub_event_type: SubEventType,
    /// What was done, from SPEC's harm list; sorted, unique.
    pub harms: Vec<Harm>,
    /// Where; `None` when no place could be resolved.
    pub location: Option<Location>,
    /// Who did it.
    pub perpetrators: Vec<Perpetrator>,
    /// To whom.
    pub victims: Victims,
    /// Deaths; `None` unknown, `0` only when the text says none died.
    pub fatalities: Option<u32>,
    /// People injured; same conventions.
    pub injured: Option<u32>,
    /// People missing or disappeared; same conventions.
    pub missing: Option<u32>,
    /// People detained; same conventions.
    pub detained: Option<u32>,
    /// People displaced; same conventions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub displaced: Option<u32>,
    /// Attributed statements.
    pub claims: Vec<Claim>,
    /// Fact keys on which the document's accounts disagree.
    pub contested: Vec<String>,
    /// The words that gave the date, when a relative date stayed unresolved ("Wednesday").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_text: Option<String>,
    /// Field name → byte spans of the text that back it. The extractor's field names are
    /// static strings (no allocation per incident); names read back from JSON are owned.
    pub evidence: BTreeMap<Cow<'static, str>, Vec<Span>>,
}

impl Incident {
    /// ACLED-style one-line summary used in tables: `date  place  type  perpetrator  fatalities`.
    pub fn headline_place(&self) -> String {
        match &self.location {
            Some(l) => {
                let mut parts: Vec<&str> = Vec::new();
                if let Some(n) = &l.name {
                    parts.push(n);
                }
                if let Some(a) = &l.admin1 {
                    if l.name.as_deref() != Some(&**a) {
                        parts.push(a);
                    }
                }
                if let Some(c) = &l.country {
                    parts.push(c);
                }
                parts.join(", ")
            }
            None => "(unknown place)".to_string(),
        }
    }
    /// The date as printed in tables: `2019-07-31`, `2019-06-21..2019-06-30`, or `unresolved`.
    pub fn date_label(&self) -> String {
        match (self.event_date, self.event_date_end) {
            (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
            (Some(a), _) => a.to_string(),
            _ => match &self.date_text {
                Some(t) => format!("unresolved ({t})"),
                None => "unresolved".to_string(),
            },
        }
    }
}

/// Two-letter language code of a document (`en` or `es`; SPEC supports only these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl Language {
    /// `en` / `es`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }
    /// Parses `en`/`es` (also `english`, `spanish`, `español`); `None` otherwise.
    pub fn parse(s: &str) -> Option<Language> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" | "en-us" | "en-gb" => Some(Language::En),
            "es" | "spa" | "spanish" | "español" | "espanol" | "es-mx" | "es-es" => Some(Language::Es),
            _ => None,
        }
    }
}

/// The result of extracting one document: the output line of `testigo extract`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentExtraction {
    /// The caller's id for the document.
    pub id: String,
    /// Detected (or given) language.
    pub language: Language,
    /// Incidents in the order the text first reports them.
    pub incidents: Vec<Incident>,
}

/// Metadata of a report (SPEC "Capture"). Every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Metadata {
    /// Headline or title.
    pub title: Option<String>,
    /// Outlet, organisation or author that published it.
    pub publisher: Option<String>,
    /// Where it was published.
    pub url: Option<String>,
    /// Publication date (the anchor for relative dates).
    pub published: Option<NaiveDate>,
    /// Language when known.
    pub language: Option<Language>,
}

impl Metadata {
    /// Fills every field that is `None` in `self` from `lower` (lower priority).
    pub fn or(mut self, lower: Metadata) -> Metadata {
        self.title = self.title.or(lower.title);
        self.publisher = self.publisher.or(lower.publisher);
        self.url = self.url.or(lower.url);
        self.published = self.published.or(lower.published);
        self.language = self.language.or(lower.language);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_through_their_codebook_strings() {
        for t in SubEventType::ALL {
            assert_eq!(SubEventType::parse(t.as_str()), Some(*t));
            let json = serde_json::to_string(t).expect("serialise");
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
        assert_eq!(SubEventType::Attack.event_type(), EventType::ViolenceAgainstCivilians);
        assert_eq!(EventType::parse("violence against civilians"), Some(EventType::ViolenceAgainstCivilians));
        assert_eq!(ActorCategory::parse("Immigration authority"), Some(ActorCategory::ImmigrationAuthority));
        assert_eq!(Harm::parse("nonsense"), None);
    }

    #[test]
    fn span_is_ordered_and_slices_on_char_boundaries() {
        let s = Span::new(5, 2);
        assert_eq!((s.start(), s.end()), (2, 5));
        let text = "Tecún Umán";
        assert_eq!(Span::new(0, 6).slice(text), Some("Tecún"));
        assert_eq!(Span::new(0, 4).slice(text), None, "byte 4 is inside 'ú'");
    }

    #[test]
    fn metadata_priority_keeps_the_higher_source() {
        let flags = Metadata { title: Some("flag".into()), ..Metadata::default() };
        let sidecar = Metadata { title: Some("sidecar".into()), url: Some("u".into()), ..Metadata::default() };
        let m = flags.or(sidecar);
        assert_eq!(m.title.as_deref(), Some("flag"));
        assert_eq!(m.url.as_deref(), Some("u"));
    }
}
