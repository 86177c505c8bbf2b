//! The ingest path shared by the `testigo` command and the web application: turning one report
//! (a file, or uploaded bytes with an optional sidecar) into a document ready to store, with its
//! extracted incidents; and the export formats ([`export`]).

pub mod export;

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
pub fn prepare(ex: &Extractor, path: &Path, overrides: &Metadata) -> anyhow::Result<Prepared> {
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
pub fn prepare_as(ex: &Extractor, path: &Path, overrides: &Metadata, actor: &str) -> anyhow::Result<Prepared> {
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
    // The sidecar is `report.txt.meta.json`, or `report.meta.json` (the name without its
    // extension), whichever exists.
    let full = PathBuf::from(testigo_capture::sidecar_name(&name));
    let stem = path.with_extension("meta.json");
    let sidecar_path = if !full.exists() && stem.exists() && stem != path { stem } else { full };
    let sidecar = match std::fs::read(&sidecar_path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read sidecar {}", sidecar_path.display())),
    };
    let sidecar_name = sidecar_path.display().to_string();
    prepare_bytes(ex, &name, bytes, sidecar.as_deref().map(|b| (sidecar_name.as_str(), b)), overrides, actor)
}

/// Captures `bytes` (a report named `name`) and extracts its incidents, as [`prepare_as`] does
/// for a file; `sidecar` is the name and bytes of its `NAME.meta.json`, if there is one, and
/// `actor` who ingests it.
///
/// # Errors
/// The bytes are larger than [`MAX_FILE_BYTES`], are not usable text, or the sidecar is
/// malformed; each message says which and why.
pub fn prepare_bytes(
    ex: &Extractor,
    name: &str,
    bytes: Vec<u8>,
    sidecar: Option<(&str, &[u8])>,
    overrides: &Metadata,
    actor: &str,
) -> anyhow::Result<Prepared> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        anyhow::bail!("the file is larger than the {} MB limit for one report; split it or check that it is a report", MAX_FILE_BYTES / (1024 * 1024));
    }
    let name = name.to_string();
    let captured = testigo_capture::capture(&name, &bytes)?;
    let sidecar_display = sidecar.map_or_else(|| testigo_capture::sidecar_name(&name), |(n, _)| n.to_string());
    let (sidecar, sidecar_found) = match sidecar {
        Some((n, b)) => (testigo_capture::parse_sidecar(b).with_context(|| format!("sidecar {n}"))?, true),
        None => (Metadata::default(), false),
    };
    let metadata = overrides.clone().or(sidecar.clone()).or(captured.metadata.clone());
    let mut warnings = captured.warnings.clone();
    if metadata.published.is_none() {
        warnings.push(format!(
            "no publication date: relative dates (\"yesterday\", \"el martes\") stay unresolved and the report links to stored incidents less readily; give --published YYYY-MM-DD or a sidecar {sidecar_display} with \"published\""
        ));
    }
    // With no language given, the extractor's own detection decides it for the document too.
    let x = ex.extract(ExtractInput { text: &captured.text, published: metadata.published, language: metadata.language });
    let metadata = Metadata { language: Some(x.language), ..metadata };
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
