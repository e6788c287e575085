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
