//! The management report (informe de gestión, issue 18): indicator values over a quarter and
//! their monthly trend computed by hand, lights, the analysis prefilled from the sheets and
//! then stored with the report, the risk map's residual state, the improvement plan's progress,
//! the period list, and the PDF (poppler, qpdf) and XLSX (calamine) read back.

use std::collections::BTreeMap;
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::management::indicators::Light;
use mesa_core::management::report::{report_periods, ManagementReportTexts};
use mesa_core::plans::{ActionInput, ActionState, FindingInput, FollowUpInput};
use mesa_core::reports::Period;
use mesa_core::*;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

const ME: &str = "Técnico de sistemas";

fn now() -> DateTime<Utc> {
    at("2026-04-10T09:00")
}

fn q1() -> Period {
    Period::parse("2026-01-01", "2026-03-31").unwrap()
}

fn case(s: &mut Store, received: &str, started: &str) {
    let i = NewTicket {
        requester: "Ana Gutiérrez".into(),
        department: "Contabilidad".into(),
        description: "No abre el SIIF".into(),
        received_at: Some(received.into()),
        ..Default::default()
    };
    let n = s.create_ticket(&i, ME, at(received)).unwrap().number;
    s.apply_action(&n, &TicketAction::Start, ME, at(started))
        .unwrap();
}

/// Response target 12 business hours (Mon–Fri 8–12, 14–18): a case received Monday 08:00 is
/// due Tuesday 12:00.
/// January: attended Mon 05/01 09:00 (on time) and Wed 07/01 09:00 (late) → 50 %.
/// February: received Mon 02/02 08:00, attended Thu 05/02 (late) → 0 %.
/// March: received Mon 02/03 08:00, attended 10:00 (on time) → 100 %.
/// The quarter: 2 of 4 on time → 50 %, critical (satisfactory ≥ 90, acceptable ≥ 80).
fn dataset() -> Store {
    let mut s = crate::support::store();
    case(&mut s, "2026-01-05T08:00", "2026-01-05T09:00");
    case(&mut s, "2026-01-05T08:00", "2026-01-07T09:00");
    case(&mut s, "2026-02-02T08:00", "2026-02-05T09:00");
    case(&mut s, "2026-03-02T08:00", "2026-03-02T10:00");
    s
}

#[test]
fn quarter_values_trend_and_lights_by_hand() {
    let s = dataset();
    let r = s.management_report(q1(), now()).unwrap();
    assert_eq!(r.label, "I trimestre de 2026");
    assert_eq!(r.indicators.len(), 9);
    let i = r
        .indicators
        .iter()
        .find(|i| i.sheet.code == "IND-01")
        .unwrap();
    assert_eq!(i.value, Some(50.0));
    assert_eq!(i.value_text, "50 %");
    assert_eq!(i.detail.as_deref(), Some("2 de 4"));
    assert_eq!(i.light, Some(Light::Critical));
    assert_eq!(i.target_text, "≥ 90 %");
    let trend: Vec<_> = i
        .trend
        .iter()
        .map(|v| (v.period.as_str(), v.value, v.light))
        .collect();
    assert_eq!(
        trend,
        vec![
            ("2026-01", Some(50.0), Some(Light::Critical)),
            ("2026-02", Some(0.0), Some(Light::Critical)),
            ("2026-03", Some(100.0), Some(Light::Satisfactory)),
        ]
    );
    // The lights counted over the indicators with a value add up.
    let with_value = r.indicators.iter().filter(|i| i.light.is_some()).count() as i64;
    assert_eq!(r.lights.iter().sum::<i64>(), with_value);
    assert!(r.lights[2] >= 1);
    // A year report: a quarterly indicator has its four quarters that have begun.
    let y = s
        .management_report(Period::parse("2026-01-01", "2026-12-31").unwrap(), now())
        .unwrap();
    assert_eq!(y.label, "Año 2026");
    let i = y
        .indicators
        .iter()
        .find(|i| i.sheet.code == "IND-01")
        .unwrap();
    // Monthly indicator, now = 10/04: January to April have begun.
    assert_eq!(i.trend.len(), 4);
    assert_eq!(i.value, Some(50.0));
}

#[test]
fn analysis_is_prefilled_from_the_sheets_then_stored_with_the_report() {
    let mut s = dataset();
    s.set_indicator_analysis("IND-01", "2026-01", "Vacaciones del técnico.", ME, now())
        .unwrap();
    s.set_indicator_analysis("IND-01", "2026-02", "Falla del SIIF.", ME, now())
        .unwrap();
    let r = s.management_report(q1(), now()).unwrap();
    let i = &r.indicators[0];
    assert_eq!(
        i.analysis,
        "enero de 2026: Vacaciones del técnico.\nfebrero de 2026: Falla del SIIF."
    );
    assert!(r.saved_at.is_none());

    let mut analysis = BTreeMap::new();
    analysis.insert("ind-01".to_string(), "  Se reforzó el turno.  ".to_string());
    let texts = ManagementReportTexts {
        analysis,
        conclusions: "El trimestre cerró con la meta de respuesta incumplida.\r\n".into(),
    };
    let r = s
        .save_management_report(q1(), &texts, ME, at("2026-04-11T10:00"))
        .unwrap();
    assert_eq!(r.indicators[0].analysis, "Se reforzó el turno.");
    // Once saved, an indicator without a text stays empty (not prefilled again).
    assert_eq!(r.indicators[1].analysis, "");
    assert_eq!(
        r.conclusions,
        "El trimestre cerró con la meta de respuesta incumplida."
    );
    assert_eq!(r.saved_by.as_deref(), Some(ME));
    assert!(r.saved_at.unwrap().starts_with("2026-04-11T10:00"));
    // Saved again: one row per period, the texts replaced; the audit trail has both.
    let texts2 = ManagementReportTexts {
        conclusions: "Corregido.".into(),
        ..texts.clone()
    };
    s.save_management_report(q1(), &texts2, ME, at("2026-04-12T10:00"))
        .unwrap();
    let n: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM management_reports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let change: (String, String) = s
        .connection()
        .query_row(
            "SELECT old_value, new_value FROM audit_log
             WHERE table_name = 'management_reports' AND action = 'update'
               AND field = 'conclusions'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        change,
        (
            "El trimestre cerró con la meta de respuesta incumplida.".to_string(),
            "Corregido.".to_string()
        )
    );
    assert_eq!(
        s.management_report(q1(), now()).unwrap().conclusions,
        "Corregido."
    );

    // An unknown indicator and a text too long are refused; nothing changes.
    let mut bad = texts.clone();
    bad.analysis.insert("IND-99".into(), "x".into());
    let e = s.save_management_report(q1(), &bad, ME, now()).unwrap_err();
    assert_eq!(e.code(), "catalog_not_found");
    assert!(e.to_string().contains("IND-99"), "{e}");
    let long = ManagementReportTexts {
        conclusions: "a".repeat(10_001),
        ..Default::default()
    };
    let e = s
        .save_management_report(q1(), &long, ME, now())
        .unwrap_err();
    assert!(e.to_string().contains("conclusiones"), "{e}");
    assert_eq!(
        s.management_report(q1(), now()).unwrap().conclusions,
        "Corregido."
    );
}

fn with_plan(s: &mut Store) {
    let f = s
        .create_finding(
            &FindingInput {
                description: "Meta de respuesta incumplida".into(),
                source: "indicador".into(),
                found_on: Some("2026-02-10".into()),
                causes: vec!["Un solo técnico".into()],
                ..Default::default()
            },
            ME,
            at("2026-02-10T09:00"),
        )
        .unwrap();
    let a = s
        .add_plan_action(
            &f.number,
            &ActionInput {
                description: "Turno de apoyo".into(),
                starts_on: "2026-02-11".into(),
                ends_on: "2026-03-31".into(),
                owner: ME.into(),
                ..Default::default()
            },
            ME,
            at("2026-02-10T09:00"),
        )
        .unwrap();
    s.add_plan_follow_up(
        a.id,
        &FollowUpInput {
            done_on: Some("2026-03-01".into()),
            progress: 40,
            comment: "Turno definido".into(),
        },
        ME,
        at("2026-03-01T09:00"),
    )
    .unwrap();
}

#[test]
fn risks_and_plan_progress() {
    let mut s = dataset();
    with_plan(&mut s);
    let r = s.management_report(q1(), now()).unwrap();
    // The five seeded risks, each counted once per zone list.
    assert_eq!(r.risks.risks.len(), 5);
    assert_eq!(r.risks.zones.iter().map(|z| z.inherent).sum::<i64>(), 5);
    assert_eq!(r.risks.zones.iter().map(|z| z.residual).sum::<i64>(), 5);
    assert_eq!(r.plan.findings, 1);
    assert_eq!(r.plan.findings_in_period, 1);
    assert_eq!(r.plan.actions, 1);
    assert_eq!(r.plan.average_progress, 40.0);
    // Ended 31/03 and not verified at 10/04: vencida.
    assert_eq!(r.plan.open_actions.len(), 1);
    assert_eq!(r.plan.open_actions[0].state, ActionState::Vencida);
    let vencidas = r
        .plan
        .by_state
        .iter()
        .find(|c| c.state == ActionState::Vencida)
        .unwrap();
    assert_eq!(vencidas.count, 1);
    // Outside the period nothing was found.
    let q2 = Period::parse("2026-04-01", "2026-06-30").unwrap();
    assert_eq!(
        s.management_report(q2, now())
            .unwrap()
            .plan
            .findings_in_period,
        0
    );
}

#[test]
fn period_list_offers_quarters_and_years() {
    let p = report_periods(now());
    assert_eq!(p[0].label, "II trimestre de 2026");
    assert_eq!(
        (p[0].from.as_str(), p[0].to.as_str()),
        ("2026-04-01", "2026-06-30")
    );
    assert_eq!(p[1].label, "I trimestre de 2026");
    assert_eq!(p[5].label, "I trimestre de 2025");
    assert!(p
        .iter()
        .any(|o| o.label == "Año 2025" && o.from == "2025-01-01" && o.to == "2025-12-31"));
    // Every option is a valid period with the label the report prints.
    let s = crate::support::store();
    for o in &p {
        let r = s
            .management_report(Period::parse(&o.from, &o.to).unwrap(), now())
            .unwrap();
        assert_eq!(r.label, o.label);
    }
    // Any other span is labelled by its dates.
    let odd = Period::parse("2026-02-01", "2026-03-15").unwrap();
    assert_eq!(
        s.management_report(odd, now()).unwrap().label,
        "01/02/2026 a 15/03/2026"
    );
}

#[test]
fn only_reports_permission_saves() {
    let mut s = dataset();
    let input = |login: &str, role: &str| mesa_core::people::accounts::AccountInput {
        login: login.into(),
        name: format!("Persona {login}"),
        cargo: "Cargo".into(),
        role: role.into(),
    };
    s.create_account(
        &input("jefe", "administrador"),
        Some("clave-segura-1"),
        now(),
    )
    .unwrap();
    s.create_account(&input("aux", "auxiliar"), Some("clave-segura-2"), now())
        .unwrap();
    s.logout("logout", now()).unwrap();
    s.login("aux", "clave-segura-2", now()).unwrap();
    let e = s
        .save_management_report(q1(), &ManagementReportTexts::default(), "aux", now())
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    // Reading is allowed.
    s.management_report(q1(), now()).unwrap();
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn saved() -> Store {
    let mut s = dataset();
    with_plan(&mut s);
    s.set_setting("entity_name", "Instituto Municipal de Deportes")
        .unwrap();
    let mut analysis = BTreeMap::new();
    analysis.insert(
        "IND-01".to_string(),
        "La meta no se cumplió en enero ni febrero.".to_string(),
    );
    s.save_management_report(
        q1(),
        &ManagementReportTexts {
            analysis,
            conclusions: "Se abrió el hallazgo de respuesta.".into(),
        },
        ME,
        now(),
    )
    .unwrap();
    s
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext, pdffonts (poppler-utils) and qpdf, Linux programs not available under Wine; runs in the Linux suite"
)]
fn pdf_has_header_indicators_risks_plan_conclusions_and_signatures() {
    let s = saved();
    let pdf = s.management_report_pdf(q1(), ME, now()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("informe.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = run(Command::new("pdftotext").arg("-layout").arg(&path).arg("-"));
    for needle in [
        "Informe de gestión",
        "Instituto Municipal de Deportes",
        "FO-TIC-11",
        "I trimestre de 2026 (01/01/2026 a 31/03/2026)",
        "1. Resumen",
        "2. Indicadores",
        "IND-01",
        "≥ 90 %",
        "50 % (2 de 4)",
        "Crítico",
        "Tendencia (mensual)",
        "enero de 2026",
        "La meta no se cumplió en enero ni febrero.",
        "3. Mantenimiento preventivo",
        "4. Mapa de riesgos: estado residual",
        "Riesgo residual (después de controles)",
        "R-01",
        "5. Plan de mejoramiento",
        "Turno de apoyo",
        "40 %",
        "Vencida",
        "6. Conclusiones",
        "Se abrió el hallazgo de respuesta.",
        "Elaboró",
        "Aprobó",
        "Página 1 de",
    ] {
        assert!(text.contains(needle), "falta «{needle}» en:\n{text}");
    }
    let fonts = run(Command::new("pdffonts").arg(&path));
    for line in fonts.lines().skip(2) {
        assert!(
            line.split_whitespace().any(|c| c == "yes"),
            "fuente no incrustada: {line}"
        );
    }
    run(Command::new("qpdf").arg("--check").arg(&path));
}

#[test]
fn xlsx_reads_back_with_every_sheet() {
    let s = saved();
    let bytes = s.management_report_xlsx(q1(), now()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("informe.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "Resumen",
            "Indicadores",
            "Tendencia",
            "Riesgos",
            "Plan de mejoramiento"
        ]
    );
    let ind = wb.worksheet_range("Indicadores").unwrap();
    let rows: Vec<_> = ind.rows().collect();
    let head = rows
        .iter()
        .position(|r| r.first() == Some(&Data::String("Código".into())))
        .unwrap();
    let first = &rows[head + 1];
    assert_eq!(first[0], Data::String("IND-01".into()));
    assert_eq!(first[7], Data::Float(50.0));
    assert_eq!(first[8], Data::String("2 de 4".into()));
    assert_eq!(first[9], Data::String("Crítico".into()));
    assert_eq!(
        first[10],
        Data::String("La meta no se cumplió en enero ni febrero.".into())
    );
    let trend = wb.worksheet_range("Tendencia").unwrap();
    let ind01: Vec<_> = trend
        .rows()
        .filter(|r| r[0] == Data::String("IND-01".into()))
        .map(|r| r[5].clone())
        .collect();
    assert_eq!(
        ind01,
        vec![Data::Float(50.0), Data::Float(0.0), Data::Float(100.0)]
    );
    let plan = wb.worksheet_range("Plan de mejoramiento").unwrap();
    assert!(plan
        .rows()
        .any(|r| r.get(1) == Some(&Data::String("Turno de apoyo".into()))));
    let summary = wb.worksheet_range("Resumen").unwrap();
    assert!(summary
        .rows()
        .any(|r| r.get(1) == Some(&Data::String("Se abrió el hallazgo de respuesta.".into()))));
}
