// The count of mails awaiting triage, shown beside «Bandeja» in the sidebar, and a revision the
// Bandeja reloads on when a check of the mailbox (this window's or the background collector's)
// finishes.
import { api } from "../../api";

export const inbox = $state({ count: null as number | null, revision: 0 });

export async function loadInboxCount(): Promise<void> {
  try {
    inbox.count = (await api.mailInbox(false)).length;
  } catch {
    // The badge is a convenience: the Bandeja itself shows the error.
    inbox.count = null;
  }
}

/** Follows `mail-progress`: a finished check (its summary has lines; progress events have
 * none) refreshes the count and the Bandeja. Returns the unsubscribe function. */
export function followChecks(): Promise<() => void> {
  return api.onMailProgress((p) => {
    if (p.lines.length === 0) return;
    inbox.revision += 1;
    void loadInboxCount();
  });
}
