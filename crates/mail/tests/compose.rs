//! Building messages and reading them back with `parse`.

use chrono::{TimeZone, Utc};
use mesa_mail::{
    classify, compose, parse, Address, MailError, MailKind, Outgoing, OutgoingAttachment,
};

fn addr(a: &str, n: Option<&str>) -> Address {
    Address {
        address: a.into(),
        name: n.map(Into::into),
    }
}

fn outgoing() -> Outgoing {
    Outgoing {
        from: addr(
            "sistemas@alcaldia-ejemplo.gov.co",
            Some("Mesa de Ayuda TI – Alcaldía"),
        ),
        to: vec![addr(
            "mfpena@alcaldia-ejemplo.gov.co",
            Some("María Fernanda Peña"),
        )],
        cc: vec![addr("jefe.hacienda@alcaldia-ejemplo.gov.co", None)],
        reply_to: None,
        subject: "Recibimos su solicitud: «impresora sin tóner»".into(),
        case_number: Some("MA-2026-0042".into()),
        in_reply_to: Some("<CO1PR05MB7890@outlook.com>".into()),
        references: vec!["first.1@x.co".into()],
        auto_submitted: true,
        text: "Cordial saludo, María Fernanda.\n\nSu solicitud quedó registrada con el número \
               MA-2026-0042. La atenderemos en máximo 12 horas hábiles.\n\nMesa de Ayuda TI\n"
            .into(),
        attachments: vec![],
        date: Utc.with_ymd_and_hms(2026, 12, 2, 13, 5, 0).unwrap(),
    }
}

#[test]
fn acknowledgment_round_trips_through_parse() {
    let (id, raw) = compose(&outgoing()).unwrap();
    assert!(
        id.starts_with("mesa.") && id.ends_with("@alcaldia-ejemplo.gov.co"),
        "{id}"
    );
    assert_eq!(
        id.len(),
        "mesa.".len() + 32 + "@alcaldia-ejemplo.gov.co".len()
    );
    let m = parse(&raw);
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    assert_eq!(m.message_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        m.subject,
        "[MA-2026-0042] Recibimos su solicitud: «impresora sin tóner»"
    );
    let from = m.from.clone().unwrap();
    assert_eq!(from.address, "sistemas@alcaldia-ejemplo.gov.co");
    assert_eq!(from.name.as_deref(), Some("Mesa de Ayuda TI – Alcaldía"));
    assert_eq!(m.to[0].name.as_deref(), Some("María Fernanda Peña"));
    assert_eq!(m.cc[0].address, "jefe.hacienda@alcaldia-ejemplo.gov.co");
    assert_eq!(m.in_reply_to, vec!["CO1PR05MB7890@outlook.com"]);
    assert_eq!(
        m.references,
        vec!["first.1@x.co", "CO1PR05MB7890@outlook.com"]
    );
    assert_eq!(m.header("Auto-Submitted"), Some("auto-replied"));
    assert_eq!(m.header("X-Auto-Response-Suppress"), Some("OOF, AutoReply"));
    assert_eq!(m.header("X-Mesa-Ayuda"), Some("MA-2026-0042"));
    assert_eq!(
        m.date_header.unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 2, 13, 5, 0).unwrap()
    );
    assert_eq!(
        m.text.replace("\r\n", "\n").trim_end(),
        outgoing().text.trim_end()
    );
    // Our own mail coming back is never a request.
    assert_eq!(classify(&m, &[]), MailKind::Own);
    // Two messages never share a Message-ID.
    let (id2, _) = compose(&outgoing()).unwrap();
    assert_ne!(id, id2);
}

#[test]
fn visit_with_ics_attachment_and_no_auto_submitted() {
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
               UID:MA-2026-0042@alcaldia-ejemplo.gov.co\r\nSUMMARY:Visita técnica\r\n\
               DTSTART:20261203T140000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let mut o = outgoing();
    o.auto_submitted = false;
    o.cc.clear();
    o.in_reply_to = None;
    o.references.clear();
    o.subject = "[MA-2026-0042] Visita programada".into();
    o.attachments = vec![
        OutgoingAttachment {
            name: "visita.ics".into(),
            content_type: "text/calendar; method=REQUEST; charset=utf-8".into(),
            bytes: ics.as_bytes().to_vec(),
        },
        OutgoingAttachment {
            name: "acta.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n%%EOF\n".to_vec(),
        },
    ];
    let (_, raw) = compose(&o).unwrap();
    let m = parse(&raw);
    assert_eq!(
        m.subject, "[MA-2026-0042] Visita programada",
        "token not doubled"
    );
    assert_eq!(m.header("Auto-Submitted"), None);
    assert_eq!(m.header("X-Auto-Response-Suppress"), Some("OOF, AutoReply"));
    assert!(m.in_reply_to.is_empty() && m.references.is_empty());
    assert!(m.text.contains("Su solicitud quedó registrada"));
    assert_eq!(m.attachments.len(), 2, "{:?}", m.attachments);
    let cal = &m.attachments[0];
    assert_eq!(cal.name, "visita.ics");
    assert_eq!(cal.content_type, "text/calendar");
    assert_eq!(
        String::from_utf8_lossy(&cal.bytes).replace("\r\n", "\n"),
        ics.replace("\r\n", "\n")
    );
    let raw_text = String::from_utf8_lossy(&raw);
    assert!(raw_text.contains("method=REQUEST"), "{raw_text}");
    assert_eq!(m.attachments[1].bytes, o.attachments[1].bytes);
}

#[test]
fn header_injection_and_bad_input_are_refused_or_neutralised() {
    let mut o = outgoing();
    o.subject = "Hola\r\nBcc: victima@x.co".into();
    o.case_number = Some("MA-2026-0042\r\nX-Evil: 1".into());
    o.in_reply_to = Some("bad id with spaces".into());
    let (_, raw) = compose(&o).unwrap();
    let m = parse(&raw);
    assert_eq!(m.header("Bcc"), None);
    assert_eq!(m.header("X-Evil"), None);
    assert!(m.in_reply_to.is_empty());

    let mut o = outgoing();
    o.to.clear();
    let e = compose(&o).unwrap_err();
    assert!(matches!(e, MailError::NoRecipients));
    assert_eq!(e.code(), "mail_no_recipients");

    let mut o = outgoing();
    o.to = vec![addr("no es un correo", None)];
    let e = compose(&o).unwrap_err();
    assert_eq!(e.code(), "mail_invalid_address");
    assert!(e.to_string().contains("«no es un correo»") && e.to_string().contains("Para"));

    let mut o = outgoing();
    o.attachments = vec![OutgoingAttachment {
        name: "x.bin".into(),
        content_type: "no/valid/type ;;".into(),
        bytes: vec![1, 2, 3],
    }];
    assert_eq!(compose(&o).unwrap_err().code(), "mail_invalid_content_type");

    let mut o = outgoing();
    o.date = Utc.with_ymd_and_hms(1969, 12, 31, 23, 0, 0).unwrap();
    let e = compose(&o).unwrap_err();
    assert_eq!(e.code(), "mail_build");
    assert!(e.to_string().contains("31/12/1969"), "{e}");
}
