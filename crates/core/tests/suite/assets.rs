//! Equipment life records, decommissioning, preventive maintenance plans, logs, compliance and
//! the documents (hoja de vida / concepto PDF, inventory and cronograma XLSX, cronograma PDF).
//! Real SQLite files in temp dirs; XLSX read back with calamine; PDFs checked with poppler's
//! `pdftotext` and `pdffonts` (package poppler-utils, installed by scripts/install-deps.sh).

use std::path::Path;
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, Utc};
use mesa_core::assets::*;
use mesa_core::clock::parse_time_input;
use mesa_core::maintenance::*;
use mesa_core::*;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TECH: &str = "Técnico de sistemas";

fn file_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("mesa.db")).unwrap();
    (dir, s)
}

fn computer(tag: &str, dep: &str) -> NewAsset {
    NewAsset {
        tag: tag.into(),
        kind: "Computador de escritorio".into(),
        brand: Some("Lenovo".into()),
        model: Some("ThinkCentre M70q".into()),
        serial: Some(format!("SN-{tag}")),
        cpu: Some("Intel Core i5-10400T".into()),
        ram_gb: Some(8.0),
        disk: Some("SSD 256 GB".into()),
        os: Some("Windows 10 Pro".into()),
        department: Some(dep.into()),
        location: Some("Piso 2, oficina 204".into()),
        custodian: Some("Iván Muñoz Peña".into()),
        acquired_on: Some("2019".into()),
        value: Some(2_850_000.0),
        ..Default::default()
    }
}

fn count(s: &Store, sql: &str) -> i64 {
    s.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn pdftotext(path: &Path, page: Option<u32>) -> String {
    let mut c = Command::new("pdftotext");
    c.arg("-layout");
    if let Some(p) = page {
        c.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = c
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) instalado");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_fonts_embedded(path: &Path) {
    let out = Command::new("pdffonts")
        .arg(path)
        .output()
        .expect("pdffonts (poppler-utils) instalado");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let fonts: Vec<&str> = text
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(fonts.len() >= 2, "{text}");
    for l in fonts {
        assert!(l.contains("TrueType"), "{l}");
        // Columns: name type encoding emb sub uni object ID
        let cols: Vec<&str> = l.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(cols[n - 5], "yes", "fuente no incrustada: {l}");
    }
}

// ---------------------------------------------------------------------------
// Equipment and life record
// ---------------------------------------------------------------------------

#[test]
fn asset_life_record_transfers_upgrades_cases_and_decommission() {
    let (_d, mut s) = file_store();
    let a = s
        .create_asset(
            &computer("ind-0123", "Tesorería"),
            TECH,
            at("2026-02-02T08:00"),
        )
        .unwrap();
    // Shown as typed; matched by the normalised form.
    assert_eq!(a.tag, "ind-0123");
    assert_eq!(a.status, AssetStatus::Good);
    assert_eq!(a.acquired_on.as_deref(), Some("2019"));
    // Any spelling of the placa finds it; a repeated placa is refused, nothing written.
    assert_eq!(
        s.get_asset("IND 0123").unwrap().serial.as_deref(),
        Some("SN-ind-0123")
    );
    let before = count(&s, "SELECT count(*) FROM asset_events");
    let e = s
        .create_asset(
            &computer("IND-0123", "Almacén"),
            TECH,
            at("2026-02-02T08:05"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "duplicate_asset");
    // The message names the equipment already there, as it was written.
    assert!(e.to_string().contains("«ind-0123»"), "{e}");
    assert_eq!(count(&s, "SELECT count(*) FROM assets"), 1);
    assert_eq!(count(&s, "SELECT count(*) FROM asset_events"), before);
    // Bad date: nothing written, Spanish message naming the field.
    let mut bad = computer("IND0999", "Tesorería");
    bad.acquired_on = Some("ayer".into());
    let e = s
        .create_asset(&bad, TECH, at("2026-02-02T08:05"))
        .unwrap_err();
    assert!(e.to_string().contains("fecha de adquisición"), "{e}");
    assert_eq!(count(&s, "SELECT count(*) FROM assets"), 1);

    // Transfer + custodian change, upgrade, peripheral.
    let moved = s
        .move_asset(
            "IND0123",
            &AssetMove {
                department: Some("Contabilidad".into()),
                location: Some("Piso 1".into()),
                custodian: Some("Ana Gutiérrez".into()),
                reason: "Reasignación de puesto".into(),
                happened_on: Some("2026-02-10".into()),
            },
            TECH,
            at("2026-02-10T09:00"),
        )
        .unwrap();
    assert_eq!(moved.department.as_deref(), Some("Contabilidad"));
    assert_eq!(moved.custodian.as_deref(), Some("Ana Gutiérrez"));
    let e = s
        .move_asset(
            "IND0123",
            &AssetMove {
                department: Some("Contabilidad".into()),
                reason: "x".into(),
                ..Default::default()
            },
            TECH,
            at("2026-02-10T09:00"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    s.add_asset_event(
        "IND0123",
        &NewAssetEvent {
            kind: "upgrade".into(),
            happened_on: Some("2026-02-11".into()),
            description: Some("Ampliación de memoria".into()),
            part: Some("Memoria RAM DDR4 8 GB".into()),
            part_serial: Some("KVR26N19S8".into()),
            ..Default::default()
        },
        TECH,
        at("2026-02-11T10:00"),
    )
    .unwrap();
    let e = s
        .add_asset_event(
            "IND0123",
            &NewAssetEvent {
                kind: "transfer".into(),
                description: Some("x".into()),
                ..Default::default()
            },
            TECH,
            at("2026-02-11T10:00"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    s.attach_peripheral(
        "IND0123",
        &NewPeripheral {
            kind: "Monitor".into(),
            brand: Some("Samsung".into()),
            serial: Some("MON-77".into()),
            ..Default::default()
        },
        TECH,
        at("2026-02-11T10:05"),
    )
    .unwrap();

    // A case with the placa typed differently is linked.
    let t = s
        .create_ticket(
            &NewTicket {
                requester: "Ana Gutiérrez".into(),
                department: "Contabilidad".into(),
                description: "El equipo se reinicia solo".into(),
                asset_tag: Some("ind 0123".into()),
                ..Default::default()
            },
            TECH,
            at("2026-02-12T08:30"),
        )
        .unwrap();
    s.create_ticket(
        &NewTicket {
            requester: "Otro".into(),
            department: "Tesorería".into(),
            description: "Otro equipo".into(),
            asset_tag: Some("IND0124".into()),
            ..Default::default()
        },
        TECH,
        at("2026-02-12T08:31"),
    )
    .unwrap();
    let rec = s.asset_record("IND-0123").unwrap();
    assert_eq!(rec.cases.len(), 1);
    assert_eq!(rec.cases[0].number, t.number);
    assert_eq!(rec.peripherals.len(), 1);
    let kinds: Vec<&str> = rec.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["created", "transfer", "custodian", "upgrade", "peripheral"],
        "{kinds:?}"
    );
    let tr = &rec.events[1];
    assert_eq!(
        tr.old_value.as_deref(),
        Some("Tesorería — Piso 2, oficina 204")
    );
    assert_eq!(tr.new_value.as_deref(), Some("Contabilidad — Piso 1"));
    assert_eq!(tr.description.as_deref(), Some("Reasignación de puesto"));
    // History is append-only.
    let e = s
        .connection()
        .execute("UPDATE asset_events SET description = 'x'", [])
        .unwrap_err();
    assert!(e.to_string().contains("no se modifica"), "{e}");

    // Decommission: a draft does not retire; approval does, with the concept linked.
    let c = s
        .create_decommission_concept(
            "IND0123",
            &NewDecommissionConcept {
                diagnosis: "Tarjeta madre con daño en el regulador de voltaje".into(),
                cause: "Reparación más costosa que el valor del equipo".into(),
                recommendation: "Dar de baja y reemplazar".into(),
                destination: "Almacén para disposición final (RAEE)".into(),
                technician: None,
                engineer: None,
                concept_date: Some("2026-03-01".into()),
            },
            TECH,
            at("2026-03-01T09:00"),
        )
        .unwrap();
    assert_eq!(c.number, "CTB-2026-0001");
    assert_eq!(c.status, "draft");
    assert_eq!(c.technician, TECH);
    assert_eq!(s.get_asset("IND0123").unwrap().status, AssetStatus::Good);
    let e = s
        .approve_decommission(
            &c.number,
            None,
            "Director",
            None,
            "Director",
            at("2026-03-02T09:00"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("ingeniero"), "{e}");
    assert_eq!(s.get_asset("IND0123").unwrap().status, AssetStatus::Good);
    let ok = s
        .approve_decommission(
            &c.number,
            Some("Ingeniero de sistemas"),
            "Subdirector Administrativo",
            None,
            "Subdirector Administrativo",
            at("2026-03-02T09:00"),
        )
        .unwrap();
    assert_eq!(ok.status, "approved");
    let a = s.get_asset("IND0123").unwrap();
    assert_eq!(a.status, AssetStatus::Decommissioned);
    assert_eq!(a.decommission_concept.as_deref(), Some("CTB-2026-0001"));
    let rec = s.asset_record("IND0123").unwrap();
    let last = rec.events.last().unwrap();
    assert_eq!(last.kind, "decommission");
    assert_eq!(last.concept_number.as_deref(), Some("CTB-2026-0001"));
    assert!(s
        .approve_decommission(&c.number, None, "X", None, "X", at("2026-03-03T09:00"))
        .is_err());
    let e = s
        .add_asset_event(
            "IND0123",
            &NewAssetEvent {
                kind: "note".into(),
                description: Some("x".into()),
                ..Default::default()
            },
            TECH,
            at("2026-03-03T09:00"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("dado de baja"), "{e}");
    // Its peripherals stay as they were: the closed record takes no attach or removal.
    let pid = s.asset_record("IND0123").unwrap().peripherals[0].id;
    let e = s
        .detach_peripheral(
            "IND0123",
            pid,
            "Se lleva a otro equipo",
            TECH,
            at("2026-03-03T09:00"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("dado de baja"), "{e}");
    let e = s
        .attach_peripheral(
            "IND0123",
            &NewPeripheral {
                kind: "Teclado".into(),
                ..Default::default()
            },
            TECH,
            at("2026-03-03T09:00"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("dado de baja"), "{e}");
    // Lists hide equipment dado de baja unless asked.
    assert!(s.list_assets(&AssetQuery::default()).unwrap().is_empty());
    let all = s
        .list_assets(&AssetQuery {
            include_decommissioned: true,
            search: Some("thinkcentre".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.len(), 1);
}

#[test]
fn a_peripheral_is_removed_with_a_reason_and_the_record_keeps_it() {
    let mut s = crate::support::store();
    for tag in ["IND0300", "IND0301"] {
        s.create_asset(&computer(tag, "Almacén"), TECH, at("2026-01-05T08:00"))
            .unwrap();
    }
    let attach = |s: &mut Store, tag: &str, kind: &str, serial: &str| {
        s.attach_peripheral(
            tag,
            &NewPeripheral {
                kind: kind.into(),
                brand: Some("Genius".into()),
                serial: Some(serial.into()),
                ..Default::default()
            },
            TECH,
            at("2026-01-06T08:00"),
        )
        .unwrap()
    };
    attach(&mut s, "IND0300", "Teclado", "KB-1");
    let rec = attach(&mut s, "IND0300", "Mouse", "MS-9");
    let other = attach(&mut s, "IND0301", "Monitor", "MON-3");
    let mouse = rec
        .peripherals
        .iter()
        .find(|p| p.kind == "Mouse")
        .unwrap()
        .id;
    // A reason is required; another equipment's peripheral is not this one's.
    let e = s
        .detach_peripheral("IND0300", mouse, "  ", TECH, at("2026-01-07T08:00"))
        .unwrap_err();
    assert!(e.to_string().contains("motivo"), "{e}");
    let e = s
        .detach_peripheral(
            "IND0300",
            other.peripherals[0].id,
            "Dañado",
            TECH,
            at("2026-01-07T08:00"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("no tiene el periférico"), "{e}");
    assert_eq!(count(&s, "SELECT count(*) FROM asset_peripherals"), 3);
    let rec = s
        .detach_peripheral(
            "ind 0300",
            mouse,
            "Dañado, se desecha",
            TECH,
            at("2026-01-07T08:00"),
        )
        .unwrap();
    let kinds: Vec<&str> = rec.peripherals.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["Teclado"]);
    let last = rec.events.last().unwrap();
    assert_eq!(last.kind, "peripheral");
    assert_eq!(
        last.description.as_deref(),
        Some("Periférico retirado: Mouse Genius serie MS-9. Motivo: Dañado, se desecha")
    );
    assert_eq!(count(&s, "SELECT count(*) FROM asset_peripherals"), 2);
    // The same one cannot be removed twice.
    assert!(s
        .detach_peripheral("IND0300", mouse, "Otra vez", TECH, at("2026-01-07T09:00"))
        .is_err());
}

#[test]
fn status_event_records_old_and_new() {
    let mut s = crate::support::store();
    s.create_asset(
        &computer("IND0200", "Almacén"),
        TECH,
        at("2026-01-05T08:00"),
    )
    .unwrap();
    let a = s
        .add_asset_event(
            "IND0200",
            &NewAssetEvent {
                kind: "status".into(),
                new_status: Some(AssetStatus::InRepair),
                description: Some("Enviado a garantía".into()),
                ..Default::default()
            },
            TECH,
            at("2026-01-06T08:00"),
        )
        .unwrap();
    assert_eq!(a.status, AssetStatus::InRepair);
    let rec = s.asset_record("IND0200").unwrap();
    let e = rec.events.last().unwrap();
    assert_eq!(
        (
            e.kind.as_str(),
            e.old_value.as_deref(),
            e.new_value.as_deref()
        ),
        ("status", Some("Bueno"), Some("En reparación"))
    );
    assert_eq!(rec.events.len(), 2);
    // JSON codes are the English ones.
    let v = serde_json::to_value(&a).unwrap();
    assert_eq!(v["status"], "in_repair");
    assert_eq!(v["ram_gb"], 8.0);
}

#[test]
fn import_assets_is_all_or_nothing_and_undoable() {
    let (_d, mut s) = file_store();
    let src = |row| {
        Some(Source {
            file: "inventario_tic.xlsx".into(),
            sheet: Some("Inventario".into()),
            row: Some(row),
        })
    };
    let mut rows = vec![];
    for (i, tag) in ["IND-0001", "IND-0002", "IND-0003"].iter().enumerate() {
        let mut a = computer(tag, "Tesorería");
        a.source = src(i as i64 + 2);
        a.extra.insert("Observación original".into(), "ok".into());
        rows.push(a);
    }
    rows[2].warranty_until = Some("31/12/2027".into());
    let e = s
        .import_assets(&rows, Some(7), TECH, at("2026-01-10T08:00"))
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("inventario_tic.xlsx") && msg.contains("fila 4"),
        "{msg}"
    );
    assert_eq!(count(&s, "SELECT count(*) FROM assets"), 0);
    // Same placa twice in the file: refused with the row.
    rows[2].warranty_until = None;
    rows[2].tag = "ind 0001".into();
    let e = s
        .import_assets(&rows, Some(7), TECH, at("2026-01-10T08:00"))
        .unwrap_err();
    assert_eq!(e.code(), "duplicate_asset");
    assert!(e.to_string().contains("fila 4"), "{e}");
    assert_eq!(count(&s, "SELECT count(*) FROM assets"), 0);
    rows[2].tag = "IND-0003".into();
    let out = s
        .import_assets(&rows, Some(7), TECH, at("2026-01-10T08:00"))
        .unwrap();
    assert_eq!(out.created, 3);
    assert_eq!(out.tags, ["IND-0001", "IND-0002", "IND-0003"]);
    let a = s.get_asset("IND0002").unwrap();
    assert_eq!(a.import_batch, Some(7));
    assert_eq!(a.source.as_ref().unwrap().row, Some(3));
    assert_eq!(a.extra["Observación original"], "ok");
    // Undo refuses while one has history; works otherwise.
    s.add_asset_event(
        "IND0001",
        &NewAssetEvent {
            kind: "note".into(),
            description: Some("Revisado".into()),
            ..Default::default()
        },
        TECH,
        at("2026-01-11T08:00"),
    )
    .unwrap();
    assert!(s.undo_asset_import(7).is_err());
    assert_eq!(count(&s, "SELECT count(*) FROM assets"), 3);
    s.connection()
        .execute(
            "UPDATE assets SET import_batch = NULL WHERE tag = 'IND0001'",
            [],
        )
        .unwrap();
    assert_eq!(s.undo_asset_import(7).unwrap(), 2);
    assert_eq!(count(&s, "SELECT count(*) FROM assets"), 1);
}

// ---------------------------------------------------------------------------
// Plans, occurrences, logs, compliance
// ---------------------------------------------------------------------------

#[test]
fn occurrences_for_each_frequency_and_start_month() {
    let mut s = crate::support::store();
    let now = at("2026-01-02T08:00");
    s.create_plan(2026, None, TECH, now).unwrap();
    let cases: &[(Frequency, i64, &[i64])] = &[
        (
            Frequency::Monthly,
            1,
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        ),
        (Frequency::Monthly, 9, &[9, 10, 11, 12]),
        (Frequency::Bimonthly, 1, &[1, 3, 5, 7, 9, 11]),
        (Frequency::Bimonthly, 4, &[4, 6, 8, 10, 12]),
        (Frequency::Quarterly, 2, &[2, 5, 8, 11]),
        (Frequency::Quarterly, 12, &[12]),
        (Frequency::Semiannual, 3, &[3, 9]),
        (Frequency::Semiannual, 8, &[8]),
        (Frequency::Annual, 6, &[6]),
    ];
    for (i, (f, start, _)) in cases.iter().enumerate() {
        s.add_plan_item(
            2026,
            &NewPlanItem {
                target: PlanTarget::Area {
                    area: INFRA_AREAS[i % INFRA_AREAS.len()].into(),
                },
                activity: format!("Actividad {i}"),
                checklist: vec!["Limpieza".into()],
                frequency: *f,
                start_month: *start,
                responsible: TECH.into(),
            },
            now,
        )
        .unwrap();
    }
    let total: usize = cases.iter().map(|c| c.2.len()).sum();
    assert_eq!(
        count(&s, "SELECT count(*) FROM maintenance_occurrences") as usize,
        total
    );
    // Generating again creates nothing (idempotent).
    assert_eq!(s.generate_occurrences(2026).unwrap(), 0);
    s.connection()
        .execute("DELETE FROM maintenance_occurrences WHERE month = 12", [])
        .unwrap();
    assert_eq!(s.generate_occurrences(2026).unwrap(), 4);
    let cr = s.cronograma(2026, now).unwrap();
    for (row, (_, _, months)) in cr.rows.iter().zip(cases) {
        let programmed: Vec<i64> = row
            .cells
            .iter()
            .filter(|c| c.state == CellState::Programmed)
            .map(|c| c.month)
            .collect();
        assert_eq!(&programmed, months, "{}", row.item.activity);
        let dates: Vec<String> = s
            .connection()
            .prepare("SELECT scheduled_on || '/' || due_on FROM maintenance_occurrences WHERE item_id = ?1 AND month = 2")
            .unwrap()
            .query_map([row.item.id], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        if months.contains(&2) {
            assert_eq!(dates, ["2026-02-01/2026-02-28"]);
        }
    }
    // Bad start month / missing fields: refused, nothing written.
    let n = count(&s, "SELECT count(*) FROM maintenance_items");
    let e = s
        .add_plan_item(
            2026,
            &NewPlanItem {
                target: PlanTarget::Area {
                    area: "Telefonía IP".into(),
                },
                activity: "x".into(),
                checklist: vec![],
                frequency: Frequency::Annual,
                start_month: 13,
                responsible: TECH.into(),
            },
            now,
        )
        .unwrap_err();
    assert!(e.to_string().contains("mes de inicio"), "{e}");
    assert_eq!(count(&s, "SELECT count(*) FROM maintenance_items"), n);
    assert_eq!(
        s.create_plan(2026, None, TECH, now).unwrap_err().code(),
        "validation"
    );
    assert_eq!(s.plan(2031).unwrap_err().code(), "maintenance_not_found");
}

/// A fixed plan for 2025: A monthly from January (one equipment), B quarterly from February
/// (a group: UPS), C annual in June (area). Logs: A Jan on 15 Jan (on time), A Feb on 3 Mar
/// (late), A Mar on 20 Mar (on time), B Feb on 10 Feb (on time).
fn fixed_plan(s: &mut Store) -> (i64, i64, i64) {
    let now = at("2025-01-02T08:00");
    s.create_asset(&computer("IND0500", "Tesorería"), TECH, now)
        .unwrap();
    for t in ["UPS-01", "UPS-02"] {
        s.create_asset(
            &NewAsset {
                tag: t.into(),
                kind: "UPS".into(),
                brand: Some("APC".into()),
                department: Some("Sistemas".into()),
                ..Default::default()
            },
            TECH,
            now,
        )
        .unwrap();
    }
    s.create_plan(
        2025,
        Some("Plan de mantenimiento preventivo 2025"),
        TECH,
        now,
    )
    .unwrap();
    let a = s
        .add_plan_item(
            2025,
            &NewPlanItem {
                target: PlanTarget::Asset {
                    tag: "ind 0500".into(),
                },
                activity: "Limpieza interna y externa, revisión de software".into(),
                checklist: vec!["Limpieza interna".into(), "Actualizaciones".into()],
                frequency: Frequency::Monthly,
                start_month: 1,
                responsible: TECH.into(),
            },
            now,
        )
        .unwrap();
    let b = s
        .add_plan_item(
            2025,
            &NewPlanItem {
                target: PlanTarget::Group {
                    kind: Some("UPS".into()),
                    department: None,
                },
                activity: "Prueba de autonomía de baterías".into(),
                checklist: vec!["Autonomía ≥ 10 min".into()],
                frequency: Frequency::Quarterly,
                start_month: 2,
                responsible: "Ingeniero de sistemas".into(),
            },
            now,
        )
        .unwrap();
    let c = s
        .add_plan_item(
            2025,
            &NewPlanItem {
                target: PlanTarget::Area {
                    area: "refrigeracion".into(),
                },
                activity: "Mantenimiento del aire acondicionado del centro de cómputo".into(),
                checklist: vec![],
                frequency: Frequency::Annual,
                start_month: 6,
                responsible: "Proveedor externo".into(),
            },
            now,
        )
        .unwrap();
    assert_eq!(b.label, "UPS (todos, 2 equipos)");
    assert_eq!(c.label, "Refrigeración");
    let occ = |s: &Store, item: i64, month: i64| -> i64 {
        s.connection()
            .query_row(
                "SELECT id FROM maintenance_occurrences WHERE item_id = ?1 AND month = ?2",
                [item, month],
                |r| r.get(0),
            )
            .unwrap()
    };
    for (item, month, on) in [
        (a.id, 1, "2025-01-15"),
        (a.id, 2, "2025-03-03"),
        (a.id, 3, "2025-03-20"),
        (b.id, 2, "2025-02-10"),
    ] {
        let o = occ(s, item, month);
        s.create_log(
            &NewLog {
                occurrence_id: Some(o),
                performed_on: Some(on.into()),
                checklist: vec![ChecklistResult {
                    item: "Limpieza interna".into(),
                    ok: true,
                    note: None,
                }],
                findings: Some("Sin novedad".into()),
                ..Default::default()
            },
            TECH,
            at(&format!("{on}T17:00")),
        )
        .unwrap();
    }
    (a.id, b.id, c.id)
}

#[test]
fn compliance_on_a_fixed_plan() {
    let mut s = crate::support::store();
    fixed_plan(&mut s);
    let c = s.maintenance_compliance(2025, day("2025-03-31")).unwrap();
    assert_eq!((c.programmed, c.executed, c.on_time), (4, 4, 3));
    assert_eq!((c.pct_executed, c.pct_on_time), (100.0, 75.0));
    let c = s.maintenance_compliance(2025, day("2025-06-30")).unwrap();
    assert_eq!((c.programmed, c.executed, c.on_time), (9, 4, 3));
    assert_eq!((c.pct_executed, c.pct_on_time), (44.4, 33.3));
    let c = s.maintenance_compliance(2025, day("2025-02-28")).unwrap();
    assert_eq!((c.programmed, c.executed, c.on_time), (3, 2, 2));
    assert_eq!(c.pct_executed, 66.7);
    let c = s.maintenance_compliance(2025, day("2025-12-31")).unwrap();
    assert_eq!((c.programmed, c.executed), (12 + 4 + 1, 4));
    let c = s.maintenance_compliance(2025, day("2024-12-31")).unwrap();
    assert_eq!((c.programmed, c.pct_executed), (0, 0.0));
}

#[test]
fn cronograma_cells_due_list_and_life_record_from_logs() {
    let mut s = crate::support::store();
    let (a, b, c) = fixed_plan(&mut s);
    let now = at("2025-07-10T10:00"); // Thursday
    let cr = s.cronograma(2025, now).unwrap();
    let states = |item: i64| -> Vec<(i64, CellState, String)> {
        cr.rows
            .iter()
            .find(|r| r.item.id == item)
            .unwrap()
            .cells
            .iter()
            .filter(|c| c.state != CellState::None)
            .map(|c| (c.month, c.state, c.mark.clone()))
            .collect()
    };
    use CellState::*;
    let st = states(a);
    assert_eq!(
        &st[..7],
        &[
            (1, Executed, "E".into()),
            (2, Moved, "P".into()),
            (3, Executed, "E".into()),
            (4, Overdue, "P".into()),
            (5, Overdue, "P".into()),
            (6, Overdue, "P".into()),
            (7, Programmed, "P".into()),
        ]
    );
    assert_eq!(
        states(b),
        [
            (2, Executed, "E".into()),
            (5, Overdue, "P".into()),
            (8, Programmed, "P".into()),
            (11, Programmed, "P".into())
        ]
    );
    assert_eq!(states(c), [(6, Overdue, "P".into())]);
    // Dashboard: overdue A Apr/May/Jun, B May, C Jun; due this week: A July.
    let due = s.maintenance_due(now).unwrap();
    assert_eq!(due.overdue.len(), 5, "{:?}", due.overdue);
    assert_eq!(due.due_this_week.len(), 1);
    assert_eq!(due.due_this_week[0].month, 7);
    assert!(due.due_this_week[0].label.contains("IND0500"));
    // Execution recorded in the life record: A's equipment and each UPS of the group.
    let rec = s.asset_record("IND0500").unwrap();
    assert_eq!(
        rec.events.iter().filter(|e| e.kind == "preventive").count(),
        3
    );
    for ups in ["UPS01", "UPS02"] {
        let rec = s.asset_record(ups).unwrap();
        let p: Vec<_> = rec
            .events
            .iter()
            .filter(|e| e.kind == "preventive")
            .collect();
        assert_eq!(p.len(), 1, "{ups}");
        assert_eq!(p[0].happened_on, "2025-02-10");
    }
    let logs = s
        .list_logs(&LogQuery {
            asset_tag: Some("UPS-01".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].on_time, Some(true));
    assert_eq!(logs[0].target_label, "UPS (todos, 2 equipos)");
    let late = s
        .list_logs(&LogQuery {
            asset_tag: Some("IND0500".into()),
            from: Some("2025-03-01".into()),
            to: Some("2025-03-05".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(
        (late[0].programmed_month, late[0].on_time),
        (Some(2), Some(false))
    );
}

#[test]
fn logs_open_cases_are_verified_and_validated() {
    let mut s = crate::support::store();
    let now = at("2026-04-20T15:00");
    s.create_asset(&computer("IND0700", "Almacén"), TECH, now)
        .unwrap();
    s.create_plan(2026, None, TECH, now).unwrap();
    let it = s
        .add_plan_item(
            2026,
            &NewPlanItem {
                target: PlanTarget::Asset {
                    tag: "IND0700".into(),
                },
                activity: "Mantenimiento preventivo de computador".into(),
                checklist: vec!["Limpieza".into()],
                frequency: Frequency::Semiannual,
                start_month: 4,
                responsible: TECH.into(),
            },
            now,
        )
        .unwrap();
    let occ: i64 = s
        .connection()
        .query_row(
            "SELECT id FROM maintenance_occurrences WHERE item_id = ?1 AND month = 4",
            [it.id],
            |r| r.get(0),
        )
        .unwrap();
    // A future date is refused and writes nothing (no case either).
    let tickets = count(&s, "SELECT count(*) FROM tickets");
    let e = s
        .create_log(
            &NewLog {
                occurrence_id: Some(occ),
                performed_on: Some("2026-04-25".into()),
                open_case: Some("Fuente de poder ruidosa".into()),
                ..Default::default()
            },
            TECH,
            now,
        )
        .unwrap_err();
    assert!(e.to_string().contains("posterior"), "{e}");
    assert_eq!(count(&s, "SELECT count(*) FROM maintenance_logs"), 0);
    assert_eq!(count(&s, "SELECT count(*) FROM tickets"), tickets);
    let log = s
        .create_log(
            &NewLog {
                occurrence_id: Some(occ),
                performed_on: Some("2026-04-20".into()),
                checklist: vec![ChecklistResult {
                    item: "Limpieza".into(),
                    ok: false,
                    note: Some("Ventilador con ruido".into()),
                }],
                findings: Some("Fuente de poder con ruido".into()),
                parts_used: Some("Pasta térmica".into()),
                next_actions: Some("Cambiar la fuente".into()),
                open_case: Some("Reemplazar fuente de poder ruidosa".into()),
                ..Default::default()
            },
            TECH,
            now,
        )
        .unwrap();
    assert_eq!(log.kind, "preventive");
    assert_eq!(log.activity, "Mantenimiento preventivo de computador");
    assert_eq!(log.asset_tag.as_deref(), Some("IND0700"));
    let n = log.ticket_number.clone().unwrap();
    let t = s.get_ticket(&n, now).unwrap().ticket;
    assert_eq!(t.asset_tag.as_deref(), Some("IND0700"));
    assert_eq!(t.department, "Almacén");
    let rec = s.asset_record("IND0700").unwrap();
    assert_eq!(rec.cases.len(), 1);
    let ev = rec.events.iter().find(|e| e.kind == "preventive").unwrap();
    assert_eq!(ev.ticket_number.as_deref(), Some(n.as_str()));
    assert_eq!(ev.log_id, Some(log.id));
    assert!(!log.checklist[0].ok);
    // Verification by the engineer, once.
    let v = s
        .verify_log(
            log.id,
            "Ingeniero de sistemas",
            Some("Cumple la especificación"),
            None,
            now,
        )
        .unwrap();
    assert_eq!(v.verified_by.as_deref(), Some("Ingeniero de sistemas"));
    assert!(s.verify_log(log.id, "Otro", None, None, now).is_err());
    // General log (daily monitoring of mail and directory), no occurrence.
    let g = s
        .create_log(
            &NewLog {
                area: Some("Correo institucional y directorio activo".into()),
                activity: Some("Monitoreo diario de correo y directorio activo".into()),
                findings: Some("Cola de correo normal".into()),
                ..Default::default()
            },
            TECH,
            now,
        )
        .unwrap();
    assert_eq!(g.kind, "monitoring");
    assert_eq!(g.performed_on, "2026-04-20");
    assert_eq!(g.target_label, "Correo institucional y directorio activo");
    let e = s
        .create_log(
            &NewLog {
                activity: Some("algo".into()),
                ..Default::default()
            },
            TECH,
            now,
        )
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    let unverified = s
        .list_logs(&LogQuery {
            year: Some(2026),
            unverified_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(unverified.len(), 1);
    assert_eq!(unverified[0].id, g.id);
}

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

fn cell_str(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn cronograma_xlsx_reads_back_with_p_and_e_in_the_right_months() {
    let (dir, mut s) = file_store();
    s.set_setting("entity_nit", "800.123.456-7").unwrap();
    fixed_plan(&mut s);
    let bytes = s.cronograma_xlsx(2025, at("2025-07-10T10:00")).unwrap();
    let path = dir.path().join("cronograma.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["Cronograma 2025"]);
    let range = wb.worksheet_range("Cronograma 2025").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(cell_str).collect())
        .collect();
    assert!(rows[0][0].contains("INDUPAL"), "{:?}", rows[0]);
    assert_eq!(rows[1][0], "NIT 800.123.456-7");
    assert!(rows[2][0].contains("VIGENCIA 2025"));
    let hr = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "Ene"))
        .unwrap();
    let header = &rows[hr];
    for h in [
        "Equipo / área",
        "Marca",
        "Modelo",
        "Serie",
        "Ubicación",
        "Actividad",
    ] {
        assert!(header.iter().any(|c| c == h), "{h} en {header:?}");
    }
    let jan = header.iter().position(|c| c == "Ene").unwrap();
    assert_eq!(header[jan + 11], "Dic");
    let row_of = |needle: &str| {
        rows.iter()
            .find(|r| r.len() > 1 && r[1].contains(needle))
            .unwrap()
    };
    let a = row_of("IND0500");
    assert_eq!(a[2], "Lenovo");
    assert_eq!(a[4], "SN-IND0500");
    let months = |r: &Vec<String>| -> Vec<String> { r[jan..jan + 12].to_vec() };
    assert_eq!(
        months(a),
        ["E", "P", "E", "P", "P", "P", "P", "P", "P", "P", "P", "P"]
    );
    let b = row_of("UPS (todos");
    assert_eq!(
        months(b),
        ["", "E", "", "", "P", "", "", "P", "", "", "P", ""]
    );
    let c = row_of("Refrigeración");
    assert_eq!(months(c), ["", "", "", "", "", "P", "", "", "", "", "", ""]);
    // Compliance written below the grid.
    let text = rows.concat().join(" ");
    assert!(
        text.contains("Indicador de cumplimiento al 10/07/2025"),
        "{text}"
    );
}

#[test]
fn inventory_xlsx_reads_back() {
    let (dir, mut s) = file_store();
    s.create_asset(
        &computer("IND0001", "Tesorería"),
        TECH,
        at("2026-01-05T08:00"),
    )
    .unwrap();
    let mut ups = computer("UPS-9", "Sistemas");
    ups.kind = "UPS".into();
    ups.status = Some(AssetStatus::Fair);
    s.create_asset(&ups, TECH, at("2026-01-05T08:00")).unwrap();
    let path = dir.path().join("inventario.xlsx");
    std::fs::write(&path, s.inventory_xlsx(at("2026-01-05T09:00")).unwrap()).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range("Inventario").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(cell_str).collect())
        .collect();
    let hr = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "Placa"))
        .unwrap();
    assert_eq!(rows.len(), hr + 3);
    assert_eq!(rows[hr + 1][0], "IND0001");
    assert_eq!(rows[hr + 1][6], "8");
    assert_eq!(rows[hr + 2][0], "UPS-9");
    let status_col = rows[hr].iter().position(|c| c == "Estado").unwrap();
    assert_eq!(rows[hr + 2][status_col], "Regular");
    assert_eq!(rows[hr + 1][16], "Iván Muñoz Peña");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext and pdffonts (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn pdfs_keep_spanish_text_embed_fonts_and_break_pages() {
    let (dir, mut s) = file_store();
    s.set_setting("entity_nit", "800.123.456-7").unwrap();
    s.create_asset(
        &computer("IND0042", "Subdirección Administrativa y Financiera"),
        TECH,
        at("2026-01-05T08:00"),
    )
    .unwrap();
    // Enough history to need a second page.
    for i in 0..45 {
        s.add_asset_event(
            "IND0042",
            &NewAssetEvent {
                kind: "corrective".into(),
                happened_on: Some(format!("2026-01-{:02}", 6 + i % 20)),
                description: Some(format!(
                    "Revisión número {i}: limpieza, configuración de impresión y actualización del antivirus en la máquina"
                )),
                ..Default::default()
            },
            TECH,
            at("2026-01-30T08:00"),
        )
        .unwrap();
    }
    s.create_ticket(
        &NewTicket {
            requester: "Íngrid Ñáñez".into(),
            department: "Tesorería".into(),
            description: "La impresora no imprime en el equipo".into(),
            asset_tag: Some("IND-0042".into()),
            ..Default::default()
        },
        TECH,
        at("2026-01-30T09:00"),
    )
    .unwrap();
    let sheet = dir.path().join("hoja.pdf");
    std::fs::write(
        &sheet,
        s.asset_sheet_pdf("ind0042", TECH, at("2026-02-01T08:00"))
            .unwrap(),
    )
    .unwrap();
    let text = pdftotext(&sheet, None);
    std::fs::copy(&sheet, std::env::temp_dir().join("mesa-hoja-prueba.pdf")).ok();
    for needle in [
        "Hoja de vida de equipo",
        "Instituto Municipal de Deporte y Recreación de Valledupar",
        "NIT 800.123.456-7",
        "Identificación",
        "Ubicación",
        "Iván Muñoz Peña",
        "Subdirección Administrativa",
        "Especificaciones técnicas",
        "Intel Core i5-10400T",
        "Historia del equipo",
        "Mantenimiento correctivo",
        "actualización del antivirus",
        "Casos relacionados",
        "La impresora no imprime",
        "$ 2.850.000",
        "Elaboró",
        "Revisó",
    ] {
        assert!(text.contains(needle), "falta «{needle}» en:\n{text}");
    }
    let pages: usize = text
        .split("Página 1 de ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("pie «Página 1 de N»");
    assert!(pages >= 2, "{pages}");
    assert!(text.contains(&format!("Página {pages} de {pages}")));
    // The table header repeats on page 2, below the entity header.
    let p2 = pdftotext(&sheet, Some(2));
    assert!(p2.contains("Hoja de vida de equipo"), "{p2}");
    assert!(
        p2.contains("Descripción") && p2.contains("Registró"),
        "{p2}"
    );
    assert_fonts_embedded(&sheet);

    // Concept PDF with the three signature blocks.
    let c = s
        .create_decommission_concept(
            "IND0042",
            &NewDecommissionConcept {
                diagnosis:
                    "Disco duro con sectores dañados; la tarjeta madre no reconoce la memoria"
                        .into(),
                cause: "Obsolescencia tecnológica".into(),
                recommendation: "Reemplazar por un equipo con especificación vigente".into(),
                destination: "Almacén — disposición final".into(),
                engineer: Some("Ingeniero de sistemas".into()),
                ..Default::default()
            },
            TECH,
            at("2026-02-03T08:00"),
        )
        .unwrap();
    s.approve_decommission(
        &c.number,
        None,
        "Señora Directora",
        None,
        "Señora Directora",
        at("2026-02-04T08:00"),
    )
    .unwrap();
    let cp = dir.path().join("concepto.pdf");
    std::fs::write(
        &cp,
        s.decommission_pdf(&c.number, at("2026-02-04T09:00"))
            .unwrap(),
    )
    .unwrap();
    let text = pdftotext(&cp, None);
    for needle in [
        "Concepto técnico de baja",
        "CTB-2026-0001",
        "Diagnóstico",
        "sectores dañados",
        "Obsolescencia tecnológica",
        "Recomendación",
        "Destino final",
        "Elaboró",
        "Revisó",
        "Aprobó",
        "Señora Directora",
        "Ingeniero de sistemas",
        "Aprobado el 04/02/2026",
        "Página 1 de 1",
    ] {
        assert!(text.contains(needle), "falta «{needle}» en:\n{text}");
    }
    assert_fonts_embedded(&cp);

    // Cronograma PDF.
    fixed_plan(&mut s);
    let crp = dir.path().join("cronograma.pdf");
    std::fs::write(
        &crp,
        s.cronograma_pdf(2025, at("2025-07-10T10:00")).unwrap(),
    )
    .unwrap();
    let text = pdftotext(&crp, None);
    std::fs::copy(
        &crp,
        std::env::temp_dir().join("mesa-cronograma-prueba.pdf"),
    )
    .ok();
    for needle in [
        "Cronograma de mantenimiento preventivo 2025",
        "Equipo / área",
        "Ubicación",
        "Ene",
        "Dic",
        "Refrigeración",
        "Prueba de autonomía",
        "Cumplimiento al 10/07/2025",
        "4 de 10 actividades programadas ejecutadas (40.0 %)",
    ] {
        assert!(text.contains(needle), "falta «{needle}» en:\n{text}");
    }
    assert_fonts_embedded(&crp);
}

fn concept(date: &str) -> NewDecommissionConcept {
    NewDecommissionConcept {
        diagnosis: "Tarjeta madre dañada".into(),
        cause: "Obsolescencia tecnológica".into(),
        recommendation: "Dar de baja".into(),
        destination: "Almacén".into(),
        concept_date: Some(date.into()),
        ..Default::default()
    }
}

/// Issue 12's defect: concepto numbers came from `count(*) + 1 … LIKE`. Now a counter row per
/// year, like case numbers: consecutive across two connections to the same file (two
/// workstations' processes), continuing after the numbers issued before the migration.
#[test]
fn concepto_numbers_come_from_a_counter_row_shared_by_every_writer() {
    let (dir, mut a) = file_store();
    let db = dir.path().join("mesa.db");
    for tag in [
        "IND0001", "IND0002", "IND0003", "IND0004", "IND0005", "IND0006",
    ] {
        a.create_asset(&computer(tag, "Tesorería"), TECH, at("2026-03-01T08:00"))
            .unwrap();
    }
    let mut b = Store::open(&db).unwrap();
    let n1 = a
        .create_decommission_concept(
            "IND0001",
            &concept("2026-03-02"),
            TECH,
            at("2026-03-02T09:00"),
        )
        .unwrap()
        .number;
    let n2 = b
        .create_decommission_concept(
            "IND0002",
            &concept("2026-03-02"),
            TECH,
            at("2026-03-02T09:01"),
        )
        .unwrap()
        .number;
    let n3 = a
        .create_decommission_concept(
            "IND0003",
            &concept("2025-12-30"),
            TECH,
            at("2026-03-02T09:02"),
        )
        .unwrap()
        .number;
    assert_eq!(
        [n1.as_str(), n2.as_str(), n3.as_str()],
        ["CTB-2026-0001", "CTB-2026-0002", "CTB-2025-0001"]
    );
    // A database from before the counter (schema 6): the migration seeds each year's counter
    // from the highest number issued, so the next one follows it.
    drop(b);
    drop(a);
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "DROP TABLE decommission_counters;
             DELETE FROM schema_migrations WHERE version = 7;
             PRAGMA user_version = 6;",
        )
        .unwrap();
    }
    let mut a = Store::open(&db).unwrap();
    let n4 = a
        .create_decommission_concept(
            "IND0004",
            &concept("2026-03-03"),
            TECH,
            at("2026-03-03T09:00"),
        )
        .unwrap()
        .number;
    let n5 = a
        .create_decommission_concept(
            "IND0005",
            &concept("2025-12-31"),
            TECH,
            at("2026-03-03T09:01"),
        )
        .unwrap()
        .number;
    assert_eq!(
        [n4.as_str(), n5.as_str()],
        ["CTB-2026-0003", "CTB-2025-0002"]
    );
    // A refused concept (the equipment already has a concept in course or bad input) uses no
    // number: the next one has no gap.
    assert!(a
        .create_decommission_concept(
            "IND0006",
            &concept("fecha mala"),
            TECH,
            at("2026-03-03T09:02")
        )
        .is_err());
    let n6 = a
        .create_decommission_concept(
            "IND0006",
            &concept("2026-03-03"),
            TECH,
            at("2026-03-03T09:03"),
        )
        .unwrap()
        .number;
    assert_eq!(n6, "CTB-2026-0004");
    // A concept removed (its equipment deleted: ON DELETE CASCADE) never frees its number;
    // `count(*) + 1` gave the next concept an existing number (a UNIQUE error).
    a.connection()
        .execute(
            "DELETE FROM decommission_concepts WHERE number = 'CTB-2026-0001'",
            [],
        )
        .unwrap();
    a.create_asset(
        &computer("IND0007", "Tesorería"),
        TECH,
        at("2026-03-03T10:00"),
    )
    .unwrap();
    let n7 = a
        .create_decommission_concept(
            "IND0007",
            &concept("2026-03-04"),
            TECH,
            at("2026-03-04T09:00"),
        )
        .unwrap()
        .number;
    assert_eq!(n7, "CTB-2026-0005");
}

/// Issue 12's defect: a one-page hoja de vida was 745 KB (both DejaVu faces embedded whole).
/// Now the fonts are subset: under 60 KB, still embedded (read from the bytes, so the check
/// also runs on Windows).
#[test]
fn a_one_page_life_record_is_small() {
    let (_dir, mut s) = file_store();
    s.create_asset(
        &computer("IND0042", "Tesorería"),
        TECH,
        at("2026-01-05T08:00"),
    )
    .unwrap();
    let pdf = s
        .asset_sheet_pdf("IND0042", TECH, at("2026-01-06T08:00"))
        .unwrap();
    assert!(
        pdf.len() < 60_000,
        "hoja de vida de una página: {} bytes",
        pdf.len()
    );
    let text = String::from_utf8_lossy(&pdf);
    assert_eq!(text.matches("/FontFile2").count(), 2, "fuentes incrustadas");
    assert!(
        text.contains("+DejaVuSans/") || text.contains("+DejaVuSans "),
        "subconjunto"
    );
    assert!(text.contains("+DejaVuSans-Bold"), "subconjunto negrita");
}
