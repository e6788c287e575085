//! Writing an import: dry run or commit (one transaction, one batch), the batches list and undo.
//!
//! Imported cases get an internal number `IMP-<batch>-<n>` (n = 1, 2, … in file order) that
//! never consumes the consecutive service numbering (`ticket_counters` is not touched; their
//! `seq` is negative so `(year, seq)` never collides with registered cases). Their old number
//! is kept in `legacy_number`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::mpsc::sync_channel;

use crate::db::{params, Engine, OptionalExt};
use chrono::{DateTime, Datelike, NaiveTime, Utc};
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
            .collect::<crate::error::Result<_>>()?;
        c.departments.extend_names(deps);
        let types: Vec<String> = self
            .conn
            .prepare("SELECT name FROM service_types WHERE active = 1 ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<crate::error::Result<_>>()?;
        c.service_types.extend_names(types);
        let staff: Vec<String> = self
            .conn
            .prepare("SELECT name FROM staff ORDER BY id")?
            .query_map([], |r| r.get::<_, String>("name"))?
            .collect::<crate::error::Result<_>>()?;
        c.staff = staff.iter().map(|s| crate::text::fold(s)).collect();
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
        if !dry_run {
            self.authorize(crate::people::Permission::Import)?;
        }
        let catalogs = self.import_catalogs()?;
        let has_assets = crate::safety::privacy::table_exists(&self.conn, "assets")?;
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
                            .exists([crate::assets::normalize_tag(tag)?])?,
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
        self.backup_before(crate::safety::backup::BackupKind::PreImport, now)?;
        let cal = self.calendar.clone();
        // A large page cache keeps a big batch from spilling to the WAL before the commit
        // (SQLite only: PostgreSQL's cache is the server's shared_buffers).
        let old_cache: Option<i64> = match self.conn.engine() {
            Engine::Sqlite => {
                let c = self.conn.sqlite_native()?;
                let old: i64 = c.query_row("PRAGMA cache_size", [], |r| r.get("cache_size"))?;
                c.pragma_update(None, "cache_size", -262_144)?;
                Some(old)
            }
            Engine::Postgres => None,
        };
        let res = self.import_commit(
            bytes, file_name, opts, actor, now, &catalogs, &cal, progress,
        );
        if let (Some(old), Ok(c)) = (old_cache, self.conn.sqlite_native()) {
            let _ = c.pragma_update(None, "cache_size", old);
        }
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
        let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
        let at = to_db(now);
        let file_hash = super::sha256_hex(bytes);
        let mapping_json = serde_json::to_string(&opts.mapping.clone().unwrap_or_default())?;
        let batch: i64 = tx.query_row(
            "INSERT INTO import_batches(kind, file_name, file_hash, format, imported_at, actor, mapping)
             VALUES (?1, ?2, ?3, '', ?4, ?5, ?6) RETURNING id",
            params![opts.kind.as_str(), file_name, file_hash, at, actor, mapping_json],
            |r| r.get(0),
        )?;
        let mut report = match opts.kind {
            ImportKind::Cases => {
                let ctx = CaseCtx::load(&tx, file_name, &file_hash, &at, actor, now, cal)?;
                import_cases(&tx, batch, bytes, opts, catalogs, &ctx, progress)?
            }
            ImportKind::Assets => {
                let mut n: i64 = 0;
                let tx = &tx;
                let mut sink = |rec: Record| -> Result<Sink> {
                    let Record::Asset(a) = rec else {
                        return Ok(Sink::AlreadyImported);
                    };
                    let Some(tag) = a.placa.clone() else {
                        return Err(CoreError::validation(
                            "placa",
                            format!("el equipo de la fila {} no tiene placa", a.row),
                        ));
                    };
                    if tx
                        .prepare_cached("SELECT 1 FROM assets WHERE tag = ?1")?
                        .exists([crate::assets::normalize_tag(&tag)?])?
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
                };
                analyze(bytes, file_name, opts, catalogs, &mut sink, progress)?
            }
        };
        report.dry_run = false;
        if report.imported == 0 {
            // Nothing new: no batch, nothing written.
            drop(tx);
            return Ok(report);
        }
        // The batch records the mapping as applied, with the columns mapped by their content.
        let applied = serde_json::to_string(&report.effective_mapping(opts.mapping.as_ref()))?;
        tx.execute(
            "UPDATE import_batches SET format = ?2, imported = ?3, duplicates = ?4, warnings = ?5,
                errors = ?6, mapping = ?7 WHERE id = ?1",
            params![
                batch,
                report.format_label,
                report.imported,
                report.duplicates,
                report.warnings.len() as i64,
                report.errors.len() as i64,
                applied
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
                    AS remaining
             FROM import_batches b ORDER BY b.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>("id")?,
                r.get::<_, String>("kind")?,
                r.get::<_, String>("file_name")?,
                r.get::<_, String>("file_hash")?,
                r.get::<_, String>("format")?,
                r.get::<_, String>("imported_at")?,
                r.get::<_, String>("actor")?,
                [
                    r.get::<_, i64>("imported")?,
                    r.get("duplicates")?,
                    r.get("warnings")?,
                    r.get("errors")?,
                    r.get("remaining")?,
                ],
                r.get::<_, Option<String>>("undone_at")?,
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
        self.authorize(crate::people::Permission::ImportUndo)?;
        let found: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT kind, undone_at FROM import_batches WHERE id = ?1",
                [batch],
                |r| Ok((r.get("kind")?, r.get("undone_at")?)),
            )
            .optional()?;
        let Some((kind, undone)) = found else {
            return Err(ImportError::BatchNotFound(batch).into());
        };
        if undone.is_some() {
            return Err(ImportError::BatchUndone(batch).into());
        }
        // Data safety (issue 7): a verified backup before undoing an import.
        self.backup_before(crate::safety::backup::BackupKind::PreUndo, now)?;
        if kind == "assets" {
            // One transaction: the equipment removed and the batch marked undone, or neither.
            self.remove_asset_batch(batch, Some((actor, now)))?;
        } else {
            let tx = crate::store::write_tx(&mut self.conn, &self.audit, actor, now)?;
            let (count, example): (i64, Option<String>) = tx.query_row(
                "SELECT count(DISTINCT t.id) AS touched, min(t.number) AS example FROM tickets t
                 JOIN ticket_events e ON e.ticket_id = t.id
                 WHERE t.import_batch = ?1 AND e.kind <> 'import'",
                [batch],
                |r| Ok((r.get("touched")?, r.get("example")?)),
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

/// The columns an imported case fills, in the order of [`CaseRow::bind`].
pub(super) const CASE_COLUMNS: &str =
    "number, year, seq, legacy_number, received_at, received_date_only,
    registered_at, requester, department, location, phone, email, channel, origin,
    service_type, level, urgency, impact, priority, assignee, status, response_minutes,
    resolution_minutes, response_due_at, resolution_due_at, first_response_at, resolved_at,
    closed_at, close_reason, description, solution, cancel_reason, asset_tag, source_file,
    source_hash, source_sheet, source_row, import_batch, sla_lacks_data, extra, import_key";

/// Number of columns in [`CASE_COLUMNS`].
pub(super) const CASE_PARAMS: usize = 41;

/// Cases enter `tickets` in multi-row statements of this many rows (41 × 500 parameters, under
/// SQLite's limit of 32,766).
pub(super) const CHUNK_ROWS: usize = 500;

/// The multi-row `INSERT` of `rows` cases (the writer's statement, also the bind floor's).
/// On SQLite the table is named in `main` (the benchmark attaches a second database with its
/// own `tickets`); PostgreSQL has no `main` schema and no attached databases.
pub(super) fn insert_sql(engine: Engine, rows: usize) -> String {
    let one = format!("({})", vec!["?"; CASE_PARAMS].join(", "));
    let schema = match engine {
        Engine::Sqlite => "main.",
        Engine::Postgres => "",
    };
    format!(
        "INSERT INTO {schema}tickets({CASE_COLUMNS}) VALUES {}",
        vec![one.as_str(); rows].join(", ")
    )
}

/// What the mapping thread sends to the writer: whole chunks of rows, so that the channel is
/// used once per chunk and not once per row.
enum Msg {
    Cases(Vec<CaseRow>),
    Progress(ImportProgress),
}

/// Imports cases as a pipeline on three threads: the workbook is parsed on a reader thread
/// (see `read.rs`), rows are mapped and checked on a mapping thread, and this thread (the one
/// owning the connection) writes. The mapping thread hands over [`CHUNK_ROWS`] rows at a time;
/// the writer sends each written chunk back so that its strings are freed (or the vector
/// reused) on the thread that allocated them, not on the writer. Rows enter `tickets` [`CHUNK_ROWS`] at a time in one
/// multi-row `INSERT`: row by row, each insert would also pay for a statement journal and
/// trigger setup on top of the 17 b-trees it updates (about 2.5× the cost). The timeline entries and the full-text index of the batch are written
/// in one statement each at the end. Everything is inside the caller's transaction.
fn import_cases(
    tx: &crate::db::Db,
    batch: i64,
    bytes: &[u8],
    opts: &ImportOptions,
    catalogs: &Catalogs,
    ctx: &CaseCtx<'_>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    // Records already stored, so the mapping thread can tell new from known on its own.
    let existing: HashSet<String> = tx
        .prepare("SELECT import_key FROM tickets WHERE import_key IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<crate::error::Result<_>>()?;
    // Eight chunks in flight (4,000 rows): enough for the mapper to run ahead of the writer.
    let (send, recv) = sync_channel::<Msg>(8);
    let (give_back, returned) = std::sync::mpsc::channel::<Vec<CaseRow>>();
    let (mapped, written) = std::thread::scope(|scope| {
        let mapper = scope.spawn(move || -> Result<ImportReport> {
            let send_progress = send.clone();
            let stopped = || CoreError::validation("importación", "la escritura se detuvo");
            // A chunk the writer is done with: its rows are dropped here and the vector reused.
            let fresh = || match returned.try_recv() {
                Ok(mut v) => {
                    v.clear();
                    v
                }
                Err(_) => Vec::with_capacity(CHUNK_ROWS),
            };
            let mut pending: Vec<CaseRow> = fresh();
            let mut sink = |rec: Record| -> Result<Sink> {
                let Record::Case(c) = rec else {
                    return Ok(Sink::AlreadyImported);
                };
                if existing.contains(&c.key) {
                    return Ok(Sink::AlreadyImported);
                }
                pending.push(CaseRow::new(*c, ctx)?);
                if pending.len() == CHUNK_ROWS {
                    let full = std::mem::replace(&mut pending, fresh());
                    send.send(Msg::Cases(full)).map_err(|_| stopped())?;
                }
                Ok(Sink::New)
            };
            let mut forward = |p: ImportProgress| {
                let _ = send_progress.send(Msg::Progress(p));
            };
            let report = analyze(
                bytes,
                &ctx.file_name,
                opts,
                catalogs,
                &mut sink,
                &mut forward,
            )?;
            if !pending.is_empty() {
                send.send(Msg::Cases(pending)).map_err(|_| stopped())?;
            }
            Ok(report)
        });
        let written = (|| -> Result<i64> {
            let mut n: i64 = 0;
            // Full chunks all use this one prepared statement.
            let mut full = tx.prepare(&insert_sql(tx.engine(), CHUNK_ROWS))?;
            for msg in &recv {
                if opts.cancelled() {
                    return Err(ImportError::Cancelled.into());
                }
                match msg {
                    Msg::Progress(p) => progress(p),
                    Msg::Cases(rows) => {
                        if rows.len() == CHUNK_ROWS {
                            insert_rows(&mut full, &rows, ctx, batch, n)?;
                        } else {
                            let mut last = tx.prepare(&insert_sql(tx.engine(), rows.len()))?;
                            insert_rows(&mut last, &rows, ctx, batch, n)?;
                        }
                        n += rows.len() as i64;
                        // The mapper may be gone already (end of file): then drop here.
                        let _ = give_back.send(rows);
                    }
                }
            }
            Ok(n)
        })();
        // On a write error the receiver is dropped here, which stops the mapping thread.
        drop(recv);
        let mapped = mapper
            .join()
            .unwrap_or_else(|_| Err(ImportError::Damaged.into()));
        (mapped, written)
    });
    let written = written?;
    let report = mapped?;
    debug_assert_eq!(written, report.imported as i64);
    if written == 0 {
        return Ok(report);
    }
    index_batch(tx, batch, ctx.at, &ctx.actor)?;
    Ok(report)
}

/// The timeline entries and the full-text index of the cases of `batch`, in one statement
/// each (also used by the benchmark's floors, so that they do exactly the same work).
pub(super) fn index_batch(tx: &crate::db::Db, batch: i64, at: &str, actor: &str) -> Result<()> {
    // The batch's timeline entries ("importado de …"), in one statement.
    tx.execute(
        "INSERT INTO ticket_events(ticket_id, at, actor, kind, new_value, note)
         SELECT id, ?2, ?3, 'import', number,
                'importado de «' || source_file || '», ' ||
                CASE WHEN source_sheet IS NOT NULL
                     THEN 'hoja «' || source_sheet || '», fila ' || source_row
                     ELSE 'registro ' || source_row END
         FROM tickets WHERE import_batch = ?1 ORDER BY id",
        params![batch, at, actor],
    )?;
    match tx.engine() {
        // The batch's cases enter the full-text index in one statement (the per-row trigger
        // skips imported rows: indexing them row by row costs about 10× more).
        Engine::Sqlite => {
            tx.execute(
                "INSERT INTO tickets_fts(rowid, number, requester, description, solution)
                 SELECT id, number, requester, description, coalesce(solution, '')
                 FROM tickets WHERE import_batch = ?1",
                [batch],
            )?;
        }
        // PostgreSQL's full-text index is an expression index over `tickets` itself
        // (`mesa_fts_doc`, migrations/pg/0001_baseline.sql): the rows are indexed as inserted.
        Engine::Postgres => {}
    }
    Ok(())
}

/// Inserts `rows` as cases `first + 1 …` of `batch` with `stmt`, the multi-row `INSERT` of
/// exactly `rows.len()` rows ([`insert_sql`]).
fn insert_rows(
    stmt: &mut crate::db::Stmt<'_>,
    rows: &[CaseRow],
    ctx: &CaseCtx<'_>,
    batch: i64,
    first: i64,
) -> Result<()> {
    for (i, row) in rows.iter().enumerate() {
        row.bind(stmt, i * CASE_PARAMS, ctx, batch, first + 1 + i as i64)?;
    }
    stmt.raw_execute()?;
    Ok(())
}

/// What every imported case of a batch shares: the file, the clock, the catalogs' SLA data.
struct CaseCtx<'a> {
    file_name: String,
    hash: &'a str,
    at: &'a str,
    actor: String,
    now: DateTime<Utc>,
    cal: &'a crate::calendar::BusinessCalendar,
    types: HashMap<String, TypeInfo>,
    matrix: HashMap<(i64, i64), String>,
    default_response: i64,
    default_resolution: i64,
}

impl<'a> CaseCtx<'a> {
    fn load(
        tx: &crate::db::Db,
        file_name: &str,
        hash: &'a str,
        at: &'a str,
        actor: &str,
        now: DateTime<Utc>,
        cal: &'a crate::calendar::BusinessCalendar,
    ) -> Result<Self> {
        let setting = |key: &str, default: i64| crate::store::get_setting_i64(tx, key, default);
        let types: HashMap<String, TypeInfo> = tx
            .prepare("SELECT name, default_level, response_minutes, resolution_minutes FROM service_types")?
            .query_map([], |r| {
                Ok((
                    crate::text::fold(&r.get::<_, String>("name")?),
                    TypeInfo {
                        level: r.get("default_level")?,
                        response: r.get("response_minutes")?,
                        resolution: r.get("resolution_minutes")?,
                    },
                ))
            })?
            .collect::<crate::error::Result<_>>()?;
        let matrix: HashMap<(i64, i64), String> = tx
            .prepare("SELECT urgency, impact, priority FROM priority_matrix")?
            .query_map([], |r| {
                Ok(((r.get("urgency")?, r.get("impact")?), r.get("priority")?))
            })?
            .collect::<crate::error::Result<_>>()?;
        Ok(CaseCtx {
            file_name: file_name.to_string(),
            hash,
            at,
            actor: actor.to_string(),
            now,
            cal,
            types,
            matrix,
            default_response: setting("default_response_minutes", 720)?,
            default_resolution: setting("default_resolution_minutes", 2880)?,
        })
    }
}

/// One imported case with every column computed (on the mapping thread), except its number.
struct CaseRow {
    year: i64,
    legacy_number: Option<String>,
    received_at: Option<String>,
    date_only: bool,
    requester: String,
    department: String,
    location: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    channel: String,
    service_type: Option<String>,
    level: i64,
    urgency: i64,
    impact: i64,
    priority: String,
    assignee: Option<String>,
    status: &'static str,
    response_minutes: i64,
    resolution_minutes: i64,
    response_due_at: Option<String>,
    resolution_due_at: Option<String>,
    resolved_at: Option<String>,
    closed_at: Option<String>,
    close_reason: Option<&'static str>,
    description: String,
    solution: Option<String>,
    cancel_reason: Option<&'static str>,
    asset_tag: Option<String>,
    sheet: Option<String>,
    row: i64,
    sla_lacks_data: bool,
    extra: String,
    key: String,
}

impl CaseRow {
    fn new(c: CaseRecord, x: &CaseCtx<'_>) -> Result<Self> {
        let received = c.received.map(|d| from_local(d.naive()));
        let date_only = c.received.is_some_and(|d| d.time.is_none());
        let year = received
            .map(|r| crate::clock::to_local(r).year())
            .unwrap_or_else(|| crate::clock::to_local(x.now).year()) as i64;
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
        Ok(CaseRow {
            year,
            legacy_number: c.legacy_number,
            received_at: received.map(to_db),
            date_only,
            requester: c.requester.unwrap_or_else(|| "(sin solicitante)".into()),
            department: c.department.unwrap_or_else(|| "(sin dependencia)".into()),
            location: c.location,
            phone: c.phone,
            email: c.email,
            channel: c.channel.unwrap_or_else(|| "importado".into()),
            service_type: c.service_type,
            level,
            urgency,
            impact,
            priority,
            assignee: c.assignee,
            status,
            response_minutes: resp_min,
            resolution_minutes: resol_min,
            response_due_at: resp_due.map(to_db),
            resolution_due_at: resol_due.map(to_db),
            resolved_at: resolved_at.map(to_db),
            closed_at: closed_at.map(to_db),
            close_reason: (c.status == LegacyStatus::Cerrado).then_some("imported"),
            description: c.description.unwrap_or_else(|| "(sin descripción)".into()),
            solution: c.solution,
            cancel_reason: (c.status == LegacyStatus::Anulado)
                .then_some("anulado en el archivo de origen"),
            asset_tag: c.asset_tag,
            sheet: (!c.sheet.is_empty()).then_some(c.sheet),
            row: c.row as i64,
            sla_lacks_data,
            extra: serde_json::to_string(&c.extra)?,
            key: c.key,
        })
    }

    /// Binds the row's [`CASE_PARAMS`] values after parameter `base` as case `n` of `batch`
    /// (number `IMP-<batch>-<n>`).
    fn bind(
        &self,
        stmt: &mut crate::db::Stmt<'_>,
        base: usize,
        x: &CaseCtx<'_>,
        batch: i64,
        n: i64,
    ) -> Result<()> {
        let number = format!("IMP-{batch}-{n:05}");
        let seq = -(batch * 10_000_000 + n);
        let values: [&dyn crate::db::ToSqlValue; CASE_PARAMS] = [
            &number,
            &self.year,
            &seq,
            &self.legacy_number,
            &self.received_at,
            &(self.date_only as i64),
            &x.at,
            &self.requester,
            &self.department,
            &self.location,
            &self.phone,
            &self.email,
            &self.channel,
            &"interna",
            &self.service_type,
            &self.level,
            &self.urgency,
            &self.impact,
            &self.priority,
            &self.assignee,
            &self.status,
            &self.response_minutes,
            &self.resolution_minutes,
            &self.response_due_at,
            &self.resolution_due_at,
            // first_response_at = resolved_at when known.
            &self.resolved_at,
            &self.resolved_at,
            &self.closed_at,
            &self.close_reason,
            &self.description,
            &self.solution,
            &self.cancel_reason,
            &self.asset_tag,
            &x.file_name,
            &x.hash,
            &self.sheet,
            &self.row,
            &batch,
            &(self.sla_lacks_data as i64),
            &self.extra,
            &self.key,
        ];
        for (i, v) in values.iter().enumerate() {
            stmt.raw_bind_parameter(base + i + 1, v)?;
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn csv(rows: usize) -> Vec<u8> {
        let mut s =
            String::from("Radicado;Fecha de recibido;Solicitante;Dependencia;Descripción;Estado\n");
        for i in 1..=rows {
            s.push_str(&format!(
                "S-{i};{:02}/03/2024 08:{:02};Persona {i};Almacén;Falla número {i};Cerrado\n",
                1 + i % 28,
                i % 60
            ));
        }
        s.into_bytes()
    }

    fn count(store: &Store, sql: &str) -> i64 {
        store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 15, 0, 0).unwrap()
    }

    /// Commits a generated CSV of `rows` cases with the default options.
    fn commit_csv(store: &mut Store, rows: usize) -> Result<ImportReport> {
        let opts = ImportOptions::default();
        store.import_bytes(
            &csv(rows),
            "casos.csv",
            &opts,
            false,
            "tecnico",
            now(),
            &mut |_| {},
        )
    }

    #[test]
    fn cases_enter_in_file_order_across_chunks_with_events_index_and_progress() {
        let mut store = Store::open_in_memory().unwrap();
        let rows = 2 * CHUNK_ROWS + 234;
        let mut seen = Vec::new();
        let rep = store
            .import_bytes(
                &csv(rows),
                "casos.csv",
                &ImportOptions::default(),
                false,
                "tecnico",
                now(),
                &mut |p| seen.push(p),
            )
            .unwrap();
        assert_eq!(rep.imported as usize, rows);
        let batch = rep.batch.unwrap();
        // Numbers follow the file order, chunk after chunk.
        let wrong: i64 = count(
            &store,
            "SELECT count(*) FROM tickets
             WHERE number <> printf('IMP-%d-%05d', import_batch, source_row - 1)",
        );
        assert_eq!(wrong, 0);
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM ticket_events WHERE kind = 'import'"
            ) as usize,
            rows
        );
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH 'falla'"
            ) as usize,
            rows
        );
        let note: String = store
            .conn
            .query_row(
                "SELECT note FROM ticket_events WHERE ticket_id = (SELECT id FROM tickets
                 WHERE number = ?1)",
                [format!("IMP-{batch}-00007")],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(note, "importado de «casos.csv», registro 8");
        // Progress arrives every 1000 rows and at the end.
        assert!(seen.len() >= 2, "{seen:?}");
        assert_eq!(seen.last().unwrap().imported as usize, rows);
    }

    #[test]
    fn a_write_failure_midway_stops_the_pipeline_and_leaves_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let before = count(&store, "SELECT count(*) FROM import_batches");
        // A write that fails in the second chunk, after 500 cases went in.
        store
            .conn
            .execute_batch(
                "CREATE TEMP TRIGGER fail_midway BEFORE INSERT ON main.tickets
                 WHEN new.source_row = 700
                 BEGIN SELECT RAISE(ABORT, 'disco lleno (simulado)'); END;",
            )
            .unwrap();
        let err = commit_csv(&mut store, 5_000).unwrap_err();
        assert!(err.to_string().contains("disco lleno"), "{err}");
        assert_eq!(count(&store, "SELECT count(*) FROM tickets"), 0);
        assert_eq!(count(&store, "SELECT count(*) FROM ticket_events"), 0);
        assert_eq!(
            count(&store, "SELECT count(*) FROM ticket_counts WHERE n <> 0"),
            0
        );
        assert_eq!(count(&store, "SELECT count(*) FROM import_batches"), before);
        // The connection is usable and the same file imports once the cause is gone.
        store
            .conn
            .execute_batch("DROP TRIGGER temp.fail_midway")
            .unwrap();
        let rep = commit_csv(&mut store, 5_000).unwrap();
        assert_eq!(rep.imported, 5_000);
    }

    #[test]
    fn cancelling_midway_rolls_back_and_says_so() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let mut store = Store::open_in_memory().unwrap();
        let cancel = std::sync::Arc::new(AtomicBool::new(false));
        let opts = ImportOptions {
            cancel: Some(cancel.clone()),
            ..Default::default()
        };
        let mut calls = 0;
        let err = store
            .import_bytes(
                &csv(20_000),
                "casos.csv",
                &opts,
                false,
                "tecnico",
                now(),
                &mut |p| {
                    calls += 1;
                    // The user presses «Cancelar» once the progress bar moved.
                    if p.rows >= 2_000 {
                        cancel.store(true, Ordering::Relaxed);
                    }
                },
            )
            .unwrap_err();
        assert!(
            matches!(err, CoreError::Import(ImportError::Cancelled)),
            "{err}"
        );
        assert_eq!(err.to_string(), "Importación cancelada: no se guardó nada.");
        assert!(calls >= 2);
        assert_eq!(count(&store, "SELECT count(*) FROM tickets"), 0);
        assert_eq!(count(&store, "SELECT count(*) FROM import_batches"), 0);
        // The dry run stops too.
        let err = store
            .import_bytes(
                &csv(10),
                "casos.csv",
                &opts,
                true,
                "tecnico",
                now(),
                &mut |_| {},
            )
            .unwrap_err();
        assert!(matches!(err, CoreError::Import(ImportError::Cancelled)));
    }
}
