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
    out.push(b'[');
    items(out, incidents, write_incident);
    out.push(b']');
}

// The writers below append constant runs of an object as one literal each: a value's closing
// quote or bracket, the comma, the next key and the next value's opening quote or bracket
// (`"],\"location\":"`), so that a string value is its escaped contents between two literals
// ([`str_body`]). An incident is about sixty appends instead of a hundred and fifty.

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
    out.extend_from_slice(b",\"date_precision\":\"");
    vocab(out, date_precision.as_str());
    out.extend_from_slice(b"\",\"event_type\":\"");
    vocab(out, event_type.as_str());
    out.extend_from_slice(b"\",\"sub_event_type\":\"");
    vocab(out, sub_event_type.as_str());
    out.extend_from_slice(b"\",\"harms\":[");
    items(out, harms, |out, h| {
        out.push(b'"');
        vocab(out, h.as_str());
        out.push(b'"');
    });
    out.extend_from_slice(b"],\"location\":");
    match location {
        Some(l) => write_location(out, l),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"perpetrators\":[");
    items(out, perpetrators, write_perpetrator);
    out.extend_from_slice(b"],\"victims\":");
    write_victims(out, victims);
    out.extend_from_slice(b",\"fatalities\":");
    opt_uint(out, *fatalities);
    if injured.is_none() && missing.is_none() && detained.is_none() {
        // The usual case: one literal.
        out.extend_from_slice(b",\"injured\":null,\"missing\":null,\"detained\":null");
    } else {
        out.extend_from_slice(b",\"injured\":");
        opt_uint(out, *injured);
        out.extend_from_slice(b",\"missing\":");
        opt_uint(out, *missing);
        out.extend_from_slice(b",\"detained\":");
        opt_uint(out, *detained);
    }
    if let Some(n) = displaced {
        out.extend_from_slice(b",\"displaced\":");
        uint(out, u64::from(*n));
    }
    out.extend_from_slice(b",\"claims\":[");
    items(out, claims, write_claim);
    out.extend_from_slice(b"],\"contested\":[");
    items(out, contested, |out, s| write_str(out, s));
    out.push(b']');
    if let Some(t) = date_text {
        out.extend_from_slice(b",\"date_text\":\"");
        str_body(out, t);
        out.push(b'"');
    }
    out.extend_from_slice(b",\"evidence\":{");
    for (i, (k, spans)) in evidence.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        str_body(out, k);
        out.extend_from_slice(b"\":");
        write_spans(out, spans);
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
    opt_uint(out, *geonameid);
    out.extend_from_slice(b",\"geo_precision\":");
    uint(out, u64::from(*geo_precision));
    out.push(b'}');
}

fn write_perpetrator(out: &mut Vec<u8>, p: &Perpetrator) {
    let Perpetrator { text, category, alleged } = p;
    out.extend_from_slice(b"{\"text\":\"");
    str_body(out, text);
    out.extend_from_slice(b"\",\"category\":\"");
    vocab(out, category.as_str());
    // Each literal appended by its own call: one of two lengths chosen at run time would be
    // a `memcpy` call.
    if *alleged {
        out.extend_from_slice(b"\",\"alleged\":true}");
    } else {
        out.extend_from_slice(b"\",\"alleged\":false}");
    }
}

fn write_victims(out: &mut Vec<u8>, v: &Victims) {
    let Victims { group, count, nationalities, ages, genders, minors } = v;
    out.extend_from_slice(b"{\"group\":");
    opt_str(out, group.as_deref());
    out.extend_from_slice(b",\"count\":");
    opt_uint(out, *count);
    out.extend_from_slice(b",\"nationalities\":[");
    items(out, nationalities, |out, s| write_str(out, s));
    out.extend_from_slice(b"],\"ages\":[");
    items(out, ages, |out, a| uint(out, u64::from(*a)));
    out.extend_from_slice(b"],\"genders\":[");
    items(out, genders, |out, s| write_str(out, s));
    if *minors {
        out.extend_from_slice(b"],\"minors\":true}");
    } else {
        out.extend_from_slice(b"]}");
    }
}

fn write_claim(out: &mut Vec<u8>, c: &Claim) {
    let Claim { text, attributed_to, stance, fact, value, span, source } = c;
    out.extend_from_slice(b"{\"text\":\"");
    str_body(out, text);
    out.extend_from_slice(b"\",\"attributed_to\":\"");
    str_body(out, attributed_to);
    out.extend_from_slice(b"\",\"stance\":\"");
    vocab(out, stance.as_str());
    out.push(b'"');
    if let Some(f) = fact {
        out.extend_from_slice(b",\"fact\":\"");
        str_body(out, f);
        out.push(b'"');
    }
    if let Some(v) = value {
        out.extend_from_slice(b",\"value\":\"");
        str_body(out, v);
        out.push(b'"');
    }
    // The colon is the span's leading byte.
    out.extend_from_slice(b",\"span\"");
    write_span(out, b':', *span);
    if let Some(s) = source {
        out.extend_from_slice(b",\"source\":\"");
        str_body(out, s);
        out.push(b'"');
    }
    out.push(b'}');
}

/// `[{"start":S,"end":E},…]`: each span carries the bracket or comma before it.
fn write_spans(out: &mut Vec<u8>, spans: &[Span]) {
    if spans.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    for (i, s) in spans.iter().enumerate() {
        write_span(out, if i == 0 { b'[' } else { b',' }, *s);
    }
    out.push(b']');
}

/// `lead` then `{"start":S,"end":E}`, composed in a buffer of fixed size that is appended
/// whole and cut back (as [`uint`] does): one copy per span, not six appends (an incident has
/// a dozen).
fn write_span(out: &mut Vec<u8>, lead: u8, s: Span) {
    let mut buf = [0u8; 64];
    buf[0] = lead;
    buf[1..10].copy_from_slice(b"{\"start\":");
    let mut at = 10;
    at += digits_into(&mut buf[at..at + 20], s.start() as u64);
    buf[at..at + 7].copy_from_slice(b",\"end\":");
    at += 7;
    at += digits_into(&mut buf[at..at + 20], s.end() as u64);
    buf[at] = b'}';
    let len = out.len();
    out.extend_from_slice(&buf);
    out.truncate(len + at + 1);
}

/// The elements of an array, comma-separated, without the brackets (the literals around
/// carry them).
fn items<T>(out: &mut Vec<u8>, xs: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, x);
    }
}

fn opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn opt_uint(out: &mut Vec<u8>, n: Option<u32>) {
    match n {
        Some(n) => uint(out, u64::from(n)),
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

/// `"00"`, `"01"`, … `"99"`: two digits per lookup.
const PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// The two digits of `n` (below 100).
#[inline]
fn pair(n: u64) -> [u8; 2] {
    let i = n as usize * 2;
    [PAIRS[i], PAIRS[i + 1]]
}

/// Writes the decimal digits of `n` at the start of `buf` (20 bytes: room for any `u64`);
/// returns how many.
fn digits_into(buf: &mut [u8], mut n: u64) -> usize {
    // Small numbers (the usual offsets and counts) counted by comparison, not a logarithm.
    let digits = match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1_000..=9_999 => 4,
        _ => n.ilog10() as usize + 1,
    };
    // Two digits per division, from the right; the one or two left lead.
    let mut end = digits;
    while n >= 100 {
        buf[end - 2..end].copy_from_slice(&pair(n % 100));
        n /= 100;
        end -= 2;
    }
    if n >= 10 {
        buf[..2].copy_from_slice(&pair(n));
    } else {
        buf[0] = b'0' + n as u8;
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
    let Some(x) = x.filter(|x| x.is_finite()) else {
        out.extend_from_slice(b"null");
        return;
    };
    match ten_thousandths(x) {
        Some(n) => {
            // Sign, integer part, point and four decimals in a buffer of fixed size, appended
            // whole and cut back (as `uint`).
            let mut buf = [0u8; 32];
            let mut at = usize::from(x.is_sign_negative());
            buf[0] = b'-';
            at += digits_into(&mut buf[at..at + 20], n / 10_000);
            buf[at] = b'.';
            let f = n % 10_000;
            let [a, b] = pair(f / 100);
            let [c, d] = pair(f % 100);
            buf[at + 1..at + 5].copy_from_slice(&[a, b, c, d]);
            // Trailing zeros trimmed, but one decimal kept ("19.0").
            let width = if f % 100 != 0 {
                if d != b'0' {
                    4
                } else {
                    3
                }
            } else if b != b'0' {
                2
            } else {
                1
            };
            let len = out.len();
            out.extend_from_slice(&buf);
            out.truncate(len + at + 1 + width);
        }
        None => out.extend_from_slice(zmij::Buffer::new().format_finite(x).as_bytes()),
    }
}

/// `|x| * 10000` as an integer when `x` is exactly the double nearest to `±n / 10000` for an
/// integer `n < 10^12` (see [`opt_f64`]).
fn ten_thousandths(x: f64) -> Option<u64> {
    let y = x * 10_000.0;
    if !(y.abs() < 1e12) {
        return None;
    }
    // `y.round()` without its libm call (x86-64 has no rounding instruction before SSE4.1):
    // the cast truncates, and the fraction `y - t` is exact, so halves round away from zero
    // as `round` does.
    let t = y as i64;
    let fraction = y - t as f64;
    let n = t + i64::from(fraction >= 0.5) - i64::from(fraction <= -0.5);
    (n as f64 / 10_000.0 == x).then_some(n.unsigned_abs())
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
    let y = y as u64;
    let [y0, y1] = pair(y / 100);
    let [y2, y3] = pair(y % 100);
    let [m0, m1] = pair(u64::from(d.month()));
    let [d0, d1] = pair(u64::from(d.day()));
    out.extend_from_slice(&[b'"', y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'"']);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a JSON string with serde_json's escapes: `\"`, `\\`, `\b \t \n \f \r`, other
/// control characters as `\u00XX`; everything else (all non-ASCII included) as is.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    str_body(out, s);
    out.push(b'"');
}

/// The contents of a codebook string (the `as_str` of the contract's enums): written as is,
/// without the escape check, since none has a byte to escape (a test checks every variant).
#[inline]
fn vocab(out: &mut Vec<u8>, s: &'static str) {
    debug_assert!(!needs_escape(s.as_bytes()), "{s:?}");
    out.extend_from_slice(s.as_bytes());
}

/// The contents of [`write_str`]'s string, without the quotes.
#[inline]
fn str_body(out: &mut Vec<u8>, s: &str) {
    // Most strings (field names, vocabulary, place names) need no escape: one check of the
    // whole string eight bytes at a time, then one copy.
    if needs_escape(s.as_bytes()) {
        escaped_body(out, s.as_bytes());
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

#[inline(never)]
fn escaped_body(out: &mut Vec<u8>, b: &[u8]) {
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
}

/// Whether any byte of `b` needs a JSON escape (below 0x20, `"` or `\\`). Eight bytes at a
/// time; the last few are read with an overlapping load of eight (or, in strings shorter than
/// eight, of four or of three bytes padded with bytes that need none).
fn needs_escape(b: &[u8]) -> bool {
    let n = b.len();
    let word = |t: &[u8]| u64::from_le_bytes([t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]]);
    if n >= 8 {
        let mut chunks = b.chunks_exact(8);
        if chunks.any(|c| escapes_in(word(c))) {
            return true;
        }
        return escapes_in(word(&b[n - 8..]));
    }
    let x = match n {
        0 => return false,
        1..=3 => u64::from_le_bytes([b[0], b[n / 2], b[n - 1], b'a', b'a', b'a', b'a', b'a']),
        _ => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[n - 4], b[n - 3], b[n - 2], b[n - 1]]),
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
    fn codebook_strings_need_no_escape() {
        let mut all: Vec<&str> = Vec::new();
        // DatePrecision has no list of its variants: this match stops compiling when one is added.
        use DatePrecision::{Day, Month, Range, Unresolved, Year};
        let _every_precision = |d: DatePrecision| match d {
            Day | Range | Month | Year | Unresolved => (),
        };
        all.extend([Day, Range, Month, Year, Unresolved].map(|d| d.as_str()));
        all.extend(EventType::ALL.iter().map(EventType::as_str));
        all.extend(SubEventType::ALL.iter().map(SubEventType::as_str));
        all.extend(Harm::ALL.iter().map(Harm::as_str));
        all.extend(ActorCategory::ALL.iter().map(ActorCategory::as_str));
        all.extend(Stance::ALL.iter().map(Stance::as_str));
        for s in all {
            assert!(!needs_escape(s.as_bytes()), "{s:?}");
            assert_eq!(serde_json::to_string(s).expect("serialise"), format!("\"{s}\""));
        }
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
        // The counts unknown together (one literal), empty lists and map, a claim without
        // its value, a perpetrator not alleged.
        let mut z = full();
        z.missing = None;
        z.harms.clear();
        z.victims = Victims::default();
        z.evidence.clear();
        z.claims[0].value = None;
        z.perpetrators[0].alleged = false;
        z.contested.push("fatalities".into());
        same_as_serde(&z);
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
