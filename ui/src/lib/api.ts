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
};

export type Api = typeof api;
