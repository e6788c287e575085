//! `mesa import FILE …`, `mesa import list`, `mesa import undo BATCH` and `mesa bench-import`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use mesa_core::import::{ImportKind, ImportOptions, ImportReport, MapSource, Mapping, SheetReport};
use mesa_core::CoreError;

use crate::{print_json, Ctx};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ImportArgs {
    #[command(subcommand)]
    cmd: Option<ImportSub>,
    /// Archivo a importar (.xlsx, .xlsm, .xls, .ods, .csv, .txt; el formato se detecta por el contenido).
    file: Option<PathBuf>,
    /// Qué contiene: casos (cases) o inventario de equipos (assets).
    #[arg(long, default_value = "cases", value_parser = parse_kind)]
    kind: ImportKind,
    /// Importar solo esta hoja.
    #[arg(long, value_name = "NOMBRE")]
    sheet: Option<String>,
    /// Mapeo guardado (JSON): columnas → campos y valores → catálogo.
    #[arg(long, value_name = "ARCHIVO.json")]
    mapping: Option<PathBuf>,
    /// Simulación: muestra lo que se importaría sin escribir nada.
    #[arg(long)]
    dry_run: bool,
    /// Guarda el mapeo detectado (para reutilizarlo con --mapping).
    #[arg(long, value_name = "ARCHIVO.json")]
    save_mapping: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ImportSub {
    /// Lista los lotes de importación.
    List,
    /// Deshace un lote: borra lo que importó y deja todo como estaba.
    Undo {
        /// Número del lote (ver `mesa import list`).
        batch: i64,
    },
}

fn parse_kind(s: &str) -> Result<ImportKind, String> {
    ImportKind::parse(s).ok_or_else(|| format!("«{s}» no es válido; use cases o assets"))
}

pub fn run(ctx: &mut Ctx, args: ImportArgs) -> Result<(), CoreError> {
    match args.cmd {
        Some(ImportSub::List) => {
            let batches = ctx.store.import_batches()?;
            if ctx.json {
                return print_json(&batches);
            }
            if batches.is_empty() {
                println!("No hay lotes de importación.");
            }
            for b in batches {
                println!(
                    "Lote {:>3}  {}  {}  {} importados, {} duplicados, {} avisos, {} errores{}",
                    b.id,
                    &b.imported_at[..16.min(b.imported_at.len())],
                    b.file_name,
                    b.imported,
                    b.duplicates,
                    b.warnings,
                    b.errors,
                    match &b.undone_at {
                        Some(u) => format!("  (deshecho el {})", &u[..16.min(u.len())]),
                        None => String::new(),
                    }
                );
            }
            Ok(())
        }
        Some(ImportSub::Undo { batch }) => {
            let b = ctx.store.undo_import(batch, &ctx.actor, ctx.now)?;
            if ctx.json {
                print_json(&b)
            } else {
                println!(
                    "Lote {} deshecho: se retiraron {} registros de «{}».",
                    b.id, b.imported, b.file_name
                );
                Ok(())
            }
        }
        None => {
            let Some(file) = args.file else {
                return Err(CoreError::validation(
                    "archivo",
                    "indique el archivo a importar, o use `mesa import list` / `mesa import undo LOTE`",
                ));
            };
            let mapping = match &args.mapping {
                Some(p) => {
                    let text = std::fs::read_to_string(p).map_err(|source| CoreError::Io {
                        path: p.display().to_string(),
                        source,
                    })?;
                    Some(Mapping::from_json(&text)?)
                }
                None => None,
            };
            let opts = ImportOptions {
                kind: args.kind,
                sheet: args.sheet,
                mapping,
                expect_hash: None,
                cancel: None,
            };
            let report = ctx.store.import_file(
                &file,
                &opts,
                args.dry_run,
                &ctx.actor,
                ctx.now,
                &mut |_| {},
            )?;
            if let Some(p) = &args.save_mapping {
                let m = mapping_of(&report, opts.mapping.as_ref());
                crate::write_file(p, serde_json::to_string_pretty(&m)?.as_bytes())?;
            }
            if ctx.json {
                print_json(&report)
            } else {
                print_human(&report);
                Ok(())
            }
        }
    }
}

/// The mapping a report used, ready to save and reuse.
pub fn mapping_of(r: &ImportReport, given: Option<&Mapping>) -> Mapping {
    r.effective_mapping(given)
}

/// «Filas: 12 = 9 casos + 1 duplicado + 2 omitidas (1 vacías o solo con formato, 1 totales)».
pub fn rows_equation(s: &SheetReport, kind: ImportKind) -> String {
    let what = if kind == ImportKind::Cases {
        "casos"
    } else {
        "equipos"
    };
    let skipped: u32 = s.skipped_rows.iter().map(|k| k.count).sum();
    let mut line = format!(
        "Filas: {} = {} {what} + {} duplicados",
        s.rows, s.cases, s.duplicates
    );
    if s.rejected > 0 {
        line.push_str(&format!(" + {} con errores", s.rejected));
    }
    line.push_str(&format!(" + {skipped} omitidas"));
    if !s.skipped_rows.is_empty() {
        let parts: Vec<String> = s
            .skipped_rows
            .iter()
            .map(|k| format!("{} {}", k.count, k.label))
            .collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line
}

fn print_human(r: &ImportReport) {
    let verb = if r.dry_run {
        "Simulación de importación"
    } else {
        "Importación"
    };
    println!(
        "{verb} de «{}» ({}{})",
        r.file,
        r.format_label,
        r.encoding
            .as_deref()
            .map(|e| format!(", {e}"))
            .unwrap_or_default()
    );
    for s in &r.sheets {
        let name = if s.name.is_empty() {
            "(archivo de texto)".to_string()
        } else {
            format!("Hoja «{}»", s.name)
        };
        match (&s.skipped, s.header_row) {
            (Some(why), _) => println!("  {name}: omitida ({why})"),
            (None, Some(h)) => {
                println!(
                    "  {name}: encabezado en la fila {h}, {} registros",
                    s.records
                );
                println!("    {}", rows_equation(s, r.kind));
                for c in &s.columns {
                    println!(
                        "    {:>3} «{}» → {}{}",
                        c.column,
                        c.header,
                        c.field_label.as_deref().unwrap_or("(campo adicional)"),
                        match (c.source, &c.note) {
                            (Some(MapSource::Content), _) => " (sugerido por el contenido)".into(),
                            (None, Some(n)) => format!(" — {n}"),
                            _ => String::new(),
                        }
                    );
                }
            }
            _ => {}
        }
    }
    let what = if r.kind == ImportKind::Cases {
        "casos"
    } else {
        "equipos"
    };
    if r.dry_run {
        println!(
            "Se importarían {} {what}; duplicados: {}; avisos: {}; errores: {}.",
            r.imported,
            r.duplicates,
            r.warnings.len(),
            r.errors.len()
        );
    } else {
        println!(
            "Importados {} {what}; duplicados: {}; avisos: {}; errores: {}.",
            r.imported,
            r.duplicates,
            r.warnings.len(),
            r.errors.len()
        );
        match r.batch {
            Some(b) => println!("Lote {b} (se puede deshacer con `mesa import undo {b}`)."),
            None => println!("No había nada nuevo: no se escribió nada."),
        }
    }
    if !r.status_counts.is_empty() {
        let parts: Vec<String> = r
            .status_counts
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        println!("Por estado: {}", parts.join(", "));
    }
    if !r.unknown_values.is_empty() {
        println!("Valores que no están en los catálogos (asígnelos con un mapeo):");
        for u in &r.unknown_values {
            println!("  {}: «{}» ({} veces)", u.field, u.value, u.count);
        }
    }
    for (label, list) in [("Error", &r.errors), ("Aviso", &r.warnings)] {
        for p in list.iter().take(50) {
            let at = match (p.row, &p.column) {
                (Some(row), Some(c)) => format!("fila {row}, columna «{c}»"),
                (Some(row), None) => format!("fila {row}"),
                _ => String::new(),
            };
            let sheet = if p.sheet.is_empty() {
                String::new()
            } else {
                format!("hoja «{}» ", p.sheet)
            };
            println!("  {label}: {sheet}{at}: {}", p.message);
        }
        if list.len() > 50 {
            println!(
                "  … y {} más (use --json para verlos todos)",
                list.len() - 50
            );
        }
    }
}

/// `mesa bench-import`: calamine alone vs the full import on a generated workbook.
pub fn bench_reads(rows: u32, base: usize, json: bool) -> Result<(), CoreError> {
    let r = mesa_core::import::bench::reads_during_import(rows, base)?;
    if json {
        return print_json(&r);
    }
    println!(
        "Importación de {} filas sobre {} casos: {:.1} s",
        r.rows, r.base_cases, r.import_seconds
    );
    println!(
        "lista de casos durante la importación (lectores WAL): {} lecturas, p50 {:.1} ms, p95 {:.1} ms, máx {:.1} ms",
        r.reads, r.p50_ms, r.p95_ms, r.max_ms
    );
    println!(
        "lo mismo con un solo candado compartido (antes):    {} lecturas, p95 {:.0} ms, máx {:.0} ms",
        r.mutex_reads, r.mutex_p95_ms, r.mutex_max_ms
    );
    Ok(())
}

pub fn bench(rows: u32, json: bool) -> Result<(), CoreError> {
    let r = mesa_core::import::bench::run(rows)?;
    if json {
        print_json(&r)
    } else {
        println!(
            "Libro generado: {} filas × {} columnas ({:.1} MB)",
            r.rows,
            r.columns,
            r.file_bytes as f64 / 1e6
        );
        println!(
            "calamine leyendo todas las celdas: {:.2} s",
            r.calamine_seconds
        );
        println!(
            "simulación (lectura + mapeo):      {:.2} s",
            r.dry_run_seconds
        );
        println!(
            "importación completa (confirmar):  {:.2} s ({} casos)",
            r.import_seconds, r.imported
        );
        println!("razón importación / calamine:      {:.2}×", r.ratio);
        println!(
            "piso: solo escribir esos casos:     {:.2} s ({:.2}× calamine; sin leer ni mapear)",
            r.write_only_seconds, r.write_only_ratio
        );
        println!(
            "piso con parámetros (mismo INSERT): {:.2} s",
            r.bind_floor_seconds
        );
        println!(
            "razón importación / piso:          {:.2}× (con parámetros: {:.2}×)",
            r.import_over_floor, r.import_over_bind_floor
        );
        println!(
            "tiempo de procesador (todos los hilos): simulación {:.2} s, importación {:.2} s, \
             piso {:.2} s, piso con parámetros {:.2} s",
            r.dry_run_cpu_seconds,
            r.import_cpu_seconds,
            r.write_only_cpu_seconds,
            r.bind_floor_cpu_seconds
        );
        println!(
            "procesadores: {}; carga del equipo (1 min): {:.1}",
            r.cpus, r.load_average
        );
        println!("memoria máxima (VmHWM):            {:.0} MB", r.peak_rss_mb);
        Ok(())
    }
}
