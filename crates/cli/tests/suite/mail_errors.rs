//! `mesa mail` failures reach the command line with their own stable codes (not `validation`),
//! against real servers on loopback: a refused port, a wrong password, a missing folder,
//! Microsoft's SMTP refusals (5.7.139, 5.7.30, injected into the aiosmtpd receiver); and an
//! OAuth2 account end to end: `mail account --oauth`, `mail connect` through the PKCE loopback
//! redirect (the test plays the browser), fetch with XOAUTH2, a revoked refresh token →
//! `mail_reconnect` remembered by `mail status` until `mail connect` again.
//!
//! The servers are addressed as `localhost` (not 127.0.0.1): the credential store key is
//! `user@host`, so these steps never share a secret with `mailwire.rs` running alongside.
//! Everything is one test, in order, for the same reason.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

use chrono::{FixedOffset, TimeZone};
use mesa_mailnet::{Credential, ImapSession};
use serde_json::Value;

use crate::common::Env;

// The loopback servers, loaded once by mailwire.rs.
use crate::mailwire::support::{Options, Servers, GOOD_REFRESH, PASSWORD, USER};

const NOW: &str = "2026-12-02T09:00";
const KEY: &str = "sistemas@entidad.gov.co@localhost";

fn account(env: &Env, imap_port: u16, smtp_port: u16, extra: &[&str], stdin: Option<&str>) {
    let mut cmd = env.cmd();
    cmd.args(["--now", NOW, "mail", "account"])
        .args(["--imap", &format!("localhost:{imap_port}")])
        .args(["--smtp", &format!("localhost:{smtp_port}")])
        .args(["--security", "none", "--user", USER])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if stdin.is_some() {
        cmd.arg("--password-stdin");
    }
    let mut child = cmd.spawn().unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            writeln!(input, "{text}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "mail account: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or_default()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn append(srv: &Servers, id: &str) {
    let mut s =
        ImapSession::connect(&srv.account(), &Credential::Password(PASSWORD.into())).unwrap();
    let raw = format!(
        "From: Ana <ana@entidad.gov.co>\r\nTo: {USER}\r\nSubject: Solicitud {id}\r\n\
         Message-ID: <{id}@entidad.gov.co>\r\nDate: Wed, 2 Dec 2026 08:00:00 -0500\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nNo funciona el equipo.\r\n"
    );
    let at = FixedOffset::west_opt(5 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 12, 2, 8, 0, 0)
        .unwrap();
    s.append("INBOX", raw.as_bytes(), at).unwrap();
    s.logout();
}

/// Plays the system browser: the provider redirects back to the loopback URL with a code.
fn browser_returns(url: &str) {
    let parsed = url::Url::parse(url).unwrap();
    let q = |k: &str| {
        parsed
            .query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let redirect = url::Url::parse(&q("redirect_uri")).unwrap();
    let port = redirect.port().unwrap();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /?code=the-code&state={} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        q("state")
    )
    .unwrap();
    let mut page = String::new();
    let _ = s.read_to_string(&mut page);
    assert!(page.contains("quedó conectada"), "{page}");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs Dovecot and aiosmtpd, Linux programs not available under Wine; runs in the Linux suite"
)]
fn mail_failures_have_their_own_codes_and_an_oauth2_account_reconnects() {
    let srv = Servers::start(Options {
        oauth: true,
        ..Options::default()
    });
    let env = Env::new();

    // Nothing listens on the IMAP port.
    account(&env, free_port(), srv.smtp_port, &[], Some("mala"));
    let e = env.fails(NOW, &["mail", "test"]);
    assert_eq!(code(&e), "mail_connection_refused", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("rechazó la conexión"),
        "{e}"
    );
    // A wrong password: IMAP and SMTP both say so; fetch too.
    account(&env, srv.imap_port, srv.smtp_port, &[], Some("mala"));
    let e = env.fails(NOW, &["mail", "test"]);
    assert_eq!(code(&e), "mail_auth_failed", "{e}");
    let e = env.fails(NOW, &["mail", "fetch"]);
    assert_eq!(code(&e), "mail_auth_failed", "{e}");
    // A folder that does not exist.
    account(
        &env,
        srv.imap_port,
        srv.smtp_port,
        &["--folder", "NoExiste"],
        Some(PASSWORD),
    );
    let e = env.fails(NOW, &["mail", "fetch"]);
    assert_eq!(code(&e), "mail_folder_missing", "{e}");
    assert!(e["message"].as_str().unwrap().contains("NoExiste"), "{e}");
    // No account at all in another database.
    let other = Env::new();
    assert_eq!(
        code(&other.fails(NOW, &["mail", "fetch"])),
        "mail_no_account"
    );

    // OAuth2: the application of the account, then «Conectar» in the browser (PKCE).
    let tp = srv.token_port.unwrap();
    let token = format!("http://127.0.0.1:{tp}/token");
    let authorize = format!("http://127.0.0.1:{tp}/authorize");
    account(
        &env,
        srv.imap_port,
        srv.smtp_port,
        &[
            "--oauth",
            "custom",
            "--client-id",
            "mesa-test-client",
            "--token-endpoint",
            &token,
            "--auth-endpoint",
            &authorize,
            "--scopes",
            "mail offline_access",
        ],
        None,
    );
    let status = env.json(NOW, &["mail", "status"]);
    assert_eq!(status["account"]["auth"], "oauth2_custom", "{status}");
    assert!(status["oauth"]["connected_at"].is_null(), "{status}");
    let mut child = env
        .cmd()
        .args([
            "--now",
            NOW,
            "mail",
            "connect",
            "--no-browser",
            "--wait-minutes",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("http://127.0.0.1") {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "no URL printed");
    }
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1"))
        .unwrap()
        .to_string();
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    browser_returns(&url);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "mail connect falló");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("conectada"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let status = env.json(NOW, &["mail", "status"]);
    assert!(status["oauth"]["connected_at"].is_string(), "{status}");
    assert!(status["reconnect"].is_null(), "{status}");

    // XOAUTH2: the collector refreshes the token and fetches.
    append(&srv, "por-oauth");
    let v = env.json(NOW, &["mail", "fetch"]);
    assert_eq!(v["fetch"]["stored"], 1, "{v}");

    // The provider revoked the refresh token: mail_reconnect, and the state stays.
    mesa_mailnet::set_secret(KEY, "refresh-revocado").unwrap();
    let e = env.fails("2026-12-02T10:00", &["mail", "fetch"]);
    assert_eq!(code(&e), "mail_reconnect", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("Vuelva a conectar la cuenta de correo"),
        "{e}"
    );
    let status = env.json("2026-12-02T11:00", &["mail", "status"]);
    assert_eq!(
        status["reconnect"]["message"], "Vuelva a conectar la cuenta de correo",
        "{status}"
    );
    assert_eq!(
        status["reconnect"]["since"], "2026-12-02T10:00:00-05:00",
        "{status}"
    );
    // Connected again (a refresh token handed in): the state is gone.
    let mut child = env
        .cmd()
        .args(["--now", NOW, "mail", "connect", "--refresh-token-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{GOOD_REFRESH}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(env.json(NOW, &["mail", "status"])["reconnect"].is_null());
    let _ = mesa_mailnet::delete_secret(KEY);
    drop(srv);

    // Microsoft's SMTP refusals, each with its own code.
    for (reply, expected) in [
        (
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.",
            "mail_smtp_auth_disabled",
        ),
        (
            "535 5.7.30 Basic authentication is not supported for Client Submission.",
            "mail_basic_auth_blocked",
        ),
    ] {
        let srv = Servers::start(Options {
            smtp_auth_reply: Some(reply),
            ..Options::default()
        });
        let env = Env::new();
        account(&env, srv.imap_port, srv.smtp_port, &[], Some(PASSWORD));
        let e = env.fails(NOW, &["mail", "test"]);
        assert_eq!(code(&e), expected, "{e}");
        let _ = mesa_mailnet::delete_secret(KEY);
    }
}

/// `--oauth microsoft --tenant`: the endpoints come from mailnet's one preset (shared with the
/// app's Ajustes → Correo), built for the office's tenant; a tenant that is not a directory id
/// or domain is refused in Spanish before anything is saved. No secret is touched.
#[test]
fn a_microsoft_account_takes_its_tenant_from_the_shared_preset() {
    let env = Env::new();
    account(
        &env,
        10993,
        10587,
        &[
            "--oauth",
            "microsoft",
            "--client-id",
            "cid-123",
            "--tenant",
            "entidad.gov.co",
        ],
        None,
    );
    let status = env.json(NOW, &["mail", "status"]);
    assert_eq!(status["account"]["auth"], "oauth2_microsoft", "{status}");
    assert_eq!(
        status["oauth"]["token_endpoint"],
        "https://login.microsoftonline.com/entidad.gov.co/oauth2/v2.0/token",
        "{status}"
    );
    assert_eq!(
        status["oauth"]["device_endpoint"],
        "https://login.microsoftonline.com/entidad.gov.co/oauth2/v2.0/devicecode",
        "{status}"
    );
    let scopes = status["oauth"]["scopes"].as_array().unwrap();
    assert!(scopes.iter().any(|s| s == "offline_access"), "{status}");
    let e = env.fails(
        NOW,
        &[
            "mail",
            "account",
            "--imap",
            "localhost:10993",
            "--smtp",
            "localhost:10587",
            "--security",
            "none",
            "--user",
            USER,
            "--oauth",
            "microsoft",
            "--client-id",
            "cid-123",
            "--tenant",
            "otra/../cosa",
        ],
    );
    assert_eq!(code(&e), "validation", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("«otra/../cosa»"),
        "{e}"
    );
    // Nothing changed.
    assert_eq!(
        env.json(NOW, &["mail", "status"])["oauth"]["token_endpoint"],
        "https://login.microsoftonline.com/entidad.gov.co/oauth2/v2.0/token"
    );
}
