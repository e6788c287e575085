//! Reading the hand-written fixtures in `tests/fixtures/mail/` (see its README).

use mesa_mail::{
    case_tokens, classify, classify_with_reason, content_hash, is_no_reply, parse, MailKind,
    ParsedMail,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parsed(name: &str) -> ParsedMail {
    parse(&fixture(name))
}

fn own() -> Vec<String> {
    vec!["sistemas@alcaldia-ejemplo.gov.co".to_string()]
}

#[test]
fn outlook_spanish_quoted_printable_windows_1252() {
    let m = parsed("outlook-es-qp-1252.eml");
    let from = m.from.as_ref().unwrap();
    assert_eq!(
        from.address, "mfpena@alcaldia-ejemplo.gov.co",
        "lower-cased"
    );
    assert_eq!(from.name.as_deref(), Some("María Fernanda Peña"));
    assert_eq!(
        from.to_string(),
        "María Fernanda Peña <mfpena@alcaldia-ejemplo.gov.co>"
    );
    assert_eq!(from.domain(), Some("alcaldia-ejemplo.gov.co"));
    assert_eq!(
        m.subject,
        "RE: [MA-2026-0042] Recibimos su solicitud – impresión"
    );
    assert_eq!(
        m.message_id.as_deref(),
        Some("CO1PR05MB7890ABCDEF1234@CO1PR05MB.namprd05.prod.outlook.com")
    );
    let ours = "mesa.00112233445566778899aabbccddeeff@alcaldia-ejemplo.gov.co";
    assert_eq!(m.in_reply_to, vec![ours.to_string()]);
    assert_eq!(m.references, vec![ours.to_string()]);
    assert!(m.text.contains("después del cambio de tóner"), "{}", m.text);
    assert!(m.text.contains("«E-04»"));
    assert!(!m.text.contains('\r'), "line ends normalised to \\n");
    assert!(m.html.as_deref().unwrap().contains("Buenos días"));
    assert_eq!(m.content_type, "multipart/alternative");
    assert_eq!(
        m.date_header.unwrap().to_rfc3339(),
        "2026-12-02T08:03:10+00:00"
    );
    assert!(m.attachments.is_empty());
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    assert_eq!(classify(&m, &own()), MailKind::Request);
    assert_eq!(case_tokens(&m.subject), vec!["MA-2026-0042"]);
    let reply = mesa_mail::reply_text(&m.text);
    assert!(
        reply.ends_with("Secretaría de Hacienda – Ext. 1234"),
        "{reply}"
    );
    assert!(!reply.contains("Enviado:"));
}

#[test]
fn html_only_becomes_readable_text() {
    let m = parsed("html-only.eml");
    assert_eq!(
        m.subject,
        "No funciona el correo en el computador de Contabilidad"
    );
    assert!(m.html.as_deref().unwrap().contains("<b>Contabilidad</b>"));
    assert!(!m.text.contains('<'), "no tags left: {}", m.text);
    assert!(m.text.contains("Buenos días"));
    assert!(m
        .text
        .contains("El computador de Contabilidad no abre Outlook"));
    assert!(m
        .text
        .contains("No se puede abrir el conjunto de carpetas."));
    assert!(m.text.contains("PC-0231"));
}

#[test]
fn base64_pdf_and_docx_attachments() {
    let m = parsed("attachments-pdf-docx.eml");
    assert!(m.text.starts_with("Buenas tardes, adjunto el formato"));
    assert_eq!(m.attachments.len(), 2);
    let pdf = &m.attachments[0];
    assert_eq!(
        pdf.name, "Cotización 2026.pdf",
        "RFC 2231 file name decoded"
    );
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-1.4") && pdf.bytes.ends_with(b"%%EOF\n"));
    assert!(!pdf.inline);
    let docx = &m.attachments[1];
    assert_eq!(docx.name, "formato-solicitud.docx");
    assert_eq!(
        docx.content_type,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(docx.bytes.starts_with(b"PK\x03\x04"), "a zip file");
    assert_eq!(docx.bytes.len(), 608);
}

#[test]
fn inline_image_keeps_its_content_id() {
    let m = parsed("inline-image.eml");
    assert_eq!(m.text, "Así sale el error al abrir el sistema de nómina:");
    assert_eq!(m.attachments.len(), 1);
    let img = &m.attachments[0];
    assert_eq!(img.name, "image001.png");
    assert_eq!(img.content_type, "image/png");
    assert!(img.inline);
    assert_eq!(
        img.content_id.as_deref(),
        Some("image001.png@01DB4C2A.5E6F7A80")
    );
    assert!(img.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[test]
fn winmail_dat_is_kept_as_an_attachment() {
    let m = parsed("winmail-dat.eml");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].name, "winmail.dat");
    assert_eq!(m.attachments[0].content_type, "application/ms-tnef");
    assert!(m.attachments[0]
        .bytes
        .starts_with(&[0x78, 0x9f, 0x3e, 0x22]));
    assert!(m.text.contains("acta de entrega"));
}

#[test]
fn forwarded_mail_is_an_eml_attachment_that_parses() {
    let m = parsed("forwarded.eml");
    assert_eq!(
        m.text.trim(),
        "Les reenvío la queja de un ciudadano: el portal no deja radicar."
    );
    assert_eq!(m.attachments.len(), 1);
    let eml = &m.attachments[0];
    assert_eq!(eml.name, "No puedo radicar mi PQRS.eml");
    assert_eq!(eml.content_type, "message/rfc822");
    let inner = parse(&eml.bytes);
    assert_eq!(inner.message_id.as_deref(), Some("orig.99@example.com"));
    assert_eq!(inner.from.unwrap().address, "ciudadano@example.com");
    assert!(inner.text.contains("«Radicar»"));
}

#[test]
fn no_message_id_and_no_charset_falls_back_to_windows_1252() {
    let raw = fixture("no-message-id-1252.eml");
    let m = parse(&raw);
    assert_eq!(m.message_id, None);
    assert_eq!(
        m.subject, "Teléfono sin tono",
        "8-bit header read as windows-1252"
    );
    assert!(
        m.text.starts_with("El teléfono de recepción no tiene tono"),
        "{}",
        m.text
    );
    assert_eq!(m.size, raw.len());
    // Dedupe without Message-ID relies on the content hash.
    assert_eq!(content_hash(&raw), content_hash(&raw.clone()));
    assert_eq!(content_hash(&raw).len(), 64);
}

#[test]
fn iso_8859_1() {
    let m = parsed("iso-8859-1.eml");
    assert_eq!(m.subject, "Contraseña bloqueada");
    assert_eq!(m.from.unwrap().name.as_deref(), Some("Hernán Muñoz"));
    assert!(m.text.contains("¿Me pueden ayudar?"));
    assert!(m.text.contains("Tesorería"));
}

#[test]
fn malformed_mime_warns_in_spanish_and_keeps_what_it_can() {
    let cut = parsed("malformed-no-boundary-end.eml");
    assert!(cut.text.contains("atasca el papel"));
    assert!(
        cut.warnings.iter().any(|w| w.contains("--never-closed--")),
        "{:?}",
        cut.warnings
    );
    assert_eq!(cut.attachments.len(), 1);
    assert_eq!(cut.attachments[0].name, "foto.pdf");

    let b64 = parsed("malformed-bad-base64.eml");
    assert_eq!(b64.text, "El escáner no funciona.No se que pasa");
    assert!(
        b64.warnings
            .iter()
            .any(|w| w.contains("codificación de transferencia dañada")),
        "{:?}",
        b64.warnings
    );
    assert_eq!(b64.attachments.len(), 1, "the damaged file is still kept");

    let cs = parsed("malformed-bad-charset.eml");
    assert_eq!(
        cs.text.trim(),
        "La conexión a internet está lenta en Almacén."
    );
    assert!(
        cs.warnings
            .iter()
            .any(|w| w.contains("x-windows-oficina-9999")),
        "{:?}",
        cs.warnings
    );
}

#[test]
fn garbage_is_not_a_mail_but_parses() {
    let m = parse(b"");
    assert!(m.from.is_none() && m.text.is_empty());
    assert!(!m.warnings.is_empty());
    let m = parse(b"\xff\xfe\x00 no soy un correo");
    assert!(!m.warnings.is_empty());
    assert_eq!(m.size, 20);
}

#[test]
fn classification_of_every_fixture() {
    let cases = [
        ("outlook-es-qp-1252.eml", MailKind::Request),
        ("html-only.eml", MailKind::Request),
        ("attachments-pdf-docx.eml", MailKind::Request),
        ("forwarded.eml", MailKind::Request),
        ("reply-threaded.eml", MailKind::Request),
        ("survey-numbered.eml", MailKind::Request),
        ("oof-auto-submitted-es.eml", MailKind::AutoReply),
        ("oof-exchange-suppress.eml", MailKind::AutoReply),
        ("dsn-bounce.eml", MailKind::Bounce),
        ("list.eml", MailKind::List),
    ];
    for (name, kind) in cases {
        let (got, reason) = classify_with_reason(&parsed(name), &own());
        assert_eq!(got, kind, "{name}: {reason}");
        assert!(!reason.is_empty());
    }
    let (_, reason) = classify_with_reason(&parsed("oof-exchange-suppress.eml"), &own());
    assert!(reason.contains("Respuesta automática"), "{reason}");
}

fn with_headers(extra: &str, from: &str, subject: &str) -> ParsedMail {
    let raw = format!(
        "From: {from}\r\nTo: sistemas@alcaldia-ejemplo.gov.co\r\nSubject: {subject}\r\n{extra}\
         Message-ID: <x@y>\r\n\r\nHola\r\n"
    );
    parse(raw.as_bytes())
}

#[test]
fn classification_headers_one_by_one() {
    let p = "Ana <ana@alcaldia-ejemplo.gov.co>";
    let k = |extra: &str| classify(&with_headers(extra, p, "Impresora"), &own());
    assert_eq!(k(""), MailKind::Request);
    assert_eq!(k("Auto-Submitted: no\r\n"), MailKind::Request);
    assert_eq!(k("Auto-Submitted: auto-generated\r\n"), MailKind::AutoReply);
    assert_eq!(k("X-Autoreply: yes\r\n"), MailKind::AutoReply);
    assert_eq!(k("X-Autorespond: vacaciones\r\n"), MailKind::AutoReply);
    assert_eq!(k("Precedence: auto_reply\r\n"), MailKind::AutoReply);
    assert_eq!(k("Precedence: bulk\r\n"), MailKind::List);
    assert_eq!(k("Precedence: junk\r\n"), MailKind::List);
    assert_eq!(k("Precedence: first-class\r\n"), MailKind::Request);
    assert_eq!(k("List-Unsubscribe: <mailto:x@y>\r\n"), MailKind::List);
    assert_eq!(k("X-Mesa-Ayuda: MA-2026-0001\r\n"), MailKind::Own);
    // X-Auto-Response-Suppress alone is only a hint: Outlook sets it on ordinary mail too.
    assert_eq!(k("X-Auto-Response-Suppress: All\r\n"), MailKind::Request);

    let s = |subject: &str| classify(&with_headers("", p, subject), &own());
    assert_eq!(s("Respuesta automática: Impresora"), MailKind::AutoReply);
    assert_eq!(s("RESPUESTA AUTOMATICA: Impresora"), MailKind::AutoReply);
    assert_eq!(s("Fuera de la oficina"), MailKind::AutoReply);
    assert_eq!(s("Automatic reply: printer"), MailKind::AutoReply);
    assert_eq!(s("Out of Office: printer"), MailKind::AutoReply);
    assert_eq!(
        s("La oficina de archivo está fuera de servicio"),
        MailKind::Request
    );

    let f = |from: &str| classify(&with_headers("", from, "Aviso"), &own());
    assert_eq!(f("MAILER-DAEMON@mx.example.com"), MailKind::Bounce);
    assert_eq!(f("postmaster@example.com"), MailKind::Bounce);
    assert_eq!(f("Mesa <SISTEMAS@alcaldia-ejemplo.gov.co>"), MailKind::Own);

    let ours = parse(
        b"From: Otra <otra@alcaldia-ejemplo.gov.co>\r\nSubject: x\r\n\
          Message-ID: <mesa.0123456789abcdef0123456789abcdef@alcaldia-ejemplo.gov.co>\r\n\r\nx\r\n",
    );
    assert_eq!(classify(&ours, &own()), MailKind::Own);
    assert_eq!(
        classify(&ours, &[]),
        MailKind::Request,
        "only with our mailbox's domain"
    );

    let mdn = parse(
        b"From: a@b.co\r\nSubject: Leido\r\nContent-Type: multipart/report; \
          report-type=disposition-notification; boundary=\"m\"\r\n\r\n--m\r\n\
          Content-Type: text/plain\r\n\r\nLeido\r\n--m--\r\n",
    );
    assert_eq!(classify(&mdn, &own()), MailKind::AutoReply);

    for k in [
        MailKind::Request,
        MailKind::AutoReply,
        MailKind::Bounce,
        MailKind::List,
        MailKind::Own,
    ] {
        assert_eq!(MailKind::parse(k.as_str()), Some(k));
        assert!(!k.label().is_empty());
    }
}

#[test]
fn no_reply_addresses() {
    for a in [
        "no-reply@empresa.com",
        "noreply@empresa.com",
        "NoReply@Empresa.com",
        "do-not-reply@banco.com",
        "donotreply@banco.com",
        "no_reply@x.co",
        "no.responder@dian.gov.co",
        "noresponder@x.gov.co",
        "MAILER-DAEMON@mx.x.co",
        "postmaster@x.co",
        "bounces+123@mail.x.com",
        "",
        "sin-arroba",
    ] {
        assert!(is_no_reply(a), "{a}");
    }
    for a in ["ana@x.co", "norberto@x.co", "soporte@x.co", "reply@x.co"] {
        assert!(!is_no_reply(a), "{a}");
    }
}

#[test]
fn case_tokens_in_subjects() {
    assert_eq!(
        case_tokens("RE: [MA-2026-0042] Impresora"),
        vec!["MA-2026-0042"]
    );
    assert_eq!(case_tokens("re: [ma-2026-0042] x"), vec!["MA-2026-0042"]);
    assert_eq!(case_tokens("[ MA-2026-123456 ]"), vec!["MA-2026-123456"]);
    assert_eq!(
        case_tokens("[MA-2026-0042] y [SIS-2025-0007] y [MA-2026-0042]"),
        vec!["MA-2026-0042", "SIS-2025-0007"]
    );
    assert_eq!(case_tokens("[[MA-2026-0001]"), vec!["MA-2026-0001"]);
    for none in [
        "MA-2026-0042 sin corchetes",
        "[MA-2026-042]",
        "[MA-26-0042]",
        "[MA2026-0042]",
        "[MA-2026-0042-1]",
        "[1A-2026-0042]",
        "[MA-2026-0042",
        "[]",
        "",
    ] {
        assert!(case_tokens(none).is_empty(), "{none}");
    }
    assert_eq!(
        mesa_mail::subject_with_token("Recibimos su solicitud", "MA-2026-0042"),
        "[MA-2026-0042] Recibimos su solicitud"
    );
    assert_eq!(
        mesa_mail::subject_with_token("RE: [ma-2026-0042] x", "MA-2026-0042"),
        "RE: [ma-2026-0042] x"
    );
}

/// A 30 MB mail (a 30 MB base64 attachment) generated here, never committed: it must parse in
/// bounded time and keep the attachment whole.
#[test]
fn thirty_megabyte_mail_parses_in_bounded_time() {
    let size = 22 * 1024 * 1024; // 22 MB of data → about 30 MB once base64-encoded.
    let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
    let mut raw = String::with_capacity(size * 4 / 3 + 4096);
    raw.push_str(
        "From: Archivo <archivo@alcaldia-ejemplo.gov.co>\r\nTo: sistemas@alcaldia-ejemplo.gov.co\r\n\
         Subject: Escaneo del archivo central\r\nMessage-ID: <big.1@alcaldia-ejemplo.gov.co>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"big\"\r\n\r\n--big\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nAdjunto el escaneo.\r\n--big\r\n\
         Content-Type: application/pdf; name=\"escaneo.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n",
    );
    const ALPHA: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut line = 0;
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        raw.push(ALPHA[(n >> 18) as usize & 63] as char);
        raw.push(ALPHA[(n >> 12) as usize & 63] as char);
        raw.push(if chunk.len() > 1 {
            ALPHA[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        raw.push(if chunk.len() > 2 {
            ALPHA[n as usize & 63] as char
        } else {
            '='
        });
        line += 4;
        if line == 76 {
            raw.push_str("\r\n");
            line = 0;
        }
    }
    raw.push_str("\r\n--big--\r\n");
    assert!(raw.len() > 30_000_000, "{}", raw.len());

    let start = std::time::Instant::now();
    let m = parse(raw.as_bytes());
    let elapsed = start.elapsed();
    assert_eq!(m.text.trim(), "Adjunto el escaneo.");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].bytes.len(), data.len());
    assert!(m.attachments[0].bytes == data, "attachment decoded exactly");
    assert_eq!(m.size, raw.len());
    // Debug build on a shared 2-core machine; a release build takes a fraction of this.
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
    eprintln!("30 MB mail parsed in {elapsed:?}");
}

/// A huge HTML-only body: the HTML is kept whole, only its first part is turned into text (with
/// a warning), so the conversion stays bounded.
#[test]
fn huge_html_body_is_converted_in_bounded_time() {
    let mut raw = String::from(
        "From: a@alcaldia-ejemplo.gov.co\r\nSubject: Informe\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>",
    );
    let mut i = 0;
    while raw.len() < 3 * 1024 * 1024 {
        raw.push_str(&format!(
            "<p>Párrafo {i} del informe <b>mensual</b> de la dependencia.</p>\r\n"
        ));
        i += 1;
    }
    raw.push_str("</body></html>\r\n");
    let start = std::time::Instant::now();
    let m = parse(raw.as_bytes());
    let elapsed = start.elapsed();
    assert!(
        m.text.starts_with("Párrafo 0 del informe mensual"),
        "{}",
        &m.text[..80]
    );
    assert!(m.html.as_ref().unwrap().len() > 3 * 1024 * 1024 - 100);
    assert!(
        m.warnings.iter().any(|w| w.contains("HTML es muy grande")),
        "{:?}",
        m.warnings
    );
    assert!(elapsed.as_secs() < 30, "took {elapsed:?}");
    eprintln!("3 MB HTML body parsed in {elapsed:?}");
}

#[test]
fn fixtures_parse_without_internal_failures() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mail");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "eml") {
            let m = parse(&std::fs::read(&path).unwrap());
            assert!(
                !m.warnings
                    .iter()
                    .any(|w| w.contains("no se pudo interpretar")),
                "{}: {:?}",
                path.display(),
                m.warnings
            );
            assert!(m.from.is_some(), "{}", path.display());
        }
    }
}

/// Hostile nesting stays fast: 100,000 nested `<div>` (the HTML layout is quadratic in depth, so
/// such HTML is shown without tags) and 5,000 nested multiparts never closed.
#[test]
fn pathological_nesting_is_bounded() {
    let mut raw = String::from("From: a@b.co\r\nContent-Type: text/html\r\n\r\n");
    raw.push_str(&"<div>".repeat(100_000));
    raw.push_str("hola");
    let start = std::time::Instant::now();
    let m = parse(raw.as_bytes());
    assert_eq!(m.text, "hola");
    assert!(
        m.warnings.iter().any(|w| w.contains("anidamiento")),
        "{:?}",
        m.warnings
    );
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());

    // Ordinary nesting is still laid out.
    let mut raw = String::from("From: a@b.co\r\nContent-Type: text/html\r\n\r\n");
    raw.push_str(&"<div><p>x</p><br/><img src=a>".repeat(300));
    raw.push_str("<b>hola</b>");
    let m = parse(raw.as_bytes());
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    assert!(m.text.ends_with("hola"));

    let mut raw = String::from("From: a@b.co\r\n");
    for i in 0..5000 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    raw.push_str("Content-Type: text/plain\r\n\r\nhola\r\n");
    let start = std::time::Instant::now();
    let m = parse(raw.as_bytes());
    assert_eq!(m.text.trim(), "hola");
    assert!(
        m.warnings.len() <= 5,
        "warnings are capped: {}",
        m.warnings.len()
    );
    assert!(m.warnings.iter().any(|w| w.contains("Faltan además")));
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}

#[test]
fn case_tokens_on_long_hostile_subjects_stay_linear() {
    let s = format!("{}[MA-2026-0042]", "[".repeat(2_000_000));
    let start = std::time::Instant::now();
    assert_eq!(case_tokens(&s), vec!["MA-2026-0042"]);
    let s = "[MA-2026-0042] ".repeat(200_000);
    assert_eq!(case_tokens(&s), vec!["MA-2026-0042"]);
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
}

/// Outlook's answer to an invitation carries a text/calendar part beside the text: it is a file,
/// not part of the body. A mail whose whole body is a PDF keeps it as its one attachment.
#[test]
fn calendar_parts_and_single_part_files_are_attachments() {
    let raw =
        b"From: Ana <ana@alcaldia-ejemplo.gov.co>\r\nSubject: Aceptado: Visita t\xc3\xa9cnica\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n--a\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\r\nAcepto la visita.\r\n--a\r\n\
        Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\n\
        METHOD:REPLY\r\nEND:VCALENDAR\r\n--a--\r\n";
    let m = parse(raw);
    assert_eq!(m.text.trim(), "Acepto la visita.");
    assert_eq!(m.attachments.len(), 1, "{:?}", m.attachments);
    assert_eq!(m.attachments[0].content_type, "text/calendar");
    assert!(
        m.attachments[0].name.ends_with(".ics"),
        "{}",
        m.attachments[0].name
    );

    let raw =
        b"From: Escaner <escaner@alcaldia-ejemplo.gov.co>\r\nSubject: Documento escaneado\r\n\
        MIME-Version: 1.0\r\nContent-Type: application/pdf; name=\"scan_0001.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJSVFT0YK\r\n";
    let m = parse(raw);
    assert_eq!(m.text, "");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].name, "scan_0001.pdf");
    assert_eq!(m.attachments[0].bytes, b"%PDF-1.4\n%%EOF\n");
}

/// The text every `utf8-labelled-*` fixture carries (UTF-8 bytes under a windows-1252 or
/// ISO-8859-1 label).
const MISLABELLED_TEXT: [&str; 5] = [
    "Buenos días:",
    "La impresora de Tesorería no imprime desde el cambio de tóner. ¿Pueden revisarla hoy?",
    "oficina «E-04» – segundo piso.",
    "María Peña",
    "Tesorería",
];

fn assert_no_mojibake(name: &str, text: &str) {
    for bad in ["Ã", "Â", "â€"] {
        assert!(!text.contains(bad), "{name}: «{bad}» in {text:?}");
    }
}

#[test]
fn utf8_under_a_western_single_byte_label_is_read_as_utf8() {
    for name in [
        "utf8-labelled-1252-8bit.eml",
        "utf8-labelled-latin1-qp.eml",
        "utf8-labelled-1252-base64.eml",
    ] {
        let m = parsed(name);
        assert_no_mojibake(name, &m.text);
        for want in &MISLABELLED_TEXT[..4] {
            assert!(
                m.text.contains(want),
                "{name}: {want:?} not in {:?}",
                m.text
            );
        }
        // RFC 2047 words labelled windows-1252 / ISO-8859-1 that carry UTF-8 bytes.
        assert_eq!(m.subject, "Impresora dañada en Tesorería", "{name}");
        let from = m.from.as_ref().unwrap();
        assert_eq!(from.name.as_deref(), Some("María Peña"), "{name}");
        assert_eq!(from.address, "mpena@alcaldia-ejemplo.gov.co");
        assert!(m.attachments.is_empty(), "{name}: {:?}", m.attachments);
        assert!(m.warnings.is_empty(), "{name}: {:?}", m.warnings);
    }
}

#[test]
fn html_only_utf8_under_windows_1252_label() {
    let m = parsed("utf8-labelled-1252-html-only.eml");
    assert_no_mojibake("html", &m.text);
    assert_no_mojibake("html", m.html.as_deref().unwrap());
    assert!(m.html.as_deref().unwrap().contains("<b>Tesorería</b>"));
    assert!(!m.text.contains('<'), "tags removed: {}", m.text);
    for want in [
        "Buenos días:",
        "Tesorería",
        "cambio de tóner",
        "«E-04» – segundo",
        "María Peña",
    ] {
        assert!(m.text.contains(want), "{want:?} not in {:?}", m.text);
    }
    assert_eq!(m.subject, "Impresora dañada en Tesorería");
}

#[test]
fn real_windows_1252_and_latin1_still_decode_as_labelled() {
    // The same label on genuine single-byte text is not touched by the UTF-8 rule.
    let m = parsed("outlook-es-qp-1252.eml");
    assert!(m.text.contains("después del cambio de tóner"), "{}", m.text);
    assert_eq!(
        m.subject,
        "RE: [MA-2026-0042] Recibimos su solicitud – impresión"
    );
    let m = parsed("iso-8859-1.eml");
    assert!(m
        .text
        .contains("Mi contraseña del sistema de nómina quedó bloqueada"));
    assert_eq!(m.subject, "Contraseña bloqueada");
    // And a hand-built mail whose 1252 bytes happen to be valid UTF-8 only in ASCII.
    let raw = b"From: a@alcaldia-ejemplo.gov.co\r\nSubject: =?windows-1252?Q?Se=F1al_d=E9bil?=\r\n\
MIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1252\r\n\
Content-Transfer-Encoding: 8bit\r\n\r\nLa se\xf1al de internet est\xe1 d\xe9bil \x96 piso 2.\r\n";
    let m = parse(raw);
    assert_eq!(m.text.trim(), "La señal de internet está débil – piso 2.");
    assert_eq!(m.subject, "Señal débil");
}

#[test]
fn unknown_charset_labels_are_best_effort_without_panic() {
    let m = parsed("unknown-charset-utf8.eml");
    assert_no_mojibake("unknown", &m.text);
    assert!(m.text.contains("Tesorería no imprime"), "{}", m.text);
    assert!(
        m.warnings
            .iter()
            .any(|w| w.contains("«x-oficina-desconocido»") && w.contains("no se reconoce")),
        "{:?}",
        m.warnings
    );
    assert_eq!(
        m.from.as_ref().unwrap().name.as_deref(),
        Some("Hernán Muñoz")
    );
    // A label that is not even a token, bytes that are not a name, a broken encoded word.
    let m = parsed("unknown-charset-garbage.eml");
    assert!(m.text.contains("Tesorería no imprime"), "{}", m.text);
    assert_eq!(
        m.from.as_ref().unwrap().address,
        "hmunoz@alcaldia-ejemplo.gov.co"
    );
    // Every label on every transfer encoding: never a panic, always some text.
    let labels = [
        "",
        "utf-8",
        "windows-1252",
        "iso-8859-1",
        "latin1",
        "us-ascii",
        "x-unknown",
        "\"\"",
        "utf-16",
        "utf-7",
        "gb18030",
        "koi8-r",
        "=?",
        "\u{fffd}",
    ];
    let bodies: [&[u8]; 3] = [
        "Impresión «dañada» – ¿hoy?".as_bytes(),
        b"Impresi\xf3n \xabda\xf1ada\xbb \x96 \xbfhoy?",
        b"\xff\xfe\x00\xc3\x28\xe2\x82",
    ];
    for label in labels {
        for body in bodies {
            for cte in ["8bit", "quoted-printable", "base64"] {
                let encoded: Vec<u8> = match cte {
                    "base64" => {
                        use std::fmt::Write;
                        let mut s = String::new();
                        for chunk in body.chunks(3) {
                            let _ = write!(s, "{}", b64(chunk));
                        }
                        s.into_bytes()
                    }
                    "quoted-printable" => body
                        .iter()
                        .flat_map(|b| format!("={b:02X}").into_bytes())
                        .collect(),
                    _ => body.to_vec(),
                };
                let mut raw = format!(
                    "From: a@alcaldia-ejemplo.gov.co\r\nSubject: =?{label}?Q?=C3=A1?=\r\n\
                     MIME-Version: 1.0\r\nContent-Type: text/plain; charset={label}\r\n\
                     Content-Transfer-Encoding: {cte}\r\n\r\n"
                )
                .into_bytes();
                raw.extend_from_slice(&encoded);
                let m = parse(&raw);
                assert!(
                    !m.text.trim().is_empty(),
                    "{label:?} {cte}: empty text, {:?}",
                    m.warnings
                );
            }
        }
    }
}

fn b64(chunk: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let n = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
    (0..4)
        .map(|i| {
            if i > chunk.len() {
                '='
            } else {
                A[((n >> (18 - 6 * i)) & 63) as usize] as char
            }
        })
        .collect()
}
