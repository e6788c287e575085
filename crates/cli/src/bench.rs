//! `mesa bench`: measures the case list, full-text search, dashboard and SLA recomputation on
//! the data currently in the store (load it first with `mesa demo --cases 200000`).

use std::time::Instant;

use chrono::{DateTime, Utc};
use mesa_core::{CoreError, Store, TicketQuery, TicketStatus};

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 * 0.95).ceil() as usize)
        .saturating_sub(1)
        .min(v.len() - 1)]
}

fn time<T>(f: impl FnOnce() -> Result<T, CoreError>) -> Result<(f64, T), CoreError> {
    let t = Instant::now();
    let r = f()?;
    Ok((t.elapsed().as_secs_f64() * 1000.0, r))
}

/// What the app does before its first screen has data: open (and migrate) the database, then
/// on a reader the setup status, catalogs, dashboard and first list page. Then, apart, the
/// integrity check that now runs in the background. Returns (first screen, check) in ms.
fn startup(path: &std::path::Path, now: DateTime<Utc>) -> Result<(f64, f64), CoreError> {
    let t = Instant::now();
    let writer = Store::open(path)?;
    let pool = mesa_core::ReadPool::new(path);
    pool.read(|r| {
        r.setup_status()?;
        r.catalogs()?;
        r.dashboard(now)?;
        r.list_tickets(
            &TicketQuery {
                limit: 100,
                ..Default::default()
            },
            now,
        )
    })?;
    let first = t.elapsed().as_secs_f64() * 1000.0;
    let (check, ()) = time(|| writer.health_check())?;
    Ok((first, check))
}

pub fn run(
    store: &mut Store,
    now: DateTime<Utc>,
    runs: usize,
    json: bool,
    verbose: bool,
) -> Result<(), CoreError> {
    let runs = runs.max(20);
    let start = match store.path().map(|p| p.to_path_buf()) {
        Some(p) => Some(startup(&p, now)?),
        None => None,
    };
    let total = store
        .list_tickets(
            &TicketQuery {
                limit: 1,
                ..Default::default()
            },
            now,
        )?
        .total;
    let cats = store.catalogs()?;
    let deps = cats.departments.clone();
    let sorts = [
        "received_at",
        "number",
        "requester",
        "resolution_due_at",
        "status",
    ];
    let mut list = Vec::new();
    for i in 0..runs {
        let q = TicketQuery {
            status: Some(
                [
                    TicketStatus::InProgress,
                    TicketStatus::Closed,
                    TicketStatus::New,
                ][i % 3],
            ),
            department: (i % 2 == 0).then(|| deps[i % deps.len()].clone()),
            overdue: (i % 5 == 0).then_some(true),
            sort: Some(sorts[i % sorts.len()].to_string()),
            desc: i % 2 == 0,
            limit: 100,
            offset: ((i % 4) * 100) as i64,
            ..Default::default()
        };
        let ms = time(|| store.list_tickets(&q, now))?.0;
        if verbose {
            eprintln!(
                "lista {ms:8.2} ms  {:?} dep={:?} vencidos={:?} orden={:?} desc={} desde={}",
                q.status, q.department, q.overdue, q.sort, q.desc, q.offset
            );
        }
        list.push(ms);
    }
    let terms = [
        "correo",
        "impresora",
        "Gutiérrez",
        "contraseña",
        "video beam",
        "MA-2026",
        "lento reinicia",
        "Ospino",
        "publicar resolución",
        "extensión",
    ];
    let mut search = Vec::new();
    for i in 0..runs {
        let q = TicketQuery {
            search: Some(terms[i % terms.len()].to_string()),
            limit: 100,
            ..Default::default()
        };
        let ms = time(|| store.list_tickets(&q, now))?.0;
        if verbose {
            eprintln!("búsqueda {ms:8.2} ms  {:?}", q.search);
        }
        search.push(ms);
    }
    let mut dash = Vec::new();
    for _ in 0..(runs / 4).max(5) {
        dash.push(time(|| store.dashboard(now))?.0);
    }
    let (recompute_ms, n) = time(|| store.recompute_all_deadlines())?;
    let (list_p95, search_p95, dash_p95) = (p95(list), p95(search), p95(dash));
    let (first_screen_ms, quick_check_ms) = start.unwrap_or_default();
    if json {
        println!(
            "{}",
            serde_json::json!({
                "cases": total,
                "first_screen_ms": first_screen_ms,
                "quick_check_ms": quick_check_ms,
                "list_page_p95_ms": list_p95,
                "search_p95_ms": search_p95,
                "dashboard_p95_ms": dash_p95,
                "recompute_all_ms": recompute_ms,
                "recomputed": n,
            })
        );
    } else {
        println!("Casos en la base: {total}");
        println!(
            "Arranque: primera pantalla               {first_screen_ms:8.0} ms  (meta < 1000 ms; \
             abrir, leer ajustes, catálogos, inicio y la lista)"
        );
        println!(
            "Verificación de integridad (segundo plano) {quick_check_ms:6.0} ms  (antes se esperaba \
             antes de mostrar la ventana)"
        );
        println!("Página de lista con filtros y orden  p95 {list_p95:8.2} ms  (meta < 10 ms)");
        println!("Búsqueda de texto (FTS5)             p95 {search_p95:8.2} ms  (meta < 30 ms)");
        println!("Contadores del inicio                p95 {dash_p95:8.2} ms  (meta < 50 ms)");
        println!(
            "Recalcular vencimientos de {n} casos     {recompute_ms:8.0} ms  (meta < 2000 ms)"
        );
    }
    Ok(())
}

/// `mesa bench-register`: `cases` cases registered one by one through `create_ticket` (each
/// its own write transaction, "now" from `Store::clock_now`: the server's clock on PostgreSQL),
/// timing each. Several of these at once against one server is the concurrency test of issue 17
/// (`crates/cli/tests/suite/pg_concurrency.rs`) and the «registering a case with 4 concurrent
/// writers» benchmark.
pub fn register(store: &mut Store, actor: &str, cases: usize, json: bool) -> Result<(), CoreError> {
    let mut ms = Vec::with_capacity(cases);
    let mut first = None;
    let mut last = None;
    let started = Instant::now();
    for k in 0..cases {
        let input = mesa_core::NewTicket {
            requester: format!("{actor} solicitante {}", k + 1),
            department: "Sistemas".into(),
            description: format!("Caso {} registrado por {actor}", k + 1),
            channel: Some("telefono".into()),
            ..Default::default()
        };
        let t = Instant::now();
        let now = store.clock_now()?;
        let ticket = store.create_ticket(&input, actor, now)?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        first.get_or_insert(ticket.number.clone());
        last = Some(ticket.number);
    }
    let total = started.elapsed().as_secs_f64();
    let p95_ms = if ms.is_empty() { 0.0 } else { p95(ms.clone()) };
    let max_ms = ms.iter().cloned().fold(0.0, f64::max);
    if json {
        crate::print_json(&serde_json::json!({
            "engine": format!("{:?}", store.engine()).to_lowercase(),
            "cases": cases,
            "seconds": total,
            "p95_ms": p95_ms,
            "max_ms": max_ms,
            "first": first,
            "last": last,
        }))
    } else {
        println!(
            "{cases} casos registrados en {total:.1} s: p95 {p95_ms:.1} ms, máximo {max_ms:.1} ms \
             (del {} al {})",
            first.as_deref().unwrap_or("-"),
            last.as_deref().unwrap_or("-")
        );
        Ok(())
    }
}
