//! Moving an office (`mesa server migrate`): every table of a SQLite database copied into an
//! empty PostgreSQL database in **one transaction** — the PostgreSQL schema is created, the
//! rows go in with binary `COPY` (ids kept, identities moved past them), row counts and a sample
//! of every table are compared, and only then is it committed. Any failure leaves the server
//! database empty. The SQLite file is only read.
//!
//! The attachments' content (on SQLite, files under the data folder: `db::blobs`) goes into
//! `attachment_blobs` in the same transaction, each file hashed again while it is read and
//! counted before `COMMIT`; a missing or altered file refuses the move with the list of the
//! attachments concerned, in Spanish, before anything is copied.
//!
//! Copied rows keep their own history: the audit triggers, the case-count triggers and the
//! `import_batch` rules do not run again while `mesa.copying` is set (`audit_log` and
//! `ticket_counts` are copied as they are).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::{Client, Transaction};
use rusqlite::types::Value;
use rusqlite::Connection;

use super::{check_server, tables, PG_MIGRATIONS, SQLITE_EQUIVALENT};
use crate::error::{CoreError, Result};

/// One table to copy and its rows in the SQLite database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableCount {
    pub table: String,
    pub rows: i64,
}

/// What a finished copy did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CopyReport {
    pub tables: Vec<TableCount>,
    pub total_rows: i64,
    /// Rows compared value by value (the sample) after the counts matched.
    pub sampled_rows: usize,
    pub server_version: String,
    /// Attachment files copied into `attachment_blobs`.
    pub files: i64,
}

/// One attachment file to copy: its content hash, size and where it is.
#[derive(Debug, Clone)]
pub struct FileToCopy {
    pub sha256: String,
    pub size: i64,
    pub path: PathBuf,
}

/// The content files the live attachments of `src` need (one per hash), from the data folder
/// `data_dir`. Refuses, naming each attachment, when a file is missing or its size differs
/// (then nothing is copied): restore the folder from a backup, or remove those attachments.
pub fn attachment_files(src: &Connection, data_dir: Option<&Path>) -> Result<Vec<FileToCopy>> {
    let mut st = src.prepare(
        "SELECT a.sha256 AS sha256, a.size AS size, a.name AS name, t.number AS number,
                s.tag AS tag
           FROM attachments a
           LEFT JOIN tickets t ON t.id = a.ticket_id
           LEFT JOIN assets s ON s.id = a.asset_id
          WHERE a.removed_at IS NULL
          ORDER BY a.id",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>("sha256")?,
                r.get::<_, i64>("size")?,
                r.get::<_, String>("name")?,
                r.get::<_, Option<String>>("number")?,
                r.get::<_, Option<String>>("tag")?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<FileToCopy> = vec![];
    let mut seen = BTreeSet::new();
    let mut problems: Vec<String> = vec![];
    for (sha, size, name, number, tag) in rows {
        if !seen.insert(sha.clone()) {
            continue;
        }
        let owner = match (number, tag) {
            (Some(n), _) => format!(" del caso {n}"),
            (_, Some(t)) => format!(" del equipo {t}"),
            _ => String::new(),
        };
        let Some(dir) = data_dir else {
            problems.push(format!("«{name}»{owner}"));
            continue;
        };
        let path = crate::db::blobs::file_path(dir, &sha);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() && m.len() as i64 == size => out.push(FileToCopy {
                sha256: sha,
                size,
                path,
            }),
            Ok(_) => problems.push(format!("«{name}»{owner} (tamaño distinto: alterado)")),
            Err(_) => problems.push(format!("«{name}»{owner}")),
        }
    }
    if !problems.is_empty() {
        let folder = data_dir
            .map(|d| crate::files::shown(&d.join(crate::db::blobs::ATTACHMENTS_DIR)))
            .unwrap_or_else(|| "(sin carpeta de datos)".into());
        let shown: Vec<String> = problems.iter().take(10).cloned().collect();
        let more = if problems.len() > 10 {
            format!(" y {} más", problems.len() - 10)
        } else {
            String::new()
        };
        return Err(CoreError::validation(
            "adjuntos",
            format!(
                "faltan o no coinciden {} archivos de adjuntos en «{folder}»: {}{more}. Restaure \
                 la última copia de seguridad de este equipo, o quite esos adjuntos, antes de \
                 mover los datos; no se copió nada.",
                problems.len(),
                shown.join(", ")
            ),
        ));
    }
    Ok(out)
}

/// Streams `files` into `attachment_blobs` (pieces of [`crate::db::blobs::PART_BYTES`]), each
/// hashed again while read; an altered file stops the copy.
/// Progress continues the rows' count: each file is one more row (`done` before, `total` in
/// all).
fn copy_files(
    tx: &mut Transaction<'_>,
    files: &[FileToCopy],
    done: i64,
    total: i64,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<i64> {
    use sha2::{Digest, Sha256};
    let part_bytes = crate::db::blobs::PART_BYTES;
    let put_blob =
        tx.prepare("INSERT INTO attachment_blobs(sha256, size, parts) VALUES ($1, $2, $3)")?;
    let put_part =
        tx.prepare("INSERT INTO attachment_blob_parts(sha256, part, content) VALUES ($1, $2, $3)")?;
    let mut buf = vec![0u8; part_bytes];
    for (i, f) in files.iter().enumerate() {
        progress(CopyProgress {
            table: "archivos adjuntos".into(),
            rows_done: done + i as i64,
            rows_total: total,
        });
        let parts = (f.size as usize).div_ceil(part_bytes).max(1) as i32;
        tx.execute(&put_blob, &[&f.sha256, &f.size, &parts])?;
        let mut file = std::fs::File::open(&f.path).map_err(crate::files::io(&f.path))?;
        let mut h = Sha256::new();
        let mut read_total = 0i64;
        for part in 0..parts {
            let mut n = 0;
            while n < part_bytes {
                match file.read(&mut buf[n..]) {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(crate::files::io_error(&f.path, e)),
                }
            }
            h.update(&buf[..n]);
            read_total += n as i64;
            tx.execute(&put_part, &[&f.sha256, &part, &&buf[..n]])?;
        }
        let got: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        if got != f.sha256 || read_total != f.size {
            return Err(CoreError::validation(
                "adjuntos",
                format!(
                    "el archivo de adjunto «{}» fue alterado (su huella SHA-256 no coincide); \
                     restaure la última copia de seguridad de este equipo antes de mover los \
                     datos; no se copió nada",
                    crate::files::shown(&f.path)
                ),
            ));
        }
    }
    Ok(files.len() as i64)
}

/// Where a running copy is (for a progress bar): `rows_done` of `rows_total` over all tables,
/// `table` being copied (or «verificando» once the rows are in).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CopyProgress {
    pub table: String,
    pub rows_done: i64,
    pub rows_total: i64,
}

/// Rows between two progress reports inside one table.
const PROGRESS_EVERY: i64 = 5_000;

/// Rows compared per table after copying (plus the first and the last).
const SAMPLE_PER_TABLE: usize = 25;

fn is_copied(name: &str) -> bool {
    // Full-text tables are rebuilt by PostgreSQL's own index; migrations are the server's own.
    !(name.starts_with("sqlite_") || name.starts_with("tickets_fts") || name == "schema_migrations")
}

fn sqlite_tables(src: &Connection) -> Result<Vec<String>> {
    let mut st = src.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'
          ORDER BY name",
    )?;
    let names = st
        .query_map([], |r| r.get::<_, String>("name"))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names.into_iter().filter(|n| is_copied(n)).collect())
}

/// The tables in an order where every table comes after the tables it references.
fn in_dependency_order(src: &Connection, names: Vec<String>) -> Result<Vec<String>> {
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for n in &names {
        let mut st = src.prepare(&format!("PRAGMA foreign_key_list(\"{n}\")"))?;
        let refs = st
            .query_map([], |r| r.get::<_, String>("table"))?
            .collect::<rusqlite::Result<BTreeSet<_>>>()?;
        deps.insert(
            n.clone(),
            refs.into_iter()
                .filter(|r| r != n && names.contains(r))
                .collect(),
        );
    }
    let mut out: Vec<String> = Vec::new();
    while out.len() < names.len() {
        let before = out.len();
        for n in &names {
            if !out.contains(n) && deps[n].iter().all(|d| out.contains(d)) {
                out.push(n.clone());
            }
        }
        if out.len() == before {
            return Err(CoreError::Server {
                detail: "las tablas tienen referencias circulares; no se copió nada".into(),
            });
        }
    }
    Ok(out)
}

fn columns(src: &Connection, table: &str) -> Result<Vec<(String, i64)>> {
    let mut st = src.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let cols = st
        .query_map([], |r| {
            Ok((r.get::<_, String>("name")?, r.get::<_, i64>("pk")?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

/// The primary-key columns in key order (rowid when the table declares none).
fn key_columns(src: &Connection, table: &str) -> Result<Vec<String>> {
    let mut pk: Vec<(String, i64)> = columns(src, table)?
        .into_iter()
        .filter(|(_, k)| *k > 0)
        .collect();
    pk.sort_by_key(|(_, k)| *k);
    Ok(pk.into_iter().map(|(c, _)| c).collect())
}

fn qi(c: &str) -> String {
    format!("\"{}\"", c.replace('"', "\"\""))
}

/// What would be copied: every table and its rows, in copying order. Refuses a SQLite database
/// whose schema is not the one the PostgreSQL schema equals.
pub fn plan(src: &Connection) -> Result<Vec<TableCount>> {
    let v: i64 = src.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if v != SQLITE_EQUIVALENT {
        return Err(CoreError::Server {
            detail: format!(
                "la base SQLite tiene el esquema {v} y esta versión copia el esquema \
                 {SQLITE_EQUIVALENT}; ábrala primero con esta versión de la aplicación"
            ),
        });
    }
    let names = in_dependency_order(src, sqlite_tables(src)?)?;
    let mut out = Vec::with_capacity(names.len());
    for t in names {
        let rows: i64 = src.query_row(&format!("SELECT count(*) FROM {}", qi(&t)), [], |r| {
            r.get(0)
        })?;
        out.push(TableCount { table: t, rows });
    }
    Ok(out)
}

/// PostgreSQL column types of `table` (by column name).
fn pg_types(tx: &mut Transaction<'_>, table: &str) -> Result<BTreeMap<String, Type>> {
    let rows = tx.query(
        "SELECT a.attname::text AS name, a.atttypid AS oid
           FROM pg_attribute a
          WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
        &[&table],
    )?;
    let mut out = BTreeMap::new();
    for r in rows {
        let oid: u32 = r.get("oid");
        let ty = Type::from_oid(oid).unwrap_or(Type::UNKNOWN);
        out.insert(r.get::<_, String>("name"), ty);
    }
    Ok(out)
}

fn mismatch(table: &str, column: &str, detail: String) -> CoreError {
    CoreError::Server {
        detail: format!("tabla «{table}», columna «{column}»: {detail}; no se copió nada"),
    }
}

/// One SQLite value as the PostgreSQL type of its column.
fn to_pg(table: &str, column: &str, ty: &Type, v: Value) -> Result<Box<dyn ToSql + Sync + Send>> {
    let bad = |v: &Value| {
        mismatch(
            table,
            column,
            format!("el valor {v:?} no cabe en el tipo {ty} de PostgreSQL"),
        )
    };
    Ok(match (ty, v) {
        (t, Value::Null) if *t == Type::INT8 => Box::new(None::<i64>),
        (t, Value::Null) if *t == Type::FLOAT8 => Box::new(None::<f64>),
        (t, Value::Null) if *t == Type::TEXT => Box::new(None::<String>),
        (t, Value::Null) if *t == Type::BYTEA => Box::new(None::<Vec<u8>>),
        (t, Value::Integer(i)) if *t == Type::INT8 => Box::new(Some(i)),
        (t, Value::Integer(i)) if *t == Type::FLOAT8 => Box::new(Some(i as f64)),
        (t, Value::Real(f)) if *t == Type::FLOAT8 => Box::new(Some(f)),
        (t, Value::Text(s)) if *t == Type::TEXT => Box::new(Some(s)),
        (t, Value::Blob(b)) if *t == Type::BYTEA => Box::new(Some(b)),
        (_, v) => return Err(bad(&v)),
    })
}

/// One PostgreSQL value back as SQLite's, for comparing.
fn from_pg(row: &postgres::Row, i: usize) -> Result<Value> {
    let ty = row.columns()[i].type_().clone();
    Ok(if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?
            .map(Value::Integer)
            .unwrap_or(Value::Null)
    } else if ty == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(i)?
            .map(Value::Real)
            .unwrap_or(Value::Null)
    } else if ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)?
            .map(Value::Blob)
            .unwrap_or(Value::Null)
    } else {
        row.try_get::<_, Option<String>>(i)?
            .map(Value::Text)
            .unwrap_or(Value::Null)
    })
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        // An integer stored in a REAL column reads back as a float.
        (Value::Integer(i), Value::Real(f)) | (Value::Real(f), Value::Integer(i)) => {
            *i as f64 == *f
        }
        _ => a == b,
    }
}

/// Copies the SQLite database `src` into the empty PostgreSQL database of `pg` (see the module
/// documentation). `actor` is who moved it (recorded as the migration's author on the server).
/// `data_dir` is the SQLite database's data folder (its attachments' files).
pub fn copy(
    src: &Connection,
    data_dir: Option<&Path>,
    pg: &mut Client,
    actor: &str,
) -> Result<CopyReport> {
    copy_with_progress(src, data_dir, pg, actor, &mut |_| {})
}

/// [`copy`], reporting progress at each table and every 5,000 rows (`PROGRESS_EVERY`).
pub fn copy_with_progress(
    src: &Connection,
    data_dir: Option<&Path>,
    pg: &mut Client,
    actor: &str,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<CopyReport> {
    let info = check_server(pg)?;
    let existing = tables(pg)?;
    if !existing.is_empty() {
        return Err(CoreError::Server {
            detail: format!(
                "la base de datos de destino no está vacía (tiene {} tablas: {}). Cree una \
                 base de datos nueva y vacía para Mesa de Ayuda TI; no se copió nada.",
                existing.len(),
                existing
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let plan = plan(src)?;
    // Every attachment's file is there before anything is written.
    let files = attachment_files(src, data_dir)?;
    let mut tx = pg.transaction()?;
    tx.batch_execute("SELECT pg_advisory_xact_lock(7236200001)")?;
    tx.execute("SELECT set_config('mesa.actor', $1, true)", &[&actor])?;
    tx.batch_execute("SET LOCAL mesa.copying = 'on'")?;
    // The schema, exactly as `migrate` would create it, in this same transaction.
    tx.batch_execute(
        "CREATE TABLE schema_migrations (
            version    BIGINT PRIMARY KEY,
            name       TEXT NOT NULL,
            checksum   TEXT NOT NULL,
            applied_at TEXT NOT NULL
                DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
        )",
    )?;
    for m in PG_MIGRATIONS {
        tx.batch_execute(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations(version, name, checksum) VALUES ($1, $2, $3)",
            &[&m.version, &m.name, &super::super::checksum(m.sql)],
        )?;
    }
    // The catalogs the baseline seeds are replaced by the office's own.
    let list = plan
        .iter()
        .map(|t| qi(&t.table))
        .collect::<Vec<_>>()
        .join(", ");
    tx.batch_execute(&format!("TRUNCATE {list}"))?;

    let rows_total: i64 = plan.iter().map(|t| t.rows).sum::<i64>() + files.len() as i64;
    let mut total_rows = 0;
    for t in &plan {
        progress(CopyProgress {
            table: t.table.clone(),
            rows_done: total_rows,
            rows_total,
        });
        let types = pg_types(&mut tx, &t.table)?;
        if types.is_empty() {
            return Err(mismatch(
                &t.table,
                "*",
                "la tabla no existe en PostgreSQL".into(),
            ));
        }
        let cols: Vec<String> = columns(src, &t.table)?
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        let mut col_types = Vec::with_capacity(cols.len());
        for c in &cols {
            let ty = types
                .get(c)
                .ok_or_else(|| mismatch(&t.table, c, "no existe en PostgreSQL".into()))?;
            col_types.push(ty.clone());
        }
        let col_list = cols.iter().map(|c| qi(c)).collect::<Vec<_>>().join(", ");
        let sink = tx.copy_in(&format!(
            "COPY {} ({col_list}) FROM STDIN (FORMAT binary)",
            qi(&t.table)
        ))?;
        let mut w = BinaryCopyInWriter::new(sink, &col_types);
        let mut st = src.prepare(&format!("SELECT {col_list} FROM {}", qi(&t.table)))?;
        let mut rows = st.query([])?;
        let mut n = 0i64;
        while let Some(r) = rows.next()? {
            let mut vals: Vec<Box<dyn ToSql + Sync + Send>> = Vec::with_capacity(cols.len());
            for (i, c) in cols.iter().enumerate() {
                vals.push(to_pg(&t.table, c, &col_types[i], r.get::<_, Value>(i)?)?);
            }
            let refs: Vec<&(dyn ToSql + Sync)> = vals
                .iter()
                .map(|b| b.as_ref() as &(dyn ToSql + Sync))
                .collect();
            w.write(&refs)?;
            n += 1;
            if n % PROGRESS_EVERY == 0 {
                progress(CopyProgress {
                    table: t.table.clone(),
                    rows_done: total_rows + n,
                    rows_total,
                });
            }
        }
        w.finish()?;
        total_rows += n;
        if cols.iter().any(|c| c == "id") {
            tx.execute(
                &format!(
                    "SELECT setval(s, coalesce((SELECT max(id) FROM {t}), 0) + 1, false)
                       FROM pg_get_serial_sequence($1, 'id') AS s WHERE s IS NOT NULL",
                    t = qi(&t.table)
                ),
                &[&t.table],
            )?;
        }
    }

    let copied_files = copy_files(&mut tx, &files, total_rows, rows_total, progress)?;

    // Verify before committing: every count, then a sample of every table value by value.
    progress(CopyProgress {
        table: "verificando".into(),
        rows_done: total_rows + copied_files,
        rows_total,
    });
    let mut sampled_rows = 0;
    for t in &plan {
        let n: i64 = tx
            .query_one(&format!("SELECT count(*) AS n FROM {}", qi(&t.table)), &[])?
            .get("n");
        if n != t.rows {
            return Err(CoreError::Server {
                detail: format!(
                    "tabla «{}»: {} filas en SQLite y {n} en PostgreSQL tras copiar; no se \
                     copió nada",
                    t.table, t.rows
                ),
            });
        }
        sampled_rows += compare_sample(src, &mut tx, &t.table)?;
    }
    // The attachments' content: one row per file, the same bytes in all.
    let row = tx.query_one(
        "SELECT count(*) AS n, coalesce(sum(size), 0)::bigint AS bytes,
                (SELECT coalesce(sum(length(content)), 0)::bigint FROM attachment_blob_parts) AS stored
           FROM attachment_blobs",
        &[],
    )?;
    let (n, bytes, stored): (i64, i64, i64) = (row.get("n"), row.get("bytes"), row.get("stored"));
    let want: i64 = files.iter().map(|f| f.size).sum();
    if n != copied_files || bytes != want || stored != want {
        return Err(CoreError::Server {
            detail: format!(
                "archivos de adjuntos: {copied_files} en este equipo ({want} bytes) y {n} en \
                 PostgreSQL ({stored} bytes) tras copiar; no se copió nada"
            ),
        });
    }
    tx.commit()?;
    // The planner's statistics and the visibility map of the copied tables (and the GIN
    // index's pending list flushed): without them PostgreSQL planned the case list of 200,000
    // copied cases from defaults, 80–320 ms a page instead of a few (`make bench-pg`), until
    // autovacuum came by. Outside the transaction (VACUUM cannot run in one); the copy is
    // already committed, so a failure here only leaves that work to autovacuum.
    let _ = pg.batch_execute("VACUUM (ANALYZE)");
    Ok(CopyReport {
        tables: plan,
        total_rows,
        sampled_rows,
        server_version: info.version,
        files: copied_files,
    })
}

/// Compares a sample of `table` (first, last and [`SAMPLE_PER_TABLE`] random rows) looked up
/// by primary key on the server. Returns how many rows were compared.
fn compare_sample(src: &Connection, tx: &mut Transaction<'_>, table: &str) -> Result<usize> {
    let cols: Vec<String> = columns(src, table)?.into_iter().map(|(c, _)| c).collect();
    let key = key_columns(src, table)?;
    if key.is_empty() {
        return Ok(0);
    }
    let col_list = cols.iter().map(|c| qi(c)).collect::<Vec<_>>().join(", ");
    let t = qi(table);
    let mut st = src.prepare(&format!(
        "SELECT {col_list} FROM (SELECT * FROM {t} ORDER BY rowid LIMIT 1)
         UNION SELECT {col_list} FROM (SELECT * FROM {t} ORDER BY rowid DESC LIMIT 1)
         UNION SELECT {col_list} FROM (SELECT * FROM {t} ORDER BY random() LIMIT {SAMPLE_PER_TABLE})"
    ))?;
    let sample = st
        .query_map([], |r| {
            (0..cols.len())
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let cond = key
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{} = ${}", qi(k), i + 1))
        .collect::<Vec<_>>()
        .join(" AND ");
    let stmt = tx.prepare(&format!("SELECT {col_list} FROM {t} WHERE {cond}"))?;
    let types = stmt.params().to_vec();
    for row in &sample {
        let mut vals: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
        for (i, k) in key.iter().enumerate() {
            let pos = cols.iter().position(|c| c == k).unwrap_or(0);
            vals.push(to_pg(table, k, &types[i], row[pos].clone())?);
        }
        let refs: Vec<&(dyn ToSql + Sync)> = vals
            .iter()
            .map(|b| b.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let got = tx
            .query_opt(&stmt, &refs)?
            .ok_or_else(|| CoreError::Server {
                detail: format!("tabla «{table}»: falta una fila en PostgreSQL; no se copió nada"),
            })?;
        for (i, c) in cols.iter().enumerate() {
            let v = from_pg(&got, i)?;
            if !same(&row[i], &v) {
                return Err(mismatch(
                    table,
                    c,
                    format!("valor distinto tras copiar ({:?} ≠ {v:?})", row[i]),
                ));
            }
        }
    }
    Ok(sample.len())
}

/// Every row of `table` in both databases, compared value by value in primary-key order (text
/// keys in byte order on both sides), except the columns in `skip`. Returns the rows compared;
/// an error names the first difference. Used by the tests.
pub fn compare_all(src: &Connection, pg: &mut Client, table: &str, skip: &[&str]) -> Result<usize> {
    let cols: Vec<String> = columns(src, table)?
        .into_iter()
        .map(|(c, _)| c)
        .filter(|c| !skip.contains(&c.as_str()))
        .collect();
    let mut key = key_columns(src, table)?;
    if key.is_empty() {
        key = cols.clone();
    }
    let col_list = cols.iter().map(|c| qi(c)).collect::<Vec<_>>().join(", ");
    let order_lite = key.iter().map(|k| qi(k)).collect::<Vec<_>>().join(", ");
    let order_pg = key
        .iter()
        .map(|k| format!("{} COLLATE \"C\"", qi(k)))
        .collect::<Vec<_>>();
    // COLLATE only applies to text columns: ask the server which keys are text.
    let text_cols: BTreeSet<String> = pg
        .query(
            "SELECT a.attname::text AS name FROM pg_attribute a
              WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND a.atttypid = 'text'::regtype",
            &[&table],
        )?
        .iter()
        .map(|r| r.get("name"))
        .collect();
    let order_pg = key
        .iter()
        .zip(order_pg)
        .map(|(k, o)| if text_cols.contains(k) { o } else { qi(k) })
        .collect::<Vec<_>>()
        .join(", ");
    let t = qi(table);
    let mut st = src.prepare(&format!("SELECT {col_list} FROM {t} ORDER BY {order_lite}"))?;
    let lite = st
        .query_map([], |r| {
            (0..cols.len())
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let remote = pg.query(
        &format!("SELECT {col_list} FROM {t} ORDER BY {order_pg}"),
        &[],
    )?;
    if lite.len() != remote.len() {
        return Err(CoreError::Server {
            detail: format!(
                "tabla «{table}»: {} filas en SQLite, {} en PostgreSQL",
                lite.len(),
                remote.len()
            ),
        });
    }
    for (n, (a, b)) in lite.iter().zip(remote.iter()).enumerate() {
        for (i, c) in cols.iter().enumerate() {
            let v = from_pg(b, i)?;
            if !same(&a[i], &v) {
                return Err(mismatch(
                    table,
                    c,
                    format!("fila {} distinta ({:?} ≠ {v:?})", n + 1, a[i]),
                ));
            }
        }
    }
    Ok(lite.len())
}
