//! The risk map (issue 18): the seeded risks, controls and the residual risk computed by hand,
//! edits and their refusals, the data beside a risk, the heat map cells, and the documents (PDF
//! checked with poppler and qpdf, XLSX read back with calamine).

use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::risks::{
    ControlFrequency, ControlInput, ControlKind, DataSource, Implementation, RiskInput, Treatment,
    Zone,
};
use mesa_core::safety::backup::BackupKind;
use mesa_core::Store;

const ME: &str = "Ana Técnica";

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("t", s).unwrap()
}

fn now() -> DateTime<Utc> {
    at("2026-03-10T09:00")
}

fn control(kind: ControlKind, implementation: Implementation, text: &str) -> ControlInput {
    ControlInput {
        description: text.into(),
        kind,
        implementation,
        documented: true,
        frequency: ControlFrequency::Continuous,
        evidence: false,
        responsible: Some("Técnico de sistemas".into()),
    }
}

#[test]
fn the_help_desk_risks_are_prefilled_with_their_inherent_zones() {
    let s = crate::support::store();
    let risks = s.risks(now()).unwrap();
    let codes: Vec<&str> = risks.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["R-01", "R-02", "R-03", "R-04", "R-05"]);
    let r1 = &risks[0];
    assert!(r1
        .description
        .starts_with("Posibilidad de pérdida de la información"));
    assert!(r1
        .description
        .contains("debido a la falta de copias de seguridad"));
    assert_eq!((r1.probability, r1.impact), (3, 5));
    assert_eq!(r1.inherent_zone, Zone::Extreme);
    assert_eq!(r1.data_source, DataSource::Backups);
    // No control yet: residual = inherent.
    assert_eq!((r1.residual_probability, r1.residual_impact), (3, 5));
    assert_eq!(r1.residual_zone, Zone::Extreme);
    assert_eq!(risks[1].data_source, DataSource::Sla);
    assert_eq!(risks[1].inherent_zone, Zone::High); // Alta × Moderado
    assert_eq!(risks[2].data_source, DataSource::Maintenance);
    assert_eq!(risks[3].inherent_zone, Zone::High); // Baja × Mayor
    assert!(risks.iter().all(|r| r.treatment == Treatment::Reduce));
}

#[test]
fn controls_lower_the_residual_risk_by_successive_reduction() {
    let mut s = crate::support::store();
    // probability Alta (80 %), impact Moderado (60 %).
    let r = s
        .add_risk_control(
            ME,
            now(),
            "r-02",
            &control(
                ControlKind::Preventive,
                Implementation::Manual,
                "Revisión diaria de vencimientos",
            ),
        )
        .unwrap();
    // 80 × (1 − 0.40) = 48 % → Media (3); impact unchanged.
    assert_eq!(r.residual_probability_pct, 48.0);
    assert_eq!((r.residual_probability, r.residual_impact), (3, 3));
    assert_eq!(r.residual_zone, Zone::Moderate);
    assert_eq!(r.controls[0].weight, 40);
    assert_eq!(r.controls[0].position, 1);

    let r = s
        .add_risk_control(
            ME,
            now(),
            "R-02",
            &control(
                ControlKind::Corrective,
                Implementation::Automatic,
                "Reasignación automática",
            ),
        )
        .unwrap();
    // Impact 60 × (1 − 0.35) = 39 % → Menor (2).
    assert_eq!(r.residual_impact_pct, 39.0);
    assert_eq!(r.residual_impact, 2);

    let r = s
        .add_risk_control(
            ME,
            now(),
            "R-02",
            &control(
                ControlKind::Detective,
                Implementation::Manual,
                "Informe semanal",
            ),
        )
        .unwrap();
    // Probability 48 × (1 − 0.30) = 33.6 % → Baja (2): on what the first control left.
    assert_eq!(r.residual_probability_pct, 33.6);
    assert_eq!((r.residual_probability, r.residual_impact), (2, 2));
    assert_eq!(r.residual_zone, Zone::Moderate);
    assert_eq!(r.controls.len(), 3);
    assert_eq!(r.updated_by, ME);

    // Removing the first control renumbers the others and recomputes.
    let first = r.controls[0].id;
    let r = s.delete_risk_control(ME, now(), first).unwrap();
    assert_eq!(
        r.controls.iter().map(|c| c.position).collect::<Vec<_>>(),
        [1, 2]
    );
    // 80 × 0.7 = 56 % → Media.
    assert_eq!(r.residual_probability_pct, 56.0);
    assert_eq!(r.residual_probability, 3);

    // Editing a control: detective manual → preventive automatic (50 %): 80 × 0.5 = 40 → Baja.
    let id = r.controls[1].id;
    let r = s
        .update_risk_control(
            ME,
            now(),
            id,
            &control(
                ControlKind::Preventive,
                Implementation::Automatic,
                "Alerta automática de vencimientos",
            ),
        )
        .unwrap();
    assert_eq!(r.residual_probability_pct, 40.0);
    assert_eq!(r.residual_probability, 2);

    // The heat map has each risk once in the inherent and once in the residual grid.
    let map = s.risk_map(now()).unwrap();
    assert_eq!(map.cells.len(), 25);
    assert_eq!(map.cells[0].probability, 5);
    assert_eq!(map.cells[0].impact, 1);
    let inherent: usize = map.cells.iter().map(|c| c.inherent.len()).sum();
    let residual: usize = map.cells.iter().map(|c| c.residual.len()).sum();
    assert_eq!((inherent, residual), (5, 5));
    let cell = |p: i64, i: i64| {
        map.cells
            .iter()
            .find(|c| c.probability == p && c.impact == i)
            .unwrap()
    };
    assert!(cell(4, 3).inherent.contains(&"R-02".to_string()));
    assert!(cell(2, 2).residual.contains(&"R-02".to_string()));
    assert_eq!(cell(3, 5).zone, Zone::Extreme);
}

/// The DAFP guide's worked example of «aplicación de los controles para establecer el riesgo
/// residual» (Guía para la administración del riesgo y el diseño de controles en entidades
/// públicas, v5 dic. 2020, §3.2.2, kept in v6 nov. 2022): inherent probability Media (60 %) and
/// impact Mayor (80 %); control 1 preventive manual (25 + 15 = 40 %): 60 % − 60 % × 40 % = 36 %;
/// control 2 detective manual (15 + 15 = 30 %): 36 % − 36 % × 30 % = 25,2 % → Baja; the
/// impact stays Mayor (80 %) → Baja × Mayor = zone Alta. Computed by hand; then the controls
/// are edited and removed and the residual position follows each change.
#[test]
fn the_guides_worked_example_and_controls_edited_and_removed() {
    let mut s = crate::support::store();
    let r = s
        .create_risk(
            ME,
            now(),
            &RiskInput {
                description: "Posibilidad de pérdida económica por multa y sanción del ente \
                              regulador debido a la adquisición de bienes y servicios sin el \
                              cumplimiento de los requisitos normativos"
                    .into(),
                classification: "Ejecución y administración de procesos".into(),
                probability: 3,
                impact: 4,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(r.inherent_zone, Zone::High, "Media × Mayor = Alta");
    let code = r.code.clone();
    let r = s
        .add_risk_control(
            ME,
            now(),
            &code,
            &control(
                ControlKind::Preventive,
                Implementation::Manual,
                "Lista de chequeo",
            ),
        )
        .unwrap();
    assert_eq!(r.controls[0].weight, 40);
    assert_eq!(r.residual_probability_pct, 36.0);
    assert_eq!(r.residual_probability, 2);
    let r = s
        .add_risk_control(
            ME,
            now(),
            &code,
            &control(
                ControlKind::Detective,
                Implementation::Manual,
                "Revisión del jurídico",
            ),
        )
        .unwrap();
    assert_eq!(r.controls[1].weight, 30);
    assert_eq!(r.residual_probability_pct, 25.2);
    assert_eq!(r.residual_probability, 2, "25,2 % → Baja");
    assert_eq!((r.residual_impact_pct, r.residual_impact), (80.0, 4));
    assert_eq!(r.residual_zone, Zone::High, "Baja × Mayor = Alta");

    // A corrective control lowers the impact only: 80 % − 80 % × (10 + 15) % = 60 % → Moderado.
    let r = s
        .add_risk_control(
            ME,
            now(),
            &code,
            &control(
                ControlKind::Corrective,
                Implementation::Manual,
                "Plan de contingencia",
            ),
        )
        .unwrap();
    assert_eq!(r.residual_probability_pct, 25.2);
    assert_eq!((r.residual_impact_pct, r.residual_impact), (60.0, 3));
    assert_eq!(
        r.residual_zone,
        Zone::Moderate,
        "Baja × Moderado = Moderada"
    );

    // Editing a control's attributes recomputes: control 1 automatic (25 + 25 = 50 %):
    // 60 × 0,5 = 30 → × 0,7 = 21 % → still Baja (more than 20 %).
    let first = r.controls[0].id;
    let mut c = control(
        ControlKind::Preventive,
        Implementation::Automatic,
        "Lista de chequeo",
    );
    c.documented = false;
    c.frequency = ControlFrequency::Random;
    let r = s.update_risk_control(ME, now(), first, &c).unwrap();
    assert_eq!(r.controls[0].weight, 50);
    assert!(!r.controls[0].documented);
    assert_eq!(r.controls[0].frequency, ControlFrequency::Random);
    assert_eq!(
        (r.residual_probability_pct, r.residual_probability),
        (21.0, 2)
    );
    // Control 2 automatic too (15 + 25 = 40 %): 30 × 0,6 = 18 % → Muy baja.
    let second = r.controls[1].id;
    let r = s
        .update_risk_control(
            ME,
            now(),
            second,
            &control(
                ControlKind::Detective,
                Implementation::Automatic,
                "Revisión",
            ),
        )
        .unwrap();
    assert_eq!(
        (r.residual_probability_pct, r.residual_probability),
        (18.0, 1)
    );
    assert_eq!(
        r.residual_zone,
        Zone::Moderate,
        "Muy baja × Moderado = Moderada"
    );
    // Turning the corrective control into a preventive one moves its weight to the probability.
    let third = r.controls[2].id;
    let r = s
        .update_risk_control(
            ME,
            now(),
            third,
            &control(ControlKind::Preventive, Implementation::Manual, "Plan"),
        )
        .unwrap();
    assert_eq!((r.residual_impact_pct, r.residual_impact), (80.0, 4));
    assert_eq!(r.residual_probability_pct, 10.8, "18 × 0,6");
    assert_eq!(r.residual_zone, Zone::High, "Muy baja × Mayor = Alta");
    // Removing controls: the later ones move up and the residual follows.
    let r = s.delete_risk_control(ME, now(), first).unwrap();
    assert_eq!(r.controls.len(), 2);
    assert_eq!(r.controls[0].position, 1);
    assert_eq!(r.residual_probability_pct, 21.6, "60 × 0,6 × 0,6");
    let r = s.delete_risk_control(ME, now(), second).unwrap();
    assert_eq!(r.residual_probability_pct, 36.0, "60 × 0,6");
    let r = s.delete_risk_control(ME, now(), r.controls[0].id).unwrap();
    assert!(r.controls.is_empty());
    assert_eq!((r.residual_probability, r.residual_impact), (3, 4));
    assert_eq!(r.residual_zone, r.inherent_zone);
    // An unknown control is a clear error.
    let e = s.delete_risk_control(ME, now(), 9999).unwrap_err();
    assert!(e.to_string().contains("9999"), "{e}");
}

#[test]
fn create_edit_and_refusals_leave_nothing_half_written() {
    let mut s = crate::support::store();
    let input = RiskInput {
        description: "Posibilidad de daño de equipos debido a variaciones de voltaje por falta \
                      de UPS"
            .into(),
        classification: "Daños a activos fijos / eventos externos".into(),
        causes: "Red eléctrica inestable".into(),
        consequences: "Equipos dañados".into(),
        probability: 2,
        impact: 3,
        next_review: Some("01/03/2026".into()),
        plan_due: Some("2026-06-30".into()),
        plan_action_id: Some(7),
        treatment: Some(Treatment::Share),
        ..Default::default()
    };
    let r = s.create_risk(ME, now(), &input).unwrap();
    assert_eq!(r.code, "R-06");
    assert_eq!(r.process, "Gestión de TIC — Mesa de ayuda");
    assert_eq!(r.next_review.as_deref(), Some("2026-03-01"));
    assert!(r.review_overdue, "01/03 < 10/03: revisión vencida");
    assert_eq!(r.plan_action_id, Some(7));
    assert_eq!(r.treatment, Treatment::Share);
    assert_eq!(r.inherent_zone, Zone::Moderate);

    // Refusals.
    let bad = |f: &dyn Fn(&mut RiskInput)| {
        let mut i = input.clone();
        f(&mut i);
        i
    };
    let e = s
        .create_risk(
            ME,
            now(),
            &bad(&|i| i.description = "Se pierde todo".into()),
        )
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    assert!(e.to_string().contains("Posibilidad de"), "{e}");
    let e = s
        .create_risk(ME, now(), &bad(&|i| i.probability = 6))
        .unwrap_err();
    assert!(e.to_string().contains("probabilidad inherente"), "{e}");
    let e = s
        .create_risk(ME, now(), &bad(&|i| i.code = Some("r-01".into())))
        .unwrap_err();
    assert!(e.to_string().contains("ya existe"), "{e}");
    let e = s
        .create_risk(
            ME,
            now(),
            &bad(&|i| i.next_review = Some("31/02/2026".into())),
        )
        .unwrap_err();
    assert!(e.to_string().contains("próxima revisión"), "{e}");
    assert_eq!(s.risks(now()).unwrap().len(), 6);

    // Edit: new review date in the future, rename.
    let mut edit = RiskInput::from_risk(&r);
    edit.next_review = Some("2026-04-01".into());
    edit.code = Some("R-10".into());
    edit.impact = 5;
    let r = s.update_risk(ME, now(), "R-06", &edit).unwrap();
    assert_eq!(r.code, "R-10");
    assert!(!r.review_overdue);
    assert_eq!(r.inherent_zone, Zone::Extreme);
    assert!(s.risk("R-06", now()).is_err());
    // Renaming onto another risk is refused and changes nothing.
    edit.code = Some("R-01".into());
    assert!(s.update_risk(ME, now(), "R-10", &edit).is_err());
    assert_eq!(s.risk("R-10", now()).unwrap().code, "R-10");
    // Next automatic code follows the highest.
    let mut third = input.clone();
    third.code = None;
    assert_eq!(s.create_risk(ME, now(), &third).unwrap().code, "R-11");

    // A control on a risk that does not exist.
    let e = s
        .add_risk_control(
            ME,
            now(),
            "R-99",
            &control(ControlKind::Preventive, Implementation::Manual, "x"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("R-99"), "{e}");
    // An empty control description.
    let e = s
        .add_risk_control(
            ME,
            now(),
            "R-10",
            &control(ControlKind::Preventive, Implementation::Manual, "  "),
        )
        .unwrap_err();
    assert!(e.to_string().contains("descripción del control"), "{e}");

    // Delete takes its controls with it.
    s.add_risk_control(
        ME,
        now(),
        "R-10",
        &control(ControlKind::Corrective, Implementation::Manual, "UPS"),
    )
    .unwrap();
    s.delete_risk(ME, now(), "R-10").unwrap();
    assert!(s.risk("R-10", now()).is_err());
    assert!(s.delete_risk(ME, now(), "R-10").is_err());
}

#[test]
fn the_apps_data_is_shown_beside_the_risk() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("mesa.db")).unwrap();
    let r1 = s.risk("R-01", now()).unwrap();
    let d = r1.data.unwrap();
    assert_eq!(d.value, "ninguna");
    assert_eq!(d.ok, Some(false));
    s.backup_now(BackupKind::Manual, None, at("2026-03-07T08:00"))
        .unwrap();
    let d = s.risk("R-01", now()).unwrap().data.unwrap();
    assert_eq!(d.label, "Última copia de seguridad verificada");
    assert!(
        d.value.starts_with("hace 3 días (07/03/2026 08:00)"),
        "{}",
        d.value
    );
    assert_eq!(d.ok, Some(false), "más de 48 h");
    let d = s
        .risk("R-01", at("2026-03-08T07:00"))
        .unwrap()
        .data
        .unwrap();
    assert!(d.value.starts_with("hace 23 h"), "{}", d.value);
    assert_eq!(d.ok, Some(true));

    let d = s.risk("R-02", now()).unwrap().data.unwrap();
    assert!(
        d.value
            .contains("respuesta sin casos · solución sin casos (01/01/2026 a 10/03/2026)"),
        "{}",
        d.value
    );
    let d = s.risk("R-03", now()).unwrap().data.unwrap();
    assert_eq!(d.value, "sin plan de mantenimiento de la vigencia 2026");
    assert!(s.risk("R-04", now()).unwrap().data.is_none());
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

fn with_controls() -> Store {
    let mut s = crate::support::store();
    s.set_setting("entity_name", "Alcaldía de Pueblo Bello")
        .unwrap();
    s.add_risk_control(
        ME,
        now(),
        "R-01",
        &control(
            ControlKind::Preventive,
            Implementation::Automatic,
            "Copia de seguridad diaria verificada",
        ),
    )
    .unwrap();
    s.add_risk_control(
        ME,
        now(),
        "R-01",
        &control(
            ControlKind::Corrective,
            Implementation::Manual,
            "Restauración probada cada trimestre",
        ),
    )
    .unwrap();
    s
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext, pdffonts (poppler-utils) and qpdf, Linux programs not available under Wine; runs in the Linux suite"
)]
fn pdf_has_the_header_heat_maps_table_and_signatures() {
    let s = with_controls();
    let pdf = s.risk_map_pdf(ME, now()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mapa.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = run(Command::new("pdftotext").arg("-layout").arg(&path).arg("-"));
    for needle in [
        "Mapa de riesgos",
        "Alcaldía de Pueblo Bello",
        "Gestión de TIC — Mesa de ayuda",
        "FO-TIC-08",
        "Versión: 01",
        "Riesgo inherente",
        "Riesgo residual (después de controles)",
        "Catastrófico (100 %)",
        "Muy alta (100 %)",
        "Extrema",
        "R-01",
        "R-05",
        "Copia de seguridad diaria verificada",
        "Preventivo",
        "Automático",
        "50 %",
        "Última copia de seguridad verificada:",
        "(últimos 3 meses): respuesta",
        "ninguna",
        "Elaboró",
        "Revisó",
        "Aprobó",
        "Ana Técnica",
        "Página 1 de",
    ] {
        assert!(text.contains(needle), "falta «{needle}» en:\n{text}");
    }
    let fonts = run(Command::new("pdffonts").arg(&path));
    assert!(fonts.lines().count() >= 4, "normal y negrita: {fonts}");
    for line in fonts.lines().skip(2) {
        assert!(
            line.split_whitespace().any(|c| c == "yes"),
            "fuente no incrustada: {line}"
        );
    }
    run(Command::new("qpdf").arg("--check").arg(&path));
}

#[test]
fn xlsx_has_every_column_the_controls_and_the_grid_with_counts() {
    let s = with_controls();
    let bytes = s.risk_map_xlsx(now()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mapa.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Mapa de riesgos", "Controles", "Mapa de calor"]
    );
    let risks = wb.worksheet_range("Mapa de riesgos").unwrap();
    let rows: Vec<&[Data]> = risks.rows().collect();
    let hr = rows
        .iter()
        .position(|r| r.first() == Some(&Data::String("Código".into())))
        .expect("fila de encabezado");
    let head: Vec<String> = rows[hr].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        head,
        mesa_core::risks::documents::RISK_SHEET_COLUMNS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let r1 = rows[hr + 1];
    assert_eq!(r1[0], Data::String("R-01".into()));
    assert_eq!(r1[col("Zona inherente")], Data::String("Extrema".into()));
    assert_eq!(r1[col("Controles")], Data::Float(2.0));
    // Probability 60 × 0.5 = 30 → Baja; impact 100 × 0.75 = 75 → Mayor; zone Alta.
    assert_eq!(r1[col("Probabilidad residual (%)")], Data::Float(30.0));
    assert_eq!(
        r1[col("Probabilidad residual")],
        Data::String("2 Baja".into())
    );
    assert_eq!(r1[col("Impacto residual (%)")], Data::Float(75.0));
    assert_eq!(r1[col("Impacto residual")], Data::String("4 Mayor".into()));
    assert_eq!(r1[col("Zona residual")], Data::String("Alta".into()));
    assert_eq!(rows.len(), hr + 1 + 5);

    let controls = wb.worksheet_range("Controles").unwrap();
    assert_eq!(controls.rows().count(), 3);
    let c1: Vec<String> = controls
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(c1[0], "R-01");
    assert_eq!(c1[2], "Copia de seguridad diaria verificada");
    assert_eq!(c1[5], "50");

    let grid = wb.worksheet_range("Mapa de calor").unwrap();
    let cell = |r: u32, c: u32| grid.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(cell(0, 0), Data::String("Riesgo inherente".into()));
    assert_eq!(cell(1, 5), Data::String("Catastrófico".into()));
    assert_eq!(cell(2, 0), Data::String("Muy alta".into()));
    // Inherent: R-01 at Media (row 4) × Catastrófico (col 5).
    assert_eq!(cell(4, 5), Data::Float(1.0));
    let sum = |top: u32| -> f64 {
        (top + 2..top + 7)
            .flat_map(|r| (1..=5).map(move |c| (r, c)))
            .map(|(r, c)| match cell(r, c) {
                Data::Float(f) => f,
                _ => 0.0,
            })
            .sum()
    };
    assert_eq!(sum(0), 5.0);
    assert_eq!(sum(9), 5.0);
    assert_eq!(cell(9, 0), Data::String("Riesgo residual".into()));
    // Residual R-01 moved to Baja (row 9 + 2 + 3 = 14) × Mayor (col 4), where R-04 (no
    // control) already is; its inherent cell is empty in the residual grid.
    assert_eq!(cell(14, 4), Data::Float(2.0));
    assert_eq!(cell(14, 6), Data::String("Mayor: R-01, R-04".into()));
    assert_eq!(cell(13, 5), Data::Float(0.0));
}
