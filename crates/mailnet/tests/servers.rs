//! mesa-mailnet against real servers on loopback (Dovecot + aiosmtpd, started by `support`).

mod support;

use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use mesa_mailnet::{smtp, test_connection, Credential, ImapSession, MailNetError, Security};
use support::{Options, Servers, PASSWORD, USER};

fn pw() -> Credential {
    Credential::Password(PASSWORD.into())
}

fn mail(subject: &str, body_len: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Ana Pérez <ana@entidad.gov.co>\r\nTo: {USER}\r\nSubject: {subject}\r\nMessage-ID: <{subject}@entidad.gov.co>\r\nDate: Mon, 1 Jan 2001 00:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    )
    .into_bytes();
    let line = b"La impresora del segundo piso no imprime desde ayer.\r\n";
    while m.len() < body_len {
        m.extend_from_slice(line);
    }
    m
}

fn bogota(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<FixedOffset> {
    FixedOffset::west_opt(5 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, mo, d, h, mi, s)
        .unwrap()
}

#[test]
fn test_connection_says_what_failed() {
    let srv = Servers::start(Options::default());
    let account = srv.account();
    let report = test_connection(&account, &pw()).unwrap();
    assert!(report.ok(), "{:?}", report);
    assert_eq!(report.messages, Some(0));
    assert_eq!(report.processed_folder_exists, Some(false));
    assert!(
        report.lines[0].starts_with("IMAP: conexión correcta"),
        "{:?}",
        report.lines
    );

    let bad = test_connection(&account, &Credential::Password("otra".into())).unwrap();
    assert!(!bad.imap_ok && !bad.smtp_ok);
    assert_eq!(
        bad.codes,
        vec!["mail_auth_failed", "mail_auth_failed"],
        "{:?}",
        bad.lines
    );
    assert!(
        bad.lines[0].contains("rechazó el usuario o la contraseña"),
        "{:?}",
        bad.lines
    );

    let mut missing = account.clone();
    missing.folder = "Solicitudes".into();
    let r = test_connection(&missing, &pw()).unwrap();
    assert_eq!(r.codes, vec!["mail_folder_missing"], "{:?}", r.lines);
    assert!(r.lines[0].contains("«Solicitudes» no existe"));

    // Nothing listens on a fresh port: refused, classified.
    let mut refused = account.clone();
    let closed = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    refused.imap_port = closed;
    refused.smtp_port = closed;
    let r = test_connection(&refused, &pw()).unwrap();
    assert_eq!(
        r.codes,
        vec!["mail_connection_refused", "mail_connection_refused"],
        "{:?}",
        r.lines
    );

    let mut unknown = srv.account();
    unknown.imap_host = "servidor-que-no-existe.invalid".into();
    unknown.smtp_host = "servidor-que-no-existe.invalid".into();
    unknown.security = Security::Tls;
    unknown.smtp_security = Security::Tls;
    let r = test_connection(&unknown, &pw()).unwrap();
    assert_eq!(
        r.codes,
        vec!["mail_host_not_found", "mail_host_not_found"],
        "{:?}",
        r.lines
    );
}

#[test]
fn append_fetch_oversized_move_and_nothing_twice() {
    let srv = Servers::start(Options::default());
    let account = srv.account();
    let mut s = ImapSession::connect(&account, &pw()).unwrap();
    let dates = [
        bogota(2026, 11, 30, 7, 45, 12),
        bogota(2026, 11, 30, 18, 2, 0),
        bogota(2026, 12, 1, 0, 0, 59),
    ];
    let sizes = [6_000, 40_000, 120_000];
    let mut uids = Vec::new();
    for (i, (date, size)) in dates.iter().zip(sizes).enumerate() {
        uids.push(
            s.append("INBOX", &mail(&format!("caso-{i}"), size), *date)
                .unwrap(),
        );
    }
    let uidvalidity = s.uidvalidity();
    assert!(uidvalidity > 0);

    // Limit 50 KB: the third (≈120 KB) comes back without its body.
    let got: Vec<_> = s
        .fetch_new(0, 50_000)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(got.len(), 3);
    for (i, m) in got.iter().enumerate() {
        assert_eq!(
            m.internal_date,
            dates[i].with_timezone(&Utc),
            "arrival time of mail {i}"
        );
        assert_eq!(m.uidvalidity, uidvalidity);
        assert_eq!(Some(m.uid), uids[i]);
    }
    assert_eq!(got[0].raw.as_deref(), Some(&mail("caso-0", 6_000)[..]));
    assert_eq!(got[0].size, mail("caso-0", 6_000).len() as u64);
    assert!(!got[1].oversized());
    assert!(got[2].oversized(), "over the limit: no body");
    assert!(got[2].size > 50_000);

    // Above a last UID only the newer ones.
    let after_first: Vec<_> = s
        .fetch_new(got[0].uid, 50_000)
        .unwrap()
        .map(|m| m.unwrap().uid)
        .collect();
    assert_eq!(after_first, vec![got[1].uid, got[2].uid]);
    let last = got[2].uid;
    assert_eq!(
        s.fetch_new(last, 50_000).unwrap().count(),
        0,
        "n:* must not return the last UID again"
    );

    for m in &got {
        s.move_processed(m.uid).unwrap();
    }
    // Moving again (an interrupted earlier run) is not an error.
    s.move_processed(got[0].uid).unwrap();
    assert_eq!(s.count("INBOX").unwrap(), 0);
    assert_eq!(s.count("Mesa de ayuda/Procesados").unwrap(), 3);
    s.logout();

    let mut again = ImapSession::connect(&account, &pw()).unwrap();
    assert_eq!(
        again.fetch_new(0, 50_000).unwrap().count(),
        0,
        "nothing new after moving"
    );
    assert_eq!(again.uidvalidity(), uidvalidity);
    again.logout();
}

#[test]
fn without_move_falls_back_to_copy_delete_expunge() {
    // Dovecot offers MOVE; the fallback path is driven by the same server by pretending it does
    // not (the commands COPY/STORE/UID EXPUNGE are real).
    let srv = Servers::start(Options::default());
    let mut s = ImapSession::connect(&srv.account(), &pw()).unwrap();
    assert!(s.has_move());
    s.append(
        "INBOX",
        &mail("sin-move", 2_000),
        bogota(2026, 12, 1, 9, 0, 0),
    )
    .unwrap();
    s.disable_move_for_tests();
    let m = s.fetch_new(0, 1_000_000).unwrap().next().unwrap().unwrap();
    s.move_processed(m.uid).unwrap();
    assert_eq!(s.count("INBOX").unwrap(), 0);
    assert_eq!(s.count("Mesa de ayuda/Procesados").unwrap(), 1);
}

#[test]
fn store_then_move_each_mail_while_iterating() {
    let srv = Servers::start(Options::default());
    let mut s = ImapSession::connect(&srv.account(), &pw()).unwrap();
    for i in 0..5 {
        s.append(
            "INBOX",
            &mail(&format!("uno-a-uno-{i}"), 1_000),
            bogota(2026, 12, 1, 8, i, 0),
        )
        .unwrap();
    }
    let mut stored = Vec::new();
    let mut new = s.fetch_new(0, 1_000_000).unwrap();
    while let Some(m) = new.next() {
        let m = m.unwrap();
        stored.push((m.uid, m.internal_date));
        new.session().move_processed(m.uid).unwrap();
    }
    assert_eq!(stored.len(), 5);
    assert!(stored
        .windows(2)
        .all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
    assert_eq!(s.count("INBOX").unwrap(), 0);
    assert_eq!(s.count("Mesa de ayuda/Procesados").unwrap(), 5);
}

#[test]
fn smtp_send_arrives_in_the_mailbox() {
    let srv = Servers::start(Options::default());
    let account = srv.account();
    let raw = mail("notificacion-ma-2026-0042", 3_000);
    let accepted = smtp::send(&account, &pw(), USER, &[USER.to_string()], &raw).unwrap();
    assert!(accepted.reply.starts_with("250"), "{}", accepted.reply);
    let mut s = ImapSession::connect(&account, &pw()).unwrap();
    let got: Vec<_> = s
        .fetch_new(0, 1_000_000)
        .unwrap()
        .map(|m| m.unwrap())
        .collect();
    assert_eq!(got.len(), 1);
    let body = String::from_utf8_lossy(got[0].raw.as_ref().unwrap()).into_owned();
    assert!(
        body.contains("Subject: notificacion-ma-2026-0042"),
        "{body}"
    );
    assert!(body.contains("La impresora del segundo piso"));

    let bad = smtp::send(
        &account,
        &Credential::Password("mala".into()),
        USER,
        &[USER.into()],
        &raw,
    )
    .unwrap_err();
    assert_eq!(bad.code(), "mail_auth_failed", "{bad}");
    let no_rcpt = smtp::send(&account, &pw(), USER, &["no es correo".into()], &raw).unwrap_err();
    assert_eq!(no_rcpt.code(), "mail_invalid_account");
}

#[test]
fn microsoft_refusals_are_named() {
    let srv = Servers::start(Options {
        smtp_auth_reply: Some("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox."),
        ..Options::default()
    });
    let e = smtp::send(&srv.account(), &pw(), USER, &[USER.into()], &mail("x", 100)).unwrap_err();
    assert_eq!(e.code(), "mail_smtp_auth_disabled", "{e}");
    assert!(e.to_string().contains("habilitarlo en el buzón"));
    drop(srv);
    let srv = Servers::start(Options {
        smtp_auth_reply: Some(
            "535 5.7.30 Basic authentication is not supported for Client Submission.",
        ),
        ..Options::default()
    });
    let r = test_connection(&srv.account(), &pw()).unwrap();
    assert!(r.imap_ok);
    assert_eq!(r.codes, vec!["mail_basic_auth_blocked"], "{:?}", r.lines);
}

#[test]
fn tls_problems_and_insecure_remote_are_refused() {
    // No encryption towards a remote host is refused before any connection.
    let mut remote = mesa_mailnet::MailAccount::password(
        "mail.entidad.gov.co",
        "mail.entidad.gov.co",
        Security::None,
        USER,
    );
    let e = ImapSession::connect(&remote, &pw()).err().unwrap();
    assert_eq!(e.code(), "mail_insecure_not_loopback");
    assert!(e
        .to_string()
        .contains("solo se permite con un servidor de este equipo"));
    remote.security = Security::Tls;
    let e = smtp::send(&remote, &pw(), USER, &[USER.into()], b"x").unwrap_err();
    assert_eq!(e.code(), "mail_insecure_not_loopback");

    let srv = Servers::start(Options {
        tls: true,
        ..Options::default()
    });
    // TLS spoken to a plain port.
    let mut a = srv.account();
    a.imap_host = "localhost".into();
    a.security = Security::Tls;
    let e = ImapSession::connect_with_timeout(&a, &pw(), Duration::from_secs(5))
        .err()
        .unwrap();
    assert_eq!(e.code(), "mail_tls", "{e}");
    // A self-signed certificate is not trusted: on IMAPS and after STARTTLS.
    a.imap_port = srv.imaps_port.unwrap();
    let e = ImapSession::connect(&a, &pw()).err().unwrap();
    assert_eq!(e.code(), "mail_tls", "{e}");
    assert!(e.to_string().contains("certificado"), "{e}");
    let mut st = srv.account();
    st.imap_host = "localhost".into();
    st.security = Security::StartTls;
    let e = ImapSession::connect(&st, &pw()).err().unwrap();
    assert_eq!(e.code(), "mail_tls", "{e}");
    assert!(e.to_string().contains("certificado"), "{e}");
    // SMTP over TLS to the plain receiver.
    let mut sm = srv.account();
    sm.smtp_host = "localhost".into();
    sm.smtp_security = Security::Tls;
    let e = smtp::send_with_timeout(
        &sm,
        &pw(),
        USER,
        &[USER.into()],
        b"x",
        Duration::from_secs(5),
    )
    .unwrap_err();
    assert_eq!(e.code(), "mail_tls", "{e}");
    sm.smtp_security = Security::StartTls;
    let e = smtp::send_with_timeout(
        &sm,
        &pw(),
        USER,
        &[USER.into()],
        b"x",
        Duration::from_secs(5),
    )
    .unwrap_err();
    assert_eq!(e.code(), "mail_tls", "{e}");

    // A server without STARTTLS.
    let plain = Servers::start(Options::default());
    let mut p = plain.account();
    p.security = Security::StartTls;
    let e = ImapSession::connect(&p, &pw()).err().unwrap();
    assert_eq!(e.code(), "mail_starttls_unavailable", "{e}");
}

/// A server that accepts the TCP connection and then says nothing, reached with `security`
/// and a `seconds` timeout: a `mail_timeout` quoting that timeout, not the library's default.
fn silent_server_times_out(security: Security, seconds: u64) {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_secs(seconds + 2));
        drop(conn);
    });
    let mut a = mesa_mailnet::MailAccount::password("127.0.0.1", "127.0.0.1", security, USER);
    a.imap_port = port;
    let e = ImapSession::connect_with_timeout(&a, &pw(), Duration::from_secs(seconds))
        .err()
        .unwrap();
    assert_eq!(e.code(), "mail_timeout", "{e}");
    assert!(
        e.to_string()
            .contains(&format!("no respondió a tiempo ({seconds} s)")),
        "{e}"
    );
    hold.join().unwrap();
}

#[test]
fn a_silent_server_times_out() {
    // Never greets.
    silent_server_times_out(Security::None, 1);
}

/// Never answers the TLS handshake (it used to quote 30 s whatever the timeout).
#[test]
fn a_stalled_tls_handshake_quotes_the_timeout_in_use() {
    silent_server_times_out(Security::Tls, 2);
}

#[test]
fn mail_net_error_codes_are_stable() {
    let e = MailNetError::ReconnectRequired { detail: "x".into() };
    assert!(e.needs_reconnect());
    assert!(e
        .to_string()
        .starts_with("Vuelva a conectar la cuenta de correo"));
}

/// A server process started by one test, killed (by its own pid) when the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// «Probar conexión» (`test_connection_with_timeout`) says in Spanish, with its stable code,
/// what failed on each side, against real things on loopback: a name under `.invalid` (never
/// resolves, RFC 2606), a listener that accepts and never greets (timeout, 1 s here), TLS
/// spoken to plain-text ports, a self-signed certificate (Dovecot's IMAPS port, also offered
/// as the SMTP port: the handshake fails before any SMTP), an SMTP server that offers no AUTH
/// (aiosmtpd without an authenticator) and Microsoft's 5.7.139 (SMTP AUTH disabled).
#[test]
fn probar_conexion_names_each_failure_class() {
    use mesa_mailnet::test_connection_with_timeout;
    use std::time::Instant;
    let t = Duration::from_secs(1);

    // Name not found.
    let a = mesa_mailnet::MailAccount::password(
        "imap.alcaldia-ejemplo.invalid",
        "smtp.alcaldia-ejemplo.invalid",
        Security::Tls,
        USER,
    );
    let r = test_connection_with_timeout(&a, &pw(), t).unwrap();
    assert_eq!(
        r.codes,
        vec!["mail_host_not_found", "mail_host_not_found"],
        "{:?}",
        r.lines
    );
    assert!(
        r.lines[0].starts_with("IMAP: No se encontró el servidor «imap.alcaldia-ejemplo.invalid»"),
        "{:?}",
        r.lines
    );
    assert!(
        r.lines[1].starts_with("SMTP: No se encontró el servidor «smtp.alcaldia-ejemplo.invalid»"),
        "{:?}",
        r.lines
    );

    // Timeout: accepts every connection and never sends a greeting (IMAP and SMTP alike).
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let silent = listener.local_addr().unwrap().port();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let hold = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let mut held = Vec::new();
        while stop_rx.try_recv().is_err() {
            match listener.accept() {
                Ok((c, _)) => held.push(c),
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        held.len()
    });
    let mut a = mesa_mailnet::MailAccount::password("127.0.0.1", "127.0.0.1", Security::None, USER);
    a.imap_port = silent;
    a.smtp_port = silent;
    let started = Instant::now();
    let r = test_connection_with_timeout(&a, &pw(), t).unwrap();
    let took = started.elapsed();
    stop_tx.send(()).unwrap();
    assert!(hold.join().unwrap() >= 2, "both sides connected");
    assert_eq!(
        r.codes,
        vec!["mail_timeout", "mail_timeout"],
        "{:?}",
        r.lines
    );
    for (line, side) in r.lines.iter().zip(["IMAP", "SMTP"]) {
        assert!(
            line.starts_with(&format!(
                "{side}: El servidor 127.0.0.1:{silent} no respondió a tiempo (1 s)"
            )),
            "{line}"
        );
    }
    assert!(took < Duration::from_secs(15), "{took:?}");

    // TLS to plain-text ports, then a self-signed certificate.
    let srv = Servers::start(Options {
        tls: true,
        ..Options::default()
    });
    let mut a = srv.account();
    a.imap_host = "localhost".into();
    a.smtp_host = "localhost".into();
    a.security = Security::Tls;
    a.smtp_security = Security::Tls;
    let r = test_connection_with_timeout(&a, &pw(), Duration::from_secs(5)).unwrap();
    assert_eq!(r.codes, vec!["mail_tls", "mail_tls"], "{:?}", r.lines);
    for line in &r.lines {
        assert!(line.contains("Falló la conexión segura (TLS)"), "{line}");
    }
    a.imap_port = srv.imaps_port.unwrap();
    a.smtp_port = srv.imaps_port.unwrap();
    let r = test_connection_with_timeout(&a, &pw(), Duration::from_secs(5)).unwrap();
    assert_eq!(r.codes, vec!["mail_tls", "mail_tls"], "{:?}", r.lines);
    for line in &r.lines {
        assert!(
            line.contains(
                "el certificado del servidor no es válido para este nombre o no es de confianza"
            ),
            "{line}"
        );
    }

    // An SMTP server that offers no AUTH at all.
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _smtpd = Child(
        std::process::Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut a = srv.account();
    a.smtp_port = port;
    let r = test_connection_with_timeout(&a, &pw(), Duration::from_secs(5)).unwrap();
    assert!(r.imap_ok, "{:?}", r.lines);
    assert_eq!(r.codes, vec!["mail_smtp_auth_unavailable"], "{:?}", r.lines);
    assert!(
        r.lines.last().unwrap().starts_with(
            "SMTP: El servidor SMTP no ofrece ningún método de autenticación compatible"
        ),
        "{:?}",
        r.lines
    );
    drop(srv);

    // SMTP AUTH disabled for the mailbox (Microsoft 365's 5.7.139), as «Probar conexión» says it.
    let srv = Servers::start(Options {
        smtp_auth_reply: Some("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox."),
        ..Options::default()
    });
    let r = test_connection_with_timeout(&srv.account(), &pw(), Duration::from_secs(5)).unwrap();
    assert!(r.imap_ok, "{:?}", r.lines);
    assert_eq!(r.codes, vec!["mail_smtp_auth_disabled"], "{:?}", r.lines);
    assert!(
        r.lines.last().unwrap().starts_with(&format!(
            "SMTP: El servidor SMTP tiene deshabilitado el envío autenticado (SMTP AUTH) para el buzón «{USER}»"
        )),
        "{:?}",
        r.lines
    );
}
