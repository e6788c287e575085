// The count of mails awaiting triage, shown beside «Bandeja» in the sidebar.
import { api } from "../../api";

export const inbox = $state({ count: null as number | null });

export async function loadInboxCount(): Promise<void> {
  try {
    inbox.count = (await api.mailInbox(false)).length;
  } catch {
    // The badge is a convenience: the Bandeja itself shows the error.
    inbox.count = null;
  }
}
