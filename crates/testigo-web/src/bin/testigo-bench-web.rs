//! Load benchmark of the web application: builds a store of N generated incidents (default
//! 100,000), each with a source text in Spanish or English, serves it, and loads the list,
//! search and incident pages with a small HTTP/1.1 load generator of its own (keep-alive
//! connections, several at once). Prints the median and 99th-percentile latency and the
//! requests per second of each page; asserts nothing.
//!
//! Usage: `testigo-bench-web [N] [REQUESTS_PER_KIND] [CONNECTIONS] [--store FILE]`. With
//! `--store FILE` the store is built in FILE and kept, or reused when FILE exists (building it
//! takes most of a run; a reused store is migrated as any store is when opened, and must have
//! been built with the same N). The kinds: the list's
//! first page, a page N of it, a state with the order by fatalities, a year with perpetrator and
//! harm filters, a word searched in the sources (each of the words is in 20-60% of the
//! generated texts, so these are broad searches), the same within a state, and an incident.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use testigo_core::{ActorCategory, DatePrecision, EventType, Harm, Incident, Location, Metadata, Perpetrator, SubEventType, Victims};
use testigo_store::monitor::Role;
use testigo_store::{NewDocument, SqliteStore, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A small deterministic generator (xorshift), so every run builds the same store.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
}

const STATES: &[&str] = &["Coahuila", "Chiapas", "Tabasco", "Veracruz", "Sonora", "Chihuahua", "Tamaulipas", "Oaxaca"];
const ES: &[&str] = &[
    "Dos migrantes fueron asesinados a disparos por policías estatales.",
    "Un hombre hondureño murió tras una golpiza de agentes migratorios.",
    "La Fiscalía informó que el detenido disparó primero contra los agentes.",
    "El albergue denunció la desaparición de una familia guatemalteca.",
    "Testigos dijeron que los agentes dispararon contra el tren.",
];
const EN: &[&str] = &[
    "A Salvadoran migrant was shot dead by police near the border.",
    "Witnesses said officers beat the men before detaining them.",
    "The shelter reported that a family was abducted by a criminal group.",
    "State prosecutors said the man had fired first.",
    "Two migrants were injured when guards opened fire.",
];

fn report(r: &mut Rng, n: u64) -> (NewDocument, Incident) {
    let state = r.pick(STATES);
    let spanish = r.next() % 2 == 0;
    let mut text = format!("{} — ", state.to_uppercase());
    for _ in 0..6 {
        text.push_str(r.pick(if spanish { ES } else { EN }));
        text.push(' ');
    }
    text.push_str(&format!("Report number {n}."));
    let bytes = text.clone().into_bytes();
    let base = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
    let d = base + chrono::Duration::days((r.next() % 3650) as i64);
    let lat = 14.0 + (r.next() % 19_000) as f64 / 1000.0;
    let lon = -118.0 + (r.next() % 32_000) as f64 / 1000.0;
    let category = [ActorCategory::Police, ActorCategory::ImmigrationAuthority, ActorCategory::CriminalGroup][(r.next() % 3) as usize];
    let incident = Incident {
        event_date: Some(d),
        event_date_end: Some(d),
        date_precision: DatePrecision::Day,
        event_type: EventType::ViolenceAgainstCivilians,
        sub_event_type: SubEventType::Attack,
        harms: vec![if r.next() % 2 == 0 { Harm::Killing } else { Harm::Injury }],
        location: Some(Location {
            name: Some(format!("Place {}", r.next() % 5_000).into()),
            admin1: Some(state.to_string().into()),
            admin2: None,
            country: Some("MX".into()),
            latitude: Some(lat),
            longitude: Some(lon),
            geonameid: None,
            geo_precision: 1,
        }),
        perpetrators: vec![Perpetrator { text: "agents".into(), category, alleged: false }],
        victims: Victims::default(),
        fatalities: Some((r.next() % 3) as u32),
        injured: None,
        missing: None,
        detained: None,
        displaced: None,
        claims: vec![],
        contested: if r.next() % 10 == 0 { vec!["victim_armed".into()] } else { vec![] },
        date_text: None,
        evidence: Default::default(),
    };
    let doc = NewDocument {
        sha256: sha256_hex(&bytes),
        bytes,
        name: format!("generated-{n}.txt"),
        kind: "text".into(),
        text,
        metadata: Metadata { publisher: Some(format!("Publisher {}", n % 40)), ..Metadata::default() },
        metadata_source: serde_json::Value::Null,
        ingested_at: Utc::now(),
        actor: "testigo-bench-web".to_string(),
        sensitive: false,
        simhash: Some(n),
    };
    (doc, incident)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    stream: tokio::net::TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn open(addr: std::net::SocketAddr) -> std::io::Result<Conn> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn { stream, buf: Vec::with_capacity(1 << 16) })
    }

    /// Sends a GET and reads the whole response; returns its status.
    async fn get(&mut self, path: &str, cookie: &str) -> std::io::Result<u16> {
        let req = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n\r\n");
        self.stream.write_all(req.as_bytes()).await?;
        self.buf.clear();
        let mut chunk = [0u8; 65536];
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).to_ascii_lowercase();
                let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while self.buf.len() < end + 4 + len {
                    let n = self.stream.read(&mut chunk).await?;
                    if n == 0 {
                        return Err(std::io::ErrorKind::UnexpectedEof.into());
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                return Ok(status);
            }
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// Sends `paths` over `connections` connections at once; returns the latencies and the wall
/// time.
async fn load(addr: std::net::SocketAddr, cookie: &str, paths: Vec<String>, connections: usize) -> (Vec<Duration>, Duration) {
    let per = paths.len().div_ceil(connections);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for part in paths.chunks(per.max(1)).map(<[String]>::to_vec) {
        let cookie = cookie.to_string();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr).await.expect("connect");
            let mut times = Vec::with_capacity(part.len());
            for p in &part {
                let t = Instant::now();
                let status = conn.get(p, &cookie).await.expect("request");
                assert_eq!(status, 200, "GET {p}");
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("load task"));
    }
    (all, start.elapsed())
}

fn report_line(name: &str, mut times: Vec<Duration>, wall: Duration) {
    times.sort();
    let q = |f: f64| times[((times.len() as f64 - 1.0) * f).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "{name:<10} {:>6} requests  median {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  {:>7.0} requests/s",
        times.len(),
        q(0.5),
        q(0.99),
        q(1.0),
        times.len() as f64 / wall.as_secs_f64()
    );
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let keep = args.iter().position(|a| a == "--store").map(|i| {
        let path = args.get(i + 1).cloned().unwrap_or_default();
        args.drain(i..(i + 2).min(args.len()));
        std::path::PathBuf::from(path)
    });
    let n: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let requests: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let connections: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(4);
    let dir = std::env::temp_dir().join(format!("testigo-bench-web-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let db = keep.clone().unwrap_or_else(|| dir.join("bench.db"));
    let reuse = keep.is_some() && db.exists();
    let fail = |e: &dyn std::fmt::Display| -> ! {
        eprintln!("testigo-bench-web: {e}");
        std::process::exit(2)
    };

    let t0 = Instant::now();
    let token = testigo_web::auth::new_token().unwrap_or_else(|e| fail(&e));
    {
        let mut store = SqliteStore::open(&db).unwrap_or_else(|e| fail(&e));
        let user = if reuse {
            let found = store.user_credentials("bench").unwrap_or_else(|e| fail(&e));
            found.map(|c| c.user).unwrap_or_else(|| fail(&format!("{} has no user bench: not a store of this benchmark", db.display())))
        } else {
            let mut r = Rng(0x9E3779B97F4A7C15);
            for i in 0..n {
                let (doc, incident) = report(&mut r, i);
                // Plain ingest: building the store is not what is measured.
                store.ingest(&doc, &[incident]).unwrap_or_else(|e| fail(&e));
            }
            testigo_web::add_user(&mut store, "bench", Role::Viewer, "bench-password-1", "bench").unwrap_or_else(|e| fail(&e))
        };
        store
            .create_session(&testigo_web::auth::token_digest(&token), user.id, "csrf", Utc::now() + chrono::Duration::hours(1))
            .unwrap_or_else(|e| fail(&e));
    }
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let how = if reuse { "reused (opened)" } else { "built" };
    println!("store of {n} incidents with their source texts {how} in {:.1} s, {:.0} MB", t0.elapsed().as_secs_f64(), size as f64 / 1e6);

    let config = testigo_web::Config { db: db.clone(), key_file: None, secure_cookies: false, connections: 4, public: false };
    let state = testigo_web::AppState::open(config).unwrap_or_else(|e| fail(&e));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| fail(&e));
    let addr = listener.local_addr().unwrap_or_else(|e| fail(&e));
    listener.set_nonblocking(true).unwrap_or_else(|e| fail(&e));
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap_or_else(|e| fail(&e));
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap_or_else(|e| fail(&e));
            axum::serve(listener, testigo_web::app(state)).await.unwrap_or_else(|e| fail(&e));
        });
    });

    let cookie = format!("testigo_session={token}");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| fail(&e));
    let mut r = Rng(42);
    let words = ["disparos", "asesinato", "golpiza", "shot", "abducted", "desaparición", "fiscalía", "guards"];
    // Each kind of page is loaded on its own, so that each line says what it measures.
    let page = |r: &mut Rng| 1 + r.next() % 200;
    let mut kinds: Vec<(&str, Vec<String>)> = Vec::new();
    kinds.push(("list", (0..requests).map(|_| "/incidents".to_string()).collect()));
    kinds.push(("list p.N", (0..requests).map(|_| format!("/incidents?page={}", page(&mut r))).collect()));
    kinds.push((
        "list state",
        (0..requests).map(|_| format!("/incidents?country=MX&admin1={}&sort=fatalities", r.pick(STATES))).collect(),
    ));
    kinds.push((
        "list filt.",
        (0..requests)
            .map(|_| format!("/incidents?from=2019-01-01&to=2019-12-31&perpetrator=Police&harm=killing&page={}", 1 + r.next() % 20))
            .collect(),
    ));
    kinds.push(("search", (0..requests).map(|_| format!("/incidents?q={}", encode(r.pick(&words)))).collect()));
    kinds.push((
        "search+st.",
        (0..requests).map(|_| format!("/incidents?q={}&admin1={}", encode(r.pick(&words)), r.pick(STATES))).collect(),
    ));
    kinds.push(("incident", (0..requests).map(|_| format!("/incidents/{}", 1 + r.next() % n.max(1))).collect()));
    rt.block_on(async {
        // Warm up the connections and SQLite's page cache.
        let _ = load(addr, &cookie, kinds[0].1.iter().take(50).cloned().collect(), connections).await;
        println!("{connections} connections at once; server and load generator share this machine's cores:");
        for (name, paths) in kinds {
            let (t, w) = load(addr, &cookie, paths, connections).await;
            report_line(name, t, w);
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}
