//! Pure, sans-IO extraction of incidents from English and Spanish report text.
//!
//! [`Extractor::extract`] takes a text, an optional publication date (the anchor for relative
//! dates) and an optional language, and returns the incidents the text reports, coded with
//! ACLED's vocabulary, each field with byte-span evidence into the text (see
//! `testigo_core::Incident`). The stages:
//!
//! 1. [`text`]: tokens (with folded forms), sentences and paragraphs;
//! 2. [`lexicon`]: bilingual cues (harms, perpetrators, victims, negation, modality,
//!    attribution) matched over folded tokens;
//! 3. [`places`]: gazetteer matches and their disambiguation; [`dates`]: date expressions;
//!    [`numbers`]: numbers in digits and words;
//! 4. assembly: sentences that report a completed harmful act become incidents; later sentences
//!    about the same event (no new place or date) join them; attributed statements become claims.
//!
//! **Invariants.** No I/O, no clock, no randomness: the same text, date and gazetteer give
//! byte-identical output. Extraction never fails: odd input yields fewer findings, not errors.
//! Every field that is set has evidence spans.

#![deny(missing_docs)]

pub mod dates;
pub mod lexicon;
pub mod numbers;
pub mod places;
pub mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use testigo_core::{
    ActorCategory, Claim, DatePrecision, EventType, Harm, Incident, Language, Location, Perpetrator, Span, Stance,
    SubEventType, Victims,
};
use testigo_gazetteer::{Gazetteer, Kind};

use crate::dates::DateMention;
use crate::lexicon::{Cue, CueMatch, Lexicon};
use crate::places::{PlaceMention, Role};
use crate::text::Doc;

thread_local! {
    /// See [`Extractor::extract_many`].
    static PLACES_SCRATCH: std::cell::RefCell<places::Scratch> = std::cell::RefCell::new(places::Scratch::new());
    /// See [`Recycled`].
    static RECYCLED: std::cell::RefCell<Recycled> = std::cell::RefCell::new(Recycled::default());
}

/// The vectors that one call of [`Extractor::extract_many`] fills and drops (each sentence's
/// cues and facts, the word ids), kept by the thread for its next call: emptied, with their
/// memory. A call of one short text would otherwise allocate a dozen small vectors afresh.
/// Results never depend on what they held.
#[derive(Default)]
struct Recycled {
    /// Sentences' facts, every vector empty and the cues taken out (to `cue_lists`).
    facts: Vec<SentenceFacts>,
    /// Empty lists of sentences' facts.
    fact_lists: Vec<Vec<SentenceFacts>>,
    /// Empty cue lists.
    cue_lists: Vec<Vec<CueMatch>>,
    /// The matches at one token (see [`Extractor::cues`]).
    matches: Vec<CueMatch>,
    /// A document's word ids.
    ids: Vec<u32>,
    /// Documents' arenas of folded forms (see [`Doc::new_in`]).
    arenas: Vec<String>,
    /// An incident's evidence while it is built (see [`Extractor::build_incident`]).
    evidence: Vec<(u8, Span)>,
}

impl Recycled {
    /// Most vectors of each kind kept: plenty for a batch of short texts, and a bound after a
    /// long one.
    const KEEP: usize = 1024;

    /// An empty cue list.
    fn cue_list(&mut self) -> Vec<CueMatch> {
        self.cue_lists.pop().unwrap_or_default()
    }

    /// Facts of a sentence with `cues`, everything else empty (as `SentenceFacts::default()`).
    fn facts(&mut self, cues: Vec<CueMatch>) -> SentenceFacts {
        let mut f = self.facts.pop().unwrap_or_default();
        f.cues = cues;
        f
    }

    /// Takes back the facts of a finished document.
    fn keep(&mut self, mut list: Vec<SentenceFacts>) {
        for f in list.drain(..) {
            // Only the vectors are kept: every other field starts again from its default.
            let SentenceFacts { mut cues, mut harms, mut none, mut perps, mut dates, mut report_dates, mut places, .. } = f;
            if self.cue_lists.len() < Self::KEEP {
                cues.clear();
                self.cue_lists.push(cues);
            }
            if self.facts.len() < Self::KEEP {
                harms.clear();
                none.clear();
                perps.clear();
                dates.clear();
                report_dates.clear();
                places.clear();
                self.facts.push(SentenceFacts { harms, none, perps, dates, report_dates, places, ..SentenceFacts::default() });
            }
        }
        if self.fact_lists.len() < Self::KEEP {
            self.fact_lists.push(list);
        }
    }
}

/// Most incidents one document yields (the first ones, in text order).
pub const MAX_INCIDENTS: usize = 500;

/// What to extract from.
#[derive(Debug, Clone, Copy)]
pub struct ExtractInput<'a> {
    /// The report text (UTF-8). Evidence offsets are byte offsets into it.
    pub text: &'a str,
    /// Publication date: the anchor for relative dates. `None` leaves relative dates unresolved.
    pub published: Option<NaiveDate>,
    /// Language if known; detected from the text otherwise.
    pub language: Option<Language>,
}

/// The result of extracting one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    /// Given or detected language.
    pub language: Language,
    /// Incidents in the order the text first reports them.
    pub incidents: Vec<Incident>,
}

/// The extractor: a gazetteer plus the compiled lexicon. Build once, use for many texts; it is
/// `Sync`, so threads may share it.
pub struct Extractor {
    gaz: &'static Gazetteer,
    lex: Lexicon,
    /// ISO codes indexed by `Cue::Demonym`.
    demonym_ccs: Vec<String>,
}

/// Everything found in one sentence.
#[derive(Default)]
struct SentenceFacts {
    cues: Vec<CueMatch>,
    /// Harm cues that are asserted (not negated, not hypothetical).
    harms: Vec<(Harm, usize, usize)>,
    /// Harms explicitly denied ("no one was hurt"): count set to 0.
    none: Vec<(Harm, usize, usize)>,
    strong: bool,
    attack: bool,
    weak: bool,
    related: bool,
    another: bool,
    says: bool,
    perps: Vec<(ActorCategory, usize, usize, bool)>,
    dates: Vec<DateMention>,
    report_dates: Vec<usize>,
    places: Vec<usize>,
}

impl Extractor {
    /// An extractor over `gaz` (usually `Gazetteer::embedded()`).
    pub fn new(gaz: &'static Gazetteer) -> Extractor {
        // Demonyms join the cue lexicon, so one lookup per token finds both.
        let mut lex = Lexicon::new();
        let mut demonym_ccs: Vec<String> = Vec::new();
        for e in gaz.demonyms() {
            let k = match demonym_ccs.iter().position(|c| c == e.cc()) {
                Some(k) => k,
                None => {
                    demonym_ccs.push(e.cc().to_string());
                    demonym_ccs.len() - 1
                }
            };
            lex.add_phrase(&testigo_gazetteer::fold::key(e.name()), Cue::Demonym(k as u16));
        }
        Extractor { gaz, lex, demonym_ccs }
    }

    /// Extracts the incidents of one text. Never fails; see the crate docs for the rules.
    /// The same as [`Extractor::extract_many`] on a slice of one.
    pub fn extract(&self, input: ExtractInput<'_>) -> Extraction {
        let mut one = self.extract_many(std::slice::from_ref(&input));
        one.pop().unwrap_or(Extraction { language: input.language.unwrap_or(Language::En), incidents: Vec::new() })
    }

    /// Extracts the incidents of many texts: one [`Extraction`] per input, in order, each
    /// exactly what [`Extractor::extract`] gives for that text alone (texts never influence
    /// each other).
    ///
    /// The work runs phase by phase over all the texts (tokenise them all, then match the
    /// lexicon in all, then find places, date and classify sentences, then build incidents),
    /// not text by text: one phase's code and branch history stay warm in the processor
    /// across texts, which makes short texts (a 240-byte note runs every phase for a few
    /// microseconds) 3 to 10% faster than one call each. Memory grows with the batch:
    /// callers pass tens of short texts, not a corpus (`testigo extract` passes up to 64
    /// lines or about 1 MB).
    pub fn extract_many(&self, inputs: &[ExtractInput<'_>]) -> Vec<Extraction> {
        // The thread's kept vectors (see `Recycled`), handed back at the end.
        let mut rec = RECYCLED.with(|cell| cell.try_borrow_mut().map(|mut r| std::mem::take(&mut *r)).unwrap_or_default());
        // The folded forms that differ from the text, one arena per document (kept ones first).
        let mut arenas = std::mem::take(&mut rec.arenas);
        arenas.resize_with(inputs.len(), String::new);
        for (arena, input) in arenas.iter_mut().zip(inputs) {
            arena.clear();
            arena.reserve(input.text.len() / 2);
        }
        let docs: Vec<Doc<'_>> = inputs.iter().zip(arenas.iter_mut()).map(|(i, arena)| Doc::new_with_lexicon(i.text, arena, &self.lex)).collect();
        let mut languages = Vec::with_capacity(docs.len());
        let cues: Vec<Vec<Vec<CueMatch>>> = docs
            .iter()
            .zip(inputs)
            .map(|(doc, input)| {
                let mut ids = std::mem::take(&mut rec.ids);
                // Found by the tokeniser (see `Doc::new_with_lexicon`).
                ids.clear();
                ids.extend(doc.tokens.iter().map(|t| t.word));
                languages.push(input.language.unwrap_or_else(|| self.lex.language(&ids)));
                let cues = self.cues(doc, &ids, &mut rec);
                rec.ids = ids;
                cues
            })
            .collect();
        // The working memory of place finding is kept by the thread from call to call (a call
        // of one text would otherwise allocate it afresh); results never depend on it.
        let found: Vec<(Vec<PlaceMention>, Vec<(usize, String)>)> = PLACES_SCRATCH.with(|cell| {
            let mut fresh = None;
            let mut kept = cell.try_borrow_mut();
            let scratch = match kept.as_deref_mut() {
                Ok(s) => s,
                Err(_) => fresh.insert(places::Scratch::new()),
            };
            docs.iter().zip(&cues).map(|(doc, cues)| self.places(doc, cues, scratch)).collect()
        });
        let facts: Vec<Vec<SentenceFacts>> = docs
            .iter()
            .zip(cues)
            .zip(&found)
            .zip(inputs.iter().zip(&languages))
            .map(|(((doc, cues), (places, _)), (input, &language))| self.analyse(doc, language, input.published, places, cues, &mut rec))
            .collect();
        let mut evidence = std::mem::take(&mut rec.evidence);
        let out = docs
            .iter()
            .zip(&facts)
            .zip(&found)
            .zip(languages)
            .zip(inputs)
            .map(|((((doc, facts), (places, demonyms)), language), input)| {
                let mut incidents = self.assemble(doc, facts, places, demonyms, &mut evidence);
                drop_background(&mut incidents, input.published);
                Extraction { language, incidents }
            })
            .collect();
        rec.evidence = evidence;
        for list in facts {
            rec.keep(list);
        }
        PLACES_SCRATCH.with(|cell| {
            if let Ok(mut scratch) = cell.try_borrow_mut() {
                for (places, demonyms) in found {
                    scratch.recycle(places, demonyms);
                }
            }
        });
        drop(docs);
        // Arenas of a long text are not kept.
        arenas.retain(|a| a.capacity() <= 1 << 20);
        arenas.truncate(Recycled::KEEP);
        rec.arenas = arenas;
        RECYCLED.with(|cell| {
            if let Ok(mut r) = cell.try_borrow_mut() {
                *r = rec;
            }
        });
        out
    }

    /// Place mentions and demonyms of a document whose sentences carry `cues`.
    fn places(&self, doc: &Doc<'_>, cues: &[Vec<CueMatch>], scratch: &mut places::Scratch) -> (Vec<PlaceMention>, Vec<(usize, String)>) {
        // Only sentences that carry a cue, and their neighbours, can hold an incident's place,
        // or its context: the gazetteer is not walked over the rest.
        let mut mask: Vec<bool> = cues.iter().map(|c| c.iter().any(|m| !matches!(m.cue, Cue::LocIn | Cue::LocNear | Cue::LocFrom | Cue::LocTo | Cue::Neg | Cue::Another))).collect();
        // Widened in place to the neighbours: `prev` keeps the sentence before as it was.
        let mut prev = false;
        for i in 0..mask.len() {
            let cued = mask[i];
            mask[i] = cued || prev || mask.get(i + 1).copied().unwrap_or(false);
            prev = cued;
        }
        places::find(doc, self.gaz, cues, &self.demonym_ccs, &mask, scratch)
    }

    /// Lexicon cues of every sentence: at each token the longest matches, then past them.
    /// `ids` are the tokens' [`Lexicon::word_id`]s.
    fn cues(&self, doc: &Doc<'_>, ids: &[u32], rec: &mut Recycled) -> Vec<Vec<CueMatch>> {
        let mut buf = std::mem::take(&mut rec.matches);
        // Each sentence's cues go to a recycled list (see `Recycled`).
        let all = doc
            .sentences
            .iter()
            .map(|s| {
                let mut cues = rec.cue_list();
                let mut i = s.t0;
                while i < s.t1 {
                    // Most tokens start no phrase: a cheap test skips them.
                    if !self.lex.may_match_at(ids, |k| doc.f(k), i) {
                        i += 1;
                        continue;
                    }
                    buf.clear();
                    self.lex.matches_at(ids, |k| doc.f(k), i, s.t1, &mut buf);
                    if let Some(len) = buf.first().map(|m| m.t1 - m.t0) {
                        for m in &buf {
                            if !cues.contains(m) {
                                cues.push(*m);
                            }
                        }
                        i += len;
                    } else {
                        i += 1;
                    }
                }
                cues
            })
            .collect();
        rec.matches = buf;
        all
    }

    fn analyse(&self, doc: &Doc<'_>, lang: Language, published: Option<NaiveDate>, places: &[PlaceMention], cues: Vec<Vec<CueMatch>>, rec: &mut Recycled) -> Vec<SentenceFacts> {
        let mut out = rec.fact_lists.pop().unwrap_or_default();
        out.reserve(doc.sentences.len());
        let mut prev_date: Option<NaiveDate> = None;
        let mut pi = 0usize;
        for ((si, s), cues) in doc.sentences.iter().enumerate().zip(cues) {
            let mut f = rec.facts(cues);
            while pi < places.len() && places[pi].sentence < si {
                pi += 1;
            }
            let mut k = pi;
            while k < places.len() && places[k].sentence == si {
                if places[k].chosen.is_some() {
                    f.places.push(k);
                }
                k += 1;
            }
            dates::find_into(doc, s.t0, s.t1, lang, published, prev_date, &mut f.dates);
            let signing = !f.dates.is_empty() && places::signing_line(doc, si);
            for (di, d) in f.dates.iter().enumerate() {
                // "said on Monday", "informó el lunes": the date of the report, not of the event.
                // "since Christmas", "desde el lunes": the start of a state, not the event.
                // But "missing since Thursday", "desaparecidos desde el jueves" date the
                // disappearance.
                let missing_since = || f.cues.iter().any(|c| matches!(c.cue, Cue::Harm(Harm::Disappearance)) && c.t1 <= d.t0 && d.t0 - c.t1 <= 1 && matches!(doc.f(c.t1), "since" | "desde"));
                let report = ((d.t0.saturating_sub(3).max(s.t0)..d.t0).any(|x| matches!(doc.f(x), "since" | "desde" | "published" | "publicado")) && !missing_since())
                    || f.cues.iter().any(|c| {
                        // "relató que el 12 de marzo…": after "que"/"that" the date is the
                        // reported event's, not the report's.
                        // "De acuerdo con la denuncia, el 11-09-2022…": the source named after
                        // "according to" is a noun, not a report verb.
                        // (Asked last: rare.)
                        let source_noun = || f.cues.iter().any(|a| matches!(a.cue, Cue::According) && a.t1 <= c.t0 && c.t0 - a.t1 <= 2);
                        matches!(c.cue, Cue::Say) && c.t1 <= d.t0 && d.t0 - c.t1 <= 2 && !(c.t1..d.t0).any(|x| matches!(doc.f(x), "que" | "that")) && !source_noun()
                    });
                // "El sábado, la Fiscalía informó que…": a date opening the sentence, then the
                // speaker and the report verb.
                let opens_report = || {
                    d.t0 <= s.t0 + 1 && doc.gap_before(d.t1).trim() == "," && f.cues.iter().any(|c| matches!(c.cue, Cue::Say) && c.t0 > d.t1 && c.t0 - d.t1 <= 4 && !clause_break(doc, d.t1 + 1, c.t0))
                };
                // "will march on Saturday", "saldrán en caravana el próximo domingo": a date of
                // what is to come is no incident's.
                let future = || (d.t0.saturating_sub(8).max(s.t0)..d.t0).any(|x| matches!(doc.f(x), "will" | "proximo" | "proxima") && !clause_break(doc, x + 1, d.t0));
                // "the toll rose to nine on Tuesday": the day of the count, not of the act.
                let toll_update = || (d.t0.saturating_sub(4).max(s.t0)..d.t0).any(|x| matches!(doc.f(x), "rose" | "risen" | "climbed" | "ascendio" | "subio" | "aumento" | "increased"));
                // "arrested two suspects on March 6", "capturó ayer al presunto asesino": the day
                // of the arrest.
                // "Saltillo, Coahuila, a 8 de abril de 2024": the date a letter was signed.
                if report || opens_report() || future() || toll_update() || arrest_of_suspect(doc, &f.cues, d.t0) || signing {
                    f.report_dates.push(di);
                }
            }
            if let Some(d) = f.dates.iter().filter_map(|d| d.end).next_back() {
                prev_date = Some(d);
            }
            self.classify(doc, s.t0, s.t1, &mut f);
            out.push(f);
        }
        out
    }

    fn classify(&self, doc: &Doc<'_>, t0: usize, t1: usize, f: &mut SentenceFacts) {
        let cues = std::mem::take(&mut f.cues);
        // (Asked only of a perpetrator kept.)
        let alleged_sentence = || cues.iter().any(|c| matches!(c.cue, Cue::Alleged));
        // Does the sentence tell a rescue? Asked only about state forces, and answered once
        // (sentences can be very long).
        let rescue_told = std::cell::OnceCell::new();
        let rescue = || {
            *rescue_told.get_or_init(|| {
                (t0..t1).any(|k| {
                    let w = doc.f(k);
                    w.starts_with("rescat") || w.starts_with("liberad") || matches!(w, "rescued" | "freed" | "rescue" | "liberaron" | "rescate")
                })
            })
        };
        for (ci, c) in cues.iter().enumerate() {
            // "asesinó", "mató", "golpeó", "agredió": with the accent a verb in the past; without
            // it "el asesino" (the killer), "Mato Grosso".
            if c.t1 - c.t0 == 1 && matches!(c.cue, Cue::Harm(_) | Cue::AttackAct) && matches!(doc.f(c.t0), "asesino" | "mato" | "golpeo" | "agredio" | "ataco" | "embosco") && !doc.raw(c.t0).ends_with(['ó', 'Ó']) {
                continue;
            }
            // "el río Masacre", "Calle Matanza": a capitalised harm word after a kind of place
            // is a name.
            if matches!(c.cue, Cue::Harm(_)) && c.t0 > t0 && doc.tokens[c.t0].upper && matches!(doc.f(c.t0 - 1), "rio" | "river" | "arroyo" | "calle" | "colonia" | "barrio" | "puente" | "paso" | "cerro" | "laguna") {
                continue;
            }
            // Negation and modality look back a few tokens within the clause.
            // (Most sentences have no such cue before the act at all: looked for first, before
            // the clause is walked.)
            let window = |pred: &dyn Fn(&Cue) -> bool, n: usize| {
                cues[..ci].iter().any(|p| pred(&p.cue)) && cues[..ci].iter().rev().take_while(|p| c.t0.saturating_sub(p.t1) <= n && !clause_break(doc, p.t1, c.t0)).any(|p| pred(&p.cue))
            };
            match c.cue {
                // "No one was killed or injured", "no hubo muertos ni heridos": the harm joined
                // to a denied one is denied too.
                Cue::Harm(h) if ci > 0 && matches!(cues[ci - 1].cue, Cue::NoneHarmed(_)) && c.t0 == cues[ci - 1].t1 + 1 && matches!(doc.f(c.t0 - 1), "or" | "nor" | "ni" | "o") => {
                    f.none.push((h, c.t0, c.t1));
                }
                // "The body was found with gunshot wounds": the wounds of the dead are no injury.
                Cue::Harm(Harm::Injury)
                    if (matches!(doc.f(c.t1 - 1), "wounds" | "wound") || (c.t1 - c.t0 > 2 && doc.f(c.t0) == "heridas" && doc.f(c.t0 + 1) == "de"))
                        // (A death or a body told before the wounds: "Two of them had gunshot
                        // wounds, and the body of a third man was found" hurt two.)
                        && (cues[..ci].iter().any(|x| matches!(x.cue, Cue::Harm(Harm::Killing))) || (t0..c.t0).any(|k| matches!(doc.f(k), "body" | "bodies" | "cuerpo" | "cuerpos" | "cadaver" | "cadaveres" | "remains" | "restos")))
                        // "four more were treated for gunshot wounds": the living are treated.
                        && !(c.t0.saturating_sub(3).max(t0)..c.t0).any(|k| matches!(doc.f(k), "treated" | "atendidos" | "atendidas" | "atendido" | "atendida")) => {}
                // "La zona es conocida por la masacre de 72 migrantes", "recalled the killing of":
                // an older incident recalled, not this one.
                Cue::Harm(_) if (c.t0.saturating_sub(3).max(t0)..c.t0).any(|k| matches!(doc.f(k), "conocida" | "conocido" | "known" | "recordo" | "recordaron" | "recalled" | "remembered" | "aniversario" | "anniversary" | "conmemoracion" | "commemorate" | "commemorating" | "conmemorar")) => {}
                Cue::Harm(h) => {
                    // "No one else was hurt" says nothing about the count of those who were.
                    let others = (c.t0.saturating_sub(4).max(t0)..c.t0).any(|k| matches!(doc.f(k), "else" | "mas" | "demas" | "other" | "others" | "further"));
                    // "None of the eleven passengers was hurt", "ninguno de los pasajeros resultó
                    // herido": the quantifier reaches over the noun phrase it heads.
                    let none_of = || {
                        let quantifier = |p: &CueMatch| matches!(p.cue, Cue::Neg) && matches!(doc.f(p.t0), "none" | "ninguno" | "ninguna") && matches!(doc.f(p.t1), "of" | "de");
                        // Rare: looked for before the clause is checked.
                        cues[..ci].iter().any(quantifier) && cues[..ci].iter().rev().take_while(|p| c.t0.saturating_sub(p.t1) <= 8 && !clause_break(doc, p.t1, c.t0)).any(quantifier)
                    };
                    let negated = window(&|p| matches!(p, Cue::Neg), 4) || none_of();
                    if negated && others {
                        // Neither a harm nor a zero.
                    } else if negated {
                        f.none.push((h, c.t0, c.t1));
                    } else if cues[..ci].iter().any(|p| matches!(p.cue, Cue::Hyp)) && cues[..ci].iter().rev().take_while(|p| c.t0.saturating_sub(p.t1) <= 3 && !clause_break(doc, p.t1, c.t0)).any(|p| matches!(p.cue, Cue::Hyp) && !(doc.f(p.t0) == "may" && doc.tokens[p.t0].upper) && !governed_elsewhere(doc, p.t1, c.t0))
                        || in_hypothetical_list(doc, &cues, ci)
                    {
                        // Hypothetical or planned: not an act.
                    } else {
                        f.harms.push((h, c.t0, c.t1));
                        if h != Harm::Threat || !window(&|p| matches!(p, Cue::Neg), 6) {
                            f.strong = true;
                        }
                        // "shot a Guatemalan woman in the shoulder", "le dispararon en una
                        // pierna": a shot in a limb or the trunk wounds, when no death is told.
                        if h == Harm::Shooting && shot_in_body(doc, c.t1, t1) && !cues.iter().any(|x| matches!(x.cue, Cue::Harm(Harm::Killing))) {
                            f.harms.push((Harm::Injury, c.t0, c.t1));
                        }
                    }
                }
                Cue::NoneHarmed(h) => f.none.push((h, c.t0, c.t1)),
                Cue::AttackAct => {
                    if !window(&|p| matches!(p, Cue::Neg | Cue::Hyp), 4) {
                        f.attack = true;
                        f.strong = true;
                    }
                }
                Cue::Weak(_) => {
                    let negated = window(&|p| matches!(p, Cue::Neg), 3);
                    let w = doc.f(c.t0);
                    if negated && matches!(w, "attack" | "attacks" | "ataque" | "ataques" | "violence" | "violencia") {
                        f.none.push((Harm::Killing, c.t0, c.t1));
                    } else if !negated && !window(&|p| matches!(p, Cue::Hyp), 3) {
                        f.weak = true;
                        // "the killing of a teenager", "la desaparición de dos estudiantes":
                        // a nominal act with a specific victim reports an act.
                        // ", killing four farmers", "killing one of its presenters": a verb.
                        let prev = if c.t0 > t0 { doc.f(c.t0 - 1) } else { "" };
                        let verbal = matches!(w, "killing" | "shooting") && !matches!(doc.f(c.t1), "of" | "spree" | "was" | "is" | "has" | "took") && !matches!(prev, "the" | "a" | "this" | "that" | "second" | "another" | "first" | "latest" | "s" | "his" | "her" | "their");
                        if verbal {
                            f.harms.push((if w == "killing" { Harm::Killing } else { Harm::Shooting }, c.t0, c.t1));
                            f.strong = true;
                            continue;
                        }
                        let nominal_harm = match w {
                            "killing" | "murder" | "asesinato" | "homicidio" => Some(Harm::Killing),
                            // "en protesta por la muerte de un joven salvadoreño".
                            "death" | "muerte" => Some(Harm::Killing),
                            "shooting" => Some(Harm::Shooting),
                            "attack" | "ataque" => None,
                            _ => Some(Harm::Killing).filter(|_| false),
                        };
                        if let Some(h) = nominal_harm {
                            if victim_follows(doc, &cues, c.t1, t1) {
                                f.harms.push((h, c.t0, c.t1));
                                f.strong = true;
                            }
                        }
                    }
                }
                // "taken off a bus by armed men", "encapuchados … se llevó a un par de
                // catequistas", "seized three brothers": people taken by an armed group (state
                // forces take people too: "agentes del INM se llevaron a decenas" is a detention).
                // "forced eleven of the passengers into pickup trucks", "forced a couple off a
                // bus": "forced" with "into"/"off" after its object (not "forced to flee").
                Cue::TakenAway if doc.f(c.t0) == "forced" && c.t1 == c.t0 + 1 && (doc.f(c.t1) == "to" || !(c.t1..(c.t1 + 9).min(t1)).any(|k| matches!(doc.f(k), "into" | "off" | "onto" | "out"))) => {}
                // "struck one man on the head with a baton": a blow to a person (not "struck by a
                // car", "struck a deal").
                Cue::TakenAway if doc.f(c.t0) == "struck" && c.t1 == c.t0 + 1 => {
                    let person = cues.iter().any(|p| matches!(p.cue, Cue::Victim(_) | Cue::Demonym(_)) && p.t0 > c.t0 && p.t0 <= c.t1 + 3) || matches!(doc.f(c.t1), "him" | "her" | "them");
                    if person && !matches!(doc.f(c.t1), "by" | "down") && !window(&|p| matches!(p, Cue::Neg | Cue::Hyp), 4) {
                        f.harms.push((Harm::Injury, c.t0, c.t1));
                        f.strong = true;
                    }
                }
                Cue::TakenAway => {
                    // The agent after "by"/"por" when the text names it there, else any in the
                    // sentence ("… by armed men …, the driver told state police").
                    let agent = cues.iter().find(|p| matches!(p.cue, Cue::Perp(_)) && p.t0 > c.t0 && p.t0 <= c.t1 + 4 && p.t0 > 0 && matches!(doc.f(p.t0 - 1), "by" | "por"));
                    let perps = |cats: &dyn Fn(ActorCategory) -> bool| match agent {
                        Some(p) => matches!(p.cue, Cue::Perp(cat) if cats(cat)),
                        None => cues.iter().any(|p| matches!(p.cue, Cue::Perp(cat) if cats(cat))),
                    };
                    let state_cat = |cat: ActorCategory| matches!(cat, ActorCategory::Police | ActorCategory::Military | ActorCategory::ImmigrationAuthority);
                    let armed = perps(&|cat| matches!(cat, ActorCategory::CriminalGroup | ActorCategory::UnidentifiedArmedGroup)) && !perps(&state_cat);
                    // ("seized" takes goods too: only a victim noun right after it.)
                    let seized = doc.f(c.t0) == "seized";
                    let (from, to) = if seized { (c.t1, c.t1 + 3) } else { (c.t1.saturating_sub(24).max(t0), c.t1 + 5) };
                    let people = cues.iter().any(|p| (matches!(p.cue, Cue::Victim(_)) || (matches!(p.cue, Cue::Demonym(_)) && !seized)) && p.t0 >= from && p.t0 <= to);
                    // By state agents the same words tell a detention: "agentes migratorios bajaron
                    // de un autobús a once migrantes", "policías sacaron de sus casas a dos jóvenes".
                    let state = perps(&state_cat);
                    let told = people && !window(&|p| matches!(p, Cue::Neg | Cue::Hyp), 4);
                    if told && armed {
                        f.harms.push((Harm::Abduction, c.t0, c.t1));
                        f.strong = true;
                    } else if told && state && doc.f(c.t0) != "forced" {
                        f.harms.push((Harm::Detention, c.t0, c.t1));
                        f.strong = true;
                    }
                }
                Cue::Related => f.related = true,
                Cue::Another => f.another = true,
                Cue::Say | Cue::According => f.says = true,
                Cue::Perp(cat) => {
                    // "Residents of Guasave accuse state police of…", "Vecinos responsabilizan a
                    // un grupo…": who accuses is not who did it ("accused of", "acusados de": the
                    // accused are).
                    // An accusation verb is both a report and an allegation in the lexicon.
                    let later = &cues[ci + 1..];
                    // (An accusation needs an allegation cue: looked for first.)
                    let accuser = later.iter().any(|m| matches!(m.cue, Cue::Alleged)) && later.iter().take_while(|n| n.t0 <= c.t1 + 6 && !(c.t1..=n.t0).any(|k| doc.gap_before(k).contains([';', '.']))).any(|n| {
                        matches!(n.cue, Cue::Say) && later.iter().any(|m| m.t0 == n.t0 && matches!(m.cue, Cue::Alleged)) && !matches!(doc.f(n.t1), "of" | "de")
                    });
                    if !accuser && is_perpetrator(doc, &cues, ci, t1, &rescue) {
                        f.perps.push((cat, c.t0, c.t1, alleged_sentence()));
                    }
                }
                Cue::Protest | Cue::Riot | Cue::Clash | Cue::Explosion | Cue::Seizure => {
                    if !window(&|p| matches!(p, Cue::Neg | Cue::Hyp), 4) && !(matches!(c.cue, Cue::Protest) && is_plan(doc, c.t0, t0)) {
                        f.strong = true;
                    }
                }
                _ => {}
            }
        }
        f.cues = cues;
    }

    /// The incidents of a document: its sentences grouped, then each group built.
    /// `evidence` is a buffer for [`Extractor::build_incident`].
    fn assemble(&self, doc: &Doc<'_>, facts: &[SentenceFacts], places: &[PlaceMention], demonyms: &[(usize, String)], evidence: &mut Vec<(u8, Span)>) -> Vec<Incident> {
        // 1. Group sentences into incidents.
        struct Group {
            sentences: Vec<usize>,
            event_sentences: Vec<usize>,
            loc: Option<usize>,
            date: Option<(usize, usize)>,
            lead_in: bool,
            /// Some act sentence tells a detention.
            detention: bool,
        }
        let mut groups: Vec<Group> = Vec::new();
        let mut last_event_par: Option<u32> = None;
        for (si, f) in facts.iter().enumerate() {
            let par = doc.sentences[si].paragraph;
            if f.strong {
                let loc = self.best_place(doc, f, places);
                let date = best_date(f);
                // "This is the second killing…", "Otro migrante fue asesinado…": an ordinal or
                // "another" right before the act announces a different incident.
                // (Both asked only where they can decide: most acts have a place or a date, and
                // are the document's first.)
                let ordinal = || f.harms.first().is_some_and(|h| {
                    (h.1.saturating_sub(3).max(doc.sentences[si].t0)..h.1).any(|k| matches!(doc.f(k), "second" | "third" | "another" | "segundo" | "segunda" | "tercer" | "tercero" | "tercera" | "otro" | "otra" | "nuevo" | "nueva"))
                });
                let anaphoric = || f.cues.iter().any(|c| matches!(c.cue, Cue::Anaphor));
                // "…fue retenido por la Patrulla Fronteriza en El Paso. Tras sentirse mal, fue
                // trasladado a Lordsburg, donde falleció": a death told right after a detention,
                // with no new victim named, is the same person's fate.
                let died_after_detention = groups.last().is_some_and(|g| {
                    g.detention && doc.sentences[*g.event_sentences.last().unwrap_or(&0)].paragraph == par
                }) && !f.harms.is_empty()
                    && f.harms.iter().all(|h| matches!(h.0, Harm::Killing | Harm::DeathInCustody))
                    && !f.cues.iter().any(|c| matches!(c.cue, Cue::Victim(_)));
                let start_new = match groups.last() {
                    None => true,
                    Some(_) if died_after_detention => false,
                    Some(g) if anaphoric() && !(g.loc.is_some() && loc.is_some_and(|l| g.loc.is_some_and(|gl| self.places_differ(&places[gl], &places[l])))) => false,
                    Some(_) if loc.is_none() && date.is_none() && ordinal() => true,
                    Some(g) => {
                        // A country alone (where victims come from, where families live)
                        // does not open a new incident unless the text says it is another.
                        let loc_differs = match (g.loc, loc) {
                            (Some(a), Some(b)) => self.places_differ(&places[a], &places[b]) && (self.rank_place(&places[b]) < 2 || f.another),
                            _ => false,
                        };
                        let date_differs = match (g.date, date) {
                            (Some(a), Some(b)) => dates_differ(&facts[a.0].dates[a.1], &facts[si].dates[b]),
                            _ => false,
                        };
                        let far = last_event_par.is_some_and(|p| par > p + 3);
                        loc_differs || date_differs || (far && (loc.is_some() || date.is_some()))

                    }
                };
                if start_new {
                    // Sentences just before the act that already speak of it ("denunciamos el
                    // ataque que sufrieron… el pasado sábado en Matías Romero") belong to it.
                    // Context before the act, in its paragraph or the one before, gives a date
                    // or place the act's own sentence lacks.
                    let taken = groups.last().and_then(|g| g.sentences.last().copied());
                    let mut lead: Vec<usize> = Vec::new();
                    let mut k = si;
                    while k > 0 && si - k < 4 {
                        k -= 1;
                        if taken.is_some_and(|t| t >= k) || doc.sentences[k].paragraph + 1 < par || facts[k].strong {
                            break;
                        }
                        lead.push(k);
                    }
                    lead.reverse();
                    lead.push(si);
                    groups.push(Group {
                        sentences: lead,
                        event_sentences: vec![si],
                        loc,
                        date: date.map(|d| (si, d)),
                        lead_in: loc.is_none() && date.is_none() && ordinal(),
                        detention: f.harms.iter().any(|h| h.0 == Harm::Detention),
                    });
                } else if let Some(g) = groups.last_mut() {
                    // The sentences of this paragraph before the act tell its circumstances
                    // ("On Sunday 18 August, two officers stopped four migrants…").
                    let mut k = si;
                    let last_before = g.sentences.iter().copied().max();
                    while k > 0 && doc.sentences[k - 1].paragraph == par && last_before.is_some_and(|last| last < k - 1) {
                        k -= 1;
                        g.sentences.push(k);
                    }
                    g.sentences.push(si);
                    g.event_sentences.push(si);
                    g.detention |= f.harms.iter().any(|h| h.0 == Harm::Detention);
                    // A finer place replaces a coarser one it lies in ("northern Mexico", then
                    // "the city of Saltillo"); a death after detention is placed where it happened.
                    let finer = match (g.loc, loc) {
                        (Some(a), Some(b)) => self.rank_place(&places[b]) < self.rank_place(&places[a]),
                        _ => false,
                    };
                    if g.loc.is_none() || finer || (died_after_detention && loc.is_some()) {
                        g.loc = loc.or(g.loc);
                    }
                    // "in mid-August … on Sunday 18 August": a day inside the range refines it.
                    let refines = match (g.date, date) {
                        (Some((gs, gd)), Some(d)) => {
                            let (a, b) = (&facts[gs].dates[gd], &facts[si].dates[d]);
                            a.precision != DatePrecision::Day && b.precision == DatePrecision::Day && matches!((a.start, a.end, b.start), (Some(x), Some(y), Some(z)) if x <= z && z <= y)
                        }
                        _ => false,
                    };
                    if g.date.is_none() || refines {
                        g.date = date.map(|d| (si, d));
                    }
                }
                last_event_par = Some(par);
            } else if let (Some(g), Some(lp)) = (groups.last_mut(), last_event_par) {
                let relevant = f.related || f.weak || f.says || !f.none.is_empty() || f.cues.iter().any(|c| matches!(c.cue, Cue::Anaphor | Cue::Weapon | Cue::VictimFired | Cue::Deny));
                if relevant && par <= lp + 3 {
                    g.sentences.push(si);
                }
            }
        }
        // A lead-in ("This is the second killing...") with neither place nor date joins the
        // incident that follows it; other place- and date-less groups join the previous one.
        let mut merged: Vec<Group> = Vec::new();
        let mut pending: Option<Group> = None;
        for g in groups {
            let bare = g.loc.is_none() && g.date.is_none();
            if let Some(p) = pending.take() {
                let mut g = g;
                let mut s = p.sentences;
                s.extend(g.sentences);
                g.sentences = s;
                let mut e = p.event_sentences;
                e.extend(g.event_sentences);
                g.event_sentences = e;
                merged.push(g);
                continue;
            }
            if bare && g.lead_in {
                pending = Some(g);
            } else if bare && !merged.is_empty() {
                if let Some(last) = merged.last_mut() {
                    last.sentences.extend(g.sentences);
                    last.event_sentences.extend(g.event_sentences);
                }
            } else {
                merged.push(g);
            }
        }
        if let Some(p) = pending {
            match merged.last_mut() {
                Some(last) => {
                    last.sentences.extend(p.sentences);
                    last.event_sentences.extend(p.event_sentences);
                }
                None => merged.push(p),
            }
        }
        // 2. Build incidents: at most MAX_INCIDENTS per document (a report tells a few; a text
        // with thousands is a compilation, and its first ones are kept).
        let mut speakers: Vec<(String, Stance)> = Vec::new();
        merged
            .into_iter()
            .take(MAX_INCIDENTS)
            .filter_map(|g| {
                let mut sentences = g.sentences;
                sentences.sort_unstable();
                sentences.dedup();
                self.build_incident(doc, facts, places, demonyms, &sentences, &g.event_sentences, g.loc, g.date, &mut speakers, evidence)
            })
            .collect()
    }

    fn best_place(&self, doc: &Doc<'_>, f: &SentenceFacts, places: &[PlaceMention]) -> Option<usize> {
        // Most sentences name no place: nothing to weigh (nor an act to anchor distances on).
        if f.places.is_empty() {
            return None;
        }
        let anchor = f.harms.first().map(|h| h.1).or_else(|| f.cues.iter().find(|c| matches!(c.cue, Cue::AttackAct | Cue::Protest | Cue::Clash | Cue::Riot | Cue::Explosion)).map(|c| c.t0)).unwrap_or(0);
        let mut best: Option<(usize, f32)> = None;
        let mut fallback: Option<usize> = None;
        for &pi in &f.places {
            let p = &places[pi];
            if matches!(p.role, Role::From | Role::To) || arrest_of_suspect(doc, &f.cues, p.t0) {
                continue;
            }
            // "Tucson police said": the police's town is where it acts, when no other place is
            // named.
            if names_an_institution(doc, &f.cues, p) {
                if fallback.is_none() && p.chosen.and_then(|c| self.gaz.lookup_index(c)).is_some_and(|e| e.kind() == Kind::Place) {
                    fallback = Some(pi);
                }
                continue;
            }
            // "marcharán el próximo sábado en Chilpancingo", "will march in X": where a planned
            // protest will be held, not where the act happened.
            let st0 = doc.sentences[p.sentence].t0;
            let future = |k: usize| {
                let w = doc.f(k);
                w == "will" || (w.len() > 6 && !doc.tokens[k].upper && (w.ends_with("aran") || w.ends_with("eran") || w.ends_with("iran")))
            };
            if (p.loc_prep && (p.t0.saturating_sub(5).max(st0)..p.t0).any(future)) || f.cues.iter().any(|c| matches!(c.cue, Cue::Protest) && c.t1 <= p.t0 && p.t0 - c.t1 <= 5 && is_plan(doc, c.t0, st0)) {
                continue;
            }
            // Places inside "said", "told X" phrases or datelines are weaker; the place closest
            // to the act and most specific wins.
            let Some(e) = p.chosen.and_then(|c| self.gaz.lookup_index(c)) else { continue };
            let spec = match e.kind() {
                Kind::Place => 3.0,
                Kind::Admin1 => 2.0,
                _ => 1.0,
            };
            let dist = p.t0.abs_diff(anchor) as f32;
            let mut score = spec * 10.0 - dist.min(40.0) * 0.3;
            // "in X", "en X" names where something happened.
            if p.loc_prep {
                score += 5.0;
            }
            // "in Tijuana, Baja California": a town whose own state is named beside it beats a
            // town elsewhere; a town in another state than the one named loses.
            if e.kind() == Kind::Place {
                let a1 = e.admin1().map(|a| a.index());
                // The admin1s of its country named in the sentence: any, and its own.
                let (mut named, mut own_named) = (false, false);
                for c in f.places.iter().filter_map(|&o| places[o].chosen) {
                    if self.gaz.lookup_index(c).is_some_and(|x| x.kind() == Kind::Admin1 && x.cc() == e.cc()) {
                        named = true;
                        own_named |= a1 == Some(c);
                    }
                }
                if own_named {
                    score += 15.0;
                } else if named {
                    score -= 25.0;
                }
            }
            // A dateline gives way to a town the body names ("AUSTIN, Texas (AP) — … east of
            // Uvalde"); alone, or against a country, it is where the act was ("CANCUN, Mexico
            // (AP) — … in this resort city").
            // A state or province of another country than the dateline's beats it too ("Washington,
            // D.C. - The Commission condemns the attack … in the Darién region of Panama").
            let beats_dateline = |o: usize| {
                let other = &places[o];
                !other.dateline
                    && !matches!(other.role, Role::From | Role::To)
                    && match self.rank_place(other) {
                        0 => true,
                        1 => other.chosen.and_then(|c| self.gaz.lookup_index(c)).is_some_and(|x| x.cc() != e.cc()),
                        _ => false,
                    }
            };
            if p.dateline && f.places.iter().any(|&o| beats_dateline(o)) {
                score -= 30.0;
            }
            // A place directly followed by its own admin1 ("Saltillo, Coahuila") is the specific one.
            if doc.gap_before(p.t0).contains('(') && doc.gap_before(p.t0).contains('—') {
                score -= 5.0;
            }
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((pi, score));
            }
        }
        best.map(|b| b.0).or(fallback)
    }

    /// 0 for a town, 1 for an admin1, 2 for a country (lower is finer).
    fn rank_place(&self, p: &PlaceMention) -> u8 {
        match p.chosen.and_then(|c| self.gaz.lookup_index(c)).map(|e| e.kind()) {
            Some(Kind::Place) => 0,
            Some(Kind::Admin1) => 1,
            _ => 2,
        }
    }

    fn places_differ(&self, a: &PlaceMention, b: &PlaceMention) -> bool {
        let (Some(ea), Some(eb)) = (a.chosen.and_then(|c| self.gaz.lookup_index(c)), b.chosen.and_then(|c| self.gaz.lookup_index(c))) else {
            return false;
        };
        if ea.index() == eb.index() {
            return false;
        }
        if ea.cc() != eb.cc() {
            return true;
        }
        // A place and its own admin1 (or country) are the same location at two precisions.
        let a1 = |e: &testigo_gazetteer::Entry<'_>| e.admin1().map(|x| x.index());
        match (ea.kind(), eb.kind()) {
            (Kind::Country, _) | (_, Kind::Country) => false,
            (Kind::Admin1, _) | (_, Kind::Admin1) => a1(&ea) != a1(&eb),
            _ => testigo_gazetteer::distance_km(ea.latitude(), ea.longitude(), eb.latitude(), eb.longitude()) > 30.0,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn build_incident(
        &self,
        doc: &Doc<'_>,
        facts: &[SentenceFacts],
        places: &[PlaceMention],
        demonyms: &[(usize, String)],
        sentences: &[usize],
        event_sentences: &[usize],
        loc: Option<usize>,
        date: Option<(usize, usize)>,
        speakers: &mut Vec<(String, Stance)>,
        evidence: &mut Vec<(u8, Span)>,
    ) -> Option<Incident> {
        // (field, span) in the order found, each pair once; grouped into the contract's map of
        // field → spans once at the end (one vector of the exact size a field).
        // Fields by their number in `EVIDENCE_FIELDS` (see `field`). The thread's buffer.
        evidence.clear();
        let span = |a: usize, b: usize| Span::new(doc.tokens[a].start, doc.tokens[b - 1].end);
        // At most this many spans back one field: enough to read why, bounded on huge texts.
        const MAX_SPANS: usize = 24;
        let mut ev = |k: u8, s: Span| {
            let mut n = 0;
            for &(key, sp) in evidence.iter() {
                if key == k {
                    if sp == s {
                        return;
                    }
                    n += 1;
                }
            }
            if n < MAX_SPANS {
                evidence.push((k, s));
            }
        };
        // Membership of sentences in this incident's acts: `event_sentences` is in text order.
        debug_assert!(event_sentences.is_sorted());
        let is_event_sentence = |si: usize| event_sentences.binary_search(&si).is_ok();
        // Does any sentence of the incident describe a clash or the victim firing first?
        // (Asked rarely: last, in one rule about claims.)
        let clash_told = || sentences.iter().any(|&o| facts[o].cues.iter().any(|x| matches!(x.cue, Cue::Clash | Cue::VictimFired)));
        // Harms.
        let mut harms: Vec<Harm> = Vec::new();
        let mut flags = (false, false, false, false, false, false); // protest, riot, clash, explosion, custody, attack
        let mut seizure = false;
        // A drug laboratory found or dismantled: property destroyed by the forces that find it.
        let mut lab = false;
        // Protest words that only say roads were blocked, and other protest words.
        let (mut blocking, mut protest_words) = (false, false);
        let mut crowd_span: Option<Span> = None;
        let mut clash_span: Option<Span> = None;
        // Whether an act word of the incident (the first word of a harm cue) passes `pred`.
        let act_word = |pred: &dyn Fn(&str) -> bool| event_sentences.iter().any(|&si| facts[si].harms.iter().any(|&(_, a, _)| pred(doc.f(a))));
        for &si in event_sentences {
            let f = &facts[si];
            for &(h, a, b) in &f.harms {
                if !harms.contains(&h) {
                    harms.push(h);
                }
                ev(field::HARMS, span(a, b));
            }
            for c in &f.cues {
                match c.cue {
                    Cue::Protest => {
                        flags.0 = true;
                        if matches!(doc.f(c.t0), "blocked" | "blockade" | "blockaded" | "bloquearon" | "bloqueo") {
                            blocking = true;
                        } else {
                            protest_words = true;
                        }
                        crowd_span.get_or_insert(span(c.t0, c.t1));
                    }
                    Cue::Riot => {
                        flags.1 = true;
                        crowd_span.get_or_insert(span(c.t0, c.t1));
                    }
                    Cue::Seizure => {
                        seizure = true;
                        lab |= matches!(doc.f(c.t1 - 1), "lab" | "labs" | "laboratory" | "laboratories" | "narcolaboratorio" | "narcolaboratorios" | "clandestino" | "clandestinos");
                    }
                    Cue::Clash => {
                        flags.2 = true;
                        clash_span.get_or_insert(span(c.t0, c.t1));
                    }
                    Cue::Explosion => flags.3 = true,
                    Cue::Custody => flags.4 = true,
                    Cue::AttackAct => flags.5 = true,
                    _ => {}
                }
            }
        }
        // A death while held (custody words, or a detention by state agents in the same
        // incident) with no violence reported is a death in custody.
        let first = |h: Harm| event_sentences.iter().copied().find(|&si| facts[si].harms.iter().any(|x| x.0 == h));
        let detained_by_state = || {
            event_sentences.iter().any(|&si| facts[si].perps.iter().any(|p| p.0.is_state()))
                && matches!((first(Harm::Detention), first(Harm::Killing)), (Some(d), Some(k)) if d < k)
        };
        // (The harms first: a killing with no violence told is rare.)
        if harms.contains(&Harm::Killing) && !harms.iter().any(|h| matches!(h, Harm::Shooting | Harm::Injury | Harm::Torture)) && (flags.4 || detained_by_state()) {
            harms.push(Harm::DeathInCustody);
        }
        if harms.contains(&Harm::DeathInTransit) && !harms.contains(&Harm::Killing) && act_word(&|w| w.starts_with("ahog") || w == "drowned") {
            harms.push(Harm::Killing);
        }
        // Counts.
        // By `Counted`: the count found and its span; an explicit zero ("nobody was hurt").
        let mut counts: [Option<(u32, Span)>; Counted::N] = [None; Counted::N];
        let mut zero: [Option<Span>; Counted::N] = [None; Counted::N];
        let mut victim_count: Option<(u32, Span)> = None;
        let mut gender_notes: Vec<(bool, &'static str)> = Vec::new();
        let mut ages: Vec<u32> = Vec::new();
        let mut minors = false;
        let mut migrants = false;
        let mut any_victim = false;
        let mut nationalities: Vec<String> = Vec::new();
        let mut claims: Vec<Claim> = Vec::new();
        // Each clause's claim, worked out once: ((sentence, first token), claim), a few entries.
        let mut claim_memo: Vec<((usize, usize), Option<Claim>)> = Vec::new();
        // The clauses that report speech: (span, whether it disputes another account, whether
        // it names a perpetrator).
        let mut accounts: Vec<(Span, bool, bool)> = Vec::new();
        let mut claim_of = |si: usize, clause: (usize, usize), f: &SentenceFacts, speakers: &mut Vec<(String, Stance)>| -> Option<Claim> {
            if let Some((_, c)) = claim_memo.iter().find(|(s, _)| *s == (si, clause.0)) {
                return c.clone();
            }
            let c = self.claim(doc, f, si, clause, speakers);
            claim_memo.push(((si, clause.0), c.clone()));
            c
        };
        // Each act's count in its sentence or clause, worked out once: ((sentence, act's
        // tokens, the range's tokens), count), a few entries. An act counted for its sentence
        // is asked again for its clause, the whole sentence when it reports one account.
        let mut counted: Vec<((usize, usize, usize, usize, usize), Option<(u32, Span)>)> = Vec::new();
        let mut count_of = |si: usize, a: usize, b: usize, t0: usize, t1: usize| -> Option<(u32, Span)> {
            let key = (si, a, b, t0, t1);
            if let Some(&(_, n)) = counted.iter().find(|(k, _)| *k == key) {
                return n;
            }
            let n = count_for(doc, &facts[si].cues, a, b, t0, t1);
            counted.push((key, n));
            n
        };
        for &si in sentences {
            let f = &facts[si];
            let s = doc.sentences[si];
            let is_event = is_event_sentence(si);
            for &(h, a, b) in &f.none {
                if let Some(k) = count_key(h) {
                    zero[k as usize].get_or_insert(span(a, b));
                }
            }
            if is_event {
                for &(h, a, b) in &f.harms {
                    let Some(key) = count_key(h) else { continue };
                    if superseded_figure(doc, s.t0, a) {
                        continue;
                    }
                    if let Some((n, sp)) = count_of(si, a, b, s.t0, s.t1) {
                        let e = counts[key as usize].get_or_insert((n, sp));
                        if n > e.0 {
                            *e = (n, sp);
                        }
                    }
                }
                // "later corrected the figure to three", "rectificó la cifra a tres": a corrected
                // count replaces the one before it, for the harm told last before the correction.
                for k in s.t0..s.t1 {
                    if !matches!(doc.f(k), "corrected" | "revised" | "rectifico" | "corrigio" | "rectificaron" | "corrigieron") {
                        continue;
                    }
                    let Some(j) = (k + 1..(k + 6).min(s.t1)).find(|&j| matches!(doc.f(j), "to" | "a")) else { continue };
                    let Some(n) = numbers::number_at(doc, j + 1, s.t1).filter(|n| !n.vague) else { continue };
                    if let Some(key) = f.harms.iter().rev().find(|h| h.1 < k).and_then(|h| count_key(h.0)) {
                        counts[key as usize] = Some((n.value, span(k, j + 1 + n.tokens)));
                    }
                }
                // "N fatalities" in coded notes.
                for c in &f.cues {
                    if matches!(c.cue, Cue::Harm(Harm::Killing)) && matches!(doc.f(c.t0), "fatalities" | "fatality") && c.t0 > s.t0 {
                        if let Some(n) = numbers::number_at(doc, c.t0 - 1, c.t1) {
                            counts[Counted::Fatalities as usize] = Some((n.value, span(c.t0 - 1, c.t1)));
                        }
                    }
                    // "Unknown fatalities coded as 3": the coder's figure for an unknown toll.
                    if matches!(c.cue, Cue::Harm(Harm::Killing)) && matches!(doc.f(c.t0), "fatalities" | "fatality") && doc.f(c.t1) == "coded" && doc.f(c.t1 + 1) == "as" {
                        if let Some(n) = numbers::number_at(doc, c.t1 + 2, s.t1) {
                            counts[Counted::Fatalities as usize] = Some((n.value, span(c.t0, c.t1 + 2 + n.tokens)));
                        }
                    }
                }
            }
            // Victims.
            for c in &f.cues {
                if let Cue::Victim(fl) = c.cue {
                    // A capitalised victim word inside a proper name ("colonia Topo Chico",
                    // "Hospital del Niño") names a place or a body, not a victim.
                    if c.t0 > s.t0 && doc.tokens[c.t0].upper && doc.tokens[c.t0 - 1].upper && doc.gap_before(c.t0) == " " {
                        continue;
                    }
                    // "agentes de la Guardia Nacional", "members of a gang": the head of a
                    // perpetrator phrase, not a victim.
                    let heads_perp = f.perps.iter().any(|p| p.1 >= c.t1 && p.1 <= c.t1 + 3 && (c.t1..p.1).all(|x| matches!(doc.f(x), "de" | "del" | "la" | "las" | "los" | "el" | "of" | "the" | "a" | "an")));
                    if heads_perp {
                        continue;
                    }
                    if !is_event {
                        if fl & 16 != 0 && !f.says {
                            migrants = true;
                        }
                        continue;
                    }
                    // A victim noun used as the speaker ("the witness said") is not a victim.
                    any_victim = true;
                    if fl & 16 != 0 {
                        migrants = true;
                    }
                    if fl & 8 != 0 {
                        minors = true;
                    }
                    let g = if fl & 2 != 0 { Some("male") } else if fl & 4 != 0 { Some("female") } else { None };
                    if let Some(g) = g {
                        let killed_here = f.harms.iter().any(|h| h.0 == Harm::Killing && c.t0.abs_diff(h.1) <= 8);
                        gender_notes.push((killed_here, g));
                    }
                    if let Some((n, sp)) = number_before(doc, c.t0, s.t0) {
                        if victim_count.is_none_or(|(v, _)| n > v) {
                            victim_count = Some((n, sp));
                        }
                    }
                    ev(field::VICTIMS, span(c.t0, c.t1));
                }
            }
            if is_event {
                for (a, age) in ages_in(doc, s.t0, s.t1) {
                    if age < 110 && !ages.contains(&age) {
                        ages.push(age);
                        ev(field::VICTIMS_AGES, span(a, a + 1));
                    }
                }
            }
            // Nationalities: a demonym bound to a victim noun, or a plural demonym used as a noun.
            // "Both men who died were from Ecuador", "migrantes originarios de Honduras": a
            // country of origin of people the sentence speaks of is their nationality.
            let has_people = || f.cues.iter().any(|c| matches!(c.cue, Cue::Victim(_) | Cue::Anaphor));
            // Demonyms are sorted by token: binary search the sentence's slice.
            let lo = demonyms.partition_point(|(t, _)| *t < s.t0);
            let hi = demonyms.partition_point(|(t, _)| *t < s.t1);
            let mut nat_mentions: Vec<(usize, &str, bool)> = demonyms[lo..hi.max(lo)].iter().map(|(t, cc)| (*t, cc.as_str(), false)).collect();
            for &pi in &f.places {
                let p = &places[pi];
                if p.role == Role::From && has_people() {
                    if let Some(e) = p.chosen.and_then(|c| self.gaz.lookup_index(c)).filter(|e| e.kind() == Kind::Country) {
                        nat_mentions.push((p.t0, e.cc(), true));
                    }
                }
            }
            for (t, cc, forced) in &nat_mentions {
                let next = f.cues.iter().find(|c| c.t0 > *t && c.t0 <= t + 3);
                // "dos migrantes hondureños", "un hombre hondureño", "a Honduran man".
                let after_victim = f.cues.iter().any(|c| matches!(c.cue, Cue::Victim(_)) && c.t1 <= *t && t - c.t1 <= 1);
                let nationality_of = *t > s.t0 && matches!(doc.f(t - 1), "nacionalidad" | "nationality" | "citizen" | "ciudadano" | "ciudadana" | "national" | "were" | "was" | "are" | "is" | "era" | "eran" | "es" | "son");
                // "no era salvadoreño", "was not Salvadoran": a denied nationality.
                let region = (*t > s.t0 && matches!(doc.f(t - 1), "central" | "latin" | "south" | "north"))
                    || f.cues.iter().any(|c| matches!(c.cue, Cue::Neg) && c.t1 <= *t && t - c.t1 <= 2);
                let bound_victim = (matches!(next.map(|c| c.cue), Some(Cue::Victim(_))) || after_victim || nationality_of) && !region;
                let bound_other = matches!(next.map(|c| c.cue), Some(Cue::Perp(_) | Cue::Speaker(_)));
                let w = doc.f(*t);
                let as_noun = (w.ends_with("os") || w.ends_with("as") || w.ends_with("ans") || w.ends_with("ians") || w.ends_with("ns")) && !bound_other && next.is_none_or(|c| c.t0 > t + 1);
                let official_adj = matches!(doc.f(t + 1), "president" | "presidente" | "government" | "gobierno" | "authorities" | "autoridades" | "foreign" | "ministry" | "cancilleria" | "consulate" | "consulado" | "embassy" | "embajada" | "police" | "army" | "military" | "ruling" | "soldiers" | "officials" | "team" | "border");
                if (*forced || bound_victim || (as_noun && !region)) && !official_adj && (is_event || f.says) {
                    if !nationalities.iter().any(|n| n == cc) {
                        nationalities.push(cc.to_string());
                    }
                    ev(field::VICTIMS_NATIONALITIES, span(*t, t + 1));
                    if f.says && claims.len() < 200 {
                        if let Some(c) = claim_of(si, (s.t0, s.t1), f, speakers) {
                            let mut c = c;
                            c.fact = Some("victims.nationalities".into());
                            c.value = Some(cc.to_string());
                            if let Some(x) = claims.iter_mut().find(|x| x.span == c.span && x.fact.is_none()) {
                                x.fact = c.fact;
                                x.value = c.value;
                            } else if !claims.iter().any(|x| x.span == c.span && x.fact == c.fact && x.value == c.value) {
                                claims.push(c);
                            }
                        }
                    }
                }
            }
            // Claims (a bounded number: the first ones, in text order).
            // Each clause that reports speech on its own is a claim of its own.
            let clauses = if f.says && claims.len() < 200 { report_clauses(doc, si, &f.cues) } else { Vec::new() };
            for &(c0, c1) in &clauses {
                let cues = clause_cues(&f.cues, c0, c1);
                // A speaker who insists, maintains or denies answers another account.
                // So does one who says the accused were not there ("no sailors were in the
                // area", "ningún policía participó").
                // So does one set against the account before it in the same sentence ("…,
                // while witnesses said…", "…, pero los vecinos aseguran…").
                let contrast = c0 > s.t0 && is_contrast(doc.f(c0));
                let disputes = contrast || cues.iter().enumerate().any(|(k, c)| {
                    matches!(c.cue, Cue::Deny)
                        || (matches!(c.cue, Cue::Say) && matches!(doc.f(c.t0), "insist" | "insists" | "insisted" | "maintain" | "maintains" | "maintained" | "contend" | "contends" | "insiste" | "insisten" | "sostiene" | "sostienen" | "sostuvo" | "sostuvieron" | "mantiene" | "mantienen"))
                        || (matches!(c.cue, Cue::Neg) && matches!(doc.f(c.t0), "no" | "ningun" | "ninguna" | "ningunos") && cues.get(k + 1).is_some_and(|n| matches!(n.cue, Cue::Perp(_) | Cue::Speaker(Stance::Official)) && n.t0 == c.t1))
                });
                if accounts.len() < 64 && c0 < c1 {
                    accounts.push((Span::new(doc.tokens[c0].start, doc.tokens[c1 - 1].end), disputes, cues.iter().any(|c| matches!(c.cue, Cue::Perp(_)))));
                }
                if let Some(mut c) = claim_of(si, (c0, c1), f, speakers) {
                    let armed = cues.iter().any(|c| matches!(c.cue, Cue::Weapon | Cue::VictimFired));
                    if armed {
                        // "they were fired upon" says yes unless the speaker denies it; a weapon
                        // says yes unless negated right before it ("no tenía arma", "never found a
                        // single gun") or the speaker calls the account a lie or an excuse.
                        let fired = cues.iter().any(|c| matches!(c.cue, Cue::VictimFired));
                        let deny = cues.iter().any(|c| matches!(c.cue, Cue::Deny));
                        let neg_weapon = cues.iter().enumerate().any(|(k, w)| {
                            matches!(w.cue, Cue::Weapon) && cues[..k].iter().rev().take(3).any(|n| matches!(n.cue, Cue::Neg | Cue::NoneHarmed(_)) && w.t0.saturating_sub(n.t1) <= 5)
                        });
                        let no = deny || (neg_weapon && !fired);
                        c.fact = Some("victim_armed".into());
                        c.value = Some(if no { "no" } else { "yes" }.into());
                    } else if cues.iter().any(|x| matches!(x.cue, Cue::Clash)) && c.stance == Stance::Official {
                        c.fact = Some("victim_armed".into());
                        c.value = Some("yes".into());
                    } else if c.stance != Stance::Official && is_event && f.harms.iter().any(|h| matches!(h.0, Harm::Killing | Harm::Shooting) && h.1 >= c0 && h.1 < c1) && clash_told() {
                        c.fact = Some("victim_armed".into());
                        c.value = Some("no".into());
                    }
                    if !claims.iter().any(|x| x.span == c.span && (x.fact == c.fact || c.fact.is_none())) {
                        claims.push(c);
                    }
                }
                // Competing tolls: each attributed count is a claim (of the clause that
                // reports it).
                if is_event {
                    for &(h, a, b) in f.harms.iter().filter(|h| h.1 >= c0 && h.1 < c1) {
                        if h == Harm::Killing {
                            // "dos de los heridos murieran": a part of a count already told
                            // is no toll of its own.
                            let part = |sp: Span| (a.saturating_sub(4).max(c0)..a).any(|k| doc.tokens[k].start >= sp.start() && matches!(doc.f(k), "of" | "de") && matches!(doc.f(k + 1), "the" | "los" | "las"));
                            if let (Some((n, _)), Some(mut c)) = (count_of(si, a, b, c0, c1).filter(|x| !part(x.1)), claim_of(si, (c0, c1), f, speakers)) {
                                c.fact = Some("fatalities".into());
                                c.value = Some(n.to_string());
                                if !claims.iter().any(|x| x.fact == c.fact && x.value == c.value) {
                                    claims.push(c);
                                }
                            }
                        }
                    }
                }
                // A toll answered with the noun left out ("…, while a rights group counted
                // seven", "…; familiares aseguran que fueron cinco los cuerpos"): a number after
                // the report verb, when another speaker gave a toll before.
                if !f.harms.iter().any(|h| h.0 == Harm::Killing && h.1 >= c0 && h.1 < c1) {
                    if let Some(n) = elided_toll(doc, cues, c1) {
                        if let Some(mut c) = claim_of(si, (c0, c1), f, speakers) {
                            let answers = claims.iter().any(|x| x.fact.as_deref() == Some("fatalities") && !fold_eq(&x.attributed_to, &c.attributed_to));
                            let value = n.to_string();
                            if answers && !claims.iter().any(|x| x.fact.as_deref() == Some("fatalities") && x.value.as_deref() == Some(value.as_str())) {
                                c.fact = Some("fatalities".into());
                                c.value = Some(value);
                                claims.push(c);
                            }
                        }
                    }
                }
            }
        }
        // A bounded list of claims (the first ones, in text order) on huge texts.
        claims.truncate(200);
        // Accounts that disagree with no value in common: a claim that insists, maintains or
        // denies, after a claim of a speaker of another stance ("Police said he had pointed a
        // gun. His family insist he was holding only a phone"; "según la versión oficial cayó
        // de una azotea; su familia sostiene que fue golpeado por los agentes"). It bears on
        // the earlier claim's fact with the other value (victim armed: yes or no), else on
        // the perpetrators when either names one, else on the account of what happened.
        let mut disputed: Vec<String> = Vec::new();
        for k in 0..claims.len() {
            let clause = |c: &Claim| accounts.iter().find(|(sp, _, _)| c.span.start() <= sp.start() && sp.end() <= c.span.end()).copied();
            let Some((_, true, perp_here)) = clause(&claims[k]) else { continue };
            // A clause's plain claim when the same clause also gave a fact's value.
            if claims[k].fact.is_none() && claims.iter().any(|x| x.span == claims[k].span && x.fact.is_some()) {
                continue;
            }
            let Some(o) = (0..k).rev().find(|&o| claims[o].stance != claims[k].stance && !fold_eq(&claims[o].attributed_to, &claims[k].attributed_to) && clause(&claims[o]) != clause(&claims[k])) else { continue };
            // A value of a fact another speaker also gave: two values are flagged below, one
            // is agreement.
            if claims[k].fact.is_some() && claims[..k].iter().any(|x| x.fact == claims[k].fact && !fold_eq(&x.attributed_to, &claims[k].attributed_to)) {
                continue;
            }
            let key = match (&claims[k].fact, &claims[o].fact) {
                // A value the earlier account does not give: it said otherwise ("had thrown
                // rocks" / "he was unarmed"). Two values of one fact are flagged below.
                (Some(fact), _) if fact == "victim_armed" => fact.clone(),
                (None, Some(fact)) if fact == "victim_armed" => {
                    let other = if claims[o].value.as_deref() == Some("yes") { "no" } else { "yes" };
                    claims[k].fact = Some(fact.clone());
                    claims[k].value = Some(other.into());
                    continue;
                }
                _ if perp_here || clause(&claims[o]).is_some_and(|c| c.2) => "perpetrators".to_string(),
                _ => "account".to_string(),
            };
            if !disputed.contains(&key) {
                disputed.push(key);
            }
        }
        // Genders: of the people killed when the text says who was killed, else of all victims.
        let killed_genders = gender_notes.iter().any(|g| g.0);
        let mut genders: Vec<String> = Vec::new();
        for (k, g) in &gender_notes {
            if (*k || !killed_genders) && !genders.iter().any(|x| x == g) {
                genders.push(g.to_string());
            }
        }
        // Killing of a single, uncounted victim: "gunning down a father", "killed Marcos".
        if harms.contains(&Harm::Killing) && counts[Counted::Fatalities as usize].is_none() && zero[Counted::Fatalities as usize].is_none() {
            for &si in event_sentences {
                let f = &facts[si];
                let s = doc.sentences[si];
                for &(h, a, b) in &f.harms {
                    if h == Harm::Killing {
                        if let Some(sp) = singular_victim(doc, &f.cues, a, b, s.t0, s.t1) {
                            counts[Counted::Fatalities as usize].get_or_insert((1, sp));
                        }
                    }
                }
            }
        }
        // "Un guatemalteco de 41 años … murió": one victim named in the incident, one death.
        if harms.contains(&Harm::Killing) && counts[Counted::Fatalities as usize].is_none() && zero[Counted::Fatalities as usize].is_none() {
            // In the sentence that tells the death, the people named before the act: one
            // singular ("Un hombre hondureño … fue asesinado") and no plural.
            'sentences: for &si in event_sentences {
                let f = &facts[si];
                let Some(kill) = f.harms.iter().find(|h| h.0 == Harm::Killing).map(|h| h.1) else { continue };
                let mut singular: Option<Span> = None;
                for c in f.cues.iter().filter(|c| c.t1 <= kill) {
                    match c.cue {
                        Cue::Victim(fl) if fl & 1 != 0 => continue 'sentences,
                        Cue::Victim(_) | Cue::Demonym(_) if c.t0 > doc.sentences[si].t0 && matches!(doc.f(c.t0 - 1), "a" | "an" | "un" | "una") => {
                            singular.get_or_insert(span(c.t0 - 1, c.t1));
                        }
                        _ => {}
                    }
                }
                if let Some(sp) = singular {
                    counts[Counted::Fatalities as usize] = Some((1, sp));
                    break;
                }
            }
        }
        for (key, harm) in [(Counted::Injured, Harm::Injury), (Counted::Missing, Harm::Disappearance), (Counted::Detained, Harm::Detention), (Counted::Displaced, Harm::Displacement)] {
            if harms.contains(&harm) && counts[key as usize].is_none() {
                for &si in event_sentences {
                    let f = &facts[si];
                    let s = doc.sentences[si];
                    for &(h, a, b) in &f.harms {
                        if h == harm {
                            if let Some(sp) = singular_victim(doc, &f.cues, a, b, s.t0, s.t1) {
                                counts[key as usize].get_or_insert((1, sp));
                            }
                        }
                    }
                }
            }
        }
        // The abducted are missing until the text says they were freed: "levantaron a siete
        // jornaleros. Cinco de ellos fueron liberados" leaves two missing; "the twelve kidnapped
        // were rescued" none.
        if harms.contains(&Harm::Abduction) && counts[Counted::Missing as usize].is_none() && zero[Counted::Missing as usize].is_none() {
            let mut abducted: Option<(u32, Span)> = None;
            let mut freed: Option<Option<u32>> = None;
            for &si in event_sentences {
                let f = &facts[si];
                let s = doc.sentences[si];
                for &(h, a, b) in &f.harms {
                    if h == Harm::Abduction && !superseded_figure(doc, s.t0, a) {
                        let n = count_of(si, a, b, s.t0, s.t1).or_else(|| singular_victim(doc, &f.cues, a, b, s.t0, s.t1).map(|sp| (1, sp)));
                        if let Some((n, sp)) = n {
                            if abducted.is_none_or(|(m, _)| n > m) {
                                abducted = Some((n, sp));
                            }
                        }
                    }
                }
            }
            // Told after the abduction, in its paragraph or the next.
            let first = event_sentences.first().copied().unwrap_or(0);
            let par = doc.sentences.get(first).map_or(0, |s| s.paragraph);
            for si in first..doc.sentences.len() {
                let s = doc.sentences[si];
                if s.paragraph > par + 1 {
                    break;
                }
                for k in s.t0..s.t1 {
                    let w = doc.f(k);
                    if w.starts_with("liberad") || w.starts_with("rescatad") || matches!(w, "released" | "freed" | "rescued" | "liberaron" | "rescataron" | "escaped" | "escaparon") {
                        let m = count_of(si, k, k + 1, s.t0, s.t1).map(|x| x.0);
                        freed = Some(match (freed.flatten(), m) {
                            (Some(x), Some(y)) => Some(x.max(y)),
                            (x, y) => x.or(y),
                        });
                    }
                }
            }
            if let Some((n, sp)) = abducted {
                match freed {
                    None => counts[Counted::Missing as usize] = Some((n, sp)),
                    Some(Some(m)) if m < n => counts[Counted::Missing as usize] = Some((n - m, sp)),
                    _ => {}
                }
            }
        }
        // People forced to flee or gone missing are the victims counted in the sentence
        // ("Quinientas personas … huyeron"); an abducted person whose family knows nothing of
        // her is missing.
        for (key, harm) in [(Counted::Displaced, Harm::Displacement), (Counted::Missing, Harm::Disappearance)] {
            if harms.contains(&harm) && counts[key as usize].is_none() && zero[key as usize].is_none() {
                if let Some(v) = victim_count {
                    counts[key as usize] = Some(v);
                } else if harm == Harm::Disappearance && harms.contains(&Harm::Abduction) {
                    for &si in event_sentences {
                        let f = &facts[si];
                        let s = doc.sentences[si];
                        for &(h, a, b) in &f.harms {
                            if h == Harm::Abduction {
                                if let Some(sp) = singular_victim(doc, &f.cues, a, b, s.t0, s.t1) {
                                    counts[key as usize].get_or_insert((1, sp));
                                }
                            }
                        }
                    }
                }
            }
        }
        // "Uno de los heridos falleció horas después", "one of the wounded later died": the
        // injured already counted who died are counted among the dead, not the injured.
        if let Some((n, sp)) = counts[Counted::Injured as usize] {
            let mut died = 0u32;
            // Where the first such death is told, and where its sentence starts.
            let mut died_at: Option<(Span, usize)> = None;
            for &si in event_sentences {
                let s = doc.sentences[si];
                for k in s.t0 + 1..s.t1.saturating_sub(2) {
                    // The cheap word tests first: this runs over every token of the act.
                    if !(matches!(doc.f(k), "of" | "de") && matches!(doc.f(k + 1), "the" | "los" | "las" | "whom")) {
                        continue;
                    }
                    // "wounding four men, one of whom later died", "uno de los cuales murió".
                    if matches!(doc.f(k + 1), "whom" | "los" | "las") && (doc.f(k + 1) == "whom" || matches!(doc.f(k + 2), "cuales")) {
                        let m = if matches!(doc.f(k - 1), "one" | "uno" | "una") { Some(1) } else { numbers::number_at(doc, k - 1, k).map(|x| x.value) };
                        let after = k + if doc.f(k + 1) == "whom" { 2 } else { 3 };
                        let dies = facts[si].harms.iter().any(|h| h.0 == Harm::Killing && h.1 >= after && h.1 <= after + 3);
                        if let (Some(m), true) = (m, dies) {
                            died += m;
                            died_at.get_or_insert((span(k - 1, after), s.start));
                        }
                        continue;
                    }
                    // "dos de los once heridos": a number may stand before the noun.
                    let noun = if numbers::number_at(doc, k + 2, s.t1).is_some_and(|n| n.tokens == 1) { k + 3 } else { k + 2 };
                    if matches!(doc.f(noun), "injured" | "wounded" | "heridos" | "heridas" | "lesionados" | "lesionadas") {
                        let m = if matches!(doc.f(k - 1), "one" | "uno" | "una") { Some(1) } else { numbers::number_at(doc, k - 1, k).map(|x| x.value) };
                        // An aside may stand between: "One of the injured, a 17-year-old from
                        // Guatemala, died on Sunday".
                        let reach = if doc.gap_before(noun + 1).trim() == "," { 14 } else { 5 };
                        let dies = facts[si].harms.iter().any(|h| h.0 == Harm::Killing && h.1 > noun && h.1 <= noun + reach);
                        if let (Some(m), true) = (m, dies) {
                            died += m;
                            died_at.get_or_insert((span(k - 1, noun + 1), s.start));
                        }
                    }
                }
            }
            if died > 0 && died <= n {
                counts[Counted::Injured as usize] = Some((n - died, sp));
                // "…killing three and wounding eight. Two of the wounded died on Friday": the
                // toll counted before those deaths were told grows by them.
                if let (Some((at, sentence_start)), Some((f, fsp))) = (died_at, counts[Counted::Fatalities as usize]) {
                    if fsp.end() <= sentence_start {
                        counts[Counted::Fatalities as usize] = Some((f + died, fsp.cover(at)));
                    }
                }
            }
        }
        // "No one was hurt", "nadie resultó herido": when no death is told either, none died.
        if counts[Counted::Fatalities as usize].is_none() && zero[Counted::Fatalities as usize].is_none() && !harms.iter().any(|h| matches!(h, Harm::Killing | Harm::DeathInCustody | Harm::DeathInTransit)) {
            zero[Counted::Fatalities as usize] = zero[Counted::Injured as usize];
        }
        let count = |k: Counted, ev: &mut dyn FnMut(u8, Span)| -> Option<u32> {
            if let Some((n, sp)) = counts[k as usize] {
                ev(k.field(), sp);
                return Some(n);
            }
            if let Some(sp) = zero[k as usize] {
                ev(k.field(), sp);
                return Some(0);
            }
            None
        };
        let fatalities = count(Counted::Fatalities, &mut ev);
        let injured = count(Counted::Injured, &mut ev);
        let missing = count(Counted::Missing, &mut ev);
        let detained = count(Counted::Detained, &mut ev);
        let displaced = count(Counted::Displaced, &mut ev);
        if harms.is_empty() && !flags.5 && !flags.0 && !flags.1 && !flags.2 && !flags.3 && !seizure {
            return None;
        }
        // Perpetrators: from event sentences (and "related" ones: "surrounded them").
        let mut perpetrators: Vec<Perpetrator> = Vec::new();
        for &si in sentences {
            let f = &facts[si];
            if !(is_event_sentence(si) || f.related) {
                continue;
            }
            for &(cat, a, b, alleged) in &f.perps {
                let mut a2 = a;
                // Include modifiers: "federal police", "plainclothes immigration officials",
                // "Mexican police" are matched already; also pull in a preceding capitalised
                // word ("Coahuila police").
                if a2 > doc.sentences[si].t0 && doc.tokens[a2 - 1].upper && doc.gap_before(a2) == " " && !matches!(doc.f(a2 - 1), "the" | "la" | "el" | "los" | "las" | "a" | "un" | "una") && a2 - 1 > doc.sentences[si].t0 {
                    a2 -= 1;
                }
                let text = doc.slice(a2, b).to_string();
                ev(field::PERPETRATORS, span(a2, b));
                if let Some(p) = perpetrators.iter_mut().find(|p| p.category == cat && fold_eq(&p.text, &text)) {
                    p.alleged &= alleged;
                } else {
                    perpetrators.push(Perpetrator { text, category: cat, alleged });
                }
            }
        }
        // "Llegaron dos patrullas de la policía municipal. Los agentes golpearon…": an act told
        // of "the agents" / "los elementos" with no actor named is done by the force named in
        // one of the two sentences before.
        if perpetrators.is_empty() {
            let anaphoric = event_sentences.iter().any(|&si| {
                let s = doc.sentences[si];
                (s.t0 + 1..s.t1).any(|k| {
                    matches!(doc.f(k), "agentes" | "agents" | "officers" | "oficiales" | "elementos" | "uniformados" | "efectivos")
                        && matches!(doc.f(k - 1), "los" | "las" | "the" | "estos" | "these" | "those" | "dichos" | "esos")
                })
            });
            if let (true, Some(&first)) = (anaphoric, event_sentences.first()) {
                if let Some(si) = (first.saturating_sub(2)..first).rev().find(|&si| !facts[si].perps.is_empty()) {
                    for &(cat, a, b, alleged) in &facts[si].perps {
                        if !perpetrators.iter().any(|p| p.category == cat) {
                            ev(field::PERPETRATORS, span(a, b));
                            perpetrators.push(Perpetrator { text: doc.slice(a, b).to_string(), category: cat, alleged });
                        }
                    }
                }
            }
        }
        // Event type.
        let has = |h: Harm| harms.contains(&h);
        // A death in transit or in custody with no violence reported is not an attack.
        let natural_death = has(Harm::DeathInTransit) || has(Harm::DeathInCustody);
        let violent = (has(Harm::Killing) && !natural_death) || has(Harm::Shooting) || has(Harm::Injury) || has(Harm::Torture) || has(Harm::SexualViolence) || has(Harm::Abduction) || has(Harm::Robbery) || has(Harm::Extortion) || flags.5;
        let state_perp = perpetrators.iter().any(|p| p.category.is_state());
        // "beaten up by locals", "linchado por vecinos": violence by a crowd of residents (the
        // only actors named) is ACLED's mob violence, a riot, not an attack by an armed actor.
        let mob = !perpetrators.is_empty() && perpetrators.iter().all(|p| p.category == ActorCategory::Civilians);
        let mob_violence = mob && ((has(Harm::Killing) && !natural_death) || has(Harm::Injury) || has(Harm::Torture) || has(Harm::PropertyDestruction) || flags.5);
        // Roads blocked by a cartel or gunmen ("narcobloqueos") are no protest.
        let armed_group = perpetrators.iter().any(|p| matches!(p.category, ActorCategory::CriminalGroup | ActorCategory::UnidentifiedArmedGroup));
        let protest = flags.0 && !(blocking && !protest_words && armed_group);
        let sub = if flags.3 {
            if act_word(&|w| w.contains("granad") || w.contains("grenade")) {
                SubEventType::Grenade
            } else {
                SubEventType::RemoteExplosive
            }
        } else if protest && !has(Harm::Abduction) {
            if flags.1 {
                SubEventType::ViolentDemonstration
            } else if (has(Harm::Killing) || has(Harm::Injury) || has(Harm::Shooting)) && state_perp {
                SubEventType::ExcessiveForceAgainstProtesters
            } else if state_perp || has(Harm::Detention) || has(Harm::Injury) {
                SubEventType::ProtestWithIntervention
            } else {
                SubEventType::PeacefulProtest
            }
        } else if (flags.1 && !flags.2) || (mob_violence && !has(Harm::SexualViolence) && !has(Harm::Abduction)) {
            SubEventType::MobViolence
        } else if flags.2 && !has(Harm::Abduction) && !has(Harm::SexualViolence) {
            SubEventType::ArmedClash
        } else if has(Harm::SexualViolence) {
            SubEventType::SexualViolence
        } else if (has(Harm::Abduction) || has(Harm::Disappearance)) && !has(Harm::Killing) {
            SubEventType::AbductionForcedDisappearance
        } else if has(Harm::DeathInCustody) || (has(Harm::DeathInTransit) && !violent) {
            SubEventType::Other
        } else if violent || has(Harm::PropertyDestruction) {
            SubEventType::Attack
        } else if has(Harm::Killing) {
            SubEventType::Attack
        } else if lab || (seizure && !has(Harm::Detention)) {
            SubEventType::LootingPropertyDestruction
        } else if has(Harm::Detention) && !has(Harm::Deportation) && !has(Harm::FamilySeparation) {
            SubEventType::Arrests
        } else {
            SubEventType::Other
        };
        if let Some(&si) = event_sentences.first() {
            let s = doc.sentences[si];
            ev(field::EVENT_TYPE, Span::new(s.start, s.end));
        }
        // Protests and riots are initiated by the crowd (ACLED's actor1 "Protesters"/"Rioters").
        let crowd = match sub.event_type() {
            EventType::Protests => Some(("protesters", ActorCategory::Other)),
            EventType::Riots => Some(("rioters", ActorCategory::Civilians)),
            _ => None,
        };
        // A shoot-out with no side named is fought by armed men the report does not identify
        // (ACLED's "Unidentified Armed Group").
        if sub == SubEventType::ArmedClash && perpetrators.is_empty() {
            if let Some(sp) = clash_span {
                perpetrators.push(Perpetrator { text: "unidentified armed group".to_string(), category: ActorCategory::UnidentifiedArmedGroup, alleged: false });
                ev(field::PERPETRATORS, sp);
            }
        }
        if let (Some((label, cat)), Some(sp)) = (crowd, crowd_span) {
            if !perpetrators.iter().any(|p| p.category == cat) {
                perpetrators.insert(0, Perpetrator { text: label.to_string(), category: cat, alleged: false });
                ev(field::PERPETRATORS, sp);
            }
        }
        // Location: the incident's own place, else the best place in its other sentences.
        // A letter's place-and-date line or a dateline gives way to a place the body names.
        let loc = loc.or_else(|| {
            let mut found = sentences.iter().filter_map(|&si| self.best_place(doc, &facts[si], places));
            let first = found.next();
            first.filter(|&pi| !places[pi].dateline).or_else(|| found.find(|&pi| !places[pi].dateline)).or(first)
        });
        let location = loc.and_then(|pi| {
            let p = &places[pi];
            let e = self.gaz.lookup_index(p.chosen?)?;
            ev(field::LOCATION, span(p.t0, p.t1));
            let country = e.country();
            Some(match e.kind() {
                Kind::Place => Location {
                    name: Some(Cow::Borrowed(e.name())),
                    admin1: e.admin1().map(|a| Cow::Borrowed(a.name())),
                    admin2: e.admin2().map(Cow::Borrowed),
                    country: Some(Cow::Borrowed(e.cc())),
                    latitude: Some(round4(e.latitude())),
                    longitude: Some(round4(e.longitude())),
                    geonameid: e.geonameid(),
                    geo_precision: if p.role == Role::Near { 2 } else { 1 },
                },
                Kind::Admin1 => Location {
                    name: Some(Cow::Borrowed(e.name())),
                    admin1: Some(Cow::Borrowed(e.name())),
                    admin2: None,
                    country: Some(Cow::Borrowed(e.cc())),
                    latitude: Some(round4(e.latitude())),
                    longitude: Some(round4(e.longitude())),
                    geonameid: None,
                    geo_precision: 3,
                },
                _ => Location {
                    name: country.map(|c| Cow::Borrowed(c.name())),
                    admin1: None,
                    admin2: None,
                    country: Some(Cow::Borrowed(e.cc())),
                    latitude: Some(round4(e.latitude())),
                    longitude: Some(round4(e.longitude())),
                    geonameid: e.geonameid(),
                    geo_precision: 3,
                },
            })
        });
        // Date: the incident's own date, else the most precise date among its sentences ("On Sunday 18 August" beats "in
        // mid-August"), the first of equals.
        let date = date.or_else(|| {
            sentences
                .iter()
                .filter_map(|&si| best_date(&facts[si]).map(|d| (si, d)))
                .min_by_key(|&(si, d)| (facts[si].dates[d].precision.rank(), si))
        });
        let (event_date, event_date_end, date_precision, date_text) = match date {
            Some((si, di)) => {
                let d = &facts[si].dates[di];
                ev(field::EVENT_DATE, span(d.t0, d.t1));
                let text = (d.precision == DatePrecision::Unresolved).then(|| doc.slice(d.t0, d.t1).to_string());
                (d.start, d.end, d.precision, text)
            }
            None => (None, None, DatePrecision::Unresolved, None),
        };
        // Contested facts: two different values of one fact from different speakers.
        let mut contested: Vec<String> = disputed;
        for c in &claims {
            if let (Some(fact), Some(v)) = (&c.fact, &c.value) {
                if claims.iter().any(|o| o.fact.as_ref() == Some(fact) && o.value.as_ref().is_some_and(|ov| ov != v)) && !contested.contains(fact) {
                    contested.push(fact.clone());
                }
            }
        }
        contested.sort();
        nationalities.sort();
        harms.sort();
        // A victim under 18 is a minor (CRC art. 1), however the text words it.
        let minors = minors || ages.iter().any(|&a| a < 18);
        let victims = Victims {
            group: if migrants { Some("migrants".into()) } else if any_victim { Some("civilians".into()) } else { None },
            count: victim_count.map(|v| v.0).or(fatalities.filter(|n| *n > 0)).map(|n| n.max(fatalities.unwrap_or(0))),
            nationalities,
            ages,
            genders,
            minors,
        };
        Some(Incident {
            event_date,
            event_date_end,
            date_precision,
            event_type: sub.event_type(),
            sub_event_type: sub,
            harms,
            location,
            perpetrators,
            victims,
            fatalities,
            injured,
            missing,
            detained,
            displaced,
            claims,
            contested,
            date_text,
            evidence: {
                // A stable sort keeps each field's spans in the order found; field numbers
                // sort as the field names do.
                evidence.sort_by_key(|&(k, _)| k);
                let mut map = BTreeMap::new();
                // Fields inserted last first: each new key is then the smallest so far, found
                // by the map's search at its first comparison (in ascending order each insert
                // compares the name with every key before it).
                for group in evidence.chunk_by(|a, b| a.0 == b.0).rev() {
                    map.insert(Cow::Borrowed(EVIDENCE_FIELDS[usize::from(group[0].0)]), group.iter().map(|&(_, sp)| sp).collect());
                }
                map
            },
        })
    }

    /// The claim of the clause `clause` (a token range of sentence `si`, the whole sentence
    /// or one of its [`report_clauses`]): who says it and with what stance. `None` when the
    /// clause names no speaker. `speakers` remembers the stance of speakers named before.
    fn claim(&self, doc: &Doc<'_>, f: &SentenceFacts, si: usize, clause: (usize, usize), speakers: &mut Vec<(String, Stance)>) -> Option<Claim> {
        let whole = doc.sentences[si];
        let s = if clause == (whole.t0, whole.t1) || clause.0 >= clause.1 {
            whole
        } else {
            text::Sentence { start: doc.tokens[clause.0].start, end: doc.tokens[clause.1 - 1].end, t0: clause.0, t1: clause.1, paragraph: whole.paragraph }
        };
        let cues = clause_cues(&f.cues, s.t0, s.t1);
        let noun = |c: &CueMatch| matches!(doc.f(c.t0), "comunicado" | "statement" | "carta" | "open" | "in" | "en");
        // "alleged members of a cartel", "presuntos integrantes": an adjective, not a report.
        let adjective = |c: &CueMatch| {
            matches!(doc.f(c.t0), "alleged" | "presunto" | "presunta" | "presuntos" | "presuntas" | "supuesto" | "supuesta" | "supuestos" | "supuestas")
                && c.t1 < s.t1
                && !matches!(doc.f(c.t1), "that" | "que" | "by" | "por" | "to" | "in" | "on" | "at")
        };
        let say = cues
            .iter()
            .find(|c| matches!(c.cue, Cue::Say | Cue::According) && !in_quote(doc, s.start, c.t0) && !noun(c) && !adjective(c))
            .or_else(|| cues.iter().find(|c| matches!(c.cue, Cue::Say | Cue::According) && !in_quote(doc, s.start, c.t0) && !adjective(c)))
            .or_else(|| cues.iter().find(|c| matches!(c.cue, Cue::Say | Cue::According) && !adjective(c)))?;
        // "It was reported", "fueron denunciados", "(as reported)", "after being reported
        // missing": a report verb in the passive with no agent ("by…", "por…") names nobody.
        if matches!(say.cue, Cue::Say) && say.t0 > s.t0 && !matches!(doc.f(say.t1), "by" | "por") {
            let verb = doc.f(say.t0);
            let participle = !(verb.ends_with("ing") || verb.ends_with("ando") || verb.ends_with("iendo"));
            if participle && matches!(doc.f(say.t0 - 1), "was" | "were" | "is" | "are" | "be" | "been" | "being" | "as" | "fue" | "fueron" | "sido" | "siendo" | "es" | "son" | "era" | "eran") {
                return None;
            }
        }
        // "según fue reportado", "según se informó", "as was reported": impersonal, no speaker.
        // "según contaron a este medio": a verb with an unnamed subject ("según denunciaron sus
        // madres" names it after the verb).
        let verb_after = matches!(say.cue, Cue::According) && (doc.f(say.t1).ends_with("aron") || doc.f(say.t1).ends_with("ieron"));
        let subject_after = verb_after && matches!(doc.f(say.t1 + 1), "la" | "el" | "los" | "las" | "un" | "una" | "unos" | "unas" | "su" | "sus") && say.t1 + 2 < s.t1;
        if matches!(say.cue, Cue::According) && (matches!(doc.f(say.t1), "fue" | "fueron" | "se" | "was" | "were" | "ha" | "han" | "has" | "have") || (verb_after && !subject_after)) {
            return None;
        }
        // Who: after "according to"/"según"; before the verb otherwise; after the verb when it
        // follows a quotation ("…,” said the witness).
        let (a, b) = if matches!(say.cue, Cue::According) {
            let start = if subject_after { say.t1 + 1 } else { say.t1 };
            let mut e = start;
            while e < s.t1 && e < start + 8 && !doc.gap_before(e + 1).contains(',') && !doc.gap_before(e + 1).contains(['“', '"', ':']) {
                // "According to reports the attack…", "según la Fiscalía el hombre…": an
                // article that does not follow "of"/"de" opens the reported clause.
                if e + 1 < s.t1
                    && matches!(doc.f(e + 1), "the" | "a" | "an" | "el" | "la" | "los" | "las" | "un" | "una" | "that" | "que")
                    && !matches!(doc.f(e), "of" | "de" | "del" | "to" | "a" | "for" | "para" | "por" | "by" | "from")
                {
                    break;
                }
                e += 1;
            }
            (start, (e + 1).min(s.t1))
        } else {
            let mut a = say.t0;
            // "…, informó Protección Civil", "…,” said the witness": a verb right after a
            // comma or a quote has its speaker after it, a noun phrase that ends the clause —
            // unlike an object clause without "that" ("…, said the account was false") or an
            // addressee ("told El País that…"). `inverted` is that phrase's end.
            let np_follows = say.t1 < s.t1
                && (doc.tokens[say.t1].upper || matches!(doc.f(say.t1), "the" | "a" | "an" | "la" | "el" | "los" | "las" | "un" | "una" | "su" | "sus" | "his" | "her" | "their" | "its" | "local" | "state" | "federal" | "police" | "officials" | "authorities" | "witnesses" | "residents" | "testigos" | "vecinos"));
            let np_end = || -> Option<usize> {
                let mut e = say.t1 + 1;
                while e < s.t1 && e < say.t1 + 8 && !doc.gap_before(e).contains([',', '.', ';', ':', '“', '"', '”']) && !matches!(doc.f(e), "that" | "que") {
                    // A verb inside makes it a clause ("said the story was false").
                    if matches!(doc.f(e), "was" | "were" | "is" | "are" | "had" | "has" | "have" | "would" | "will" | "could" | "did" | "fue" | "fueron" | "era" | "eran" | "es" | "son" | "estaba" | "estaban" | "habia" | "ha" | "han") {
                        return None;
                    }
                    e += 1;
                }
                // "…, relató una trabajadora del hotel que pidió…": a relative clause ends it.
                (e == s.t1 || doc.gap_before(e).contains([',', '.', ';']) || matches!(doc.f(e), "que" | "quien" | "who" | "which")).then_some(e)
            };
            let inverted = if np_follows
                && !matches!(doc.f(say.t0), "told" | "tell" | "tells" | "telling" | "asked" | "urged")
                && (say.t0 == s.t0 || doc.gap_before(say.t0).contains([',', ';', ':', '”', '"', '“']))
            {
                np_end()
            } else {
                None
            };
            // "…outside the school, claiming that…": a participle clause after a comma has the
            // main clause's subject, not the words before the comma.
            let participle_clause = doc.gap_before(say.t0).contains(',') && {
                let v = doc.f(say.t0);
                v.ends_with("ing") || v.ends_with("ando") || v.ends_with("iendo")
            };
            while a > s.t0 && say.t0 - a < 10 && inverted.is_none() && !participle_clause {
                let gap = doc.gap_before(a);
                if gap.contains(['”', '"', '“', ':', ';']) || (gap.contains(',') && say.t0 - a >= 1) {
                    break;
                }
                // "Customs and Border Protection said": "and" inside a name does not end it.
                let in_name = a >= s.t0 + 2 && doc.tokens[a].upper && doc.tokens[a - 2].upper && matches!(doc.f(a - 1), "and" | "y");
                if !in_name && matches!(doc.f(a - 1), "that" | "que" | "and" | "y" | "but" | "pero" | "ni" | "nor" | "or" | "o") {
                    break;
                }
                // "When two of the men said", "where on Tuesday he told": a subordinator opens
                // the clause of the speaker.
                if matches!(doc.f(a - 1), "when" | "where" | "while" | "after" | "before" | "because" | "if" | "cuando" | "donde" | "mientras" | "porque" | "si") {
                    break;
                }
                a -= 1;
            }
            // "…, where on Tuesday morning he told agents": a subject pronoun right before the
            // verb is who speaks (and names nobody).
            if a < say.t0 && matches!(doc.f(say.t0 - 1), "he" | "she" | "they" | "we" | "i" | "el" | "ella" | "ellos" | "ellas" | "nosotros" | "yo") {
                a = say.t0 - 1;
            }
            // "reported by X" / "denunciado por X".
            if matches!(doc.f(say.t1), "by" | "por") {
                let mut e = say.t1 + 1;
                while e < s.t1 && e < say.t1 + 8 && !doc.gap_before(e).contains(',') {
                    e += 1;
                }
                (say.t1 + 1, e)
            } else if let (true, Some(e)) = (a == say.t0, inverted) {
                (say.t1, e)
            } else if a == say.t0 {
                // "…and said we would cross", "…ni mencionó que": the subject is further back;
                // the sentence's speaker noun, if any, is taken below.
                (say.t0, say.t0)
            } else {
                (a, say.t0)
            }
        };
        // "El albergue … difundió un comunicado en el que denuncia…": the speaker is the
        // sentence's first speaker noun.
        // "Rosaura Quintanilla, who runs a legal aid office, said": the name before the clause.
        // "Los vecinos, sin embargo, afirman", "Police, however, said": a discourse marker
        // between commas is not who speaks either; the phrase before it is.
        let relative = || matches!(doc.f(a), "who" | "quien" | "which");
        let marker = || {
            (a..b).all(|k| matches!(doc.f(k), "sin" | "embargo" | "however" | "though" | "meanwhile" | "por" | "su" | "parte" | "en" | "cambio" | "otro" | "lado" | "a" | "vez" | "instead"))
                && (a..b).any(|k| matches!(doc.f(k), "embargo" | "however" | "though" | "meanwhile" | "parte" | "cambio" | "lado" | "vez" | "instead"))
        };
        let (a, b) = if a < b && a > s.t0 && doc.gap_before(a).contains(',') && (relative() || marker()) {
            let mut k = a - 1;
            while k > s.t0 && !doc.gap_before(k).contains([',', '.', ';', ':', '“', '"']) && a - k < 8 {
                k -= 1;
            }
            (k, a)
        } else {
            (a, b)
        };
        let (a, b) = if a >= b || (b - a == 1 && matches!(doc.f(a), "que" | "that" | "which" | "who" | "quien")) {
            match cues.iter().find(|c| matches!(c.cue, Cue::Speaker(_)) || matches!(c.cue, Cue::Perp(p) if p.is_state())) {
                Some(c) => (if c.t0 > s.t0 && matches!(doc.f(c.t0 - 1), "el" | "la" | "los" | "las" | "the") { c.t0 - 1 } else { c.t0 }, c.t1),
                None => return None,
            }
        } else {
            (a, b)
        };
        // "me dijeron", "así le dijeron sus compañeros": clitics and adverbs before the verb are
        // not who speaks; the speaker follows the verb, or the text does not name one.
        let pronoun = |k: usize| {
            matches!(
                doc.f(k),
                "me" | "te" | "le" | "les" | "nos" | "os" | "lo" | "la" | "los" | "las" | "se" | "asi" | "ya" | "tambien" | "no" | "yo" | "i" | "he" | "she" | "they" | "we" | "it" | "him" | "her" | "them" | "us" | "you" | "also" | "then" | "so" | "y" | "and" | "pero" | "but" | "despues" | "luego" | "entonces" | "ahora" | "finalmente" | "later" | "afterwards" | "finally" | "now"
            )
        };
        let (a, b) = if a < b && b == say.t0 && (a..b).all(pronoun) {
            let mut e = say.t1;
            while e < s.t1 && e < say.t1 + 6 && !doc.gap_before(e).contains([',', '.', '“', '"', ':']) && !matches!(doc.f(e), "que" | "that") {
                e += 1;
            }
            if e == say.t1 || (say.t1..e).all(pronoun) {
                return None;
            }
            (say.t1, e)
        } else {
            (a, b)
        };
        // "There are no reports…", "No injuries were reported", "Neither… nor…": nobody is
        // said to speak.
        if a < b && (matches!(doc.f(a), "there" | "no" | "neither" | "none" | "nobody" | "nadie" | "ningun" | "ninguna" | "ni" | "hay") || (a > s.t0 && matches!(doc.f(a - 1), "nor" | "ni"))) {
            return None;
        }
        // "The guards also", "las autoridades no", "the authorities have not": adverbs,
        // auxiliaries and negation after the speaker are not part of it.
        let mut b = b;
        while b > a
            && matches!(
                doc.f(b - 1),
                "also" | "not" | "no" | "never" | "have" | "has" | "had" | "did" | "does" | "do" | "would" | "could" | "will" | "previously" | "already" | "later" | "then" | "tambien" | "ya" | "ha" | "han" | "habia" | "habian" | "nunca" | "despues" | "luego" | "is" | "was" | "were" | "are"
            )
        {
            b -= 1;
        }
        if a >= b {
            return None;
        }
        let who = doc.slice(a, b).trim_matches(|c: char| !c.is_alphanumeric()).to_string();
        if who.is_empty() {
            return None;
        }
        let mut stance = None;
        for c in cues.iter().filter(|c| c.t0 >= a && c.t1 <= b) {
            let st = match c.cue {
                Cue::Speaker(st) => Some(st),
                Cue::Perp(cat) if cat.is_state() => Some(Stance::Official),
                _ => None,
            };
            if st.is_some() {
                stance = st;
            }
        }
        let words: Vec<String> = (a..b).filter(|&k| doc.tokens[k].upper || doc.f(k).len() > 5).map(|k| doc.f(k).to_string()).collect();
        match stance {
            Some(st) => {
                for w in &words {
                    if !speakers.iter().any(|(x, _)| x == w) {
                        // A bounded memory of speakers (the first ones named).
                        if speakers.len() < 256 {
                            speakers.push((w.clone(), st));
                        }
                    }
                }
            }
            None => {
                stance = words.iter().find_map(|w| speakers.iter().find(|(x, _)| x == w).map(|(_, st)| *st));
            }
        }
        Some(Claim {
            text: doc.text[s.start..s.end].to_string(),
            attributed_to: who,
            stance: stance.unwrap_or(Stance::Other),
            fact: None,
            value: None,
            span: Span::new(s.start, s.end),
            source: None,
        })
    }
}

/// A death toll given without its noun in a clause that ends before token `c1` (`cues` its
/// cues): the first number after the clause's report verb that ends the clause or comes
/// before "bodies", "dead", "cuerpos", "víctimas" ("counted seven.", "fueron cinco los
/// cuerpos"). `None` when there is none, or it is a date's day or above 999.
/// How much older than the report's newest incident an incident may be and still be news
/// rather than background (days).
const BACKGROUND_DAYS: i64 = 365;

/// Drops the incidents a report recalls as background: "the massacre of 72 migrants in San
/// Fernando in August 2010", "Bojayá is still remembered for May 2002". ACLED and HURIDOCS code
/// the event the report is about, not the history it cites. An incident is background when
/// it ended more than [`BACKGROUND_DAYS`] before the reference day (`published`, else the
/// newest incident's end) while another incident of the same text falls within that year.
/// Undated incidents and texts whose incidents are all old (a retrospective, a commission's
/// report on past years) are left alone.
fn drop_background(incidents: &mut Vec<Incident>, published: Option<NaiveDate>) {
    if incidents.len() < 2 {
        return;
    }
    let end = |i: &Incident| i.event_date_end.or(i.event_date);
    let Some(reference) = published.or_else(|| incidents.iter().filter_map(end).max()) else {
        return;
    };
    let old = |i: &Incident| end(i).is_some_and(|d| (reference - d).num_days() > BACKGROUND_DAYS);
    if incidents.iter().any(|i| end(i).is_some() && !old(i)) {
        incidents.retain(|i| !old(i));
    }
}

fn elided_toll(doc: &Doc<'_>, cues: &[CueMatch], c1: usize) -> Option<u32> {
    let say = cues.iter().find(|c| matches!(c.cue, Cue::Say | Cue::According))?;
    let dead = |w: &str| matches!(w, "bodies" | "dead" | "deaths" | "victims" | "cuerpos" | "cadaveres" | "muertos" | "muertes" | "victimas" | "fallecidos");
    let mut k = say.t1;
    while k < c1 && k < say.t1 + 8 {
        if let Some(n) = numbers::number_at(doc, k, c1) {
            let after = k + n.tokens;
            let ends = after >= c1 || doc.gap_before(after).contains([',', '.', ';', ':']);
            let noun = after < c1 && (dead(doc.f(after)) || (matches!(doc.f(after), "the" | "los" | "las") && after + 1 < c1 && dead(doc.f(after + 1))));
            return ((ends || noun) && n.value < 1000 && !dates::is_day_of_date(doc, k)).then_some(n.value);
        }
        k += 1;
    }
    None
}

/// The cues of a sentence (`cues`, in token order) that start inside `[t0, t1)`.
fn clause_cues(cues: &[CueMatch], t0: usize, t1: usize) -> &[CueMatch] {
    let lo = cues.partition_point(|c| c.t0 < t0);
    let hi = cues.partition_point(|c| c.t0 < t1);
    &cues[lo..hi.max(lo)]
}

/// Whether folded word `w` sets a clause against the one before ("but", "while", "pero",
/// "mientras", "aunque"…).
fn is_contrast(w: &str) -> bool {
    matches!(w, "but" | "while" | "whereas" | "although" | "pero" | "mientras" | "aunque")
}

/// The clauses of sentence `si` that report speech each on their own, as token ranges: where
/// two speakers give their accounts in one sentence ("Police reported four dead, but peasant
/// groups said eleven were killed"; "según la versión oficial, …; su familia sostiene que…"),
/// the sentence is cut before a semicolon or before a comma and "but", "while", "whereas",
/// "pero", "mientras", "aunque", and each part keeps a report cue of its own. A sentence with
/// fewer than two report cues, or with no such cut between them, is one clause.
fn report_clauses(doc: &Doc<'_>, si: usize, cues: &[CueMatch]) -> Vec<(usize, usize)> {
    let s = doc.sentences[si];
    let is_report = |c: &&CueMatch| matches!(c.cue, Cue::Say | Cue::According);
    let mut clauses = vec![(s.t0, s.t1)];
    if cues.iter().filter(is_report).nth(1).is_none() {
        return clauses;
    }
    for k in s.t0 + 1..s.t1 {
        let gap = doc.gap_before(k);
        let cut = gap.contains(';') || (gap.contains(',') && is_contrast(doc.f(k)));
        // Both sides must keep a report of their own.
        let start = clauses.last().map_or(s.t0, |c| c.0);
        if cut && cues.iter().filter(is_report).any(|r| r.t0 >= start && r.t0 < k) && cues.iter().filter(is_report).any(|r| r.t0 >= k) {
            if let Some(last) = clauses.last_mut() {
                last.1 = k;
            }
            clauses.push((k, s.t1));
        }
    }
    clauses
}

/// "the Coahuila Prosecutor's Office", "la Fiscalía de Coahuila", "Texas police": the place
/// names an institution (often the speaker), not where the incident happened.
fn names_an_institution(doc: &Doc<'_>, cues: &[CueMatch], p: &PlaceMention) -> bool {
    let after_is_org = doc.gap_before(p.t1) == " "
        && cues.iter().any(|c| c.t0 == p.t1 && matches!(c.cue, Cue::Speaker(Stance::Official) | Cue::Perp(_)))
        && !matches!(doc.f(p.t1), "state" | "estado" | "border" | "frontera" | "department" | "departamento" | "province" | "provincia" | "municipality" | "municipio" | "region" | "county" | "oblast" | "district" | "city" | "ciudad");
    let before = if p.t0 >= 2 { doc.f(p.t0 - 1) } else { "" };
    let before_org = matches!(before, "de" | "del" | "of")
        && p.t0 >= 2
        && matches!(doc.f(p.t0 - 2), "fiscalia" | "gobierno" | "government" | "secretaria" | "procuraduria" | "policia" | "congreso" | "governor" | "gobernador" | "comision" | "ministry" | "ministerio" | "cancilleria" | "consulado" | "consulate" | "embajada" | "embassy" | "universidad" | "university" | "diocesis" | "obispo" | "president" | "presidente" | "presidenta" | "minister" | "ministro" | "ministra");
    // "La Casa del Migrante Hermano Peregrino de Saltillo", "the Good Samaritan Shelter of
    // Tucson": the place ends a capitalised name that an institution's noun opens.
    let named_org = || {
        let mut k = p.t0 - 1;
        let mut steps = 0;
        while k > 0 && steps < 8 {
            k -= 1;
            steps += 1;
            let w = doc.f(k);
            if doc.tokens[k].upper && ORG_HEADS.contains(w) {
                return true;
            }
            if !(doc.tokens[k].upper || matches!(w, "de" | "del" | "la" | "el" | "los" | "las" | "en" | "of" | "the" | "for")) || doc.gap_before(k + 1).trim() != "" {
                return false;
            }
        }
        false
    };
    after_is_org || before_org || (matches!(before, "de" | "del" | "of") && p.t0 >= 2 && doc.tokens[p.t0 - 2].upper && named_org())
}

/// Nouns that open the name of a shelter or another civil institution (folded).
static ORG_HEADS: lexicon::WordSet = lexicon::WordSet::new(&[
    "casa", "albergue", "centro", "hogar", "comedor", "refugio", "parroquia", "red", "colectivo", "comite", "frente",
    "asociacion", "fundacion", "organizacion", "shelter", "house", "center", "centre", "network", "committee",
    "association", "foundation",
]);

fn in_quote(doc: &Doc<'_>, sentence_start: usize, tok: usize) -> bool {
    // Quotes may open before the sentence does: count from the start of the line.
    let line_start = doc.text[..sentence_start].rfind('\n').map_or(0, |i| i + 1);
    let before = doc.text[line_start..doc.tokens[tok].start].as_bytes();
    // Only the first byte of a quote mark matters: “ ” are E2 80 9C/9D, « » are C2 AB/BB in
    // UTF-8. Most lines have none before the token.
    let Some(first) = memchr::memchr3(b'"', 0xE2, 0xC2, before) else { return false };
    let (mut open, mut close, mut straight) = (0usize, 0usize, 0usize);
    for (i, &b) in before.iter().enumerate().skip(first) {
        match b {
            b'"' => straight += 1,
            0xE2 if before.get(i + 1) == Some(&0x80) => match before.get(i + 2) {
                Some(0x9C) => open += 1,
                Some(0x9D) => close += 1,
                _ => {}
            },
            0xC2 => match before.get(i + 1) {
                Some(0xAB) => open += 1,
                Some(0xBB) => close += 1,
                _ => {}
            },
            _ => {}
        }
    }
    open > close || straight % 2 == 1
}

fn fold_eq(a: &str, b: &str) -> bool {
    testigo_gazetteer::fold::key(a) == testigo_gazetteer::fold::key(b)
}

fn round4(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

/// The counted facts of an incident (its people killed, injured, missing, detained,
/// displaced), an index into the incident's counts while it is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    Fatalities,
    Injured,
    Missing,
    Detained,
    Displaced,
}

impl Counted {
    /// How many there are (the length of an array indexed by `Counted as usize`): one past the
    /// last variant.
    const N: usize = Counted::Displaced as usize + 1;

    /// Its evidence field (see [`field`]), named as the contract's count.
    fn field(self) -> u8 {
        match self {
            Counted::Fatalities => field::FATALITIES,
            Counted::Injured => field::INJURED,
            Counted::Missing => field::MISSING,
            Counted::Detained => field::DETAINED,
            Counted::Displaced => field::DISPLACED,
        }
    }
}

/// The fields that evidence backs, in the order of their names (the order of an incident's
/// evidence map), so that spans gathered under a field's number in [`field`] sort by number.
const EVIDENCE_FIELDS: [&str; 13] = [
    "detained",
    "displaced",
    "event_date",
    "event_type",
    "fatalities",
    "harms",
    "injured",
    "location",
    "missing",
    "perpetrators",
    "victims",
    "victims.ages",
    "victims.nationalities",
];

/// The number of each field in [`EVIDENCE_FIELDS`].
mod field {
    pub const DETAINED: u8 = 0;
    pub const DISPLACED: u8 = 1;
    pub const EVENT_DATE: u8 = 2;
    pub const EVENT_TYPE: u8 = 3;
    pub const FATALITIES: u8 = 4;
    pub const HARMS: u8 = 5;
    pub const INJURED: u8 = 6;
    pub const LOCATION: u8 = 7;
    pub const MISSING: u8 = 8;
    pub const PERPETRATORS: u8 = 9;
    pub const VICTIMS: u8 = 10;
    pub const VICTIMS_AGES: u8 = 11;
    pub const VICTIMS_NATIONALITIES: u8 = 12;
}

/// Which count a harm adds to (`None` for harms that are not counted).
fn count_key(h: Harm) -> Option<Counted> {
    Some(match h {
        Harm::Killing | Harm::DeathInCustody | Harm::DeathInTransit => Counted::Fatalities,
        Harm::Injury => Counted::Injured,
        Harm::Disappearance => Counted::Missing,
        Harm::Detention => Counted::Detained,
        Harm::Displacement => Counted::Displaced,
        _ => return None,
    })
}

/// "could face attacks, extortion and kidnapping": a harm in a list whose head is
/// hypothetical. Walks back over the list (harm cues, commas, "and"/"or"/"y"/"o") and checks
/// the three words before it.
fn in_hypothetical_list(doc: &Doc<'_>, cues: &[CueMatch], ci: usize) -> bool {
    // No modal cue before the harm, no hypothetical head: most harms are done here.
    if !cues[..ci].iter().any(|p| matches!(p.cue, Cue::Hyp)) {
        return false;
    }
    let mut k = ci;
    let mut start = cues[ci].t0;
    while k > 0 {
        let p = cues[k - 1];
        // At most one word between them, a conjunction ("killed or injured").
        let list_gap = start.saturating_sub(p.t1) <= 1 && (p.t1..start).all(|x| matches!(doc.f(x), "and" | "or" | "y" | "o" | "e" | "u" | "even" | "incluso"));
        if matches!(p.cue, Cue::Harm(_) | Cue::Weak(_) | Cue::AttackAct) && list_gap && !doc.gap_before(start).contains(['.', ';']) {
            start = p.t0;
            k -= 1;
        } else {
            break;
        }
    }
    start != cues[ci].t0 && cues[..k].iter().rev().take_while(|p| start.saturating_sub(p.t1) <= 3).any(|p| matches!(p.cue, Cue::Hyp))
}

/// Whether token `at` follows, within six words, the arrest of a suspect ("arrested two
/// suspects on March 6", "capturó ayer en Pasto al presunto asesino"): the arrest's date and
/// place are not the act's.
fn arrest_of_suspect(doc: &Doc<'_>, cues: &[CueMatch], at: usize) -> bool {
    cues.iter().any(|c| {
        matches!(c.cue, Cue::Harm(Harm::Detention))
            && c.t1 <= at
            && at - c.t1 <= 6
            && (c.t1..c.t1 + 8).any(|k| k < doc.tokens.len() && matches!(doc.f(k), "suspect" | "suspects" | "sospechoso" | "sospechosos" | "sospechosa" | "presunto" | "presuntos" | "presunta" | "presuntas" | "alleged" | "responsable" | "responsables" | "killer" | "killers" | "perpetrator" | "perpetrators"))
    })
}

/// "in the shoulder", "en la pierna", "in his legs" within six words after a shot at `from`
/// (limbs and trunk, not the head).
fn shot_in_body(doc: &Doc<'_>, from: usize, t1: usize) -> bool {
    (from..(from + 6).min(t1.saturating_sub(2))).any(|k| {
        matches!(doc.f(k), "in" | "en")
            && matches!(doc.f(k + 1), "the" | "his" | "her" | "their" | "la" | "el" | "las" | "los" | "una" | "un" | "su" | "sus" | "ambas" | "both")
            && matches!(
                doc.f(k + 2),
                "shoulder" | "leg" | "legs" | "arm" | "arms" | "back" | "foot" | "feet" | "hand" | "hands" | "chest" | "abdomen" | "stomach" | "hip" | "thigh" | "knee" | "buttocks"
                    | "pierna" | "piernas" | "brazo" | "brazos" | "espalda" | "pie" | "pies" | "mano" | "manos" | "pecho" | "hombro" | "cadera" | "muslo" | "rodilla" | "gluteo"
            )
    })
}

/// A finite auxiliary between a modal cue and an act (`from..to`) heads the act's own clause:
/// in "a neighbour who tried to shield them were shot dead", "tried to" governs "shield", and
/// "were shot dead" is told as a fact.
fn governed_elsewhere(doc: &Doc<'_>, from: usize, to: usize) -> bool {
    from < to && (from + 1..to).any(|k| matches!(doc.f(k), "were" | "was" | "fueron" | "fue"))
}

/// Whether the harm at token `a` is told in a clause that gives a figure since replaced:
/// "Officials had initially reported three dead", "En un primer reporte, la dependencia había
/// informado de cuatro víctimas", "An earlier version of this article said 12 migrants died".
/// The marker stands within twenty tokens before the harm (from `t0`, the sentence's start),
/// with no semicolon, contrast ("but", "pero") or later correction ("since confirmed",
/// "precisó") between them.
fn superseded_figure(doc: &Doc<'_>, t0: usize, a: usize) -> bool {
    let from = a.saturating_sub(20).max(t0);
    let Some(m) = (from..a).rev().find(|&k| {
        let pair = (doc.f(k), if k + 1 < a { doc.f(k + 1) } else { "" });
        matches!(pair.0, "initially" | "inicialmente" | "originally" | "originalmente")
            || matches!(
                pair,
                ("at", "first")
                    | ("first", "reported")
                    | ("earlier", "version" | "report")
                    | ("primer", "reporte" | "informe" | "balance")
                    | ("primera", "version")
                    | ("un", "principio")
                    | ("version", "original")
            )
    }) else {
        return false;
    };
    !(m + 1..=a).any(|k| {
        doc.gap_before(k).contains(';')
            || matches!(doc.f(k), "but" | "pero" | "although" | "aunque" | "since" | "later" | "now" | "ahora" | "luego" | "posteriormente" | "corrected" | "confirmed" | "preciso" | "rectifico" | "corrigio")
    })
}

/// True when a comma, semicolon, "but" or a quote separates two token positions.
fn clause_break(doc: &Doc<'_>, from: usize, to: usize) -> bool {
    (from.max(1)..=to).any(|k| {
        let g = doc.gap_before(k);
        // Most gaps are one space: tested first, without a search.
        (g != " " && (g.contains([';', '.', '“', '”']) || (g.contains(',') && k < to))) || matches!(doc.f(k.saturating_sub(1)), "but" | "pero" | "although" | "aunque")
    }) && from < to
}

fn is_plan(doc: &Doc<'_>, at: usize, t0: usize) -> bool {
    (at.saturating_sub(3).max(t0)..at).any(|k| matches!(doc.f(k), "plan" | "plans" | "planned" | "planean" | "planea" | "will" | "convocaron" | "called" | "calls"))
}

fn best_date(f: &SentenceFacts) -> Option<usize> {
    let anchor = f.harms.first().map(|h| h.1);
    let mut best: Option<(usize, usize)> = None;
    for (di, d) in f.dates.iter().enumerate() {
        if f.report_dates.contains(&di) {
            continue;
        }
        let dist = anchor.map_or(d.t0, |a| d.t0.abs_diff(a));
        if best.is_none_or(|(_, bd)| dist < bd) {
            best = Some((di, dist));
        }
    }
    best.map(|b| b.0).or_else(|| (!f.dates.is_empty() && f.report_dates.len() < f.dates.len()).then_some(0))
}

fn dates_differ(a: &DateMention, b: &DateMention) -> bool {
    match (a.start, a.end, b.start, b.end) {
        (Some(a0), Some(a1), Some(b0), Some(b1)) => b1 < a0 - chrono::Duration::days(1) || b0 > a1 + chrono::Duration::days(1),
        _ => false,
    }
}

/// Is the perpetrator cue at `ci` the agent of the sentence's act (not a source, a victim or
/// a mere bystander)?
/// `rescue()` says whether the sentence tells a rescue.
fn is_perpetrator(doc: &Doc<'_>, cues: &[CueMatch], ci: usize, t1: usize, rescue: &dyn Fn() -> bool) -> bool {
    let c = cues[ci];
    // "according to police", "según la policía".
    // "según la Policía", "de acuerdo con el informe de la Policía Nacional".
    if cues[..ci].iter().rev().take(3).any(|p| matches!(p.cue, Cue::According) && c.t0.saturating_sub(p.t1) <= 5) {
        return false;
    }
    // "police said", "la policía informó": a source.
    // The word right after the phrase, if the sentence goes on.
    let next = (c.t1 < t1).then(|| doc.f(c.t1));
    if cues[ci + 1..].iter().take(2).any(|n| matches!(n.cue, Cue::Say) && n.t0 <= c.t1 + 2) {
        return false;
    }
    // Forces that rescued or freed the victims ("en un operativo con la Guardia Estatal, fueron
    // rescatados…") are not the perpetrators, unless an act of theirs follows them.
    if matches!(c.cue, Cue::Perp(cat) if cat.is_state())
        && rescue()
        && !cues[ci + 1..].iter().take(2).any(|n| matches!(n.cue, Cue::Harm(_) | Cue::AttackAct) && n.t0 <= c.t1 + 2)
    {
        return false;
    }
    // "found by Military Police officers", "hallado por la policía": who found the victim is a
    // bystander too.
    let by = (c.t0.saturating_sub(3)..c.t0).rev().find(|&k| matches!(doc.f(k), "by" | "por"));
    if by.is_some_and(|k| {
        k > 0 && matches!(doc.f(k - 1), "found" | "discovered" | "located" | "rescued" | "hallado" | "hallada" | "hallados" | "halladas" | "encontrado" | "encontrada" | "encontrados" | "encontradas" | "localizado" | "localizada" | "localizados" | "localizadas" | "rescatado" | "rescatada" | "rescatados" | "rescatadas")
    }) {
        return false;
    }
    // "police found the body", "la policía localizó": bystanders, not agents.
    if next.is_some_and(|w| matches!(w, "found" | "discovered" | "located" | "responded" | "arrived" | "rescued" | "freed" | "released" | "hallaron" | "encontraron" | "localizaron" | "rescataron" | "liberaron" | "lograron" | "auxiliaron" | "atendieron" | "acudieron" | "llegaron" | "investigate" | "investigan" | "investiga" | "informo" | "informaron" | "reporto" | "reportaron")) {
        return false;
    }
    // "three police officers were killed": the named group is the victim.
    if next.is_some_and(|w| matches!(w, "are" | "were" | "was" | "fue" | "fueron" | "resultaron")) && cues[ci + 1..].iter().take(2).any(|n| matches!(n.cue, Cue::Harm(_)) && n.t0 <= c.t1 + 2) {
        return false;
    }
    // A perpetrator named as the object of a harm verb ("killed a police officer") is a
    // victim.
    // "shot dead by two armed men": "by" may come before a number or an article.
    if cues[..ci].iter().rev().take(1).any(|p| matches!(p.cue, Cue::Harm(_)) && c.t0 <= p.t1 + 2 && !(p.t1..c.t0).any(|k| matches!(doc.f(k), "by" | "por"))) {
        return false;
    }
    true
}

/// A victim noun (possibly after a number, article or adjectives) within a few tokens after `at`.
fn victim_follows(doc: &Doc<'_>, cues: &[CueMatch], at: usize, t1: usize) -> bool {
    if !matches!(doc.f(at), "of" | "de" | "del" | "against" | "contra" | "on") {
        return false;
    }
    cues.iter().any(|c| matches!(c.cue, Cue::Victim(_)) && c.t0 > at && c.t0 <= at + 5 && c.t0 < t1)
}

/// The count of people a harm cue `[a, b)` refers to, from its sentence `[t0, t1)`.
fn count_for(doc: &Doc<'_>, cues: &[CueMatch], a: usize, b: usize, t0: usize, t1: usize) -> Option<(u32, Span)> {
    let span = |x: usize, y: usize| Span::new(doc.tokens[x].start, doc.tokens[y - 1].end);
    if let Some(x) = listed_victims(doc, cues, a, b, t0, t1) {
        return Some(x);
    }
    // "un muerto", "una herida", "hubo un lesionado": the article before a singular noun of the
    // harm counts one (a number word elsewhere, "un" is left alone as an article).
    if b == a + 1 && a > t0 && matches!(doc.f(a - 1), "un" | "una") && {
        let w = doc.f(a);
        (w.ends_with('o') || w.ends_with('a')) && matches!(w.get(..4), Some("muer" | "heri" | "lesi" | "fall" | "desa" | "ases"))
    } {
        return Some((1, span(a - 1, b)));
    }
    // "17 killed", "five were killed", "dos muertos", "Tres migrantes hondureños murieron":
    // a number a few words before the act, in the same clause.
    // "Two men on a motorcycle shot dead a bricklayer": a number before an act done to an
    // object counts who did it (not so after "were", nor for "died a day later").
    let active = a > t0
        && !matches!(doc.f(a - 1), "was" | "were" | "been" | "be" | "fue" | "fueron" | "resultaron" | "resulto" | "han" | "ha" | "have" | "has" | "are" | "is")
        && !matches!(doc.f(a), "died" | "die" | "dies" | "murio" | "murieron" | "muere" | "mueren" | "fallecio" | "fallecieron" | "perished" | "drowned" | "ahogaron")
        && b < t1
        && (matches!(doc.f(b), "a" | "an" | "his" | "her" | "their" | "un" | "una" | "al") || (doc.f(b) == "the" && b + 1 < t1 && !matches!(doc.f(b + 1), "next" | "following" | "same")));
    let mut k = a;
    // Words the walk may go back (an aside skipped adds its own), and whether the break
    // before `k` was just stepped over.
    let mut reach = 7;
    let mut over_aside = false;
    while k > t0 && a - k < reach && !active {
        if !over_aside && { let g = doc.gap_before(k); g != " " && g.contains([',', ';', '.', ':']) } && k < a {
            // "Cuatro personas, entre ellas un menor, resultaron heridas", "five migrants,
            // including two children, were hurt": over an aside that names some of them.
            let aside = (t0 + 1..k).rev().take(8).find(|&j| doc.gap_before(j).contains(',')).filter(|&j| {
                doc.gap_before(k).trim() == ","
                    && matches!((doc.f(j), doc.f(j + 1)), ("entre", "ellos" | "ellas") | ("among", "them") | ("including", _) | ("incluidos" | "incluidas" | "incluido" | "incluida", _))
            });
            // "Four employees of a car wash in Toluca, State of Mexico, were shot dead": over a
            // place's apposition (capitalised words).
            let place_aside = || {
                (t0 + 1..k).rev().take(5).find(|&j| doc.gap_before(j).contains(',')).filter(|&j| {
                    doc.gap_before(k).trim() == "," && (j..k).all(|x| doc.tokens[x].upper || matches!(doc.f(x), "of" | "de" | "del" | "la"))
                })
            };
            // "Tres jóvenes, de 19, 20 y 22 años, fueron…", "two men, aged 19 and 23, were…":
            // over an aside of ages (its commas included).
            let age_aside = || {
                if doc.gap_before(k).trim() != "," || !matches!(doc.f(k - 1), "anos" | "years" | "old") && !(t0 + 1..k).rev().take(8).any(|j| matches!(doc.f(j), "aged" | "ages")) {
                    return None;
                }
                let mut j = k;
                let mut start = None;
                while j > t0 + 1 && k - j < 10 {
                    j -= 1;
                    let x = doc.f(j);
                    if !(numbers::may_start_number(doc, j) || matches!(x, "de" | "y" | "and" | "e" | "anos" | "years" | "aged" | "ages" | "old")) {
                        break;
                    }
                    if doc.gap_before(j).contains(',') && matches!(x, "de" | "aged" | "ages") {
                        start = Some(j);
                    }
                }
                start
            };
            match aside.or_else(place_aside).or_else(age_aside) {
                Some(j) => {
                    reach += k - j;
                    k = j;
                    over_aside = true;
                    continue;
                }
                None => break,
            }
        }
        over_aside = false;
        k -= 1;
        let w = doc.f(k);
        // "a third was wounded", "un tercero resultó herido": one more person.
        if k > t0 && matches!(w, "third" | "fourth" | "fifth" | "tercero" | "tercera" | "cuarto" | "cuarta" | "quinto" | "quinta") && matches!(doc.f(k - 1), "a" | "un" | "una" | "el" | "la") {
            return Some((1, span(k - 1, b)));
        }
        if let Some(n) = number_start_ending_at(doc, k, t0) {
            let p1 = if n.1 > t0 { doc.f(n.1 - 1) } else { "" };
            // "un microbús que transportaba a 19 migrantes fue asaltado": the object of
            // another verb counts no one hurt by this act. (Not when a pronoun before the act
            // takes it up: "a cinco nos golpearon".)
            let clitic = matches!(doc.f(a - 1), "nos" | "los" | "las" | "les" | "lo" | "la" | "le" | "me" | "te");
            // ("se elevó a nueve muertos": a toll.)
            let toll = n.1 >= t0 + 2 && matches!(doc.f(n.1 - 2), "elevo" | "ascendio" | "asciende" | "subio" | "sube" | "aumento" | "llego" | "alcanzo");
            if matches!(p1, "carrying" | "transporting" | "with" | "con") || (matches!(p1, "a" | "al") && !clitic && !toll) {
                break;
            }
            // "A mi esposo y a otros dos hombres los golpearon", "a man and two others were
            // killed": the number and one more named before it.
            // (The word before the conjunction ends a singular victim: "Dos murieron y otras
            // cinco resultaron heridas" joins clauses, not people.)
            let conj = if matches!(p1, "otros" | "otras") && n.1 >= t0 + 2 {
                match doc.f(n.1 - 2) {
                    "y" | "e" => Some(n.1 - 2),
                    "a" if n.1 >= t0 + 3 && matches!(doc.f(n.1 - 3), "y" | "e") => Some(n.1 - 3),
                    _ => None,
                }
            } else if p1 == "and" && matches!(doc.f(k + 1), "others" | "other") {
                Some(n.1 - 1)
            } else {
                None
            };
            let and_one = conj.is_some_and(|j| cues.iter().any(|c| matches!(c.cue, Cue::Victim(fl) if fl & 1 == 0) && c.t1 == j));
            // "dos de los nueve heridos … murieron": the part, not the whole.
            if k + 1 < a && matches!(p1, "los" | "las" | "the") && n.1 >= t0 + 3 && matches!(doc.f(n.1 - 2), "de" | "of") {
                if let Some(part) = number_start_ending_at(doc, n.1 - 3, t0) {
                    return Some((part.0, span(part.1, a.max(part.1 + 1)).cover(span(a, b))));
                }
            }
            return Some((n.0 + more_than(doc, n.1, t0) + u32::from(and_one), span(n.1, a.max(n.1 + 1)).cover(span(a, b))));
        }
        // "Two of them had gunshot wounds", "tres de ellos resultaron heridos": over "of them".
        if matches!(w, "of" | "de") && matches!(doc.f(k + 1), "them" | "those" | "ellos" | "ellas") {
            continue;
        }
        // "the other seven occupants of an SUV were injured", "cuatro empleados de un
        // autolavado": over a phrase that follows a plural victim noun.
        if matches!(w, "of" | "de") && k > t0 && cues.iter().any(|c| matches!(c.cue, Cue::Victim(fl) if fl & 1 != 0) && c.t1 == k) {
            reach += 6;
            continue;
        }
        // "a score of miners", "decenas de migrantes": "of" after a collective number.
        let collective = matches!(w, "of" | "de") && k > t0 && number_start_ending_at(doc, k - 1, t0).is_some_and(|n| n.1 < k - 1 || !doc.f(k - 1).bytes().all(|b| b.is_ascii_digit()));
        if !collective && (!w.chars().all(|c| c.is_alphabetic() || c == '-') || matches!(w, "by" | "por" | "and" | "y" | "of" | "que" | "who" | "which" | "after" | "tras" | "when" | "cuando")) {
            break;
        }
    }
    // "the death toll ... rose to 21", "el saldo de muertos asciende a 12".
    if (a..b).any(|k| matches!(doc.f(k), "toll" | "balance" | "cifra" | "saldo" | "numero")) {
        let mut k = b;
        while k < t1 && k < b + 25 && !doc.gap_before(k).contains([';', '.']) {
            if matches!(doc.f(k), "to" | "at" | "of" | "a" | "en" | "de" | "reached" | "hit" | "is" | "was" | "alcanzo" | "llego") {
                if let Some(n) = numbers::number_at(doc, k + 1, t1) {
                    return Some((n.value, span(k + 1, k + 1 + n.tokens)));
                }
            }
            k += 1;
        }
    }
    // "killing four farmers", "mató a dos", "left two dead", "killed three men".
    let mut k = b;
    let mut steps = 0;
    while k < t1 && steps < 4 {
        // "recuperaron un cuerpo; dos pasajeros fueron rescatados": not past the clause.
        if doc.gap_before(k).contains([';', '.', ':']) {
            break;
        }
        let w = doc.f(k);
        // "secuestró hace cuatro días a dos comerciantes": a span of time between the verb and
        // its object.
        if w == "hace" && k + 2 < t1 && numbers::number_at(doc, k + 1, t1).is_some_and(|n| n.tokens == 1) && matches!(doc.f(k + 2), "dias" | "horas" | "semanas" | "meses" | "dia" | "hora" | "semana" | "mes") {
            k += 3;
            steps += 1;
            continue;
        }
        // "golpearon con palos a cuatro haitianos": an instrument before the object.
        if matches!(w, "con" | "with") && steps == 0 {
            if let Some(j) = (k + 1..(k + 4).min(t1)).find(|&j| doc.f(j) == "a" && personal_a(doc, j, t1)) {
                k = j;
                steps += 1;
                continue;
            }
        }
        // "golpearon y retuvieron durante varias horas a tres jóvenes": a second verb shares
        // the object; a span of time before it.
        if matches!(w, "y" | "and" | "e") && steps == 0 {
            if let Some(c) = cues.iter().find(|c| c.t0 == k + 1 && matches!(c.cue, Cue::Harm(_) | Cue::AttackAct)) {
                k = c.t1;
                steps += 1;
                continue;
            }
        }
        if matches!(w, "durante" | "for") && k + 2 < t1 && matches!(doc.f(k + 2), "horas" | "hours" | "dias" | "days" | "minutos" | "minutes") {
            k += 3;
            steps += 1;
            continue;
        }
        // A day between the verb and its object: "asesinó el miércoles a cinco personas".
        let day = day_word(w);
        if day || matches!(w, "a" | "al" | "at" | "least" | "menos" | "por" | "lo" | "the" | "los" | "las" | "some" | "unos" | "unas" | "about" | "around" | "cerca" | "de" | "of" | "approximately" | "aproximadamente" | "more" | "than" | "mas" | "over" | "rose" | "to" | "stands" | "stood" | "en" | "ascendio" | "asciende" | "sube" | "subio") {
            k += 1;
            steps += 1;
            continue;
        }
        if let Some(n) = numbers::number_at(doc, k, t1).filter(|n| !matches!(doc.f(k + n.tokens), "year-old" | "years-old" | "year" | "years" | "anos" | "ano")) {
            // Only when people follow the number ("four farmers", "one of its presenters",
            // "dos migrantes"), or nothing nounish does ("mató a dos").
            // (Not an age: "wounding a 16-year-old boy".)
            let after = k + n.tokens;
            // A plural noun after the number names people unless it is a unit ("four shots").
            let plural_noun = {
                let w = doc.f(after);
                w.len() > 3 && w.ends_with('s') && w.chars().all(char::is_alphabetic)
                    && !matches!(w, "shots" | "bullets" | "rounds" | "miles" | "kilometers" | "kilometres" | "metres" | "meters" | "years" | "days" | "hours" | "minutes" | "weeks" | "months" | "times" | "vehicles" | "cars" | "trucks" | "houses" | "homes" | "tons" | "dollars" | "pesos" | "disparos" | "balazos" | "tiros" | "anos" | "dias" | "horas" | "semanas" | "meses" | "veces" | "vehiculos" | "casas" | "kilometros" | "metros"
                        // Body parts: "le rompieron dos costillas" hurt one person.
                        | "ribs" | "bones" | "teeth" | "fingers" | "arms" | "legs" | "costillas" | "huesos" | "dientes" | "dedos" | "brazos" | "piernas")
            };
            // "killing three and wounding eight", "mató a dos e hirió a otro": a bare number
            // before a conjunction.
            let people = plural_noun || cues.iter().any(|c| matches!(c.cue, Cue::Victim(_)) && c.t0 >= after && c.t0 <= after + 2)
                || matches!(doc.f(after), "of" | "de" | "and" | "y" | "e" | "others" | "otros" | "otras") || after >= t1 || doc.gap_before(after).contains([',', '.']);
            if people {
                return Some((n.value + more_than(doc, k, t0), span(k, after)));
            }
        }
        break;
    }
    // "Eleven Guatemalan migrants bound for Atlanta, where several of them had relatives, were
    // taken off a bus": a passive whose subject opens the sentence with its number, however
    // long the phrases after it (no other act between).
    if !active && a > t0 + 2 && matches!(doc.f(a - 1), "were" | "fueron") {
        let s0 = if matches!(doc.f(t0), "the" | "los" | "las") { t0 + 1 } else { t0 };
        if let Some(n) = numbers::number_at(doc, s0, a).filter(|n| !n.vague) {
            let head = cues.iter().find(|c| c.t0 >= s0 + n.tokens && c.t0 <= s0 + n.tokens + 2 && (matches!(c.cue, Cue::Victim(fl) if fl & 1 != 0) || (matches!(c.cue, Cue::Demonym(_)) && doc.f(c.t1 - 1).ends_with('s'))));
            let between = |c: &&CueMatch| c.t0 > s0 && c.t1 < a && matches!(c.cue, Cue::Harm(_) | Cue::AttackAct | Cue::Say);
            if head.is_some() && a - s0 <= 40 && !cues.iter().any(|c| between(&c)) && !(s0..a).any(|k| doc.gap_before(k).contains([';', ':'])) {
                return Some((n.value, span(s0, s0 + n.tokens).cover(span(a, b))));
            }
        }
    }
    // "dos voluntarios que intentaron impedir el operativo fueron golpeados", "two brothers
    // who were beaten to death": the number of the people a relative clause follows.
    if !active {
        if let Some(r) = (a.saturating_sub(16).max(t0 + 1)..a).rev().find(|&r| matches!(doc.f(r), "que" | "who" | "quienes")) {
            // (A plural nationality heads it too: "Tres salvadoreños que se dirigían…".)
            let plural = cues.iter().find(|c| (matches!(c.cue, Cue::Victim(fl) if fl & 1 != 0) || (matches!(c.cue, Cue::Demonym(_)) && doc.f(c.t1 - 1).ends_with('s'))) && c.t1 <= r && r - c.t1 <= 1);
            if let Some(v) = plural.filter(|_| !clause_break(doc, r, a)) {
                if let Some((n, sp)) = number_before(doc, v.t0, t0) {
                    return Some((n, sp.cover(span(a, b))));
                }
            }
        }
    }
    None
}

/// People named one by one around the act: "a woman, her two children and a neighbour were
/// shot dead" (4), "mataron a un líder campesino y a su esposa" (2), "the driver and one
/// passenger died" (2). Returns the sum and the list's span when at least two victim noun
/// phrases are joined by "and"/"y"/"e" (with commas between the others) as the subject just
/// before the act `a..b` or as its object just after; `None` otherwise, and for a plural noun
/// without a number ("his children"), whose count the text does not give.
fn listed_victims(doc: &Doc<'_>, cues: &[CueMatch], a: usize, b: usize, t0: usize, t1: usize) -> Option<(u32, Span)> {
    let span = |x: usize, y: usize| Span::new(doc.tokens[x].start, doc.tokens[y - 1].end);
    // A list needs a victim noun or a nationality where one of its phrases can start (the
    // subject's within 40 tokens before the act, the object's after it) and a conjunction:
    // most acts lack one or the other, and are done here (the cues first: they are few).
    let noun_here = |c: &CueMatch| matches!(c.cue, Cue::Victim(_) | Cue::Demonym(_)) && ((c.t1 <= a && c.t0 >= t0 && a - c.t0 <= 40) || c.t0 >= b);
    if !cues.iter().any(noun_here) {
        return None;
    }
    let conj = |x: usize, y: usize| (x..y).any(|k| matches!(doc.f(k), "and" | "y" | "e"));
    let (sub0, obj1) = (a.saturating_sub(46).max(t0), (b + 40).min(t1));
    if !conj(sub0, a) && !conj(b, obj1) {
        return None;
    }
    // Subject: the list starts at a victim noun phrase within 40 tokens before the act and
    // ends right before it, or before a relative clause or an auxiliary that leads to it.
    let first = cues.iter().find(|c| matches!(c.cue, Cue::Victim(_) | Cue::Demonym(_)) && c.t1 <= a && c.t0 >= t0 && a - c.t0 <= 40);
    if let Some(start) = first.and_then(|c| item_start(doc, c.t0, t0)) {
        if let Some((n, end)) = victim_list(doc, cues, start, a) {
            let joined = end == a
                || (end..a).all(|k| matches!(doc.f(k), "were" | "was" | "have" | "has" | "been" | "had" | "fueron" | "resultaron" | "han" | "sido" | "all" | "both" | "todos" | "ambos"))
                || (matches!(doc.f(end), "who" | "que" | "quienes") && a - end <= 16 && !(end..a).any(|k| doc.gap_before(k).contains([';', '.', ':'])));
            if joined {
                return Some((n, span(start, b)));
            }
        }
    }
    // Object: right after the act, over a day ("asesinaron el miércoles a…") and the
    // Spanish "a" before people.
    let mut k = b;
    while k < t1 && k < b + 4 && day_word(doc.f(k)) {
        k += 1;
    }
    if personal_a(doc, k, t1) {
        k += 1;
    }
    if let Some((n, end)) = victim_list(doc, cues, k, t1) {
        // The list ends the clause or a preposition follows: in "murió un joven y su hermano
        // quedó herido" the brother is the subject of the next verb.
        let closes = end >= t1
            || doc.gap_before(end).contains([',', ';', '.', ':', '('])
            || matches!(doc.f(end), "at" | "in" | "on" | "near" | "outside" | "inside" | "from" | "with" | "during" | "while" | "when" | "after" | "before" | "as" | "en" | "de" | "del" | "cerca" | "con" | "durante" | "mientras" | "cuando" | "tras" | "antes" | "despues" | "luego" | "el" | "la" | "este" | "esta" | "ayer" | "anoche" | "yesterday" | "last" | "early" | "late" | "por" | "by" | "frente" | "afuera" | "dentro");
        if closes {
            return Some((n, span(a, end)));
        }
    }
    None
}

/// A word of a day between a verb and its object: "asesinó el miércoles a…", "killed on
/// Monday two…".
fn day_word(w: &str) -> bool {
    matches!(w, "el" | "on" | "este" | "pasado" | "lunes" | "martes" | "miercoles" | "jueves" | "viernes" | "sabado" | "domingo" | "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday")
}

/// The Spanish "a" before a person object at `k`: "a un líder", "a su esposa", "a tres
/// jóvenes" (not the English article: "a woman").
fn personal_a(doc: &Doc<'_>, k: usize, lim: usize) -> bool {
    k + 1 < lim && doc.f(k) == "a" && (matches!(doc.f(k + 1), "un" | "una" | "su" | "sus" | "los" | "las" | "la" | "el" | "mi" | "mis") || numbers::number_at(doc, k + 1, lim).is_some())
}

/// The first token of the noun phrase whose head starts at `head`: back over a number, up to
/// three adjectives and a determiner ("her two children", "un joven campesino").
fn item_start(doc: &Doc<'_>, head: usize, t0: usize) -> Option<usize> {
    let mut k = head;
    while k > t0 && head - k < 5 && doc.gap_before(k).trim().is_empty() {
        let w = doc.f(k - 1);
        if matches!(w, "a" | "an" | "the" | "his" | "her" | "their" | "its" | "my" | "our" | "un" | "una" | "el" | "la" | "los" | "las" | "su" | "sus" | "mi" | "mis" | "one" | "al") {
            return Some(k - 1);
        }
        if !w.chars().all(|ch| ch.is_alphanumeric() || ch == '-') || matches!(w, "and" | "y" | "e" | "of" | "de" | "by" | "por" | "killed" | "mataron" | "asesinaron") {
            break;
        }
        k -= 1;
    }
    // A bare number and noun: "two Guatemalan men".
    (k < head && numbers::number_at(doc, k, head).is_some()).then_some(k)
}

/// Parses a list of at least two victim noun phrases from `k` (before `lim`): (people, end).
/// The list needs "and"/"y"/"e" before its last phrase; an aside after a phrase ("aged four
/// and nine", "de 2, 6 y 11 años", ", 34,") is stepped over.
fn victim_list(doc: &Doc<'_>, cues: &[CueMatch], mut k: usize, lim: usize) -> Option<(u32, usize)> {
    let mut total = 0u32;
    let mut items = 0usize;
    let mut joined = false;
    let mut end = k;
    loop {
        let Some((n, e)) = victim_item(doc, cues, k, lim) else { break };
        total += n;
        items += 1;
        end = skip_aside(doc, e, lim);
        // The separator: ", ", ", and", "and", "y", "e", "y a".
        let mut j = end;
        let comma = j < lim && doc.gap_before(j).contains(',');
        let conj = j < lim && matches!(doc.f(j), "and" | "y" | "e");
        if conj {
            j += 1;
            if personal_a(doc, j, lim) {
                j += 1;
            }
        } else if !comma {
            break;
        }
        if joined {
            break;
        }
        joined = conj;
        k = j;
        if j >= lim {
            break;
        }
    }
    (joined && items >= 2).then_some((total, end))
}

/// One victim noun phrase at `k`: (people, end). "a woman", "her two children", "one
/// passenger", "a 23-year-old Honduran", "su esposa", "sus tres hijos".
fn victim_item(doc: &Doc<'_>, cues: &[CueMatch], mut k: usize, lim: usize) -> Option<(u32, usize)> {
    let w = doc.f(k);
    let one = matches!(w, "a" | "an" | "un" | "una" | "one" | "otro" | "otra" | "another");
    let singular_det = one || matches!(w, "the" | "his" | "her" | "its" | "my" | "our" | "el" | "la" | "su" | "mi" | "al");
    let plural_det = matches!(w, "their" | "his" | "her" | "the" | "sus" | "los" | "las" | "mis" | "my" | "our");
    if singular_det || plural_det {
        k += 1;
    }
    let number = if one { None } else { numbers::number_at(doc, k, lim).filter(|n| !n.vague) };
    if let Some(n) = &number {
        k += n.tokens;
    }
    let mut steps = 0;
    while k < lim && steps < 4 {
        if doc.gap_before(k).contains([',', ';', '.', ':', '(']) {
            return None;
        }
        if let Some(c) = cues.iter().find(|c| c.t0 == k && matches!(c.cue, Cue::Victim(_) | Cue::Demonym(_))) {
            // "two Guatemalan men": the nationality qualifies the noun after it.
            if let Some(v) = cues.iter().find(|v| v.t0 == c.t1 && matches!(v.cue, Cue::Victim(_))) {
                return head_count(doc, v, number.as_ref().map(|n| n.value), one || singular_det);
            }
            // "una mujer colombiana": a nationality after the noun.
            return head_count(doc, c, number.as_ref().map(|n| n.value), one || singular_det)
                .map(|(n, e)| (n, cues.iter().find(|d| d.t0 == e && matches!(d.cue, Cue::Demonym(_)) && !doc.gap_before(e).contains(',')).map_or(e, |d| d.t1)));
        }
        let x = doc.f(k);
        if doc.tokens[k].upper || !x.chars().all(|ch| ch.is_alphanumeric() || ch == '-') || matches!(x, "and" | "y" | "e" | "of" | "de" | "who" | "que" | "was" | "were" | "fue" | "fueron") {
            return None;
        }
        k += 1;
        steps += 1;
    }
    None
}

/// The people a victim noun `c` names with its `number` (and a singular determiner before
/// it): (people, end of the noun); `None` for a plural without a number.
fn head_count(doc: &Doc<'_>, c: &CueMatch, number: Option<u32>, singular: bool) -> Option<(u32, usize)> {
    let plural = match c.cue {
        Cue::Victim(fl) => fl & 1 != 0,
        _ => doc.f(c.t1 - 1).ends_with('s'),
    };
    match (plural, number) {
        (true, Some(n)) if n > 1 => Some((n, c.t1)),
        (false, None) if singular => Some((1, c.t1)),
        (false, Some(1)) => Some((1, c.t1)),
        _ => None,
    }
}

/// After a victim noun phrase ending at `e`: past an age aside ("de 40 años", ", aged four
/// and nine,", ", 34,", "(19)"), or `e` itself.
fn skip_aside(doc: &Doc<'_>, e: usize, lim: usize) -> usize {
    let w = doc.f(e);
    if e < lim && (w == "de" || w == "aged" || w == "ages") {
        // Numbers, commas and "y"/"and" up to "años"/"years".
        let mut j = e + 1;
        while j < lim && j < e + 10 {
            let x = doc.f(j);
            if matches!(x, "anos" | "ano" | "years" | "year") {
                return j + 1;
            }
            if !(numbers::may_start_number(doc, j) || matches!(x, "y" | "and" | "e" | "old")) || (w != "de" && doc.gap_before(j).contains(',')) {
                break;
            }
            j += 1;
        }
        if w != "de" && j > e + 1 {
            return j;
        }
    }
    // ", 34," : an age between commas.
    if e + 1 < lim && doc.gap_before(e).trim() == "," && doc.f(e).bytes().all(|b| b.is_ascii_digit()) && doc.gap_before(e + 1).contains(',') {
        return e + 1;
    }
    e
}

/// 1 when the number starting at token `start` is a lower bound ("more than a dozen", "más de
/// 30", "over 200"), else 0: the best estimate of "more than N" is above N.
fn more_than(doc: &Doc<'_>, start: usize, t0: usize) -> u32 {
    let p1 = if start > t0 { doc.f(start - 1) } else { "" };
    let p2 = if start > t0 + 1 { doc.f(start - 2) } else { "" };
    u32::from(matches!((p2, p1), ("more", "than") | ("mas", "de") | ("upwards", "of") | ("arriba", "de")) || p1 == "over")
}

/// A number whose last token is `k` ("at least 12", "twenty-three", "two dozen").
fn number_start_ending_at(doc: &Doc<'_>, k: usize, t0: usize) -> Option<(u32, usize)> {
    // Words that open a number but never end one ("a dozen", "half a dozen", "una
    // veintena"; "several", "varios" are no number): the articles are the commonest
    // words before a noun, and a walk back over a noun phrase asks about them first.
    if matches!(doc.f(k), "a" | "an" | "un" | "una" | "uno" | "half" | "media" | "several" | "varios" | "varias") {
        return None;
    }
    // "de 16 años", "35 years old": an age, not a count of people.
    // "hace cuatro días", "three hours later": a span of time counts nobody.
    if !numbers::may_start_number(doc, k) || matches!(doc.f(k + 1), "anos" | "ano" | "years" | "year" | "year-old" | "years-old" | "dias" | "dia" | "days" | "day" | "horas" | "hora" | "hours" | "hour" | "semanas" | "semana" | "weeks" | "week" | "meses" | "mes" | "months" | "month" | "minutos" | "minutes") {
        return None;
    }
    // "el pasado 2 de abril", "on 2 April": the day of a date counts nobody.
    if dates::is_day_of_date(doc, k) {
        return None;
    }
    // "el 12 de marzo de 2024 agentes…": the year of a date counts nobody.
    if dates::is_year_of_date(doc, k) {
        return None;
    }
    // The longest reading first: "one hundred and fifty" before "fifty". Every token of a
    // number may start one or joins its words ("and", "y"): no reading starts before a token
    // that does neither.
    let mut lo = k;
    while lo > k.saturating_sub(3).max(t0) && (numbers::may_start_number(doc, lo - 1) || matches!(doc.f(lo - 1), "and" | "y")) {
        lo -= 1;
    }
    for start in lo..=k {
        if let Some(n) = numbers::number_at(doc, start, k + 1) {
            if start + n.tokens == k + 1 {
                return Some((n.value, start));
            }
        }
    }
    None
}

/// A number right before a victim noun ("three men", "dos migrantes hondureños").
fn number_before(doc: &Doc<'_>, victim_t0: usize, t0: usize) -> Option<(u32, Span)> {
    let mut k = victim_t0;
    let mut steps = 0;
    while k > t0 && steps < 3 {
        // "Fray Servando 1472, colonia Topo Chico": punctuation ends the noun phrase.
        if doc.gap_before(k).contains([',', ';', ':', '.', '(', ')']) {
            break;
        }
        k -= 1;
        steps += 1;
        // (No number ends with these words: they end the walk before any number is read.)
        if matches!(doc.f(k), "the" | "of" | "de" | "a" | "by" | "por") {
            break;
        }
        if let Some((v, start)) = number_start_ending_at(doc, k, t0) {
            return Some((v + more_than(doc, start, t0), Span::new(doc.tokens[start].start, doc.tokens[victim_t0].end)));
        }
        if !doc.f(k).chars().all(char::is_alphabetic) {
            break;
        }
    }
    None
}

/// "a man was killed", "killed Marcos", "asesinaron a una mujer": one victim.
fn singular_victim(doc: &Doc<'_>, cues: &[CueMatch], a: usize, b: usize, t0: usize, t1: usize) -> Option<Span> {
    let span = |x: usize, y: usize| Span::new(doc.tokens[x].start, doc.tokens[y - 1].end);
    // "The man died", "la víctima murió": a singular anaphor right before the act.
    // "One of them, a 19-year-old student, died": "one of" reaches further.
    if let Some(c) = cues.iter().find(|c| matches!(c.cue, Cue::Anaphor) && c.t1 <= a && (a - c.t1 <= 2 || (a - c.t1 <= 8 && matches!(doc.f(c.t0), "one" | "uno" | "una")))) {
        let last = doc.f(c.t1 - 1);
        if !last.ends_with('s') && !matches!(doc.f(c.t0), "one" | "uno" | "una") || matches!(doc.f(c.t0), "one" | "uno" | "una") {
            return Some(span(c.t0, c.t1));
        }
    }
    // "beat the father", "killed the man", "golpearon a la mujer": a singular anaphor as the
    // object (the event anaphors, "the attack", "el hecho", name no one).
    if let Some(c) = cues.iter().find(|c| matches!(c.cue, Cue::Anaphor) && c.t1 == c.t0 + 2 && (c.t0 == b || (c.t0 == b + 1 && doc.f(b) == "a")) && matches!(doc.f(c.t0), "the" | "el" | "la")) {
        let w = doc.f(c.t1 - 1);
        if !w.ends_with('s') && !matches!(w, "attack" | "shooting" | "killing" | "incident" | "dead" | "ataque" | "agresion" | "hecho") {
            return Some(span(c.t0, c.t1));
        }
    }
    // "the body of a union organiser", "el cuerpo de una mujer".
    if (a..b).any(|k| matches!(doc.f(k), "body" | "cuerpo" | "cadaver")) {
        return Some(span(a, b));
    }
    for c in cues {
        if let Cue::Victim(fl) = c.cue {
            if fl & 1 != 0 {
                continue;
            }
            // "a bus driver who refused to pay … was shot dead": a relative clause may stand
            // between the victim and the act. A long one, with commas, when the act is a
            // passive right after it ("an asylum seeker who was expelled from McAllen into
            // Reynosa, Tamaulipas, was kidnapped").
            let relative = c.t1 < a
                && matches!(doc.f(c.t1), "who" | "que" | "quien" | "whose" | "cuyo" | "cuya")
                && ((a - c.t1 <= 14 && !clause_break(doc, c.t1, a))
                    || (a - c.t1 <= 30 && (matches!(doc.f(a - 1), "was" | "fue") || matches!(doc.f(a), "died" | "murio" | "fallecio")) && !(c.t1..a).any(|k| doc.gap_before(k).contains(';'))));
            let near = (c.t1 <= a && a - c.t1 <= 5) || (c.t0 >= b && c.t0 - b <= 4) || relative;
            if near && c.t0 > t0 && matches!(doc.f(c.t0 - 1), "a" | "an" | "un" | "una" | "one" | "the" | "el" | "la" | "al" | "his" | "her" | "su") {
                return Some(span(c.t0 - 1, c.t1));
            }
            // "a Central American migrant", "un joven hondureño": adjectives between.
            if near {
                let mut k = c.t0;
                while k > t0 && c.t0 - k < 4 && doc.f(k - 1).chars().all(|ch| ch.is_alphanumeric() || ch == '-') && !matches!(doc.f(k - 1), "a" | "an" | "un" | "una" | "the" | "el" | "la" | "his" | "her" | "su") {
                    k -= 1;
                }
                if k > t0 && k < c.t0 && matches!(doc.f(k - 1), "a" | "an" | "un" | "una") {
                    return Some(span(k - 1, c.t1));
                }
            }
        }
    }
    // "shot dead a Venezuelan bricklayer", "mataron a un hondureño": an article and a
    // nationality right after the act.
    if let Some(c) = cues.iter().find(|c| matches!(c.cue, Cue::Demonym(_)) && c.t0 > b && c.t0 - b <= 2 && matches!(doc.f(c.t0 - 1), "a" | "an" | "un" | "una")) {
        return Some(span(c.t0 - 1, c.t1));
    }
    // A capitalised name right after the verb: "killed Marcos", "mataron a Juan".
    let mut k = b;
    if k < t1 && matches!(doc.f(k), "a" | "al") {
        k += 1;
    }
    if k < t1 && doc.tokens[k].upper && !cues.iter().any(|c| c.t0 == k) {
        return Some(span(k, k + 1));
    }
    // One person as the object: "killed a tour guide", "wounded his nephew", "mató a un
    // comerciante".
    // ("a" may be the English article or the Spanish "a" before a person.)
    let k = if matches!(doc.f(b), "a" | "an") && b + 1 < t1 && !matches!(doc.f(b + 1), "un" | "una" | "su") { b } else { k };
    if k + 1 < t1 && matches!(doc.f(k), "a" | "an" | "un" | "una" | "one" | "his" | "her" | "su" | "my" | "mi" | "our" | "nuestro" | "nuestra") && !doc.tokens[k + 1].upper && doc.f(k + 1).chars().all(char::is_alphabetic) && !matches!(doc.f(k + 1), "lot" | "number" | "group" | "grupo" | "total" | "few" | "dozen" | "docena" | "quincena" | "veintena" | "decena" | "series" | "serie") {
        return Some(span(k, k + 2));
    }
    // One person as the subject of a passive: "A volunteer … was gunned down", "Un exconcejal
    // fue asesinado".
    // "El chofer de un autobús que llevaba a 40 pasajeros fue asesinado", "police said the
    // driver of a van … was shot": a definite subject that is a singular victim noun, at the
    // sentence's start or after "said that", "informó que".
    let passive = (a.saturating_sub(2).max(t0)..a).any(|x| matches!(doc.f(x), "was" | "fue" | "been" | "resulto"));
    if passive {
        let after_que = cues.iter().find(|c| matches!(c.cue, Cue::Say) && c.t1 < a && matches!(doc.f(c.t1), "que" | "that")).map(|c| c.t1 + 1);
        for s0 in std::iter::once(t0).chain(after_que) {
            if a > s0 + 1 && a - s0 <= 14 && !doc.tokens[s0 + 1].upper && !clause_break(doc, s0, a) {
                let indefinite = matches!(doc.f(s0), "a" | "an" | "un" | "una");
                let definite = matches!(doc.f(s0), "the" | "el" | "la") && cues.iter().any(|c| matches!(c.cue, Cue::Victim(fl) if fl & 1 == 0) && c.t0 == s0 + 1);
                if indefinite || definite {
                    return Some(span(s0, s0 + 2));
                }
            }
        }
    }
    // Passive with a name before: "María Senaida Escobar was shot dead".
    None
}

/// Ages: "35 years old", "8-year-old", "de 34 años", "a 19-year-old", "Name, 19,".
fn ages_in(doc: &Doc<'_>, t0: usize, t1: usize) -> Vec<(usize, u32)> {
    let mut out = Vec::new();
    for k in t0..t1 {
        let w = doc.f(k);
        // The rare case first (a word that starts with a digit): a branch that is almost
        // always taken the same way costs nothing, one on the word's length would not.
        if !w.as_bytes().first().is_some_and(u8::is_ascii_digit) || w.len() > 3 || !w.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(v) = w.parse::<u32>() else { continue };
        let n1 = doc.f(k + 1);
        let n2 = doc.f(k + 2);
        let bound = k >= t0 + 2 && matches!(doc.f(k - 2), "menores" | "mayores" | "under" | "over" | "than") || (k > t0 && matches!(doc.f(k - 1), "under" | "over"));
        let age = !bound && (n1 == "year-old" || n1 == "years-old" || (matches!(n1, "years" | "year") && n2 == "old") || n1 == "anos" && k > t0 && matches!(doc.f(k - 1), "de" | "tenia" | "tiene"))
            || (k > t0 + 1 && doc.tokens[k - 1].upper && doc.gap_before(k) == ", " && doc.gap_before(k + 1).starts_with(',') && v < 100 && v > 0);
        if age && k + 1 <= t1 {
            out.push((k, v));
        }
    }
    out
}

#[cfg(test)]
mod tests;
