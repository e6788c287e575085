//! Real mail servers on loopback for the app's E2E tests (the same Dovecot + aiosmtpd + OAuth2
//! token stub as this crate's tests, `tests/support`), driven over stdin/stdout by a test written
//! in another language:
//!
//! ```text
//! cargo run -p mesa-mailnet --example mail_servers [-- --oauth] [--tls]
//! ```
//!
//! prints one JSON line (`imap_port`, `smtp_port`, `token_port`, `user`, `password`,
//! `good_token`, `maildir`) and then reads commands, one per line, answering one line each:
//! - `append FILE [RFC3339]` — APPENDs the raw message in FILE to INBOX with that arrival time
//!   (INTERNALDATE; default now) → `ok UID` or `error …`;
//! - `count FOLDER` → `ok N`;
//! - `revoke` (with `--oauth`): the token stub revokes every refresh token and the access token,
//!   as an administrator revoking the app would, until the next sign-in → `ok revoked`;
//! - `quit` (or end of input) stops the servers and exits.
#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use mesa_mailnet::{Credential, ImapSession};
use support::{Options, Servers, GOOD_TOKEN, PASSWORD, USER};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = Options {
        oauth: args.iter().any(|a| a == "--oauth"),
        tls: args.iter().any(|a| a == "--tls"),
        smtp_auth_reply: None,
    };
    let servers = Servers::start(opts);
    let hello = serde_json::json!({
        "imap_port": servers.imap_port,
        "imaps_port": servers.imaps_port,
        "smtp_port": servers.smtp_port,
        "token_port": servers.token_port,
        "user": USER,
        "password": PASSWORD,
        "good_token": GOOD_TOKEN,
        "maildir": servers.maildir,
    });
    let mut out = std::io::stdout().lock();
    writeln!(out, "{hello}").ok();
    out.flush().ok();
    let account = servers.account();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let mut words = line.split_whitespace();
        let answer = match (words.next(), words.next(), words.next()) {
            (Some("quit"), _, _) => break,
            (Some("append"), Some(file), date) => {
                let when = match date {
                    Some(d) => DateTime::parse_from_rfc3339(d).map_err(|e| e.to_string()),
                    None => Ok(Utc::now().fixed_offset()),
                };
                when.and_then(|when| {
                    let raw = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
                    let mut s =
                        ImapSession::connect(&account, &Credential::Password(PASSWORD.into()))
                            .map_err(|e| e.to_string())?;
                    let uid = s.append("INBOX", &raw, when).map_err(|e| e.to_string())?;
                    s.logout();
                    Ok(format!("ok {}", uid.unwrap_or(0)))
                })
                .unwrap_or_else(|e| format!("error {e}"))
            }
            (Some("count"), Some(folder), _) => {
                ImapSession::connect(&account, &Credential::Password(PASSWORD.into()))
                    .and_then(|mut s| {
                        let n = s.count(folder);
                        s.logout();
                        n
                    })
                    .map(|n| format!("ok {n}"))
                    .unwrap_or_else(|e| format!("error {e}"))
            }
            (Some("revoke"), _, _) => match servers.token_port {
                Some(port) => revoke(port).unwrap_or_else(|e| format!("error {e}")),
                None => "error sin --oauth no hay servidor de tokens".to_string(),
            },
            _ => format!("error orden desconocida: {line}"),
        };
        writeln!(out, "{answer}").ok();
        out.flush().ok();
    }
    drop(servers);
}

/// POST /revoke to the token stub (plain HTTP on loopback).
fn revoke(port: u16) -> Result<String, String> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    write!(
        s,
        "POST /revoke HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).map_err(|e| e.to_string())?;
    if answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200") {
        Ok("ok revoked".to_string())
    } else {
        Err(answer.lines().next().unwrap_or_default().to_string())
    }
}
