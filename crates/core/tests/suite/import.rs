//! The importer against the fixtures and their truth.json (numbers are read from truth.json,
//! never copied by hand): counts, status counts, sample records; bad files refused with nothing
//! written; re-import adds nothing; undo restores the previous state exactly; no panic on any
//! bytes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use mesa_core::import::records::Catalogs;
use mesa_core::import::{
    analyze, AssetRecord, CaseRecord, ImportKind, ImportOptions, Record, Sink,
};
use mesa_core::{Store, TicketQuery};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(rel)).unwrap()
}

fn truth(rel: &str) -> Value {
    serde_json::from_slice(&read(rel)).unwrap()
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

/// Dry run without a store: every record the file yields.
fn parse(
    bytes: &[u8],
    name: &str,
    kind: ImportKind,
) -> (mesa_core::import::ImportReport, Vec<Record>) {
    let mut out = Vec::new();
    let opts = ImportOptions {
        kind,
        ..Default::default()
    };
    let cats = Catalogs::builtin();
    let rep = analyze(
        bytes,
        name,
        &opts,
        &cats,
        &mut |r| {
            out.push(r);
            Ok(Sink::New)
        },
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    (rep, out)
}

fn cases(recs: &[Record]) -> Vec<&CaseRecord> {
    recs.iter()
        .filter_map(|r| match r {
            Record::Case(c) => Some(c.as_ref()),
            _ => None,
        })
        .collect()
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn opts(kind: ImportKind) -> ImportOptions {
    ImportOptions {
        kind,
        ..Default::default()
    }
}

fn tickets_dump(store: &Store) -> Vec<String> {
    let mut stmt = store
        .connection()
        .prepare("SELECT * FROM tickets ORDER BY id")
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        let mut row = Vec::new();
        for i in 0..n {
            let v: mesa_core::db::Value = r.get(i)?;
            row.push(format!("{v:?}"));
        }
        Ok(row.join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn count(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn every_legacy_case_file_matches_its_truth() {
    let t = truth("legacy/truth.json");
    for (name, info) in t["files"].as_object().unwrap() {
        if info["type"] != "cases" {
            continue;
        }
        let bytes = read(&format!("legacy/{name}"));
        let (rep, recs) = parse(&bytes, name, ImportKind::Cases);
        let recs = cases(&recs);
        assert_eq!(
            rep.imported as u64,
            info["real_case_rows"].as_u64().unwrap(),
            "{name}: casos"
        );
        assert_eq!(recs.len() as u32, rep.imported);
        assert!(rep.errors.is_empty(), "{name}: {:?}", rep.errors);
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for c in &recs {
            *counts.entry(c.status.key().into()).or_default() += 1;
        }
        for (st, n) in info["status_counts"].as_object().unwrap() {
            assert_eq!(
                counts.get(st).copied().unwrap_or(0),
                n.as_u64().unwrap(),
                "{name}: {st}"
            );
        }
        // Every raw status spelling normalises as the truth says.
        for (raw, want) in info["status_map"].as_object().unwrap() {
            assert_eq!(
                mesa_core::import::values::parse_status(raw).map(|s| s.key()),
                want.as_str(),
                "{name}: {raw}"
            );
        }
        let dates: Vec<String> = recs
            .iter()
            .filter_map(|c| c.received.map(|d| d.iso()))
            .collect();
        assert_eq!(dates.len(), recs.len(), "{name}: every case has a date");
        let range = info["request_date_range"].as_array().unwrap();
        let first = dates.iter().min_by_key(|d| &d[..10]).unwrap();
        let last = dates.iter().max_by_key(|d| &d[..10]).unwrap();
        assert_eq!(&first[..10], &range[0].as_str().unwrap()[..10], "{name}");
        assert_eq!(&last[..10], &range[1].as_str().unwrap()[..10], "{name}");
        for sample in info["samples"].as_array().unwrap() {
            let src = &sample["source"];
            let row = src["row"].as_u64().or(src["record"].as_u64()).unwrap() as u32;
            let sheet = s(&src["sheet"]).unwrap_or_default();
            let c = recs
                .iter()
                .find(|c| c.row == row && (sheet.is_empty() || c.sheet == sheet))
                .unwrap_or_else(|| panic!("{name}: no record for {src}"));
            let ctx = format!("{name} fila {row}");
            assert_eq!(
                c.received.map(|d| d.iso()),
                s(&sample["request_date"]),
                "{ctx}"
            );
            assert_eq!(c.requester, s(&sample["requester"]), "{ctx}");
            assert_eq!(c.department, s(&sample["dependencia"]), "{ctx}");
            assert_eq!(c.service_type, s(&sample["service_type"]), "{ctx}");
            assert_eq!(c.description, s(&sample["description"]), "{ctx}");
            assert_eq!(
                Some(c.status.key().to_string()),
                s(&sample["status"]),
                "{ctx}"
            );
            assert_eq!(c.status_raw, s(&sample["status_raw"]), "{ctx}");
            assert_eq!(
                c.closed.map(|d| d.iso()),
                s(&sample["closing_date"]),
                "{ctx}"
            );
            let id = s(&src["id"]).unwrap();
            if !id.starts_with("row ") {
                assert_eq!(c.legacy_number.as_deref(), Some(id.as_str()), "{ctx}");
            }
        }
    }
}

#[test]
fn quirk_rows_of_the_2022_workbook() {
    let t = truth("legacy/truth.json");
    let info = &t["files"]["solicitudes_soporte_2022.xlsx"];
    let (rep, recs) = parse(
        &read("legacy/solicitudes_soporte_2022.xlsx"),
        "x.xlsx",
        ImportKind::Cases,
    );
    let recs = cases(&recs);
    assert_eq!(
        rep.sheets[0].header_row,
        info["header_row"].as_u64().map(|n| n as u32)
    );
    let by_row = |r: u64| recs.iter().find(|c| c.row as u64 == r).unwrap();
    for r in info["quirk_rows"]["text_long_date"].as_array().unwrap() {
        let c = by_row(r.as_u64().unwrap());
        assert!(c.received.unwrap().time.is_none(), "fila {r}: solo fecha");
    }
    for r in info["quirk_rows"]["pendiente_in_date_col"]
        .as_array()
        .unwrap()
    {
        assert_eq!(by_row(r.as_u64().unwrap()).closed, None);
    }
    // The hidden helper column is kept as an extra field, not lost.
    assert!(recs.iter().all(|c| c.extra.contains_key("Mes")));
}

#[test]
fn inventory_matches_its_truth() {
    let t = truth("legacy/truth.json");
    let info = &t["files"]["inventario_tic.xlsx"];
    let (rep, recs) = parse(
        &read("legacy/inventario_tic.xlsx"),
        "inventario_tic.xlsx",
        ImportKind::Assets,
    );
    let assets: Vec<&AssetRecord> = recs
        .iter()
        .filter_map(|r| match r {
            Record::Asset(a) => Some(a.as_ref()),
            _ => None,
        })
        .collect();
    assert_eq!(
        rep.imported as u64,
        info["real_asset_rows"].as_u64().unwrap()
    );
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for a in &assets {
        *counts.entry(a.estado.clone().unwrap()).or_default() += 1;
    }
    for (st, n) in info["estado_counts"].as_object().unwrap() {
        assert_eq!(
            counts.get(st).copied().unwrap_or(0),
            n.as_u64().unwrap(),
            "{st}"
        );
    }
    for (raw, want) in info["tipo_map"].as_object().unwrap() {
        let cats = Catalogs::builtin();
        assert_eq!(
            cats.asset_types.resolve(raw).as_deref(),
            want.as_str(),
            "{raw}"
        );
    }
    for sample in info["samples"].as_array().unwrap() {
        let row = sample["source"]["row"].as_u64().unwrap() as u32;
        let a = assets.iter().find(|a| a.row == row).unwrap();
        let ctx = format!("fila {row}");
        let tag = mesa_core::assets::display_tag(sample["placa"].as_str().unwrap()).unwrap();
        assert_eq!(a.placa.as_deref(), Some(tag.as_str()), "{ctx}");
        for (field, got) in [
            ("tipo", &a.tipo),
            ("marca", &a.marca),
            ("modelo", &a.modelo),
            ("serial", &a.serial),
            ("procesador", &a.procesador),
            ("disco", &a.disco),
            ("sistema_operativo", &a.sistema_operativo),
            ("dependencia", &a.dependencia),
            ("responsable", &a.responsable),
            ("fecha_adquisicion", &a.fecha_adquisicion),
            ("estado", &a.estado),
            ("observaciones", &a.observaciones),
        ] {
            assert_eq!(got, &s(&sample[field]), "{ctx}: {field}");
        }
        assert_eq!(a.ram_gb, sample["ram_gb"].as_f64(), "{ctx}: ram");
    }
}

#[test]
fn glpi_export_matches_its_truth() {
    let t = truth("real/truth.json");
    let (rep, recs) = parse(
        &read("real/glpi_tickets_es.csv"),
        "glpi_tickets_es.csv",
        ImportKind::Cases,
    );
    let recs = cases(&recs);
    assert_eq!(rep.imported as u64, t["real_case_rows"].as_u64().unwrap());
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for (raw, n) in t["status_counts_raw"].as_object().unwrap() {
        *want
            .entry(t["status_map"][raw].as_str().unwrap().into())
            .or_default() += n.as_u64().unwrap();
    }
    let mut got: BTreeMap<String, u64> = BTreeMap::new();
    for c in &recs {
        *got.entry(c.status.key().into()).or_default() += 1;
    }
    assert_eq!(got, want);
    assert_eq!(
        recs.iter().filter(|c| c.assignee.is_none()).count() as u64,
        t["rows_without_technician"].as_u64().unwrap()
    );
    assert_eq!(
        recs.iter().filter(|c| c.closed.is_none()).count() as u64,
        t["rows_without_closing_date"].as_u64().unwrap()
    );
    let mut cats: BTreeMap<String, u64> = BTreeMap::new();
    for c in &recs {
        *cats
            .entry(c.service_type_raw.clone().unwrap_or_default())
            .or_default() += 1;
    }
    for (cat, n) in t["category_counts"].as_object().unwrap() {
        assert_eq!(
            cats.get(cat).copied().unwrap_or(0),
            n.as_u64().unwrap(),
            "categoría {cat}"
        );
    }
    let dates: Vec<String> = recs
        .iter()
        .filter_map(|c| c.received.map(|d| d.iso()))
        .collect();
    let range = t["request_date_range"].as_array().unwrap();
    assert_eq!(
        dates.iter().min(),
        range[0].as_str().map(String::from).as_ref()
    );
    assert_eq!(
        dates.iter().max(),
        range[1].as_str().map(String::from).as_ref()
    );
    for sample in t["samples"].as_array().unwrap() {
        let row = sample["source"]["row"].as_u64().unwrap() as u32;
        let c = recs.iter().find(|c| c.row == row).unwrap();
        let ctx = format!("registro {row}");
        assert_eq!(c.legacy_number, s(&sample["legacy_number"]), "{ctx}");
        assert_eq!(c.description, s(&sample["description"]), "{ctx}");
        assert_eq!(
            Some(c.status.key().to_string()),
            s(&sample["status"]),
            "{ctx}"
        );
        assert_eq!(
            c.received.map(|d| d.iso()),
            s(&sample["request_date"]),
            "{ctx}"
        );
        assert_eq!(
            c.closed.map(|d| d.iso()),
            s(&sample["closing_date"]),
            "{ctx}"
        );
        assert_eq!(c.requester, s(&sample["requester"]), "{ctx}");
        assert_eq!(c.assignee, s(&sample["technician"]), "{ctx}");
        assert_eq!(c.service_type_raw, s(&sample["category_raw"]), "{ctx}");
        assert_eq!(c.priority, s(&sample["priority_raw"]), "{ctx}");
    }
}

#[test]
fn commit_reimport_and_undo_restore_the_previous_state() {
    let mut store = crate::support::store();
    let t = truth("legacy/truth.json");
    // A case registered by hand before the import must survive everything.
    store
        .create_ticket(
            &mesa_core::NewTicket {
                requester: "Ana Pérez".into(),
                department: "Sistemas".into(),
                description: "No hay red".into(),
                ..Default::default()
            },
            "técnico",
            now(),
        )
        .unwrap();
    let before = tickets_dump(&store);
    let counter_before = count(&store, "SELECT coalesce(sum(last), 0) FROM ticket_counters");
    let name = "solicitudes_soporte_2022.xlsx";
    let bytes = read(&format!("legacy/{name}"));
    let want = t["files"][name]["real_case_rows"].as_i64().unwrap();
    let rep = store
        .import_bytes(
            &bytes,
            name,
            &opts(ImportKind::Cases),
            false,
            "técnico",
            now(),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(rep.imported as i64, want);
    let batch = rep.batch.unwrap();
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM tickets WHERE import_batch IS NOT NULL"
        ),
        want
    );
    // Imported cases never consume the consecutive numbering, start no survey, never auto-close.
    assert_eq!(
        count(&store, "SELECT coalesce(sum(last), 0) FROM ticket_counters"),
        counter_before
    );
    assert_eq!(count(&store, "SELECT count(*) FROM tickets WHERE import_batch IS NOT NULL AND survey_due_at IS NOT NULL"), 0);
    assert!(store.autoclose(now()).unwrap().is_empty());
    store.recompute_all_deadlines().unwrap();
    assert_eq!(count(&store, "SELECT count(*) FROM tickets WHERE import_batch IS NOT NULL AND survey_due_at IS NOT NULL"), 0);
    assert!(
        count(
            &store,
            "SELECT count(*) FROM tickets WHERE sla_lacks_data = 1"
        ) > 0
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM tickets WHERE import_batch IS NOT NULL AND status = 'closed' AND close_reason = 'imported'"),
        t["files"][name]["status_counts"]["cerrado"].as_i64().unwrap()
    );
    // Listed with legacy number, provenance and extra fields.
    let page = store
        .list_tickets(
            &TicketQuery {
                search: None,
                limit: 1000,
                ..Default::default()
            },
            now(),
        )
        .unwrap();
    let first = page
        .items
        .iter()
        .find(|x| x.legacy_number.as_deref() == Some("SOP-2022-001"))
        .expect("caso importado listado");
    let src = first.source.as_ref().unwrap();
    assert_eq!(src.file, name);
    assert_eq!(src.sheet.as_deref(), Some("Solicitudes"));
    assert_eq!(src.row, Some(3));
    assert!(first.extra.contains_key("Mes"));
    assert_eq!(first.status, mesa_core::TicketStatus::Closed);

    // The same file again: nothing new, no batch.
    let after_first = tickets_dump(&store);
    let again = store
        .import_bytes(
            &bytes,
            name,
            &opts(ImportKind::Cases),
            false,
            "técnico",
            now(),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(again.imported, 0);
    assert_eq!(again.duplicates as i64, want);
    assert_eq!(again.batch, None);
    assert_eq!(tickets_dump(&store), after_first);
    assert_eq!(store.import_batches().unwrap().len(), 1);

    // Undo: the tickets table is exactly as before the import.
    let b = store.undo_import(batch, "técnico", now()).unwrap();
    assert!(b.undone_at.is_some());
    assert_eq!(b.remaining, 0);
    assert_eq!(tickets_dump(&store), before);
    assert_eq!(count(&store, "SELECT count(*) FROM ticket_events e WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = e.ticket_id)"), 0);
    assert!(store.undo_import(batch, "técnico", now()).is_err());
}

#[test]
fn overlapping_later_version_adds_only_new_cases() {
    // The CSV cut in two overlapping halves: records 1..80 and 1..120 (header + overlap).
    let bytes = read("legacy/casos_exportados.csv");
    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    let early: Vec<u8> = lines[..81].concat();
    let mut store = crate::support::store();
    let a = store
        .import_bytes(
            &early,
            "casos_v1.csv",
            &opts(ImportKind::Cases),
            false,
            "t",
            now(),
            &mut |_| {},
        )
        .unwrap();
    let b = store
        .import_bytes(
            &bytes,
            "casos_v2.csv",
            &opts(ImportKind::Cases),
            false,
            "t",
            now(),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(a.imported + b.imported, 120);
    assert_eq!(b.duplicates, a.imported);
    assert_eq!(count(&store, "SELECT count(*) FROM tickets"), 120);
}

#[test]
fn every_fixture_commits_and_assets_go_to_the_equipment_module() {
    let mut store = crate::support::store();
    let t = truth("legacy/truth.json");
    let mut total = 0;
    for (name, info) in t["files"].as_object().unwrap() {
        let kind = match info["type"].as_str().unwrap() {
            "cases" => ImportKind::Cases,
            "inventory" => ImportKind::Assets,
            _ => continue,
        };
        let rep = store
            .import_bytes(
                &read(&format!("legacy/{name}")),
                name,
                &opts(kind),
                false,
                "t",
                now(),
                &mut |_| {},
            )
            .unwrap();
        let want = info["real_case_rows"]
            .as_i64()
            .or(info["real_asset_rows"].as_i64())
            .unwrap();
        assert_eq!(rep.imported as i64, want, "{name}");
        if kind == ImportKind::Cases {
            total += want;
        } else {
            assert_eq!(count(&store, "SELECT count(*) FROM assets"), want);
            let batch = rep.batch.unwrap();
            store.undo_import(batch, "t", now()).unwrap();
            assert_eq!(count(&store, "SELECT count(*) FROM assets"), 0);
        }
    }
    assert_eq!(count(&store, "SELECT count(*) FROM tickets"), total);
    let glpi = store
        .import_bytes(
            &read("real/glpi_tickets_es.csv"),
            "glpi.csv",
            &opts(ImportKind::Cases),
            false,
            "t",
            now(),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(
        glpi.imported as u64,
        truth("real/truth.json")["real_case_rows"].as_u64().unwrap()
    );
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn bad_files_are_refused_with_nothing_written() {
    let mut store = crate::support::store();
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(2048, 0);
    ole.extend(
        "EncryptionInfo"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    ole.resize(4096, 0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.xlsx",
            read("legacy/truncated.xlsx"),
            "import_damaged",
        ),
        ("empty.xlsx", read("legacy/empty.xlsx"), "import_empty"),
        ("protegido.xlsx", ole, "import_password"),
        (
            "solo_encabezado.xlsx",
            xlsx(&[&[
                "Fecha",
                "Solicitante",
                "Dependencia",
                "Descripción",
                "Estado",
            ]]),
            "import_header_only",
        ),
        (
            "otra_cosa.xlsx",
            xlsx(&[
                &["Producto", "Cantidad", "Precio"],
                &["Balón", "3", "45000"],
            ]),
            "import_no_columns",
        ),
        ("vacio.csv", b"   \r\n".to_vec(), "import_empty"),
        (
            "imagen.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec(),
            "import_unsupported",
        ),
    ];
    for (name, bytes, code) in cases {
        for dry in [true, false] {
            let before = tickets_dump(&store);
            let e = store
                .import_bytes(
                    &bytes,
                    name,
                    &opts(ImportKind::Cases),
                    dry,
                    "t",
                    now(),
                    &mut |_| {},
                )
                .expect_err(name);
            assert_eq!(e.code(), code, "{name}: {e}");
            assert!(
                e.to_string().contains("No se importó nada") || code == "import_unsupported",
                "{name}: {e}"
            );
            assert_eq!(tickets_dump(&store), before, "{name}");
            assert_eq!(
                count(&store, "SELECT count(*) FROM import_batches"),
                0,
                "{name}"
            );
        }
    }
}

#[test]
fn a_csv_renamed_xlsx_imports_as_csv() {
    let mut store = crate::support::store();
    let rep = store
        .import_bytes(
            &read("legacy/casos_exportados.csv"),
            "casos.xlsx",
            &opts(ImportKind::Cases),
            false,
            "t",
            now(),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(rep.format, mesa_core::import::Format::Csv);
    assert_eq!(rep.imported, 120);
}

#[test]
fn exact_duplicate_rows_count_once_and_notes_totals_footers_are_skipped() {
    let bytes = xlsx(&[
        &["CONTROL DE CASOS"],
        &[],
        &[
            "",
            "N°",
            "Fecha",
            "Solicitante",
            "Área",
            "Descripción",
            "Estado",
        ],
        &["", "1", "3/02/2023", "Ana", "TIC", "Sin red", "Abierto"],
        &["", "1", "3/02/2023", "Ana", "TIC", "Sin red", "Abierto"],
        &[
            "",
            "2",
            "4/02/2023",
            "Luis",
            "Tesorería",
            "Impresora",
            "cerrado",
        ],
        &["", "Nota: los casos de marzo están en otra hoja"],
        &["", "TOTAL", "", "", "", "", "2"],
        &["", "Elaboró: Técnico", "", "Revisó: Ingeniero"],
    ]);
    let (rep, recs) = parse(&bytes, "x.xlsx", ImportKind::Cases);
    assert_eq!(rep.imported, 2);
    assert_eq!(rep.duplicates, 1);
    assert_eq!(rep.sheets[0].header_row, Some(3));
    let c = cases(&recs);
    assert_eq!(c[0].department.as_deref(), Some("Sistemas"));
    assert_eq!(rep.warnings.len(), 1, "{:?}", rep.warnings);
}

#[test]
fn a_saved_mapping_changes_columns_and_values() {
    let bytes = xlsx(&[
        &["Cuándo", "Quién", "Oficina", "Qué pasó", "Cómo va", "Fecha"],
        &[
            "3/02/2023",
            "Ana",
            "Planeación",
            "Sin red",
            "Listo",
            "9/02/2023",
        ],
    ]);
    let cats = Catalogs::builtin();
    let mapping = mesa_core::import::Mapping::from_json(
        r#"{"columns": {"Cuándo": "received_at", "Quién": "requester", "Qué pasó": "description",
             "Cómo va": "status", "Fecha": ""},
            "values": {"status": {"Listo": "solucionado"}, "department": {"Planeación": "Dirección General"}}}"#,
    )
    .unwrap();
    let o = ImportOptions {
        mapping: Some(mapping),
        ..Default::default()
    };
    let mut out = vec![];
    let rep = analyze(
        &bytes,
        "m.xlsx",
        &o,
        &cats,
        &mut |r| {
            out.push(r);
            Ok(Sink::New)
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(rep.imported, 1);
    let c = cases(&out)[0];
    assert_eq!(c.status.key(), "solucionado");
    assert_eq!(c.department.as_deref(), Some("Dirección General"));
    assert_eq!(c.received.unwrap().iso(), "2023-02-03");
    assert_eq!(c.extra.get("Fecha").map(String::as_str), Some("9/02/2023"));
    assert!(mesa_core::import::Mapping::from_json(r#"{"columns": {"x": "nope"}}"#).is_err());
}

/// Deterministic xorshift PRNG.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn never_panics_on_any_bytes() {
    let seeds = [
        read("legacy/solicitudes_soporte_2022.xlsx"),
        read("legacy/relacion_2021.xls"),
        read("legacy/bitacora_soporte_2024.ods"),
        read("legacy/casos_exportados.csv"),
        read("legacy/inventario_tic.xlsx"),
        read("legacy/empty.xlsx"),
    ];
    let cats = Catalogs::builtin();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let iterations: usize = std::env::var("IMPORT_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    for i in 0..iterations {
        let seed = &seeds[i % seeds.len()];
        let mut b = match rng.below(4) {
            0 => seed[..rng.below(seed.len())].to_vec(),
            1 | 2 => {
                let mut b = seed.clone();
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(b.len());
                    b[at] = rng.next() as u8;
                }
                b
            }
            _ => (0..rng.below(4096)).map(|_| rng.next() as u8).collect(),
        };
        if i % 7 == 0 && !b.is_empty() {
            let cut = rng.below(b.len());
            b.truncate(cut);
        }
        for kind in [ImportKind::Cases, ImportKind::Assets] {
            let o = ImportOptions {
                kind,
                ..Default::default()
            };
            let _ = analyze(&b, "fuzz", &o, &cats, &mut |_| Ok(Sink::New), &mut |_| {});
        }
    }
}
