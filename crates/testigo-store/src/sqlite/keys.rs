//! The store's side of encryption at rest: the SQL functions that seal and open values, the
//! check that the key given is the database's, and key rotation.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::audit;
use crate::crypto::{StoreKey, TEXT_PREFIX};
use crate::error::SqlContext;
use crate::{Result, StoreError};

/// Who holds the key, for the SQL functions: the key (if any), the database and the key file
/// looked for, for messages.
#[derive(Clone)]
pub(crate) struct Keyholder {
    pub(crate) key: Option<Arc<StoreKey>>,
    pub(crate) db: PathBuf,
    pub(crate) key_path: Option<PathBuf>,
}

impl Keyholder {
    fn missing(&self, key_id: String) -> StoreError {
        StoreError::KeyMissing { db: self.db.clone(), key_id, key_path: self.key_path.clone() }
    }

    /// Opens a sealed text, or returns a plain one as it is.
    pub(crate) fn open_text(&self, value: &str, what: &str) -> Result<String> {
        if !value.starts_with(TEXT_PREFIX) {
            return Ok(value.to_string());
        }
        match &self.key {
            Some(key) => key.open_text(value, what),
            None => Err(self.missing(crate::crypto::envelope_key_id(value.as_bytes()).unwrap_or_default())),
        }
    }

    /// Opens a sealed original.
    pub(crate) fn open_blob(&self, value: &[u8], what: &str) -> Result<Vec<u8>> {
        match &self.key {
            Some(key) => key.open(value, what),
            None => Err(self.missing(crate::crypto::envelope_key_id(value).unwrap_or_default())),
        }
    }

    /// Seals a text when there is a key; without one it stays as it is.
    pub(crate) fn seal_text(&self, value: &str) -> Result<String> {
        match &self.key {
            Some(key) => key.seal_text(value),
            None => Ok(value.to_string()),
        }
    }
}

thread_local! {
    /// The last error of one of the SQL functions on this thread, with its message. SQLite
    /// passes only the message of a function's error back to the statement that called it;
    /// [`take_function_error`] recovers the error itself. Functions run on the thread that
    /// steps the statement, so the error is the caller's.
    static FUNCTION_ERROR: std::cell::RefCell<Option<(String, StoreError)>> = const { std::cell::RefCell::new(None) };
}

fn user_error(e: StoreError) -> rusqlite::Error {
    let message = e.to_string();
    FUNCTION_ERROR.with(|last| *last.borrow_mut() = Some((message.clone(), e)));
    rusqlite::Error::UserFunctionError(message.into())
}

/// The error of an SQL function that made `source` fail, if one did.
pub(crate) fn take_function_error(source: &rusqlite::Error) -> Option<StoreError> {
    let message = match source {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        rusqlite::Error::UserFunctionError(e) => e.to_string(),
        _ => return None,
    };
    FUNCTION_ERROR.with(|last| {
        let mut last = last.borrow_mut();
        if last.as_ref().is_some_and(|(m, _)| *m == message) {
            last.take().map(|(_, e)| e)
        } else {
            None
        }
    })
}

/// The text argument `i` of an SQL function call, `None` for NULL.
fn text_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    match ctx.get_raw(i) {
        ValueRef::Null => Ok(None),
        ValueRef::Text(t) | ValueRef::Blob(t) => Ok(Some(String::from_utf8_lossy(t).into_owned())),
        ValueRef::Integer(n) => Ok(Some(n.to_string())),
        ValueRef::Real(x) => Ok(Some(x.to_string())),
    }
}

/// Registers (or replaces) the SQL functions that seal and open values with `holder`'s key:
///
/// - `testigo_seal(text)`: the sealed text with a key, the text itself without one; NULL stays
///   NULL.
/// - `testigo_open(text)`: a sealed text opened, a plain one as it is; NULL stays NULL.
/// - `testigo_open_blob(blob)`: a sealed original opened.
///
/// Their errors (no key, wrong key, altered data) reach callers as the [`StoreError`] itself.
pub(crate) fn register(conn: &Connection, holder: &Keyholder) -> rusqlite::Result<()> {
    let h = holder.clone();
    conn.create_scalar_function("testigo_seal", 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
        text_arg(ctx, 0)?.map(|t| h.seal_text(&t)).transpose().map_err(user_error)
    })?;
    let h = holder.clone();
    conn.create_scalar_function(
        "testigo_open",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| text_arg(ctx, 0)?.map(|t| h.open_text(&t, "a stored value")).transpose().map_err(user_error),
    )?;
    let h = holder.clone();
    conn.create_scalar_function(
        "testigo_open_blob",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| match ctx.get_raw(0) {
            ValueRef::Blob(b) | ValueRef::Text(b) => h.open_blob(b, "a stored original").map(Value::Blob).map_err(user_error),
            _ => Ok(Value::Null),
        },
    )?;
    Ok(())
}

/// The id of the database's current key, if it has one.
pub(crate) fn current_key_id(conn: &Connection) -> Result<Option<String>> {
    conn.query_row("SELECT key_id FROM keyring WHERE retired_at IS NULL", [], |r| r.get(0))
        .optional()
        .ctx("reading the keyring")
}

/// Checks the key given against the database's: a database without a key adopts the one
/// given (from now on its personal data is encrypted with it); one with a key refuses another
/// key, or none.
pub(crate) fn check(conn: &Connection, holder: &Keyholder, at: &str) -> Result<()> {
    let current = current_key_id(conn)?;
    match (&holder.key, current) {
        (None, None) => Ok(()),
        (None, Some(id)) => Err(holder.missing(id)),
        (Some(key), Some(id)) if id == key.id() => Ok(()),
        (Some(key), Some(id)) => {
            Err(StoreError::WrongKey { key_path: key.path().to_path_buf(), expected: id, found: key.id().to_string() })
        }
        (Some(key), None) => {
            conn.execute("INSERT INTO keyring (key_id, added_at) VALUES (?1, ?2)", params![key.id(), at])
                .ctx("recording the key")?;
            Ok(())
        }
    }
}

/// What [`crate::SqliteStore::rotate_key`] re-encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// The id of the key retired (`None` when the database had no key: its personal data was
    /// stored in plain text until now).
    pub old_key_id: Option<String>,
    /// The id of the new current key.
    pub new_key_id: String,
    /// Values encrypted under the new key (texts and originals).
    pub values: u64,
}

/// Re-encrypts every sealed value under `new` and seals the personal data still in plain
/// text, in one transaction: the write-once triggers are dropped and re-created around the
/// rewrite (the one sanctioned rewrite: the plaintext, and so every digest, stays the same),
/// the old key is retired and a `key_rotate` audit entry is appended.
pub(crate) fn rotate(
    conn: &mut Connection,
    old: &Keyholder,
    new: &Arc<StoreKey>,
    actor: &str,
    at: &str,
) -> Result<Rotation> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a key rotation")?;
    let old_id = current_key_id(&tx)?;
    let old_holder = old.clone();
    let target = new.clone();
    // testigo_rekey(text): opened with the old key (plain text as it is), sealed with the new.
    tx.create_scalar_function("testigo_rekey", 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
        text_arg(ctx, 0)?
            .map(|t| old_holder.open_text(&t, "a stored value").and_then(|p| target.seal_text(&p)))
            .transpose()
            .map_err(user_error)
    })
    .ctx("preparing a key rotation")?;
    let old_holder = old.clone();
    let target = new.clone();
    tx.create_scalar_function("testigo_rekey_blob", 1, FunctionFlags::SQLITE_UTF8, move |ctx| match ctx.get_raw(0) {
        ValueRef::Blob(b) => old_holder
            .open_blob(b, "a stored original")
            .and_then(|p| target.seal(&p))
            .map(Value::Blob)
            .map_err(user_error),
        _ => Ok(Value::Null),
    })
    .ctx("preparing a key rotation")?;

    let triggers = lift_update_triggers(&tx)?;
    let mut values = 0u64;
    for sql in [
        "UPDATE incident_versions SET record = testigo_rekey(record)",
        "UPDATE observations SET record = testigo_rekey(record)",
        "UPDATE claims SET text = testigo_rekey(text), attributed_to = testigo_rekey(attributed_to), \
         value = testigo_rekey(value)",
        "UPDATE documents SET name = testigo_rekey(name), title = testigo_rekey(title), \
         publisher = testigo_rekey(publisher), url = testigo_rekey(url), text = testigo_rekey(text), \
         metadata_source = testigo_rekey(metadata_source) WHERE sealed = 1",
        // Reasons may hold an analyst's words; all are sealed (the audit hash is over the plain
        // reason, so the chain still verifies).
        "UPDATE incident_versions SET reason = testigo_rekey(reason)",
        "UPDATE incident_sources SET link_reason = testigo_rekey(link_reason)",
        "UPDATE audit_log SET reason = testigo_rekey(reason)",
        // The web application's analyst overrides and verification statuses (migration 6).
        "UPDATE analyst_overrides SET value = testigo_rekey(value), reason = testigo_rekey(reason)",
        "UPDATE verification SET reason = testigo_rekey(reason)",
        "UPDATE originals SET bytes = testigo_rekey_blob(bytes) WHERE sealed = 1",
    ] {
        let n = tx.execute(sql, []).ctx("re-encrypting")?;
        values += u64::try_from(n).unwrap_or(0);
    }
    restore_triggers(&tx, &triggers)?;
    tx.execute("UPDATE keyring SET retired_at = ?1 WHERE retired_at IS NULL", [at]).ctx("retiring the old key")?;
    tx.execute("INSERT INTO keyring (key_id, added_at) VALUES (?1, ?2)", params![new.id(), at])
        .ctx("recording the new key")?;
    let reason = match &old_id {
        Some(old) => format!("re-encrypted {values} rows under key id {} (was key id {old})", new.id()),
        None => format!("encrypted {values} rows under key id {} (they were not encrypted before)", new.id()),
    };
    audit::append(
        &tx,
        &audit::NewEntry {
            at,
            actor,
            action: "key_rotate",
            target: "store",
            reason: &reason,
            subject_sha256: &super::sha256_hex(new.id().as_bytes()),
            seal_reason: false,
        },
    )?;
    tx.commit().ctx("committing a key rotation")?;
    Ok(Rotation { old_key_id: old_id, new_key_id: new.id().to_string(), values })
}

/// Drops the `BEFORE UPDATE` triggers that make rows write-once, inside the caller's
/// transaction, for the sanctioned rewrites (re-encryption: the plaintext stays the same);
/// returns them for [`restore_triggers`].
pub(crate) fn lift_update_triggers(tx: &Connection) -> Result<Vec<(String, String)>> {
    let triggers: Vec<(String, String)> = tx
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%BEFORE UPDATE%'")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .ctx("reading the triggers")?;
    for (name, _) in &triggers {
        tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\""))).ctx("lifting a trigger")?;
    }
    Ok(triggers)
}

/// Re-creates the triggers [`lift_update_triggers`] dropped.
pub(crate) fn restore_triggers(tx: &Connection, triggers: &[(String, String)]) -> Result<()> {
    for (_, sql) in triggers {
        tx.execute_batch(sql).ctx("restoring a trigger")?;
    }
    Ok(())
}

/// Where a store's key came from, for [`crate::SqliteStore::open_with_key_file`].
pub(crate) fn load_if_present(key_file: &Path) -> Result<Option<StoreKey>> {
    match std::fs::metadata(key_file) {
        Ok(_) => StoreKey::load(key_file).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::KeyFile { path: key_file.to_path_buf(), reason: format!("cannot read it: {e}") }),
    }
}
