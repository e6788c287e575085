//! XOAUTH2 against Dovecot's oauth2 passdb and the aiosmtpd receiver, token refresh and the
//! PKCE loopback flow against the token stub, and the OS credential store (kernel keyring on
//! Linux) — all real, on loopback.

mod support;

use std::io::{Read, Write};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use mesa_mailnet::oauth::{self, pkce_challenge, PendingAuthorization};
use mesa_mailnet::{secrets, smtp, test_connection, Auth, Credential, ImapSession};
use support::{Options, Servers, GOOD_REFRESH, GOOD_TOKEN, USER};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 14, 0, 0).unwrap()
}

fn unique_key(tag: &str) -> String {
    format!("prueba-{tag}-{}@127.0.0.1", std::process::id())
}

#[test]
fn xoauth2_good_token_logs_in_and_a_revoked_one_asks_to_reconnect() {
    let srv = Servers::start(Options {
        oauth: true,
        ..Options::default()
    });
    let account = srv.oauth_account();
    let good = Credential::OAuth2Token(GOOD_TOKEN.into());
    let report = test_connection(&account, &good).unwrap();
    assert!(report.ok(), "{:?}\n{}", report, srv.dovecot_log());

    let mut s = ImapSession::connect(&account, &good).unwrap();
    s.append(
        "INBOX",
        b"Subject: hola\r\n\r\nxoauth2\r\n",
        Utc::now().fixed_offset(),
    )
    .unwrap();
    assert_eq!(s.fetch_new(0, 1000).unwrap().count(), 1);
    s.logout();
    let sent = smtp::send(
        &account,
        &good,
        USER,
        &[USER.into()],
        b"Subject: x\r\n\r\ny\r\n",
    )
    .unwrap();
    assert!(sent.reply.starts_with("250"));

    let revoked = Credential::OAuth2Token("token-revocado".into());
    let e = ImapSession::connect(&account, &revoked).err().unwrap();
    assert_eq!(e.code(), "mail_reconnect", "{e}");
    assert!(e.needs_reconnect());
    assert!(e
        .to_string()
        .starts_with("Vuelva a conectar la cuenta de correo"));
    let r = test_connection(&account, &revoked).unwrap();
    assert_eq!(
        r.codes,
        vec!["mail_reconnect", "mail_reconnect"],
        "{:?}",
        r.lines
    );
}

#[test]
fn refresh_saves_a_rotated_token_and_a_revoked_one_asks_to_reconnect() {
    let srv = Servers::start(Options {
        oauth: true,
        ..Options::default()
    });
    let account = srv.oauth_account();
    let Auth::OAuth2(cfg) = &account.auth else {
        unreachable!()
    };

    let key = unique_key("refresh");
    secrets::set_secret(&key, GOOD_REFRESH).unwrap();
    let tokens = oauth::refresh_stored(cfg, &key, now()).unwrap();
    assert_eq!(tokens.access_token, GOOD_TOKEN);
    assert_eq!(tokens.expires_at, now() + chrono::Duration::seconds(3599));
    assert_eq!(
        secrets::get_secret(&key).unwrap(),
        format!("rotated-{GOOD_REFRESH}"),
        "rotated refresh token saved"
    );
    // The fresh access token logs in over IMAP.
    ImapSession::connect(&account, &Credential::OAuth2Token(tokens.access_token))
        .unwrap()
        .logout();

    secrets::set_secret(&key, "refresh-revocado").unwrap();
    let e = oauth::refresh_stored(cfg, &key, now()).unwrap_err();
    assert_eq!(e.code(), "mail_reconnect", "{e}");
    assert!(e.to_string().contains("invalid_grant"));
    secrets::delete_secret(&key).unwrap();
    let e = oauth::refresh_stored(cfg, &key, now()).unwrap_err();
    assert_eq!(e.code(), "mail_secret_missing");

    // An endpoint that does not answer at all is an OAuth error, not a reconnect.
    let mut dead = cfg.clone();
    let closed = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    dead.token_endpoint = format!("http://127.0.0.1:{closed}/token");
    let e = oauth::refresh(&dead, GOOD_REFRESH, now()).unwrap_err();
    assert_eq!(e.code(), "mail_oauth", "{e}");
}

fn port_of(redirect: &str) -> u16 {
    redirect
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

fn browser_get(port: u16, path: &str) -> String {
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(c, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut page = String::new();
    let _ = c.read_to_string(&mut page);
    page
}

#[test]
fn authorization_code_with_pkce_through_the_loopback_redirect() {
    let srv = Servers::start(Options {
        oauth: true,
        ..Options::default()
    });
    let account = srv.oauth_account();
    let Auth::OAuth2(cfg) = &account.auth else {
        unreachable!()
    };
    let pending = PendingAuthorization::start(cfg, USER).unwrap();
    let url = url::Url::parse(pending.url()).unwrap();
    let q = |k: &str| {
        url.query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    assert_eq!(q("code_challenge_method"), "S256");
    assert_eq!(q("login_hint"), USER);
    let redirect = q("redirect_uri");
    assert_eq!(redirect, pending.redirect_uri());
    let challenge = q("code_challenge");
    let state = q("state");

    // The "browser": first a stray request, then the provider's redirect with the code.
    let port = port_of(&redirect);
    let browser = std::thread::spawn(move || {
        let _ = browser_get(port, "/favicon.ico");
        browser_get(port, &format!("/?code=the-code&state={state}"))
    });
    let code = pending.wait_for_code(Duration::from_secs(20)).unwrap();
    assert_eq!(code, "the-code");
    let page = browser.join().unwrap();
    assert!(page.contains("quedó conectada"), "{page}");
    let tokens = pending.exchange(&code, now()).unwrap();
    assert_eq!(
        tokens.access_token,
        format!("pkce-{challenge}"),
        "the verifier sent matches the challenge"
    );
    assert_eq!(tokens.refresh_token.as_deref(), Some(GOOD_REFRESH));

    // A redirect with another state is refused; no redirect at all times out.
    let pending = PendingAuthorization::start(cfg, USER).unwrap();
    let port = port_of(pending.redirect_uri());
    let t = std::thread::spawn(move || browser_get(port, "/?code=x&state=otro"));
    let e = pending.wait_for_code(Duration::from_secs(20)).unwrap_err();
    assert_eq!(e.code(), "mail_oauth");
    assert!(t.join().unwrap().contains("no corresponde"));
    let pending = PendingAuthorization::start(cfg, USER).unwrap();
    let e = pending
        .wait_for_code(Duration::from_millis(300))
        .unwrap_err();
    assert_eq!(e.code(), "mail_oauth_timeout");
    // RFC 7636 appendix B.
    assert_eq!(
        pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[test]
fn device_code_flow_polls_until_approved() {
    let srv = Servers::start(Options {
        oauth: true,
        ..Options::default()
    });
    let account = srv.oauth_account();
    let Auth::OAuth2(mut cfg) = account.auth.clone() else {
        unreachable!()
    };
    assert_eq!(
        oauth::device_start(&cfg).unwrap_err().code(),
        "mail_oauth",
        "no device endpoint"
    );
    cfg.device_endpoint = Some(format!(
        "http://127.0.0.1:{}/devicecode",
        srv.token_port.unwrap()
    ));
    let device = oauth::device_start(&cfg).unwrap();
    assert_eq!(device.user_code, "ABCD-EFGH");
    assert_eq!(device.interval_secs, 1);
    let tokens = oauth::device_poll(&cfg, &device, Duration::from_secs(20), now).unwrap();
    assert_eq!(tokens.access_token, GOOD_TOKEN);
    let mut expired = device.clone();
    expired.device_code = "viejo".into();
    assert_eq!(
        oauth::device_poll(&cfg, &expired, Duration::from_secs(20), now)
            .unwrap_err()
            .code(),
        "mail_reconnect"
    );
}

#[test]
fn credential_store_round_trip() {
    let key = unique_key("llavero");
    secrets::set_secret(&key, "contraseña ñ €").unwrap();
    assert_eq!(secrets::get_secret(&key).unwrap(), "contraseña ñ €");
    secrets::set_secret(&key, "otra").unwrap();
    assert_eq!(secrets::get_secret(&key).unwrap(), "otra");
    secrets::delete_secret(&key).unwrap();
    let e = secrets::get_secret(&key).unwrap_err();
    assert_eq!(e.code(), "mail_secret_missing");
    assert!(e.to_string().contains("No hay contraseña"));
    secrets::delete_secret(&key).unwrap();
    assert_eq!(
        secrets::set_secret(&key, "").unwrap_err().code(),
        "mail_invalid_account"
    );

    // Another process (this test binary again) reads a secret saved here: the store is the
    // system's, not this process's memory.
    let shared = unique_key("otro-proceso");
    secrets::set_secret(&shared, "visible desde otro proceso").unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "credential_store_child", "--nocapture"])
        .env("MESA_MAILNET_CHILD_KEY", &shared)
        .output()
        .unwrap();
    secrets::delete_secret(&shared).unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 passed"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run by `credential_store_round_trip` in a child process; does nothing on its own.
#[test]
fn credential_store_child() {
    if let Ok(key) = std::env::var("MESA_MAILNET_CHILD_KEY") {
        assert_eq!(
            secrets::get_secret(&key).unwrap(),
            "visible desde otro proceso"
        );
    }
}
