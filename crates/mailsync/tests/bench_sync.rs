//! Benchmark (not a timed test; `#[ignore]`): 1,000 typical mails (5–200 KB, every tenth with a
//! base64 attachment, one with a 25 MB attachment) APPENDed to the loopback Dovecot, then
//! fetched, stored (`Store::ingest_mail`, moved to the processed folder) and listed
//! (`Store::inbox`) by the collector; prints seconds and peak memory (VmHWM, reset before the
//! collector runs). Run with
//! `cargo test -p mesa-mailsync --release --test bench_sync -- --ignored --nocapture`
//! (`MESA_BENCH_MAILS=200` for a quicker run).

#[path = "../../mailnet/tests/support/mod.rs"]
mod support;

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use mesa_core::Store;
use mesa_mailnet::{Credential, ImapSession};
use support::{Options, Servers, PASSWORD, USER};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn mail(i: usize, size: usize, attachment: usize) -> Vec<u8> {
    let boundary = format!("limite-{i}");
    let mut m = format!(
        "From: Funcionario {i} <f{}@entidad.gov.co>\r\nTo: {USER}\r\nSubject: Solicitud {i}\r\n\
         Message-ID: <bench-sync-{i}@entidad.gov.co>\r\nDate: Sun, 1 Nov 2026 07:00:00 -0500\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n\
         --{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
        i % 97
    )
    .into_bytes();
    let line = format!("Solicitud {i}: el equipo de la oficina no enciende desde esta mañana.\r\n");
    while m.len() < size {
        m.extend_from_slice(line.as_bytes());
    }
    if attachment > 0 {
        m.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Type: application/pdf; name=\"soporte-{i}.pdf\"\r\n\
                 Content-Disposition: attachment; filename=\"soporte-{i}.pdf\"\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n"
            )
            .as_bytes(),
        );
        let encoded = attachment.div_ceil(3) * 4;
        let mut n = 0usize;
        while n < encoded {
            let len = 76.min(encoded - n);
            m.extend((0..len).map(|k| B64[(i + n + k) % 64]));
            m.extend_from_slice(b"\r\n");
            n += len;
        }
    }
    m.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    m
}

fn peak() -> String {
    status("VmHWM")
}

/// A line of `/proc/self/status` (VmHWM: peak resident memory; VmRSS: resident now).
fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
}

#[test]
#[ignore]
fn fetch_store_and_list_1000_mails() {
    let n: usize = std::env::var("MESA_BENCH_MAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let srv = Servers::start(Options::default());
    let cred = Credential::Password(PASSWORD.into());
    let mut s = ImapSession::connect(&srv.account(), &cred).unwrap();
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    let mut total = 0u64;
    let t0 = Instant::now();
    for i in 0..n {
        let size = 5_000 + (i * 7_919) % 195_000;
        let attachment = if i == n / 2 {
            25 * 1024 * 1024
        } else if i % 10 == 0 {
            20_000 + (i * 131) % 100_000
        } else {
            0
        };
        let raw = mail(i, size, attachment);
        total += raw.len() as u64;
        let when = (start + Duration::seconds(i as i64 * 30)).fixed_offset();
        s.append("INBOX", &raw, when).unwrap();
    }
    let append_s = t0.elapsed().as_secs_f64();
    s.logout();

    let dir = tempfile::tempdir().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap();
    let mut store = Store::open(&dir.path().join("mesa.db")).unwrap();
    store.set_session("bench", Some(now));
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
        processed_folder: "Mesa de ayuda/Procesados".into(),
        poll_minutes: 2,
        // The 25 MB attachment is ~34 MB encoded: raise the limit so it is downloaded.
        max_mb: 40,
        auto_register: false,
        enabled: true,
    };
    store.set_mail_account(&account).unwrap();
    let before = peak();
    // Reset the peak RSS (Linux ≥ 4.0) so VmHWM measures the collector, not the APPENDs.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let floor = status("VmRSS");
    let t1 = Instant::now();
    let r = mesa_mailsync::fetch(&mut store, &account, &cred, now, &mut |_, _| {}).unwrap();
    let fetch_s = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let listed = store.inbox(false).unwrap().len();
    let list_s = t2.elapsed().as_secs_f64();
    assert_eq!(r.stored as usize, n, "{}", r.summary());
    assert_eq!(listed, n);
    println!(
        "bench: {n} mails, {:.1} MB; APPEND {append_s:.2} s; fetch + store + move {fetch_s:.2} s; \
         inbox list {list_s:.3} s; total {:.2} s",
        total as f64 / 1_048_576.0,
        fetch_s + list_s
    );
    println!(
        "bench: peak memory (VmHWM) after APPEND {before}; during the collector {} (resident \
         when it started: {floor})",
        peak()
    );
}
