//! Prints extraction throughput (MB/s of text on one core), the gazetteer's load time and the
//! process's peak resident memory. A benchmark that prints figures, not a timed test.
//!
//! Usage: `testigo-bench FILE_OR_DIR…` (text files; sidecars and hidden files are skipped).

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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
    if texts.is_empty() {
        eprintln!("testigo-bench: no readable text files in {args:?}");
        std::process::exit(2);
    }
    let t0 = Instant::now();
    let gaz = Gazetteer::embedded();
    let load = t0.elapsed();
    // Touch the index so the figure includes first use.
    let _ = gaz.lookup("Saltillo");
    let first_use = t0.elapsed();
    let ex = Extractor::new(gaz);
    let bytes_per_round: usize = texts.iter().map(String::len).sum();
    let mut rounds = 0usize;
    let mut incidents = 0usize;
    let start = Instant::now();
    // TESTIGO_BENCH_ROUNDS=N runs exactly N rounds (for instruction counts under `perf stat`).
    let fixed: Option<usize> = std::env::var("TESTIGO_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok());
    while match fixed {
        Some(n) => rounds < n,
        None => start.elapsed() < Duration::from_secs(3) || rounds < 3,
    } {
        for t in &texts {
            incidents += ex.extract(ExtractInput { text: t, published: None, language: None }).incidents.len();
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes_per_round * rounds) as f64 / 1e6;
    println!("gazetteer: {} entities, {} name keys; load {:.1} ms (first lookup at {:.1} ms)", gaz.len(), gaz.key_count(), load.as_secs_f64() * 1e3, first_use.as_secs_f64() * 1e3);
    println!("extraction: {} texts, {:.1} KB per round, {} rounds in {:.2} s on one core: {:.1} MB/s ({:.0} docs/s; {} incidents per round)", texts.len(), bytes_per_round as f64 / 1e3, rounds, secs, mb / secs, (texts.len() * rounds) as f64 / secs, incidents / rounds);
    // The tokeniser alone, for a breakdown of where extraction's time goes.
    let start = Instant::now();
    let mut tok_rounds = 0usize;
    let mut tokens = 0usize;
    while start.elapsed() < Duration::from_secs(1) || tok_rounds < 3 {
        for t in &texts {
            tokens += testigo_extract::text::Doc::new(t).tokens.len();
        }
        tok_rounds += 1;
    }
    let tok_secs = start.elapsed().as_secs_f64();
    println!("tokeniser alone: {:.1} MB/s ({} tokens per round)", (bytes_per_round * tok_rounds) as f64 / 1e6 / tok_secs, tokens / tok_rounds);
    if let Some(rss) = peak_rss_mb() {
        println!("peak resident memory: {rss:.1} MB");
    }
}
