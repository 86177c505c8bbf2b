//! Value parsing shared by header lines, front matter, meta tags and sidecars: dates, languages
//! and the header-line vocabulary.

use chrono::{DateTime, NaiveDate};
use testigo_core::{Language, Metadata};

/// Parses a publication date and keeps its day: `YYYY-MM-DD`, `YYYY/MM/DD`, an ISO 8601 /
/// RFC 3339 timestamp that starts with such a date (`2019-07-31T08:00:00-05:00` → 2019-07-31,
/// the date as written, not converted to UTC), or an RFC 2822 timestamp
/// (`Wed, 31 Jul 2019 08:00:00 GMT`). `None` for anything else.
pub(crate) fn parse_date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if let Some(date) = value.get(..10).and_then(parse_ymd) {
        let rest = &value[10..];
        if rest.is_empty() || rest.starts_with(['T', 't', ' ']) {
            return Some(date);
        }
    }
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|t| t.date_naive())
}

fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() != 10 || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return None;
    }
    let sep = b[4];
    if !matches!(sep, b'-' | b'/') || b[7] != sep {
        return None;
    }
    let year = s[0..4].parse().ok()?;
    let month = s[5..7].parse().ok()?;
    let day = s[8..10].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Parses a language name or tag into one of the supported languages: `en`, `es`, `English`,
/// `español`, and BCP 47 / POSIX tags by their primary subtag (`es-MX`, `en_GB` → es, en).
pub(crate) fn parse_language(value: &str) -> Option<Language> {
    let value = value.trim();
    Language::parse(value).or_else(|| {
        let primary = value.split(['-', '_']).next().unwrap_or(value);
        Language::parse(primary)
    })
}

/// Collapses every run of whitespace to one space and trims; `None` when nothing is left.
pub(crate) fn clean(value: &str) -> Option<String> {
    let cleaned = value.split_whitespace().collect::<Vec<_>>().join(" ");
    (!cleaned.is_empty()).then_some(cleaned)
}

/// A metadata field that header lines and front matter can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Title,
    Publisher,
    Url,
    Published,
    Language,
}

impl Field {
    /// The field a header-line key names (English and Spanish, case-insensitive, accents
    /// optional); `None` for any other key.
    pub(crate) fn from_header_key(key: &str) -> Option<Field> {
        match key.trim().to_lowercase().as_str() {
            "title" | "título" | "titulo" | "headline" | "titular" => Some(Field::Title),
            "publisher" | "medio" | "source" | "fuente" | "outlet" => Some(Field::Publisher),
            "url" | "link" | "enlace" => Some(Field::Url),
            "published"
            | "date"
            | "fecha"
            | "publicado"
            | "publication date"
            | "fecha de publicación" => Some(Field::Published),
            "language" | "lang" | "idioma" | "lengua" => Some(Field::Language),
            _ => None,
        }
    }

    /// The field a YAML front-matter key names (the keys static-site generators use).
    pub(crate) fn from_front_matter_key(key: &str) -> Option<Field> {
        match key.trim().to_lowercase().as_str() {
            "title" => Some(Field::Title),
            "publisher" | "source" | "site" | "site_name" => Some(Field::Publisher),
            "url" | "link" | "canonical" | "canonical_url" => Some(Field::Url),
            "date" | "published" | "publishdate" | "pubdate" => Some(Field::Published),
            "lang" | "language" | "locale" => Some(Field::Language),
            _ => None,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Publisher => "publisher",
            Field::Url => "url",
            Field::Published => "published",
            Field::Language => "language",
        }
    }
}

/// Sets `field` of `metadata` from `value` unless it is already set (the first occurrence wins).
/// An unusable date or language becomes a warning naming `origin` (e.g. "header line `Fecha:`").
pub(crate) fn set_field(
    metadata: &mut Metadata,
    field: Field,
    value: &str,
    origin: &str,
    warnings: &mut Vec<String>,
) {
    let Some(value) = clean(value) else {
        return;
    };
    match field {
        Field::Title => {
            metadata.title.get_or_insert(value);
        }
        Field::Publisher => {
            metadata.publisher.get_or_insert(value);
        }
        Field::Url => {
            metadata.url.get_or_insert(value);
        }
        Field::Published => match parse_date(&value) {
            Some(date) => {
                metadata.published.get_or_insert(date);
            }
            None => warnings.push(format!(
                "{origin}: `{value}` is not a date as YYYY-MM-DD, so the publication date is left unset; write it as e.g. 2019-07-31"
            )),
        },
        Field::Language => match parse_language(&value) {
            Some(language) => {
                metadata.language.get_or_insert(language);
            }
            None => warnings.push(format!(
                "{origin}: language `{value}` is not one testigo analyses (en, es), so the {} is left unset",
                field.name()
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_keep_the_written_day() {
        assert_eq!(parse_date("2019-07-31"), date(2019, 7, 31));
        assert_eq!(parse_date(" 2019/07/31 "), date(2019, 7, 31));
        assert_eq!(parse_date("2019-07-31T23:30:00-05:00"), date(2019, 7, 31));
        assert_eq!(parse_date("2019-07-31 08:00"), date(2019, 7, 31));
        assert_eq!(
            parse_date("Wed, 31 Jul 2019 08:00:00 GMT"),
            date(2019, 7, 31)
        );
        assert_eq!(parse_date("2019-02-30"), None);
        assert_eq!(parse_date("31/07/2019"), None);
        assert_eq!(parse_date("2019-07-311"), None);
        assert_eq!(parse_date("2019-07-3ñ"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn languages_by_primary_subtag() {
        assert_eq!(parse_language("es-MX"), Some(Language::Es));
        assert_eq!(parse_language("en_GB"), Some(Language::En));
        assert_eq!(parse_language("Español"), Some(Language::Es));
        assert_eq!(parse_language("fr"), None);
    }
}
