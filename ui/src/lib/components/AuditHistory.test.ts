import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../api";
import type { AuditEntry } from "../bindings/AuditEntry";
import { app } from "../state.svelte";
import AuditHistory from "./AuditHistory.svelte";

vi.mock("../api", async () => (await import("../../test/mockApi")).apiMock());

function entry(over: Partial<AuditEntry>): AuditEntry {
  return {
    id: 1,
    at: "2026-03-02T09:20:00-05:00",
    actor: "Carlos Ruiz",
    table_name: "tickets",
    table_label: "Casos",
    record_key: "MA-2026-0001",
    action: "update",
    field: null,
    old_value: null,
    new_value: null,
    ...over,
  };
}

const history = vi.mocked(api.auditHistory);

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
});

describe("Historial de cambios (auditoría)", () => {
  it("is collapsed and reads the audit trail only when opened; lists when/who/field/old → new", async () => {
    const user = userEvent.setup();
    history.mockImplementation(async (table: string) =>
      table === "tickets"
        ? [
            entry({
              id: 3,
              action: "update",
              field: "status",
              old_value: "new",
              new_value: "in_progress",
              actor: "Laura Gómez",
            }),
            entry({
              id: 1,
              action: "create",
              new_value: JSON.stringify({
                number: "MA-2026-0001",
                requester: "Ana Pérez",
                email: null,
              }),
            }),
          ]
        : [
            entry({
              id: 7,
              table_name: "surveys",
              table_label: "Encuestas",
              action: "create",
              new_value: '{"comment":"Gracias"}',
            }),
          ],
    );
    render(AuditHistory, {
      sources: [
        { table: "tickets", key: "MA-2026-0001" },
        { table: "surveys", key: "MA-2026-0001" },
      ],
    });
    const box = screen.getByTestId("audit-history");
    expect(box.hasAttribute("open")).toBe(false);
    expect(history).not.toHaveBeenCalled();
    await user.click(screen.getByText("Historial de cambios (auditoría)"));
    await waitFor(() => expect(screen.getAllByTestId("audit-history-row")).toHaveLength(3));
    expect(history).toHaveBeenCalledWith("tickets", "MA-2026-0001");
    expect(history).toHaveBeenCalledWith("surveys", "MA-2026-0001");
    const rows = screen.getAllByTestId("audit-history-row");
    // Ordered by id: creation first.
    expect(rows[0]).toHaveTextContent("02/03/2026 09:20");
    expect(rows[0]).toHaveTextContent("creación");
    expect(rows[0]).toHaveTextContent("Ana Pérez");
    expect(rows[0].textContent).not.toContain("null");
    expect(rows[1]).toHaveTextContent("Laura Gómez");
    expect(rows[1]).toHaveTextContent("modificación");
    expect(rows[1]).toHaveTextContent("Estado");
    expect(rows[1]).toHaveTextContent("Nuevo → En proceso");
    expect(rows[2]).toHaveTextContent("Encuestas");
    expect(screen.getByTestId("audit-history-count")).toHaveTextContent("3 registros");
  });

  it("reloads when the record changes while open, and shows an empty state", async () => {
    const user = userEvent.setup();
    history.mockResolvedValue([]);
    render(AuditHistory, { sources: [{ table: "assets", key: "IND0777" }] });
    await user.click(screen.getByText("Historial de cambios (auditoría)"));
    expect(await screen.findByTestId("audit-history-empty")).toHaveTextContent(
      "Sin cambios registrados.",
    );
    expect(history).toHaveBeenCalledTimes(1);
    history.mockResolvedValue([
      entry({
        id: 9,
        table_name: "assets",
        field: "custodian",
        old_value: "Iván",
        new_value: "Rosa",
      }),
    ]);
    app.revision++;
    await waitFor(() =>
      expect(screen.getByTestId("audit-history-row")).toHaveTextContent("Iván → Rosa"),
    );
    expect(history).toHaveBeenLastCalledWith("assets", "IND0777");
  });

  it("renders user-typed values as text, and a refused call as its Spanish message", async () => {
    const user = userEvent.setup();
    const evil = "<img src=x onerror=alert(1)>";
    history.mockResolvedValueOnce([
      entry({ id: 2, field: "description", old_value: evil, new_value: "<b>x</b>" }),
    ]);
    const { container } = render(AuditHistory, {
      sources: [{ table: "tickets", key: "MA-2026-0002" }],
    });
    await user.click(screen.getByText("Historial de cambios (auditoría)"));
    const row = await screen.findByTestId("audit-history-row");
    expect(row.textContent).toContain(evil);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("b")).toBeNull();
    history.mockRejectedValueOnce({ code: "db", message: "No se pudo leer la auditoría." });
    app.revision++;
    expect(await screen.findByRole("alert")).toHaveTextContent("No se pudo leer la auditoría.");
  });
});
