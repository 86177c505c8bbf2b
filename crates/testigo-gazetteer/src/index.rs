//! Builds the compact index from the TSV sources in `data/`.
//!
//! Compiled twice: into `build.rs` (which writes the shipped index into `OUT_DIR`) and into the
//! library (for [`crate::Gazetteer::from_tsv`], used by tests with small fixtures). It must not
//! use anything outside `std`, `fst` and the sibling `fold` module.
//!
//! Layout of the four parts (all little-endian):
//! - `fst`: an `fst::Map` from a name key (see `fold::key`) to `(postings_offset << 16) | count`.
//! - `postings`: one [`POSTING`]-byte summary per entity that carries a key, most populous
//!   first: `index u32 | admin1 u32 | population u32 | kind u8 | cc [u8; 2] | 0`. The summary
//!   repeats the fields that rank readings, so that ranking a name's readings reads one
//!   contiguous run instead of one scattered entity record per reading.
//! - `entities`: fixed records of [`RECORD`] bytes (see [`Rec`]).
//! - `strings`: UTF-8 names, referenced by offset and length from the records.

use std::collections::{BTreeMap, HashMap};

use super::fold;

/// Bytes per entity record.
pub const RECORD: usize = 40;
/// Bytes per posting (an entity's summary beside a name key; see the module docs).
pub const POSTING: usize = 16;
/// Entity kind codes stored in byte 0 of a record.
pub const KIND_COUNTRY: u8 = 0;
/// First-level administrative division.
pub const KIND_ADMIN1: u8 = 1;
/// Populated place.
pub const KIND_PLACE: u8 = 2;
/// Demonym ("salvadoreño" → SV).
pub const KIND_DEMONYM: u8 = 3;
/// "No entity" marker in index fields.
pub const NONE: u32 = u32::MAX;

/// The four byte arrays of an index.
pub struct Parts {
    /// `fst::Map` bytes.
    pub fst: Vec<u8>,
    /// Token-prefix table (see [`prefix_table`]).
    pub prefixes: Vec<u8>,
    /// Posting summaries of [`POSTING`] bytes.
    pub postings: Vec<u8>,
    /// Entity records.
    pub entities: Vec<u8>,
    /// String pool.
    pub strings: Vec<u8>,
}

/// One entity before encoding.
pub struct Rec {
    /// One of the `KIND_*` codes.
    pub kind: u8,
    /// ISO 3166-1 alpha-2.
    pub cc: [u8; 2],
    /// Index of the admin1 entity, or [`NONE`].
    pub admin1: u32,
    /// Index of the country entity, or [`NONE`].
    pub country: u32,
    /// GeoNames id (0 when unknown).
    pub geonameid: u32,
    /// Inhabitants (0 when unknown).
    pub population: u32,
    /// Latitude (degrees).
    pub lat: f32,
    /// Longitude (degrees).
    pub lon: f32,
    /// Display name.
    pub name: String,
    /// Second-level division name ("" when unknown).
    pub admin2: String,
}

fn cc_of(s: &str) -> [u8; 2] {
    let b = s.as_bytes();
    if b.len() >= 2 {
        [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]
    } else {
        [b'?', b'?']
    }
}

fn rows(src: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    src.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split('\t').collect()))
}

fn field<'a>(cols: &[&'a str], i: usize, file: &str, line: usize) -> Result<&'a str, String> {
    cols.get(i).copied().ok_or_else(|| format!("{file}: line {line}: missing column {}", i + 1))
}

fn num<T: std::str::FromStr + Default>(s: &str) -> T {
    s.trim().parse().unwrap_or_default()
}

fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split('|').map(str::trim).filter(|x| !x.is_empty())
}

/// Builds the index from the TSV texts (formats in `data/README.md`).
///
/// # Errors
/// A message naming the file and line of the first malformed row, or an `fst` build error.
pub fn build(countries: &str, admin1: &str, places: &str, demonyms: &str) -> Result<Parts, String> {
    let mut recs: Vec<Rec> = Vec::new();
    let mut keys: Vec<(String, u32)> = Vec::new();
    let mut country_idx: HashMap<[u8; 2], u32> = HashMap::new();
    let mut admin1_idx: HashMap<([u8; 2], String), u32> = HashMap::new();

    // countries.tsv: iso2 iso3 name name_es alt_names latitude longitude population geonameid
    for (line, c) in rows(countries) {
        let f = |i| field(&c, i, "countries.tsv", line);
        let cc = cc_of(f(0)?);
        let idx = recs.len() as u32;
        recs.push(Rec {
            kind: KIND_COUNTRY,
            cc,
            admin1: NONE,
            country: idx,
            geonameid: num(f(8).unwrap_or("0")),
            population: num(f(7)?),
            lat: num(f(5)?),
            lon: num(f(6)?),
            name: f(2)?.to_string(),
            admin2: String::new(),
        });
        country_idx.insert(cc, idx);
        for n in [f(2)?, f(3)?].into_iter().chain(list(f(4)?)) {
            keys.push((fold::key(n), idx));
        }
    }
    // admin1.tsv: cc code name alt_names latitude longitude population iso3166_2
    for (line, c) in rows(admin1) {
        let f = |i| field(&c, i, "admin1.tsv", line);
        let cc = cc_of(f(0)?);
        let idx = recs.len() as u32;
        recs.push(Rec {
            kind: KIND_ADMIN1,
            cc,
            admin1: idx,
            country: country_idx.get(&cc).copied().unwrap_or(NONE),
            geonameid: 0,
            population: num(f(6)?),
            lat: num(f(4)?),
            lon: num(f(5)?),
            name: f(2)?.to_string(),
            admin2: String::new(),
        });
        admin1_idx.insert((cc, f(1)?.to_string()), idx);
        for n in std::iter::once(f(2)?).chain(list(f(3)?)) {
            keys.push((fold::key(n), idx));
        }
    }
    // places.tsv: geonameid name cc admin1_code admin2 latitude longitude population alt_names
    for (line, c) in rows(places) {
        let f = |i| field(&c, i, "places.tsv", line);
        let cc = cc_of(f(2)?);
        let idx = recs.len() as u32;
        recs.push(Rec {
            kind: KIND_PLACE,
            cc,
            admin1: admin1_idx.get(&(cc, f(3)?.to_string())).copied().unwrap_or(NONE),
            country: country_idx.get(&cc).copied().unwrap_or(NONE),
            geonameid: num(f(0)?),
            population: num(f(7)?),
            lat: num(f(5)?),
            lon: num(f(6)?),
            name: f(1)?.to_string(),
            admin2: f(4)?.to_string(),
        });
        for n in std::iter::once(f(1)?).chain(list(f(8).unwrap_or(""))) {
            keys.push((fold::key(n), idx));
        }
    }
    // demonyms.tsv: cc lang form
    for (line, c) in rows(demonyms) {
        let f = |i| field(&c, i, "demonyms.tsv", line);
        let cc = cc_of(f(0)?);
        let idx = recs.len() as u32;
        recs.push(Rec {
            kind: KIND_DEMONYM,
            cc,
            admin1: NONE,
            country: country_idx.get(&cc).copied().unwrap_or(NONE),
            geonameid: 0,
            population: 0,
            lat: 0.0,
            lon: 0.0,
            name: f(2)?.to_string(),
            admin2: String::new(),
        });
        keys.push((fold::key(f(2)?), idx));
    }
    encode(recs, keys)
}

fn encode(recs: Vec<Rec>, keys: Vec<(String, u32)>) -> Result<Parts, String> {
    let mut by_key: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (k, idx) in keys {
        if k.is_empty() {
            continue;
        }
        let v = by_key.entry(k).or_default();
        if !v.contains(&idx) {
            v.push(idx);
        }
    }
    let mut strings: Vec<u8> = Vec::new();
    let mut entities: Vec<u8> = Vec::with_capacity(recs.len() * RECORD);
    let string_at = |s: &str, strings: &mut Vec<u8>| -> (u32, u16) {
        let off = strings.len() as u32;
        let bytes = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
        strings.extend_from_slice(bytes);
        (off, bytes.len() as u16)
    };
    for r in &recs {
        let (name_off, name_len) = string_at(&r.name, &mut strings);
        let (a2_off, a2_len) = string_at(&r.admin2, &mut strings);
        entities.push(r.kind);
        entities.extend_from_slice(&r.cc);
        entities.push(0);
        entities.extend_from_slice(&r.admin1.to_le_bytes());
        entities.extend_from_slice(&r.geonameid.to_le_bytes());
        entities.extend_from_slice(&r.population.to_le_bytes());
        entities.extend_from_slice(&r.lat.to_le_bytes());
        entities.extend_from_slice(&r.lon.to_le_bytes());
        entities.extend_from_slice(&name_off.to_le_bytes());
        entities.extend_from_slice(&name_len.to_le_bytes());
        entities.extend_from_slice(&a2_len.to_le_bytes());
        entities.extend_from_slice(&a2_off.to_le_bytes());
        entities.extend_from_slice(&r.country.to_le_bytes());
    }
    let mut postings: Vec<u8> = Vec::new();
    let mut builder = fst::MapBuilder::memory();
    let mut values: Vec<(String, u64)> = Vec::with_capacity(by_key.len());
    for (k, mut ids) in by_key {
        // Most populous first, then by kind (countries before admin1 before places), so that
        // callers that take the first candidate get the likeliest reading.
        ids.sort_by_key(|&i| {
            let r = &recs[i as usize];
            (std::cmp::Reverse(r.population), r.kind, i)
        });
        ids.truncate(u16::MAX as usize);
        let off = (postings.len() / POSTING) as u64;
        for &i in &ids {
            let r = &recs[i as usize];
            postings.extend_from_slice(&i.to_le_bytes());
            postings.extend_from_slice(&r.admin1.to_le_bytes());
            postings.extend_from_slice(&r.population.to_le_bytes());
            postings.extend_from_slice(&[r.kind, r.cc[0], r.cc[1], 0]);
        }
        let value = (off << 16) | ids.len() as u64;
        builder.insert(k.as_bytes(), value).map_err(|e| e.to_string())?;
        values.push((k, value));
    }
    let fst = builder.into_inner().map_err(|e| e.to_string())?;
    let prefixes = prefix_table(&values);
    Ok(Parts { fst, postings, entities, strings, prefixes })
}

/// FNV-1a offset basis: the hash of no bytes.
pub const HASH_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Extends an FNV-1a (64-bit) hash with `bytes`. The hash of a key prefix of several tokens
/// is the hash of the tokens joined by single spaces, so it can be extended token by token.
#[inline]
pub fn hash_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Bytes of one slot of the token-prefix table: tag (`u64` LE), then fst value (`u64` LE).
pub const SLOT: usize = 16;
/// Tag flag: the prefix is a whole key; the slot's value is its fst value.
pub const FLAG_FINAL: u64 = 1;
/// Tag flag: some longer key continues this prefix with a space and another token.
pub const FLAG_MORE: u64 = 2;

/// Slot index of `hash` in a table of `slots` slots (a power of two): its high bits.
#[inline]
pub fn slot_of(hash: u64, slots: usize) -> usize {
    (hash >> (64 - slots.trailing_zeros())) as usize
}

/// The token-prefix table: an open-addressing hash table (linear probing, load below 2/3, a power
/// of two of [`SLOT`]-byte slots) holding every whole-token prefix of every key ("san",
/// "san pedro", "san pedro sula"). A slot's tag is the prefix's FNV-1a hash with its two low
/// bits replaced by [`FLAG_FINAL`] / [`FLAG_MORE`] (so a used tag is never 0, the empty slot).
/// It lets [`crate::Gazetteer::longest_match`] test a token sequence with one hash probe per
/// token instead of an fst walk per byte.
pub fn prefix_table(values: &[(String, u64)]) -> Vec<u8> {
    let mut entries: BTreeMap<u64, (u64, u64)> = BTreeMap::new(); // hash -> (flags, value)
    for (k, v) in values {
        let mut h = HASH_START;
        let mut words = k.split(' ').peekable();
        let mut first = true;
        while let Some(w) = words.next() {
            if !first {
                h = hash_extend(h, b" ");
            }
            first = false;
            h = hash_extend(h, w.as_bytes());
            let e = entries.entry(h & !3).or_insert((0, 0));
            if words.peek().is_some() {
                e.0 |= FLAG_MORE;
            } else {
                e.0 |= FLAG_FINAL;
                e.1 = *v;
            }
        }
    }
    let slots = (entries.len() + entries.len() / 2).max(16).next_power_of_two();
    let mut table = vec![0u8; slots * SLOT];
    for (h, (flags, value)) in entries {
        let mut s = slot_of(h, slots);
        while table[s * SLOT..s * SLOT + 8] != [0u8; 8] {
            s = (s + 1) & (slots - 1);
        }
        table[s * SLOT..s * SLOT + 8].copy_from_slice(&(h | flags).to_le_bytes());
        table[s * SLOT + 8..s * SLOT + 16].copy_from_slice(&value.to_le_bytes());
    }
    table
}
