import { describe, expect, it } from "vitest";
import type { MailAccount } from "../../bindings/MailAccount";
import { emptyForm, formFrom, reconnectText, toAccount, withAuth, withSecurity } from "./mailForm";

const stored: MailAccount = {
  address: "sistemas@entidad.gov.co",
  display_name: "Mesa de Ayuda TI",
  imap_host: "imap.entidad.gov.co",
  imap_port: 993,
  smtp_host: "smtp.entidad.gov.co",
  smtp_port: 465,
  security: "tls",
  auth: "password",
  username: "sistemas@entidad.gov.co",
  folder: "INBOX",
  processed_folder: "Mesa de ayuda/Procesados",
  poll_minutes: 2,
  max_mb: 25,
  auto_register: false,
  enabled: true,
};

describe("mailForm", () => {
  it("round-trips a stored account and never carries a password back", () => {
    const f = formFrom(stored);
    expect(f.password).toBe("");
    expect(f.username).toBe("");
    const r = toAccount(f);
    expect("account" in r && r.account).toEqual(stored);
  });

  it("defaults to TLS ports, a 2-minute interval and 25 MB", () => {
    const f = emptyForm();
    expect([f.security, f.imapPort, f.smtpPort, f.pollMinutes, f.maxMb]).toEqual([
      "tls",
      "993",
      "465",
      "2",
      "25",
    ]);
  });

  it("moves default ports with the security, but keeps ports the user typed", () => {
    let f = withSecurity(emptyForm(), "starttls");
    expect([f.imapPort, f.smtpPort]).toEqual(["143", "587"]);
    f = { ...f, imapPort: "10143" };
    f = withSecurity(f, "none");
    expect([f.imapPort, f.smtpPort]).toEqual(["10143", "25"]);
  });

  it("lists every problem in Spanish before sending anything", () => {
    const f = {
      ...emptyForm(),
      address: "sistemas",
      imapHost: " ",
      smtpHost: "smtp.x",
      imapPort: "99999",
      smtpPort: "abc",
      pollMinutes: "0",
      maxMb: "2000",
    };
    const r = toAccount(f);
    expect("problems" in r).toBe(true);
    const problems = "problems" in r ? r.problems : [];
    expect(problems).toContain("La dirección del buzón no parece un correo (falta @).");
    expect(problems).toContain("Servidor IMAP: es obligatorio.");
    expect(problems).toContain("Puerto IMAP: escriba un número de 1 a 65535.");
    expect(problems).toContain("Puerto SMTP: escriba un número de 1 a 65535.");
    expect(problems).toContain("Revisar el buzón cada (minutos): escriba un número de 1 a 1440.");
    expect(problems).toContain("Tamaño máximo de un correo (MB): escriba un número de 1 a 500.");
  });

  it("sends the address as the user when no other user is typed", () => {
    const f = {
      ...emptyForm(),
      address: " sistemas@entidad.gov.co ",
      imapHost: "127.0.0.1",
      smtpHost: "127.0.0.1",
      security: "none" as const,
      pollMinutes: "5",
    };
    const r = toAccount(f);
    expect("account" in r).toBe(true);
    if ("account" in r) {
      expect(r.account.username).toBe("sistemas@entidad.gov.co");
      expect(r.account.poll_minutes).toBe(5);
      expect(r.account.security).toBe("none");
      expect(r.account.auth).toBe("password");
    }
  });

  it("proposes the provider's servers for OAuth2 and sends its fields, never a password", () => {
    let f = withAuth({ ...emptyForm(), address: "sistemas@entidad.gov.co" }, "oauth2_microsoft");
    expect([f.imapHost, f.imapPort, f.smtpHost, f.smtpPort, f.security]).toEqual([
      "outlook.office365.com",
      "993",
      "smtp.office365.com",
      "587",
      "tls",
    ]);
    // Without the client id nothing is sent.
    const missing = toAccount(f);
    expect("problems" in missing && missing.problems).toEqual([
      "Identificador de cliente (aplicación registrada): es obligatorio.",
    ]);
    f = {
      ...f,
      clientId: " cid ",
      tenant: " entidad.gov.co ",
      clientSecret: "no-va",
      password: "x",
    };
    const r = toAccount(f);
    expect("account" in r).toBe(true);
    if ("account" in r) {
      expect(r.account.auth).toBe("oauth2_microsoft");
      expect(r.oauth).toMatchObject({
        provider: "microsoft",
        client_id: "cid",
        tenant: "entidad.gov.co",
        token_endpoint: "",
        client_secret: "",
      });
    }
    // Google: its servers; the client secret goes along (to the credential store).
    const g = withAuth({ ...emptyForm(), address: "a@b.co", clientId: "g" }, "oauth2_google");
    expect([g.imapHost, g.smtpHost, g.smtpPort]).toEqual([
      "imap.gmail.com",
      "smtp.gmail.com",
      "465",
    ]);
    const rg = toAccount({ ...g, clientSecret: "GOCSPX-1", tenant: "ignorado" });
    expect("account" in rg && rg.oauth).toMatchObject({
      provider: "google",
      client_secret: "GOCSPX-1",
      tenant: "",
      device_endpoint: "",
    });
    // Servers the user typed are kept when the authentication changes.
    const own = withAuth({ ...emptyForm(), imapHost: "127.0.0.1" }, "oauth2_google");
    expect(own.imapHost).toBe("127.0.0.1");
    // A stored OAuth2 account comes back with its fields.
    const back = formFrom(
      { ...stored, auth: "oauth2_microsoft" },
      {
        provider: "microsoft",
        client_id: "cid",
        tenant: "entidad.gov.co",
        auth_endpoint: "",
        token_endpoint: "http://127.0.0.1:9/token",
        device_endpoint: "",
        client_secret: "",
        client_secret_stored: false,
        connected_at: "2026-12-02T09:00:00-05:00",
      },
    );
    expect([back.auth, back.clientId, back.tenant, back.tokenEndpoint, back.connectedAt]).toEqual([
      "oauth2_microsoft",
      "cid",
      "entidad.gov.co",
      "http://127.0.0.1:9/token",
      "2026-12-02T09:00:00-05:00",
    ]);
  });

  it("chooses the banner's words from the collector's reconnect state", () => {
    expect(reconnectText("oauth")).toContain("Vuelva a conectar la cuenta de correo");
    expect(reconnectText("password")).toContain("contraseña");
    // Saved but never authorised on this workstation: nothing was revoked.
    expect(reconnectText("oauth_connect")).toContain("todavía no se ha autorizado");
    expect(reconnectText("oauth_connect")).not.toContain("revocó");
    expect(reconnectText(null)).toBeNull();
    expect(reconnectText(undefined)).toBeNull();
  });
});
