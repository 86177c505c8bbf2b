//! The parts of the `testigo` command that tests and the binary share: the `testigo extract`
//! contract on one line and a small random generator. The ingest path lives in
//! `testigo-ingest`, shared with the web application; it is re-exported here.

use testigo_extract::Extractor;

pub use testigo_ingest::{actor, prepare, prepare_as, prepare_bytes, Prepared, MAX_FILE_BYTES};

/// One input line of `testigo extract` (SPEC.md): `id` and `text` required.
#[derive(serde::Deserialize)]
struct ExtractLine<'a> {
    id: serde_json::Value,
    /// Borrowed from the line when it has no escapes (most texts): no copy.
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    published: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    language: Option<std::borrow::Cow<'a, str>>,
}

/// One output line of `testigo extract`: [`testigo_core::DocumentExtraction`] with the caller's
/// `id` echoed as given (a string or a number). The definition of what [`extract_line`] writes
/// by hand; the tests compare the two.
#[cfg(test)]
#[derive(serde::Serialize)]
struct ExtractOut<'a> {
    id: &'a serde_json::Value,
    language: testigo_core::Language,
    incidents: &'a [testigo_core::Incident],
}

/// Runs the `testigo extract` contract on one JSON Lines input line and appends the output
/// object (without the newline) to `out`. Returns `false` when the output is an error object
/// (`{"id": …, "error": "…"}`: not JSON, no `id`/`text`, a bad `published` date or an unknown
/// `language`), `true` for an extraction. The same as [`extract_lines`] on one line.
pub fn extract_line(ex: &Extractor, line: &str, out: &mut Vec<u8>) -> bool {
    let mut ends = Vec::with_capacity(1);
    extract_lines(ex, &[line], out, &mut ends);
    ends.first().is_some_and(|&(_, ok)| ok)
}

/// How many input lines `testigo extract` passes to [`extract_lines`] at once (fewer when
/// they hold more than about a megabyte of text). On 240-byte notes, batches of 8 to 128 lines
/// measure alike on the wall clock; 64 has the fewest simulated cache misses (callgrind).
pub const EXTRACT_BATCH_LINES: usize = 64;

/// Runs the `testigo extract` contract on many input lines at once: appends one output object
/// per line to `out`, in order and without newlines, and pushes to `ends` for each line the
/// end offset of its object in `out` and whether it is an extraction (`true`) or an error
/// object (`false`, as [`extract_line`] says). Each object is byte-identical to what
/// [`extract_line`] writes for that line alone.
///
/// Reading, extracting and writing each run over all the lines in turn (the extraction through
/// [`Extractor::extract_many`]): on 240-byte notes 3 to 10% faster than a call per line
/// (measured on shared machines).
pub fn extract_lines(ex: &Extractor, lines: &[&str], out: &mut Vec<u8>, ends: &mut Vec<(usize, bool)>) {
    // An error object for the line, or the document and its options.
    let read: Vec<Result<Read<'_>, (serde_json::Value, String)>> = lines.iter().map(|line| read_line(line)).collect();
    // Texts borrow from the parsed lines, which `read` keeps alive.
    let inputs: Vec<testigo_extract::ExtractInput<'_>> =
        read.iter().filter_map(|r| r.as_ref().ok()).map(|r| testigo_extract::ExtractInput { text: &r.doc.text, published: r.published, language: r.language }).collect();
    let mut extractions = ex.extract_many(&inputs).into_iter();
    for r in &read {
        let ok = match r {
            Err((id, msg)) => {
                write_error(out, id, msg);
                false
            }
            Ok(Read { doc, .. }) => match extractions.next() {
                Some(x) => write_extraction(out, &doc.id, &x),
                // One extraction per input: not reached.
                None => {
                    write_error(out, &doc.id, "no extraction");
                    false
                }
            },
        };
        ends.push((out.len(), ok));
    }
}

/// One input line read: the document and its checked options.
struct Read<'a> {
    doc: ExtractLine<'a>,
    published: Option<chrono::NaiveDate>,
    language: Option<testigo_core::Language>,
}

/// The document of one input line and its options, or the id and message of the line's error
/// object.
fn read_line(line: &str) -> Result<Read<'_>, (serde_json::Value, String)> {
    let doc: ExtractLine = match serde_json::from_str(line) {
        Ok(d) => d,
        Err(e) => {
            // Say whether the line is not JSON at all or a JSON object without what is needed.
            return Err(match serde_json::from_str::<serde_json::Value>(line) {
                Ok(raw) => (raw.get("id").cloned().unwrap_or(serde_json::Value::Null), format!("bad document: {e} (need \"id\" and \"text\")")),
                Err(e) => (serde_json::Value::Null, format!("not a JSON object: {e}")),
            });
        }
    };
    let published = match doc.published.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => match published_date(p) {
            Ok(d) => Some(d),
            Err(_) => {
                let msg = format!("published {p:?} is not a YYYY-MM-DD date");
                return Err((doc.id, msg));
            }
        },
        None => None,
    };
    let language = match doc.language.as_deref().filter(|s| !s.is_empty()) {
        Some(l) => match testigo_core::Language::parse(l) {
            Some(l) => Some(l),
            None => {
                let msg = format!("language {l:?} is not supported; use en or es");
                return Err((doc.id, msg));
            }
        },
        None => None,
    };
    Ok(Read { doc, published, language })
}

/// Appends the error object `{"id": …, "error": …}`.
fn write_error(out: &mut Vec<u8>, id: &serde_json::Value, msg: &str) {
    // A `Value` always serialises.
    let _ = serde_json::to_writer(&mut *out, &serde_json::json!({"id": id, "error": msg}));
}

/// Appends the output object of an extraction; `false` (and an error object) when the id
/// cannot be written.
fn write_extraction(out: &mut Vec<u8>, id: &serde_json::Value, x: &testigo_extract::Extraction) -> bool {
    // The same object as `ExtractOut` under serde_json, written by testigo-core's contract
    // writer (byte-identical, several times faster); the caller's id goes through serde_json.
    let start = out.len();
    out.extend_from_slice(b"{\"id\":");
    if let Err(e) = serde_json::to_writer(&mut *out, id) {
        out.truncate(start);
        write_error(out, &serde_json::Value::Null, &format!("cannot write the id: {e}"));
        return false;
    }
    out.extend_from_slice(b",\"language\":");
    testigo_core::json::write_str(out, x.language.as_str());
    out.extend_from_slice(b",\"incidents\":");
    testigo_core::json::write_incidents(out, &x.incidents);
    out.push(b'}');
    true
}

/// A small deterministic random generator (xorshift64) for benchmarks and tests: the same
/// seed (not 0) gives the same sequence.
pub struct XorShift(pub u64);

impl XorShift {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `[0, 1)`, in steps of one millionth.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() % 1_000_000) as f64 / 1_000_000.0
    }

    /// A number in `[0, n)` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// The date at the start of a `published` value: `YYYY-MM-DD`, anything after the tenth byte
/// ignored ("2024-05-03T10:00Z"). Errors as chrono's `%Y-%m-%d` does on anything else. The
/// usual zero-padded form is read directly; other spellings chrono accepts ("2024-5-3") go
/// through chrono.
fn published_date(p: &str) -> Result<chrono::NaiveDate, chrono::ParseError> {
    let head = p.get(..10).unwrap_or(p);
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *head.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if digits.iter().all(u8::is_ascii_digit) {
            let n = |s: &[u8]| s.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
            let (y, m, d) = (n(&digits[..4]), n(&digits[4..6]), n(&digits[6..]));
            if let Some(date) = i32::try_from(y).ok().and_then(|y| chrono::NaiveDate::from_ymd_opt(y, m, d)) {
                return Ok(date);
            }
        }
    }
    chrono::NaiveDate::parse_from_str(head, "%Y-%m-%d")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// What serde_json writes for the same line: the definition the hand-written output must
    /// match byte for byte.
    fn by_serde(ex: &Extractor, line: &str) -> String {
        let doc: ExtractLine = serde_json::from_str(line).expect("a valid test line");
        let published = doc.published.as_deref().and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok());
        let language = doc.language.as_deref().and_then(testigo_core::Language::parse);
        let x = ex.extract(testigo_extract::ExtractInput { text: &doc.text, published, language });
        serde_json::to_string(&ExtractOut { id: &doc.id, language: x.language, incidents: &x.incidents }).expect("serialise")
    }

    fn texts_of(dir: &Path, out: &mut Vec<String>) {
        let mut paths: Vec<_> = std::fs::read_dir(dir).expect("folder").filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "txt" || e == "md") {
                out.push(std::fs::read_to_string(&p).expect("text file"));
            }
        }
    }

    /// The contract's output is written by hand (testigo_core::json): it must be what
    /// serde_json writes for the same values, on every kind of text the project has: the
    /// examples, the seed, the linking reports, the development cases and the ACLED notes.
    #[test]
    fn ids_of_every_kind_are_echoed_as_serde_json_writes_them() {
        // Strings borrowed or unescaped, numbers of each kind, and the other values, in
        // extractions and in error objects.
        let ex = Extractor::new(testigo_gazetteer::Gazetteer::embedded());
        let ids = [
            r#""a""#,
            r#""doc-17""#,
            r#""caf\u00e9 \u2028 \ud83d\ude00""#,
            r#""tab\t, \"quoted\", back\\slash, \u0001\u001f\u007f""#,
            r#""año — ¿qué?""#,
            r#""""#,
            "0",
            "-0",
            "12",
            "-3",
            "1.5",
            "-2.50e3",
            "0.1e-7",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
            "true",
            "false",
            "null",
            r#"[1,"x",{"a":null}]"#,
            r#"{"b":1,"a":[],"c":{"d":"\n"}}"#,
        ];
        for id in ids {
            let expected = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(id).expect("an id")).expect("serialise");
            let line = format!(r#"{{"id": {id}, "text": "Two men were killed in Juárez on Monday."}}"#);
            let mut out = Vec::new();
            assert!(extract_line(&ex, &line, &mut out), "{id}");
            let out = String::from_utf8(out).expect("UTF-8 output");
            assert!(out.starts_with(&format!("{{\"id\":{expected},\"language\":")), "{id}: {out}");
            assert_eq!(out, by_serde(&ex, &line), "{id}");
            let bad = format!(r#"{{"id": {id}, "text": "x", "published": "soon"}}"#);
            let mut out = Vec::new();
            assert!(!extract_line(&ex, &bad, &mut out), "{id}");
            let out = String::from_utf8(out).expect("UTF-8 output");
            assert!(out.ends_with(&format!(",\"id\":{expected}}}")), "{id}: {out}");
        }
    }

    #[test]
    fn published_dates_read_as_chrono_reads_them() {
        let chrono_reads = |p: &str| chrono::NaiveDate::parse_from_str(p.get(..10).unwrap_or(p), "%Y-%m-%d").ok();
        let mut cases: Vec<String> = ["2024-01-15", "2024-01-15T10:00:00Z", "2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0000-01-01", "9999-12-31", "2024-5-3", "2024-05-3x", "+2024-05-03", "2024/05/03", "abcd-ef-gh", "2024-01-1", "", "2024-01-15 and more", "２０２４-01-15"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        // Every day of a leap year and the days after each month's end, fast path or not.
        for m in 0..=13 {
            for d in 0..=32 {
                cases.push(format!("2024-{m:02}-{d:02}"));
                cases.push(format!("1900-{m:02}-{d:02}"));
            }
        }
        for c in &cases {
            assert_eq!(published_date(c).ok(), chrono_reads(c), "{c:?}");
        }
    }

    /// Every text of the repository's examples and of `../shared/data` (seed, linking, cases,
    /// ACLED notes: read at run time, never copied).
    fn all_texts() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let shared = root.join("../shared/data");
        let mut texts = Vec::new();
        texts_of(&root.join("examples/reports"), &mut texts);
        texts_of(&shared.join("seed"), &mut texts);
        texts_of(&shared.join("linking"), &mut texts);
        let cases = std::fs::read_to_string(shared.join("cases_dev.jsonl")).expect("cases_dev.jsonl in ../shared/data");
        for l in cases.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(l).expect("a case");
            texts.push(v["text"].as_str().unwrap_or_default().to_string());
        }
        let mut acled = csv::Reader::from_path(shared.join("acled_dev.csv")).expect("acled_dev.csv in ../shared/data");
        let notes = acled.headers().expect("header").iter().position(|h| h == "notes").expect("a notes column");
        for r in acled.records() {
            texts.push(r.expect("row").get(notes).unwrap_or_default().to_string());
        }
        assert!(texts.len() > 280, "only {} texts", texts.len());
        texts
    }

    #[test]
    fn the_written_line_is_what_serde_json_writes() {
        let texts = all_texts();
        let ex = Extractor::new(testigo_gazetteer::Gazetteer::embedded());
        let mut incidents = 0;
        for (i, t) in texts.iter().enumerate() {
            // Ids of both kinds, one needing escapes; with and without a publication date.
            let id = if i % 3 == 0 { serde_json::json!(i) } else { serde_json::json!(format!("doc \"{i}\"\n")) };
            let line = if i % 2 == 0 {
                serde_json::json!({"id": id, "text": t, "published": "2024-01-15"})
            } else {
                serde_json::json!({"id": id, "text": t})
            }
            .to_string();
            let mut out = b"kept ".to_vec();
            assert!(extract_line(&ex, &line, &mut out));
            let ours = String::from_utf8(out).expect("UTF-8 output");
            let expected = by_serde(&ex, &line);
            assert_eq!(ours.strip_prefix("kept "), Some(expected.as_str()), "text {i}");
            incidents += ours.matches("\"event_type\"").count();
        }
        assert!(incidents > 300, "only {incidents} incidents compared");
    }

    #[test]
    fn a_batch_writes_what_each_line_writes_alone() {
        // Every text, with error lines of each kind among them, in batches of several sizes:
        // each object is the one the line gives alone (texts never influence each other).
        let mut lines: Vec<String> = Vec::new();
        for (i, t) in all_texts().iter().enumerate() {
            lines.push(serde_json::json!({"id": i, "text": t, "published": "2024-01-15"}).to_string());
            match i % 40 {
                0 => lines.push("not json".to_string()),
                10 => lines.push(serde_json::json!({"id": i, "text": t, "published": "15/01/2024"}).to_string()),
                20 => lines.push(serde_json::json!({"id": i, "text": t, "language": "fr"}).to_string()),
                30 => lines.push(serde_json::json!({"id": i}).to_string()),
                _ => {}
            }
        }
        let ex = Extractor::new(testigo_gazetteer::Gazetteer::embedded());
        let alone: Vec<(String, bool)> = lines
            .iter()
            .map(|l| {
                let mut out = Vec::new();
                let ok = extract_line(&ex, l, &mut out);
                (String::from_utf8(out).expect("UTF-8 output"), ok)
            })
            .collect();
        assert!(alone.iter().filter(|(_, ok)| !ok).count() >= 20);
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        for size in [2, 7, EXTRACT_BATCH_LINES] {
            let mut together = Vec::new();
            for chunk in lines.chunks(size) {
                let (mut out, mut ends) = (b"kept".to_vec(), Vec::new());
                extract_lines(&ex, chunk, &mut out, &mut ends);
                assert_eq!(ends.len(), chunk.len());
                let mut from = 4;
                for (end, ok) in ends {
                    together.push((String::from_utf8(out[from..end].to_vec()).expect("UTF-8 output"), ok));
                    from = end;
                }
            }
            assert!(together == alone, "batches of {size} differ from lines alone");
        }
    }
}
