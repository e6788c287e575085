import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { IndicatorOptions } from "../../bindings/IndicatorOptions";
import type { IndicatorOverview } from "../../bindings/IndicatorOverview";
import type { IndicatorSheet } from "../../bindings/IndicatorSheet";
import type { IndicatorValue } from "../../bindings/IndicatorValue";
import Indicators from "./Indicators.svelte";
import IndicatorsCard from "./IndicatorsCard.svelte";
import { formatValue, parseDecimal, resetIndicatorOptions } from "./options";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const OPTIONS: IndicatorOptions = {
  kinds: [
    { value: "eficacia", label: "Eficacia" },
    { value: "eficiencia", label: "Eficiencia" },
    { value: "efectividad", label: "Efectividad" },
  ],
  frequencies: [
    { value: "monthly", label: "Mensual" },
    { value: "quarterly", label: "Trimestral" },
  ],
  directions: [
    { value: "up", label: "Mayor es mejor" },
    { value: "down", label: "Menor es mejor" },
  ],
  lights: [
    { value: "satisfactory", label: "Satisfactorio" },
    { value: "acceptable", label: "Aceptable" },
    { value: "critical", label: "Crítico" },
  ],
  default_periods: 6,
};

function sheet(over: Partial<IndicatorSheet> = {}): IndicatorSheet {
  return {
    code: "IND-01",
    name: "Casos atendidos dentro del plazo de respuesta",
    objective: "Medir la oportunidad",
    process: "Gestión de TI",
    kind: "eficacia",
    formula: "% atendidos dentro del plazo de respuesta: …",
    unit: "%",
    frequency: "monthly",
    frequency_label: "Mensual",
    target: 90,
    satisfactory: 90,
    acceptable: 80,
    direction: "up",
    owner_measure: "Técnico de sistemas",
    owner_analysis: "Líder de TI",
    source: "Casos",
    computed: true,
    ...over,
  };
}

function value(
  period: string,
  v: number | null,
  over: Partial<IndicatorValue> = {},
): IndicatorValue {
  return {
    period,
    label: period,
    from: `${period}-01`,
    to: `${period}-28`,
    closed: true,
    value: v,
    num: null,
    den: null,
    light: v === null ? null : v >= 90 ? "satisfactory" : v >= 80 ? "acceptable" : "critical",
    analysis: "",
    ...over,
  };
}

const MANUAL = sheet({
  code: "TIC-02",
  name: "Incidentes de seguridad",
  unit: "casos",
  computed: false,
  formula: "Incidentes registrados",
  direction: "down",
  target: 2,
  satisfactory: 2,
  acceptable: 4,
});

const OVERVIEW: IndicatorOverview = {
  indicators: [
    {
      sheet: sheet(),
      last: value("2026-02", 50, { label: "febrero de 2026" }),
      current: value("2026-03", null, { closed: false }),
    },
    {
      sheet: MANUAL,
      last: value("2026-02", null),
      current: value("2026-03", null, { closed: false }),
    },
  ],
  suggestions: [
    {
      code: "IND-01",
      name: "Casos atendidos dentro del plazo de respuesta",
      first_period: "2026-01",
      last_period: "2026-02",
      first_label: "enero de 2026",
      last_label: "febrero de 2026",
      first_value: 40,
      last_value: 50,
      draft: { title: "t", description: "d", source: "indicador", source_ref: "IND-01" },
    },
  ],
};

beforeEach(() => {
  vi.clearAllMocks();
  resetIndicatorOptions();
  vi.mocked(api.indicatorOptions).mockResolvedValue(OPTIONS);
  vi.mocked(api.indicatorOverview).mockResolvedValue(OVERVIEW);
});

describe("helpers", () => {
  it("formats and parses es-CO numbers", () => {
    expect(formatValue(66.6667, "%")).toBe("66,67 %");
    expect(formatValue(4, "puntos (1 a 5)")).toBe("4 puntos (1 a 5)");
    expect(parseDecimal("90,5")).toBe(90.5);
    expect(parseDecimal(" 12 ")).toBe(12);
    expect(parseDecimal("doce")).toBeNull();
    expect(parseDecimal("")).toBeNull();
  });
});

describe("Indicators screen", () => {
  it("lists the indicators with their light, last value and target", async () => {
    render(Indicators);
    const row = await screen.findByTestId("indicator-row-IND-01");
    expect(row.textContent).toContain("90 %");
    expect(row.textContent).toContain("50 %");
    expect(screen.getByTestId("indicator-light-IND-01").dataset.light).toBe("critical");
    expect(screen.getByTestId("indicator-light-IND-01").textContent).toContain("Crítico");
    expect(screen.getByTestId("indicator-light-TIC-02").dataset.light).toBe("none");
  });

  it("opens a computed sheet: formula read-only, trend drawn, analysis saved", async () => {
    vi.mocked(api.indicatorSheet).mockResolvedValue(sheet());
    vi.mocked(api.indicatorValues).mockResolvedValue([
      value("2026-01", 40, { num: 2, den: 5 }),
      value("2026-02", 95, { num: 19, den: 20 }),
      value("2026-03", null, { closed: false }),
    ]);
    vi.mocked(api.indicatorAnalysisSet).mockResolvedValue(value("2026-01", 40));
    render(Indicators);
    await fireEvent.click(await screen.findByTestId("indicator-open-IND-01"));
    await screen.findByTestId("indicator-sheet");
    expect(api.indicatorValues).toHaveBeenCalledWith("IND-01", 6);
    expect(screen.getAllByTestId("trend-point")).toHaveLength(2);
    expect(screen.queryByTestId("value-input-2026-01")).toBeNull();
    expect(screen.getByTestId("value-row-2026-01").textContent).toContain("(2/5)");
    const user = userEvent.setup();
    await user.type(screen.getByTestId("analysis-input-2026-01"), "Vacaciones");
    await user.click(screen.getByTestId("value-save-2026-01"));
    await waitFor(() =>
      expect(api.indicatorAnalysisSet).toHaveBeenCalledWith("IND-01", "2026-01", "Vacaciones"),
    );
    await user.click(screen.getByTestId("indicator-edit"));
    expect((screen.getByTestId("ind-formula") as HTMLTextAreaElement).readOnly).toBe(true);
  });

  it("types a manual value with a decimal comma, and refuses text", async () => {
    vi.mocked(api.indicatorSheet).mockResolvedValue(MANUAL);
    vi.mocked(api.indicatorValues).mockResolvedValue([
      value("2026-02", null),
      value("2026-03", null),
    ]);
    vi.mocked(api.indicatorValueSet).mockResolvedValue(value("2026-02", 3));
    render(Indicators);
    await fireEvent.click(await screen.findByTestId("indicator-open-TIC-02"));
    const input = await screen.findByTestId("value-input-2026-02");
    const user = userEvent.setup();
    await user.type(input, "tres");
    await user.click(screen.getByTestId("value-save-2026-02"));
    expect(await screen.findByRole("alert")).toHaveTextContent("«Valor» debe ser un número.");
    expect(api.indicatorValueSet).not.toHaveBeenCalled();
    await user.clear(input);
    await user.type(input, "3,5");
    await user.click(screen.getByTestId("value-save-2026-02"));
    await waitFor(() =>
      expect(api.indicatorValueSet).toHaveBeenCalledWith("TIC-02", "2026-02", 3.5, ""),
    );
  });

  it("edits the target and thresholds of a sheet", async () => {
    vi.mocked(api.indicatorSheet).mockResolvedValue(sheet());
    vi.mocked(api.indicatorValues).mockResolvedValue([]);
    vi.mocked(api.indicatorUpdate).mockResolvedValue(sheet({ target: 95 }));
    render(Indicators);
    await fireEvent.click(await screen.findByTestId("indicator-open-IND-01"));
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("indicator-edit"));
    const target = screen.getByTestId("ind-target");
    await user.clear(target);
    await user.type(target, "95,5");
    await user.click(screen.getByTestId("ind-save"));
    await waitFor(() => expect(api.indicatorUpdate).toHaveBeenCalled());
    const [code, patch] = vi.mocked(api.indicatorUpdate).mock.calls[0]!;
    expect(code).toBe("IND-01");
    expect(patch.target).toBe(95.5);
    expect(patch.formula).toBeNull();
  });

  it("creates a manual indicator", async () => {
    vi.mocked(api.indicatorCreate).mockResolvedValue(MANUAL);
    vi.mocked(api.indicatorSheet).mockResolvedValue(MANUAL);
    vi.mocked(api.indicatorValues).mockResolvedValue([]);
    render(Indicators);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("indicator-new"));
    await user.type(screen.getByTestId("ind-code"), "TIC-02");
    await user.type(screen.getByTestId("ind-name"), "Incidentes de seguridad");
    await user.click(screen.getByTestId("ind-save"));
    expect(await screen.findByTestId("ind-form-error")).toHaveTextContent("«Meta»");
    await user.type(screen.getByTestId("ind-target"), "2");
    await user.type(screen.getByTestId("ind-satisfactory"), "2");
    await user.type(screen.getByTestId("ind-acceptable"), "4");
    await user.selectOptions(screen.getByTestId("ind-direction"), "down");
    await user.click(screen.getByTestId("ind-save"));
    await waitFor(() => expect(api.indicatorCreate).toHaveBeenCalled());
    const input = vi.mocked(api.indicatorCreate).mock.calls[0]![0];
    expect(input).toMatchObject({ code: "TIC-02", target: 2, acceptable: 4, direction: "down" });
  });
});

describe("Inicio card", () => {
  it("shows each indicator's light and the suggestion; a dismissal needs a reason", async () => {
    vi.mocked(api.indicatorSuggestionDismiss).mockResolvedValue(null);
    render(IndicatorsCard);
    const light = await screen.findByTestId("dash-indicator-light-IND-01");
    expect(light.dataset.light).toBe("critical");
    const sug = screen.getByTestId("dash-suggestion-IND-01");
    expect(sug.textContent).toContain("enero de 2026");
    const user = userEvent.setup();
    await user.click(within(sug).getByTestId("suggestion-dismiss-IND-01"));
    await user.click(screen.getByTestId("suggestion-dismiss-confirm"));
    expect(await screen.findByRole("alert")).toHaveTextContent("Escriba el motivo.");
    expect(api.indicatorSuggestionDismiss).not.toHaveBeenCalled();
    await user.type(screen.getByTestId("suggestion-reason"), "Ya hay un plan");
    await user.click(screen.getByTestId("suggestion-dismiss-confirm"));
    await waitFor(() =>
      expect(api.indicatorSuggestionDismiss).toHaveBeenCalledWith(
        "IND-01",
        "2026-01",
        "Ya hay un plan",
      ),
    );
  });

  it("accepting shows the finding draft", async () => {
    vi.mocked(api.indicatorFindingDraft).mockResolvedValue({
      title: "Indicador IND-01 en crítico",
      description: "Dos periodos seguidos",
      source: "indicador",
      source_ref: "IND-01",
    });
    render(IndicatorsCard);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("suggestion-accept-IND-01"));
    expect(await screen.findByTestId("finding-draft")).toHaveTextContent(
      "Indicador IND-01 en crítico",
    );
    expect(api.indicatorFindingDraft).toHaveBeenCalledWith("IND-01", "2026-01");
  });
});
