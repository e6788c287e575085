//! Commands of «Importar» (issue 4): thin wrappers over `mesa_core::import`. Preview = dry run
//! (nothing written); commit on a worker thread with `import-progress` events; batches and
//! undo; the problems list saved as XLSX; mappings saved and loaded as JSON; the file picked in
//! the native open dialog (a dropped file or a typed path work too).

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use mesa_core::import::commit::ImportBatch;
use mesa_core::import::problems::{problems_file_name, problems_xlsx};
use mesa_core::import::{ImportKind, ImportOptions, ImportProgress, ImportReport, Mapping};
use mesa_core::ApiError;
use tauri::{Emitter, Manager};
use tauri_plugin_dialog::DialogExt;

use crate::files::{save_target, write_doc};
use crate::{AppState, CmdResult};

type State<'a> = tauri::State<'a, AppState>;

fn path_error(path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError {
        code: "io".into(),
        message: format!("No se pudo usar el archivo «{}»: {e}", path.display()),
    }
}

fn options(
    kind: ImportKind,
    sheet: Option<String>,
    mapping: Option<Mapping>,
    expect_hash: Option<String>,
) -> ImportOptions {
    ImportOptions {
        kind,
        sheet: sheet.filter(|s| !s.trim().is_empty()),
        mapping,
        expect_hash,
        cancel: None,
    }
}

fn source_path(path: &str) -> CmdResult<PathBuf> {
    let p = PathBuf::from(path.trim());
    if path.trim().is_empty() {
        return Err(ApiError {
            code: "validation".into(),
            message: "Indique el archivo a importar: arrástrelo a la ventana, búsquelo con «Elegir archivo» o escriba su ruta.".into(),
        });
    }
    if !p.is_file() {
        return Err(ApiError {
            code: "io".into(),
            message: format!(
                "No existe el archivo «{}». Revise la ruta y vuelva a intentarlo.",
                p.display()
            ),
        });
    }
    Ok(p)
}

/// Asks for the file to import in the native open dialog. `null` when cancelled.
#[tauri::command(async)]
pub fn import_pick_file(app: tauri::AppHandle) -> CmdResult<Option<String>> {
    let chosen = app
        .dialog()
        .file()
        .set_title("Elegir archivo para importar")
        .add_filter(
            "Hojas de cálculo y texto",
            &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "txt"],
        )
        .add_filter("Todos los archivos", &["*"])
        .blocking_pick_file();
    match chosen {
        None => Ok(None),
        Some(f) => f
            .into_path()
            .map(|p| Some(p.display().to_string()))
            .map_err(|e| ApiError {
                code: "io".into(),
                message: format!("Ruta no válida: {e}"),
            }),
    }
}

/// Dry run: detected format, sheets, header row, column mapping, first mapped rows, unknown
/// catalog values, counts and problems. Nothing is written.
#[tauri::command(async)]
pub fn import_preview(
    state: State<'_>,
    path: String,
    kind: ImportKind,
    sheet: Option<String>,
    mapping: Option<Mapping>,
) -> CmdResult<ImportReport> {
    let p = source_path(&path)?;
    let opts = options(kind, sheet, mapping, None);
    state.with_now(|s, now| s.import_file(&p, &opts, true, &state.actor(), now, &mut |_| {}))
}

/// Commit (one transaction, one batch) on a worker thread, emitting `import-progress`
/// ([`ImportProgress`]) while it reads. `expect_hash` (the SHA-256 of the preview) refuses a
/// file changed since the preview.
#[tauri::command]
pub async fn import_commit(
    app: tauri::AppHandle,
    path: String,
    kind: ImportKind,
    sheet: Option<String>,
    mapping: Option<Mapping>,
    expect_hash: Option<String>,
) -> CmdResult<ImportReport> {
    let p = source_path(&path)?;
    let mut opts = options(kind, sheet, mapping, expect_hash);
    let cancel = app.state::<AppState>().import_cancel.clone();
    cancel.store(false, Ordering::Relaxed);
    opts.cancel = Some(cancel);
    let worker = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        let emitter = worker.clone();
        let mut progress = move |pr: ImportProgress| {
            let _ = emitter.emit("import-progress", pr);
        };
        state.with_now(|s, now| s.import_file(&p, &opts, false, &state.actor(), now, &mut progress))
    })
    .await
    .map_err(|e| ApiError {
        code: "internal".into(),
        message: format!("Error interno durante la importación: {e}"),
    })?
}

/// Asks the running import to stop: it rolls back and `import_commit` answers with the error
/// `import_cancelled` (nothing stored). Too late once the rows are written: then it completes.
#[tauri::command]
pub fn import_cancel(state: State<'_>) {
    state.import_cancel.store(true, Ordering::Relaxed);
}

/// Import batches, newest first.
#[tauri::command(async)]
pub fn import_batches(state: State<'_>) -> CmdResult<Vec<ImportBatch>> {
    state.read(|s| s.import_batches())
}

/// Undoes a batch (one transaction; refused when an imported case changed since).
#[tauri::command(async)]
pub fn import_undo(state: State<'_>, batch: i64) -> CmdResult<ImportBatch> {
    state.with_now(|s, now| s.undo_import(batch, &state.actor(), now))
}

/// Writes `bytes` under `name` to `MESA_EXPORT_DIR` (tests, scripted use) or to the path the
/// user picks in the save dialog. `None` when cancelled.
fn save_as(
    app: &tauri::AppHandle,
    name: &str,
    title: &str,
    filter: (&str, &str),
    bytes: &[u8],
) -> CmdResult<Option<String>> {
    let Some((path, _)) = save_target(app, name, title, filter)? else {
        return Ok(None);
    };
    write_doc(&path, bytes)?;
    Ok(Some(path.display().to_string()))
}

/// Saves the problems list (errors and warnings with sheet, row, column, message) as XLSX.
#[tauri::command(async)]
pub fn import_export_problems(
    app: tauri::AppHandle,
    report: ImportReport,
) -> CmdResult<Option<String>> {
    let bytes = problems_xlsx(&report).map_err(|e| ApiError::from(&e))?;
    save_as(
        &app,
        &problems_file_name(&report),
        "Guardar lista de problemas",
        ("Excel", "xlsx"),
        &bytes,
    )
}

/// Saves a mapping (columns → fields, values → catalog) as JSON to reuse with the next file of
/// the same shape (also usable with `mesa import --mapping`).
#[tauri::command(async)]
pub fn import_mapping_save(
    app: tauri::AppHandle,
    mapping: Mapping,
    name: Option<String>,
) -> CmdResult<Option<String>> {
    let json = serde_json::to_string_pretty(&mapping).map_err(|e| ApiError {
        code: "internal".into(),
        message: format!("No se pudo preparar el mapeo: {e}"),
    })?;
    let stem = name
        .as_deref()
        .and_then(|n| Path::new(n).file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "importación".into());
    save_as(
        &app,
        &format!("Mapeo {stem}.json"),
        "Guardar mapeo",
        ("Mapeo JSON", "json"),
        json.as_bytes(),
    )
}

/// Loads a saved mapping: from `path`, or from the file picked in the open dialog (`None` when
/// cancelled). A mapping naming unknown fields is refused with a clear message.
#[tauri::command(async)]
pub fn import_mapping_load(
    app: tauri::AppHandle,
    path: Option<String>,
) -> CmdResult<Option<Mapping>> {
    let p = match path.filter(|p| !p.trim().is_empty()) {
        Some(p) => PathBuf::from(p),
        None => {
            let chosen = app
                .dialog()
                .file()
                .set_title("Abrir mapeo guardado")
                .add_filter("Mapeo JSON", &["json"])
                .blocking_pick_file();
            let Some(chosen) = chosen else {
                return Ok(None);
            };
            chosen.into_path().map_err(|e| ApiError {
                code: "io".into(),
                message: format!("Ruta no válida: {e}"),
            })?
        }
    };
    let text = std::fs::read_to_string(&p).map_err(|e| path_error(&p, e))?;
    Mapping::from_json(&text)
        .map(Some)
        .map_err(|e| ApiError::from(&mesa_core::CoreError::from(e)))
}
