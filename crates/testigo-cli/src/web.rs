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
    let UserCommand::Add { name, role, password_stdin } = command;
    let password = if *password_stdin {
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_string()
    } else {
        prompt_password()?
    };
    let user = testigo_web::add_user(store, name, *role, &password, &testigo_ingest::actor())?;
    eprintln!("created user {} with role {}", user.name, user.role);
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
