//! Capture of report files: raw bytes in, the text to analyse and the document's own metadata
//! out (SPEC "Capture").
//!
//! The primary entry point is [`capture`], which takes a file name (only its extension is used)
//! and the file's bytes and returns a [`Captured`]:
//!
//! - [`Captured::sha256`] addresses the raw bytes, so capturing the same bytes twice gives the
//!   same key and the store can make a second ingest a no-op;
//! - [`Captured::kind`] is the [`DocKind`] chosen from the extension, or sniffed from the content
//!   when the extension says nothing;
//! - [`Captured::text`] is the text the extractor analyses: a plain-text file minus its header
//!   lines (otherwise byte for byte, with CRLF turned into LF), Markdown stripped of its markup,
//!   or the main article text of an HTML page with menus, banners and footers removed;
//! - [`Captured::metadata`] is what the document says about itself (HTML meta tags, Markdown
//!   front matter, `Title:`/`Published:` header lines).
//!
//! A sidecar file `NAME.meta.json` is parsed separately by [`parse_sidecar`]; the caller merges
//! the sources by priority (flags, then sidecar, then the document) with
//! [`Metadata::or`](testigo_core::Metadata::or).
//!
//! **Invariant:** this crate is sans-IO. It never opens a file, reads the clock or the
//! environment; the CLI reads the bytes and hands them over. Capture never panics, whatever the
//! bytes: everything that makes a file unusable is a [`CaptureError`] that says how to fix it,
//! and everything merely odd (an unparsable date in a header line) is a warning in
//! [`Captured::warnings`].

#![deny(missing_docs)]

mod decode;
mod html;
mod markdown;
mod meta;
mod sidecar;
mod text;

use std::fmt;

use sha2::{Digest, Sha256};
use testigo_core::Metadata;

pub use sidecar::{is_sidecar, parse_sidecar, sidecar_name};

/// The format of a captured document, which decides how its text is extracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// Plain text (`.txt`, `.text`, or anything that is not recognisably HTML).
    Text,
    /// Markdown (`.md`, `.markdown`, `.mdown`, `.mkd`).
    Markdown,
    /// HTML (`.html`, `.htm`, `.xhtml`, `.shtml`, or content starting with `<!doctype html` or
    /// `<html`).
    Html,
}

impl DocKind {
    /// The kind named by the extension of `name` (ASCII case-insensitive), or `None` when the
    /// name has no extension or one this crate does not know.
    ///
    /// Only the last path component is looked at, with `/` or `\` as separators.
    pub fn from_name(name: &str) -> Option<DocKind> {
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let (stem, ext) = file.rsplit_once('.')?;
        if stem.is_empty() {
            // A dotfile such as `.notes` has no extension.
            return None;
        }
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(DocKind::Text),
            "md" | "markdown" | "mdown" | "mkd" => Some(DocKind::Markdown),
            "html" | "htm" | "xhtml" | "shtml" => Some(DocKind::Html),
            _ => None,
        }
    }

    /// The kind of a document: from the extension of `name` when it is a known one, otherwise
    /// sniffed from `bytes` (a leading `<!doctype html` or `<html`, after an optional BOM and
    /// whitespace, means HTML; anything else is plain text).
    pub fn detect(name: &str, bytes: &[u8]) -> DocKind {
        DocKind::from_name(name).unwrap_or_else(|| sniff(bytes))
    }

    /// `text`, `markdown` or `html`.
    pub fn as_str(&self) -> &'static str {
        match self {
            DocKind::Text => "text",
            DocKind::Markdown => "markdown",
            DocKind::Html => "html",
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A captured document: its content address, its kind, the text to analyse and the metadata it
/// carries itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// Lowercase hex SHA-256 of the raw bytes as given to [`capture`] (BOM and all), 64 chars.
    pub sha256: String,
    /// How the text was extracted.
    pub kind: DocKind,
    /// The text to analyse, UTF-8, with LF line ends; paragraphs are separated by a blank line.
    ///
    /// Extraction reports byte offsets into this string. For plain text it is the file's text
    /// after the header lines, otherwise unchanged; for Markdown and HTML it is derived text.
    pub text: String,
    /// What the document itself says: HTML meta tags, Markdown front matter or header lines.
    /// A sidecar file is *not* included (see [`parse_sidecar`]).
    pub metadata: Metadata,
    /// Things the user may want to know that did not stop the capture, one sentence each, e.g.
    /// a header date that is not `YYYY-MM-DD` and was therefore ignored.
    pub warnings: Vec<String>,
}

/// Why a file or sidecar could not be captured.
///
/// The messages name no file: the caller (the CLI) adds the path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// The file has zero bytes, or only whitespace.
    #[error("the file is empty (or holds only whitespace), so there is nothing to capture; check that the right file was given and that it was fully downloaded")]
    Empty,
    /// The file is not text: it has NUL bytes or many control characters in its first 8 KiB,
    /// or starts with the signature of a known binary format.
    #[error("{}", binary_message(*format))]
    Binary {
        /// The binary format recognised from the file's first bytes ("a PNG image", "a ZIP
        /// archive (also .docx, .xlsx, .epub)", ...), when one was.
        format: Option<&'static str>,
    },
    /// The text is not valid UTF-8 (and, for HTML, does not declare a charset this crate can
    /// decode).
    #[error("the text is not valid UTF-8 (first bad byte at offset {byte_offset}); re-save it as UTF-8, e.g. `iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.txt` for a file from Windows")]
    InvalidUtf8 {
        /// Offset in the raw bytes (counting any BOM) of the first byte that is not part of a
        /// valid UTF-8 sequence.
        byte_offset: usize,
    },
    /// Nothing is left to analyse once markup, header lines or page boilerplate are removed.
    #[error("{}", no_text_message(*kind))]
    NoText {
        /// The kind the document was read as.
        kind: DocKind,
    },
    /// The HTML nests its elements deeper than any article page: parsing it would take
    /// minutes (its time grows with the square of the depth), so it is refused.
    #[error("the HTML nests elements about {depth} deep, more than the {limit} any article page needs; it is refused because parsing it would take minutes; save the article's text as a .txt file instead")]
    TooDeep {
        /// The nesting depth estimated from its tags.
        depth: usize,
        /// The deepest nesting accepted.
        limit: usize,
    },
    /// The sidecar `NAME.meta.json` is not valid JSON, not an object, or a key has the wrong
    /// type or an unusable value.
    #[error("{}", sidecar_message(key.as_deref(), reason))]
    Sidecar {
        /// The offending key, when the problem is with one key.
        key: Option<String>,
        /// What is wrong and what is expected instead.
        reason: String,
    },
}

/// Lowercase hex SHA-256 of `bytes` (64 chars).
///
/// # Examples
///
/// ```
/// assert_eq!(
///     testigo_capture::sha256_hex(b"abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Captures one document: hashes the raw bytes, decodes them and extracts the text to analyse
/// and the document's own metadata.
///
/// `name` is used only for its extension (see [`DocKind::detect`]); nothing is read from disk.
///
/// # Errors
///
/// [`CaptureError::Empty`], [`CaptureError::Binary`] and [`CaptureError::InvalidUtf8`] when the
/// bytes are not usable text, [`CaptureError::TooDeep`] for HTML nested deeper than
/// any article page, and [`CaptureError::NoText`] when nothing is left once markup and
/// boilerplate are removed.
///
/// # Examples
///
/// ```
/// use testigo_capture::{capture, DocKind};
///
/// let report = "Title: Two migrants shot\nPublished: 2019-07-31\n\nTwo migrants were shot.\n";
/// let captured = capture("report.txt", report.as_bytes())?;
/// assert_eq!(captured.kind, DocKind::Text);
/// assert_eq!(captured.text, "Two migrants were shot.\n");
/// assert_eq!(captured.metadata.title.as_deref(), Some("Two migrants shot"));
/// # Ok::<(), testigo_capture::CaptureError>(())
/// ```
pub fn capture(name: &str, bytes: &[u8]) -> Result<Captured, CaptureError> {
    let kind = DocKind::detect(name, bytes);
    let sha256 = sha256_hex(bytes);
    let decoded = decode::decode(bytes, kind)?;
    let mut warnings = decoded.warnings;
    // Every format is read with LF line ends; CRLF files would otherwise leave a `\r` at the end
    // of every line of the text the extractor sees.
    let source = decoded.text.replace("\r\n", "\n");
    let (text, metadata) = match kind {
        DocKind::Text => text::extract(&source, &mut warnings),
        DocKind::Markdown => markdown::extract(&source, &mut warnings),
        DocKind::Html => {
            let depth = html::nesting_estimate(&source);
            if depth > html::MAX_HTML_DEPTH {
                return Err(CaptureError::TooDeep { depth, limit: html::MAX_HTML_DEPTH });
            }
            html::extract(&source, &mut warnings)
        }
    };
    if text.trim().is_empty() {
        return Err(CaptureError::NoText { kind });
    }
    Ok(Captured {
        sha256,
        kind,
        text,
        metadata,
        warnings,
    })
}

fn sniff(bytes: &[u8]) -> DocKind {
    let bytes = bytes.strip_prefix(decode::UTF8_BOM).unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 16)];
    let starts_with = |prefix: &[u8]| {
        head.len() >= prefix.len() && head[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if starts_with(b"<!doctype html") || starts_with(b"<html") {
        DocKind::Html
    } else {
        DocKind::Text
    }
}

fn binary_message(format: Option<&'static str>) -> String {
    let what = match format {
        Some(format) => format!("this file is {format}, not text testigo can read"),
        None => {
            "this is not a text file (it contains NUL bytes or many control characters)".to_string()
        }
    };
    format!("{what}; testigo reads plain text (.txt), Markdown (.md) and HTML (.html), so convert it to one of these first (e.g. `pdftotext` for a PDF, or save a page as HTML)")
}

fn no_text_message(kind: DocKind) -> String {
    match kind {
        DocKind::Html => "the page has no article text once menus, banners, scripts and footers are removed; if the page loads its text with JavaScript, save it after it has rendered (or copy the article into a .txt file)".to_string(),
        DocKind::Markdown => "the document has no text once its markup, front matter and header lines are removed; add the report's text below them".to_string(),
        DocKind::Text => "the document has only header lines (Title:, Published:, ...) and no text; add the report's text after a blank line".to_string(),
    }
}

fn sidecar_message(key: Option<&str>, reason: &str) -> String {
    match key {
        Some(key) => format!("in the sidecar .meta.json, key `{key}`: {reason}"),
        None => format!("in the sidecar .meta.json: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_comes_from_the_extension_case_insensitively() {
        assert_eq!(DocKind::from_name("a/b/report.TXT"), Some(DocKind::Text));
        assert_eq!(DocKind::from_name("notes.text"), Some(DocKind::Text));
        assert_eq!(DocKind::from_name("x.md"), Some(DocKind::Markdown));
        assert_eq!(DocKind::from_name("x.markdown"), Some(DocKind::Markdown));
        assert_eq!(DocKind::from_name("page.htm"), Some(DocKind::Html));
        assert_eq!(DocKind::from_name("page.xhtml"), Some(DocKind::Html));
        assert_eq!(
            DocKind::from_name(r"C:\reports\page.HTML"),
            Some(DocKind::Html)
        );
        assert_eq!(DocKind::from_name("dir.md/README"), None);
        assert_eq!(DocKind::from_name(".hidden"), None);
        assert_eq!(DocKind::from_name("data.json"), None);
    }

    #[test]
    fn unknown_or_missing_extension_sniffs_html() {
        assert_eq!(
            DocKind::detect("page.php", b"\xEF\xBB\xBF  <!DOCTYPE html><p>x"),
            DocKind::Html
        );
        assert_eq!(
            DocKind::detect("download", b"\n<HTML lang=es>"),
            DocKind::Html
        );
        assert_eq!(
            DocKind::detect("download", b"Plain words <html> later"),
            DocKind::Text
        );
        // A known extension wins over the content.
        assert_eq!(DocKind::detect("r.txt", b"<!doctype html>"), DocKind::Text);
    }

    #[test]
    fn error_messages_say_how_to_fix() {
        let binary = CaptureError::Binary {
            format: Some("a PNG image"),
        }
        .to_string();
        assert!(
            binary.contains("a PNG image") && binary.contains("convert"),
            "{binary}"
        );
        let utf8 = CaptureError::InvalidUtf8 { byte_offset: 7 }.to_string();
        assert!(
            utf8.contains("offset 7") && utf8.contains("UTF-8"),
            "{utf8}"
        );
        let sidecar = CaptureError::Sidecar {
            key: Some("published".into()),
            reason: "bad".into(),
        }
        .to_string();
        assert!(sidecar.contains("`published`"), "{sidecar}");
        for kind in [DocKind::Text, DocKind::Markdown, DocKind::Html] {
            assert!(!CaptureError::NoText { kind }.to_string().ends_with('.'));
        }
    }
}
