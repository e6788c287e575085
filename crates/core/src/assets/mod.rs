//! Equipment (equipos) and their life record (hoja de vida): identification, specifications,
//! network, custody; peripherals attached to a computer; an append-only history (preventive and
//! corrective maintenance, transfers, change of custodian, upgrades, decommissioning); the cases
//! whose placa is the equipment's; and the technical concept to decommission (concepto técnico
//! de baja), which on approval retires the equipment.

pub mod documents;

use std::collections::BTreeMap;

use crate::db::Value;
use crate::db::{params, OptionalExt, Row};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{from_db, to_db, to_local, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::model::{Source, TicketStatus};
use crate::store::Store;
use crate::text::{clean, clean_opt, fold};

/// Condition of an equipment. JSON codes are English; labels Spanish.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    #[default]
    Good,
    Fair,
    Poor,
    InRepair,
    Decommissioned,
}

crate::model::stored_enum!(AssetStatus, "assets.status");

impl AssetStatus {
    pub const ALL: [AssetStatus; 5] = [
        AssetStatus::Good,
        AssetStatus::Fair,
        AssetStatus::Poor,
        AssetStatus::InRepair,
        AssetStatus::Decommissioned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssetStatus::Good => "good",
            AssetStatus::Fair => "fair",
            AssetStatus::Poor => "poor",
            AssetStatus::InRepair => "in_repair",
            AssetStatus::Decommissioned => "decommissioned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AssetStatus::Good => "Bueno",
            AssetStatus::Fair => "Regular",
            AssetStatus::Poor => "Malo",
            AssetStatus::InRepair => "En reparación",
            AssetStatus::Decommissioned => "Dado de baja",
        }
    }

    /// Accepts the code, the Spanish label, or the letters used in inventories
    /// (B = bueno, R = regular, M = malo, Baja = dado de baja), ignoring case and accents.
    pub fn parse(s: &str) -> Option<Self> {
        let k = fold(s);
        let code = k.replace(' ', "_");
        if let Some(st) = AssetStatus::ALL.into_iter().find(|st| st.as_str() == code) {
            return Some(st);
        }
        Some(match k.as_str() {
            "b" | "bueno" | "buena" | "buen estado" => AssetStatus::Good,
            "r" | "regular" => AssetStatus::Fair,
            "m" | "malo" | "mala" | "mal estado" | "danado" => AssetStatus::Poor,
            "en reparacion" | "reparacion" | "en mantenimiento" => AssetStatus::InRepair,
            "baja" | "dado de baja" | "de baja" | "d" => AssetStatus::Decommissioned,
            _ => return None,
        })
    }
}

/// Kinds offered in the form (the field is free text: others are accepted).
pub const ASSET_KINDS: [&str; 17] = [
    "Computador de escritorio",
    "Portátil",
    "Todo en uno",
    "Impresora",
    "Escáner",
    "UPS",
    "Switch",
    "Router",
    "Access point",
    "Teléfono IP",
    "Servidor",
    "Video beam",
    "Aire acondicionado",
    "Cámara",
    "Monitor",
    "Firewall",
    "Otro",
];

/// Causes offered for a decommission concept (free text is accepted too).
pub const DECOMMISSION_CAUSES: [&str; 5] = [
    "Obsolescencia tecnológica",
    "Daño irreparable",
    "Reparación más costosa que el valor del equipo",
    "Fin de la vida útil",
    "Pérdida o hurto",
];

/// Normalises an inventory tag (placa): `IND0123`, `ind-0123`, `IND 0123`, ` ind.0123 ` all
/// become `IND0123` (upper case, separators removed). A number that a spreadsheet stored as
/// `123.0` becomes `123`. Empty → validation error.
pub fn normalize_tag(s: &str) -> Result<String> {
    let t = spreadsheet_number(s.trim());
    let out: String = t
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    if out.is_empty() {
        return Err(CoreError::validation(
            "placa",
            if s.trim().is_empty() {
                "es obligatoria".to_string()
            } else {
                format!("«{}» no contiene letras ni números", s.trim())
            },
        ));
    }
    Ok(out)
}

/// A number that a spreadsheet stored as `123.0` or `123,00` → `123`; anything else as is.
fn spreadsheet_number(t: &str) -> &str {
    match t.split_once(['.', ',']) {
        Some((a, b))
            if !a.is_empty()
                && a.chars().all(|c| c.is_ascii_digit())
                && !b.is_empty()
                && b.chars().all(|c| c == '0') =>
        {
            a
        }
        _ => t,
    }
}

/// The placa as the office writes it (`IND-0083` stays `IND-0083`): trimmed, inner runs of
/// spaces collapsed to one, and a spreadsheet number `123.0` → `123`. Validated like
/// [`normalize_tag`], whose form is the one used for matching.
pub fn display_tag(s: &str) -> Result<String> {
    normalize_tag(s)?;
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(spreadsheet_number(&t).to_string())
}

/// A shown placa fit for a file name (`Hoja de vida SIS-001.pdf` for `SIS/001`): the
/// characters that no file name may hold on Windows or Linux become `-`.
pub fn tag_for_file_name(shown: &str) -> String {
    shown
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
            c if c.is_control() => '-',
            c => c,
        })
        .collect()
}

/// An equipment as the UI and `mesa asset list|show --json` see it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Asset {
    pub tag: String,
    pub kind: String,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub cpu: Option<String>,
    pub ram_gb: Option<f64>,
    pub disk: Option<String>,
    pub os: Option<String>,
    pub os_license: Option<String>,
    pub office_license: Option<String>,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub mac: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub custodian: Option<String>,
    /// `YYYY-MM-DD`, or `YYYY` when only the year is known.
    pub acquired_on: Option<String>,
    pub supplier: Option<String>,
    pub value: Option<f64>,
    pub warranty_until: Option<String>,
    pub status: AssetStatus,
    pub notes: Option<String>,
    /// Number of the approved decommission concept, when dado de baja.
    pub decommission_concept: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub source: Option<Source>,
    pub import_batch: Option<i64>,
    #[ts(type = "Record<string, string>")]
    pub extra: BTreeMap<String, String>,
}

/// Input of "register an equipment" (also used by the inventory importer).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct NewAsset {
    pub tag: String,
    pub kind: String,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub cpu: Option<String>,
    pub ram_gb: Option<f64>,
    pub disk: Option<String>,
    pub os: Option<String>,
    pub os_license: Option<String>,
    pub office_license: Option<String>,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub mac: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub custodian: Option<String>,
    pub acquired_on: Option<String>,
    pub supplier: Option<String>,
    pub value: Option<f64>,
    pub warranty_until: Option<String>,
    pub status: Option<AssetStatus>,
    pub notes: Option<String>,
    pub source: Option<Source>,
    #[ts(type = "Record<string, string>")]
    pub extra: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Peripheral {
    pub id: i64,
    pub kind: String,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub tag: Option<String>,
    pub added_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct NewPeripheral {
    pub kind: String,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub tag: Option<String>,
}

/// Kinds of life-record events a user may add directly (`transfer`, `custodian`, `decommission`
/// come from their own actions; `created`, `edit`, `peripheral` are recorded automatically).
pub const MANUAL_EVENT_KINDS: [&str; 5] = ["preventive", "corrective", "upgrade", "status", "note"];

pub fn event_kind_label(kind: &str) -> &'static str {
    match kind {
        "created" => "Registro",
        "preventive" => "Mantenimiento preventivo",
        "corrective" => "Mantenimiento correctivo",
        "transfer" => "Traslado",
        "custodian" => "Cambio de responsable",
        "upgrade" => "Actualización de hardware",
        "decommission" => "Baja",
        "status" => "Cambio de estado",
        "edit" => "Corrección de datos",
        "peripheral" => "Periférico",
        _ => "Nota",
    }
}

/// One entry of the life record (append-only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AssetEvent {
    pub at: String,
    pub happened_on: String,
    pub actor: String,
    pub kind: String,
    pub description: Option<String>,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub part: Option<String>,
    pub part_serial: Option<String>,
    pub ticket_number: Option<String>,
    pub log_id: Option<i64>,
    pub concept_number: Option<String>,
}

/// A history entry typed by the user: maintenance, upgrade (part and serial), status, note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct NewAssetEvent {
    /// `preventive`, `corrective`, `upgrade`, `status` or `note`.
    pub kind: String,
    /// `YYYY-MM-DD`; `null` = today.
    pub happened_on: Option<String>,
    pub description: Option<String>,
    pub part: Option<String>,
    pub part_serial: Option<String>,
    pub ticket_number: Option<String>,
    /// For `status` (and optionally `corrective`): the new condition.
    pub new_status: Option<AssetStatus>,
}

/// Transfer (dependencia/ubicación) and/or change of custodian.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AssetMove {
    pub department: Option<String>,
    pub location: Option<String>,
    pub custodian: Option<String>,
    pub reason: String,
    pub happened_on: Option<String>,
}

/// A case whose placa is this equipment's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LinkedCase {
    pub number: String,
    pub received_at: Option<String>,
    pub status: TicketStatus,
    pub requester: String,
    pub service_type: Option<String>,
    pub description: String,
    pub solution: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DecommissionConcept {
    pub number: String,
    pub tag: String,
    pub concept_date: String,
    pub diagnosis: String,
    pub cause: String,
    pub recommendation: String,
    pub destination: String,
    pub technician: String,
    pub engineer: Option<String>,
    pub approver: Option<String>,
    /// `draft` or `approved`.
    pub status: String,
    pub approved_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct NewDecommissionConcept {
    pub diagnosis: String,
    pub cause: String,
    pub recommendation: String,
    pub destination: String,
    /// Elaboró (técnico); `null` = who acts.
    pub technician: Option<String>,
    /// Revisó (ingeniero).
    pub engineer: Option<String>,
    /// `YYYY-MM-DD`; `null` = today.
    pub concept_date: Option<String>,
}

/// The whole life record of one equipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AssetRecord {
    pub asset: Asset,
    pub peripherals: Vec<Peripheral>,
    pub events: Vec<AssetEvent>,
    pub cases: Vec<LinkedCase>,
    pub concepts: Vec<DecommissionConcept>,
    /// Attached files (removed ones included, marked); the photo has `is_photo`.
    pub attachments: Vec<crate::attachments::rows::Attachment>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AssetQuery {
    /// Matches placa, serial, marca, modelo, responsable, hostname, IP (accents ignored).
    pub search: Option<String>,
    pub kind: Option<String>,
    pub department: Option<String>,
    pub status: Option<AssetStatus>,
    /// Include equipment dado de baja (default: no, unless `status` asks for it).
    pub include_decommissioned: bool,
}

/// Result of importing inventory rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AssetImportOutcome {
    pub created: i64,
    pub tags: Vec<String>,
}

/// What is checked before a field's value is stored; `label` names the field in the error.
#[derive(Clone, Copy)]
enum Check {
    None,
    /// `YYYY-MM-DD` (or, when `year_ok`, `YYYY`).
    Date {
        label: &'static str,
        year_ok: bool,
    },
    /// A finite number, not negative.
    NotNegative {
        label: &'static str,
    },
}

/// Where one field lives in [`Asset`] (read, and written from a row) and in [`NewAsset`].
struct Slot<T: 'static> {
    get: fn(&Asset) -> &Option<T>,
    set: fn(&mut Asset) -> &mut Option<T>,
    input: fn(&NewAsset) -> &Option<T>,
}

enum Access {
    Text(Slot<String>),
    Number(Slot<f64>),
}

/// One field of the hoja de vida that is stored as typed: a column of `assets` with the same
/// name as the field of [`Asset`] and [`NewAsset`], optional, corrected with
/// [`Store::update_asset`].
struct AssetField {
    column: &'static str,
    access: Access,
    check: Check,
}

/// `field!(name, Text|Number[, check])`: the [`AssetField`] of the column and struct field `name`.
macro_rules! field {
    ($name:ident, $access:ident) => {
        field!($name, $access, Check::None)
    };
    ($name:ident, $access:ident, $check:expr) => {
        AssetField {
            column: stringify!($name),
            access: Access::$access(Slot {
                get: |a| &a.$name,
                set: |a| &mut a.$name,
                input: |n| &n.$name,
            }),
            check: $check,
        }
    };
}

/// The fields of the hoja de vida besides placa, tipo, estado and observaciones: the SELECT,
/// the INSERT, the corrections and their history entries all come from this list, in this
/// order. A new field: a migration, the field in [`Asset`] and [`NewAsset`], and a line here.
const ASSET_FIELDS: &[AssetField] = &[
    field!(brand, Text),
    field!(model, Text),
    field!(serial, Text),
    field!(cpu, Text),
    field!(disk, Text),
    field!(os, Text),
    field!(os_license, Text),
    field!(office_license, Text),
    field!(hostname, Text),
    field!(ip, Text),
    field!(mac, Text),
    field!(department, Text),
    field!(location, Text),
    field!(custodian, Text),
    field!(
        acquired_on,
        Text,
        Check::Date {
            label: "fecha de adquisición",
            year_ok: true
        }
    ),
    field!(supplier, Text),
    field!(
        warranty_until,
        Text,
        Check::Date {
            label: "garantía hasta",
            year_ok: false
        }
    ),
    field!(ram_gb, Number, Check::NotNegative { label: "RAM" }),
    field!(value, Number, Check::NotNegative { label: "valor" }),
];

impl AssetField {
    /// Sets the field of `asset` from the column of the same name.
    fn read(&self, r: &Row<'_>, asset: &mut Asset) -> crate::error::Result<()> {
        match &self.access {
            Access::Text(s) => *(s.set)(asset) = r.get(self.column)?,
            Access::Number(s) => *(s.set)(asset) = r.get(self.column)?,
        }
        Ok(())
    }

    /// The stored value (`Null` when empty).
    fn stored(&self, asset: &Asset) -> Value {
        match &self.access {
            Access::Text(s) => (s.get)(asset).clone().map_or(Value::Null, Value::Text),
            Access::Number(s) => (*(s.get)(asset)).map_or(Value::Null, Value::Real),
        }
    }

    /// The typed value, cleaned and checked (`Null` when empty).
    fn clean(&self, a: &NewAsset) -> Result<Value> {
        match (&self.access, self.check) {
            (Access::Text(s), check) => {
                let v = clean_opt((s.input)(a).as_deref());
                let v = match check {
                    Check::Date { label, year_ok } => check_date(label, v, year_ok)?,
                    _ => v,
                };
                Ok(v.map_or(Value::Null, Value::Text))
            }
            (Access::Number(s), check) => {
                let v = *(s.input)(a);
                if let (Some(x), Check::NotNegative { label }) = (v, check) {
                    if !x.is_finite() || x < 0.0 {
                        return Err(CoreError::validation(label, format!("«{x}» no es válido")));
                    }
                }
                Ok(v.map_or(Value::Null, Value::Real))
            }
        }
    }
}

/// A stored or typed value as the history shows it.
fn shown(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        Value::Real(x) => Some(x.to_string()),
        _ => None,
    }
}

/// The SELECT list of [`Asset::from_row`] (with `id`), over [`ASSET_FROM`].
fn asset_columns() -> String {
    let mut cols = String::from(
        "a.id, coalesce(a.tag_display, a.tag) AS tag, a.kind, a.status, a.notes, c.number AS decommission_concept, \
         a.created_at, a.updated_at, a.source_file, a.source_sheet, a.source_row, \
         a.import_batch, a.extra",
    );
    for f in ASSET_FIELDS {
        cols.push_str(", a.");
        cols.push_str(f.column);
    }
    cols
}

const ASSET_FROM: &str =
    "assets a LEFT JOIN decommission_concepts c ON c.id = a.decommission_concept_id";

fn opt_local(v: Option<String>) -> crate::error::Result<Option<String>> {
    Ok(v.and_then(|s| from_db(&s).ok()).map(to_rfc3339_local))
}

impl Asset {
    /// An equipment from a row of [`asset_columns`], read by column name.
    fn from_row(r: &Row<'_>) -> crate::error::Result<Self> {
        let extra: String = r.get("extra")?;
        let source_file: Option<String> = r.get("source_file")?;
        let mut asset = Asset {
            tag: r.get("tag")?,
            kind: r.get("kind")?,
            status: r.get("status")?,
            notes: r.get("notes")?,
            decommission_concept: r.get("decommission_concept")?,
            created_at: opt_local(r.get("created_at")?)?.unwrap_or_default(),
            updated_at: opt_local(r.get("updated_at")?)?.unwrap_or_default(),
            source: source_file.map(|file| Source {
                file,
                sheet: r.get("source_sheet").ok().flatten(),
                row: r.get("source_row").ok().flatten(),
            }),
            import_batch: r.get("import_batch")?,
            extra: serde_json::from_str(&extra).unwrap_or_default(),
            ..Default::default()
        };
        for f in ASSET_FIELDS {
            f.read(r, &mut asset)?;
        }
        Ok(asset)
    }
}

fn row_to_asset(r: &Row<'_>) -> crate::error::Result<(i64, Asset)> {
    Ok((r.get("id")?, Asset::from_row(r)?))
}

/// `YYYY-MM-DD` (or, when `year_ok`, `YYYY`) validation.
pub(crate) fn check_date(field: &str, v: Option<String>, year_ok: bool) -> Result<Option<String>> {
    let Some(v) = v else { return Ok(None) };
    if year_ok && v.len() == 4 && v.chars().all(|c| c.is_ascii_digit()) {
        let y: i32 = v.parse().unwrap_or(0);
        if (1950..=2100).contains(&y) {
            return Ok(Some(v));
        }
    }
    match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
        Ok(d) => Ok(Some(d.format("%Y-%m-%d").to_string())),
        Err(_) => Err(CoreError::validation(
            field,
            if year_ok {
                format!("«{v}» no es una fecha AAAA-MM-DD ni un año AAAA")
            } else {
                format!("«{v}» no es una fecha AAAA-MM-DD")
            },
        )),
    }
}

/// The Bogota date of `now`, or the given `YYYY-MM-DD`.
pub(crate) fn date_or_today(field: &str, v: Option<&str>, now: DateTime<Utc>) -> Result<String> {
    match clean_opt(v) {
        Some(s) => Ok(check_date(field, Some(s), false)?.unwrap_or_default()),
        None => Ok(to_local(now).date().format("%Y-%m-%d").to_string()),
    }
}

fn origin_of(source: &Option<Source>) -> String {
    match source {
        Some(s) => {
            let mut o = format!(" (archivo «{}»", s.file);
            if let Some(sh) = &s.sheet {
                o.push_str(&format!(", hoja «{sh}»"));
            }
            if let Some(r) = s.row {
                o.push_str(&format!(", fila {r}"));
            }
            o.push(')');
            o
        }
        None => String::new(),
    }
}

/// A validated [`NewAsset`], ready to insert.
struct CleanAsset {
    /// Normalised: the unique key.
    tag: String,
    /// As the office writes it; `None` when it is the same as `tag`.
    display: Option<String>,
    kind: String,
    /// The values of [`ASSET_FIELDS`], in its order.
    values: Vec<Value>,
    status: AssetStatus,
    source: Option<Source>,
    extra: String,
}

fn clean_asset(a: &NewAsset) -> Result<CleanAsset> {
    let at = |e: CoreError| -> CoreError {
        match (&a.source, e) {
            (Some(_), CoreError::Validation { field, message }) => CoreError::Validation {
                field,
                message: format!("{message}{}", origin_of(&a.source)),
            },
            (_, e) => e,
        }
    };
    let tag = normalize_tag(&a.tag).map_err(at)?;
    let display = Some(display_tag(&a.tag).map_err(at)?).filter(|d| *d != tag);
    let kind = clean(&a.kind);
    if kind.is_empty() {
        return Err(at(CoreError::validation("tipo", "es obligatorio")));
    }
    // Numbers are checked before texts: with several errors, the first reported is a number's.
    let mut values = vec![Value::Null; ASSET_FIELDS.len()];
    for numbers in [true, false] {
        for (f, v) in ASSET_FIELDS.iter().zip(values.iter_mut()) {
            if matches!(f.access, Access::Number(_)) == numbers {
                *v = f.clean(a).map_err(at)?;
            }
        }
    }
    Ok(CleanAsset {
        tag,
        display,
        kind,
        values,
        status: a.status.unwrap_or(AssetStatus::Good),
        source: a.source.clone(),
        extra: serde_json::to_string(&a.extra)?,
    })
}

fn insert_asset(
    conn: &crate::db::Db,
    a: &CleanAsset,
    batch: Option<i64>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT coalesce(tag_display, tag) AS tag FROM assets WHERE tag = ?1",
            [&a.tag],
            |r| r.get("tag"),
        )
        .optional()?;
    if let Some(existing) = existing {
        return Err(CoreError::DuplicateAsset {
            tag: existing,
            origin: origin_of(&a.source),
        });
    }
    let at = to_db(now);
    let source_file = a.source.as_ref().map(|s| s.file.clone());
    let source_sheet = a.source.as_ref().and_then(|s| s.sheet.clone());
    let source_row = a.source.as_ref().and_then(|s| s.row);
    let mut args: Vec<&dyn crate::db::ToSqlValue> = vec![
        &a.tag,
        &a.kind,
        &a.status,
        &at,
        &source_file,
        &source_sheet,
        &source_row,
        &batch,
        &a.extra,
        &a.display,
    ];
    let (mut columns, mut marks) = (String::new(), String::new());
    for (f, v) in ASSET_FIELDS.iter().zip(&a.values) {
        args.push(v);
        columns.push_str(&format!(", {}", f.column));
        marks.push_str(&format!(", ?{}", args.len()));
    }
    let id: i64 = conn.query_row(
        &format!(
            "INSERT INTO assets(tag, kind, status, notes, created_at, updated_at, source_file,
                source_sheet, source_row, import_batch, extra, tag_display{columns})
             VALUES (?1, ?2, ?3, NULL, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10{marks}) RETURNING id"
        ),
        args.as_slice(),
        |r| r.get("id"),
    )?;
    let note = match &a.source {
        Some(s) => format!("Importado de «{}»{}", s.file, origin_of(&a.source)),
        None => "Equipo registrado".to_string(),
    };
    add_asset_event(
        conn,
        id,
        &at,
        &to_local(now).date().format("%Y-%m-%d").to_string(),
        actor,
        EventRow {
            kind: "created",
            description: Some(note),
            ..Default::default()
        },
    )?;
    Ok(id)
}

#[derive(Default)]
pub(crate) struct EventRow<'a> {
    pub kind: &'a str,
    pub description: Option<String>,
    pub field: Option<&'a str>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub part: Option<String>,
    pub part_serial: Option<String>,
    pub ticket_number: Option<String>,
    pub log_id: Option<i64>,
    pub concept_id: Option<i64>,
}

pub(crate) fn add_asset_event(
    conn: &crate::db::Db,
    asset_id: i64,
    at: &str,
    happened_on: &str,
    actor: &str,
    e: EventRow<'_>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO asset_events(asset_id, at, happened_on, actor, kind, description, field,
            old_value, new_value, part, part_serial, ticket_number, log_id, concept_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            asset_id,
            at,
            happened_on,
            actor,
            e.kind,
            e.description,
            e.field,
            e.old_value,
            e.new_value,
            e.part,
            e.part_serial,
            e.ticket_number,
            e.log_id,
            e.concept_id
        ],
    )?;
    Ok(())
}

/// Asset id and status by tag (normalised).
/// «Monitor Dell P2419H serie CN0ABC»: a peripheral as the life record names it.
fn peripheral_desc(
    kind: &str,
    brand: Option<&str>,
    model: Option<&str>,
    serial: Option<&str>,
) -> String {
    [Some(kind), brand, model, serial.map(|_| "serie"), serial]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The life record's «Periférico» entry (attached or removed), dated today.
fn peripheral_event(
    tx: &crate::db::Db,
    asset_id: i64,
    now: DateTime<Utc>,
    actor: &str,
    description: String,
    serial: Option<String>,
) -> Result<()> {
    add_asset_event(
        tx,
        asset_id,
        &to_db(now),
        &to_local(now).date().format("%Y-%m-%d").to_string(),
        actor,
        EventRow {
            kind: "peripheral",
            description: Some(description),
            part_serial: serial,
            ..Default::default()
        },
    )
}

/// A decommissioned equipment's life record is closed: nothing more is attached or removed.
fn closed_record(asset: &Asset) -> Result<()> {
    if asset.status == AssetStatus::Decommissioned {
        return Err(CoreError::validation(
            "equipo",
            format!(
                "{} está dado de baja; su hoja de vida está cerrada",
                asset.tag
            ),
        ));
    }
    Ok(())
}

pub(crate) fn find_asset(conn: &crate::db::Db, tag: &str) -> Result<(i64, Asset)> {
    let norm = normalize_tag(tag)?;
    conn.query_row(
        &format!(
            "SELECT {} FROM {ASSET_FROM} WHERE a.tag = ?1",
            asset_columns()
        ),
        [&norm],
        row_to_asset,
    )
    .optional()?
    .ok_or(CoreError::AssetNotFound(norm))
}

/// A placa typed on a case, as the office writes it when that equipment exists (`ind0083` on
/// the case shows `IND-0083`); otherwise as typed.
pub(crate) fn shown_tag(conn: &crate::db::Db, typed: &str) -> String {
    match find_asset(conn, typed) {
        Ok((_, a)) => a.tag,
        Err(_) => typed.to_string(),
    }
}

impl DecommissionConcept {
    /// A concept from a row of [`CONCEPT_COLUMNS`], read by column name.
    fn from_row(r: &Row<'_>) -> crate::error::Result<Self> {
        Ok(DecommissionConcept {
            number: r.get("number")?,
            tag: r.get("tag")?,
            concept_date: r.get("concept_date")?,
            diagnosis: r.get("diagnosis")?,
            cause: r.get("cause")?,
            recommendation: r.get("recommendation")?,
            destination: r.get("destination")?,
            technician: r.get("technician")?,
            engineer: r.get("engineer")?,
            approver: r.get("approver")?,
            status: r.get("status")?,
            approved_at: opt_local(r.get("approved_at")?)?,
        })
    }
}

const CONCEPT_COLUMNS: &str =
    "c.number, coalesce(a.tag_display, a.tag) AS tag, c.concept_date, c.diagnosis, c.cause, \
    c.recommendation, c.destination, c.technician, c.engineer, c.approver, c.status, c.approved_at";

impl Store {
    /// Registers an equipment (one transaction: the row and its first history entry).
    pub fn create_asset(
        &mut self,
        input: &NewAsset,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Asset> {
        self.authorize(crate::people::Permission::Equipment)?;
        let a = clean_asset(input)?;
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        insert_asset(&tx, &a, None, actor, now)?;
        tx.commit()?;
        Ok(find_asset(&self.conn, &a.tag)?.1)
    }

    /// Registers many equipment at once (the inventory importer): all or nothing. Every row is
    /// validated first; a bad row or a repeated placa (in the file or already stored) writes
    /// nothing and the error names the file, sheet and row. `batch` marks the rows so that
    /// [`Store::undo_asset_import`] can remove them.
    pub fn import_assets(
        &mut self,
        records: &[NewAsset],
        batch: Option<i64>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<AssetImportOutcome> {
        self.authorize(crate::people::Permission::Import)?;
        let cleaned = records
            .iter()
            .map(clean_asset)
            .collect::<Result<Vec<_>>>()?;
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let mut tags = Vec::with_capacity(cleaned.len());
        for a in &cleaned {
            insert_asset(&tx, a, batch, actor, now)?;
            tags.push(a.display.clone().unwrap_or_else(|| a.tag.clone()));
        }
        tx.commit()?;
        Ok(AssetImportOutcome {
            created: tags.len() as i64,
            tags,
        })
    }

    /// Removes the equipment of one import batch (undo). Refuses, writing nothing, when any of
    /// them already has history beyond its registration, a plan item or a log entry.
    /// Removes the equipment of an inventory import batch (refused when any has history since).
    pub fn undo_asset_import(&mut self, batch: i64) -> Result<usize> {
        self.authorize(crate::people::Permission::ImportUndo)?;
        self.remove_asset_batch(batch, None)
    }

    /// [`Store::undo_asset_import`]; with `marked_by`, the batch is also marked undone by that
    /// person at that time, in the same transaction.
    pub(crate) fn remove_asset_batch(
        &mut self,
        batch: i64,
        marked_by: Option<(&str, DateTime<Utc>)>,
    ) -> Result<usize> {
        let tx = match marked_by {
            Some((actor, now)) => crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?,
            None => crate::store::session_write_tx(&mut self.conn, &self.audit)?,
        };
        let used: Option<String> = tx
            .query_row(
                "SELECT coalesce(a.tag_display, a.tag) FROM assets a WHERE a.import_batch = ?1 AND (
                    EXISTS (SELECT 1 FROM asset_events e WHERE e.asset_id = a.id AND e.kind <> 'created')
                    OR EXISTS (SELECT 1 FROM maintenance_items i WHERE i.asset_id = a.id)
                    OR EXISTS (SELECT 1 FROM maintenance_logs l WHERE l.asset_id = a.id)
                    OR EXISTS (SELECT 1 FROM decommission_concepts c WHERE c.asset_id = a.id))
                 LIMIT 1",
                [batch],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(tag) = used {
            return Err(CoreError::validation(
                "deshacer importación",
                format!("el equipo {tag} ya tiene historia registrada después de importarse"),
            ));
        }
        let n = tx.execute("DELETE FROM assets WHERE import_batch = ?1", [batch])?;
        if let Some((actor, now)) = marked_by {
            tx.execute(
                "UPDATE import_batches SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
                crate::params![batch, crate::clock::to_db(now), actor],
            )?;
        }
        tx.commit()?;
        Ok(n)
    }

    pub fn get_asset(&self, tag: &str) -> Result<Asset> {
        Ok(find_asset(&self.conn, tag)?.1)
    }

    pub fn list_assets(&self, q: &AssetQuery) -> Result<Vec<Asset>> {
        let mut sql = format!("SELECT {} FROM {ASSET_FROM} WHERE 1=1", asset_columns());
        let mut args: Vec<String> = vec![];
        if let Some(st) = q.status {
            args.push(st.as_str().into());
            sql.push_str(&format!(" AND a.status = ?{}", args.len()));
        } else if !q.include_decommissioned {
            sql.push_str(" AND a.status <> 'decommissioned'");
        }
        if let Some(k) = clean_opt(q.kind.as_deref()) {
            args.push(k);
            sql.push_str(&format!(" AND a.kind = ?{} COLLATE NOCASE", args.len()));
        }
        if let Some(d) = clean_opt(q.department.as_deref()) {
            args.push(d);
            sql.push_str(&format!(
                " AND a.department = ?{} COLLATE NOCASE",
                args.len()
            ));
        }
        sql.push_str(" ORDER BY a.tag");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(crate::db::params_from_iter(args.iter()), row_to_asset)?;
        let needle = clean_opt(q.search.as_deref()).map(|s| fold(&s));
        let tag_needle = q
            .search
            .as_deref()
            .and_then(|s| normalize_tag(s).ok())
            .unwrap_or_default();
        let mut out = vec![];
        for r in rows {
            let (_, a) = r?;
            if let Some(n) = &needle {
                let hay = fold(
                    &[
                        Some(a.tag.as_str()),
                        Some(a.kind.as_str()),
                        a.brand.as_deref(),
                        a.model.as_deref(),
                        a.serial.as_deref(),
                        a.custodian.as_deref(),
                        a.hostname.as_deref(),
                        a.ip.as_deref(),
                        a.department.as_deref(),
                        a.location.as_deref(),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                );
                let tag_key = normalize_tag(&a.tag).unwrap_or_default();
                if !hay.contains(n.as_str()) && !tag_key.contains(&tag_needle) {
                    continue;
                }
            }
            out.push(a);
        }
        Ok(out)
    }

    /// The life record: equipment, peripherals, history, linked cases and concepts.
    pub fn asset_record(&self, tag: &str) -> Result<AssetRecord> {
        let (id, asset) = find_asset(&self.conn, tag)?;
        let mut stmt = self.conn.prepare(
            "SELECT kind, brand, model, serial, tag, added_at, id FROM asset_peripherals
             WHERE asset_id = ?1 ORDER BY id",
        )?;
        let peripherals = stmt
            .query_map([id], |r| {
                Ok(Peripheral {
                    id: r.get("id")?,
                    kind: r.get("kind")?,
                    brand: r.get("brand")?,
                    model: r.get("model")?,
                    serial: r.get("serial")?,
                    tag: r.get("tag")?,
                    added_at: opt_local(r.get("added_at")?)?.unwrap_or_default(),
                })
            })?
            .collect::<crate::error::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT e.at, e.happened_on, e.actor, e.kind, e.description, e.field, e.old_value,
                    e.new_value, e.part, e.part_serial, e.ticket_number, e.log_id,
                    c.number AS concept_number
             FROM asset_events e LEFT JOIN decommission_concepts c ON c.id = e.concept_id
             WHERE e.asset_id = ?1 ORDER BY e.happened_on, e.id",
        )?;
        let events = stmt
            .query_map([id], |r| {
                Ok(AssetEvent {
                    at: opt_local(r.get("at")?)?.unwrap_or_default(),
                    happened_on: r.get("happened_on")?,
                    actor: r.get("actor")?,
                    kind: r.get("kind")?,
                    description: r.get("description")?,
                    field: r.get("field")?,
                    old_value: r.get("old_value")?,
                    new_value: r.get("new_value")?,
                    part: r.get("part")?,
                    part_serial: r.get("part_serial")?,
                    ticket_number: r.get("ticket_number")?,
                    log_id: r.get("log_id")?,
                    concept_number: r.get("concept_number")?,
                })
            })?
            .collect::<crate::error::Result<Vec<_>>>()?;
        let cases = self.linked_cases(&asset.tag)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CONCEPT_COLUMNS} FROM decommission_concepts c JOIN assets a ON a.id = c.asset_id
             WHERE c.asset_id = ?1 ORDER BY c.id"
        ))?;
        let concepts = stmt
            .query_map([id], DecommissionConcept::from_row)?
            .collect::<crate::error::Result<Vec<_>>>()?;
        Ok(AssetRecord {
            asset,
            peripherals,
            events,
            cases,
            concepts,
            attachments: crate::attachments::rows::list_for_asset(&self.conn, id)?,
        })
    }

    /// Cases whose placa (typed in any form) is `tag` (in any form), oldest first.
    fn linked_cases(&self, tag: &str) -> Result<Vec<LinkedCase>> {
        let tag = normalize_tag(tag)?;
        let mut stmt = self
            .conn
            .prepare("SELECT id, asset_tag FROM tickets WHERE asset_tag IS NOT NULL")?;
        let ids: Vec<i64> = stmt
            .query_map([], |r| {
                Ok((r.get::<_, i64>("id")?, r.get::<_, String>("asset_tag")?))
            })?
            .filter_map(|r| r.ok())
            .filter(|(_, t)| normalize_tag(t).is_ok_and(|n| n == *tag))
            .map(|(id, _)| id)
            .collect();
        let mut out = vec![];
        let mut stmt = self.conn.prepare(
            "SELECT number, received_at, status, requester, service_type, description, solution
             FROM tickets WHERE id = ?1",
        )?;
        for id in ids {
            let c = stmt.query_row([id], |r| {
                let status: TicketStatus = r.get("status")?;
                Ok(LinkedCase {
                    number: r.get("number")?,
                    received_at: opt_local(r.get("received_at")?)?,
                    status,
                    requester: r.get("requester")?,
                    service_type: r.get("service_type")?,
                    description: r.get("description")?,
                    solution: r.get("solution")?,
                })
            })?;
            out.push(c);
        }
        out.sort_by(|a, b| a.received_at.cmp(&b.received_at));
        Ok(out)
    }

    /// Adds a history entry typed by the user (maintenance, upgrade, status change, note).
    pub fn add_asset_event(
        &mut self,
        tag: &str,
        input: &NewAssetEvent,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Asset> {
        self.authorize(crate::people::Permission::Equipment)?;
        let kind = input.kind.trim();
        if !MANUAL_EVENT_KINDS.contains(&kind) {
            return Err(CoreError::validation(
                "tipo de evento",
                format!(
                    "«{kind}» no es válido; use preventive (preventivo), corrective (correctivo), \
                     upgrade (actualización), status (estado) o note (nota); los traslados, \
                     cambios de responsable y bajas tienen su propia acción"
                ),
            ));
        }
        let (id, asset) = find_asset(&self.conn, tag)?;
        if asset.status == AssetStatus::Decommissioned {
            return Err(CoreError::validation(
                "equipo",
                format!(
                    "{} está dado de baja; su hoja de vida está cerrada",
                    asset.tag
                ),
            ));
        }
        let happened = date_or_today("fecha", input.happened_on.as_deref(), now)?;
        let description = clean_opt(input.description.as_deref());
        let part = clean_opt(input.part.as_deref());
        if kind == "upgrade" && part.is_none() {
            return Err(CoreError::validation(
                "parte",
                "indique la parte instalada (por ejemplo «Memoria RAM 8 GB»)",
            ));
        }
        if kind == "status" && input.new_status.is_none() {
            return Err(CoreError::validation("estado", "indique el nuevo estado"));
        }
        if matches!(kind, "preventive" | "corrective" | "note") && description.is_none() {
            return Err(CoreError::validation("descripción", "es obligatoria"));
        }
        if input.new_status == Some(AssetStatus::Decommissioned) {
            return Err(CoreError::validation(
                "estado",
                "la baja se hace con el concepto técnico de baja",
            ));
        }
        let at = to_db(now);
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let status_change = input.new_status.filter(|st| *st != asset.status);
        if kind == "status" {
            add_asset_event(
                &tx,
                id,
                &at,
                &happened,
                actor,
                EventRow {
                    kind: "status",
                    description,
                    field: Some("status"),
                    old_value: Some(asset.status.label().into()),
                    new_value: input.new_status.map(|s| s.label().to_string()),
                    ticket_number: clean_opt(input.ticket_number.as_deref()),
                    ..Default::default()
                },
            )?;
        } else {
            add_asset_event(
                &tx,
                id,
                &at,
                &happened,
                actor,
                EventRow {
                    kind,
                    description,
                    part,
                    part_serial: clean_opt(input.part_serial.as_deref()),
                    ticket_number: clean_opt(input.ticket_number.as_deref()),
                    ..Default::default()
                },
            )?;
            if let Some(st) = status_change {
                add_asset_event(
                    &tx,
                    id,
                    &at,
                    &happened,
                    actor,
                    EventRow {
                        kind: "status",
                        field: Some("status"),
                        old_value: Some(asset.status.label().into()),
                        new_value: Some(st.label().into()),
                        ..Default::default()
                    },
                )?;
            }
        }
        if let Some(st) = status_change {
            tx.execute(
                "UPDATE assets SET status = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, st.as_str(), at],
            )?;
        }
        tx.commit()?;
        self.get_asset(tag)
    }

    /// Transfer to another dependencia/ubicación and/or change of custodian, with the reason.
    pub fn move_asset(
        &mut self,
        tag: &str,
        mv: &AssetMove,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Asset> {
        self.authorize(crate::people::Permission::Equipment)?;
        let (id, asset) = find_asset(&self.conn, tag)?;
        if asset.status == AssetStatus::Decommissioned {
            return Err(CoreError::validation(
                "equipo",
                format!("{} está dado de baja; no se puede trasladar", asset.tag),
            ));
        }
        let reason = clean(&mv.reason);
        if reason.is_empty() {
            return Err(CoreError::validation("motivo", "es obligatorio"));
        }
        let happened = date_or_today("fecha", mv.happened_on.as_deref(), now)?;
        let dep = clean_opt(mv.department.as_deref());
        let loc = clean_opt(mv.location.as_deref());
        let cus = clean_opt(mv.custodian.as_deref());
        let moves =
            (dep.is_some() && dep != asset.department) || (loc.is_some() && loc != asset.location);
        let custodian_changes = cus.is_some() && cus != asset.custodian;
        if !moves && !custodian_changes {
            return Err(CoreError::validation(
                "traslado",
                "indique una dependencia, ubicación o responsable distintos de los actuales",
            ));
        }
        let at = to_db(now);
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let place = |d: &Option<String>, l: &Option<String>| {
            [d.as_deref(), l.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" — ")
        };
        if moves {
            let new_dep = dep.clone().or(asset.department.clone());
            let new_loc = loc.clone().or(asset.location.clone());
            add_asset_event(
                &tx,
                id,
                &at,
                &happened,
                actor,
                EventRow {
                    kind: "transfer",
                    description: Some(reason.clone()),
                    field: Some("department"),
                    old_value: Some(place(&asset.department, &asset.location)),
                    new_value: Some(place(&new_dep, &new_loc)),
                    ..Default::default()
                },
            )?;
            tx.execute(
                "UPDATE assets SET department = ?2, location = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, new_dep, new_loc, at],
            )?;
        }
        if custodian_changes {
            add_asset_event(
                &tx,
                id,
                &at,
                &happened,
                actor,
                EventRow {
                    kind: "custodian",
                    description: Some(reason),
                    field: Some("custodian"),
                    old_value: asset.custodian.clone(),
                    new_value: cus.clone(),
                    ..Default::default()
                },
            )?;
            tx.execute(
                "UPDATE assets SET custodian = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, cus, at],
            )?;
        }
        tx.commit()?;
        self.get_asset(tag)
    }

    /// Corrects identification/specification fields (each change is a history entry). Fields
    /// left `None` in `input` keep their value; `tag` cannot change.
    pub fn update_asset(
        &mut self,
        tag: &str,
        input: &NewAsset,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Asset> {
        self.authorize(crate::people::Permission::Equipment)?;
        let (id, cur) = find_asset(&self.conn, tag)?;
        let mut patch = input.clone();
        patch.tag = cur.tag.clone();
        if patch.kind.trim().is_empty() {
            patch.kind = cur.kind.clone();
        }
        let a = clean_asset(&patch)?;
        let at = to_db(now);
        let today = to_local(now).date().format("%Y-%m-%d").to_string();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let mut changed = 0;
        let mut edit = |field: &str, old: Option<String>, new: Option<String>| -> Result<()> {
            add_asset_event(
                &tx,
                id,
                &at,
                &today,
                actor,
                EventRow {
                    kind: "edit",
                    field: Some(field),
                    old_value: old,
                    new_value: new,
                    ..Default::default()
                },
            )?;
            changed += 1;
            Ok(())
        };
        let mut sets: Vec<(String, crate::db::Value)> = vec![];
        if a.kind != cur.kind {
            edit("kind", Some(cur.kind.clone()), Some(a.kind.clone()))?;
            sets.push(("kind".into(), a.kind.clone().into()));
        }
        for (f, new) in ASSET_FIELDS.iter().zip(&a.values) {
            let old = f.stored(&cur);
            if *new != Value::Null && *new != old {
                edit(f.column, shown(&old), shown(new))?;
                sets.push((f.column.to_string(), new.clone()));
            }
        }
        if let Some(n) = clean_opt(input.notes.as_deref()) {
            if Some(&n) != cur.notes.as_ref() {
                edit("notes", cur.notes.clone(), Some(n.clone()))?;
                sets.push(("notes".into(), n.into()));
            }
        }
        for (name, v) in &sets {
            tx.execute(
                &format!("UPDATE assets SET {name} = ?2, updated_at = ?3 WHERE id = ?1"),
                params![id, v, at],
            )?;
        }
        let _ = changed;
        tx.commit()?;
        self.get_asset(tag)
    }

    /// Attaches a peripheral (monitor, teclado, mouse…) to an equipment.
    pub fn attach_peripheral(
        &mut self,
        tag: &str,
        p: &NewPeripheral,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<AssetRecord> {
        self.authorize(crate::people::Permission::Equipment)?;
        let (id, asset) = find_asset(&self.conn, tag)?;
        closed_record(&asset)?;
        let kind = clean(&p.kind);
        if kind.is_empty() {
            return Err(CoreError::validation(
                "periférico",
                "indique el tipo (monitor, teclado, mouse…)",
            ));
        }
        let ptag = match clean_opt(p.tag.as_deref()) {
            Some(t) => Some(normalize_tag(&t)?),
            None => None,
        };
        let at = to_db(now);
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let desc = peripheral_desc(
            &kind,
            p.brand.as_deref(),
            p.model.as_deref(),
            p.serial.as_deref(),
        );
        tx.execute(
            "INSERT INTO asset_peripherals(asset_id, kind, brand, model, serial, tag, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                kind,
                clean_opt(p.brand.as_deref()),
                clean_opt(p.model.as_deref()),
                clean_opt(p.serial.as_deref()),
                ptag,
                at
            ],
        )?;
        peripheral_event(
            &tx,
            id,
            now,
            actor,
            format!("Periférico agregado: {desc}"),
            clean_opt(p.serial.as_deref()),
        )?;
        tx.commit()?;
        self.asset_record(tag)
    }

    /// Removes a peripheral from an equipment (it broke, was moved or returned): the life
    /// record keeps a «Periférico retirado» entry with the reason; one transaction.
    pub fn detach_peripheral(
        &mut self,
        tag: &str,
        peripheral_id: i64,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<AssetRecord> {
        self.authorize(crate::people::Permission::Equipment)?;
        let (id, asset) = find_asset(&self.conn, tag)?;
        closed_record(&asset)?;
        let reason = clean(reason);
        if reason.is_empty() {
            return Err(CoreError::validation(
                "motivo",
                "indique por qué se retira el periférico (dañado, trasladado, devuelto…)",
            ));
        }
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        type Found = (String, Option<String>, Option<String>, Option<String>);
        let found: Option<Found> = tx
            .query_row(
                "SELECT kind, brand, model, serial FROM asset_peripherals
                 WHERE id = ?1 AND asset_id = ?2",
                params![peripheral_id, id],
                |r| {
                    Ok((
                        r.get("kind")?,
                        r.get("brand")?,
                        r.get("model")?,
                        r.get("serial")?,
                    ))
                },
            )
            .optional()?;
        let Some((kind, brand, model, serial)) = found else {
            return Err(CoreError::validation(
                "periférico",
                format!(
                    "el equipo {} no tiene el periférico {peripheral_id}",
                    asset.tag
                ),
            ));
        };
        tx.execute(
            "DELETE FROM asset_peripherals WHERE id = ?1",
            [peripheral_id],
        )?;
        let desc = peripheral_desc(&kind, brand.as_deref(), model.as_deref(), serial.as_deref());
        peripheral_event(
            &tx,
            id,
            now,
            actor,
            format!("Periférico retirado: {desc}. Motivo: {reason}"),
            serial,
        )?;
        tx.commit()?;
        self.asset_record(tag)
    }

    /// Drafts a technical concept to decommission (concepto técnico de baja).
    pub fn create_decommission_concept(
        &mut self,
        tag: &str,
        input: &NewDecommissionConcept,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<DecommissionConcept> {
        self.authorize(crate::people::Permission::Equipment)?;
        let (id, asset) = find_asset(&self.conn, tag)?;
        if asset.status == AssetStatus::Decommissioned {
            return Err(CoreError::validation(
                "equipo",
                format!("{} ya está dado de baja", asset.tag),
            ));
        }
        let req = |f: &str, v: &str| -> Result<String> {
            let v = clean(v);
            if v.is_empty() {
                Err(CoreError::validation(f, "es obligatorio"))
            } else {
                Ok(v)
            }
        };
        let diagnosis = req("diagnóstico", &input.diagnosis)?;
        let cause = req("causa", &input.cause)?;
        let recommendation = req("recomendación", &input.recommendation)?;
        let destination = req("destino final", &input.destination)?;
        // With accounts, «Elaboró» is whoever is logged in (separation of duties relies on it).
        let technician = match &self.principal {
            Some(p) => p.name.clone(),
            None => clean_opt(input.technician.as_deref()).unwrap_or_else(|| actor.to_string()),
        };
        let date = date_or_today("fecha del concepto", input.concept_date.as_deref(), now)?;
        let year = &date[..4];
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        // The year's counter row, in this transaction (like case numbers): gap-free, never
        // reused, serialised by the write path (BEGIN IMMEDIATE / PostgreSQL's advisory lock).
        let seq: i64 = tx.query_row(
            "INSERT INTO decommission_counters(year, last) VALUES (?1, 1)
             ON CONFLICT(year) DO UPDATE SET last = decommission_counters.last + 1
             RETURNING last",
            [year.parse::<i64>().map_err(|_| {
                CoreError::validation("fecha del concepto", format!("año «{year}» no válido"))
            })?],
            |r| r.get(0),
        )?;
        let number = format!("CTB-{year}-{seq:04}");
        let cid: i64 = tx.query_row(
            "INSERT INTO decommission_concepts(number, asset_id, created_at, concept_date, diagnosis,
                cause, recommendation, destination, technician, engineer)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            params![
                number,
                id,
                to_db(now),
                date,
                diagnosis,
                cause,
                recommendation,
                destination,
                technician,
                clean_opt(input.engineer.as_deref())
            ], |r| r.get("id"))?;
        add_asset_event(
            &tx,
            id,
            &to_db(now),
            &date,
            actor,
            EventRow {
                kind: "note",
                description: Some(format!(
                    "Concepto técnico de baja {number} elaborado: {cause}"
                )),
                concept_id: Some(cid),
                ..Default::default()
            },
        )?;
        tx.commit()?;
        self.decommission_concept(&number)
    }

    pub fn decommission_concept(&self, number: &str) -> Result<DecommissionConcept> {
        let n = number.trim().to_uppercase();
        self.conn
            .query_row(
                &format!(
                    "SELECT {CONCEPT_COLUMNS} FROM decommission_concepts c JOIN assets a ON a.id = c.asset_id
                     WHERE c.number = ?1"
                ),
                [&n],
                DecommissionConcept::from_row,
            )
            .optional()?
            .ok_or(CoreError::MaintenanceNotFound {
                what: "el concepto técnico de baja",
                id: n,
            })
    }

    /// Approves a concept: the equipment becomes «dado de baja» with the concept linked, in one
    /// transaction. `engineer` (Revisó) is required if the draft had none.
    pub fn approve_decommission(
        &mut self,
        number: &str,
        engineer: Option<&str>,
        approver: &str,
        justification: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<DecommissionConcept> {
        self.authorize(crate::people::Permission::DecommissionApprove)?;
        let c = self.decommission_concept(number)?;
        if c.status == "approved" {
            return Err(CoreError::validation(
                "concepto",
                format!("{} ya fue aprobado", c.number),
            ));
        }
        let approver = clean(approver);
        if approver.is_empty() {
            return Err(CoreError::validation("aprobó", "indique quién aprueba"));
        }
        let engineer = clean_opt(engineer).or(c.engineer.clone()).ok_or_else(|| {
            CoreError::validation("revisó", "indique el ingeniero que revisó el concepto")
        })?;
        let sod = self.separate_duties(
            &format!(
                "quien elaboró el concepto de baja {} no puede aprobarlo",
                c.number
            ),
            &c.technician,
            &self.checker_name(&approver),
            justification,
        )?;
        let (aid, asset) = find_asset(&self.conn, &c.tag)?;
        let at = to_db(now);
        let today = to_local(now).date().format("%Y-%m-%d").to_string();
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let cid: i64 = tx.query_row(
            "SELECT id FROM decommission_concepts WHERE number = ?1",
            [&c.number],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE decommission_concepts SET status = 'approved', approver = ?2, engineer = ?3,
                approved_at = ?4, sod_justification = ?5 WHERE id = ?1",
            params![cid, approver, engineer, at, sod],
        )?;
        tx.execute(
            "UPDATE assets SET status = 'decommissioned', decommission_concept_id = ?2, updated_at = ?3
             WHERE id = ?1",
            params![aid, cid, at],
        )?;
        add_asset_event(
            &tx,
            aid,
            &at,
            &today,
            actor,
            EventRow {
                kind: "decommission",
                description: Some(format!(
                    "Dado de baja según concepto {}: {}. Destino: {}. Aprobó: {approver}",
                    c.number, c.cause, c.destination
                )),
                field: Some("status"),
                old_value: Some(asset.status.label().into()),
                new_value: Some(AssetStatus::Decommissioned.label().into()),
                concept_id: Some(cid),
                ..Default::default()
            },
        )?;
        tx.commit()?;
        self.decommission_concept(&c.number)
    }
}

/// Year of a stored date (`YYYY-MM-DD` or `YYYY`).
pub fn year_of(date: &str) -> Option<i32> {
    date.get(..4).and_then(|y| y.parse().ok())
}

/// Today's date in Bogota.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    to_local(now).date()
}

/// Month name in Spanish (1 = enero).
pub fn month_name(m: u32) -> &'static str {
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
    .get(m.saturating_sub(1) as usize)
    .copied()
    .unwrap_or("")
}

/// Inserts one equipment inside the caller's transaction, marked with an import batch (used
/// by the spreadsheet importer, `crate::import::commit`, which owns the transaction).
pub(crate) fn insert_imported_asset(
    conn: &crate::db::Db,
    a: &NewAsset,
    batch: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    insert_asset(conn, &clean_asset(a)?, Some(batch), actor, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn tags_normalise_to_one_form() {
        for s in ["IND0123", "ind-0123", "IND 0123", " ind.0123 ", "Ind_0123"] {
            assert_eq!(normalize_tag(s).unwrap(), "IND0123", "{s}");
        }
        assert_eq!(normalize_tag("123.0").unwrap(), "123");
        assert_eq!(normalize_tag("00123").unwrap(), "00123");
        assert_eq!(normalize_tag("  ").unwrap_err().code(), "validation");
        assert_eq!(normalize_tag("--").unwrap_err().code(), "validation");
    }

    #[test]
    fn status_parses_codes_labels_and_letters() {
        assert_eq!(AssetStatus::parse("B"), Some(AssetStatus::Good));
        assert_eq!(AssetStatus::parse("r"), Some(AssetStatus::Fair));
        assert_eq!(AssetStatus::parse("M"), Some(AssetStatus::Poor));
        assert_eq!(
            AssetStatus::parse("Baja"),
            Some(AssetStatus::Decommissioned)
        );
        assert_eq!(
            AssetStatus::parse("En reparación"),
            Some(AssetStatus::InRepair)
        );
        assert_eq!(AssetStatus::parse("in_repair"), Some(AssetStatus::InRepair));
        assert_eq!(
            AssetStatus::parse("dado de baja"),
            Some(AssetStatus::Decommissioned)
        );
        assert_eq!(AssetStatus::parse("xyz"), None);
    }

    /// The equipment and its concept read with the columns in the reverse order are the same:
    /// rows are mapped by column name. Every field of [`ASSET_FIELDS`] makes the round trip.
    #[test]
    fn asset_rows_are_read_by_column_name() {
        let mut s = Store::open_in_memory().unwrap();
        let now: DateTime<Utc> = "2026-03-10T15:00:00Z".parse().unwrap();
        let text = |v: &str| Some(v.to_string());
        let input = NewAsset {
            tag: "ind-0042".into(),
            kind: "Portátil".into(),
            brand: text("Lenovo"),
            model: text("ThinkPad T14"),
            serial: text("PF-3K9X"),
            cpu: text("Core i5-1135G7"),
            ram_gb: Some(16.0),
            disk: text("SSD 512 GB"),
            os: text("Windows 11 Pro"),
            os_license: text("OEM-1234"),
            office_license: text("M365-5678"),
            hostname: text("TES-PC01"),
            ip: text("10.0.4.17"),
            mac: text("AA:BB:CC:DD:EE:FF"),
            department: text("Tesorería"),
            location: text("Piso 2"),
            custodian: text("Ana Gutiérrez"),
            acquired_on: text("2021"),
            supplier: text("Compufácil S.A.S."),
            value: Some(3_450_000.0),
            warranty_until: text("2024-06-30"),
            status: Some(AssetStatus::Fair),
            ..Default::default()
        };
        s.create_asset(&input, "Técnico de sistemas", now).unwrap();
        let concept = s
            .create_decommission_concept(
                "IND0042",
                &NewDecommissionConcept {
                    diagnosis: "Tarjeta madre dañada".into(),
                    cause: DECOMMISSION_CAUSES[1].into(),
                    recommendation: "Dar de baja".into(),
                    destination: "Reciclaje".into(),
                    engineer: text("Ingeniero de sistemas"),
                    ..Default::default()
                },
                "Técnico de sistemas",
                now,
            )
            .unwrap();
        s.approve_decommission(&concept.number, None, "Jefe de sistemas", None, "Jefe", now)
            .unwrap();
        let asset = s.get_asset("IND0042").unwrap();
        assert_eq!(
            (asset.tag.as_str(), asset.kind.as_str()),
            ("ind-0042", "Portátil")
        );
        assert_eq!(asset.status, AssetStatus::Decommissioned);
        assert_eq!(asset.decommission_concept, Some(concept.number.clone()));
        for f in ASSET_FIELDS {
            assert_eq!(f.stored(&asset), f.clean(&input).unwrap(), "{}", f.column);
        }

        let columns = asset_columns();
        assert_ne!(crate::db::reversed_columns(&columns), columns);
        let (_, reversed) = s
            .conn
            .query_row(
                &format!(
                    "SELECT {} FROM {ASSET_FROM} WHERE a.tag = 'IND0042'",
                    crate::db::reversed_columns(&columns)
                ),
                [],
                row_to_asset,
            )
            .unwrap();
        assert_eq!(reversed, asset);
        let reversed = s
            .conn
            .query_row(
                &format!(
                    "SELECT {} FROM decommission_concepts c JOIN assets a ON a.id = c.asset_id",
                    crate::db::reversed_columns(CONCEPT_COLUMNS)
                ),
                [],
                DecommissionConcept::from_row,
            )
            .unwrap();
        assert_eq!(reversed, s.decommission_concept(&concept.number).unwrap());
        assert_eq!(reversed.status, "approved");
    }

    #[test]
    fn month_names() {
        assert_eq!(month_name(1), "enero");
        assert_eq!(month_name(12), "diciembre");
        let _ = year_of("2024").unwrap();
        let _ = Datelike::year(&today(Utc::now()));
    }
}
