//! The extract contract's JSON (SPEC.md, `testigo extract` output), written by hand.
//!
//! The output is **byte-identical** to `serde_json::to_writer` of the same values (field order
//! of the struct declarations, `skip_serializing_if` rules, shortest round-trip floats as
//! serde_json's `zmij` writes them, `null` for non-finite floats, the same string escapes); the
//! tests compare the two on every example
//! and on generated values. It exists because serialisation was a sixth of the time of
//! `testigo extract` on short texts: keys are written as literals, strings are scanned eight
//! bytes at a time, dates are written digit by digit.
//!
//! Each writer destructures its struct completely, so a field added to a contract type does
//! not compile until it is written here too.

use chrono::{Datelike, NaiveDate};

use crate::{Claim, Incident, Location, Perpetrator, Span, Victims};

/// Appends `incidents` as a JSON array.
pub fn write_incidents(out: &mut Vec<u8>, incidents: &[Incident]) {
    array(out, incidents, write_incident);
}

/// Appends one incident as a JSON object.
pub fn write_incident(out: &mut Vec<u8>, x: &Incident) {
    let Incident {
        event_date,
        event_date_end,
        date_precision,
        event_type,
        sub_event_type,
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
        evidence,
    } = x;
    out.extend_from_slice(b"{\"event_date\":");
    opt_date(out, *event_date);
    out.extend_from_slice(b",\"event_date_end\":");
    opt_date(out, *event_date_end);
    out.extend_from_slice(b",\"date_precision\":");
    write_str(out, date_precision.as_str());
    out.extend_from_slice(b",\"event_type\":");
    write_str(out, event_type.as_str());
    out.extend_from_slice(b",\"sub_event_type\":");
    write_str(out, sub_event_type.as_str());
    out.extend_from_slice(b",\"harms\":");
    array(out, harms, |out, h| write_str(out, h.as_str()));
    out.extend_from_slice(b",\"location\":");
    match location {
        Some(l) => write_location(out, l),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"perpetrators\":");
    array(out, perpetrators, write_perpetrator);
    out.extend_from_slice(b",\"victims\":");
    write_victims(out, victims);
    out.extend_from_slice(b",\"fatalities\":");
    opt_uint(out, fatalities.map(u64::from));
    out.extend_from_slice(b",\"injured\":");
    opt_uint(out, injured.map(u64::from));
    out.extend_from_slice(b",\"missing\":");
    opt_uint(out, missing.map(u64::from));
    out.extend_from_slice(b",\"detained\":");
    opt_uint(out, detained.map(u64::from));
    if let Some(n) = displaced {
        out.extend_from_slice(b",\"displaced\":");
        uint(out, u64::from(*n));
    }
    out.extend_from_slice(b",\"claims\":");
    array(out, claims, write_claim);
    out.extend_from_slice(b",\"contested\":");
    array(out, contested, |out, s| write_str(out, s));
    if let Some(t) = date_text {
        out.extend_from_slice(b",\"date_text\":");
        write_str(out, t);
    }
    out.extend_from_slice(b",\"evidence\":{");
    for (i, (k, spans)) in evidence.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, k);
        out.push(b':');
        array(out, spans, |out, s| write_span(out, *s));
    }
    out.extend_from_slice(b"}}");
}

fn write_location(out: &mut Vec<u8>, l: &Location) {
    let Location { name, admin1, admin2, country, latitude, longitude, geonameid, geo_precision } = l;
    out.extend_from_slice(b"{\"name\":");
    opt_str(out, name.as_deref());
    out.extend_from_slice(b",\"admin1\":");
    opt_str(out, admin1.as_deref());
    out.extend_from_slice(b",\"admin2\":");
    opt_str(out, admin2.as_deref());
    out.extend_from_slice(b",\"country\":");
    opt_str(out, country.as_deref());
    out.extend_from_slice(b",\"latitude\":");
    opt_f64(out, *latitude);
    out.extend_from_slice(b",\"longitude\":");
    opt_f64(out, *longitude);
    out.extend_from_slice(b",\"geonameid\":");
    opt_uint(out, geonameid.map(u64::from));
    out.extend_from_slice(b",\"geo_precision\":");
    uint(out, u64::from(*geo_precision));
    out.push(b'}');
}

fn write_perpetrator(out: &mut Vec<u8>, p: &Perpetrator) {
    let Perpetrator { text, category, alleged } = p;
    out.extend_from_slice(b"{\"text\":");
    write_str(out, text);
    out.extend_from_slice(b",\"category\":");
    write_str(out, category.as_str());
    out.extend_from_slice(if *alleged { b",\"alleged\":true}" } else { b",\"alleged\":false}" });
}

fn write_victims(out: &mut Vec<u8>, v: &Victims) {
    let Victims { group, count, nationalities, ages, genders, minors } = v;
    out.extend_from_slice(b"{\"group\":");
    opt_str(out, group.as_deref());
    out.extend_from_slice(b",\"count\":");
    opt_uint(out, count.map(u64::from));
    out.extend_from_slice(b",\"nationalities\":");
    array(out, nationalities, |out, s| write_str(out, s));
    out.extend_from_slice(b",\"ages\":");
    array(out, ages, |out, a| uint(out, u64::from(*a)));
    out.extend_from_slice(b",\"genders\":");
    array(out, genders, |out, s| write_str(out, s));
    if *minors {
        out.extend_from_slice(b",\"minors\":true");
    }
    out.push(b'}');
}

fn write_claim(out: &mut Vec<u8>, c: &Claim) {
    let Claim { text, attributed_to, stance, fact, value, span, source } = c;
    out.extend_from_slice(b"{\"text\":");
    write_str(out, text);
    out.extend_from_slice(b",\"attributed_to\":");
    write_str(out, attributed_to);
    out.extend_from_slice(b",\"stance\":");
    write_str(out, stance.as_str());
    if let Some(f) = fact {
        out.extend_from_slice(b",\"fact\":");
        write_str(out, f);
    }
    if let Some(v) = value {
        out.extend_from_slice(b",\"value\":");
        write_str(out, v);
    }
    out.extend_from_slice(b",\"span\":");
    write_span(out, *span);
    if let Some(s) = source {
        out.extend_from_slice(b",\"source\":");
        write_str(out, s);
    }
    out.push(b'}');
}

/// `{"start":S,"end":E}`, composed in a buffer of fixed size that is appended whole and cut
/// back (as [`uint`] does): one copy per span, not five appends (an incident has a dozen).
fn write_span(out: &mut Vec<u8>, s: Span) {
    let mut buf = [0u8; 64];
    buf[..9].copy_from_slice(b"{\"start\":");
    let mut at = 9;
    at += digits_into(&mut buf[at..at + 20], s.start() as u64);
    buf[at..at + 7].copy_from_slice(b",\"end\":");
    at += 7;
    at += digits_into(&mut buf[at..at + 20], s.end() as u64);
    buf[at] = b'}';
    let len = out.len();
    out.extend_from_slice(&buf);
    out.truncate(len + at + 1);
}

fn array<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, x);
    }
    out.push(b']');
}

fn opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn opt_uint(out: &mut Vec<u8>, n: Option<u64>) {
    match n {
        Some(n) => uint(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends the decimal digits of `n`.
fn uint(out: &mut Vec<u8>, n: u64) {
    // Digits written left-aligned into a buffer of fixed size, which is appended whole and
    // cut back: a copy of known length is a few moves, one of variable length a `memcpy`
    // call (most numbers here are byte offsets of three to six digits).
    let mut buf = [0u8; 20];
    let digits = digits_into(&mut buf, n);
    let len = out.len();
    out.extend_from_slice(&buf);
    out.truncate(len + digits);
}

/// Writes the decimal digits of `n` at the start of `buf` (20 bytes: room for any `u64`);
/// returns how many.
fn digits_into(buf: &mut [u8], mut n: u64) -> usize {
    let digits = n.checked_ilog10().map_or(1, |d| d as usize + 1);
    for slot in buf[..digits].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
    digits
}

/// As serde_json: the shortest representation that reads back the same (`zmij`, serde_json's
/// own formatter), `null` for NaN and infinities.
///
/// Coordinates are rounded to four decimals: a value that is exactly the double nearest to
/// `n / 10000` for an integer `|n| < 10^12` is written from `n` (its shortest round-trip form
/// is that decimal with trailing zeros trimmed); anything else goes to zmij.
fn opt_f64(out: &mut Vec<u8>, x: Option<f64>) {
    match x {
        Some(x) if x.is_finite() => {
            let n = (x * 10_000.0).round();
            if n.abs() < 1e12 && n / 10_000.0 == x {
                if x.is_sign_negative() {
                    out.push(b'-');
                }
                let n = n.abs() as u64;
                uint(out, n / 10_000);
                out.push(b'.');
                // Four decimals, trailing zeros trimmed but one kept ("19.0").
                let f = n % 10_000;
                let decimals = [f / 1000, f / 100 % 10, f / 10 % 10, f % 10].map(|d| b'0' + d as u8);
                let width = (1..=4).rev().find(|&w| decimals[w - 1] != b'0').unwrap_or(1);
                out.extend_from_slice(&decimals[..width]);
            } else {
                out.extend_from_slice(zmij::Buffer::new().format_finite(x).as_bytes());
            }
        }
        _ => out.extend_from_slice(b"null"),
    }
}

/// `"YYYY-MM-DD"` (chrono's `Display`, which serde uses), or `null`.
fn opt_date(out: &mut Vec<u8>, d: Option<NaiveDate>) {
    let Some(d) = d else {
        out.extend_from_slice(b"null");
        return;
    };
    let y = d.year();
    if !(0..=9999).contains(&y) {
        // Outside four digits chrono writes a sign: leave that to it.
        write_str(out, &d.to_string());
        return;
    }
    let (y, m, day) = (y as u32, d.month(), d.day());
    let digit = |n: u32| b'0' + (n % 10) as u8;
    out.extend_from_slice(&[
        b'"',
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
        b'"',
    ]);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a JSON string with serde_json's escapes: `\"`, `\\`, `\b \t \n \f \r`, other
/// control characters as `\u00XX`; everything else (all non-ASCII included) as is.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    // Most strings (field names, vocabulary, place names) need no escape: one check of the
    // whole string eight bytes at a time, then one copy.
    if !needs_escape(b) {
        out.extend_from_slice(b);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: Option<&[u8]> = match c {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            0x08 => Some(b"\\b"),
            0x09 => Some(b"\\t"),
            0x0A => Some(b"\\n"),
            0x0C => Some(b"\\f"),
            0x0D => Some(b"\\r"),
            _ => None,
        };
        if esc.is_some() || c < 0x20 {
            out.extend_from_slice(&b[start..i]);
            match esc {
                Some(e) => out.extend_from_slice(e),
                None => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]),
            }
            start = i + 1;
        }
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// Whether any byte of `b` needs a JSON escape (below 0x20, `"` or `\\`). Eight bytes at a
/// time; the last few are read with overlapping fixed-size loads, padded with a byte that
/// needs none.
fn needs_escape(b: &[u8]) -> bool {
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        if escapes_in(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])) {
            return true;
        }
    }
    let rest = chunks.remainder();
    let n = rest.len();
    let x = match n {
        0 => return false,
        1..=3 => u64::from_le_bytes([rest[0], rest[n / 2], rest[n - 1], b'a', b'a', b'a', b'a', b'a']),
        _ => u64::from_le_bytes([rest[0], rest[1], rest[2], rest[3], rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]),
    };
    escapes_in(x)
}

/// Whether one of eight bytes (read little-endian) is below 0x20, `"` or `\\` (bit tricks:
/// a byte's top bit marks it in each mask).
#[inline]
fn escapes_in(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    let q = x ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q & HIGH;
    let bs = x ^ (ONES * u64::from(b'\\'));
    let backslash = bs.wrapping_sub(ONES) & !bs & HIGH;
    below_space | quote | backslash != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ActorCategory, DatePrecision, EventType, Harm, Stance, SubEventType};
    use std::collections::BTreeMap;

    fn same_as_serde(x: &Incident) {
        let mut ours = Vec::new();
        write_incidents(&mut ours, std::slice::from_ref(x));
        let theirs = serde_json::to_vec(std::slice::from_ref(x)).expect("serialise");
        assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
    }

    #[test]
    fn integers_are_written_in_full() {
        let mut edges = vec![0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX - 1, u64::MAX];
        edges.extend((1..20).map(|k| 10u64.pow(k)).flat_map(|p| [p - 1, p, p + 1]));
        for n in edges {
            let mut out = b"x".to_vec();
            uint(&mut out, n);
            assert_eq!(String::from_utf8_lossy(&out), format!("x{n}"));
        }
    }

    #[test]
    fn the_escape_check_sees_every_byte() {
        // A byte that needs escaping, or one that does not, at every position of strings of
        // every length up to 20 (whole chunks, tails of one to seven bytes, overlaps).
        for len in 0..=20 {
            for pos in 0..len {
                for special in [0u8, 0x1F, b'"', b'\\', b'\n', 0x20, b'a', 0x7F, 0xC3] {
                    let mut b = vec![b'x'; len];
                    b[pos] = special;
                    let naive = b.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
                    assert_eq!(needs_escape(&b), naive, "{b:?}");
                }
            }
        }
    }

    #[test]
    fn coordinates_are_written_as_serde_json_writes_them() {
        let serde_of = |x: f64| {
            let mut v = Vec::new();
            opt_f64(&mut v, Some(x));
            assert_eq!(String::from_utf8_lossy(&v), serde_json::to_string(&x).expect("finite"), "{x:e}");
        };
        // Every four-decimal value in a band around zero, a spread of latitudes and longitudes
        // rounded as the extractor rounds them, values that are not rounded, and the edges.
        for n in -200_000i64..=200_000 {
            serde_of(n as f64 / 10_000.0);
        }
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let raw = (seed >> 11) as f64 / (1u64 << 53) as f64 * 360.0 - 180.0;
            serde_of(raw);
            serde_of((raw * 10_000.0).round() / 10_000.0);
        }
        for x in [0.0, -0.0, 1e-5, -1e-5, 0.0001, 99_999_999.9999, 1e8, 1e11, 1e12, 1e16, 1e17, 123_456_789_012.5, f64::MIN_POSITIVE, f64::MAX, -f64::MAX] {
            serde_of(x);
        }
    }

    fn full() -> Incident {
        let mut evidence = BTreeMap::new();
        evidence.insert("harms".into(), vec![Span::new(3, 9), Span::new(40, 52)]);
        evidence.insert("a \"quoted\" key".into(), vec![]);
        Incident {
            event_date: NaiveDate::from_ymd_opt(2024, 3, 9),
            event_date_end: NaiveDate::from_ymd_opt(2024, 3, 10),
            date_precision: DatePrecision::Range,
            event_type: EventType::ViolenceAgainstCivilians,
            sub_event_type: SubEventType::AbductionForcedDisappearance,
            harms: vec![Harm::Killing, Harm::Shooting],
            location: Some(Location {
                name: Some("Ciudad Tecún Umán".into()),
                admin1: Some("San Marcos".into()),
                admin2: None,
                country: Some("GT".into()),
                latitude: Some(14.6667),
                longitude: Some(-92.1333),
                geonameid: Some(3_589_805),
                geo_precision: 1,
            }),
            perpetrators: vec![Perpetrator { text: "agentes \\ \"municipales\"".into(), category: ActorCategory::ALL[0], alleged: true }],
            victims: Victims {
                group: Some("migrants".into()),
                count: Some(4_000_000_000),
                nationalities: vec!["SV".into(), "HN".into()],
                ages: vec![0, 15, 110],
                genders: vec!["male".into()],
                minors: true,
            },
            fatalities: Some(0),
            injured: None,
            missing: Some(3),
            detained: None,
            displaced: Some(12),
            claims: vec![Claim {
                text: "Dijo:\n\t\"no\u{1}\u{7f}\u{1f}\" — ¿qué? 😀\r\u{8}\u{c}".into(),
                attributed_to: "la Fiscalía".into(),
                stance: Stance::ALL[0],
                fact: Some("victim_armed".into()),
                value: Some("no".into()),
                span: Span::new(0, 120),
                source: Some("ab".repeat(32)),
            }],
            contested: vec!["victims.nationalities".into()],
            date_text: Some("el miércoles".into()),
            evidence,
        }
    }

    #[test]
    fn every_field_is_written_as_serde_json_writes_it() {
        same_as_serde(&full());
        // The optional fields left out, nulls, non-finite coordinates, dates out of four digits.
        let mut x = full();
        x.location = None;
        x.displaced = None;
        x.date_text = None;
        x.victims.minors = false;
        x.claims[0].fact = None;
        x.claims[0].source = None;
        x.event_date = None;
        x.event_date_end = NaiveDate::from_ymd_opt(10_000, 1, 1);
        same_as_serde(&x);
        let mut y = full();
        if let Some(l) = y.location.as_mut() {
            l.latitude = Some(f64::NAN);
            l.longitude = Some(1e-7);
            l.name = None;
        }
        y.event_date = NaiveDate::from_ymd_opt(7, 1, 2);
        same_as_serde(&y);
        let mut out = Vec::new();
        write_incidents(&mut out, &[]);
        assert_eq!(out, b"[]");
    }

    #[test]
    fn strings_escape_as_serde_json_does_at_every_position() {
        // Every ASCII byte and some multi-byte chars, at every offset of the 8-byte scan.
        let mut chars: Vec<char> = (0u8..128).map(char::from).collect();
        chars.extend(['é', 'ñ', '—', '\u{2028}', '😀']);
        for pad in 0..9 {
            for &c in &chars {
                let s = format!("{}{c}{}", "a".repeat(pad), "b".repeat(9 - pad));
                let mut ours = Vec::new();
                write_str(&mut ours, &s);
                assert_eq!(ours, serde_json::to_vec(&s).expect("serialise"), "{s:?}");
            }
        }
    }
}
