//! Import of legacy spreadsheets (case logs and equipment inventories) and real help-desk
//! exports (GLPI). The format is sniffed from the content; the header row is found by meaning;
//! values are normalised onto the catalogs; every source column that maps to no field is kept
//! in `extra`; every record keeps its provenance. A dry run reports what would happen; a
//! commit writes one batch in one transaction, and a batch can be undone.
//!
//! Pipeline: [`detect`] → [`read::Workbook`] (rows of typed [`read::Cell`]s, streamed) →
//! [`fields::detect_header`] → [`records`] (one normalised record per case row) → a sink
//! (dry-run counter or the store, see [`commit`]).

/// Reading the files themselves is a crate of its own (`crates/sheets`).
pub use mesa_sheets::{csv, detect, read, sheet};

pub mod bench;
pub mod commit;
pub mod fields;
pub mod infer;
pub mod lexicon;
pub mod problems;
pub mod records;
pub mod values;

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

pub use detect::Format;
pub use fields::ImportKind;
pub use records::{AssetRecord, CaseRecord, Record};

use crate::text::fold;

/// Why a whole file cannot be imported. Spanish: what is wrong and what to do.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum ImportError {
    #[error(
        "El archivo está dañado o incompleto: no se pudo leer como hoja de cálculo. Ábralo en \
         Excel o LibreOffice, guárdelo de nuevo (o pida una copia completa) y vuelva a \
         importarlo. No se importó nada."
    )]
    Damaged,
    #[error(
        "El libro está protegido con contraseña y no se puede leer. Ábralo en Excel, quite la \
         contraseña (Archivo › Información › Proteger libro › Cifrar con contraseña, dejándola \
         vacía), guárdelo y vuelva a importarlo. No se importó nada."
    )]
    Password,
    #[error(
        "El archivo no contiene datos: todas sus hojas están vacías. Revise que eligió el \
         archivo correcto. No se importó nada."
    )]
    Empty,
    #[error(
        "La hoja «{0}» solo tiene la fila de encabezados, sin filas de datos. Revise que \
         eligió el archivo o la hoja correcta. No se importó nada."
    )]
    HeaderOnly(String),
    #[error(
        "No se reconocieron columnas de {what} en el archivo (se necesitan al menos tres, por \
         ejemplo fecha, solicitante y descripción). Encabezados encontrados: {found}. Asigne \
         las columnas en la pantalla de vista previa o con un mapeo (--mapping). No se importó \
         nada."
    )]
    NoColumns { what: &'static str, found: String },
    #[error("El archivo no se puede importar: {0}. Use un archivo .xlsx, .xlsm, .xls, .ods o .csv. No se importó nada.")]
    Unsupported(String),
    #[error("El archivo no tiene la hoja «{0}». Hojas disponibles: {1}.")]
    SheetNotFound(String, String),
    #[error("El archivo cambió desde la vista previa (su huella SHA-256 es distinta). Vuelva a cargarlo.")]
    Changed,
    #[error(
        "El módulo de equipos todavía no está disponible en esta versión: el inventario se \
         puede revisar (simulación) pero no guardar. No se importó nada."
    )]
    AssetsUnavailable,
    #[error("No existe el lote de importación {0}.")]
    BatchNotFound(i64),
    #[error("El lote de importación {0} ya fue deshecho.")]
    BatchUndone(i64),
    #[error(
        "No se puede deshacer el lote {batch}: {count} caso(s) importado(s) tienen cambios \
         posteriores (por ejemplo {example}). No se hizo nada."
    )]
    BatchTouched {
        batch: i64,
        count: i64,
        example: String,
    },
    #[error("El mapeo guardado no es válido: {0}")]
    BadMapping(String),
    #[error("Importación cancelada: no se guardó nada.")]
    Cancelled,
}

impl From<mesa_sheets::ReadError> for ImportError {
    fn from(e: mesa_sheets::ReadError) -> Self {
        match e {
            mesa_sheets::ReadError::Damaged => ImportError::Damaged,
            mesa_sheets::ReadError::Password => ImportError::Password,
            mesa_sheets::ReadError::Empty => ImportError::Empty,
            mesa_sheets::ReadError::Unsupported(what) => ImportError::Unsupported(what),
        }
    }
}

impl From<mesa_sheets::ReadError> for crate::CoreError {
    fn from(e: mesa_sheets::ReadError) -> Self {
        ImportError::from(e).into()
    }
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Damaged => "import_damaged",
            ImportError::Password => "import_password",
            ImportError::Empty => "import_empty",
            ImportError::HeaderOnly(_) => "import_header_only",
            ImportError::NoColumns { .. } => "import_no_columns",
            ImportError::Unsupported(_) => "import_unsupported",
            ImportError::SheetNotFound(..) => "import_sheet_not_found",
            ImportError::Changed => "import_changed",
            ImportError::AssetsUnavailable => "import_assets_unavailable",
            ImportError::BatchNotFound(_) => "import_batch_not_found",
            ImportError::BatchUndone(_) => "import_batch_undone",
            ImportError::BatchTouched { .. } => "import_batch_touched",
            ImportError::BadMapping(_) => "import_bad_mapping",
            ImportError::Cancelled => "import_cancelled",
        }
    }
}

/// A saved mapping: header text → field key (`""` keeps the column as an extra field), and
/// value maps per catalog field (`department`, `service_type`, `status`, `tipo`, `estado`):
/// raw text → canonical value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Mapping {
    #[serde(default)]
    pub kind: Option<ImportKind>,
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Columns mapped by their content, not their header (header text → field key). Recorded
    /// in the batch so that a re-import with the batch's mapping maps them the same way.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inferred: BTreeMap<String, String>,
}

impl Mapping {
    pub fn from_json(s: &str) -> Result<Self, ImportError> {
        let m: Mapping =
            serde_json::from_str(s).map_err(|e| ImportError::BadMapping(e.to_string()))?;
        let kind = m.kind.unwrap_or_default();
        for (h, f) in m.columns.iter().chain(&m.inferred) {
            if !f.is_empty() && !fields::fields(kind).iter().any(|d| d.key == f) {
                return Err(ImportError::BadMapping(format!(
                    "la columna «{h}» apunta a «{f}», que no es un campo conocido"
                )));
            }
        }
        Ok(m)
    }

    fn column(&self, header: &str) -> Option<&str> {
        let f = fold(header);
        self.columns
            .iter()
            .find(|(h, _)| fold(h) == f)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn value(&self, field: &str, raw: &str) -> Option<&str> {
        let f = fold(raw);
        self.values
            .get(field)?
            .iter()
            .find(|(k, _)| fold(k) == f)
            .map(|(_, v)| v.as_str())
    }
}

/// Options of one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub kind: ImportKind,
    pub sheet: Option<String>,
    pub mapping: Option<Mapping>,
    /// The SHA-256 the caller previewed; the import refuses a different file.
    pub expect_hash: Option<String>,
    /// Set by another thread to stop the import; nothing is written (checked on every row).
    pub cancel: Option<Arc<AtomicBool>>,
}

impl ImportOptions {
    pub(crate) fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

/// One problem of one row (or of a whole sheet, `row` = null).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Problem {
    pub sheet: String,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub message: String,
}

/// How a column got its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MapSource {
    /// Its header is in the lexicon.
    Header,
    /// Its values say it (a suggestion the user accepts or changes).
    Content,
    /// The user's (or a saved) mapping.
    Mapping,
}

/// One column of a sheet as mapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ColumnMap {
    /// Spreadsheet letter (A, B, …) or field number for text files.
    pub column: String,
    pub header: String,
    /// Field key, or `null` when kept as an extra field.
    pub field: Option<String>,
    pub field_label: Option<String>,
    /// How the field was found (`null` when kept as an extra field).
    pub source: Option<MapSource>,
    /// Why a column that looks like a field stays an extra field (that field is in another
    /// column), or what its content showed.
    pub note: Option<String>,
}

/// Rows of a sheet skipped for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SkippedRows {
    /// Stable key: `blank`, `repeated_header`, `total`, `footer`, `note`.
    pub reason: String,
    pub label: String,
    pub count: u32,
}

/// A few mapped rows for the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviewRow {
    pub row: u32,
    pub values: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SheetReport {
    pub name: String,
    pub header_row: Option<u32>,
    pub columns: Vec<ColumnMap>,
    pub preview: Vec<PreviewRow>,
    /// Records found on the sheet (before duplicates).
    pub records: u32,
    /// Why the sheet was skipped, when it was.
    pub skipped: Option<String>,
    /// Rows seen below the header; always `cases + duplicates + rejected + Σ skipped_rows`.
    pub rows: u32,
    /// New records (imported, or that a dry run would import).
    pub cases: u32,
    /// Rows counted once: exact repeats in the file and records already imported.
    pub duplicates: u32,
    /// Rows refused with an error (equipment without placa, serial or type; never a case).
    pub rejected: u32,
    /// Rows that hold nothing of a record, by reason (only reasons with rows).
    pub skipped_rows: Vec<SkippedRows>,
}

impl SheetReport {
    /// Do the sheet's counts add up (rows seen = cases + duplicates + rejected + skipped)?
    pub fn balanced(&self) -> bool {
        self.rows
            == self.cases
                + self.duplicates
                + self.rejected
                + self.skipped_rows.iter().map(|s| s.count).sum::<u32>()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UnknownValue {
    pub field: String,
    pub value: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldOption {
    pub key: String,
    pub label: String,
}

/// The summary of a dry run or a commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub file: String,
    pub sha256: String,
    pub format: Format,
    pub format_label: String,
    pub encoding: Option<String>,
    pub kind: ImportKind,
    pub dry_run: bool,
    /// Records imported (or, in a dry run, that would be).
    pub imported: u32,
    /// Rows counted once: exact repeats in the file and records already imported.
    pub duplicates: u32,
    pub warnings: Vec<Problem>,
    pub errors: Vec<Problem>,
    pub sheets: Vec<SheetReport>,
    pub unknown_values: Vec<UnknownValue>,
    pub status_counts: BTreeMap<String, u32>,
    /// Fields a column can be mapped to (for the mapping selects).
    pub fields: Vec<FieldOption>,
    pub batch: Option<i64>,
}

impl ImportReport {
    /// The mapping this import used, ready to save and reuse: every column's field (`""` for an
    /// extra field) and the value maps of `given`; columns mapped by their content are also
    /// listed in `inferred`. Stored with the batch, so a re-import maps the same way.
    pub fn effective_mapping(&self, given: Option<&Mapping>) -> Mapping {
        let mut m = Mapping {
            kind: Some(self.kind),
            values: given.map(|g| g.values.clone()).unwrap_or_default(),
            ..Default::default()
        };
        for s in &self.sheets {
            for c in &s.columns {
                let f = c.field.clone().unwrap_or_default();
                if c.source == Some(MapSource::Content) {
                    m.inferred.insert(c.header.clone(), f.clone());
                }
                m.columns.insert(c.header.clone(), f);
            }
        }
        m
    }
}

/// Progress of a long import.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportProgress {
    pub rows: u64,
    pub imported: u64,
}

/// Column letter of a 0-based index (A, …, Z, AA, …).
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// What the sink says about a record.
pub enum Sink {
    New,
    AlreadyImported,
}

/// Reads `bytes`, maps every sheet and feeds each new record to `sink` (exact repeats within
/// the file are counted once and never reach the sink). Returns the report without `batch`.
pub fn analyze(
    bytes: &[u8],
    file_name: &str,
    opts: &ImportOptions,
    catalogs: &records::Catalogs,
    sink: &mut dyn FnMut(Record) -> crate::Result<Sink>,
    progress: &mut dyn FnMut(ImportProgress),
) -> crate::Result<ImportReport> {
    let sha256 = sha256_hex(bytes);
    if let Some(h) = &opts.expect_hash {
        if !h.eq_ignore_ascii_case(&sha256) {
            return Err(ImportError::Changed.into());
        }
    }
    let format = detect::detect(bytes)?;
    let mut wb = read::Workbook::open(bytes, format)?;
    let kind = opts.kind;
    let mapping = opts.mapping.clone().unwrap_or_default();
    let mut report = ImportReport {
        file: file_name.to_string(),
        sha256,
        format,
        format_label: format.label().to_string(),
        encoding: wb.text_info.map(|(e, d)| {
            let d = match d {
                '\t' => "tabulador".to_string(),
                c => format!("«{c}»"),
            };
            format!("{e}, separador {d}")
        }),
        kind,
        dry_run: true,
        imported: 0,
        duplicates: 0,
        warnings: vec![],
        errors: vec![],
        sheets: vec![],
        unknown_values: vec![],
        status_counts: BTreeMap::new(),
        fields: fields::fields(kind)
            .iter()
            .map(|d| FieldOption {
                key: d.key.to_string(),
                label: d.label.to_string(),
            })
            .collect(),
        batch: None,
    };
    let names: Vec<(String, bool)> = wb.sheets.clone();
    let wanted: Vec<(String, bool)> = match &opts.sheet {
        Some(s) if format != Format::Csv => {
            let found = names
                .iter()
                .find(|(n, _)| n == s || fold(n) == fold(s))
                .cloned()
                .ok_or_else(|| {
                    ImportError::SheetNotFound(
                        s.clone(),
                        names
                            .iter()
                            .map(|(n, _)| format!("«{n}»"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })?;
            vec![(found.0, true)]
        }
        _ => names,
    };
    let mut state = records::State::new(kind, catalogs, &mapping);
    let mut seen_content: HashSet<[u8; 32]> = HashSet::new();
    let mut seen_key: HashSet<String> = HashSet::new();
    let mut any_content = false;
    let mut any_header = false;
    let mut header_only: Option<String> = None;
    let mut found_headers: Vec<String> = Vec::new();
    let mut rows_read: u64 = 0;
    let imported_now = std::cell::Cell::new(0u64);
    let matcher = |k: ImportKind, h: &str| -> Option<(usize, f64)> {
        match mapping.column(h) {
            Some("") => None,
            Some(key) => fields::fields(k)
                .iter()
                .position(|d| d.key == key)
                .map(|i| (i, 100.0)),
            None => fields::match_header(k, h),
        }
    };
    for (sheet, visible) in wanted {
        let display = if format == Format::Csv {
            String::new()
        } else {
            sheet.clone()
        };
        let mut sr = SheetReport {
            name: display.clone(),
            header_row: None,
            columns: vec![],
            preview: vec![],
            records: 0,
            skipped: None,
            rows: 0,
            cases: 0,
            duplicates: 0,
            rejected: 0,
            skipped_rows: vec![],
        };
        if !visible {
            sr.skipped = Some("hoja oculta".into());
            report.sheets.push(sr);
            continue;
        }
        let mut skips: BTreeMap<records::SkipReason, u32> = BTreeMap::new();
        let res = wb.with_rows(&sheet, |rows| -> crate::Result<()> {
            // Buffer the first rows (blank ones too, so that they are counted): 30 non-blank
            // rows to find the header, then a sample for content inference.
            let mut buf: Vec<read::SheetRow> = Vec::new();
            let mut non_blank = 0usize;
            for r in &mut *rows {
                let r = r?;
                rows_read += 1;
                if !r.is_blank() {
                    non_blank += 1;
                }
                buf.push(r);
                if non_blank >= 30 + infer::SAMPLE_ROWS {
                    break;
                }
            }
            let head: Vec<read::SheetRow> = buf
                .iter()
                .filter(|r| !r.is_blank())
                .take(30)
                .cloned()
                .collect();
            if head.is_empty() {
                sr.skipped = Some("hoja vacía".into());
                return Ok(());
            }
            any_content = true;
            let sample_after = |row: u32| -> Vec<read::SheetRow> {
                buf.iter()
                    .filter(|r| r.row > row && !r.is_blank())
                    .take(infer::SAMPLE_ROWS)
                    .cloned()
                    .collect()
            };
            let locked = |h: &str| mapping.column(h).is_some();
            let mut found = fields::detect_header(kind, &head, &matcher).map(|mut h| {
                let sample = sample_after(h.row);
                let inferred = infer::infer(kind, &mut h, &sample, catalogs, &locked);
                (h, inferred)
            });
            if found.is_none() && kind == ImportKind::Cases {
                // Headers in words nobody listed: a header-shaped row whose columns' content
                // names at least three fields.
                found = fields::header_candidates(&head).into_iter().find_map(|i| {
                    let mut h = fields::header_at(kind, &head, i, &matcher);
                    let sample = sample_after(h.row);
                    let inferred = infer::infer(kind, &mut h, &sample, catalogs, &locked);
                    let named = h.columns.iter().filter(|c| c.2.is_some()).count();
                    (named >= 3).then_some((h, inferred))
                });
            }
            let Some((header, inferred)) = found else {
                sr.skipped = Some(format!(
                    "no tiene encabezados de {} reconocibles",
                    if kind == ImportKind::Cases {
                        "casos"
                    } else {
                        "equipos"
                    }
                ));
                for r in head.iter().take(3) {
                    for c in &r.cells {
                        let t = c.text();
                        if !t.trim().is_empty() && found_headers.len() < 12 {
                            found_headers.push(format!("«{}»", t.trim()));
                        }
                    }
                }
                report.warnings.push(Problem {
                    sheet: display.clone(),
                    row: None,
                    column: None,
                    message: format!(
                        "La hoja «{}» no parece contener {}; se omitió.",
                        sheet,
                        if kind == ImportKind::Cases {
                            "casos"
                        } else {
                            "equipos"
                        }
                    ),
                });
                return Ok(());
            };
            any_header = true;
            sr.header_row = Some(header.row);
            let defs = fields::fields(kind);
            let holder_of = |field: usize| {
                header
                    .columns
                    .iter()
                    .find(|(_, _, f)| *f == Some(field))
                    .map(|(_, h, _)| h.clone())
                    .unwrap_or_default()
            };
            sr.columns = header
                .columns
                .iter()
                .map(|(c, h, f)| {
                    let by_content = inferred
                        .iter()
                        .any(|(ic, o)| ic == c && matches!(o, infer::Outcome::Mapped(_)));
                    let taken = inferred
                        .iter()
                        .find_map(|(ic, o)| match o {
                            infer::Outcome::Taken(tf) if ic == c => Some(*tf),
                            _ => None,
                        })
                        .or_else(|| {
                            header
                                .dropped
                                .iter()
                                .find(|(dc, _)| dc == c)
                                .map(|(_, df)| *df)
                        });
                    let note = match (f, taken) {
                        (Some(f), _) if by_content => Some(format!(
                            "Sugerido por el contenido: sus valores parecen «{}». Acéptelo o \
                             cámbielo.",
                            defs[*f].label
                        )),
                        (None, Some(tf)) => Some(format!(
                            "Parece «{}», pero ese campo ya está en la columna «{}»; se conserva \
                             como campo adicional.",
                            defs[tf].label,
                            holder_of(tf)
                        )),
                        _ => None,
                    };
                    ColumnMap {
                        column: if format == Format::Csv {
                            format!("{}", c + 1)
                        } else {
                            column_letter(*c)
                        },
                        header: h.clone(),
                        field: f.map(|f| defs[f].key.to_string()),
                        field_label: f.map(|f| defs[f].label.to_string()),
                        source: f.map(|_| {
                            if mapping.column(h).is_some() {
                                MapSource::Mapping
                            } else if by_content {
                                MapSource::Content
                            } else {
                                MapSource::Header
                            }
                        }),
                        note,
                    }
                })
                .collect();
            for c in &sr.columns {
                if c.field.is_none() {
                    if let Some(n) = &c.note {
                        report.warnings.push(Problem {
                            sheet: display.clone(),
                            row: None,
                            column: Some(c.header.clone()),
                            message: n.clone(),
                        });
                    }
                }
            }
            let plan = records::Plan::new(kind, &header, &display);
            let header_row = header.row;
            let mut last_row = header_row;
            let mut handle = |r: read::SheetRow, sr: &mut SheetReport| -> crate::Result<()> {
                if opts.cancelled() {
                    return Err(ImportError::Cancelled.into());
                }
                // Rows a reader does not yield (empty in the file) are blank rows seen.
                let gap = r.row.saturating_sub(last_row + 1);
                last_row = last_row.max(r.row);
                if gap > 0 {
                    sr.rows += gap;
                    *skips.entry(records::SkipReason::Blank).or_default() += gap;
                }
                sr.rows += 1;
                if r.is_blank() {
                    *skips.entry(records::SkipReason::Blank).or_default() += 1;
                    return Ok(());
                }
                match state.row(&plan, &r, &mut report.warnings) {
                    records::RowOutcome::Skip(why) => *skips.entry(why).or_default() += 1,
                    records::RowOutcome::Error(p) => {
                        sr.rejected += 1;
                        report.errors.push(p)
                    }
                    records::RowOutcome::Record(rec, content) => {
                        sr.records += 1;
                        if !seen_content.insert(content) {
                            report.duplicates += 1;
                            sr.duplicates += 1;
                            return Ok(());
                        }
                        let key = rec.key().to_string();
                        if !seen_key.insert(key) {
                            report.duplicates += 1;
                            sr.duplicates += 1;
                            report.warnings.push(Problem {
                                sheet: display.clone(),
                                row: Some(r.row),
                                column: None,
                                message: "Repite el número y la fecha de un registro anterior del \
                                          archivo con otros datos; se conservó el primero."
                                    .into(),
                            });
                            return Ok(());
                        }
                        if sr.preview.len() < 8 {
                            sr.preview.push(PreviewRow {
                                row: r.row,
                                values: rec.preview_values(),
                            });
                        }
                        let status = rec.status_key();
                        match sink(rec)? {
                            Sink::New => {
                                report.imported += 1;
                                sr.cases += 1;
                                imported_now.set(imported_now.get() + 1);
                                if let Some(s) = status {
                                    *report.status_counts.entry(s.to_string()).or_default() += 1;
                                }
                            }
                            Sink::AlreadyImported => {
                                report.duplicates += 1;
                                sr.duplicates += 1;
                            }
                        }
                    }
                }
                Ok(())
            };
            let before = sr.records;
            for r in buf.into_iter().filter(|r| r.row > header_row) {
                handle(r, &mut sr)?;
            }
            for r in rows {
                let r = r?;
                rows_read += 1;
                if rows_read.is_multiple_of(1000) {
                    progress(ImportProgress {
                        rows: rows_read,
                        imported: imported_now.get(),
                    });
                }
                handle(r, &mut sr)?;
            }
            if sr.records == before && sr.rejected == 0 && header_only.is_none() {
                header_only = Some(sheet.clone());
            }
            Ok(())
        });
        match res {
            Ok(inner) => inner?,
            Err(e) => return Err(e.into()),
        }
        sr.skipped_rows = skips
            .into_iter()
            .map(|(why, count)| SkippedRows {
                reason: why.key().to_string(),
                label: why.label().to_string(),
                count,
            })
            .collect();
        report.sheets.push(sr);
    }
    progress(ImportProgress {
        rows: rows_read,
        imported: report.imported as u64,
    });
    let total_records: u32 = report.sheets.iter().map(|s| s.records).sum();
    if !any_content {
        return Err(ImportError::Empty.into());
    }
    if !any_header {
        return Err(ImportError::NoColumns {
            what: if kind == ImportKind::Cases {
                "casos"
            } else {
                "equipos"
            },
            found: if found_headers.is_empty() {
                "ninguno".into()
            } else {
                found_headers.join(", ")
            },
        }
        .into());
    }
    if total_records == 0 && report.errors.is_empty() {
        return Err(ImportError::HeaderOnly(header_only.unwrap_or_default()).into());
    }
    report.unknown_values = state.unknown_values();
    Ok(report)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(bytes);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
