//! `testigo serve`, `testigo user add` and `testigo token create`: the web application and its
//! accounts.

use std::io::{self, BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use testigo_store::monitor::Role;

/// Arguments of `testigo serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Mark cookies Secure: set this when browsers reach the server through HTTPS (a reverse
    /// proxy terminating TLS).
    #[arg(long)]
    secure_cookies: bool,
    /// Serve the read-only public view: no login; incidents redacted (no personal names, no
    /// witness identities, no quotes, no source texts); no search over source texts; no API.
    #[arg(long)]
    public: bool,
}

/// `testigo user …`.
#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is asked for (not echoed), or read from the first line
    /// of standard input with --password-stdin.
    Add {
        /// Login name.
        name: String,
        /// admin (manages users, reads the audit log), analyst (edits) or viewer (reads).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts: name, role, created, last login, disabled.
    List,
    /// Change an account's role (the last active admin keeps theirs).
    Role {
        /// Login name.
        name: String,
        /// admin, analyst or viewer.
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Disable an account: its sessions end and its API tokens are revoked at once. Accounts
    /// are never deleted (their history names them); the last active admin stays.
    Disable {
        /// Login name.
        name: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// Login name.
        name: String,
    },
    /// Set a new password (asked for, or the first line of standard input with
    /// --password-stdin); the account's sessions end.
    Password {
        /// Login name.
        name: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `testigo token …`.
#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Create an API token acting as a user (with their role), printed once on stdout.
    Create {
        /// The user.
        #[arg(long)]
        user: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("unknown role {s:?}; use admin, analyst or viewer"))
}

/// Runs the server until it is stopped.
pub fn serve(db: &Path, key_file: &Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let config = testigo_web::Config {
        db: db.to_path_buf(),
        key_file: Some(key_file.to_path_buf()),
        secure_cookies: args.secure_cookies,
        connections: 4,
        public: args.public,
    };
    testigo_web::serve_blocking(config, args.addr)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `testigo user add`.
pub fn user(store: &mut testigo_store::SqliteStore, command: &UserCommand) -> anyhow::Result<()> {
    let actor = testigo_ingest::actor();
    let read_password = |from_stdin: bool| -> anyhow::Result<String> {
        if from_stdin {
            let mut line = String::new();
            io::stdin().lock().read_line(&mut line)?;
            Ok(line.trim_end_matches(['\n', '\r']).to_string())
        } else {
            prompt_password()
        }
    };
    let id_of = |store: &testigo_store::SqliteStore, name: &str| -> anyhow::Result<i64> {
        match store.user_credentials(name)? {
            Some(c) => Ok(c.user.id),
            None => anyhow::bail!("no user named {name:?} (see `testigo user list`)"),
        }
    };
    match command {
        UserCommand::Add { name, role, password_stdin } => {
            let password = read_password(*password_stdin)?;
            let user = testigo_web::add_user(store, name, *role, &password, &actor)?;
            eprintln!("created user {} with role {}", user.name, user.role);
        }
        UserCommand::List => {
            println!("{:<24} {:<8} {:<17} {:<17} state", "name", "role", "created (UTC)", "last login (UTC)");
            let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map_or_else(|| "-".to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string());
            for a in store.user_accounts()? {
                let state = match a.disabled_at {
                    Some(t) => format!("disabled {}", when(Some(t))),
                    None => "active".to_string(),
                };
                println!("{:<24} {:<8} {:<17} {:<17} {state}", a.user.name, a.user.role, when(Some(a.created_at)), when(a.last_login_at));
            }
        }
        UserCommand::Role { name, role } => {
            let a = store.set_user_role(id_of(store, name)?, *role, &actor)?;
            eprintln!("{} is now {}", a.user.name, a.user.role);
        }
        UserCommand::Disable { name } => {
            let ended = store.disable_user(id_of(store, name)?, &actor)?;
            eprintln!("disabled {name}: {} session(s) ended, {} API token(s) revoked", ended.sessions, ended.tokens);
        }
        UserCommand::Enable { name } => {
            store.enable_user(id_of(store, name)?, &actor)?;
            eprintln!("enabled {name}");
        }
        UserCommand::Password { name, password_stdin } => {
            let id = id_of(store, name)?;
            let password = read_password(*password_stdin)?;
            if password.chars().count() < testigo_web::auth::MIN_PASSWORD_CHARS {
                anyhow::bail!("the password must have at least {} characters", testigo_web::auth::MIN_PASSWORD_CHARS);
            }
            let ended = store.set_password(id, &testigo_web::auth::hash_password(&password)?, &actor)?;
            eprintln!("new password set for {name}: {} session(s) ended", ended.sessions);
        }
    }
    Ok(())
}

/// Runs `testigo token create`.
pub fn token(store: &mut testigo_store::SqliteStore, command: &TokenCommand) -> anyhow::Result<()> {
    let TokenCommand::Create { user } = command;
    let token = testigo_web::create_token(store, user, &testigo_ingest::actor())?;
    println!("{token}");
    eprintln!("this token is shown once: keep it; send it as `Authorization: Bearer TOKEN`");
    Ok(())
}

/// Asks for a password twice on the terminal without echoing it.
fn prompt_password() -> anyhow::Result<String> {
    if !io::stdin().is_terminal() {
        anyhow::bail!("standard input is not a terminal; give the password on standard input with --password-stdin");
    }
    let read = |label: &str| -> anyhow::Result<String> {
        eprint!("{label}: ");
        io::stderr().flush()?;
        // `stty` switches echo off for the terminal on standard input (and back on after).
        let _ = std::process::Command::new("stty").arg("-echo").stdin(std::process::Stdio::inherit()).status();
        let mut line = String::new();
        let result = io::stdin().lock().read_line(&mut line);
        let _ = std::process::Command::new("stty").arg("echo").stdin(std::process::Stdio::inherit()).status();
        eprintln!();
        result?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    };
    let first = read("Password")?;
    if read("Again")? != first {
        anyhow::bail!("the two passwords differ");
    }
    Ok(first)
}
