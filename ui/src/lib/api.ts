// Único punto de acceso al back end. Every command is a generated function of `commands.ts`
// (from the Rust `#[tauri::command]`s, `make bindings`); here they get the names the components
// use, plus the helpers that add UI behaviour (opening a URL, progress events, file drops).
import { openUrl } from "@tauri-apps/plugin-opener";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ExportProgress } from "./bindings/ExportProgress";
import type { MailCheckSummary } from "./bindings/MailCheckSummary";
import type { MailConnectStatus } from "./bindings/MailConnectStatus";
import type { MailStatus } from "./bindings/MailStatus";
import type { MoveProgress } from "./bindings/MoveProgress";
import type { DataChanged } from "./bindings/DataChanged";
import type { TicketQuery } from "./bindings/TicketQuery";
import * as commands from "./commands";
import { toApiError } from "./invoke";

export { toApiError } from "./invoke";

export const api = {
  appInfo: commands.appInfo,
  // Cuentas y sesión
  sessionInfo: commands.sessionInfo,
  login: commands.login,
  loginFirstPassword: commands.loginFirstPassword,
  logout: commands.logout,
  passwordChange: commands.passwordChange,
  accountList: commands.accountList,
  accountCreate: commands.accountCreate,
  accountFromStaff: commands.accountFromStaff,
  accountUpdate: commands.accountUpdate,
  accountSetActive: commands.accountSetActive,
  accountResetPassword: commands.accountResetPassword,
  accessLog: commands.accessLog,
  permissionMatrix: commands.permissionMatrix,
  ticketCreate: commands.ticketCreate,
  ticketList: commands.ticketList,
  ticketGet: commands.ticketGet,
  ticketAction: commands.ticketAction,
  ticketEdit: commands.ticketEdit,
  ticketFollowUp: commands.ticketFollowUp,
  // Bandeja de entrada (correo)
  mailInbox: commands.mailInbox,
  mailDetail: commands.mailDetail,
  mailDraft: commands.mailDraft,
  mailRegister: commands.mailRegister,
  mailDiscard: commands.mailDiscard,
  mailSurvey: commands.mailSurvey,
  /** Saves a copy of a mail's attachment; asks where (or MESA_EXPORT_DIR). Path, or `null`. */
  mailAttachmentSave: commands.mailAttachmentSave,
  /** `.eml` files (dropped on the window) through the mailbox's intake; one line per file. */
  mailImportFiles: commands.mailImportFiles,
  // Casos relacionados
  linkKinds: commands.linkKinds,
  ticketLink: commands.ticketLink,
  ticketUnlink: commands.ticketUnlink,
  ticketResolveWithChildren: commands.ticketResolveWithChildren,
  dashboard: commands.dashboard,
  catalogs: commands.catalogs,
  surveyMailto: commands.surveyMailto,
  autoclose: commands.autoclose,
  // Visitas y agenda
  visitSchedule: commands.visitSchedule,
  visitCancel: commands.visitCancel,
  agenda: commands.agenda,
  // Gestión: indicadores
  indicatorOptions: commands.indicatorOptionsGet,
  indicatorOverview: commands.indicatorOverview,
  indicatorSheet: commands.indicatorSheet,
  indicatorValues: commands.indicatorValues,
  indicatorUpdate: commands.indicatorUpdate,
  indicatorCreate: commands.indicatorCreate,
  indicatorValueSet: commands.indicatorValueSet,
  indicatorAnalysisSet: commands.indicatorAnalysisSet,
  indicatorFindingDraft: commands.indicatorFindingDraft,
  indicatorFindingOpen: commands.indicatorFindingOpen,
  indicatorSuggestionDismiss: commands.indicatorSuggestionDismiss,
  /** Saves the case's visit as .ics; asks where (or MESA_EXPORT_DIR). Path, or `null` if cancelled. */
  visitIcsSave: commands.visitIcsSave,
  // Mapa de riesgos
  riskScales: commands.riskScales,
  riskMap: commands.riskMap,
  riskGet: commands.riskGet,
  riskCreate: commands.riskCreate,
  riskUpdate: commands.riskUpdate,
  riskDelete: commands.riskDelete,
  riskControlAdd: commands.riskControlAdd,
  riskControlUpdate: commands.riskControlUpdate,
  riskControlDelete: commands.riskControlDelete,
  /** Saves the risk map as PDF or XLSX; asks where (or MESA_EXPORT_DIR). Path, or `null`. */
  riskMapExport: commands.riskMapExport,
  // Informe de gestión
  managementReportPeriods: commands.managementReportPeriods,
  managementReport: commands.managementReport,
  managementReportSave: commands.managementReportSave,
  /** Saves the management report as PDF or XLSX; asks where (or MESA_EXPORT_DIR). Path, or `null`. */
  managementReportExport: commands.managementReportExport,
  settingsGet: commands.settingsGet,
  settingsSet: commands.settingsSet,
  calendarGet: commands.calendarGet,
  calendarSet: commands.calendarSet,
  holidays: commands.holidays,
  staffUpsert: commands.staffUpsert,
  serviceTypeUpsert: commands.serviceTypeUpsert,
  departmentAdd: commands.departmentAdd,
  departmentSetActive: commands.departmentSetActive,
  priorityMatrix: commands.priorityMatrix,
  prioritySet: commands.prioritySet,
  surveyQuestionsSet: commands.surveyQuestionsSet,
  levelTargets: commands.levelTargetsGet,
  logoSet: commands.logoSet,
  logoPresent: commands.logoPresent,
  logoPick: commands.logoPick,
  logoImage: commands.logoImage,
  levelTargetSet: commands.levelTargetSet,
  levelTargetRemove: commands.levelTargetRemove,
  safetyStatus: commands.safetyStatus,
  backupList: commands.backupList,
  backupCreate: commands.backupCreate,
  backupVerify: commands.backupVerify,
  backupRestore: commands.backupRestore,
  restoreLatestBackup: commands.restoreLatestBackup,
  auditList: commands.auditList,
  auditHistory: commands.auditHistory,
  auditExport: commands.auditExport,
  // Datos personales (Ley 1581)
  personSearch: commands.personSearch,
  /** Exports everything about a person; asks where to save. Path written, or `null` if cancelled. */
  personExport: (query: string, format: "json" | "xlsx") => commands.personExport(query, format),
  personAnonymize: commands.personAnonymize,
  // Adjuntos de casos y equipos
  attachmentList: commands.attachmentList,
  /** Attaches a file by its path (a file dropped on the window). */
  attachmentAddPath: commands.attachmentAddPath,
  /** Native open dialog, then attaches the file; `null` when cancelled. */
  attachmentPick: commands.attachmentPick,
  /** Opens with the system's program (the core refuses executables). */
  attachmentOpen: commands.attachmentOpen,
  /** Saves a copy where the user chooses; path written or `null` when cancelled. */
  attachmentSaveCopy: commands.attachmentSaveCopy,
  attachmentRemove: commands.attachmentRemove,
  assetSetPhoto: commands.assetSetPhoto,
  attachmentMaxMb: commands.attachmentMaxMb,
  attachmentSetMaxMb: commands.attachmentSetMaxMb,
  /** Asks the back end for the survey mailto: URL and opens it in the mail client. */
  openSurveyMail: async (number: string): Promise<void> => {
    const url = await commands.surveyMailto(number);
    try {
      await openUrl(url);
    } catch (e) {
      throw toApiError(e);
    }
  },
  // Equipos y mantenimiento
  assetList: commands.assetList,
  assetRecord: commands.assetRecord,
  assetCreate: commands.assetCreate,
  assetMove: commands.assetMove,
  assetEvent: commands.assetEvent,
  assetAttach: commands.assetAttach,
  assetDetach: commands.assetDetach,
  decommissionCreate: commands.decommissionCreate,
  decommissionApprove: commands.decommissionApprove,
  planYears: commands.planYears,
  planCreate: commands.planCreate,
  planItemAdd: commands.planItemAdd,
  cronograma: commands.cronograma,
  logCreate: commands.logCreate,
  logList: commands.logList,
  logVerify: commands.logVerify,
  maintenanceDue: commands.maintenanceDue,
  // Plan de mejoramiento (Gestión)
  improvementCatalog: commands.improvementCatalog,
  improvementFindings: commands.improvementFindings,
  improvementFinding: commands.improvementFinding,
  improvementFindingCreate: commands.improvementFindingCreate,
  improvementFindingUpdate: commands.improvementFindingUpdate,
  improvementFindingDelete: commands.improvementFindingDelete,
  improvementActionAdd: commands.improvementActionAdd,
  improvementActionUpdate: commands.improvementActionUpdate,
  improvementActionDelete: commands.improvementActionDelete,
  improvementFollowUpAdd: commands.improvementFollowUpAdd,
  improvementActionVerify: commands.improvementActionVerify,
  improvementDue: commands.improvementDue,
  /** Saves the plan as `pdf` or `xlsx`; asks where (or MESA_EXPORT_DIR). Path, or `null`. */
  improvementExport: commands.improvementExport,
  /** Builds a document, asks where to save it and opens it; `null` when cancelled. */
  exportDocument: (
    kind: "asset_sheet" | "decommission" | "inventory" | "cronograma_xlsx" | "cronograma_pdf",
    key: string,
  ) => commands.exportDocument(kind, key),
  // Importar (hojas de cálculo heredadas)
  /** Native open dialog for the file to import; `null` when cancelled. */
  importPickFile: commands.importPickFile,
  /** Dry run: nothing is written. */
  importPreview: commands.importPreview,
  importCommit: commands.importCommit,
  importCancel: commands.importCancel,
  importBatches: commands.importBatches,
  importUndo: commands.importUndo,
  /** Saves the problems list as XLSX (asks where); path written or `null` when cancelled. */
  importExportProblems: commands.importExportProblems,
  importMappingSave: commands.importMappingSave,
  importMappingLoad: commands.importMappingLoad,
  /** Progress events of a running import; returns the unsubscribe function. */
  onImportProgress: (cb: (p: ImportProgress) => void): Promise<() => void> =>
    listen<ImportProgress>("import-progress", (e) => cb(e.payload)),
  // Informes y exportaciones
  reportPreview: commands.reportPreview,
  reportSave: commands.reportSave,
  /** Builds the report as PDF or XLSX, asks where to save it and opens it; `null` when cancelled. */
  reportExport: (from: string, to: string, format: "pdf" | "xlsx", a4: boolean) =>
    commands.reportExport(from, to, format, a4),
  /** Every case matching the list's filters as XLSX or CSV; `null` when cancelled. */
  casesExport: (query: TicketQuery, format: "xlsx" | "csv") => commands.casesExport(query, format),
  /** Progress of a long export; returns the unsubscribe function. */
  onExportProgress: (cb: (p: ExportProgress) => void): Promise<() => void> =>
    listen<ExportProgress>("export-progress", (e) => cb(e.payload)),
  // Correo: Ajustes → Correo y el recolector en segundo plano
  mailAccountGet: commands.mailAccountGet,
  /** Saves the account; the password (when typed) goes to the OS credential store only. */
  mailAccountSet: commands.mailAccountSet,
  /** «Probar conexión» with the form's values (the stored password when none is typed). */
  mailTest: commands.mailTest,
  /** The OAuth2 fields of the account (never a secret), or `null`. */
  mailOauthGet: commands.mailOauthGet,
  /** «Conectar» (OAuth2): the browser (PKCE) or Microsoft's device code, on a worker thread. */
  mailOauthConnect: commands.mailOauthConnect,
  mailOauthCancel: commands.mailOauthCancel,
  mailOauthStatus: commands.mailOauthStatus,
  /** Every change of «Conectar»; returns the unsubscribe function. */
  onMailConnect: (cb: (c: MailConnectStatus) => void): Promise<() => void> =>
    listen<MailConnectStatus>("mail-connect", (e) => cb(e.payload)),
  mailTemplates: commands.mailTemplates,
  mailTemplateSet: commands.mailTemplateSet,
  mailPlaceholders: commands.mailPlaceholders,
  mailOutbox: commands.mailOutbox,
  /** «Enviar ahora» / «Reintentar»: the message is due now and the outbox is sent. */
  mailOutboxRetry: commands.mailOutboxRetry,
  mailStatus: commands.mailStatus,
  /** «Revisar correo»: one check now (fetch and send), on a worker thread. */
  mailCheckNow: commands.mailCheckNow,
  /** The collector's state after every change; returns the unsubscribe function. */
  onMailStatus: (cb: (s: MailStatus) => void): Promise<() => void> =>
    listen<MailStatus>("mail-status", (e) => cb(e.payload)),
  /** Progress of a running check; returns the unsubscribe function. */
  onMailProgress: (cb: (p: MailCheckSummary) => void): Promise<() => void> =>
    listen<MailCheckSummary>("mail-progress", (e) => cb(e.payload)),
  // Ajustes → Servidor (varios equipos sobre PostgreSQL)
  serverStatus: commands.serverStatus,
  /** Why the workstation's server could not be opened at start (`null` when it was). */
  serverUnreachable: commands.serverUnreachable,
  /** «Reintentar»: opens the workstation's database again. */
  serverRetry: commands.serverRetry,
  /** «Vista previa»: what would be copied; nothing is copied. */
  serverPreview: commands.serverPreview,
  /** «Mover los datos»: copies, switches the workstation and reopens on the server. */
  serverMove: commands.serverMove,
  serverUseLocal: commands.serverUseLocal,
  /** Progress of a running move; returns the unsubscribe function. */
  onServerProgress: (cb: (p: MoveProgress) => void): Promise<() => void> =>
    listen<MoveProgress>("server-progress", (e) => cb(e.payload)),
  /** Another workstation changed data (PostgreSQL, `datos-cambiados`); returns the unsubscribe. */
  onDataChanged: (cb: (c: DataChanged) => void): Promise<() => void> =>
    listen<DataChanged>("datos-cambiados", (e) => cb(e.payload)),
  // Primer uso y datos de demostración
  setupStatus: commands.setupStatus,
  /** Marks the first-run setup as done (also «Omitir»). */
  setupComplete: commands.setupComplete,
  staffRename: commands.staffRename,
  /** Loads the demo cases (only into a database without cases); runs on a worker thread. */
  demoLoad: commands.demoLoad,
  /** Removes the demo cases after a verified backup. */
  demoClear: commands.demoClear,
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
