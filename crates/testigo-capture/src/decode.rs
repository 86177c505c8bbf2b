//! Bytes to text: emptiness, binary sniffing, BOMs, UTF-8 validation and the one legacy charset
//! (windows-1252) that HTML pages still declare.

use crate::{CaptureError, DocKind};

/// The UTF-8 byte order mark.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many leading bytes are inspected for binary content.
const SNIFF_LEN: usize = 8 * 1024;

/// Decoded text plus what the user should know about the decoding.
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) warnings: Vec<String>,
}

/// Decodes the raw bytes of a document of `kind`.
pub(crate) fn decode(bytes: &[u8], kind: DocKind) -> Result<Decoded, CaptureError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(CaptureError::Empty);
    }
    if let Some(text) = decode_utf16(bytes)? {
        return finish(
            text,
            vec!["decoded as UTF-16 (it starts with a UTF-16 byte order mark)".to_string()],
        );
    }
    if let Some(format) = signature(bytes) {
        return Err(CaptureError::Binary {
            format: Some(format),
        });
    }
    if looks_binary(bytes) {
        return Err(CaptureError::Binary { format: None });
    }
    let (body, bom_len) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    match std::str::from_utf8(body) {
        Ok(text) => finish(text.to_string(), Vec::new()),
        Err(err) => {
            if kind == DocKind::Html {
                if let Some(label) = declared_single_byte_charset(body) {
                    let text = decode_windows_1252(body);
                    return finish(text, vec![format!("decoded as windows-1252, as the page's charset declaration ({label}) says")]);
                }
            }
            Err(CaptureError::InvalidUtf8 {
                byte_offset: bom_len + err.valid_up_to(),
            })
        }
    }
}

fn finish(text: String, warnings: Vec<String>) -> Result<Decoded, CaptureError> {
    if text.trim().is_empty() {
        return Err(CaptureError::Empty);
    }
    Ok(Decoded { text, warnings })
}

/// Decodes UTF-16 text that starts with a byte order mark; `None` when there is no UTF-16 BOM.
fn decode_utf16(bytes: &[u8]) -> Result<Option<String>, CaptureError> {
    let little_endian = match bytes {
        // A UTF-32 byte order mark starts like UTF-16's: refuse it rather than decode NULs.
        [0xFF, 0xFE, 0x00, 0x00, ..] | [0x00, 0x00, 0xFE, 0xFF, ..] => {
            return Err(CaptureError::Binary { format: Some("UTF-32 text (re-save it as UTF-8)") });
        }
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return Ok(None),
    };
    let body = &bytes[2..];
    let pairs = body.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(CaptureError::Binary {
            format: Some("UTF-16 text with an odd number of bytes (truncated?)"),
        });
    }
    let units = pairs.map(|pair| {
        let pair = [pair[0], pair[1]];
        if little_endian {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    let mut text = String::with_capacity(body.len() / 2);
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                return Err(CaptureError::Binary {
                    format: Some("UTF-16 text with broken surrogate pairs"),
                })
            }
        }
    }
    Ok(Some(text))
}

/// Recognises a few common binary formats by their first bytes, to give a precise message.
fn signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document (PDF is not supported yet)"),
        (
            b"PK\x03\x04",
            "a ZIP archive (also .docx, .xlsx, .odt, .epub)",
        ),
        (
            b"PK\x05\x06",
            "a ZIP archive (also .docx, .xlsx, .odt, .epub)",
        ),
        (b"\x1F\x8B", "a gzip-compressed file"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an old Microsoft Office document (.doc, .xls)",
        ),
        (b"{\\rtf", "an RTF document"),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"\x7FELF", "an executable program"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, name)| *name)
}

/// True when the first 8 KiB hold a NUL byte or more than 10% control characters (other than
/// tab, line feed, form feed and carriage return).
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F)
        .count();
    controls * 10 > sample.len()
}

/// The charset label of a `<meta charset=...>` (or `http-equiv` content) in the first 1024
/// bytes, when it names windows-1252 or one of the labels WHATWG maps to it.
fn declared_single_byte_charset(bytes: &[u8]) -> Option<String> {
    let head: Vec<u8> = bytes[..bytes.len().min(1024)].to_ascii_lowercase();
    let needle = b"charset=";
    let mut from = 0;
    while let Some(pos) = find(&head[from..], needle) {
        let mut i = from + pos + needle.len();
        while i < head.len() && matches!(head[i], b'"' | b'\'' | b' ') {
            i += 1;
        }
        let start = i;
        while i < head.len()
            && (head[i].is_ascii_alphanumeric() || matches!(head[i], b'-' | b'_' | b':' | b'.'))
        {
            i += 1;
        }
        let label = String::from_utf8_lossy(&head[start..i]).into_owned();
        const LABELS: &[&str] = &[
            "windows-1252",
            "cp1252",
            "x-cp1252",
            "iso-8859-1",
            "iso8859-1",
            "iso_8859-1",
            "iso-ir-100",
            "latin1",
            "l1",
            "us-ascii",
            "ascii",
            "cp819",
            "ibm819",
        ];
        if LABELS.contains(&label.as_str()) {
            return Some(label);
        }
        from = i.max(from + pos + 1);
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes windows-1252 (WHATWG's reading of ISO-8859-1 as well): bytes 0x80–0x9F are the
/// Windows punctuation, the rest map to the same code point.
fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}',
        '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}',
        '\u{178}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_maps_the_punctuation_block() {
        assert_eq!(decode_windows_1252(b"caf\xE9 \x93x\x94 \x80"), "café “x” €");
    }

    #[test]
    fn charset_is_found_in_meta_tags() {
        assert_eq!(
            declared_single_byte_charset(b"<meta charset=\"ISO-8859-1\">").as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(
            declared_single_byte_charset(
                b"<meta http-equiv=Content-Type content='text/html; charset=windows-1252'>"
            )
            .as_deref(),
            Some("windows-1252")
        );
        assert_eq!(declared_single_byte_charset(b"<meta charset=utf-8>"), None);
    }

    #[test]
    fn control_characters_share_decides_binary() {
        assert!(!looks_binary(b"line one\r\n\tline two\x0c"));
        assert!(looks_binary(b"ab\x01\x02\x03\x04cd"));
        assert!(looks_binary(b"text\0more"));
    }
}

#[cfg(test)]
mod utf32_tests {
    use super::*;

    #[test]
    fn utf32_is_refused_not_decoded_as_utf16() {
        let mut bytes = vec![0xFF, 0xFE, 0x00, 0x00];
        for c in "Hola".chars() {
            bytes.extend_from_slice(&(c as u32).to_le_bytes());
        }
        let err = decode_utf16(&bytes).err().expect("refused");
        assert!(err.to_string().contains("UTF-32"), "{err}");
    }
}
