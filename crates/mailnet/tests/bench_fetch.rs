//! Benchmark (not a timed test; `#[ignore]`): APPEND 1,000 mails of 5–200 KB (one of 24 MB) to the loopback
//! Dovecot, then time `fetch_new` over all of them. Run with
//! `cargo test -p mesa-mailnet --release --test bench_fetch -- --ignored --nocapture`.

mod support;

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use mesa_mailnet::{Credential, ImapSession, DEFAULT_MAX_SIZE};
use support::{Options, Servers, PASSWORD};

fn mail(i: usize, size: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Funcionario {i} <f{i}@entidad.gov.co>\r\nTo: sistemas@entidad.gov.co\r\nSubject: Solicitud {i}\r\nMessage-ID: <bench-{i}@entidad.gov.co>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    )
    .into_bytes();
    let line = format!("Solicitud {i}: el equipo de la oficina no enciende desde esta mañana.\r\n");
    while m.len() < size {
        m.extend_from_slice(line.as_bytes());
    }
    m
}

#[test]
#[ignore]
fn fetch_1000_mails() {
    let n: usize = std::env::var("MESA_BENCH_MAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let srv = Servers::start(Options::default());
    let account = srv.account();
    let cred = Credential::Password(PASSWORD.into());
    let mut s = ImapSession::connect(&account, &cred).unwrap();
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    let mut total = 0u64;
    let t0 = Instant::now();
    for i in 0..n {
        // Deterministic spread over 5–200 KB, and one of 24 MB (under the 25 MB limit).
        let size = if i == n / 2 {
            24_000_000
        } else {
            5_000 + (i * 7_919) % 195_000
        };
        let raw = mail(i, size);
        total += raw.len() as u64;
        s.append(
            "INBOX",
            &raw,
            (start + Duration::minutes(i as i64)).fixed_offset(),
        )
        .unwrap();
    }
    let append = t0.elapsed();
    s.logout();

    let t1 = Instant::now();
    let mut s = ImapSession::connect(&account, &cred).unwrap();
    let mut count = 0;
    let mut bytes = 0u64;
    let mut last = 0;
    for m in s.fetch_new(0, DEFAULT_MAX_SIZE).unwrap() {
        let m = m.unwrap();
        assert!(m.uid > last);
        last = m.uid;
        bytes += m.raw.as_ref().map(|r| r.len() as u64).unwrap_or(0);
        count += 1;
    }
    let fetch = t1.elapsed();
    assert_eq!(count, n);
    assert_eq!(bytes, total);
    // Peak resident memory of this process (Linux), the test harness included.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    println!("bench: peak memory (VmHWM) {peak}");
    println!(
        "bench: {n} mails (one of 24 MB), {:.1} MB; APPEND {:.2} s; fetch_new {:.2} s ({:.0} mails/s, {:.1} MB/s)",
        total as f64 / 1e6,
        append.as_secs_f64(),
        fetch.as_secs_f64(),
        n as f64 / fetch.as_secs_f64(),
        total as f64 / 1e6 / fetch.as_secs_f64()
    );
}
