import "@testing-library/jest-dom/vitest";
import { roles as fixtureRoles } from "../../../test/fixtures";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { Account } from "../../bindings/Account";
import type { MatrixRow } from "../../bindings/MatrixRow";
import type { Permission } from "../../bindings/Permission";
import type { SessionInfo } from "../../bindings/SessionInfo";
import { session } from "../../session.svelte";
import { app } from "../../state.svelte";
import { catalogs } from "../../../test/fixtures";
import AccountsPanel from "./AccountsPanel.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const ALL: Permission[] = ["case_register", "case_work", "settings", "accounts"];

function info(over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    accounts_enabled: true,
    principal: { login: "lgomez", name: "Laura Gómez", cargo: "Ingeniera", role: "administrador" },
    role_label: "Administrador",
    permissions: ALL,
    idle_lock_minutes: 15,
    idle_lock_seconds: 900,
    roles: fixtureRoles,
    min_password_chars: 8,
    actor: "Laura Gómez",
    ...over,
  };
}

function account(over: Partial<Account> = {}): Account {
  return {
    login: "lgomez",
    name: "Laura Gómez",
    cargo: "Ingeniera de sistemas",
    role: "administrador",
    role_label: "Administrador",
    active: true,
    needs_password: false,
    failed_logins: 0,
    last_login_at: "2026-03-02T09:15:00-05:00",
    created_at: "2026-03-01T08:00:00-05:00",
    ...over,
  };
}

const MATRIX: MatrixRow[] = [
  { permission: "case_register", label: "registrar casos", allowed: [true, true, true, false] },
  { permission: "accounts", label: "administrar cuentas", allowed: [true, false, false, false] },
];

async function fill(user: ReturnType<typeof userEvent.setup>, testId: string, value: string) {
  const el = screen.getByTestId(testId);
  await user.clear(el);
  if (value) await user.type(el, value);
}

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
  app.catalogs = catalogs;
  session.info = info();
  vi.mocked(api.permissionMatrix).mockResolvedValue(MATRIX);
  vi.mocked(api.accessLog).mockResolvedValue([]);
  vi.mocked(api.catalogs).mockResolvedValue(catalogs);
  vi.mocked(api.accountList).mockResolvedValue([
    account(),
    account({
      login: "cruiz",
      name: "Carlos Ruiz",
      cargo: "Técnico",
      role: "tecnico",
      role_label: "Técnico",
      needs_password: true,
      last_login_at: null,
    }),
  ]);
});

describe("Ajustes → Cuentas sin cuentas (ingresos desactivados)", () => {
  beforeEach(() => {
    session.info = info({
      accounts_enabled: false,
      principal: null,
      role_label: null,
      actor: "Mesa de ayuda",
    });
  });

  it("explains that logins are off and under which name everything is recorded", async () => {
    render(AccountsPanel);
    expect(screen.getByTestId("settings-accounts-off")).toHaveTextContent("«Mesa de ayuda»");
    expect(screen.getByTestId("settings-accounts-why")).toHaveTextContent(
      "Separación de funciones",
    );
    expect(screen.queryByTestId("settings-accounts-list")).toBeNull();
    expect(screen.queryByTestId("settings-accounts-log")).toBeNull();
    expect(api.accountList).not.toHaveBeenCalled();
  });

  it("the first administrator needs matching passwords of at least 8 characters", async () => {
    const user = userEvent.setup();
    vi.mocked(api.accountCreate).mockResolvedValue(account({ login: "admin" }));
    vi.mocked(api.sessionInfo).mockResolvedValue(
      info({
        principal: { login: "admin", name: "Ana Ríos", cargo: "Jefe", role: "administrador" },
      }),
    );
    render(AccountsPanel);
    await fill(user, "settings-accounts-first-login", "admin");
    await fill(user, "settings-accounts-first-name", "Ana Ríos");
    await fill(user, "settings-accounts-first-cargo", "Jefe de la oficina");
    await fill(user, "settings-accounts-first-password", "corta");
    await fill(user, "settings-accounts-first-repeat", "corta");
    await user.click(screen.getByTestId("settings-accounts-first-save"));
    expect(screen.getByTestId("settings-accounts-first-error")).toHaveTextContent(
      "al menos 8 caracteres",
    );
    await fill(user, "settings-accounts-first-password", "clave-segura-1");
    await fill(user, "settings-accounts-first-repeat", "clave-segura-2");
    await user.click(screen.getByTestId("settings-accounts-first-save"));
    expect(screen.getByTestId("settings-accounts-first-error")).toHaveTextContent(
      "Las dos contraseñas no coinciden.",
    );
    expect(api.accountCreate).not.toHaveBeenCalled();

    await fill(user, "settings-accounts-first-repeat", "clave-segura-1");
    await user.click(screen.getByTestId("settings-accounts-first-save"));
    await waitFor(() =>
      expect(api.accountCreate).toHaveBeenCalledWith(
        { login: "admin", name: "Ana Ríos", cargo: "Jefe de la oficina", role: "administrador" },
        "clave-segura-1",
      ),
    );
    // The session is reloaded: logins are on and the panel becomes the administrator's.
    await waitFor(() => expect(session.info?.accounts_enabled).toBe(true));
    expect(app.notice).toContain("«admin»");
    expect(await screen.findByTestId("settings-accounts-list")).toBeInTheDocument();
    expect(screen.queryByTestId("settings-accounts-first")).toBeNull();
  });

  it("a refused first administrator shows the back-end message", async () => {
    const user = userEvent.setup();
    vi.mocked(api.accountCreate).mockRejectedValue({
      code: "validation",
      message: "Dato inválido en «usuario»: use letras, números, punto o guion",
    });
    render(AccountsPanel);
    await fill(user, "settings-accounts-first-login", "a b");
    await fill(user, "settings-accounts-first-name", "Ana");
    await fill(user, "settings-accounts-first-password", "clave-segura-1");
    await fill(user, "settings-accounts-first-repeat", "clave-segura-1");
    await user.click(screen.getByTestId("settings-accounts-first-save"));
    await waitFor(() => expect(app.error).toContain("«usuario»"));
    expect(api.sessionInfo).not.toHaveBeenCalled();
    expect(screen.getByTestId("settings-accounts-first")).toBeInTheDocument();
  });
});

describe("Ajustes → Cuentas del administrador", () => {
  it("lists the accounts with role label, «sin contraseña» and the last login", async () => {
    render(AccountsPanel);
    const rows = await screen.findAllByTestId("settings-accounts-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("lgomez");
    expect(rows[0]).toHaveTextContent("02/03/2026 09:15");
    // Nobody deactivates their own account (the core refuses it too).
    expect(within(rows[0]).queryByTestId("settings-accounts-deactivate")).toBeNull();
    expect(within(rows[1]).getByTestId("settings-accounts-deactivate")).toBeInTheDocument();
    expect(within(rows[0]).queryByTestId("settings-accounts-no-password")).toBeNull();
    expect(rows[1]).toHaveTextContent("Técnico");
    expect(rows[1]).toHaveTextContent("Nunca");
    expect(within(rows[1]).getByTestId("settings-accounts-no-password")).toHaveTextContent(
      "sin contraseña",
    );
    expect(await screen.findByTestId("settings-accounts-log")).toBeInTheDocument();
    expect(api.accessLog).toHaveBeenCalledWith(200);
  });

  it("creates an account with the chosen role; an empty password is set at first login", async () => {
    const user = userEvent.setup();
    vi.mocked(api.accountCreate).mockResolvedValue(
      account({ login: "pmeza", name: "Pedro Meza", role: "auxiliar", needs_password: true }),
    );
    render(AccountsPanel);
    await screen.findAllByTestId("settings-accounts-row");
    await fill(user, "settings-accounts-new-login", "pmeza");
    await fill(user, "settings-accounts-new-name", "Pedro Meza");
    await fill(user, "settings-accounts-new-cargo", "Contratista");
    const role = screen.getByTestId("settings-accounts-new-role");
    expect(
      within(role)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Administrador", "Técnico", "Auxiliar / contratista", "Consulta"]);
    await user.selectOptions(role, "auxiliar");
    await user.click(screen.getByTestId("settings-accounts-new-save"));
    await waitFor(() =>
      expect(api.accountCreate).toHaveBeenCalledWith(
        { login: "pmeza", name: "Pedro Meza", cargo: "Contratista", role: "auxiliar" },
        null,
      ),
    );
    expect(app.notice).toContain("define su contraseña en el primer ingreso");
    await waitFor(() => expect(api.accountList).toHaveBeenCalledTimes(2));
    expect(screen.getByTestId("settings-accounts-new-login")).toHaveValue("");
  });

  it("an initial password must match its repetition", async () => {
    const user = userEvent.setup();
    render(AccountsPanel);
    await screen.findAllByTestId("settings-accounts-row");
    await fill(user, "settings-accounts-new-login", "pmeza");
    await fill(user, "settings-accounts-new-name", "Pedro Meza");
    await fill(user, "settings-accounts-new-password", "clave-segura-1");
    await fill(user, "settings-accounts-new-repeat", "otra-clave-22");
    await user.click(screen.getByTestId("settings-accounts-new-save"));
    expect(screen.getByTestId("settings-accounts-new-error")).toHaveTextContent("no coinciden");
    expect(api.accountCreate).not.toHaveBeenCalled();
  });

  it("deactivates and reactivates an account", async () => {
    const user = userEvent.setup();
    vi.mocked(api.accountSetActive).mockResolvedValue(account({ login: "cruiz", active: false }));
    render(AccountsPanel);
    const rows = await screen.findAllByTestId("settings-accounts-row");
    expect(within(rows[1]).getByTestId("settings-accounts-state")).toHaveTextContent("Activa");
    // After the change the list is read again from the back end.
    vi.mocked(api.accountList).mockResolvedValue([
      account(),
      account({ login: "cruiz", name: "Carlos Ruiz", active: false }),
    ]);
    await user.click(within(rows[1]).getByTestId("settings-accounts-deactivate"));
    await waitFor(() => expect(api.accountSetActive).toHaveBeenCalledWith("cruiz", false));
    expect(app.notice).toContain("Se desactivó la cuenta «cruiz»");
    const again = await screen.findByTestId("settings-accounts-reactivate");
    expect(screen.getAllByTestId("settings-accounts-state")[1]).toHaveTextContent("Inactiva");
    // The access log is read again (the change is an entry).
    await waitFor(() => expect(api.accessLog).toHaveBeenCalledTimes(2));
    await user.click(again);
    await waitFor(() => expect(api.accountSetActive).toHaveBeenLastCalledWith("cruiz", true));
    expect(app.notice).toContain("Se reactivó la cuenta «cruiz»");
  });

  it("resets a password: cleared for the next login, or set after checking it", async () => {
    const user = userEvent.setup();
    vi.mocked(api.accountResetPassword).mockResolvedValue(null);
    render(AccountsPanel);
    const rows = await screen.findAllByTestId("settings-accounts-row");
    await user.click(within(rows[1]).getByTestId("settings-accounts-reset"));
    const dialog = screen.getByTestId("settings-accounts-reset-dialog");
    expect(dialog).toHaveTextContent("¿Restablecer la contraseña de «cruiz»?");
    expect(api.accountResetPassword).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("settings-accounts-reset-confirm"));
    await waitFor(() => expect(api.accountResetPassword).toHaveBeenCalledWith("cruiz", null));
    expect(app.notice).toContain("la definirá en su próximo ingreso");
    expect(screen.queryByTestId("settings-accounts-reset-dialog")).toBeNull();

    await user.click(
      within(screen.getAllByTestId("settings-accounts-row")[1]).getByTestId(
        "settings-accounts-reset",
      ),
    );
    await user.click(screen.getByTestId("settings-accounts-reset-set"));
    await fill(user, "settings-accounts-reset-password", "1234567");
    await fill(user, "settings-accounts-reset-repeat", "1234567");
    await user.click(screen.getByTestId("settings-accounts-reset-confirm"));
    expect(screen.getByTestId("settings-accounts-reset-error")).toHaveTextContent(
      "al menos 8 caracteres",
    );
    expect(api.accountResetPassword).toHaveBeenCalledTimes(1);
    await fill(user, "settings-accounts-reset-password", "nueva-clave-9");
    await fill(user, "settings-accounts-reset-repeat", "nueva-clave-9");
    await user.click(screen.getByTestId("settings-accounts-reset-confirm"));
    await waitFor(() =>
      expect(api.accountResetPassword).toHaveBeenLastCalledWith("cruiz", "nueva-clave-9"),
    );
  });

  it("changes an account's role; the own account reloads the session", async () => {
    const user = userEvent.setup();
    vi.mocked(api.accountUpdate).mockResolvedValue(account());
    vi.mocked(api.sessionInfo).mockResolvedValue(info());
    render(AccountsPanel);
    const rows = await screen.findAllByTestId("settings-accounts-row");
    await user.click(within(rows[0]).getByTestId("settings-accounts-edit"));
    expect(screen.getByTestId("settings-accounts-edit-role")).toHaveValue("administrador");
    await fill(user, "settings-accounts-edit-cargo", "Jefe de sistemas");
    await user.click(screen.getByTestId("settings-accounts-edit-save"));
    await waitFor(() =>
      expect(api.accountUpdate).toHaveBeenCalledWith({
        login: "lgomez",
        name: "Laura Gómez",
        cargo: "Jefe de sistemas",
        role: "administrador",
      }),
    );
    await waitFor(() => expect(api.sessionInfo).toHaveBeenCalled());
    expect(screen.queryByTestId("settings-accounts-edit-form")).toBeNull();
  });

  it("turns a staff member without account into an account", async () => {
    const user = userEvent.setup();
    vi.mocked(api.accountFromStaff).mockResolvedValue(
      account({ login: "cruiz2", name: "Carlos Ruiz" }),
    );
    vi.mocked(api.accountList).mockResolvedValue([account()]);
    render(AccountsPanel);
    await screen.findAllByTestId("settings-accounts-row");
    const staff = screen.getByTestId("settings-accounts-staff");
    // Active staff only, and not those who already have an account (Laura Gómez).
    expect(
      within(staff)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Elija un funcionario", "Carlos Ruiz"]);
    await user.click(screen.getByTestId("settings-accounts-staff-save"));
    expect(screen.getByTestId("settings-accounts-staff-error")).toHaveTextContent(
      "Elija un funcionario",
    );
    await user.selectOptions(staff, "Carlos Ruiz");
    await fill(user, "settings-accounts-staff-login", "cruiz2");
    await fill(user, "settings-accounts-staff-cargo", "Técnico de sistemas");
    await user.click(screen.getByTestId("settings-accounts-staff-save"));
    await waitFor(() =>
      expect(api.accountFromStaff).toHaveBeenCalledWith(
        "Carlos Ruiz",
        "cruiz2",
        "tecnico",
        "Técnico de sistemas",
      ),
    );
  });

  it("renders the permission matrix served by the core", async () => {
    render(AccountsPanel);
    const matrix = await screen.findByTestId("settings-accounts-matrix");
    const headers = within(matrix)
      .getAllByRole("columnheader")
      .map((h) => h.textContent?.trim());
    expect(headers).toEqual([
      "Acción",
      "Administrador",
      "Técnico",
      "Auxiliar / contratista",
      "Consulta",
    ]);
    const rows = screen.getAllByTestId("settings-accounts-matrix-row");
    expect(rows).toHaveLength(2);
    const cells = (r: HTMLElement) =>
      within(r)
        .getAllByRole("cell")
        .map((c) => c.textContent?.trim());
    expect(cells(rows[0])).toEqual(["registrar casos", "✓", "✓", "✓", "—"]);
    expect(cells(rows[1])).toEqual(["administrar cuentas", "✓", "—", "—", "—"]);
  });
});

describe("Ajustes → Cuentas sin el permiso de administrar cuentas", () => {
  it("shows only the own account and no management controls", async () => {
    session.info = info({
      principal: { login: "cruiz", name: "Carlos Ruiz", cargo: "Técnico", role: "tecnico" },
      role_label: "Técnico",
      permissions: ["case_register", "case_work"],
      actor: "Carlos Ruiz",
    });
    render(AccountsPanel);
    const own = screen.getByTestId("settings-accounts-own");
    expect(own).toHaveTextContent("cruiz");
    expect(own).toHaveTextContent("Carlos Ruiz");
    expect(own).toHaveTextContent("Técnico");
    // The matrix is for everyone to read.
    expect(await screen.findByTestId("settings-accounts-matrix")).toBeInTheDocument();
    for (const id of [
      "settings-accounts-list",
      "settings-accounts-new",
      "settings-accounts-from-staff",
      "settings-accounts-log",
      "settings-accounts-first",
      "settings-accounts-deactivate",
      "settings-accounts-reset",
    ]) {
      expect(screen.queryByTestId(id)).toBeNull();
    }
    expect(screen.queryAllByRole("button")).toHaveLength(0);
    expect(api.accountList).not.toHaveBeenCalled();
    expect(api.accessLog).not.toHaveBeenCalled();
  });
});
