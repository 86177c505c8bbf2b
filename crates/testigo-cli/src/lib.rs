//! The parts of the `testigo` command that tests and the binary share: turning one report
//! file into a document ready to store, with its extracted incidents.

use std::io;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;
use testigo_core::{Incident, Metadata};
use testigo_extract::{ExtractInput, Extractor};
use testigo_store::NewDocument;

/// Largest file ingested, in bytes. Reports are text; anything bigger is almost surely not one.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A report read, captured and analysed, ready for the store.
pub struct Prepared {
    /// The document, with its original bytes, text, metadata and fingerprint.
    pub doc: NewDocument,
    /// The incidents extracted from it.
    pub incidents: Vec<Incident>,
    /// Capture warnings worth showing the user.
    pub warnings: Vec<String>,
}

/// Reads `path` (and its `NAME.meta.json` sidecar if present), captures it and extracts its
/// incidents. Metadata priority: `overrides` (command-line flags) > sidecar > the document's
/// own meta tags or header lines.
///
/// # Errors
/// The file cannot be read, is larger than [`MAX_FILE_BYTES`], is not usable text, or its
/// sidecar is malformed; each message says which and why.
pub fn prepare(ex: &Extractor<'_>, path: &Path, overrides: &Metadata) -> anyhow::Result<Prepared> {
    prepare_as(ex, path, overrides, &actor())
}

/// The user name recorded as the actor of what the command line does: `$USER`, or `cli`.
pub fn actor() -> String {
    std::env::var("USER").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "cli".to_string())
}

/// [`prepare`], recording `actor` as who ingests the document.
///
/// # Errors
/// Those of [`prepare`].
pub fn prepare_as(ex: &Extractor<'_>, path: &Path, overrides: &Metadata, actor: &str) -> anyhow::Result<Prepared> {
    let meta = std::fs::metadata(path).context("cannot read the file")?;
    if !meta.is_file() {
        // Devices, FIFOs and sockets never end or block: only regular files are reports.
        anyhow::bail!("not a regular file (a device, pipe or socket); give report files or folders");
    }
    let size = meta.len();
    if size > MAX_FILE_BYTES {
        anyhow::bail!("the file is {} MB, more than the {} MB limit for one report; split it or check that it is a report", size / (1024 * 1024), MAX_FILE_BYTES / (1024 * 1024));
    }
    // Read at most the limit even if the file grows or lies about its size (/proc files).
    let mut bytes = Vec::with_capacity(size as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(std::fs::File::open(path).context("cannot read the file")?, MAX_FILE_BYTES + 1), &mut bytes).context("cannot read the file")?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        anyhow::bail!("the file is larger than the {} MB limit for one report; split it or check that it is a report", MAX_FILE_BYTES / (1024 * 1024));
    }
    let name = path.display().to_string();
    let captured = testigo_capture::capture(&name, &bytes)?;
    // The sidecar is `report.txt.meta.json`, or `report.meta.json` (the name without its
    // extension), whichever exists.
    let full = PathBuf::from(testigo_capture::sidecar_name(&name));
    let stem = path.with_extension("meta.json");
    let sidecar_path = if !full.exists() && stem.exists() && stem != path { stem } else { full };
    let (sidecar, sidecar_found) = match std::fs::read(&sidecar_path) {
        Ok(b) => (testigo_capture::parse_sidecar(&b).with_context(|| format!("sidecar {}", sidecar_path.display()))?, true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => (Metadata::default(), false),
        Err(e) => return Err(e).with_context(|| format!("cannot read sidecar {}", sidecar_path.display())),
    };
    let metadata = overrides.clone().or(sidecar.clone()).or(captured.metadata.clone());
    let language = metadata.language.unwrap_or_else(|| testigo_extract::detect_language(&captured.text));
    let metadata = Metadata { language: Some(language), ..metadata };
    let mut warnings = captured.warnings.clone();
    if metadata.published.is_none() {
        warnings.push(format!(
            "no publication date: relative dates (\"yesterday\", \"el martes\") stay unresolved and the report links to stored incidents less readily; give --published YYYY-MM-DD or a sidecar {} with \"published\"",
            sidecar_path.display()
        ));
    }
    let x = ex.extract(ExtractInput { text: &captured.text, published: metadata.published, language: Some(language) });
    let source = serde_json::json!({
        "flags": serde_json::to_value(overrides).unwrap_or_default(),
        "sidecar": if sidecar_found { serde_json::to_value(&sidecar).unwrap_or_default() } else { serde_json::Value::Null },
        "document": serde_json::to_value(&captured.metadata).unwrap_or_default(),
    });
    let simhash = Some(testigo_link::simhash(&captured.text));
    Ok(Prepared {
        doc: NewDocument {
            sha256: captured.sha256,
            bytes,
            name,
            kind: captured.kind.as_str().to_string(),
            text: captured.text,
            metadata,
            metadata_source: source,
            ingested_at: Utc::now(),
            actor: actor.to_string(),
            sensitive: false,
            simhash,
        },
        incidents: x.incidents,
        warnings,
    })
}

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
