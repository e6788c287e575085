// Único punto de acceso al back end (comandos de Tauri).
import { invoke } from "@tauri-apps/api/core";
import { openUrl } from "@tauri-apps/plugin-opener";
import type { ApiError } from "./bindings/ApiError";
import type { AppInfo } from "./bindings/AppInfo";
import type { Catalogs } from "./bindings/Catalogs";
import type { Dashboard } from "./bindings/Dashboard";
import type { NewTicket } from "./bindings/NewTicket";
import type { Ticket } from "./bindings/Ticket";
import type { TicketAction } from "./bindings/TicketAction";
import type { TicketDetail } from "./bindings/TicketDetail";
import type { TicketPage } from "./bindings/TicketPage";
import type { TicketQuery } from "./bindings/TicketQuery";
import type { AppSettings } from "./bindings/AppSettings";
import type { CalendarConfig } from "./bindings/CalendarConfig";
import type { HolidayDto } from "./bindings/HolidayDto";
import type { LevelTarget } from "./bindings/LevelTarget";
import type { PriorityCell } from "./bindings/PriorityCell";
import type { ServiceType } from "./bindings/ServiceType";
import type { StaffMember } from "./bindings/StaffMember";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditQuery } from "./bindings/AuditQuery";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { SafetyStatus } from "./bindings/SafetyStatus";
import type { PersonMatch } from "./bindings/PersonMatch";
import type { AnonymizeReport } from "./bindings/AnonymizeReport";
import type { Asset } from "./bindings/Asset";
import type { AssetMove } from "./bindings/AssetMove";
import type { AssetQuery } from "./bindings/AssetQuery";
import type { AssetRecord } from "./bindings/AssetRecord";
import type { Cronograma } from "./bindings/Cronograma";
import type { DecommissionConcept } from "./bindings/DecommissionConcept";
import type { LogQuery } from "./bindings/LogQuery";
import type { MaintenanceDue } from "./bindings/MaintenanceDue";
import type { MaintenanceLog } from "./bindings/MaintenanceLog";
import type { NewAsset } from "./bindings/NewAsset";
import type { NewAssetEvent } from "./bindings/NewAssetEvent";
import type { NewPeripheral } from "./bindings/NewPeripheral";
import type { NewDecommissionConcept } from "./bindings/NewDecommissionConcept";
import type { NewLog } from "./bindings/NewLog";
import type { NewPlanItem } from "./bindings/NewPlanItem";
import type { Plan } from "./bindings/Plan";
import type { PlanItem } from "./bindings/PlanItem";
import type { ImportBatch } from "./bindings/ImportBatch";
import type { ImportKind } from "./bindings/ImportKind";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { Mapping } from "./bindings/Mapping";
import type { HelpdeskReport } from "./bindings/HelpdeskReport";
import type { StoredReport } from "./bindings/StoredReport";
import type { ExportProgress } from "./bindings/ExportProgress";
import type { SetupStatus } from "./bindings/SetupStatus";
import type { DemoClearReport } from "./bindings/DemoClearReport";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { t } from "./i18n/es";

function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as ApiError).code === "string" &&
    typeof (e as ApiError).message === "string"
  );
}

/** Normalises anything thrown by `invoke` into an ApiError with a Spanish message. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { code: e.code, message: e.message };
  if (typeof e === "string" && e.trim() !== "") return { code: "unknown", message: e };
  return { code: "unknown", message: t.app.unknownError };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  ticketCreate: (input: NewTicket) => call<Ticket>("ticket_create", { input }),
  ticketList: (query: TicketQuery) => call<TicketPage>("ticket_list", { query }),
  ticketGet: (number: string) => call<TicketDetail>("ticket_get", { number }),
  ticketAction: (number: string, action: TicketAction) =>
    call<Ticket>("ticket_action", { number, action }),
  dashboard: () => call<Dashboard>("dashboard"),
  catalogs: () => call<Catalogs>("catalogs"),
  surveyMailto: (number: string) => call<string>("survey_mailto", { number }),
  autoclose: () => call<number>("autoclose"),
  settingsGet: () => call<AppSettings>("settings_get"),
  settingsSet: (settings: AppSettings) => call<AppSettings>("settings_set", { settings }),
  calendarGet: () => call<CalendarConfig>("calendar_get"),
  calendarSet: (config: CalendarConfig) => call<number>("calendar_set", { config }),
  holidays: (year: number) => call<HolidayDto[]>("holidays", { year }),
  staffUpsert: (member: StaffMember) => call<null>("staff_upsert", { member }),
  serviceTypeUpsert: (serviceType: ServiceType) =>
    call<null>("service_type_upsert", { serviceType }),
  departmentAdd: (name: string) => call<string>("department_add", { name }),
  departmentSetActive: (name: string, active: boolean) =>
    call<null>("department_set_active", { name, active }),
  priorityMatrix: () => call<PriorityCell[]>("priority_matrix"),
  prioritySet: (cell: PriorityCell) => call<null>("priority_set", { cell }),
  surveyQuestionsSet: (questions: string[]) => call<null>("survey_questions_set", { questions }),
  levelTargets: () => call<LevelTarget[]>("level_targets_get"),
  logoSet: (path: string | null) => call<null>("logo_set", { path }),
  logoPresent: () => call<boolean>("logo_present"),
  levelTargetSet: (target: LevelTarget) => call<null>("level_target_set", { target }),
  levelTargetRemove: (serviceType: string | null, level: number) =>
    call<null>("level_target_remove", { serviceType, level }),
  safetyStatus: () => call<SafetyStatus>("safety_status"),
  backupList: () => call<BackupInfo[]>("backup_list"),
  backupCreate: (to: string | null) => call<BackupInfo>("backup_create", { to }),
  backupVerify: (file: string) => call<BackupInfo>("backup_verify", { file }),
  backupRestore: (file: string) => call<RestoreReport>("backup_restore", { file }),
  restoreLatestBackup: () => call<RestoreReport>("restore_latest_backup"),
  auditList: (query: AuditQuery) => call<AuditEntry[]>("audit_list", { query }),
  auditHistory: (table: string, key: string) => call<AuditEntry[]>("audit_history", { table, key }),
  auditExport: (query: AuditQuery, to: string) => call<number>("audit_export", { query, to }),
  // Datos personales (Ley 1581)
  personSearch: (query: string) => call<PersonMatch[]>("person_search", { query }),
  /** Exports everything about a person; asks where to save. Path written, or `null` if cancelled. */
  personExport: (query: string, format: "json" | "xlsx") =>
    call<string | null>("person_export", { query, format }),
  personAnonymize: (query: string) => call<AnonymizeReport>("person_anonymize", { query }),
  /** Asks the back end for the survey mailto: URL and opens it in the mail client. */
  openSurveyMail: async (number: string): Promise<void> => {
    const url = await call<string>("survey_mailto", { number });
    try {
      await openUrl(url);
    } catch (e) {
      throw toApiError(e);
    }
  },
  // Equipos y mantenimiento
  assetList: (query: AssetQuery) => call<Asset[]>("asset_list", { query }),
  assetRecord: (tag: string) => call<AssetRecord>("asset_record", { tag }),
  assetCreate: (input: NewAsset) => call<Asset>("asset_create", { input }),
  assetMove: (tag: string, input: AssetMove) => call<Asset>("asset_move", { tag, input }),
  assetEvent: (tag: string, input: NewAssetEvent) => call<Asset>("asset_event", { tag, input }),
  assetAttach: (tag: string, input: NewPeripheral) =>
    call<AssetRecord>("asset_attach", { tag, input }),
  assetDetach: (tag: string, peripheralId: number, reason: string) =>
    call<AssetRecord>("asset_detach", { tag, peripheralId, reason }),
  decommissionCreate: (tag: string, input: NewDecommissionConcept) =>
    call<DecommissionConcept>("decommission_create", { tag, input }),
  decommissionApprove: (number: string, engineer: string | null, approver: string) =>
    call<DecommissionConcept>("decommission_approve", { number, engineer, approver }),
  planYears: () => call<number[]>("plan_years"),
  planCreate: (year: number, name: string | null) => call<Plan>("plan_create", { year, name }),
  planItemAdd: (year: number, input: NewPlanItem) =>
    call<PlanItem>("plan_item_add", { year, input }),
  cronograma: (year: number) => call<Cronograma>("cronograma", { year }),
  logCreate: (input: NewLog) => call<MaintenanceLog>("log_create", { input }),
  logList: (query: LogQuery) => call<MaintenanceLog[]>("log_list", { query }),
  logVerify: (id: number, engineer: string, note: string | null) =>
    call<MaintenanceLog>("log_verify", { id, engineer, note }),
  maintenanceDue: () => call<MaintenanceDue>("maintenance_due"),
  /** Builds a document, asks where to save it and opens it; `null` when cancelled. */
  exportDocument: (
    kind: "asset_sheet" | "decommission" | "inventory" | "cronograma_xlsx" | "cronograma_pdf",
    key: string,
  ) => call<string | null>("export_document", { kind, key }),
  // Importar (hojas de cálculo heredadas)
  /** Native open dialog for the file to import; `null` when cancelled. */
  importPickFile: () => call<string | null>("import_pick_file"),
  /** Dry run: nothing is written. */
  importPreview: (path: string, kind: ImportKind, sheet: string | null, mapping: Mapping | null) =>
    call<ImportReport>("import_preview", { path, kind, sheet, mapping }),
  importCommit: (
    path: string,
    kind: ImportKind,
    sheet: string | null,
    mapping: Mapping | null,
    expectHash: string | null,
  ) => call<ImportReport>("import_commit", { path, kind, sheet, mapping, expectHash }),
  importCancel: () => call<void>("import_cancel"),
  importBatches: () => call<ImportBatch[]>("import_batches"),
  importUndo: (batch: number) => call<ImportBatch>("import_undo", { batch }),
  /** Saves the problems list as XLSX (asks where); path written or `null` when cancelled. */
  importExportProblems: (report: ImportReport) =>
    call<string | null>("import_export_problems", { report }),
  importMappingSave: (mapping: Mapping, name: string | null) =>
    call<string | null>("import_mapping_save", { mapping, name }),
  importMappingLoad: (path: string | null) => call<Mapping | null>("import_mapping_load", { path }),
  /** Progress events of a running import; returns the unsubscribe function. */
  onImportProgress: (cb: (p: ImportProgress) => void): Promise<() => void> =>
    listen<ImportProgress>("import-progress", (e) => cb(e.payload)),
  // Informes y exportaciones
  reportPreview: (from: string, to: string) => call<HelpdeskReport>("report_preview", { from, to }),
  reportSave: (from: string, to: string, analysis: string, actions: string) =>
    call<StoredReport>("report_save", { from, to, analysis, actions }),
  /** Builds the report as PDF or XLSX, asks where to save it and opens it; `null` when cancelled. */
  reportExport: (from: string, to: string, format: "pdf" | "xlsx", a4: boolean) =>
    call<string | null>("report_export", { from, to, format, a4 }),
  /** Every case matching the list's filters as XLSX or CSV; `null` when cancelled. */
  casesExport: (query: TicketQuery, format: "xlsx" | "csv") =>
    call<string | null>("cases_export", { query, format }),
  /** Progress of a long export; returns the unsubscribe function. */
  onExportProgress: (cb: (p: ExportProgress) => void): Promise<() => void> =>
    listen<ExportProgress>("export-progress", (e) => cb(e.payload)),
  // Primer uso y datos de demostración
  setupStatus: () => call<SetupStatus>("setup_status"),
  /** Marks the first-run setup as done (also «Omitir»). */
  setupComplete: () => call<SetupStatus>("setup_complete"),
  staffRename: (old: string, name: string) => call<null>("staff_rename", { old, new: name }),
  /** Loads the demo cases (only into a database without cases); runs on a worker thread. */
  demoLoad: () => call<SetupStatus>("demo_load"),
  /** Removes the demo cases after a verified backup. */
  demoClear: () => call<DemoClearReport>("demo_clear"),
  /** Files dropped onto the window (Tauri drag and drop); returns the unsubscribe function. */
  onFileDrop: (
    cb: (paths: string[]) => void,
    hover?: (over: boolean) => void,
  ): Promise<() => void> =>
    getCurrentWebview().onDragDropEvent((e) => {
      const p = e.payload;
      if (p.type === "drop") {
        hover?.(false);
        if (p.paths.length > 0) cb(p.paths);
      } else if (p.type === "leave") hover?.(false);
      else hover?.(true);
    }),
};

export type Api = typeof api;
