//! The survey window when the resolved notice cannot go out (issue 16): a notice that fails
//! for good, or mail turned off while it waited, never leaves a case waiting for a survey
//! forever — the window starts then, the timeline says why, and auto-close runs as usual. Also
//! the OAuth2 account settings and the remembered reconnect state (migration 0019).

use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::mail::*;
use mesa_core::*;

const WHO: &str = "Técnico de sistemas";
const OFFICE: &str = "sistemas@entidad.gov.co";

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn account(auth: &str, enabled: bool) -> MailAccount {
    MailAccount {
        address: OFFICE.into(),
        display_name: "Mesa de Ayuda TI".into(),
        imap_host: "127.0.0.1".into(),
        imap_port: 10143,
        smtp_host: "127.0.0.1".into(),
        smtp_port: 10025,
        security: "none".into(),
        auth: auth.into(),
        username: OFFICE.into(),
        folder: "INBOX".into(),
        processed_folder: "Mesa de ayuda/Procesados".into(),
        poll_minutes: 2,
        max_mb: 25,
        auto_register: false,
        enabled,
    }
}

/// A case of Ana (with e-mail) resolved on Wednesday 11/03/2026 15:00 with mail on: its
/// resolved notice waits in the outbox. Returns (number, notice id).
fn resolved_with_notice(s: &mut Store) -> (String, i64) {
    s.set_mail_account(&account("password", true)).unwrap();
    let n = s
        .create_ticket(
            &NewTicket {
                requester: "Ana".into(),
                department: "Tesorería".into(),
                description: "No imprime".into(),
                email: Some("ana@entidad.gov.co".into()),
                received_at: Some("2026-03-11T08:00".into()),
                ..Default::default()
            },
            WHO,
            at("2026-03-11T08:00"),
        )
        .unwrap()
        .number;
    let t = s
        .apply_action(
            &n,
            &TicketAction::Resolve {
                solution: "Se cambió el tóner".into(),
                products: None,
                time_spent_minutes: None,
            },
            WHO,
            at("2026-03-11T15:00"),
        )
        .unwrap();
    assert_eq!(t.survey_due_at, None, "waits for the notice");
    let notice = s
        .outbox(true)
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "resuelto")
        .expect("resolved notice queued");
    (n, notice.id)
}

#[test]
fn a_notice_that_fails_for_good_starts_the_window_and_the_technician_sees_it() {
    let dir = crate::support::db();
    let mut s = dir.open();
    let (n, id) = resolved_with_notice(&mut s);
    // Eight refusals (the last on Thursday 12/03 10:00): failed for good.
    let mut now = at("2026-03-11T15:01");
    for _ in 1..mesa_core::mail::outbox::MAX_ATTEMPTS {
        s.mark_failed(id, "421 4.7.0 Try again later", now).unwrap();
        let t = s.get_ticket(&n, now).unwrap().ticket;
        assert_eq!(t.survey_due_at, None, "still retrying");
    }
    now = at("2026-03-12T10:00");
    s.mark_failed(id, "550 5.1.1 Mailbox unavailable", now)
        .unwrap();
    let detail = s.get_ticket(&n, now).unwrap();
    // Two business days from the final failure: Monday 16/03 10:00.
    assert_eq!(
        detail.ticket.survey_due_at.as_deref(),
        Some("2026-03-16T10:00:00-05:00")
    );
    let event = detail
        .events
        .iter()
        .find(|e| e.kind == "mail_failed")
        .expect("the timeline says the notice failed");
    let note = event.note.as_deref().unwrap_or_default();
    assert!(note.contains("550 5.1.1"), "{note}");
    assert!(note.contains("vence el 16/03/2026 10:00"), "{note}");
    // The recomputation keeps it; auto-close closes it at the due time.
    s.recompute_all_deadlines().unwrap();
    let t = s.get_ticket(&n, now).unwrap().ticket;
    assert_eq!(
        t.survey_due_at.as_deref(),
        Some("2026-03-16T10:00:00-05:00")
    );
    assert!(s.autoclose(at("2026-03-16T09:59")).unwrap().is_empty());
    assert_eq!(
        s.autoclose(at("2026-03-16T10:01")).unwrap(),
        vec![n.clone()]
    );
}

#[test]
fn mail_turned_off_while_a_notice_waits_starts_the_window_at_the_next_sweep() {
    let dir = crate::support::db();
    let mut s = dir.open();
    let (n, _) = resolved_with_notice(&mut s);
    // With mail on, the sweep leaves the waiting case alone.
    assert!(s.autoclose(at("2026-03-11T16:00")).unwrap().is_empty());
    assert_eq!(
        s.get_ticket(&n, at("2026-03-11T16:00"))
            .unwrap()
            .ticket
            .survey_due_at,
        None
    );
    // Mail turned off on Thursday 12/03 08:00: the next sweep starts the window.
    s.set_mail_account(&account("password", false)).unwrap();
    assert!(s.autoclose(at("2026-03-12T08:05")).unwrap().is_empty());
    let detail = s.get_ticket(&n, at("2026-03-12T08:05")).unwrap();
    assert_eq!(
        detail.ticket.survey_due_at.as_deref(),
        Some("2026-03-16T08:05:00-05:00")
    );
    let note = detail
        .events
        .iter()
        .find(|e| e.kind == "survey_window")
        .and_then(|e| e.note.clone())
        .expect("timeline entry");
    assert!(note.contains("correo está desactivado"), "{note}");
    // A second sweep changes nothing; the due sweep closes it.
    assert!(s.autoclose(at("2026-03-13T08:00")).unwrap().is_empty());
    assert_eq!(
        s.get_ticket(&n, at("2026-03-13T08:00"))
            .unwrap()
            .events
            .iter()
            .filter(|e| e.kind == "survey_window")
            .count(),
        1
    );
    assert_eq!(s.autoclose(at("2026-03-16T08:06")).unwrap(), vec![n]);
}

#[test]
fn an_oauth2_account_is_kept_with_its_application_and_the_reconnect_state_is_remembered() {
    let dir = crate::support::db();
    let mut s = dir.open();
    assert!(s.mail_oauth().unwrap().is_none());
    assert!(s.mail_reconnect_state().unwrap().is_none());
    let app = MailOAuth {
        provider: "microsoft".into(),
        client_id: "0000-cliente".into(),
        auth_endpoint: "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize"
            .into(),
        token_endpoint: "https://login.microsoftonline.com/organizations/oauth2/v2.0/token".into(),
        device_endpoint: Some(
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode".into(),
        ),
        scopes: vec![
            "https://outlook.office.com/IMAP.AccessAsUser.All".into(),
            "offline_access".into(),
        ],
        connected_at: None,
    };
    s.set_mail_oauth(&app).unwrap();
    s.set_mail_account(&account("oauth2_microsoft", true))
        .unwrap();
    assert_eq!(s.mail_oauth().unwrap().unwrap(), app);
    // Unknown providers and auth kinds, and a token endpoint in clear text, are refused.
    let e = s
        .set_mail_oauth(&MailOAuth {
            provider: "yahoo".into(),
            ..app.clone()
        })
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    let e = s
        .set_mail_oauth(&MailOAuth {
            token_endpoint: "http://login.example.com/token".into(),
            ..app.clone()
        })
        .unwrap_err();
    assert!(e.to_string().contains("https://"), "{e}");
    let e = s
        .set_mail_account(&account("oauth2_yahoo", true))
        .unwrap_err();
    assert_eq!(e.code(), "validation");

    s.mail_oauth_connected(at("2026-12-01T08:00")).unwrap();
    s.mark_mail_reconnect("invalid_grant: revocado", at("2026-12-02T09:00"))
        .unwrap();
    s.mark_mail_reconnect("invalid_grant: otra vez", at("2026-12-02T09:02"))
        .unwrap();
    drop(s);
    // Remembered across a restart; the first refusal's time, the latest detail.
    let mut s = dir.open();
    let r = s.mail_reconnect_state().unwrap().unwrap();
    assert_eq!(r.since, "2026-12-02T09:00:00-05:00");
    assert_eq!(r.detail, "invalid_grant: otra vez");
    assert_eq!(r.message, "Vuelva a conectar la cuenta de correo");
    s.mail_oauth_connected(at("2026-12-02T10:00")).unwrap();
    assert!(s.mail_reconnect_state().unwrap().is_none());
    assert_eq!(
        s.mail_oauth().unwrap().unwrap().connected_at.as_deref(),
        Some("2026-12-02T10:00:00-05:00")
    );
    // Every change of the application is audited.
    let audited: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE table_name = 'mail_oauth'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(audited >= 4, "{audited}");
}

#[test]
fn an_outlook_msg_enters_the_bandeja_through_the_same_path() {
    let dir = crate::support::db();
    let mut s = dir.open();
    let msg = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../mail/tests/fixtures/mail/outlook-attachments.msg"),
    )
    .unwrap();
    let raw = mesa_core::mail::mail_file_bytes(msg.clone()).unwrap();
    assert_ne!(raw, msg);
    let incoming = |raw: Vec<u8>| Incoming {
        account: None,
        uidvalidity: None,
        uid: None,
        received_at: at("2026-03-10T09:00"),
        body: MailBody::Full(raw),
        imported: true,
    };
    let out = s
        .ingest_mail(&incoming(raw.clone()), at("2026-03-10T09:01"))
        .unwrap();
    assert!(matches!(out, IngestOutcome::New { .. }), "{out:?}");
    let entry = &s.inbox(false).unwrap()[0];
    assert!(
        entry.subject.contains("Please check all aspects"),
        "{entry:?}"
    );
    // The .doc at least (images shown in the HTML body are inline, not counted).
    assert!(entry.attachments >= 1, "{entry:?}");
    // The same .msg imported again is recognised (same bytes after conversion).
    let again = mesa_core::mail::mail_file_bytes(msg).unwrap();
    let out = s
        .ingest_mail(&incoming(again), at("2026-03-10T09:02"))
        .unwrap();
    assert!(
        matches!(out, IngestOutcome::AlreadyStored { .. }),
        "{out:?}"
    );
    // Something that is neither: an .eml passes as is; a damaged .msg is mail_msg.
    assert_eq!(
        mesa_core::mail::mail_file_bytes(b"Subject: x\r\n\r\ny".to_vec()).unwrap(),
        b"Subject: x\r\n\r\ny".to_vec()
    );
    let mut broken = raw_ole_header();
    broken.extend_from_slice(&[0u8; 100]);
    let e = mesa_core::mail::mail_file_bytes(broken).unwrap_err();
    assert_eq!(e.code(), "mail_msg");
    assert!(e.to_string().contains("Outlook"), "{e}");
}

fn raw_ole_header() -> Vec<u8> {
    vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
}
