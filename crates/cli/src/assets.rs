//! `mesa asset …`, `mesa plan …`, `mesa log …`, `mesa cronograma`: equipment and their life
//! records, decommissioning, preventive maintenance plans, logs (bitácoras) and documents.

use crate::attachments::AttachOp;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use mesa_core::assets::{
    AssetMove, AssetQuery, AssetStatus, NewAsset, NewAssetEvent, NewDecommissionConcept,
    NewPeripheral,
};
use mesa_core::maintenance::{
    ChecklistResult, Frequency, LogQuery, NewLog, NewPlanItem, PlanTarget,
};
use mesa_core::{CoreError, Store};

use crate::print_json;

use crate::write_file;

fn parse_status(s: &str) -> Result<AssetStatus, CoreError> {
    AssetStatus::parse(s).ok_or_else(|| {
        CoreError::validation(
            "--status",
            format!("«{s}» no es un estado; use good, fair, poor, in_repair o decommissioned (o bueno, regular, malo, en reparación)"),
        )
    })
}

#[derive(Args, Default)]
pub struct AssetFields {
    #[arg(long)]
    brand: Option<String>,
    #[arg(long)]
    model: Option<String>,
    #[arg(long)]
    serial: Option<String>,
    #[arg(long)]
    cpu: Option<String>,
    #[arg(long)]
    ram_gb: Option<f64>,
    #[arg(long)]
    disk: Option<String>,
    #[arg(long)]
    os: Option<String>,
    #[arg(long)]
    os_license: Option<String>,
    #[arg(long)]
    office_license: Option<String>,
    #[arg(long)]
    hostname: Option<String>,
    #[arg(long)]
    ip: Option<String>,
    #[arg(long)]
    mac: Option<String>,
    #[arg(long)]
    department: Option<String>,
    #[arg(long)]
    location: Option<String>,
    /// Responsable (funcionario).
    #[arg(long)]
    custodian: Option<String>,
    /// AAAA-MM-DD o solo el año AAAA.
    #[arg(long)]
    acquired_on: Option<String>,
    #[arg(long)]
    supplier: Option<String>,
    #[arg(long)]
    value: Option<f64>,
    #[arg(long)]
    warranty_until: Option<String>,
    /// good, fair, poor, in_repair (o bueno, regular, malo, en reparación).
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

#[derive(Subcommand)]
pub enum AssetCmd {
    /// Registra un equipo.
    New {
        /// Placa (se normaliza: ind-0123 → IND0123).
        #[arg(long)]
        tag: String,
        /// Tipo: computador de escritorio, portátil, impresora, UPS, switch…
        #[arg(long)]
        kind: String,
        #[command(flatten)]
        fields: AssetFields,
    },
    /// Lista equipos (sin los dados de baja, salvo --all o --status decommissioned).
    List {
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        all: bool,
    },
    /// Hoja de vida: datos, periféricos, historia, casos y conceptos de baja.
    Show { tag: String },
    /// Corrige datos del equipo (cada cambio queda en la historia).
    Edit {
        tag: String,
        #[arg(long)]
        kind: Option<String>,
        #[command(flatten)]
        fields: AssetFields,
    },
    /// Traslado (dependencia/ubicación) y/o cambio de responsable.
    Move {
        tag: String,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        location: Option<String>,
        #[arg(long)]
        custodian: Option<String>,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Agrega a la historia: preventive, corrective, upgrade, status o note.
    Event {
        tag: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        part: Option<String>,
        #[arg(long)]
        part_serial: Option<String>,
        #[arg(long)]
        ticket: Option<String>,
        #[arg(long)]
        status: Option<String>,
    },
    /// Conecta un periférico (monitor, teclado, mouse…) al equipo.
    Attach {
        tag: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        brand: Option<String>,
        #[arg(long)]
        model: Option<String>,
        #[arg(long)]
        serial: Option<String>,
        #[arg(long = "peripheral-tag")]
        peripheral_tag: Option<String>,
    },
    /// Retira un periférico del equipo (el número es el «id» de `mesa asset show --json`).
    Detach {
        tag: String,
        #[arg(long)]
        peripheral: i64,
        /// Por qué se retira: dañado, trasladado, devuelto…
        #[arg(long)]
        reason: String,
    },
    /// Concepto técnico de baja: lo elabora, o con --approve aprueba el borrador pendiente
    /// (el equipo queda dado de baja). --pdf escribe el concepto en PDF.
    Decommission {
        tag: String,
        #[arg(long)]
        diagnosis: Option<String>,
        /// Obsolescencia tecnológica, daño irreparable, reparación más costosa que el valor…
        #[arg(long)]
        cause: Option<String>,
        #[arg(long)]
        recommendation: Option<String>,
        #[arg(long)]
        destination: Option<String>,
        /// Revisó (ingeniero).
        #[arg(long)]
        engineer: Option<String>,
        #[arg(long)]
        date: Option<String>,
        /// Aprueba el concepto pendiente del equipo.
        #[arg(long)]
        approve: bool,
        /// Aprobó (con --approve).
        #[arg(long = "by")]
        approver: Option<String>,
        /// Separación de funciones: por qué aprueba quien elaboró el concepto (solo en una
        /// oficina con una sola cuenta activa).
        #[arg(long)]
        justification: Option<String>,
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Hoja de vida en PDF.
    Sheet {
        tag: String,
        #[arg(long)]
        pdf: PathBuf,
    },
    /// Inventario completo en XLSX.
    Inventory {
        #[arg(long)]
        xlsx: PathBuf,
    },
    /// Adjunta un archivo al equipo (factura, foto, acta…).
    AttachFile { tag: String, file: PathBuf },
    /// Lista los adjuntos del equipo (también los quitados, marcados).
    Attachments { tag: String },
    /// Quita un adjunto del equipo con un motivo.
    DetachFile {
        tag: String,
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Guarda una copia de un adjunto del equipo en DEST.
    AttachmentSave { tag: String, id: i64, dest: PathBuf },
    /// Marca un adjunto de imagen (PNG o JPEG) como la foto del equipo (hoja de vida).
    Photo { tag: String, id: i64 },
}

#[derive(Subcommand)]
pub enum PlanCmd {
    /// Crea el plan de mantenimiento de una vigencia.
    New {
        #[arg(long)]
        year: i64,
        #[arg(long)]
        name: Option<String>,
    },
    /// Agrega una actividad al plan (un equipo, un grupo o un área) y genera sus fechas.
    Item {
        #[arg(long)]
        year: i64,
        /// Placa de un equipo.
        #[arg(long)]
        asset: Option<String>,
        /// Grupo: tipo de equipo (p. ej. UPS).
        #[arg(long)]
        group_kind: Option<String>,
        /// Grupo: dependencia.
        #[arg(long)]
        group_department: Option<String>,
        /// Área: refrigeración, UPS y respaldo eléctrico, redes y comunicaciones, telefonía IP,
        /// sistemas de seguridad, correo institucional y directorio activo.
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        activity: String,
        /// Lista de chequeo separada por «;».
        #[arg(long)]
        checklist: Option<String>,
        /// mensual, bimestral, trimestral, semestral o anual.
        #[arg(long)]
        frequency: String,
        #[arg(long)]
        start_month: i64,
        #[arg(long)]
        responsible: String,
    },
    /// Genera las fechas programadas que falten (idempotente).
    Generate {
        #[arg(long)]
        year: i64,
    },
    /// Muestra el plan como cronograma (P/E por mes) y el cumplimiento.
    List {
        #[arg(long)]
        year: i64,
    },
    /// Mantenimientos de la semana y vencidos.
    Due,
}

// Parsed once per run: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum LogCmd {
    /// Registra una bitácora: de una actividad programada (--occurrence, o --year --item
    /// --month) o general (--asset / --area).
    New {
        #[arg(long)]
        occurrence: Option<i64>,
        #[arg(long)]
        year: Option<i64>,
        /// N.º de la actividad en el plan.
        #[arg(long)]
        item: Option<i64>,
        #[arg(long)]
        month: Option<i64>,
        /// Placa(s) de los equipos atendidos.
        #[arg(long = "asset")]
        assets: Vec<String>,
        #[arg(long)]
        area: Option<String>,
        /// preventive, corrective, monitoring u other.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        date: Option<String>,
        #[arg(long = "by")]
        performed_by: Option<String>,
        #[arg(long)]
        activity: Option<String>,
        /// Resultado de la lista de chequeo: «ítem=ok», «ítem=falla» o «ítem=falla:nota».
        #[arg(long = "check")]
        checks: Vec<String>,
        #[arg(long)]
        findings: Option<String>,
        #[arg(long)]
        parts: Option<String>,
        #[arg(long)]
        next: Option<String>,
        /// Abre un caso correctivo con esta descripción.
        #[arg(long)]
        open_case: Option<String>,
    },
    /// Lista bitácoras.
    List {
        #[arg(long)]
        year: Option<i64>,
        #[arg(long)]
        asset: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        unverified: bool,
    },
    /// El ingeniero verifica una bitácora contra la especificación técnica.
    Verify {
        id: i64,
        #[arg(long = "by")]
        engineer: String,
        #[arg(long)]
        note: Option<String>,
        /// Separación de funciones: por qué verifica quien ejecutó (solo en una oficina con una
        /// sola cuenta activa).
        #[arg(long)]
        justification: Option<String>,
    },
}

fn fields_to_new(tag: String, kind: String, f: AssetFields) -> Result<NewAsset, CoreError> {
    Ok(NewAsset {
        tag,
        kind,
        brand: f.brand,
        model: f.model,
        serial: f.serial,
        cpu: f.cpu,
        ram_gb: f.ram_gb,
        disk: f.disk,
        os: f.os,
        os_license: f.os_license,
        office_license: f.office_license,
        hostname: f.hostname,
        ip: f.ip,
        mac: f.mac,
        department: f.department,
        location: f.location,
        custodian: f.custodian,
        acquired_on: f.acquired_on,
        supplier: f.supplier,
        value: f.value,
        warranty_until: f.warranty_until,
        status: f.status.as_deref().map(parse_status).transpose()?,
        notes: f.notes,
        ..Default::default()
    })
}

fn print_asset_line(a: &mesa_core::assets::Asset) {
    println!(
        "{:<10} {:<26} {:<10} {:<18} {:<28} {:<22} {}",
        a.tag,
        a.kind,
        a.brand.as_deref().unwrap_or("-"),
        a.model.as_deref().unwrap_or("-"),
        a.department.as_deref().unwrap_or("-"),
        a.custodian.as_deref().unwrap_or("-"),
        a.status.label()
    );
}

pub fn asset(
    store: &mut Store,
    cmd: AssetCmd,
    actor: &str,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    match cmd {
        AssetCmd::New { tag, kind, fields } => {
            let a = store.create_asset(&fields_to_new(tag, kind, fields)?, actor, now)?;
            if json {
                print_json(&a)
            } else {
                println!("{}", a.tag);
                Ok(())
            }
        }
        AssetCmd::List {
            search,
            kind,
            department,
            status,
            all,
        } => {
            let q = AssetQuery {
                search,
                kind,
                department,
                status: status.as_deref().map(parse_status).transpose()?,
                include_decommissioned: all,
            };
            let list = store.list_assets(&q)?;
            if json {
                print_json(&list)
            } else {
                for a in &list {
                    print_asset_line(a);
                }
                println!("{} equipos", list.len());
                Ok(())
            }
        }
        AssetCmd::Show { tag } => {
            let rec = store.asset_record(&tag)?;
            if json {
                let mut v = serde_json::to_value(&rec.asset)?;
                v["peripherals"] = serde_json::to_value(&rec.peripherals)?;
                v["events"] = serde_json::to_value(&rec.events)?;
                v["cases"] = serde_json::to_value(&rec.cases)?;
                v["concepts"] = serde_json::to_value(&rec.concepts)?;
                print_json(&v)
            } else {
                let a = &rec.asset;
                println!("Equipo {} — {} — {}", a.tag, a.kind, a.status.label());
                let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                println!(
                    "Marca/modelo: {} {}  Serial: {}",
                    o(&a.brand),
                    o(&a.model),
                    o(&a.serial)
                );
                println!(
                    "Procesador: {}  RAM: {}  Disco: {}  SO: {}",
                    o(&a.cpu),
                    a.ram_gb
                        .map(|r| format!("{r} GB"))
                        .unwrap_or_else(|| "-".into()),
                    o(&a.disk),
                    o(&a.os)
                );
                println!("Red: {} {} {}", o(&a.hostname), o(&a.ip), o(&a.mac));
                println!(
                    "Dependencia: {}  Ubicación: {}  Responsable: {}",
                    o(&a.department),
                    o(&a.location),
                    o(&a.custodian)
                );
                println!("Historia:");
                for e in &rec.events {
                    println!(
                        "  {} {} {} {}",
                        e.happened_on,
                        mesa_core::assets::event_kind_label(&e.kind),
                        e.description.as_deref().unwrap_or(""),
                        match (&e.old_value, &e.new_value) {
                            (Some(a), Some(b)) => format!("({a} → {b})"),
                            _ => String::new(),
                        }
                    );
                }
                println!("Casos relacionados: {}", rec.cases.len());
                for c in &rec.cases {
                    println!("  {} {} {}", c.number, c.status.label(), c.description);
                }
                Ok(())
            }
        }
        AssetCmd::Edit { tag, kind, fields } => {
            let a = store.update_asset(
                &tag,
                &fields_to_new(tag.clone(), kind.unwrap_or_default(), fields)?,
                actor,
                now,
            )?;
            print_asset(&a, json)
        }
        AssetCmd::Move {
            tag,
            department,
            location,
            custodian,
            reason,
            date,
        } => {
            let a = store.move_asset(
                &tag,
                &AssetMove {
                    department,
                    location,
                    custodian,
                    reason,
                    happened_on: date,
                },
                actor,
                now,
            )?;
            print_asset(&a, json)
        }
        AssetCmd::Event {
            tag,
            kind,
            description,
            date,
            part,
            part_serial,
            ticket,
            status,
        } => {
            let a = store.add_asset_event(
                &tag,
                &NewAssetEvent {
                    kind,
                    happened_on: date,
                    description,
                    part,
                    part_serial,
                    ticket_number: ticket,
                    new_status: status.as_deref().map(parse_status).transpose()?,
                },
                actor,
                now,
            )?;
            print_asset(&a, json)
        }
        AssetCmd::Attach {
            tag,
            kind,
            brand,
            model,
            serial,
            peripheral_tag,
        } => {
            let rec = store.attach_peripheral(
                &tag,
                &NewPeripheral {
                    kind,
                    brand,
                    model,
                    serial,
                    tag: peripheral_tag,
                },
                actor,
                now,
            )?;
            print_peripherals(&rec, json)
        }
        AssetCmd::Detach {
            tag,
            peripheral,
            reason,
        } => {
            let rec = store.detach_peripheral(&tag, peripheral, &reason, actor, now)?;
            print_peripherals(&rec, json)
        }
        AssetCmd::Decommission {
            tag,
            diagnosis,
            cause,
            recommendation,
            destination,
            engineer,
            date,
            approve,
            approver,
            justification,
            pdf,
        } => {
            let concept = if approve {
                let rec = store.asset_record(&tag)?;
                let draft = rec
                    .concepts
                    .iter()
                    .rev()
                    .find(|c| c.status == "draft")
                    .ok_or_else(|| {
                        CoreError::validation(
                            "concepto",
                            format!(
                                "{} no tiene un concepto técnico de baja pendiente",
                                rec.asset.tag
                            ),
                        )
                    })?;
                let by = approver.ok_or_else(|| {
                    CoreError::validation("--by", "indique quién aprueba el concepto")
                })?;
                store.approve_decommission(
                    &draft.number,
                    engineer.as_deref(),
                    &by,
                    justification.as_deref(),
                    actor,
                    now,
                )?
            } else {
                store.create_decommission_concept(
                    &tag,
                    &NewDecommissionConcept {
                        diagnosis: diagnosis.unwrap_or_default(),
                        cause: cause.unwrap_or_default(),
                        recommendation: recommendation.unwrap_or_default(),
                        destination: destination.unwrap_or_default(),
                        technician: None,
                        engineer,
                        concept_date: date,
                    },
                    actor,
                    now,
                )?
            };
            if let Some(p) = &pdf {
                write_file(p, &store.decommission_pdf(&concept.number, now)?)?;
            }
            if json {
                print_json(&concept)
            } else {
                println!(
                    "{} — {}",
                    concept.number,
                    if concept.status == "approved" {
                        "aprobado: el equipo quedó dado de baja"
                    } else {
                        "borrador pendiente de aprobación"
                    }
                );
                Ok(())
            }
        }
        AssetCmd::Sheet { tag, pdf } => {
            write_file(&pdf, &store.asset_sheet_pdf(&tag, actor, now)?)?;
            if json {
                print_json(&serde_json::json!({ "pdf": pdf }))
            } else {
                println!("Hoja de vida escrita en {}", pdf.display());
                Ok(())
            }
        }
        AssetCmd::Inventory { xlsx } => {
            write_file(&xlsx, &store.inventory_xlsx(now)?)?;
            if json {
                print_json(&serde_json::json!({ "xlsx": xlsx }))
            } else {
                println!("Inventario escrito en {}", xlsx.display());
                Ok(())
            }
        }
        AssetCmd::AttachFile { tag, file } => {
            asset_files(store, tag, AttachOp::Add(file), actor, now, json)
        }
        AssetCmd::Attachments { tag } => asset_files(store, tag, AttachOp::List, actor, now, json),
        AssetCmd::DetachFile { tag, id, reason } => asset_files(
            store,
            tag,
            AttachOp::Remove { id, reason },
            actor,
            now,
            json,
        ),
        AssetCmd::AttachmentSave { tag, id, dest } => {
            asset_files(store, tag, AttachOp::Save { id, dest }, actor, now, json)
        }
        AssetCmd::Photo { tag, id } => {
            asset_files(store, tag, AttachOp::Photo { id }, actor, now, json)
        }
    }
}

pub fn plan(
    store: &mut Store,
    cmd: PlanCmd,
    actor: &str,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    match cmd {
        PlanCmd::New { year, name } => {
            let p = store.create_plan(year, name.as_deref(), actor, now)?;
            if json {
                print_json(&p)
            } else {
                println!("{} ({})", p.name, p.year);
                Ok(())
            }
        }
        PlanCmd::Item {
            year,
            asset,
            group_kind,
            group_department,
            area,
            activity,
            checklist,
            frequency,
            start_month,
            responsible,
        } => {
            let target =
                match (asset, area) {
                    (Some(tag), None) if group_kind.is_none() && group_department.is_none() => {
                        PlanTarget::Asset { tag }
                    }
                    (None, Some(area)) if group_kind.is_none() && group_department.is_none() => {
                        PlanTarget::Area { area }
                    }
                    (None, None) if group_kind.is_some() || group_department.is_some() => {
                        PlanTarget::Group {
                            kind: group_kind,
                            department: group_department,
                        }
                    }
                    _ => return Err(CoreError::validation(
                        "destino",
                        "indique uno solo: --asset PLACA, --group-kind/--group-department o --area",
                    )),
                };
            let frequency = Frequency::parse(&frequency).ok_or_else(|| {
                CoreError::validation(
                    "--frequency",
                    format!("«{frequency}» no es válida; use mensual, bimestral, trimestral, semestral o anual"),
                )
            })?;
            let item = store.add_plan_item(
                year,
                &NewPlanItem {
                    target,
                    activity,
                    checklist: checklist
                        .map(|c| c.split(';').map(|s| s.trim().to_string()).collect())
                        .unwrap_or_default(),
                    frequency,
                    start_month,
                    responsible,
                },
                now,
            )?;
            if json {
                print_json(&item)
            } else {
                println!("{}. {} — {}", item.position, item.label, item.activity);
                Ok(())
            }
        }
        PlanCmd::Generate { year } => {
            let n = store.generate_occurrences(year)?;
            if json {
                print_json(&serde_json::json!({ "created": n }))
            } else {
                println!("Fechas programadas creadas: {n}");
                Ok(())
            }
        }
        PlanCmd::List { year } => {
            let cr = store.cronograma(year, now)?;
            if json {
                print_json(&cr)
            } else {
                println!("{} — vigencia {}", cr.plan_name, cr.year);
                println!(
                    "{:<4} {:<40} {:<11} E F M A M J J A S O N D",
                    "N.º", "Equipo / área — actividad", "Frecuencia"
                );
                for r in &cr.rows {
                    let marks: Vec<String> = r
                        .cells
                        .iter()
                        .map(|c| {
                            if c.mark.is_empty() {
                                "·".into()
                            } else {
                                c.mark.clone()
                            }
                        })
                        .collect();
                    let what = format!("{} — {}", r.item.label, r.item.activity);
                    let what: String = what.chars().take(40).collect();
                    println!(
                        "{:<4} {:<40} {:<11} {}",
                        r.item.position,
                        what,
                        r.item.frequency.label(),
                        marks.join(" ")
                    );
                }
                let c = &cr.compliance;
                println!(
                    "Cumplimiento al {}: {}/{} ejecutadas ({:.1} %), a tiempo {} ({:.1} %)",
                    c.upto, c.executed, c.programmed, c.pct_executed, c.on_time, c.pct_on_time
                );
                Ok(())
            }
        }
        PlanCmd::Due => {
            let d = store.maintenance_due(now)?;
            if json {
                print_json(&d)
            } else {
                println!("Vencidos: {}", d.overdue.len());
                for o in &d.overdue {
                    println!(
                        "  {} {} — {} ({})",
                        o.due_on, o.label, o.activity, o.responsible
                    );
                }
                println!("Esta semana: {}", d.due_this_week.len());
                for o in &d.due_this_week {
                    println!(
                        "  {} {} — {} ({})",
                        o.due_on, o.label, o.activity, o.responsible
                    );
                }
                Ok(())
            }
        }
    }
}

fn parse_check(s: &str) -> Result<ChecklistResult, CoreError> {
    let (item, rest) = s.split_once('=').ok_or_else(|| {
        CoreError::validation(
            "--check",
            format!("«{s}» debe ser «ítem=ok» o «ítem=falla[:nota]»"),
        )
    })?;
    let (state, note) = match rest.split_once(':') {
        Some((a, b)) => (a, Some(b.trim().to_string())),
        None => (rest, None),
    };
    let ok = match mesa_core::text::fold(state).as_str() {
        "ok" | "si" | "bien" | "cumple" => true,
        "falla" | "no" | "mal" | "no cumple" => false,
        _ => {
            return Err(CoreError::validation(
                "--check",
                format!("«{state}» debe ser ok o falla"),
            ))
        }
    };
    Ok(ChecklistResult {
        item: item.trim().to_string(),
        ok,
        note,
    })
}

pub fn log(
    store: &mut Store,
    cmd: LogCmd,
    actor: &str,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    match cmd {
        LogCmd::New {
            occurrence,
            year,
            item,
            month,
            assets,
            area,
            kind,
            date,
            performed_by,
            activity,
            checks,
            findings,
            parts,
            next,
            open_case,
        } => {
            let occurrence = match (occurrence, year, item, month) {
                (Some(o), _, _, _) => Some(o),
                (None, Some(y), Some(i), Some(m)) => {
                    let cr = store.cronograma(y, now)?;
                    let row = cr
                        .rows
                        .iter()
                        .find(|r| r.item.position == i)
                        .ok_or_else(|| {
                            CoreError::validation(
                                "--item",
                                format!("el plan {y} no tiene la actividad {i}"),
                            )
                        })?;
                    let cell = row.cells.iter().find(|c| c.month == m);
                    Some(cell.and_then(|c| c.occurrence_id).ok_or_else(|| {
                        CoreError::validation(
                            "--month",
                            format!("la actividad {i} no está programada en el mes {m}"),
                        )
                    })?)
                }
                (None, None, None, None) => None,
                _ => {
                    return Err(CoreError::validation(
                        "actividad programada",
                        "use --occurrence ID, o --year, --item y --month juntos",
                    ))
                }
            };
            let checklist = checks
                .iter()
                .map(|c| parse_check(c))
                .collect::<Result<Vec<_>, _>>()?;
            let l = store.create_log(
                &NewLog {
                    occurrence_id: occurrence,
                    asset_tags: assets,
                    area,
                    kind,
                    performed_on: date,
                    performed_by,
                    activity,
                    checklist,
                    findings,
                    parts_used: parts,
                    next_actions: next,
                    open_case,
                },
                actor,
                now,
            )?;
            if json {
                print_json(&l)
            } else {
                println!(
                    "Bitácora {} — {} — {}{}",
                    l.id,
                    l.performed_on,
                    l.target_label,
                    l.ticket_number
                        .as_deref()
                        .map(|n| format!(" — caso {n}"))
                        .unwrap_or_default()
                );
                Ok(())
            }
        }
        LogCmd::List {
            year,
            asset,
            from,
            to,
            unverified,
        } => {
            let logs = store.list_logs(&LogQuery {
                year,
                asset_tag: asset,
                occurrence_id: None,
                from,
                to,
                unverified_only: unverified,
            })?;
            if json {
                print_json(&logs)
            } else {
                for l in &logs {
                    println!(
                        "{:<5} {} {:<11} {:<35} {:<24} {}",
                        l.id,
                        l.performed_on,
                        mesa_core::maintenance::log_kind_label(&l.kind),
                        l.target_label,
                        l.performed_by,
                        l.verified_by
                            .as_deref()
                            .map(|v| format!("verificó {v}"))
                            .unwrap_or_default()
                    );
                }
                println!("{} bitácoras", logs.len());
                Ok(())
            }
        }
        LogCmd::Verify {
            id,
            engineer,
            note,
            justification,
        } => {
            let l = store.verify_log(
                id,
                &engineer,
                note.as_deref(),
                justification.as_deref(),
                now,
            )?;
            if json {
                print_json(&l)
            } else {
                println!("Bitácora {} verificada por {}", l.id, engineer);
                Ok(())
            }
        }
    }
}

pub fn cronograma(
    store: &Store,
    year: i64,
    xlsx: Option<PathBuf>,
    pdf: Option<PathBuf>,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    if xlsx.is_none() && pdf.is_none() {
        return Err(CoreError::validation(
            "cronograma",
            "indique --xlsx ARCHIVO y/o --pdf ARCHIVO",
        ));
    }
    if let Some(p) = &xlsx {
        write_file(p, &store.cronograma_xlsx(year, now)?)?;
    }
    if let Some(p) = &pdf {
        write_file(p, &store.cronograma_pdf(year, now)?)?;
    }
    let c = store.cronograma(year, now)?.compliance;
    if json {
        print_json(&serde_json::json!({ "xlsx": xlsx, "pdf": pdf, "compliance": c }))
    } else {
        for p in xlsx.iter().chain(pdf.iter()) {
            println!("Cronograma escrito en {}", p.display());
        }
        println!(
            "Cumplimiento al {}: {}/{} ({:.1} %), a tiempo {:.1} %",
            c.upto, c.executed, c.programmed, c.pct_executed, c.pct_on_time
        );
        Ok(())
    }
}

/// After attaching or removing: the peripherals (JSON) or how many remain.
fn print_peripherals(rec: &mesa_core::assets::AssetRecord, json: bool) -> Result<(), CoreError> {
    if json {
        print_json(&rec.peripherals)
    } else {
        println!(
            "Periféricos de {}: {}",
            rec.asset.tag,
            rec.peripherals.len()
        );
        Ok(())
    }
}

/// An equipment after a change: its JSON, or one line.
fn print_asset(a: &mesa_core::assets::Asset, json: bool) -> Result<(), CoreError> {
    if json {
        print_json(a)
    } else {
        print_asset_line(a);
        Ok(())
    }
}

fn asset_files(
    store: &mut Store,
    tag: String,
    op: AttachOp,
    actor: &str,
    now: DateTime<Utc>,
    json: bool,
) -> Result<(), CoreError> {
    crate::attachments::run(
        store,
        mesa_core::AttachmentOwner::Asset(tag),
        op,
        actor,
        now,
        json,
    )
}
