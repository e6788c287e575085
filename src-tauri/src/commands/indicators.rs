//! Indicator sheets (issue 18): the list with lights and suggestions, a sheet, its values per
//! period, edits, manual indicators and values, the analysis per period, and «abrir hallazgo»
//! (accept → a finding draft; dismiss with a reason).

use mesa_core::management::indicators::{
    indicator_options, FindingDraft, IndicatorOptions, IndicatorOverview, IndicatorPatch,
    IndicatorSheet, IndicatorValue, NewIndicator,
};
use mesa_core::{Clock, SystemClock};

use crate::{AppState, CmdResult};

/// Kinds, frequencies, directions and lights with their labels (the UI copies no list).
#[tauri::command(async)]
pub fn indicator_options_get() -> CmdResult<IndicatorOptions> {
    Ok(indicator_options())
}

#[tauri::command(async)]
pub fn indicator_overview(state: tauri::State<'_, AppState>) -> CmdResult<IndicatorOverview> {
    state.read(|s| s.indicator_overview(SystemClock.now()))
}

#[tauri::command(async)]
pub fn indicator_sheet(
    state: tauri::State<'_, AppState>,
    code: String,
) -> CmdResult<IndicatorSheet> {
    state.read(|s| s.indicator_sheet(&code))
}

#[tauri::command(async)]
pub fn indicator_values(
    state: tauri::State<'_, AppState>,
    code: String,
    periods: i64,
) -> CmdResult<Vec<IndicatorValue>> {
    let n = usize::try_from(periods).unwrap_or(0);
    state.read(|s| s.indicator_values(&code, n, SystemClock.now()))
}

#[tauri::command(async)]
pub fn indicator_update(
    state: tauri::State<'_, AppState>,
    code: String,
    patch: IndicatorPatch,
) -> CmdResult<IndicatorSheet> {
    state.with_now(|s, now| s.update_indicator(&code, &patch, &state.actor(), now))
}

#[tauri::command(async)]
pub fn indicator_create(
    state: tauri::State<'_, AppState>,
    input: NewIndicator,
) -> CmdResult<IndicatorSheet> {
    state.with_now(|s, now| s.create_indicator(&input, &state.actor(), now))
}

#[tauri::command(async)]
pub fn indicator_value_set(
    state: tauri::State<'_, AppState>,
    code: String,
    period: String,
    value: f64,
    analysis: Option<String>,
) -> CmdResult<IndicatorValue> {
    state.with_now(|s, now| {
        s.set_indicator_value(
            &code,
            &period,
            value,
            analysis.as_deref(),
            &state.actor(),
            now,
        )
    })
}

#[tauri::command(async)]
pub fn indicator_analysis_set(
    state: tauri::State<'_, AppState>,
    code: String,
    period: String,
    text: String,
) -> CmdResult<IndicatorValue> {
    state.with_now(|s, now| s.set_indicator_analysis(&code, &period, &text, &state.actor(), now))
}

/// «Aceptar» a suggestion: the finding draft (the improvement plan creates the finding).
#[tauri::command(async)]
pub fn indicator_finding_draft(
    state: tauri::State<'_, AppState>,
    code: String,
    first_period: String,
) -> CmdResult<FindingDraft> {
    state.read(|s| s.indicator_finding_draft(&code, &first_period, SystemClock.now()))
}

/// «Abrir hallazgo»: creates the finding in the improvement plan from the suggestion.
#[tauri::command(async)]
pub fn indicator_finding_open(
    state: tauri::State<'_, AppState>,
    code: String,
    first_period: String,
    cause: String,
) -> CmdResult<mesa_core::plans::Finding> {
    state.with_now(|s, now| {
        s.open_finding_from_indicator(&code, &first_period, &cause, &state.actor(), now)
    })
}

#[tauri::command(async)]
pub fn indicator_suggestion_dismiss(
    state: tauri::State<'_, AppState>,
    code: String,
    first_period: String,
    reason: String,
) -> CmdResult<()> {
    state.with_now(|s, now| {
        s.dismiss_indicator_suggestion(&code, &first_period, &reason, &state.actor(), now)
    })
}
