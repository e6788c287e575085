//! The TypeScript types of the UI (`ui/src/lib/bindings/`) are generated from the Rust types
//! with ts-rs and committed. This test fails when they are stale.
//! Regenerate with: `UPDATE_BINDINGS=1 cargo test -p mesa-core --test suite bindings::`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mesa_core::agenda::{AgendaItem, Visit, VisitInput};
use mesa_core::assets::{
    Asset, AssetEvent, AssetImportOutcome, AssetMove, AssetQuery, AssetRecord, AssetStatus,
    DecommissionConcept, LinkedCase, NewAsset, NewAssetEvent, NewDecommissionConcept,
    NewPeripheral, Peripheral,
};
use mesa_core::import::commit::ImportBatch;
use mesa_core::import::{ImportKind, ImportProgress, ImportReport, Mapping};
use mesa_core::mail::{
    CaseMail, InboxEntry, MailAccount, MailAttachmentInfo, MailCheckSummary, MailConnectStatus,
    MailDetail, MailImportLine, MailOAuth, MailOAuthForm, MailPlaceholder, MailReconnect,
    MailStatus, MailTemplate, MailTestReport, OutboxEntry, RegisterOverrides,
};
use mesa_core::maintenance::{
    CellState, ChecklistResult, Compliance, Cronograma, CronogramaCell, CronogramaRow,
    DueOccurrence, Frequency, LogQuery, MaintenanceDue, MaintenanceLog, NewLog, NewPlanItem, Plan,
    PlanItem, PlanTarget,
};
use mesa_core::people::access::AccessEntry;
use mesa_core::people::accounts::{Account, AccountInput};
use mesa_core::people::{MatrixRow, Permission, Principal, Role, RoleInfo, SessionInfo};
use mesa_core::reports::{
    Activity, Count, Decommissioned, HelpdeskReport, HoursStat, Indicators, QuestionStat, Rate,
    StoredReport,
};
use mesa_core::risks::{
    ControlFrequency, ControlInput, ControlKind, DataSource, HeatCell, Implementation, Risk,
    RiskControl, RiskData, RiskInput, RiskMap, RiskOption, RiskScales, ScaleLevel, Treatment, Zone,
    ZoneInfo,
};
use mesa_core::safety::audit::{AuditEntry, AuditQuery};
use mesa_core::safety::backup::{
    BackupCounts, BackupInfo, BackupKind, RestoreReport, SafetyStatus,
};
use mesa_core::safety::privacy::{AnonymizeReport, PersonMatch};
use mesa_core::settings::catalogs::{AppSettings, HolidayDto, LevelTarget, PriorityCell};
use mesa_core::settings::CalendarConfig;
use mesa_core::*;
use ts_rs::{Config, TS};

fn export_all(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t as TS>::export_all(&cfg).expect(stringify!($t)); )* };
    }
    export!(
        Role,
        RoleInfo,
        Permission,
        MatrixRow,
        Principal,
        SessionInfo,
        Account,
        AccountInput,
        AccessEntry,
        ImportReport,
        ImportBatch,
        ImportKind,
        ImportProgress,
        Mapping,
        Ticket,
        TicketStatus,
        Survey,
        Source,
        NewTicket,
        TicketQuery,
        TicketPage,
        TicketEvent,
        TicketDetail,
        TicketEdit,
        NewFollowUp,
        Visit,
        VisitInput,
        Zone,
        ControlKind,
        Implementation,
        ControlFrequency,
        Treatment,
        DataSource,
        RiskOption,
        ScaleLevel,
        ZoneInfo,
        RiskScales,
        RiskControl,
        RiskData,
        Risk,
        RiskInput,
        ControlInput,
        HeatCell,
        RiskMap,
        AgendaItem,
        TicketAction,
        LinkKind,
        LinkRole,
        TicketLink,
        ResolvedWithChildren,
        CaseMail,
        InboxEntry,
        MailDetail,
        MailAttachmentInfo,
        MailImportLine,
        MailCheckSummary,
        OutboxEntry,
        MailTemplate,
        MailAccount,
        MailOAuth,
        MailOAuthForm,
        MailConnectStatus,
        MailReconnect,
        MailPlaceholder,
        MailTestReport,
        MailCheckSummary,
        MailStatus,
        RegisterOverrides,
        Dashboard,
        AssigneeCount,
        TypeCount,
        Catalogs,
        ServiceType,
        StaffMember,
        AppInfo,
        ApiError,
        CalendarConfig,
        AppSettings,
        HolidayDto,
        PriorityCell,
        LevelTarget,
        BackupKind,
        BackupCounts,
        BackupInfo,
        RestoreReport,
        SafetyStatus,
        mesa_core::server::ServerStatus,
        mesa_core::server::ServerForm,
        mesa_core::server::TableRows,
        mesa_core::server::MovePreview,
        mesa_core::server::MoveProgress,
        mesa_core::server::MoveReport,
        mesa_core::server::ChangedRow,
        mesa_core::server::DataChanged,
        AuditEntry,
        AuditQuery,
        PersonMatch,
        AnonymizeReport,
        Asset,
        AssetStatus,
        NewAsset,
        Peripheral,
        NewPeripheral,
        AssetEvent,
        NewAssetEvent,
        AssetMove,
        LinkedCase,
        DecommissionConcept,
        NewDecommissionConcept,
        AssetRecord,
        AssetQuery,
        AssetImportOutcome,
        Frequency,
        PlanTarget,
        NewPlanItem,
        PlanItem,
        Plan,
        CellState,
        CronogramaCell,
        CronogramaRow,
        Compliance,
        Cronograma,
        ChecklistResult,
        NewLog,
        MaintenanceLog,
        LogQuery,
        DueOccurrence,
        MaintenanceDue,
        HelpdeskReport,
        Indicators,
        Count,
        Rate,
        HoursStat,
        QuestionStat,
        Decommissioned,
        Activity,
        StoredReport,
        mesa_core::tickets::export::ExportProgress,
        mesa_core::settings::setup::SetupStatus,
        mesa_core::settings::setup::DemoClearReport,
        mesa_core::attachments::Attachment,
        mesa_core::attachments::AttachmentOwner,
        mesa_core::plans::FindingSource,
        mesa_core::plans::ActionState,
        mesa_core::plans::PlanOption,
        mesa_core::plans::PlanCatalog,
        mesa_core::plans::FindingInput,
        mesa_core::plans::ActionInput,
        mesa_core::plans::FollowUpInput,
        mesa_core::plans::VerifyInput,
        mesa_core::plans::PlanFilter,
        mesa_core::plans::PlanFollowUp,
        mesa_core::plans::PlanAction,
        mesa_core::plans::Finding,
        mesa_core::plans::FindingSummary,
        mesa_core::plans::PlanDue,
        mesa_core::management::indicators::IndicatorKind,
        mesa_core::management::indicators::Direction,
        mesa_core::management::indicators::Light,
        mesa_core::management::indicators::IndicatorChoice,
        mesa_core::management::indicators::IndicatorOptions,
        mesa_core::management::indicators::IndicatorSheet,
        mesa_core::management::indicators::NewIndicator,
        mesa_core::management::indicators::IndicatorPatch,
        mesa_core::management::indicators::IndicatorValue,
        mesa_core::management::indicators::IndicatorStatus,
        mesa_core::management::indicators::FindingDraft,
        mesa_core::management::indicators::FindingSuggestion,
        mesa_core::management::indicators::IndicatorOverview,
        mesa_core::management::report::ReportPeriodOption,
        mesa_core::management::report::ManagementIndicator,
        mesa_core::management::report::ZoneCount,
        mesa_core::management::report::RiskState,
        mesa_core::management::report::RiskSummary,
        mesa_core::management::report::StateCount,
        mesa_core::management::report::ActionProgress,
        mesa_core::management::report::PlanProgress,
        mesa_core::management::report::ManagementReport,
        mesa_core::management::report::ManagementReportTexts,
    );
}

/// Codes the UI makes itself: `toApiError` (ui/src/lib/invoke.ts) turns anything thrown that is
/// not an `ApiError` into `unknown`. The app's own `ApiError`s use core codes (the contract test
/// in crates/contract checks every `code: "…"` in src-tauri against `ErrorCode.ts`).
const UI_ERROR_CODES: &[&str] = &["unknown"];

/// `ErrorCode.ts`: the union of every error code ([`mesa_core::ERROR_CODES`] and the UI's own),
/// so the UI's `e.code === "…"` checks are type-checked.
fn export_error_codes(dir: &Path) {
    let codes: Vec<String> = ERROR_CODES
        .iter()
        .chain(UI_ERROR_CODES)
        .map(|c| format!("\"{c}\""))
        .collect();
    let text = format!(
        "// Generated from mesa_core::ERROR_CODES (crates/core/src/error.rs) by \
         crates/core/tests/bindings.rs. Do not edit this file manually.\n\n\
         export type ErrorCode = {};\n",
        codes.join(" | ")
    );
    std::fs::write(dir.join("ErrorCode.ts"), text).unwrap();
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "ts") {
                out.insert(
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn typescript_bindings_are_fresh() {
    let committed: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings");
    let tmp = tempfile::tempdir().unwrap();
    export_all(tmp.path());
    export_error_codes(tmp.path());
    let fresh = read_dir(tmp.path());
    assert!(
        fresh.len() >= 19,
        "expected every type exported, got {}",
        fresh.len()
    );
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed).unwrap();
        for (name, _) in read_dir(&committed) {
            if !fresh.contains_key(&name) {
                std::fs::remove_file(committed.join(name)).unwrap();
            }
        }
        for (name, text) in &fresh {
            std::fs::write(committed.join(name), text).unwrap();
        }
        return;
    }
    let current = read_dir(&committed);
    let stale: Vec<&String> = fresh
        .keys()
        .chain(current.keys())
        .filter(|k| fresh.get(*k) != current.get(*k))
        .collect();
    assert!(
        stale.is_empty(),
        "TypeScript bindings in ui/src/lib/bindings are stale ({stale:?}); run \
         UPDATE_BINDINGS=1 cargo test -p mesa-core --test suite bindings:: and commit"
    );
}
