//! Improvement plan (issue 18): finding numbering, action states on a fixed clock (vencida,
//! en ejecución, cumplida only by verification), verification by the owner refused, the
//! overdue / due-in-15-days lists, follow-up evidence as attachments, the XLSX read back with
//! calamine and the PDF text through poppler.

use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::pdf::PageSize;
use mesa_core::plans::*;
use mesa_core::*;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

const ME: &str = "Técnico de sistemas";
const BOSS: &str = "Ingeniero de sistemas";

fn finding(s: &mut Store, desc: &str, now: &str) -> Finding {
    s.create_finding(
        &FindingInput {
            description: desc.into(),
            source: "auditoría".into(),
            source_ref: Some("Informe de auditoría interna 2026-01".into()),
            found_on: None,
            effect: Some("Usuarios sin respuesta a tiempo".into()),
            causes: vec![
                "Un solo técnico atiende".into(),
                "  ".into(),
                "No hay turnos".into(),
            ],
        },
        ME,
        at(now),
    )
    .unwrap()
}

fn action(start: &str, end: &str, owner: &str) -> ActionInput {
    ActionInput {
        description: "Definir turnos de atención".into(),
        objective: Some("Atender a tiempo".into()),
        goal: Some("Publicar el cuadro de turnos".into()),
        unit: Some("Documento".into()),
        quantity: Some(1.0),
        starts_on: start.into(),
        ends_on: end.into(),
        owner: owner.into(),
    }
}

fn follow(progress: i64, on: &str) -> FollowUpInput {
    FollowUpInput {
        done_on: Some(on.into()),
        progress,
        comment: format!("Avance del {progress} %"),
    }
}

#[test]
fn findings_are_numbered_per_year_without_gaps() {
    let mut s = crate::support::store();
    let a = finding(
        &mut s,
        "Tiempos de respuesta incumplidos",
        "2026-03-02T09:00",
    );
    assert_eq!(a.number, "H-2026-001");
    assert_eq!(a.causes, vec!["Un solo técnico atiende", "No hay turnos"]);
    assert_eq!(a.source, FindingSource::Auditoria);
    assert_eq!(a.found_on, "2026-03-02");
    assert_eq!(a.state, ActionState::Abierta);
    // A refused finding does not consume a number.
    let bad = s.create_finding(
        &FindingInput {
            description: "Sin causa".into(),
            source: "otro".into(),
            ..Default::default()
        },
        ME,
        at("2026-03-02T10:00"),
    );
    let e = bad.unwrap_err();
    assert_eq!(e.code(), "validation");
    assert!(e.to_string().contains("causa"), "{e}");
    let bad = s.create_finding(
        &FindingInput {
            description: "Fuente rara".into(),
            source: "rumor".into(),
            causes: vec!["x".into()],
            ..Default::default()
        },
        ME,
        at("2026-03-02T10:00"),
    );
    assert!(bad.unwrap_err().to_string().contains("fuente"));
    let b = finding(&mut s, "Otro", "2026-03-03T09:00");
    assert_eq!(b.number, "H-2026-002");
    // New year (Bogota time: 31/12 20:00 is still 2026; 01/01 is 2027).
    let c = finding(&mut s, "Fin de año", "2026-12-31T20:00");
    assert_eq!(c.number, "H-2026-003");
    let d = finding(&mut s, "Año nuevo", "2027-01-02T09:00");
    assert_eq!(d.number, "H-2027-001");
    // Found by number, case ignored; an unknown one is a clear error.
    assert_eq!(
        s.plan_finding("h-2026-002", at("2027-01-02T09:00"))
            .unwrap()
            .description,
        "Otro"
    );
    let e = s
        .plan_finding("H-2026-099", at("2027-01-02T09:00"))
        .unwrap_err();
    assert!(e.to_string().contains("H-2026-099"), "{e}");
    // Every write is audited.
    let n: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE table_name = 'plan_findings'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 4);
}

#[test]
fn action_states_on_a_fixed_clock_and_verification_by_someone_else() {
    let mut s = crate::support::store();
    let f = finding(
        &mut s,
        "Tiempos de respuesta incumplidos",
        "2026-03-02T09:00",
    );
    let now = at("2026-03-02T09:30");
    let a = s
        .add_plan_action(
            &f.number,
            &action("02/03/2026", "30/03/2026", "técnico de SISTEMAS"),
            ME,
            now,
        )
        .unwrap();
    assert_eq!(
        a.owner, "Técnico de sistemas",
        "name as the catalog writes it"
    );
    assert_eq!(a.weeks, 4.0);
    assert_eq!(a.state, ActionState::Abierta);
    assert_eq!(a.days_left, 28);
    // Owner not in the staff catalog; end before start.
    let e = s
        .add_plan_action(
            &f.number,
            &action("02/03/2026", "30/03/2026", "Pedro Pérez"),
            ME,
            now,
        )
        .unwrap_err();
    assert_eq!(e.code(), "catalog_not_found");
    let e = s
        .add_plan_action(&f.number, &action("30/03/2026", "02/03/2026", ME), ME, now)
        .unwrap_err();
    assert!(e.to_string().contains("terminación"), "{e}");

    // A follow-up with 0 % keeps it open; > 0 puts it in execution.
    s.add_plan_follow_up(a.id, &follow(0, "02/03/2026"), ME, now)
        .unwrap();
    assert_eq!(
        s.plan_action(a.id, now).unwrap().state,
        ActionState::Abierta
    );
    s.add_plan_follow_up(a.id, &follow(40, "10/03/2026"), ME, at("2026-03-10T08:00"))
        .unwrap();
    let mid = at("2026-03-15T12:00");
    assert_eq!(
        s.plan_action(a.id, mid).unwrap().state,
        ActionState::EnEjecucion
    );
    // Progress never goes back; no follow-up in the future.
    let e = s
        .add_plan_follow_up(a.id, &follow(30, "15/03/2026"), ME, mid)
        .unwrap_err();
    assert!(e.to_string().contains("40 %"), "{e}");
    let e = s
        .add_plan_follow_up(a.id, &follow(50, "16/03/2026"), ME, mid)
        .unwrap_err();
    assert!(e.to_string().contains("posterior a hoy"), "{e}");
    let e = s
        .add_plan_follow_up(a.id, &follow(101, "15/03/2026"), ME, mid)
        .unwrap_err();
    assert!(e.to_string().contains("0 y 100"), "{e}");

    // The last day still counts; the day after, vencida.
    assert_eq!(
        s.plan_action(a.id, at("2026-03-30T23:59")).unwrap().state,
        ActionState::EnEjecucion
    );
    let late = at("2026-03-31T00:01");
    assert_eq!(
        s.plan_action(a.id, late).unwrap().state,
        ActionState::Vencida
    );
    assert_eq!(
        s.plan_finding(&f.number, late).unwrap().state,
        ActionState::Vencida
    );

    // 100 % is not «cumplida»: only the verification closes it.
    s.add_plan_follow_up(a.id, &follow(100, "31/03/2026"), ME, late)
        .unwrap();
    assert_eq!(
        s.plan_action(a.id, late).unwrap().state,
        ActionState::Vencida
    );

    // The owner cannot verify their own action (separation of duties; a one-person office
    // may with a justification: tests/people.rs).
    let e = s
        .verify_plan_action(
            a.id,
            &VerifyInput {
                note: None,
                justification: None,
            },
            "TECNICO DE SISTEMAS",
            late,
        )
        .unwrap_err();
    assert_eq!(e.code(), "separation_of_duties");
    assert!(e.to_string().contains("distinta del responsable"), "{e}");
    assert_eq!(s.plan_action(a.id, late).unwrap().verified_by, None);

    let v = s
        .verify_plan_action(
            a.id,
            &VerifyInput {
                note: Some("Cuadro publicado en la cartelera".into()),
                justification: None,
            },
            BOSS,
            late,
        )
        .unwrap();
    assert_eq!(v.state, ActionState::Cumplida);
    assert_eq!(v.verified_by.as_deref(), Some(BOSS));
    assert_eq!(
        s.plan_finding(&f.number, late).unwrap().state,
        ActionState::Cumplida
    );
    // Closed: no more follow-ups, no second verification.
    assert!(s
        .add_plan_follow_up(a.id, &follow(100, "31/03/2026"), ME, late)
        .is_err());
    assert!(s
        .verify_plan_action(a.id, &VerifyInput::default(), BOSS, late)
        .is_err());

    // A second action without 100 % cannot be verified.
    let b = s
        .add_plan_action(
            &f.number,
            &action("01/04/2026", "30/04/2026", BOSS),
            ME,
            late,
        )
        .unwrap();
    let e = s
        .verify_plan_action(b.id, &VerifyInput::default(), ME, late)
        .unwrap_err();
    assert!(e.to_string().contains("100 %"), "{e}");
    // The finding is in execution again (one done, one open).
    let ff = s.plan_finding(&f.number, late).unwrap();
    assert_eq!(ff.state, ActionState::EnEjecucion);
    assert_eq!(ff.progress, 50.0);
    // Filters of the list.
    let list = s
        .plan_findings(
            &PlanFilter {
                state: Some(ActionState::EnEjecucion),
                source: Some(FindingSource::Auditoria),
            },
            late,
        )
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].actions, 2);
    assert_eq!(list[0].actions_done, 1);
    assert_eq!(list[0].next_end.as_deref(), Some("2026-04-30"));
    assert!(s
        .plan_findings(
            &PlanFilter {
                state: Some(ActionState::Vencida),
                source: None,
            },
            late,
        )
        .unwrap()
        .is_empty());
}

#[test]
fn overdue_and_due_within_15_days_on_a_fixed_date() {
    let mut s = crate::support::store();
    let f = finding(
        &mut s,
        "Copias de seguridad sin verificar",
        "2026-01-05T09:00",
    );
    let t0 = at("2026-01-05T10:00");
    let mk = |s: &mut Store, end: &str| {
        s.add_plan_action(&f.number, &action("05/01/2026", end, BOSS), ME, t0)
            .unwrap()
            .id
    };
    let overdue = mk(&mut s, "28/02/2026");
    let today = mk(&mut s, "02/03/2026");
    let in15 = mk(&mut s, "17/03/2026");
    let in16 = mk(&mut s, "18/03/2026");
    let done = mk(&mut s, "01/03/2026");
    s.add_plan_follow_up(
        done,
        &follow(100, "20/02/2026"),
        BOSS,
        at("2026-02-20T09:00"),
    )
    .unwrap();
    s.verify_plan_action(done, &VerifyInput::default(), ME, at("2026-02-20T10:00"))
        .unwrap();

    let now = at("2026-03-02T08:00");
    let due = s.plan_due(DUE_DAYS, now).unwrap();
    assert_eq!(due.today, "2026-03-02");
    let ids = |v: &[PlanAction]| v.iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(ids(&due.overdue), vec![overdue]);
    assert_eq!(due.overdue[0].days_left, -2);
    assert_eq!(due.overdue[0].finding_number, f.number);
    assert_eq!(ids(&due.due_soon), vec![today, in15]);
    assert_eq!(due.due_soon[1].days_left, 15);
    assert!(!ids(&due.due_soon).contains(&in16));
    assert!(s.plan_due(400, now).is_err());
}

#[test]
fn follow_up_evidence_is_an_attachment_of_the_follow_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("mesa.db")).unwrap();
    let f = finding(&mut s, "Sin turnos", "2026-03-02T09:00");
    let now = at("2026-03-05T09:00");
    let a = s
        .add_plan_action(&f.number, &action("02/03/2026", "30/03/2026", ME), ME, now)
        .unwrap();
    let fu = s
        .add_plan_follow_up(a.id, &follow(100, "05/03/2026"), ME, now)
        .unwrap();
    let owner = AttachmentOwner::PlanFollowUp(fu.id.to_string());
    let att = s
        .attach_bytes(&owner, "acta.pdf", b"%PDF-1.4\n%prueba\n", ME, now)
        .unwrap();
    assert_eq!(att.media_type, "application/pdf");
    let a2 = s.plan_action(a.id, now).unwrap();
    assert_eq!(a2.follow_ups[0].attachments.len(), 1);
    assert_eq!(a2.follow_ups[0].attachments[0].name, "acta.pdf");
    // Unknown follow-up: clear error, no blob.
    let e = s
        .attach_bytes(
            &AttachmentOwner::PlanFollowUp("999".into()),
            "x.pdf",
            b"%PDF-1.4\n",
            ME,
            now,
        )
        .unwrap_err();
    assert!(e.to_string().contains("seguimiento"), "{e}");
    // Once verified, the evidence is frozen.
    s.verify_plan_action(a.id, &VerifyInput::default(), BOSS, now)
        .unwrap();
    let e = s
        .attach_bytes(&owner, "otra.pdf", b"%PDF-1.4\n%otra\n", ME, now)
        .unwrap_err();
    assert!(e.to_string().contains("verificada"), "{e}");
}

/// A plan with two findings: one with a verified action and one with an overdue one.
fn sample_plan(s: &mut Store) {
    let f = finding(s, "Tiempos de respuesta incumplidos", "2026-03-02T09:00");
    let now = at("2026-03-02T09:30");
    let a = s
        .add_plan_action(&f.number, &action("02/03/2026", "30/03/2026", ME), ME, now)
        .unwrap();
    s.add_plan_follow_up(a.id, &follow(100, "20/03/2026"), ME, at("2026-03-20T09:00"))
        .unwrap();
    s.verify_plan_action(
        a.id,
        &VerifyInput {
            note: Some("Revisado en comité".into()),
            justification: None,
        },
        BOSS,
        at("2026-03-21T09:00"),
    )
    .unwrap();
    let g = s
        .create_finding(
            &FindingInput {
                description: "Comentarios de lentitud en encuestas".into(),
                source: "encuesta".into(),
                source_ref: None,
                found_on: Some("01/03/2026".into()),
                effect: None,
                causes: vec!["Equipos antiguos".into()],
            },
            ME,
            now,
        )
        .unwrap();
    let b = s
        .add_plan_action(
            &g.number,
            &ActionInput {
                description: "=Renovar memoria RAM".into(),
                starts_on: "02/03/2026".into(),
                ends_on: "15/03/2026".into(),
                owner: BOSS.into(),
                unit: Some("Equipos".into()),
                quantity: Some(12.0),
                ..Default::default()
            },
            ME,
            now,
        )
        .unwrap();
    s.add_plan_follow_up(
        b.id,
        &follow(25, "10/03/2026"),
        BOSS,
        at("2026-03-10T09:00"),
    )
    .unwrap();
}

#[test]
fn xlsx_has_the_control_bodies_columns() {
    let mut s = crate::support::store();
    sample_plan(&mut s);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.xlsx");
    s.improvement_plan_xlsx(&path, at("2026-04-01T10:00"))
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let r = wb.worksheet_range("Plan de mejoramiento").unwrap();
    let cell = |row: u32, col: u32| -> String {
        match r.get_value((row, col)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Float(f)) => f.to_string(),
            Some(Data::DateTime(d)) => d
                .as_datetime()
                .map(|t| t.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    };
    assert_eq!(cell(2, 0), "Plan de mejoramiento");
    assert!(cell(3, 0).contains("FO-TIC-10"), "{}", cell(3, 0));
    let headers: Vec<String> = (0..17).map(|c| cell(5, c)).collect();
    assert_eq!(
        headers,
        mesa_core::plans::documents::XLSX_COLUMNS
            .map(String::from)
            .to_vec()
    );
    // Row 6: H-2026-001, verified.
    assert_eq!(cell(6, 0), "H-2026-001");
    assert_eq!(cell(6, 2), "1. Un solo técnico atiende\n2. No hay turnos");
    assert_eq!(cell(6, 3), "Usuarios sin respuesta a tiempo");
    assert_eq!(cell(6, 4), "Definir turnos de atención");
    assert_eq!(cell(6, 7), "Documento");
    assert_eq!(cell(6, 8), "1");
    assert_eq!(cell(6, 9), "02/03/2026");
    assert_eq!(cell(6, 10), "30/03/2026");
    assert_eq!(cell(6, 11), "4");
    assert_eq!(cell(6, 12), "100");
    assert_eq!(cell(6, 13), ME);
    assert_eq!(cell(6, 14), "20/03/2026: Avance del 100 % (100 %)");
    assert_eq!(cell(6, 15), "Cumplida");
    assert!(cell(6, 16).contains("Ingeniero de sistemas: Revisado en comité"));
    // Row 7: H-2026-002, overdue on 01/04/2026; user text starting with «=» stays text.
    assert_eq!(cell(7, 0), "H-2026-002");
    assert_eq!(
        r.get_value((7, 4)),
        Some(&Data::String("=Renovar memoria RAM".into()))
    );
    assert_eq!(cell(7, 8), "12");
    assert_eq!(cell(7, 12), "25");
    assert_eq!(cell(7, 15), "Vencida");
    assert_eq!(cell(8, 0), "");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext, pdffonts (poppler-utils) and qpdf, Linux programs not available under Wine; runs in the Linux suite"
)]
fn pdf_has_the_quality_header_the_plan_and_signatures() {
    let mut s = crate::support::store();
    sample_plan(&mut s);
    s.set_setting("entity_nit", "800.123.456-7").unwrap();
    let pdf = s
        .improvement_plan_pdf(PageSize::Letter, "Luis Peña", at("2026-04-01T10:00"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let run = |c: &mut Command| {
        let out = c.output().unwrap();
        assert!(out.status.success(), "{c:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = run(Command::new("pdftotext").arg("-layout").arg(&path).arg("-"));
    for needle in [
        "Plan de mejoramiento",
        "NIT 800.123.456-7",
        "FO-TIC-10",
        "H-2026-001 — Tiempos de respuesta incumplidos",
        "H-2026-002 — Comentarios de lentitud en encuestas",
        "Auditoría: Informe de auditoría interna 2026-01",
        "Definir turnos de",
        "=Renovar memoria RAM",
        "12 Equipos",
        "02/03/2026",
        "Cumplida",
        "Vencida",
        "Revisado",
        "100,0 %",
        "4,0",
        "Hallazgos: 2 — Acciones: 2",
        "Elaboró",
        "Revisó",
        "Aprobó",
        "Luis Peña",
        "Página 1 de",
    ] {
        assert!(text.contains(needle), "falta «{needle}» en:\n{text}");
    }
    let fonts = run(Command::new("pdffonts").arg(&path));
    assert!(fonts.contains("DejaVuSans"), "{fonts}");
    run(Command::new("qpdf").arg("--check").arg(&path));
}

/// One audit entry: (action, field, old value, new value).
type AuditEntry = (String, Option<String>, Option<String>, Option<String>);

/// The audit entries of one table and key, oldest first.
fn audit_of(s: &Store, table: &str, key: &str) -> Vec<AuditEntry> {
    let mut st = s
        .connection()
        .prepare(
            "SELECT action, field, old_value, new_value FROM audit_log
             WHERE table_name = ?1 AND record_key = ?2 ORDER BY id",
        )
        .unwrap();
    st.query_map([table, key], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .unwrap()
    .collect::<std::result::Result<Vec<_>, _>>()
    .unwrap()
}

#[test]
fn findings_and_actions_are_corrected_with_every_change_audited() {
    let mut s = crate::support::store();
    let f = finding(&mut s, "Tiempos incumplidos", "2026-03-02T09:00");
    let now = at("2026-03-05T09:00");
    let a = s
        .add_plan_action(&f.number, &action("02/03/2026", "30/03/2026", ME), ME, now)
        .unwrap();

    // Finding: new description and source, first cause changed, second removed… then added.
    let fixed = s
        .update_finding(
            &f.number.to_lowercase(),
            &FindingInput {
                description: "Tiempos de respuesta incumplidos en marzo".into(),
                source: "Indicador".into(),
                source_ref: Some("IND-01".into()),
                found_on: Some("01/03/2026".into()),
                effect: None,
                causes: vec!["Un solo técnico atiende la mesa".into()],
            },
            BOSS,
            now,
        )
        .unwrap();
    assert_eq!(fixed.number, f.number, "the number never changes");
    assert_eq!(fixed.source, FindingSource::Indicador);
    assert_eq!(fixed.found_on, "2026-03-01");
    assert_eq!(fixed.effect, None);
    assert_eq!(fixed.causes, vec!["Un solo técnico atiende la mesa"]);
    assert_eq!(fixed.actions.len(), 1, "its actions stay");
    let log = audit_of(&s, "plan_findings", &f.number);
    let upd = |field: &str| {
        log.iter()
            .find(|(act, fl, _, _)| act == "update" && fl.as_deref() == Some(field))
            .map(|(_, _, o, n)| (o.clone(), n.clone()))
    };
    assert_eq!(
        upd("description"),
        Some((
            Some("Tiempos incumplidos".into()),
            Some("Tiempos de respuesta incumplidos en marzo".into())
        ))
    );
    assert_eq!(
        upd("source"),
        Some((Some("auditoria".into()), Some("indicador".into())))
    );
    assert_eq!(upd("effect").unwrap().1, None);
    // Unchanged fields leave no entry.
    assert_eq!(upd("number"), None);
    let causes = audit_of(&s, "plan_causes", &format!("{}/1", f.number));
    assert!(
        causes.iter().any(|(act, fl, o, n)| act == "update"
            && fl.as_deref() == Some("description")
            && o.as_deref() == Some("Un solo técnico atiende")
            && n.as_deref() == Some("Un solo técnico atiende la mesa")),
        "{causes:?}"
    );
    let second = audit_of(&s, "plan_causes", &format!("{}/2", f.number));
    assert_eq!(second.last().unwrap().0, "delete", "{second:?}");
    // A cause added again takes the next position.
    let mut input = FindingInput {
        description: fixed.description.clone(),
        source: "indicador".into(),
        source_ref: fixed.source_ref.clone(),
        found_on: Some(fixed.found_on.clone()),
        effect: None,
        causes: vec![fixed.causes[0].clone(), "Sin turnos".into()],
    };
    let again = s.update_finding(&f.number, &input, BOSS, now).unwrap();
    assert_eq!(
        again.causes,
        vec!["Un solo técnico atiende la mesa", "Sin turnos"]
    );
    // The same rules as creating: no cause, a date in the future, an unknown finding.
    input.causes = vec!["  ".into()];
    let e = s.update_finding(&f.number, &input, BOSS, now).unwrap_err();
    assert!(e.to_string().contains("causa"), "{e}");
    input.causes = vec!["x".into()];
    input.found_on = Some("06/03/2026".into());
    let e = s.update_finding(&f.number, &input, BOSS, now).unwrap_err();
    assert!(e.to_string().contains("posterior a hoy"), "{e}");
    let e = s
        .update_finding("H-2026-777", &input, BOSS, now)
        .unwrap_err();
    assert!(e.to_string().contains("H-2026-777"), "{e}");

    // Action: description, dates and owner corrected, each change audited old → new.
    let mut edit = action("03/03/2026", "15/04/2026", "ingeniero de sistemas");
    edit.description = "Definir y publicar turnos".into();
    edit.quantity = Some(2.0);
    let b = s.update_plan_action(a.id, &edit, BOSS, now).unwrap();
    assert_eq!(b.owner, BOSS, "owner as the catalog writes it");
    assert_eq!(
        (b.starts_on.as_str(), b.ends_on.as_str()),
        ("2026-03-03", "2026-04-15")
    );
    assert_eq!(b.quantity, Some(2.0));
    assert_eq!(b.description, "Definir y publicar turnos");
    let key = format!("{} acción {}", f.number, a.id);
    let log = audit_of(&s, "plan_actions", &key);
    let changed: Vec<&str> = log
        .iter()
        .filter(|(act, ..)| act == "update")
        .filter_map(|(_, fl, ..)| fl.as_deref())
        .collect();
    for field in ["description", "quantity", "starts_on", "ends_on", "owner"] {
        assert!(changed.contains(&field), "{field} not audited: {log:?}");
    }
    assert!(log.iter().any(|(act, fl, o, n)| act == "update"
        && fl.as_deref() == Some("owner")
        && o.as_deref() == Some(ME)
        && n.as_deref() == Some(BOSS)));
    // The same rules as adding; plus: the start cannot move past the first follow-up.
    let e = s
        .update_plan_action(
            a.id,
            &action("03/03/2026", "15/04/2026", "Pedro Pérez"),
            BOSS,
            now,
        )
        .unwrap_err();
    assert_eq!(e.code(), "catalog_not_found");
    let e = s
        .update_plan_action(a.id, &action("30/04/2026", "15/04/2026", BOSS), BOSS, now)
        .unwrap_err();
    assert!(e.to_string().contains("terminación"), "{e}");
    s.add_plan_follow_up(a.id, &follow(100, "04/03/2026"), BOSS, now)
        .unwrap();
    let e = s
        .update_plan_action(a.id, &action("05/03/2026", "15/04/2026", BOSS), BOSS, now)
        .unwrap_err();
    assert!(e.to_string().contains("04/03/2026"), "{e}");
    // Verified: no longer corrected.
    s.verify_plan_action(a.id, &VerifyInput::default(), ME, now)
        .unwrap();
    let e = s
        .update_plan_action(a.id, &action("03/03/2026", "15/04/2026", BOSS), BOSS, now)
        .unwrap_err();
    assert!(e.to_string().contains("verificada"), "{e}");
}

#[test]
fn findings_and_actions_are_deleted_only_without_follow_ups() {
    let mut s = crate::support::store();
    let f = finding(&mut s, "Copias sin verificar", "2026-03-02T09:00");
    let now = at("2026-03-05T09:00");
    let done = s
        .add_plan_action(&f.number, &action("02/03/2026", "30/03/2026", ME), ME, now)
        .unwrap();
    let spare = s
        .add_plan_action(&f.number, &action("02/03/2026", "30/04/2026", ME), ME, now)
        .unwrap();
    s.add_plan_follow_up(done.id, &follow(20, "03/03/2026"), ME, now)
        .unwrap();

    // An action with a follow-up stays, and so does its finding.
    let e = s.delete_plan_action(done.id, BOSS, now).unwrap_err();
    assert_eq!(e.code(), "validation");
    assert!(e.to_string().contains("seguimiento"), "{e}");
    let e = s.delete_finding(&f.number, BOSS, now).unwrap_err();
    assert!(e.to_string().contains(&f.number), "{e}");
    assert!(e.to_string().contains("seguimiento"), "{e}");
    assert_eq!(s.plan_finding(&f.number, now).unwrap().actions.len(), 2);

    // An action a risk points to stays until the link is removed.
    let r = s.risk("R-01", now).unwrap();
    let mut ri = mesa_core::risks::RiskInput::from_risk(&r);
    ri.plan_action_id = Some(spare.id);
    s.update_risk(BOSS, now, "R-01", &ri).unwrap();
    let e = s.delete_plan_action(spare.id, BOSS, now).unwrap_err();
    assert!(e.to_string().contains("R-01"), "{e}");
    ri.plan_action_id = None;
    s.update_risk(BOSS, now, "R-01", &ri).unwrap();

    // Without follow-ups: deleted, and the trail keeps the whole row.
    s.delete_plan_action(spare.id, BOSS, now).unwrap();
    let e = s.plan_action(spare.id, now).unwrap_err();
    assert_eq!(e.code(), "maintenance_not_found", "{e}");
    let log = audit_of(
        &s,
        "plan_actions",
        &format!("{} acción {}", f.number, spare.id),
    );
    let (act, _, old, _) = log.last().unwrap();
    assert_eq!(act, "delete");
    assert!(old.as_deref().unwrap().contains("2026-04-30"), "{old:?}");

    // A finding whose actions have no follow-ups is deleted with its causes and actions; its
    // number is not reused.
    let g = finding(&mut s, "Hallazgo duplicado", "2026-03-05T09:00");
    s.add_plan_action(&g.number, &action("05/03/2026", "30/03/2026", ME), ME, now)
        .unwrap();
    s.delete_finding(&g.number, BOSS, now).unwrap();
    let e = s.plan_finding(&g.number, now).unwrap_err();
    assert!(e.to_string().contains(&g.number), "{e}");
    let n: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM plan_causes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2, "only the first finding's causes remain");
    let log = audit_of(&s, "plan_findings", &g.number);
    assert_eq!(log.last().unwrap().0, "delete");
    assert_eq!(
        log.last()
            .unwrap()
            .2
            .as_deref()
            .map(|o| o.contains("Hallazgo duplicado")),
        Some(true)
    );
    let h = finding(&mut s, "Siguiente", "2026-03-05T10:00");
    assert_eq!(h.number, "H-2026-003");
    let e = s.delete_finding("H-2026-777", BOSS, now).unwrap_err();
    assert!(e.to_string().contains("H-2026-777"), "{e}");
}
