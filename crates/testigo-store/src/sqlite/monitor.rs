//! The SQL of [`crate::monitor`]: accounts, verification, overrides, search and history.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;

use super::audit::{self, NewEntry};
use super::link::{attribute_spans, load_observations, SpanDocument};
use super::{
    active_incident, date_text, insert_version, normalise_country, parse_record, parse_timestamp, sha256_hex,
    timestamp, to_version, SqliteStore, VersionMeta,
};
use crate::error::SqlContext;
use crate::migrations::SPAN_CLASS_MAX_DAYS;
use crate::monitor::{
    apply_overrides, search_terms, FieldOverride, IncidentPage, IncidentStats, MapPoint, StatRow, IncidentQuery, ListedIncident, Role,
    SessionRecord, Sort, User, UserCredentials, Verification, VerificationChange,
};
use crate::{fold, IncidentId, IncidentSummary, Result, StoreError};

/// Above this many incidents found by a search's words, the list, the map and the statistics
/// read the incidents in their own order (an index) and keep those found, stopping when a page
/// is full; at or below it, they start from the incidents found. A broad word (in half the
/// sources) thus costs a page's worth of reads, and a rare one a few lookups.
/// (Unit tests use 3, so that a few incidents take both ways.)
const FEW_FOUND: usize = if cfg!(test) { 3 } else { 2_000 };

/// How a query's words restrict the incidents (see [`SqliteStore::find_words`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    /// No words: every incident.
    None,
    /// At most [`FEW_FOUND`] incidents found, in `temp.search_hits`: the query starts from
    /// them.
    Few,
    /// More, in the connection's [`FoundSet`]: the query keeps the incidents found as it reads
    /// the others in order.
    Many,
}

/// The incidents a broad search found, as a bit set by incident id, shared with the SQL
/// function `testigo_found(incident_id)` (true when found) that a query calls for each incident
/// it reads. Filling it costs a read of the full-text index, where a temporary table would
/// also cost a b-tree insert per incident.
#[derive(Debug, Clone)]
pub(super) struct FoundSet(Arc<Mutex<Vec<u64>>>);

impl FoundSet {
    /// Registers `testigo_found` on `conn`, reading a new, empty set.
    pub(super) fn register(conn: &Connection) -> rusqlite::Result<FoundSet> {
        let set = FoundSet(Arc::new(Mutex::new(Vec::new())));
        let bits = Arc::clone(&set.0);
        conn.create_scalar_function("testigo_found", 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
            let id: i64 = ctx.get(0)?;
            // A set is whole once filled (nothing can panic while it is), so a poisoned lock
            // still guards a set worth reading.
            let bits = bits.lock().unwrap_or_else(PoisonError::into_inner);
            Ok(usize::try_from(id).ok().and_then(|i| bits.get(i / 64).map(|w| w >> (i % 64) & 1 == 1)).unwrap_or(false))
        })?;
        Ok(set)
    }

    /// Makes `ids` (incident ids, ascending) the set.
    fn fill(&self, ids: &[i64]) {
        let mut bits = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        bits.clear();
        let max = ids.last().and_then(|&m| usize::try_from(m).ok()).unwrap_or(0);
        bits.resize(max / 64 + 1, 0);
        for i in ids.iter().filter_map(|&id| usize::try_from(id).ok()) {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
}

/// The WHERE clause of the incidents matching a query, with its parameters in order (all SQL
/// is parameterised; only conditions with a value are written, so that SQLite can use the
/// indexes of `incident_index` and read `incident_facets` (`fc`) or the current version (`v`,
/// whose records are large) only when a condition or the order is on them).
struct Filter {
    sql: String,
    params: Vec<Box<dyn rusqlite::ToSql>>,
    needs_facets: bool,
    needs_version: bool,
    words: Words,
    /// The state asked for, folded.
    admin1: Option<String>,
}

impl Filter {
    /// The filter of `query`, whose words (if any) found incidents as `words` says (see
    /// [`SqliteStore::find_words`]); `earliest` is the first day on which an incident that
    /// reaches `query.from` can start (see [`SqliteStore::earliest_start`]).
    fn of(query: &IncidentQuery, words: Words, earliest: Option<NaiveDate>) -> Filter {
        let mut f = Filter {
            sql: "x.merged_into IS NULL".to_string(),
            params: Vec::new(),
            needs_facets: false,
            needs_version: false,
            words,
            admin1: query.admin1.as_deref().map(fold),
        };
        // `on`: 0 the index only, 1 the facets, 2 the version.
        let and = |f: &mut Filter, cond: &str, value: Box<dyn rusqlite::ToSql>, on: u8| {
            f.sql.push_str(" AND ");
            f.sql.push_str(cond);
            f.params.push(value);
            f.needs_facets |= on == 1;
            f.needs_version |= on == 2;
        };
        if let Some(d) = query.from {
            and(&mut f, "coalesce(x.event_date_end, x.event_date) >= ?", Box::new(date_text(d)), 0);
        }
        if let Some(d) = earliest {
            // Implied by the condition above; written so that the first day bounds an index
            // range from below too (without it, every incident before `to` is read).
            and(&mut f, "x.event_date >= ?", Box::new(date_text(d)), 0);
        }
        if let Some(d) = query.to {
            and(&mut f, "x.event_date <= ?", Box::new(date_text(d)), 0);
        }
        if let Some(c) = &query.country {
            and(&mut f, "x.country = ?", Box::new(normalise_country(c)), 0);
        }
        if let Some(a) = &query.admin1 {
            and(&mut f, "x.admin1_folded = ?", Box::new(fold(a)), 0);
        }
        if let Some(t) = query.event_type {
            and(&mut f, "x.event_type = ?", Box::new(t.as_str()), 0);
        }
        if let Some(h) = &query.harm {
            // The column is a JSON array of names, none of which contains another's quoted form:
            // a substring test is exact and much cheaper than json_each on every row.
            and(&mut f, "instr(fc.harms, ?) > 0", Box::new(format!("\"{h}\"")), 1);
        }
        if let Some(c) = &query.perpetrator {
            and(&mut f, "instr(fc.perpetrator_categories, ?) > 0", Box::new(format!("\"{c}\"")), 1);
        }
        if let Some(status) = query.verification {
            and(
                &mut f,
                "coalesce((SELECT w.status FROM verification AS w WHERE w.incident_id = x.incident_id \
                 ORDER BY w.id DESC LIMIT 1), 'unverified') = ?",
                Box::new(status.as_str()),
                0,
            );
        }
        if let Some(c) = query.contested {
            and(&mut f, "(json_array_length(testigo_open(v.record), '$.contested') > 0) = ?", Box::new(c), 2);
        }
        if words == Words::Many {
            f.sql.push_str(" AND testigo_found(x.incident_id)");
        }
        f
    }

    /// The FROM clause: the index of current versions (after the incidents found by the
    /// words, when they are few), joined to their facets and to the versions themselves when
    /// needed.
    fn from(&self, always_facets: bool) -> String {
        let mut from = match self.words {
            // CROSS JOIN makes SQLite read the incidents found first, whatever it estimates.
            Words::Few => "FROM temp.search_hits AS h CROSS JOIN incident_index AS x ON x.incident_id = h.incident_id".to_string(),
            Words::None | Words::Many => "FROM incident_index AS x".to_string(),
        };
        if self.needs_facets || always_facets {
            from.push_str(" JOIN incident_facets AS fc ON fc.incident_id = x.incident_id");
        }
        if self.needs_version {
            from.push_str(" JOIN incident_versions AS v ON v.incident_id = x.incident_id AND v.version = x.version");
        }
        from
    }

    /// The WHERE clause and its parameters (then `more`) of a query ordered by `sort` that
    /// joins the facets: in the order by fatalities, the state is asked of the facets' copy
    /// too, so that SQLite can read a state's incidents from the facets' index in that order.
    fn ordered<'a>(&'a self, sort: Sort, more: &[&'a dyn rusqlite::ToSql]) -> (String, Vec<&'a dyn rusqlite::ToSql>) {
        match &self.admin1 {
            Some(admin1) if sort == Sort::FatalitiesDesc => {
                let mut params: Vec<&'a dyn rusqlite::ToSql> = vec![admin1];
                params.extend_from_slice(more);
                (format!("{} AND fc.admin1_folded = ?", self.sql), self.bind(&params))
            }
            _ => (self.sql.clone(), self.bind(more)),
        }
    }

    /// The parameters, then `more`.
    fn bind<'a>(&'a self, more: &[&'a dyn rusqlite::ToSql]) -> Vec<&'a dyn rusqlite::ToSql> {
        self.params.iter().map(|b| b.as_ref()).chain(more.iter().copied()).collect()
    }
}

impl SqliteStore {
    /// Gives this connection a page cache of `mib` MiB and maps up to that much of the file
    /// into memory, for a long-running reader such as the web server (SQLite's default cache is
    /// 2 MiB, so every listing would read its index from the file again), and keeps its
    /// temporary tables (the incidents a search found) in memory.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn set_read_cache(&self, mib: u32) -> Result<()> {
        let kib = -i64::from(mib) * 1024;
        self.conn.pragma_update(None, "cache_size", kib).ctx("setting the cache size")?;
        self.conn.pragma_update(None, "temp_store", "MEMORY").ctx("keeping temporary tables in memory")?;
        let bytes = i64::from(mib) * 1024 * 1024;
        // The answer (the size SQLite accepted) is a row, so read it rather than update.
        let _: i64 = self.conn.query_row(&format!("PRAGMA mmap_size = {bytes}"), [], |r| r.get(0)).ctx("setting the memory map")?;
        Ok(())
    }

    /// Lets SQLite gather the statistics its query planner uses to choose between indexes
    /// (`PRAGMA optimize`, which analyses only tables whose statistics are missing or stale),
    /// for a long-running server.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn optimize(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA optimize = 0x10002;").ctx("optimizing the query plans")
    }

    /// Creates a user with a role and a password hash (made by the caller), and records who
    /// (`actor`) did in the audit log.
    ///
    /// # Errors
    ///
    /// [`StoreError::UserExists`] when the name is taken, and database errors.
    pub fn add_user(&mut self, name: &str, role: Role, password_hash: &str, actor: &str) -> Result<User> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting to add a user")?;
        let exists: bool = tx
            .query_row("SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)", [name], |r| r.get(0))
            .ctx("reading users")?;
        if exists {
            return Err(StoreError::UserExists { name: name.to_string() });
        }
        tx.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), password_hash, timestamp(Utc::now())],
        )
        .ctx("adding a user")?;
        let id = tx.last_insert_rowid();
        let at = timestamp(Utc::now());
        let target = format!("user:{id}");
        let reason = format!("user {name} added with role {}", role.as_str());
        audit::append(
            &tx,
            &NewEntry { at: &at, actor, action: "user_add", target: &target, reason: &reason, subject_sha256: &sha256_hex(reason.as_bytes()), seal_reason: false },
        )?;
        tx.commit().ctx("committing a new user")?;
        Ok(User { id, name: name.to_string(), role })
    }

    /// The user named `name` with their password hash, if there is one.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn user_credentials(&self, name: &str) -> Result<Option<UserCredentials>> {
        self.conn
            .prepare_cached("SELECT id, name, role, password_hash, disabled_at IS NOT NULL FROM users WHERE name = ?1")
            .and_then(|mut s| {
                s.query_row([name], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, bool>(4)?,
                    ))
                })
                .optional()
            })
            .ctx("reading a user")?
            .map(|(id, name, role, password_hash, disabled)| {
                Ok(UserCredentials { user: User { id, name, role: parse_role(&role)? }, password_hash, disabled })
            })
            .transpose()
    }

    /// Every user, by name.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn users(&self) -> Result<Vec<User>> {
        let rows: Vec<(i64, String, String)> = self
            .conn
            .prepare_cached("SELECT id, name, role FROM users ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .ctx("listing users")?;
        rows.into_iter().map(|(id, name, role)| Ok(User { id, name, role: parse_role(&role)? })).collect()
    }

    /// Stores a browser session: the SHA-256 of its token (the token itself is only in the
    /// cookie), its user, its CSRF token and when it expires, and notes the login as the user's
    /// latest. Expired sessions are removed.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn create_session(&mut self, token_sha256: &str, user_id: i64, csrf: &str, expires_at: DateTime<Utc>) -> Result<()> {
        let now = Utc::now();
        self.conn
            .execute("DELETE FROM sessions WHERE expires_at < ?1", [timestamp(now)])
            .ctx("removing expired sessions")?;
        self.conn
            .execute(
                "INSERT INTO sessions (token_sha256, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_sha256, user_id, csrf, timestamp(now), timestamp(expires_at)],
            )
            .ctx("storing a session")?;
        self.conn
            .execute("UPDATE users SET last_login_at = ?1 WHERE id = ?2", params![timestamp(now), user_id])
            .ctx("noting a login")?;
        Ok(())
    }

    /// The session whose token has this SHA-256, unless it expired before `now` or its user's
    /// account is disabled.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn session(&self, token_sha256: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>> {
        let row: Option<(i64, String, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT u.id, u.name, u.role, s.csrf, s.expires_at FROM sessions AS s \
                 JOIN users AS u ON u.id = s.user_id WHERE s.token_sha256 = ?1 AND s.expires_at >= ?2 \
                 AND u.disabled_at IS NULL",
            )
            .and_then(|mut s| {
                s.query_row(params![token_sha256, timestamp(now)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()
            })
            .ctx("reading a session")?;
        row.map(|(id, name, role, csrf, expires)| {
            Ok(SessionRecord {
                user: User { id, name, role: parse_role(&role)? },
                csrf,
                expires_at: parse_timestamp("session expiry", &expires)?,
            })
        })
        .transpose()
    }

    /// Ends the session whose token has this SHA-256 (logging out); nothing when there is none.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn end_session(&mut self, token_sha256: &str) -> Result<()> {
        self.conn.execute("DELETE FROM sessions WHERE token_sha256 = ?1", [token_sha256]).ctx("ending a session")?;
        Ok(())
    }

    /// Stores an API token (its SHA-256) for the user named `user_name`, who it acts as, and
    /// records who (`actor`) made it in the audit log (with the token's digest as subject).
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownUser`] when there is no such user, [`StoreError::UserDisabled`]
    /// when the account is disabled, and database errors.
    pub fn create_api_token(&mut self, token_sha256: &str, user_name: &str, actor: &str) -> Result<User> {
        let credentials =
            self.user_credentials(user_name)?.ok_or_else(|| StoreError::UnknownUser { name: user_name.to_string() })?;
        if credentials.disabled {
            return Err(StoreError::UserDisabled { name: user_name.to_string() });
        }
        let user = credentials.user;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a token")?;
        let at = timestamp(Utc::now());
        tx.execute(
            "INSERT INTO api_tokens (token_sha256, user_id, created_at) VALUES (?1, ?2, ?3)",
            params![token_sha256, user.id, at],
        )
        .ctx("storing an API token")?;
        let target = format!("user:{}", user.id);
        let reason = format!("API token created for {}", user.name);
        audit::append(&tx, &NewEntry { at: &at, actor, action: "token_create", target: &target, reason: &reason, subject_sha256: token_sha256, seal_reason: false })?;
        tx.commit().ctx("committing a token")?;
        Ok(user)
    }

    /// The user an API token (given by its SHA-256) acts as, if the token is known and the
    /// user's account is not disabled.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn api_token_user(&self, token_sha256: &str) -> Result<Option<User>> {
        let row: Option<(i64, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT u.id, u.name, u.role FROM api_tokens AS t JOIN users AS u ON u.id = t.user_id \
                 WHERE t.token_sha256 = ?1 AND u.disabled_at IS NULL",
            )
            .and_then(|mut s| s.query_row([token_sha256], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional())
            .ctx("reading an API token")?;
        row.map(|(id, name, role)| Ok(User { id, name, role: parse_role(&role)? })).transpose()
    }

    /// Sets the verification status of an active incident, recording who and why.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownIncident`], [`StoreError::IncidentMerged`], and database errors.
    pub fn set_verification(&mut self, id: IncidentId, status: Verification, author: &str, reason: &str) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a status change")?;
        active_incident(&tx, id)?;
        let at = timestamp(Utc::now());
        tx.execute(
            "INSERT INTO verification (incident_id, status, author, reason, created_at) VALUES (?1, ?2, ?3, testigo_seal(?4), ?5)",
            params![id.0, status.as_str(), author, reason, at],
        )
        .ctx("storing a verification status")?;
        let target = format!("incident:{id}");
        let what = format!("{target} {}", status.as_str());
        let reason = format!("{}: {reason}", status.as_str());
        audit::append(&tx, &NewEntry { at: &at, actor: author, action: "verify", target: &target, reason: &reason, subject_sha256: &sha256_hex(what.as_bytes()), seal_reason: true })?;
        tx.commit().ctx("committing a verification status")
    }

    /// Every verification change of an incident, oldest first; the last is its status (none:
    /// [`Verification::Unverified`]).
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn verification_history(&self, id: IncidentId) -> Result<Vec<VerificationChange>> {
        let rows: Vec<(String, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT status, author, testigo_open(reason), created_at FROM verification WHERE incident_id = ?1 ORDER BY id",
            )
            .and_then(|mut s| s.query_map([id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
            .ctx("reading verification changes")?;
        rows.into_iter()
            .map(|(status, author, reason, at)| {
                Ok(VerificationChange {
                    status: Verification::parse(&status)
                        .ok_or_else(|| StoreError::corrupt("verification status", &status, "unknown status"))?,
                    author,
                    reason,
                    at: parse_timestamp("verification time", &at)?,
                })
            })
            .collect()
    }

    /// Sets fields of an active incident to an analyst's values (see
    /// [`crate::monitor::parse_field_value`]) and returns the new version number. The values
    /// are kept as overrides and re-applied on top of every later version rebuilt from the
    /// incident's observations (a new source, a merge, a split).
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownIncident`], [`StoreError::IncidentMerged`],
    /// [`StoreError::InvalidOverride`] when a field is not editable or a value does not fit,
    /// and database errors.
    pub fn set_fields(&mut self, id: IncidentId, values: &[(String, Value)], author: &str, reason: &str) -> Result<u32> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting an edit")?;
        let state = active_incident(&tx, id)?;
        let current = super::read_version(&tx, id, state.version)?;
        let record = apply_overrides(&current, values)?;
        let at = timestamp(Utc::now());
        // The values may be personal data (a place, nationalities): sealed like the records.
        for (field, value) in values {
            tx.execute(
                "INSERT INTO analyst_overrides (incident_id, field, value, author, reason, created_at) \
                 VALUES (?1, ?2, testigo_seal(?3), ?4, testigo_seal(?5), ?6)",
                params![id.0, field, value.to_string(), author, reason, at],
            )
            .ctx("storing an analyst's value")?;
        }
        let fields: Vec<&str> = values.iter().map(|(f, _)| f.as_str()).collect();
        let reason = format!("set {}: {reason}", fields.join(", "));
        let observations = load_observations(&tx, id)?;
        let docs: Vec<SpanDocument<'_>> = observations.iter().map(|o| o.span_document()).collect();
        let owners = attribute_spans(&record, &docs, &id.to_string())?;
        let version = state.version + 1;
        let meta = VersionMeta { at: &at, actor: author, action: "revise", author, reason: &reason, analyst: true, merged_into: None };
        insert_version(&tx, id.0, version, &record, &meta, &owners)?;
        tx.commit().ctx("committing an edit")?;
        to_version(id, version)
    }

    /// Every analyst override of an incident, oldest first (a later one for the same field
    /// replaces an earlier one).
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn overrides(&self, id: IncidentId) -> Result<Vec<FieldOverride>> {
        let rows: Vec<(String, String, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT field, testigo_open(value), author, testigo_open(reason), created_at FROM analyst_overrides \
                 WHERE incident_id = ?1 ORDER BY id",
            )
            .and_then(|mut s| {
                s.query_map([id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect()
            })
            .ctx("reading analysts' values")?;
        rows.into_iter()
            .map(|(field, value, author, reason, at)| {
                Ok(FieldOverride {
                    value: serde_json::from_str(&value)
                        .map_err(|e| StoreError::corrupt("analyst override", &value, e))?,
                    field,
                    author,
                    reason,
                    at: parse_timestamp("override time", &at)?,
                })
            })
            .collect()
    }

    /// Up to `limit` incidents that match `query` and have coordinates, for the map (ordered as
    /// `query.sort` says).
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn map_points(&self, query: &IncidentQuery, limit: u32) -> Result<Vec<MapPoint>> {
        let _read = Snapshot::begin(&self.conn)?;
        let f = Filter::of(query, self.find_words(query)?, self.earliest_start(query.from)?);
        let limit = i64::from(limit);
        let (filter, params) = f.ordered(query.sort, &[&limit]);
        let sql = format!(
            "SELECT x.incident_id, x.latitude, x.longitude, x.event_type, fc.sub_event_type, x.event_date, \
             testigo_open(fc.location_name), fc.admin1, fc.fatalities {} \
             WHERE {filter} AND x.latitude IS NOT NULL AND x.longitude IS NOT NULL \
             ORDER BY {} LIMIT ?",
            f.from(true),
            order_by(query.sort)
        );
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params.as_slice(), |r| {
                    Ok(MapPoint {
                        id: r.get(0)?,
                        latitude: r.get(1)?,
                        longitude: r.get(2)?,
                        event_type: r.get(3)?,
                        sub_event_type: r.get(4)?,
                        event_date: r.get(5)?,
                        place: r.get(6)?,
                        admin1: r.get(7)?,
                        fatalities: r.get(8)?,
                    })
                })?
                .collect()
            })
            .ctx("reading incidents for the map")
    }

    /// Incidents and fatalities per month, per perpetrator category and per first-level
    /// division, of the incidents that match `query` (its sort and page are ignored).
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn incident_stats(&self, query: &IncidentQuery) -> Result<IncidentStats> {
        let _read = Snapshot::begin(&self.conn)?;
        let f = Filter::of(query, self.find_words(query)?, self.earliest_start(query.from)?);
        let group = |select: &str, join: &str, tail: &str| -> Result<Vec<StatRow>> {
            let sql = format!("SELECT {select}, count(*), sum(coalesce(fc.fatalities, 0)) {}{join} WHERE {} {tail}", f.from(true), f.sql);
            self.conn
                .prepare_cached(&sql)
                .and_then(|mut s| {
                    s.query_map(f.bind(&[]).as_slice(), |r| {
                        Ok(StatRow {
                            key: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                            incidents: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                            fatalities: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                        })
                    })?
                    .collect()
                })
                .ctx("counting incidents")
        };
        Ok(IncidentStats {
            by_month: group("substr(x.event_date, 1, 7) AS k", "", "AND x.event_date IS NOT NULL GROUP BY k ORDER BY k")?,
            by_perpetrator: group("j.value AS k", ", json_each(fc.perpetrator_categories) AS j", "GROUP BY k ORDER BY 2 DESC, k")?,
            by_admin1: group(
                "coalesce(fc.admin1, '?') || coalesce(', ' || x.country, '') AS k",
                "",
                "AND fc.admin1 IS NOT NULL GROUP BY k ORDER BY 2 DESC, k LIMIT 50",
            )?,
        })
    }

    /// One page of the active incidents that match `query`, with the number of all that match.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn search_incidents(&self, query: &IncidentQuery) -> Result<IncidentPage> {
        // The count and the page see the same state of the store.
        let _read = Snapshot::begin(&self.conn)?;
        let f = Filter::of(query, self.find_words(query)?, self.earliest_start(query.from)?);
        // The count needs the facets only for a condition on them; the page also for its order.
        let from = f.from(false);
        let page_from = f.from(query.sort == Sort::FatalitiesDesc);
        // Counting stops at `count_limit` (one more, to tell that there are more).
        let cap = query.count_limit.map_or(-1, |c| i64::from(c) + 1);
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM (SELECT 1 {from} WHERE {} LIMIT ?)", f.sql))
            .and_then(|mut s| s.query_row(f.bind(&[&cap]).as_slice(), |r| r.get(0)))
            .ctx("counting incidents")?;
        let total_is_lower_bound = query.count_limit.is_some_and(|c| total > i64::from(c));
        let total = if total_is_lower_bound { query.count_limit.map_or(total, i64::from) } else { total };
        let limit = query.limit.map_or(-1, i64::from);
        let offset = i64::from(query.offset);
        let (filter, params) = f.ordered(query.sort, &[&limit, &offset]);
        let page: Vec<(i64, i64)> = self
            .conn
            .prepare_cached(&format!("SELECT x.incident_id, x.version {page_from} WHERE {filter} ORDER BY {} LIMIT ? OFFSET ?", order_by(query.sort)))
            .and_then(|mut s| s.query_map(params.as_slice(), |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .ctx("searching incidents")?;
        let mut items = Vec::with_capacity(page.len());
        for (id, version) in page {
            let (record, sources, status): (String, i64, String) = self
                .conn
                .prepare_cached(
                    "SELECT testigo_open(v.record), \
                     (SELECT count(*) FROM incident_sources AS s WHERE s.incident_id = v.incident_id AND s.active = 1), \
                     coalesce((SELECT w.status FROM verification AS w WHERE w.incident_id = v.incident_id \
                               ORDER BY w.id DESC LIMIT 1), 'unverified') \
                     FROM incident_versions AS v WHERE v.incident_id = ?1 AND v.version = ?2",
                )
                .and_then(|mut s| s.query_row(params![id, version], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))))
                .ctx("reading a listed incident")?;
            let id = IncidentId(id);
            let version = to_version(id, version)?;
            items.push(ListedIncident {
                summary: IncidentSummary {
                    id,
                    version,
                    incident: parse_record(id, version, &record)?,
                    sources: usize::try_from(sources).unwrap_or(usize::MAX),
                },
                verification: Verification::parse(&status).unwrap_or_default(),
            });
        }
        Ok(IncidentPage { total: u64::try_from(total).unwrap_or(0), total_is_lower_bound, items })
    }

    /// The first day on which an incident whose date range reaches `from` can start: `from`
    /// less the longest range of the active incidents, found by its span class (the last entry
    /// of the index `incident_index_dates`), or measured among the few of the last class.
    fn earliest_start(&self, from: Option<NaiveDate>) -> Result<Option<NaiveDate>> {
        let Some(from) = from else { return Ok(None) };
        let class: Option<i64> = self
            .conn
            .prepare_cached("SELECT max(span_class) FROM incident_index WHERE merged_into IS NULL")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .ctx("reading the longest date range")?;
        let days = match class {
            None => 0,
            Some(k) => match usize::try_from(k).ok().and_then(|i| SPAN_CLASS_MAX_DAYS.get(i)) {
                Some(&days) => days,
                None => {
                    let longest: Option<f64> = self
                        .conn
                        .prepare_cached(
                            "SELECT max(julianday(coalesce(event_date_end, event_date)) - julianday(event_date)) \
                             FROM incident_index WHERE merged_into IS NULL AND span_class = ?1",
                        )
                        .and_then(|mut s| s.query_row([k], |r| r.get(0)))
                        .ctx("reading the longest date range")?;
                    // Whole days: the julian days of two dates differ by a whole number.
                    longest.map_or(0, |d| if d.is_finite() && (0.0..4e6).contains(&d) { d.ceil() as u64 } else { u64::MAX })
                }
            },
        };
        // No such day (a range longer than the calendar): no bound.
        Ok(from.checked_sub_days(Days::new(days)))
    }

    /// Finds the incidents that the words of `query.text` find, and says how many they are:
    /// an incident is found when one of its active sources holds every word (see
    /// [`search_terms`]). A few go into `temp.search_hits` (a table of this connection only),
    /// more into the connection's [`FoundSet`].
    fn find_words(&self, query: &IncidentQuery) -> Result<Words> {
        let Some(terms) = query.text.as_deref().and_then(search_terms) else {
            return Ok(Words::None);
        };
        // The index's rowids are incident_id * 2^32 + document_id (migration 8): the incidents
        // come out of the index in order, without a lookup of each document's links.
        let mut found: Vec<i64> = self
            .conn
            .prepare_cached("SELECT rowid >> 32 FROM sources_fts WHERE sources_fts MATCH ?1")
            .and_then(|mut s| s.query_map([terms], |r| r.get(0))?.collect())
            .ctx("searching the sources' text")?;
        // In rowid order already; sorted again all the same, as the set needs the largest last.
        found.sort_unstable();
        found.dedup();
        if found.len() > FEW_FOUND {
            self.found.fill(&found);
            return Ok(Words::Many);
        }
        self.conn
            .execute_batch("CREATE TEMP TABLE IF NOT EXISTS search_hits (incident_id INTEGER PRIMARY KEY); DELETE FROM temp.search_hits;")
            .ctx("preparing a search")?;
        let mut insert = self.conn.prepare_cached("INSERT INTO temp.search_hits (incident_id) VALUES (?1)").ctx("preparing a search")?;
        for id in found {
            insert.execute([id]).ctx("keeping a search's incidents")?;
        }
        Ok(Words::Few)
    }
}

/// Several statements that read one state of the store: a savepoint (a read transaction when
/// none is open), released when dropped. The only writes in it are to this connection's
/// temporary tables.
struct Snapshot<'c>(&'c Connection);

impl<'c> Snapshot<'c> {
    fn begin(conn: &'c Connection) -> Result<Snapshot<'c>> {
        conn.execute_batch("SAVEPOINT testigo_read").ctx("starting a read")?;
        Ok(Snapshot(conn))
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        // Nothing to undo (temporary tables only), and nothing to report: releasing a
        // savepoint that exists cannot fail.
        let _ = self.0.execute_batch("RELEASE testigo_read");
    }
}

/// The ORDER BY clause of a sort.
fn order_by(sort: Sort) -> &'static str {
    match sort {
        // NULL sorts first ascending, so last here: unresolved dates come last, and the
        // index on (event_date, incident_id) is read backwards.
        Sort::DateDesc => "x.event_date DESC, x.incident_id DESC",
        Sort::DateAsc => "x.event_date IS NULL, x.event_date, x.incident_id",
        // The facets' copies of the date and the id (the same values), so that the order is
        // that of an index of the facets (migration 8).
        Sort::FatalitiesDesc => "coalesce(fc.fatalities, -1) DESC, fc.event_date DESC, fc.incident_id DESC",
        Sort::Recent => "x.incident_id DESC",
    }
}

/// The current analyst values of an incident (the latest per field), in the order they were
/// set, to re-apply on a version rebuilt from observations.
pub(super) fn current_overrides(conn: &Connection, id: IncidentId) -> Result<Vec<(String, Value)>> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT o.field, testigo_open(o.value) FROM analyst_overrides AS o WHERE o.incident_id = ?1 \
             AND o.id = (SELECT max(p.id) FROM analyst_overrides AS p WHERE p.incident_id = o.incident_id AND p.field = o.field) \
             ORDER BY o.id",
        )
        .and_then(|mut s| s.query_map([id.0], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .ctx("reading analysts' values")?;
    rows.into_iter()
        .map(|(field, value)| {
            let value = serde_json::from_str(&value).map_err(|e| StoreError::corrupt("analyst override", &value, e))?;
            Ok((field, value))
        })
        .collect()
}

pub(super) fn parse_role(role: &str) -> Result<Role> {
    Role::parse(role).ok_or_else(|| StoreError::corrupt("user role", role, "unknown role"))
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, NaiveDate};
    use testigo_core::{Incident, Metadata};

    use super::*;
    use crate::{CandidateWindow, IncidentId, Linker, NewDocument, Observation, Store};

    /// Links nothing by itself; a merge keeps the first account.
    struct NoLinks;

    impl Linker for NoLinks {
        fn window(&self, _new: &Incident) -> Option<CandidateWindow> {
            None
        }
        fn score(&self, _new: &Incident, _existing: &Incident) -> (f64, String) {
            (0.0, String::new())
        }
        fn threshold(&self) -> f64 {
            1.0
        }
        fn merge(&self, observations: &[Observation]) -> Incident {
            observations[0].incident.clone()
        }
    }

    /// An incident on a day of March 2019 in a Mexican state, as its stored record (JSON).
    fn incident(day: u32, admin1: &str, fatalities: u32) -> Incident {
        let date = format!("2019-03-{day:02}");
        serde_json::from_value(serde_json::json!({
            "event_date": date, "event_date_end": date, "date_precision": "day",
            "event_type": "Violence against civilians", "sub_event_type": "Attack", "harms": ["killing"],
            "location": {"name": format!("Place {day}"), "admin1": admin1, "country": "MX",
                         "latitude": 16.0 + f64::from(day) / 10.0, "longitude": -93.0, "geo_precision": 1},
            "perpetrators": [{"text": "policías", "category": "Police", "alleged": false}],
            "victims": {"nationalities": [], "ages": [], "genders": []},
            "fatalities": fatalities, "claims": [], "contested": [], "evidence": {}
        }))
        .expect("an incident record")
    }

    /// An incident from day `first` to day `last` (`YYYY-MM-DD`).
    fn ranged(first: &str, last: &str) -> Incident {
        let mut incident = incident(1, "Sonora", 0);
        incident.event_date = NaiveDate::parse_from_str(first, "%Y-%m-%d").ok();
        incident.event_date_end = NaiveDate::parse_from_str(last, "%Y-%m-%d").ok();
        incident
    }

    fn document(n: usize, text: &str) -> NewDocument {
        let text = format!("Informe {n}. {text}");
        NewDocument {
            sha256: sha256_hex(text.as_bytes()),
            bytes: text.clone().into_bytes(),
            name: format!("{n}.txt"),
            kind: "text".to_string(),
            text,
            metadata: Metadata::default(),
            metadata_source: Value::Null,
            ingested_at: Utc::now(),
            actor: "tester".to_string(),
            sensitive: false,
            simhash: None,
        }
    }

    /// The list, the map and the statistics find the same incidents whether a search's words
    /// find few incidents (the query starts from them) or many (it keeps them as it reads the
    /// others in order), in every order, on every page, with every count limit.
    #[test]
    fn issue_5_broad_and_narrow_searches_agree_with_the_words_in_the_sources() {
        let mut store = SqliteStore::open_in_memory().expect("store");
        // Eleven incidents on eleven days in two states; a form of "disparos" is in the sources
        // of all but incidents 4 and 5, and incident 5 gets one by a merge (incident 11's
        // source); "golpiza" is in three.
        let texts = [
            "Hubo disparos.", "Disparó un agente.", "Dispararon y hubo una golpiza.", "Una golpiza sin más.",
            "Nada de eso.", "Los disparos siguieron.", "Disparos en la noche.", "Otra golpiza, otros disparos.",
            "Disparos cerca del tren.", "Se oyeron disparos.", "Un testigo oyó los disparos.",
        ];
        for (i, text) in texts.iter().enumerate() {
            let day = u32::try_from(i).expect("few") + 1;
            let state = if i % 2 == 0 { "Chiapas" } else { "Coahuila" };
            store.ingest(&document(i, text), &[incident(day, state, day % 3)]).expect("ingest");
        }
        store.merge_incidents(IncidentId(5), IncidentId(11), &NoLinks, "ana", "the same night").expect("merge");
        // An analyst moves incident 2 to another state and day: the facets' copies follow.
        let moved = [("location.admin1".to_string(), Value::from("Chiapas")), ("event_date".to_string(), Value::from("2019-03-30"))];
        store.set_fields(IncidentId(2), &moved, "ana", "the shelter's record").expect("edit");
        let with_disparos = |id: i64| id != 4;
        let with_golpiza = |id: i64| [3, 4, 8].contains(&id);
        let ids = |page: &IncidentPage| page.items.iter().map(|i| i.summary.id.0).collect::<Vec<_>>();
        for (word, found, broad) in [("disparos", &with_disparos as &dyn Fn(i64) -> bool, true), ("golpiza", &with_golpiza, false)] {
            let q = IncidentQuery { text: Some(word.to_string()), ..IncidentQuery::default() };
            let words = store.find_words(&q).expect("words");
            assert_eq!(words, if broad { Words::Many } else { Words::Few }, "{word}");
            for sort in Sort::ALL {
                for admin1 in [None, Some("chiapas")] {
                    let filters = IncidentQuery { sort, admin1: admin1.map(str::to_string), ..IncidentQuery::default() };
                    let all = store.search_incidents(&filters).expect("list");
                    // The order and the state, checked against the records themselves.
                    let key = |i: &ListedIncident| {
                        let incident = &i.summary.incident;
                        let toll = incident.fatalities.map_or(-1, i64::from);
                        let day = incident.event_date.map_or(0, |d| i64::from(d.num_days_from_ce()));
                        let id = i.summary.id.0;
                        match sort {
                            Sort::FatalitiesDesc => (-toll, -day, -id),
                            Sort::DateDesc => (0, -day, -id),
                            Sort::DateAsc => (0, day, id),
                            Sort::Recent => (0, 0, -id),
                        }
                    };
                    assert!(all.items.windows(2).all(|w| key(&w[0]) < key(&w[1])), "{sort:?} {admin1:?}: {:?}", ids(&all));
                    let state = |i: &ListedIncident| i.summary.incident.location.as_ref().and_then(|l| l.admin1.clone());
                    assert!(admin1.is_none() || all.items.iter().all(|i| state(i).as_deref() == Some("Chiapas")));
                    assert_eq!((all.total, all.items.len()), if admin1.is_some() { (6, 6) } else { (10, 10) });
                    let expected: Vec<i64> = ids(&all).into_iter().filter(|id| found(*id)).collect();
                    let searched = IncidentQuery { text: Some(word.to_string()), ..filters.clone() };
                    let got = store.search_incidents(&searched).expect("search");
                    assert_eq!((ids(&got), got.total, got.total_is_lower_bound), (expected.clone(), expected.len() as u64, false), "{word} {sort:?} {admin1:?}");
                    let mut paged = Vec::new();
                    for offset in (0..expected.len() + 2).step_by(2) {
                        let q = IncidentQuery { limit: Some(2), offset: offset as u32, count_limit: Some(3), ..searched.clone() };
                        let page = store.search_incidents(&q).expect("page");
                        assert_eq!((page.total, page.total_is_lower_bound), (expected.len().min(3) as u64, expected.len() > 3));
                        paged.extend(ids(&page));
                    }
                    assert_eq!(paged, expected, "pages of {word} {sort:?} {admin1:?}");
                    let points: Vec<i64> = store.map_points(&searched, 100).expect("map").iter().map(|p| p.id).collect();
                    assert_eq!(points, expected, "map of {word} {sort:?} {admin1:?}");
                    let stats = store.incident_stats(&searched).expect("statistics");
                    assert_eq!(stats.by_month.iter().map(|r| r.incidents).sum::<u64>(), expected.len() as u64);
                }
            }
        }
    }

    /// A filter on the first day finds every incident whose range reaches it, however long
    /// the ranges stored (the filter also bounds the start by the longest one).
    #[test]
    fn issue_5_the_first_day_filter_finds_long_ranges() {
        let mut store = SqliteStore::open_in_memory().expect("store");
        let ranges = [("2019-03-05", "2019-03-05"), ("2019-02-20", "2019-03-10"), ("2013-01-01", "2019-06-01"), ("2019-01-01", "2019-01-02")];
        let found = |store: &SqliteStore, from: &str, to: &str| {
            let q = IncidentQuery {
                from: NaiveDate::parse_from_str(from, "%Y-%m-%d").ok(),
                to: NaiveDate::parse_from_str(to, "%Y-%m-%d").ok(),
                sort: Sort::DateAsc,
                ..IncidentQuery::default()
            };
            let page = store.search_incidents(&q).expect("search");
            let points = store.map_points(&q, 10).expect("map").len() as u64;
            assert_eq!((page.total, points), (page.items.len() as u64, page.total));
            // A condition on the facets (every incident here is a killing) changes nothing.
            let harmed = store.search_incidents(&IncidentQuery { harm: Some("killing".into()), ..q }).expect("search");
            assert_eq!((harmed.total, &harmed.items), (page.total, &page.items));
            page.items.iter().map(|i| i.summary.id.0).collect::<Vec<_>>()
        };
        for (i, (first, last)) in ranges.iter().enumerate() {
            store.ingest(&document(i, "Un informe."), &[ranged(first, last)]).expect("ingest");
            // The bound changes with the longest range stored: checked after each one.
            let expected: Vec<i64> = [3, 4, 2, 1].into_iter().filter(|id| *id <= i as i64 + 1).filter(|id| *id != 4).collect();
            assert_eq!(found(&store, "2019-03-01", "2019-03-31"), expected, "after {} incidents", i + 1);
        }
        assert_eq!(found(&store, "2019-03-06", "2019-12-31"), [3, 2]);
        assert_eq!(found(&store, "2019-01-02", "2019-01-02"), [3, 4]);
        assert_eq!(found(&store, "2019-06-02", "2030-01-01"), Vec::<i64>::new());
        // An analyst moves incident 1 to April: the list and the map follow.
        let moved = [("event_date".to_string(), Value::from("2019-04-15")), ("event_date_end".to_string(), Value::from("2019-04-15"))];
        store.set_fields(IncidentId(1), &moved, "ana", "the shelter's record").expect("edit");
        assert_eq!(found(&store, "2019-03-01", "2019-03-31"), [3, 2]);
        assert_eq!(found(&store, "2019-04-01", "2019-04-30"), [3, 1]);
    }
}
