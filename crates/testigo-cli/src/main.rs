//! `testigo`: turn reports of violence against migrants and other civilians into a sourced,
//! searchable record of incidents.
//!
//! This crate is the only one that reads files, the environment and the clock, prints, and
//! exits. Exit codes: 0 ok, 1 some inputs failed (the rest was done), 2 error.

mod eval;
mod export;
mod ingest;
mod package;
mod show;
mod web;

/// mimalloc: extraction makes many small, short-lived allocations (about 10% of its
/// instructions under the system allocator).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
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
    /// Encryption key file [default: $XDG_CONFIG_HOME/testigo/key, or ~/.config/testigo/key].
    /// When it exists, personal data is stored encrypted with it; `testigo key init` creates it.
    #[arg(long, global = true, env = "TESTIGO_KEY_FILE")]
    key_file: Option<PathBuf>,
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
    /// Serve the web application (log in with an account made by `testigo user add`).
    Serve(web::ServeArgs),
    /// Manage web accounts.
    #[command(subcommand)]
    User(web::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(web::TokenCommand),
    /// Create or rotate the encryption key (see `testigo key --help`).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Make a consistent copy of the database at FILE (a new file) while other testigo
    /// processes may go on writing; the copy opens with the same key file.
    Backup {
        /// The copy to create; never overwritten.
        file: PathBuf,
    },
    /// Write an evidence package for one incident: a zip with the incident as JSON, its
    /// original sources byte for byte, their collection times, its audit history and a
    /// SHA256SUMS manifest that `sha256sum -c` checks.
    Package(package::PackageArgs),
    /// Check that nothing stored was altered: re-hash every original and walk the audit log's
    /// hash chain. Exit 0 when everything verifies, 1 naming the first broken link.
    Verify,
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

/// `testigo key …`.
#[derive(Subcommand)]
enum KeyCommand {
    /// Create a new key file (mode 0600) at the key file path; an existing file is never
    /// overwritten. Keep a copy somewhere safe: without it, encrypted data cannot be read.
    Init,
    /// Re-encrypt everything under a new key, which replaces the key file; the old key file is
    /// kept beside it as KEYFILE.retired-ID (it still opens backups made before).
    Rotate {
        /// Who (recorded in the audit log).
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
        /// Rotate even though other databases are recorded as encrypted with this key file
        /// (KEYFILE.databases); they stay readable only with the retired key file.
        #[arg(long)]
        force: bool,
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

/// The key file: `--key-file` / `TESTIGO_KEY_FILE`, else `$XDG_CONFIG_HOME/testigo/key`, else
/// `~/.config/testigo/key`, else `testigo.key` in the current folder.
fn key_path(cli: &Cli) -> PathBuf {
    if let Some(p) = &cli.key_file {
        return p.clone();
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".config")));
    config.map_or_else(|| PathBuf::from("testigo.key"), |c| c.join("testigo").join("key"))
}

/// Whether the store has a key, and where the key file is looked for.
pub struct KeyState {
    present: bool,
    path: PathBuf,
}

/// The database and the key file of this run.
struct Paths {
    db: PathBuf,
    key: PathBuf,
}

fn open_store(cli: &Paths) -> anyhow::Result<SqliteStore> {
    let path = &cli.db;
    let store = SqliteStore::open_with_key_file(path, &cli.key).with_context(|| format!("cannot open the database {}", path.display()))?;
    if store.key_id().is_some() {
        record_key_user(&cli.key, path);
    }
    Ok(store)
}

/// The list of the databases a key file encrypts, beside it: `KEYFILE.databases`, one
/// absolute path a line. `key rotate` reads it to refuse to re-key a file other databases use.
fn key_users_path(key: &Path) -> PathBuf {
    PathBuf::from(format!("{}.databases", key.display()))
}

/// The databases recorded in `KEYFILE.databases` (none when it does not exist).
fn key_users(key: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(key_users_path(key))
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).map(PathBuf::from).collect())
        .unwrap_or_default()
}

/// Records that `db` is encrypted with the key in `key` (best effort: a key folder that cannot
/// be written costs only `key rotate`'s check, never the command being run).
fn record_key_user(key: &Path, db: &Path) {
    let Ok(db) = std::fs::canonicalize(db) else { return };
    if key_users(key).contains(&db) {
        return;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    if let Ok(mut f) = options.open(key_users_path(key)) {
        let _ = writeln!(f, "{}", db.display());
    }
}

/// Opens an existing database for reading commands: a mistyped `--db` must not create an
/// empty database that silently lists nothing.
fn open_existing(cli: &Paths) -> anyhow::Result<SqliteStore> {
    let path = &cli.db;
    if !path.exists() {
        anyhow::bail!("there is no database at {}; ingest reports first (`testigo ingest PATH`) or give the right --db / TESTIGO_DB", path.display());
    }
    open_store(cli)
}

/// `testigo key rotate`: the new key is written to KEYFILE.new first, so that it is safe on
/// disk before any data depends on it; then the database is re-encrypted in one transaction;
/// then the key files are swapped.
fn rotate_key(cli: &Paths, actor: &str, force: bool) -> anyhow::Result<ExitCode> {
    let path = cli.key.clone();
    if !path.exists() {
        anyhow::bail!("there is no key file at {} to rotate; create one with `testigo key init`", path.display());
    }
    let mut store = open_existing(cli)?;
    // Other databases encrypted with this key file would be left readable only through the
    // retired key file.
    let this = std::fs::canonicalize(&cli.db).unwrap_or_else(|_| cli.db.clone());
    let others: Vec<PathBuf> = key_users(&path).into_iter().filter(|d| *d != this && d.exists()).collect();
    if !others.is_empty() {
        let list = others.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ");
        if !force {
            anyhow::bail!(
                "the key file {} also encrypts {list} (listed in {}); rotating it for {} would leave them readable only with the retired key file. Give each database its own key file (TESTIGO_KEY_FILE), or rotate with --force and keep KEYFILE.retired-ID as long as they exist",
                path.display(),
                key_users_path(&path).display(),
                cli.db.display()
            );
        }
        eprintln!("warning: --force: {list} stay encrypted with the old key, which will be kept as the retired key file; never delete it while they exist");
    }
    let old_id = store.key_id().unwrap_or_default().to_string();
    let staged = PathBuf::from(format!("{}.new", path.display()));
    let new = testigo_store::StoreKey::generate(&path)?;
    new.write_new(&staged).with_context(|| format!("{} exists: an earlier rotation was interrupted; if `testigo verify` works with {}, remove {}, else move it to {}", staged.display(), path.display(), staged.display(), path.display()))?;
    let rotation = match store.rotate_key(new, actor) {
        Ok(r) => r,
        Err(e) => {
            // Nothing was re-encrypted: the staged key is useless.
            let _ = std::fs::remove_file(&staged);
            return Err(e).context("the key rotation failed; nothing changed and the old key still works");
        }
    };
    drop(store);
    let retired = PathBuf::from(format!("{}.retired-{old_id}", path.display()));
    std::fs::rename(&path, &retired).with_context(|| format!("the database is now encrypted with the key in {}, but {} could not be moved aside; move it yourself and rename {} to {}", staged.display(), path.display(), staged.display(), path.display()))?;
    std::fs::rename(&staged, &path).with_context(|| format!("the database is now encrypted with the key in {}; rename it to {}", staged.display(), path.display()))?;
    // The list follows the keys: this database to the new key file, the others to the
    // retired one. Best effort, as when it is written.
    let users = key_users_path(&path);
    if !others.is_empty() {
        let _ = std::fs::write(key_users_path(&retired), others.iter().map(|d| format!("{}\n", d.display())).collect::<String>());
    }
    let _ = std::fs::remove_file(&users);
    record_key_user(&path, &cli.db);
    println!(
        "re-encrypted {} rows under the new key id {} in {}; the old key (key id {}) is kept as {}: it still opens every database and backup made before now; never delete it while any of them may exist",
        rotation.values,
        rotation.new_key_id,
        path.display(),
        rotation.old_key_id.as_deref().unwrap_or("none"),
        retired.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let paths = Paths { key: key_path(&cli), db: cli.db.clone() };
    match cli.command {
        Command::Ingest(args) => {
            let mut store = open_store(&paths)?;
            let key = KeyState { present: store.key_id().is_some(), path: paths.key.clone() };
            ingest::run(&mut store, &args, &key)
        }
        Command::Extract { files } => extract(&files),
        Command::Incidents(args) => {
            let store = open_existing(&paths)?;
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
            let store = open_existing(&paths)?;
            let Some(detail) = store.incident(testigo_store::IncidentId(id))? else {
                eprintln!("error: no incident with id {id} in {}; list them with `testigo incidents`", cli.db.display());
                return Ok(ExitCode::from(1));
            };
            let out = io::stdout();
            let mut out = BufWriter::new(out.lock());
            if json {
                serde_json::to_writer_pretty(&mut out, &testigo_ingest::export::incident_json(&detail))?;
                writeln!(out)?;
            } else {
                show::detail(&mut out, &detail)?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(args) => eval::run(&args),
        Command::Merge { into, from, reason, author } => {
            let mut store = open_store(&paths)?;
            let v = store.merge_incidents(testigo_store::IncidentId(into), testigo_store::IncidentId(from), &testigo_link::StoreLinker, &author, &reason)?;
            println!("incident {from} merged into incident {into} (now version {v})");
            Ok(ExitCode::SUCCESS)
        }
        Command::Split { id, source, reason, author } => {
            let mut store = open_store(&paths)?;
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
        Command::Key(KeyCommand::Init) => {
            let path = paths.key.clone();
            let key = testigo_store::StoreKey::create(&path)?;
            println!("created the key file {} (key id {}); keep a copy somewhere safe: without it the encrypted data cannot be read", path.display(), key.id());
            Ok(ExitCode::SUCCESS)
        }
        Command::Key(KeyCommand::Rotate { actor, force }) => rotate_key(&paths, &actor, force),
        Command::Backup { file } => {
            let store = open_existing(&paths)?;
            if file.exists() {
                anyhow::bail!("{} exists; give the name of a new file for the backup", file.display());
            }
            store.backup_to(&file).with_context(|| format!("cannot back up {} to {}", cli.db.display(), file.display()))?;
            // The copy must be as good as the original.
            let copy = SqliteStore::open_with_key_file(&file, &paths.key).with_context(|| format!("cannot open the backup {}", file.display()))?;
            let report = copy.verify().with_context(|| format!("the backup {} does not verify", file.display()))?;
            println!("backed up {} to {}: {} originals, {} audit entries, verified", cli.db.display(), file.display(), report.originals, report.audit_entries);
            Ok(ExitCode::SUCCESS)
        }
        Command::Package(args) => {
            let store = open_existing(&paths)?;
            package::run(&store, &args)
        }
        Command::Verify => {
            let store = open_existing(&paths)?;
            match store.verify() {
                Ok(r) => {
                    println!(
                        "ok: {} originals, {} audit entries ({} documents, {} incident versions accounted for); head {}",
                        r.originals, r.audit_entries, r.documents, r.incident_versions, r.head_hash
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e @ testigo_store::StoreError::Tampered { .. }) => {
                    eprintln!("FAILED: {}: {e}", cli.db.display());
                    Ok(ExitCode::from(1))
                }
                Err(e) => Err(e).with_context(|| format!("cannot verify {}", cli.db.display())),
            }
        }
        Command::Export(args) => {
            let store = open_existing(&paths)?;
            export::run(&store, &args)
        }
        Command::Serve(args) => web::serve(&paths.db, &paths.key, &args),
        Command::User(command) => web::user(&mut open_store(&paths)?, &command).and_then(|_| Ok(ExitCode::SUCCESS)),
        Command::Token(command) => web::token(&mut open_existing(&paths)?, &command).and_then(|_| Ok(ExitCode::SUCCESS)),
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
        // memchr: a vectorised scan (a byte-by-byte search cost about 1% of the command's time
        // on short lines).
        let (take, done) = match memchr::memchr(b'\n', chunk) {
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

/// Input lines of `testigo extract` waiting to be extracted together, in input order.
#[derive(Default)]
struct Batch {
    /// The waiting lines' text, one after the other.
    text: String,
    /// Per line: its number, and its range in `text` or the message of its error line.
    lines: Vec<(usize, Result<std::ops::Range<usize>, String>)>,
    out: Vec<u8>,
    ends: Vec<(usize, bool)>,
}

impl Batch {
    /// The text beyond which a batch is run before it has
    /// [`testigo_cli::EXTRACT_BATCH_LINES`] lines (long documents gain nothing from batching
    /// and need not wait in memory together).
    const BYTES: usize = 1 << 20;

    fn push(&mut self, n: usize, line: &str) {
        let start = self.text.len();
        self.text.push_str(line);
        self.lines.push((n, Ok(start..self.text.len())));
    }

    /// A line whose error is already known (`message` names the file and line).
    fn fail(&mut self, n: usize, message: String) {
        self.lines.push((n, Err(message)));
    }

    fn is_full(&self) -> bool {
        self.lines.len() >= testigo_cli::EXTRACT_BATCH_LINES || self.text.len() >= Self::BYTES
    }

    /// Extracts the waiting lines and writes one output line for each, in order; returns how
    /// many were error lines.
    fn run(&mut self, ex: &Extractor, name: &str, out: &mut impl Write) -> anyhow::Result<usize> {
        let texts: Vec<&str> = self.lines.iter().filter_map(|(_, r)| r.as_ref().ok()).map(|r| self.text.get(r.clone()).unwrap_or("")).collect();
        self.out.clear();
        self.ends.clear();
        testigo_cli::extract_lines(ex, &texts, &mut self.out, &mut self.ends);
        let mut failed = 0;
        let mut from = 0;
        let mut ends = self.ends.iter();
        let mut line_out = Vec::new();
        for (n, r) in &self.lines {
            line_out.clear();
            match r {
                Err(message) => {
                    failed += 1;
                    serde_json::to_writer(&mut line_out, &serde_json::json!({"id": null, "error": message}))?;
                }
                Ok(_) => {
                    let Some(&(end, ok)) = ends.next() else { break };
                    let object = self.out.get(from..end).unwrap_or_default();
                    from = end;
                    if ok {
                        line_out.extend_from_slice(object);
                    } else {
                        failed += 1;
                        // Every error line says where, as the errors above do.
                        match serde_json::from_slice::<serde_json::Value>(object) {
                            Ok(mut v) => {
                                if let Some(msg) = v.get("error").and_then(serde_json::Value::as_str).map(str::to_string) {
                                    v["error"] = format!("{name}: line {n}: {msg}").into();
                                }
                                serde_json::to_writer(&mut line_out, &v)?;
                            }
                            Err(_) => line_out.extend_from_slice(object),
                        }
                    }
                }
            }
            line_out.push(b'\n');
            out.write_all(&line_out)?;
        }
        self.text.clear();
        self.lines.clear();
        Ok(failed)
    }
}

fn extract(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let ex = Extractor::new(Gazetteer::embedded());
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut missing = 0usize;
    let mut handle = |reader: &mut dyn BufRead, name: &str| -> anyhow::Result<()> {
        let mut buf = Vec::new();
        // Lines are extracted in batches (`extract_lines`: faster on short texts); a batch
        // keeps the order of the lines, those that failed before extraction included.
        let mut batch = Batch::default();
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
                batch.fail(n, format!("{name}: line {n} is {} MB, more than the {} MB limit for one document; split it", read / (1024 * 1024), MAX_LINE_BYTES / (1024 * 1024)));
            } else {
                match std::str::from_utf8(&buf) {
                    Ok(l) => {
                        let line = l.trim_end_matches(['\n', '\r']);
                        // One output line per input line, blank ones included.
                        let line = if n == 1 { line.trim_start_matches('\u{FEFF}') } else { line };
                        if line.trim().is_empty() {
                            batch.fail(n, format!("{name}: line {n} is empty"));
                        } else {
                            batch.push(n, line);
                        }
                    }
                    Err(e) => batch.fail(n, format!("{name}: line {n}: invalid UTF-8 at byte {}", e.valid_up_to())),
                }
            }
            if batch.is_full() {
                failed += batch.run(&ex, name, &mut out)?;
            }
        }
        failed += batch.run(&ex, name, &mut out)?;
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
