import "@testing-library/jest-dom/vitest";
import { roles as fixtureRoles } from "../../../test/fixtures";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { AppSettings } from "../../bindings/AppSettings";
import { app } from "../../state.svelte";
import SettingsGeneral from "./SettingsGeneral.svelte";

vi.mock("../../api", async () => {
  const m = (await import("../../../test/mockApi")).apiMock();
  return { ...m, api: { ...m.api, calendarGet: vi.fn(), calendarSet: vi.fn(), holidays: vi.fn() } };
});

const SETTINGS: AppSettings = {
  entity_name: "Alcaldía de Pueblo Bello",
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
};

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
  vi.mocked(api.settingsGet).mockResolvedValue(SETTINGS);
  vi.mocked(api.calendarGet).mockResolvedValue({
    days: [[["08:00", "12:00"]], [], [], [], [], [], []],
    closed_days: [],
    closed_ranges: [],
    observe_holidays: true,
  });
  vi.mocked(api.holidays).mockResolvedValue([]);
  vi.mocked(api.logoImage).mockResolvedValue(null);
  vi.mocked(api.settingsSet).mockImplementation(async (s: AppSettings) => s);
  vi.mocked(api.sessionInfo).mockResolvedValue({
    accounts_enabled: true,
    principal: null,
    role_label: null,
    permissions: [],
    idle_lock_minutes: 30,
    idle_lock_seconds: 1800,
    roles: fixtureRoles,
    min_password_chars: 8,
    actor: "Mesa de ayuda",
  });
});

describe("Ajustes → Entidad y numeración", () => {
  it("saves the signature blocks and the idle lock with the other settings", async () => {
    const user = userEvent.setup();
    render(SettingsGeneral);
    const reviewer = await screen.findByTestId("set-reviewer-name");
    expect(screen.getByTestId("set-reviewer-cargo")).toHaveValue("Ingeniero de sistemas");
    expect(screen.getByTestId("set-approver-cargo")).toHaveValue("Jefe de la oficina");
    expect(screen.getByTestId("set-idle-lock")).toHaveValue(15);
    expect(screen.getByTestId("set-signatures-help")).toHaveTextContent("«Elaboró»");
    await user.type(reviewer, "Laura Gómez");
    await user.type(screen.getByTestId("set-approver-name"), "Jorge Daza");
    await user.clear(screen.getByTestId("set-approver-cargo"));
    await user.type(screen.getByTestId("set-approver-cargo"), "Secretario general");
    await user.clear(screen.getByTestId("set-idle-lock"));
    await user.type(screen.getByTestId("set-idle-lock"), "30");
    await user.click(screen.getByTestId("settings-general-save"));
    await waitFor(() =>
      expect(api.settingsSet).toHaveBeenCalledWith(
        expect.objectContaining({
          reviewer_name: "Laura Gómez",
          reviewer_cargo: "Ingeniero de sistemas",
          approver_name: "Jorge Daza",
          approver_cargo: "Secretario general",
          idle_lock_minutes: 30,
        }),
      ),
    );
    // The session (with the idle lock's minutes) is read again.
    await waitFor(() => expect(api.sessionInfo).toHaveBeenCalled());
    expect(app.notice).toBe("Cambios guardados.");
  });
});
