//! `testigo export`: the formats of [`testigo_ingest::export`] written to a file or stdout.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use testigo_core::redact::{Redaction, RedactionCounts};
use testigo_ingest::export::{write, Format};
use testigo_store::{redact_detail, Store};

use crate::FilterArgs;

/// Arguments of `testigo export`.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// Output format: acled-csv, geojson or jsonl.
    #[arg(long, value_parser = parse_format)]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Remove personal data: speakers' names become roles, quotes are withheld, perpetrators
    /// named in the text's words become their category, minors' exact ages become "minor",
    /// places finer than a town become the municipality, local file names are dropped and
    /// sensitive documents are withheld, and so are analysts' reasons for merges and splits
    /// (see `testigo_core::redact`). What was redacted is
    /// listed per incident (`redacted` in JSON) and summed up on standard error.
    #[arg(long)]
    public: bool,
    #[command(flatten)]
    filter: FilterArgs,
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::parse(name).ok_or_else(|| format!("unknown format {name:?}; use acled-csv, geojson or jsonl"))
}

/// Runs the export.
pub fn run(store: &dyn Store, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let filter = args.filter.to_filter()?;
    let ids: Vec<i64> = store.incidents(&filter)?.iter().map(|s| s.id.0).collect();
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(d) = store.incident(testigo_store::IncidentId(id))? {
            items.push(d);
        }
    }
    let redactions: Option<Vec<Vec<Redaction>>> = args.public.then(|| {
        let (public, lists): (Vec<_>, Vec<_>) = items.iter().map(redact_detail).unzip();
        items = public;
        lists
    });
    if let Some(lists) = &redactions {
        let mut counts = RedactionCounts::default();
        let (mut withheld, mut reasons) = (0, 0);
        for list in lists {
            counts.add(list.iter().filter(|r| !r.field.starts_with("sources")).cloned().collect::<Vec<_>>().as_slice());
            withheld += list.iter().filter(|r| r.field.starts_with("sources") && !r.field.ends_with(".link_reason")).count();
            reasons += list.iter().filter(|r| r.field.starts_with("sources") && r.field.ends_with(".link_reason")).count();
        }
        eprintln!("public export: redacted {counts}, {withheld} sensitive source(s) withheld, {reasons} analyst's link reason(s) withheld; local file names and source texts left out");
    }
    let redactions = redactions.as_deref();
    match &args.out {
        // A device, pipe or link is written through, never replaced; a read-only file is
        // refused.
        Some(path) if std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file()) => {
            let f = std::fs::OpenOptions::new().write(true).open(path).with_context(|| format!("cannot write {}", path.display()))?;
            let mut w = BufWriter::new(f);
            write(&mut w, args.format, &items, redactions)?;
            w.flush().with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("exported {} incident(s) to {}", items.len(), path.display());
        }
        Some(path) if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) => {
            anyhow::bail!("{} is read-only; choose another --out file or change its permissions", path.display());
        }
        Some(path) => {
            // Write to a temporary file beside the target, then rename: a failed export never
            // leaves a half-written file under the requested name.
            let tmp = path.with_extension("partial");
            {
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create(true).truncate(true);
                // A full export holds personal data: readable by its owner only.
                #[cfg(unix)]
                if !args.public {
                    use std::os::unix::fs::OpenOptionsExt as _;
                    options.mode(0o600);
                }
                let f = options.open(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
                let mut w = BufWriter::new(f);
                write(&mut w, args.format, &items, redactions)?;
                w.flush()?;
            }
            std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("exported {} incident(s) to {}", items.len(), path.display());
        }
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            write(&mut w, args.format, &items, redactions)?;
            w.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
