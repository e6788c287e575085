//! `mesa report …` (informe de mesa de ayuda), `mesa export cases …` and `mesa bench-report`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Datelike, Utc};
use clap::{Args, Subcommand};
use mesa_core::pdf::PageSize;
use mesa_core::reports::documents::ReportPdfOptions;
use mesa_core::reports::{fmt_num, fmt_rate, Period};
use mesa_core::{CoreError, Store, TicketQuery};

#[derive(Subcommand)]
pub enum ReportCmd {
    /// Informe de mesa de ayuda de un periodo: indicadores, PDF y/o XLSX (--json: valores).
    Helpdesk(HelpdeskArgs),
    /// Guarda el análisis/observaciones y las acciones de mejora del informe de un periodo.
    Save {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, default_value = "")]
        analysis: String,
        #[arg(long, default_value = "")]
        actions: String,
    },
    /// Lista los informes guardados.
    List,
    /// Informe de gestión (trimestre, año u otro periodo): indicadores con meta, semáforo y
    /// tendencia, análisis, mantenimiento, mapa de riesgos, plan de mejoramiento; PDF y/o XLSX.
    Management(ManagementArgs),
}

#[derive(Args)]
pub struct ManagementArgs {
    /// Primer día del periodo (AAAA-MM-DD).
    #[arg(long, required_unless_present = "periods")]
    from: Option<String>,
    /// Último día del periodo (AAAA-MM-DD), incluido.
    #[arg(long, required_unless_present = "periods")]
    to: Option<String>,
    #[arg(long)]
    pdf: Option<PathBuf>,
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// Guarda el análisis de un indicador: `--analysis "IND-01=texto"` (se puede repetir).
    #[arg(long, value_name = "CÓDIGO=TEXTO")]
    analysis: Vec<String>,
    /// Guarda las conclusiones del informe.
    #[arg(long)]
    conclusions: Option<String>,
    /// Lista los periodos habituales (trimestres y años) con sus fechas.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    periods: bool,
}

#[derive(Args)]
pub struct HelpdeskArgs {
    /// Primer día del periodo (AAAA-MM-DD).
    #[arg(long)]
    from: String,
    /// Último día del periodo (AAAA-MM-DD), incluido.
    #[arg(long)]
    to: String,
    #[arg(long)]
    pdf: Option<PathBuf>,
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// PDF en tamaño A4 (por omisión, carta).
    #[arg(long)]
    a4: bool,
    /// Máximo de servicios listados en el PDF (por omisión 500; 0 = todos; el XLSX los trae todos).
    #[arg(long)]
    max_detail: Option<usize>,
    /// Guarda este análisis/observaciones con el informe.
    #[arg(long)]
    analysis: Option<String>,
    /// Guarda estas acciones de mejora con el informe.
    #[arg(long)]
    actions: Option<String>,
}

#[derive(Subcommand)]
pub enum ExportCmd {
    /// Exporta los casos (todos los campos) con los filtros de la lista a XLSX y/o CSV.
    Cases(ExportCasesArgs),
}

#[derive(Args)]
pub struct ExportCasesArgs {
    #[command(flatten)]
    filters: crate::CaseFilters,
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// CSV UTF-8 con BOM, separado por «;» (Excel en español).
    #[arg(long)]
    csv: Option<PathBuf>,
}

use crate::print_json;

use crate::write_file;

pub fn report(
    store: &mut Store,
    cmd: ReportCmd,
    actor: &str,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    match cmd {
        ReportCmd::Helpdesk(a) => {
            let period = Period::parse(&a.from, &a.to)?;
            if a.analysis.is_some() || a.actions.is_some() {
                let old = store.stored_report(period)?;
                let analysis = a
                    .analysis
                    .or_else(|| old.as_ref().map(|o| o.analysis.clone()))
                    .unwrap_or_default();
                let actions = a
                    .actions
                    .or_else(|| old.map(|o| o.actions))
                    .unwrap_or_default();
                store.save_report(period, &analysis, &actions, actor, now)?;
            }
            let rep = store.helpdesk_report(period, now)?;
            if let Some(p) = &a.pdf {
                let opts = ReportPdfOptions {
                    size: if a.a4 { PageSize::A4 } else { PageSize::Letter },
                    max_detail_rows: match a.max_detail {
                        Some(0) => None,
                        Some(n) => Some(n),
                        None => ReportPdfOptions::default().max_detail_rows,
                    },
                };
                write_file(p, &store.report_pdf_of(&rep, opts, actor, now)?)?;
            }
            if let Some(x) = &a.xlsx {
                store.helpdesk_report_xlsx(period, x, now, |_, _| {})?;
            }
            if json {
                return print_json(&serde_json::json!({
                    "current": rep.current,
                    "previous": rep.previous,
                    "analysis": rep.analysis,
                    "actions": rep.actions,
                }));
            }
            let c = &rep.current;
            println!("Informe de mesa de ayuda {}", period.label());
            println!("  Casos recibidos: {}", c.received);
            println!("  Solucionados: {}", c.resolved);
            println!(
                "  Cerrados: {} (verificados {}, automáticos {}, importados {})",
                c.closed, c.closed_verified, c.closed_auto, c.closed_imported
            );
            println!("  Anulados: {}", c.cancelled);
            println!("  Abiertos al cierre: {}", c.backlog);
            println!(
                "  Atendidos dentro del plazo de respuesta: {}",
                fmt_rate(&c.response_on_time)
            );
            println!(
                "  Solucionados dentro del plazo: {}",
                fmt_rate(&c.resolution_on_time)
            );
            println!(
                "  Primera atención: media {} h, mediana {} h (hábiles)",
                fmt_num(c.first_response_time.mean_hours, 1),
                fmt_num(c.first_response_time.median_hours, 1)
            );
            println!(
                "  Solución: media {} h, mediana {} h (hábiles)",
                fmt_num(c.resolution_time.mean_hours, 1),
                fmt_num(c.resolution_time.median_hours, 1)
            );
            println!("  Escalados: {}", fmt_rate(&c.escalated));
            println!("  Reabiertos: {}", fmt_rate(&c.reopened));
            println!(
                "  Respuesta de la encuesta: {}",
                fmt_rate(&c.survey_response)
            );
            println!(
                "  Satisfacción general: {} de 5",
                fmt_num(c.overall.mean, 2)
            );
            for p in a.pdf.iter().chain(a.xlsx.iter()) {
                println!("Escrito: {}", p.display());
            }
            Ok(())
        }
        ReportCmd::Save {
            from,
            to,
            analysis,
            actions,
        } => {
            let period = Period::parse(&from, &to)?;
            let r = store.save_report(period, &analysis, &actions, actor, now)?;
            if json {
                print_json(&r)
            } else {
                println!("Informe {} guardado (n.º {}).", period.label(), r.id);
                Ok(())
            }
        }
        ReportCmd::Management(a) => management(store, a, actor, now, json),
        ReportCmd::List => {
            let list = store.list_reports()?;
            if json {
                return print_json(&list);
            }
            for r in &list {
                println!(
                    "{:>4}  {} a {}  {}",
                    r.id,
                    r.from,
                    r.to,
                    r.analysis.lines().next().unwrap_or("")
                );
            }
            println!("{} informes", list.len());
            Ok(())
        }
    }
}

pub fn export(
    store: &Store,
    cmd: ExportCmd,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    let ExportCmd::Cases(a) = cmd;
    if a.xlsx.is_none() && a.csv.is_none() {
        return Err(CoreError::validation(
            "--xlsx/--csv",
            "indique al menos un archivo de salida",
        ));
    }
    let q = a.filters.query()?;
    let mut written = vec![];
    if let Some(x) = &a.xlsx {
        let o = store.export_cases_xlsx(&q, x, now, |_, _| {})?;
        written.push((x.display().to_string(), o.rows));
    }
    if let Some(c) = &a.csv {
        let o = store.export_cases_csv(&q, c, now, |_, _| {})?;
        written.push((c.display().to_string(), o.rows));
    }
    if json {
        let v: Vec<_> = written
            .iter()
            .map(|(f, n)| serde_json::json!({"file": f, "rows": n}))
            .collect();
        return print_json(&v);
    }
    for (f, n) in written {
        println!("{n} casos exportados a {f}");
    }
    Ok(())
}

/// Page objects in a PDF (`/Type /Page`, not `/Pages`).
fn count_pages(pdf: &[u8]) -> usize {
    [&b"/Type/Page"[..], &b"/Type /Page"[..]]
        .iter()
        .map(|pat| {
            pdf.windows(pat.len() + 1)
                .filter(|w| &w[..pat.len()] == *pat && w[pat.len()] != b's')
                .count()
        })
        .sum()
}

/// Peak resident memory of this process since the last reset, in MB (Linux).
fn peak_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak (VmHWM) to the current resident size (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// `mesa bench-report`: a year of `cases` demo cases → report PDF and XLSX; then `export`
/// cases → XLSX through the export vs rust_xlsxwriter alone writing the same cells, and the
/// export's peak memory. Runs on temporary databases (the user's data is not touched).
pub fn bench(cases: usize, export_cases: usize, json: bool) -> Result<(), CoreError> {
    let dir = std::env::temp_dir().join(format!("mesa-bench-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|source| CoreError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let result = bench_in(&dir, cases, export_cases);
    let _ = std::fs::remove_dir_all(&dir);
    let r = result?;
    if json {
        return print_json(&r);
    }
    println!("Informe de un año con {} casos:", r["cases"]);
    println!(
        "  indicadores {:.0} ms; PDF {:.0} ms ({} páginas aprox., {} KB); XLSX {:.0} ms ({} KB)",
        r["indicators_ms"].as_f64().unwrap_or(0.0),
        r["pdf_ms"].as_f64().unwrap_or(0.0),
        r["pdf_pages"],
        r["pdf_kb"],
        r["xlsx_ms"].as_f64().unwrap_or(0.0),
        r["xlsx_kb"]
    );
    println!("Exportación de {} casos a XLSX:", r["export_cases"]);
    println!(
        "  exportación {:.0} ms; rust_xlsxwriter solo {:.0} ms; relación {:.2}×",
        r["export_ms"].as_f64().unwrap_or(0.0),
        r["baseline_ms"].as_f64().unwrap_or(0.0),
        r["ratio"].as_f64().unwrap_or(0.0)
    );
    println!(
        "  memoria máxima de la exportación (VmHWM): {:.0} MB",
        r["export_peak_mb"].as_f64().unwrap_or(0.0)
    );
    Ok(())
}

/// Generates `n` demo cases in `dir` in a child process (its memory is not this one's).
fn demo_in_child(dir: &Path, n: usize, seed: u64, now: &str) -> Result<(), CoreError> {
    let exe = std::env::current_exe().map_err(|source| CoreError::Io {
        path: "mesa".into(),
        source,
    })?;
    let status = std::process::Command::new(exe)
        .arg("--data-dir")
        .arg(dir)
        .args(["--now", now, "demo", "--cases"])
        .arg(n.to_string())
        .arg("--seed")
        .arg(seed.to_string())
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|source| CoreError::Io {
            path: "mesa demo".into(),
            source,
        })?;
    if !status.success() {
        return Err(CoreError::validation(
            "bench-report",
            "falló la generación de datos",
        ));
    }
    Ok(())
}

fn bench_in(dir: &Path, cases: usize, export_cases: usize) -> Result<serde_json::Value, CoreError> {
    let now_s = "2026-12-31T18:00";
    let now = mesa_core::clock::parse_time_input("now", now_s)?;
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let year_dir = dir.join("year");
    let export_dir = dir.join("export");
    demo_in_child(&export_dir, export_cases, 11, now_s)?;
    demo_in_child(&year_dir, cases, 7, now_s)?;
    // 1. Export of many cases (measured first, in a process that has done nothing else) vs
    //    rust_xlsxwriter alone writing the same cells.
    let q = TicketQuery::default();
    let big = Store::open(&mesa_core::paths::db_path(&export_dir))?;
    reset_peak();
    let rss_before = peak_mb();
    let out = dir.join("casos.xlsx");
    let t = Instant::now();
    let o = big.export_cases_xlsx(&q, &out, now, |_, _| {})?;
    let export_ms = ms(t);
    let export_peak = peak_mb();
    let rows = mesa_core::tickets::export::collect_case_rows(&big, &q, now)?;
    let plain = dir.join("solo.xlsx");
    let t = Instant::now();
    mesa_core::tickets::export::write_rows_xlsx(&rows, &plain)?;
    let baseline_ms = ms(t);
    // Once more, alternating, keeping the better of two for each (same conditions).
    let t = Instant::now();
    big.export_cases_xlsx(&q, &out, now, |_, _| {})?;
    let export_ms = export_ms.min(ms(t));
    let t = Instant::now();
    mesa_core::tickets::export::write_rows_xlsx(&rows, &plain)?;
    let baseline_ms = baseline_ms.min(ms(t));
    drop(rows);
    drop(big);
    // 2. The annual report of a year of cases.
    let store = Store::open(&mesa_core::paths::db_path(&year_dir))?;
    let year = now.year();
    let period = Period::parse(&format!("{year}-01-01"), &format!("{year}-12-31"))?;
    let t = Instant::now();
    let rep = store.helpdesk_report(period, now)?;
    let indicators_ms = ms(t);
    let t = Instant::now();
    let pdf = store.helpdesk_report_pdf(
        period,
        ReportPdfOptions::default(),
        mesa_core::settings::DEFAULT_ACTOR,
        now,
    )?;
    let pdf_ms = ms(t);
    let pages = count_pages(&pdf);
    let xlsx = dir.join("informe.xlsx");
    let t = Instant::now();
    store.helpdesk_report_xlsx(period, &xlsx, now, |_, _| {})?;
    let xlsx_ms = ms(t);
    let xlsx_kb = std::fs::metadata(&xlsx)
        .map(|m| m.len() / 1024)
        .unwrap_or(0);
    Ok(serde_json::json!({
        "cases": cases,
        "received_in_year": rep.current.received,
        "indicators_ms": indicators_ms,
        "pdf_ms": pdf_ms,
        "pdf_pages": pages,
        "pdf_kb": pdf.len() / 1024,
        "xlsx_ms": xlsx_ms,
        "xlsx_kb": xlsx_kb,
        "export_cases": o.rows,
        "export_ms": export_ms,
        "baseline_ms": baseline_ms,
        "ratio": export_ms / baseline_ms,
        "rss_before_export_mb": rss_before,
        "export_peak_mb": export_peak,
    }))
}

fn management(
    store: &mut Store,
    a: ManagementArgs,
    actor: &str,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    use mesa_core::management::report::{report_periods, ManagementReportTexts};
    if a.periods {
        let list = report_periods(now);
        if json {
            return print_json(&list);
        }
        for p in &list {
            println!("{:<24} --from {} --to {}", p.label, p.from, p.to);
        }
        return Ok(());
    }
    let (Some(from), Some(to)) = (a.from.as_deref(), a.to.as_deref()) else {
        return Err(CoreError::validation("periodo", "indique --from y --to"));
    };
    let period = Period::parse(from, to)?;
    let mut rep = store.management_report(period, now)?;
    if !a.analysis.is_empty() || a.conclusions.is_some() {
        // Start from what the report shows (stored or prefilled texts) and change what is given.
        let mut texts = ManagementReportTexts {
            analysis: rep
                .indicators
                .iter()
                .map(|i| (i.sheet.code.clone(), i.analysis.clone()))
                .collect(),
            conclusions: rep.conclusions.clone(),
        };
        for item in &a.analysis {
            let Some((code, text)) = item.split_once('=') else {
                return Err(CoreError::validation(
                    "--analysis",
                    format!("«{item}» debe tener la forma CÓDIGO=texto (p. ej. IND-01=texto)"),
                ));
            };
            texts
                .analysis
                .insert(code.trim().to_uppercase(), text.to_string());
        }
        if let Some(c) = a.conclusions {
            texts.conclusions = c;
        }
        rep = store.save_management_report(period, &texts, actor, now)?;
    }
    if let Some(p) = &a.pdf {
        write_file(p, &store.management_report_pdf(period, actor, now)?)?;
    }
    if let Some(p) = &a.xlsx {
        write_file(p, &store.management_report_xlsx(period, now)?)?;
    }
    if json {
        return print_json(&rep);
    }
    println!("Informe de gestión — {}", rep.label);
    for i in &rep.indicators {
        println!(
            "  {:<7} {:<55} meta {:<10} resultado {:<14} {}",
            i.sheet.code,
            i.sheet.name,
            i.target_text,
            i.value_text,
            i.light.map(|l| l.label()).unwrap_or("Sin dato")
        );
    }
    if let Some(c) = rep.maintenance.as_ref().filter(|c| c.programmed > 0) {
        println!(
            "  Mantenimiento preventivo: {} de {} ejecutados ({} %)",
            c.executed,
            c.programmed,
            fmt_num(Some(c.pct_executed), 1)
        );
    }
    let high: i64 = rep
        .risks
        .zones
        .iter()
        .filter(|z| {
            matches!(
                z.zone,
                mesa_core::risks::Zone::High | mesa_core::risks::Zone::Extreme
            )
        })
        .map(|z| z.residual)
        .sum();
    println!(
        "  Riesgos en zona alta o extrema (residual): {high} de {}",
        rep.risks.risks.len()
    );
    println!(
        "  Plan de mejoramiento: {} acciones, avance promedio {} %",
        rep.plan.actions,
        fmt_num(Some(rep.plan.average_progress), 1)
    );
    if let Some(at) = &rep.saved_at {
        println!(
            "  Textos guardados el {} por {}",
            DateTime::parse_from_rfc3339(at)
                .map(|t| t.format("%d/%m/%Y %H:%M").to_string())
                .unwrap_or_else(|_| at.clone()),
            rep.saved_by.as_deref().unwrap_or("")
        );
    }
    for p in a.pdf.iter().chain(a.xlsx.iter()) {
        println!("Escrito: {}", p.display());
    }
    Ok(())
}
