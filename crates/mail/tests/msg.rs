//! Outlook `.msg` files become RFC 5322 bytes that `parse` reads like any `.eml`: subject,
//! sender, body and every attachment with its bytes; damaged `.msg` files are a Spanish error,
//! never a panic. Fixture `outlook-attachments.msg` (see the fixtures README).

use mesa_mail::{is_msg, msg_to_eml, parse};

fn fixture() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/mail/outlook-attachments.msg"),
    )
    .unwrap()
}

#[test]
fn a_msg_with_attachments_reads_like_an_eml() {
    let msg = fixture();
    assert!(is_msg(&msg));
    let eml = msg_to_eml(&msg).unwrap();
    assert!(!is_msg(&eml));
    let parsed = parse(&eml);
    let outlook = msg_parser::Outlook::from_slice(&msg).unwrap();
    assert_eq!(parsed.subject, outlook.subject.trim());
    assert!(!parsed.subject.is_empty());
    // This one was saved from Outlook before sending: no transport headers, and the sender is
    // an Exchange-internal (X.500) address. Its name is kept, no address is made up, and the
    // Bandeja says the sender has no valid address.
    assert!(outlook.headers.raw.is_empty());
    let from = parsed
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("From"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    assert!(from.contains("Nagisetti, Satya"), "{from}");
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    assert!(
        parsed.warnings[0].contains("remitente"),
        "{:?}",
        parsed.warnings
    );
    assert_eq!(parsed.to.len(), 1, "{:?}", parsed.to);
    assert!(parsed.date_header.is_some());
    assert!(parsed.text.contains("suspicious"), "{}", parsed.text);
    let names: Vec<&str> = parsed.attachments.iter().map(|a| a.name.as_str()).collect();
    for (a, expected) in
        outlook
            .attachments
            .iter()
            .zip(["loan_proposal.doc", "image001.png", "image002.jpg"])
    {
        let got = parsed
            .attachments
            .iter()
            .find(|p| p.name == expected)
            .unwrap_or_else(|| panic!("{expected} missing: {names:?}"));
        assert_eq!(got.bytes, a.payload_bytes, "{expected}");
        if expected.ends_with(".doc") {
            assert!(!got.inline, "a plain attachment, not an inline image");
        }
    }
    // The same file gives the same bytes (stable boundaries: dedupe by content works).
    assert_eq!(msg_to_eml(&msg).unwrap(), eml);
}

#[test]
fn damaged_msg_files_are_an_error_never_a_panic() {
    let msg = fixture();
    assert!(!is_msg(b"From: a@b.c\r\n\r\nhola"));
    let e = msg_to_eml(b"From: a@b.c\r\n\r\nhola").unwrap_err();
    assert_eq!(e.code(), "mail_msg");
    assert!(e.to_string().contains("Outlook"), "{e}");
    // Cut at many points, and with bytes flipped: Err or a message, never a panic.
    for cut in (8..msg.len()).step_by(msg.len() / 40) {
        if let Ok(eml) = msg_to_eml(&msg[..cut]) {
            let _ = parse(&eml);
        }
    }
    let mut flipped = msg.clone();
    for i in (512..flipped.len()).step_by(997) {
        flipped[i] ^= 0x5a;
    }
    if let Ok(eml) = msg_to_eml(&flipped) {
        let _ = parse(&eml);
    }
}
