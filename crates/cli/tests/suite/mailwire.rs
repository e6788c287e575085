//! `mesa mail account|fetch|send` against real servers on loopback (Dovecot + aiosmtpd, started
//! by mesa-mailnet's test support): the whole e-mail round trip on the real binary, the
//! collector killed at random points (exactly once), and two collectors at once.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, TimeZone};
use mesa_mailnet::{Credential, ImapSession};
use serde_json::Value;

use crate::common::Env;

#[path = "../../../mailnet/tests/support/mod.rs"]
pub(crate) mod support;
use support::{Options, Servers, PASSWORD, USER};

const PROCESSED: &str = "Mesa de ayuda/Procesados";

fn bogota(d: u32, h: u32, mi: u32) -> DateTime<FixedOffset> {
    FixedOffset::west_opt(5 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 12, d, h, mi, 0)
        .unwrap()
}

fn imap(srv: &Servers) -> ImapSession {
    ImapSession::connect(&srv.account(), &Credential::Password(PASSWORD.into())).unwrap()
}

/// Messages in `folder`, seen from a new session (a selected folder's STATUS can lag).
fn count(srv: &Servers, folder: &str) -> u32 {
    let mut s = imap(srv);
    let n = s.count(folder).unwrap_or(0);
    s.logout();
    n
}

/// Configures the account of `srv` on `env` (password through stdin to the credential store).
fn configure(env: &Env, srv: &Servers, now: &str) {
    let mut child = env
        .cmd()
        .args(["--now", now, "mail", "account"])
        .args(["--imap", &format!("127.0.0.1:{}", srv.imap_port)])
        .args(["--smtp", &format!("127.0.0.1:{}", srv.smtp_port)])
        .args(["--security", "none", "--user", USER, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{PASSWORD}").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "mail account: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn request(from: &str, message_id: &str, subject: &str, body: &str, extra: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {USER}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         Date: Tue, 1 Dec 2026 06:00:00 -0500\r\n{extra}MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Messages the SMTP receiver delivered into the Maildir (new/ and cur/) that carry `needle`.
fn delivered(maildir: &Path, needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(dir) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for e in dir.flatten() {
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            if text.contains(needle) {
                out.push(text);
            }
        }
    }
    out
}

fn header(mail: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_lowercase());
    mail.lines()
        .take_while(|l| !l.is_empty())
        .find(|l| l.to_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}

fn outcomes(v: &Value) -> Vec<String> {
    v["fetch"]["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["outcome"].as_str().unwrap().to_string())
        .collect()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs Dovecot and aiosmtpd, Linux programs not available under Wine; runs in the Linux suite"
)]
fn a_request_by_mail_is_acknowledged_followed_up_resolved_and_surveyed_by_reply() {
    let srv = Servers::start(Options::default());
    let env = Env::new();
    configure(&env, &srv, "2026-12-01T07:00");
    let mut s = imap(&srv);
    s.append(
        "INBOX",
        &request(
            "Ana Gutiérrez <ana@entidad.gov.co>",
            "solicitud-e2e@entidad.gov.co",
            "No imprime la impresora de Tesorería",
            "Buenos días, la impresora del segundo piso no imprime.",
            "",
        ),
        bogota(1, 8, 5),
    )
    .unwrap();

    let v = env.json("2026-12-01T09:00", &["mail", "fetch"]);
    assert_eq!(v["fetch"]["stored"], 1, "{v}");
    assert_eq!(v["fetch"]["moved"], 1, "{v}");
    assert_eq!(count(&srv, "INBOX"), 0);
    assert_eq!(count(&srv, PROCESSED), 1);

    let inbox = env.json("2026-12-01T09:00", &["mail", "inbox"]);
    let entry = &inbox.as_array().unwrap()[0];
    assert_eq!(entry["from"], "ana@entidad.gov.co");
    // The server's arrival time (INTERNALDATE), not the Date header (06:00).
    assert_eq!(entry["received_at"], "2026-12-01T08:05:00-05:00", "{entry}");
    let id = entry["id"].as_i64().unwrap().to_string();
    let number = env
        .ok(
            "2026-12-01T09:10",
            &["mail", "register", &id, "--dependencia", "Tesorería"],
        )
        .trim()
        .to_string();
    assert!(number.starts_with("MA-2026-"), "{number}");

    // The acknowledgment goes out and arrives at the SMTP receiver.
    let sent = env.json("2026-12-01T09:11", &["mail", "send"]);
    assert_eq!(sent["sent"], 1, "{sent}");
    assert_eq!(sent["failed"], 0, "{sent}");
    let acks = delivered(&srv.maildir, &number);
    assert_eq!(acks.len(), 1, "{acks:?}");
    let ack = &acks[0];
    assert!(header(ack, "Subject").unwrap().contains(&number), "{ack}");
    assert_eq!(
        header(ack, "X-Mesa-Ayuda").as_deref(),
        Some(number.as_str())
    );
    assert!(header(ack, "Auto-Submitted").is_some(), "{ack}");
    assert!(header(ack, "X-Auto-Response-Suppress").is_some(), "{ack}");
    let ack_id = header(ack, "Message-ID").unwrap();
    assert!(ack_id.contains("mesa."), "{ack_id}");
    let outbox = env.json("2026-12-01T09:11", &["mail", "outbox", "--all"]);
    assert_eq!(outbox[0]["state"], "enviado", "{outbox}");
    assert!(outbox[0]["last_reply"]
        .as_str()
        .unwrap_or_default()
        .starts_with("250"));

    // The requester replies to the acknowledgment: a public follow-up on the case.
    s.append(
        "INBOX",
        &request(
            "Ana Gutiérrez <ana@entidad.gov.co>",
            "respuesta-1@entidad.gov.co",
            &format!("RE: [{number}] recibido"),
            "Ya la reinicié y sigue igual.\r\n\r\nEl mar, 1 dic 2026, Mesa escribió:\r\n> acuse",
            &format!("In-Reply-To: {ack_id}\r\nReferences: {ack_id}\r\n"),
        ),
        bogota(1, 9, 30),
    )
    .unwrap();
    let v = env.json("2026-12-01T09:40", &["mail", "fetch"]);
    let got = outcomes(&v);
    // Our own acknowledgment (delivered into the same mailbox) is ignored; the reply threads.
    assert!(got.contains(&"follow_up".to_string()), "{v}");
    assert!(
        got.iter().all(|o| o == "follow_up" || o == "ignored"),
        "{v}"
    );
    let t = env.json("2026-12-01T09:40", &["ticket", "show", &number]);
    let text = t.to_string();
    assert!(text.contains("Ya la reinicié y sigue igual."), "{t}");

    // Resolved: the notice with the survey goes out.
    env.ok(
        "2026-12-01T10:00",
        &[
            "ticket",
            "resolve",
            &number,
            "--solution",
            "Se cambió el tóner de la impresora",
        ],
    );
    let sent = env.json("2026-12-01T10:01", &["mail", "send"]);
    assert_eq!(sent["sent"], 1, "{sent}");
    // The acknowledgment left the INBOX's Maildir when it was fetched (ignored, moved).
    let notices: Vec<String> = delivered(&srv.maildir, &number)
        .into_iter()
        .filter(|m| header(m, "Message-ID").as_deref() != Some(ack_id.as_str()))
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    let notice_id = header(&notices[0], "Message-ID").unwrap();
    let t = env.json("2026-12-01T10:01", &["ticket", "show", &number]);
    assert_eq!(t["status"], "resolved");
    assert!(!t["survey_due_at"].is_null(), "{t}");

    // The survey answered by reply closes the case.
    s.append(
        "INBOX",
        &request(
            "Ana Gutiérrez <ana@entidad.gov.co>",
            "encuesta-1@entidad.gov.co",
            &format!("RE: [{number}] resuelto"),
            "1. 5\r\n2. 4\r\n3. 5\r\n4. 5\r\n\r\n> preguntas",
            &format!("In-Reply-To: {notice_id}\r\nReferences: {ack_id} {notice_id}\r\n"),
        ),
        bogota(1, 11, 0),
    )
    .unwrap();
    // An out-of-office reply and a bounce create nothing.
    s.append(
        "INBOX",
        &request(
            "Luis <luis@entidad.gov.co>",
            "ooo-1@entidad.gov.co",
            "Respuesta automática: fuera de la oficina",
            "Estoy de vacaciones hasta el lunes.",
            "Auto-Submitted: auto-replied\r\n",
        ),
        bogota(1, 11, 1),
    )
    .unwrap();
    s.append(
        "INBOX",
        &request(
            "Mail Delivery System <MAILER-DAEMON@entidad.gov.co>",
            "rebote-1@entidad.gov.co",
            "Undelivered Mail Returned to Sender",
            "No se pudo entregar el mensaje a nadie@otra.gov.co.",
            "Auto-Submitted: auto-generated\r\n",
        ),
        bogota(1, 11, 2),
    )
    .unwrap();
    let v = env.json("2026-12-01T11:10", &["mail", "fetch"]);
    let got = outcomes(&v);
    assert!(got.contains(&"survey_recorded".to_string()), "{v}");
    let kinds: Vec<&str> = v["fetch"]["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["outcome"] == "ignored")
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"auto_reply"), "{v}");
    assert!(kinds.contains(&"bounce"), "{v}");
    assert!(
        got.iter().all(|o| o == "survey_recorded" || o == "ignored"),
        "{v}"
    );
    let t = env.json("2026-12-01T11:10", &["ticket", "show", &number]);
    assert_eq!(t["status"], "closed", "{t}");
    assert_eq!(t["survey"]["scores"], serde_json::json!([5, 4, 5, 5]));
    // Nothing awaits triage: neither the auto-reply nor the bounce became a request.
    assert_eq!(
        env.json("2026-12-01T11:10", &["mail", "inbox"]),
        Value::Array(vec![])
    );
    assert_eq!(count(&srv, "INBOX"), 0);
}

/// A small LCG: reproducible random kill points (the seed is printed on failure).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

#[cfg(unix)]
#[test]
fn the_collector_killed_ten_times_stores_every_mail_exactly_once() {
    let srv = Servers::start(Options::default());
    let env = Env::new();
    let now = "2026-12-01T12:00";
    configure(&env, &srv, now);
    let mut s = imap(&srv);
    for i in 0..200u32 {
        let body = format!(
            "Solicitud número {i}. {}",
            "x".repeat(500 + (i as usize % 7) * 300)
        );
        s.append(
            "INBOX",
            &request(
                &format!("Usuario {i} <u{}@entidad.gov.co>", i % 37),
                &format!("carga-{i}@entidad.gov.co"),
                &format!("Solicitud {i}"),
                &body,
                "",
            ),
            bogota(1, 8, i % 60),
        )
        .unwrap();
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Lcg(seed);
    let mut killed_while_running = 0;
    let mut stored_before_kill = Vec::new();
    for _ in 0..10 {
        let mut child = env
            .cmd()
            .args(["--now", now, "--json", "mail", "fetch"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill points spread over the process's life: start-up, connecting, mid-batch.
        let wait = Duration::from_millis(10 + rng.next(250));
        let started = Instant::now();
        while started.elapsed() < wait {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if child.try_wait().unwrap().is_none() {
            killed_while_running += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stored_before_kill.push(count(&srv, PROCESSED));
    }
    let v = env.json(now, &["mail", "fetch"]);
    assert_eq!(count(&srv, "INBOX"), 0, "seed {seed}: {v}");
    assert_eq!(count(&srv, PROCESSED), 200, "seed {seed}");
    let all = env.json(now, &["mail", "inbox", "--all"]);
    let mut ids: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message_id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        ids.len(),
        200,
        "seed {seed}: every mail stored exactly once"
    );
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200, "seed {seed}: a mail stored twice");
    assert!(
        killed_while_running >= 1,
        "seed {seed}: only {killed_while_running} kills hit a running collector \
         (processed after each kill: {stored_before_kill:?})"
    );
    eprintln!(
        "seed {seed}: processed after each kill {stored_before_kill:?}; final pass {}",
        v["fetch"]
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs Dovecot and aiosmtpd, Linux programs not available under Wine; runs in the Linux suite"
)]
fn a_second_collector_on_the_same_mailbox_is_refused_in_spanish() {
    let srv = Servers::start(Options::default());
    let env = Env::new();
    let now = "2026-12-01T12:00";
    configure(&env, &srv, now);
    // On a server the lock is an advisory lock there, held by this test's own connection.
    let store = env.store();
    let account = store.mail_account().unwrap().unwrap();
    let lock = mesa_mailsync::CollectorLock::acquire(&store, &account).unwrap();
    let err = env.fail(now, &["mail", "fetch"]);
    assert!(
        err.contains("Otro proceso ya está revisando el buzón"),
        "{err}"
    );
    drop(lock);
    env.ok(now, &["mail", "fetch"]);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs Dovecot and aiosmtpd, Linux programs not available under Wine; runs in the Linux suite"
)]
fn the_account_is_tested_and_no_encryption_is_refused_for_a_remote_host() {
    let srv = Servers::start(Options::default());
    let env = Env::new();
    let now = "2026-12-01T12:00";
    // No account yet: said in Spanish.
    let err = env.fail(now, &["mail", "fetch"]);
    assert!(
        err.contains("No hay una cuenta de correo configurada"),
        "{err}"
    );
    let err = env.fail(
        now,
        &[
            "mail",
            "account",
            "--imap",
            "imap.entidad.gov.co:143",
            "--smtp",
            "smtp.entidad.gov.co:25",
            "--security",
            "none",
            "--user",
            USER,
        ],
    );
    assert!(err.contains("cifrado") || err.contains("TLS"), "{err}");
    let err = env.fail(
        now,
        &[
            "mail",
            "account",
            "--imap",
            "sin-puerto",
            "--smtp",
            "x:1",
            "--security",
            "tls",
            "--user",
            USER,
        ],
    );
    assert!(err.contains("HOST:PUERTO"), "{err}");
    configure(&env, &srv, now);
    let out = env.ok(now, &["mail", "test"]);
    assert!(out.contains("IMAP: conexión correcta"), "{out}");
    assert!(
        out.contains("SMTP: conexión y autenticación correctas"),
        "{out}"
    );
    // The password lives in the credential store, not in the database.
    for file in ["mesa.db", "mesa.db-wal"] {
        let bytes = std::fs::read(env.data.path().join(file)).unwrap_or_default();
        assert!(
            !bytes
                .windows(PASSWORD.len())
                .any(|w| w == PASSWORD.as_bytes()),
            "{file}"
        );
    }
}
