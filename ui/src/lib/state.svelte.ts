// Estado compartido de la aplicación (runas de Svelte 5).
import { api, toApiError } from "./api";
import type { AppInfo } from "./bindings/AppInfo";
import type { Catalogs } from "./bindings/Catalogs";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { TicketStatus } from "./bindings/TicketStatus";
import { safety } from "./safety.svelte";

export type CaseFilters = {
  status: TicketStatus | null;
  search: string;
  service_type: string | null;
  department: string | null;
  assignee: string | null;
  level: number | null;
  overdue: boolean;
  open: boolean;
  dueToday: boolean;
  from: string | null;
  to: string | null;
  sort: string | null;
  desc: boolean;
};

export function emptyFilters(): CaseFilters {
  return {
    status: null,
    search: "",
    service_type: null,
    department: null,
    assignee: null,
    level: null,
    overdue: false,
    open: false,
    dueToday: false,
    from: null,
    to: null,
    sort: "number",
    desc: true,
  };
}

export type View =
  | { name: "inicio" }
  | { name: "casos" }
  | { name: "nuevo"; mail?: number }
  | { name: "bandeja"; mail?: number }
  | { name: "detalle"; number: string }
  | { name: "ajustes" }
  | { name: "equipos" }
  | { name: "equipo"; tag: string }
  | { name: "mantenimiento" }
  | { name: "importar" }
  | { name: "informes" }
  | { name: "agenda" }
  | { name: "riesgos" }
  | { name: "plan-mejora"; number?: string }
  | { name: "indicadores" }
  | { name: "informe-gestion" };

export const app = $state({
  view: { name: "inicio" } as View,
  catalogs: null as Catalogs | null,
  info: null as AppInfo | null,
  error: null as string | null,
  /** Code of `error` (`ApiError.code`). */
  errorCode: null as ErrorCode | null,
  notice: null as string | null,
  filters: emptyFilters(),
  /** Scroll position of the case list, kept while the user opens a case and comes back. */
  listPosition: null as { key: string; scrollTop: number; focusedIndex: number } | null,
  /** Incremented whenever cases change, so lists and counters reload. */
  revision: 0,
  /** Incremented when another workstation changed data (PostgreSQL): open details reload. */
  remoteRevision: 0,
});

/** A screen with unsaved changes can hold navigation: the guard gets the destination and
 * returns false to stay (it then asks the user, and navigates itself when told to leave). */
let leaveGuard: ((to: View) => boolean) | null = null;
export function setLeaveGuard(guard: ((to: View) => boolean) | null): void {
  leaveGuard = guard;
}

export function navigate(view: View): void {
  if (leaveGuard && !leaveGuard(view)) return;
  app.view = view;
}

export function showError(e: unknown): void {
  const err = toApiError(e);
  // Refused for want of a session (the screen locked meanwhile): the login screen says it.
  if (err.code === "login_required") return;
  app.error = err.message;
  app.errorCode = err.code;
}

/** The error the banner shows. A damaged database is explained, with its way out, by the
 * safety banner: one message is enough (every screen's load fails with the same error while it
 * lasts, before or after the safety status arrives). */
export function visibleError(): string | null {
  if (app.errorCode === "database_damaged" && safety.status?.damaged) return null;
  return app.error;
}

export function clearError(): void {
  app.error = null;
  app.errorCode = null;
}

export function showNotice(message: string): void {
  app.notice = message;
}

export function casesChanged(): void {
  app.revision += 1;
}

/** «Volver a cargar» (after `conflicto_edicion`) or another workstation's change: lists,
 * counters and the open case read the database again. */
export function reloadFromDatabase(): void {
  app.remoteRevision += 1;
  casesChanged();
}

export async function loadCatalogs(): Promise<void> {
  try {
    app.catalogs = await api.catalogs();
  } catch (e) {
    showError(e);
  }
}

export async function loadInfo(): Promise<void> {
  try {
    app.info = await api.appInfo();
  } catch (e) {
    showError(e);
  }
}
