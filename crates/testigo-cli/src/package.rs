//! `testigo package ID --out FILE.zip`: an evidence package that a third party can check with
//! `sha256sum` alone.
//!
//! Layout (format version 1), every file stored uncompressed:
//!
//! - `README.txt`: what the package is and how to check it;
//! - `incident.json`: the incident as `testigo show --json` prints it (current version, facts,
//!   sources), plus its version history;
//! - `sources.json`: one entry per document that reports or reported the incident: its
//!   SHA-256, file name, title, publisher, URL, publication date, collection time
//!   (`ingested_at`), how it was linked and whether the link is still active;
//! - `sources/SHA256.EXT`: each original, byte for byte, named by its SHA-256;
//! - `audit.json`: every audit log entry about the incident and its documents, oldest first,
//!   with the log's head hash when the package was made;
//! - `SHA256SUMS`: the SHA-256 of every other file, in `sha256sum` format.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;
use sha2::{Digest, Sha256};
use testigo_store::{AuditFilter, IncidentId, Store};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// Arguments of `testigo package`.
#[derive(clap::Args)]
pub struct PackageArgs {
    /// The incident id (as `testigo incidents` lists it).
    id: i64,
    /// The zip file to write (a new file; never overwritten).
    #[arg(long)]
    out: PathBuf,
}

const README: &str = "testigo evidence package (format 1)\n\
\n\
incident.json   the incident as recorded, with its version history\n\
sources.json    every source document: SHA-256, name, publisher, URL, collection time\n\
sources/        each original source, byte for byte, named by its SHA-256\n\
audit.json      the audit log entries about the incident and its sources\n\
SHA256SUMS      the SHA-256 of every file above\n\
\n\
To check it, unzip it and run, in the folder it creates:\n\
\n\
    sha256sum -c SHA256SUMS\n\
\n\
Every line must say OK. Each file in sources/ is also named by its own SHA-256, so\n\
`sha256sum sources/*` shows that every original is the one collected. The audit entries\n\
form a hash chain: each entry's hash is SHA-256 over \"testigo-audit-v1\" followed by its\n\
fields as netstrings (<byte length>:<bytes>,) in the order seq, at, actor, action, target,\n\
reason, subject_sha256, prev_hash; the entries here are those about this incident, so\n\
their prev_hash links to entries elsewhere in the log. `testigo verify` on the database\n\
checks the whole chain; head_hash is its last hash when the package was made.\n";

/// Writes the package.
pub fn run(store: &dyn Store, args: &PackageArgs) -> anyhow::Result<ExitCode> {
    let id = IncidentId(args.id);
    let Some(detail) = store.incident(id)? else {
        anyhow::bail!("there is no incident {id}; list them with `testigo incidents`");
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();

    let mut incident = testigo_ingest::export::incident_json(&detail);
    if let Some(o) = incident.as_object_mut() {
        let versions: Vec<_> = detail
            .versions
            .iter()
            .map(|v| json!({"version": v.version, "created_at": v.created_at, "author": v.author, "reason": v.reason}))
            .collect();
        o.insert("versions".into(), versions.into());
    }
    files.push(("incident.json".into(), pretty(&incident)?));

    let mut sources = Vec::new();
    let mut originals: BTreeMap<String, String> = BTreeMap::new();
    let mut targets = vec![format!("incident:{id}")];
    for s in &detail.sources {
        let d = &s.document;
        let ext = std::path::Path::new(&d.name).extension().and_then(|e| e.to_str()).filter(|e| e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric())).unwrap_or("bin").to_ascii_lowercase();
        let path = format!("sources/{}.{ext}", d.sha256);
        originals.entry(d.sha256.clone()).or_insert_with(|| path.clone());
        targets.push(format!("document:{}", d.id));
        sources.push(json!({
            "document_id": d.id.0,
            "sha256": d.sha256,
            "file": originals[&d.sha256],
            "name": d.name,
            "size": d.size,
            "title": d.metadata.title,
            "publisher": d.metadata.publisher,
            "url": d.metadata.url,
            "published": d.metadata.published,
            "ingested_at": d.ingested_at,
            "role": s.role.as_str(),
            "link_reason": s.link_reason,
            "link_score": s.link_score,
            "linked_at": s.linked_at,
            "active": s.active,
            "unlinked_at": s.unlinked_at,
        }));
    }
    files.push(("sources.json".into(), pretty(&json!(sources))?));
    for (sha256, path) in &originals {
        let bytes = store.original(sha256)?.with_context(|| format!("the original {sha256} is missing from the database; run `testigo verify`"))?;
        if hex_sha256(&bytes) != *sha256 {
            anyhow::bail!("the original {sha256} no longer hashes to its SHA-256; run `testigo verify`");
        }
        files.push((path.clone(), bytes));
    }

    targets.sort();
    targets.dedup();
    let mut entries = Vec::new();
    for target in &targets {
        entries.extend(store.audit_log(&AuditFilter { target: Some(target.clone()), ..AuditFilter::default() })?);
    }
    entries.sort_by_key(|e| e.seq);
    let head = store.audit_log(&AuditFilter { limit: 1, ..AuditFilter::default() })?;
    let audit: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq,
                "at": e.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "reason": e.reason,
                "subject_sha256": e.subject_sha256,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            })
        })
        .collect();
    let head_hash = head.first().map_or(testigo_store::GENESIS_HASH.to_string(), |e| e.hash.clone());
    files.push(("audit.json".into(), pretty(&json!({"head_seq": head.first().map(|e| e.seq), "head_hash": head_hash, "entries": audit}))?));
    files.push(("README.txt".into(), README.as_bytes().to_vec()));

    let mut sums = String::new();
    for (name, bytes) in &files {
        sums.push_str(&format!("{}  {name}\n", hex_sha256(bytes)));
    }
    files.push(("SHA256SUMS".into(), sums.into_bytes()));

    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    // The package holds personal data in plain text: readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let file = options.open(&args.out).map_err(|e| {
        let folder = args.out.parent().filter(|p| !p.as_os_str().is_empty());
        match e.kind() {
            std::io::ErrorKind::NotFound if folder.is_some_and(|f| !f.is_dir()) => anyhow::anyhow!(
                "cannot create {}: the folder {} does not exist",
                args.out.display(),
                folder.map(|f| f.display().to_string()).unwrap_or_default()
            ),
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!("{} exists; a package is never overwritten: give the name of a new file", args.out.display())
            }
            _ => anyhow::Error::new(e).context(format!("cannot create {}", args.out.display())),
        }
    })?;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).unix_permissions(0o644);
    for (name, bytes) in &files {
        zip.start_file(name.as_str(), options).with_context(|| format!("cannot write {name} into {}", args.out.display()))?;
        zip.write_all(bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    }
    let file = zip.finish().with_context(|| format!("cannot finish {}", args.out.display()))?;
    file.sync_all().with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "wrote {}: incident {id}, {} source(s), {} audit entries; check it with `unzip` and `sha256sum -c SHA256SUMS`",
        args.out.display(),
        originals.len(),
        entries.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn pretty(v: &serde_json::Value) -> anyhow::Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v)?;
    out.push(b'\n');
    Ok(out)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
