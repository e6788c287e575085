// The background mail collector as the window sees it: its last status (from `mail_status` at
// start and every `mail-status` event) and the progress of a running check.
import { api } from "./api";
import type { MailCheckSummary } from "./bindings/MailCheckSummary";
import type { MailStatus } from "./bindings/MailStatus";

export const mail = $state({
  status: null as MailStatus | null,
  progress: null as MailCheckSummary | null,
});

/** Reads the status once and follows its events; returns the unsubscribe function. */
export async function followMail(): Promise<() => void> {
  const stops = await Promise.all([
    api.onMailStatus((s) => {
      mail.status = s;
      if (!s.running) mail.progress = null;
    }),
    api.onMailProgress((p) => (mail.progress = p)),
  ]);
  try {
    mail.status = (await api.mailStatus()) ?? mail.status;
  } catch {
    // The status is also pushed by the events: nothing to show when this read fails.
  }
  return () => stops.forEach((stop) => stop());
}
