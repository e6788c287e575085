//! What the app's Bandeja asks of the core beyond the list (issue 16): one mail in full (headers,
//! body, attachments), the new-case form prefilled exactly as registering without changes
//! registers, a copy of an attachment of a mail not yet on a case, and a survey recorded by hand
//! from a reply waiting in «Revisar respuesta». Real `.eml` bytes, a real SQLite file.

use chrono::Duration;
use mesa_core::mail::*;
use mesa_core::*;

use super::mail::{at, open, with_account, OFFICE, WHO};

fn plain(from: &str, subject: &str, msgid: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {OFFICE}\r\nCc: jefe@entidad.gov.co\r\nSubject: {subject}\r\n\
         Message-ID: <{msgid}>\r\nDate: Tue, 10 Mar 2026 09:58:00 -0500\r\n{extra}\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// A request with a PDF attached (base64), as a mail client sends it.
fn with_pdf(from: &str, msgid: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {OFFICE}\r\nSubject: Error en nómina\r\nMessage-ID: <{msgid}>\r\n\
         Date: Tue, 10 Mar 2026 09:58:00 -0500\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nAdjunto el pantallazo del error.\r\n--b1\r\n\
         Content-Type: application/pdf; name=\"pantallazo.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"pantallazo.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJSBwcnVlYmEKJSVFT0YK\r\n--b1--\r\n"
    )
    .into_bytes()
}

fn ingest(s: &mut Store, raw: Vec<u8>, uid: u32, received: &str) -> IngestOutcome {
    s.ingest_mail(
        &Incoming {
            account: Some(format!("{OFFICE}/INBOX")),
            uidvalidity: Some(7),
            uid: Some(uid),
            received_at: at(received),
            body: MailBody::Full(raw),
            imported: false,
        },
        at(received) + Duration::minutes(1),
    )
    .unwrap()
}

fn new_id(out: IngestOutcome) -> i64 {
    match out {
        IngestOutcome::New { mail_id } => mail_id,
        other => panic!("se esperaba un correo nuevo: {other:?}"),
    }
}

#[test]
fn the_detail_shows_headers_body_and_attachments_and_a_copy_is_the_same_bytes() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let id = new_id(ingest(
        &mut s,
        with_pdf(
            "Nubia Cuello <nubia@entidad.gov.co>",
            "pdf-1@entidad.gov.co",
        ),
        1,
        "2026-03-10T10:05",
    ));
    let d = s.mail_detail(id).unwrap();
    assert_eq!(d.entry.id, id);
    assert_eq!(d.entry.from, "nubia@entidad.gov.co");
    assert_eq!(d.entry.from_name, "Nubia Cuello");
    // Arrival (INTERNALDATE) and the sender's Date header are both there, apart.
    assert_eq!(d.entry.received_at, "2026-03-10T10:05:00-05:00");
    assert_eq!(d.date_header.as_deref(), Some("2026-03-10T09:58:00-05:00"));
    assert_eq!(d.to, OFFICE);
    assert!(
        d.body.contains("Adjunto el pantallazo del error."),
        "{}",
        d.body
    );
    assert_eq!(d.attachment_list.len(), 1);
    let a = &d.attachment_list[0];
    assert_eq!((a.index, a.name.as_str()), (0, "pantallazo.pdf"));
    assert_eq!(a.content_type, "application/pdf");
    let (name, bytes) = s.mail_attachment(id, 0).unwrap();
    assert_eq!(name, "pantallazo.pdf");
    assert_eq!(bytes, b"%PDF-1.4\n% prueba\n%%EOF\n");
    assert_eq!(a.size, bytes.len() as i64);
    // An index out of range and an unknown mail are refused in Spanish.
    let e = s.mail_attachment(id, 3).unwrap_err();
    assert!(
        e.to_string().contains("no tiene el adjunto número 4"),
        "{e}"
    );
    let e = s.mail_detail(999).unwrap_err();
    assert!(e.to_string().contains("999"), "{e}");
}

#[test]
fn the_draft_is_what_registering_without_changes_registers() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    // A stranger: name from the mail, dependencia to be defined, no location.
    let id = new_id(ingest(
        &mut s,
        plain(
            "Nubia Cuello <nubia@entidad.gov.co>",
            "No imprime",
            "r1@entidad.gov.co",
            "",
            "La impresora del piso 2 no imprime.",
        ),
        1,
        "2026-03-10T10:05",
    ));
    let d = s.mail_draft(id).unwrap();
    assert_eq!(d.requester, "Nubia Cuello");
    assert_eq!(d.department, "Por definir");
    assert_eq!(d.email.as_deref(), Some("nubia@entidad.gov.co"));
    assert_eq!(d.channel.as_deref(), Some("correo"));
    assert_eq!(d.received_at.as_deref(), Some("2026-03-10T10:05:00-05:00"));
    assert_eq!(
        d.description,
        "No imprime\n\nLa impresora del piso 2 no imprime."
    );
    let number = s
        .register_mail(
            id,
            &RegisterOverrides {
                department: Some("Tesorería".into()),
                location: Some("Piso 2".into()),
                phone: Some("Ext. 214".into()),
                ..Default::default()
            },
            WHO,
            at("2026-03-10T10:30"),
        )
        .unwrap();
    let t = s
        .get_ticket(&number, at("2026-03-10T10:31"))
        .unwrap()
        .ticket;
    assert_eq!(t.requester, d.requester);
    assert_eq!(t.description, d.description);
    assert_eq!(t.received_at.as_deref(), Some("2026-03-10T10:05:00-05:00"));

    // The same sender again: the draft now carries what her earlier case says.
    let id2 = new_id(ingest(
        &mut s,
        plain(
            "nubia@entidad.gov.co",
            "Tampoco escanea",
            "r2@entidad.gov.co",
            "",
            "El escáner tampoco funciona.",
        ),
        2,
        "2026-03-11T08:00",
    ));
    let d2 = s.mail_draft(id2).unwrap();
    assert_eq!(d2.requester, "Nubia Cuello");
    assert_eq!(d2.department, "Tesorería");
    assert_eq!(d2.location.as_deref(), Some("Piso 2"));
    assert_eq!(d2.phone.as_deref(), Some("Ext. 214"));
    let n2 = s
        .register_mail(
            id2,
            &RegisterOverrides::default(),
            WHO,
            at("2026-03-11T08:10"),
        )
        .unwrap();
    let t2 = s.get_ticket(&n2, at("2026-03-11T08:11")).unwrap().ticket;
    assert_eq!(
        (t2.requester, t2.department, t2.location, t2.phone),
        (
            d2.requester,
            d2.department,
            d2.location.clone(),
            d2.phone.clone()
        )
    );
}

#[test]
fn a_survey_reply_to_review_is_recorded_by_hand_and_leaves_the_review_list() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let id = new_id(ingest(
        &mut s,
        plain(
            "Ana Gutiérrez <ana@entidad.gov.co>",
            "No imprime",
            "req-1@entidad.gov.co",
            "",
            "No imprime.",
        ),
        1,
        "2026-03-10T09:58",
    ));
    let number = s
        .register_mail(
            id,
            &RegisterOverrides {
                department: Some("Tesorería".into()),
                ..Default::default()
            },
            WHO,
            at("2026-03-10T10:30"),
        )
        .unwrap();
    s.apply_action(
        &number,
        &TicketAction::Resolve {
            solution: "Se cambió el tóner".into(),
            products: None,
            time_spent_minutes: None,
        },
        WHO,
        at("2026-03-11T15:00"),
    )
    .unwrap();
    let notice = s
        .outbox(false)
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "resuelto")
        .unwrap();
    // Words the parser cannot score: it waits for review.
    let out = ingest(
        &mut s,
        plain(
            "ana@entidad.gov.co",
            &format!("RE: [{number}] solucionado"),
            "sv1@entidad.gov.co",
            &format!("In-Reply-To: <{}>\r\n", notice.message_id),
            "Todo quedó bien, muchas gracias.",
        ),
        2,
        "2026-03-12T10:00",
    );
    let IngestOutcome::SurveyToReview { mail_id, .. } = out else {
        panic!("se esperaba una respuesta por revisar: {out:?}")
    };
    // Not a reply of a case: refused.
    let e = s
        .survey_from_mail(id, vec![5, 5, 5, 5], None, WHO, at("2026-03-12T10:05"))
        .unwrap_err();
    assert!(e.to_string().contains("está «Registrado»"), "{e}");
    // Scores out of range: the survey's own rule refuses, nothing changes.
    assert!(s
        .survey_from_mail(mail_id, vec![9, 5, 5, 5], None, WHO, at("2026-03-12T10:05"))
        .is_err());
    let still = s.inbox(false).unwrap();
    assert!(still
        .iter()
        .any(|e| e.id == mail_id && e.state == "revisar_respuesta"));

    let n = s
        .survey_from_mail(
            mail_id,
            vec![5, 5, 4, 5],
            Some("Todo quedó bien".into()),
            WHO,
            at("2026-03-12T10:06"),
        )
        .unwrap();
    assert_eq!(n, number);
    let t = s.get_ticket(&number, at("2026-03-12T10:07")).unwrap();
    assert_eq!(t.ticket.status, TicketStatus::Closed);
    assert_eq!(t.ticket.survey.unwrap().scores, vec![5, 5, 4, 5]);
    // Out of the review list, on the case.
    assert!(s.inbox(false).unwrap().iter().all(|e| e.id != mail_id));
    let d = s.mail_detail(mail_id).unwrap();
    assert_eq!(d.entry.state, "seguimiento");
    assert_eq!(d.entry.number.as_deref(), Some(number.as_str()));
    // Twice: refused (the mail is no longer to review).
    assert!(s
        .survey_from_mail(mail_id, vec![5, 5, 5, 5], None, WHO, at("2026-03-12T10:08"))
        .is_err());
}
