import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { PersonMatch } from "../../bindings/PersonMatch";
import { app } from "../../state.svelte";
import SettingsPrivacy from "./SettingsPrivacy.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

function person(over: Partial<PersonMatch> = {}): PersonMatch {
  return {
    name: "Yolanda Pumarejo",
    emails: ["yolanda@indupal.gov.co"],
    departments: ["Tesorería"],
    cases: 2,
    numbers: ["MA-2026-0007", "MA-2026-0003"],
    ...over,
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
});

describe("Protección de datos personales", () => {
  it("searches by name or e-mail and exports the chosen person's data", async () => {
    const user = userEvent.setup();
    vi.mocked(api.personSearch).mockResolvedValue([
      person(),
      person({ name: "Yolanda Pérez", cases: 1, numbers: ["MA-2026-0001"] }),
    ]);
    vi.mocked(api.personExport).mockResolvedValue("/tmp/Datos personales Yolanda Pumarejo.xlsx");
    render(SettingsPrivacy);
    await user.type(screen.getByTestId("privacy-search"), "yolanda{Enter}");
    await waitFor(() => expect(screen.getAllByTestId("privacy-result")).toHaveLength(2));
    expect(api.personSearch).toHaveBeenCalledWith("yolanda");
    expect(screen.queryByTestId("privacy-selected")).toBeNull();
    await user.click(screen.getAllByTestId("privacy-select")[0]);
    expect(screen.getByTestId("privacy-selected")).toHaveTextContent("Yolanda Pumarejo");
    await user.click(screen.getByTestId("privacy-export-xlsx"));
    await waitFor(() => expect(api.personExport).toHaveBeenCalledWith("Yolanda Pumarejo", "xlsx"));
    await waitFor(() => expect(app.notice).toContain("Datos personales Yolanda Pumarejo.xlsx"));
    expect(app.notice).toContain("entréguelo solo al titular");
  });

  it("a too-short query or nobody found says so in Spanish", async () => {
    const user = userEvent.setup();
    vi.mocked(api.personSearch).mockResolvedValue([]);
    render(SettingsPrivacy);
    await user.type(screen.getByTestId("privacy-search"), "a{Enter}");
    expect(screen.getByTestId("privacy-hint")).toHaveTextContent("al menos dos letras");
    expect(api.personSearch).not.toHaveBeenCalled();
    await user.clear(screen.getByTestId("privacy-search"));
    await user.type(screen.getByTestId("privacy-search"), "Zuleta{Enter}");
    expect(await screen.findByTestId("privacy-none")).toHaveTextContent(
      "No hay solicitantes que coincidan con «Zuleta».",
    );
  });

  it("anonymises only after a confirmation that states what will change", async () => {
    const user = userEvent.setup();
    vi.mocked(api.personSearch).mockResolvedValue([
      person({
        cases: 52,
        numbers: Array.from({ length: 50 }, (_, i) => `MA-2026-${String(i + 1).padStart(4, "0")}`),
      }),
    ]);
    vi.mocked(api.personAnonymize).mockResolvedValue({
      pseudonym: "Titular anonimizado 1",
      cases: Array.from({ length: 52 }, (_, i) => `MA-2026-${i}`),
      audit_redacted: 10,
      timeline_redacted: 2,
      attachments_removed: 0,
      note: "Las copias de seguridad anteriores conservan los datos hasta que la rotación las elimine.",
    });
    render(SettingsPrivacy);
    await user.type(screen.getByTestId("privacy-search"), "Pumarejo");
    await user.click(screen.getByTestId("privacy-search-go"));
    // A single match is selected directly.
    await user.click(await screen.findByTestId("privacy-anonymize"));
    const confirm = screen.getByTestId("privacy-confirm");
    expect(confirm).toHaveTextContent("¿Anonimizar a «Yolanda Pumarejo»?");
    expect(screen.getByTestId("privacy-confirm-cases")).toHaveTextContent(
      "En 52 casos (MA-2026-0001",
    );
    expect(screen.getByTestId("privacy-confirm-cases")).toHaveTextContent("MA-2026-0050 y 2 más)");
    expect(confirm).toHaveTextContent("Se borrarán su correo, teléfono y ubicación");
    expect(screen.getByTestId("privacy-confirm-backups")).toHaveTextContent(
      "copias de seguridad anteriores conservan los datos",
    );
    expect(confirm).toHaveTextContent("No se puede deshacer.");
    expect(api.personAnonymize).not.toHaveBeenCalled();
    const rev = app.revision;
    await user.click(screen.getByTestId("privacy-confirm-yes"));
    await waitFor(() =>
      expect(api.personAnonymize).toHaveBeenCalledWith("Yolanda Pumarejo", false),
    );
    await waitFor(() => expect(app.notice).toContain("«Titular anonimizado 1» en 52 casos"));
    expect(app.revision).toBe(rev + 1);
    expect(screen.queryByTestId("privacy-confirm")).toBeNull();
    expect(screen.queryByTestId("privacy-selected")).toBeNull();
  });

  it("a refused anonymisation shows the back-end message", async () => {
    const user = userEvent.setup();
    vi.mocked(api.personSearch).mockResolvedValue([person()]);
    vi.mocked(api.personAnonymize).mockRejectedValue({
      code: "person_not_found",
      message: "No hay datos de «Yolanda Pumarejo».",
    });
    render(SettingsPrivacy);
    await user.type(screen.getByTestId("privacy-search"), "Yolanda{Enter}");
    await user.click(await screen.findByTestId("privacy-anonymize"));
    await user.click(screen.getByTestId("privacy-confirm-yes"));
    await waitFor(() => expect(app.error).toBe("No hay datos de «Yolanda Pumarejo»."));
  });

  it("the confirmation asks whether to delete the person's attachments too", async () => {
    const user = userEvent.setup();
    vi.mocked(api.personSearch).mockResolvedValue([person()]);
    vi.mocked(api.personAnonymize).mockResolvedValue({
      pseudonym: "Titular anonimizado 2",
      cases: ["MA-2026-0007", "MA-2026-0003"],
      audit_redacted: 1,
      timeline_redacted: 0,
      attachments_removed: 3,
      note: "",
    });
    render(SettingsPrivacy);
    await user.type(screen.getByTestId("privacy-search"), "Yolanda{Enter}");
    await user.click(await screen.findByTestId("privacy-anonymize"));
    const box = screen.getByTestId("privacy-delete-attachments");
    expect(box).not.toBeChecked();
    await user.click(box);
    await user.click(screen.getByTestId("privacy-confirm-yes"));
    await waitFor(() => expect(api.personAnonymize).toHaveBeenCalledWith("Yolanda Pumarejo", true));
    await waitFor(() => expect(app.notice).toContain("Se quitaron 3 adjuntos."));
  });
});
