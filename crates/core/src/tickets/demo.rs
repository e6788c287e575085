//! Realistic synthetic cases for demos and benchmarks (`mesa demo --cases N`).
//! Deterministic for a given seed. Demo cases are marked with `extra.demo = "sí"` and a `create`
//! event by the actor `demo`; the database is marked with the setting `demo_data = 1` (the app
//! shows a «Datos de demostración» badge; `Store::clear_demo` removes them, see `setup.rs`).

use crate::db::params;
use chrono::{DateTime, Datelike, Duration, Utc};

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
    // Equipment and the year's maintenance plan first (skipped when the database already has
    // equipment): a fixed inventory, independent of `n`.
    let inventory = if store
        .conn
        .query_row("SELECT count(*) = 0 FROM assets", [], |r| r.get(0))?
    {
        generate_equipment(store, seed, actor.unwrap_or("demo"), now)?
    } else {
        Vec::new()
    };
    let mut link_rng = Rng(seed ^ 0x0A55_E7A5);
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
                survey_due_at, description, solution, cancel_reason, asset_tag, extra)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32,
                '{\"demo\":\"sí\"}') RETURNING id",
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
            let asset_tag = linked_tag(&inventory, tname, &mut link_rng);
            let id: i64 = ins.query_row(
                params![
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
                    asset_tag,
                ],
                |r| r.get("id"),
            )?;
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

/// One line of the demo inventory: kind, how many, and the models to choose from
/// (brand, model, serial prefix, CPU, RAM in GB, disk, operating system, value in pesos).
struct DemoModel {
    brand: &'static str,
    model: &'static str,
    serial: &'static str,
    cpu: Option<&'static str>,
    ram_gb: Option<f64>,
    disk: Option<&'static str>,
    os: Option<&'static str>,
    value: f64,
}

const fn m(
    brand: &'static str,
    model: &'static str,
    serial: &'static str,
    value: f64,
) -> DemoModel {
    DemoModel {
        brand,
        model,
        serial,
        cpu: None,
        ram_gb: None,
        disk: None,
        os: None,
        value,
    }
}

/// A computer: (CPU, RAM in GB, disk, operating system) in `spec`.
const fn pc(
    brand: &'static str,
    model: &'static str,
    serial: &'static str,
    spec: (&'static str, f64, &'static str, &'static str),
    value: f64,
) -> DemoModel {
    DemoModel {
        brand,
        model,
        serial,
        cpu: Some(spec.0),
        ram_gb: Some(spec.1),
        disk: Some(spec.2),
        os: Some(spec.3),
        value,
    }
}

const W10: &str = "Windows 10 Pro";
const W11: &str = "Windows 11 Pro";

/// The inventory of a small municipal sports institute: 61 equipment.
const INVENTORY: &[(&str, usize, &[DemoModel])] = &[
    (
        "Computador de escritorio",
        30,
        &[
            pc(
                "Lenovo",
                "ThinkCentre M70s",
                "MJ0",
                ("Intel Core i5-10400", 8.0, "SSD 256 GB", W10),
                3_200_000.0,
            ),
            pc(
                "HP",
                "ProDesk 400 G7",
                "MXL",
                ("Intel Core i5-10500", 8.0, "SSD 512 GB", W11),
                3_450_000.0,
            ),
            pc(
                "Dell",
                "OptiPlex 3080",
                "D3",
                ("Intel Core i3-10100", 4.0, "HDD 1 TB", W10),
                2_600_000.0,
            ),
            pc(
                "Lenovo",
                "ThinkCentre M720s",
                "MJ1",
                ("Intel Core i5-8400", 8.0, "HDD 1 TB", W10),
                2_900_000.0,
            ),
        ],
    ),
    (
        "Portátil",
        8,
        &[
            pc(
                "Lenovo",
                "ThinkPad E14 Gen 2",
                "PF2",
                ("Intel Core i5-1135G7", 16.0, "SSD 512 GB", W11),
                4_100_000.0,
            ),
            pc(
                "HP",
                "ProBook 440 G8",
                "5CD",
                ("Intel Core i5-1135G7", 8.0, "SSD 256 GB", W11),
                3_900_000.0,
            ),
            pc(
                "Dell",
                "Latitude 3420",
                "DL",
                ("Intel Core i5-1145G7", 8.0, "SSD 256 GB", W10),
                3_800_000.0,
            ),
        ],
    ),
    (
        "Impresora",
        5,
        &[
            m("Epson", "EcoTank L6270", "X5E", 1_250_000.0),
            m("HP", "LaserJet Pro M404dn", "PHB", 1_400_000.0),
            m("Kyocera", "Ecosys M2040dn", "VCF", 1_900_000.0),
        ],
    ),
    (
        "Escáner",
        2,
        &[
            m("Epson", "WorkForce DS-530", "X2G", 2_100_000.0),
            m("Fujitsu", "fi-7160", "A20", 3_600_000.0),
        ],
    ),
    (
        "Servidor",
        1,
        &[pc(
            "Dell",
            "PowerEdge T340",
            "SV",
            (
                "Intel Xeon E-2224",
                32.0,
                "2 × HDD 2 TB (RAID 1)",
                "Windows Server 2019 Standard",
            ),
            14_500_000.0,
        )],
    ),
    (
        "Switch",
        3,
        &[
            m("Cisco", "CBS250-24T-4G", "FOC", 1_700_000.0),
            m("TP-Link", "TL-SG3428", "TPL", 1_100_000.0),
        ],
    ),
    (
        "Firewall",
        1,
        &[m("Fortinet", "FortiGate 40F", "FGT40F", 2_800_000.0)],
    ),
    (
        "UPS",
        4,
        &[
            m("APC", "Smart-UPS SMT1500", "AS1", 2_300_000.0),
            m("CDP", "UPO11-1 AX", "CDP", 1_300_000.0),
        ],
    ),
    (
        "Teléfono IP",
        6,
        &[
            m("Grandstream", "GXP1625", "GS", 280_000.0),
            m("Yealink", "SIP-T31P", "YL", 260_000.0),
        ],
    ),
    (
        "Video beam",
        1,
        &[m("Epson", "PowerLite X49", "X4Q", 2_400_000.0)],
    ),
];

const SUPPLIERS: &[&str] = &[
    "Tecnoservicios del Cesar S.A.S.",
    "Compuredes Valledupar Ltda.",
    "Colombia Compra Eficiente (Acuerdo Marco)",
];

/// The office's form of the `i`-th demo placa: `IND-0001`.
fn demo_tag(i: usize) -> String {
    format!("IND-{i:04}")
}

fn serial(rng: &mut Rng, prefix: &str) -> String {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
    let rest: String = (0..(10 - prefix.len().min(6)))
        .map(|_| ALNUM[rng.below(ALNUM.len() as u64) as usize] as char)
        .collect();
    format!("{prefix}{rest}")
}

/// Creates the demo inventory (peripherals on a few computers, two equipment retired with
/// their approved concepto de baja) and the maintenance plan of the current year with its
/// logs for the months already past: most on time, some late, one still pending. Returns the
/// active equipment as (kind, placa as the office writes it), for the cases to link to.
fn generate_equipment(
    store: &mut Store,
    seed: u64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(&'static str, String)>> {
    use crate::assets::{
        AssetStatus, NewAsset, NewDecommissionConcept, NewPeripheral, DECOMMISSION_CAUSES,
    };
    use crate::maintenance::{Frequency, NewLog, NewPlanItem, PlanTarget, INFRA_AREAS};

    let mut rng = Rng(seed ^ 0x1D0_0E9);
    let cats = store.catalogs()?;
    let staff: Vec<String> = cats.staff.iter().map(|s| s.name.clone()).collect();
    let deps = cats.departments.clone();
    let technician = staff.first().cloned().unwrap_or_else(|| actor.to_string());
    let engineer = cats
        .staff
        .iter()
        .find(|s| s.level >= 2)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| technician.clone());
    let this_year = to_local(now).year();
    let mut records = Vec::new();
    let mut kinds = Vec::new();
    for (kind, count, models) in INVENTORY {
        for _ in 0..*count {
            let i = records.len() + 1;
            let md = rng.pick(models);
            let year = this_year - 1 - rng.below(7) as i32;
            let acquired = format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
            let warranty = format!("{}-{}", year + 3, &acquired[5..]);
            let person = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
            let shared = matches!(
                *kind,
                "Servidor" | "Switch" | "Firewall" | "UPS" | "Video beam" | "Escáner"
            );
            let (department, custodian) = if shared {
                (
                    deps.iter()
                        .find(|d| crate::text::fold(d).contains("sistemas"))
                        .or(deps.first())
                        .cloned(),
                    Some(technician.clone()),
                )
            } else {
                (Some(rng.pick(&deps).clone()), Some(person))
            };
            let networked = !matches!(*kind, "UPS" | "Video beam" | "Escáner");
            let status = match rng.below(20) {
                0..=13 => AssetStatus::Good,
                14..=17 => AssetStatus::Fair,
                _ => AssetStatus::Poor,
            };
            let mut extra = std::collections::BTreeMap::new();
            extra.insert("demo".to_string(), "sí".to_string());
            records.push(NewAsset {
                tag: demo_tag(i),
                kind: kind.to_string(),
                brand: Some(md.brand.into()),
                model: Some(md.model.into()),
                serial: Some(serial(&mut rng, md.serial)),
                cpu: md.cpu.map(Into::into),
                ram_gb: md.ram_gb,
                disk: md.disk.map(Into::into),
                os: md.os.map(Into::into),
                os_license: md.os.map(|_| "OEM".to_string()),
                office_license: md
                    .os
                    .filter(|_| *kind != "Servidor")
                    .map(|_| "Microsoft 365 Empresa Básico".to_string()),
                hostname: match *kind {
                    "Computador de escritorio" => Some(format!("IND-PC{i:03}")),
                    "Portátil" => Some(format!("IND-PT{i:03}")),
                    "Servidor" => Some("IND-SRV01".to_string()),
                    _ => None,
                },
                ip: networked.then(|| format!("192.168.10.{}", 20 + i)),
                mac: networked.then(|| {
                    format!(
                        "00:1A:{:02X}:{:02X}:{:02X}:{:02X}",
                        rng.below(256),
                        rng.below(256),
                        rng.below(256),
                        i
                    )
                }),
                department,
                location: Some(format!(
                    "Sede administrativa, piso {}, oficina {}",
                    1 + rng.below(3),
                    100 + rng.below(30)
                )),
                custodian,
                acquired_on: Some(acquired),
                supplier: Some(rng.pick(SUPPLIERS).to_string()),
                value: Some(md.value),
                warranty_until: Some(warranty),
                status: Some(status),
                notes: None,
                source: None,
                extra,
            });
            kinds.push(*kind);
        }
    }
    store.import_assets(&records, None, actor, now)?;

    // Peripherals on a few desktops.
    for (n, i) in [1usize, 2, 5, 9].into_iter().enumerate() {
        let monitor = NewPeripheral {
            kind: "Monitor".into(),
            brand: Some(["Lenovo", "HP", "Samsung", "LG"][n].into()),
            model: Some(["ThinkVision E22-28", "P22v G5", "S24R350", "22MK430H"][n].into()),
            serial: Some(serial(&mut rng, "MON")),
            tag: None,
        };
        store.attach_peripheral(&demo_tag(i), &monitor, actor, now)?;
        if n % 2 == 0 {
            let kit = NewPeripheral {
                kind: "Teclado y mouse".into(),
                brand: Some("Logitech".into()),
                model: Some("MK270".into()),
                serial: Some(serial(&mut rng, "LGT")),
                tag: None,
            };
            store.attach_peripheral(&demo_tag(i), &kit, actor, now)?;
        }
    }

    // Two old equipment retired with an approved concept.
    let retired = [
        kinds.iter().position(|k| *k == "Impresora").map(|p| p + 1),
        Some(30),
    ];
    for (n, i) in retired.into_iter().flatten().enumerate() {
        let c = store.create_decommission_concept(
            &demo_tag(i),
            &NewDecommissionConcept {
                diagnosis: [
                    "El mecanismo de arrastre de papel está fracturado y la tarjeta lógica no responde.",
                    "La board presenta daño por sobretensión; el procesador no es compatible con el sistema operativo vigente.",
                ][n % 2]
                    .into(),
                cause: DECOMMISSION_CAUSES[n % DECOMMISSION_CAUSES.len()].into(),
                recommendation: "Dar de baja y reemplazar por un equipo nuevo.".into(),
                destination: "Entrega al almacén para disposición final como RAEE.".into(),
                technician: Some(technician.clone()),
                engineer: Some(engineer.clone()),
                concept_date: None,
            },
            actor,
            now,
        )?;
        store.approve_decommission(&c.number, Some(&engineer), &engineer, None, actor, now)?;
    }

    // The maintenance plan of the year.
    let year = i64::from(this_year);
    if store.plan_years()?.contains(&year) {
        return Ok(active_inventory(&kinds, &retired));
    }
    store.create_plan(year, None, actor, now)?;
    // `Store::clear_demo` removes this plan with the demo data.
    store.session_write(|tx| {
        tx.execute(
            "INSERT INTO settings(key, value) VALUES ('demo_plan_year', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [year.to_string()],
        )
    })?;
    let server = kinds.iter().position(|k| *k == "Servidor").map(|p| p + 1);
    let group = |kind: &str| PlanTarget::Group {
        kind: Some(kind.into()),
        department: None,
    };
    let items = [
        (
            group("UPS"),
            "Mantenimiento preventivo de UPS y prueba de autonomía",
            Frequency::Quarterly,
            1,
        ),
        (
            PlanTarget::Area {
                area: INFRA_AREAS[5].into(),
            },
            "Revisión de cuentas, cuotas de buzón y copias del directorio",
            Frequency::Monthly,
            1,
        ),
        (
            group("Impresora"),
            "Limpieza de cabezales, rodillos y revisión de consumibles",
            Frequency::Quarterly,
            2,
        ),
        (
            group("Computador de escritorio"),
            "Limpieza interna, actualización de sistema y antivirus",
            Frequency::Semiannual,
            3,
        ),
        (
            group("Portátil"),
            "Limpieza, revisión de batería y actualización de sistema",
            Frequency::Semiannual,
            4,
        ),
        (
            group("Switch"),
            "Revisión de puertos, firmware y organización del rack",
            Frequency::Semiannual,
            5,
        ),
    ];
    let mut targets: Vec<_> = items.into_iter().collect();
    if let Some(s) = server {
        targets.insert(
            1,
            (
                PlanTarget::Asset { tag: demo_tag(s) },
                "Verificación de copias de seguridad, discos y registros del servidor",
                Frequency::Monthly,
                1,
            ),
        );
    }
    for (target, activity, frequency, start_month) in targets {
        store.add_plan_item(
            year,
            &NewPlanItem {
                target,
                activity: activity.into(),
                checklist: vec![
                    "Limpieza física".into(),
                    "Revisión de funcionamiento".into(),
                    "Registro de hallazgos".into(),
                ],
                frequency,
                start_month,
                responsible: technician.clone(),
            },
            now,
        )?;
    }
    // Logs for the months already past: on time, some late (the next month), the last one
    // still pending.
    let today = to_local(now).date();
    let current = today.month();
    let grid = store.cronograma(year, now)?;
    let mut past: Vec<(u32, i64)> = grid
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter_map(|c| {
            let month = u32::try_from(c.month).ok()?;
            (month < current).then_some((month, c.occurrence_id?))
        })
        .collect();
    past.sort();
    past.pop(); // one pending
    for (k, (month, occurrence)) in past.into_iter().enumerate() {
        let late = k % 3 == 1 && month + 1 < current;
        let (m, day) = if late {
            (month + 1, 3 + (k as u32 % 10))
        } else {
            (month, 8 + (k as u32 * 5 % 18))
        };
        store.create_log(
            &NewLog {
                occurrence_id: Some(occurrence),
                performed_on: Some(format!("{this_year}-{m:02}-{day:02}")),
                performed_by: Some(technician.clone()),
                findings: Some(
                    [
                        "Sin novedades.",
                        "Se encontró acumulación de polvo; se limpió.",
                        "Se recomienda cambiar la batería en la próxima vigencia.",
                    ][k % 3]
                        .into(),
                ),
                ..Default::default()
            },
            actor,
            now,
        )?;
    }
    Ok(active_inventory(&kinds, &retired))
}

fn active_inventory(
    kinds: &[&'static str],
    retired: &[Option<usize>],
) -> Vec<(&'static str, String)> {
    kinds
        .iter()
        .enumerate()
        .map(|(p, k)| (p + 1, *k))
        .filter(|(i, _)| !retired.contains(&Some(*i)))
        .map(|(i, k)| (k, demo_tag(i)))
        .collect()
}

/// The placa a demo case of service type `service` refers to, if any (most equipment cases).
fn linked_tag(
    inventory: &[(&'static str, String)],
    service: &str,
    rng: &mut Rng,
) -> Option<String> {
    let kinds: &[&str] = match service {
        "Mantenimiento de equipos de cómputo" => &["Computador de escritorio", "Portátil"],
        "Administración de telefonía IP" => &["Teléfono IP"],
        "Apoyo para alistamiento de equipos en reuniones" => &["Video beam", "Portátil"],
        _ => return None,
    };
    if inventory.is_empty() || rng.below(10) >= 7 {
        return None;
    }
    let candidates: Vec<&String> = inventory
        .iter()
        .filter(|(k, _)| kinds.contains(k))
        .map(|(_, t)| t)
        .collect();
    (!candidates.is_empty()).then(|| rng.pick(&candidates).to_string())
}
