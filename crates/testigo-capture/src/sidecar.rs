//! Sidecar files `NAME.meta.json`: metadata supplied next to a report.

use serde_json::{Map, Value};
use testigo_core::Metadata;

use crate::{decode::UTF8_BOM, meta, CaptureError};

/// The suffix that marks a sidecar file.
const SUFFIX: &str = ".meta.json";

/// The sidecar file name for a report: `name` with `.meta.json` appended.
///
/// # Examples
///
/// ```
/// assert_eq!(testigo_capture::sidecar_name("a/b/report.txt"), "a/b/report.txt.meta.json");
/// ```
pub fn sidecar_name(name: &str) -> String {
    format!("{name}{SUFFIX}")
}

/// True when `name` is a sidecar file (it ends with `.meta.json`, ASCII case-insensitive), which
/// the CLI skips when it walks a directory of reports.
pub fn is_sidecar(name: &str) -> bool {
    let (name, suffix) = (name.as_bytes(), SUFFIX.as_bytes());
    name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Parses a sidecar file: a JSON object with the optional keys `title`, `publisher`, `url`
/// (strings), `published` (a `YYYY-MM-DD` date, or an ISO 8601 timestamp whose date part is
/// taken) and `language` (`en` or `es`; tags such as `es-MX` are read by their primary
/// subtag). Unknown keys are ignored, `null` and empty strings leave a field unset, and a UTF-8
/// BOM is allowed.
///
/// # Errors
///
/// [`CaptureError::Sidecar`] when the bytes are not UTF-8 JSON, the JSON is not an object, or a
/// known key holds something other than a string (or `null`), an unparsable date or a language
/// other than English or Spanish; `key` names the offending key.
///
/// # Examples
///
/// ```
/// let metadata = testigo_capture::parse_sidecar(br#"{"published": "2019-07-31T10:00:00Z", "language": "es"}"#)?;
/// assert_eq!(metadata.published.map(|d| d.to_string()).as_deref(), Some("2019-07-31"));
/// # Ok::<(), testigo_capture::CaptureError>(())
/// ```
pub fn parse_sidecar(bytes: &[u8]) -> Result<Metadata, CaptureError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(whole("the file is empty; write a JSON object such as {\"title\": \"...\", \"published\": \"2019-07-31\"}, or delete it"));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|err| {
        whole(&format!(
            "it is not valid JSON ({err}); fix the syntax, e.g. with `jq . FILE`"
        ))
    })?;
    let Value::Object(object) = value else {
        return Err(whole(&format!(
            "expected a JSON object with keys such as \"title\" and \"published\", found {}",
            type_name(&value)
        )));
    };
    Ok(Metadata {
        title: string(&object, "title")?,
        publisher: string(&object, "publisher")?,
        url: string(&object, "url")?,
        published: match string(&object, "published")? {
            None => None,
            Some(value) => Some(meta::parse_date(&value).ok_or_else(|| {
                keyed("published", format!("`{value}` is not a date; write it as YYYY-MM-DD (e.g. \"2019-07-31\") or as an ISO 8601 timestamp"))
            })?),
        },
        language: match string(&object, "language")? {
            None => None,
            Some(value) => Some(meta::parse_language(&value).ok_or_else(|| {
                keyed("language", format!("`{value}` is not a supported language; use \"en\" or \"es\", or remove the key"))
            })?),
        },
    })
}

/// The trimmed string under `key`; `None` when absent, `null` or blank.
fn string(object: &Map<String, Value>, key: &str) -> Result<Option<String>, CaptureError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(meta::clean(s)),
        Some(other) => Err(keyed(
            key,
            format!(
                "expected a string, found {}; put the value in double quotes",
                type_name(other)
            ),
        )),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn whole(reason: &str) -> CaptureError {
    CaptureError::Sidecar {
        key: None,
        reason: reason.to_string(),
    }
}

fn keyed(key: &str, reason: String) -> CaptureError {
    CaptureError::Sidecar {
        key: Some(key.to_string()),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use testigo_core::Language;

    use super::*;

    #[test]
    fn names() {
        assert_eq!(sidecar_name("report.html"), "report.html.meta.json");
        assert!(is_sidecar("a/report.html.meta.json"));
        assert!(is_sidecar("REPORT.META.JSON"));
        assert!(!is_sidecar("report.json"));
        assert!(!is_sidecar("json"));
    }

    #[test]
    fn good_sidecar_with_unknown_keys_and_bom() {
        let json = "\u{feff}{\"title\": \" Dos  migrantes \", \"publisher\": \"Vanguardia\", \"url\": \"https://v.mx/a\", \
                    \"published\": \"2019-07-31\", \"language\": \"es-MX\", \"tags\": [1, 2], \"notes\": null}";
        let m = parse_sidecar(json.as_bytes()).expect("valid sidecar");
        assert_eq!(m.title.as_deref(), Some("Dos migrantes"));
        assert_eq!(m.publisher.as_deref(), Some("Vanguardia"));
        assert_eq!(m.url.as_deref(), Some("https://v.mx/a"));
        assert_eq!(m.published, NaiveDate::from_ymd_opt(2019, 7, 31));
        assert_eq!(m.language, Some(Language::Es));
    }

    #[test]
    fn timestamp_gives_its_date_and_null_or_blank_leave_fields_unset() {
        let m = parse_sidecar(
            br#"{"published": "2019-07-31T23:59:00-05:00", "title": null, "url": "  "}"#,
        )
        .expect("valid sidecar");
        assert_eq!(m.published, NaiveDate::from_ymd_opt(2019, 7, 31));
        assert_eq!(m.title, None);
        assert_eq!(m.url, None);
        assert_eq!(
            parse_sidecar(b"{}").expect("empty object"),
            Metadata::default()
        );
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = |json: &str| match parse_sidecar(json.as_bytes()) {
            Err(CaptureError::Sidecar { key, reason }) => (key, reason),
            other => panic!("expected a sidecar error, got {other:?}"),
        };
        let (key, reason) = err(r#"{"published": "31/07/2019"}"#);
        assert_eq!(key.as_deref(), Some("published"));
        assert!(
            reason.contains("31/07/2019") && reason.contains("YYYY-MM-DD"),
            "{reason}"
        );
        let (key, reason) = err(r#"{"published": 20190731}"#);
        assert_eq!(key.as_deref(), Some("published"));
        assert!(reason.contains("a number"), "{reason}");
        let (key, _) = err(r#"{"title": ["a"]}"#);
        assert_eq!(key.as_deref(), Some("title"));
        let (key, reason) = err(r#"{"language": "fr"}"#);
        assert_eq!(key.as_deref(), Some("language"));
        assert!(reason.contains("\"en\" or \"es\""), "{reason}");
    }

    #[test]
    fn bad_documents_have_no_key() {
        for (json, needle) in [
            ("", "empty"),
            ("{\"title\": ", "not valid JSON"),
            ("[1, 2]", "an array"),
            ("\"x\"", "a string"),
        ] {
            match parse_sidecar(json.as_bytes()) {
                Err(CaptureError::Sidecar { key: None, reason }) => {
                    assert!(reason.contains(needle), "{reason}")
                }
                other => panic!("{json:?}: expected a sidecar error without key, got {other:?}"),
            }
        }
    }
}
