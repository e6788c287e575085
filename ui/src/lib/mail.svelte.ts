// The background mail collector as the window sees it: its last status (from `mail_status` at
// start and every `mail-status` event) and the progress of a running check; and «Conectar» of an
// OAuth2 account (Ajustes → Correo and the reconnect banner share it), followed by the
// `mail-connect` events.
import { api } from "./api";
import type { MailCheckSummary } from "./bindings/MailCheckSummary";
import type { MailConnectStatus } from "./bindings/MailConnectStatus";
import type { MailStatus } from "./bindings/MailStatus";

export const mail = $state({
  status: null as MailStatus | null,
  progress: null as MailCheckSummary | null,
  connect: null as MailConnectStatus | null,
});

/** Reads the status once and follows its events; returns the unsubscribe function. */
export async function followMail(): Promise<() => void> {
  const stops = await Promise.all([
    api.onMailStatus((s) => {
      mail.status = s;
      if (!s.running) mail.progress = null;
    }),
    api.onMailProgress((p) => (mail.progress = p)),
    api.onMailConnect((c) => (mail.connect = c)),
  ]);
  try {
    mail.status = (await api.mailStatus()) ?? mail.status;
  } catch {
    // The status is also pushed by the events: nothing to show when this read fails.
  }
  return () => stops.forEach((stop) => stop());
}

/** True while «Conectar» waits for the user or tests the new token. */
export function connecting(c: MailConnectStatus | null = mail.connect): boolean {
  return c?.state === "waiting" || c?.state === "testing";
}

/** «Conectar» the saved OAuth2 account (browser, or Microsoft's device code). */
export async function startConnect(device: boolean): Promise<void> {
  mail.connect = await api.mailOauthConnect(device);
}

/** «Cancelar» the running «Conectar». */
export async function cancelConnect(): Promise<void> {
  mail.connect = await api.mailOauthCancel();
}
