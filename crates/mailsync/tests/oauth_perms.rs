//! OAuth2 accounts in the collector and the sender, against Dovecot's oauth2 passdb and the
//! token stub on loopback (real servers, real SQLite store, the OS credential store), and the
//! permission rule of the collector (a Consulta session can neither fetch nor send).

#[path = "../../mailnet/tests/support/mod.rs"]
mod support;

use chrono::{DateTime, TimeZone, Utc};
use mesa_core::mail::MailOAuth;
use mesa_core::people::accounts::AccountInput;
use mesa_core::{CoreError, Store};
use mesa_mailnet::{Credential, ImapSession};
use mesa_mailsync::{collect, connect_with_refresh_token, send_pending, SyncError};
use support::{Options, Servers, GOOD_REFRESH, PASSWORD, USER};

/// The tests here share one credential-store key (the stub's user on 127.0.0.1): one at a time.
static KEYRING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 15, 0, 0).unwrap()
}

fn mail(id: &str) -> Vec<u8> {
    format!(
        "From: Ana <ana@entidad.gov.co>\r\nTo: {USER}\r\nSubject: Solicitud {id}\r\n\
         Message-ID: <{id}@entidad.gov.co>\r\nDate: Wed, 2 Dec 2026 08:00:00 -0500\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nNo funciona el equipo.\r\n"
    )
    .into_bytes()
}

fn account(srv: &Servers, auth: &str) -> mesa_core::mail::MailAccount {
    mesa_core::mail::MailAccount {
        address: USER.into(),
        display_name: "Mesa de Ayuda TI".into(),
        imap_host: "127.0.0.1".into(),
        imap_port: srv.imap_port,
        smtp_host: "127.0.0.1".into(),
        smtp_port: srv.smtp_port,
        security: "none".into(),
        auth: auth.into(),
        username: USER.into(),
        folder: "INBOX".into(),
        processed_folder: "Mesa de ayuda/Procesados".into(),
        poll_minutes: 2,
        max_mb: 25,
        auto_register: false,
        enabled: true,
    }
}

fn append(srv: &Servers, id: &str) {
    let mut s =
        ImapSession::connect(&srv.account(), &Credential::Password(PASSWORD.into())).unwrap();
    s.append("INBOX", &mail(id), now().fixed_offset()).unwrap();
    s.logout();
}

#[test]
fn an_oauth2_account_fetches_and_a_revoked_token_is_remembered_until_reconnected() {
    let _one = KEYRING.lock().unwrap_or_else(|e| e.into_inner());
    let srv = Servers::start(Options {
        oauth: true,
        ..Options::default()
    });
    let tp = srv.token_port.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("mesa.db")).unwrap();
    store.set_session("prueba", Some(now()));
    let acc = account(&srv, "oauth2_custom");
    store
        .set_mail_oauth(&MailOAuth {
            provider: "custom".into(),
            client_id: "mesa-test-client".into(),
            auth_endpoint: format!("http://127.0.0.1:{tp}/authorize"),
            token_endpoint: format!("http://127.0.0.1:{tp}/token"),
            device_endpoint: None,
            scopes: vec!["mail".into(), "offline_access".into()],
            connected_at: None,
        })
        .unwrap();
    store.set_mail_account(&acc).unwrap();
    let net = mesa_mailsync::stored_net_account(&store, &acc).unwrap();
    assert!(matches!(net.auth, mesa_mailnet::Auth::OAuth2(_)));
    let key = net.secret_key();

    // A refresh token the provider refuses is not stored and does not connect.
    let e = connect_with_refresh_token(&mut store, &acc, "token-falso", now()).unwrap_err();
    assert_eq!(e.code(), "mail_reconnect", "{e}");
    assert!(store.mail_oauth().unwrap().unwrap().connected_at.is_none());

    // A good one connects; the collector refreshes it (XOAUTH2 on IMAP and SMTP).
    connect_with_refresh_token(&mut store, &acc, GOOD_REFRESH, now()).unwrap();
    assert!(store.mail_oauth().unwrap().unwrap().connected_at.is_some());
    append(&srv, "oauth-1");
    let (fetched, _) = collect(&mut store, now(), &mut |_, _| {}).unwrap();
    assert_eq!((fetched.fetched, fetched.stored, fetched.moved), (1, 1, 1));
    assert_eq!(store.inbox(false).unwrap().len(), 1);
    // The provider rotated the refresh token: the new one was saved.
    assert_eq!(
        mesa_mailnet::get_secret(&key).unwrap(),
        format!("rotated-{GOOD_REFRESH}")
    );
    assert!(store.mail_reconnect_state().unwrap().is_none());

    // Revoked at the provider: the pass fails with mail_reconnect, in Spanish, and the store
    // remembers it for the app's banner.
    mesa_mailnet::set_secret(&key, "refresh-revocado").unwrap();
    append(&srv, "oauth-2");
    let e = collect(&mut store, now(), &mut |_, _| {}).unwrap_err();
    assert_eq!(e.code(), "mail_reconnect", "{e}");
    assert!(
        e.to_string()
            .starts_with("Vuelva a conectar la cuenta de correo"),
        "{e}"
    );
    let core = CoreError::from(e);
    assert_eq!(core.code(), "mail_reconnect");
    let state = store.mail_reconnect_state().unwrap().expect("remembered");
    assert_eq!(state.message, "Vuelva a conectar la cuenta de correo");
    assert!(state.detail.contains("invalid_grant"), "{state:?}");
    assert!(state.since.starts_with("2026-12-02T10:00:00"), "{state:?}");
    // Still remembered by a new store on the same file (the app restarting).
    drop(store);
    let mut store = Store::open(&dir.path().join("mesa.db")).unwrap();
    store.set_session("prueba", Some(now()));
    assert!(store.mail_reconnect_state().unwrap().is_some());
    // An access token the server refuses (the IMAP side) is the same state.
    let bad = Credential::OAuth2Token("token-revocado".into());
    let e = mesa_mailsync::fetch(&mut store, &acc, &bad, now(), &mut |_, _| {}).unwrap_err();
    assert_eq!(e.code(), "mail_reconnect", "{e}");

    // Reconnected: the state is cleared and the waiting mail comes in.
    connect_with_refresh_token(&mut store, &acc, GOOD_REFRESH, now()).unwrap();
    assert!(store.mail_reconnect_state().unwrap().is_none());
    let (fetched, _) = collect(&mut store, now(), &mut |_, _| {}).unwrap();
    assert_eq!(fetched.stored, 1);
    assert_eq!(store.inbox(false).unwrap().len(), 2);
    let _ = mesa_mailnet::delete_secret(&key);
}

#[test]
fn a_consulta_session_cannot_collect_send_register_or_discard() {
    let srv = Servers::start(Options::default());
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("mesa.db")).unwrap();
    let input = |login: &str, role: &str| AccountInput {
        login: login.into(),
        name: format!("Persona {login}"),
        cargo: String::new(),
        role: role.into(),
    };
    store
        .create_account(
            &input("jefe", "administrador"),
            Some("clave-segura-1"),
            now(),
        )
        .unwrap();
    store
        .create_account(&input("lector", "consulta"), Some("clave-segura-2"), now())
        .unwrap();
    store.set_mail_account(&account(&srv, "password")).unwrap();
    let acc = store.mail_account().unwrap().unwrap();
    let pw = Credential::Password(PASSWORD.into());
    append(&srv, "para-el-jefe");
    // The account that configured mail collects (as the app's background collector does).
    let r = mesa_mailsync::fetch(&mut store, &acc, &pw, now(), &mut |_, _| {}).unwrap();
    assert_eq!(r.stored, 1);
    let id = store.inbox(false).unwrap()[0].id;

    store.login("lector", "clave-segura-2", now()).unwrap();
    append(&srv, "para-el-lector");
    let forbidden = |e: SyncError| {
        assert_eq!(e.code(), "forbidden", "{e}");
        assert!(e.to_string().contains("Consulta"), "{e}");
    };
    forbidden(mesa_mailsync::fetch(&mut store, &acc, &pw, now(), &mut |_, _| {}).unwrap_err());
    forbidden(send_pending(&mut store, &acc, &pw, now()).unwrap_err());
    forbidden(collect(&mut store, now(), &mut |_, _| {}).unwrap_err());
    let e = store
        .register_mail(id, &Default::default(), "lector", now())
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    let e = store
        .discard_mail(id, "publicidad", "lector", now())
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    // Nothing was read from the server for the refused pass: the mail is still there.
    let mut s = ImapSession::connect(&srv.account(), &pw).unwrap();
    assert_eq!(s.count("INBOX").unwrap(), 1);
    s.logout();

    // The app's background collector: its own store on the same file, under the account that
    // configured mail, while the Consulta session stays open.
    let mut worker = Store::open(&dir.path().join("mesa.db")).unwrap();
    let p = worker
        .mail_collector_principal()
        .unwrap()
        .expect("the account that configured mail");
    assert_eq!(p.login, "jefe");
    worker.set_principal(Some(p));
    let r = mesa_mailsync::fetch(&mut worker, &acc, &pw, now(), &mut |_, _| {}).unwrap();
    assert_eq!(r.stored, 1);
}

/// Plays the browser: GETs the authorization URL at the stub (the provider's page), follows its
/// redirect to the loopback port the flow listens on, and returns that page.
fn play_browser(url: &str) -> String {
    use std::io::{Read, Write};
    let get = |u: &url::Url| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", u.port().unwrap())).unwrap();
        let target = match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        };
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer
    };
    let answer = get(&url::Url::parse(url).unwrap());
    assert!(answer.starts_with("HTTP/1.0 302"), "{answer}");
    let location = answer
        .lines()
        .find_map(|l| l.strip_prefix("Location: "))
        .unwrap()
        .trim()
        .to_string();
    get(&url::Url::parse(&location).unwrap())
}

fn revoke_at_stub(port: u16) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST /revoke HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.contains(" 200 "), "{answer}");
}

/// The flow the CLI's `mesa mail connect` and the app's «Conectar» share (`OAuthFlow`), on a
/// Microsoft 365 application whose endpoints point at the loopback stub: the browser flow (PKCE,
/// loopback redirect), «Cancelar», the device code, a revocation at the provider and the
/// reconnection; and the client secret kept in the credential store, not in the database.
#[test]
fn the_shared_flow_connects_in_the_browser_or_with_a_device_code_and_can_be_cancelled() {
    let _one = KEYRING.lock().unwrap_or_else(|e| e.into_inner());
    let srv = Servers::start(Options {
        oauth: true,
        ..Options::default()
    });
    let tp = srv.token_port.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("mesa.db")).unwrap();
    store.set_session("prueba", Some(now()));
    let stub = format!("http://127.0.0.1:{tp}");
    let app = mesa_mailsync::oauth_from_form(&mesa_core::mail::MailOAuthForm {
        provider: "microsoft".into(),
        client_id: "mesa-test-client".into(),
        auth_endpoint: format!("{stub}/authorize"),
        token_endpoint: format!("{stub}/token"),
        device_endpoint: format!("{stub}/devicecode"),
        ..Default::default()
    })
    .unwrap();
    // Microsoft's scopes come from the preset even with the endpoints replaced.
    assert!(app
        .scopes
        .iter()
        .any(|s| s == "https://outlook.office.com/IMAP.AccessAsUser.All"));
    store.set_mail_oauth(&app).unwrap();
    let acc = account(&srv, "oauth2_microsoft");
    store.set_mail_account(&acc).unwrap();
    let net = mesa_mailsync::stored_net_account(&store, &acc).unwrap();
    let key = net.secret_key();
    let _ = mesa_mailnet::delete_secret(&key);

    // Browser flow: the URL carries PKCE and the loopback redirect; the redirect brings the
    // code back, the code becomes a refresh token.
    let flow = mesa_mailsync::OAuthFlow::browser(&store).unwrap();
    assert_eq!(flow.user_code(), None);
    let url = flow.url().to_string();
    assert!(url.starts_with(&format!("{stub}/authorize?")), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(
        url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"),
        "{url}"
    );
    let browser = std::thread::spawn(move || play_browser(&url));
    let never = std::sync::atomic::AtomicBool::new(false);
    let refresh = flow
        .wait(std::time::Duration::from_secs(20), &never, now)
        .unwrap()
        .expect("not cancelled");
    assert!(browser.join().unwrap().contains("quedó conectada"));
    assert_eq!(refresh, GOOD_REFRESH);
    connect_with_refresh_token(&mut store, &acc, &refresh, now()).unwrap();
    assert!(store.mail_oauth().unwrap().unwrap().connected_at.is_some());
    append(&srv, "flujo-1");
    let (fetched, _) = collect(&mut store, now(), &mut |_, _| {}).unwrap();
    assert_eq!(fetched.stored, 1);

    // «Cancelar»: the wait ends at once with nothing, long before its timeout.
    let flow = mesa_mailsync::OAuthFlow::browser(&store).unwrap();
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let started = std::time::Instant::now();
    let r = flow
        .wait(std::time::Duration::from_secs(60), &cancel, now)
        .unwrap();
    assert_eq!(r, None);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));

    // Device code (Microsoft): the code to type, then the tokens once approved.
    let flow = mesa_mailsync::OAuthFlow::device(&store).unwrap();
    assert_eq!(flow.user_code(), Some("ABCD-EFGH"));
    assert_eq!(flow.url(), "https://microsoft.com/devicelogin");
    let refresh = flow
        .wait(std::time::Duration::from_secs(20), &never, now)
        .unwrap()
        .unwrap();
    connect_with_refresh_token(&mut store, &acc, &refresh, now()).unwrap();

    // Revoked by the administrator: mail_reconnect, remembered; the browser flow connects again.
    revoke_at_stub(tp);
    append(&srv, "flujo-2");
    let e = collect(&mut store, now(), &mut |_, _| {}).unwrap_err();
    assert_eq!(e.code(), "mail_reconnect", "{e}");
    assert!(store.mail_reconnect_state().unwrap().is_some());
    let flow = mesa_mailsync::OAuthFlow::browser(&store).unwrap();
    let url = flow.url().to_string();
    let browser = std::thread::spawn(move || play_browser(&url));
    let refresh = flow
        .wait(std::time::Duration::from_secs(20), &never, now)
        .unwrap()
        .unwrap();
    browser.join().unwrap();
    connect_with_refresh_token(&mut store, &acc, &refresh, now()).unwrap();
    assert!(store.mail_reconnect_state().unwrap().is_none());
    let (fetched, _) = collect(&mut store, now(), &mut |_, _| {}).unwrap();
    assert_eq!(fetched.stored, 1);

    // A password account has no flow.
    let mut pw = acc.clone();
    pw.auth = "password".into();
    store.set_mail_account(&pw).unwrap();
    let e = mesa_mailsync::OAuthFlow::browser(&store).err().unwrap();
    assert_eq!(e.code(), "mail_unsupported_auth");
    store.set_mail_account(&acc).unwrap();

    // Google's client secret: in the credential store, loaded with the account, never in
    // the database file.
    mesa_mailsync::set_client_secret(&net, "GOCSPX-secreto-de-prueba").unwrap();
    let loaded = mesa_mailsync::stored_net_account(&store, &acc).unwrap();
    match &loaded.auth {
        mesa_mailnet::Auth::OAuth2(cfg) => {
            assert_eq!(
                cfg.client_secret.as_deref(),
                Some("GOCSPX-secreto-de-prueba")
            )
        }
        other => panic!("{other:?}"),
    }
    drop(store);
    let bytes = std::fs::read(dir.path().join("mesa.db")).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("GOCSPX"));
    mesa_mailsync::set_client_secret(&net, "").unwrap();
    assert!(mesa_mailnet::get_secret(&mesa_mailsync::client_secret_key(&net)).is_err());
    let _ = mesa_mailnet::delete_secret(&key);
}
