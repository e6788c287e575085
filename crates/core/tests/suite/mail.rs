//! E-mail, the store's side (issue 16): intake exactly once (dedupe by UID and by Message-ID +
//! content), automatic mail ignored, threading (In-Reply-To/References, then the subject token
//! only from the requester), replies to closed cases, survey answers by reply, triage
//! (register with the arrival time and the requester matched by address, discard), the outbox
//! (acknowledgment with the right headers, one per sender per hour, the resolved notice and the
//! survey window from the SMTP acceptance, retries) and a failed transaction leaving nothing.
//! Real `.eml` bytes, a real SQLite file in a temp folder, fixed instants.

use chrono::{DateTime, Duration, Utc};
use mesa_core::agenda::types::VisitInput;
use mesa_core::clock::parse_time_input;
use mesa_core::mail::*;
use mesa_core::*;

pub(crate) const WHO: &str = "Técnico de sistemas";
pub(crate) const OFFICE: &str = "sistemas@entidad.gov.co";

pub(crate) fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

/// A store with a data folder (attachments), on this run's engine.
pub(crate) fn open() -> (crate::support::TestDb, Store) {
    let db = crate::support::db();
    let s = db.open();
    (db, s)
}

/// The office's account on loopback (no server needed: nothing here connects).
pub(crate) fn with_account(s: &mut Store, auto_register: bool) {
    s.set_mail_account(&MailAccount {
        address: OFFICE.into(),
        display_name: "Mesa de Ayuda TI".into(),
        imap_host: "127.0.0.1".into(),
        imap_port: 10143,
        smtp_host: "127.0.0.1".into(),
        smtp_port: 10025,
        security: "none".into(),
        auth: "password".into(),
        username: OFFICE.into(),
        folder: "INBOX".into(),
        processed_folder: "Mesa de ayuda/Procesados".into(),
        poll_minutes: 2,
        max_mb: 25,
        auto_register,
        enabled: true,
    })
    .unwrap();
}

/// A plain request mail as Outlook would send it (with the extra headers given).
fn eml(from: &str, subject: &str, msgid: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {OFFICE}\r\nSubject: {subject}\r\nMessage-ID: <{msgid}>\r\n\
         Date: Tue, 10 Mar 2026 09:58:00 -0500\r\n{extra}MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn request(from: &str, msgid: &str) -> Vec<u8> {
    eml(
        from,
        "No imprime la impresora de Tesorería",
        msgid,
        "",
        "Buenos días, la impresora del piso 2 no imprime desde ayer.\r\nGracias.",
    )
}

fn incoming(raw: Vec<u8>, uid: Option<u32>, received: &str) -> Incoming {
    Incoming {
        account: uid.map(|_| format!("{OFFICE}/INBOX")),
        uidvalidity: uid.map(|_| 7),
        uid,
        received_at: at(received),
        body: MailBody::Full(raw),
        imported: uid.is_none(),
    }
}

fn ingest(s: &mut Store, raw: Vec<u8>, uid: Option<u32>, received: &str) -> IngestOutcome {
    s.ingest_mail(
        &incoming(raw, uid, received),
        at(received) + Duration::minutes(1),
    )
    .unwrap()
}

fn count(s: &Store, sql: &str) -> i64 {
    s.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn outbox_raw(s: &Store, id: i64) -> String {
    let bytes: Vec<u8> = s
        .connection()
        .query_row(
            "SELECT bytes FROM mail_outbox_raw WHERE outbox_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    String::from_utf8_lossy(&bytes).to_string()
}

/// A registered case from a mail of Ana: (mail id, case number).
fn registered_case(s: &mut Store) -> (i64, String) {
    let out = ingest(
        s,
        request("Ana Gutiérrez <ana@entidad.gov.co>", "req-1@entidad.gov.co"),
        Some(1),
        "2026-03-10T09:58",
    );
    let IngestOutcome::New { mail_id } = out else {
        panic!("se esperaba un correo nuevo: {out:?}")
    };
    let n = s
        .register_mail(
            mail_id,
            &RegisterOverrides {
                department: Some("Tesorería".into()),
                ..Default::default()
            },
            WHO,
            at("2026-03-10T10:30"),
        )
        .unwrap();
    (mail_id, n)
}

#[test]
fn the_same_mail_is_stored_once_by_content_and_by_uid() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let raw = request("ana@entidad.gov.co", "a1@entidad.gov.co");
    let first = ingest(&mut s, raw.clone(), Some(10), "2026-03-10T09:58");
    assert!(matches!(first, IngestOutcome::New { .. }), "{first:?}");
    // Same UID again (stored, not yet moved on the server): recognised, the collector moves it.
    let again = ingest(&mut s, raw.clone(), Some(10), "2026-03-10T09:58");
    assert_eq!(
        again,
        IngestOutcome::AlreadyStored {
            mail_id: first.mail_id()
        }
    );
    // The same mail under another UID (Gmail labels) or imported from a file.
    let other_uid = ingest(&mut s, raw.clone(), Some(11), "2026-03-10T09:58");
    assert_eq!(other_uid.mail_id(), first.mail_id());
    assert!(matches!(other_uid, IngestOutcome::AlreadyStored { .. }));
    let file = ingest(&mut s, raw, None, "2026-03-10T09:58");
    assert!(matches!(file, IngestOutcome::AlreadyStored { .. }));
    // Same Message-ID, different content: a different mail, stored on its own.
    let altered = eml(
        "ana@entidad.gov.co",
        "No imprime la impresora de Tesorería",
        "a1@entidad.gov.co",
        "",
        "Otro texto con el mismo Message-ID.",
    );
    let diff = ingest(&mut s, altered, Some(12), "2026-03-10T10:05");
    assert!(matches!(diff, IngestOutcome::New { .. }), "{diff:?}");
    assert_ne!(diff.mail_id(), first.mail_id());
    assert_eq!(count(&s, "SELECT count(*) FROM mail_messages"), 2);
    assert_eq!(count(&s, "SELECT count(*) FROM tickets"), 0);
    // The mailbox's sync state followed, in the same transactions.
    assert_eq!(
        s.mailbox_state(&format!("{OFFICE}/INBOX")).unwrap(),
        Some((7, 12))
    );
    // The inbox lists what awaits triage with the fields the CLI prints.
    let inbox = s.inbox(false).unwrap();
    assert_eq!(inbox.len(), 2);
    assert_eq!(inbox[1].from, "ana@entidad.gov.co");
    assert_eq!(inbox[1].received_at, "2026-03-10T09:58:00-05:00");
    assert_eq!(inbox[1].state, "nuevo");
}

#[test]
fn automatic_mail_never_creates_a_case_and_stays_visible() {
    let (_d, mut s) = open();
    with_account(&mut s, true);
    let cases = [
        (
            eml(
                "ana@entidad.gov.co",
                "Respuesta automática: No imprime",
                "ooo@entidad.gov.co",
                "Auto-Submitted: auto-replied\r\n",
                "Estoy fuera de la oficina hasta el lunes.",
            ),
            "auto_reply",
        ),
        (
            eml(
                "pedro@entidad.gov.co",
                "Fuera de la oficina",
                "ooo2@entidad.gov.co",
                "X-Auto-Response-Suppress: All\r\nX-Autoreply: yes\r\n",
                "Estoy de vacaciones.",
            ),
            "auto_reply",
        ),
        (
            format!(
                "From: MAILER-DAEMON@mx.entidad.gov.co\r\nTo: {OFFICE}\r\nSubject: Undelivered Mail Returned to Sender\r\n\
                 Message-ID: <bounce1@mx.entidad.gov.co>\r\nMIME-Version: 1.0\r\n\
                 Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n\
                 --b1\r\nContent-Type: text/plain\r\n\r\nNo se pudo entregar.\r\n\
                 --b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; nadie@x.co\r\nAction: failed\r\nStatus: 5.1.1\r\n\
                 --b1--\r\n"
            )
            .into_bytes(),
            "bounce",
        ),
        (
            eml(
                "boletin@proveedor.com",
                "Boletín de novedades",
                "list1@proveedor.com",
                "List-Id: <novedades.proveedor.com>\r\nPrecedence: list\r\n",
                "Novedades del mes.",
            ),
            "list",
        ),
        (
            eml(
                OFFICE,
                "[MA-2026-0001] Recibimos su solicitud",
                "mesa.abc@entidad.gov.co",
                "",
                "Notificación propia.",
            ),
            "own",
        ),
    ];
    for (i, (raw, kind)) in cases.into_iter().enumerate() {
        let out = ingest(&mut s, raw, Some(i as u32 + 1), "2026-03-10T10:00");
        assert_eq!(
            out,
            IngestOutcome::Ignored {
                mail_id: out.mail_id(),
                kind: kind.into()
            }
        );
    }
    assert_eq!(count(&s, "SELECT count(*) FROM tickets"), 0);
    assert_eq!(count(&s, "SELECT count(*) FROM mail_outbox"), 0);
    // Not awaiting triage, but visible with --all.
    assert!(s.inbox(false).unwrap().is_empty());
    let all = s.inbox(true).unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.iter().all(|e| e.state == "ignorado"));
}

#[test]
fn registering_uses_the_arrival_time_matches_the_requester_and_queues_the_acknowledgment() {
    let (dir, mut s) = open();
    with_account(&mut s, false);
    // An earlier case of Ana typed by hand (no mail then).
    s.set_mail_account(&MailAccount {
        enabled: false,
        ..s.mail_account().unwrap().unwrap()
    })
    .unwrap();
    s.create_ticket(
        &NewTicket {
            requester: "Ana Gutiérrez".into(),
            department: "Tesorería".into(),
            description: "Sin red".into(),
            location: Some("Piso 2, oficina 204".into()),
            phone: Some("Ext. 204".into()),
            email: Some("ana@entidad.gov.co".into()),
            received_at: Some("2026-03-02T08:00".into()),
            ..Default::default()
        },
        WHO,
        at("2026-03-02T08:05"),
    )
    .unwrap();
    assert_eq!(count(&s, "SELECT count(*) FROM mail_outbox"), 0);
    with_account(&mut s, false);

    let mut raw = request("ANA@entidad.gov.co", "req-9@entidad.gov.co");
    // With an attachment (base64).
    raw = String::from_utf8(raw)
        .unwrap()
        .replace(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
            "Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
        )
        .replace(
            "Gracias.\r\n",
            "Gracias.\r\n--zz\r\nContent-Type: application/pdf; name=\"error.pdf\"\r\nContent-Disposition: attachment; filename=\"error.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDw+PgplbmRvYmoK\r\n--zz--\r\n",
        )
        .into_bytes();
    let out = ingest(&mut s, raw, Some(3), "2026-03-10T09:58");
    let id = out.mail_id();
    assert_eq!(s.inbox(false).unwrap()[0].attachments, 1);
    let number = s
        .register_mail(
            id,
            &RegisterOverrides::default(),
            WHO,
            at("2026-03-10T11:00"),
        )
        .unwrap();
    let d = s.get_ticket(&number, at("2026-03-10T11:00")).unwrap();
    let t = &d.ticket;
    assert_eq!(t.received_at.as_deref(), Some("2026-03-10T09:58:00-05:00"));
    assert_eq!(t.registered_at, "2026-03-10T11:00:00-05:00");
    assert_eq!(t.channel, "correo");
    assert_eq!(t.requester, "Ana Gutiérrez");
    assert_eq!(t.department, "Tesorería");
    assert_eq!(t.location.as_deref(), Some("Piso 2, oficina 204"));
    assert_eq!(t.phone.as_deref(), Some("Ext. 204"));
    assert_eq!(t.email.as_deref(), Some("ana@entidad.gov.co"));
    assert!(
        t.description.contains("no imprime desde ayer"),
        "{}",
        t.description
    );
    // The raw .eml and the mail's attachment, stored as files of the case.
    let names: Vec<&str> = d.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        vec![format!("correo-{id}.eml").as_str(), "error.pdf"]
    );
    let eml_blob = s
        .attachment_blob(
            &AttachmentOwner::Ticket(number.clone()),
            d.attachments[0].id,
        )
        .unwrap();
    assert!(std::fs::read(eml_blob.1)
        .unwrap()
        .starts_with(b"From: ANA@entidad.gov.co"));
    // On SQLite the content is a file of the data folder; on PostgreSQL it is in the database
    // and the opened copy in the workstation's cache.
    assert!(dir
        .data_dir()
        .join(match s.engine() {
            mesa_core::db::Engine::Sqlite => "attachments",
            mesa_core::db::Engine::Postgres => "attachments-cache",
        })
        .is_dir());
    // The mail is registered and linked.
    let all = s.inbox(true).unwrap();
    assert_eq!(all[0].state, "registrado");
    assert_eq!(all[0].number.as_deref(), Some(number.as_str()));
    assert!(s.inbox(false).unwrap().is_empty());

    // The acknowledgment: to Ana, our Message-ID, a reply in the thread, the token, auto-submitted.
    let pending = s.pending_outbox(at("2026-03-10T11:00")).unwrap();
    assert_eq!(pending.len(), 1);
    let o = &pending[0];
    assert_eq!(o.to, "ana@entidad.gov.co");
    let text = String::from_utf8_lossy(&o.raw).to_string();
    assert!(text.contains("Auto-Submitted: auto-replied"), "{text}");
    assert!(
        text.contains("In-Reply-To: <req-9@entidad.gov.co>"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Message-ID: <{}>", o.message_id)),
        "{text}"
    );
    assert!(text.contains(&format!("[{number}]")), "{text}");
    let mails = s.case_mails(&number).unwrap();
    let dirs: Vec<(&str, Option<&str>)> = mails
        .iter()
        .map(|m| (m.direction.as_str(), m.message_id.as_deref()))
        .collect();
    assert_eq!(
        dirs,
        vec![
            ("entrada", Some("req-9@entidad.gov.co")),
            ("salida", Some(o.message_id.as_str()))
        ]
    );
    // Registered once: a second time is refused.
    let e = s
        .register_mail(
            id,
            &RegisterOverrides::default(),
            WHO,
            at("2026-03-10T11:05"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("Registrado"), "{e}");
}

#[test]
fn at_most_one_acknowledgment_per_sender_per_hour_and_none_to_no_reply() {
    let (_d, mut s) = open();
    with_account(&mut s, true);
    for (i, when) in ["2026-03-10T09:00", "2026-03-10T09:20", "2026-03-10T10:30"]
        .iter()
        .enumerate()
    {
        let out = ingest(
            &mut s,
            eml(
                "ana@entidad.gov.co",
                &format!("Solicitud {i}"),
                &format!("r{i}@entidad.gov.co"),
                "",
                "Ayuda por favor",
            ),
            Some(i as u32 + 1),
            when,
        );
        assert!(matches!(out, IngestOutcome::Registered { .. }), "{out:?}");
    }
    let out = ingest(
        &mut s,
        eml(
            "no-reply@plataforma.gov.co",
            "Aviso de la plataforma",
            "nr1@plataforma.gov.co",
            "",
            "Cambio de contraseña requerido",
        ),
        Some(9),
        "2026-03-10T10:40",
    );
    assert!(matches!(out, IngestOutcome::Registered { .. }), "{out:?}");
    assert_eq!(count(&s, "SELECT count(*) FROM tickets"), 4);
    // 09:00 and 10:30 got one each; 09:20 was inside the hour; the no-reply address none.
    let acks = s.outbox(true).unwrap();
    let times: Vec<&str> = acks.iter().map(|o| o.created_at.as_str()).collect();
    assert_eq!(
        times,
        vec!["2026-03-10T10:31:00-05:00", "2026-03-10T09:01:00-05:00"]
    );
    assert!(acks
        .iter()
        .all(|o| o.to == "ana@entidad.gov.co" && o.kind == "acuse"));
}

#[test]
fn replies_thread_by_message_id_and_by_token_only_from_people_on_the_case() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let (_, number) = registered_case(&mut s);
    let ack = s.pending_outbox(at("2026-03-10T10:30")).unwrap()[0].clone();
    s.mark_sent(ack.id, "250 2.0.0 Ok: queued", at("2026-03-10T10:31"))
        .unwrap();

    // A reply to our acknowledgment (In-Reply-To), from a colleague: threaded by the header.
    let reply = eml(
        "Luis <luis@entidad.gov.co>",
        "RE: Recibimos su solicitud",
        "re1@entidad.gov.co",
        &format!(
            "In-Reply-To: <{}>\r\nReferences: <req-1@entidad.gov.co> <{}>\r\n",
            ack.message_id, ack.message_id
        ),
        "Es la impresora HP del fondo.\r\n\r\nEl mar, 10 mar 2026 a las 10:30, Mesa escribió:\r\n> Recibimos su solicitud",
    );
    let out = ingest(&mut s, reply, Some(2), "2026-03-10T11:00");
    assert_eq!(
        out,
        IngestOutcome::FollowUp {
            mail_id: out.mail_id(),
            number: number.clone()
        }
    );
    let d = s.get_ticket(&number, at("2026-03-10T11:05")).unwrap();
    let f = d.follow_ups.last().unwrap();
    assert_eq!(f.visibility, FollowUpVisibility::Public);
    assert_eq!(f.text.trim(), "Es la impresora HP del fondo.");
    assert!(f.actor.contains("luis@entidad.gov.co"), "{}", f.actor);
    // The requester's mail is not the help desk's first attention.
    assert_eq!(d.ticket.first_response_at, None);

    // The token alone, from the requester: threaded.
    let by_token = eml(
        "ana@entidad.gov.co",
        &format!("Otra cosa [{number}]"),
        "tok1@entidad.gov.co",
        "",
        "También falla el escáner.",
    );
    let out = ingest(&mut s, by_token, Some(3), "2026-03-10T11:10");
    assert!(matches!(out, IngestOutcome::FollowUp { .. }), "{out:?}");
    // Luis is on the case now (he wrote on it): his token mail is accepted too.
    let luis = eml(
        "luis@entidad.gov.co",
        &format!("[{number}] dato"),
        "tok2@entidad.gov.co",
        "",
        "Serie CN123.",
    );
    assert!(matches!(
        ingest(&mut s, luis, Some(4), "2026-03-10T11:12"),
        IngestOutcome::FollowUp { .. }
    ));
    // A stranger quoting the number: a new mail of the Bandeja, not a follow-up.
    let stranger = eml(
        "otro@externo.com",
        &format!("[{number}] quiero ver este caso"),
        "tok3@externo.com",
        "",
        "Hola.",
    );
    let out = ingest(&mut s, stranger, Some(5), "2026-03-10T11:15");
    assert!(matches!(out, IngestOutcome::New { .. }), "{out:?}");
    let d = s.get_ticket(&number, at("2026-03-10T11:20")).unwrap();
    assert_eq!(d.follow_ups.len(), 3);
    assert!(d.follow_ups.iter().all(|f| !f.text.contains("Hola")));
}

#[test]
fn a_reply_to_a_closed_case_opens_a_new_linked_case() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let (_, number) = registered_case(&mut s);
    for (a, when) in [
        (
            TicketAction::Resolve {
                solution: "Se cambió el tóner".into(),
                products: None,
                time_spent_minutes: None,
            },
            "2026-03-10T12:00",
        ),
        (
            TicketAction::Verify {
                confirmation: Some("por teléfono".into()),
            },
            "2026-03-10T12:30",
        ),
    ] {
        s.apply_action(&number, &a, WHO, at(when)).unwrap();
    }
    let reply = eml(
        "ana@entidad.gov.co",
        &format!("RE: [{number}] Caso solucionado"),
        "late@entidad.gov.co",
        "In-Reply-To: <req-1@entidad.gov.co>\r\n",
        "Volvió a fallar la impresora.",
    );
    let out = ingest(&mut s, reply, Some(7), "2026-03-12T08:00");
    let IngestOutcome::Reopened {
        number: new,
        previous,
        ..
    } = out
    else {
        panic!("se esperaba un caso nuevo: {out:?}")
    };
    assert_eq!(previous, number);
    assert_ne!(new, number);
    let d = s.get_ticket(&new, at("2026-03-12T08:05")).unwrap();
    assert_eq!(d.ticket.department, "Tesorería");
    assert_eq!(
        d.ticket.received_at.as_deref(),
        Some("2026-03-12T08:00:00-05:00")
    );
    assert!(d.ticket.description.contains("Volvió a fallar"));
    assert_eq!(d.links.len(), 1);
    assert_eq!(d.links[0].number, number);
    let old = s.get_ticket(&number, at("2026-03-12T08:05")).unwrap();
    assert_eq!(old.ticket.status, TicketStatus::Closed);
    assert_eq!(old.links[0].number, new);
}

#[test]
fn the_survey_window_starts_at_acceptance_and_a_complete_reply_closes_the_case() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let (_, number) = registered_case(&mut s);
    // Wednesday 11/03/2026 15:00: resolved; the notice is queued, no survey due time yet.
    let t = s
        .apply_action(
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
    assert_eq!(t.survey_due_at, None);
    let notice = s
        .outbox(false)
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "resuelto")
        .unwrap();
    let raw = outbox_raw(&s, notice.id);
    let parsed = mesa_mail::parse(raw.as_bytes());
    assert_eq!(
        parsed.subject,
        format!("[{number}] Caso solucionado — encuesta de satisfacción")
    );
    assert!(
        parsed.text.contains("2. Calidad de la solución: __"),
        "{}",
        parsed.text
    );
    assert!(
        parsed.text.contains("Se cambió el tóner"),
        "{}",
        parsed.text
    );
    assert!(!raw.contains("Auto-Submitted"), "{raw}");
    assert!(raw.contains("References: <req-1@entidad.gov.co>"), "{raw}");
    // Auto-close does not run while the notice waits (the requester has not been told).
    assert!(s.autoclose(at("2026-03-20T08:00")).unwrap().is_empty());
    // The recomputation keeps it waiting too.
    s.recompute_all_deadlines().unwrap();
    let t = s
        .get_ticket(&number, at("2026-03-11T16:00"))
        .unwrap()
        .ticket;
    assert_eq!(t.survey_due_at, None);
    // Accepted Thursday 12/03 09:00 → due 2 business days later: Monday 16/03 09:00 (San José,
    // 19/03, moves to Monday 23/03 in 2026).
    s.mark_sent(notice.id, "250 2.0.0 Ok", at("2026-03-12T09:00"))
        .unwrap();
    let t = s
        .get_ticket(&number, at("2026-03-12T09:05"))
        .unwrap()
        .ticket;
    assert_eq!(
        t.survey_due_at.as_deref(),
        Some("2026-03-16T09:00:00-05:00")
    );
    s.recompute_all_deadlines().unwrap();
    let t = s
        .get_ticket(&number, at("2026-03-12T09:05"))
        .unwrap()
        .ticket;
    assert_eq!(
        t.survey_due_at.as_deref(),
        Some("2026-03-16T09:00:00-05:00")
    );

    // An incomplete answer waits for review.
    let partial = eml(
        "ana@entidad.gov.co",
        &format!("RE: [{number}] solucionado"),
        "sv1@entidad.gov.co",
        &format!("In-Reply-To: <{}>\r\n", notice.message_id),
        "1. 5\r\n2. 4",
    );
    let out = ingest(&mut s, partial, Some(20), "2026-03-12T10:00");
    assert_eq!(
        out,
        IngestOutcome::SurveyToReview {
            mail_id: out.mail_id(),
            number: number.clone()
        }
    );
    assert_eq!(s.inbox(false).unwrap()[0].state, "revisar_respuesta");
    // A complete answer from someone else is not the requester's: to review, case untouched.
    let other = eml(
        "luis@entidad.gov.co",
        &format!("RE: [{number}] solucionado"),
        "sv0@entidad.gov.co",
        &format!("In-Reply-To: <{}>\r\n", notice.message_id),
        "1. 1\r\n2. 1\r\n3. 1\r\n4. 1",
    );
    let out = ingest(&mut s, other, Some(22), "2026-03-12T10:10");
    assert!(
        matches!(out, IngestOutcome::SurveyToReview { .. }),
        "{out:?}"
    );
    assert_eq!(s.inbox(false).unwrap().len(), 2);
    // A complete one records the survey and closes the case.
    let full = eml(
        "ana@entidad.gov.co",
        &format!("RE: [{number}] solucionado"),
        "sv2@entidad.gov.co",
        &format!("In-Reply-To: <{}>\r\n", notice.message_id),
        "1. 5\r\n2. 4\r\n3. 5\r\n4. 5\r\nMuy buena atención\r\n\r\n> Su solicitud fue atendida",
    );
    let out = ingest(&mut s, full, Some(21), "2026-03-12T10:30");
    assert!(
        matches!(out, IngestOutcome::SurveyRecorded { .. }),
        "{out:?}"
    );
    let t = s
        .get_ticket(&number, at("2026-03-12T10:35"))
        .unwrap()
        .ticket;
    assert_eq!(t.status, TicketStatus::Closed);
    assert_eq!(t.survey.unwrap().scores, vec![5, 4, 5, 5]);
    // The answers waiting for review left the Bandeja with the survey recorded.
    assert!(s.inbox(false).unwrap().is_empty());
    let kinds: Vec<String> = s
        .get_ticket(&number, at("2026-03-12T10:35"))
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "mail_received").count(), 3);
}

#[test]
fn without_mail_the_survey_window_is_unchanged() {
    let (_d, mut s) = open();
    let n = s
        .create_ticket(
            &NewTicket {
                requester: "Ana".into(),
                department: "Tesorería".into(),
                description: "x".into(),
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
                solution: "ok".into(),
                products: None,
                time_spent_minutes: None,
            },
            WHO,
            at("2026-03-11T15:00"),
        )
        .unwrap();
    assert_eq!(
        t.survey_due_at.as_deref(),
        Some("2026-03-13T15:00:00-05:00")
    );
    assert_eq!(count(&s, "SELECT count(*) FROM mail_outbox"), 0);
}

#[test]
fn failed_sends_are_retried_with_backoff_and_then_stay_failed() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    registered_case(&mut s);
    let id = s.pending_outbox(at("2026-03-10T10:30")).unwrap()[0].id;
    let mut now = at("2026-03-10T10:31");
    for attempt in 1..mesa_core::mail::outbox::MAX_ATTEMPTS {
        s.mark_failed(id, "421 4.7.0 Try again later", now).unwrap();
        // Not due again right away; due after the backoff.
        assert!(s.pending_outbox(now).unwrap().is_empty());
        now += Duration::minutes(mesa_core::mail::outbox::backoff_minutes(attempt));
        assert_eq!(s.pending_outbox(now).unwrap().len(), 1, "intento {attempt}");
    }
    s.mark_failed(id, "550 5.7.30 Basic authentication is not supported", now)
        .unwrap();
    let o = &s.outbox(false).unwrap()[0];
    assert_eq!(o.state, "fallido");
    assert_eq!(o.attempts, mesa_core::mail::outbox::MAX_ATTEMPTS);
    assert!(o.last_reply.as_deref().unwrap().contains("5.7.30"));
    assert!(s
        .pending_outbox(now + Duration::days(1))
        .unwrap()
        .is_empty());
}

#[test]
fn an_oversized_mail_is_one_entry_never_fetched_again() {
    let (_d, mut s) = open();
    with_account(&mut s, true);
    let big = Incoming {
        account: Some(format!("{OFFICE}/INBOX")),
        uidvalidity: Some(7),
        uid: Some(40),
        received_at: at("2026-03-10T09:00"),
        body: MailBody::TooLarge {
            size: 31 * 1024 * 1024,
            headers: Some(
                b"From: ana@entidad.gov.co\r\nSubject: Video de la falla\r\nMessage-ID: <big@entidad.gov.co>\r\n\r\n"
                    .to_vec(),
            ),
        },
        imported: false,
    };
    let out = s.ingest_mail(&big, at("2026-03-10T09:01")).unwrap();
    assert!(matches!(out, IngestOutcome::TooLarge { .. }), "{out:?}");
    let again = s.ingest_mail(&big, at("2026-03-10T09:03")).unwrap();
    assert_eq!(
        again,
        IngestOutcome::AlreadyStored {
            mail_id: out.mail_id()
        }
    );
    let inbox = s.inbox(false).unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].state, "demasiado_grande");
    assert_eq!(inbox[0].subject, "Video de la falla");
    assert!(inbox[0].note.as_deref().unwrap().contains("25 MB"));
    assert_eq!(count(&s, "SELECT count(*) FROM tickets"), 0);
}

#[test]
fn a_failed_transaction_leaves_nothing() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let id = ingest(
        &mut s,
        request("ana@entidad.gov.co", "x1@entidad.gov.co"),
        Some(1),
        "2026-03-10T09:58",
    )
    .mail_id();
    // An unknown service type fails inside the registration transaction.
    let e = s
        .register_mail(
            id,
            &RegisterOverrides {
                service_type: Some("No existe".into()),
                ..Default::default()
            },
            WHO,
            at("2026-03-10T10:30"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("No existe"), "{e}");
    assert_eq!(count(&s, "SELECT count(*) FROM tickets"), 0);
    assert_eq!(count(&s, "SELECT count(*) FROM mail_outbox"), 0);
    assert_eq!(count(&s, "SELECT count(*) FROM attachments"), 0);
    assert_eq!(count(&s, "SELECT count(*) FROM ticket_counters"), 0);
    assert_eq!(s.inbox(false).unwrap()[0].state, "nuevo");
    // Auto-register with a setting that makes registration fail: the mail is not stored either,
    // and the sync state did not move (the collector will fetch it again).
    with_account(&mut s, true);
    s.connection()
        .write(WHO, None, |c| c.execute("DELETE FROM priority_matrix", []))
        .unwrap();
    let before = s.mailbox_state(&format!("{OFFICE}/INBOX")).unwrap();
    let r = s.ingest_mail(
        &incoming(
            request("pedro@entidad.gov.co", "x2@entidad.gov.co"),
            Some(2),
            "2026-03-10T11:00",
        ),
        at("2026-03-10T11:01"),
    );
    assert!(r.is_err());
    assert_eq!(count(&s, "SELECT count(*) FROM mail_messages"), 1);
    assert_eq!(count(&s, "SELECT count(*) FROM mail_raw"), 1);
    assert_eq!(s.mailbox_state(&format!("{OFFICE}/INBOX")).unwrap(), before);
}

#[test]
fn discarding_keeps_the_mail_with_its_reason() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let id = ingest(
        &mut s,
        request("spam@externo.com", "sp@externo.com"),
        Some(1),
        "2026-03-10T09:58",
    )
    .mail_id();
    let e = s
        .discard_mail(id, "  ", WHO, at("2026-03-10T10:00"))
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    s.discard_mail(id, "publicidad", WHO, at("2026-03-10T10:00"))
        .unwrap();
    assert!(s.inbox(false).unwrap().is_empty());
    let all = s.inbox(true).unwrap();
    assert_eq!(all[0].state, "descartado");
    assert_eq!(all[0].discard_reason.as_deref(), Some("publicidad"));
}

/// The kinds queued for the case, oldest first.
fn queued(s: &Store, number: &str) -> Vec<String> {
    s.case_mails(number)
        .unwrap()
        .into_iter()
        .filter(|m| m.direction == "salida")
        .map(|m| m.kind)
        .collect()
}

#[test]
fn each_case_event_queues_its_notice_in_the_thread_and_a_template_can_be_turned_off() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let (_, number) = registered_case(&mut s);
    // An internal note is never mailed; a public follow-up is.
    for (vis, text) in [
        (FollowUpVisibility::Internal, "Revisar el fusor"),
        (
            FollowUpVisibility::Public,
            "Pasaremos mañana a revisar la impresora",
        ),
    ] {
        s.add_follow_up(
            &number,
            &NewFollowUp {
                text: text.into(),
                visibility: vis,
                minutes: None,
                contact: false,
                at: None,
            },
            WHO,
            at("2026-03-10T11:00"),
        )
        .unwrap();
    }
    // A visit, with its .ics attached.
    s.schedule_visit(
        &number,
        &VisitInput {
            at: "11/03/2026 09:00".into(),
            minutes: Some(60),
            place: Some("Tesorería, piso 2".into()),
            who: None,
            note: None,
        },
        WHO,
        at("2026-03-10T11:30"),
    )
    .unwrap();
    assert_eq!(queued(&s, &number), vec!["acuse", "seguimiento", "visita"]);
    let visit = s
        .outbox(true)
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "visita")
        .unwrap();
    let parsed = mesa_mail::parse(outbox_raw(&s, visit.id).as_bytes());
    assert!(parsed.text.contains("11/03/2026 09:00"), "{}", parsed.text);
    assert!(parsed.text.contains("Tesorería, piso 2"), "{}", parsed.text);
    let ics = &parsed.attachments[0];
    assert!(
        ics.content_type.starts_with("text/calendar"),
        "{}",
        ics.content_type
    );
    assert!(String::from_utf8_lossy(&ics.bytes).contains("BEGIN:VEVENT"));
    // Every notice answers the request and carries the whole thread.
    assert_eq!(parsed.in_reply_to, vec!["req-1@entidad.gov.co".to_string()]);
    assert_eq!(parsed.references[0], "req-1@entidad.gov.co");
    assert_eq!(parsed.references.len(), 3);
    let follow = s
        .outbox(true)
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "seguimiento")
        .unwrap();
    let text = mesa_mail::parse(outbox_raw(&s, follow.id).as_bytes()).text;
    assert!(text.contains("Pasaremos mañana"), "{text}");
    assert!(!text.contains("fusor"), "{text}");

    // Resolved, rejected (reopened), resolved again, then closed for lack of survey.
    let resolve = TicketAction::Resolve {
        solution: "Se cambió el fusor".into(),
        products: None,
        time_spent_minutes: None,
    };
    s.apply_action(&number, &resolve, WHO, at("2026-03-11T10:00"))
        .unwrap();
    s.apply_action(
        &number,
        &TicketAction::Reject {
            reason: "Sigue manchando las hojas".into(),
        },
        WHO,
        at("2026-03-11T11:00"),
    )
    .unwrap();
    // The resolved notice template turned off: the survey window runs from the resolution.
    let mut tpl = s
        .mail_templates()
        .unwrap()
        .into_iter()
        .find(|t| t.kind == "resuelto")
        .unwrap();
    tpl.enabled = false;
    s.set_mail_template(&tpl).unwrap();
    let t = s
        .apply_action(&number, &resolve, WHO, at("2026-03-11T15:00"))
        .unwrap();
    assert_eq!(
        t.survey_due_at.as_deref(),
        Some("2026-03-13T15:00:00-05:00")
    );
    assert_eq!(
        s.autoclose(at("2026-03-13T15:30")).unwrap(),
        vec![number.clone()]
    );
    assert_eq!(
        queued(&s, &number),
        vec![
            "acuse",
            "seguimiento",
            "visita",
            "resuelto",
            "reabierto",
            "cierre_automatico"
        ]
    );
    let reopened = s
        .outbox(true)
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "reabierto")
        .unwrap();
    let text = mesa_mail::parse(outbox_raw(&s, reopened.id).as_bytes()).text;
    assert!(text.contains("Sigue manchando las hojas"), "{text}");
}

/// 300 typical mails (5–60 KB, one in five with an attachment) from several senders, each
/// delivered twice (a crash before the move on the server): each stored exactly once, all in
/// the Bandeja. Prints the time taken (a figure, not a timed assertion).
#[test]
fn many_mails_delivered_twice_are_each_stored_once() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let mut mails = Vec::new();
    for i in 0..300u32 {
        let filler = "Texto de la solicitud con detalles del equipo y la oficina. "
            .repeat(80 + (i as usize % 10) * 100);
        let mut raw = String::from_utf8(eml(
            &format!("persona{}@entidad.gov.co", i % 37),
            &format!("Solicitud {i}"),
            &format!("m{i}@entidad.gov.co"),
            "",
            &filler,
        ))
        .unwrap();
        if i % 5 == 0 {
            raw = raw
                .replace(
                    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
                    "Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
                );
            raw.push_str("--zz\r\nContent-Type: application/octet-stream; name=\"datos.bin\"\r\nContent-Disposition: attachment; filename=\"datos.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQoLDA0ODw==\r\n--zz--\r\n");
        }
        mails.push(raw.into_bytes());
    }
    let started = std::time::Instant::now();
    for (i, raw) in mails.iter().enumerate() {
        let out = ingest(&mut s, raw.clone(), Some(i as u32 + 1), "2026-03-10T09:00");
        assert!(matches!(out, IngestOutcome::New { .. }), "{i}: {out:?}");
    }
    let first = started.elapsed();
    for (i, raw) in mails.iter().enumerate() {
        let out = ingest(&mut s, raw.clone(), Some(i as u32 + 1), "2026-03-10T09:00");
        assert!(
            matches!(out, IngestOutcome::AlreadyStored { .. }),
            "{i}: {out:?}"
        );
    }
    let listed = std::time::Instant::now();
    let inbox = s.inbox(false).unwrap();
    let list_time = listed.elapsed();
    assert_eq!(inbox.len(), 300);
    assert_eq!(inbox.iter().filter(|e| e.attachments == 1).count(), 60);
    assert_eq!(count(&s, "SELECT count(*) FROM mail_messages"), 300);
    assert_eq!(
        s.mailbox_state(&format!("{OFFICE}/INBOX")).unwrap(),
        Some((7, 300))
    );
    let total: i64 = mails.iter().map(|m| m.len() as i64).sum();
    println!(
        "300 correos ({} KB): guardados en {:.2} s, repetidos en {:.2} s, Bandeja en {} ms",
        total / 1024,
        first.as_secs_f64(),
        (started.elapsed() - first - list_time).as_secs_f64(),
        list_time.as_millis()
    );
}

#[test]
fn anonymising_a_person_erases_their_mails_and_stops_their_notices() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let mail_id = ingest(
        &mut s,
        eml(
            "Ana Gutiérrez <ana@entidad.gov.co>",
            "Impresora",
            "ana-1@entidad.gov.co",
            "",
            "No imprime.\r\nAna Gutiérrez\r\nTesorería, ext. 204",
        ),
        Some(1),
        "2026-03-10T09:58",
    )
    .mail_id();
    let number = s
        .register_mail(
            mail_id,
            &RegisterOverrides {
                department: Some("Tesorería".into()),
                ..Default::default()
            },
            WHO,
            at("2026-03-10T10:30"),
        )
        .unwrap();
    assert!(s.mail_text(mail_id).unwrap().contains("Ana Gutiérrez"));
    // Another person's request stays as it is.
    let other = ingest(
        &mut s,
        request("Luis Pérez <luis@entidad.gov.co>", "luis-1@entidad.gov.co"),
        Some(2),
        "2026-03-10T10:40",
    )
    .mail_id();
    // The export of her data lists her mails, in and out, with their text.
    let ex = s
        .person_export("ana@entidad.gov.co", at("2026-03-11T07:00"))
        .unwrap();
    let dirs: Vec<&str> = ex
        .mails
        .iter()
        .map(|m| m["direction"].as_str().unwrap())
        .collect();
    assert_eq!(dirs, vec!["entrada", "salida"]);
    assert!(ex.mails[0]["text"]
        .as_str()
        .unwrap()
        .contains("Tesorería, ext. 204"));
    let report = s
        .anonymize_person("ana@entidad.gov.co", WHO, at("2026-03-11T08:00"))
        .unwrap();
    assert_eq!(report.cases, vec![number.clone()]);
    let all = s.inbox(true).unwrap();
    let ana = all.iter().find(|e| e.id == mail_id).unwrap();
    assert_eq!(ana.from, "");
    assert_eq!(ana.from_name, report.pseudonym);
    let text = s.mail_text(mail_id).unwrap();
    assert!(!text.contains("Ana"), "{text}");
    assert!(text.contains(&report.pseudonym), "{text}");
    assert_eq!(
        count(
            &s,
            &format!("SELECT count(*) FROM mail_raw WHERE mail_id = {mail_id}")
        ),
        0
    );
    let luis = all.iter().find(|e| e.id == other).unwrap();
    assert_eq!(luis.from, "luis@entidad.gov.co");
    assert_eq!(count(&s, "SELECT count(*) FROM mail_raw"), 1);
    // The acknowledgment to Ana is not sent, and says why.
    assert!(s.pending_outbox(at("2026-03-11T08:00")).unwrap().is_empty());
    let o = &s.outbox(true).unwrap()[0];
    assert_eq!(o.state, "fallido");
    assert_eq!(o.to, "");
    assert!(o.last_reply.as_deref().unwrap().contains("Ley 1581"));
    // Nothing in the audit trail still names her address.
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM audit_log WHERE instr(lower(coalesce(old_value, '') || coalesce(new_value, '')), 'ana@entidad.gov.co') > 0"
        ),
        0
    );
}

#[test]
fn an_attachment_over_the_limit_is_left_out_and_the_mail_still_registers() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    s.set_attachment_max_mb(1).unwrap();
    let big = "QUFB".repeat(400_000); // 1.2 MB decoded
    let raw = format!(
        "From: ana@entidad.gov.co\r\nTo: {OFFICE}\r\nSubject: Foto\r\nMessage-ID: <foto@entidad.gov.co>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n\
         --zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAdjunto la foto.\r\n\
         --zz\r\nContent-Type: image/jpeg; name=\"foto.jpg\"\r\nContent-Disposition: attachment; filename=\"foto.jpg\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{big}\r\n--zz--\r\n"
    );
    let id = ingest(&mut s, raw.into_bytes(), Some(1), "2026-03-10T09:00").mail_id();
    let number = s
        .register_mail(
            id,
            &RegisterOverrides::default(),
            WHO,
            at("2026-03-10T09:30"),
        )
        .unwrap();
    let d = s.get_ticket(&number, at("2026-03-10T09:30")).unwrap();
    assert!(d.attachments.is_empty(), "{:?}", d.attachments);
    let skipped: Vec<_> = d
        .events
        .iter()
        .filter(|e| e.kind == "attachment_skipped")
        .map(|e| e.new_value.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        skipped,
        vec![format!("correo-{id}.eml"), "foto.jpg".to_string()]
    );
    assert_eq!(d.ticket.department, mesa_core::mail::UNKNOWN_DEPARTMENT);
}

/// The collector's loop: store, then move on the server, then record the move. A crash between
/// storing and moving: the next run gets `AlreadyStored` for that UID and only moves it.
#[test]
fn a_mail_stored_but_not_moved_is_only_moved_on_the_next_run() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let account = format!("{OFFICE}/INBOX");
    assert_eq!(s.mailbox_state(&account).unwrap(), None);
    let raw = request("ana@entidad.gov.co", "mv@entidad.gov.co");
    let id = ingest(&mut s, raw.clone(), Some(5), "2026-03-10T09:00").mail_id();
    // (crash here: not moved) — the next run sees the same UID.
    let again = ingest(&mut s, raw, Some(5), "2026-03-10T09:00");
    assert_eq!(again, IngestOutcome::AlreadyStored { mail_id: id });
    s.mark_mail_moved(id, at("2026-03-10T09:03")).unwrap();
    let moved: Option<String> = s
        .connection()
        .query_row(
            "SELECT moved_at FROM mail_messages WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(moved.as_deref(), Some("2026-03-10T14:03:00Z"));
    // A new UIDVALIDITY (the folder was recreated): the same mail under a new UID is still
    // recognised by Message-ID and content, and the state follows the new validity.
    let renumbered = Incoming {
        uidvalidity: Some(8),
        uid: Some(1),
        ..incoming(
            request("ana@entidad.gov.co", "mv@entidad.gov.co"),
            Some(1),
            "2026-03-10T09:00",
        )
    };
    let out = s.ingest_mail(&renumbered, at("2026-03-10T10:00")).unwrap();
    assert_eq!(out, IngestOutcome::AlreadyStored { mail_id: id });
    assert_eq!(s.mailbox_state(&account).unwrap(), Some((8, 1)));
    assert_eq!(count(&s, "SELECT count(*) FROM mail_messages"), 1);
}

#[test]
fn a_notice_that_cannot_be_built_never_blocks_the_registration() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    // An account address the mail library refuses (no domain): nothing can be composed.
    s.connection()
        .write(WHO, None, |c| {
            c.execute("UPDATE mail_account SET address = 'sistemas@'", [])
        })
        .unwrap();
    let id = ingest(
        &mut s,
        request("ana@entidad.gov.co", "nb@entidad.gov.co"),
        Some(1),
        "2026-03-10T09:00",
    )
    .mail_id();
    let number = s
        .register_mail(
            id,
            &RegisterOverrides::default(),
            WHO,
            at("2026-03-10T09:30"),
        )
        .unwrap();
    assert_eq!(count(&s, "SELECT count(*) FROM mail_outbox"), 0);
    let d = s.get_ticket(&number, at("2026-03-10T09:30")).unwrap();
    let note = d
        .events
        .iter()
        .find(|e| e.kind == "mail_not_queued")
        .and_then(|e| e.note.clone())
        .unwrap();
    assert!(note.contains("No se preparó el correo"), "{note}");
}

/// A database that took migration 0018 before 0017 existed (parallel branches) gets 0017 on
/// the next open and keeps the latest version, so its readers still open.
#[test]
fn a_database_migrated_past_the_mail_migration_gets_it_and_stays_current() {
    if crate::support::skip_on_postgres("orden de las migraciones de un archivo SQLite") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mesa.db");
    let latest = mesa_core::db::latest_version();
    {
        let s = Store::open(&db).unwrap();
        s.connection()
            .execute_batch(
                "DROP TABLE mail_outbox_raw; DROP TABLE mail_outbox; DROP TABLE mail_raw;
                 DROP TABLE mail_messages; DROP TABLE mail_sync; DROP TABLE mail_templates;
                 DROP TABLE mail_account;
                 DELETE FROM schema_migrations WHERE version = 17;",
            )
            .unwrap();
    }
    let s = Store::open(&db).unwrap();
    assert_eq!(s.mail_templates().unwrap().len(), 6);
    let v: i64 = s
        .connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, latest);
    drop(s);
    let r = Store::open_reader(&db).unwrap();
    assert!(r.inbox(true).unwrap().is_empty());
}

/// Every `{name}` in a default template is one of the placeholders core lists for it, and the
/// kind-specific ones are listed only for their template.
#[test]
fn the_placeholders_listed_for_each_template_cover_what_it_uses() {
    let (_d, s) = open();
    let templates = s.mail_templates().unwrap();
    assert_eq!(templates.len(), outbox::KINDS.len());
    for t in &templates {
        let listed: Vec<String> = outbox::placeholders(&t.kind)
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        let text = format!("{}\n{}", t.subject, t.body);
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').expect("llave sin cerrar") + open;
            let name = &rest[open + 1..close];
            assert!(
                listed.iter().any(|l| l == name),
                "«{{{name}}}» de la plantilla {} no está en la lista",
                t.kind
            );
            rest = &rest[close + 1..];
        }
    }
    let visit: Vec<String> = outbox::placeholders("visita")
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(visit.contains(&"fecha_visita".to_string()));
    let ack: Vec<String> = outbox::placeholders("acuse")
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(!ack.contains(&"fecha_visita".to_string()));
    let e = outbox::placeholders("cumpleaños").unwrap_err();
    assert_eq!(e.code(), "validation");
    assert!(e.to_string().contains("acuse"), "{e}");
}

#[test]
fn a_failed_message_can_be_retried_now_and_a_sent_one_cannot() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    registered_case(&mut s);
    let id = s.pending_outbox(at("2026-03-10T10:30")).unwrap()[0].id;
    let mut now = at("2026-03-10T10:31");
    for _ in 0..mesa_core::mail::outbox::MAX_ATTEMPTS {
        s.mark_failed(id, "535 5.7.8 Authentication failed", now)
            .unwrap();
        now += Duration::hours(5);
    }
    assert_eq!(s.outbox(false).unwrap()[0].state, "fallido");
    assert!(s.pending_outbox(now).unwrap().is_empty());
    s.retry_outbox(id, now).unwrap();
    let o = &s.outbox(false).unwrap()[0];
    assert_eq!(o.state, "pendiente");
    assert_eq!(s.pending_outbox(now).unwrap().len(), 1);
    // One more refusal: failed again at once (attempts are kept).
    s.mark_failed(id, "535 5.7.8 Authentication failed", now)
        .unwrap();
    assert_eq!(s.outbox(false).unwrap()[0].state, "fallido");
    // A pending message waiting for its backoff is due now after «Enviar ahora».
    s.retry_outbox(id, now).unwrap();
    s.mark_sent(id, "250 2.0.0 Ok", now).unwrap();
    let e = s.retry_outbox(id, now).unwrap_err();
    assert!(e.to_string().contains(&id.to_string()), "{e}");
    assert!(s.retry_outbox(9999, now).is_err());
}

#[test]
fn the_account_refuses_an_interval_or_size_out_of_range() {
    let (_d, mut s) = open();
    with_account(&mut s, false);
    let mut a = s.mail_account().unwrap().unwrap();
    a.poll_minutes = 0;
    let e = s.set_mail_account(&a).unwrap_err();
    assert!(e.to_string().contains("minutos"), "{e}");
    a.poll_minutes = 5;
    a.max_mb = 0;
    let e = s.set_mail_account(&a).unwrap_err();
    assert!(e.to_string().contains("MB"), "{e}");
    a.max_mb = 10;
    s.set_mail_account(&a).unwrap();
    let back = s.mail_account().unwrap().unwrap();
    assert_eq!((back.poll_minutes, back.max_mb), (5, 10));
}

/// The raw mail goes into SQLite in 1 MB pieces (incremental blob I/O) and the attachment is
/// moved out of the parser, not copied: both must come back byte for byte, across piece
/// boundaries and with a length that is not a multiple of the piece.
#[test]
fn a_large_raw_mail_is_stored_byte_for_byte_in_pieces() {
    use base64::Engine;
    let (_d, mut s) = open();
    with_account(&mut s, false);
    s.set_attachment_max_mb(10).unwrap();
    let data: Vec<u8> = (0..2_700_001u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
    let mut lines = String::new();
    for chunk in encoded.as_bytes().chunks(76) {
        lines.push_str(std::str::from_utf8(chunk).unwrap());
        lines.push_str("\r\n");
    }
    let raw = format!(
        "From: ana@entidad.gov.co\r\nTo: {OFFICE}\r\nSubject: Planos\r\nMessage-ID: <planos@entidad.gov.co>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n\
         --zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAdjunto los planos.\r\n\
         --zz\r\nContent-Type: application/octet-stream; name=\"planos.dwg\"\r\n\
         Content-Disposition: attachment; filename=\"planos.dwg\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{lines}--zz--\r\n"
    )
    .into_bytes();
    assert!(raw.len() > 3 * 1024 * 1024 && raw.len() % (1024 * 1024) != 0);
    let id = ingest(&mut s, raw.clone(), Some(1), "2026-03-10T09:00").mail_id();
    let number = s
        .register_mail(
            id,
            &RegisterOverrides::default(),
            WHO,
            at("2026-03-10T09:30"),
        )
        .unwrap();
    let d = s.get_ticket(&number, at("2026-03-10T09:30")).unwrap();
    let names: Vec<&str> = d.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        vec![format!("correo-{id}.eml").as_str(), "planos.dwg"]
    );
    let owner = AttachmentOwner::Ticket(number.clone());
    let eml = s.attachment_blob(&owner, d.attachments[0].id).unwrap();
    assert!(std::fs::read(eml.1).unwrap() == raw, "the .eml differs");
    let dwg = s.attachment_blob(&owner, d.attachments[1].id).unwrap();
    assert!(
        std::fs::read(dwg.1).unwrap() == data,
        "the attachment differs"
    );
}
