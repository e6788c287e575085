//! One spreadsheet row → one normalised record (a case or an asset), with its problems.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use super::fields::{self, Header, ImportKind};
use super::read::{Cell, SheetRow};
use super::values::{self, Catalog, DateVal, LegacyStatus};
use super::{Mapping, Problem, UnknownValue};
use crate::text::fold;

/// The catalogs values are normalised onto.
pub struct Catalogs {
    pub departments: Catalog,
    pub service_types: Catalog,
    pub asset_types: Catalog,
    /// The staff's names, folded (content inference: a column of them is the assignee).
    pub staff: Vec<String>,
}

impl Catalogs {
    /// The built-in catalogs (the office's names with their synonyms and abbreviations).
    pub fn builtin() -> Self {
        Catalogs {
            departments: Catalog::new(values::DEPARTMENTS, values::DEPARTMENT_SYNONYMS),
            service_types: Catalog::new(values::SERVICE_TYPES, values::SERVICE_SYNONYMS),
            asset_types: Catalog::new(values::ASSET_TYPES, values::ASSET_TYPE_SYNONYMS),
            staff: Vec::new(),
        }
    }
}

/// A normalised case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub sheet: String,
    pub row: u32,
    pub legacy_number: Option<String>,
    pub received: Option<DateVal>,
    pub requester: Option<String>,
    pub department: Option<String>,
    pub department_raw: Option<String>,
    pub service_type: Option<String>,
    pub service_type_raw: Option<String>,
    pub description: Option<String>,
    pub assignee: Option<String>,
    pub status: LegacyStatus,
    pub status_raw: Option<String>,
    pub closed: Option<DateVal>,
    pub solution: Option<String>,
    pub priority: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub location: Option<String>,
    pub asset_tag: Option<String>,
    pub channel: Option<String>,
    pub extra: BTreeMap<String, String>,
    pub key: String,
}

/// A normalised equipment record (inventory).
#[derive(Debug, Clone, PartialEq)]
pub struct AssetRecord {
    pub sheet: String,
    pub row: u32,
    pub placa: Option<String>,
    pub tipo: Option<String>,
    pub tipo_raw: Option<String>,
    pub marca: Option<String>,
    pub modelo: Option<String>,
    pub serial: Option<String>,
    pub procesador: Option<String>,
    pub ram_raw: Option<String>,
    pub ram_gb: Option<f64>,
    pub disco: Option<String>,
    pub sistema_operativo: Option<String>,
    pub dependencia: Option<String>,
    pub dependencia_raw: Option<String>,
    pub responsable: Option<String>,
    /// `YYYY` when only the year is known, else `YYYY-MM-DD`.
    pub fecha_adquisicion: Option<String>,
    pub estado: Option<String>,
    pub estado_raw: Option<String>,
    pub observaciones: Option<String>,
    pub extra: BTreeMap<String, String>,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Case(Box<CaseRecord>),
    Asset(Box<AssetRecord>),
}

impl Record {
    pub fn key(&self) -> &str {
        match self {
            Record::Case(c) => &c.key,
            Record::Asset(a) => &a.key,
        }
    }

    pub fn status_key(&self) -> Option<&'static str> {
        match self {
            Record::Case(c) => Some(c.status.key()),
            Record::Asset(a) => match a.estado.as_deref() {
                Some("bueno") => Some("bueno"),
                Some("regular") => Some("regular"),
                Some("malo") => Some("malo"),
                Some("dado_de_baja") => Some("dado_de_baja"),
                _ => None,
            },
        }
    }

    /// The mapped values by field key, for the preview.
    pub fn preview_values(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                m.insert(k.to_string(), v);
            }
        };
        match self {
            Record::Case(c) => {
                put("legacy_number", c.legacy_number.clone());
                put("received_at", c.received.map(|d| d.iso()));
                put("requester", c.requester.clone());
                put("department", c.department.clone());
                put("service_type", c.service_type.clone());
                put("description", c.description.clone());
                put("assignee", c.assignee.clone());
                put("status", Some(c.status.key().to_string()));
                put("closed_at", c.closed.map(|d| d.iso()));
                put("solution", c.solution.clone());
                put("priority", c.priority.clone());
                put("phone", c.phone.clone());
                put("email", c.email.clone());
                put("location", c.location.clone());
                put("asset_tag", c.asset_tag.clone());
                put("channel", c.channel.clone());
            }
            Record::Asset(a) => {
                put("placa", a.placa.clone());
                put("tipo", a.tipo.clone());
                put("marca", a.marca.clone());
                put("modelo", a.modelo.clone());
                put("serial", a.serial.clone());
                put("procesador", a.procesador.clone());
                put("ram", a.ram_gb.map(|g| format!("{g} GB")));
                put("disco", a.disco.clone());
                put("sistema_operativo", a.sistema_operativo.clone());
                put("dependencia", a.dependencia.clone());
                put("responsable", a.responsable.clone());
                put("fecha_adquisicion", a.fecha_adquisicion.clone());
                put("estado", a.estado.clone());
                put("observaciones", a.observaciones.clone());
            }
        }
        m
    }
}

/// How the columns of one sheet map.
pub struct Plan {
    pub sheet: String,
    /// Field index → column.
    by_field: Vec<Option<usize>>,
    /// Unmapped columns → extra key (the header text).
    extra: Vec<(usize, String)>,
    /// Every column with its folded header (content hash, repeated header detection).
    headers: Vec<(usize, String, String)>,
    header_folds: Vec<String>,
    /// Column → folded header (for hashing), `None` past the header.
    col_fold: Vec<Option<String>>,
}

impl Plan {
    pub fn new(kind: ImportKind, header: &Header, sheet: &str) -> Self {
        let n = fields::fields(kind).len();
        let mut by_field = vec![None; n];
        let mut extra = Vec::new();
        let mut headers = Vec::new();
        let mut used_names: Vec<String> = Vec::new();
        for (col, h, f) in &header.columns {
            headers.push((*col, h.clone(), fold(h)));
            match f {
                Some(f) => by_field[*f] = Some(*col),
                None => {
                    let mut name = h.clone();
                    let mut i = 2;
                    while used_names.contains(&name) {
                        name = format!("{h} ({i})");
                        i += 1;
                    }
                    used_names.push(name.clone());
                    extra.push((*col, name));
                }
            }
        }
        let header_folds = header.columns.iter().map(|(_, h, _)| fold(h)).collect();
        let width = header
            .columns
            .iter()
            .map(|(c, _, _)| c + 1)
            .max()
            .unwrap_or(0);
        let mut col_fold = vec![None; width];
        for (c, _, f) in &headers {
            col_fold[*c] = Some(f.clone());
        }
        Plan {
            col_fold,
            sheet: sheet.to_string(),
            by_field,
            extra,
            headers,
            header_folds,
        }
    }

    fn cell<'r>(&self, row: &'r SheetRow, field: usize) -> Option<&'r Cell> {
        let col = self.by_field.get(field).copied().flatten()?;
        row.cells.get(col).filter(|c| !c.is_empty())
    }

    fn header_of(&self, field: usize) -> Option<String> {
        let col = self.by_field.get(field).copied().flatten()?;
        self.headers
            .iter()
            .find(|(c, _, _)| *c == col)
            .map(|(_, h, _)| h.clone())
    }
}

pub enum RowOutcome {
    /// The row holds nothing of a record, for this reason.
    Skip(SkipReason),
    Error(Problem),
    /// The record and the hash of the row's whole content (exact-duplicate detection).
    Record(Record, [u8; 32]),
}

/// Why a row holds nothing of a case (the only reasons a row is skipped). The keys are
/// stable; the labels are what the CLI and the preview show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// No value in any cell (also a row with formatting only).
    Blank,
    /// The header row again (printed pages, pasted blocks).
    RepeatedHeader,
    /// A total or subtotal line.
    Total,
    /// A signature or footer line («Elaboró», «Vo. Bo.», «Firma»…).
    Footer,
    /// A lone note: one cell that is no value of its column.
    Note,
}

impl SkipReason {
    pub const ALL: [SkipReason; 5] = [
        SkipReason::Blank,
        SkipReason::RepeatedHeader,
        SkipReason::Total,
        SkipReason::Footer,
        SkipReason::Note,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SkipReason::Blank => "blank",
            SkipReason::RepeatedHeader => "repeated_header",
            SkipReason::Total => "total",
            SkipReason::Footer => "footer",
            SkipReason::Note => "note",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SkipReason::Blank => "vacías o solo con formato",
            SkipReason::RepeatedHeader => "encabezado repetido",
            SkipReason::Total => "totales",
            SkipReason::Footer => "firmas o pie de página",
            SkipReason::Note => "notas sueltas",
        }
    }
}

/// Text as the conventions want it: trimmed, runs of spaces collapsed, line breaks kept (blank
/// lines dropped).
pub fn clean_text(s: &str) -> String {
    // Most cells are already clean (one line, single spaces, nothing around): one copy.
    if is_clean(s) {
        return s.to_string();
    }
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether [`clean_text`] would return `s` unchanged: not empty, no whitespace but single
/// spaces between words.
fn is_clean(s: &str) -> bool {
    let mut after_space = true;
    for ch in s.chars() {
        if ch == ' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if ch.is_whitespace() {
            return false;
        } else {
            after_space = false;
        }
    }
    !after_space
}

fn no_info(s: &str) -> bool {
    matches!(
        fold(s).as_str(),
        "" | "sin informacion"
            | "sin info"
            | "n a"
            | "na"
            | "no aplica"
            | "s i"
            | "ninguno"
            | "no tiene"
            | "sin dato"
            | "sin datos"
            | "nd"
            | "n d"
    ) || s.trim().chars().all(|c| "-—–_".contains(c))
}

/// Per-file state: catalogs, mapping, unknown values seen.
pub struct State<'a> {
    kind: ImportKind,
    catalogs: &'a Catalogs,
    mapping: &'a Mapping,
    unknown: BTreeMap<(String, String), u32>,
    /// Memo of catalog look-ups: (field, raw) → (value, known).
    memo: HashMap<(&'static str, String), (String, bool)>,
    status_memo: HashMap<String, Option<LegacyStatus>>,
}

const FOOTER_WORDS: &[&str] = &[
    "elaboro",
    "reviso",
    "aprobo",
    "vo bo",
    "vobo",
    "firma",
    "proyecto",
    "revisado por",
    "elaborado por",
    "aprobado por",
];

impl<'a> State<'a> {
    pub fn new(kind: ImportKind, catalogs: &'a Catalogs, mapping: &'a Mapping) -> Self {
        State {
            kind,
            catalogs,
            mapping,
            unknown: BTreeMap::new(),
            memo: HashMap::new(),
            status_memo: HashMap::new(),
        }
    }

    pub fn unknown_values(&self) -> Vec<UnknownValue> {
        self.unknown
            .iter()
            .map(|((f, v), n)| UnknownValue {
                field: f.clone(),
                value: v.clone(),
                count: *n,
            })
            .collect()
    }

    fn unknown(&mut self, field: &str, raw: &str) {
        *self
            .unknown
            .entry((field.to_string(), clean_text(raw)))
            .or_default() += 1;
    }

    /// A catalog value: the mapping's choice, the catalog's canonical name, or (unknown) the
    /// cleaned raw text, listed for the user to map.
    fn catalog(&mut self, field: &'static str, raw: &str) -> String {
        if let Some((v, known)) = self.memo.get(&(field, raw.to_string())) {
            let v = v.clone();
            if !known {
                self.unknown(field, raw);
            }
            return v;
        }
        let v = self.catalog_uncached(field, raw);
        let known = !self
            .unknown
            .contains_key(&(field.to_string(), clean_text(raw)));
        self.memo
            .insert((field, raw.to_string()), (v.clone(), known));
        v
    }

    fn catalog_uncached(&mut self, field: &'static str, raw: &str) -> String {
        if let Some(v) = self.mapping.value(field, raw) {
            return v.to_string();
        }
        let cat = match field {
            "department" | "dependencia" => &self.catalogs.departments,
            "service_type" => &self.catalogs.service_types,
            _ => &self.catalogs.asset_types,
        };
        match cat.resolve(raw) {
            Some(n) => n,
            None => {
                self.unknown(field, raw);
                clean_text(raw)
            }
        }
    }

    pub fn row(&mut self, plan: &Plan, row: &SheetRow, warnings: &mut Vec<Problem>) -> RowOutcome {
        let texts: Vec<(usize, String)> = row
            .cells
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(i, c)| (i, c.text().trim().to_string()))
            .collect();
        if texts.is_empty() {
            return RowOutcome::Skip(SkipReason::Blank);
        }
        let first = fold(&texts[0].1);
        // TOTAL rows, signature footers, a repeated header.
        if (first.starts_with("total") || first.starts_with("subtotal"))
            && texts[1..].iter().all(|(_, t)| is_count(t))
        {
            return RowOutcome::Skip(SkipReason::Total);
        }
        if texts.len() <= 3
            && texts.iter().any(|(_, t)| {
                let f = fold(t);
                FOOTER_WORDS.iter().any(|w| f.starts_with(w))
            })
        {
            return RowOutcome::Skip(SkipReason::Footer);
        }
        // A repeated header row (checked only when the first cell looks like its header).
        let (c0, t0) = &texts[0];
        if plan
            .headers
            .iter()
            .any(|(c, h, _)| c == c0 && h.eq_ignore_ascii_case(t0))
        {
            let same_as_header = texts
                .iter()
                .filter(|(_, t)| plan.header_folds.contains(&fold(t)))
                .count();
            if same_as_header * 2 > plan.header_folds.len().max(1) && same_as_header >= 2 {
                return RowOutcome::Skip(SkipReason::RepeatedHeader);
            }
        }
        // Content hash over (header, value) pairs, independent of column order.
        let mut pairs: Vec<(&str, usize, &str)> = texts
            .iter()
            .map(|(c, t)| {
                let h = plan
                    .col_fold
                    .get(*c)
                    .and_then(|f| f.as_deref())
                    .unwrap_or("");
                (h, *c, t.as_str())
            })
            .collect();
        pairs.sort_unstable();
        let mut h = Sha256::new();
        h.update(self.kind.as_str().as_bytes());
        for (k, c, v) in &pairs {
            if k.is_empty() {
                h.update(format!("#{c}").as_bytes());
            } else {
                h.update(k.as_bytes());
            }
            h.update([0]);
            h.update(v.as_bytes());
            h.update([1]);
        }
        let content: [u8; 32] = h.finalize().into();
        // A lone note: one cell that is no value of its column (or a remark written as one).
        if texts.len() == 1 && self.is_note(plan, &row.cells[texts[0].0], texts[0].0) {
            warnings.push(Problem {
                sheet: plan.sheet.clone(),
                row: Some(row.row),
                column: None,
                message: format!(
                    "La fila solo tiene una nota («{}»), no datos de {}; se omitió.",
                    truncate(&texts[0].1, 60),
                    if self.kind == ImportKind::Cases {
                        "un caso"
                    } else {
                        "un equipo"
                    }
                ),
            });
            return RowOutcome::Skip(SkipReason::Note);
        }
        let mut extra = BTreeMap::new();
        for (col, name) in &plan.extra {
            if let Some(c) = row.cells.get(*col).filter(|c| !c.is_empty()) {
                extra.insert(name.clone(), clean_text(&c.text()));
            }
        }
        // Cells in columns without a header.
        for (c, t) in &texts {
            if plan.col_fold.get(*c).is_none_or(|f| f.is_none()) {
                extra.insert(
                    format!("Columna {}", super::column_letter(*c)),
                    clean_text(t),
                );
            }
        }
        match self.kind {
            ImportKind::Cases => self.case(plan, row, extra, content, warnings),
            ImportKind::Assets => self.asset(plan, row, extra, content, warnings),
        }
    }

    /// Is a row's only cell a note rather than a value of its column? A cell outside every
    /// field, a remark («Nota: …», «Obs.: …»), or a value its field cannot hold (a sentence in
    /// the number column, a non-date in a date column, an unknown status, a text without «@»
    /// in the e-mail column). Any other single value is case data: the row is a case.
    fn is_note(&self, plan: &Plan, cell: &Cell, col: usize) -> bool {
        let t = cell.text();
        let f = fold(&t);
        if [
            "nota",
            "notas",
            "obs",
            "observacion",
            "importante",
            "nb",
            "n b",
        ]
        .iter()
        .any(|w| f == *w || f.starts_with(&format!("{w} ")))
        {
            return true;
        }
        let Some(field) = plan.by_field.iter().position(|c| *c == Some(col)) else {
            return true;
        };
        if self.kind != ImportKind::Cases {
            return false;
        }
        let words = t.split_whitespace().count();
        match field {
            x if x == FieldIdx::Legacy as usize => {
                words > 3 || !t.chars().any(|c| c.is_ascii_digit())
            }
            x if x == FieldIdx::Received as usize || x == FieldIdx::Closed as usize => {
                values::cell_date(cell).is_none()
            }
            x if x == FieldIdx::ReceivedTime as usize => values::cell_time(cell).is_none(),
            x if x == FieldIdx::Status as usize => {
                values::parse_status(&t).is_none() && self.mapping.value("status", &t).is_none()
            }
            x if x == FieldIdx::Email as usize => !t.contains('@'),
            x if x == FieldIdx::Phone as usize || x == FieldIdx::AssetTag as usize => {
                !t.chars().any(|c| c.is_ascii_digit())
            }
            _ => false,
        }
    }

    fn case(
        &mut self,
        plan: &Plan,
        row: &SheetRow,
        mut extra: BTreeMap<String, String>,
        content: [u8; 32],
        warnings: &mut Vec<Problem>,
    ) -> RowOutcome {
        use FieldIdx as F;
        let text = |f: F| {
            plan.cell(row, f as usize)
                .map(|c| clean_text(&c.text()))
                .filter(|s| !s.is_empty())
        };
        let warn = |warnings: &mut Vec<Problem>, f: F, msg: String| {
            warnings.push(Problem {
                sheet: plan.sheet.clone(),
                row: Some(row.row),
                column: plan.header_of(f as usize),
                message: msg,
            })
        };
        let requester = text(F::Requester);
        let description = text(F::Description);
        // Nothing lost: a row with any case data is a case, flagged with what it lacks.
        let missing: Vec<&str> = [
            requester.is_none().then_some("sin solicitante"),
            description.is_none().then_some("sin descripción"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !missing.is_empty() {
            warnings.push(Problem {
                sheet: plan.sheet.clone(),
                row: Some(row.row),
                column: None,
                message: format!(
                    "Caso incompleto: se importa {} (la fila tiene otros datos del caso).",
                    missing.join(" y ")
                ),
            });
        }
        let mut received = None;
        if let Some(c) = plan.cell(row, F::Received as usize) {
            received = values::cell_date(c);
            if received.is_none() {
                warn(
                    warnings,
                    F::Received,
                    format!(
                        "Fecha no reconocida «{}»; el caso queda sin fecha de recepción.",
                        truncate(&c.text(), 40)
                    ),
                );
                extra.insert(
                    plan.header_of(F::Received as usize).unwrap_or_default(),
                    clean_text(&c.text()),
                );
            }
        }
        if let (None, Some(c)) = (&received, plan.cell(row, F::ReceivedTime as usize)) {
            // A time without a date to belong to is kept as written (nothing lost).
            extra.insert(
                plan.header_of(F::ReceivedTime as usize).unwrap_or_default(),
                clean_text(&c.text()),
            );
        }
        if let (Some(d), Some(c)) = (received.as_mut(), plan.cell(row, F::ReceivedTime as usize)) {
            match values::cell_time(c) {
                Some(t) if d.time.is_none() => d.time = Some(t),
                Some(_) => {}
                None => warn(
                    warnings,
                    F::ReceivedTime,
                    format!("Hora no reconocida «{}».", truncate(&c.text(), 20)),
                ),
            }
        }
        let mut closed = None;
        if let Some(c) = plan.cell(row, F::Closed as usize) {
            closed = values::cell_date(c);
            if closed.is_none() {
                let t = c.text();
                if !values::is_no_date(&t) {
                    warn(
                        warnings,
                        F::Closed,
                        format!("Fecha de cierre no reconocida «{}».", truncate(&t, 40)),
                    );
                    extra.insert(
                        plan.header_of(F::Closed as usize).unwrap_or_default(),
                        clean_text(&t),
                    );
                }
            }
        }
        let status_raw = text(F::Status);
        let status = match &status_raw {
            Some(raw) => {
                let parsed = match self.status_memo.get(raw) {
                    Some(p) => *p,
                    None => {
                        let mapped = self
                            .mapping
                            .value("status", raw)
                            .and_then(LegacyStatus::from_key);
                        let p = mapped.or_else(|| values::parse_status(raw));
                        self.status_memo.insert(raw.clone(), p);
                        p
                    }
                };
                match parsed {
                    Some(s) => s,
                    None => {
                        self.unknown("status", raw);
                        warn(
                            warnings,
                            F::Status,
                            format!("Estado desconocido «{raw}»; se importa como abierto."),
                        );
                        LegacyStatus::Abierto
                    }
                }
            }
            None => {
                if closed.is_some() {
                    LegacyStatus::Cerrado
                } else {
                    LegacyStatus::Abierto
                }
            }
        };
        let department_raw = text(F::Department);
        let department = department_raw
            .as_deref()
            .map(|r| self.catalog("department", r));
        let service_type_raw = text(F::ServiceType);
        let service_type = service_type_raw
            .as_deref()
            .map(|r| self.catalog("service_type", r));
        let priority = text(F::Priority);
        if let (Some(p), Some(h)) = (&priority, plan.header_of(F::Priority as usize)) {
            extra.insert(h, p.clone());
        }
        let legacy_number = plan
            .cell(row, F::Legacy as usize)
            .and_then(values::legacy_number);
        let key = match &legacy_number {
            Some(l) => format!(
                "case:n:{}:{}",
                fold(l),
                received.map(|d| d.iso()).unwrap_or_default()
            ),
            None => format!("case:h:{}", hex(&content)),
        };
        let rec = CaseRecord {
            sheet: plan.sheet.clone(),
            row: row.row,
            legacy_number,
            received,
            requester,
            department,
            department_raw,
            service_type,
            service_type_raw,
            description,
            assignee: text(F::Assignee),
            status,
            status_raw,
            closed,
            solution: text(F::Solution),
            priority,
            phone: text(F::Phone),
            email: text(F::Email),
            location: text(F::Location),
            asset_tag: text(F::AssetTag).and_then(|t| values::asset_tag(&t)),
            channel: text(F::Channel),
            extra,
            key,
        };
        RowOutcome::Record(Record::Case(Box::new(rec)), content)
    }

    fn asset(
        &mut self,
        plan: &Plan,
        row: &SheetRow,
        extra: BTreeMap<String, String>,
        content: [u8; 32],
        warnings: &mut Vec<Problem>,
    ) -> RowOutcome {
        use AssetIdx as A;
        let text = |f: A| {
            plan.cell(row, f as usize)
                .map(|c| clean_text(&c.text()))
                .filter(|s| !no_info(s))
        };
        let placa = text(A::Placa).and_then(|t| values::asset_tag(&t));
        let serial = text(A::Serial);
        let tipo_raw = text(A::Tipo);
        if placa.is_none() && serial.is_none() && tipo_raw.is_none() {
            return RowOutcome::Error(Problem {
                sheet: plan.sheet.clone(),
                row: Some(row.row),
                column: None,
                message: "La fila no tiene placa, serial ni tipo de equipo; no se importó.".into(),
            });
        }
        let tipo = tipo_raw.as_deref().map(|r| self.catalog("tipo", r));
        let dependencia_raw = text(A::Dependencia);
        let dependencia = dependencia_raw
            .as_deref()
            .map(|r| self.catalog("dependencia", r));
        let ram_raw = text(A::Ram);
        let ram_gb = ram_raw.as_deref().and_then(values::ram_gb);
        if let (Some(r), None) = (&ram_raw, ram_gb) {
            warnings.push(Problem {
                sheet: plan.sheet.clone(),
                row: Some(row.row),
                column: plan.header_of(A::Ram as usize),
                message: format!("Memoria no reconocida «{r}»."),
            });
        }
        let fecha_adquisicion = plan.cell(row, A::Fecha as usize).and_then(|c| match c {
            Cell::Number(f) if (1950.0..=2200.0).contains(f) && f.fract() == 0.0 => {
                Some(format!("{}", *f as i64))
            }
            Cell::Text(t)
                if t.trim().len() == 4 && t.trim().chars().all(|c| c.is_ascii_digit()) =>
            {
                Some(t.trim().to_string())
            }
            c => values::cell_date(c).map(|d| d.date.format("%Y-%m-%d").to_string()),
        });
        let estado_raw = text(A::Estado);
        let estado = estado_raw.as_deref().and_then(|r| {
            let m = self.mapping.value("estado", r).map(str::to_string);
            let v = m.or_else(|| values::parse_condition(r).map(str::to_string));
            if v.is_none() {
                self.unknown("estado", r);
            }
            v
        });
        let key = match (&placa, &serial) {
            (Some(p), _) => format!(
                "asset:p:{}",
                fold(&crate::assets::normalize_tag(p).unwrap_or_else(|_| p.clone()))
            ),
            (None, Some(s)) => format!("asset:s:{}", fold(s)),
            _ => format!("asset:h:{}", hex(&content)),
        };
        let rec = AssetRecord {
            sheet: plan.sheet.clone(),
            row: row.row,
            placa,
            tipo,
            tipo_raw,
            marca: text(A::Marca),
            modelo: text(A::Modelo),
            serial,
            procesador: text(A::Procesador),
            ram_raw,
            ram_gb,
            disco: text(A::Disco),
            sistema_operativo: text(A::So),
            dependencia,
            dependencia_raw,
            responsable: text(A::Responsable),
            fecha_adquisicion,
            estado,
            estado_raw,
            observaciones: text(A::Observaciones),
            extra,
            key,
        };
        RowOutcome::Record(Record::Asset(Box::new(rec)), content)
    }
}

/// Indexes of [`fields::CASE_FIELDS`].
#[derive(Clone, Copy)]
enum FieldIdx {
    Legacy = 0,
    Received,
    ReceivedTime,
    Requester,
    Department,
    ServiceType,
    Description,
    Assignee,
    Status,
    Closed,
    Solution,
    Priority,
    Phone,
    Email,
    Location,
    AssetTag,
    Channel,
}

/// Indexes of [`fields::ASSET_FIELDS`].
#[derive(Clone, Copy)]
enum AssetIdx {
    Placa = 0,
    Tipo,
    Marca,
    Modelo,
    Serial,
    Procesador,
    Ram,
    Disco,
    So,
    Dependencia,
    Responsable,
    Fecha,
    Estado,
    Observaciones,
}

/// A count or amount, as on a totals line («15», «1.234», «$ 2.000», «100 %»).
fn is_count(s: &str) -> bool {
    let t: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | ',' | '$' | '%'))
        .collect();
    t.is_empty() || t.chars().all(|c| c.is_ascii_digit())
}

fn truncate(s: &str, n: usize) -> String {
    let t: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        format!("{t}…")
    } else {
        t
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_indexes_match_definitions() {
        assert_eq!(
            fields::CASE_FIELDS[FieldIdx::Channel as usize].key,
            "channel"
        );
        assert_eq!(
            fields::CASE_FIELDS[FieldIdx::Closed as usize].key,
            "closed_at"
        );
        assert_eq!(
            fields::CASE_FIELDS[FieldIdx::Requester as usize].key,
            "requester"
        );
        assert_eq!(
            fields::ASSET_FIELDS[AssetIdx::Observaciones as usize].key,
            "observaciones"
        );
        assert_eq!(
            fields::ASSET_FIELDS[AssetIdx::So as usize].key,
            "sistema_operativo"
        );
    }

    /// The one-copy path gives exactly what the general one gives.
    #[test]
    fn clean_text_fast_path_matches_the_general_rule() {
        let general = |s: &str| {
            s.lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        for s in [
            "",
            " ",
            "a",
            "Ana María Pérez",
            " Ana",
            "Ana ",
            "Ana  María",
            "Ana\tMaría",
            "línea 1\nlínea 2",
            "línea 1\r\n\r\nlínea 2 ",
            "a\u{a0}b",
            "fin\r",
            "x y z",
        ] {
            assert_eq!(
                is_clean(s),
                ["a", "Ana María Pérez", "x y z"].contains(&s),
                "{s:?}"
            );
            assert_eq!(clean_text(s), general(s), "{s:?}");
            if is_clean(s) {
                assert_eq!(clean_text(s), s, "{s:?}");
            }
        }
    }
}
