//! The adapter that lets the store call this crate's rules ([`testigo_store::Linker`]).

use testigo_core::Incident;
use testigo_store::{CandidateWindow, Linker, Observation};

use crate::{merge, score, window, Account, THRESHOLD};

/// testigo's linking rules, as the store's [`Linker`].
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreLinker;

/// At most this many stored incidents are scored for one new one.
pub const CANDIDATE_LIMIT: u32 = 64;

impl Linker for StoreLinker {
    fn window(&self, new: &Incident) -> Option<CandidateWindow> {
        let w = window(new)?;
        Some(CandidateWindow { from: w.from, to: w.to, country: w.country, bbox: w.bbox, limit: CANDIDATE_LIMIT })
    }

    fn score(&self, new: &Incident, existing: &Incident) -> (f64, String) {
        score(new, existing)
    }

    fn threshold(&self) -> f64 {
        THRESHOLD
    }

    fn merge(&self, observations: &[Observation]) -> Incident {
        let accounts = accounts(observations);
        match merge(&accounts) {
            Some(m) => m,
            // The store never passes an empty list; an empty merge is no incident at all.
            None => observations.first().map(|o| o.incident.clone()).unwrap_or_else(empty_incident),
        }
    }
}

/// The observations as accounts for [`crate::facts`], [`crate::merge`] and
/// [`crate::independent_sources`].
pub fn accounts(observations: &[Observation]) -> Vec<Account<'_>> {
    observations
        .iter()
        .map(|o| Account { sha256: &o.sha256, metadata: &o.metadata, simhash: o.simhash, incident: &o.incident })
        .collect()
}

fn empty_incident() -> Incident {
    Incident {
        event_date: None,
        event_date_end: None,
        date_precision: testigo_core::DatePrecision::Unresolved,
        event_type: testigo_core::EventType::StrategicDevelopments,
        sub_event_type: testigo_core::SubEventType::Other,
        harms: Vec::new(),
        location: None,
        perpetrators: Vec::new(),
        victims: testigo_core::Victims::default(),
        fatalities: None,
        injured: None,
        missing: None,
        detained: None,
        displaced: None,
        claims: Vec::new(),
        contested: Vec::new(),
        date_text: None,
        evidence: Default::default(),
    }
}
