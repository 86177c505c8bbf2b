//! Place mentions: gazetteer matches over tokens, then disambiguation from the document's own
//! context (admin1 and countries named nearby, population, locative prepositions).

use testigo_gazetteer::{Entry, Gazetteer, Kind, Posting, TokenMatch};

use crate::lexicon::{FnvMap, WordSet};
use crate::text::{Doc, Sentence};


/// Words that are never place names on their own, although some place is called so.
static STOP: WordSet = WordSet::new(&[
    "police", "policia", "army", "state", "estado", "city", "ciudad", "mexican", "casa", "border", "frontera", "national",
    "nacional", "guard", "guardia", "general", "president", "presidente", "governor", "gobernador", "republic", "republica",
    "center", "centro", "colonia", "barrio", "christmas", "navidad", "semana", "week",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lunes", "martes", "miercoles", "jueves",
    "viernes", "sabado", "domingo", "may", "june", "march", "mayo", "hospital", "church", "iglesia", "school", "escuela",
    "ministry", "department", "office", "oficina", "secretary", "secretaria", "ice", "inm", "dhs", "prosecutor", "fiscalia",
    "commission", "comision", "reuters", "milenio", "excelsior", "proceso", "jornada", "la jornada", "universal",
    "el universal", "post", "times", "news", "tribune", "herald", "globe", "democrats", "republicans", "beast", "the beast",
    "wall", "street", "wall street", "camp", "camps", "media", "mission", "mision", "union", "reforma",
    "libertad", "esperanza", "justicia", "independencia", "paz", "bay", "lake", "river", "rio", "mount", "cerro",
    "valle", "valley", "beach", "playa", "gold", "golden",
    // Months: "in mid-August" names no town called August.
    "january", "february", "april", "july", "august", "september", "october", "november", "december", "enero",
    "febrero", "marzo", "abril", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre", "noviembre",
    "diciembre", "thanksgiving", "easter", "pascua", "halloween",
]);

/// Function words and first names that are capitalised only because they open a sentence:
/// never a place there ("Para los migrantes…", "En la madrugada…", "Around 8 May…").
static STOP_INITIAL: WordSet = WordSet::new(&[
    "the", "a", "an", "el", "la", "los", "las", "de", "del", "y", "and", "of", "in", "en", "on", "at", "to", "for", "por",
    "para", "con", "with", "from", "this", "that", "these", "those", "he", "she", "it", "we", "they", "i", "but", "or", "if",
    "as", "so", "no", "not", "one", "two", "many", "most", "more", "after", "before", "during", "when", "while", "where",
    "who", "which", "his", "her", "their", "its", "our", "my", "your", "around", "about", "since", "until", "una", "un",
    "dos", "tres", "uno", "otro", "otra", "otros", "otras", "ambos", "ambas", "varios", "varias", "cada", "todos", "todas",
    "ella", "ellos", "ellas", "este", "esta", "estos", "estas", "ese", "esa", "aquel", "tras", "luego", "despues", "alberto", "maria", "jose", "juan", "luis", "carlos", "miguel", "manuel", "pedro", "jesus", "andres",
    "san", "santa", "agua", "arena", "asuncion", "concepcion", "dolores", "mercedes", "soledad", "trinidad", "rosario",
    "pilar", "carmen", "guadalupe", "hidalgo", "morelos", "juarez", "allende", "zaragoza", "obregon", "madero", "carranza",
    "salvador", "north", "south", "norte", "sur", "also", "however", "meanwhile", "later", "then", "there", "here", "local",
    "police", "residents", "authorities", "officials", "witnesses", "families", "relatives",
]);

/// Words before a name that make it a neighbourhood or a street ("Colonia Santa Anita",
/// "calle Abasolo", "avenida Juárez"), not a town.
static STREET_BEFORE: WordSet = WordSet::new(&[
    "colonia", "col", "barrio", "fraccionamiento", "sector", "zona", "neighborhood", "neighbourhood", "vereda", "caserio",
    "bairro", "favela", "comunidad", "ejido", "rancheria", "calle", "avenida", "av", "calzada", "bulevar", "boulevard",
    "blvd", "callejon", "andador", "privada", "street", "avenue", "rua",
]);

/// Words after a name that make it a neighbourhood ("Mararu neighborhood"), not a town.
static NEIGHBOURHOOD_AFTER: WordSet =
    WordSet::new(&["neighborhood", "neighbourhood", "barrio", "sector", "community", "favela", "slum", "district"]);

/// Capitalised words before a name that do not join it into a longer proper name ("In Tijuana",
/// "De Saltillo").
static NAME_BREAK_BEFORE: WordSet = WordSet::new(&[
    "in", "en", "near", "from", "de", "the", "el", "la", "at", "to", "a", "on", "por", "desde", "hacia", "cerca", "outside",
    "between", "entre", "y", "and",
]);

/// Capitalised words after a name that do not join it into a longer proper name ("Sonora
/// State", "Kharkiv Oblast").
static DIVISION_AFTER: WordSet = WordSet::new(&[
    "state", "province", "department", "city", "county", "oblast", "region", "municipality", "district", "governorate",
]);

/// The gazetteer walks of one document, each from a capitalised token to the longest name it
/// starts. A walk is taken at most once per token (the look-aheads at a match's neighbours ask
/// for walks that the scan takes again), and a word whose walk found nothing is not walked again
/// anywhere in the document: most capitalised words that start no name repeat (people,
/// organisations). So a walk's result depends on the walks before it, and the scan must take
/// them in a fixed order.
struct Walks {
    /// Every walk taken, by start token, in order, and whether it could run to the sentence's
    /// end or six tokens (not cut short by punctuation; told only of the walks that found
    /// nothing, the only ones it matters for); a handful per short document.
    done: Vec<(usize, Option<TokenMatch>, bool)>,
    /// Once `done` is longer than [`Walks::LINEAR`]: the walks by start token, and the start
    /// tokens of the walks that found nothing by their word's hash — so that a long document
    /// costs one lookup per walk, not a scan of all the walks before it.
    by_token: FnvMap<usize, Option<TokenMatch>>,
    missed: FnvMap<u64, Vec<usize>>,
}

impl Walks {
    /// Up to this many walks, a scan of `done` is cheaper than the maps.
    const LINEAR: usize = 32;

    fn new() -> Walks {
        // Room for the walks of most documents, so that the list seldom grows.
        Walks { done: Vec::with_capacity(16), by_token: FnvMap::default(), missed: FnvMap::default() }
    }

    /// Forgets every walk (for the next document), keeping the memory.
    fn clear(&mut self) {
        self.done.clear();
        self.by_token.clear();
        self.missed.clear();
    }

    /// The longest name from token `k` within sentence `s` (`None` outside it).
    fn longest_match(&mut self, doc: &Doc<'_>, g: &Gazetteer, s: &Sentence, k: usize) -> Option<TokenMatch> {
        if k < s.t0 || k >= s.t1 {
            return None;
        }
        let (h, w) = (doc.h(k), doc.f(k));
        if self.done.len() <= Self::LINEAR {
            let mut missed = false;
            for &(j, v, whole) in &self.done {
                if j == k {
                    return v;
                }
                missed |= v.is_none() && whole && doc.h(j) == h && doc.f(j) == w;
            }
            if missed {
                return None;
            }
        } else {
            if let Some(&v) = self.by_token.get(&k) {
                return v;
            }
            if self.missed.get(&h).is_some_and(|js| js.iter().any(|&j| doc.f(j) == w)) {
                return None;
            }
        }
        // The walk is `g.longest_match(&doc.folded[k..name_end(doc, s, k)], 6)`, with the gaps
        // tested only where they can count: a name found is the same within `name_end` unless
        // punctuation splits it (then the part before is walked again), and a word that starts
        // no name starts none before punctuation either.
        let cap = s.t1.min(k + 6);
        let (v, whole) = match g.longest_match(&doc.folded[k..cap], 6) {
            Some(m) => match name_break(doc, k, k + m.tokens) {
                None => (Some(m), false),
                Some(end) => (g.longest_match(&doc.folded[k..end], 6), false),
            },
            // A walk cut short by punctuation says nothing of the word elsewhere.
            None => (None, name_end(doc, s, k) == s.t1),
        };
        self.done.push((k, v, whole));
        if self.done.len() > Self::LINEAR {
            // Crossing the threshold files every walk so far; later ones one by one.
            let from = if self.by_token.is_empty() { 0 } else { self.done.len() - 1 };
            for &(j, v, whole) in &self.done[from..] {
                self.by_token.insert(j, v);
                if v.is_none() && whole {
                    self.missed.entry(doc.h(j)).or_default().push(j);
                }
            }
        }
        v
    }
}

/// Where a name starting at token `k` must end: at the first comma, semicolon, colon, bracket or
/// quote after it within six tokens, else at the sentence's end. "San Antonio, Texas" is a city
/// and its state, not the Guanajuato village "San Antonio Texas".
fn name_end(doc: &Doc<'_>, s: &Sentence, k: usize) -> usize {
    name_break(doc, k, s.t1.min(k + 6)).unwrap_or(s.t1)
}

/// The first token of `k + 1..end` with such punctuation before it, if any.
fn name_break(doc: &Doc<'_>, k: usize, end: usize) -> Option<usize> {
    (k + 1..end).find(|&j| {
        // Most gaps are one space: tested first, without a search.
        let g = doc.gap_before(j);
        g != " " && g.contains([',', ';', ':', '(', ')', '"', '“', '”', '«', '»'])
    })
}

/// Whether sentence `si` is a letter's place-and-date line ("Tapachula, Chiapas, 14 March
/// 2024", "Saltillo, Coahuila, a 8 de abril de 2024"): a paragraph of its own, of at most
/// fourteen tokens, with a year, every word capitalised but for prepositions and months. Its
/// place is where the letter was signed, like a wire dateline, and its date the letter's.
pub(crate) fn signing_line(doc: &Doc<'_>, si: usize) -> bool {
    let s = doc.sentences[si];
    let own_paragraph = (si == 0 || doc.sentences[si - 1].paragraph != s.paragraph)
        && doc.sentences.get(si + 1).is_none_or(|n| n.paragraph != s.paragraph);
    own_paragraph
        && (3..=14).contains(&(s.t1 - s.t0))
        && (s.t0..s.t1).any(|k| {
            let w = doc.f(k);
            w.len() == 4 && (w.starts_with("19") || w.starts_with("20")) && w.bytes().all(|b| b.is_ascii_digit())
        })
        && (s.t0..s.t1).all(|k| {
            let w = doc.f(k);
            doc.tokens[k].upper || w.bytes().all(|b| b.is_ascii_digit()) || SIGNING_LINE_WORDS.contains(w)
        })
}

/// Lower-case words of a place-and-date line (see [`signing_line`]).
static SIGNING_LINE_WORDS: WordSet = WordSet::new(&[
    "de", "del", "a", "of", "the", "y", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "setiembre", "octubre", "noviembre", "diciembre",
]);

/// What role the preposition before a mention gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// "in X", "en X", or nothing marked.
    In,
    /// "near X", "outside X", "cerca de X": the incident is near, not in.
    Near,
    /// "from X", "originario de X": origin, not the incident place.
    From,
    /// "to X", "hacia X": destination.
    To,
}

/// A place mention with its resolved reading.
#[derive(Debug, Clone)]
pub struct PlaceMention {
    /// First token.
    pub t0: usize,
    /// One past the last token.
    pub t1: usize,
    /// Sentence index.
    pub sentence: usize,
    /// Candidate readings (gazetteer postings, demonyms left out), most populous first.
    pub candidates: Vec<Posting>,
    /// Chosen reading (gazetteer entity index), if any candidate scored high enough.
    pub chosen: Option<u32>,
    /// Score of the chosen reading.
    pub score: f32,
    /// Preposition role.
    pub role: Role,
    /// "the city of X", "ciudad de X": the city reading is preferred over the state.
    pub city_cue: bool,
    /// "the state of X", "estado de X": the admin1 reading is preferred.
    pub state_cue: bool,
    /// Introduced by "in", "en", "at", "near", "cerca de"...: a place reading is expected.
    pub loc_prep: bool,
    /// "the Nicaraguan city of León", "la ciudad nicaragüense de León": the country the text
    /// puts this place in.
    pub cc_hint: Option<[u8; 2]>,
    /// A wire dateline ("AUSTIN, Texas (AP) —", "CIUDAD DE MÉXICO (EFE).—"): the first words
    /// of the text, in capitals, before a dash: where the report was filed, not where the
    /// incident happened.
    pub dateline: bool,
}

fn cc_key(cc: &str) -> [u8; 2] {
    let b = cc.as_bytes();
    [b.first().copied().unwrap_or(b'?'), b.get(1).copied().unwrap_or(b'?')]
}

/// Kind of a candidate, by entity index.
pub fn entry(g: &Gazetteer, idx: u32) -> Option<Entry<'_>> {
    g.lookup_index(idx)
}

/// Working memory of [`find`] that no result keeps: cleared for each document and reused, so
/// that a batch of short texts allocates it once instead of a dozen vectors per text.
pub struct Scratch {
    walks: Walks,
    /// A multi-word key being tested against the stop list.
    key: String,
    resolve: ResolveScratch,
    /// Vectors of earlier results handed back by [`Scratch::recycle`], emptied: the lists of
    /// mentions and of demonyms, and mentions' lists of candidates.
    mention_lists: Vec<Vec<PlaceMention>>,
    demonym_lists: Vec<Vec<(usize, String)>>,
    candidate_lists: Vec<Vec<Posting>>,
}

impl Scratch {
    /// Empty working memory.
    pub fn new() -> Scratch {
        Scratch {
            walks: Walks::new(),
            key: String::with_capacity(32),
            resolve: ResolveScratch::default(),
            mention_lists: Vec::new(),
            demonym_lists: Vec::new(),
            candidate_lists: Vec::new(),
        }
    }

    /// Takes back the results of [`find`] once they are no longer needed, so that later calls
    /// reuse their memory instead of allocating (at most [`Scratch::KEEP`] vectors of each kind
    /// are kept).
    pub fn recycle(&mut self, mut places: Vec<PlaceMention>, mut demonyms: Vec<(usize, String)>) {
        for p in places.drain(..) {
            if self.candidate_lists.len() < Self::KEEP {
                let mut c = p.candidates;
                c.clear();
                self.candidate_lists.push(c);
            }
        }
        if self.mention_lists.len() < Self::KEEP {
            self.mention_lists.push(places);
        }
        if self.demonym_lists.len() < Self::KEEP {
            demonyms.clear();
            self.demonym_lists.push(demonyms);
        }
    }

    /// Most vectors of each kind [`Scratch::recycle`] keeps.
    const KEEP: usize = 1024;
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

/// Finds place and demonym mentions. Returns (places, demonyms (token, cc)).
///
/// `cues` are the lexicon cues of each sentence (demonyms among them); `ccs` the ISO codes
/// their `Cue::Demonym` numbers index.
/// `mask[s]` says whether sentence `s` is scanned (all sentences when `mask` is shorter).
/// `scratch` is working memory, cleared here (see [`Scratch`]): results never depend on what
/// it held before.
pub fn find(doc: &Doc<'_>, g: &Gazetteer, cues: &[Vec<crate::lexicon::CueMatch>], ccs: &[String], mask: &[bool], scratch: &mut Scratch) -> (Vec<PlaceMention>, Vec<(usize, String)>) {
    let Scratch { walks, key, resolve: resolve_scratch, mention_lists, demonym_lists, candidate_lists } = scratch;
    let mut places = mention_lists.pop().unwrap_or_default();
    places.reserve(8);
    let mut demonyms = demonym_lists.pop().unwrap_or_default();
    demonyms.reserve(4);
    // More than four tokens in five capitalised, that is fewer than one in five not: counted
    // until that fails (after a few tokens of ordinary prose).
    let all_upper = !doc.tokens.is_empty() && {
        let mut lower = 0usize;
        doc.tokens.iter().all(|t| {
            lower += usize::from(!t.upper);
            lower * 5 < doc.tokens.len()
        })
    };
    // A wire dateline: the text opens with a word in capitals and a dash (or a bracketed
    // agency) follows within 80 characters; the byte where the dash stands.
    let dateline_end = match doc.tokens.first() {
        Some(t) if t.start < 8 && doc.raw(0).chars().filter(|c| c.is_alphabetic()).count() >= 3 && !doc.raw(0).chars().any(char::is_lowercase) => {
            let rest = doc.text.get(t.start..).unwrap_or("");
            let head = rest.char_indices().nth(80).map_or(rest, |(b, _)| &rest[..b]);
            head.find(['—', '–', '(']).or_else(|| head.find(" - ")).map_or(0, |b| t.start + b)
        }
        // "Washington, D.C. - The Commission condemns…": a dateline in ordinary case, a few
        // capitalised words and a dash opening the text.
        // (Looked for in the gaps after the first capitalised words: most gaps are one space.)
        Some(t) if t.start < 8 && t.upper => (1..doc.tokens.len().min(6))
            .take_while(|&k| doc.tokens[k - 1].upper)
            .find(|&k| {
                let g = doc.gap_before(k);
                g != " " && (g.contains(" - ") || g.contains(['—', '–']))
            })
            .map_or(0, |k| doc.tokens[k].start),
        _ => 0,
    };
    walks.clear();
    for (si, s) in doc.sentences.iter().enumerate() {
        if !mask.get(si).copied().unwrap_or(true) {
            continue;
        }
        for c in cues.get(si).map(Vec::as_slice).unwrap_or(&[]) {
            if let crate::lexicon::Cue::Demonym(k) = c.cue {
                if let Some(cc) = ccs.get(k as usize) {
                    demonyms.push((c.t0, cc.clone()));
                }
            }
        }
        let mut i = s.t0;
        while i < s.t1 {
            // Place names are proper nouns: only capitalised tokens start a gazetteer walk, and
            // not a sentence's capitalised function word ("The", "En", "According").
            if !all_upper {
                match doc.tokens[i..s.t1].iter().position(|t| t.upper) {
                    Some(n) => i += n,
                    None => break,
                }
            }
            if i == s.t0 && STOP_INITIAL.contains_token(doc, i) && !doc.tokens.get(i + 1).is_some_and(|t| t.upper) {
                i += 1;
                continue;
            }
            let Some(m) = walks.longest_match(doc, g, s, i) else {
                i += 1;
                continue;
            };
            let t1 = i + m.tokens;
            // A capitalised neighbour that is itself a division or country ("Tijuana Baja
            // California") does not make a longer name.
            let next = (t1 < s.t1 && doc.tokens[t1].upper && doc.gap_before(t1) == " ").then(|| walks.longest_match(doc, g, s, t1)).flatten();
            // "San Juan de Teocalcingo": the match may be the head of a longer Spanish name.
            let spanish_tail = (t1 + 1 < s.t1
                && matches!(doc.f(t1), "de" | "del")
                && doc.gap_before(t1) == " "
                && (doc.tokens[t1 + 1].upper || (doc.f(t1 + 1) == "la" && doc.tokens.get(t1 + 2).is_some_and(|t| t.upper))))
            .then(|| walks.longest_match(doc, g, s, if doc.f(t1 + 1) == "la" { t1 + 2 } else { t1 + 1 }));
            // The walks above are all this match asks for (a walk's result depends on the walks
            // before it: see `Walks`). The tests below run cheapest first and stop at the first
            // that rejects the match; most are rejected, and only a kept one allocates.
            // Postings are most populous first; the long tail of a common name cannot win.
            let (mut demonym, mut readings, mut all_places) = (false, 0usize, true);
            for kind in g.posting_kinds(m.postings).take(40) {
                if kind == Kind::Demonym {
                    demonym = true;
                } else {
                    readings += 1;
                    all_places &= kind == Kind::Place;
                }
            }
            let is_division = |n: Option<TokenMatch>| n.is_some_and(|n| g.posting_kinds(n.postings).take(256).any(|k| matches!(k, Kind::Admin1 | Kind::Country)));
            // A short word that is a demonym and names at most one place is read as the demonym.
            let demonym_only = demonym && m.tokens == 1 && readings < 2 && doc.f(i).len() < 4;
            let mut stop = || {
                let initial = || i == s.t0 || doc.gap_before(i).contains(['“', '"', '«']);
                // "San Lorenzo, Valle": after a place and a comma, a word of the list may be the
                // place's division.
                let division_after_place = || !all_places && doc.gap_before(i).trim() == "," && places.last().is_some_and(|p: &PlaceMention| p.t1 == i);
                if m.tokens == 1 {
                    return (STOP.contains_token(doc, i) && !division_after_place()) || (initial() && STOP_INITIAL.contains_token(doc, i));
                }
                // The function words are single words: a longer key can only be in `STOP`.
                key.clear();
                for (n, w) in doc.folded[i..t1].iter().enumerate() {
                    if n > 0 {
                        key.push(' ');
                    }
                    key.push_str(w);
                }
                STOP.contains(key.as_str())
            };
            // Part of a longer proper name ("María Senaida Escobar", "Andrés Manuel López"):
            // a capitalised word joined by a single space on either side.
            let part_of_name = || {
                // An acronym ("AMLO", "CNDH") is not a town, though some town may be spelt so.
                let acronym = || m.tokens == 1 && !all_upper && all_places && doc.raw(i).chars().count() <= 5 && doc.raw(i).chars().all(|c| c.is_uppercase());
                // Neighbourhoods ("Colonia Santa Anita", "Mararu neighborhood") are not towns.
                // Streets are named after towns and heroes ("calle Abasolo", "avenida Juárez").
                let neighbourhood = || (i > s.t0 && STREET_BEFORE.contains_token(doc, i - 1)) || NEIGHBOURHOOD_AFTER.contains_token(doc, t1);
                let longer_spanish = || spanish_tail.is_some_and(|n| !is_division(n));
                let prev_is_place = places.last().is_some_and(|p: &PlaceMention| p.t1 == i);
                let before = || !prev_is_place && i > s.t0 && doc.tokens[i - 1].upper && doc.gap_before(i) == " " && !NAME_BREAK_BEFORE.contains_token(doc, i - 1);
                let after = || t1 < s.t1 && doc.tokens[t1].upper && doc.gap_before(t1) == " " && !DIVISION_AFTER.contains_token(doc, t1) && !is_division(next);
                acronym() || neighbourhood() || longer_spanish() || (!all_upper && (before() || after()))
            };
            if readings > 0 && !demonym_only && !stop() && !part_of_name() {
                let mut non_demonym: Vec<Posting> = candidate_lists.pop().unwrap_or_default();
                non_demonym.reserve(readings);
                non_demonym.extend(g.postings(m.postings).take(40).filter(|p| p.kind != Kind::Demonym));
                let prev = |k: usize| if k >= 1 && i >= s.t0 + k { doc.f(i - k) } else { "" };
                let p1 = prev(1);
                let p2 = prev(2);
                let p3 = prev(3);
                let role = if matches!(p1, "near" | "outside" | "around") || matches!((p2, p1), ("cerca", "de") | ("afueras", "de") | ("close", "to") | ("outskirts", "of") | ("inmediaciones", "de") | ("cercanias", "de") | ("proximidades", "de")) {
                    Role::Near
                } else if matches!(p1, "de" | "del") && matches!(p2, "personas" | "migrantes" | "familias" | "hombres" | "mujeres" | "ninos" | "ninas" | "menores" | "jovenes" | "ciudadanos" | "ciudadanas" | "nacionales" | "originarios" | "originarias" | "solicitantes" | "connacionales" | "victimas" | "grupo") {
                    // "personas de Colombia", "migrantes de Honduras": where they come from.
                    Role::From
                } else if matches!(p1, "from" | "desde") || matches!((p2, p1), ("originario", "de") | ("originaria", "de") | ("originarios", "de") | ("oriundo", "de") | ("oriunda", "de") | ("oriundos", "de") | ("procedente", "de") | ("procedentes", "de") | ("proveniente", "de") | ("provenientes", "de") | ("native", "of") | ("natives", "of") | ("nationals", "of") | ("citizens", "of") | ("nacionalidad", "de")) || matches!((p3, p2, p1), ("deported", "back", "to") | ("returned", "home", "to")) || matches!((p2, p1), ("deported", "to") | ("deportados", "a") | ("deportado", "a") | ("returned", "to") | ("repatriated", "to") | ("repatriados", "a") | ("fled", "from") | ("huyeron", "de") | ("escaping", "from"))
                    || p1 == "fled"
                    || p1 == "leaving"
                    // "El observatorio, radicado en Bogotá", "a group based in Tucson": where the
                    // speaker is based.
                    || matches!((p2, p1), ("radicado" | "radicada" | "radicados" | "radicadas" | "sede" | "asentado" | "asentada", "en") | ("based" | "headquartered" | "headquarters", "in"))
                {
                    Role::From
                } else if (matches!(p1, "to" | "a") || matches!((p2, p1), ("rumbo", "a") | ("camino", "a"))) && (i.saturating_sub(6).max(s.t0)..i).any(|k| matches!(doc.f(k), "road" | "highway" | "route" | "carretera" | "camino" | "autopista" | "tramo" | "libramiento")) {
                    // "on the road that leads to La Flor", "la carretera a Reynosa": near it.
                    Role::Near
                } else if matches!(p1, "to" | "toward" | "towards" | "hacia") || matches!((p2, p1), ("rumbo", "a") | ("destino", "a") | ("dirigian" | "dirigia" | "dirigen" | "dirige" | "dirigimos" | "dirigiamos", "a") | ("headed" | "heading" | "way", "to" | "for") | ("bound", "for") | ("trasladados", "a") | ("trasladado", "a") | ("llevados", "a") | ("llegar", "a") | ("camino", "a") | ("reach", "the"))
                    // "trasladados a un hospital de Cuautitlán", "taken to a hospital in
                    // Laredo": where the wounded were taken, unless the death told is there
                    // ("…a un hospital en Lordsburg, Nuevo México, donde falleció").
                    || (matches!(p1, "in" | "de" | "del" | "en")
                        && matches!(p2, "hospital" | "clinica" | "sanatorio")
                        && !(i + 1..s.t1.min(i + 7)).any(|k| matches!(doc.f(k), "donde" | "where") && cues.get(si).is_some_and(|cs| cs.iter().any(|c| c.t0 > k && c.t0 <= k + 2 && matches!(c.cue, crate::lexicon::Cue::Harm(testigo_core::Harm::Killing))))))
                {
                    Role::To
                } else {
                    Role::In
                };
                let city_cue = matches!(p1, "ciudad" | "puerto" | "municipio" | "municipality" | "town" | "city" | "cabecera")
                    || matches!((p2, p1), ("city", "of") | ("ciudad", "de") | ("puerto", "de") | ("municipio", "de") | ("town", "of") | ("municipality", "of") | ("port", "of"));
                let state_cue = matches!(p1, "estado" | "state" | "departamento" | "department" | "provincia" | "province")
                    || matches!((p2, p1), ("state", "of") | ("estado", "de") | ("departamento", "de") | ("department", "of") | ("provincia", "de") | ("province", "of"))
                    || matches!(doc.f(t1), "state" | "department" | "province" | "oblast" | "region");
                places.push(PlaceMention {
                    t0: i,
                    t1,
                    sentence: si,
                    candidates: non_demonym,
                    chosen: None,
                    score: 0.0,
                    role,
                    city_cue,
                    state_cue,
                    dateline: doc.tokens[i].start < dateline_end || signing_line(doc, si),
                    cc_hint: if city_cue {
                        demonyms.iter().rev().find(|(t, _)| *t + 4 >= i && *t < i).map(|(_, cc)| cc_key(cc))
                    } else {
                        None
                    },
                    loc_prep: matches!(p1, "in" | "en" | "at" | "off" | "near" | "outside" | "around" | "from" | "desde" | "to" | "hacia") || matches!(p2, "cerca" | "afueras" | "outskirts" | "inmediaciones" | "municipio" | "ciudad" | "city" | "town"),
                });
            }
            i = t1;
        }
    }
    // "con rumbo a Medias Aguas, Veracruz": the state after a destination (or origin) shares
    // its role, and so does a place joined to it by "and".
    for k in 1..places.len() {
        let (sentence, role, t1) = (places[k - 1].sentence, places[k - 1].role, places[k - 1].t1);
        let cur = &mut places[k];
        // "We are from Choloma, in Honduras": so does ", in" the country or state after it.
        let comma_in = cur.t0 == t1 + 1 && matches!(doc.f(t1), "in" | "en") && doc.gap_before(t1).trim() == ",";
        // "had travelled from Pelotas and Caxias do Sul": so does a second place joined by
        // "and"/"or".
        let joined = cur.t0 == t1 + 1 && matches!(doc.f(t1), "and" | "or" | "y" | "e" | "o") && doc.gap_before(t1).trim().is_empty();
        if sentence == cur.sentence && matches!(role, Role::From | Role::To) && ((t1 == cur.t0 && matches!(doc.gap_before(cur.t0).trim(), "," | "(")) || comma_in || joined) {
            cur.role = role;
        }
    }
    resolve(doc, &mut places, &demonyms, resolve_scratch);
    (places, demonyms)
}

/// Adds `v` to the total of `key` in `totals` (a handful of keys, searched linearly).
fn add_to<K: PartialEq>(totals: &mut Vec<(K, f32)>, key: K, v: f32) {
    match totals.iter_mut().find(|x| x.0 == key) {
        Some(x) => x.1 += v,
        None => totals.push((key, v)),
    }
}

/// The total of `key` in `totals` (0 when absent).
fn total<K: PartialEq>(totals: &[(K, f32)], key: K) -> f32 {
    totals.iter().find(|x| x.0 == key).map_or(0.0, |x| x.1)
}

/// log10(population + 1) of candidate `ci`, whose population is `pop`, from `cache` (see
/// [`ResolveScratch::log_pop`]).
fn log_pop_at(cache: &mut [f32], ci: usize, pop: f32) -> f32 {
    let l = &mut cache[ci];
    if l.is_nan() {
        *l = (pop + 1.0).log10();
    }
    *l
}

/// Where one mention's candidates lie in [`ResolveScratch::log_pop`] (indices into it; the
/// mention's candidate `i` is at `start + i`).
#[derive(Clone, Copy)]
struct CandRange {
    start: usize,
    end: usize,
    /// One past the last country or admin1 candidate (`start` when none): only these give
    /// context in round one.
    divisions_end: usize,
    /// One past the last candidate that may pass the support rules on its own (a country, an
    /// admin1, or a place populous enough for the mention's cues, the country hint aside).
    /// Candidates are most populous first, so the places after it need the document's
    /// support or the hint.
    standing_end: usize,
    /// Some candidate is a country (see the "Mexico" rule in [`resolve`]).
    has_country: bool,
}

/// The vectors of [`resolve`], kept across documents (see [`Scratch`]).
#[derive(Default)]
struct ResolveScratch {
    /// log10(population + 1) of every mention's candidates, in order, NaN until computed:
    /// only candidates that pass the support rules are scored.
    log_pop: Vec<f32>,
    ranges: Vec<CandRange>,
    tot_a1: Vec<(u32, f32)>,
    tot_cc: Vec<([u8; 2], f32)>,
    own_a1: Vec<(u32, f32)>,
    own_cc: Vec<([u8; 2], f32)>,
    own_at: Vec<(usize, usize)>,
    /// The support from the rest of the document of each admin1 and country of the totals,
    /// for the mention being resolved.
    a1_support: Vec<(u32, f32)>,
    cc_support: Vec<([u8; 2], f32)>,
    containers: Vec<(u32, Kind, [u8; 2])>,
}

/// Least support from the rest of the document (summed weights of its admin1 or country
/// mentions) that lets a small place stand.
const SUPPORT: f32 = 0.45;

fn resolve(doc: &Doc<'_>, places: &mut [PlaceMention], demonyms: &[(usize, String)], scratch: &mut ResolveScratch) {
    if places.is_empty() {
        return;
    }
    // Two rounds: first with every candidate of the other mentions as weak context, then with
    // the readings chosen in round one. Context is summed per admin1 and per country; a
    // mention's own contribution is subtracted so that a name never supports itself.
    let n = places.len();
    let ResolveScratch { log_pop, ranges, tot_a1, tot_cc, own_a1, own_cc, own_at, a1_support, cc_support, containers } = scratch;
    // Mention `mi`'s candidates are read from its own list; `ranges[mi]` places them in the
    // one cache of log-populations.
    log_pop.clear();
    ranges.clear();
    for m in places.iter() {
        let start = log_pop.len();
        let own = &m.candidates;
        log_pop.resize(start + own.len(), f32::NAN);
        let divisions = own.iter().rposition(|c| matches!(c.kind, Kind::Country | Kind::Admin1)).map_or(0, |p| p + 1);
        // The least population with which a place stands on its own (the support rules in
        // the loop below, the country hint aside).
        let least = if m.city_cue || (m.loc_prep && m.t1 - m.t0 > 1) {
            1_000.0
        } else if m.loc_prep {
            5_000.0
        } else {
            200_000.0
        };
        let populous = own.partition_point(|c| c.population as f32 >= least);
        ranges.push(CandRange {
            start,
            end: log_pop.len(),
            divisions_end: start + divisions,
            standing_end: start + divisions.max(populous),
            has_country: own.iter().any(|c| c.kind == Kind::Country),
        });
    }
    // Context totals per admin1 and per country (`tot_*`): a few keys a document, so linear
    // vectors. A mention's own contributions (`own_*`), a handful of entries searched linearly:
    // mention `mi`'s are `own_a1[own_at[mi].0..own_at[mi + 1].0]` and
    // `own_cc[own_at[mi].1..own_at[mi + 1].1]`.
    // A lone mention with no demonym beside it has no support from the rest of the document
    // in either round (its own contributions are all the totals hold, and each cancels to
    // zero, as an absent key reads): one round with empty totals decides it.
    let lone = n == 1 && demonyms.is_empty();
    for round in 0..if lone { 1 } else { 2 } {
        tot_a1.clear();
        tot_cc.clear();
        own_a1.clear();
        own_cc.clear();
        own_at.clear();
        own_at.push((0, 0));
        if lone {
            own_at.push((0, 0));
        }
        for (mi, m) in places.iter().enumerate().filter(|_| !lone) {
            let r = ranges[mi];
            // In round one only explicit country and admin1 names give context, so that
            // ambiguous words cannot prop each other up: the candidates before
            // `divisions_end` hold them all.
            let readings = if round == 0 { &m.candidates[..r.divisions_end - r.start] } else { &m.candidates[..] };
            let readings = readings.iter().filter(|c| round == 0 || Some(c.index) == m.chosen).take(if round == 0 { usize::MAX } else { 1 });
            let w = if round == 0 { 1.0 / m.candidates.len().max(1) as f32 } else { 1.0 };
            let (a0, c0) = (own_a1.len(), own_cc.len());
            for r in readings {
                let (a1, wa, wc) = match r.kind {
                    Kind::Country => (None, 0.0, w),
                    Kind::Admin1 => (Some(r.index), w, w * 0.8),
                    _ if round == 0 => continue,
                    _ => (r.admin1, w * 0.5, w * 0.5),
                };
                if let Some(a1) = a1 {
                    match own_a1[a0..].iter_mut().find(|x| x.0 == a1) {
                        Some(x) => x.1 = x.1.max(wa),
                        None => own_a1.push((a1, wa)),
                    }
                }
                match own_cc[c0..].iter_mut().find(|x| x.0 == r.cc) {
                    Some(x) => x.1 = x.1.max(wc),
                    None => own_cc.push((r.cc, wc)),
                }
            }
            for &(k, v) in &own_a1[a0..] {
                add_to(tot_a1, k, v);
            }
            for &(k, v) in &own_cc[c0..] {
                add_to(tot_cc, k, v);
            }
            own_at.push((own_a1.len(), own_cc.len()));
        }
        for (_, cc) in demonyms {
            add_to(tot_cc, cc_key(cc), 0.3);
        }
        for mi in 0..n {
            let m = &places[mi];
            let r = ranges[mi];
            let (oa, oc) = (&own_a1[own_at[mi].0..own_at[mi + 1].0], &own_cc[own_at[mi].1..own_at[mi + 1].1]);
            // The support of each admin1 and country from the rest of the document, once for
            // all the candidates: a key absent from the totals has none, for the mention's own
            // contributions are among them (each key is once in the totals).
            a1_support.clear();
            a1_support.extend(tot_a1.iter().map(|&(k, v)| (k, v - total(oa, k))));
            cc_support.clear();
            cc_support.extend(tot_cc.iter().map(|&(k, v)| (k, v - total(oc, k))));
            let a1_of = |a1: Option<u32>| a1.map_or(0.0, |a1| total(a1_support, a1));
            let cc_of = |cc: [u8; 2]| total(cc_support, cc);
            // Past `standing_end`, only a place that the document supports or the country hint
            // names can pass: with neither, those candidates are not looked at.
            let supported = a1_support.iter().any(|x| x.1 >= SUPPORT) || cc_support.iter().any(|x| x.1 >= SUPPORT);
            let end = if !supported && m.cc_hint.is_none() { r.standing_end } else { r.end };
            // The most that support can add to a place's score (see the bound below).
            let most_a1 = a1_support.iter().fold(0.0f32, |a, x| a.max(x.1.clamp(0.0, 1.5)));
            let most_cc = cc_support.iter().fold(0.0f32, |a, x| a.max(x.1.clamp(0.0, 1.5)));
            let mut best: Option<(u32, f32)> = None;
            for ci in r.start..end {
                let Posting { index: idx, population, cc, kind, admin1 } = m.candidates[ci - r.start];
                let pop = population as f32;
                // Small places need the document's support: their admin1 or country named, or
                // a locative preposition; big cities stand on their own. The tests that need no
                // lookup come first (every one evaluated, `|` and `&` on booleans: one branch on
                // their outcome), then the admin1's support, then the country's only where it
                // can count.
                let ok = match kind {
                    Kind::Country | Kind::Admin1 => true,
                    _ => {
                        let standing = (pop >= 200_000.0) | (m.loc_prep & ((pop >= 5_000.0) | ((m.t1 - m.t0 > 1) & (pop >= 1_000.0)))) | (m.cc_hint == Some(cc)) | (m.city_cue & (pop >= 1_000.0));
                        standing || a1_of(admin1) >= SUPPORT || (((pop >= 5_000.0) | m.loc_prep) && cc_of(cc) >= SUPPORT)
                    }
                };
                if !ok {
                    continue;
                }
                let a1s = a1_of(admin1);
                let ccs = cc_of(cc);
                let mut score = match kind {
                    // A country outranks a division of the same name ("Mexico" the country,
                    // not the State of Mexico) unless the text says "state of".
                    Kind::Country => 8.0,
                    Kind::Admin1 => 6.0 + log_pop_at(log_pop, ci, pop) * 0.2,
                    _ => log_pop_at(log_pop, ci, pop),
                };
                if kind != Kind::Admin1 {
                    score += 5.0 * a1s.clamp(0.0, 1.5);
                }
                score += 3.0 * ccs.clamp(0.0, 1.5);
                if m.city_cue && kind == Kind::Place {
                    score += 3.0;
                }
                if m.cc_hint == Some(cc) {
                    score += 8.0;
                }
                if m.state_cue && kind == Kind::Admin1 {
                    score += 4.0;
                }
                // "Mexico" is the country, not the State of Mexico, unless the text says so.
                if kind == Kind::Admin1 && !m.state_cue && r.has_country {
                    score -= 4.0;
                }
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some((idx, score));
                }
                // Past the divisions every candidate is a place, most populous first: none
                // scores more than the next one's log-population with the most support and
                // every bonus (the same sums, so rounding keeps the order; the margin covers
                // log10's). Once that cannot beat the best, the rest are not scored.
                if ci + 1 >= r.divisions_end && ci + 1 < end {
                    let best_score = best.map_or(f32::NEG_INFINITY, |b| b.1);
                    let mut bound = log_pop_at(log_pop, ci + 1, m.candidates[ci + 1 - r.start].population as f32);
                    bound += 5.0 * most_a1;
                    bound += 3.0 * most_cc;
                    if m.city_cue {
                        bound += 3.0;
                    }
                    if m.cc_hint.is_some() {
                        bound += 8.0;
                    }
                    if bound < best_score - 1e-3 {
                        break;
                    }
                }
            }
            // Every candidate in `best` passed the support rules above.
            let pm = &mut places[mi];
            pm.chosen = best.map(|b| b.0);
            pm.score = best.map_or(0.0, |b| b.1);
        }
    }
    // "Savannah, Georgia", "Saltillo, Coahuila", "Coahuila, Mexico", "Tijuana (Baja
    // California)": a name followed by its own division or country settles both readings.
    for mi in 0..places.len().saturating_sub(1) {
        let (a, b) = (&places[mi], &places[mi + 1]);
        if a.sentence != b.sentence || b.t0 != a.t1 || !matches!(doc.gap_before(b.t0), "," | "(" | ", " | " (") {
            continue;
        }
        let mut pin: Option<(u32, u32)> = None;
        // Only the second name's divisions and countries can settle the first: read them once.
        containers.clear();
        containers.extend(b.candidates.iter().filter(|y| matches!(y.kind, Kind::Admin1 | Kind::Country)).map(|y| (y.index, y.kind, y.cc)));
        'outer: for ex in &a.candidates {
            if containers.is_empty() {
                break;
            }
            let (x, x_kind, x_cc, x_admin1) = (ex.index, ex.kind, ex.cc, ex.admin1);
            for &(y, y_kind, y_cc) in containers.iter() {
                let fits = match (x_kind, y_kind) {
                    (Kind::Place, Kind::Admin1) => x_admin1 == Some(y),
                    (Kind::Place | Kind::Admin1, Kind::Country) => x_cc == y_cc,
                    _ => false,
                };
                if fits {
                    pin = Some((x, y));
                    break 'outer;
                }
            }
        }
        if let Some((x, y)) = pin {
            places[mi].chosen = Some(x);
            places[mi + 1].chosen = Some(y);
        }
    }
    // Same name as a state and as its capital/largest town ("Veracruz", "Colima"): with no cue
    // either way, an isolated mention means the state; "X, X" (town, state) means the town.
    for mi in 0..places.len() {
        if places[mi].city_cue || places[mi].state_cue {
            continue;
        }
        // The chosen reading is always one of the candidates, whose posting carries its country
        // (no need to read the entity's record).
        let Some(c) = places[mi].chosen else { continue };
        let Some(cc) = places[mi].candidates.iter().find(|p| p.index == c).map(|p| p.cc) else { continue };
        let admin1_alt = places[mi].candidates.iter().find(|a| a.kind == Kind::Admin1 && a.cc == cc).map(|a| a.index);
        let place_alt = places[mi].candidates.iter().find(|p| p.kind == Kind::Place && p.admin1.is_some() && p.admin1 == admin1_alt).map(|p| p.index);
        if let (Some(a), Some(p)) = (admin1_alt, place_alt) {
            // Is the state named right after ("Colima, Colima" / "Chihuahua (Chihuahua)")?
            let next_is_state = places.get(mi + 1).is_some_and(|n| {
                n.sentence == places[mi].sentence && n.t0 <= places[mi].t1 + 1 && n.candidates.iter().any(|c| c.index == a)
            });
            places[mi].chosen = Some(if next_is_state { p } else { a });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_answer_the_same_once_the_maps_take_over() {
        let g = Gazetteer::embedded();
        // Far more than `Walks::LINEAR` capitalised words: names, repeated non-names (whose
        // misses are remembered) and neighbours looked at ahead of the scan.
        let text: Vec<String> = (0..60).map(|i| format!("Pedro{} Saltillo Zzyx{} Tijuana Puerto, Nuevo Coahuila San, Antonio", i % 7, i % 5)).collect();
        let text = text.join(" ");
        let mut arena = String::new();
        let doc = Doc::new_in(&text, &mut arena);
        let mut walks = Walks::new();
        // The definition: every walk before, scanned in order.
        let mut taken: Vec<(usize, Option<TokenMatch>, bool)> = Vec::new();
        let mut reference = |s: &Sentence, k: usize| {
            if k < s.t0 || k >= s.t1 {
                return None;
            }
            if let Some(&(_, v, _)) = taken.iter().find(|(j, _, _)| *j == k) {
                return v;
            }
            if taken.iter().any(|&(j, v, whole)| v.is_none() && whole && doc.f(j) == doc.f(k)) {
                return None;
            }
            let end = name_end(&doc, s, k);
            let v = g.longest_match(&doc.folded[k..end], 6);
            taken.push((k, v, end == s.t1));
            v
        };
        for s in &doc.sentences {
            for k in s.t0..s.t1 {
                for at in [k + 1, k, k + 2] {
                    assert_eq!(walks.longest_match(&doc, g, s, at), reference(s, at), "token {at}");
                }
            }
        }
        assert!(walks.done.len() > 4 * Walks::LINEAR, "only {} walks", walks.done.len());
    }

    #[test]
    fn roles_from_prepositions() {
        let g = Gazetteer::embedded();
        let mut arena = String::new();
        let d = Doc::new_in("Migrants from El Salvador were attacked in Saltillo, Coahuila.", &mut arena);
        let (p, _) = find(&d, g, &[], &[], &[], &mut Scratch::new());
        let roles: Vec<(String, Role)> = p.iter().map(|m| (d.slice(m.t0, m.t1).to_string(), m.role)).collect();
        assert!(roles.contains(&("El Salvador".to_string(), Role::From)), "{roles:?}");
        assert!(roles.contains(&("Saltillo".to_string(), Role::In)), "{roles:?}");
    }
}
