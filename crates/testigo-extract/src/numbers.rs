//! Numbers written as digits or words, English and Spanish ("four", "veintitrés", "1,400",
//! "una veintena", "two dozen", "at least 12").

use crate::lexicon::WordValues;
use crate::text::{Doc, MARK_NUMBER_START};

/// A number found at a token position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    /// The value (for vague quantities, the conventional point estimate: "una veintena" = 20,
    /// "dozens" = 24).
    pub value: u32,
    /// Tokens consumed.
    pub tokens: usize,
    /// True for vague quantities ("dozens", "decenas", "una veintena").
    pub vague: bool,
}

const UNITS: &[(&str, u32)] = &[
    ("zero", 0), ("cero", 0), ("one", 1), ("uno", 1), ("una", 1), ("un", 1), ("two", 2), ("dos", 2), ("both", 2),
    ("ambos", 2), ("ambas", 2), ("pair", 2), ("three", 3), ("tres", 3), ("four", 4), ("cuatro", 4), ("five", 5),
    ("cinco", 5), ("six", 6), ("seis", 6), ("seven", 7), ("siete", 7), ("eight", 8), ("ocho", 8), ("nine", 9),
    ("nueve", 9), ("ten", 10), ("diez", 10), ("eleven", 11), ("once", 11), ("twelve", 12), ("doce", 12),
    ("thirteen", 13), ("trece", 13), ("fourteen", 14), ("catorce", 14), ("fifteen", 15), ("quince", 15),
    ("sixteen", 16), ("dieciseis", 16), ("seventeen", 17), ("diecisiete", 17), ("eighteen", 18), ("dieciocho", 18),
    ("nineteen", 19), ("diecinueve", 19), ("twenty", 20), ("veinte", 20), ("veintiuno", 21), ("veintiun", 21),
    ("veintiuna", 21), ("veintidos", 22), ("veintitres", 23), ("veinticuatro", 24), ("veinticinco", 25),
    ("veintiseis", 26), ("veintisiete", 27), ("veintiocho", 28), ("veintinueve", 29), ("thirty", 30), ("treinta", 30),
    ("forty", 40), ("cuarenta", 40), ("fifty", 50), ("cincuenta", 50), ("sixty", 60), ("sesenta", 60),
    ("seventy", 70), ("setenta", 70), ("eighty", 80), ("ochenta", 80), ("ninety", 90), ("noventa", 90),
    ("hundred", 100), ("cien", 100), ("ciento", 100), ("doscientos", 200), ("doscientas", 200), ("trescientos", 300),
    ("trescientas", 300), ("cuatrocientos", 400), ("cuatrocientas", 400), ("quinientos", 500), ("quinientas", 500),
    ("seiscientos", 600), ("seiscientas", 600), ("setecientos", 700), ("setecientas", 700), ("ochocientos", 800),
    ("ochocientas", 800), ("novecientos", 900), ("novecientas", 900), ("thousand", 1000), ("mil", 1000),
    ("dozen", 12), ("docena", 12),
];

/// [`UNITS`] by word, one probe with the token's hash at hand.
static UNIT_VALUES: WordValues = WordValues::new(UNITS);

fn unit(w: &str) -> Option<u32> {
    UNIT_VALUES.get(w)
}

/// Vague collective quantities: (value, is the word a collective noun that takes "de"/"of").
const VAGUE: &[(&str, u32)] = &[
    ("dozens", 24), ("decenas", 24), ("scores", 40), ("score", 20), ("hundreds", 200), ("cientos", 200), ("centenares", 200),
    ("thousands", 2000), ("miles", 2000), ("quincena", 15), ("veintena", 20), ("treintena", 30), ("cuarentena", 40), ("decena", 10),
    ("centenar", 100), ("several", 3), ("varios", 3), ("varias", 3),
];

/// [`VAGUE`] by word.
static VAGUE_VALUES: WordValues = WordValues::new(VAGUE);

/// The vague quantity of token `k` of `doc`, if it is one.
fn vague_at(doc: &Doc<'_>, k: usize) -> Option<u32> {
    VAGUE_VALUES.get_hashed(doc.h(k), doc.f(k))
}

/// The value of a token of digits, ignoring `,` and `.` inside it; `None` for anything else,
/// for no digit at all, or for more than nine digits.
fn digits(raw: &str) -> Option<u32> {
    let (mut value, mut n) = (0u32, 0u32);
    for b in raw.bytes() {
        match b {
            b',' | b'.' => {}
            b'0'..=b'9' => {
                n += 1;
                if n > 9 {
                    return None;
                }
                value = value * 10 + u32::from(b - b'0');
            }
            _ => return None,
        }
    }
    (n > 0).then_some(value)
}

/// Reads a number starting at token `i` (not crossing `end`). Handles digits with thousands
/// separators ("1,400" arrives as tokens "1" "400" joined by a comma), compound words
/// ("twenty-three", "veinte y tres", "one hundred and fifty", "ciento cincuenta"), "a dozen",
/// "two dozen", "una veintena", "dozens of". `None` when no number starts there.
///
/// "un"/"una"/"a" alone are *not* read as 1 here (they are articles); callers that know the
/// article counts a person ("killed a man") handle it.
pub fn number_at(doc: &Doc<'_>, i: usize, end: usize) -> Option<Number> {
    if i >= end || !may_start_number(doc, i) {
        return None;
    }
    let w = doc.f(i);
    // Digits, with thousands groups: "1,400" → tokens "1", "400" with gap ",".
    if w.as_bytes().first().is_some_and(|b| b.is_ascii_digit()) {
        let mut value = digits(w)?;
        let mut n = 1;
        while i + n < end {
            let gap = doc.gap_before(i + n);
            let next = doc.f(i + n);
            if (gap == "," || gap == ".") && next.len() == 3 && next.bytes().all(|b| b.is_ascii_digit()) {
                value = value.saturating_mul(1000).saturating_add(digits(next)?);
                n += 1;
            } else {
                break;
            }
        }
        return Some(Number { value, tokens: n, vague: false });
    }
    // "half a dozen", "media docena": six.
    if w == "half" && i + 2 < end && doc.f(i + 1) == "a" && doc.f(i + 2) == "dozen" {
        return Some(Number { value: 6, tokens: 3, vague: false });
    }
    if w == "media" && i + 1 < end && doc.f(i + 1) == "docena" {
        return Some(Number { value: 6, tokens: 2, vague: false });
    }
    if matches!(w, "half" | "media") {
        return None;
    }
    // "una veintena", "a dozen", "una docena", "dozens", "decenas".
    if matches!(w, "a" | "an" | "una" | "un") {
        // Every word read after an article here opens a number too: most articles stop at
        // this bit test, without looking their next word up.
        if i + 1 >= end || !may_start_number(doc, i + 1) {
            return None;
        }
        if let Some(v) = vague_at(doc, i + 1).filter(|_| i + 1 < end) {
            if !matches!(doc.f(i + 1), "several" | "varios" | "varias") {
                return Some(Number { value: v, tokens: 2, vague: true });
            }
        }
        if i + 1 < end && matches!(doc.f(i + 1), "dozen" | "docena") {
            return Some(Number { value: 12, tokens: 2, vague: false });
        }
        if i + 1 < end && matches!(doc.f(i + 1), "hundred" | "thousand") {
            let n = number_words(doc, i + 1, end)?;
            return Some(Number { value: n.value, tokens: n.tokens + 1, vague: false });
        }
        return None;
    }
    if let Some(v) = vague_at(doc, i) {
        if matches!(w, "several" | "varios" | "varias") {
            return None;
        }
        return Some(Number { value: v, tokens: 1, vague: true });
    }
    if matches!(w, "un" | "una" | "uno") {
        return None;
    }
    number_words(doc, i, end)
}

/// Words that can open a number: number words, vague quantities and articles ("a dozen").
/// Tokens carry [`MARK_NUMBER_START`] for them.
pub(crate) fn number_start_words() -> impl Iterator<Item = &'static str> {
    UNITS.iter().chain(VAGUE).map(|(w, _)| *w).chain(["a", "an", "una", "un", "half", "media"])
}

/// Cheap test that rejects most tokens before [`number_at`] reads them: digits, hyphenated
/// words ("twenty-three") and `number_start_words`, read from the token's
/// [`MARK_NUMBER_START`] bit (false past the last token). The last token of a number passes it
/// too (a number ends with a digit group or a number word).
#[inline]
pub fn may_start_number(doc: &Doc<'_>, i: usize) -> bool {
    doc.tokens.get(i).is_some_and(|t| t.marks & MARK_NUMBER_START != 0)
}

/// The value of token `k` of `doc` as a number word: a unit ("four", "cien") or two joined by
/// a hyphen ("twenty-three").
fn word_value(doc: &Doc<'_>, k: usize) -> Option<u32> {
    let w = doc.f(k);
    if let Some(v) = UNIT_VALUES.get_hashed(doc.h(k), w) {
        return Some(v);
    }
    // "twenty-three", "thirty-one".
    let (a, b) = w.split_once('-')?;
    Some(unit(a)? + unit(b)?)
}

fn number_words(doc: &Doc<'_>, i: usize, end: usize) -> Option<Number> {
    let first = word_value(doc, i)?;
    if matches!(doc.f(i), "both" | "ambos" | "ambas" | "pair") {
        return Some(Number { value: 2, tokens: 1, vague: false });
    }
    let mut total: u32 = 0;
    let mut current: u32 = first;
    let mut n = 1;
    if matches!(doc.f(i), "hundred") {
        current = 100;
    }
    while i + n < end {
        let w = doc.f(i + n);
        if matches!(w, "and" | "y") {
            // "one hundred and fifty", "treinta y dos": only when a number word follows.
            if i + n + 1 < end && may_start_number(doc, i + n + 1) && word_value(doc, i + n + 1).is_some_and(|v| v < 100) {
                n += 1;
                continue;
            }
            break;
        }
        // A number word or a hyphenated one carries the mark: others stop at the bit test.
        if !may_start_number(doc, i + n) {
            break;
        }
        let Some(v) = word_value(doc, i + n) else { break };
        if matches!(w, "both" | "ambos" | "ambas" | "pair" | "un" | "una" | "uno") {
            break;
        }
        match v {
            100 if matches!(w, "hundred") => current = current.max(1) * 100,
            1000 => {
                total += current.max(1) * 1000;
                current = 0;
            }
            12 if matches!(w, "dozen" | "docena") => current = current.max(1) * 12,
            _ => current += v,
        }
        n += 1;
    }
    Some(Number { value: total + current, tokens: n, vague: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Option<u32> {
        let mut arena = String::new();
        let d = Doc::new_in(s, &mut arena);
        number_at(&d, 0, d.tokens.len()).map(|n| n.value)
    }

    #[test]
    fn numbers_in_words_and_digits() {
        for (s, v) in [
            ("four shots", 4),
            ("twenty-three people", 23),
            ("one hundred and fifty", 150),
            ("veintitrés migrantes", 23),
            ("ciento cincuenta", 150),
            ("treinta y dos", 32),
            ("1,400 miles", 1400),
            ("17 killed", 17),
            ("a dozen bodies", 12),
            ("two dozen villagers", 24),
            ("una veintena de personas", 20),
            ("una docena de cuerpos", 12),
            ("quinientas personas", 500),
            ("dos mil", 2000),
            ("both victims", 2),
        ] {
            assert_eq!(read(s), Some(v), "{s}");
        }
        assert_eq!(read("a man"), None);
        assert_eq!(read("una mujer"), None);
        assert_eq!(read("several people"), None);
    }

    #[test]
    fn digit_tokens() {
        for (w, v) in [("17", Some(17)), ("1,400", Some(1400)), ("2.500", Some(2500)), ("007", Some(7)), ("999999999", Some(999_999_999))] {
            assert_eq!(digits(w), v, "{w}");
        }
        // Ten digits, no digit at all, letters, other scripts' digits.
        for w in ["1234567890", "", ",.", "12a", "a12", "١٢", "12½"] {
            assert_eq!(digits(w), None, "{w}");
        }
    }
}
