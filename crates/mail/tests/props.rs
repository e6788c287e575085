//! Property tests: nothing in the crate panics on arbitrary bytes or on mutated fixtures.

use mesa_mail::{case_tokens, classify, parse, parse_survey_reply, reply_text};
use proptest::prelude::*;

fn fixtures() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mail");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "fixtures missing: {}", paths.len());
    paths
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// Runs every entry point on the bytes; the property is that this returns.
fn exercise(raw: &[u8]) {
    let m = parse(raw);
    assert_eq!(m.size, raw.len());
    let _ = classify(&m, &["sistemas@alcaldia-ejemplo.gov.co".to_string()]);
    let cut = reply_text(&m.text);
    assert!(cut.len() <= m.text.len());
    let s = parse_survey_reply(&m.text, 4, 1..=5);
    assert_eq!(s.answers.len(), 4);
    assert_eq!(s.complete, s.problems.is_empty());
    for t in case_tokens(&m.subject) {
        assert_eq!(t, t.to_ascii_uppercase());
    }
    let lossy = String::from_utf8_lossy(raw);
    let _ = reply_text(&lossy);
    let _ = parse_survey_reply(&lossy, 3, 1..=5);
    let _ = case_tokens(&lossy);
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, byte: u8 },
    Truncate { at: usize },
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), 1usize..200).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 1usize..200).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

fn apply(mut raw: Vec<u8>, m: &Mutation) -> Vec<u8> {
    if raw.is_empty() {
        return raw;
    }
    let n = raw.len();
    match *m {
        Mutation::Flip { at, byte } => raw[at % n] = byte,
        Mutation::Truncate { at } => raw.truncate(at % n),
        Mutation::Delete { at, len } => {
            let at = at % n;
            let end = (at + len).min(n);
            raw.drain(at..end);
        }
        Mutation::Duplicate { at, len } => {
            let at = at % n;
            let end = (at + len).min(n);
            let chunk = raw[at..end].to_vec();
            raw.splice(at..at, chunk);
        }
    }
    raw
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..4096)) {
        exercise(&raw);
    }

    #[test]
    fn mime_shaped_noise_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("Content-Type: multipart/mixed; boundary=\"b\"\r\n".to_string()),
                Just("--b\r\n".to_string()),
                Just("--b--\r\n".to_string()),
                Just("Content-Transfer-Encoding: base64\r\n".to_string()),
                Just("Content-Transfer-Encoding: quoted-printable\r\n".to_string()),
                Just("Content-Type: message/rfc822\r\n".to_string()),
                Just("Content-Type: text/html; charset=x-nada\r\n".to_string()),
                Just("Subject: =?utf-8?B?w6E=?= =?iso-8859-1?Q?=E1?=\r\n".to_string()),
                Just("\r\n".to_string()),
                Just("=E1=\r\n".to_string()),
                Just("<p>1. 5</p><table><tr><td>".to_string()),
                "[ -~]{0,40}\r\n",
            ],
            0..60,
        )
    ) {
        exercise(parts.concat().as_bytes());
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in any::<prop::sample::Index>(),
        muts in proptest::collection::vec(mutation(), 1..6),
    ) {
        let all = fixtures();
        let mut raw = which.get(&all).clone();
        for m in &muts {
            raw = apply(raw, m);
        }
        exercise(&raw);
    }

    #[test]
    fn text_functions_never_panic(s in "\\PC{0,400}", q in 0usize..12, lo in 0u8..6, hi in 0u8..12) {
        let _ = reply_text(&s);
        let r = parse_survey_reply(&s, q, lo..=hi);
        prop_assert_eq!(r.answers.len(), q);
        let _ = case_tokens(&s);
    }
}

/// Every prefix of every fixture (truncation at every byte of the small ones).
#[test]
fn every_truncation_of_small_fixtures() {
    for raw in fixtures().into_iter().filter(|r| r.len() < 3000) {
        for end in 0..raw.len() {
            exercise(&raw[..end]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Whatever text goes into an outgoing message, `compose` builds a message that parses back with our Message-ID, the case token and no injected
    /// header.
    #[test]
    fn compose_round_trips_any_text(
        subject in "\\PC{0,120}",
        name in "\\PC{0,40}",
        text in "\\PC{0,600}",
        case in "[A-Z]{2}-20[0-9]{2}-[0-9]{4}",
        parent in "\\PC{0,40}",
        file in "\\PC{0,40}",
        injected in "(\r\n|\n)X-Inyectado: 1",
    ) {
        use chrono::{TimeZone, Utc};
        let o = mesa_mail::Outgoing {
            from: mesa_mail::Address { address: "sistemas@alcaldia-ejemplo.gov.co".into(), name: Some(name.clone()) },
            to: vec![mesa_mail::Address { address: "ana@alcaldia-ejemplo.gov.co".into(), name: Some(format!("{name}{injected}")) }],
            cc: vec![],
            reply_to: None,
            subject: format!("{subject}{injected}"),
            case_number: Some(case.clone()),
            in_reply_to: Some(parent),
            references: vec![],
            auto_submitted: true,
            text: text.clone(),
            attachments: vec![mesa_mail::OutgoingAttachment {
                name: format!("{file}{injected}"),
                content_type: "application/pdf".into(),
                bytes: text.as_bytes().to_vec(),
            }],
            date: Utc.with_ymd_and_hms(2026, 12, 2, 13, 0, 0).unwrap(),
        };
        let built = mesa_mail::compose(&o);
        prop_assert!(built.is_ok(), "{:?}", built.as_ref().err());
        if let Ok((id, raw)) = built {
            let m = parse(&raw);
            prop_assert_eq!(m.message_id.as_deref(), Some(id.as_str()));
            prop_assert!(case_tokens(&m.subject).contains(&case), "{}", m.subject);
            prop_assert_eq!(m.header("X-Inyectado"), None);
            prop_assert_eq!(m.header("X-Mesa-Ayuda"), Some(case.as_str()));
            prop_assert_eq!(m.attachments.len(), 1);
            prop_assert_eq!(&m.attachments[0].bytes, &o.attachments[0].bytes);
        }
    }
}
