//! The problems list of an import exported to XLSX (issue 4, «Exportar problemas»): a real
//! dry run of a real fixture, the workbook written and read back with calamine.

use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Data, Reader, Xlsx};
use chrono::{TimeZone, Utc};
use mesa_core::import::problems::{problems_file_name, problems_xlsx};
use mesa_core::import::{ImportKind, ImportOptions, Problem};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => format!("{i}"),
        other => other.to_string(),
    }
}

#[test]
fn problems_of_a_real_dry_run_read_back_from_the_xlsx() {
    let mut store = crate::support::store();
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
    let mut with_problems = 0;
    let mut messy_checked = false;
    for file in [
        "legacy/solicitudes_soporte_2022.xlsx",
        "legacy/relacion_2021.xls",
        "legacy/bitacora_soporte_2024.ods",
        "legacy/casos_exportados.csv",
        "messy.csv",
    ] {
        let opts = ImportOptions {
            kind: ImportKind::Cases,
            ..Default::default()
        };
        let rep = if file == "messy.csv" {
            // A file that has problems: a note row, a row without requester nor description
            // (imported, with a warning saying so: nothing lost), a date that cannot be read
            // (warning naming its column).
            let csv = "N°;Fecha;Solicitante;Dependencia;Descripción;Estado\r\n\
                       1;03/02/2023;Ana Díaz;Tesorería;Sin red;Abierto\r\n\
                       2;ayer;Luis Pérez;Almacén;No imprime;Cerrado\r\n\
                       3;04/02/2023;;Almacén;;Abierto\r\n\
                       Nota: revisar con el jefe de área;;;;;\r\n\
                       4;05/02/2023;Marta Gil;Contabilidad;Correo lleno;Solucionado\r\n";
            store
                .import_bytes(csv.as_bytes(), file, &opts, true, "t", now, &mut |_| {})
                .unwrap()
        } else {
            store
                .import_file(&fixture(file), &opts, true, "t", now, &mut |_| {})
                .unwrap()
        };
        let bytes = problems_xlsx(&rep).unwrap();
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), vec!["Problemas".to_string()]);
        let range = wb.worksheet_range("Problemas").unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        assert!(
            rows[0][0].contains(&rep.file),
            "{file}: título {:?}",
            rows[0]
        );
        assert!(rows[1][0].contains(&rep.sha256));
        assert_eq!(rows[3][..5], ["Tipo", "Hoja", "Fila", "Columna", "Mensaje"]);
        let expected: Vec<(&str, &Problem)> = rep
            .errors
            .iter()
            .map(|p| ("Error", p))
            .chain(rep.warnings.iter().map(|p| ("Aviso", p)))
            .collect();
        let data = &rows[4..];
        if expected.is_empty() {
            assert_eq!(data[0][0], "La importación no tuvo problemas.");
            continue;
        }
        with_problems += 1;
        if file == "messy.csv" {
            assert!(rep.errors.is_empty(), "{:?}", rep.errors);
            assert_eq!(rep.imported, 4);
            assert!(
                rep.warnings
                    .iter()
                    .any(|p| p.row == Some(4)
                        && p.message.contains("sin solicitante y sin descripción")),
                "{:?}",
                rep.warnings
            );
            assert!(
                rep.warnings
                    .iter()
                    .any(|p| p.row == Some(3) && p.column.as_deref() == Some("Fecha")),
                "{:?}",
                rep.warnings
            );
            messy_checked = true;
        }
        assert_eq!(data.len(), expected.len(), "{file}");
        for (got, (kind, p)) in data.iter().zip(&expected) {
            assert_eq!(got[0], *kind);
            assert_eq!(got[1], p.sheet);
            assert_eq!(got[2], p.row.map(|r| r.to_string()).unwrap_or_default());
            assert_eq!(got[3], p.column.clone().unwrap_or_default());
            assert_eq!(got[4], p.message);
        }
        assert!(problems_file_name(&rep).ends_with(".xlsx"));
    }
    assert!(
        with_problems > 0,
        "ningún archivo de prueba produjo problemas"
    );
    // The messy file has an error (row 4: no requester nor description) and a warning naming
    // the date column (row 3: «ayer»).
    assert!(messy_checked);
}
