import { vi } from "vitest";

/** Factory for `vi.mock("…/api", …)`: every back-end call is a vi.fn(). */
export function apiMock() {
  return {
    api: {
      appInfo: vi.fn(),
      ticketCreate: vi.fn(),
      ticketList: vi.fn(),
      ticketGet: vi.fn(),
      ticketAction: vi.fn(),
      dashboard: vi.fn(),
      catalogs: vi.fn(),
      surveyMailto: vi.fn(),
      autoclose: vi.fn(),
      openSurveyMail: vi.fn(),
      assetList: vi.fn(),
      assetRecord: vi.fn(),
      assetCreate: vi.fn(),
      assetMove: vi.fn(),
      assetEvent: vi.fn(),
      decommissionCreate: vi.fn(),
      decommissionApprove: vi.fn(),
      planYears: vi.fn(),
      planCreate: vi.fn(),
      planItemAdd: vi.fn(),
      cronograma: vi.fn(),
      logCreate: vi.fn(),
      logList: vi.fn(),
      logVerify: vi.fn(),
      maintenanceDue: vi.fn(),
      exportDocument: vi.fn(),
      safetyStatus: vi.fn(),
      backupList: vi.fn(),
      backupCreate: vi.fn(),
      backupVerify: vi.fn(),
      backupRestore: vi.fn(),
      restoreLatestBackup: vi.fn(),
      auditList: vi.fn(),
      auditHistory: vi.fn(),
      auditExport: vi.fn(),
      personSearch: vi.fn(),
      personExport: vi.fn(),
      personAnonymize: vi.fn(),
      reportPreview: vi.fn(),
      reportSave: vi.fn(),
      reportExport: vi.fn(),
      casesExport: vi.fn(),
      onExportProgress: vi.fn(() => Promise.resolve(() => {})),
    },
    toApiError: (e: unknown) =>
      typeof e === "object" && e !== null && "message" in e
        ? { code: String((e as { code?: unknown }).code ?? "unknown"), message: String((e as { message: unknown }).message) }
        : { code: "unknown", message: String(e) },
  };
}
