//! `testigo`: turn reports of violence against migrants and other civilians into a sourced,
//! searchable record of incidents.
//!
//! This crate is the only one that reads files, the environment and the clock, prints, and
//! exits. Exit codes: 0 ok, 1 some inputs failed (the rest was done), 2 error.

mod eval;
mod export;
mod ingest;
mod show;

/// mimalloc: extraction makes many small, short-lived allocations (about 10% of its
/// instructions under the system allocator).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use testigo_core::EventType;
use testigo_extract::Extractor;
use testigo_gazetteer::Gazetteer;
use testigo_store::{IncidentFilter, SqliteStore, Store};

/// testigo: a sourced, verifiable record of incidents of violence against migrants and civilians.
#[derive(Parser)]
#[command(name = "testigo", version, about, long_about = None)]
struct Cli {
    /// SQLite database file (created if missing).
    #[arg(long, global = true, env = "TESTIGO_DB", default_value = "testigo.db")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Capture report files (text, Markdown, HTML; folders recursively), extract their
    /// incidents and store both.
    Ingest(ingest::IngestArgs),
    /// Stateless extraction: JSON Lines in (stdin or files), JSON Lines out; no database.
    Extract {
        /// JSON Lines files; standard input when none.
        files: Vec<PathBuf>,
    },
    /// List stored incidents.
    Incidents(ListArgs),
    /// Show one incident with its sources, claims and evidence quoted from the text.
    Show {
        /// Incident id (as listed by `testigo incidents`).
        id: i64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Export stored incidents.
    Export(export::ExportArgs),
    /// Measure extraction accuracy against human-coded data (ACLED rows, cases).
    Eval(eval::EvalArgs),
    /// Merge incident FROM into incident INTO (an analyst found they are the same incident).
    Merge {
        /// The incident that stays.
        into: i64,
        /// The incident merged into it (kept, marked as merged).
        from: i64,
        /// Why (recorded in the history).
        #[arg(long, default_value = "same incident")]
        reason: String,
        /// Who (recorded in the history).
        #[arg(long, env = "USER", default_value = "analyst")]
        author: String,
    },
    /// Split one source out of an incident into a new incident (an analyst undoes a link).
    Split {
        /// The incident.
        id: i64,
        /// SHA-256 of the source document to split out (as `testigo show` lists it; a unique
        /// prefix of at least 8 hex digits is enough).
        #[arg(long)]
        source: String,
        /// Why (recorded in the history).
        #[arg(long, default_value = "not the same incident")]
        reason: String,
        /// Who (recorded in the history).
        #[arg(long, env = "USER", default_value = "analyst")]
        author: String,
    },
}

/// Filters shared by `incidents` and `export`.
#[derive(clap::Args, Clone, Default)]
pub struct FilterArgs {
    /// Incidents on or after this date (YYYY-MM-DD).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Incidents on or before this date (YYYY-MM-DD).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// ISO 3166-1 alpha-2 country code, e.g. MX.
    #[arg(long)]
    country: Option<String>,
    /// First-level division, e.g. Coahuila (accents and case ignored).
    #[arg(long)]
    admin1: Option<String>,
    /// ACLED event type, e.g. "Violence against civilians".
    #[arg(long)]
    event_type: Option<String>,
}

impl FilterArgs {
    fn to_filter(&self) -> anyhow::Result<IncidentFilter> {
        let event_type = match &self.event_type {
            Some(s) => Some(EventType::parse(s).with_context(|| {
                let all: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
                format!("unknown event type {s:?}; use one of: {}", all.join(", "))
            })?),
            None => None,
        };
        // "Mexico", "México" or "MX": names are turned into ISO 3166-1 codes.
        let country = match self.country.as_deref() {
            Some(c) if c.trim().len() != 2 => Some(
                Gazetteer::embedded()
                    .lookup(c)
                    .iter()
                    .find(|e| e.kind() == testigo_gazetteer::Kind::Country)
                    .map(|e| e.cc().to_string())
                    .with_context(|| format!("unknown country {c:?}; give an ISO 3166-1 code such as MX, GT, HN, US"))?,
            ),
            other => other.map(str::to_string),
        };
        Ok(IncidentFilter {
            from: self.from,
            to: self.to,
            country,
            admin1: self.admin1.clone(),
            event_type,
            ..IncidentFilter::default()
        })
    }
}

#[derive(clap::Args)]
struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// At most this many incidents.
    #[arg(long)]
    limit: Option<u32>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

fn open_store(path: &std::path::Path) -> anyhow::Result<SqliteStore> {
    SqliteStore::open(path).with_context(|| format!("cannot open the database {}", path.display()))
}

/// Opens an existing database for reading commands: a mistyped `--db` must not create an
/// empty database that silently lists nothing.
fn open_existing(path: &std::path::Path) -> anyhow::Result<SqliteStore> {
    if !path.exists() {
        anyhow::bail!("there is no database at {}; ingest reports first (`testigo ingest PATH`) or give the right --db / TESTIGO_DB", path.display());
    }
    open_store(path)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Ingest(args) => {
            let mut store = open_store(&cli.db)?;
            ingest::run(&mut store, &args)
        }
        Command::Extract { files } => extract(&files),
        Command::Incidents(args) => {
            let store = open_existing(&cli.db)?;
            let mut filter = args.filter.to_filter()?;
            filter.limit = args.limit;
            let list = store.incidents(&filter)?;
            let out = io::stdout();
            let mut out = BufWriter::new(out.lock());
            if args.json {
                let items: Vec<serde_json::Value> = list
                    .iter()
                    .map(|s| {
                        let mut v = serde_json::to_value(&s.incident).unwrap_or_default();
                        if let Some(o) = v.as_object_mut() {
                            o.insert("id".into(), s.id.0.into());
                            o.insert("version".into(), s.version.into());
                            o.insert("source_count".into(), s.sources.into());
                        }
                        v
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut out, &serde_json::json!({"total": items.len(), "items": items}))?;
                writeln!(out)?;
            } else {
                let rows: Vec<(i64, &testigo_core::Incident)> = list.iter().map(|s| (s.id.0, &s.incident)).collect();
                show::table(&mut out, &rows)?;
                writeln!(out, "{} incident(s)", list.len())?;
            }
            out.flush()?;
            Ok(if list.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Show { id, json } => {
            let store = open_existing(&cli.db)?;
            let Some(detail) = store.incident(testigo_store::IncidentId(id))? else {
                eprintln!("error: no incident with id {id} in {}; list them with `testigo incidents`", cli.db.display());
                return Ok(ExitCode::from(1));
            };
            let out = io::stdout();
            let mut out = BufWriter::new(out.lock());
            if json {
                serde_json::to_writer_pretty(&mut out, &export::incident_json(&detail))?;
                writeln!(out)?;
            } else {
                show::detail(&mut out, &detail)?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(args) => eval::run(&args),
        Command::Merge { into, from, reason, author } => {
            let mut store = open_store(&cli.db)?;
            let v = store.merge_incidents(testigo_store::IncidentId(into), testigo_store::IncidentId(from), &testigo_link::StoreLinker, &author, &reason)?;
            println!("incident {from} merged into incident {into} (now version {v})");
            Ok(ExitCode::SUCCESS)
        }
        Command::Split { id, source, reason, author } => {
            let mut store = open_store(&cli.db)?;
            let detail = store.incident(testigo_store::IncidentId(id))?.with_context(|| format!("no incident with id {id}"))?;
            let wanted = source.to_ascii_lowercase();
            let mut matches: Vec<&str> = detail.sources.iter().filter(|s| s.active).map(|s| s.document.sha256.as_str()).filter(|s| wanted.len() >= 8 && s.starts_with(&wanted)).collect();
            matches.dedup();
            let sha = match matches.as_slice() {
                [one] => one.to_string(),
                [] => anyhow::bail!("incident {id} has no source whose SHA-256 starts with {source}; see `testigo show {id}`"),
                _ => anyhow::bail!("{source} matches several sources of incident {id}; give more digits"),
            };
            let new = store.split_source(testigo_store::IncidentId(id), &sha, &testigo_link::StoreLinker, &author, &reason)?;
            println!("source {} split out of incident {id} into new incident {new}", &sha[..12]);
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(args) => {
            let store = open_existing(&cli.db)?;
            export::run(&store, &args)
        }
    }
}

/// Longest input line `testigo extract` analyses (32 MiB); longer lines get an error line.
const MAX_LINE_BYTES: usize = 32 * 1024 * 1024;

/// Reads one line (through `\n`) into `buf`, keeping at most `limit` bytes: returns the bytes
/// read in all and whether the line was longer than `limit` (then `buf` holds its start only).
fn read_line_bounded(reader: &mut dyn BufRead, buf: &mut Vec<u8>, limit: usize) -> io::Result<(usize, bool)> {
    let mut total = 0usize;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((total, total > limit));
        }
        let (take, done) = match memchr_newline(chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if buf.len() < limit + 1 {
            let room = (limit + 1 - buf.len()).min(take);
            buf.extend_from_slice(&chunk[..room]);
        }
        reader.consume(take);
        total += take;
        if done {
            return Ok((total, total > limit + 1));
        }
    }
}

fn memchr_newline(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b'\n')
}

fn extract(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let ex = Extractor::new(Gazetteer::embedded());
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut missing = 0usize;
    let mut handle = |reader: &mut dyn BufRead, name: &str| -> anyhow::Result<()> {
        let mut buf = Vec::new();
        let mut line_out = Vec::new();
        let mut n = 0usize;
        loop {
            buf.clear();
            let (read, truncated) = read_line_bounded(reader, &mut buf, MAX_LINE_BYTES).with_context(|| format!("cannot read {name}"))?;
            if read == 0 {
                break;
            }
            n += 1;
            if truncated {
                // The rest of the line was skipped, not held in memory.
                failed += 1;
                let v = serde_json::json!({"id": null, "error": format!("{name}: line {n} is {} MB, more than the {} MB limit for one document; split it", read / (1024 * 1024), MAX_LINE_BYTES / (1024 * 1024))});
                serde_json::to_writer(&mut out, &v)?;
                out.write_all(b"\n")?;
                continue;
            }
            let line = match std::str::from_utf8(&buf) {
                Ok(l) => l.trim_end_matches(['\n', '\r']),
                Err(e) => {
                    failed += 1;
                    let v = serde_json::json!({"id": null, "error": format!("{name}: line {n}: invalid UTF-8 at byte {}", e.valid_up_to())});
                    serde_json::to_writer(&mut out, &v)?;
                    out.write_all(b"\n")?;
                    continue;
                }
            };
            // One output line per input line, blank ones included.
            let line = if n == 1 { line.trim_start_matches('\u{FEFF}') } else { line };
            if line.trim().is_empty() {
                failed += 1;
                serde_json::to_writer(&mut out, &serde_json::json!({"id": null, "error": format!("{name}: line {n} is empty")}))?;
                out.write_all(b"\n")?;
                continue;
            }
            line_out.clear();
            if !testigo_cli::extract_line(&ex, line, &mut line_out) {
                failed += 1;
            }
            line_out.push(b'\n');
            out.write_all(&line_out)?;
        }
        Ok(())
    };
    if files.is_empty() {
        let stdin = io::stdin();
        let mut lock = stdin.lock();
        handle(&mut lock, "standard input")?;
    } else {
        for f in files {
            // A missing file is reported and the others are still read.
            match std::fs::File::open(f) {
                Ok(file) => {
                    let mut r = io::BufReader::new(file);
                    handle(&mut r, &f.display().to_string())?;
                }
                Err(e) => {
                    eprintln!("error: {}: cannot open: {e}", show::clean(&f.display().to_string()));
                    missing += 1;
                }
            }
        }
    }
    out.flush()?;
    let _ = io::stdin().read(&mut []);
    // Every line was answered; the status says whether some could not be read.
    Ok(if failed > 0 || missing > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
