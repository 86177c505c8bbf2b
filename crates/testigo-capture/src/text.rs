//! Plain text: header lines at the top become metadata, everything else is kept byte for byte.

use testigo_core::Metadata;

use crate::meta::{self, Field};

/// Splits header lines off `source` (LF line ends) and returns the remaining text unchanged.
pub(crate) fn extract(source: &str, warnings: &mut Vec<String>) -> (String, Metadata) {
    let (metadata, consumed) = header_lines(source, warnings);
    (source[consumed..].to_string(), metadata)
}

/// Parses the header block at the top of `source`: consecutive `Key: value` lines with a known
/// key (`Title:`, `Publisher:`, `URL:`, `Published:`, `Language:`, Spanish `Título:`, `Medio:`,
/// `Fecha:`, ...), ended by a blank line or the first line that is not a header.
///
/// Returns the metadata and the number of bytes the block takes, including the blank lines
/// after it. When the first non-blank line is not a header, nothing is consumed.
pub(crate) fn header_lines(source: &str, warnings: &mut Vec<String>) -> (Metadata, usize) {
    let mut metadata = Metadata::default();
    let mut consumed = 0;
    let mut seen_header = false;
    let mut pos = 0;
    while pos < source.len() {
        let end = source[pos..]
            .find('\n')
            .map_or(source.len(), |i| pos + i + 1);
        let line = &source[pos..end];
        pos = end;
        if line.trim().is_empty() {
            if seen_header {
                // A blank line ends the block; it and any further blank lines go with it.
                consumed = end;
                while consumed < source.len() {
                    let next = source[consumed..]
                        .find('\n')
                        .map_or(source.len(), |i| consumed + i + 1);
                    if !source[consumed..next].trim().is_empty() {
                        break;
                    }
                    consumed = next;
                }
                break;
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            break;
        };
        let Some(field) = Field::from_header_key(key) else {
            break;
        };
        let origin = format!("header line `{}:`", key.trim());
        meta::set_field(&mut metadata, field, value, &origin, warnings);
        seen_header = true;
        consumed = end;
    }
    if seen_header {
        (metadata, consumed)
    } else {
        (Metadata::default(), 0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use testigo_core::Language;

    use super::*;

    #[test]
    fn header_block_ends_at_the_first_blank_line() {
        let mut warnings = Vec::new();
        let source = "Title: A\nURL: https://x.org/a?b=1\n\nTitle: not a header\nBody.\n";
        let (text, metadata) = extract(source, &mut warnings);
        assert_eq!(text, "Title: not a header\nBody.\n");
        assert_eq!(metadata.title.as_deref(), Some("A"));
        assert_eq!(metadata.url.as_deref(), Some("https://x.org/a?b=1"));
        assert!(warnings.is_empty());
    }

    #[test]
    fn header_block_ends_at_a_line_that_is_not_a_header() {
        let mut warnings = Vec::new();
        let (text, metadata) = extract(
            "Fecha: 2019-07-31\nIdioma: es\nDos migrantes...\n",
            &mut warnings,
        );
        assert_eq!(text, "Dos migrantes...\n");
        assert_eq!(metadata.published, NaiveDate::from_ymd_opt(2019, 7, 31));
        assert_eq!(metadata.language, Some(Language::Es));
    }

    #[test]
    fn no_header_unless_the_first_line_is_one() {
        let mut warnings = Vec::new();
        let source = "Two migrants were shot.\nTitle: later\n";
        let (text, metadata) = extract(source, &mut warnings);
        assert_eq!(text, source);
        assert_eq!(metadata, Metadata::default());
        // "Note:" is not a header key, so the block does not start.
        let source = "Note: this is text\n\nTitle: X\n";
        assert_eq!(extract(source, &mut warnings).0, source);
    }

    #[test]
    fn bad_header_date_is_a_warning_not_an_error() {
        let mut warnings = Vec::new();
        let (text, metadata) = extract("Published: last Tuesday\n\nText.", &mut warnings);
        assert_eq!(text, "Text.");
        assert_eq!(metadata.published, None);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("Published:") && warnings[0].contains("YYYY-MM-DD"),
            "{warnings:?}"
        );
    }
}
