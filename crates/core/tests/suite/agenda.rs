//! Scheduled visits and the Agenda (issue 13): scheduling rules, the timeline, the agenda range
//! and the `.ics` export parsed back with a real iCalendar parser (`icalendar`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use mesa_core::agenda::{parse_visit_time, VisitInput};
use mesa_core::clock::parse_time_input;
use mesa_core::*;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const ACTOR: &str = "Técnico de sistemas";

fn store() -> Store {
    crate::support::store()
}

/// A case registered Monday 2 March 2026 09:00 Bogota, located «Piso 2, oficina 204».
fn new_case(s: &mut Store, requester: &str, description: &str) -> String {
    let t = s
        .create_ticket(
            &NewTicket {
                requester: requester.into(),
                department: "Tesorería".into(),
                description: description.into(),
                location: Some("Piso 2, oficina 204".into()),
                phone: Some("3001234567".into()),
                received_at: Some("2026-03-02T08:30".into()),
                ..Default::default()
            },
            ACTOR,
            at("2026-03-02T09:00"),
        )
        .unwrap();
    t.number
}

fn visit_at(when: &str) -> VisitInput {
    VisitInput {
        at: when.into(),
        ..Default::default()
    }
}

fn code<T: std::fmt::Debug>(r: Result<T>) -> (String, String) {
    let e = r.unwrap_err();
    (e.code().to_string(), e.to_string())
}

#[test]
fn scheduling_defaults_place_and_who_and_is_on_the_timeline() {
    let mut s = store();
    let n = new_case(&mut s, "Ana Gutiérrez", "El equipo no enciende");
    s.apply_action(
        &n,
        &TicketAction::Assign {
            to: "Ingeniero de sistemas".into(),
        },
        ACTOR,
        at("2026-03-02T09:05"),
    )
    .unwrap();
    let v = s
        .schedule_visit(
            &n,
            &visit_at("05/03/2026 09:00"),
            ACTOR,
            at("2026-03-02T10:00"),
        )
        .unwrap();
    assert_eq!(v.starts_at, "2026-03-05T09:00:00-05:00");
    assert_eq!(v.ends_at, "2026-03-05T10:00:00-05:00");
    assert_eq!(v.minutes, 60);
    assert_eq!(v.place.as_deref(), Some("Piso 2, oficina 204"));
    assert_eq!(v.who.as_deref(), Some("Ingeniero de sistemas"));
    assert_eq!(v.sequence, 0);

    let d = s.get_ticket(&n, at("2026-03-02T10:00")).unwrap();
    assert_eq!(d.visit.as_ref(), Some(&v));
    let e = d.events.last().unwrap();
    assert_eq!(e.kind, "visit_scheduled");
    assert_eq!(e.field.as_deref(), Some("visit"));
    assert_eq!(e.old_value, None);
    assert_eq!(e.new_value.as_deref(), Some("2026-03-05T09:00:00-05:00"));
    assert!(e.note.as_deref().unwrap().contains("Piso 2"), "{e:?}");

    // The same input again changes nothing and writes nothing.
    let again = s
        .schedule_visit(
            &n,
            &visit_at("2026-03-05 09:00"),
            ACTOR,
            at("2026-03-02T10:05"),
        )
        .unwrap();
    assert_eq!(again, v);
    let d2 = s.get_ticket(&n, at("2026-03-02T10:05")).unwrap();
    assert_eq!(d2.events.len(), d.events.len());
}

#[test]
fn rescheduling_replaces_the_visit_and_records_old_and_new_time() {
    let mut s = store();
    let n = new_case(&mut s, "Ana Gutiérrez", "Impresora atascada");
    let first = s
        .schedule_visit(
            &n,
            &visit_at("2026-03-05 09:00"),
            ACTOR,
            at("2026-03-02T10:00"),
        )
        .unwrap();
    let second = s
        .schedule_visit(
            &n,
            &VisitInput {
                at: "06/03/2026 14:30".into(),
                minutes: Some(90),
                place: Some("Archivo central".into()),
                who: Some("técnico DE sistemas".into()),
                note: Some("Llevar tóner".into()),
            },
            "Ingeniero de sistemas",
            at("2026-03-03T08:00"),
        )
        .unwrap();
    assert_eq!(second.id, first.id, "same visit, same UID");
    assert_eq!(second.sequence, 1);
    assert_eq!(second.starts_at, "2026-03-06T14:30:00-05:00");
    assert_eq!(second.ends_at, "2026-03-06T16:00:00-05:00");
    assert_eq!(second.who.as_deref(), Some("Técnico de sistemas"));
    assert_eq!(second.place.as_deref(), Some("Archivo central"));
    assert_eq!(second.note.as_deref(), Some("Llevar tóner"));
    assert_eq!(second.scheduled_by, "Ingeniero de sistemas");

    let d = s.get_ticket(&n, at("2026-03-03T08:00")).unwrap();
    let e = d.events.last().unwrap();
    assert_eq!(e.kind, "visit_rescheduled");
    assert_eq!(e.actor, "Ingeniero de sistemas");
    assert_eq!(e.old_value.as_deref(), Some("2026-03-05T09:00:00-05:00"));
    assert_eq!(e.new_value.as_deref(), Some("2026-03-06T14:30:00-05:00"));
    let one: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM ticket_visits", [], |r| r.get(0))
        .unwrap();
    assert_eq!(one, 1, "one current visit per case");

    // Only the place changes: «visit_updated», same time on both sides.
    s.schedule_visit(
        &n,
        &VisitInput {
            at: "06/03/2026 14:30".into(),
            minutes: Some(90),
            place: Some("Sala de juntas".into()),
            who: Some("Técnico de sistemas".into()),
            note: Some("Llevar tóner".into()),
        },
        ACTOR,
        at("2026-03-03T09:00"),
    )
    .unwrap();
    let d = s.get_ticket(&n, at("2026-03-03T09:00")).unwrap();
    let e = d.events.last().unwrap();
    assert_eq!(e.kind, "visit_updated");
    assert_eq!(e.old_value, e.new_value);
    assert_eq!(d.visit.unwrap().sequence, 2);
}

#[test]
fn cancelling_removes_the_visit_with_a_reason() {
    let mut s = store();
    let n = new_case(&mut s, "Ana Gutiérrez", "Sin red");
    let (c, _) = code(s.cancel_visit(&n, "ya no hace falta", ACTOR, at("2026-03-02T10:00")));
    assert_eq!(c, "validation", "no visit to cancel");
    s.schedule_visit(
        &n,
        &visit_at("2026-03-05 09:00"),
        ACTOR,
        at("2026-03-02T10:00"),
    )
    .unwrap();
    let (c, m) = code(s.cancel_visit(&n, "   ", ACTOR, at("2026-03-02T11:00")));
    assert_eq!(c, "validation");
    assert!(m.contains("motivo"), "{m}");
    s.cancel_visit(
        &n,
        "Se resolvió por teléfono",
        ACTOR,
        at("2026-03-02T11:00"),
    )
    .unwrap();
    let d = s.get_ticket(&n, at("2026-03-02T11:00")).unwrap();
    assert!(d.visit.is_none());
    let e = d.events.last().unwrap();
    assert_eq!(e.kind, "visit_cancelled");
    assert_eq!(e.old_value.as_deref(), Some("2026-03-05T09:00:00-05:00"));
    assert_eq!(e.new_value, None);
    assert_eq!(e.note.as_deref(), Some("Se resolvió por teléfono"));
    assert!(s
        .agenda(day("2026-03-01"), day("2026-03-31"))
        .unwrap()
        .is_empty());
    // A new visit after a cancellation is a new visit (new UID).
    let v = s
        .schedule_visit(
            &n,
            &visit_at("2026-03-09 08:00"),
            ACTOR,
            at("2026-03-02T12:00"),
        )
        .unwrap();
    assert_eq!(v.sequence, 0);
}

#[test]
fn refusals_name_the_field_and_write_nothing() {
    let mut s = store();
    let n = new_case(&mut s, "Ana Gutiérrez", "Monitor sin imagen");
    let now = at("2026-03-02T10:00");
    let before = s.get_ticket(&n, now).unwrap().events.len();

    let (c, m) = code(s.schedule_visit(&n, &visit_at("02/03/2026 09:59"), ACTOR, now));
    assert_eq!(c, "validation");
    assert!(
        m.contains("fecha y hora de la visita") && m.contains("ya pasó"),
        "{m}"
    );
    assert!(m.contains("02/03/2026 09:59"), "{m}");

    let (c, m) = code(s.schedule_visit(&n, &visit_at("2026-03-05"), ACTOR, now));
    assert_eq!(c, "validation");
    assert!(m.contains("no tiene hora"), "{m}");
    let (_, m) = code(s.schedule_visit(&n, &visit_at("mañana temprano"), ACTOR, now));
    assert!(m.contains("no es una fecha y hora válida"), "{m}");
    let (_, m) = code(s.schedule_visit(&n, &visit_at(""), ACTOR, now));
    assert!(m.contains("obligatoria"), "{m}");
    let (_, m) = code(s.schedule_visit(&n, &visit_at("31/02/2026 10:00"), ACTOR, now));
    assert!(m.contains("no es una fecha y hora válida"), "{m}");
    let (_, m) = code(s.schedule_visit(&n, &visit_at("05/03/2029 10:00"), ACTOR, now));
    assert!(m.contains("revise el año"), "{m}");

    for minutes in [0, 4, 1441, -30] {
        let (c, m) = code(s.schedule_visit(
            &n,
            &VisitInput {
                at: "2026-03-05 09:00".into(),
                minutes: Some(minutes),
                ..Default::default()
            },
            ACTOR,
            now,
        ));
        assert_eq!(c, "validation");
        assert!(m.contains("duración"), "{m}");
    }
    let (c, m) = code(s.schedule_visit(
        &n,
        &VisitInput {
            at: "2026-03-05 09:00".into(),
            who: Some("Pedro Páramo".into()),
            ..Default::default()
        },
        ACTOR,
        now,
    ));
    assert_eq!(c, "catalog_not_found");
    assert!(m.contains("Pedro Páramo"), "{m}");
    let (_, m) = code(s.schedule_visit(
        &n,
        &VisitInput {
            at: "2026-03-05 09:00".into(),
            place: Some("x".repeat(201)),
            ..Default::default()
        },
        ACTOR,
        now,
    ));
    assert!(m.contains("lugar"), "{m}");
    let (c, _) = code(s.schedule_visit("MA-2026-9999", &visit_at("2026-03-05 09:00"), ACTOR, now));
    assert_eq!(c, "ticket_not_found");

    let d = s.get_ticket(&n, now).unwrap();
    assert_eq!(d.events.len(), before);
    assert!(d.visit.is_none());
}

#[test]
fn only_open_cases_get_or_change_a_visit() {
    let mut s = store();
    let n = new_case(&mut s, "Ana Gutiérrez", "Teclado");
    s.schedule_visit(
        &n,
        &visit_at("2026-03-05 09:00"),
        ACTOR,
        at("2026-03-02T10:00"),
    )
    .unwrap();
    s.apply_action(
        &n,
        &TicketAction::Assign { to: ACTOR.into() },
        ACTOR,
        at("2026-03-02T10:10"),
    )
    .unwrap();
    s.apply_action(&n, &TicketAction::Start, ACTOR, at("2026-03-02T10:20"))
        .unwrap();
    s.apply_action(
        &n,
        &TicketAction::Resolve {
            solution: "Cambio de teclado".into(),
            products: None,
            time_spent_minutes: None,
        },
        ACTOR,
        at("2026-03-02T11:00"),
    )
    .unwrap();
    let (c, m) = code(s.schedule_visit(
        &n,
        &visit_at("2026-03-06 09:00"),
        ACTOR,
        at("2026-03-02T12:00"),
    ));
    assert_eq!(c, "invalid_transition");
    assert!(
        m.contains("programar una visita") && m.contains("Solucionado"),
        "{m}"
    );
    // Its visit can still leave the Agenda.
    s.cancel_visit(&n, "Se solucionó antes", ACTOR, at("2026-03-02T12:00"))
        .unwrap();

    let m2 = new_case(&mut s, "Luis Pérez", "Duplicado");
    s.schedule_visit(
        &m2,
        &visit_at("2026-03-05 10:00"),
        ACTOR,
        at("2026-03-02T10:00"),
    )
    .unwrap();
    s.apply_action(
        &m2,
        &TicketAction::Cancel {
            reason: "duplicado".into(),
        },
        ACTOR,
        at("2026-03-02T10:30"),
    )
    .unwrap();
    let (c, _) = code(s.schedule_visit(
        &m2,
        &visit_at("2026-03-06 09:00"),
        ACTOR,
        at("2026-03-02T12:00"),
    ));
    assert_eq!(c, "invalid_transition");
    // A cancelled case's visit is not on the Agenda.
    assert!(s
        .agenda(day("2026-03-05"), day("2026-03-05"))
        .unwrap()
        .is_empty());
}

#[test]
fn agenda_lists_the_range_in_bogota_days_sorted() {
    let mut s = store();
    let a = new_case(&mut s, "Ana Gutiérrez", "A");
    let b = new_case(&mut s, "Bernardo Díaz", "B");
    let c = new_case(&mut s, "Carla Ruiz", "C");
    let now = at("2026-03-02T10:00");
    // 23:30 Bogota on Thursday 5 March is 04:30 UTC on the 6th: it belongs to the 5th.
    s.schedule_visit(&a, &visit_at("05/03/2026 23:30"), ACTOR, now)
        .unwrap();
    s.schedule_visit(&b, &visit_at("05/03/2026 08:00"), ACTOR, now)
        .unwrap();
    s.schedule_visit(&c, &visit_at("06/03/2026 00:00"), ACTOR, now)
        .unwrap();

    let thu = s.agenda(day("2026-03-05"), day("2026-03-05")).unwrap();
    let nums: Vec<&str> = thu.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(nums, [b.as_str(), a.as_str()]);
    assert_eq!(thu[0].requester, "Bernardo Díaz");
    assert_eq!(thu[0].department, "Tesorería");
    assert_eq!(thu[0].status, TicketStatus::New);
    assert_eq!(thu[0].visit.place.as_deref(), Some("Piso 2, oficina 204"));

    let week = s.agenda(day("2026-03-02"), day("2026-03-08")).unwrap();
    assert_eq!(week.len(), 3);
    assert_eq!(week[2].number, c);
    assert!(s
        .agenda(day("2026-03-07"), day("2026-03-08"))
        .unwrap()
        .is_empty());

    let (c1, m) = code(s.agenda(day("2026-03-08"), day("2026-03-02")));
    assert_eq!(c1, "validation");
    assert!(m.contains("hasta"), "{m}");
    assert!(s.agenda(day("2026-01-01"), day("2027-12-31")).is_err());
}

#[test]
fn visit_time_parses_the_ui_and_cli_forms() {
    let want = at("2026-03-05T09:00");
    for s in [
        "05/03/2026 09:00",
        "5/3/2026 9:00",
        "2026-03-05 09:00",
        "2026-03-05T09:00",
        "2026-03-05T14:00:00Z",
        "2026-03-05T09:00:00-05:00",
    ] {
        assert_eq!(parse_visit_time(s).unwrap(), want, "{s}");
    }
}

// ---------------------------------------------------------------------------
// .ics
// ---------------------------------------------------------------------------

const LONG_DESCRIPTION: &str = "El equipo de la oficina de Tesorería, ubicado junto a la \
    ventanilla; no enciende desde el lunes. La señora Ángela Muñoz (extensión 204) pide revisión \
    urgente, porque allí se expiden los paz y salvos; también falla la impresora \\ escáner.\n\
    Segunda línea: «ñandú», acentos áéíóú ÁÉÍÓÚ, comas, puntos y comas; fin.";

fn parse(text: &str) -> icalendar::Calendar {
    text.parse::<icalendar::Calendar>()
        .unwrap_or_else(|e| panic!("el .ics no se puede leer: {e}\n{text}"))
}

fn events(cal: &icalendar::Calendar) -> Vec<&icalendar::Event> {
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn local_start(e: &icalendar::Event, which: &str) -> (NaiveDateTime, String) {
    let v = if which == "DTSTART" {
        e.get_start()
    } else {
        e.get_end()
    };
    match v {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
            (date_time, tzid)
        }
        other => panic!("{which} sin TZID: {other:?}"),
    }
}

#[test]
fn ics_parses_back_with_bogota_times_and_escaped_folded_text() {
    let mut s = store();
    let n = new_case(&mut s, "Ángela Muñoz; Tesorería, piso 2", LONG_DESCRIPTION);
    let visit = s
        .schedule_visit(
            &n,
            &VisitInput {
                at: "05/03/2026 09:15".into(),
                minutes: Some(45),
                place: Some("Edificio principal, piso 2; oficina 204".into()),
                who: Some("Técnico de sistemas".into()),
                note: Some("Llevar fuente de poder\nY cable".into()),
            },
            ACTOR,
            at("2026-03-02T10:00"),
        )
        .unwrap();
    let now = at("2026-03-02T10:30");
    let (name, text) = s.visit_ics(&n, now).unwrap();
    assert_eq!(name, format!("visita-{n}.ics"));

    // Raw form: CRLF only, 75-octet lines, folds between characters.
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "LF suelto");
    assert!(!text.replace("\r\n", "").contains('\r'), "CR suelto");
    let mut folded = 0;
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octetos: {line}", line.len());
        if line.starts_with(' ') {
            folded += 1;
        }
    }
    assert!(folded >= 3, "la descripción larga se pliega");
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:America/Bogota\r\n"));
    assert!(text.contains("TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0500\r\n"));
    assert!(text.contains("DTSTAMP:20260302T153000Z\r\n"));

    let cal = parse(&text);
    let evs = events(&cal);
    assert_eq!(evs.len(), 1);
    let e = evs[0];
    assert_eq!(
        e.get_summary(),
        Some(format!("Visita técnica {n} — Ángela Muñoz; Tesorería, piso 2").as_str())
    );
    assert_eq!(
        e.get_location(),
        Some("Edificio principal, piso 2; oficina 204")
    );
    let desc = e.get_description().unwrap();
    assert!(desc.contains(LONG_DESCRIPTION), "{desc}");
    assert!(desc.contains("Llevar fuente de poder\nY cable"), "{desc}");
    assert!(desc.contains(&format!("Caso: {n}")), "{desc}");
    assert!(desc.contains("Va: Técnico de sistemas"), "{desc}");
    assert_eq!(
        e.get_uid(),
        Some(format!("visita-{}-{n}@mesa-de-ayuda-ti", visit.id).as_str())
    );
    assert_eq!(e.property_value("SEQUENCE"), Some("0"));

    // DTSTART in Bogotá is the scheduled local time; DTEND adds the duration.
    let (start, tz) = local_start(e, "DTSTART");
    assert_eq!(tz, "America/Bogota");
    assert_eq!(
        start,
        NaiveDateTime::parse_from_str("2026-03-05 09:15", "%Y-%m-%d %H:%M").unwrap()
    );
    let (end, _) = local_start(e, "DTEND");
    assert_eq!(
        end,
        NaiveDateTime::parse_from_str("2026-03-05 10:00", "%Y-%m-%d %H:%M").unwrap()
    );
    // And that local time is the stored instant at UTC−05:00.
    assert_eq!(
        mesa_core::clock::from_local(start),
        at("2026-03-05T14:15:00Z")
    );

    // The VTIMEZONE is a real component with a −05:00 standard offset.
    let unfolded = icalendar::parser::unfold(&text);
    let parsed = icalendar::parser::read_calendar(&unfolded).unwrap();
    let tz = parsed
        .components
        .iter()
        .find(|c| c.name.as_str() == "VTIMEZONE")
        .expect("VTIMEZONE");
    let std = tz
        .components
        .iter()
        .find(|c| c.name.as_str() == "STANDARD")
        .unwrap();
    let off = std
        .properties
        .iter()
        .find(|p| p.name.as_str() == "TZOFFSETTO")
        .unwrap();
    assert_eq!(off.val.as_str(), "-0500");

    // Rescheduling keeps the UID and raises SEQUENCE.
    s.schedule_visit(&n, &visit_at("06/03/2026 08:00"), ACTOR, now)
        .unwrap();
    let (_, text2) = s.visit_ics(&n, now).unwrap();
    let cal2 = parse(&text2);
    let e2 = events(&cal2)[0];
    assert_eq!(e2.get_uid(), e.get_uid());
    assert_eq!(e2.property_value("SEQUENCE"), Some("1"));
    assert_eq!(
        local_start(e2, "DTSTART").0,
        NaiveDateTime::parse_from_str("2026-03-06 08:00", "%Y-%m-%d %H:%M").unwrap()
    );
}

#[test]
fn agenda_ics_has_one_event_per_visit_and_no_visit_is_an_error() {
    let mut s = store();
    let a = new_case(&mut s, "Ana", "A");
    let b = new_case(&mut s, "Beto", "B");
    let now = at("2026-03-02T10:00");
    let (c, m) = code(s.visit_ics(&a, now));
    assert_eq!(c, "validation");
    assert!(m.contains("no tiene una visita"), "{m}");
    s.schedule_visit(&a, &visit_at("2026-03-05 09:00"), ACTOR, now)
        .unwrap();
    s.schedule_visit(&b, &visit_at("2026-03-04 15:00"), ACTOR, now)
        .unwrap();
    let (name, text) = s
        .agenda_ics(day("2026-03-02"), day("2026-03-08"), now)
        .unwrap();
    assert_eq!(name, "agenda-20260302-20260308.ics");
    let cal = parse(&text);
    let evs = events(&cal);
    assert_eq!(evs.len(), 2);
    assert!(evs[0].get_summary().unwrap().contains(&b));
    assert!(evs[1].get_summary().unwrap().contains(&a));
    assert_ne!(evs[0].get_uid(), evs[1].get_uid());
}

#[test]
fn visits_are_audited_with_the_case_number() {
    let mut s = store();
    let n = new_case(&mut s, "Ana", "A");
    s.schedule_visit(
        &n,
        &visit_at("2026-03-05 09:00"),
        ACTOR,
        at("2026-03-02T10:00"),
    )
    .unwrap();
    let (tables, key): (String, String) = s
        .connection()
        .query_row(
            "SELECT table_name, record_key FROM audit_log
             WHERE table_name = 'ticket_visits' AND action = 'create'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(tables, "ticket_visits");
    assert_eq!(key, n);
}
