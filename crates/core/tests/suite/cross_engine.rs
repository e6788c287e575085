//! The same office on both engines (issue 17: «reports (PDF/XLSX) from both engines give the
//! same indicator values»). One office — the help-desk report's March cases (reopened,
//! escalated, cancelled, surveyed, auto-closed, a date-only case, the San José holiday), an
//! improvement plan with a follow-up, and a manual indicator's value — is built on SQLite and
//! then reaches PostgreSQL two ways: copied by `mesa server migrate`'s copy, and written again
//! through PostgreSQL's own write path. Every figure the help-desk report, the indicator sheets
//! and the management report show must be equal to SQLite's, and so must the XLSX cells and the
//! PDF text.
#![cfg_attr(windows, allow(unused_imports, dead_code))]

use std::path::Path;
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::db::pg::{self, PgTarget};
use mesa_core::maintenance::Frequency;
use mesa_core::management::indicators::{Direction, IndicatorKind, NewIndicator};
use mesa_core::reports::documents::ReportPdfOptions;
use mesa_core::reports::Period;
use mesa_core::*;

use super::pg_support::{empty_db, migrated_db};

const ME: &str = "Técnico de sistemas";

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn march() -> Period {
    Period::parse("2026-03-01", "2026-03-31").unwrap()
}

fn q1() -> Period {
    Period::parse("2026-01-01", "2026-03-31").unwrap()
}

fn now() -> DateTime<Utc> {
    at("2026-04-10T09:00")
}

/// The office: the report's dataset, an improvement plan, a manual indicator's value, and 2025's
/// maintenance plan with its logs (the equipment suite's fixed plan).
fn office(s: &mut Store) {
    super::assets::fixed_plan(s);
    super::report::dataset(s);
    super::management_report::with_plan(s);
    s.create_indicator(
        &NewIndicator {
            code: "TIC-01".into(),
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
            owner_measure: ME.into(),
            owner_analysis: "Líder de TI".into(),
            source: "Consola del antivirus".into(),
        },
        ME,
        at("2026-04-02T09:00"),
    )
    .unwrap();
    s.set_indicator_value(
        "TIC-01",
        "2026-03",
        7.5,
        Some("Licencias sin renovar en Almacén"),
        ME,
        at("2026-04-02T09:00"),
    )
    .unwrap();
}

fn pg_store(url: &str) -> Store {
    Store::open_server(&PgTarget::parse(url).unwrap(), None).unwrap()
}

fn xlsx_cells(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.sheet_names()
        .into_iter()
        .map(|n| {
            let r = wb.worksheet_range(&n).unwrap();
            (n, r.rows().map(|row| row.to_vec()).collect())
        })
        .collect()
}

fn pdf_text(pdf: &[u8], dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext {name}");
    String::from_utf8(out.stdout).unwrap()
}

/// Every figure of `pg` equal to `lite`'s: indicators (both months), the help-desk report, each
/// indicator sheet's trend, the overview, the management report, and the documents.
fn same_figures(lite: &Store, pg: &Store) {
    let n = now();
    let (a, b) = (
        lite.indicators(march(), n).unwrap(),
        pg.indicators(march(), n).unwrap(),
    );
    // A few by hand first, so that an empty store on both sides cannot pass.
    assert_eq!(a.received, 6);
    assert_eq!((a.escalated.num, a.reopened.num, a.cancelled), (1, 1, 1));
    assert_eq!(a, b, "indicadores de marzo");
    assert_eq!(
        lite.indicators(march().previous(), n).unwrap(),
        pg.indicators(march().previous(), n).unwrap(),
        "indicadores de febrero"
    );
    assert_eq!(
        lite.helpdesk_report(march(), n).unwrap(),
        pg.helpdesk_report(march(), n).unwrap(),
        "informe de la mesa de ayuda"
    );
    let sheets = lite.indicator_sheets().unwrap();
    assert_eq!(sheets, pg.indicator_sheets().unwrap(), "hojas de indicador");
    for sheet in &sheets {
        let (x, y) = (
            lite.indicator_values(&sheet.code, 6, n).unwrap(),
            pg.indicator_values(&sheet.code, 6, n).unwrap(),
        );
        assert_eq!(x, y, "valores de {}", sheet.code);
    }
    let overview = lite.indicator_overview(n).unwrap();
    assert!(overview.indicators.iter().any(|i| i.last.value.is_some()));
    assert_eq!(overview, pg.indicator_overview(n).unwrap(), "tablero");
    let m = lite.management_report(q1(), n).unwrap();
    assert_eq!(m.plan.findings, 1);
    assert_eq!(
        m,
        pg.management_report(q1(), n).unwrap(),
        "informe gerencial"
    );

    // The documents: XLSX cell by cell, PDF text line by line.
    let dir = tempfile::tempdir().unwrap();
    let (xa, xb) = (dir.path().join("sqlite.xlsx"), dir.path().join("pg.xlsx"));
    lite.helpdesk_report_xlsx(march(), &xa, n, |_, _| {})
        .unwrap();
    pg.helpdesk_report_xlsx(march(), &xb, n, |_, _| {}).unwrap();
    let cells = xlsx_cells(&xa);
    assert!(cells.iter().map(|(_, r)| r.len()).sum::<usize>() > 10);
    assert_eq!(
        cells,
        xlsx_cells(&xb),
        "XLSX del informe de la mesa de ayuda"
    );
    let (ma, mb) = (
        dir.path().join("g-sqlite.xlsx"),
        dir.path().join("g-pg.xlsx"),
    );
    std::fs::write(&ma, lite.management_report_xlsx(q1(), n).unwrap()).unwrap();
    std::fs::write(&mb, pg.management_report_xlsx(q1(), n).unwrap()).unwrap();
    assert_eq!(
        xlsx_cells(&ma),
        xlsx_cells(&mb),
        "XLSX del informe gerencial"
    );
    let opts = ReportPdfOptions::default;
    let ta = pdf_text(
        &lite.helpdesk_report_pdf(march(), opts(), ME, n).unwrap(),
        dir.path(),
        "sqlite.pdf",
    );
    assert!(ta.contains("Casos recibidos"), "{ta}");
    let tb = pdf_text(
        &pg.helpdesk_report_pdf(march(), opts(), ME, n).unwrap(),
        dir.path(),
        "pg.pdf",
    );
    assert_eq!(ta, tb, "PDF del informe de la mesa de ayuda");
    let ga = pdf_text(
        &lite.management_report_pdf(q1(), ME, n).unwrap(),
        dir.path(),
        "g-sqlite.pdf",
    );
    let gb = pdf_text(
        &pg.management_report_pdf(q1(), ME, n).unwrap(),
        dir.path(),
        "g-pg.pdf",
    );
    assert_eq!(ga, gb, "PDF del informe gerencial");

    // Maintenance (2025's plan): compliance on several dates, the cronograma, the due list, a
    // life record, and the help-desk report of a quarter with maintenance.
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let c = lite
        .maintenance_compliance(2025, day("2025-06-30"))
        .unwrap();
    assert_eq!((c.programmed, c.executed, c.on_time), (9, 4, 3));
    for d in ["2025-02-28", "2025-03-31", "2025-06-30", "2025-12-31"] {
        assert_eq!(
            lite.maintenance_compliance(2025, day(d)).unwrap(),
            pg.maintenance_compliance(2025, day(d)).unwrap(),
            "cumplimiento al {d}"
        );
    }
    let july = at("2025-07-10T10:00");
    assert_eq!(
        lite.cronograma(2025, july).unwrap(),
        pg.cronograma(2025, july).unwrap(),
        "cronograma"
    );
    assert_eq!(
        lite.maintenance_due(july).unwrap(),
        pg.maintenance_due(july).unwrap(),
        "mantenimientos vencidos"
    );
    assert_eq!(
        lite.asset_record("IND0500").unwrap(),
        pg.asset_record("IND0500").unwrap(),
        "hoja de vida"
    );
    let q = Period::parse("2025-01-01", "2025-03-31").unwrap();
    let (ra, rb) = (
        lite.helpdesk_report(q, n).unwrap(),
        pg.helpdesk_report(q, n).unwrap(),
    );
    assert!(ra.current.maintenance.is_some());
    assert_eq!(ra, rb, "informe con mantenimiento");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn an_office_moved_to_postgresql_reports_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let mut lite = Store::open(&dir.path().join("mesa.db")).unwrap();
    office(&mut lite);
    let target = empty_db();
    let mut client = target.connect();
    pg::copy::copy(
        lite.connection().sqlite_native().unwrap(),
        Some(dir.path()),
        &mut client,
        ME,
    )
    .unwrap();
    drop(client);
    let server = pg_store(&target.url());
    same_figures(&lite, &server);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "PostgreSQL de pruebas solo en Linux (initdb/setpriv)"
)]
fn the_same_work_on_both_engines_reports_the_same_figures() {
    let mut lite = Store::open_in_memory().unwrap();
    office(&mut lite);
    let target = migrated_db();
    let mut server = pg_store(&target.url());
    office(&mut server);
    same_figures(&lite, &server);
}
