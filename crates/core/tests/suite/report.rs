//! The help-desk report: indicator values on a small fixed dataset computed by hand (business
//! hours across the San José holiday), the stored analysis/actions, the PDF checked with
//! poppler (`pdftotext`, `pdffonts`, `pdfinfo`) and `qpdf --check`, the XLSX read back with
//! calamine and converted by LibreOffice, and the case exports (XLSX and CSV) with a
//! formula-injection payload that must stay text.

use std::path::Path;
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::pdf::PageSize;
use mesa_core::reports::documents::ReportPdfOptions;
use mesa_core::reports::{Indicators, Period};
use mesa_core::*;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

const ME: &str = "Técnico de sistemas";

fn new_case(
    s: &mut Store,
    received: &str,
    dep: &str,
    ty: Option<&str>,
    description: &str,
) -> String {
    let i = NewTicket {
        requester: "Ana Gutiérrez".into(),
        department: dep.into(),
        description: description.into(),
        received_at: Some(received.into()),
        service_type: ty.map(String::from),
        ..Default::default()
    };
    s.create_ticket(&i, ME, at(received)).unwrap().number
}

fn act(s: &mut Store, n: &str, a: TicketAction, when: &str) {
    s.apply_action(n, &a, ME, at(when))
        .unwrap_or_else(|e| panic!("{n} {a:?} at {when}: {e}"));
}

fn resolve(solution: &str, products: &str) -> TicketAction {
    TicketAction::Resolve {
        solution: solution.into(),
        products: Some(products.into()),
        time_spent_minutes: Some(30),
    }
}

/// The fixed dataset (Bogota times). See the expected values in `march_indicators`.
fn dataset(s: &mut Store) {
    // F: previous period, attended on time, never solved (resolution due Mon 09/03 09:00).
    let f = new_case(
        s,
        "2026-02-27T09:00",
        "Presupuesto",
        None,
        "Impresora sin tóner",
    );
    act(s, &f, TicketAction::Start, "2026-02-27T10:00");
    // B: received Mon 02/03 08:00, first attention Wed 04/03 09:00 (17 h hábiles, late),
    // solved Thu 05/03 10:00 (26 h), survey unanswered → closed automatically.
    let b = new_case(
        s,
        "2026-03-02T08:00",
        "Contabilidad",
        None,
        "No abre el SIIF",
    );
    act(s, &b, TicketAction::Start, "2026-03-04T09:00");
    act(
        s,
        &b,
        resolve("Se reinstaló el cliente del SIIF", "Acta de soporte"),
        "2026-03-05T10:00",
    );
    // G: imported with only a date: counted, but out of every time indicator.
    let g = new_case(
        s,
        "2026-03-05T00:00",
        "Contabilidad",
        None,
        "Caso importado",
    );
    act(s, &g, TicketAction::Start, "2026-03-05T09:00");
    act(
        s,
        &g,
        resolve("Atendido según planilla", ""),
        "2026-03-06T10:00",
    );
    s.connection()
        .execute(
            "UPDATE tickets SET received_date_only = 1 WHERE number = ?1",
            [&g],
        )
        .unwrap();
    let closed = s.autoclose(at("2026-03-10T09:00")).unwrap();
    assert_eq!(closed, vec![b.clone()]);
    // C: received Tue 10/03 09:00, attended 10:00 (1 h), escalated, solved Wed 11/03 09:00,
    // rejected, solved again Thu 12/03 08:30 (15,5 h), verified; survey 3,4,2,3.
    let c = new_case(s, "2026-03-10T09:00", "Tesorería", None, "Correo rebota");
    act(s, &c, TicketAction::Start, "2026-03-10T10:00");
    act(
        s,
        &c,
        TicketAction::Escalate {
            to: "Ingeniero de sistemas".into(),
            reason: "Requiere el servidor de correo".into(),
        },
        "2026-03-10T11:00",
    );
    act(
        s,
        &c,
        resolve("Se liberó el buzón", "Buzón depurado"),
        "2026-03-11T09:00",
    );
    act(
        s,
        &c,
        TicketAction::Reject {
            reason: "Sigue rebotando".into(),
        },
        "2026-03-11T15:00",
    );
    act(
        s,
        &c,
        resolve("Se amplió la cuota del buzón", "Buzón con cuota de 10 GB"),
        "2026-03-12T08:30",
    );
    act(
        s,
        &c,
        TicketAction::Verify { confirmation: None },
        "2026-03-12T10:00",
    );
    act(
        s,
        &c,
        TicketAction::Survey {
            scores: vec![3, 4, 2, 3],
            comment: Some("Demoró".into()),
        },
        "2026-03-12T11:00",
    );
    // E: cancelled the same day.
    let e = new_case(s, "2026-03-18T10:00", "Sistemas", None, "Duplicado");
    act(
        s,
        &e,
        TicketAction::Cancel {
            reason: "Duplicado del caso anterior".into(),
        },
        "2026-03-18T11:00",
    );
    // A: received Fri 20/03 16:00; Mon 23/03 is San José (holiday); first attention Tue
    // 24/03 09:00 = 3 h hábiles; solved 11:00 (5 h); survey 5,4,5,5.
    let a = new_case(
        s,
        "2026-03-20T16:00",
        "Tesorería",
        Some("Mantenimiento de equipos de cómputo"),
        "El equipo no enciende",
    );
    act(s, &a, TicketAction::Start, "2026-03-24T09:00");
    act(
        s,
        &a,
        resolve(
            "Se cambió la fuente de poder",
            "Equipo reparado; fuente nueva",
        ),
        "2026-03-24T11:00",
    );
    act(
        s,
        &a,
        TicketAction::Survey {
            scores: vec![5, 4, 5, 5],
            comment: Some("Excelente atención".into()),
        },
        "2026-03-25T10:00",
    );
    // D: received Mon 30/03 08:00, never attended: response due Tue 31/03 12:00 (in period).
    new_case(
        s,
        "2026-03-30T08:00",
        "Almacén",
        None,
        "Sin acceso a la red",
    );
}

fn march() -> Period {
    Period::parse("2026-03-01", "2026-03-31").unwrap()
}

fn count(v: &[reports::Count], k: &str) -> i64 {
    v.iter().find(|c| c.key == k).map(|c| c.count).unwrap_or(0)
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("valor");
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn march_indicators() {
    let mut s = crate::support::store();
    dataset(&mut s);
    let i: Indicators = s.indicators(march(), at("2026-04-01T10:00")).unwrap();
    assert_eq!(i.received, 6, "A B C D E G");
    assert_eq!(count(&i.by_department, "Tesorería"), 2);
    assert_eq!(count(&i.by_department, "Contabilidad"), 2);
    assert_eq!(count(&i.by_department, "Almacén"), 1);
    assert_eq!(count(&i.by_department, "Sistemas"), 1);
    assert_eq!(count(&i.by_type, "Mantenimiento de equipos de cómputo"), 1);
    assert_eq!(count(&i.by_type, "Sin tipo"), 5);
    assert_eq!(count(&i.by_origin, "Interna"), 6);
    assert_eq!(i.resolved, 4, "A B C G");
    assert_eq!(i.closed, 3);
    assert_eq!(i.closed_verified, 2);
    assert_eq!(i.closed_auto, 1);
    assert_eq!((i.auto_closed.num, i.auto_closed.den), (1, 3));
    assert_eq!(i.cancelled, 1);
    assert_eq!(i.backlog, 2, "D and F");
    // Response: A, C on time; B late; D waiting past its deadline → 2 of 4.
    assert_eq!((i.response_on_time.num, i.response_on_time.den), (2, 4));
    assert_eq!(i.response_waiting_late, 1);
    close(i.response_on_time.pct, 50.0);
    // Resolution: A, B, C on time; F unsolved past its deadline (09/03) → 3 of 4.
    assert_eq!((i.resolution_on_time.num, i.resolution_on_time.den), (3, 4));
    assert_eq!(i.resolution_waiting_late, 1);
    // First attention: A 3 h, B 17 h, C 1 h → mean 7, median 3.
    assert_eq!(i.first_response_time.cases, 3);
    close(i.first_response_time.mean_hours, 7.0);
    close(i.first_response_time.median_hours, 3.0);
    // Resolution: A 5 h, B 26 h, C 15,5 h → mean 15,5, median 15,5.
    assert_eq!(i.resolution_time.cases, 3);
    close(i.resolution_time.mean_hours, 15.5);
    close(i.resolution_time.median_hours, 15.5);
    assert_eq!((i.escalated.num, i.escalated.den), (1, 6));
    assert_eq!((i.reopened.num, i.reopened.den), (1, 6));
    assert_eq!((i.survey_response.num, i.survey_response.den), (2, 4));
    let means: Vec<f64> = i.questions.iter().map(|q| q.mean.unwrap()).collect();
    assert_eq!(means, vec![4.0, 4.0, 3.5, 4.0]);
    close(i.overall.mean, 31.0 / 8.0);
    assert_eq!(i.overall.distribution, vec![0, 1, 2, 2, 3]);
    assert_eq!(i.date_only_excluded, 1);
    assert!(i.maintenance.is_none());
    assert!(i.decommissioned.is_empty());

    // Seen on Tue 31/03 at 11:00, D's deadline (12:00) has not come yet: not judged.
    let early = s.indicators(march(), at("2026-03-31T11:00")).unwrap();
    assert_eq!(
        (early.response_on_time.num, early.response_on_time.den),
        (2, 3)
    );
    assert_eq!(early.response_waiting_late, 0);

    // February: only F, attended on time, still open at the end.
    let feb = s
        .indicators(march().previous(), at("2026-04-01T10:00"))
        .unwrap();
    assert_eq!(
        (feb.from.as_str(), feb.to.as_str()),
        ("2026-02-01", "2026-02-28")
    );
    assert_eq!(feb.received, 1);
    assert_eq!(feb.backlog, 1);
    assert_eq!((feb.response_on_time.num, feb.response_on_time.den), (1, 1));
    close(feb.first_response_time.mean_hours, 1.0);
}

#[test]
fn business_hours_across_san_jose() {
    let mut s = crate::support::store();
    dataset(&mut s);
    // Only case A has its first attention between Fri 20/03 and Tue 24/03.
    let p = Period::parse("2026-03-20", "2026-03-24").unwrap();
    let i = s.indicators(p, at("2026-04-01T10:00")).unwrap();
    assert_eq!(i.first_response_time.cases, 1);
    close(i.first_response_time.mean_hours, 3.0);
    close(i.resolution_time.mean_hours, 5.0);
}

#[test]
fn report_is_saved_with_analysis_and_actions() {
    let mut s = crate::support::store();
    dataset(&mut s);
    let r = s
        .save_report(
            march(),
            "  Aumentaron los casos de correo.\r\nSe atendió a tiempo la mitad.  ",
            "Capacitar en depuración de buzones",
            ME,
            at("2026-04-01T09:00"),
        )
        .unwrap();
    assert_eq!(
        r.analysis,
        "Aumentaron los casos de correo.\nSe atendió a tiempo la mitad."
    );
    let again = s
        .save_report(
            march(),
            "Otro análisis",
            "Otra acción",
            ME,
            at("2026-04-02T09:00"),
        )
        .unwrap();
    assert_eq!(again.id, r.id, "same period updates the same report");
    assert_eq!(s.list_reports().unwrap().len(), 1);
    let rep = s.helpdesk_report(march(), at("2026-04-02T10:00")).unwrap();
    assert_eq!(rep.analysis, "Otro análisis");
    assert_eq!(rep.actions, "Otra acción");
    assert_eq!(rep.activities.len(), 4);
    assert!(rep
        .activities
        .iter()
        .any(|a| a.products == "Equipo reparado; fuente nueva"));
    let stored: String = s
        .connection()
        .query_row("SELECT indicators FROM reports", [], |r| r.get(0))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(v["received"], 6);
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

/// The March report as a PDF (default options), drawn on 01/04/2026 10:00.
fn march_pdf(s: &Store) -> Vec<u8> {
    s.helpdesk_report_pdf(
        march(),
        ReportPdfOptions::default(),
        "Luis Peña",
        at("2026-04-01T10:00"),
    )
    .unwrap()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext, pdffonts, pdfinfo (poppler-utils) and qpdf, Linux programs not available under Wine; runs in the Linux suite"
)]
fn pdf_has_figures_accents_fonts_and_is_valid() {
    let mut s = crate::support::store();
    dataset(&mut s);
    s.set_setting("entity_nit", "800.123.456-7").unwrap();
    s.save_report(
        march(),
        "¿Por qué subió el tiempo de atención? Por la semana de festivo ¡y la reapertura!",
        "Reforzar el turno del lunes siguiente a festivo",
        ME,
        at("2026-04-01T09:00"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = march_pdf(&s);
    let path = dir.path().join("informe.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = run(Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-"));
    for needle in [
        "Informe de mesa de ayuda",
        "Instituto Municipal de Deporte y",
        "Recreación de Valledupar",
        "NIT 800.123.456-7",
        "Gestión de TIC — Mesa de ayuda",
        "FO-TIC-07",
        "Versión: 01",
        "01/03/2026 a 31/03/2026",
        "01/02/2026 a 28/02/2026",
        "50,0 % (2 de 4)",
        "75,0 % (3 de 4)",
        "16,7 % (1 de 6)",
        "33,3 % (1 de 3)",
        "3,88",
        "15,5",
        "Satisfacción general",
        "Casos recibidos por dependencia",
        "Cumplimiento de plazos (%)",
        "Se amplió la cuota del buzón",
        "Se cambió la fuente de poder",
        "¿Por qué subió el tiempo de atención?",
        "¡y la reapertura!",
        "Reforzar el turno del lunes siguiente a festivo",
        "Elaboró",
        "Revisó",
        "Aprobó",
        "Luis Peña",
        "Anexo. Fórmulas de los indicadores",
        "Página 1 de",
        "importado(s) con solo la fecha",
    ] {
        assert!(text.contains(needle), "falta «{needle}» en:\n{text}");
    }
    let fonts = run(Command::new("pdffonts").arg(&path));
    assert!(
        fonts.lines().count() >= 4,
        "dos fuentes (normal y negrita): {fonts}"
    );
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert!(cols.contains(&"yes"), "fuente no incrustada: {line}");
    }
    run(Command::new("qpdf").arg("--check").arg(&path));
    let info = run(Command::new("pdfinfo").arg(&path));
    assert!(info.contains("612 x 792"), "carta por omisión: {info}");
    let a4 = s
        .helpdesk_report_pdf(
            march(),
            ReportPdfOptions {
                size: PageSize::A4,
                max_detail_rows: None,
            },
            ME,
            at("2026-04-01T10:00"),
        )
        .unwrap();
    let p4 = dir.path().join("a4.pdf");
    std::fs::write(&p4, a4).unwrap();
    let info = run(Command::new("pdfinfo").arg(&p4));
    assert!(
        info.contains("595.28 x 841.89") || info.contains("595 x 842"),
        "{info}"
    );
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

fn find_row<'a>(rows: &'a [Vec<Data>], label: &str) -> &'a Vec<Data> {
    rows.iter()
        .find(|r| r.first().map(cell_text).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no hay fila «{label}»"))
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs soffice (LibreOffice), Linux programs not available under Wine; runs in the Linux suite"
)]
fn xlsx_sheets_numbers_and_libreoffice() {
    let mut s = crate::support::store();
    dataset(&mut s);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("informe.xlsx");
    s.helpdesk_report_xlsx(march(), &path, at("2026-04-01T10:00"), |_, _| {})
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["Indicadores", "Casos", "Encuestas", "Mantenimiento"]
    );
    let ind = wb.worksheet_range("Indicadores").unwrap();
    let rows: Vec<Vec<Data>> = ind.rows().map(|r| r.to_vec()).collect();
    let r = find_row(&rows, "Casos recibidos");
    assert_eq!(
        (&r[1], &r[2], &r[3]),
        (&Data::Float(6.0), &Data::Float(1.0), &Data::Float(5.0))
    );
    let r = find_row(&rows, "% atendidos dentro del plazo de respuesta");
    assert_eq!(r[1], Data::Float(50.0));
    let r = find_row(&rows, "Tiempo medio a la primera atención (horas hábiles)");
    assert_eq!(r[1], Data::Float(7.0));
    let casos = wb.worksheet_range("Casos").unwrap();
    assert_eq!(casos.height(), 7, "header + 6 cases received in March");
    let head: Vec<String> = casos.rows().next().unwrap().iter().map(cell_text).collect();
    assert_eq!(head, tickets::export::column_titles());
    let col = |t: &str| head.iter().position(|h| h == t).unwrap();
    let a = casos
        .rows()
        .find(|r| cell_text(&r[col("Descripción")]) == "El equipo no enciende")
        .unwrap();
    match &a[col("Recibido")] {
        Data::DateTime(d) => {
            assert_eq!(
                d.as_datetime()
                    .unwrap()
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                "2026-03-20 16:00"
            )
        }
        other => panic!("Recibido debe ser una fecha: {other:?}"),
    }
    assert_eq!(a[col("Nivel")], Data::Float(1.0));
    let enc = wb.worksheet_range("Encuestas").unwrap();
    let rows: Vec<Vec<Data>> = enc.rows().map(|r| r.to_vec()).collect();
    let q3 = find_row(&rows, "Trato y amabilidad del personal");
    assert_eq!(q3[2], Data::Float(3.5));
    assert!(rows
        .iter()
        .any(|r| r.iter().any(|c| cell_text(c) == "Excelente atención")));

    // LibreOffice converts the first sheet to CSV: the same numbers.
    let out = dir.path().join("csv");
    let profile = format!("-env:UserInstallation=file://{}/lo", dir.path().display());
    run(Command::new("soffice")
        .arg(&profile)
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(&out)
        .arg(&path));
    let csv = std::fs::read_to_string(out.join("informe.csv")).unwrap();
    for needle in [
        "\"Casos recibidos\",6,1,5",
        "\"Casos solucionados\",4,0,4",
        "\"Casos abiertos al cierre del periodo\",2,1,1",
        "\"% atendidos dentro del plazo de respuesta\",50.0,100.0,-50.0",
        "\"% escalados\",16.7,0.0,16.7",
        "\"Tiempo medio de solución (horas hábiles)\",15.5,,",
        "\"Satisfacción general (1 a 5)\",3.88,,",
    ] {
        assert!(csv.contains(needle), "falta «{needle}» en:\n{csv}");
    }
}

const PAYLOADS: [&str; 4] = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2", "@SUM(A1)"];

fn injected(s: &mut Store) {
    for p in PAYLOADS {
        new_case(s, "2026-03-03T09:00", "Tesorería", None, p);
    }
}

#[test]
fn exports_keep_formula_payloads_as_text() {
    let mut s = crate::support::store();
    injected(&mut s);
    dataset(&mut s);
    let dir = tempfile::tempdir().unwrap();
    let q = TicketQuery {
        from: Some("2026-03-01".into()),
        to: Some("2026-03-31".into()),
        department: Some("tesoreria".into()),
        ..Default::default()
    };
    let x = dir.path().join("casos.xlsx");
    let mut seen = vec![];
    let out = s
        .export_cases_xlsx(&q, &x, at("2026-04-01T10:00"), |n, t| seen.push((n, t)))
        .unwrap();
    assert_eq!(out.rows, 6, "4 payloads + A + C in Tesorería");
    assert_eq!(seen.last(), Some(&(6, 6)));
    check_payloads_xlsx(&x, 6);
    // The report's «Casos» sheet too.
    let r = dir.path().join("informe.xlsx");
    s.helpdesk_report_xlsx(march(), &r, at("2026-04-01T10:00"), |_, _| {})
        .unwrap();
    check_payloads_xlsx(&r, 10);

    let c = dir.path().join("casos.csv");
    s.export_cases_csv(&q, &c, at("2026-04-01T10:00"), |_, _| {})
        .unwrap();
    let bytes = std::fs::read(&c).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.ends_with("\r\n"));
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 7);
    assert!(lines[0].starts_with("Número;Número anterior;Recibido;"));
    assert!(
        text.contains(";\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\";"),
        "{text}"
    );
    assert!(text.contains(";'+1+1;") && text.contains(";'-2;") && text.contains(";'@SUM(A1);"));
    assert!(text.contains(";20/03/2026 16:00;"), "{text}");
    assert!(text.contains("\"Equipo reparado; fuente nueva\""));
    assert!(!x.with_extension("csv.part").exists());
}

fn check_payloads_xlsx(path: &Path, rows: usize) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let casos = wb.worksheet_range("Casos").unwrap();
    assert_eq!(casos.height(), rows + 1);
    let head: Vec<String> = casos.rows().next().unwrap().iter().map(cell_text).collect();
    let d = head.iter().position(|h| h == "Descripción").unwrap();
    for p in PAYLOADS {
        let found = casos
            .rows()
            .skip(1)
            .find(|r| matches!(&r[d], Data::String(s) if s == p));
        assert!(found.is_some(), "«{p}» debe quedar como texto");
    }
    // No cell is a formula.
    let formulas = wb.worksheet_formula("Casos").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "ninguna celda es fórmula"
    );
}

/// The PDF's fonts as the file names them (`/BaseFont/ABCDEF+DejaVuSans`), read from the bytes
/// (no poppler: the same check runs on Windows).
fn embedded_subset_fonts(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    let mut out: Vec<String> = text
        .match_indices("/BaseFont/")
        .map(|(i, _)| {
            text[i + 10..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '-')
                .collect()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Issue 12's defect: printpdf embedded the two DejaVu faces whole (a month's report was
/// 790 KB). Now only the glyphs used: well under 250 KB, fonts still embedded, as subsets.
#[test]
fn report_pdf_embeds_only_the_glyphs_it_uses() {
    let mut s = crate::support::store();
    dataset(&mut s);
    let pdf = march_pdf(&s);
    assert!(pdf.len() < 250_000, "informe del mes: {} bytes", pdf.len());
    let fonts = embedded_subset_fonts(&pdf);
    assert_eq!(fonts.len(), 2, "{fonts:?}");
    for f in &fonts {
        let (tag, name) = f
            .split_once('+')
            .unwrap_or_else(|| panic!("sin subconjunto: {f}"));
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{f}"
        );
        assert!(name.starts_with("DejaVuSans"), "{f}");
    }
    assert_eq!(
        String::from_utf8_lossy(&pdf).matches("/FontFile2").count(),
        2,
        "las dos fuentes van incrustadas"
    );
}

/// «Tiempo invertido»: follow-up minutes by their author and date, resolution minutes by the
/// assignee and the resolution date; per service type («Sin clasificar» when none) and technician.
#[test]
fn time_spent_per_service_type_and_technician() {
    let mut s = crate::support::store();
    let web = "Publicación de archivo a sitio web";
    let a = new_case(
        &mut s,
        "2026-03-02T09:00",
        "Tesorería",
        Some(web),
        "Subir el PAA",
    );
    let b = new_case(
        &mut s,
        "2026-02-26T09:00",
        "Almacén",
        None,
        "Impresora atascada",
    );
    let minutes = |text: &str, m: i64| NewFollowUp {
        text: text.into(),
        visibility: FollowUpVisibility::Internal,
        minutes: Some(m),
        contact: false,
        at: None,
    };
    let eng = "Ingeniero de sistemas";
    s.add_follow_up(
        &a,
        &minutes("Revisé el archivo", 20),
        ME,
        at("2026-03-02T10:00"),
    )
    .unwrap();
    s.add_follow_up(
        &a,
        &minutes("Ajusté el portal", 45),
        eng,
        at("2026-03-03T10:00"),
    )
    .unwrap();
    // February: outside the period.
    s.add_follow_up(&b, &minutes("Diagnóstico", 15), ME, at("2026-02-26T10:00"))
        .unwrap();
    s.add_follow_up(
        &b,
        &minutes("Cambio de rodillo", 25),
        ME,
        at("2026-03-04T10:00"),
    )
    .unwrap();
    // Resolved in March with 30 minutes (see `resolve`), assigned to the technician by its type.
    act(
        &mut s,
        &a,
        resolve("Publicado", "PAA en el portal"),
        "2026-03-05T10:00",
    );

    let i = s.indicators(march(), at("2026-04-01T10:00")).unwrap();
    assert_eq!(i.time_total_minutes, 20 + 45 + 25 + 30);
    let get = |v: &[reports::TimeSpent], k: &str| {
        let t = v
            .iter()
            .find(|t| t.key == k)
            .unwrap_or_else(|| panic!("{k}: {v:?}"));
        (t.minutes, t.cases)
    };
    assert_eq!(get(&i.time_by_type, web), (20 + 45 + 30, 1));
    assert_eq!(get(&i.time_by_type, "Sin clasificar"), (25, 1));
    assert_eq!(get(&i.time_by_technician, ME), (20 + 25 + 30, 2));
    assert_eq!(get(&i.time_by_technician, eng), (45, 1));
    assert_eq!(i.time_by_technician[0].key, ME, "largest first");
    assert!(reports::FORMULAS
        .iter()
        .any(|(k, _)| *k == "Tiempo invertido"));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("informe.xlsx");
    s.helpdesk_report_xlsx(march(), &path, at("2026-04-01T10:00"), |_, _| {})
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let rows: Vec<Vec<Data>> = wb
        .worksheet_range("Indicadores")
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect();
    find_row(&rows, "Tiempo invertido por técnico");
    let eng_row = find_row(&rows, eng);
    assert_eq!(cell_text(&eng_row[1]), "45");
    assert_eq!(cell_text(&eng_row[2]), "0.8");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext (poppler-utils); runs in the Linux suite"
)]
fn report_pdf_shows_time_spent() {
    let mut s = crate::support::store();
    let a = new_case(&mut s, "2026-03-02T09:00", "Tesorería", None, "Sin red");
    s.add_follow_up(
        &a,
        &NewFollowUp {
            text: "Se revisó el punto de red".into(),
            visibility: FollowUpVisibility::Public,
            minutes: Some(200),
            contact: false,
            at: None,
        },
        ME,
        at("2026-03-02T11:00"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("informe.pdf");
    std::fs::write(&pdf, march_pdf(&s)).unwrap();
    let text = run(Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-"));
    assert!(text.contains("Tiempo invertido"), "{text}");
    assert!(text.contains("3 h 20 min"), "{text}");
}
