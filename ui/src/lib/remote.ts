// Changes made on other workstations (issue 17, PostgreSQL): the app's background listener
// emits `datos-cambiados` with the tables and ids another PC committed; lists, the open case
// and the Bandeja reload once per burst (debounced). On SQLite no event ever comes.
import { api } from "./api";
import type { DataChanged } from "./bindings/DataChanged";
import { reloadFromDatabase } from "./state.svelte";
import { inbox, loadInboxCount } from "./features/inbox/inboxState.svelte";

/** Quiet time before reloading: a burst of changes (an import, a sweep) reloads once. */
export const REMOTE_DEBOUNCE_MS = 400;

/** Debounces `fire` over calls with payloads, passing every payload of the burst. */
export function debounced<T>(fire: (all: T[]) => void, ms: number): (p: T) => void {
  let pending: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (p: T) => {
    pending.push(p);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const all = pending;
      pending = [];
      fire(all);
    }, ms);
  };
}

export function applyRemoteChanges(all: DataChanged[]): void {
  reloadFromDatabase();
  if (all.some((c) => c.reconnected || c.changes.some((x) => x.table === "mail_messages"))) {
    inbox.revision += 1;
    void loadInboxCount();
  }
}

export function followRemoteChanges(): Promise<() => void> {
  return api.onDataChanged(debounced(applyRemoteChanges, REMOTE_DEBOUNCE_MS));
}
