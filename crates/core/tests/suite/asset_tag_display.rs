//! A placa is shown and printed as the office writes it (`IND-0083`), and matched by its
//! normalised form (`IND0083`): lookups, search, duplicates, cases, maintenance, documents and
//! the inventory importer. Real SQLite files in temp dirs; XLSX read back with calamine; PDFs
//! read with poppler's `pdftotext`.

use std::path::Path;
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use mesa_core::assets::*;
use mesa_core::clock::parse_time_input;
use mesa_core::maintenance::*;
use mesa_core::*;

const TECH: &str = "Técnico de sistemas";

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

/// A store with a data folder, on this run's engine.
fn file_store() -> (crate::support::TestDb, Store) {
    let db = crate::support::db();
    let s = db.open();
    (db, s)
}

fn computer(tag: &str) -> NewAsset {
    NewAsset {
        tag: tag.into(),
        kind: "Computador de escritorio".into(),
        brand: Some("Lenovo".into()),
        serial: Some("SN-83".into()),
        department: Some("Tesorería".into()),
        ..Default::default()
    }
}

fn cells(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) instalado");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn display_and_normalised_forms() {
    for (typed, shown, key) in [
        ("IND-0083", "IND-0083", "IND0083"),
        ("  ind   0083 ", "ind 0083", "IND0083"),
        ("IND0083", "IND0083", "IND0083"),
        ("123.0", "123", "123"),
    ] {
        assert_eq!(display_tag(typed).unwrap(), shown, "{typed}");
        assert_eq!(normalize_tag(typed).unwrap(), key, "{typed}");
    }
    assert_eq!(display_tag(" - ").unwrap_err().code(), "validation");
    assert_eq!(display_tag("SIS/001").unwrap(), "SIS/001");
    assert_eq!(tag_for_file_name("SIS/001"), "SIS-001");
    assert_eq!(tag_for_file_name(r"A\B:C*D?E"), "A-B-C-D-E");
    assert_eq!(tag_for_file_name("IND-0083"), "IND-0083");
    assert_eq!(display_tag("").unwrap_err().code(), "validation");
}

#[test]
fn created_as_typed_found_by_any_form_and_unique_by_the_normalised_one() {
    let (_dir, mut s) = file_store();
    let now = at("2026-03-02T09:00");
    let a = s.create_asset(&computer("  IND-0083 "), TECH, now).unwrap();
    assert_eq!(a.tag, "IND-0083");
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["tag"], "IND-0083");
    // Stored: the key normalised, the office's form beside it.
    let (tag, shown): (String, Option<String>) = s
        .connection()
        .query_row("SELECT tag, tag_display FROM assets", [], |r| {
            Ok((r.get("tag")?, r.get("tag_display")?))
        })
        .unwrap();
    assert_eq!(
        (tag.as_str(), shown.as_deref()),
        ("IND0083", Some("IND-0083"))
    );

    for typed in ["IND0083", "ind 0083", "ind-0083", "IND-0083"] {
        assert_eq!(s.get_asset(typed).unwrap().tag, "IND-0083", "{typed}");
        assert_eq!(s.asset_record(typed).unwrap().asset.tag, "IND-0083");
        let found = s
            .list_assets(&AssetQuery {
                search: Some(typed.into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(found.len(), 1, "{typed}");
        assert_eq!(found[0].tag, "IND-0083");
    }
    let none = s
        .list_assets(&AssetQuery {
            search: Some("IND0084".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(none.is_empty());

    // Same equipment in another form: a duplicate, named as the office writes it.
    for dup in ["IND0083", "ind 0083"] {
        let err = s.create_asset(&computer(dup), TECH, now).unwrap_err();
        assert_eq!(err.code(), "duplicate_asset", "{dup}");
        assert!(err.to_string().contains("«IND-0083»"), "{err}");
    }
    let n: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM assets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);

    // An equipment typed in the normalised form stores no second form.
    s.create_asset(&computer("UPS01"), TECH, now).unwrap();
    let shown: Option<String> = s
        .connection()
        .query_row(
            "SELECT tag_display FROM assets WHERE tag = 'UPS01'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(shown, None);

    // Editing keeps the office's form.
    let edited = s
        .update_asset(
            "ind0083",
            &NewAsset {
                location: Some("Piso 3".into()),
                ..Default::default()
            },
            TECH,
            now,
        )
        .unwrap();
    assert_eq!(edited.tag, "IND-0083");
    assert_eq!(edited.location.as_deref(), Some("Piso 3"));
    // The audit trail is keyed by the normalised placa; the screens ask with the shown form.
    let history = s.audit_history("assets", "IND-0083").unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history, s.audit_history("assets", "IND0083").unwrap());
}

#[test]
fn a_case_shows_the_equipment_form_and_the_record_finds_its_cases() {
    let (_dir, mut s) = file_store();
    let now = at("2026-03-02T09:00");
    s.create_asset(&computer("IND-0083"), TECH, now).unwrap();
    let t = s
        .create_ticket(
            &NewTicket {
                requester: "Ana Ruiz".into(),
                department: "Tesorería".into(),
                description: "No enciende".into(),
                asset_tag: Some("ind0083".into()),
                ..Default::default()
            },
            TECH,
            now,
        )
        .unwrap();
    let other = s
        .create_ticket(
            &NewTicket {
                requester: "Ana Ruiz".into(),
                department: "Tesorería".into(),
                description: "Impresora".into(),
                asset_tag: Some("SIN-999".into()),
                ..Default::default()
            },
            TECH,
            now,
        )
        .unwrap();
    let d = s.get_ticket(&t.number, now).unwrap();
    assert_eq!(d.ticket.asset_tag.as_deref(), Some("IND-0083"));
    let d = s.get_ticket(&other.number, now).unwrap();
    assert_eq!(d.ticket.asset_tag.as_deref(), Some("SIN-999"));
    let rec = s.asset_record("IND0083").unwrap();
    assert_eq!(rec.cases.len(), 1);
    assert_eq!(rec.cases[0].number, t.number);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdftotext (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn documents_and_maintenance_print_the_office_form() {
    let (dir, mut s) = file_store();
    let now = at("2025-01-02T08:00");
    s.create_asset(&computer("IND-0083"), TECH, now).unwrap();
    s.create_plan(2025, Some("Plan 2025"), TECH, now).unwrap();
    let item = s
        .add_plan_item(
            2025,
            &NewPlanItem {
                target: PlanTarget::Asset {
                    tag: "ind 0083".into(),
                },
                activity: "Limpieza interna".into(),
                checklist: vec!["Limpieza".into()],
                frequency: Frequency::Annual,
                start_month: 3,
                responsible: TECH.into(),
            },
            now,
        )
        .unwrap();
    assert_eq!(
        item.target,
        PlanTarget::Asset {
            tag: "IND-0083".into()
        }
    );
    let cr = s.cronograma(2025, now).unwrap();
    assert_eq!(
        cr.rows[0].item.target,
        PlanTarget::Asset {
            tag: "IND-0083".into()
        }
    );

    let inv = dir.data_dir().join("inventario.xlsx");
    std::fs::write(&inv, s.inventory_xlsx(now).unwrap()).unwrap();
    let rows = cells(&inv, "Inventario");
    let hr = rows.iter().position(|r| r[0] == "Placa").unwrap();
    assert_eq!(rows[hr + 1][0], "IND-0083");

    let xl = dir.data_dir().join("cronograma.xlsx");
    std::fs::write(&xl, s.cronograma_xlsx(2025, now).unwrap()).unwrap();
    let rows = cells(&xl, "Cronograma 2025");
    assert!(
        rows.iter().flatten().any(|c| c.contains("IND-0083")),
        "{rows:?}"
    );
    assert!(!rows.iter().flatten().any(|c| c.contains("IND0083")));

    let pdf = dir.data_dir().join("cronograma.pdf");
    std::fs::write(&pdf, s.cronograma_pdf(2025, now).unwrap()).unwrap();
    let text = pdftotext(&pdf);
    assert!(text.contains("IND-0083"), "{text}");
    assert!(!text.contains("IND0083"), "{text}");

    let sheet = dir.data_dir().join("hoja.pdf");
    std::fs::write(&sheet, s.asset_sheet_pdf("ind0083", TECH, now).unwrap()).unwrap();
    let text = pdftotext(&sheet);
    assert!(text.contains("Placa IND-0083"), "{text}");
    assert!(!text.contains("IND0083"), "{text}");
}

#[test]
fn an_imported_inventory_keeps_its_own_form() {
    let (_dir, mut s) = file_store();
    let now = at("2026-03-02T09:00");
    let rows: Vec<NewAsset> = ["IND-0100", "alm 0007", "123.0"]
        .into_iter()
        .map(|t| NewAsset {
            tag: t.into(),
            kind: "Impresora".into(),
            source: Some(Source {
                file: "inventario.xlsx".into(),
                sheet: Some("Equipos".into()),
                row: Some(2),
            }),
            ..Default::default()
        })
        .collect();
    let out = s.import_assets(&rows, None, TECH, now).unwrap();
    assert_eq!(out.tags, ["IND-0100", "alm 0007", "123"]);
    assert_eq!(s.get_asset("IND0100").unwrap().tag, "IND-0100");
    assert_eq!(s.get_asset("ALM-0007").unwrap().tag, "alm 0007");
    // The same placa in another form, in the same file: refused, nothing written.
    let (_dir2, mut s2) = file_store();
    let mut twice = rows.clone();
    twice[1].tag = "IND0100".into();
    let err = s2.import_assets(&twice, None, TECH, now).unwrap_err();
    assert_eq!(err.code(), "duplicate_asset");
    assert!(s2.list_assets(&AssetQuery::default()).unwrap().is_empty());
}
