//! `ui/src/lib/commands.ts` is generated from the `#[tauri::command]` functions of
//! `src-tauri/src` and committed. This test fails when it is stale; regenerate with
//! `make bindings` (`UPDATE_BINDINGS=1 cargo test -p mesa-contract`).

use std::collections::BTreeSet;

use mesa_contract::{error_code_literals, generate, Paths};

#[test]
fn contract_is_up_to_date() {
    let paths = Paths::of_repo();
    let fresh = generate(&paths).unwrap_or_else(|e| panic!("command contract: {e}"));
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&paths.output, &fresh).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&paths.output).unwrap_or_default();
    assert!(
        current == fresh,
        "ui/src/lib/commands.ts is stale; run `make bindings` (UPDATE_BINDINGS=1 cargo test -p \
         mesa-contract) and commit"
    );
}

/// Every `ApiError { code: "…" }` the app makes itself is in the UI's `ErrorCode` union.
#[test]
fn app_error_codes_are_in_the_error_code_union() {
    let paths = Paths::of_repo();
    let union = std::fs::read_to_string(paths.bindings.join("ErrorCode.ts"))
        .expect("ui/src/lib/bindings/ErrorCode.ts (make bindings)");
    let known: BTreeSet<String> = union
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(known.contains("validation"), "{union}");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&paths.commands).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for code in error_code_literals(&source).unwrap() {
                if !known.contains(&code) {
                    missing.push(format!("{}: {code}", path.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "error codes made in src-tauri but missing from mesa_core::ERROR_CODES: {missing:?}"
    );
}
