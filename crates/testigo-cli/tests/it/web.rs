//! `testigo user add`, `testigo token create` and `testigo serve` (issue 5).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::cli::{run, Db};

#[test]
fn issue_5_users_and_tokens_from_the_command_line() {
    let db = Db::new();
    let o = run(&db, &["user", "add", "ana", "--role", "analyst", "--password-stdin"]).with_stdin("a-long-password\n");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("created user ana with role analyst"), "{}", o.stderr);
    let o = run(&db, &["user", "add", "ana", "--role", "viewer", "--password-stdin"]).with_stdin("another-long-password\n");
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("already a user named \"ana\""), "{}", o.stderr);
    let o = run(&db, &["user", "add", "bob", "--role", "viewer", "--password-stdin"]).with_stdin("short\n");
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("at least 10 characters"), "{}", o.stderr);
    let o = run(&db, &["user", "add", "bob", "--role", "boss", "--password-stdin"]);
    assert_eq!(o.code, 2);
    // No terminal and no --password-stdin: refused with a hint, not read blindly.
    let o = run(&db, &["user", "add", "bob", "--role", "viewer"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--password-stdin"), "{}", o.stderr);

    let o = run(&db, &["token", "create", "--user", "ana"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let token = o.stdout.trim();
    assert!(token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    let again = run(&db, &["token", "create", "--user", "ana"]);
    assert_ne!(again.stdout.trim(), token, "a new token each time");
    let o = run(&db, &["token", "create", "--user", "nobody"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no user named \"nobody\""), "{}", o.stderr);
    // The database holds only the token's digest.
    assert_eq!(occurrences(&db.path, token), 0);
}

/// An admin manages accounts from the command line as on the Users page: list, role,
/// disable (the API token stops existing), enable, new password; the last admin stays one.
#[test]
fn issue_5_accounts_are_managed_from_the_command_line() {
    let db = Db::new();
    for (name, role) in [("root", "admin"), ("ana", "analyst")] {
        let o = run(&db, &["user", "add", name, "--role", role, "--password-stdin"]).with_stdin("a-long-password\n");
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    let token = run(&db, &["token", "create", "--user", "ana"]).stdout.trim().to_string();
    assert_eq!(token.len(), 64);
    let o = run(&db, &["user", "list"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let line = |out: &str, name: &str| out.lines().find(|l| l.starts_with(name)).map(str::to_string).unwrap_or_default();
    assert!(line(&o.stdout, "ana ").contains("analyst") && line(&o.stdout, "ana ").ends_with("active"), "{}", o.stdout);
    let o = run(&db, &["user", "role", "ana", "viewer"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("ana is now viewer"), "{}", o.stderr);
    // The last active admin cannot be demoted or disabled.
    let o = run(&db, &["user", "role", "root", "viewer"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = run(&db, &["user", "disable", "root"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = run(&db, &["user", "disable", "ana"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("1 API token(s) revoked"), "{}", o.stderr);
    let o = run(&db, &["user", "list"]);
    assert!(line(&o.stdout, "ana ").contains("viewer") && line(&o.stdout, "ana ").contains("disabled 20"), "{}", o.stdout);
    let o = run(&db, &["user", "enable", "ana"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(line(&run(&db, &["user", "list"]).stdout, "ana ").ends_with("active"));
    let o = run(&db, &["user", "password", "ana", "--password-stdin"]).with_stdin("short\n");
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("at least 10 characters"), "{}", o.stderr);
    let o = run(&db, &["user", "password", "ana", "--password-stdin"]).with_stdin("another-long-password\n");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(&db, &["user", "disable", "nobody"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no user named \"nobody\""), "{}", o.stderr);
    // Every change is in the audit log, which still verifies; no password is in the database.
    let o = run(&db, &["verify"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(occurrences(&db.path, "another-long-password"), 0);
}

/// How many times `token` itself occurs in the database file and its write-ahead log.
fn occurrences(path: &std::path::Path, token: &str) -> usize {
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    [path.to_path_buf(), wal]
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_default())
        .map(|bytes| bytes.windows(token.len()).filter(|w| *w == token.as_bytes()).count())
        .sum()
}

#[test]
fn issue_5_serve_answers_healthz() {
    let db = Db::new();
    // Port 0: the system picks a free port, which the server prints on standard error.
    let mut child = Command::new(env!("CARGO_BIN_EXE_testigo"))
        .arg("--db")
        .arg(&db.path)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn testigo serve");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("read the first line");
    let addr = line.trim().rsplit("http://").next().expect("an address").to_string();
    let mut stream = TcpStream::connect(&addr).expect("connect");
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    child.kill().expect("kill");
    child.wait().expect("wait");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"), "{response}");
}
