//! The import benchmark (`mesa bench-import`): a generated 15-column workbook read by calamine
//! alone (every cell) and imported in full, side by side in one run, with the peak memory.

use std::io::Cursor;
use std::time::Instant;

use calamine::{Reader, Xlsx};
use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::{ImportKind, ImportOptions};
use crate::error::{CoreError, Result};
use crate::store::Store;
use mesa_docwriter::xlsx;

#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    pub rows: u32,
    pub columns: u32,
    pub file_bytes: u64,
    /// calamine alone: open the workbook and read every cell of the sheet.
    pub calamine_seconds: f64,
    /// Dry run: read, map and check every row (nothing written).
    pub dry_run_seconds: f64,
    /// The import itself (`mesa import FILE`): read, map and commit into a fresh database.
    pub import_seconds: f64,
    /// import_seconds / calamine_seconds.
    pub ratio: f64,
    /// (dry run + import) / calamine, for the preview-then-commit flow of the UI.
    pub ratio_with_dry_run: f64,
    /// The floor of any import into this schema: the same cases copied from the imported
    /// database into a fresh one in one transaction (rows, their 17 b-trees, timeline,
    /// full-text index, commit), with no file read and nothing mapped.
    pub write_only_seconds: f64,
    /// write_only_seconds / calamine_seconds.
    pub write_only_ratio: f64,
    /// The floor as an importer meets it: the same rows, already computed and held in memory,
    /// bound into the importer's own prepared 500-row `INSERT` (the same statement text), then
    /// the same timeline and full-text statements, one transaction. Unlike the copy floor it
    /// pays what any import pays to hand values to SQLite (binding, and every value copied).
    pub bind_floor_seconds: f64,
    /// import_seconds / write_only_seconds: the import against the copy floor.
    pub import_over_floor: f64,
    /// import_seconds / bind_floor_seconds.
    pub import_over_bind_floor: f64,
    /// Processor time (user + system, every thread of the process) of the dry run, the import,
    /// the copy floor and the bind floor: unlike wall time it does not grow when other
    /// programs load the machine, so it tells how much work each does.
    pub dry_run_cpu_seconds: f64,
    pub import_cpu_seconds: f64,
    pub write_only_cpu_seconds: f64,
    pub bind_floor_cpu_seconds: f64,
    /// Processors the machine has (the import overlaps reading, mapping and writing on up to
    /// three threads; the floors run on one).
    pub cpus: usize,
    /// The machine's 1-minute load average at the end (other programs competing for them).
    pub load_average: f64,
    pub imported: u32,
    /// Peak resident memory of the process during reading and importing (VmHWM), in MB.
    pub peak_rss_mb: f64,
}

fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> CoreError + '_ {
    move |source| CoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> CoreError {
    CoreError::validation("bench", e.to_string())
}

/// Writes the benchmark workbook: `rows` cases × 15 columns, like a real case log.
pub fn generate(path: &std::path::Path, rows: u32) -> Result<()> {
    use rust_xlsxwriter::{ExcelDateTime, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Casos").map_err(xlsx_err)?;
    let headers = [
        "Radicado",
        "Fecha y hora de registro",
        "Funcionario que solicita",
        "Dependencia",
        "Tipo de servicio",
        "Descripción",
        "Técnico responsable",
        "Estado",
        "Fecha de cierre",
        "Prioridad",
        "Extensión",
        "Correo",
        "Ubicación",
        "Observación",
        "Placa",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(xlsx_err)?;
    }
    let dt = xlsx::date_time();
    let d = xlsx::date();
    let deps = super::values::DEPARTMENTS;
    let types = super::values::SERVICE_TYPES;
    let names = [
        "Ana María Pérez",
        "Luis Carlos Díaz",
        "Yina Cotes",
        "Harold Vega Trujillo",
        "Mónica Useche",
        "Éder Beleño Solano",
        "Olga Lucía Rojas",
    ];
    let techs = [
        "Técnico de sistemas",
        "Ingeniero de sistemas",
        "Proveedor externo",
    ];
    let statuses = [
        "Cerrado",
        "Solucionado",
        "En proceso",
        "Pendiente",
        "Anulado",
    ];
    let prios = ["Media", "Alta", "Baja", "Urgente"];
    let descs = [
        "El equipo no enciende",
        "No imprime la impresora del primer piso",
        "Restablecer contraseña del correo",
        "Sin internet en el área",
        "Publicar la resolución en la página web",
        "Instalar el antivirus",
    ];
    let base = NaiveDate::from_ymd_opt(2023, 1, 2)
        .unwrap_or_default()
        .and_hms_opt(8, 0, 0)
        .unwrap_or_default();
    let mut seed: u64 = 42;
    let mut rnd = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for i in 0..rows {
        let r = i + 1;
        let at = base + Duration::minutes(i as i64 * 7 + rnd(5) as i64);
        let st = statuses[rnd(statuses.len())];
        ws.write_string(r, 0, format!("SOP-{:07}", i + 1))
            .map_err(xlsx_err)?;
        let x = ExcelDateTime::parse_from_str(&at.format("%Y-%m-%dT%H:%M:%S").to_string())
            .map_err(xlsx_err)?;
        ws.write_datetime_with_format(r, 1, &x, &dt)
            .map_err(xlsx_err)?;
        ws.write_string(r, 2, names[rnd(names.len())])
            .map_err(xlsx_err)?;
        ws.write_string(r, 3, deps[rnd(deps.len())])
            .map_err(xlsx_err)?;
        ws.write_string(r, 4, types[rnd(types.len())])
            .map_err(xlsx_err)?;
        ws.write_string(r, 5, descs[rnd(descs.len())])
            .map_err(xlsx_err)?;
        ws.write_string(r, 6, techs[rnd(techs.len())])
            .map_err(xlsx_err)?;
        ws.write_string(r, 7, st).map_err(xlsx_err)?;
        if st == "Cerrado" || st == "Solucionado" {
            let c = ExcelDateTime::parse_from_str(
                &(at + Duration::days(rnd(5) as i64))
                    .format("%Y-%m-%d")
                    .to_string(),
            )
            .map_err(xlsx_err)?;
            ws.write_datetime_with_format(r, 8, &c, &d)
                .map_err(xlsx_err)?;
        }
        ws.write_string(r, 9, prios[rnd(prios.len())])
            .map_err(xlsx_err)?;
        ws.write_number(r, 10, (200 + rnd(100)) as f64)
            .map_err(xlsx_err)?;
        ws.write_string(r, 11, format!("usuario{:03}@indupal.gov.co", rnd(300)))
            .map_err(xlsx_err)?;
        ws.write_string(r, 12, format!("Piso {}", 1 + rnd(3)))
            .map_err(xlsx_err)?;
        ws.write_string(
            r,
            13,
            if rnd(3) == 0 {
                "Se llamó al proveedor"
            } else {
                ""
            },
        )
        .map_err(xlsx_err)?;
        ws.write_string(r, 14, format!("IND{:04}", rnd(900)))
            .map_err(xlsx_err)?;
    }
    wb.save(path).map_err(xlsx_err)?;
    Ok(())
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Processor time (user + system) used so far by every thread of this process, in seconds
/// (from `/proc/self/stat`, in clock ticks of 10 ms; 0 where that file does not exist).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line; `rest` starts at field 3.
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

/// Times `f` in wall and processor seconds.
fn timed<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, f64, f64)> {
    let (t, c) = (Instant::now(), cpu_seconds());
    let out = f()?;
    Ok((out, t.elapsed().as_secs_f64(), cpu_seconds() - c))
}

/// The bind floor (see [`BenchResult::bind_floor_seconds`]): reads the imported cases of `from`
/// into memory (not timed), then writes them into a fresh database at `to` the way the import's
/// writer does. Returns (wall, processor) seconds.
fn bind_floor(from: &std::path::Path, to: &std::path::Path) -> Result<(f64, f64)> {
    use super::commit::{insert_sql, CASE_COLUMNS, CASE_PARAMS, CHUNK_ROWS};
    use crate::db::Value;
    let _ = std::fs::remove_file(to);
    let mut store = Store::open(to)?;
    store
        .conn
        .sqlite_native()?
        .pragma_update(None, "cache_size", -262_144)?;
    let src = crate::db::Db::from_sqlite(rusqlite::Connection::open(from)?);
    let mut stmt = src.prepare(&format!("SELECT {CASE_COLUMNS} FROM tickets ORDER BY id"))?;
    let names: Vec<&str> = CASE_COLUMNS.split(',').map(str::trim).collect();
    debug_assert_eq!(names.len(), CASE_PARAMS);
    let rows: Vec<Vec<Value>> = stmt
        .query_map([], |r| {
            names
                .iter()
                .map(|n| r.get::<_, Value>(*n))
                .collect::<Result<Vec<_>>>()
        })?
        .collect::<Result<Vec<_>>>()?;
    drop(stmt);
    let batch: (i64, String, String, String, String, String) = src.query_row(
        "SELECT id, kind, file_name, file_hash, imported_at, actor FROM import_batches",
        [],
        |r| {
            Ok((
                r.get("id")?,
                r.get("kind")?,
                r.get("file_name")?,
                r.get("file_hash")?,
                r.get("imported_at")?,
                r.get("actor")?,
            ))
        },
    )?;
    drop(src);
    let ((), wall, cpu) = timed(|| {
        let tx = crate::store::session_write_tx(&mut store.conn, &store.audit)?;
        tx.execute(
            "INSERT INTO import_batches(id, kind, file_name, file_hash, format, imported_at, actor)
             VALUES (?1, ?2, ?3, ?4, '', ?5, ?6)",
            crate::params![batch.0, batch.1, batch.2, batch.3, batch.4, batch.5],
        )?;
        for chunk in rows.chunks(CHUNK_ROWS) {
            let mut stmt = tx.prepare_cached(&insert_sql(tx.engine(), chunk.len()))?;
            for (i, row) in chunk.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    stmt.raw_bind_parameter(i * CASE_PARAMS + j + 1, v)?;
                }
            }
            stmt.raw_execute()?;
        }
        super::commit::index_batch(&tx, batch.0, &batch.4, &batch.5)?;
        tx.commit()?;
        Ok(())
    })?;
    Ok((wall, cpu))
}

/// Copies the imported batch from `from` into a fresh database at `to`, the way an import
/// writes it (rows, then timeline and full-text index in one statement each, one commit), and
/// returns the (wall, processor) seconds it took.
fn write_only(from: &std::path::Path, to: &std::path::Path) -> Result<(f64, f64)> {
    let _ = std::fs::remove_file(to);
    let mut store = Store::open(to)?;
    store
        .conn
        .sqlite_native()?
        .pragma_update(None, "cache_size", -262_144)?;
    store
        .conn
        .execute("ATTACH DATABASE ?1 AS src", [from.display().to_string()])?;
    let (t, c) = (Instant::now(), cpu_seconds());
    let tx = crate::store::session_write_tx(&mut store.conn, &store.audit)?;
    tx.execute_batch(
        "INSERT INTO import_batches SELECT * FROM src.import_batches;
         INSERT INTO tickets SELECT * FROM src.tickets ORDER BY id;
         INSERT INTO ticket_events(ticket_id, at, actor, kind, new_value, note)
           SELECT ticket_id, at, actor, kind, new_value, note FROM src.ticket_events ORDER BY id;
         INSERT INTO tickets_fts(rowid, number, requester, description, solution)
           SELECT id, number, requester, description, coalesce(solution, '') FROM tickets;",
    )?;
    tx.commit()?;
    let secs = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
    store.conn.execute_batch("DETACH DATABASE src")?;
    Ok(secs)
}

/// Generates the workbook in a temporary folder and measures.
pub fn run(rows: u32) -> Result<BenchResult> {
    // MESA_BENCH_DIR keeps the generated workbook and database for inspection.
    let keep = std::env::var_os("MESA_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("mesa-bench-import-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let file = dir.join("bench.xlsx");
    generate(&file, rows)?;
    // Reset the peak so that it measures reading and importing, not the generator.
    let _ = std::fs::write("/proc/self/clear_refs", "5");

    let t = Instant::now();
    let bytes = std::fs::read(&file).map_err(io(&file))?;
    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(&bytes[..]))
        .map_err(|e| CoreError::validation("bench", e.to_string()))?;
    let range = x
        .worksheet_range("Casos")
        .map_err(|e| CoreError::validation("bench", e.to_string()))?;
    let mut cells = 0u64;
    for row in range.rows() {
        for c in row {
            if !matches!(c, calamine::Data::Empty) {
                cells += 1;
            }
        }
    }
    std::hint::black_box(cells);
    drop(range);
    drop(x);
    drop(bytes);
    let calamine_seconds = t.elapsed().as_secs_f64();

    let db = dir.join("bench.db");
    let _ = std::fs::remove_file(&db);
    let mut store = Store::open(&db)?;
    let opts = ImportOptions {
        kind: ImportKind::Cases,
        ..Default::default()
    };
    let now = chrono::Utc::now();
    let (dry, dry_run_seconds, dry_run_cpu_seconds) = timed(|| {
        let bytes = std::fs::read(&file).map_err(io(&file))?;
        store.import_bytes(&bytes, "bench.xlsx", &opts, true, "bench", now, &mut |_| {})
    })?;
    let (rep, import_seconds, import_cpu_seconds) = timed(|| {
        let bytes = std::fs::read(&file).map_err(io(&file))?;
        store.import_bytes(
            &bytes,
            "bench.xlsx",
            &opts,
            false,
            "bench",
            now,
            &mut |_| {},
        )
    })?;
    let peak = peak_rss_mb();
    drop(store);
    let (write_only_seconds, write_only_cpu_seconds) = write_only(&db, &dir.join("floor.db"))?;
    let (bind_floor_seconds, bind_floor_cpu_seconds) = bind_floor(&db, &dir.join("bind.db"))?;
    let file_bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    debug_assert_eq!(dry.imported, rep.imported);
    Ok(BenchResult {
        rows,
        columns: 15,
        file_bytes,
        calamine_seconds,
        dry_run_seconds,
        import_seconds,
        ratio: import_seconds / calamine_seconds,
        ratio_with_dry_run: (dry_run_seconds + import_seconds) / calamine_seconds,
        write_only_seconds,
        write_only_ratio: write_only_seconds / calamine_seconds,
        bind_floor_seconds,
        import_over_floor: import_seconds / write_only_seconds,
        import_over_bind_floor: import_seconds / bind_floor_seconds,
        dry_run_cpu_seconds,
        import_cpu_seconds,
        write_only_cpu_seconds,
        bind_floor_cpu_seconds,
        cpus: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        load_average: load_average(),
        imported: rep.imported,
        peak_rss_mb: peak,
    })
}

/// What a floor database holds, to check that a floor did the import's whole work: cases,
/// `import` timeline entries, full-text rows matching a word every generated case has.
#[cfg(test)]
fn contents(db: &std::path::Path) -> (i64, i64, i64) {
    let c = rusqlite::Connection::open(db).unwrap();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        n("SELECT count(*) FROM tickets"),
        n("SELECT count(*) FROM ticket_events WHERE kind = 'import'"),
        n("SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH 'IMP'"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both floors write what the import wrote: the same cases, timeline and full-text index.
    #[test]
    fn floors_do_the_imports_whole_work() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bench.xlsx");
        generate(&file, 1_234).unwrap();
        let db = dir.path().join("bench.db");
        let mut store = Store::open(&db).unwrap();
        let opts = ImportOptions {
            kind: ImportKind::Cases,
            ..Default::default()
        };
        let rep = store
            .import_file(
                &file,
                &opts,
                false,
                "bench",
                chrono::Utc::now(),
                &mut |_| {},
            )
            .unwrap();
        assert_eq!(rep.imported, 1_234);
        drop(store);
        let imported = contents(&db);
        assert_eq!(imported, (1_234, 1_234, 1_234));
        write_only(&db, &dir.path().join("floor.db")).unwrap();
        assert_eq!(contents(&dir.path().join("floor.db")), imported);
        bind_floor(&db, &dir.path().join("bind.db")).unwrap();
        assert_eq!(contents(&dir.path().join("bind.db")), imported);
        // Same values too, not only as many rows.
        let c = rusqlite::Connection::open(dir.path().join("bind.db")).unwrap();
        c.execute("ATTACH DATABASE ?1 AS src", [db.display().to_string()])
            .unwrap();
        let differ: i64 = c
            .query_row(
                &format!(
                    "SELECT count(*) FROM (SELECT {CASE_COLUMNS} FROM tickets
                     EXCEPT SELECT {CASE_COLUMNS} FROM src.tickets)",
                    CASE_COLUMNS = super::super::commit::CASE_COLUMNS
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(differ, 0);
        assert!(cpu_seconds() > 0.0);
    }
}

/// `mesa bench-reads`: the case list read while a large import commits.
#[derive(Debug, Clone, Serialize)]
pub struct ReadsDuringImport {
    /// Rows of the imported workbook.
    pub rows: u32,
    /// Cases already in the database before the import.
    pub base_cases: usize,
    pub import_seconds: f64,
    /// Case-list pages (100 rows) read from a [`crate::store::ReadPool`] during the import.
    pub reads: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    /// The same pages through one shared `Mutex<Store>` (how the app read before), during a
    /// second identical import: each read waits for the import to finish.
    pub mutex_reads: usize,
    pub mutex_p95_ms: f64,
    pub mutex_max_ms: f64,
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 * p).ceil() as usize)
        .saturating_sub(1)
        .min(v.len() - 1)]
}

/// Generates a `rows`-row workbook and a database with `base_cases` demo cases, then imports
/// the workbook on a worker while the main thread reads the first case-list page again and
/// again: first from a read pool (WAL readers), then through one mutex shared with the import.
pub fn reads_during_import(rows: u32, base_cases: usize) -> Result<ReadsDuringImport> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let dir = std::env::temp_dir().join(format!("mesa-bench-reads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let file = dir.join("bench.xlsx");
    generate(&file, rows)?;
    let bytes = Arc::new(std::fs::read(&file).map_err(io(&file))?);
    let now = chrono::Utc::now();
    let page = crate::model::TicketQuery {
        sort: Some("received_at".into()),
        desc: true,
        limit: 100,
        ..Default::default()
    };
    let opts = ImportOptions {
        kind: ImportKind::Cases,
        ..Default::default()
    };
    let fresh_db = |name: &str| -> Result<std::path::PathBuf> {
        let db = dir.join(name);
        let mut s = Store::open(&db)?;
        crate::tickets::demo::generate(&mut s, base_cases, 7, now)?;
        Ok(db)
    };

    // 1. WAL readers beside the one writer.
    let db = fresh_db("wal.db")?;
    let pool = crate::store::ReadPool::new(&db);
    pool.read(|s| s.list_tickets(&page, now))?; // opened before the import starts
    let done = Arc::new(AtomicBool::new(false));
    let worker = {
        let (db, bytes, opts, done) = (db.clone(), bytes.clone(), opts.clone(), done.clone());
        std::thread::spawn(move || -> Result<f64> {
            let mut w = Store::open(&db)?;
            let t = Instant::now();
            let r = w.import_bytes(
                &bytes,
                "bench.xlsx",
                &opts,
                false,
                "bench",
                now,
                &mut |_| {},
            );
            done.store(true, Ordering::SeqCst);
            r.map(|_| t.elapsed().as_secs_f64())
        })
    };
    let mut lat = Vec::new();
    while !done.load(Ordering::SeqCst) {
        let t = Instant::now();
        pool.read(|s| s.list_tickets(&page, now))?;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let import_seconds = worker
        .join()
        .map_err(|_| CoreError::validation("bench", "la importación falló"))??;

    // 2. One mutex for everything, as before: the import holds it to the end.
    let db2 = fresh_db("mutex.db")?;
    let shared = Arc::new(Mutex::new(Store::open(&db2)?));
    let done2 = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicBool::new(false));
    let worker2 = {
        let (shared, bytes, opts) = (shared.clone(), bytes.clone(), opts.clone());
        let (done2, started) = (done2.clone(), started.clone());
        std::thread::spawn(move || -> Result<()> {
            let mut s = shared.lock().unwrap_or_else(|p| p.into_inner());
            started.store(true, Ordering::SeqCst);
            let r = s.import_bytes(
                &bytes,
                "bench.xlsx",
                &opts,
                false,
                "bench",
                now,
                &mut |_| {},
            );
            done2.store(true, Ordering::SeqCst);
            r.map(|_| ())
        })
    };
    while !started.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    let mut lat2 = Vec::new();
    while !done2.load(Ordering::SeqCst) {
        let t = Instant::now();
        shared
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .list_tickets(&page, now)?;
        lat2.push(t.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    worker2
        .join()
        .map_err(|_| CoreError::validation("bench", "la importación falló"))??;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(ReadsDuringImport {
        rows,
        base_cases,
        import_seconds,
        reads: lat.len(),
        p50_ms: percentile(&mut lat, 0.50),
        p95_ms: percentile(&mut lat, 0.95),
        max_ms: percentile(&mut lat, 1.0),
        mutex_reads: lat2.len(),
        mutex_p95_ms: percentile(&mut lat2, 0.95),
        mutex_max_ms: percentile(&mut lat2, 1.0),
    })
}
