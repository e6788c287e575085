// Ajustes → Correo: the form's model and the checks made before sending (the back end and the
// core decide: e.g. «ninguna» only towards this computer is mesa-mailnet's rule, shown as it
// answers). No mail rule is duplicated here.
import type { MailAccount } from "../../bindings/MailAccount";
import type { MailOAuthForm } from "../../bindings/MailOAuthForm";
import { t } from "../../i18n/es";

export type Security = "tls" | "starttls" | "none";
/** How the account logs in: a password, or OAuth2 with Microsoft 365 or Google Workspace. */
export type AuthKind = "password" | "oauth2_microsoft" | "oauth2_google";

/** The OAuth2 provider of an `auth` value (`null` for a password). */
export function providerOf(auth: AuthKind): "microsoft" | "google" | null {
  if (auth === "oauth2_microsoft") return "microsoft";
  if (auth === "oauth2_google") return "google";
  return null;
}

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
  auth: AuthKind;
  /** OAuth2: the app registration's client id, Microsoft's tenant, Google's client secret
   *  (typed once, to the credential store) and endpoints replacing the provider's (advanced). */
  clientId: string;
  tenant: string;
  clientSecret: string;
  clientSecretStored: boolean;
  authEndpoint: string;
  tokenEndpoint: string;
  deviceEndpoint: string;
  connectedAt: string | null;
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
    auth: "password",
    clientId: "",
    tenant: "",
    clientSecret: "",
    clientSecretStored: false,
    authEndpoint: "",
    tokenEndpoint: "",
    deviceEndpoint: "",
    connectedAt: null,
  };
}

export function formFrom(a: MailAccount | null, o: MailOAuthForm | null = null): MailForm {
  if (!a) return emptyForm();
  const auth: AuthKind =
    a.auth === "oauth2_microsoft" || a.auth === "oauth2_google" ? a.auth : "password";
  const oauth =
    o && auth !== "password" && o.provider === providerOf(auth)
      ? {
          clientId: o.client_id,
          tenant: o.tenant,
          clientSecretStored: o.client_secret_stored,
          authEndpoint: o.auth_endpoint,
          tokenEndpoint: o.token_endpoint,
          deviceEndpoint: o.device_endpoint,
          connectedAt: o.connected_at,
        }
      : {};
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
    ...emptyOAuth(),
    auth,
    ...oauth,
  };
}

function emptyOAuth() {
  const e = emptyForm();
  return {
    clientId: e.clientId,
    tenant: e.tenant,
    clientSecret: e.clientSecret,
    clientSecretStored: e.clientSecretStored,
    authEndpoint: e.authEndpoint,
    tokenEndpoint: e.tokenEndpoint,
    deviceEndpoint: e.deviceEndpoint,
    connectedAt: e.connectedAt,
  };
}

/** The servers of each provider (filled when the authentication is chosen on an empty or
 *  other provider's form; the user can still change them). */
const PROVIDER_SERVERS: Record<"microsoft" | "google", Partial<MailForm>> = {
  microsoft: {
    imapHost: "outlook.office365.com",
    imapPort: "993",
    smtpHost: "smtp.office365.com",
    smtpPort: "587",
    security: "tls",
  },
  google: {
    imapHost: "imap.gmail.com",
    imapPort: "993",
    smtpHost: "smtp.gmail.com",
    smtpPort: "465",
    security: "tls",
  },
};

const KNOWN_HOSTS = ["", "outlook.office365.com", "imap.gmail.com"];

/** Choosing the authentication: a provider fills its servers unless the user typed others. */
export function withAuth(f: MailForm, auth: AuthKind): MailForm {
  const provider = providerOf(auth);
  const next = { ...f, auth };
  if (provider && KNOWN_HOSTS.includes(f.imapHost.trim())) {
    Object.assign(next, PROVIDER_SERVERS[provider]);
  }
  return next;
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
export function toAccount(
  f: MailForm,
): { account: MailAccount; oauth: MailOAuthForm | null } | { problems: string[] } {
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
  const provider = providerOf(f.auth);
  if (provider && !f.clientId.trim()) problems.push(t.mail.required(t.mail.clientId));
  if (problems.length > 0) return { problems };
  const oauth: MailOAuthForm | null = provider
    ? {
        provider,
        client_id: f.clientId.trim(),
        tenant: provider === "microsoft" ? f.tenant.trim() : "",
        auth_endpoint: f.authEndpoint.trim(),
        token_endpoint: f.tokenEndpoint.trim(),
        device_endpoint: provider === "microsoft" ? f.deviceEndpoint.trim() : "",
        client_secret: provider === "google" ? f.clientSecret : "",
        client_secret_stored: f.clientSecretStored,
        connected_at: f.connectedAt,
      }
    : null;
  return {
    account: {
      address,
      display_name: f.displayName || "Mesa de Ayuda TI",
      imap_host: f.imapHost.trim(),
      imap_port: imapPort,
      smtp_host: f.smtpHost.trim(),
      smtp_port: smtpPort,
      security: f.security,
      auth: f.auth,
      username: f.username.trim() || address,
      folder: f.folder.trim(),
      processed_folder: f.processedFolder.trim(),
      poll_minutes: pollMinutes,
      max_mb: maxMb,
      auto_register: f.autoRegister,
      enabled: f.enabled,
    },
    oauth,
  };
}

/** The banner's text for the collector's `reconnect` state, or null for no banner. */
export function reconnectText(reconnect: string | null | undefined): string | null {
  if (reconnect === "oauth") return t.mail.bannerOauth;
  if (reconnect === "oauth_connect") return t.mail.bannerOauthConnect;
  if (reconnect === "password") return t.mail.bannerPassword;
  return null;
}
