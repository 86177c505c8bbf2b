//! The parts of the `testigo` command that tests and the binary share: the `testigo extract`
//! contract on one line and a small random generator. The ingest path lives in
//! `testigo-ingest`, shared with the web application; it is re-exported here.

use testigo_extract::Extractor;

pub use testigo_ingest::{actor, prepare, prepare_as, prepare_bytes, Prepared, MAX_FILE_BYTES};

/// One input line of `testigo extract` (SPEC.md): `id` and `text` required.
#[derive(serde::Deserialize)]
struct ExtractLine {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

/// One output line of `testigo extract`: [`testigo_core::DocumentExtraction`] with the caller's
/// `id` echoed as given (a string or a number).
#[derive(serde::Serialize)]
struct ExtractOut<'a> {
    id: &'a serde_json::Value,
    language: testigo_core::Language,
    incidents: &'a [testigo_core::Incident],
}

/// Runs the `testigo extract` contract on one JSON Lines input line and appends the output
/// object (without the newline) to `out`. Returns `false` when the output is an error object
/// (`{"id": …, "error": "…"}`: not JSON, no `id`/`text`, a bad `published` date or an unknown
/// `language`), `true` for an extraction.
pub fn extract_line(ex: &Extractor<'_>, line: &str, out: &mut Vec<u8>) -> bool {
    let error = |out: &mut Vec<u8>, id: serde_json::Value, msg: String| {
        // A `Value` always serialises.
        let _ = serde_json::to_writer(&mut *out, &serde_json::json!({"id": id, "error": msg}));
        false
    };
    let doc: ExtractLine = match serde_json::from_str(line) {
        Ok(d) => d,
        Err(e) => {
            // Say whether the line is not JSON at all or a JSON object without what is needed.
            return match serde_json::from_str::<serde_json::Value>(line) {
                Ok(raw) => {
                    let id = raw.get("id").cloned().unwrap_or(serde_json::Value::Null);
                    error(out, id, format!("bad document: {e} (need \"id\" and \"text\")"))
                }
                Err(e) => error(out, serde_json::Value::Null, format!("not a JSON object: {e}")),
            };
        }
    };
    let published = match doc.published.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => match chrono::NaiveDate::parse_from_str(p.get(..10).unwrap_or(p), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => return error(out, doc.id, format!("published {p:?} is not a YYYY-MM-DD date")),
        },
        None => None,
    };
    let language = match doc.language.as_deref().filter(|s| !s.is_empty()) {
        Some(l) => match testigo_core::Language::parse(l) {
            Some(l) => Some(l),
            None => return error(out, doc.id, format!("language {l:?} is not supported; use en or es")),
        },
        None => None,
    };
    let x = ex.extract(testigo_extract::ExtractInput { text: &doc.text, published, language });
    let line = ExtractOut { id: &doc.id, language: x.language, incidents: &x.incidents };
    match serde_json::to_writer(&mut *out, &line) {
        Ok(()) => true,
        Err(e) => error(out, doc.id.clone(), format!("cannot write the extraction: {e}")),
    }
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
