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
    },
    toApiError: (e: unknown) =>
      typeof e === "object" && e !== null && "message" in e
        ? { code: String((e as { code?: unknown }).code ?? "unknown"), message: String((e as { message: unknown }).message) }
        : { code: "unknown", message: String(e) },
  };
}
