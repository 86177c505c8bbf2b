//! Prints extraction throughput (MB/s of text on one core), the gazetteer's load time and the
//! process's peak resident memory. A benchmark that prints figures, not a timed test.
//!
//! Usage: `testigo-bench [--acled FILE.csv] FILE_OR_DIR…`
//!
//! - `FILE_OR_DIR…`: text files (sidecars and hidden files are skipped), measured as one set.
//! - `--acled FILE.csv`: the `notes` of an ACLED export, measured as a second set (short texts:
//!   per-document costs dominate). Read at run time; nothing of it is kept.
//! - The files are also joined and repeated into one text of about a megabyte, measured on its
//!   own: a cost that grows faster than the text (quadratic in a document) shows there.
//!
//! Each set is measured through the library ([`Extractor::extract`] on each text, and
//! [`Extractor::extract_many`] on batches of texts) and through the `testigo extract` contract
//! (JSON Lines input lines parsed, extracted and written as JSON), as the command runs it
//! (`testigo_cli::extract_lines` on batches of lines) and one line at a time.
//! Each figure is the median of seven trials of at least half a second, with the best trial
//! beside it (a shared machine's noise only ever slows a trial down).
//! The first line names the build measured: `cargo build --release`, or the profile-guided
//! build of `scripts/pgo-build.sh`.
//! `TESTIGO_BENCH_ROUNDS=N` instead runs exactly N rounds of each, once (for instruction counts
//! under `valgrind --tool=callgrind`).

/// mimalloc: extraction makes many small, short-lived allocations (about 10% of its
/// instructions under the system allocator).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use testigo_extract::{ExtractInput, Extractor};
use testigo_gazetteer::Gazetteer;

fn collect(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p).into_iter().flatten().filter_map(|e| e.ok().map(|e| e.path())).collect();
        v.sort();
        for e in v {
            collect(&e, out);
        }
    } else {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.starts_with('.') && !name.ends_with(".json") {
            out.push(p.to_path_buf());
        }
    }
}

fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn acled_notes(path: &Path) -> Result<Vec<String>, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let headers = r.headers().map_err(|e| format!("{}: {e}", path.display()))?.clone();
    let col = headers.iter().position(|h| h == "notes").ok_or_else(|| format!("{}: no `notes` column", path.display()))?;
    let mut notes = Vec::new();
    for row in r.records() {
        let row = row.map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(n) = row.get(col).filter(|n| !n.trim().is_empty()) {
            notes.push(n.to_string());
        }
    }
    Ok(notes)
}

/// Runs `round` (one pass over the set) for trials of at least `min` each; returns the
/// seconds per round of every trial.
fn trials(mut round: impl FnMut(), fixed: Option<usize>) -> Vec<f64> {
    if let Some(n) = fixed {
        let start = Instant::now();
        for _ in 0..n {
            round();
        }
        return vec![start.elapsed().as_secs_f64() / n.max(1) as f64];
    }
    let min = Duration::from_millis(500);
    (0..7)
        .map(|_| {
            let start = Instant::now();
            let mut rounds = 0usize;
            while start.elapsed() < min || rounds < 2 {
                round();
                rounds += 1;
            }
            start.elapsed().as_secs_f64() / rounds as f64
        })
        .collect()
}

fn report(what: &str, bytes: usize, docs: usize, mut secs: Vec<f64>) {
    secs.sort_by(f64::total_cmp);
    let median = secs[secs.len() / 2];
    let best = secs[0];
    println!(
        "{what}: {:.1} MB/s median, {:.1} MB/s best ({:.0} docs/s)",
        bytes as f64 / 1e6 / median,
        bytes as f64 / 1e6 / best,
        docs as f64 / median
    );
}

fn measure(ex: &Extractor, name: &str, texts: &[String], fixed: Option<usize>) {
    let bytes: usize = texts.iter().map(String::len).sum();
    let incidents: usize = texts.iter().map(|t| ex.extract(ExtractInput { text: t, published: None, language: None }).incidents.len()).sum();
    println!("{name}: {} texts, {:.1} KB, {incidents} incidents", texts.len(), bytes as f64 / 1e3);
    let lib = trials(
        || {
            for t in texts {
                std::hint::black_box(ex.extract(ExtractInput { text: t, published: None, language: None }));
            }
        },
        fixed,
    );
    report("  library (Extractor::extract), one core", bytes, texts.len(), lib);
    let inputs: Vec<ExtractInput<'_>> = texts.iter().map(|t| ExtractInput { text: t, published: None, language: None }).collect();
    let many = trials(
        || {
            for chunk in inputs.chunks(testigo_cli::EXTRACT_BATCH_LINES) {
                std::hint::black_box(ex.extract_many(chunk));
            }
        },
        fixed,
    );
    report(&format!("  library in batches of {} (Extractor::extract_many)", testigo_cli::EXTRACT_BATCH_LINES), bytes, texts.len(), many);
    // The JSON Lines contract of `testigo extract`, as the command runs it.
    let lines: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": format!("doc-{i}"), "text": t, "published": "2024-01-15"}).to_string())
        .collect();
    let mut out = Vec::new();
    let mut ends = Vec::new();
    let batch = testigo_cli::EXTRACT_BATCH_LINES;
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let contract = trials(
        || {
            for chunk in lines.chunks(batch) {
                out.clear();
                ends.clear();
                testigo_cli::extract_lines(ex, chunk, &mut out, &mut ends);
                std::hint::black_box(&out);
            }
        },
        fixed,
    );
    report(&format!("  `testigo extract` (JSON in, JSON out, {batch} lines a batch), one core"), bytes, texts.len(), contract);
    let single = trials(
        || {
            for l in &lines {
                out.clear();
                std::hint::black_box(testigo_cli::extract_line(ex, l, &mut out));
            }
        },
        fixed,
    );
    report("  the same, one line at a time (`extract_line`)", bytes, texts.len(), single);
    let mut arena = String::new();
    let tok = trials(
        || {
            for t in texts {
                std::hint::black_box(testigo_extract::text::Doc::new_in(t, &mut arena).tokens.len());
            }
        },
        fixed,
    );
    report("  of which the tokeniser alone", bytes, texts.len(), tok);
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut acled: Option<PathBuf> = None;
    if let Some(i) = args.iter().position(|a| a == "--acled") {
        if i + 1 >= args.len() {
            eprintln!("testigo-bench: --acled needs a CSV file");
            std::process::exit(2);
        }
        acled = Some(PathBuf::from(args.remove(i + 1)));
        args.remove(i);
    }
    let mut files = Vec::new();
    for a in &args {
        collect(Path::new(a), &mut files);
    }
    let mut texts = Vec::new();
    for f in &files {
        if let Ok(bytes) = std::fs::read(f) {
            if let Ok(c) = testigo_capture::capture(&f.display().to_string(), &bytes) {
                texts.push(c.text);
            }
        }
    }
    let notes = match acled.as_deref().map(acled_notes).transpose() {
        Ok(n) => n.unwrap_or_default(),
        Err(e) => {
            eprintln!("testigo-bench: {e}");
            std::process::exit(2);
        }
    };
    if texts.is_empty() && notes.is_empty() {
        eprintln!("testigo-bench: no readable text files in {args:?} and no --acled notes");
        std::process::exit(2);
    }
    let t0 = Instant::now();
    let gaz = Gazetteer::embedded();
    let load = t0.elapsed();
    // Touch the index so the figure includes first use.
    let _ = gaz.lookup("Saltillo");
    let first_use = t0.elapsed();
    let ex = Extractor::new(gaz);
    // Which build is measured: `scripts/pgo-build.sh` names itself at compile time.
    println!("build: {}", option_env!("TESTIGO_BUILD").unwrap_or("cargo build --release"));
    println!("gazetteer: {} entities, {} name keys; load {:.1} ms (first lookup at {:.1} ms)", gaz.len(), gaz.key_count(), load.as_secs_f64() * 1e3, first_use.as_secs_f64() * 1e3);
    let fixed: Option<usize> = std::env::var("TESTIGO_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok());
    if !texts.is_empty() {
        measure(&ex, "reports", &texts, fixed);
        // The same reports run together into one text of about a megabyte: its figure should
        // stay near the one above, and a cost that grows faster than the text shows here.
        let joined = texts.join("\n\n");
        let long = joined.repeat((1_000_000 / joined.len().max(1)).max(1));
        measure(&ex, "one long document", &[long], fixed);
    }
    if !notes.is_empty() {
        measure(&ex, "ACLED notes", &notes, fixed);
    }
    if let Some(rss) = peak_rss_mb() {
        println!("peak resident memory: {rss:.1} MB");
    }
}
