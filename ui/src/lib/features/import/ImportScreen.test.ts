import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { ImportBatch } from "../../bindings/ImportBatch";
import type { ImportReport } from "../../bindings/ImportReport";
import { app } from "../../state.svelte";
import ImportScreen from "./ImportScreen.svelte";

vi.mock("../../api", async () => {
  const { vi } = await import("vitest");
  const m = (await import("../../../test/mockApi")).apiMock();
  Object.assign(m.api, {
    importPickFile: vi.fn(),
    importPreview: vi.fn(),
    importCommit: vi.fn(),
    importCancel: vi.fn(),
    importBatches: vi.fn(),
    importUndo: vi.fn(),
    importExportProblems: vi.fn(),
    importMappingSave: vi.fn(),
    importMappingLoad: vi.fn(),
    onImportProgress: vi.fn(),
    onFileDrop: vi.fn(),
  });
  return m;
});

const PATH = "/home/ana/Documentos/casos_exportados.csv";

function report(over: Partial<ImportReport> = {}): ImportReport {
  return {
    file: "casos_exportados.csv",
    sha256: "97ddd13a",
    format: "csv",
    format_label: "Texto delimitado (.csv/.txt)",
    encoding: "windows-1252, separador «;»",
    kind: "cases",
    dry_run: true,
    imported: 120,
    duplicates: 2,
    warnings: [
      { sheet: "", row: 14, column: "Fecha registro", message: "No se entendió la fecha «ayer»." },
    ],
    errors: [
      {
        sheet: "",
        row: 30,
        column: null,
        message: "La fila no tiene solicitante ni descripción; no se importó.",
      },
    ],
    sheets: [
      {
        name: "",
        header_row: 1,
        columns: [
          {
            column: "1",
            header: "Nro",
            field: "legacy_number",
            field_label: "Número anterior",
            source: "header",
            note: null,
          },
          {
            column: "2",
            header: "Quien solicita",
            field: "requester",
            field_label: "Solicitante",
            source: "header",
            note: null,
          },
          {
            column: "3",
            header: "Oficina o dependencia",
            field: "department",
            field_label: "Dependencia",
            source: "header",
            note: null,
          },
          {
            column: "4",
            header: "Observación interna",
            field: null,
            field_label: null,
            source: null,
            note: "Parece «Descripción», pero ese campo ya está en la columna «Dato Q»; se conserva como campo adicional.",
          },
          {
            column: "5",
            header: "Fecha y hora",
            field: "received_at",
            field_label: "Fecha de recepción",
            source: "header",
            note: null,
          },
          {
            column: "6",
            header: "Dato Q",
            field: "description",
            field_label: "Descripción",
            source: "content",
            note: "Sugerido por el contenido: sus valores parecen «Descripción». Acéptelo o cámbielo.",
          },
        ],
        preview: [
          {
            row: 2,
            values: {
              legacy_number: "0001",
              requester: "Yerlis Beleño",
              department: "Área de Recreación",
              received_at: "2024-03-02T08:01:00",
            },
          },
          {
            row: 3,
            values: {
              legacy_number: "0002",
              requester: "Nidia Fernández",
              department: "Recreación TIC",
            },
          },
        ],
        records: 122,
        skipped: null,
        rows: 125,
        cases: 120,
        duplicates: 2,
        rejected: 1,
        skipped_rows: [
          { reason: "blank", label: "vacías o solo con formato", count: 1 },
          { reason: "total", label: "totales", count: 1 },
        ],
      },
    ],
    unknown_values: [{ field: "department", value: "Recreación TIC", count: 3 }],
    status_counts: { cerrado: 61, abierto: 59 },
    fields: [
      { key: "legacy_number", label: "Número anterior" },
      { key: "requester", label: "Solicitante" },
      { key: "department", label: "Dependencia" },
      { key: "description", label: "Descripción" },
      { key: "received_at", label: "Fecha de recepción" },
    ],
    batch: null,
    ...over,
  };
}

function batch(over: Partial<ImportBatch> = {}): ImportBatch {
  return {
    id: 7,
    kind: "cases",
    file_name: "casos_exportados.csv",
    file_hash: "97ddd13a",
    format: "Texto delimitado (.csv/.txt)",
    imported_at: "2026-03-02T10:00:00-05:00",
    actor: "Técnico de sistemas",
    imported: 120,
    duplicates: 2,
    warnings: 1,
    errors: 1,
    undone_at: null,
    remaining: 120,
    ...over,
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
  app.catalogs = {
    departments: ["Área de Recreación", "Tesorería"],
    service_types: [],
    staff: [],
    survey_questions: [],
    channels: [],
    asset_kinds: [],
    decommission_causes: [],
    infra_areas: [],
  };
  vi.mocked(api.importBatches).mockResolvedValue([]);
  vi.mocked(api.onFileDrop).mockResolvedValue(() => {});
  vi.mocked(api.onImportProgress).mockResolvedValue(() => {});
});

async function previewTyped(user: ReturnType<typeof userEvent.setup>) {
  vi.mocked(api.importPreview).mockResolvedValue(report());
  render(ImportScreen);
  await user.type(screen.getByTestId("import-path"), PATH);
  await user.click(screen.getByTestId("import-preview"));
  await screen.findByTestId("import-report");
}

describe("Importar", () => {
  it("previews a typed path: header row, mapping, mapped rows, unknown values, counts, problems", async () => {
    const user = userEvent.setup();
    await previewTyped(user);
    expect(api.importPreview).toHaveBeenCalledWith(PATH, "cases", null, null);
    expect(screen.getByTestId("import-header-row")).toHaveAttribute("data-row", "1");
    expect(screen.getByTestId("import-format").textContent).toContain("windows-1252");
    const cols = screen.getAllByTestId("import-column");
    expect(cols.map((c) => c.getAttribute("data-field"))).toEqual([
      "legacy_number",
      "requester",
      "department",
      "",
      "received_at",
      "description",
    ]);
    const selects = screen.getAllByTestId("import-column-field") as HTMLSelectElement[];
    expect(selects[1].value).toBe("requester");
    expect(selects[3].value).toBe("");
    const rows = screen.getAllByTestId("import-preview-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText("Yerlis Beleño")).toBeInTheDocument();
    expect(rows[0].querySelector('[data-field="legacy_number"]')?.textContent).toBe("0001");
    // Mapped dates read dd/mm/aaaa, as the file says (no time-zone shift).
    expect(rows[0].querySelector('[data-field="received_at"]')?.textContent?.trim()).toBe(
      "02/03/2024 08:01",
    );
    expect(screen.getByTestId("import-count-imported").textContent).toBe("120");
    expect(screen.getByTestId("import-count-duplicates").textContent).toBe("2");
    expect(screen.getByTestId("import-count-warnings").textContent).toBe("1");
    expect(screen.getByTestId("import-count-errors").textContent).toBe("1");
    expect(screen.getByTestId("import-unknown-value").textContent).toContain("«Recreación TIC»");
    const problems = screen.getAllByTestId("import-problem");
    expect(problems.map((p) => p.getAttribute("data-kind"))).toEqual(["error", "warning"]);
    expect(problems[1].textContent).toContain("Fecha registro");
    expect(problems[1].textContent).toContain("14");
  });

  it("re-previews with the user's mapping when a column or an unknown value is reassigned", async () => {
    const user = userEvent.setup();
    await previewTyped(user);
    const selects = screen.getAllByTestId("import-column-field") as HTMLSelectElement[];
    await user.selectOptions(selects[3], "description");
    await waitFor(() => expect(api.importPreview).toHaveBeenCalledTimes(2));
    expect(api.importPreview).toHaveBeenLastCalledWith(PATH, "cases", null, {
      kind: "cases",
      columns: { "Observación interna": "description" },
      values: {},
      inferred: {},
    });
    await user.selectOptions(screen.getByTestId("import-unknown-map"), "Área de Recreación");
    await waitFor(() => expect(api.importPreview).toHaveBeenCalledTimes(3));
    expect(api.importPreview).toHaveBeenLastCalledWith(PATH, "cases", null, {
      kind: "cases",
      columns: { "Observación interna": "description" },
      values: { department: { "Recreación TIC": "Área de Recreación" } },
      inferred: {},
    });
  });

  it("shows each sheet's rows equation, skipped rows by reason and the columns mapped by content", async () => {
    const user = userEvent.setup();
    await previewTyped(user);
    const eq = screen.getByTestId("import-sheet-rows");
    expect(eq).toHaveAttribute("data-rows", "125");
    expect(eq).toHaveAttribute("data-skipped", "2");
    expect(eq.textContent).toContain(
      "Filas: 125 = 120 registros nuevos + 2 duplicadas + 1 con errores + 2 omitidas",
    );
    const reasons = screen.getAllByTestId("import-skipped-reason");
    expect(reasons.map((r) => r.getAttribute("data-reason"))).toEqual(["blank", "total"]);
    expect(reasons[0].textContent).toContain("1 vacías o solo con formato");
    // The inferred column is a suggestion, on its own row; the conflicting one keeps a note.
    const cols = screen.getAllByTestId("import-column");
    expect(within(cols[5]).getByTestId("import-column-inferred").textContent).toBe(
      "Sugerido por el contenido",
    );
    expect(within(cols[3]).queryByTestId("import-column-inferred")).toBeNull();
    expect(within(cols[3]).getByTestId("import-column-note").textContent).toContain("Dato Q");
  });

  it("imports with the previewed hash, shows the result and exports the problems", async () => {
    const user = userEvent.setup();
    await previewTyped(user);
    const before = app.revision;
    vi.mocked(api.importCommit).mockResolvedValue(report({ dry_run: false, batch: 7 }));
    vi.mocked(api.importBatches).mockResolvedValue([batch()]);
    vi.mocked(api.importExportProblems).mockResolvedValue(
      "/tmp/Problemas de importación casos_exportados.xlsx",
    );
    await user.click(screen.getByTestId("import-commit"));
    await screen.findByTestId("import-result");
    expect(api.onImportProgress).toHaveBeenCalled();
    expect(api.importCommit).toHaveBeenCalledWith(PATH, "cases", null, null, "97ddd13a");
    expect(screen.getByTestId("import-result-imported").textContent).toBe("120");
    expect(screen.getByTestId("import-result-errors").textContent).toBe("1");
    expect(screen.getByTestId("import-result-message").textContent).toContain("lote 7");
    expect(app.revision).toBe(before + 1);
    await screen.findByTestId("import-batch");
    await user.click(screen.getByTestId("import-export-problems"));
    expect(api.importExportProblems).toHaveBeenCalledWith(
      expect.objectContaining({ batch: 7, file: "casos_exportados.csv" }),
    );
    await waitFor(() => expect(app.notice).toContain("Problemas de importación"));
  });

  it("cancels a running import: the rollback is reported as a notice, not an error", async () => {
    const user = userEvent.setup();
    await previewTyped(user);
    let reject: (e: unknown) => void = () => {};
    vi.mocked(api.importCommit).mockReturnValue(new Promise((_, rj) => (reject = rj)));
    vi.mocked(api.importCancel).mockImplementation(async () => {
      reject({ code: "import_cancelled", message: "Importación cancelada: no se guardó nada." });
      return null;
    });
    await user.click(screen.getByTestId("import-commit"));
    await user.click(await screen.findByTestId("import-cancel"));
    expect(api.importCancel).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(app.notice).toContain("cancelada"));
    expect(app.error).toBeFalsy();
    expect(screen.queryByTestId("import-progress")).toBeNull();
    expect(screen.queryByTestId("import-result")).toBeNull();
  });

  it("shows a refused file's Spanish message and keeps nothing", async () => {
    const user = userEvent.setup();
    vi.mocked(api.importPreview).mockRejectedValue({
      code: "import_damaged",
      message: "El archivo está dañado o incompleto",
    });
    render(ImportScreen);
    await user.type(screen.getByTestId("import-path"), "/tmp/truncated.xlsx");
    await user.click(screen.getByTestId("import-preview"));
    await waitFor(() => expect(app.error).toContain("dañado"));
    expect(screen.queryByTestId("import-report")).toBeNull();
  });

  it("undoes a batch only after confirmation", async () => {
    const user = userEvent.setup();
    vi.mocked(api.importBatches)
      .mockResolvedValueOnce([batch()])
      .mockResolvedValue([batch({ undone_at: "2026-03-02T11:00:00-05:00", remaining: 0 })]);
    vi.mocked(api.importUndo).mockResolvedValue(
      batch({ undone_at: "2026-03-02T11:00:00-05:00", remaining: 0 }),
    );
    render(ImportScreen);
    await user.click(await screen.findByTestId("import-undo"));
    expect(screen.getByTestId("import-undo-confirm").textContent).toContain("120");
    await user.click(screen.getByTestId("import-undo-no"));
    expect(api.importUndo).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("import-undo"));
    await user.click(screen.getByTestId("import-undo-yes"));
    await waitFor(() => expect(api.importUndo).toHaveBeenCalledWith(7));
    await waitFor(() =>
      expect(screen.getByTestId("import-batch")).toHaveAttribute("data-undone", "true"),
    );
    expect(app.notice).toContain("Lote 7 deshecho");
  });
});
