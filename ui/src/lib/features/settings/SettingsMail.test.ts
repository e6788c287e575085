import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { MailAccount } from "../../bindings/MailAccount";
import type { OutboxEntry } from "../../bindings/OutboxEntry";
import type { SessionInfo } from "../../bindings/SessionInfo";
import { app } from "../../state.svelte";
import { session } from "../../session.svelte";
import { mail } from "../../mail.svelte";
import SettingsMail from "./SettingsMail.svelte";
import MailBanner from "../../components/MailBanner.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const stored: MailAccount = {
  address: "sistemas@entidad.gov.co",
  display_name: "Mesa de Ayuda TI",
  imap_host: "127.0.0.1",
  imap_port: 10143,
  smtp_host: "127.0.0.1",
  smtp_port: 10025,
  security: "none",
  auth: "password",
  username: "sistemas@entidad.gov.co",
  folder: "INBOX",
  processed_folder: "Mesa de ayuda/Procesados",
  poll_minutes: 2,
  max_mb: 25,
  auto_register: false,
  enabled: true,
};

function outboxEntry(over: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id: 7,
    number: "MA-2026-0042",
    kind: "acuse",
    to: "ana@entidad.gov.co",
    subject: "Recibimos su solicitud",
    message_id: "<mesa.1@entidad.gov.co>",
    state: "fallido",
    attempts: 8,
    last_reply: "535 5.7.8 Authentication failed",
    created_at: "2026-03-10T10:00:00-05:00",
    next_attempt_at: "2026-03-10T14:00:00-05:00",
    sent_at: null,
    accepted_at: null,
    ...over,
  };
}

function asRole(permissions: SessionInfo["permissions"]) {
  session.info = {
    accounts_enabled: true,
    principal: { login: "x", name: "X", cargo: "", role: "administrador" },
    role_label: "",
    permissions,
    idle_lock_minutes: 15,
    idle_lock_seconds: 900,
    roles: [],
    min_password_chars: 8,
    actor: "X",
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
  mail.status = null;
  asRole(["settings", "case_register"]);
  vi.mocked(api.mailAccountGet).mockResolvedValue(stored);
  vi.mocked(api.mailTemplates).mockResolvedValue([
    {
      kind: "acuse",
      subject: "Recibimos su solicitud: {asunto}",
      body: "Hola {solicitante}",
      enabled: true,
    },
  ]);
  vi.mocked(api.mailPlaceholders).mockResolvedValue([
    { name: "numero", description: "número del caso (MA-2026-0042)" },
  ]);
  vi.mocked(api.mailOutbox).mockResolvedValue([]);
});

describe("Ajustes → Correo", () => {
  it("shows the stored account without any password and saves a typed one once", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailAccountSet).mockImplementation((a) => Promise.resolve(a));
    render(SettingsMail);
    const host = (await screen.findByTestId("mail-imap-host")) as HTMLInputElement;
    await waitFor(() => expect(host.value).toBe("127.0.0.1"));
    const pw = screen.getByTestId("mail-password") as HTMLInputElement;
    expect(pw.value).toBe("");
    expect(pw.type).toBe("password");
    await user.type(pw, "secreto");
    await user.clear(screen.getByTestId("mail-interval"));
    await user.type(screen.getByTestId("mail-interval"), "1");
    await user.click(screen.getByTestId("mail-save"));
    await waitFor(() => expect(api.mailAccountSet).toHaveBeenCalledTimes(1));
    const [sent, password] = vi.mocked(api.mailAccountSet).mock.calls[0];
    expect(password).toBe("secreto");
    expect(sent.poll_minutes).toBe(1);
    expect(sent.imap_port).toBe(10143);
    // After saving, the field is empty again: the password is never shown back.
    await waitFor(() => expect(pw.value).toBe(""));
    expect(app.notice).toBe("Cuenta de correo guardada.");
  });

  it("shows the per-side diagnosis of «Probar conexión»", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailTest).mockResolvedValue({
      imap_ok: false,
      smtp_ok: true,
      lines: [
        "IMAP: El servidor IMAP rechazó el usuario o la contraseña de «sistemas@entidad.gov.co»: NO",
        "SMTP: conexión y autenticación correctas con 127.0.0.1:10025.",
      ],
      codes: ["mail_auth_failed"],
    });
    render(SettingsMail);
    await waitFor(() =>
      expect((screen.getByTestId("mail-imap-host") as HTMLInputElement).value).toBe("127.0.0.1"),
    );
    await user.click(screen.getByTestId("mail-test"));
    const report = await screen.findByTestId("mail-test-report");
    expect(report.textContent).toContain("La prueba de conexión falló");
    expect(screen.getByTestId("mail-test-imap").textContent).toContain("falló");
    expect(screen.getByTestId("mail-test-smtp").textContent).toContain("correcto");
    expect(screen.getAllByTestId("mail-test-line")[0].textContent).toContain("rechazó el usuario");
    // Without a typed password the stored one is used (null).
    expect(vi.mocked(api.mailTest).mock.calls[0][1]).toBeNull();
  });

  it("shows the back end's Spanish refusal (no encryption towards a remote server)", async () => {
    const user = userEvent.setup();
    const msg =
      "La seguridad «ninguna» (sin cifrado) solo se permite con un servidor de este equipo (127.0.0.1, ::1 o localhost); «imap.entidad.gov.co» no lo es. Elija TLS o STARTTLS.";
    vi.mocked(api.mailAccountSet).mockRejectedValue({
      code: "mail_insecure_not_loopback",
      message: msg,
    });
    render(SettingsMail);
    const host = (await screen.findByTestId("mail-imap-host")) as HTMLInputElement;
    await waitFor(() => expect(host.value).toBe("127.0.0.1"));
    await user.clear(host);
    await user.type(host, "imap.entidad.gov.co");
    await user.click(screen.getByTestId("mail-save"));
    expect((await screen.findByTestId("mail-refusal")).textContent).toBe(msg);
  });

  it("refuses a half-filled form without calling the back end", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailAccountGet).mockResolvedValue(null);
    render(SettingsMail);
    await user.click(await screen.findByTestId("mail-save"));
    const problems = await screen.findByTestId("mail-problems");
    expect(problems.textContent).toContain("Dirección del buzón: es obligatorio.");
    expect(api.mailAccountSet).not.toHaveBeenCalled();
  });

  it("lists the template's placeholders and saves the edited template", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailTemplateSet).mockResolvedValue(null);
    render(SettingsMail);
    const list = await screen.findByTestId("mail-placeholders-acuse");
    expect(list.textContent).toContain("{numero}");
    await user.click(screen.getByTestId("mail-template-enabled-acuse"));
    await user.click(screen.getByTestId("mail-template-save-acuse"));
    await waitFor(() =>
      expect(api.mailTemplateSet).toHaveBeenCalledWith(
        expect.objectContaining({ kind: "acuse", enabled: false }),
      ),
    );
  });

  it("shows failed notifications with the server's answer and retries them", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailOutbox).mockResolvedValue([outboxEntry()]);
    vi.mocked(api.mailOutboxRetry).mockResolvedValue({
      fetched: 0,
      stored: 0,
      already_stored: 0,
      ignored: 0,
      too_large: 0,
      remaining: 0,
      sent: 1,
      failed: 0,
      lines: [],
    });
    render(SettingsMail);
    const row = await screen.findByTestId("mail-outbox-row");
    expect(row.textContent).toContain("Con error");
    expect(row.textContent).toContain("535 5.7.8");
    await user.click(screen.getByTestId("mail-outbox-retry"));
    await waitFor(() => expect(api.mailOutboxRetry).toHaveBeenCalledWith(7));
    expect(api.mailOutbox).toHaveBeenCalledTimes(2);
  });

  it("saves a Microsoft 365 (OAuth2) account and «Conectar» shows the URL with «Cancelar»", async () => {
    const user = userEvent.setup();
    const saved = { ...stored, auth: "oauth2_microsoft" };
    vi.mocked(api.mailAccountSet).mockResolvedValue(saved);
    render(SettingsMail);
    await waitFor(() =>
      expect((screen.getByTestId("mail-imap-host") as HTMLInputElement).value).toBe("127.0.0.1"),
    );
    await user.selectOptions(screen.getByTestId("mail-auth"), "oauth2_microsoft");
    expect(screen.queryByTestId("mail-password")).toBeNull();
    // Not saved as OAuth2 yet: «Conectar» waits for «Guardar».
    expect((screen.getByTestId("mail-oauth-connect") as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByTestId("mail-client-id"), "cid-123");
    await user.type(screen.getByTestId("mail-tenant"), "entidad.gov.co");
    await user.click(screen.getByTestId("mail-save"));
    await waitFor(() => expect(api.mailAccountSet).toHaveBeenCalledTimes(1));
    const [account, password, oauth] = vi.mocked(api.mailAccountSet).mock.calls[0];
    expect(account.auth).toBe("oauth2_microsoft");
    expect(password).toBeNull();
    expect(oauth).toMatchObject({
      provider: "microsoft",
      client_id: "cid-123",
      tenant: "entidad.gov.co",
    });

    vi.mocked(api.mailOauthGet).mockResolvedValue({
      provider: "microsoft",
      client_id: "cid-123",
      tenant: "entidad.gov.co",
      auth_endpoint: "",
      token_endpoint: "",
      device_endpoint: "",
      client_secret: "",
      client_secret_stored: false,
      connected_at: null,
    });
    vi.mocked(api.mailOauthConnect).mockResolvedValue({
      state: "waiting",
      message: "Se abrió el navegador: inicie sesión con sistemas@entidad.gov.co",
      url: "https://login.microsoftonline.com/entidad.gov.co/oauth2/v2.0/authorize?x=1",
      user_code: null,
      browser_opened: true,
      report: null,
      error_code: null,
    });
    vi.mocked(api.mailOauthCancel).mockResolvedValue({
      state: "cancelled",
      message: "Se canceló la conexión de la cuenta de correo.",
      url: null,
      user_code: null,
      browser_opened: false,
      report: null,
      error_code: null,
    });
    const connect = screen.getByTestId("mail-oauth-connect") as HTMLButtonElement;
    await waitFor(() => expect(connect.disabled).toBe(false));
    await user.click(connect);
    expect(api.mailOauthConnect).toHaveBeenCalledWith(false);
    expect((await screen.findByTestId("mail-oauth-url")).textContent).toContain(
      "login.microsoftonline.com/entidad.gov.co",
    );
    expect(screen.getByTestId("mail-oauth-message").textContent).toContain("Se abrió el navegador");
    await user.click(screen.getByTestId("mail-oauth-cancel"));
    await waitFor(() =>
      expect(screen.getByTestId("mail-oauth-status").dataset.state).toBe("cancelled"),
    );
    expect(screen.queryByTestId("mail-oauth-cancel")).toBeNull();
    mail.connect = null;
  });

  it("disables changes for a role without the settings permission", async () => {
    asRole(["case_register"]);
    render(SettingsMail);
    expect(await screen.findByTestId("mail-admin-only")).toBeTruthy();
    expect(
      (screen.getByTestId("mail-save") as HTMLButtonElement).closest("fieldset")?.disabled,
    ).toBe(true);
  });
});

describe("Banner de reconexión", () => {
  it("appears while the collector needs the password and goes away after a good check", async () => {
    render(MailBanner);
    expect(screen.queryByTestId("mail-reconnect-banner")).toBeNull();
    mail.status = {
      configured: true,
      running: false,
      interval_minutes: 2,
      last_check_at: "2026-03-10T10:00:00-05:00",
      last_ok_at: null,
      error_code: "mail_auth_failed",
      error_message: "El servidor IMAP rechazó el usuario o la contraseña",
      reconnect: "password",
      last_summary: null,
    };
    const banner = await screen.findByTestId("mail-reconnect-banner");
    expect(banner.textContent).toContain("Vuelva a escribir la contraseña de la cuenta de correo");
    mail.status = { ...mail.status, error_code: null, error_message: null, reconnect: null };
    await waitFor(() => expect(screen.queryByTestId("mail-reconnect-banner")).toBeNull());
  });

  it("for a revoked authorization offers «Conectar» to an administrator", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailOauthConnect).mockResolvedValue({
      state: "waiting",
      message: "Abra la dirección de abajo en el navegador",
      url: "http://127.0.0.1:9/authorize?state=s",
      user_code: null,
      browser_opened: false,
      report: null,
      error_code: null,
    });
    render(MailBanner);
    mail.status = {
      configured: true,
      running: false,
      interval_minutes: 2,
      last_check_at: "2026-03-10T10:00:00-05:00",
      last_ok_at: null,
      error_code: "mail_reconnect",
      error_message: "Vuelva a conectar la cuenta de correo: invalid_grant",
      reconnect: "oauth",
      last_summary: null,
    };
    const banner = await screen.findByTestId("mail-reconnect-banner");
    expect(banner.textContent).toContain("Vuelva a conectar la cuenta de correo");
    await user.click(screen.getByTestId("mail-reconnect-connect"));
    expect(api.mailOauthConnect).toHaveBeenCalledWith(false);
    expect((await screen.findByTestId("mail-reconnect-url")).textContent).toBe(
      "http://127.0.0.1:9/authorize?state=s",
    );
    mail.connect = null;
    // A Consulta session sees the banner but cannot connect.
    asRole(["case_register"]);
    await waitFor(() => expect(screen.queryByTestId("mail-reconnect-connect")).toBeNull());
    mail.status = { ...mail.status, reconnect: null };
  });
});
