//! Documents of equipment and maintenance: the hoja de vida (PDF) of an equipment, the
//! concepto técnico de baja (PDF), the inventory (XLSX) and the cronograma of preventive
//! maintenance (XLSX and PDF) in the layout Colombian offices use.

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::assets::{event_kind_label, AssetQuery, AssetRecord, DecommissionConcept};
use crate::clock::to_local;
use crate::error::Result;
use crate::maintenance::{CellState, Cronograma};
use crate::pdf::{Cell, Colour, Column, DocHeader, Orientation, PdfBuilder};
use crate::store::Store;
use mesa_docwriter::xlsx;

/// Month abbreviations of the cronograma's columns.
pub const MONTHS_SHORT: [&str; 12] = [
    "Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic",
];

/// Colours of the cronograma (XLSX and PDF), `#RRGGBB`.
pub fn cell_colour(state: CellState) -> Option<&'static str> {
    match state {
        CellState::None => None,
        CellState::Programmed => Some("#BDD7EE"),
        CellState::Overdue => Some("#F4B6B6"),
        CellState::Moved => Some("#FCE4B6"),
        CellState::Executed => Some("#A9D08E"),
        CellState::ExecutedOutOfMonth => Some("#FFD966"),
    }
}

const LEGEND: [(CellState, &str); 5] = [
    (CellState::Programmed, "P: programado"),
    (CellState::Overdue, "P: programado no ejecutado (vencido)"),
    (CellState::Moved, "P: ejecutado en otro mes"),
    (CellState::Executed, "E: ejecutado en el mes programado"),
    (
        CellState::ExecutedOutOfMonth,
        "E: ejecutado fuera del mes programado",
    ),
];

/// `YYYY-MM-DD` → `dd/mm/aaaa`; a bare year or anything else is kept.
pub fn fmt_date(s: &str) -> String {
    let s = s.trim();
    let d = s.get(..10).unwrap_or(s);
    match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => s.to_string(),
    }
}

/// `1234567.0` → `$ 1.234.567`.
pub fn fmt_money(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("$ {}{out}", if n < 0 { "-" } else { "" })
}

fn fmt_ram(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{} GB", v as i64)
    } else {
        format!("{v} GB").replace('.', ",")
    }
}

fn o(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl Store {
    fn entity(&self) -> Result<(String, Option<String>)> {
        let name = self
            .setting("entity_name")?
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "Entidad".into());
        let nit = self.setting("entity_nit")?.filter(|s| !s.trim().is_empty());
        Ok((name, nit))
    }

    fn header(&self, title: &str, reference: Option<String>) -> Result<DocHeader> {
        let (entity, nit) = self.entity()?;
        Ok(DocHeader {
            entity,
            nit,
            title: title.to_string(),
            reference,
            logo_png: self.entity_logo()?,
        })
    }

    fn staff_name(&self, role: &str) -> Result<String> {
        use crate::db::OptionalExt;
        Ok(self
            .conn
            .query_row(
                "SELECT name FROM staff WHERE role = ?1 AND active = 1 ORDER BY level, id LIMIT 1",
                [role],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default())
    }

    /// The hoja de vida of an equipment as PDF.
    pub fn asset_sheet_pdf(&self, tag: &str, actor: &str, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let rec: AssetRecord = self.asset_record(tag)?;
        let a = &rec.asset;
        let generated = to_local(now).format("%d/%m/%Y %H:%M").to_string();
        let mut b = PdfBuilder::new(
            self.header("Hoja de vida de equipo", Some(format!("Placa {}", a.tag)))?,
            Orientation::Portrait,
        )?;
        b.set_footer_note(&format!("Generado el {generated} — Mesa de Ayuda TI"));
        b.heading("1. Identificación");
        b.key_values(
            &[
                ("Placa", a.tag.clone()),
                ("Tipo", a.kind.clone()),
                ("Marca", o(&a.brand)),
                ("Modelo", o(&a.model)),
                ("Serial", o(&a.serial)),
                ("Estado", a.status.label().to_string()),
                ("Dependencia", o(&a.department)),
                ("Ubicación", o(&a.location)),
                ("Responsable", o(&a.custodian)),
                (
                    "Fecha de adquisición",
                    a.acquired_on.as_deref().map(fmt_date).unwrap_or_default(),
                ),
                ("Proveedor", o(&a.supplier)),
                ("Valor", a.value.map(fmt_money).unwrap_or_default()),
                (
                    "Garantía hasta",
                    a.warranty_until
                        .as_deref()
                        .map(fmt_date)
                        .unwrap_or_default(),
                ),
                (
                    "Concepto de baja",
                    a.decommission_concept.clone().unwrap_or_default(),
                ),
            ],
            2,
        );
        // The equipment's photo (a PNG or JPEG attachment marked as photo), when it has one.
        if let Some((_, bytes)) = self.asset_photo_of(&a.tag)? {
            b.heading("Foto del equipo");
            let _ = b.photo(&bytes, 180.0, 135.0);
        }
        b.heading("2. Especificaciones técnicas");
        b.key_values(
            &[
                ("Procesador", o(&a.cpu)),
                ("Memoria RAM", a.ram_gb.map(fmt_ram).unwrap_or_default()),
                ("Disco", o(&a.disk)),
                ("Sistema operativo", o(&a.os)),
                ("Licencia del SO", o(&a.os_license)),
                ("Licencia de ofimática", o(&a.office_license)),
            ],
            2,
        );
        b.heading("3. Red");
        b.key_values(
            &[
                ("Nombre del equipo", o(&a.hostname)),
                ("Dirección IP", o(&a.ip)),
                ("Dirección MAC", o(&a.mac)),
            ],
            3,
        );
        if !rec.peripherals.is_empty() {
            b.heading("4. Periféricos");
            let rows: Vec<Vec<Cell>> = rec
                .peripherals
                .iter()
                .map(|p| {
                    vec![
                        Cell::text(p.kind.clone()),
                        Cell::text(o(&p.brand)),
                        Cell::text(o(&p.model)),
                        Cell::text(o(&p.serial)),
                        Cell::text(o(&p.tag)),
                    ]
                })
                .collect();
            b.table(
                &[
                    Column::new("Tipo", 2.0),
                    Column::new("Marca", 2.0),
                    Column::new("Modelo", 2.0),
                    Column::new("Serial", 2.0),
                    Column::new("Placa", 1.5),
                ],
                &rows,
                8.5,
            );
        }
        b.heading("Historia del equipo");
        let rows: Vec<Vec<Cell>> = rec
            .events
            .iter()
            .map(|e| {
                let mut d = e.description.clone().unwrap_or_default();
                if let (Some(old), Some(new)) = (&e.old_value, &e.new_value) {
                    let change = format!("{old} → {new}");
                    d = if d.is_empty() {
                        change
                    } else {
                        format!("{d} ({change})")
                    };
                } else if let (None, Some(new)) = (&e.old_value, &e.new_value) {
                    if e.kind == "edit" || e.kind == "custodian" {
                        d = format!("{d} → {new}").trim_start_matches(" → ").to_string();
                    }
                }
                if let Some(f) = &e.field {
                    if e.kind == "edit" {
                        d = format!("{f}: {d}");
                    }
                }
                if let Some(p) = &e.part {
                    d.push_str(&format!(" — Parte: {p}"));
                }
                if let Some(s) = &e.part_serial {
                    d.push_str(&format!(" (serie {s})"));
                }
                vec![
                    Cell::text(fmt_date(&e.happened_on)),
                    Cell::text(event_kind_label(&e.kind)),
                    Cell::text(d),
                    Cell::text(e.actor.clone()),
                    Cell::text(
                        e.ticket_number
                            .clone()
                            .or(e.concept_number.clone())
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect();
        b.table(
            &[
                Column::new("Fecha", 1.3),
                Column::new("Tipo", 2.8),
                Column::new("Descripción", 5.2),
                Column::new("Registró", 1.8),
                Column::new("Caso / concepto", 1.8),
            ],
            &rows,
            8.0,
        );
        b.heading("Casos relacionados");
        if rec.cases.is_empty() {
            b.paragraph(
                "No hay casos registrados con la placa de este equipo.",
                9.0,
                false,
            );
        } else {
            let rows: Vec<Vec<Cell>> = rec
                .cases
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(c.number.clone()),
                        Cell::text(c.received_at.as_deref().map(fmt_date).unwrap_or_default()),
                        Cell::text(c.status.label()),
                        Cell::text(c.description.clone()),
                        Cell::text(o(&c.solution)),
                    ]
                })
                .collect();
            b.table(
                &[
                    Column::new("Caso", 1.7),
                    Column::new("Recibido", 1.3),
                    Column::new("Estado", 1.3),
                    Column::new("Descripción", 4.0),
                    Column::new("Solución", 4.0),
                ],
                &rows,
                8.0,
            );
        }
        if let Some(n) = &a.notes {
            b.heading("Observaciones");
            b.paragraph(n, 9.0, false);
        }
        b.signatures(&self.signature_blocks(actor, None, None)?[..2]);
        Ok(b.finish()?)
    }

    /// The concepto técnico de baja as PDF, with the signature blocks.
    pub fn decommission_pdf(&self, number: &str, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let c: DecommissionConcept = self.decommission_concept(number)?;
        let a = self.get_asset(&c.tag)?;
        let generated = to_local(now).format("%d/%m/%Y %H:%M").to_string();
        let mut b = PdfBuilder::new(
            self.header(
                "Concepto técnico de baja",
                Some(format!("N.º {} — {}", c.number, fmt_date(&c.concept_date))),
            )?,
            Orientation::Portrait,
        )?;
        b.set_footer_note(&format!("Generado el {generated} — Mesa de Ayuda TI"));
        b.heading("Datos del equipo");
        b.key_values(
            &[
                ("Placa", a.tag.clone()),
                ("Tipo", a.kind.clone()),
                ("Marca", o(&a.brand)),
                ("Modelo", o(&a.model)),
                ("Serial", o(&a.serial)),
                ("Dependencia", o(&a.department)),
                ("Ubicación", o(&a.location)),
                ("Responsable", o(&a.custodian)),
                (
                    "Fecha de adquisición",
                    a.acquired_on.as_deref().map(fmt_date).unwrap_or_default(),
                ),
                ("Valor", a.value.map(fmt_money).unwrap_or_default()),
            ],
            2,
        );
        for (title, text) in [
            ("Diagnóstico", &c.diagnosis),
            ("Causa de la baja", &c.cause),
            ("Recomendación", &c.recommendation),
            ("Destino final", &c.destination),
        ] {
            b.heading(title);
            b.paragraph(text, 9.5, false);
        }
        b.heading("Estado del concepto");
        let estado = if c.status == "approved" {
            format!(
                "Aprobado el {}. El equipo quedó dado de baja.",
                c.approved_at.as_deref().map(fmt_date).unwrap_or_default()
            )
        } else {
            "Borrador pendiente de aprobación.".to_string()
        };
        b.paragraph(&estado, 9.5, false);
        b.signatures(&self.signature_blocks(
            &c.technician,
            c.engineer.as_deref(),
            c.approver.as_deref(),
        )?);
        Ok(b.finish()?)
    }

    /// The inventory of equipment as XLSX (every field, equipment dado de baja included).
    pub fn inventory_xlsx(&self, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let assets = self.list_assets(&AssetQuery {
            include_decommissioned: true,
            ..Default::default()
        })?;
        let (entity, nit) = self.entity()?;
        let err = xlsx::err("inventario XLSX");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Inventario").map_err(&err)?;
        let title = xlsx::title();
        let head = xlsx::header()
            .set_text_wrap()
            .set_align(FormatAlign::Center);
        let cell = Format::new().set_border(FormatBorder::Thin);
        ws.write_string_with_format(0, 0, &entity, &title)
            .map_err(&err)?;
        ws.write_string(1, 0, nit.map(|n| format!("NIT {n}")).unwrap_or_default())
            .map_err(&err)?;
        ws.write_string(
            2,
            0,
            format!(
                "Inventario de equipos tecnológicos — generado el {}",
                to_local(now).format("%d/%m/%Y %H:%M")
            ),
        )
        .map_err(&err)?;
        let headers = [
            ("Placa", 11.0),
            ("Tipo", 20.0),
            ("Marca", 12.0),
            ("Modelo", 16.0),
            ("Serial", 16.0),
            ("Procesador", 20.0),
            ("RAM (GB)", 8.0),
            ("Disco", 14.0),
            ("Sistema operativo", 18.0),
            ("Licencia SO", 14.0),
            ("Licencia ofimática", 16.0),
            ("Nombre del equipo", 14.0),
            ("IP", 13.0),
            ("MAC", 16.0),
            ("Dependencia", 22.0),
            ("Ubicación", 16.0),
            ("Responsable", 22.0),
            ("Fecha de adquisición", 12.0),
            ("Proveedor", 16.0),
            ("Valor", 14.0),
            ("Garantía hasta", 12.0),
            ("Estado", 13.0),
            ("Concepto de baja", 14.0),
            ("Observaciones", 30.0),
        ];
        let hr = 4u32;
        for (i, (h, w)) in headers.iter().enumerate() {
            ws.write_string_with_format(hr, i as u16, *h, &head)
                .map_err(&err)?;
            ws.set_column_width(i as u16, *w).map_err(&err)?;
        }
        let money = Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format("$ #,##0");
        for (r, a) in assets.iter().enumerate() {
            let row = hr + 1 + r as u32;
            let texts = [
                a.tag.clone(),
                a.kind.clone(),
                o(&a.brand),
                o(&a.model),
                o(&a.serial),
                o(&a.cpu),
                String::new(),
                o(&a.disk),
                o(&a.os),
                o(&a.os_license),
                o(&a.office_license),
                o(&a.hostname),
                o(&a.ip),
                o(&a.mac),
                o(&a.department),
                o(&a.location),
                o(&a.custodian),
                a.acquired_on.as_deref().map(fmt_date).unwrap_or_default(),
                o(&a.supplier),
                String::new(),
                a.warranty_until
                    .as_deref()
                    .map(fmt_date)
                    .unwrap_or_default(),
                a.status.label().to_string(),
                o(&a.decommission_concept),
                o(&a.notes),
            ];
            for (c, t) in texts.iter().enumerate() {
                ws.write_string_with_format(row, c as u16, t, &cell)
                    .map_err(&err)?;
            }
            if let Some(v) = a.ram_gb {
                ws.write_number_with_format(row, 6, v, &cell)
                    .map_err(&err)?;
            }
            if let Some(v) = a.value {
                ws.write_number_with_format(row, 19, v, &money)
                    .map_err(&err)?;
            }
        }
        let last = hr + assets.len() as u32;
        ws.autofilter(hr, 0, last.max(hr), headers.len() as u16 - 1)
            .map_err(&err)?;
        ws.set_freeze_panes(hr + 1, 1).map_err(&err)?;
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(hr, hr).map_err(&err)?;
        Ok(wb.save_to_buffer().map_err(&err)?)
    }

    /// The cronograma of a year as XLSX: entity header, one row per item, 12 month columns with
    /// P/E coloured, legend and compliance; landscape, one page wide.
    pub fn cronograma_xlsx(&self, year: i64, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let cr = self.cronograma(year, now)?;
        let (entity, nit) = self.entity()?;
        let err = xlsx::err("cronograma XLSX");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(format!("Cronograma {year}")).map_err(&err)?;
        write_cronograma_sheet(ws, &cr, &entity, nit.as_deref(), now).map_err(&err)?;
        Ok(wb.save_to_buffer().map_err(&err)?)
    }

    /// The cronograma of a year as PDF (landscape), same layout as the XLSX.
    pub fn cronograma_pdf(&self, year: i64, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let cr = self.cronograma(year, now)?;
        let generated = to_local(now).format("%d/%m/%Y %H:%M").to_string();
        let mut b = PdfBuilder::new(
            self.header(
                &format!("Cronograma de mantenimiento preventivo {year}"),
                Some(format!("Vigencia {year}")),
            )?,
            Orientation::Landscape,
        )?;
        b.set_footer_note(&format!("Generado el {generated} — Mesa de Ayuda TI"));
        b.paragraph(&cr.plan_name, 10.0, true);
        b.space(4.0);
        let mut cols = vec![
            Column::centered("N.º", 0.7),
            Column::new("Equipo / área", 3.0),
            Column::new("Marca", 1.2),
            Column::new("Modelo", 1.4),
            Column::new("Serie", 1.4),
            Column::new("Ubicación", 1.8),
            Column::new("Actividad", 3.0),
            Column::new("Frecuencia", 1.75),
        ];
        for m in MONTHS_SHORT {
            cols.push(Column::centered(m, 0.8));
        }
        let rows: Vec<Vec<Cell>> = cr
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let it = &r.item;
                let mut v = vec![
                    Cell::text((i + 1).to_string()),
                    Cell::text(it.label.clone()),
                    Cell::text(o(&it.brand)),
                    Cell::text(o(&it.model)),
                    Cell::text(o(&it.serial)),
                    Cell::text(o(&it.location)),
                    Cell::text(it.activity.clone()),
                    Cell::text(it.frequency.label()),
                ];
                for c in &r.cells {
                    v.push(Cell::filled(
                        c.mark.clone(),
                        cell_colour(c.state).map(Colour::hex),
                    ));
                }
                v
            })
            .collect();
        b.table(&cols, &rows, 7.5);
        let legend: Vec<(Colour, &str)> = LEGEND
            .iter()
            .map(|(s, l)| (Colour::hex(cell_colour(*s).unwrap_or("#FFFFFF")), *l))
            .collect();
        b.legend(&legend);
        let c = &cr.compliance;
        b.paragraph(
            &format!(
                "Cumplimiento al {}: {} de {} actividades programadas ejecutadas ({:.1} %); \
                 ejecutadas en el mes programado: {} ({:.1} %).",
                fmt_date(&c.upto),
                c.executed,
                c.programmed,
                c.pct_executed,
                c.on_time,
                c.pct_on_time
            ),
            9.0,
            false,
        );
        b.signatures(&self.signature_blocks(&self.staff_name("tecnico")?, None, None)?);
        Ok(b.finish()?)
    }
}

fn write_cronograma_sheet(
    ws: &mut Worksheet,
    cr: &Cronograma,
    entity: &str,
    nit: Option<&str>,
    now: DateTime<Utc>,
) -> std::result::Result<(), XlsxError> {
    let fixed = [
        ("N.º", 5.0),
        ("Equipo / área", 34.0),
        ("Marca", 12.0),
        ("Modelo", 14.0),
        ("Serie", 14.0),
        ("Ubicación", 20.0),
        ("Actividad", 34.0),
        ("Frecuencia", 11.0),
        ("Responsable", 18.0),
    ];
    let last_col = (fixed.len() + 12 - 1) as u16;
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let sub = Format::new().set_align(FormatAlign::Center);
    let subb = Format::new().set_bold().set_align(FormatAlign::Center);
    ws.merge_range(0, 0, 0, last_col, entity, &title)?;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        &nit.map(|n| format!("NIT {n}")).unwrap_or_default(),
        &sub,
    )?;
    ws.merge_range(
        2,
        0,
        2,
        last_col,
        &format!(
            "CRONOGRAMA DE MANTENIMIENTO PREVENTIVO — VIGENCIA {}",
            cr.year
        ),
        &subb,
    )?;
    ws.merge_range(
        3,
        0,
        3,
        last_col,
        &format!(
            "{} — generado el {}",
            cr.plan_name,
            to_local(now).format("%d/%m/%Y")
        ),
        &sub,
    )?;
    let head = xlsx::header()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let hr = 5u32;
    for (i, (h, w)) in fixed.iter().enumerate() {
        ws.write_string_with_format(hr, i as u16, *h, &head)?;
        ws.set_column_width(i as u16, *w)?;
    }
    for (m, name) in MONTHS_SHORT.iter().enumerate() {
        let c = (fixed.len() + m) as u16;
        ws.write_string_with_format(hr, c, *name, &head)?;
        ws.set_column_width(c, 5.0)?;
    }
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let plain_month = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let month_fmt = |state: CellState| -> Format {
        match cell_colour(state) {
            Some(hex) => {
                let rgb = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0xFFFFFF);
                Format::new()
                    .set_bold()
                    .set_border(FormatBorder::Thin)
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter)
                    .set_background_color(Color::RGB(rgb))
            }
            None => plain_month.clone(),
        }
    };
    for (i, r) in cr.rows.iter().enumerate() {
        let row = hr + 1 + i as u32;
        let it = &r.item;
        let texts = [
            (i + 1).to_string(),
            it.label.clone(),
            o(&it.brand),
            o(&it.model),
            o(&it.serial),
            o(&it.location),
            it.activity.clone(),
            it.frequency.label().to_string(),
            it.responsible.clone(),
        ];
        for (c, t) in texts.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, t, &cell)?;
        }
        for c in &r.cells {
            let col = (fixed.len() as i64 + c.month - 1) as u16;
            ws.write_string_with_format(row, col, &c.mark, &month_fmt(c.state))?;
        }
    }
    let mut row = hr + 2 + cr.rows.len() as u32;
    let bold = xlsx::bold();
    ws.write_string_with_format(row, 1, "Convenciones", &bold)?;
    row += 1;
    for (state, label) in LEGEND {
        ws.write_string_with_format(row, 0, state.mark(), &month_fmt(state))?;
        ws.write_string(row, 1, label)?;
        row += 1;
    }
    row += 1;
    let c = &cr.compliance;
    ws.write_string_with_format(
        row,
        1,
        format!("Indicador de cumplimiento al {}", fmt_date(&c.upto)),
        &bold,
    )?;
    row += 1;
    let pct = Format::new().set_num_format("0.0\" %\"");
    for (label, n, p) in [
        ("Actividades programadas", c.programmed as f64, None::<f64>),
        ("Ejecutadas", c.executed as f64, Some(c.pct_executed)),
        (
            "Ejecutadas en el mes programado",
            c.on_time as f64,
            Some(c.pct_on_time),
        ),
    ] {
        ws.write_string(row, 1, label)?;
        ws.write_number(row, 2, n)?;
        if let Some(p) = p {
            ws.write_number_with_format(row, 3, p, &pct)?;
        }
        row += 1;
    }
    ws.write_string(
        row,
        1,
        "Cumplimiento = ejecutadas ÷ programadas hasta la fecha; a tiempo = ejecutadas dentro del mes programado.",
    )?;
    row += 3;
    for (i, role) in ["Elaboró", "Revisó", "Aprobó"].iter().enumerate() {
        let col = (1 + i * 3) as u16;
        ws.write_string_with_format(row, col, "______________________________", &Format::new())?;
        ws.write_string_with_format(row + 1, col, *role, &bold)?;
    }
    ws.set_freeze_panes(hr + 1, 2)?;
    ws.set_landscape();
    ws.set_paper_size(1); // carta
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(hr, hr)?;
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_footer("&CPágina &P de &N");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(fmt_date("2024-03-05"), "05/03/2024");
        assert_eq!(fmt_date("2019"), "2019");
        assert_eq!(fmt_money(1234567.0), "$ 1.234.567");
        assert_eq!(fmt_money(950.0), "$ 950");
        assert_eq!(fmt_ram(8.0), "8 GB");
        assert_eq!(fmt_ram(0.5), "0,5 GB");
    }
}
