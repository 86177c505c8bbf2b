//! The SQL of user management by admins: listing accounts, changing a role, disabling and
//! enabling an account, setting a password. Each change is one transaction with its audit entry.
//!
//! Accounts are never deleted (a trigger refuses it): the record names its authors by user name,
//! so an account that leaves is disabled, which keeps its name taken and its history readable.

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::audit::{self, NewEntry};
use super::monitor::parse_role;
use super::{parse_timestamp, sha256_hex, timestamp, SqliteStore};
use crate::error::SqlContext;
use crate::monitor::{AccessEnded, Role, User, UserAccount};
use crate::{Result, StoreError};

const ACCOUNT_COLUMNS: &str = "id, name, role, created_at, last_login_at, disabled_at";

type AccountRow = (i64, String, String, String, Option<String>, Option<String>);

fn account_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn to_account((id, name, role, created, last_login, disabled): AccountRow) -> Result<UserAccount> {
    Ok(UserAccount {
        user: User { id, name, role: parse_role(&role)? },
        created_at: parse_timestamp("user creation time", &created)?,
        last_login_at: last_login.map(|t| parse_timestamp("last login time", &t)).transpose()?,
        disabled_at: disabled.map(|t| parse_timestamp("user disabling time", &t)).transpose()?,
    })
}

/// The account `id`, or [`StoreError::UnknownUserId`].
fn account(conn: &Connection, id: i64) -> Result<UserAccount> {
    let row = conn
        .prepare_cached(&format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], account_row).optional())
        .ctx("reading a user")?;
    to_account(row.ok_or(StoreError::UnknownUserId { id })?)
}

/// Refuses a change that takes the admin role or access away from `target` when no other
/// active admin would remain.
fn keep_an_admin(conn: &Connection, target: &UserAccount) -> Result<()> {
    if target.user.role != Role::Admin || target.disabled_at.is_some() {
        return Ok(());
    }
    let others: i64 = conn
        .query_row(
            "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?1",
            [target.user.id],
            |r| r.get(0),
        )
        .ctx("counting admins")?;
    if others == 0 {
        return Err(StoreError::LastAdmin { name: target.user.name.clone() });
    }
    Ok(())
}

/// Ends every browser session of user `id`; returns how many there were.
fn end_sessions(conn: &Connection, id: i64) -> Result<usize> {
    conn.execute("DELETE FROM sessions WHERE user_id = ?1", [id]).ctx("ending a user's sessions")
}

/// Appends the audit entry of a change of account `target` (its reason hashed as subject).
fn audit_account(conn: &Connection, at: &str, actor: &str, action: &str, target: &UserAccount, reason: &str) -> Result<()> {
    let target = format!("user:{}", target.user.id);
    audit::append(
        conn,
        &NewEntry { at, actor, action, target: &target, reason, subject_sha256: &sha256_hex(reason.as_bytes()), seal_reason: false },
    )?;
    Ok(())
}

impl SqliteStore {
    /// Every account, active and disabled, by name.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn user_accounts(&self) -> Result<Vec<UserAccount>> {
        let rows: Vec<AccountRow> = self
            .conn
            .prepare_cached(&format!("SELECT {ACCOUNT_COLUMNS} FROM users ORDER BY name"))
            .and_then(|mut s| s.query_map([], account_row)?.collect())
            .ctx("listing users")?;
        rows.into_iter().map(to_account).collect()
    }

    /// The account with this id, if there is one.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn user_account(&self, id: i64) -> Result<Option<UserAccount>> {
        match account(&self.conn, id) {
            Ok(a) => Ok(Some(a)),
            Err(StoreError::UnknownUserId { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Gives account `id` another role, recording who (`actor`) did in the audit log, and
    /// returns the account as it is now. The new role applies at once to its sessions and
    /// tokens. Giving the role it has changes nothing and records nothing.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownUserId`], [`StoreError::LastAdmin`] when this would leave no
    /// active admin, and database errors.
    pub fn set_user_role(&mut self, id: i64, role: Role, actor: &str) -> Result<UserAccount> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a role change")?;
        let before = account(&tx, id)?;
        if before.user.role == role {
            return Ok(before);
        }
        if role != Role::Admin {
            keep_an_admin(&tx, &before)?;
        }
        tx.execute("UPDATE users SET role = ?1 WHERE id = ?2", params![role.as_str(), id]).ctx("changing a role")?;
        let reason = format!("role of {} changed from {} to {}", before.user.name, before.user.role, role);
        audit_account(&tx, &timestamp(Utc::now()), actor, "user_role", &before, &reason)?;
        let after = account(&tx, id)?;
        tx.commit().ctx("committing a role change")?;
        Ok(after)
    }

    /// Disables account `id`: it may no longer log in, its browser sessions end and its API
    /// tokens are revoked at once; its name stays taken and its history keeps naming it.
    /// Recorded in the audit log with who (`actor`) did it. Disabling a disabled account
    /// changes nothing.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownUserId`], [`StoreError::LastAdmin`] when this would leave no
    /// active admin, and database errors.
    pub fn disable_user(&mut self, id: i64, actor: &str) -> Result<AccessEnded> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting to disable a user")?;
        let before = account(&tx, id)?;
        if before.disabled_at.is_some() {
            return Ok(AccessEnded::default());
        }
        keep_an_admin(&tx, &before)?;
        let at = timestamp(Utc::now());
        tx.execute("UPDATE users SET disabled_at = ?1 WHERE id = ?2", params![at, id]).ctx("disabling a user")?;
        let ended = AccessEnded {
            sessions: end_sessions(&tx, id)?,
            tokens: tx.execute("DELETE FROM api_tokens WHERE user_id = ?1", [id]).ctx("revoking a user's tokens")?,
        };
        let reason = format!(
            "user {} disabled; {} session(s) ended, {} API token(s) revoked",
            before.user.name, ended.sessions, ended.tokens
        );
        audit_account(&tx, &at, actor, "user_disable", &before, &reason)?;
        tx.commit().ctx("committing a disabled user")?;
        Ok(ended)
    }

    /// Enables a disabled account `id` again (with its role and password; its revoked API
    /// tokens stay revoked), recording who (`actor`) did in the audit log. Enabling an active
    /// account changes nothing.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownUserId`] and database errors.
    pub fn enable_user(&mut self, id: i64, actor: &str) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting to enable a user")?;
        let before = account(&tx, id)?;
        if before.disabled_at.is_none() {
            return Ok(());
        }
        tx.execute("UPDATE users SET disabled_at = NULL WHERE id = ?1", [id]).ctx("enabling a user")?;
        let reason = format!("user {} enabled again", before.user.name);
        audit_account(&tx, &timestamp(Utc::now()), actor, "user_enable", &before, &reason)?;
        tx.commit().ctx("committing an enabled user")
    }

    /// Sets the password hash (made by the caller) of account `id`, ends its browser sessions,
    /// and records who (`actor`) did in the audit log (never the password or its hash). Its API
    /// tokens stay valid: disable the account to revoke them.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownUserId`] and database errors.
    pub fn set_password(&mut self, id: i64, password_hash: &str, actor: &str) -> Result<AccessEnded> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).ctx("starting a password change")?;
        let before = account(&tx, id)?;
        tx.execute("UPDATE users SET password_hash = ?1 WHERE id = ?2", params![password_hash, id]).ctx("setting a password")?;
        let ended = AccessEnded { sessions: end_sessions(&tx, id)?, tokens: 0 };
        let reason = format!("password of {} set; {} session(s) ended", before.user.name, ended.sessions);
        audit_account(&tx, &timestamp(Utc::now()), actor, "user_password", &before, &reason)?;
        tx.commit().ctx("committing a password change")?;
        Ok(ended)
    }
}
