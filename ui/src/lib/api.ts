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
import type { PriorityCell } from "./bindings/PriorityCell";
import type { ServiceType } from "./bindings/ServiceType";
import type { StaffMember } from "./bindings/StaffMember";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditQuery } from "./bindings/AuditQuery";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { SafetyStatus } from "./bindings/SafetyStatus";
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
import type { NewDecommissionConcept } from "./bindings/NewDecommissionConcept";
import type { NewLog } from "./bindings/NewLog";
import type { NewPlanItem } from "./bindings/NewPlanItem";
import type { Plan } from "./bindings/Plan";
import type { PlanItem } from "./bindings/PlanItem";
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
  ticketAction: (number: string, action: TicketAction) => call<Ticket>("ticket_action", { number, action }),
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
  serviceTypeUpsert: (serviceType: ServiceType) => call<null>("service_type_upsert", { serviceType }),
  departmentAdd: (name: string) => call<string>("department_add", { name }),
  departmentSetActive: (name: string, active: boolean) => call<null>("department_set_active", { name, active }),
  priorityMatrix: () => call<PriorityCell[]>("priority_matrix"),
  prioritySet: (cell: PriorityCell) => call<null>("priority_set", { cell }),
  surveyQuestionsSet: (questions: string[]) => call<null>("survey_questions_set", { questions }),
  safetyStatus: () => call<SafetyStatus>("safety_status"),
  backupList: () => call<BackupInfo[]>("backup_list"),
  backupCreate: (to: string | null) => call<BackupInfo>("backup_create", { to }),
  backupVerify: (file: string) => call<BackupInfo>("backup_verify", { file }),
  backupRestore: (file: string) => call<RestoreReport>("backup_restore", { file }),
  restoreLatestBackup: () => call<RestoreReport>("restore_latest_backup"),
  auditList: (query: AuditQuery) => call<AuditEntry[]>("audit_list", { query }),
  auditHistory: (table: string, key: string) => call<AuditEntry[]>("audit_history", { table, key }),
  auditExport: (query: AuditQuery, to: string) => call<number>("audit_export", { query, to }),
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
  decommissionCreate: (tag: string, input: NewDecommissionConcept) =>
    call<DecommissionConcept>("decommission_create", { tag, input }),
  decommissionApprove: (number: string, engineer: string | null, approver: string) =>
    call<DecommissionConcept>("decommission_approve", { number, engineer, approver }),
  planYears: () => call<number[]>("plan_years"),
  planCreate: (year: number, name: string | null) => call<Plan>("plan_create", { year, name }),
  planItemAdd: (year: number, input: NewPlanItem) => call<PlanItem>("plan_item_add", { year, input }),
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
};

export type Api = typeof api;
