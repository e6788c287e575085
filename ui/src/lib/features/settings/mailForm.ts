// Ajustes → Correo: the form's model and the checks made before sending (the back end and the
// core decide: e.g. «ninguna» only towards this computer is mesa-mailnet's rule, shown as it
// answers). No mail rule is duplicated here.
import type { MailAccount } from "../../bindings/MailAccount";
import { t } from "../../i18n/es";

export type Security = "tls" | "starttls" | "none";

/** What the form edits: numbers as typed text, so a half-typed value is not lost. */
export type MailForm = {
  address: string;
  username: string;
  imapHost: string;
  imapPort: string;
  smtpHost: string;
  smtpPort: string;
  security: Security;
  folder: string;
  processedFolder: string;
  maxMb: string;
  pollMinutes: string;
  autoRegister: boolean;
  enabled: boolean;
  /** Typed once; never filled from the back end. */
  password: string;
  /** Kept from the stored account (not edited here). */
  displayName: string;
};

/** The usual ports of each security: (IMAP, SMTP). */
export function defaultPorts(security: Security): [number, number] {
  switch (security) {
    case "tls":
      return [993, 465];
    case "starttls":
      return [143, 587];
    default:
      return [143, 25];
  }
}

export function emptyForm(): MailForm {
  return {
    address: "",
    username: "",
    imapHost: "",
    imapPort: "993",
    smtpHost: "",
    smtpPort: "465",
    security: "tls",
    folder: "INBOX",
    processedFolder: "Mesa de ayuda/Procesados",
    maxMb: "25",
    pollMinutes: "2",
    autoRegister: false,
    enabled: true,
    password: "",
    displayName: "Mesa de Ayuda TI",
  };
}

export function formFrom(a: MailAccount | null): MailForm {
  if (!a) return emptyForm();
  const security: Security =
    a.security === "starttls" || a.security === "none" ? a.security : "tls";
  return {
    address: a.address,
    username: a.username === a.address ? "" : a.username,
    imapHost: a.imap_host,
    imapPort: String(a.imap_port),
    smtpHost: a.smtp_host,
    smtpPort: String(a.smtp_port),
    security,
    folder: a.folder,
    processedFolder: a.processed_folder,
    maxMb: String(a.max_mb),
    pollMinutes: String(a.poll_minutes),
    autoRegister: a.auto_register,
    enabled: a.enabled,
    password: "",
    displayName: a.display_name,
  };
}

/** Changing the security moves a port that still has the old default to the new default. */
export function withSecurity(f: MailForm, security: Security): MailForm {
  const [oldImap, oldSmtp] = defaultPorts(f.security);
  const [imap, smtp] = defaultPorts(security);
  return {
    ...f,
    security,
    imapPort:
      f.imapPort.trim() === String(oldImap) || f.imapPort.trim() === "" ? String(imap) : f.imapPort,
    smtpPort:
      f.smtpPort.trim() === String(oldSmtp) || f.smtpPort.trim() === "" ? String(smtp) : f.smtpPort,
  };
}

function int(text: string): number | null {
  const s = text.trim();
  return /^\d+$/.test(s) ? Number(s) : null;
}

/** The account to send, or the Spanish problems of the form (one per field). */
export function toAccount(f: MailForm): { account: MailAccount } | { problems: string[] } {
  const problems: string[] = [];
  const address = f.address.trim();
  if (!address) problems.push(t.mail.required(t.mail.address));
  else if (!address.includes("@")) problems.push(t.mail.invalidAddress);
  if (!f.imapHost.trim()) problems.push(t.mail.required(t.mail.imapHost));
  if (!f.smtpHost.trim()) problems.push(t.mail.required(t.mail.smtpHost));
  const port = (text: string, field: string) => {
    const n = int(text);
    if (n === null || n < 1 || n > 65535) {
      problems.push(t.mail.invalidPort(field));
      return 0;
    }
    return n;
  };
  const imapPort = port(f.imapPort, t.mail.imapPort);
  const smtpPort = port(f.smtpPort, t.mail.smtpPort);
  const range = (text: string, field: string, min: number, max: number) => {
    const n = int(text);
    if (n === null || n < min || n > max) {
      problems.push(t.mail.invalidRange(field, min, max));
      return min;
    }
    return n;
  };
  const maxMb = range(f.maxMb, t.mail.maxMb, 1, 500);
  const pollMinutes = range(f.pollMinutes, t.mail.interval, 1, 1440);
  if (!f.folder.trim()) problems.push(t.mail.required(t.mail.folder));
  if (!f.processedFolder.trim()) problems.push(t.mail.required(t.mail.processedFolder));
  if (problems.length > 0) return { problems };
  return {
    account: {
      address,
      display_name: f.displayName || "Mesa de Ayuda TI",
      imap_host: f.imapHost.trim(),
      imap_port: imapPort,
      smtp_host: f.smtpHost.trim(),
      smtp_port: smtpPort,
      security: f.security,
      auth: "password",
      username: f.username.trim() || address,
      folder: f.folder.trim(),
      processed_folder: f.processedFolder.trim(),
      poll_minutes: pollMinutes,
      max_mb: maxMb,
      auto_register: f.autoRegister,
      enabled: f.enabled,
    },
  };
}

/** The banner's text for the collector's `reconnect` state, or null for no banner. */
export function reconnectText(reconnect: string | null | undefined): string | null {
  if (reconnect === "oauth") return t.mail.bannerOauth;
  if (reconnect === "password") return t.mail.bannerPassword;
  return null;
}
