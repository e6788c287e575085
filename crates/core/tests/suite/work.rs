//! Work on a case after registration: corrections and reclassification (timeline entries,
//! deadlines recomputed on the Colombian business calendar), resolving from any open status,
//! follow-ups and internal notes (the first public one or contact stops the response clock).
//! Every instant is fixed (no system clock).

use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::*;

const TECH: &str = "Técnico de sistemas";

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

/// A case without service type («Sin clasificar») received Friday 20 March 2026 at 3 p.m.
/// (Monday 23 is San José, a holiday), registered five minutes later.
fn unclassified(s: &mut Store) -> Ticket {
    let i = NewTicket {
        requester: "Ana Gutierez".into(),
        department: "Tesorería".into(),
        description: "El video beam de la sala no proyecta".into(),
        received_at: Some("2026-03-20T15:00".into()),
        ..Default::default()
    };
    s.create_ticket(&i, TECH, at("2026-03-20T15:05")).unwrap()
}

fn events(s: &Store, n: &str) -> Vec<TicketEvent> {
    s.get_ticket(n, at("2026-03-24T08:00")).unwrap().events
}

fn note(text: &str, visibility: FollowUpVisibility, contact: bool) -> NewFollowUp {
    NewFollowUp {
        text: text.into(),
        visibility,
        minutes: None,
        contact,
        at: None,
    }
}

#[test]
fn reclassifying_recomputes_deadlines_on_the_business_calendar_and_routes_the_case() {
    let mut s = crate::support::store();
    let t = unclassified(&mut s);
    assert_eq!(t.service_type, None);
    assert_eq!(t.status, TicketStatus::New);
    // Defaults: 12 business hours to respond, 48 to resolve; Monday 23 is a holiday.
    assert_eq!(
        t.response_due_at.as_deref(),
        Some("2026-03-25T09:00:00-05:00")
    );
    assert_eq!(
        t.resolution_due_at.as_deref(),
        Some("2026-03-31T15:00:00-05:00")
    );
    // «Apoyo para alistamiento de equipos en reuniones»: 8 business hours to resolve, routed to
    // the technician. Fri 15–18 (3 h) + Tue 24 08–12 (4 h) + 14–15 (1 h) = Tue 24, 3 p.m.
    let edit = TicketEdit {
        service_type: Some("apoyo para alistamiento de equipos en reuniones".into()),
        requester: Some("Ana Gutiérrez".into()),
        reason: Some("clasificación al revisar el correo".into()),
        ..Default::default()
    };
    let r = s
        .edit_ticket(&t.number, &edit, TECH, at("2026-03-23T10:00"))
        .unwrap();
    assert_eq!(
        r.service_type.as_deref(),
        Some("Apoyo para alistamiento de equipos en reuniones")
    );
    assert_eq!(r.requester, "Ana Gutiérrez");
    assert_eq!(
        r.resolution_due_at.as_deref(),
        Some("2026-03-24T15:00:00-05:00")
    );
    assert_eq!(r.response_due_at, t.response_due_at);
    assert_eq!(r.assignee.as_deref(), Some(TECH));
    assert_eq!(r.status, TicketStatus::Assigned);

    let ev = events(&s, &t.number);
    let find = |kind: &str, field: &str| {
        ev.iter()
            .find(|e| e.kind == kind && e.field.as_deref() == Some(field))
            .unwrap_or_else(|| panic!("no {kind}/{field} in {ev:#?}"))
    };
    let name = find("edit", "requester");
    assert_eq!(name.old_value.as_deref(), Some("Ana Gutierez"));
    assert_eq!(name.new_value.as_deref(), Some("Ana Gutiérrez"));
    assert_eq!(
        name.note.as_deref(),
        Some("clasificación al revisar el correo")
    );
    assert_eq!(name.actor, TECH);
    let ty = find("edit", "service_type");
    assert_eq!(ty.old_value, None);
    let due = find("deadline", "resolution_due_at");
    assert_eq!(due.old_value.as_deref(), Some("2026-03-31T15:00:00-05:00"));
    assert_eq!(due.new_value.as_deref(), Some("2026-03-24T15:00:00-05:00"));
    assert!(due.note.as_deref().unwrap().contains("tipo de servicio"));
    // The response deadline did not move: no entry for it.
    assert!(!ev
        .iter()
        .any(|e| e.kind == "deadline" && e.field.as_deref() == Some("response_due_at")));
    assert!(ev.iter().any(|e| e.kind == "assign"));
}

#[test]
fn changing_the_reception_time_needs_a_reason_and_moves_both_deadlines() {
    let mut s = crate::support::store();
    let t = unclassified(&mut s);
    let mut edit = TicketEdit {
        received_at: Some("2026-03-20T09:00".into()),
        ..Default::default()
    };
    let err = s
        .edit_ticket(&t.number, &edit, TECH, at("2026-03-20T16:00"))
        .unwrap_err();
    assert_eq!(err.code(), "validation");
    assert!(err.to_string().contains("motivo"), "{err}");
    edit.reason = Some("el correo llegó en la mañana".into());
    let r = s
        .edit_ticket(&t.number, &edit, TECH, at("2026-03-20T16:00"))
        .unwrap();
    // 12 business hours from Friday 9 a.m.: Fri 09–12 and 14–18 (7 h), Monday is San José,
    // Tue 24 08–12 (11 h) and 14–15 (12 h).
    assert_eq!(r.received_at.as_deref(), Some("2026-03-20T09:00:00-05:00"));
    assert_eq!(
        r.response_due_at.as_deref(),
        Some("2026-03-24T15:00:00-05:00")
    );
    assert_ne!(r.resolution_due_at, t.resolution_due_at);
    let ev = events(&s, &t.number);
    assert!(ev.iter().any(|e| e.kind == "deadline"
        && e.field.as_deref() == Some("response_due_at")
        && e.old_value.as_deref() == Some("2026-03-25T09:00:00-05:00")
        && e.new_value.as_deref() == Some("2026-03-24T15:00:00-05:00")));
    // A reception after the registration is refused.
    let later = TicketEdit {
        received_at: Some("2026-03-27T09:00".into()),
        reason: Some("x".into()),
        ..Default::default()
    };
    assert!(s
        .edit_ticket(&t.number, &later, TECH, at("2026-03-20T16:00"))
        .is_err());
}

#[test]
fn priority_from_the_matrix_and_bad_input_leaves_the_case_untouched() {
    let mut s = crate::support::store();
    let t = unclassified(&mut s);
    assert_eq!(t.priority, "media");
    let edit = TicketEdit {
        urgency: Some(3),
        impact: Some(3),
        ..Default::default()
    };
    let r = s
        .edit_ticket(&t.number, &edit, TECH, at("2026-03-20T16:00"))
        .unwrap();
    assert_eq!(r.priority, "urgente");
    let ev = events(&s, &t.number);
    assert!(ev.iter().any(|e| e.kind == "edit"
        && e.field.as_deref() == Some("priority")
        && e.old_value.as_deref() == Some("media")
        && e.new_value.as_deref() == Some("urgente")));

    // A valid field with an invalid one: nothing is written.
    let before = s.get_ticket(&t.number, at("2026-03-20T16:00")).unwrap();
    let bad = TicketEdit {
        requester: Some("Otra persona".into()),
        email: Some("no-es-un-correo".into()),
        ..Default::default()
    };
    let err = s
        .edit_ticket(&t.number, &bad, TECH, at("2026-03-20T16:01"))
        .unwrap_err();
    assert!(err.to_string().contains("correo"), "{err}");
    for bad in [
        TicketEdit {
            urgency: Some(4),
            ..Default::default()
        },
        TicketEdit {
            service_type: Some("No existe".into()),
            ..Default::default()
        },
        TicketEdit {
            description: Some("   ".into()),
            ..Default::default()
        },
        TicketEdit {
            channel: Some("paloma mensajera".into()),
            ..Default::default()
        },
    ] {
        assert!(s
            .edit_ticket(&t.number, &bad, TECH, at("2026-03-20T16:01"))
            .is_err());
    }
    let after = s.get_ticket(&t.number, at("2026-03-20T16:00")).unwrap();
    assert_eq!(before, after);
    // An edit that changes nothing writes nothing.
    let same = TicketEdit {
        requester: Some(" Ana Gutierez ".into()),
        ..Default::default()
    };
    s.edit_ticket(&t.number, &same, TECH, at("2026-03-20T16:02"))
        .unwrap();
    assert_eq!(
        s.get_ticket(&t.number, at("2026-03-20T16:00")).unwrap(),
        before
    );
}

#[test]
fn an_escalated_case_keeps_its_level_when_reclassified() {
    let mut s = crate::support::store();
    let t = unclassified(&mut s);
    s.apply_action(
        &t.number,
        &TicketAction::Escalate {
            to: "Ingeniero de sistemas".into(),
            reason: "requiere el ingeniero".into(),
        },
        TECH,
        at("2026-03-20T15:30"),
    )
    .unwrap();
    let edit = TicketEdit {
        service_type: Some("Publicación de archivo a sitio web".into()),
        ..Default::default()
    };
    let r = s
        .edit_ticket(&t.number, &edit, TECH, at("2026-03-20T16:00"))
        .unwrap();
    assert_eq!(r.level, 2);
    assert_eq!(r.assignee.as_deref(), Some("Ingeniero de sistemas"));
}

#[test]
fn closed_and_cancelled_cases_are_not_editable() {
    let mut s = crate::support::store();
    let a = unclassified(&mut s);
    let b = unclassified(&mut s);
    s.apply_action(
        &a.number,
        &TicketAction::Cancel {
            reason: "no era una solicitud".into(),
        },
        TECH,
        at("2026-03-20T16:00"),
    )
    .unwrap();
    for (action, now) in [
        (
            TicketAction::Resolve {
                solution: "Se cambió el cable HDMI".into(),
                products: None,
                time_spent_minutes: Some(20),
            },
            "2026-03-20T16:00",
        ),
        (
            TicketAction::Verify { confirmation: None },
            "2026-03-20T16:10",
        ),
    ] {
        s.apply_action(&b.number, &action, TECH, at(now)).unwrap();
    }
    let edit = TicketEdit {
        requester: Some("Otra".into()),
        ..Default::default()
    };
    for n in [&a.number, &b.number] {
        let err = s
            .edit_ticket(n, &edit, TECH, at("2026-03-20T17:00"))
            .unwrap_err();
        assert_eq!(err.code(), "invalid_transition", "{err}");
        let err = s
            .add_follow_up(
                n,
                &note("x", FollowUpVisibility::Internal, false),
                TECH,
                at("2026-03-20T17:00"),
            )
            .unwrap_err();
        assert_eq!(err.code(), "invalid_transition", "{err}");
        let d = s.get_ticket(n, at("2026-03-20T17:00")).unwrap();
        assert!(!d.editable);
    }
}

#[test]
fn a_quick_fix_is_resolved_straight_from_new() {
    let mut s = crate::support::store();
    let t = unclassified(&mut s);
    let d = s.get_ticket(&t.number, at("2026-03-20T15:10")).unwrap();
    assert!(d.allowed_actions.contains(&ActionKind::Resolve));
    assert!(d.editable);
    let r = s
        .apply_action(
            &t.number,
            &TicketAction::Resolve {
                solution: "Se le indicó por teléfono cambiar la entrada del proyector".into(),
                products: None,
                time_spent_minutes: Some(5),
            },
            TECH,
            at("2026-03-20T15:20"),
        )
        .unwrap();
    assert_eq!(r.status, TicketStatus::Resolved);
    assert_eq!(r.assignee.as_deref(), Some(TECH));
    assert_eq!(
        r.first_response_at.as_deref(),
        Some("2026-03-20T15:20:00-05:00")
    );
    assert_eq!(r.resolved_at.as_deref(), Some("2026-03-20T15:20:00-05:00"));
}

#[test]
fn resolving_a_case_on_hold_ends_the_pause() {
    let mut s = crate::support::store();
    let t = unclassified(&mut s);
    for (a, now) in [
        (TicketAction::Start, "2026-03-20T15:10"),
        (
            TicketAction::Hold {
                reason: "esperando repuesto".into(),
            },
            "2026-03-20T16:00",
        ),
        (
            TicketAction::Resolve {
                solution: "Llegó el repuesto y se instaló".into(),
                products: None,
                time_spent_minutes: None,
            },
            "2026-03-24T10:00",
        ),
    ] {
        s.apply_action(&t.number, &a, TECH, at(now)).unwrap();
    }
    // The case can be reopened and held again: the first pause was closed.
    s.apply_action(
        &t.number,
        &TicketAction::Reject {
            reason: "sigue fallando".into(),
        },
        TECH,
        at("2026-03-24T11:00"),
    )
    .unwrap();
    let r = s
        .apply_action(
            &t.number,
            &TicketAction::Hold {
                reason: "otra vez".into(),
            },
            TECH,
            at("2026-03-24T11:30"),
        )
        .unwrap();
    assert_eq!(r.status, TicketStatus::OnHold);
}

#[test]
fn the_first_public_follow_up_or_contact_stops_the_response_clock() {
    let mut s = crate::support::store();
    let t = unclassified(&mut s);
    // An internal note is not an attention.
    let n1 = s
        .add_follow_up(
            &t.number,
            &NewFollowUp {
                minutes: Some(15),
                ..note(
                    "Revisé el inventario: el video beam es IND-0042",
                    FollowUpVisibility::Internal,
                    false,
                )
            },
            TECH,
            at("2026-03-20T15:30"),
        )
        .unwrap();
    assert_eq!(n1.visibility, FollowUpVisibility::Internal);
    let d = s.get_ticket(&t.number, at("2026-03-20T15:31")).unwrap();
    assert_eq!(d.ticket.first_response_at, None);
    // A call to the requester, recorded later as an internal note with «contacto», is: the
    // clock stops at the time of the call, not of the typing.
    s.add_follow_up(
        &t.number,
        &NewFollowUp {
            at: Some("2026-03-20T16:00".into()),
            ..note(
                "Llamé: dice que el cable está suelto",
                FollowUpVisibility::Internal,
                true,
            )
        },
        TECH,
        at("2026-03-20T17:00"),
    )
    .unwrap();
    let d = s.get_ticket(&t.number, at("2026-03-20T17:01")).unwrap();
    assert_eq!(
        d.ticket.first_response_at.as_deref(),
        Some("2026-03-20T16:00:00-05:00")
    );
    assert!(d
        .events
        .iter()
        .any(|e| e.kind == "first_response"
            && e.note.as_deref() == Some("contacto con el solicitante")));
    // A later public follow-up does not move it.
    s.add_follow_up(
        &t.number,
        &note(
            "Mañana pasamos a revisar",
            FollowUpVisibility::Public,
            false,
        ),
        TECH,
        at("2026-03-20T17:30"),
    )
    .unwrap();
    let d = s.get_ticket(&t.number, at("2026-03-20T17:31")).unwrap();
    assert_eq!(
        d.ticket.first_response_at.as_deref(),
        Some("2026-03-20T16:00:00-05:00")
    );
    let kinds: Vec<_> = d
        .follow_ups
        .iter()
        .map(|f| (f.visibility, f.contact))
        .collect();
    assert_eq!(
        kinds,
        [
            (FollowUpVisibility::Internal, false),
            (FollowUpVisibility::Internal, true),
            (FollowUpVisibility::Public, false)
        ]
    );
    assert_eq!(d.follow_ups[0].minutes, Some(15));
    assert_eq!(d.follow_ups[0].actor, TECH);

    // A public follow-up on another case stops its clock at once.
    let u = unclassified(&mut s);
    s.add_follow_up(
        &u.number,
        &note("Recibimos su solicitud", FollowUpVisibility::Public, false),
        TECH,
        at("2026-03-20T15:40"),
    )
    .unwrap();
    let d = s.get_ticket(&u.number, at("2026-03-20T15:41")).unwrap();
    assert_eq!(
        d.ticket.first_response_at.as_deref(),
        Some("2026-03-20T15:40:00-05:00")
    );
}

#[test]
fn follow_up_input_is_checked() {
    let mut s = crate::support::store();
    let t = unclassified(&mut s);
    let now = at("2026-03-20T16:00");
    let cases = [
        note("  ", FollowUpVisibility::Public, false),
        NewFollowUp {
            minutes: Some(-5),
            ..note("x", FollowUpVisibility::Public, false)
        },
        NewFollowUp {
            at: Some("2026-03-21T10:00".into()),
            ..note("x", FollowUpVisibility::Public, false)
        },
        NewFollowUp {
            at: Some("2026-03-19T10:00".into()),
            ..note("x", FollowUpVisibility::Public, false)
        },
        NewFollowUp {
            at: Some("ayer".into()),
            ..note("x", FollowUpVisibility::Public, false)
        },
        note(&"a".repeat(20_001), FollowUpVisibility::Public, false),
    ];
    for c in cases {
        let err = s.add_follow_up(&t.number, &c, TECH, now).unwrap_err();
        assert_eq!(err.code(), "validation", "{err}");
    }
    assert!(s.get_ticket(&t.number, now).unwrap().follow_ups.is_empty());
    let err = s
        .add_follow_up(
            "MA-2026-9999",
            &note("x", FollowUpVisibility::Public, false),
            TECH,
            now,
        )
        .unwrap_err();
    assert_eq!(err.code(), "ticket_not_found");
}

#[test]
fn the_case_export_lists_follow_ups_with_internal_notes_marked() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut s = crate::support::store();
    let t = unclassified(&mut s);
    let other = unclassified(&mut s);
    s.add_follow_up(
        &t.number,
        &NewFollowUp {
            minutes: Some(10),
            ..note("Equipo sin garantía", FollowUpVisibility::Internal, false)
        },
        TECH,
        at("2026-03-20T15:30"),
    )
    .unwrap();
    s.add_follow_up(
        &t.number,
        &note("=HYPERLINK(\"x\")", FollowUpVisibility::Public, true),
        TECH,
        at("2026-03-20T15:40"),
    )
    .unwrap();
    s.add_follow_up(
        &other.number,
        &note("Otro caso", FollowUpVisibility::Public, false),
        TECH,
        at("2026-03-20T15:45"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casos.xlsx");
    // Only the first case: its follow-ups, not the other's.
    let q = TicketQuery {
        search: Some(t.number.clone()),
        ..Default::default()
    };
    s.export_cases_xlsx(&q, &path, at("2026-03-20T16:00"), |_, _| {})
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["Casos", "Seguimientos"]);
    let range = wb.worksheet_range("Seguimientos").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Empty => String::new(),
                    other => format!("{other}"),
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0][3], "Tipo");
    assert_eq!(rows[1][0], t.number);
    assert_eq!(
        rows[1][3],
        "Nota interna (no se comparte con el solicitante)"
    );
    assert_eq!(rows[1][5], "10");
    assert_eq!(rows[2][3], "Público");
    assert_eq!(rows[2][4], "Sí");
    // Typed text stays text, never a formula.
    assert_eq!(rows[2][6], "=HYPERLINK(\"x\")");
}
