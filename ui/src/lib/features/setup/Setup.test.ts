import { render, screen, waitFor } from "@testing-library/svelte";
import { roles as fixtureRoles } from "../../../test/fixtures";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { AppSettings } from "../../bindings/AppSettings";
import type { SetupStatus } from "../../bindings/SetupStatus";
import { t } from "../../i18n/es";
import { session } from "../../session.svelte";
import { setup } from "../../setup.svelte";
import { app } from "../../state.svelte";
import { catalogs } from "../../../test/fixtures";
import Setup from "./Setup.svelte";

const PNG = "data:image/png;base64,iVBORw0KGgo=";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

function settings(over: Partial<AppSettings> = {}): AppSettings {
  return {
    entity_name: "Instituto Municipal de Deporte y Recreación de Valledupar — INDUPAL",
    entity_nit: "",
    ticket_prefix: "MA",
    survey_business_days: 2,
    default_response_minutes: 720,
    default_resolution_minutes: 2880,
    due_soon_minutes: 120,
    report_process: "Gestión de TI",
    report_code: "F-GTI-01",
    report_version: "1",
    reviewer_name: "",
    reviewer_cargo: "Ingeniero de sistemas",
    approver_name: "",
    approver_cargo: "Jefe de la oficina",
    idle_lock_minutes: 15,
    ...over,
  };
}

const done = (over: Partial<SetupStatus> = {}): SetupStatus => ({
  setup_done: true,
  demo_data: false,
  cases: 0,
  ...over,
});

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
  app.view = { name: "casos" };
  setup.loaded = true;
  setup.status = { setup_done: false, demo_data: false, cases: 0 };
  session.info = {
    accounts_enabled: false,
    principal: null,
    role_label: null,
    permissions: [],
    idle_lock_minutes: 15,
    idle_lock_seconds: 900,
    roles: fixtureRoles,
    min_password_chars: 8,
    actor: "Mesa de ayuda",
  };
  vi.mocked(api.settingsGet).mockResolvedValue(settings());
  vi.mocked(api.catalogs).mockResolvedValue(catalogs);
  vi.mocked(api.logoImage).mockResolvedValue(null);
  vi.mocked(api.logoPick).mockResolvedValue(true);
  vi.mocked(api.settingsSet).mockImplementation(async (s: AppSettings) => ({
    ...s,
    ticket_prefix: s.ticket_prefix.toUpperCase(),
  }));
  vi.mocked(api.staffRename).mockResolvedValue(null);
  vi.mocked(api.logoSet).mockResolvedValue(null);
  vi.mocked(api.setupComplete).mockResolvedValue(done());
});

async function fill(user: ReturnType<typeof userEvent.setup>, testId: string, value: string) {
  const el = screen.getByTestId(testId);
  await user.clear(el);
  await user.type(el, value);
}

describe("Asistente de configuración inicial", () => {
  it("saves each step, renames the staff and loads demo data before finishing", async () => {
    const user = userEvent.setup();
    vi.mocked(api.demoLoad).mockResolvedValue({ setup_done: false, demo_data: true, cases: 1000 });
    vi.mocked(api.setupComplete).mockResolvedValue(done({ demo_data: true, cases: 1000 }));
    render(Setup);
    expect(await screen.findByTestId("setup-entity-name")).toHaveValue(settings().entity_name);
    expect(screen.getByTestId("setup-step-1")).toHaveAttribute("aria-current", "step");
    await fill(user, "setup-entity-name", "Alcaldía de Pueblo Bello");
    await fill(user, "setup-entity-nit", "800.096.605-1");
    await fill(user, "setup-prefix", "sis");
    expect(screen.getByTestId("setup-prefix-example")).toHaveTextContent(
      `SIS-${new Date().getFullYear()}-0001`,
    );
    // the logo is chosen in the native picker and previewed at once
    expect(await screen.findByTestId("setup-logo-state")).toHaveTextContent(t.logoPicker.none);
    vi.mocked(api.logoImage).mockResolvedValue(PNG);
    await user.click(screen.getByTestId("setup-logo-pick"));
    expect(await screen.findByTestId("setup-logo-preview")).toHaveAttribute("src", PNG);
    expect(api.logoPick).toHaveBeenCalledTimes(1);
    await user.click(screen.getByTestId("setup-next"));

    // Step 2: the seeded names are shown and changed.
    expect(await screen.findByTestId("setup-tecnico")).toHaveValue("Carlos Ruiz");
    expect(api.settingsSet).toHaveBeenCalledWith(
      expect.objectContaining({
        entity_name: "Alcaldía de Pueblo Bello",
        entity_nit: "800.096.605-1",
        ticket_prefix: "sis",
      }),
    );
    expect(screen.getByTestId("setup-ingeniero")).toHaveValue("Laura Gómez");
    await fill(user, "setup-tecnico", "Édgar Cuello");
    await user.click(screen.getByTestId("setup-next"));

    // Step 3: the administrator account, skipped here (logins stay off).
    expect(await screen.findByTestId("setup-admin-skip-help")).toHaveTextContent(
      "Ajustes → Cuentas y roles",
    );
    expect(api.staffRename).toHaveBeenCalledTimes(1);
    expect(api.staffRename).toHaveBeenCalledWith("Carlos Ruiz", "Édgar Cuello");
    await user.click(screen.getByTestId("setup-admin-skip"));

    // Step 4: the calendar is explained, nothing to fill.
    expect(await screen.findByTestId("setup-calendar-help")).toHaveTextContent(
      "festivos de Colombia",
    );
    expect(api.accountCreate).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("setup-next"));

    // Step 5: demo data, then finish.
    await user.click(await screen.findByTestId("setup-demo"));
    expect(api.setupComplete).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("setup-finish"));
    await waitFor(() => expect(setup.status?.setup_done).toBe(true));
    expect(vi.mocked(api.demoLoad).mock.invocationCallOrder[0]).toBeLessThan(
      vi.mocked(api.setupComplete).mock.invocationCallOrder[0],
    );
    expect(setup.status?.demo_data).toBe(true);
    expect(app.view).toEqual({ name: "inicio" });
    expect(app.notice).toBe("Se cargaron 1.000 casos de demostración.");
  });

  it("«Omitir» marks the setup as done without changing anything", async () => {
    const user = userEvent.setup();
    render(Setup);
    await screen.findByTestId("setup-entity-name");
    await user.click(screen.getByTestId("setup-skip"));
    await waitFor(() => expect(setup.status?.setup_done).toBe(true));
    expect(api.setupComplete).toHaveBeenCalledTimes(1);
    expect(api.settingsSet).not.toHaveBeenCalled();
    expect(api.demoLoad).not.toHaveBeenCalled();
  });

  it("shows errors in the wizard and stays on the step", async () => {
    const user = userEvent.setup();
    render(Setup);
    await screen.findByTestId("setup-entity-name");
    await user.clear(screen.getByTestId("setup-entity-name"));
    await user.click(screen.getByTestId("setup-next"));
    expect(screen.getByTestId("setup-error")).toHaveTextContent("Escriba nombre de la entidad.");
    expect(api.settingsSet).not.toHaveBeenCalled();

    vi.mocked(api.settingsSet).mockRejectedValueOnce({
      code: "validation",
      message:
        "Dato inválido en «prefijo de numeración»: use de 1 a 10 letras o números sin espacios (por ejemplo MA)",
    });
    await user.type(screen.getByTestId("setup-entity-name"), "Alcaldía");
    await fill(user, "setup-prefix", "M A");
    await user.click(screen.getByTestId("setup-next"));
    expect(await screen.findByTestId("setup-error")).toHaveTextContent("prefijo de numeración");
    expect(screen.getByTestId("setup-step-1")).toHaveAttribute("aria-current", "step");
    expect(screen.queryByTestId("setup-tecnico")).toBeNull();
  });

  it("a failed demo load keeps the wizard open and the setup not done", async () => {
    const user = userEvent.setup();
    vi.mocked(api.demoLoad).mockRejectedValue({
      code: "demo_not_empty",
      message:
        "La base de datos ya tiene 3 caso(s): los datos de demostración solo se cargan en una base de datos sin casos. No se cambió nada.",
    });
    render(Setup);
    await screen.findByTestId("setup-entity-name");
    await user.click(screen.getByTestId("setup-next"));
    await screen.findByTestId("setup-tecnico");
    await user.click(screen.getByTestId("setup-next"));
    await user.click(await screen.findByTestId("setup-admin-skip"));
    await screen.findByTestId("setup-calendar-help");
    await user.click(screen.getByTestId("setup-next"));
    await user.click(await screen.findByTestId("setup-demo"));
    await user.click(screen.getByTestId("setup-finish"));
    expect(await screen.findByTestId("setup-error")).toHaveTextContent("ya tiene 3 caso(s)");
    expect(api.setupComplete).not.toHaveBeenCalled();
    expect(setup.status?.setup_done).toBe(false);
    // Unchanged names are not renamed.
    expect(api.staffRename).not.toHaveBeenCalled();
  });

  it("creates the first administrator (min 8 characters, both passwords equal)", async () => {
    const user = userEvent.setup();
    vi.mocked(api.accountCreate).mockResolvedValue({
      login: "lgomez",
      name: "Laura Gómez",
      cargo: "Ingeniera de sistemas",
      role: "administrador",
      role_label: "Administrador",
      active: true,
      needs_password: false,
      failed_logins: 0,
      last_login_at: null,
      created_at: "2026-03-01T08:00:00-05:00",
    });
    vi.mocked(api.sessionInfo).mockResolvedValue({
      accounts_enabled: true,
      principal: {
        login: "lgomez",
        name: "Laura Gómez",
        cargo: "Ingeniera de sistemas",
        role: "administrador",
      },
      role_label: "Administrador",
      permissions: ["accounts", "settings"],
      idle_lock_minutes: 15,
      idle_lock_seconds: 900,
      roles: fixtureRoles,
      min_password_chars: 8,
      actor: "Laura Gómez",
    });
    render(Setup);
    await screen.findByTestId("setup-entity-name");
    await user.click(screen.getByTestId("setup-next"));
    await screen.findByTestId("setup-tecnico");
    await user.click(screen.getByTestId("setup-next"));
    expect(await screen.findByTestId("setup-admin-help")).toHaveTextContent(
      "cada sesión necesitará usuario y contraseña",
    );
    expect(screen.getByTestId("setup-step-3")).toHaveAttribute("aria-current", "step");
    expect(screen.getByTestId("setup-step-3")).toHaveTextContent("Cuenta de administrador");

    await fill(user, "setup-admin-login", "lgomez");
    await fill(user, "setup-admin-name", "Laura Gómez");
    await fill(user, "setup-admin-cargo", "Ingeniera de sistemas");
    await fill(user, "setup-admin-password", "1234567");
    await fill(user, "setup-admin-repeat", "1234567");
    await user.click(screen.getByTestId("setup-next"));
    expect(screen.getByTestId("setup-error")).toHaveTextContent("al menos 8 caracteres");
    await fill(user, "setup-admin-password", "clave-segura-1");
    await fill(user, "setup-admin-repeat", "clave-segura-X");
    await user.click(screen.getByTestId("setup-next"));
    expect(screen.getByTestId("setup-error")).toHaveTextContent("no coinciden");
    expect(api.accountCreate).not.toHaveBeenCalled();

    await fill(user, "setup-admin-repeat", "clave-segura-1");
    await user.click(screen.getByTestId("setup-next"));
    expect(await screen.findByTestId("setup-calendar-help")).toBeInTheDocument();
    expect(api.accountCreate).toHaveBeenCalledWith(
      {
        login: "lgomez",
        name: "Laura Gómez",
        cargo: "Ingeniera de sistemas",
        role: "administrador",
      },
      "clave-segura-1",
    );
    expect(session.info?.principal?.login).toBe("lgomez");
    expect(screen.queryByTestId("setup-error")).toBeNull();

    // Going back shows the account instead of a second form.
    await user.click(screen.getByTestId("setup-back"));
    expect(screen.getByTestId("setup-admin-exists")).toHaveTextContent("«lgomez»");
    await user.click(screen.getByTestId("setup-next"));
    expect(await screen.findByTestId("setup-calendar-help")).toBeInTheDocument();
    expect(api.accountCreate).toHaveBeenCalledTimes(1);
  });
});
