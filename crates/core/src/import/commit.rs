//! Writing an import: dry run or commit (one transaction, one batch), the batches list and undo.
//!
//! Imported cases get an internal number `IMP-<batch>-<n>` (n = 1, 2, … in file order) that
//! never consumes the consecutive service numbering (`ticket_counters` is not touched; their
//! `seq` is negative so `(year, seq)` never collides with registered cases). Their old number
//! is kept in `legacy_number`.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Datelike, NaiveTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::records::{AssetRecord, CaseRecord, Catalogs, Record};
use super::values::LegacyStatus;
use super::{analyze, ImportError, ImportKind, ImportOptions, ImportProgress, ImportReport, Sink};
use crate::clock::{from_db, from_local, to_db, to_rfc3339_local};
use crate::error::{CoreError, Result};
use crate::store::Store;
use crate::tickets::{deadlines, SlaInput};

/// One import batch as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportBatch {
    pub id: i64,
    pub kind: ImportKind,
    pub file_name: String,
    pub file_hash: String,
    pub format: String,
    pub imported_at: String,
    pub actor: String,
    pub imported: i64,
    pub duplicates: i64,
    pub warnings: i64,
    pub errors: i64,
    pub undone_at: Option<String>,
    /// Records of the batch still stored.
    pub remaining: i64,
}

struct TypeInfo {
    level: i64,
    response: i64,
    resolution: i64,
}

fn urgency_impact(priority: Option<&str>) -> (i64, i64) {
    let Some(p) = priority else { return (2, 2) };
    let f = crate::text::fold(p);
    if f.contains("muy urgente")
        || f.contains("urgente")
        || f.contains("mayor")
        || f.contains("critic")
        || f.contains("muy alta")
    {
        (3, 3)
    } else if f.contains("alta") {
        (2, 3)
    } else if f.contains("baja") {
        (1, 2)
    } else {
        (2, 2)
    }
}

impl Store {
    /// The catalogs the importer normalises onto: the built-in names with their synonyms plus
    /// every department and service type of this database.
    pub fn import_catalogs(&self) -> Result<Catalogs> {
        let mut c = Catalogs::builtin();
        let deps: Vec<String> = self
            .conn
            .prepare("SELECT name FROM departments WHERE active = 1 ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        c.departments.extend_names(deps);
        let types: Vec<String> = self
            .conn
            .prepare("SELECT name FROM service_types WHERE active = 1 ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        c.service_types.extend_names(types);
        Ok(c)
    }

    /// Imports a file from disk (see [`Store::import_bytes`]).
    pub fn import_file(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        dry_run: bool,
        actor: &str,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        let bytes = std::fs::read(path).map_err(|source| CoreError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        self.import_bytes(&bytes, &name, opts, dry_run, actor, now, progress)
    }

    /// Dry run (`dry_run`: nothing is written) or commit (one transaction; one batch unless
    /// nothing new was found). Bad files are refused with an [`ImportError`].
    #[allow(clippy::too_many_arguments)]
    pub fn import_bytes(
        &mut self,
        bytes: &[u8],
        file_name: &str,
        opts: &ImportOptions,
        dry_run: bool,
        actor: &str,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        let catalogs = self.import_catalogs()?;
        let has_assets: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'assets'",
            [],
            |r| r.get(0),
        )?;
        if dry_run {
            let conn = &self.conn;
            let mut sink = |rec: Record| -> Result<Sink> {
                let exists = match &rec {
                    Record::Case(c) => conn
                        .prepare_cached("SELECT 1 FROM tickets WHERE import_key = ?1")?
                        .exists([&c.key])?,
                    Record::Asset(a) => match (&a.placa, has_assets) {
                        (Some(tag), true) => conn
                            .prepare_cached("SELECT 1 FROM assets WHERE tag = ?1")?
                            .exists([tag])?,
                        _ => false,
                    },
                };
                Ok(if exists {
                    Sink::AlreadyImported
                } else {
                    Sink::New
                })
            };
            return analyze(bytes, file_name, opts, &catalogs, &mut sink, progress);
        }
        if opts.kind == ImportKind::Assets && !has_assets {
            return Err(ImportError::AssetsUnavailable.into());
        }
        // Data safety (issue 7): a verified backup before every import (a file that is not even
        // a spreadsheet is refused before).
        super::detect::detect(bytes)?;
        self.backup_before(crate::backup::BackupKind::PreImport, now)?;
        self.audit_as(actor, Some(now));
        let cal = self.calendar.clone();
        // A large page cache keeps a big batch from spilling to the WAL before the commit.
        let old_cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn.pragma_update(None, "cache_size", -131_072)?;
        let res = self.import_commit(
            bytes, file_name, opts, actor, now, &catalogs, &cal, progress,
        );
        let _ = self.conn.pragma_update(None, "cache_size", old_cache);
        res
    }

    #[allow(clippy::too_many_arguments)]
    fn import_commit(
        &mut self,
        bytes: &[u8],
        file_name: &str,
        opts: &ImportOptions,
        actor: &str,
        now: DateTime<Utc>,
        catalogs: &Catalogs,
        cal: &crate::calendar::BusinessCalendar,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = to_db(now);
        let mapping_json = serde_json::to_string(&opts.mapping.clone().unwrap_or_default())?;
        let batch: i64 = tx.query_row(
            "INSERT INTO import_batches(kind, file_name, file_hash, format, imported_at, actor, mapping)
             VALUES (?1, ?2, ?3, '', ?4, ?5, ?6) RETURNING id",
            params![opts.kind.as_str(), file_name, super::sha256_hex(bytes), at, actor, mapping_json],
            |r| r.get(0),
        )?;
        let default_response = tx
            .query_row(
                "SELECT value FROM settings WHERE key = 'default_response_minutes'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(720i64);
        let default_resolution = tx
            .query_row(
                "SELECT value FROM settings WHERE key = 'default_resolution_minutes'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(2880i64);
        let types: HashMap<String, TypeInfo> = tx
            .prepare("SELECT name, default_level, response_minutes, resolution_minutes FROM service_types")?
            .query_map([], |r| {
                Ok((
                    crate::text::fold(&r.get::<_, String>(0)?),
                    TypeInfo {
                        level: r.get(1)?,
                        response: r.get(2)?,
                        resolution: r.get(3)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let matrix: HashMap<(i64, i64), String> = tx
            .prepare("SELECT urgency, impact, priority FROM priority_matrix")?
            .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut n: i64 = 0;
        let file_hash = super::sha256_hex(bytes);
        let report = {
            let tx = &tx;
            let mut sink = |rec: Record| -> Result<Sink> {
                match rec {
                    Record::Case(c) => {
                        if tx
                            .prepare_cached("SELECT 1 FROM tickets WHERE import_key = ?1")?
                            .exists([&c.key])?
                        {
                            return Ok(Sink::AlreadyImported);
                        }
                        n += 1;
                        let ctx = CaseCtx {
                            batch,
                            n,
                            file_name,
                            hash: &file_hash,
                            at: &at,
                            actor,
                            now,
                            cal,
                            types: &types,
                            matrix: &matrix,
                            default_response,
                            default_resolution,
                        };
                        insert_case(tx, &c, &ctx)?;
                        Ok(Sink::New)
                    }
                    Record::Asset(a) => {
                        let Some(tag) = a.placa.clone() else {
                            return Err(CoreError::validation(
                                "placa",
                                format!("el equipo de la fila {} no tiene placa", a.row),
                            ));
                        };
                        if tx
                            .prepare_cached("SELECT 1 FROM assets WHERE tag = ?1")?
                            .exists([&tag])?
                        {
                            return Ok(Sink::AlreadyImported);
                        }
                        n += 1;
                        crate::assets::insert_imported_asset(
                            tx,
                            &to_new_asset(&a, file_name),
                            batch,
                            actor,
                            now,
                        )?;
                        Ok(Sink::New)
                    }
                }
            };
            analyze(bytes, file_name, opts, catalogs, &mut sink, progress)?
        };
        let mut report = report;
        report.dry_run = false;
        if report.imported == 0 {
            // Nothing new: no batch, nothing written.
            drop(tx);
            return Ok(report);
        }
        // The batch's cases enter the full-text index in one statement (the per-row trigger
        // skips imported rows: indexing them row by row costs about 10× more).
        tx.execute(
            "INSERT INTO tickets_fts(rowid, number, requester, description, solution)
             SELECT id, number, requester, description, coalesce(solution, '')
             FROM tickets WHERE import_batch = ?1",
            [batch],
        )?;
        tx.execute(
            "UPDATE import_batches SET format = ?2, imported = ?3, duplicates = ?4, warnings = ?5,
                errors = ?6 WHERE id = ?1",
            params![
                batch,
                report.format_label,
                report.imported,
                report.duplicates,
                report.warnings.len() as i64,
                report.errors.len() as i64
            ],
        )?;
        tx.commit()?;
        report.batch = Some(batch);
        Ok(report)
    }

    /// Import batches, newest first.
    pub fn import_batches(&self) -> Result<Vec<ImportBatch>> {
        let mut stmt = self.conn.prepare(
            "SELECT b.id, b.kind, b.file_name, b.file_hash, b.format, b.imported_at, b.actor,
                    b.imported, b.duplicates, b.warnings, b.errors, b.undone_at,
                    CASE b.kind WHEN 'cases' THEN (SELECT count(*) FROM tickets t WHERE t.import_batch = b.id)
                         ELSE (SELECT count(*) FROM assets a WHERE a.import_batch = b.id) END
             FROM import_batches b ORDER BY b.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                [
                    r.get::<_, i64>(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(12)?,
                ],
                r.get::<_, Option<String>>(11)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, file_name, file_hash, format, at, actor, nums, undone) = row?;
            out.push(ImportBatch {
                id,
                kind: ImportKind::parse(&kind).unwrap_or_default(),
                file_name,
                file_hash,
                format,
                imported_at: to_rfc3339_local(from_db(&at)?),
                actor,
                imported: nums[0],
                duplicates: nums[1],
                warnings: nums[2],
                errors: nums[3],
                remaining: nums[4],
                undone_at: undone
                    .map(|u| from_db(&u).map(to_rfc3339_local))
                    .transpose()?,
            });
        }
        Ok(out)
    }

    /// Undoes a batch: removes every record it created, in one transaction. Refused (nothing
    /// written) when a case of the batch has changed since it was imported.
    pub fn undo_import(
        &mut self,
        batch: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportBatch> {
        let found: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT kind, undone_at FROM import_batches WHERE id = ?1",
                [batch],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((kind, undone)) = found else {
            return Err(ImportError::BatchNotFound(batch).into());
        };
        if undone.is_some() {
            return Err(ImportError::BatchUndone(batch).into());
        }
        // Data safety (issue 7): a verified backup before undoing an import.
        self.backup_before(crate::backup::BackupKind::PreUndo, now)?;
        self.audit_as(actor, Some(now));
        if kind == "assets" {
            self.undo_asset_import(batch)?;
            self.conn.execute(
                "UPDATE import_batches SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
                params![batch, to_db(now), actor],
            )?;
        } else {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (count, example): (i64, Option<String>) = tx.query_row(
                "SELECT count(DISTINCT t.id), min(t.number) FROM tickets t
                 JOIN ticket_events e ON e.ticket_id = t.id
                 WHERE t.import_batch = ?1 AND e.kind <> 'import'",
                [batch],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if count > 0 {
                return Err(ImportError::BatchTouched {
                    batch,
                    count,
                    example: example.unwrap_or_default(),
                }
                .into());
            }
            tx.execute("DELETE FROM tickets WHERE import_batch = ?1", [batch])?;
            tx.execute(
                "UPDATE import_batches SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
                params![batch, to_db(now), actor],
            )?;
            tx.commit()?;
        }
        self.import_batches()?
            .into_iter()
            .find(|b| b.id == batch)
            .ok_or_else(|| ImportError::BatchNotFound(batch).into())
    }
}

struct CaseCtx<'a> {
    batch: i64,
    n: i64,
    file_name: &'a str,
    hash: &'a str,
    at: &'a str,
    actor: &'a str,
    now: DateTime<Utc>,
    cal: &'a crate::calendar::BusinessCalendar,
    types: &'a HashMap<String, TypeInfo>,
    matrix: &'a HashMap<(i64, i64), String>,
    default_response: i64,
    default_resolution: i64,
}

fn insert_case(tx: &rusqlite::Connection, c: &CaseRecord, x: &CaseCtx<'_>) -> Result<()> {
    let received = c.received.map(|d| from_local(d.naive()));
    let date_only = c.received.is_some_and(|d| d.time.is_none());
    let year = received
        .map(|r| crate::clock::to_local(r).year())
        .unwrap_or_else(|| crate::clock::to_local(x.now).year()) as i64;
    let number = format!("IMP-{}-{:05}", x.batch, x.n);
    let seq = -(x.batch * 10_000_000 + x.n);
    let info = c
        .service_type
        .as_deref()
        .and_then(|s| x.types.get(&crate::text::fold(s)));
    let (level, resp_min, resol_min) = match info {
        Some(t) => (t.level, t.response, t.resolution),
        None => (1, x.default_response, x.default_resolution),
    };
    let (urgency, impact) = urgency_impact(c.priority.as_deref());
    let priority = x
        .matrix
        .get(&(urgency, impact))
        .cloned()
        .unwrap_or_else(|| "media".into());
    let status = match c.status {
        LegacyStatus::Abierto if c.assignee.is_some() => "assigned",
        LegacyStatus::Abierto => "new",
        LegacyStatus::EnProceso => "in_progress",
        LegacyStatus::Solucionado => "resolved",
        LegacyStatus::Cerrado => "closed",
        LegacyStatus::Anulado => "cancelled",
    };
    // A date-only closing counts as the end of that day (the latest it can have happened).
    let closed = c.closed.map(|d| {
        let t = d
            .time
            .unwrap_or_else(|| NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
        from_local(d.date.and_time(t))
    });
    let resolved_at = matches!(c.status, LegacyStatus::Solucionado | LegacyStatus::Cerrado)
        .then_some(closed)
        .flatten();
    let closed_at = (c.status == LegacyStatus::Cerrado)
        .then_some(closed)
        .flatten();
    let close_reason = (c.status == LegacyStatus::Cerrado).then_some("imported");
    // SLA from the dates present; a date without time (or no date) cannot be evaluated.
    let sla_lacks_data = received.is_none() || date_only;
    let (resp_due, resol_due) = if sla_lacks_data {
        (None, None)
    } else {
        deadlines(
            x.cal,
            &SlaInput {
                received,
                response_minutes: Some(resp_min),
                resolution_minutes: Some(resol_min),
                pauses: vec![],
            },
        )
    };
    let extra = serde_json::to_string(&c.extra)?;
    let sheet = (!c.sheet.is_empty()).then_some(c.sheet.as_str());
    tx.prepare_cached(
        "INSERT INTO tickets(number, year, seq, legacy_number, received_at, received_date_only,
            registered_at, requester, department, location, phone, email, channel, origin,
            service_type, level, urgency, impact, priority, assignee, status, response_minutes,
            resolution_minutes, response_due_at, resolution_due_at, first_response_at, resolved_at,
            closed_at, close_reason, description, solution, cancel_reason, asset_tag, source_file,
            source_hash, source_sheet, source_row, import_batch, sla_lacks_data, extra, import_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'interna', ?14, ?15, ?16,
            ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33,
            ?34, ?35, ?36, ?37, ?38, ?39, ?40)",
    )?
    .execute(params![
        number,
        year,
        seq,
        c.legacy_number,
        received.map(to_db),
        date_only as i64,
        x.at,
        c.requester.as_deref().unwrap_or("(sin solicitante)"),
        c.department.as_deref().unwrap_or("(sin dependencia)"),
        c.location,
        c.phone,
        c.email,
        c.channel.as_deref().unwrap_or("importado"),
        c.service_type,
        level,
        urgency,
        impact,
        priority,
        c.assignee,
        status,
        resp_min,
        resol_min,
        resp_due.map(to_db),
        resol_due.map(to_db),
        resolved_at.map(to_db),
        resolved_at.map(to_db),
        closed_at.map(to_db),
        close_reason,
        c.description.as_deref().unwrap_or("(sin descripción)"),
        c.solution,
        (c.status == LegacyStatus::Anulado).then_some("anulado en el archivo de origen"),
        c.asset_tag,
        x.file_name,
        x.hash,
        sheet,
        c.row as i64,
        x.batch,
        sla_lacks_data as i64,
        extra,
        c.key,
    ])?;
    let id = tx.last_insert_rowid();
    let note = match sheet {
        Some(s) => format!("importado de «{}», hoja «{s}», fila {}", x.file_name, c.row),
        None => format!("importado de «{}», registro {}", x.file_name, c.row),
    };
    crate::tickets::add_event(
        tx,
        id,
        x.at,
        x.actor,
        "import",
        None,
        None,
        Some(&number),
        Some(&note),
    )?;
    Ok(())
}

fn to_new_asset(a: &AssetRecord, file_name: &str) -> crate::assets::NewAsset {
    use crate::assets::{AssetStatus, NewAsset};
    NewAsset {
        tag: a.placa.clone().unwrap_or_default(),
        kind: a.tipo.clone().unwrap_or_else(|| "Sin tipo".into()),
        brand: a.marca.clone(),
        model: a.modelo.clone(),
        serial: a.serial.clone(),
        cpu: a.procesador.clone(),
        ram_gb: a.ram_gb,
        disk: a.disco.clone(),
        os: a.sistema_operativo.clone(),
        department: a.dependencia.clone(),
        custodian: a.responsable.clone(),
        acquired_on: a.fecha_adquisicion.clone(),
        status: Some(match a.estado.as_deref() {
            Some("regular") => AssetStatus::Fair,
            Some("malo") => AssetStatus::Poor,
            Some("dado_de_baja") => AssetStatus::Decommissioned,
            _ => AssetStatus::Good,
        }),
        notes: a.observaciones.clone(),
        source: Some(crate::model::Source {
            file: file_name.to_string(),
            sheet: (!a.sheet.is_empty()).then(|| a.sheet.clone()),
            row: Some(a.row as i64),
        }),
        extra: a.extra.clone(),
        ..Default::default()
    }
}
