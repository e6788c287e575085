//! mesa-mailsync against real servers on loopback (Dovecot + aiosmtpd from mesa-mailnet's test
//! support) and a real SQLite store: the crash windows of the collector, a UIDVALIDITY change,
//! an oversized mail, the lock, and the sender's failures and retries.

#[path = "../../mailnet/tests/support/mod.rs"]
mod support;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use mesa_core::mail::{Incoming, IngestOutcome, MailBody};
use mesa_core::Store;
use mesa_mailnet::{Credential, ImapSession};
use mesa_mailsync::{fetch, send_pending, CollectorLock, SyncError};
use support::{Options, Servers, PASSWORD, USER};

const PROCESSED: &str = "Mesa de ayuda/Procesados";

fn pw() -> Credential {
    Credential::Password(PASSWORD.into())
}

fn at(h: u32, mi: u32) -> DateTime<FixedOffset> {
    FixedOffset::west_opt(5 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 12, 1, h, mi, 0)
        .unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 15, 0, 0).unwrap()
}

fn mail(id: &str, body_len: usize) -> Vec<u8> {
    format!(
        "From: Ana <ana@entidad.gov.co>\r\nTo: {USER}\r\nSubject: Solicitud {id}\r\n\
         Message-ID: <{id}@entidad.gov.co>\r\nDate: Tue, 1 Dec 2026 07:00:00 -0500\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nNo funciona el equipo. {}\r\n",
        "x".repeat(body_len)
    )
    .into_bytes()
}

struct Fixture {
    srv: Servers,
    _dir: tempfile::TempDir,
    store: Store,
    account: mesa_core::mail::MailAccount,
}

fn setup(max_mb: i64) -> Fixture {
    let srv = Servers::start(Options::default());
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("mesa.db")).unwrap();
    store.set_session("prueba", Some(now()));
    let account = mesa_core::mail::MailAccount {
        address: USER.into(),
        display_name: "Mesa de Ayuda TI".into(),
        imap_host: "127.0.0.1".into(),
        imap_port: srv.imap_port,
        smtp_host: "127.0.0.1".into(),
        smtp_port: srv.smtp_port,
        security: "none".into(),
        auth: "password".into(),
        username: USER.into(),
        folder: "INBOX".into(),
        processed_folder: PROCESSED.into(),
        poll_minutes: 2,
        max_mb,
        auto_register: false,
        enabled: true,
    };
    store.set_mail_account(&account).unwrap();
    Fixture {
        srv,
        _dir: dir,
        store,
        account,
    }
}

fn count(srv: &Servers, folder: &str) -> u32 {
    let mut s = ImapSession::connect(&srv.account(), &pw()).unwrap();
    let n = s.count(folder).unwrap();
    s.logout();
    n
}

#[test]
fn a_mail_stored_before_a_crash_is_moved_not_stored_again() {
    let mut f = setup(25);
    let mut s = ImapSession::connect(&f.srv.account(), &pw()).unwrap();
    let raw = mail("antes-del-corte", 200);
    let uid = s.append("INBOX", &raw, at(8, 0)).unwrap().unwrap();
    s.append("INBOX", &mail("despues", 200), at(8, 1)).unwrap();
    // The collector stored the first mail and died before moving it.
    let key = mesa_mailsync::mailbox_key(&f.account);
    let first = f
        .store
        .ingest_mail(
            &Incoming {
                account: Some(key.clone()),
                uidvalidity: Some(s.uidvalidity()),
                uid: Some(uid),
                received_at: at(8, 0).with_timezone(&Utc),
                body: MailBody::Full(raw),
                imported: false,
            },
            now(),
        )
        .unwrap();
    assert!(matches!(first, IngestOutcome::New { .. }), "{first:?}");
    assert_eq!(f.store.mailbox_state(&key).unwrap().unwrap().1, uid);

    let r = fetch(&mut f.store, &f.account, &pw(), now(), &mut |_, _| {}).unwrap();
    assert_eq!(
        (r.fetched, r.already_stored, r.stored, r.moved),
        (2, 1, 1, 2)
    );
    assert!(!r.uidvalidity_changed);
    assert_eq!(count(&f.srv, "INBOX"), 0);
    assert_eq!(count(&f.srv, PROCESSED), 2);
    assert_eq!(f.store.inbox(true).unwrap().len(), 2);
    // Nothing left: a second pass reads nothing.
    let r = fetch(&mut f.store, &f.account, &pw(), now(), &mut |_, _| {}).unwrap();
    assert_eq!(r.fetched, 0);
}

#[test]
fn a_uidvalidity_change_keeps_each_mail_once() {
    let mut f = setup(25);
    let mut s = ImapSession::connect(&f.srv.account(), &pw()).unwrap();
    let raw = mail("renumerado", 300);
    s.append("INBOX", &raw, at(9, 0)).unwrap();
    // Stored earlier under another UIDVALIDITY (the server renumbered the folder since).
    let key = mesa_mailsync::mailbox_key(&f.account);
    let old_validity = s.uidvalidity().wrapping_sub(7);
    f.store
        .ingest_mail(
            &Incoming {
                account: Some(key.clone()),
                uidvalidity: Some(old_validity),
                uid: Some(900),
                received_at: at(9, 0).with_timezone(&Utc),
                body: MailBody::Full(raw),
                imported: false,
            },
            now(),
        )
        .unwrap();
    let r = fetch(&mut f.store, &f.account, &pw(), now(), &mut |_, _| {}).unwrap();
    assert!(r.uidvalidity_changed, "{r:?}");
    assert_eq!((r.fetched, r.already_stored, r.stored), (1, 1, 0), "{r:?}");
    assert_eq!(f.store.inbox(true).unwrap().len(), 1);
    assert_eq!(
        f.store.mailbox_state(&key).unwrap().unwrap().0,
        s.uidvalidity()
    );
    assert!(r.summary().contains("UIDVALIDITY"), "{}", r.summary());
}

#[test]
fn an_oversized_mail_is_recorded_once_and_moved() {
    let mut f = setup(1);
    let mut s = ImapSession::connect(&f.srv.account(), &pw()).unwrap();
    s.append("INBOX", &mail("enorme", 1_500_000), at(10, 0))
        .unwrap();
    s.append("INBOX", &mail("normal", 100), at(10, 1)).unwrap();
    let mut seen = Vec::new();
    let r = fetch(&mut f.store, &f.account, &pw(), now(), &mut |d, left| {
        seen.push((d, left))
    })
    .unwrap();
    assert_eq!((r.fetched, r.too_large, r.stored, r.moved), (2, 1, 2, 2));
    assert_eq!(seen, vec![(1, 1), (2, 0)]);
    let inbox = f.store.inbox(false).unwrap();
    let big: Vec<_> = inbox
        .iter()
        .filter(|e| e.state == "demasiado_grande")
        .collect();
    assert_eq!(big.len(), 1, "{inbox:?}");
    assert_eq!(count(&f.srv, "INBOX"), 0);
    let r = fetch(&mut f.store, &f.account, &pw(), now(), &mut |_, _| {}).unwrap();
    assert_eq!(r.fetched, 0);
    assert_eq!(f.store.inbox(true).unwrap().len(), 2);
}

#[test]
fn only_one_collector_per_mailbox() {
    let mut f = setup(25);
    let held = CollectorLock::acquire(&f.store, &f.account).unwrap();
    assert!(held.path().exists());
    let err = fetch(&mut f.store, &f.account, &pw(), now(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, SyncError::Busy { .. }), "{err:?}");
    assert_eq!(err.code(), "mail_collector_busy");
    assert!(err
        .to_string()
        .contains("Otro proceso ya está revisando el buzón"));
    drop(held);
    fetch(&mut f.store, &f.account, &pw(), now(), &mut |_, _| {}).unwrap();
}

#[test]
fn a_refused_send_is_marked_failed_and_retried_later() {
    let mut f = setup(25);
    let mut s = ImapSession::connect(&f.srv.account(), &pw()).unwrap();
    s.append("INBOX", &mail("pide-acuse", 100), at(9, 30))
        .unwrap();
    fetch(&mut f.store, &f.account, &pw(), now(), &mut |_, _| {}).unwrap();
    let id = f.store.inbox(false).unwrap()[0].id;
    let overrides = mesa_core::mail::RegisterOverrides {
        department: Some("Tesorería".into()),
        ..Default::default()
    };
    f.store
        .register_mail(id, &overrides, "prueba", now())
        .unwrap();
    assert_eq!(f.store.pending_outbox(now()).unwrap().len(), 1);

    // A wrong password: the message is marked failed with the server's answer, not lost.
    let bad = Credential::Password("mala".into());
    let r = send_pending(&mut f.store, &f.account, &bad, now()).unwrap();
    assert_eq!((r.sent, r.failed), (0, 1), "{r:?}");
    let o = &f.store.outbox(true).unwrap()[0];
    assert_ne!(o.state, "enviado");
    assert_eq!(o.attempts, 1);
    assert!(o.last_reply.is_some(), "{o:?}");
    // Later (after the backoff) it goes out.
    let later = now() + chrono::Duration::hours(5);
    let r = send_pending(&mut f.store, &f.account, &pw(), later).unwrap();
    assert_eq!((r.sent, r.failed), (1, 0), "{r:?}");
    let o = &f.store.outbox(true).unwrap()[0];
    assert_eq!(o.state, "enviado");
    assert!(o
        .last_reply
        .as_deref()
        .unwrap_or_default()
        .starts_with("250"));
}
