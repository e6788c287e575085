//! Indicator sheets (issue 18): the seeded help-desk sheets, values per month computed from a
//! small dataset worked out by hand, the traffic lights with the sheet's thresholds, manual
//! indicators typed per period, the red streak that suggests a finding (two consecutive
//! critical periods, not one), and its dismissal kept in the file.

use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::maintenance::Frequency;
use mesa_core::management::indicators::{
    Direction, IndicatorKind, IndicatorPatch, Light, NewIndicator,
};
use mesa_core::*;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

const ME: &str = "Técnico de sistemas";

fn case(s: &mut Store, received: &str, started: &str) -> String {
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
    n
}

/// Response target: 12 business hours (Mon–Fri 8–12 and 14–18), so a case received on a
/// Monday at 08:00 is due on Tuesday at 12:00.
/// January 2026: A attended Mon 05/01 09:00 (on time), B attended Wed 07/01 09:00 (late)
///   → 1 of 2 = 50 %.
/// February 2026: C received Mon 02/02 08:00, attended Thu 05/02 09:00 (late) → 0 of 1 = 0 %.
/// March 2026: D received Mon 02/03 08:00, attended 10:00 (on time) → 1 of 1 = 100 %.
fn dataset(s: &mut Store) {
    case(s, "2026-01-05T08:00", "2026-01-05T09:00");
    case(s, "2026-01-05T08:00", "2026-01-07T09:00");
    case(s, "2026-02-02T08:00", "2026-02-05T09:00");
    case(s, "2026-03-02T08:00", "2026-03-02T10:00");
}

#[test]
fn seeded_sheets_carry_the_annex_formula_and_cannot_change_it() {
    let mut s = crate::support::store();
    let sheets = s.indicator_sheets().unwrap();
    assert_eq!(sheets.len(), 9);
    let r = &sheets[0];
    assert_eq!(r.code, "IND-01");
    assert!(r.computed);
    assert!(r
        .formula
        .starts_with("% atendidos dentro del plazo de respuesta: Casos cuya primera atención"));
    assert_eq!((r.target, r.satisfactory, r.acceptable), (90.0, 90.0, 80.0));
    assert!(sheets.iter().all(|x| !x.formula.is_empty()));
    let e = s
        .update_indicator(
            "IND-01",
            &IndicatorPatch {
                formula: Some("Otra fórmula".into()),
                ..Default::default()
            },
            ME,
            at("2026-03-15T09:00"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    assert!(e.to_string().contains("no se edita"), "{e}");
    // Thresholds against the direction are refused, naming the field.
    let e = s
        .update_indicator(
            "ind-01",
            &IndicatorPatch {
                acceptable: Some(95.0),
                ..Default::default()
            },
            ME,
            at("2026-03-15T09:00"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("«aceptable»"), "{e}");
    assert_eq!(
        s.indicator_sheet("NO-EXISTE").unwrap_err().code(),
        "catalog_not_found"
    );
}

#[test]
fn monthly_values_and_lights_computed_by_hand() {
    let mut s = crate::support::store();
    dataset(&mut s);
    let now = at("2026-03-15T09:00");
    let v = s.indicator_values("IND-01", 3, now).unwrap();
    let got: Vec<_> = v
        .iter()
        .map(|x| (x.period.as_str(), x.value, x.num, x.den, x.light, x.closed))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "2026-01",
                Some(50.0),
                Some(1),
                Some(2),
                Some(Light::Critical),
                true
            ),
            (
                "2026-02",
                Some(0.0),
                Some(0),
                Some(1),
                Some(Light::Critical),
                true
            ),
            (
                "2026-03",
                Some(100.0),
                Some(1),
                Some(1),
                Some(Light::Satisfactory),
                false
            ),
        ]
    );
    assert_eq!(v[0].label, "enero de 2026");
    // December 2025 had no case: no value, no light.
    let v6 = s.indicator_values("IND-01", 6, now).unwrap();
    assert_eq!(v6.len(), 6);
    assert_eq!(v6[2].period, "2025-12");
    assert_eq!((v6[2].value, v6[2].light), (None, None));
    // Lower the thresholds: January (50 %) becomes satisfactory, February stays critical.
    s.update_indicator(
        "IND-01",
        &IndicatorPatch {
            target: Some(50.0),
            satisfactory: Some(50.0),
            acceptable: Some(40.0),
            owner_measure: Some("Ingeniero de sistemas".into()),
            ..Default::default()
        },
        ME,
        now,
    )
    .unwrap();
    let v = s.indicator_values("IND-01", 3, now).unwrap();
    assert_eq!(v[0].light, Some(Light::Satisfactory));
    assert_eq!(v[1].light, Some(Light::Critical));
    assert_eq!(
        s.indicator_sheet("IND-01").unwrap().owner_measure,
        "Ingeniero de sistemas"
    );
    // Quarterly: the first quarter so far is 2 of 4 = 50 %.
    s.update_indicator(
        "IND-01",
        &IndicatorPatch {
            frequency: Some(Frequency::Quarterly),
            ..Default::default()
        },
        ME,
        now,
    )
    .unwrap();
    let q = s.indicator_values("IND-01", 2, now).unwrap();
    assert_eq!(q[1].period, "2026-01");
    assert_eq!(q[1].label, "ene–mar 2026");
    assert_eq!((q[1].num, q[1].den), (Some(2), Some(4)));
    assert_eq!(q[0].period, "2025-10");
    // Analysis typed for a computed indicator's period is stored; its value is never typed.
    let a = s
        .set_indicator_analysis("IND-01", "2026-02", "Falta de personal en enero.", ME, now)
        .unwrap();
    assert_eq!(a.period, "2026-01");
    assert_eq!(a.analysis, "Falta de personal en enero.");
    let e = s
        .set_indicator_value("IND-01", "2026-02", 95.0, None, ME, now)
        .unwrap_err();
    assert!(e.to_string().contains("no se digita"), "{e}");
}

#[test]
fn red_streak_suggests_a_finding_on_two_periods_not_on_one() {
    let mut s = crate::support::store();
    dataset(&mut s);
    // On 15/02 only January is closed (December has no data): one critical period, no
    // suggestion.
    let o = s.indicator_overview(at("2026-02-15T09:00")).unwrap();
    assert!(!o.suggestions.iter().any(|x| x.code == "IND-01"));
    let r = o
        .indicators
        .iter()
        .find(|x| x.sheet.code == "IND-01")
        .unwrap();
    assert_eq!(r.last.period, "2026-01");
    assert_eq!(r.last.light, Some(Light::Critical));
    assert_eq!(r.current.period, "2026-02");
    // On 15/03 January and February are both critical.
    let now = at("2026-03-15T09:00");
    let o = s.indicator_overview(now).unwrap();
    let sug = o.suggestions.iter().find(|x| x.code == "IND-01").unwrap();
    assert_eq!(
        (sug.first_period.as_str(), sug.last_period.as_str()),
        ("2026-01", "2026-02")
    );
    assert_eq!((sug.first_value, sug.last_value), (50.0, 0.0));
    assert_eq!(sug.draft.source, "indicador");
    assert_eq!(sug.draft.source_ref, "IND-01");
    assert!(
        sug.draft.description.contains("enero de 2026 (50 %)"),
        "{}",
        sug.draft.description
    );
    assert!(sug.draft.description.contains("febrero de 2026 (0 %)"));
    assert_eq!(
        s.indicator_finding_draft("IND-01", "2026-01", now).unwrap(),
        sug.draft
    );
    // A pair that was not critical cannot be accepted or dismissed.
    assert!(s.indicator_finding_draft("IND-01", "2026-02", now).is_err());
    let e = s
        .dismiss_indicator_suggestion("IND-01", "2026-01", "  ", ME, now)
        .unwrap_err();
    assert!(e.to_string().contains("«motivo»"), "{e}");
    // «Abrir hallazgo»: the finding lands in the improvement plan with the indicator as source.
    let f = s
        .open_finding_from_indicator(
            "IND-01",
            "2026-01",
            "Sin técnico de apoyo en enero",
            ME,
            now,
        )
        .unwrap();
    assert!(f.number.starts_with("H-2026-"), "{}", f.number);
    assert_eq!(f.source_ref.as_deref(), Some("IND-01"));
    assert!(
        f.description.contains("febrero de 2026 (0 %)"),
        "{}",
        f.description
    );
    assert_eq!(f.causes, vec!["Sin técnico de apoyo en enero".to_string()]);
}

#[test]
fn manual_indicator_values_and_dismissal_persist_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mesa.db");
    let now = at("2026-04-10T09:00");
    {
        let mut s = Store::open(&path).unwrap();
        let sheet = s
            .create_indicator(
                &NewIndicator {
                    code: "tic-01".into(),
                    name: "Equipos con antivirus vencido".into(),
                    objective: "Controlar el licenciamiento".into(),
                    process: "Gestión de TI".into(),
                    kind: IndicatorKind::Eficacia,
                    formula: "Equipos con licencia vencida ÷ equipos activos × 100".into(),
                    unit: "%".into(),
                    frequency: Frequency::Monthly,
                    target: 5.0,
                    satisfactory: 5.0,
                    acceptable: 10.0,
                    direction: Direction::Down,
                    owner_measure: "Técnico de sistemas".into(),
                    owner_analysis: "Líder de TI".into(),
                    source: "Consola del antivirus".into(),
                },
                ME,
                now,
            )
            .unwrap();
        assert_eq!(sheet.code, "TIC-01");
        assert!(!sheet.computed);
        s.set_indicator_value(
            "TIC-01",
            "2026-02",
            12.0,
            Some("Licencias sin renovar"),
            ME,
            now,
        )
        .unwrap();
        let v = s
            .set_indicator_value("TIC-01", "2026-03", 10.5, None, ME, now)
            .unwrap();
        assert_eq!(v.light, Some(Light::Critical));
        // 10 is the acceptable edge: aceptable.
        let v = s
            .set_indicator_value("TIC-01", "2026-04", 10.0, None, ME, now)
            .unwrap();
        assert_eq!(v.light, Some(Light::Acceptable));
        assert!(s
            .set_indicator_value("TIC-01", "2026-05", 1.0, None, ME, now)
            .unwrap_err()
            .to_string()
            .contains("aún no ha empezado"));
        let o = s.indicator_overview(now).unwrap();
        let sug = o.suggestions.iter().find(|x| x.code == "TIC-01").unwrap();
        assert_eq!(sug.first_period, "2026-02");
        s.dismiss_indicator_suggestion("TIC-01", "2026-02", "Ya hay un contrato en curso", ME, now)
            .unwrap();
        assert!(!s
            .indicator_overview(now)
            .unwrap()
            .suggestions
            .iter()
            .any(|x| x.code == "TIC-01"));
        // A duplicated code is refused.
        let e = s
            .create_indicator(
                &NewIndicator {
                    code: "TIC-01".into(),
                    ..sample()
                },
                ME,
                now,
            )
            .unwrap_err();
        assert!(e.to_string().contains("ya existe"), "{e}");
    }
    let s = Store::open(&path).unwrap();
    let v = s.indicator_values("TIC-01", 3, now).unwrap();
    assert_eq!(
        v.iter().map(|x| x.value).collect::<Vec<_>>(),
        vec![Some(12.0), Some(10.5), Some(10.0)]
    );
    assert_eq!(v[0].analysis, "Licencias sin renovar");
    let o = s.indicator_overview(now).unwrap();
    assert!(!o.suggestions.iter().any(|x| x.code == "TIC-01"));
    // In May, March and April are the last two closed: April is only acceptable, no streak.
    let o = s.indicator_overview(at("2026-05-02T09:00")).unwrap();
    assert!(!o.suggestions.iter().any(|x| x.code == "TIC-01"));
    let who: String = s
        .connection()
        .query_row(
            "SELECT actor FROM audit_log WHERE table_name = 'indicator_dismissals'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(who, ME);
}

fn sample() -> NewIndicator {
    NewIndicator {
        code: String::new(),
        name: "Indicador".into(),
        objective: String::new(),
        process: String::new(),
        kind: IndicatorKind::Eficiencia,
        formula: "a ÷ b".into(),
        unit: "%".into(),
        frequency: Frequency::Monthly,
        target: 1.0,
        satisfactory: 1.0,
        acceptable: 1.0,
        direction: Direction::Up,
        owner_measure: String::new(),
        owner_analysis: String::new(),
        source: String::new(),
    }
}

fn run(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The help-desk report of January prints the target and the light beside each indicator that
/// has a sheet: «% atendidos…» 50 % against ≥ 90 % is critical; after lowering the thresholds to
/// 50 / 40 it is satisfactory. PDF read with pdftotext, XLSX with calamine.
#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext and qpdf, Linux programs not available under Wine; runs in the Linux suite"
)]
fn help_desk_report_shows_target_and_light() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    use mesa_core::reports::documents::ReportPdfOptions;
    use mesa_core::reports::Period;
    let mut s = crate::support::store();
    dataset(&mut s);
    let now = at("2026-03-15T09:00");
    let january = Period::parse("2026-01-01", "2026-01-31").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf_text = |s: &Store, name: &str| {
        let pdf = s
            .helpdesk_report_pdf(january, ReportPdfOptions::default(), ME, now)
            .unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &pdf).unwrap();
        run(std::process::Command::new("qpdf").arg("--check").arg(&path));
        run(std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-"))
    };
    let text = pdf_text(&s, "antes.pdf");
    assert!(text.contains("Meta y semáforo"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("% atendidos dentro del plazo"))
        .unwrap();
    assert!(line.contains("≥ 90 % · Crítico"), "{line}");
    let line = text.lines().find(|l| l.contains("% escalados")).unwrap();
    assert!(line.contains("≤ 15 % · Satisfactorio"), "{line}");
    s.update_indicator(
        "IND-01",
        &IndicatorPatch {
            target: Some(50.0),
            satisfactory: Some(50.0),
            acceptable: Some(40.0),
            ..Default::default()
        },
        ME,
        now,
    )
    .unwrap();
    let text = pdf_text(&s, "despues.pdf");
    let line = text
        .lines()
        .find(|l| l.contains("% atendidos dentro del plazo"))
        .unwrap();
    assert!(line.contains("≥ 50 % · Satisfactorio"), "{line}");

    let path = dir.path().join("informe.xlsx");
    s.helpdesk_report_xlsx(january, &path, now, |_, _| {})
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let ind = wb.worksheet_range("Indicadores").unwrap();
    let rows: Vec<Vec<Data>> = ind.rows().map(|r| r.to_vec()).collect();
    let head = rows
        .iter()
        .find(|r| r.first() == Some(&Data::String("Indicador".into())))
        .unwrap();
    assert_eq!(head[4], Data::String("Meta y semáforo".into()));
    let r = rows
        .iter()
        .find(|r| {
            r.first()
                == Some(&Data::String(
                    "% atendidos dentro del plazo de respuesta".into(),
                ))
        })
        .unwrap();
    assert_eq!(r[1], Data::Float(50.0));
    assert_eq!(r[4], Data::String("≥ 50 % · Satisfactorio".into()));
    // A line without a sheet has no mark.
    let r = rows
        .iter()
        .find(|r| r.first() == Some(&Data::String("Casos recibidos".into())))
        .unwrap();
    assert!(matches!(r.get(4), None | Some(Data::Empty)), "{r:?}");
}
