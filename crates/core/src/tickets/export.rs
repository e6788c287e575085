//! Case exports with the case list's filters: XLSX (every field, real date cells, autofilter,
//! frozen header, fitted widths; rows streamed in rust_xlsxwriter's constant-memory mode) and
//! CSV the way Excel in Spanish opens it (UTF-8 with BOM, `;`, CRLF, quoted when needed).
//!
//! Text typed by users is always written as a text cell (`write_string`), never as a formula;
//! in CSV a text starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so that a
//! spreadsheet shows it as text instead of running it.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_xlsxwriter::{Workbook, Worksheet};

use crate::clock::{from_db, to_local};
use crate::error::Result;
use crate::model::{TicketQuery, TicketStatus};
use crate::store::Store;
use mesa_docwriter::xlsx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    Time,
    /// received_at: a date alone when `received_date_only`.
    Received,
    YesNo,
    Status,
    CloseReason,
}

/// The columns of every case export and of the report's «Casos» sheet: (title, SQL, kind).
const COLUMNS: &[(&str, &str, Kind)] = &[
    ("Número", "t.number", Kind::Text),
    ("Número anterior", "t.legacy_number", Kind::Text),
    ("Recibido", "t.received_at", Kind::Received),
    (
        "Solo fecha de recepción",
        "t.received_date_only",
        Kind::YesNo,
    ),
    ("Registrado", "t.registered_at", Kind::Time),
    ("Solicitante", "t.requester", Kind::Text),
    ("Dependencia", "t.department", Kind::Text),
    ("Ubicación", "t.location", Kind::Text),
    ("Teléfono", "t.phone", Kind::Text),
    ("Correo", "t.email", Kind::Text),
    ("Canal", "t.channel", Kind::Text),
    ("Origen", "t.origin", Kind::Text),
    ("Tipo de servicio", "t.service_type", Kind::Text),
    ("Nivel", "t.level", Kind::Int),
    ("Urgencia", "t.urgency", Kind::Int),
    ("Impacto", "t.impact", Kind::Int),
    ("Prioridad", "t.priority", Kind::Text),
    ("Asignado a", "t.assignee", Kind::Text),
    ("Estado", "t.status", Kind::Status),
    (
        "Plazo de respuesta (min hábiles)",
        "t.response_minutes",
        Kind::Int,
    ),
    (
        "Plazo de solución (min hábiles)",
        "t.resolution_minutes",
        Kind::Int,
    ),
    ("Vence respuesta", "t.response_due_at", Kind::Time),
    ("Vence solución", "t.resolution_due_at", Kind::Time),
    ("Primera atención", "t.first_response_at", Kind::Time),
    ("Solucionado", "t.resolved_at", Kind::Time),
    ("Cerrado", "t.closed_at", Kind::Time),
    ("Motivo de cierre", "t.close_reason", Kind::CloseReason),
    ("Vence encuesta", "t.survey_due_at", Kind::Time),
    ("Descripción", "t.description", Kind::Text),
    ("Solución", "t.solution", Kind::Text),
    ("Productos entregados", "t.products", Kind::Text),
    ("Tiempo dedicado (min)", "t.time_spent_minutes", Kind::Int),
    ("Motivo de anulación", "t.cancel_reason", Kind::Text),
    ("Reaperturas", "t.reopen_count", Kind::Int),
    ("Escalamientos", "t.escalation_count", Kind::Int),
    ("Placa del equipo", "t.asset_tag", Kind::Text),
    ("Archivo de origen", "t.source_file", Kind::Text),
    ("Hoja de origen", "t.source_sheet", Kind::Text),
    ("Fila de origen", "t.source_row", Kind::Int),
    ("Lote de importación", "t.import_batch", Kind::Int),
    ("SLA sin datos", "t.sla_lacks_data", Kind::YesNo),
    ("Datos adicionales", "nullif(t.extra, '{}')", Kind::Text),
    ("Calificaciones de la encuesta", "s.scores", Kind::Text),
    ("Comentario de la encuesta", "s.comment", Kind::Text),
    ("Encuesta respondida", "s.answered_at", Kind::Time),
];

/// Titles of the exported columns, in order.
pub fn column_titles() -> Vec<&'static str> {
    COLUMNS.iter().map(|c| c.0).collect()
}

/// One exported value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Empty,
    Text(String),
    Int(i64),
    Time(NaiveDateTime),
    Date(NaiveDate),
}

fn close_reason_label(s: &str) -> &str {
    match s {
        "verified" => "Verificado por el solicitante",
        "survey" => "Encuesta respondida",
        "auto" => "Cierre automático",
        "imported" => "Importado cerrado",
        o => o,
    }
}

/// Excel serial number of a wall time (days since 1899-12-30).
pub fn excel_serial(t: NaiveDateTime) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("valid")
        .and_hms_opt(0, 0, 0)
        .expect("valid");
    (t - base).num_seconds() as f64 / 86_400.0
}

/// Progress of a long export, sent to the UI as an event.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ExportProgress {
    pub done: u64,
    pub total: u64,
}

/// Where the rows of a case export come from: the list's filters (`limit`/`offset` and sorting
/// are ignored: every matching case, oldest number first).
#[derive(Debug, Clone, Default)]
pub struct ExportOutcome {
    pub rows: u64,
}

impl Store {
    /// Calls `f` with each matching case as a row of [`column_titles`] values. Returns the
    /// number of rows.
    pub fn for_each_case_row(
        &self,
        q: &TicketQuery,
        now: DateTime<Utc>,
        mut f: impl FnMut(u64, &[Val]) -> Result<()>,
    ) -> Result<u64> {
        let (conds, args) = self.ticket_filter(q, now)?;
        let where_sql = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND ").replace("{p}", ""))
        };
        let cols = COLUMNS.iter().map(|c| c.1).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {cols} FROM tickets t LEFT JOIN surveys s ON s.ticket_id = t.id \
             {where_sql} ORDER BY t.year, t.seq"
        );
        let named: Vec<(&str, &dyn crate::db::ToSqlValue)> = args
            .iter()
            .map(|(n, v)| (n.as_str(), v as &dyn crate::db::ToSqlValue))
            .collect();
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(named.as_slice())?;
        let mut vals: Vec<Val> = vec![Val::Empty; COLUMNS.len()];
        let mut n = 0u64;
        let date_only_idx = COLUMNS
            .iter()
            .position(|c| c.1 == "t.received_date_only")
            .unwrap_or(0);
        while let Some(r) = rows.next()? {
            let date_only = r.get::<_, i64>(date_only_idx)? == 1;
            for (i, (_, _, kind)) in COLUMNS.iter().enumerate() {
                vals[i] = match kind {
                    Kind::Text => match r.get::<_, Option<String>>(i)? {
                        Some(s) if !s.is_empty() => Val::Text(s),
                        _ => Val::Empty,
                    },
                    Kind::Int => match r.get::<_, Option<i64>>(i)? {
                        Some(v) => Val::Int(v),
                        None => Val::Empty,
                    },
                    Kind::YesNo => Val::Text(
                        if r.get::<_, i64>(i)? == 1 {
                            "Sí"
                        } else {
                            "No"
                        }
                        .to_string(),
                    ),
                    Kind::Status => Val::Text(r.get::<_, TicketStatus>(i)?.label().to_string()),
                    Kind::CloseReason => match r.get::<_, Option<String>>(i)? {
                        Some(s) => Val::Text(close_reason_label(&s).to_string()),
                        None => Val::Empty,
                    },
                    Kind::Time | Kind::Received => match r.get_ref(i)?.as_str_or_null() {
                        Ok(Some(s)) => {
                            let local = to_local(from_db(s)?);
                            if *kind == Kind::Received && date_only {
                                Val::Date(local.date())
                            } else {
                                Val::Time(local)
                            }
                        }
                        _ => Val::Empty,
                    },
                };
            }
            f(n, &vals)?;
            n += 1;
        }
        Ok(n)
    }

    /// Number of cases the filters keep.
    pub fn count_cases(&self, q: &TicketQuery, now: DateTime<Utc>) -> Result<u64> {
        let (conds, args) = self.ticket_filter(q, now)?;
        let where_sql = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND ").replace("{p}", ""))
        };
        let named: Vec<(&str, &dyn crate::db::ToSqlValue)> = args
            .iter()
            .map(|(n, v)| (n.as_str(), v as &dyn crate::db::ToSqlValue))
            .collect();
        let n: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM tickets t {where_sql}"),
            named.as_slice(),
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Writes the matching cases to an XLSX file at `path` (constant memory). `progress` gets
    /// (rows written, total) every 1,000 rows and at the end.
    pub fn export_cases_xlsx(
        &self,
        q: &TicketQuery,
        path: &Path,
        now: DateTime<Utc>,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<ExportOutcome> {
        let total = self.count_cases(q, now)?;
        let err = xlsx::err("exportación de casos XLSX");
        let mut wb = Workbook::new();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Temporary files next to the output: same disk, cleaned on drop.
            let _ = wb.set_tempdir(dir);
        }
        let ws = wb.add_worksheet_with_constant_memory().map_err(&err)?;
        ws.set_name("Casos").map_err(&err)?;
        let rows = self.write_cases_sheet(ws, q, now, 0, total, &mut progress)?;
        let ws = wb.add_worksheet_with_constant_memory().map_err(&err)?;
        ws.set_name("Seguimientos").map_err(&err)?;
        self.write_follow_ups_sheet(ws, q, now)?;
        crate::files::save_workbook(&mut wb, path, "exportación de casos XLSX")?;
        progress(rows, total);
        Ok(ExportOutcome { rows })
    }

    /// Writes the header at `first_row` and every matching case below it, with date formats,
    /// autofilter, frozen header and fitted widths. Returns the number of cases.
    pub(crate) fn write_cases_sheet(
        &self,
        ws: &mut Worksheet,
        q: &TicketQuery,
        now: DateTime<Utc>,
        first_row: u32,
        total: u64,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64> {
        let err = xlsx::err("hoja de casos XLSX");
        let head = xlsx::header().set_text_wrap();
        let dt = xlsx::date_time();
        let d = xlsx::date();
        let mut widths: Vec<usize> = COLUMNS
            .iter()
            .map(|c| c.0.chars().count().min(24))
            .collect();
        for (i, (title, _, _)) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(first_row, i as u16, *title, &head)
                .map_err(&err)?;
        }
        // Column widths are written when the file is assembled: set after the data below.
        let n = self.for_each_case_row(q, now, |n, vals| {
            let row = first_row + 1 + n as u32;
            let measure = n < 2000;
            for (c, v) in vals.iter().enumerate() {
                let col = c as u16;
                match v {
                    Val::Empty => {}
                    Val::Text(s) => {
                        if measure {
                            widths[c] = widths[c].max(s.chars().count());
                        }
                        ws.write_string(row, col, s).map_err(&err)?;
                    }
                    Val::Int(i) => {
                        ws.write_number(row, col, *i as f64).map_err(&err)?;
                    }
                    Val::Time(t) => {
                        widths[c] = widths[c].max(16);
                        ws.write_number_with_format(row, col, excel_serial(*t), &dt)
                            .map_err(&err)?;
                    }
                    Val::Date(day) => {
                        let t = day.and_hms_opt(0, 0, 0).expect("midnight");
                        ws.write_number_with_format(row, col, excel_serial(t), &d)
                            .map_err(&err)?;
                    }
                }
            }
            if (n + 1) % 1000 == 0 {
                progress(n + 1, total);
            }
            Ok(())
        })?;
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(8.0, 60.0))
                .map_err(&err)?;
        }
        let last_row = first_row + n.max(1) as u32;
        ws.autofilter(first_row, 0, last_row, COLUMNS.len() as u16 - 1)
            .map_err(&err)?;
        ws.set_freeze_panes(first_row + 1, 1).map_err(&err)?;
        Ok(n)
    }

    /// The follow-ups of the matching cases, one per row, internal notes marked as such in
    /// the «Tipo» column (they are never for the requester). Returns the number of rows.
    pub(crate) fn write_follow_ups_sheet(
        &self,
        ws: &mut Worksheet,
        q: &TicketQuery,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let err = xlsx::err("hoja de seguimientos XLSX");
        let head = xlsx::header();
        let dt = xlsx::date_time();
        const TITLES: [(&str, f64); 7] = [
            ("Caso", 16.0),
            ("Fecha y hora", 18.0),
            ("Registró", 24.0),
            ("Tipo", 30.0),
            ("Contacto con el solicitante", 14.0),
            ("Minutos", 10.0),
            ("Texto", 80.0),
        ];
        for (i, (title, width)) in TITLES.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *title, &head)
                .map_err(&err)?;
            ws.set_column_width(i as u16, *width).map_err(&err)?;
        }
        let (conds, args) = self.ticket_filter(q, now)?;
        let where_sql = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND ").replace("{p}", ""))
        };
        let sql = format!(
            "SELECT t.number AS number, f.at AS at, f.actor AS actor, f.visibility AS visibility,
                    f.contact AS contact, f.minutes AS minutes, f.body AS body
             FROM ticket_followups f JOIN tickets t ON t.id = f.ticket_id
             WHERE f.ticket_id IN (SELECT t.id FROM tickets t {where_sql})
             ORDER BY t.year, t.seq, f.at, f.id"
        );
        let named: Vec<(&str, &dyn crate::db::ToSqlValue)> = args
            .iter()
            .map(|(n, v)| (n.as_str(), v as &dyn crate::db::ToSqlValue))
            .collect();
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(named.as_slice())?;
        let mut n = 0u32;
        while let Some(r) = rows.next()? {
            n += 1;
            let at: String = r.get("at")?;
            let visibility: String = r.get("visibility")?;
            let label = crate::model::FollowUpVisibility::parse(&visibility)
                .unwrap_or(crate::model::FollowUpVisibility::Internal)
                .label();
            ws.write_string(n, 0, r.get::<_, String>("number")?)
                .map_err(&err)?;
            ws.write_number_with_format(n, 1, excel_serial(to_local(from_db(&at)?)), &dt)
                .map_err(&err)?;
            ws.write_string(n, 2, r.get::<_, String>("actor")?)
                .map_err(&err)?;
            ws.write_string(n, 3, label).map_err(&err)?;
            let contact = if r.get::<_, i64>("contact")? == 1 {
                "Sí"
            } else {
                "No"
            };
            ws.write_string(n, 4, contact).map_err(&err)?;
            if let Some(m) = r.get::<_, Option<i64>>("minutes")? {
                ws.write_number(n, 5, m as f64).map_err(&err)?;
            }
            ws.write_string(n, 6, r.get::<_, String>("body")?)
                .map_err(&err)?;
        }
        ws.autofilter(0, 0, n.max(1), TITLES.len() as u16 - 1)
            .map_err(&err)?;
        ws.set_freeze_panes(1, 1).map_err(&err)?;
        Ok(n as u64)
    }

    /// Writes the matching cases to a CSV file: UTF-8 with BOM, `;`, CRLF.
    pub fn export_cases_csv(
        &self,
        q: &TicketQuery,
        path: &Path,
        now: DateTime<Utc>,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<ExportOutcome> {
        let total = self.count_cases(q, now)?;
        let mut rows = 0;
        crate::files::write_via_part(path, |part| {
            let file = std::fs::File::create(part).map_err(crate::files::io(part))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            let tioe = crate::files::io(part);
            w.write_all(b"\xEF\xBB\xBF").map_err(&tioe)?;
            let header: Vec<String> = COLUMNS.iter().map(|c| csv_field(c.0)).collect();
            w.write_all(header.join(";").as_bytes()).map_err(&tioe)?;
            w.write_all(b"\r\n").map_err(&tioe)?;
            let mut line = String::with_capacity(1024);
            rows = self.for_each_case_row(q, now, |n, vals| {
                line.clear();
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        line.push(';');
                    }
                    match v {
                        Val::Empty => {}
                        Val::Text(s) => line.push_str(&csv_field(s)),
                        Val::Int(v) => line.push_str(&v.to_string()),
                        Val::Time(t) => line.push_str(&t.format("%d/%m/%Y %H:%M").to_string()),
                        Val::Date(d) => line.push_str(&d.format("%d/%m/%Y").to_string()),
                    }
                }
                line.push_str("\r\n");
                w.write_all(line.as_bytes()).map_err(&tioe)?;
                if (n + 1) % 1000 == 0 {
                    progress(n + 1, total);
                }
                Ok(())
            })?;
            w.flush().map_err(&tioe)?;
            Ok(())
        })?;
        progress(rows, total);
        Ok(ExportOutcome { rows })
    }
}

/// Every matching case as rows of values, in memory (benchmarks: the input of
/// [`write_rows_xlsx`]).
pub fn collect_case_rows(
    store: &Store,
    q: &TicketQuery,
    now: DateTime<Utc>,
) -> Result<Vec<Vec<Val>>> {
    let mut out = Vec::new();
    store.for_each_case_row(q, now, |_, vals| {
        out.push(vals.to_vec());
        Ok(())
    })?;
    Ok(out)
}

/// rust_xlsxwriter alone writing the given cells (same cell types and formats as the export,
/// constant memory, header row): the baseline of `mesa bench-report`.
pub fn write_rows_xlsx(rows: &[Vec<Val>], path: &Path) -> Result<()> {
    let err = xlsx::err("XLSX de referencia");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().map_err(&err)?;
    let dt = xlsx::date_time();
    let d = xlsx::date();
    for (i, (title, _, _)) in COLUMNS.iter().enumerate() {
        ws.write_string(0, i as u16, *title).map_err(&err)?;
    }
    for (r, vals) in rows.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, v) in vals.iter().enumerate() {
            let col = c as u16;
            match v {
                Val::Empty => {}
                Val::Text(s) => {
                    ws.write_string(row, col, s).map_err(&err)?;
                }
                Val::Int(i) => {
                    ws.write_number(row, col, *i as f64).map_err(&err)?;
                }
                Val::Time(t) => {
                    ws.write_number_with_format(row, col, excel_serial(*t), &dt)
                        .map_err(&err)?;
                }
                Val::Date(day) => {
                    let t = day.and_hms_opt(0, 0, 0).expect("midnight");
                    ws.write_number_with_format(row, col, excel_serial(t), &d)
                        .map_err(&err)?;
                }
            }
        }
    }
    wb.save(path).map_err(&err)?;
    Ok(())
}

/// One CSV field: a leading `'` before `=`, `+`, `-`, `@`, tab or CR (so no spreadsheet runs
/// it), and quotes when it contains `;`, `"`, a line break or edge spaces.
pub fn csv_field(s: &str) -> String {
    let mut v = String::with_capacity(s.len() + 2);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(s);
    if v.contains([';', '"', '\n', '\r']) || v.starts_with(' ') || v.ends_with(' ') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields() {
        assert_eq!(csv_field("hola"), "hola");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("dijo \"sí\""), "\"dijo \"\"sí\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("-2"), "'-2");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("l1\nl2"), "\"l1\nl2\"");
    }

    #[test]
    fn serials() {
        let t = NaiveDate::from_ymd_opt(2026, 3, 20)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        assert_eq!(excel_serial(t), 46101.5);
    }
}
