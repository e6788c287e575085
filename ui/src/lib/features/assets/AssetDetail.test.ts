import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { Asset } from "../../bindings/Asset";
import type { AssetRecord } from "../../bindings/AssetRecord";
import type { Peripheral } from "../../bindings/Peripheral";
import { app } from "../../state.svelte";
import AssetDetail from "./AssetDetail.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const record = vi.mocked(api.assetRecord);
const attach = vi.mocked(api.assetAttach);
const detach = vi.mocked(api.assetDetach);

function makeAsset(over: Partial<Asset> = {}): Asset {
  return {
    tag: "IND0777",
    kind: "Computador de escritorio",
    brand: "Lenovo",
    model: "ThinkCentre M70q",
    serial: "MJ0ABC12",
    cpu: null,
    ram_gb: null,
    disk: null,
    os: null,
    os_license: null,
    office_license: null,
    hostname: null,
    ip: null,
    mac: null,
    department: "Tesorería",
    location: null,
    custodian: "Iván Muñoz",
    acquired_on: null,
    supplier: null,
    value: null,
    warranty_until: null,
    status: "good",
    notes: null,
    decommission_concept: null,
    created_at: "2026-03-02T09:20:00-05:00",
    updated_at: "2026-03-02T09:20:00-05:00",
    source: null,
    import_batch: null,
    extra: {},
    ...over,
  };
}

function makeRecord(peripherals: Peripheral[] = [], asset: Partial<Asset> = {}): AssetRecord {
  return {
    asset: makeAsset(asset),
    peripherals,
    events: [],
    cases: [],
    concepts: [],
    attachments: [],
  };
}

const keyboard: Peripheral = {
  id: 11,
  kind: "Teclado",
  brand: "Genius",
  model: null,
  serial: null,
  tag: null,
  added_at: "2026-03-01T10:00:00-05:00",
};

const monitor: Peripheral = {
  id: 12,
  kind: "Monitor",
  brand: "Dell",
  model: "P2419H",
  serial: "CN0ABC",
  tag: "IND0778",
  added_at: "2026-03-02T11:30:00-05:00",
};

function rowTexts(): string[][] {
  return screen
    .queryAllByTestId("peripheral-row")
    .map((tr) =>
      [...tr.querySelectorAll("td")].slice(0, 6).map((td) => td.textContent?.trim() ?? ""),
    );
}

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
});

describe("AssetDetail — periféricos", () => {
  it("lists the attached peripherals with kind, brand, model, serial, placa and date", async () => {
    record.mockResolvedValue(makeRecord([keyboard, monitor]));
    render(AssetDetail, { tag: "IND0777" });
    await screen.findByTestId("asset-peripherals");
    expect(rowTexts()).toEqual([
      ["Teclado", "Genius", "", "", "", "01/03/2026"],
      ["Monitor", "Dell", "P2419H", "CN0ABC", "IND0778", "02/03/2026"],
    ]);
  });

  it("attaches a monitor: sends only what the command needs and shows the refreshed list", async () => {
    const user = userEvent.setup();
    record.mockResolvedValue(makeRecord([keyboard]));
    render(AssetDetail, { tag: "IND0777" });
    await user.click(await screen.findByTestId("peripheral-add"));
    const form = screen.getByTestId("peripheral-form");
    await user.type(screen.getByTestId("peripheral-kind"), "  Monitor ");
    await user.type(screen.getByTestId("peripheral-brand"), "Dell");
    await user.type(screen.getByTestId("peripheral-model"), "P2419H");
    await user.type(screen.getByTestId("peripheral-serial"), " CN0ABC ");
    await user.type(screen.getByTestId("peripheral-tag"), "ind-0778");
    // The back end answers with the whole record (and a reload reads the same).
    attach.mockResolvedValue(makeRecord([keyboard, monitor]));
    record.mockResolvedValue(makeRecord([keyboard, monitor]));
    await user.click(within(form).getByTestId("peripheral-save"));

    await waitFor(() =>
      expect(attach).toHaveBeenCalledWith("IND0777", {
        kind: "Monitor",
        brand: "Dell",
        model: "P2419H",
        serial: "CN0ABC",
        tag: "ind-0778",
      }),
    );
    expect(attach).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.getAllByTestId("peripheral-row")).toHaveLength(2));
    expect(rowTexts()[1]).toEqual(["Monitor", "Dell", "P2419H", "CN0ABC", "IND0778", "02/03/2026"]);
    expect(screen.queryByTestId("peripheral-form")).toBeNull();
    expect(app.notice).toBe("Periférico agregado: Monitor.");
    expect(app.error).toBeNull();
  });

  it("sends null for the optional data left blank", async () => {
    const user = userEvent.setup();
    record.mockResolvedValue(makeRecord());
    attach.mockResolvedValue(makeRecord([{ ...keyboard, brand: null }]));
    render(AssetDetail, { tag: "IND0777" });
    expect(await screen.findByTestId("peripheral-empty")).toHaveTextContent(
      "Sin periféricos registrados.",
    );
    await user.click(screen.getByTestId("peripheral-add"));
    await user.type(screen.getByTestId("peripheral-kind"), "Teclado");
    record.mockResolvedValue(makeRecord([{ ...keyboard, brand: null }]));
    await user.click(screen.getByTestId("peripheral-save"));
    await waitFor(() =>
      expect(attach).toHaveBeenCalledWith("IND0777", {
        kind: "Teclado",
        brand: null,
        model: null,
        serial: null,
        tag: null,
      }),
    );
    await waitFor(() => expect(rowTexts()).toEqual([["Teclado", "", "", "", "", "01/03/2026"]]));
  });

  it("asks for the kind before calling the back end, and for a placa with letters or numbers", async () => {
    const user = userEvent.setup();
    record.mockResolvedValue(makeRecord());
    render(AssetDetail, { tag: "IND0777" });
    await user.click(await screen.findByTestId("peripheral-add"));
    await user.type(screen.getByTestId("peripheral-brand"), "Dell");
    await user.click(screen.getByTestId("peripheral-save"));
    expect(await screen.findByTestId("peripheral-error")).toHaveTextContent(
      "Indique el tipo de periférico (monitor, teclado, mouse…).",
    );
    expect(screen.getByTestId("peripheral-kind")).toHaveAttribute("aria-invalid", "true");

    await user.type(screen.getByTestId("peripheral-kind"), "Monitor");
    // Once the kind is typed its message goes away.
    expect(screen.queryByTestId("peripheral-error")).toBeNull();
    expect(screen.getByTestId("peripheral-kind")).not.toHaveAttribute("aria-invalid");
    await user.type(screen.getByTestId("peripheral-tag"), "--");
    await user.click(screen.getByTestId("peripheral-save"));
    expect(await screen.findByTestId("peripheral-error")).toHaveTextContent(
      "La placa del periférico debe contener letras o números.",
    );
    expect(screen.getByTestId("peripheral-tag")).toHaveAttribute("aria-invalid", "true");
    expect(attach).not.toHaveBeenCalled();
    expect(screen.getByTestId("peripheral-form")).toBeInTheDocument();
  });

  it("shows the back end's error and keeps the form with what was typed", async () => {
    const user = userEvent.setup();
    record.mockResolvedValue(makeRecord());
    attach.mockRejectedValue({
      code: "validation",
      message: "periférico: indique el tipo (monitor, teclado, mouse…)",
    });
    render(AssetDetail, { tag: "IND0777" });
    await user.click(await screen.findByTestId("peripheral-add"));
    await user.type(screen.getByTestId("peripheral-kind"), "Mouse");
    await user.click(screen.getByTestId("peripheral-save"));
    await waitFor(() =>
      expect(app.error).toBe("periférico: indique el tipo (monitor, teclado, mouse…)"),
    );
    expect(screen.getByTestId("peripheral-kind")).toHaveValue("Mouse");
    expect(screen.queryAllByTestId("peripheral-row")).toHaveLength(0);
  });

  it("does not offer to attach peripherals to a decommissioned equipment (closed record)", async () => {
    record.mockResolvedValue(makeRecord([keyboard], { status: "decommissioned" }));
    render(AssetDetail, { tag: "IND0777" });
    await screen.findByTestId("asset-closed");
    expect(screen.getAllByTestId("peripheral-row")).toHaveLength(1);
    expect(screen.queryByTestId("peripheral-add")).toBeNull();
    expect(screen.queryByTestId("peripheral-remove")).toBeNull();
  });

  it("removes a peripheral only with a reason, and shows the refreshed list", async () => {
    const user = userEvent.setup();
    record.mockResolvedValue(makeRecord([keyboard, monitor]));
    render(AssetDetail, { tag: "IND0777" });
    await screen.findByTestId("asset-peripherals");
    const monitorRow = screen.getAllByTestId("peripheral-row")[1];
    expect(monitorRow).toHaveAttribute("data-id", "12");
    await user.click(within(monitorRow).getByTestId("peripheral-remove"));
    const form = screen.getByTestId("peripheral-remove-form");
    expect(form).toHaveTextContent("«Monitor»");
    // Without a reason nothing is sent.
    await user.click(within(form).getByTestId("peripheral-remove-yes"));
    expect(await screen.findByTestId("peripheral-remove-error")).toHaveTextContent(
      "Indique el motivo",
    );
    expect(detach).not.toHaveBeenCalled();
    await user.type(screen.getByTestId("peripheral-remove-reason"), " Pantalla rota ");
    detach.mockResolvedValue(makeRecord([keyboard]));
    record.mockResolvedValue(makeRecord([keyboard]));
    await user.click(within(form).getByTestId("peripheral-remove-yes"));
    await waitFor(() => expect(detach).toHaveBeenCalledWith("IND0777", 12, "Pantalla rota"));
    await waitFor(() =>
      expect(rowTexts()).toEqual([["Teclado", "Genius", "", "", "", "01/03/2026"]]),
    );
    expect(screen.queryByTestId("peripheral-remove-form")).toBeNull();
    expect(app.notice).toBe("Periférico retirado: Monitor.");
  });
});
