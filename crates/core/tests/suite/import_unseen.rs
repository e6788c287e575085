//! Issue 15: files nobody has shown us. The fixtures in `tests/fixtures/unseen/` use other
//! words and layouts than the legacy set (abbreviations, office words, headers that match
//! nothing); each has a truth file (`<file>.truth.json`, written by `gen_unseen.py` from the
//! data it generated) with the sheet's counts, the expected mapping and sample records.
//! Also: nothing is lost (a row with any single field is a case) and a seeded property test
//! (shuffled columns, headers renamed to unknown words: no case lost, no field mapped twice).

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use mesa_core::import::records::Catalogs;
use mesa_core::import::{analyze, ImportOptions, ImportReport, MapSource, Mapping, Record, Sink};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/unseen")
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

/// Dry run without a store: the report and every record the file yields.
fn parse(bytes: &[u8], name: &str, mapping: Option<Mapping>) -> (ImportReport, Vec<Record>) {
    let mut out = Vec::new();
    let opts = ImportOptions {
        mapping,
        ..Default::default()
    };
    let rep = analyze(
        bytes,
        name,
        &opts,
        &Catalogs::builtin(),
        &mut |r| {
            out.push(r);
            Ok(Sink::New)
        },
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    (rep, out)
}

fn fixtures() -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let n = p.file_name()?.to_str()?.to_string();
            let file = n.strip_suffix(".truth.json")?.to_string();
            Some((
                file,
                serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap(),
            ))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// No field is held by two columns of one sheet.
fn assert_one_column_per_field(rep: &ImportReport, what: &str) {
    for s in &rep.sheets {
        let mut seen = HashSet::new();
        for c in &s.columns {
            if let Some(f) = &c.field {
                assert!(
                    seen.insert(f.clone()),
                    "{what}: «{f}» mapped twice: {:?}",
                    s.columns
                );
            }
        }
    }
}

#[test]
fn unseen_fixtures_match_their_truth_counts_mapping_and_samples() {
    let all = fixtures();
    assert!(all.len() >= 4, "{all:?}");
    let mut inferred_files = 0;
    for (file, truth) in &all {
        let bytes = std::fs::read(dir().join(file)).unwrap();
        let (rep, recs) = parse(&bytes, file, None);
        assert!(rep.errors.is_empty(), "{file}: {:?}", rep.errors);
        let sheets: Vec<_> = rep.sheets.iter().filter(|s| s.skipped.is_none()).collect();
        assert_eq!(sheets.len(), 1, "{file}: {:?}", rep.sheets);
        let s = sheets[0];
        // Counts: rows seen = cases + duplicates + skipped, by reason.
        assert_eq!(
            s.header_row,
            truth["header_row"].as_u64().map(|r| r as u32),
            "{file}"
        );
        assert_eq!(
            s.rows as u64,
            truth["rows"].as_u64().unwrap(),
            "{file}: rows"
        );
        assert_eq!(
            s.cases as u64,
            truth["cases"].as_u64().unwrap(),
            "{file}: cases"
        );
        assert_eq!(rep.imported, s.cases, "{file}");
        assert_eq!(
            s.duplicates as u64,
            truth["duplicates"].as_u64().unwrap(),
            "{file}"
        );
        let skipped: BTreeMap<String, u64> = s
            .skipped_rows
            .iter()
            .map(|k| (k.reason.clone(), k.count as u64))
            .collect();
        let want: BTreeMap<String, u64> = truth["skipped"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(skipped, want, "{file}: skipped rows");
        assert!(s.balanced(), "{file}: {s:?}");
        // Mapping: every header to its field; inferred ones say so.
        let inferred: HashSet<&str> = truth["inferred"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        if !inferred.is_empty() {
            inferred_files += 1;
        }
        for (h, f) in truth["mapping"].as_object().unwrap() {
            let col = s
                .columns
                .iter()
                .find(|c| &c.header == h)
                .unwrap_or_else(|| panic!("{file}: no column «{h}»: {:?}", s.columns));
            let f = f.as_str().unwrap();
            assert_eq!(col.field.as_deref().unwrap_or(""), f, "{file}: «{h}»");
            let source = if f.is_empty() {
                None
            } else if inferred.contains(h.as_str()) {
                Some(MapSource::Content)
            } else {
                Some(MapSource::Header)
            };
            assert_eq!(col.source, source, "{file}: «{h}»");
            if f.is_empty() {
                assert!(
                    col.note.is_some(),
                    "{file}: «{h}» kept as extra without a note"
                );
            }
        }
        assert_one_column_per_field(&rep, file);
        // Sample records, field by field.
        let by_row: BTreeMap<u32, BTreeMap<String, String>> = recs
            .iter()
            .map(|r| match r {
                Record::Case(c) => (c.row, r.preview_values()),
                Record::Asset(a) => (a.row, r.preview_values()),
            })
            .collect();
        for sample in truth["samples"].as_array().unwrap() {
            let row = sample["row"].as_u64().unwrap() as u32;
            let got = by_row
                .get(&row)
                .unwrap_or_else(|| panic!("{file}: row {row} is no case"));
            for (k, v) in sample["values"].as_object().unwrap() {
                assert_eq!(
                    got.get(k).map(String::as_str),
                    v.as_str(),
                    "{file}, row {row}, field {k}: {got:?}"
                );
            }
        }
        // Rows holding a single field are cases, flagged with what they lack.
        for single in truth["single_field_rows"].as_array().into_iter().flatten() {
            let row = single["row"].as_u64().unwrap() as u32;
            let field = single["field"].as_str().unwrap();
            let got = by_row
                .get(&row)
                .unwrap_or_else(|| panic!("{file}: single-field row {row} ({field}) was lost"));
            assert!(got.contains_key(field), "{file}: row {row}: {got:?}");
        }
    }
    assert!(
        inferred_files >= 1,
        "a fixture only content inference can map"
    );
}

#[test]
fn an_inferred_mapping_is_recorded_in_the_batch_and_reimport_and_undo_agree() {
    let dirp = crate::support::db();
    let mut store = dirp.open();
    let file = "planilla_campos.ods";
    let truth: Value =
        serde_json::from_slice(&std::fs::read(dir().join(format!("{file}.truth.json"))).unwrap())
            .unwrap();
    let path = dir().join(file);
    let opts = ImportOptions::default();
    let rep = store
        .import_file(&path, &opts, false, "tecnico", now(), &mut |_| {})
        .unwrap();
    assert_eq!(rep.imported as u64, truth["cases"].as_u64().unwrap());
    let batch = rep.batch.unwrap();
    let json: String = store
        .connection()
        .query_row(
            "SELECT mapping FROM import_batches WHERE id = ?1",
            [batch],
            |r| r.get("mapping"),
        )
        .unwrap();
    let saved = Mapping::from_json(&json).unwrap();
    for (h, f) in truth["mapping"].as_object().unwrap() {
        assert_eq!(saved.columns.get(h).map(String::as_str), f.as_str(), "{h}");
        assert_eq!(saved.inferred.get(h).map(String::as_str), f.as_str(), "{h}");
    }
    // Re-importing with the batch's mapping maps the same way: nothing new.
    let again = ImportOptions {
        mapping: Some(saved.clone()),
        ..Default::default()
    };
    let rep2 = store
        .import_file(&path, &again, false, "tecnico", now(), &mut |_| {})
        .unwrap();
    assert_eq!(rep2.imported, 0);
    assert_eq!(rep2.duplicates, rep.imported);
    assert_eq!(rep2.batch, None);
    let fields = |r: &ImportReport| -> Vec<(String, Option<String>)> {
        r.sheets
            .iter()
            .flat_map(|s| {
                s.columns
                    .iter()
                    .map(|c| (c.header.clone(), c.field.clone()))
            })
            .collect()
    };
    assert_eq!(fields(&rep), fields(&rep2));
    // Without the mapping, inference alone finds the same records (same keys).
    let rep3 = store
        .import_file(&path, &opts, true, "tecnico", now(), &mut |_| {})
        .unwrap();
    assert_eq!(rep3.imported, 0);
    // Undo removes the batch; the file then imports again, the same way.
    store.undo_import(batch, "tecnico", now()).unwrap();
    let n: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    let rep4 = store
        .import_file(&path, &again, true, "tecnico", now(), &mut |_| {})
        .unwrap();
    assert_eq!(rep4.imported, rep.imported);
}

/// One value per case field, as an office would type it.
const SINGLE: &[(&str, &str, &str)] = &[
    ("legacy_number", "Radicado", "R-77"),
    ("received_at", "Fecha de solicitud", "03/02/2025 09:10"),
    ("received_time", "Hora", "09:10"),
    ("requester", "Solicitante", "Rosa Amaya"),
    ("department", "Dependencia", "Tesorería"),
    ("service_type", "Tipo de servicio", "Impresoras"),
    ("description", "Descripción", "No imprime"),
    ("assignee", "Técnico", "Wilmer Daza"),
    ("status", "Estado", "Cerrado"),
    ("closed_at", "Fecha de cierre", "04/02/2025"),
    ("solution", "Solución", "Se cambió el tóner"),
    ("priority", "Prioridad", "Alta"),
    ("phone", "Extensión", "214"),
    ("email", "Correo", "rosa@entidad.gov.co"),
    ("location", "Sede", "Sede norte"),
    ("asset_tag", "Placa", "PC-0123"),
    ("channel", "Canal", "Teléfono"),
];

#[test]
fn a_row_with_any_single_field_is_a_case_with_warnings_naming_what_is_missing() {
    let header: Vec<&str> = SINGLE.iter().map(|s| s.1).collect();
    let mut csv = header.join(";") + "\n";
    for (i, _) in SINGLE.iter().enumerate() {
        let row: Vec<&str> = (0..SINGLE.len())
            .map(|j| if i == j { SINGLE[j].2 } else { "" })
            .collect();
        csv.push_str(&row.join(";"));
        csv.push('\n');
    }
    // What holds nothing of a case: blank, a lone note, a total, a signature, the header again.
    csv.push_str(&";".repeat(SINGLE.len() - 1));
    csv.push('\n');
    csv.push_str("Nota: faltan los casos de la sede sur\n");
    csv.push_str(&format!("TOTAL;{}\n", SINGLE.len()));
    csv.push_str("Elaboró: Jefe de Sistemas\n");
    csv.push_str(&(header.join(";") + "\n"));
    let (rep, recs) = parse(csv.as_bytes(), "campos_sueltos.csv", None);
    let s = &rep.sheets[0];
    for (key, h, _) in SINGLE {
        let col = s.columns.iter().find(|c| c.header == *h).unwrap();
        assert_eq!(col.field.as_deref(), Some(*key), "«{h}»");
    }
    assert_eq!(recs.len(), SINGLE.len(), "{:?}", rep.warnings);
    for (i, (key, _, _)) in SINGLE.iter().enumerate() {
        let Record::Case(c) = &recs[i] else { panic!() };
        assert_eq!(c.row as usize, i + 2);
        let v = recs[i].preview_values();
        // The received time alone has no date to belong to; every other value is kept.
        if *key != "received_time" {
            assert!(v.contains_key(*key), "{key}: {v:?}");
        }
        let warned = rep
            .warnings
            .iter()
            .find(|w| w.row == Some(c.row) && w.message.starts_with("Caso incompleto"));
        match *key {
            "requester" => assert!(warned.unwrap().message.contains("sin descripción")),
            "description" => assert!(warned.unwrap().message.contains("sin solicitante")),
            _ => {
                let m = &warned.unwrap().message;
                assert!(
                    m.contains("sin solicitante") && m.contains("sin descripción"),
                    "{m}"
                );
            }
        }
    }
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(s.rows as usize, SINGLE.len() + 5);
    assert_eq!(s.cases as usize, SINGLE.len());
    let skipped: BTreeMap<&str, u32> = s
        .skipped_rows
        .iter()
        .map(|k| (k.reason.as_str(), k.count))
        .collect();
    assert_eq!(
        skipped,
        BTreeMap::from([
            ("blank", 1),
            ("footer", 1),
            ("note", 1),
            ("repeated_header", 1),
            ("total", 1)
        ])
    );
    assert!(s.balanced());
}

/// A small deterministic generator (no extra dependency): xorshift64*.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// A case table: (header, field, values per row).
fn table(rng: &mut Rng, rows: usize) -> Vec<(String, &'static str, Vec<String>)> {
    let first = [
        "Ana", "Luis", "Marta", "Jorge", "Diana", "Carlos", "Paola", "Iván",
    ];
    let last = [
        "Díaz", "Pérez", "Rojas", "Ospina", "Barrios", "Castro", "Romero",
    ];
    let deps = [
        "Tesorería",
        "Contabilidad",
        "Almacén",
        "Presupuesto",
        "Control Interno",
    ];
    let techs = ["Rafael Orozco", "Wilmer Daza"];
    let problems = [
        "El computador no enciende",
        "No hay internet en la oficina",
        "La impresora no imprime",
        "Se bloqueó el usuario del sistema",
        "El monitor no da imagen",
    ];
    let statuses = ["Cerrado", "Solucionado", "En proceso", "Pendiente"];
    let mut cols: Vec<(String, &'static str, Vec<String>)> = vec![
        ("Número".into(), "legacy_number", vec![]),
        ("Fecha de solicitud".into(), "received_at", vec![]),
        ("Solicitante".into(), "requester", vec![]),
        ("Dependencia".into(), "department", vec![]),
        ("Descripción".into(), "description", vec![]),
        ("Técnico".into(), "assignee", vec![]),
        ("Estado".into(), "status", vec![]),
        ("Correo".into(), "email", vec![]),
    ];
    for i in 0..rows {
        let f = first[rng.below(first.len())];
        let l = last[rng.below(last.len())];
        let vals = [
            format!("{}", i + 1),
            format!(
                "{:02}/0{}/2025 {:02}:{:02}",
                1 + i % 27,
                1 + i % 9,
                8 + i % 9,
                i % 60
            ),
            format!("{f} {l}"),
            deps[rng.below(deps.len())].to_string(),
            format!("{} (caso {})", problems[rng.below(problems.len())], i + 1),
            techs[rng.below(techs.len())].to_string(),
            statuses[rng.below(statuses.len())].to_string(),
            format!("{}{}{}@entidad.gov.co", f.to_lowercase(), i, rng.below(9)),
        ];
        for (c, v) in cols.iter_mut().zip(vals) {
            c.2.push(v);
        }
    }
    cols
}

#[test]
fn shuffled_columns_and_unknown_headers_never_lose_a_case_nor_map_a_field_twice() {
    let mut rng = Rng(0x1515_2026);
    let unknown = [
        "Dato",
        "Campo",
        "Columna X",
        "Info",
        "Valor",
        "Registro",
        "Anexo",
    ];
    for round in 0..40 {
        let rows = 12 + rng.below(30);
        let mut cols = table(&mut rng, rows);
        rng.shuffle(&mut cols);
        // Rename some headers (in the later rounds, all of them) to words nobody lists.
        let all_unknown = round >= 30;
        for (i, c) in cols.iter_mut().enumerate() {
            if all_unknown || rng.below(2) == 0 {
                c.0 = format!("{} {}", unknown[rng.below(unknown.len())], i + 1);
            }
        }
        let mut csv = cols
            .iter()
            .map(|c| c.0.clone())
            .collect::<Vec<_>>()
            .join(";")
            + "\n";
        for r in 0..rows {
            csv.push_str(
                &cols
                    .iter()
                    .map(|c| c.2[r].clone())
                    .collect::<Vec<_>>()
                    .join(";"),
            );
            csv.push('\n');
        }
        let what = format!(
            "round {round}: {:?}",
            cols.iter().map(|c| &c.0).collect::<Vec<_>>()
        );
        let (rep, recs) = parse(csv.as_bytes(), "aleatorio.csv", None);
        assert_eq!(recs.len(), rows, "{what}: a case was lost");
        assert_eq!(rep.sheets[0].cases as usize, rows, "{what}");
        assert!(rep.sheets[0].balanced(), "{what}");
        assert_one_column_per_field(&rep, &what);
        // Every column is either mapped or kept in extra: no value is dropped.
        for rec in &recs {
            let Record::Case(c) = rec else { panic!() };
            let mapped = rec.preview_values();
            for col in &cols {
                let v = &col.2[c.row as usize - 2];
                let kept = c.extra.values().any(|e| e == v) || mapped.values().any(|m| m == v);
                let as_field = rep.sheets[0]
                    .columns
                    .iter()
                    .any(|m| m.header == col.0 && m.field.is_some());
                assert!(kept || as_field, "{what}: «{v}» of «{}» lost", col.0);
            }
        }
        // With every header unknown, content alone maps the core fields.
        if all_unknown {
            for f in ["received_at", "description", "assignee", "status", "email"] {
                assert!(
                    rep.sheets[0]
                        .columns
                        .iter()
                        .any(|c| c.field.as_deref() == Some(f)),
                    "{what}: {f} not inferred: {:?}",
                    rep.sheets[0].columns
                );
            }
        }
    }
}
