//! Linking reports of the same incident: which stored incident a newly extracted one belongs
//! to, what the incident looks like when several sources describe it, which facts they
//! dispute, and which sources are copies of each other.
//!
//! Everything here is pure: the store asks [`window`] where to look, [`score`]s the
//! candidates it finds, and rebuilds an incident with [`merge`] whenever its sources change.
//!
//! **Rules (documented for users).**
//! - *Same incident* needs compatible dates (overlapping, allowing one day either side of a
//!   day-precision date; an unknown date neither confirms nor rules out), compatible places
//!   (within 50 km, or the same admin1 when one of them is only known to admin1 precision;
//!   another country rules it out) and a compatible kind of harm. The score is the product of
//!   the three factors, times agreement on victims and perpetrators; [`THRESHOLD`] decides.
//! - *Displayed value* of a fact: the value given by the most independent sources; ties go to
//!   the source reported first. Every value stays in [`Facts`] with its source.
//! - *Contested*: a fact with two or more different values from different sources, or whose
//!   attributed claims disagree.
//! - *Independent sources*: sources whose texts are near-duplicates (64-bit SimHash over word
//!   3-shingles within [`NEAR_DUPLICATE_BITS`] bits) count once.

#![deny(missing_docs)]

mod store_linker;

pub use store_linker::{accounts, StoreLinker, CANDIDATE_LIMIT};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use testigo_core::{ActorCategory, DatePrecision, Harm, Incident, Metadata, Stance};
use testigo_gazetteer::{distance_km, fold};

/// Minimum [`score`] to attach a report to an existing incident.
pub const THRESHOLD: f64 = 0.4;

/// Two texts whose SimHash fingerprints differ in at most this many bits are copies.
pub const NEAR_DUPLICATE_BITS: u32 = 3;

/// Where to look for candidates of an incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// First day (inclusive).
    pub from: Option<NaiveDate>,
    /// Last day (inclusive).
    pub to: Option<NaiveDate>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// `(min_lat, min_lon, max_lat, max_lon)` in degrees.
    pub bbox: Option<(f64, f64, f64, f64)>,
}

/// One source's account of an incident, as the merge needs it.
#[derive(Debug, Clone)]
pub struct Account<'a> {
    /// SHA-256 of the source document.
    pub sha256: &'a str,
    /// The source's metadata (publisher, title, date).
    pub metadata: &'a Metadata,
    /// Its near-duplicate fingerprint.
    pub simhash: Option<u64>,
    /// The incident as extracted from that source.
    pub incident: &'a Incident,
}

/// One value of a fact, with who gave it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactValue {
    /// The value, as text ("1", "SV", "yes").
    pub value: String,
    /// SHA-256 of the source document.
    pub sha256: String,
    /// Who says it: the speaker of an attributed claim, else the publisher.
    pub attributed_to: String,
    /// Kind of speaker (`official`, `witness`, `NGO`, `journalist`, `victim's family`,
    /// `other`).
    pub stance: String,
    /// The words of the source that give the value.
    pub evidence: String,
}

/// Fact key → every value any source gave.
pub type Facts = BTreeMap<String, Vec<FactValue>>;

/// Days of tolerance around a date of this precision.
fn slack(p: DatePrecision) -> i64 {
    match p {
        DatePrecision::Day => 1,
        _ => 0,
    }
}

/// Where to search for incidents that may be the same as `new`; `None` when `new` has
/// neither a date nor a place to compare (it is then always a new incident).
pub fn window(new: &Incident) -> Option<Window> {
    let loc = new.location.as_ref();
    let (from, to) = match (new.event_date, new.event_date_end) {
        (Some(a), b) => {
            let s = slack(new.date_precision).max(1);
            (Some(a - Duration::days(s)), Some(b.unwrap_or(a) + Duration::days(s)))
        }
        _ => (None, None),
    };
    let bbox = loc.and_then(|l| {
        let (lat, lon) = (l.latitude?, l.longitude?);
        // 50 km for a town; a whole state (about 600 km) when only the state is known.
        let km = if l.geo_precision >= 3 { 600.0 } else { 60.0 };
        let dlat = km / 111.0;
        let dlon = km / (111.0 * lat.to_radians().cos().abs().max(0.1));
        Some((lat - dlat, lon - dlon, lat + dlat, lon + dlon))
    });
    let country = loc.and_then(|l| l.country.as_deref().map(str::to_string));
    if from.is_none() && country.is_none() {
        return None;
    }
    Some(Window { from, to, country, bbox })
}

fn harm_family(h: Harm) -> u8 {
    match h {
        Harm::Killing | Harm::Shooting | Harm::Injury | Harm::Torture => 0,
        Harm::DeathInCustody | Harm::Detention | Harm::Deportation | Harm::FamilySeparation => 1,
        Harm::DeathInTransit => 2,
        Harm::Abduction | Harm::Disappearance | Harm::Extortion | Harm::Robbery => 3,
        Harm::SexualViolence => 4,
        Harm::Threat => 5,
        Harm::Displacement | Harm::PropertyDestruction => 6,
    }
}

/// Score in `[0, 1]` that `new` reports the same incident as `existing`, with a one-line
/// explanation of the factors.
pub fn score(new: &Incident, existing: &Incident) -> (f64, String) {
    let mut why = Vec::new();
    // Dates.
    let date = match (new.event_date, existing.event_date) {
        (Some(a0), Some(b0)) => {
            let a1 = new.event_date_end.unwrap_or(a0);
            let b1 = existing.event_date_end.unwrap_or(b0);
            let s = Duration::days(slack(new.date_precision).max(slack(existing.date_precision)));
            if a1 + s < b0 || b1 + s < a0 {
                why.push(format!("dates differ ({a0} vs {b0})"));
                0.0
            } else if a0 == b0 && a1 == b1 {
                why.push(format!("same date {a0}"));
                1.0
            } else {
                why.push("overlapping dates".to_string());
                0.85
            }
        }
        // An unknown date neither confirms nor rules out; it weighs less than a match, so
        // that place alone never links (place 1.0 × 0.5 × kind needs agreement to pass).
        _ => {
            why.push("a date unknown".to_string());
            0.5
        }
    };
    // Places.
    let place = match (&new.location, &existing.location) {
        (Some(a), Some(b)) => {
            if a.country.is_some() && b.country.is_some() && a.country != b.country {
                why.push(format!("other country ({} vs {})", a.country.as_deref().unwrap_or("?"), b.country.as_deref().unwrap_or("?")));
                0.0
            } else {
                let coarse = a.geo_precision >= 3 || b.geo_precision >= 3;
                let same_admin1 = a.admin1.is_some() && a.admin1 == b.admin1;
                match (a.latitude, a.longitude, b.latitude, b.longitude) {
                    (Some(la), Some(lo), Some(lb), Some(mb)) if !coarse => {
                        let d = distance_km(la, lo, lb, mb);
                        if d <= 10.0 {
                            why.push(format!("same place ({:.0} km)", d));
                            1.0
                        } else if d <= 50.0 {
                            why.push(format!("{:.0} km apart", d));
                            0.6
                        } else {
                            why.push(format!("{:.0} km apart", d));
                            0.0
                        }
                    }
                    _ if same_admin1 => {
                        why.push(format!("same state ({})", a.admin1.as_deref().unwrap_or("?")));
                        0.75
                    }
                    _ => {
                        why.push("places not comparable".to_string());
                        0.2
                    }
                }
            }
        }
        _ => {
            why.push("a place unknown".to_string());
            0.5
        }
    };
    // Kind of harm.
    let fam_a: BTreeSet<u8> = new.harms.iter().map(|h| harm_family(*h)).collect();
    let fam_b: BTreeSet<u8> = existing.harms.iter().map(|h| harm_family(*h)).collect();
    let kind = if fam_a.is_empty() || fam_b.is_empty() {
        0.7
    } else {
        let inter = fam_a.intersection(&fam_b).count() as f64;
        let union = fam_a.union(&fam_b).count() as f64;
        let j = inter / union;
        if j == 0.0 {
            why.push("different kind of harm".to_string());
            0.2
        } else {
            0.6 + 0.4 * j
        }
    };
    // Agreement on victims and perpetrators lifts, disagreement lowers a little.
    let mut agree = 1.0;
    if let (Some(a), Some(b)) = (new.fatalities, existing.fatalities) {
        if a == b && a > 0 {
            agree *= 1.1;
            why.push(format!("{a} killed in both"));
        } else if (a == 0) != (b == 0) {
            agree *= 0.7;
        }
    }
    let pa: BTreeSet<ActorCategory> = new.perpetrators.iter().map(|p| p.category).collect();
    let pb: BTreeSet<ActorCategory> = existing.perpetrators.iter().map(|p| p.category).collect();
    if !pa.is_empty() && !pb.is_empty() {
        if pa.intersection(&pb).next().is_some() {
            agree *= 1.05;
        } else {
            agree *= 0.85;
            why.push("different perpetrators".to_string());
        }
    }
    let s = (date * place * kind * agree).min(1.0);
    (s, format!("score {s:.2}: {}", why.join(", ")))
}

/// 64-bit SimHash of a text over its folded word 3-shingles (FNV-1a per shingle).
pub fn simhash(text: &str) -> u64 {
    let folded = fold::fold(text);
    let words: Vec<&str> = fold::word_spans(&folded).into_iter().map(|(a, b)| &folded[a..b]).collect();
    let mut acc = [0i32; 64];
    let mut add = |h: u64| {
        for (bit, a) in acc.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *a += 1;
            } else {
                *a -= 1;
            }
        }
    };
    if words.len() < 3 {
        for w in &words {
            add(fnv(w.as_bytes()));
        }
    }
    for win in words.windows(3) {
        let mut h: u64 = 0xcbf29ce484222325;
        for w in win {
            h = fnv_step(h, w.as_bytes());
            h = fnv_step(h, b" ");
        }
        add(h);
    }
    acc.iter().enumerate().fold(0u64, |h, (bit, a)| if *a > 0 { h | 1 << bit } else { h })
}

fn fnv_step(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn fnv(bytes: &[u8]) -> u64 {
    fnv_step(0xcbf29ce484222325, bytes)
}

/// True when two fingerprints mark near-identical texts.
pub fn near_duplicate(a: u64, b: u64) -> bool {
    (a ^ b).count_ones() <= NEAR_DUPLICATE_BITS
}

/// Groups accounts into independent sources: index of the group of each account.
pub fn independence_groups(accounts: &[Account<'_>]) -> Vec<usize> {
    let mut group: Vec<usize> = (0..accounts.len()).collect();
    for i in 0..accounts.len() {
        for j in 0..i {
            let same = accounts[i].sha256 == accounts[j].sha256
                || matches!((accounts[i].simhash, accounts[j].simhash), (Some(a), Some(b)) if near_duplicate(a, b));
            if same {
                group[i] = group[j];
                break;
            }
        }
    }
    group
}

/// Number of independent sources among the accounts.
pub fn independent_sources(accounts: &[Account<'_>]) -> usize {
    independence_groups(accounts).iter().collect::<BTreeSet<_>>().len()
}

/// The stance of a publisher, from its name: shelters and NGOs, official bodies, or the press.
fn publisher_stance(name: &str) -> &'static str {
    let k = fold::key(name);
    let has = |ws: &[&str]| ws.iter().any(|w| k.split(' ').any(|t| t == *w));
    if has(&["shelter", "albergue", "casa", "refugio", "ngo", "ong", "red", "network", "colectivo", "comision", "commission", "fundacion", "foundation", "human", "derechos", "iglesia", "church", "diocesis"]) {
        Stance::Ngo.as_str()
    } else if has(&["ministry", "ministerio", "secretaria", "fiscalia", "prosecutor", "government", "gobierno", "cancilleria", "policia", "police", "inm", "sedena", "embassy", "embajada", "consulado"]) {
        Stance::Official.as_str()
    } else {
        Stance::Journalist.as_str()
    }
}

fn publisher(a: &Account<'_>) -> String {
    a.metadata.publisher.clone().or_else(|| a.metadata.title.clone()).unwrap_or_else(|| a.sha256.chars().take(12).collect())
}

/// Every value every account gives for the facts that can be disputed: `fatalities`,
/// `injured`, `missing`, `victims.nationalities`, `victim_armed`, plus any fact named by an
/// attributed claim.
pub fn facts(accounts: &[Account<'_>]) -> Facts {
    let mut out: Facts = BTreeMap::new();
    for a in accounts {
        let inc = a.incident;
        let mut push = |key: &str, value: String, who: String, stance: &str, evidence: String| {
            let v = out.entry(key.to_string()).or_default();
            let fv = FactValue { value, sha256: a.sha256.to_string(), attributed_to: who, stance: stance.to_string(), evidence };
            if !v.contains(&fv) {
                v.push(fv);
            }
        };
        // Attributed claims first: they say who says what.
        let mut claimed: BTreeSet<(String, String)> = BTreeSet::new();
        for c in &inc.claims {
            if let (Some(f), Some(v)) = (&c.fact, &c.value) {
                claimed.insert((f.clone(), v.clone()));
                push(f, v.clone(), c.attributed_to.clone(), c.stance.as_str(), c.text.clone());
            }
        }
        // The source's own values, attributed to its publisher.
        let who = publisher(a);
        let stance = publisher_stance(&who);
        let mut own = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                if !claimed.contains(&(key.to_string(), v.clone())) {
                    push(key, v, who.clone(), stance, String::new());
                }
            }
        };
        own("fatalities", inc.fatalities.map(|n| n.to_string()));
        own("injured", inc.injured.map(|n| n.to_string()));
        own("missing", inc.missing.map(|n| n.to_string()));
        for n in &inc.victims.nationalities {
            own("victims.nationalities", Some(n.clone()));
        }
    }
    out
}

/// Fact keys whose values disagree across sources. A single-valued fact (a toll, whether the
/// victim was armed) is disputed when two values differ. The victims' nationalities are a set
/// (several victims may differ): they are disputed when two speakers (or two sources) give
/// different sets.
pub fn contested(facts: &Facts) -> Vec<String> {
    facts
        .iter()
        .filter(|(k, vals)| {
            if k.as_str() == "victims.nationalities" {
                let mut sets: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
                for v in vals.iter() {
                    sets.entry((v.sha256.as_str(), v.attributed_to.as_str())).or_default().insert(v.value.as_str());
                }
                let distinct: BTreeSet<&BTreeSet<&str>> = sets.values().collect();
                distinct.len() > 1
            } else {
                vals.iter().map(|v| v.value.as_str()).collect::<BTreeSet<_>>().len() > 1
            }
        })
        .map(|(k, _)| k.clone())
        .collect()
}

/// The value of a fact given by the most independent sources (ties: the first reported).
fn displayed(vals: &[FactValue], groups: &BTreeMap<&str, usize>) -> Option<String> {
    let mut support: Vec<(String, BTreeSet<usize>, usize)> = Vec::new();
    for (i, v) in vals.iter().enumerate() {
        let g = groups.get(v.sha256.as_str()).copied().unwrap_or(usize::MAX);
        match support.iter_mut().find(|s| s.0 == v.value) {
            Some(s) => {
                s.1.insert(g);
            }
            None => support.push((v.value.clone(), BTreeSet::from([g]), i)),
        }
    }
    support.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.2.cmp(&b.2)));
    support.first().map(|s| s.0.clone())
}

/// The incident that several accounts add up to. The first account is the base (its
/// evidence spans, its wording); places and dates come from the most precise account;
/// harms are the union, perpetrators the union by actor category (one per category, worded as
/// the first account words it); counts and nationalities follow [`facts`] by the
/// displayed-value rule; claims are all accounts' claims, each tagged with its source;
/// `contested` lists the disputed facts: between accounts, and within any one of them.
pub fn merge(accounts: &[Account<'_>]) -> Option<Incident> {
    let first = accounts.first()?;
    let mut m = first.incident.clone();
    m.perpetrators.clear();
    let groups_v = independence_groups(accounts);
    let groups: BTreeMap<&str, usize> = accounts.iter().zip(&groups_v).map(|(a, g)| (a.sha256, *g)).collect();
    // Place: the most precise; date: the most precise.
    for a in accounts {
        let i = a.incident;
        if let Some(l) = &i.location {
            let better = match &m.location {
                None => true,
                Some(ml) => l.geo_precision < ml.geo_precision,
            };
            if better {
                m.location = Some(l.clone());
            }
        }
        if i.event_date.is_some() && i.date_precision.rank() < m.date_precision.rank() {
            m.event_date = i.event_date;
            m.event_date_end = i.event_date_end;
            m.date_precision = i.date_precision;
            m.date_text = None;
        }
        for h in &i.harms {
            if !m.harms.contains(h) {
                m.harms.push(*h);
            }
        }
        // One perpetrator per actor category, as an ACLED coder codes actors: "gunmen",
        // "armed men" and "hombres armados" in three reports are one unidentified armed group,
        // named as the first account names it. It is alleged unless some account asserts it.
        for p in &i.perpetrators {
            match m.perpetrators.iter_mut().find(|q| q.category == p.category) {
                Some(q) => q.alleged &= p.alleged,
                None => m.perpetrators.push(p.clone()),
            }
        }
        if m.victims.group.is_none() {
            m.victims.group = i.victims.group.clone();
        }
        for g in &i.victims.genders {
            if !m.victims.genders.contains(g) {
                m.victims.genders.push(g.clone());
            }
        }
        for age in &i.victims.ages {
            if !m.victims.ages.contains(age) {
                m.victims.ages.push(*age);
            }
        }
        m.victims.minors |= i.victims.minors;
    }
    m.harms.sort();
    m.claims = accounts
        .iter()
        .flat_map(|a| {
            a.incident.claims.iter().map(move |c| {
                let mut c = c.clone();
                c.source = Some(a.sha256.to_string());
                c
            })
        })
        .collect();
    let f = facts(accounts);
    let num = |k: &str| f.get(k).and_then(|v| displayed(v, &groups)).and_then(|s| s.parse::<u32>().ok());
    if accounts.len() > 1 {
        m.fatalities = num("fatalities").or(m.fatalities);
        m.injured = num("injured").or(m.injured);
        m.missing = num("missing").or(m.missing);
        if let Some(vals) = f.get("victims.nationalities") {
            if let Some(top) = displayed(vals, &groups) {
                let all: BTreeSet<String> = accounts.iter().flat_map(|a| a.incident.victims.nationalities.iter().cloned()).collect();
                // Several nationalities reported together stay together; a disputed one is shown by the rule.
                m.victims.nationalities = if contested(&f).iter().any(|k| k == "victims.nationalities") { vec![top] } else { all.into_iter().collect() };
            }
        }
    }
    // The facts in dispute between accounts, and those each account disputes within itself
    // (a document that reports the police's version and the family's).
    let mut c = contested(&f);
    for k in accounts.iter().flat_map(|a| &a.incident.contested) {
        if !c.contains(k) {
            c.push(k.clone());
        }
    }
    c.sort();
    m.contested = c;
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use testigo_core::{Claim, EventType, Location, Span, SubEventType, Victims};

    fn inc(date: &str, lat: f64, lon: f64, cc: &str, harms: &[Harm], nat: &[&str]) -> Incident {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
        Incident {
            event_date: d,
            event_date_end: d,
            date_precision: if d.is_some() { DatePrecision::Day } else { DatePrecision::Unresolved },
            event_type: EventType::ViolenceAgainstCivilians,
            sub_event_type: SubEventType::Attack,
            harms: harms.to_vec(),
            location: Some(Location { name: Some("X".into()), admin1: Some("A".into()), admin2: None, country: Some(cc.to_string().into()), latitude: Some(lat), longitude: Some(lon), geonameid: None, geo_precision: 1 }),
            perpetrators: vec![],
            victims: Victims { nationalities: nat.iter().map(|s| s.to_string()).collect(), ..Victims::default() },
            fatalities: Some(1),
            injured: None,
            missing: None,
            detained: None,
            displaced: None,
            claims: vec![],
            contested: vec![],
            date_text: None,
            evidence: BTreeMap::new(),
        }
    }

    #[test]
    fn same_day_same_town_links_other_country_does_not() {
        let a = inc("2019-07-31", 25.42, -101.0, "MX", &[Harm::Killing], &["SV"]);
        let b = inc("2019-07-31", 25.43, -101.01, "MX", &[Harm::Killing, Harm::Shooting], &["HN"]);
        let c = inc("2019-07-31", 32.35, -108.7, "US", &[Harm::DeathInCustody, Harm::Detention], &["SV"]);
        assert!(score(&a, &b).0 >= THRESHOLD, "{:?}", score(&a, &b));
        assert_eq!(score(&a, &c).0, 0.0, "{:?}", score(&a, &c));
        let d = inc("2019-06-25", 25.42, -101.0, "MX", &[Harm::Killing], &[]);
        assert_eq!(score(&a, &d).0, 0.0);
    }

    #[test]
    fn merge_keeps_every_value_and_flags_disputes() {
        let meta = Metadata::default();
        let a = inc("2019-07-31", 25.42, -101.0, "MX", &[Harm::Killing], &["SV"]);
        let mut b = inc("2019-07-31", 25.42, -101.0, "MX", &[Harm::Killing], &[]);
        b.claims.push(Claim { text: "es hondureño".into(), attributed_to: "Cancillería".into(), stance: Stance::Official, fact: Some("victims.nationalities".into()), value: Some("HN".into()), span: Span::new(0, 3), source: None });
        let c = inc("2019-07-31", 25.42, -101.0, "MX", &[Harm::Killing], &["SV"]);
        let accts = [
            Account { sha256: "a", metadata: &meta, simhash: Some(1), incident: &a },
            Account { sha256: "b", metadata: &meta, simhash: Some(1 << 40 | 0xFFFF), incident: &b },
            Account { sha256: "c", metadata: &meta, simhash: Some(3), incident: &c },
        ];
        let m = merge(&accts).expect("merged");
        assert_eq!(m.contested, vec!["victims.nationalities".to_string()]);
        assert_eq!(m.victims.nationalities, vec!["SV".to_string()], "two sources say SV");
        let f = facts(&accts);
        assert_eq!(f["victims.nationalities"].len(), 3);
        assert_eq!(m.claims[0].source.as_deref(), Some("b"));
        // a and c are near-duplicates (fingerprints 1 and 3 differ in one bit).
        assert_eq!(independent_sources(&accts), 2);
    }

    #[test]
    fn merge_keeps_what_any_account_disputes_within_itself() {
        let meta = Metadata::default();
        let a = inc("2019-07-31", 25.42, -101.0, "MX", &[Harm::Killing], &[]);
        // The second report gives the police's version and the family's.
        let mut b = inc("2019-07-31", 25.42, -101.0, "MX", &[Harm::Killing], &[]);
        b.contested = vec!["account".into()];
        let accts = [Account { sha256: "a", metadata: &meta, simhash: Some(1), incident: &a }, Account { sha256: "b", metadata: &meta, simhash: Some(1 << 40), incident: &b }];
        assert_eq!(merge(&accts).expect("merged").contested, vec!["account".to_string()]);
    }

    #[test]
    fn simhash_sees_reprints_and_tells_stories_apart() {
        let a = "A Central American migrant was shot dead by state agents on Wednesday night in the northern Mexican city of Saltillo as he ran beside his daughter.";
        let b = format!("{a} ");
        let c = "Soldiers killed three men at a checkpoint outside Nuevo Laredo on Friday, according to a local human rights committee.";
        assert!(near_duplicate(simhash(a), simhash(&b)));
        assert!(!near_duplicate(simhash(a), simhash(c)));
    }

    #[test]
    fn merged_perpetrators_are_one_per_actor_category() {
        use testigo_core::{ActorCategory, Perpetrator};
        let p = |text: &str, category, alleged| Perpetrator { text: text.into(), category, alleged };
        let mut a = inc("2019-07-31", 25.42, -101.0, "MX", &[Harm::Killing], &[]);
        a.perpetrators = vec![p("gunmen", ActorCategory::UnidentifiedArmedGroup, true), p("armed men", ActorCategory::UnidentifiedArmedGroup, true)];
        let mut b = a.clone();
        b.perpetrators = vec![p("hombres armados", ActorCategory::UnidentifiedArmedGroup, false), p("policías municipales", ActorCategory::Police, true)];
        let meta = Metadata::default();
        let accounts = [Account { sha256: "a", metadata: &meta, simhash: None, incident: &a }, Account { sha256: "b", metadata: &meta, simhash: None, incident: &b }];
        let m = merge(&accounts).expect("merged");
        assert_eq!(m.perpetrators, vec![p("gunmen", ActorCategory::UnidentifiedArmedGroup, false), p("policías municipales", ActorCategory::Police, true)]);
    }

}
