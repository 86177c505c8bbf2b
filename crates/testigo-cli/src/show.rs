//! Human-readable output: incident tables and the detail view of `testigo show`.

use std::io::{self, Write};

use testigo_core::Incident;
use testigo_store::IncidentDetail;

/// Text from reports, safe for a terminal: control characters (escape sequences, bells,
/// newlines in names) become U+FFFD.
pub fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect()
}

fn cut(s: &str, n: usize) -> String {
    let s = clean(s);
    let s = s.as_str();
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Prints a table: id, date, place, type, perpetrator, fatalities.
pub fn table(out: &mut dyn Write, rows: &[(i64, &Incident)]) -> io::Result<()> {
    writeln!(out, "{:>4}  {:<23}  {:<30}  {:<40}  {:<28}  {:>5}", "id", "date", "place", "type", "perpetrator", "dead")?;
    for (id, i) in rows {
        let ty = format!("{} / {}", i.event_type, i.sub_event_type);
        let perp = i.perpetrators.first().map(|p| format!("{}{}", p.category, if p.alleged { " (alleged)" } else { "" })).unwrap_or_else(|| "-".into());
        let dead = i.fatalities.map(|f| f.to_string()).unwrap_or_else(|| "-".into());
        writeln!(out, "{:>4}  {:<23}  {:<30}  {:<40}  {:<28}  {:>5}", id, cut(&i.date_label(), 23), cut(&i.headline_place(), 30), cut(&ty, 40), cut(&perp, 28), dead)?;
    }
    Ok(())
}

fn quote(text: &str, s: testigo_core::Span) -> String {
    s.slice(text).map(|q| clean(&q.split_whitespace().collect::<Vec<_>>().join(" "))).unwrap_or_default()
}

/// Prints one incident with its sources, claims and evidence quoted from the origin text.
pub fn detail(out: &mut dyn Write, d: &IncidentDetail) -> io::Result<()> {
    let i = &d.incident;
    writeln!(out, "Incident {} (version {})", d.id, d.version)?;
    writeln!(out, "  date:         {} ({})", i.date_label(), i.date_precision.as_str())?;
    writeln!(out, "  type:         {} / {}", i.event_type, i.sub_event_type)?;
    let harms: Vec<&str> = i.harms.iter().map(|h| h.as_str()).collect();
    writeln!(out, "  harms:        {}", harms.join(", "))?;
    match &i.location {
        Some(l) => writeln!(
            out,
            "  location:     {} (admin1 {}, admin2 {}, country {}; {:.4}, {:.4}; geo_precision {}{})",
            l.name.as_deref().unwrap_or("-"),
            l.admin1.as_deref().unwrap_or("-"),
            l.admin2.as_deref().unwrap_or("-"),
            l.country.as_deref().unwrap_or("-"),
            l.latitude.unwrap_or(0.0),
            l.longitude.unwrap_or(0.0),
            l.geo_precision,
            l.geonameid.map(|g| format!("; geonameid {g}")).unwrap_or_default()
        )?,
        None => writeln!(out, "  location:     unknown")?,
    }
    for p in &i.perpetrators {
        writeln!(out, "  perpetrator:  {} [{}]{}", p.text, p.category, if p.alleged { " (alleged)" } else { "" })?;
    }
    let v = &i.victims;
    writeln!(
        out,
        "  victims:      {} count {} nationalities [{}] ages {:?} genders [{}]{}",
        v.group.as_deref().unwrap_or("-"),
        v.count.map(|c| c.to_string()).unwrap_or_else(|| "-".into()),
        v.nationalities.join(", "),
        v.ages,
        v.genders.join(", "),
        if v.minors { " (minors among them)" } else { "" }
    )?;
    let n = |x: Option<u32>| x.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
    writeln!(out, "  fatalities:   {}   injured: {}   missing: {}   detained: {}", n(i.fatalities), n(i.injured), n(i.missing), n(i.detained))?;
    if !i.contested.is_empty() {
        writeln!(out, "  CONTESTED:    {}", i.contested.join(", "))?;
    }
    let accounts = testigo_link::accounts(&d.observations);
    let facts = testigo_link::facts(&accounts);
    if !facts.is_empty() {
        writeln!(out, "\nFacts (every value, who gives it):")?;
        for (k, vals) in &facts {
            let flag = if i.contested.contains(k) { "  [CONTESTED]" } else { "" };
            writeln!(out, "  {k}{flag}")?;
            for v in vals {
                writeln!(out, "    {:<6} {} ({}) in {}", v.value, v.attributed_to, v.stance, &v.sha256[..v.sha256.len().min(12)])?;
            }
        }
    }
    let active = d.sources.iter().filter(|s| s.active).count();
    writeln!(out, "\nSources ({active}, {} independent):", testigo_link::independent_sources(&accounts).max(usize::from(active > 0)))?;
    for s in d.sources.iter().filter(|s| s.active) {
        let m = &s.document.metadata;
        writeln!(out, "  [{}] {}", s.document.id.0, clean(m.title.as_deref().unwrap_or(&s.document.name)))?;
        writeln!(out, "      publisher {}; published {}; url {}", clean(m.publisher.as_deref().unwrap_or("-")), m.published.map(|p| p.to_string()).unwrap_or_else(|| "-".into()), clean(m.url.as_deref().unwrap_or("-")))?;
        writeln!(out, "      sha256 {}; file {}", s.document.sha256, clean(&s.document.name))?;
        if let Some(r) = &s.link_reason {
            match s.link_score {
                Some(sc) => writeln!(out, "      why linked: {r} (score {sc:.2})")?,
                None => writeln!(out, "      why: {r}")?,
            }
        }
    }
    // Each span is quoted from the document it points into.
    let text_of = |id: testigo_store::DocumentId| d.sources.iter().find(|s| s.document.id == id).map(|s| s.document.text.as_str()).unwrap_or("");
    let text_by_sha = |sha: Option<&str>| {
        sha.and_then(|h| d.sources.iter().find(|s| s.document.sha256 == h)).or(d.sources.first()).map(|s| s.document.text.as_str()).unwrap_or("")
    };
    if !i.claims.is_empty() {
        writeln!(out, "\nClaims:")?;
        for c in &i.claims {
            let fact = match (&c.fact, &c.value) {
                (Some(f), Some(v)) => format!(" [{f} = {v}]"),
                _ => String::new(),
            };
            let from = c.source.as_deref().map(|h| format!(" (source {})", &h[..h.len().min(12)])).unwrap_or_default();
            writeln!(out, "  - {} ({}){}{}: \"{}\"", c.attributed_to, c.stance, fact, from, cut(&quote(text_by_sha(c.source.as_deref()), c.span), 220))?;
        }
    }
    writeln!(out, "\nEvidence:")?;
    for sp in d.spans.iter().filter(|s| !s.field.starts_with("claims")) {
        writeln!(out, "  {:<22} [{}..{}) in #{} \"{}\"", sp.field, sp.span.start(), sp.span.end(), sp.document_id.0, cut(&quote(text_of(sp.document_id), sp.span), 120))?;
    }
    if d.versions.len() > 1 {
        writeln!(out, "\nHistory:")?;
        for v in &d.versions {
            writeln!(out, "  v{} {} by {}: {}", v.version, v.created_at.format("%Y-%m-%d %H:%M:%S UTC"), v.author, v.reason)?;
        }
    }
    Ok(())
}
