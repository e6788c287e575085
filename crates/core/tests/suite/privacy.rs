//! Ley 1581 de 2012: export of everything about one person, and anonymisation that leaves no
//! personal data behind (cases, full-text index, timeline, audit trail, database file).

use calamine::{open_workbook, Reader, Xlsx};
use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::*;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn case(s: &mut Store, who: &str, email: &str, desc: &str) -> Ticket {
    let i = NewTicket {
        requester: who.into(),
        department: "Tesorería".into(),
        description: desc.into(),
        email: Some(email.into()),
        phone: Some(
            if who.starts_with("Hern") {
                "3159876543"
            } else {
                "3001234567"
            }
            .into(),
        ),
        location: Some("Piso 2, oficina 204".into()),
        ..Default::default()
    };
    s.create_ticket(&i, "Técnico de sistemas", at("2026-03-02T09:00"))
        .unwrap()
}

fn search(s: &Store, q: &str) -> usize {
    s.list_tickets(
        &TicketQuery {
            search: Some(q.into()),
            limit: 100,
            ..Default::default()
        },
        at("2026-03-03T09:00"),
    )
    .unwrap()
    .items
    .len()
}

/// PostgreSQL: the bytes of every table, TOAST table and index of the schema as stored in the
/// server's files (after a checkpoint, so nothing waits in shared memory). The test cluster's
/// user is a superuser, who may read them with `pg_read_binary_file`.
fn server_files(s: &Store) -> Vec<u8> {
    let c = s.connection();
    c.execute_batch("CHECKPOINT").unwrap();
    let files: Vec<String> = c
        .prepare(
            "SELECT pg_relation_filepath(c.oid) AS f FROM pg_class c
              WHERE c.relkind IN ('r', 'i', 't')
                AND c.relnamespace IN ('public'::regnamespace, 'pg_toast'::regnamespace)
                AND pg_relation_filepath(c.oid) IS NOT NULL",
        )
        .unwrap()
        .query_map([], |r| r.get("f"))
        .unwrap()
        .collect::<mesa_core::Result<_>>()
        .unwrap();
    assert!(files.len() > 50, "{files:?}");
    let mut bytes = vec![];
    for f in files {
        let b: Option<Vec<u8>> = c
            .query_row(
                "SELECT pg_read_binary_file(?1, 0, 100000000, true) AS b",
                [&f],
                |r| r.get("b"),
            )
            .unwrap();
        bytes.extend(b.unwrap_or_default());
    }
    bytes
}

#[test]
fn export_and_anonymize_a_person() {
    let tdb = crate::support::db();
    let db = tdb.sqlite_path();
    let mut s = tdb.open();
    let a = case(
        &mut s,
        "Yolanda Pumarejo Oñate",
        "yolanda.pumarejo@indupal.gov.co",
        "Yolanda Pumarejo Oñate no puede imprimir",
    );
    let b = case(
        &mut s,
        "yolanda pumarejo oñate",
        "y.pumarejo@gmail.com",
        "Correo lleno",
    );
    let other = case(
        &mut s,
        "Hernán Baquero",
        "hernan@indupal.gov.co",
        "Teléfono sin tono",
    );
    s.apply_action(
        &a.number,
        &TicketAction::Assign {
            to: "Técnico de sistemas".into(),
        },
        "Técnico de sistemas",
        at("2026-03-02T09:30"),
    )
    .unwrap();
    s.apply_action(
        &a.number,
        &TicketAction::Hold {
            reason: "Esperando a Yolanda Pumarejo Oñate".into(),
        },
        "Técnico de sistemas",
        at("2026-03-02T10:00"),
    )
    .unwrap();

    // by e-mail finds the one case; by name (accents/case ignored) both
    let ex = s
        .person_export("Y.PUMAREJO@gmail.com", at("2026-03-03T09:00"))
        .unwrap();
    assert_eq!(ex.cases.len(), 1);
    let ex = s
        .person_export("Yolanda Pumarejo Onate", at("2026-03-03T09:00"))
        .unwrap();
    let numbers: Vec<_> = ex
        .cases
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(numbers, [a.number.clone(), b.number.clone()]);
    assert_eq!(ex.emails.len(), 2);
    assert!(ex.timeline.iter().any(|e| e["kind"] == "hold"));
    assert!(ex.audit.iter().any(|e| e.record_key == a.number));
    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("titular.json");
    s.person_export_to("Yolanda Pumarejo Oñate", &json, at("2026-03-03T09:00"))
        .unwrap();
    let back: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(back["cases"].as_array().unwrap().len(), 2);
    let xlsx = out.path().join("titular.xlsx");
    s.person_export_to("Yolanda Pumarejo Oñate", &xlsx, at("2026-03-03T09:00"))
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(wb.worksheet_range("Casos").unwrap().height(), 3);
    // Each export is recorded in the audit trail by case numbers, without personal data.
    let exports: Vec<(String, String)> = s
        .connection()
        .prepare("SELECT action, new_value FROM audit_log WHERE table_name = 'person' AND action = 'export'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<mesa_core::Result<_>>()
        .unwrap();
    assert_eq!(exports.len(), 2);
    assert!(exports[0].1.contains(&a.number), "{:?}", exports[0]);
    assert!(!exports[0].1.contains("Yolanda"), "{:?}", exports[0]);
    assert!(wb.sheet_names().contains(&"Auditoría".to_string()));
    assert_eq!(
        s.person_export("Nadie Existe", at("2026-03-03T09:00"))
            .unwrap_err()
            .code(),
        "person_not_found"
    );

    assert_eq!(search(&s, "Pumarejo"), 2);
    let r = s
        .anonymize_person(
            "Yolanda Pumarejo Oñate",
            "Oficial de datos",
            at("2026-03-04T09:00"),
        )
        .unwrap();
    assert_eq!(r.pseudonym, "Titular anonimizado 1");
    assert_eq!(r.cases, [a.number.clone(), b.number.clone()]);

    let t = s.get_ticket(&a.number, at("2026-03-04T09:00")).unwrap();
    assert_eq!(t.ticket.requester, "Titular anonimizado 1");
    assert_eq!(
        (
            t.ticket.email.as_deref(),
            t.ticket.phone.as_deref(),
            t.ticket.location.as_deref()
        ),
        (None, None, None)
    );
    assert_eq!(
        t.ticket.description,
        "Titular anonimizado 1 no puede imprimir"
    );
    assert_eq!(
        search(&s, "Pumarejo"),
        0,
        "el índice de búsqueda se actualizó"
    );
    assert_eq!(search(&s, "Baquero"), 1);
    // the other person is untouched
    let o = s.get_ticket(&other.number, at("2026-03-04T09:00")).unwrap();
    assert_eq!(o.ticket.email.as_deref(), Some("hernan@indupal.gov.co"));

    let c = s.connection();
    let left = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    for needle in ["Pumarejo", "pumarejo", "3001234567", "oficina 204"] {
        let n = left(&format!(
            "SELECT count(*) FROM audit_log WHERE (old_value LIKE '%{needle}%' OR new_value LIKE '%{needle}%')
               AND record_key IN ('{}', '{}')",
            a.number, b.number
        ));
        assert_eq!(n, 0, "auditoría conserva «{needle}»");
        let n = left(&format!(
            "SELECT count(*) FROM ticket_events WHERE old_value LIKE '%{needle}%' OR new_value LIKE '%{needle}%' OR note LIKE '%{needle}%'"
        ));
        assert_eq!(n, 0, "línea de tiempo conserva «{needle}»");
    }
    // the request is in the trail, without personal data
    let anon: Vec<_> = s
        .audit_entries(&safety::audit::AuditQuery {
            search: Some("Titular anonimizado 1".into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "anonymize")
        .collect();
    assert_eq!(anon.len(), 3, "{anon:?}");
    assert!(anon.iter().all(|e| e.actor == "Oficial de datos"));
    // the other person's audit data is intact
    assert!(s.audit_history("tickets", &other.number).unwrap()[0]
        .new_value
        .as_ref()
        .unwrap()
        .contains("Baquero"));
    drop(s);
    // and the bytes are gone from the database file (on PostgreSQL: from the files of every
    // table and index of the schema, as the server keeps them on disk)
    let bytes = if crate::support::is_postgres() {
        server_files(&tdb.open())
    } else {
        std::fs::read(&db).unwrap()
    };
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        has("Baquero"),
        "control: los datos de otros sí están en el archivo"
    );
    for needle in ["Pumarejo", "yolanda.pumarejo@indupal", "3001234567"] {
        assert!(!has(needle), "el archivo conserva «{needle}»");
    }
}

#[test]
fn person_search_groups_by_name_and_finds_by_email() {
    let tdb = crate::support::db();
    let mut s = tdb.open();
    let a1 = case(
        &mut s,
        "Yolanda Pumarejo",
        "yolanda@indupal.gov.co",
        "No imprime",
    );
    let a2 = case(&mut s, "YOLANDA PUMAREJO", "ypumarejo@gmail.com", "Sin red");
    let b = case(
        &mut s,
        "Hernán Oñate",
        "hernan@indupal.gov.co",
        "Correo lleno",
    );
    // Name, ignoring case and accents; grouped with the spelling of the newest case.
    let found = s.person_search("pumarejo", 20).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "YOLANDA PUMAREJO");
    assert_eq!(found[0].cases, 2);
    assert_eq!(found[0].numbers, vec![a2.number.clone(), a1.number.clone()]);
    assert_eq!(
        found[0].emails,
        vec![
            "ypumarejo@gmail.com".to_string(),
            "yolanda@indupal.gov.co".into()
        ]
    );
    assert_eq!(found[0].departments, vec!["Tesorería".to_string()]);
    // By part of an e-mail; accents ignored in names.
    let by_mail = s.person_search("HERNAN@", 20).unwrap();
    assert_eq!(by_mail.len(), 1);
    assert_eq!(by_mail[0].numbers, vec![b.number.clone()]);
    assert_eq!(s.person_search("hernan onate", 20).unwrap().len(), 1);
    // Too short or unknown: nobody. The same name exports exactly those cases.
    assert!(s.person_search("a", 20).unwrap().is_empty());
    assert!(s.person_search("Zuleta", 20).unwrap().is_empty());
    let ex = s
        .person_export(&found[0].name, at("2026-03-03T09:00"))
        .unwrap();
    assert_eq!(ex.cases.len() as i64, found[0].cases);
    // Limit keeps the people with most cases.
    let all = s.person_search("indupal", 1).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "YOLANDA PUMAREJO");
    // A spelling without accents is the same person: both cases, newest spelling as the name.
    let b2 = case(&mut s, "Hernan Onate", "", "Teclado");
    let hernan = s.person_search("oñate", 20).unwrap();
    assert_eq!(hernan.len(), 1);
    assert_eq!(hernan[0].name, "Hernan Onate");
    assert_eq!(hernan[0].numbers, vec![b2.number.clone(), b.number.clone()]);
}

#[test]
fn person_search_by_a_domain_that_matches_hundreds_of_people() {
    // More spellings than the index path takes: the search reads the table once instead.
    let mut s = crate::support::store();
    for i in 1..=230 {
        case(
            &mut s,
            &format!("Persona {i:03}"),
            &format!("p{i:03}@indupal.gov.co"),
            "Sin red",
        );
    }
    let t = case(&mut s, "PERSONA 007", "", "Otra vez sin red");
    let all = s.person_search("@INDUPAL.gov", 500).unwrap();
    assert_eq!(all.len(), 230);
    let p7 = all.iter().find(|p| p.name == "PERSONA 007").unwrap();
    assert_eq!(p7.cases, 2);
    assert_eq!(p7.numbers[0], t.number);
    assert!(all
        .iter()
        .filter(|p| p.name != "PERSONA 007")
        .all(|p| p.cases == 1));
    let one = s.person_search("persona 007", 10).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].cases, 2);
}

/// Follow-ups (internal notes marked) are in the person's export, and anonymising erases the
/// person from their text.
#[test]
fn follow_ups_are_exported_marked_and_anonymised() {
    let mut s = crate::support::store();
    let a = case(
        &mut s,
        "Yolanda Pumarejo Oñate",
        "yolanda.pumarejo@indupal.gov.co",
        "No imprime",
    );
    for (text, visibility) in [
        (
            "Llamé a Yolanda Pumarejo Oñate al 3001234567",
            FollowUpVisibility::Internal,
        ),
        ("Mañana pasamos a revisar", FollowUpVisibility::Public),
    ] {
        s.add_follow_up(
            &a.number,
            &NewFollowUp {
                text: text.into(),
                visibility,
                minutes: None,
                contact: false,
                at: None,
            },
            "Técnico de sistemas",
            at("2026-03-02T10:00"),
        )
        .unwrap();
    }
    let ex = s
        .person_export("Yolanda Pumarejo Oñate", at("2026-03-02T11:00"))
        .unwrap();
    assert_eq!(ex.follow_ups.len(), 2);
    assert_eq!(
        ex.follow_ups[0]["visibility"],
        "Nota interna (no se comparte con el solicitante)"
    );
    assert_eq!(ex.follow_ups[1]["visibility"], "Público");
    s.anonymize_person(
        "Yolanda Pumarejo Oñate",
        "Técnico de sistemas",
        at("2026-03-03T09:00"),
    )
    .unwrap();
    let d = s.get_ticket(&a.number, at("2026-03-03T09:00")).unwrap();
    let text = &d.follow_ups[0].text;
    assert!(!text.contains("Yolanda"), "{text}");
    assert!(!text.contains("3001234567"), "{text}");
    assert!(text.contains("Titular anonimizado"), "{text}");
}

/// On PostgreSQL, a snapshot another session took before the redaction (a REPEATABLE READ
/// transaction of another workstation that read an unrelated table, or an autovacuum ANALYZE)
/// would make `VACUUM FULL` keep the old row versions on disk: the redaction waits for it to
/// end, so the bytes are gone anyway.
#[cfg(feature = "postgres")]
#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn on_postgresql_an_older_snapshot_elsewhere_does_not_keep_the_redacted_text() {
    let t = crate::pg_support::migrated_db();
    let target = mesa_core::db::pg::PgTarget::parse(&t.url()).unwrap();
    let mut s = Store::open_server(&target, None).unwrap();
    case(
        &mut s,
        "Yolanda Pumarejo Oñate",
        "yolanda.pumarejo@indupal.gov.co",
        "Yolanda Pumarejo Oñate no puede imprimir",
    );
    case(
        &mut s,
        "Hernán Baquero",
        "hernan@indupal.gov.co",
        "Hernán Baquero necesita una extensión",
    );
    // Another session holds a snapshot from before the redaction, on a table the redaction
    // does not rewrite, and lets it go 1.5 s later.
    let (ready_tx, ready) = std::sync::mpsc::channel();
    let other = {
        let mut c = t.connect();
        std::thread::spawn(move || {
            let mut tx = c
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .start()
                .unwrap();
            tx.query_one("SELECT count(*) FROM departments", &[])
                .unwrap();
            ready_tx.send(()).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(1500));
            tx.commit().unwrap();
        })
    };
    ready.recv().unwrap();
    s.anonymize_person(
        "Yolanda Pumarejo Oñate",
        "Oficial de datos",
        at("2026-03-04T09:00"),
    )
    .unwrap();
    other.join().unwrap();
    let bytes = server_files(&s);
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has("Baquero"), "control: los datos de otros sí están");
    for needle in ["Pumarejo", "yolanda.pumarejo@indupal"] {
        assert!(!has(needle), "el archivo conserva «{needle}»");
    }
}
