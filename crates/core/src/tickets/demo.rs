//! Realistic synthetic cases for demos and benchmarks (`mesa demo --cases N`).
//! Deterministic for a given seed. Demo cases are marked with `extra.demo = "sí"` and a `create`
//! event by the actor `demo`; the database is marked with the setting `demo_data = 1` (the app
//! shows a «Datos de demostración» badge; `Store::clear_demo` removes them, see `setup.rs`).

use chrono::{DateTime, Datelike, Duration, Utc};
use rusqlite::params;

use crate::clock::{from_local, to_db, to_local};
use crate::error::Result;
use crate::store::Store;
use crate::tickets::add_event;

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "María", "José", "Luis", "Ana", "Carlos", "Luz", "Jorge", "Martha", "Andrés", "Diana", "Julio",
    "Yolanda", "Rafael", "Sandra", "Álvaro", "Patricia", "Hernán", "Claudia", "Édgar", "Nubia",
];
const LAST: &[&str] = &[
    "Gutiérrez",
    "Mendoza",
    "Ospino",
    "Maestre",
    "Daza",
    "Araújo",
    "Quintero",
    "Peñaloza",
    "Castro",
    "Zuleta",
    "Oñate",
    "Fuentes",
    "Romero",
    "Pumarejo",
    "Cuello",
    "Baquero",
    "Martínez",
    "Orozco",
];
const PROBLEMS: &[(&str, &str)] = &[
    (
        "Mantenimiento de equipos de cómputo",
        "El computador no enciende después del corte de energía",
    ),
    (
        "Mantenimiento de equipos de cómputo",
        "El equipo está muy lento y se reinicia solo",
    ),
    (
        "Administración de telefonía IP",
        "La extensión no tiene tono y no recibe llamadas",
    ),
    (
        "Administración de correo electrónico institucional",
        "No puedo ingresar al correo institucional, dice contraseña incorrecta",
    ),
    (
        "Administración de correo electrónico institucional",
        "El buzón está lleno y no llegan los correos",
    ),
    (
        "Publicación de archivo a sitio web",
        "Publicar en la página web la resolución de inscripciones a escuelas deportivas",
    ),
    (
        "Actualización y soporte de aplicativos área financiera",
        "El aplicativo financiero no genera el reporte de causaciones",
    ),
    (
        "Atención a solicitudes de equipos de cómputo",
        "Se requiere un equipo para el nuevo contratista de recreación",
    ),
    (
        "Concepto técnico para dar de baja equipos",
        "Concepto técnico para dar de baja impresora dañada del almacén",
    ),
    (
        "Apoyo para alistamiento de equipos en reuniones",
        "Alistar video beam y portátil para reunión de junta directiva",
    ),
];
const SOLUTIONS: &[&str] = &[
    "Se cambió la fuente de poder y se verificó el encendido",
    "Se restableció la contraseña y se configuró el cliente de correo",
    "Se reconfiguró el teléfono IP en la central",
    "Se publicó el documento y se envió el enlace al solicitante",
    "Se limpiaron archivos temporales y se actualizó el antivirus",
];

/// Creates `n` demo cases received over the last year up to `now` and sets `demo_data = 1`.
/// One transaction.
pub fn generate(store: &mut Store, n: usize, seed: u64, now: DateTime<Utc>) -> Result<usize> {
    generate_by(store, n, seed, None, now)
}

/// [`generate`], audited as `actor` (None: the session's author, e.g. `mesa demo --as`).
pub fn generate_by(
    store: &mut Store,
    n: usize,
    seed: u64,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut rng = Rng(seed);
    let cats = store.catalogs()?;
    let staff: Vec<String> = cats.staff.iter().map(|s| s.name.clone()).collect();
    let types = cats.service_types.clone();
    let deps = cats.departments.clone();
    let prefix = store
        .setting("ticket_prefix")?
        .unwrap_or_else(|| "MA".into());
    let survey_days = store.setting_i64("survey_business_days", 2)?.max(0) as u32;
    let span_minutes = 365 * 24 * 60;
    // received times, sorted so that numbers follow registration order
    let mut received: Vec<DateTime<Utc>> = (0..n)
        .map(|_| {
            let mut t = now - Duration::minutes(rng.below(span_minutes) as i64);
            // mostly office hours
            let local = to_local(t);
            if rng.below(10) < 8 {
                let h = 8 + rng.below(10) as u32;
                if let Some(l) = local.date().and_hms_opt(h, rng.below(60) as u32, 0) {
                    t = from_local(l).min(now);
                }
            }
            t
        })
        .collect();
    received.sort();
    let cal = store.calendar.clone();
    let tx = match actor {
        Some(a) => crate::store::write_tx(&mut store.conn, &store.audit, a, now)?,
        None => crate::store::session_write_tx(&mut store.conn, &store.audit)?,
    };
    {
        let mut ins = tx.prepare(
            "INSERT INTO tickets(number, year, seq, received_at, registered_at, requester, department,
                location, phone, email, channel, origin, service_type, level, urgency, impact, priority,
                assignee, status, response_minutes, resolution_minutes, response_due_at,
                resolution_due_at, first_response_at, resolved_at, closed_at, close_reason,
                survey_due_at, description, solution, cancel_reason, extra)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, '{\"demo\":\"sí\"}')",
        )?;
        let mut survey = tx.prepare(
            "INSERT INTO surveys(ticket_id, answered_at, scores, comment) VALUES (?1, ?2, ?3, NULL)",
        )?;
        for rec in received {
            let reg = rec + Duration::minutes(5 + rng.below(240) as i64);
            let reg = reg.min(now).max(rec);
            let year = to_local(reg).year();
            let (number, seq) = super::allocate_number(&tx, &prefix, year)?;
            let (tname, problem) = *rng.pick(PROBLEMS);
            let st = types.iter().find(|t| t.name == tname).unwrap_or(&types[0]);
            let requester = format!("{} {} {}", rng.pick(FIRST), rng.pick(LAST), rng.pick(LAST));
            let dep = rng.pick(&deps).clone();
            let urgency = 1 + rng.below(3) as i64;
            let impact = 1 + rng.below(3) as i64;
            let priority =
                ["baja", "baja", "media", "alta", "urgente"][(urgency + impact - 2) as usize];
            let (resp_due, resol_due) = {
                let start = to_local(rec);
                let d = |m: i64| cal.deadline_with_pauses(start, m, &[]).map(from_local);
                (d(st.response_minutes), d(st.resolution_minutes))
            };
            let age_days = (now - rec).num_days();
            // older cases are mostly finished
            let roll = rng.below(100);
            let status = if age_days > 10 {
                if roll < 3 {
                    "cancelled"
                } else if roll < 6 {
                    "resolved"
                } else {
                    "closed"
                }
            } else if roll < 20 {
                "new"
            } else if roll < 40 {
                "assigned"
            } else if roll < 60 {
                "in_progress"
            } else if roll < 80 {
                "resolved"
            } else {
                "closed"
            };
            let assignee = (status != "new").then(|| {
                st.default_assignee
                    .clone()
                    .unwrap_or_else(|| rng.pick(&staff).clone())
            });
            let attended = !matches!(status, "new" | "assigned");
            // attention starts once the case is registered
            let first =
                attended.then(|| (reg + Duration::minutes(10 + rng.below(900) as i64)).min(now));
            let done = matches!(status, "resolved" | "closed");
            let resolved = done.then(|| {
                (first.unwrap_or(rec) + Duration::minutes(30 + rng.below(4000) as i64)).min(now)
            });
            let survey_due =
                resolved.map(|r| from_local(cal.add_business_days(to_local(r), survey_days)));
            let (closed, reason) = if status == "closed" {
                let r = resolved.unwrap_or(now);
                match survey_due {
                    // auto-closed only once the survey window is over
                    Some(d) if d <= now && rng.below(3) == 0 => (Some(d), Some("auto")),
                    _ => (
                        Some((r + Duration::minutes(60 + rng.below(600) as i64)).min(now)),
                        Some("survey"),
                    ),
                }
            } else {
                (None, None)
            };
            let solution = done.then(|| rng.pick(SOLUTIONS).to_string());
            let cancel_reason = (status == "cancelled").then(|| {
                rng.pick(&["Solicitud duplicada", "No corresponde a la mesa de ayuda"])
                    .to_string()
            });
            let email = format!(
                "{}.{}@indupalvalledupar.gov.co",
                crate::text::fold(requester.split(' ').next().unwrap_or("x")),
                crate::text::fold(requester.split(' ').nth(1).unwrap_or("y"))
            );
            ins.execute(params![
                number,
                year,
                seq,
                to_db(rec),
                to_db(reg),
                requester,
                dep,
                format!("Piso {}, oficina {}", 1 + rng.below(3), 100 + rng.below(30)),
                format!("Ext. {}", 100 + rng.below(80)),
                email,
                *rng.pick(&["correo", "correo", "correo", "teléfono", "presencial"]),
                if rng.below(10) == 0 {
                    "externa"
                } else {
                    "interna"
                },
                st.name,
                st.default_level,
                urgency,
                impact,
                priority,
                assignee,
                status,
                st.response_minutes,
                st.resolution_minutes,
                resp_due.map(to_db),
                resol_due.map(to_db),
                first.map(to_db),
                resolved.map(to_db),
                closed.map(to_db),
                reason,
                survey_due.map(to_db),
                problem,
                solution,
                cancel_reason,
            ])?;
            let id = tx.last_insert_rowid();
            add_event(
                &tx,
                id,
                &to_db(reg),
                "demo",
                "create",
                None,
                None,
                Some(&number),
                Some("dato de demostración"),
            )?;
            if reason == Some("survey") {
                let s: Vec<i64> = (0..cats.survey_questions.len())
                    .map(|_| 3 + rng.below(3) as i64)
                    .collect();
                survey.execute(params![id, closed.map(to_db), serde_json::to_string(&s)?])?;
            }
        }
    }
    tx.execute(
        "INSERT INTO settings(key, value) VALUES ('demo_data', '1')
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [],
    )?;
    tx.commit()?;
    Ok(n)
}
