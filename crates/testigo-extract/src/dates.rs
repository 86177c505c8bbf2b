//! Date expressions in English and Spanish, resolved against the publication date.
//!
//! Absolute dates ("July 21, 2019", "21 de julio de 2019", "3/7/2019" day-first in Spanish and
//! month-first in English, "2023-11-08"), month and part-of-month expressions ("in June",
//! "late June", "a finales de junio"), and relative ones ("Wednesday", "last night", "anoche",
//! "el miércoles pasado", "two weeks ago", "hace dos semanas", "the next day").
//!
//! **Rules.** A relative weekday is the most recent such day strictly before the publication
//! date. A date without a year is never later than the publication date. Without a
//! publication date a relative (or yearless) date stays unresolved: it is never resolved
//! against today.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use testigo_core::{DatePrecision, Language};

use crate::numbers::number_at;
use crate::text::{Doc, MARK_AFTER_ARTICLE, MARK_ARTICLE, MARK_DATE_IF_NEXT, MARK_DATE_START, MARK_STREET};

/// A date expression found in the text.
#[derive(Debug, Clone)]
pub struct DateMention {
    /// First token.
    pub t0: usize,
    /// One past the last token.
    pub t1: usize,
    /// First day (None when unresolved).
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Precision.
    pub precision: DatePrecision,
    /// True for relative expressions (weekday, "yesterday", "ago").
    pub relative: bool,
}

/// True when token `k` is the day number of a date rather than a quantity: one or two digits
/// before a month ("2 de abril", "2 April", "2 of April") or after one ("April 2").
pub fn is_day_of_date(doc: &Doc<'_>, k: usize) -> bool {
    let w = doc.f(k);
    if w.is_empty() || w.len() > 2 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let is_month = |i: usize| month(doc.f(i), true, Language::Es).is_some() || month(doc.f(i), true, Language::En).is_some();
    is_month(k + 1) || (matches!(doc.f(k + 1), "de" | "of") && is_month(k + 2)) || (k >= 1 && is_month(k - 1)) || in_numeric_date(doc, k)
}

/// True when token `k` (digits) is joined to a neighbouring number by "/" or "." with no space:
/// a part of a numeric date ("17/09/2022", "4/11", "07.11.21"), never a count.
fn in_numeric_date(doc: &Doc<'_>, k: usize) -> bool {
    let digits = |i: usize| i < doc.tokens.len() && doc.f(i).bytes().all(|b| b.is_ascii_digit()) && !doc.f(i).is_empty();
    let joined = |i: usize| matches!(doc.gap_before(i), "/" | ".");
    (k >= 1 && joined(k) && digits(k - 1)) || (joined(k + 1) && digits(k + 1))
}

/// True when token `k` is the year of a date rather than a quantity: four digits from 1900 to
/// 2100 after a month ("March 12, 2024", "12 de marzo de 2024", "May 2024"), after "in",
/// "since", "en", "desde", "del", "año"… ("in 2024"), or opening an ISO date ("2024-03-12").
pub fn is_year_of_date(doc: &Doc<'_>, k: usize) -> bool {
    let w = doc.f(k);
    if w.len() != 4 || !w.bytes().all(|b| b.is_ascii_digit()) || !(1900..=2100).contains(&w.parse::<u32>().unwrap_or(0)) {
        return false;
    }
    let is_month = |i: usize| month(doc.f(i), true, Language::Es).is_some();
    let p1 = if k >= 1 { doc.f(k - 1) } else { "" };
    let day_before = p1.len() <= 2 && !p1.is_empty() && p1.bytes().all(|b| b.is_ascii_digit());
    (k >= 1 && is_month(k - 1))
        || (k >= 2 && matches!(p1, "de" | "of" | "del") && is_month(k - 2))
        || (k >= 2 && day_before && is_month(k - 2))
        || matches!(p1, "in" | "since" | "en" | "desde" | "del" | "ano" | "year" | "until" | "hasta" | "during" | "durante")
        || (doc.gap_before(k + 1) == "-" && doc.f(k + 1).bytes().all(|b| b.is_ascii_digit()) && !doc.f(k + 1).is_empty())
        || in_numeric_date(doc, k)
}

fn month(w: &str, upper: bool, lang: Language) -> Option<u32> {
    let m = match w {
        "january" | "enero" | "jan" => 1,
        "february" | "febrero" | "feb" => 2,
        "march" | "marzo" => 3,
        "april" | "abril" | "apr" => 4,
        "may" | "mayo" => 5,
        "june" | "junio" | "jun" => 6,
        "july" | "julio" | "jul" => 7,
        "august" | "agosto" | "aug" => 8,
        "september" | "septiembre" | "setiembre" | "sept" | "sep" => 9,
        "october" | "octubre" | "oct" => 10,
        "november" | "noviembre" | "nov" => 11,
        "december" | "diciembre" | "dec" => 12,
        _ => return None,
    };
    // English month names double as words ("may", "march"): require the capital letter.
    let english = matches!(w, "january" | "february" | "march" | "april" | "may" | "june" | "july" | "august"
        | "september" | "october" | "november" | "december" | "jan" | "feb" | "apr" | "jun" | "jul" | "aug" | "sept" | "sep" | "oct" | "nov" | "dec");
    if english && !upper {
        return None;
    }
    if lang == Language::En && matches!(w, "mayo" | "junio" | "julio") && !upper {
        return None;
    }
    Some(m)
}

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "monday" | "lunes" => Weekday::Mon,
        "tuesday" | "martes" => Weekday::Tue,
        "wednesday" | "miercoles" => Weekday::Wed,
        "thursday" | "jueves" => Weekday::Thu,
        "friday" | "viernes" => Weekday::Fri,
        "saturday" | "sabado" => Weekday::Sat,
        "sunday" | "domingo" => Weekday::Sun,
        _ => return None,
    })
}

fn year_of(w: &str) -> Option<i32> {
    if w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = w.parse().ok()?;
        return (1900..=2100).contains(&y).then_some(y);
    }
    None
}

fn day_of(w: &str) -> Option<u32> {
    // A day starts with a digit: most words end here.
    if !w.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let d = w.trim_end_matches(|c| matches!(c, 's' | 't' | 'n' | 'd' | 'r' | 'h'));
    if d.is_empty() || d.len() > 2 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Accept "21", "21st", "2nd", "3rd", "4th"; reject other suffixes.
    let suffix = &w[d.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    let v: u32 = d.parse().ok()?;
    (1..=31).contains(&v).then_some(v)
}

/// A year at token `j` ("2019", "de 2019", "del 2019"): the year and the token after it.
fn year_at(doc: &Doc<'_>, j: usize, t1: usize) -> (Option<i32>, usize) {
    if j < t1 {
        if let Some(y) = year_of(doc.f(j)) {
            return (Some(y), j + 1);
        }
        if matches!(doc.f(j), "de" | "del") && j + 1 < t1 {
            if let Some(y) = year_of(doc.f(j + 1)) {
                return (Some(y), j + 2);
            }
        }
    }
    (None, j)
}

/// The day `d` of month `m`: in `year` if given, else the latest not after `published`.
fn day_in(year: Option<i32>, m: u32, d: u32, published: Option<NaiveDate>) -> Option<NaiveDate> {
    match (year, published) {
        (Some(y), _) => NaiveDate::from_ymd_opt(y, m, d),
        (None, Some(p)) => infer_year(m, d, p),
        (None, None) => None,
    }
}

fn last_day(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt()).map_or(28, |d| d.day())
}

/// The most recent (year) such that month/day is not after `pubd`.
fn infer_year(m: u32, d: u32, pubd: NaiveDate) -> Option<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(pubd.year(), m, d);
    match this {
        Some(x) if x <= pubd => Some(x),
        _ => NaiveDate::from_ymd_opt(pubd.year() - 1, m, d),
    }
}

fn infer_month_year(m: u32, pubd: NaiveDate) -> i32 {
    if m <= pubd.month() {
        pubd.year()
    } else {
        pubd.year() - 1
    }
}

/// Easter Sunday of year `y` (Gregorian calendar; the anonymous algorithm of Meeus).
fn easter(y: i32) -> Option<NaiveDate> {
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(y, month as u32, day as u32)
}

/// Most recent `wd` strictly before `pubd`.
fn last_weekday(wd: Weekday, pubd: NaiveDate) -> NaiveDate {
    let mut d = pubd - Duration::days(1);
    while d.weekday() != wd {
        d -= Duration::days(1);
    }
    d
}

fn mention(t0: usize, t1: usize, start: Option<NaiveDate>, end: Option<NaiveDate>, p: DatePrecision, relative: bool) -> DateMention {
    let precision = if start.is_none() { DatePrecision::Unresolved } else { p };
    DateMention { t0, t1, start, end: end.or(start), precision, relative }
}

/// Part of month: early 1–10, mid 11–20, late 21–end; the first and second fortnights
/// ("quincena") 1–15 and 16–end.
fn part_of_month(w: &str, next: &str) -> Option<u8> {
    Some(match (w, next) {
        ("early", _) | ("principios", _) | ("inicios", _) | ("comienzos", _) | ("beginning", _) | ("start", _) => 0,
        ("mid", _) | ("mediados", _) | ("middle", _) => 1,
        ("late", _) | ("finales", _) | ("fines", _) | ("end", _) | ("fin", _) | ("ultimos", "dias") => 2,
        // "la primera quincena de febrero": 1–15; "la segunda quincena": 16–end.
        ("primera", "quincena") => 3,
        ("segunda", "quincena") => 4,
        _ => return None,
    })
}

/// The words after an article that can make it start a date ("the next day", "la semana
/// pasada"); any other article starts none. Tokens carry [`MARK_AFTER_ARTICLE`] for them.
pub(crate) const AFTER_ARTICLE_WORDS: &[&str] = &[
    "day", "next", "previous", "following", "week", "weekend", "month", "night", "morning", "afternoon", "evening", "dia", "mes",
    "semana", "fin", "pasado", "madrugada", "manana", "tarde", "noche", "days", "weeks", "dias", "semanas",
];

/// Words that can open a date expression (besides digits and "mid-"): a cheap filter that
/// keeps the full grammar off most tokens. Tokens carry [`MARK_DATE_START`] for them.
pub(crate) const DATE_START_WORDS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "enero", "febrero",
    "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre", "noviembre",
    "diciembre", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lunes", "martes",
    "miercoles", "jueves", "viernes", "sabado", "domingo", "early", "mid", "middle", "late", "beginning", "start",
    "end", "principios", "inicios", "comienzos", "mediados", "finales", "fines", "fin", "ultimos", "the", "anteayer",
    "antier", "antes", "yesterday", "ayer", "last", "anoche", "today", "hoy", "this", "esta", "tonight", "earlier",
    "la", "el", "hace", "next", "following", "este", "lo", "same", "mismo", "anteanoche", "over", "during", "nochebuena", "nochevieja", "christmas", "new", "navidad", "ano", "dia", "a", "one", "an", "un", "una", "uno", "dos", "tres", "cuatro",
    "cinco", "seis", "siete", "ocho", "nueve", "diez", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "several", "both", "once", "doce", "trece", "catorce", "quince", "twenty",
    "thirty", "veinte", "treinta", "forty", "forty-eight", "seventy", "seventy-two", "veinticuatro", "cuarenta", "setenta", "twenty-four",
    "past", "thanksgiving", "halloween", "holy", "good", "easter", "maundy", "primera", "segunda", "veintiuno",
    "veintidos", "veintitres", "veinticinco", "veintiseis", "veintisiete", "veintiocho", "veintinueve", "dieciseis",
    "diecisiete", "dieciocho", "diecinueve", "primero", "independence", "fourth",
];

/// Articles and demonstratives that open a date only before one of [`AFTER_ARTICLE_WORDS`].
/// Tokens carry [`MARK_ARTICLE`] for them.
pub(crate) const ARTICLE_WORDS: &[&str] = &["the", "a", "an", "el", "la", "un", "una", "one", "esta", "this"];

/// Words after which a number names a street or neighbourhood ("colonia 5 de Mayo", "calle 16
/// de Septiembre"), not a date. Tokens carry [`MARK_STREET`] for them.
pub(crate) const STREET_WORDS: &[&str] = &["colonia", "col", "calle", "avenida", "av", "barrio", "fraccionamiento", "street", "avenue", "plaza", "bulevar", "boulevard", "ejido"];

/// The words of [`DATE_START_WORDS`] that open a date only before certain words (see
/// [`may_start_date`]). Tokens carry [`MARK_DATE_IF_NEXT`] for them.
pub(crate) const DATE_IF_NEXT_WORDS: &[&str] = &["over", "during", "new", "ano", "same", "mismo", "lo", "este", "past", "good", "holy", "maundy", "primera", "segunda", "independence", "fourth"];

/// True when token `i` may open a date: it starts with a digit or "mid-", or is one of
/// [`DATE_START_WORDS`] (in a context where it can open one). Most tokens fail the first test,
/// on their [`MARK_DATE_START`] bit.
#[inline]
fn may_start_date(doc: &Doc<'_>, i: usize) -> bool {
    let Some(marks) = doc.tokens.get(i).map(|t| t.marks).filter(|m| m & MARK_DATE_START != 0) else {
        return false;
    };
    if marks & MARK_DATE_IF_NEXT == 0 {
        // A digit, "mid-" or a word that opens a date anywhere.
        return true;
    }
    let w = doc.f(i);
    w.as_bytes().first().is_some_and(|b| b.is_ascii_digit())
        || w.starts_with("mid-")
        || (
            // Frequent words that start a date only before one word.
            match w {
                "over" | "during" => doc.f(i + 1) == "the",
                "new" => matches!(doc.f(i + 1), "year" | "years"),
                "ano" => doc.f(i + 1) == "nuevo",
                "same" | "mismo" => doc.f(i + 1) == "day" || doc.f(i + 1) == "dia",
                "lo" => doc.f(i + 1) == "que",
                "este" => doc.f(i + 1) == "mes",
                "past" => doc.f(i + 1) == "weekend",
                "good" => doc.f(i + 1) == "friday",
                "holy" | "maundy" => doc.f(i + 1) == "thursday",
                "primera" | "segunda" => doc.f(i + 1) == "quincena",
                "independence" => doc.f(i + 1) == "day",
                "fourth" => doc.f(i + 1) == "of" && doc.f(i + 2) == "july",
                _ => true,
            })
}

/// Finds the date expressions of one sentence `[t0, t1)`. `prev` is the last resolved date
/// mentioned before this sentence (for "the next day", "un día después").
pub fn find(doc: &Doc<'_>, t0: usize, t1: usize, lang: Language, published: Option<NaiveDate>, prev: Option<NaiveDate>) -> Vec<DateMention> {
    let mut out = Vec::new();
    find_into(doc, t0, t1, lang, published, prev, &mut out);
    out
}

/// [`find`], appending to `out` (which the caller may reuse from document to document).
#[allow(clippy::too_many_arguments)]
pub fn find_into(doc: &Doc<'_>, t0: usize, t1: usize, lang: Language, published: Option<NaiveDate>, prev: Option<NaiveDate>, out: &mut Vec<DateMention>) {
    let mut i = t0;
    let up = |k: usize| doc.tokens.get(k).is_some_and(|t| t.upper);
    while i < t1 {
        // Straight to the next token that may open a date (most tokens cannot: a scan of
        // their mark bits).
        match doc.tokens.get(i..t1.min(doc.tokens.len())).and_then(|ts| ts.iter().position(|t| t.marks & MARK_DATE_START != 0)) {
            Some(k) => i += k,
            None => break,
        }
        let w = doc.f(i);
        if !may_start_date(doc, i) {
            i += 1;
            continue;
        }
        // A bare day of the month: "del día 14", "el día 3", "on the 3rd of this month": the
        // last such day on or before publication.
        // Cheap tests first: "the" is frequent, a digit after it is not.
        if matches!(w, "dia" | "the") && i + 1 < t1 && doc.f(i + 1).as_bytes().first().is_some_and(u8::is_ascii_digit) {
            let (w1, w2, w3) = (doc.f(i + 1), if i + 2 < t1 { doc.f(i + 2) } else { "" }, if i + 3 < t1 { doc.f(i + 3) } else { "" });
            let nw = w1.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let ordinal_ok = nw.len() == w1.len() || matches!(&w1[nw.len()..], "st" | "nd" | "rd" | "th");
            let month_follows = month(w2, true, lang).is_some() || (matches!(w2, "de" | "of") && month(w3, true, lang).is_some());
            let this_month = matches!((w2, w3), ("of", "this") | ("de", "este"));
            // "on the 3rd": the ordinal suffix makes a bare "the" a day.
            let on_the = w == "the" && i > t0 && doc.f(i - 1) == "on" && nw.len() < w1.len();
            let article_ok = w == "dia" || this_month || on_the;
            if article_ok && ordinal_ok && !month_follows && (1..=2).contains(&nw.len()) && nw.bytes().all(|b| b.is_ascii_digit()) {
                if let (Ok(d), Some(pd)) = (nw.parse::<u32>(), published) {
                    let this = pd.with_day(d).filter(|x| *x <= pd);
                    let prev_month = pd.with_day(1).and_then(|f| f.pred_opt()).and_then(|l| l.with_day(d));
                    let n = if this_month { 5 } else { 2 };
                    out.push(mention(i, i + n, this.or(prev_month), None, DatePrecision::Day, true));
                    i += n;
                    continue;
                }
            }
        }
        // Street and neighbourhood names ("colonia 5 de Mayo", "calle 16 de Septiembre").
        if i > t0 && doc.tokens.get(i - 1).is_some_and(|t| t.marks & MARK_STREET != 0) {
            i += 3;
            continue;
        }
        // Articles start a date only in a few set phrases ("the next day", "a week ago",
        // "la semana pasada", "el mes pasado").
        if doc.tokens.get(i).is_some_and(|t| t.marks & MARK_ARTICLE != 0) && doc.tokens.get(i + 1).is_none_or(|t| t.marks & MARK_AFTER_ARTICLE == 0) {
            i += 1;
            continue;
        }
        let w1 = if i + 1 < t1 { doc.f(i + 1) } else { "" };
        let w2 = if i + 2 < t1 { doc.f(i + 2) } else { "" };
        let w3 = if i + 3 < t1 { doc.f(i + 3) } else { "" };
        let w4 = if i + 4 < t1 { doc.f(i + 4) } else { "" };

        // ISO 2023-11-08 and numeric d/m/y or m/d/y.
        if let Some(y) = year_of(w) {
            if doc.gap_before(i + 1) == "-" && doc.gap_before(i + 2) == "-" {
                if let (Ok(m), Ok(d)) = (w1.parse::<u32>(), w2.parse::<u32>()) {
                    if let Some(dt) = NaiveDate::from_ymd_opt(y, m, d) {
                        out.push(mention(i, i + 3, Some(dt), None, DatePrecision::Day, false));
                        i += 3;
                        continue;
                    }
                }
            }
        }
        if w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()) && i + 2 < t1 {
            let sep = doc.gap_before(i + 1);
            if (sep == "/" || sep == "-" || sep == ".") && doc.gap_before(i + 2) == sep {
                let y = year_of(w2).or_else(|| {
                    (w2.len() == 2 && w2.bytes().all(|b| b.is_ascii_digit())).then(|| 2000 + w2.parse::<i32>().unwrap_or(0))
                });
                if let (Ok(a), Ok(b), Some(y)) = (w.parse::<u32>(), w1.parse::<u32>(), y) {
                    // Spanish is day-first; English month-first unless the first part cannot be a month.
                    let (d, m) = if lang == Language::Es || a > 12 { (a, b) } else { (b, a) };
                    if let Some(dt) = NaiveDate::from_ymd_opt(y, m, d) {
                        out.push(mention(i, i + 3, Some(dt), None, DatePrecision::Day, false));
                        i += 3;
                        continue;
                    }
                }
            }
        }

        // "el 4/11", "on 17/9": day and month without a year, the last such day on or before
        // publication. Day-first in Spanish; in English only when the first part cannot be a
        // month. After a preposition or article only ("4/11" alone may be a score or a ratio).
        if w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()) && i + 1 < t1 && doc.gap_before(i + 1) == "/" && !matches!(doc.gap_before(i + 2), "/" | "-" | ".") && i > t0 && matches!(doc.f(i - 1), "el" | "del" | "on" | "desde" | "since") {
            if let (Ok(a), Ok(b), Some(pd)) = (w.parse::<u32>(), w1.parse::<u32>(), published) {
                if w1.len() <= 2 && (lang == Language::Es || a > 12) {
                    if let Some(dt) = infer_year(b, a, pd) {
                        out.push(mention(i, i + 2, Some(dt), None, DatePrecision::Day, false));
                        i += 2;
                        continue;
                    }
                }
            }
        }
        // DAY [de] MONTH [[de|del|,] YEAR]
        if let Some(d) = day_of(w) {
            let (mi, has_de) = if w1 == "de" || w1 == "of" { (i + 2, true) } else { (i + 1, false) };
            let _ = has_de;
            if mi < t1 {
                if let Some(m) = month(doc.f(mi), up(mi), lang) {
                    let (year, j) = year_at(doc, mi + 1, t1);
                    let dt = day_in(year, m, d, published);
                    out.push(mention(i, j, dt, None, DatePrecision::Day, year.is_none()));
                    i = j;
                    continue;
                }
            }
        }

        // A day in words: "el veintiuno de marzo de 2022", "el primero de mayo".
        if !w.as_bytes().first().is_some_and(u8::is_ascii_digit) && matches!(w1, "de" | "of") && i + 2 < t1 {
            if let Some(m) = month(w2, up(i + 2), lang) {
                let d = if w == "primero" { Some(1) } else { number_at(doc, i, i + 1).filter(|n| !n.vague && (1..=31).contains(&n.value)).map(|n| n.value) };
                if let Some(d) = d {
                    let (year, j) = year_at(doc, i + 3, t1);
                    out.push(mention(i, j, day_in(year, m, d, published), None, DatePrecision::Day, year.is_none()));
                    i = j;
                    continue;
                }
            }
        }
        // Part of month: "late June", "a finales de junio", "the end of June", "mid-June".
        if let Some(part) = part_of_month(w, w1) {
            let mut k = i + 1;
            while k < t1 && k < i + 4 && matches!(doc.f(k), "of" | "de" | "del" | "mes" | "dias" | "in" | "en" | "quincena") {
                k += 1;
            }
            let mid_hyphen = w.starts_with("mid-");
            if k < t1 {
                if let Some(m) = month(doc.f(k), up(k), lang) {
                    let (year, j) = year_at(doc, k + 1, t1);
                    let y = year.or_else(|| published.map(|p| infer_month_year(m, p)));
                    let (s, e) = match y {
                        Some(y) => {
                            let (a, b) = match part {
                                0 => (1, 10),
                                1 => (11, 20),
                                3 => (1, 15),
                                4 => (16, last_day(y, m)),
                                _ => (21, last_day(y, m)),
                            };
                            (NaiveDate::from_ymd_opt(y, m, a), NaiveDate::from_ymd_opt(y, m, b))
                        }
                        None => (None, None),
                    };
                    out.push(mention(i, j, s, e, DatePrecision::Range, year.is_none()));
                    i = j;
                    continue;
                }
            }
            let _ = mid_hyphen;
        }
        if let Some(rest) = w.strip_prefix("mid-") {
            if let Some(m) = month(rest, true, lang) {
                let y = published.map(|p| infer_month_year(m, p));
                let s = y.and_then(|y| NaiveDate::from_ymd_opt(y, m, 11));
                let e = y.and_then(|y| NaiveDate::from_ymd_opt(y, m, 20));
                out.push(mention(i, i + 1, s, e, DatePrecision::Range, true));
                i += 1;
                continue;
            }
        }

        // MONTH DAY[, YEAR] | MONTH [de] YEAR | MONTH alone (after in/en/since/during).
        if let Some(m) = month(w, up(i), lang) {
            if let Some(d) = day_of(w1) {
                let (year, j) = year_at(doc, i + 2, t1);
                let dt = day_in(year, m, d, published);
                out.push(mention(i, j, dt, None, DatePrecision::Day, year.is_none()));
                i = j;
                continue;
            }
            let (year, j) = if let Some(y) = year_of(w1) {
                (Some(y), i + 2)
            } else if matches!(w1, "de" | "del") {
                match year_of(w2) {
                    Some(y) => (Some(y), i + 3),
                    None => (None, i + 1),
                }
            } else {
                (None, i + 1)
            };
            let prev_word = if i > t0 { doc.f(i - 1) } else { "" };
            if year.is_some() || matches!(prev_word, "in" | "en" | "de" | "during" | "durante" | "since" | "desde" | "last" | "pasado") {
                let y = year.or_else(|| published.map(|p| infer_month_year(m, p)));
                let s = y.and_then(|y| NaiveDate::from_ymd_opt(y, m, 1));
                let e = y.and_then(|y| NaiveDate::from_ymd_opt(y, m, last_day(y, m)));
                out.push(mention(i, j, s, e, DatePrecision::Month, year.is_none()));
                i = j;
                continue;
            }
        }

        // Movable feasts (the fixed ones are below): "Jueves Santo", "Good Friday", "Easter",
        // "Thanksgiving": the last one on or before publication. Before the weekdays, whose
        // names some of them carry.
        if let Some(pd) = published {
            let feast: Option<(usize, fn(i32) -> Option<NaiveDate>)> = match (w, w1, w2, w3) {
                ("jueves", "santo", ..) | ("holy", "thursday", ..) | ("maundy", "thursday", ..) => Some((2, |y| easter(y).map(|e| e - Duration::days(3)))),
                ("viernes", "santo", ..) | ("good", "friday", ..) => Some((2, |y| easter(y).map(|e| e - Duration::days(2)))),
                ("domingo", "de", "resurreccion", _) | ("domingo", "de", "pascua", _) => Some((3, easter)),
                ("easter", "sunday", ..) => Some((2, easter)),
                ("easter", ..) if i > t0 && matches!(doc.f(i - 1), "on" | "over" | "at") => Some((1, easter)),
                ("thanksgiving", ..) => Some((if matches!(w1, "day" | "night" | "eve") { 2 } else { 1 }, |y| {
                    // The fourth Thursday of November.
                    let first = NaiveDate::from_ymd_opt(y, 11, 1)?;
                    let to_thu = (7 + Weekday::Thu.num_days_from_monday() as i64 - first.weekday().num_days_from_monday() as i64) % 7;
                    Some(first + Duration::days(to_thu + 21))
                })),
                _ => None,
            };
            if let Some((n, day)) = feast {
                let dt = day(pd.year()).filter(|d| *d <= pd).or_else(|| day(pd.year() - 1));
                out.push(mention(i, i + n, dt, None, DatePrecision::Day, true));
                i += n;
                continue;
            }
        }
        // Weekdays: "Wednesday", "last Wednesday", "el miércoles pasado", "el pasado miércoles".
        if let Some(wd) = weekday(w) {
            let mut a = i;
            let mut b = i + 1;
            if i > t0 && matches!(doc.f(i - 1), "last" | "pasado" | "este" | "this") {
                a = i - 1;
                if a > t0 && matches!(doc.f(a - 1), "el" | "past") {
                    a -= 1;
                }
            }
            if matches!(w1, "pasado") {
                b = i + 2;
            }
            // "este jueves" / "this Thursday" on a Thursday is the day of publication.
            let this = i > t0 && matches!(doc.f(i - 1), "este" | "this");
            // "the Sunday before last": a week before the last one.
            let before_last = doc.f(b) == "before" && doc.f(b + 1) == "last" && b + 1 < t1;
            if before_last {
                b += 2;
            }
            let dt = published.map(|p| if this && p.weekday() == wd { p } else { last_weekday(wd, p) - Duration::days(if before_last { 7 } else { 0 }) });
            out.push(mention(a, b, dt, None, DatePrecision::Day, true));
            i = b;
            continue;
        }

        // Yesterday, the day before yesterday, last night, today, this morning.
        let rel = |days: i64| published.map(|p| p - Duration::days(days));
        let simple: Option<(usize, Option<NaiveDate>)> = match (w, w1, w2, w3) {
            ("the", "day", "before", "yesterday") => Some((4, rel(2))),
            ("the", "night", "before", "last") => Some((4, rel(2))),
            ("anteayer", ..) | ("antier", ..) | ("anteanoche", ..) | ("antes", "de", "ayer", _) => Some((if w == "antes" { 3 } else { 1 }, rel(2))),
            ("yesterday", ..) | ("ayer", ..) => Some((1, rel(1))),
            ("last", "night", ..) | ("anoche", ..) | ("last", "evening", ..) => Some((if w == "anoche" { 1 } else { 2 }, rel(1))),
            ("today", ..) | ("hoy", ..) | ("this", "morning", ..) | ("esta", "manana", ..) | ("esta", "madrugada", ..) | ("this", "afternoon", ..) | ("esta", "tarde", ..) | ("tonight", ..) | ("earlier", "today", ..) => {
                Some((if matches!(w, "today" | "hoy" | "tonight") { 1 } else { 2 }, rel(0)))
            }
            _ => None,
        };
        if let Some((n, dt)) = simple {
            out.push(mention(i, i + n, dt, None, DatePrecision::Day, true));
            i += n;
            continue;
        }

        // "last week" / "la semana pasada" / "last month" / "el mes pasado" / "last year".
        let week_or_month = match (w, w1, w2) {
            ("last", "week", _) | ("la", "semana", "pasada") | ("the", "previous", "week") => Some(("week", if w == "la" { 3 } else { 2 })),
            ("last", "month", _) | ("el", "mes", "pasado") | ("the", "previous", "month") => Some(("month", if w == "el" { 3 } else { 2 })),
            ("last", "weekend", _) | ("el", "fin", "de") | ("this", "weekend", _) | ("past", "weekend", _) => Some(("weekend", if w == "el" { 4 } else { 2 })),
            ("this", "past", "weekend") => Some(("weekend", 3)),
            ("over", "the", "weekend") | ("during", "the", "weekend") => Some(("weekend", 3)),
            ("principios", "de", "mes") | ("inicios", "de", "mes") | ("principios", "de", "este") if w3 != "ano" => Some(("early this month", if w2 == "este" { 4 } else { 3 })),
            // "earlier this month", "este mes", "en lo que va del mes": from the first of the
            // month of publication to the day before.
            ("early", "this", "month") => Some(("early this month", 3)),
            ("earlier", "this", "month") => Some(("this month", 3)),
            ("this", "month", _) | ("este", "mes", _) => Some(("this month", 2)),
            ("lo", "que", "va") if w3 == "del" && doc.f(i + 4) == "mes" => Some(("this month", 5)),
            _ => None,
        };
        if let Some((unit, n)) = week_or_month {
            if unit == "weekend" && w == "el" && w3 != "semana" {
                // "el fin de" without "semana" is "the end of ..." handled above.
            } else {
                let (s, e, p) = match (unit, published) {
                    ("week", Some(pd)) => {
                        let this_monday = pd - Duration::days(pd.weekday().num_days_from_monday() as i64);
                        let s = this_monday - Duration::days(7);
                        (Some(s), Some(s + Duration::days(6)), DatePrecision::Range)
                    }
                    ("month", Some(pd)) => {
                        let (y, m) = if pd.month() == 1 { (pd.year() - 1, 12) } else { (pd.year(), pd.month() - 1) };
                        (NaiveDate::from_ymd_opt(y, m, 1), NaiveDate::from_ymd_opt(y, m, last_day(y, m)), DatePrecision::Month)
                    }
                    ("early this month", Some(pd)) => {
                        // The first ten days, or up to the day before publication.
                        let first = pd.with_day(1).unwrap_or(pd);
                        let tenth = pd.with_day(10).unwrap_or(pd);
                        let before = pd.pred_opt().filter(|d| *d >= first).unwrap_or(pd);
                        (Some(first), Some(tenth.min(before)), DatePrecision::Range)
                    }
                    ("this month", Some(pd)) => {
                        let first = pd.with_day(1).unwrap_or(pd);
                        let before = pd.pred_opt().filter(|d| *d >= first).unwrap_or(pd);
                        (Some(first), Some(before), DatePrecision::Range)
                    }
                    ("weekend", Some(pd)) => {
                        let sat = last_weekday(Weekday::Sat, pd);
                        (Some(sat), Some(sat + Duration::days(1)).filter(|d| *d < pd).or(Some(sat)), DatePrecision::Range)
                    }
                    _ => (None, None, DatePrecision::Unresolved),
                };
                out.push(mention(i, i + n, s, e, p, true));
                i += n;
                continue;
            }
        }

        // "N days ago", "hace N días", "two weeks ago", "hace dos semanas".
        if w == "hace" {
            if let Some(n) = number_at(doc, i + 1, t1).or_else(|| matches!(w1, "un" | "una").then_some(crate::numbers::Number { value: 1, tokens: 1, vague: false })) {
                let u = doc.f(i + 1 + n.tokens);
                let days = match u {
                    "dia" | "dias" => Some(n.value as i64),
                    "semana" | "semanas" => Some(7 * n.value as i64),
                    _ => None,
                };
                if let Some(days) = days {
                    out.push(mention(i, i + 2 + n.tokens, rel(days), None, DatePrecision::Day, true));
                    i += 2 + n.tokens;
                    continue;
                }
            }
        }
        if let Some(n) = number_at(doc, i, t1).or_else(|| matches!(w, "a" | "one" | "un" | "una").then_some(crate::numbers::Number { value: 1, tokens: 1, vague: false })) {
            let u = doc.f(i + n.tokens);
            let after = doc.f(i + n.tokens + 1);
            let per = match u {
                "day" | "days" | "dia" | "dias" => Some(1),
                "week" | "weeks" | "semana" | "semanas" => Some(7),
                // "forty-eight hours later", "72 horas después": whole days only.
                "hours" | "horas" if n.value % 24 == 0 => Some(0),
                _ => None,
            };
            if let Some(per) = per {
                let days = if per == 0 { i64::from(n.value / 24) } else { per * n.value as i64 };
                let j = i + n.tokens + 2;
                match after {
                    "ago" => {
                        // "a week ago today": today is where it counts from.
                        let j = if matches!(doc.f(j), "today" | "hoy") && j < t1 { j + 1 } else { j };
                        out.push(mention(i, j, rel(days), None, DatePrecision::Day, true));
                        i = j;
                        continue;
                    }
                    "later" | "despues" | "after" | "mas" => {
                        let dt = prev.map(|p| p + Duration::days(days));
                        out.push(mention(i, j, dt, None, DatePrecision::Day, true));
                        i = j;
                        continue;
                    }
                    "earlier" | "before" | "antes" => {
                        let dt = prev.map(|p| p - Duration::days(days));
                        out.push(mention(i, j, dt, None, DatePrecision::Day, true));
                        i = j;
                        continue;
                    }
                    _ => {}
                }
            }
        }
        // Holidays: "Nochebuena", "Christmas Eve", "New Year's Eve", "Nochevieja", "Navidad",
        // "Christmas Day", "Año Nuevo", "Día de Muertos", "Halloween", "the Fourth of July":
        // the last one on or before publication.
        let holiday: Option<(usize, u32, u32)> = match (w, w1, w2, w3) {
            ("nochebuena", ..) => Some((1, 12, 24)),
            ("christmas", "eve", ..) => Some((2, 12, 24)),
            ("nochevieja", ..) => Some((1, 12, 31)),
            ("new", "year", "s", "eve") => Some((4, 12, 31)),
            ("new", "years", "eve", _) => Some((3, 12, 31)),
            ("christmas", "day", ..) => Some((2, 12, 25)),
            ("navidad", ..) if i > t0 && matches!(doc.f(i - 1), "en" | "la" | "el" | "de" | "plena" | "pleno") => Some((1, 12, 25)),
            ("ano", "nuevo", ..) if i > t0 && matches!(doc.f(i - 1), "en" | "el" | "de") => Some((2, 1, 1)),
            ("new", "year", "s", "day") => Some((4, 1, 1)),
            ("dia", "de", "muertos", _) => Some((3, 11, 2)),
            ("dia", "de", "los", "muertos") => Some((4, 11, 2)),
            ("dia", "de", "todos", "los") if doc.f(i + 4) == "santos" => Some((5, 11, 1)),
            ("halloween", ..) => Some((1, 10, 31)),
            ("fourth", "of", "july", _) => Some((3, 7, 4)),
            ("independence", "day", ..) if lang == Language::En => Some((2, 7, 4)),
            _ => None,
        };
        if let Some((n, m, d)) = holiday {
            out.push(mention(i, i + n, day_in(None, m, d, published), None, DatePrecision::Day, true));
            i += n;
            continue;
        }
        // "the next day", "al día siguiente", "the following day".
        match (w, w1, w2) {
            ("next", "day", _) | ("following", "day", _) | ("dia", "siguiente", _) => {
                out.push(mention(i, i + 2, prev.map(|p| p + Duration::days(1)), None, DatePrecision::Day, true));
                i += 2;
                continue;
            }
            // "that same day", "the same day", "ese mismo día", "el mismo día": the day told last.
            ("same", "day", _) | ("mismo", "dia", _) if prev.is_some() => {
                out.push(mention(i, i + 2, prev, None, DatePrecision::Day, true));
                i += 2;
                continue;
            }
            _ => {}
        }
        // A bare year ("in 2019", "en 2019").
        if let Some(y) = year_of(w) {
            if i > t0 && matches!(doc.f(i - 1), "in" | "en" | "during" | "durante") && !matches!(w1, "and" | "y") {
                let s = NaiveDate::from_ymd_opt(y, 1, 1);
                let e = NaiveDate::from_ymd_opt(y, 12, 31);
                out.push(mention(i, i + 1, s, e, DatePrecision::Year, false));
            }
        }
        let _ = w4;
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str, lang: Language, published: Option<&str>) -> (Option<String>, Option<String>, DatePrecision) {
        let mut arena = String::new();
        let d = Doc::new_in(s, &mut arena);
        let p = published.and_then(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").ok());
        let m = find(&d, 0, d.tokens.len(), lang, p, None);
        let m = m.first().cloned().expect("a date");
        (m.start.map(|x| x.to_string()), m.end.map(|x| x.to_string()), m.precision)
    }

    #[test]
    fn absolute_dates_in_both_languages() {
        use DatePrecision::*;
        let day = |s: &str| Some(s.to_string());
        assert_eq!(one("on July 21, 2019 police", Language::En, None), (day("2019-07-21"), day("2019-07-21"), Day));
        assert_eq!(one("el 21 de julio de 2019 la", Language::Es, None), (day("2019-07-21"), day("2019-07-21"), Day));
        assert_eq!(one("On 9 May 2020, in", Language::En, None).0, day("2020-05-09"));
        assert_eq!(one("el 3/7/2019 en", Language::Es, None).0, day("2019-07-03"));
        assert_eq!(one("on 3/7/2019 in", Language::En, None).0, day("2019-03-07"));
        assert_eq!(one("el 2023-11-08 en", Language::Es, None).0, day("2023-11-08"));
        assert_eq!(one("El sábado, agosto 23, agentes", Language::Es, Some("2025-08-26")).0, day("2025-08-23"));
        assert_eq!(one("on December 29 from", Language::En, Some("2024-01-03")).0, day("2023-12-29"));
    }

    #[test]
    fn relative_dates_resolve_against_publication_only() {
        use DatePrecision::*;
        let day = |s: &str| Some(s.to_string());
        assert_eq!(one("immigrants Wednesday, gunning", Language::En, Some("2019-08-02")).0, day("2019-07-31"));
        assert_eq!(one("immigrants Wednesday, gunning", Language::En, None), (None, None, Unresolved));
        assert_eq!(one("Anoche, cerca", Language::Es, Some("2021-10-12")).0, day("2021-10-11"));
        assert_eq!(one("Anteayer, un líder", Language::Es, Some("2022-08-10")).0, day("2022-08-08"));
        assert_eq!(one("el miércoles pasado", Language::Es, Some("2024-05-20")).0, day("2024-05-15"));
        assert_eq!(one("In late June, federal", Language::En, Some("2019-08-02")), (day("2019-06-21"), day("2019-06-30"), Range));
        assert_eq!(one("A finales de junio, un", Language::Es, Some("2023-07-12")), (day("2023-06-21"), day("2023-06-30"), Range));
        assert_eq!(one("hace dos semanas", Language::Es, Some("2023-07-12")).0, day("2023-06-28"));
        assert_eq!(one("two weeks ago", Language::En, Some("2023-07-12")).0, day("2023-06-28"));
        assert_eq!(one("last month's killing", Language::En, Some("2024-06-10")), (day("2024-05-01"), day("2024-05-31"), Month));
        assert_eq!(one("this past weekend, a", Language::En, Some("2023-07-24")), (day("2023-07-22"), day("2023-07-23"), Range));
        assert_eq!(one("on the Sunday before last", Language::En, Some("2024-01-15")).0, day("2024-01-07"));
        assert_eq!(one("on Thanksgiving night", Language::En, Some("2021-12-01")).0, day("2021-11-25"));
        assert_eq!(one("El Jueves Santo, soldados", Language::Es, Some("2024-04-03")).0, day("2024-03-28"));
        assert_eq!(one("on Good Friday", Language::En, Some("2019-05-01")).0, day("2019-04-19"));
        assert_eq!(one("la noche del Día de Muertos", Language::Es, Some("2022-11-07")).0, day("2022-11-02"));
        assert_eq!(one("El veintiuno de marzo de 2022, un", Language::Es, Some("2022-04-05")).0, day("2022-03-21"));
        assert_eq!(one("el primero de mayo", Language::Es, Some("2022-06-05")).0, day("2022-05-01"));
        assert_eq!(one("En la primera quincena de febrero, un", Language::Es, Some("2022-02-21")), (day("2022-02-01"), day("2022-02-15"), Range));
        assert_eq!(one("la segunda quincena de febrero", Language::Es, Some("2024-03-21")), (day("2024-02-16"), day("2024-02-29"), Range));
    }
}
