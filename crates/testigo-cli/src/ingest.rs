//! `testigo ingest`: files → capture → extract → store.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use testigo_core::{Incident, Language, Metadata};
use testigo_extract::Extractor;
use testigo_gazetteer::Gazetteer;
use testigo_store::{IngestOutcome, Store};

use crate::show;


/// Arguments of `testigo ingest`.
#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files or folders (folders are read recursively; `NAME.meta.json` sidecars are read with
    /// their report, hidden files are skipped).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Publication date (YYYY-MM-DD); only with a single file.
    #[arg(long)]
    published: Option<NaiveDate>,
    /// Language (en or es); only with a single file.
    #[arg(long)]
    language: Option<String>,
    /// Source URL; only with a single file.
    #[arg(long)]
    url: Option<String>,
    /// Title; only with a single file.
    #[arg(long)]
    title: Option<String>,
    /// Publisher; only with a single file.
    #[arg(long)]
    publisher: Option<String>,
    /// Print machine-readable JSON instead of the summary and table.
    #[arg(long)]
    json: bool,
    /// The files are personal data (testimonies, intake forms): store their bytes, names, titles,
    /// URLs and text encrypted. Needs a key file (`testigo key init`).
    #[arg(long)]
    sensitive: bool,
}

/// Collects report files under `path`. A bad entry inside a folder (unreadable, a dangling
/// link) is reported in `errors` and the walk goes on; symbolic links to folders are not
/// followed (no loops).
fn collect(path: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, String)>) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for e in entries {
            if std::fs::symlink_metadata(&e).is_ok_and(|m| m.file_type().is_symlink()) && e.is_dir() {
                continue;
            }
            let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // In folders, only report files: text, Markdown, HTML (or no extension). Data files
            // such as JSON or CSV beside them are not reports.
            let ext = e.extension().and_then(|x| x.to_str()).map(str::to_ascii_lowercase);
            let report = e.is_dir() || matches!(ext.as_deref(), None | Some("txt" | "text" | "md" | "markdown" | "html" | "htm" | "xhtml"));
            if name.starts_with('.') || testigo_capture::is_sidecar(name) || !report {
                continue;
            }
            if let Err(err) = collect(&e, out, errors) {
                errors.push((e, format!("cannot read: {err}")));
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// A failure of the database (not of the report being ingested).
#[derive(Debug)]
struct StoreFailure(testigo_store::StoreError);

impl std::fmt::Display for StoreFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for StoreFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// What happened to one extracted incident.
#[derive(serde::Serialize)]
struct LinkResult {
    incident_id: i64,
    linked: bool,
    score: Option<f64>,
    reason: String,
}

/// What happened to one file.
#[derive(serde::Serialize)]
struct FileResult {
    path: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    document_id: Option<i64>,
    incident_ids: Vec<i64>,
    /// Per extracted incident: attached to a stored incident or new, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<LinkResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

/// Runs the ingest.
pub fn run(store: &mut dyn Store, args: &IngestArgs, key: &crate::KeyState) -> anyhow::Result<ExitCode> {
    if !key.present {
        if args.sensitive {
            anyhow::bail!("--sensitive documents are stored encrypted, but there is no key file at {}; create one with `testigo key init` (or set TESTIGO_KEY_FILE to an existing key file)", key.path.display());
        }
        eprintln!("warning: no key file at {}: personal data in incident records (claims, quotes, ages) is stored unencrypted; create a key with `testigo key init` to encrypt it", key.path.display());
    }
    let mut files = Vec::new();
    let mut results: Vec<FileResult> = Vec::new();
    let mut walk_errors: Vec<(PathBuf, String)> = Vec::new();
    for p in &args.paths {
        if let Err(e) = collect(p, &mut files, &mut walk_errors) {
            walk_errors.push((p.clone(), format!("cannot read: {e}")));
        }
    }
    for (p, e) in walk_errors {
        results.push(FileResult { path: crate::show::clean(&p.display().to_string()), status: "error", sha256: None, document_id: None, incident_ids: vec![], links: vec![], error: Some(e), warnings: vec![] });
    }
    let overrides = Metadata {
        title: args.title.clone(),
        publisher: args.publisher.clone(),
        url: args.url.clone(),
        published: args.published,
        language: match &args.language {
            Some(l) => Some(Language::parse(l).with_context(|| format!("--language {l:?} is not supported; use en or es"))?),
            None => None,
        },
    };
    if files.len() > 1 && overrides != Metadata::default() {
        anyhow::bail!("--published, --language, --url, --title and --publisher apply to a single file, but {} files were given; put the metadata in NAME.meta.json sidecars instead", files.len());
    }
    let extractor = Extractor::new(Gazetteer::embedded());
    let bar = if files.len() > 1 && !args.json { ProgressBar::new(files.len() as u64) } else { ProgressBar::hidden() };
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}").unwrap_or_else(|_| ProgressStyle::default_bar()));
    let mut new_incidents: Vec<(i64, Incident)> = Vec::new();
    for f in &files {
        bar.set_message(f.display().to_string());
        let r = ingest_file(store, &extractor, f, &overrides, args.sensitive);
        match r {
            Ok((res, incs)) => {
                new_incidents.extend(incs);
                results.push(res);
            }
            // The database itself failed (read-only, full disk, locked): no later file can
            // be stored either, so stop with one error instead of one per file.
            Err(e) if e.downcast_ref::<StoreFailure>().is_some() => {
                bar.finish_and_clear();
                return Err(e).context("the database refused the write; nothing more was ingested (what was stored before stays)");
            }
            Err(e) => {
                let msg = format!("{e:#}");
                bar.suspend(|| {
                    if !args.json {
                        eprintln!("error: {}: {msg}", crate::show::clean(&f.display().to_string()));
                    }
                });
                results.push(FileResult { path: f.display().to_string(), status: "error", sha256: None, document_id: None, incident_ids: vec![], links: vec![], error: Some(msg), warnings: vec![] });
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let count = |s: &str| results.iter().filter(|r| r.status == s).count();
    let (new, known, errors) = (count("new"), count("known"), count("error"));
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        let incidents: Vec<serde_json::Value> = new_incidents
            .iter()
            .map(|(id, inc)| {
                let mut v = serde_json::to_value(inc).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("id".into(), (*id).into());
                }
                v
            })
            .collect();
        let v = serde_json::json!({
            "summary": {"files": results.len(), "new": new, "known": known, "incidents": new_incidents.len(), "linked": results.iter().map(|r| r.links.iter().filter(|l| l.linked).count()).sum::<usize>(), "errors": errors},
            "files": results,
            "incidents": incidents,
        });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        for r in results.iter().filter(|r| r.status == "error" && r.document_id.is_none() && !files.iter().any(|f| f.display().to_string() == r.path)) {
            eprintln!("error: {}: {}", crate::show::clean(&r.path), r.error.as_deref().unwrap_or(""));
        }
        for r in &results {
            for w in &r.warnings {
                eprintln!("warning: {}: {w}", crate::show::clean(&r.path));
            }
        }
        let linked: usize = results.iter().map(|r| r.links.iter().filter(|l| l.linked).count()).sum();
        writeln!(out, "files read: {}   new: {new}   already known: {known}   incidents reported: {} ({} of them linked to incidents already stored)   errors: {errors}", results.len(), new_incidents.len(), linked)?;
        if !new_incidents.is_empty() {
            writeln!(out)?;
            // Each incident once, as stored now (a linked report shows the merged record).
            let mut ids: Vec<i64> = new_incidents.iter().map(|(id, _)| *id).collect();
            ids.sort_unstable();
            ids.dedup();
            let mut stored: Vec<(i64, Incident)> = Vec::with_capacity(ids.len());
            for id in ids {
                match store.incident(testigo_store::IncidentId(id))? {
                    Some(d) => stored.push((id, d.incident)),
                    None => {
                        if let Some((_, i)) = new_incidents.iter().find(|(x, _)| *x == id) {
                            stored.push((id, i.clone()));
                        }
                    }
                }
            }
            let rows: Vec<(i64, &Incident)> = stored.iter().map(|(id, i)| (*id, i)).collect();
            show::table(&mut out, &rows)?;
        }
    }
    out.flush()?;
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn ingest_file(store: &mut dyn Store, ex: &Extractor, path: &Path, overrides: &Metadata, sensitive: bool) -> anyhow::Result<(FileResult, Vec<(i64, Incident)>)> {
    let testigo_cli::Prepared { mut doc, incidents, warnings } = testigo_cli::prepare(ex, path, overrides)?;
    doc.sensitive = sensitive;
    let mut warnings = warnings;
    // Sensitivity follows the bytes (the store enforces it; this says so).
    let stored = store.documents_by_sha256(&doc.sha256).map_err(|e| anyhow::Error::new(StoreFailure(e)))?;
    if !sensitive && stored.iter().any(|d| d.sensitive) {
        warnings.push("these bytes were ingested before with --sensitive: this copy is stored encrypted too".to_string());
    }
    let plain = stored.iter().filter(|d| !d.sensitive).count();
    if sensitive && plain > 0 {
        warnings.push(format!("these bytes were stored before in plain text ({plain} document(s)): they are now stored encrypted too (audited as `seal`)"));
    }
    let name = doc.name.clone();
    let captured_sha = doc.sha256.clone();
    let x = testigo_extract::Extraction { language: doc.metadata.language.unwrap_or(testigo_core::Language::En), incidents };
    let outcome = store.ingest_linked(&doc, &x.incidents, &testigo_link::StoreLinker).map_err(|e| {
        // Errors of the database itself stop the run; errors about this document do not.
        use testigo_store::StoreError as E;
        if matches!(e, E::Sqlite { .. } | E::Busy { .. } | E::Open { .. } | E::Corrupt { .. } | E::Migration { .. }) {
            anyhow::Error::new(StoreFailure(e))
        } else {
            anyhow::Error::new(e)
        }
    })?;
    Ok(match outcome {
        IngestOutcome::New { document_id, incident_ids, links } => {
            let incs: Vec<(i64, Incident)> = incident_ids.iter().map(|i| i.0).zip(x.incidents).collect();
            let links = links
                .iter()
                .map(|l| LinkResult { incident_id: l.incident_id.0, linked: l.linked, score: l.score, reason: l.reason.clone() })
                .collect();
            (
                FileResult { path: name, status: "new", sha256: Some(captured_sha), document_id: Some(document_id.0), incident_ids: incident_ids.iter().map(|i| i.0).collect(), links, error: None, warnings },
                incs,
            )
        }
        IngestOutcome::AlreadyKnown { document_id } => (
            FileResult { path: name, status: "known", sha256: Some(captured_sha), document_id: Some(document_id.0), incident_ids: vec![], links: vec![], error: None, warnings },
            vec![],
        ),
    })
}
