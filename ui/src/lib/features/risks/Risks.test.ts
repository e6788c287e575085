import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { HeatCell } from "../../bindings/HeatCell";
import type { Risk } from "../../bindings/Risk";
import type { RiskMap } from "../../bindings/RiskMap";
import type { RiskScales } from "../../bindings/RiskScales";
import type { Zone } from "../../bindings/Zone";
import Risks from "./Risks.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

// What the core serves (`risk_scales`); a test fixture, the UI keeps no copy of it.
const Z: Zone[][] = [
  ["low", "low", "moderate", "high", "extreme"],
  ["low", "moderate", "moderate", "high", "extreme"],
  ["moderate", "moderate", "moderate", "high", "extreme"],
  ["moderate", "moderate", "high", "high", "extreme"],
  ["high", "high", "high", "high", "extreme"],
];
const scales: RiskScales = {
  probability: ["Muy baja", "Baja", "Media", "Alta", "Muy alta"].map((label, i) => ({
    level: i + 1,
    label,
    pct: (i + 1) * 20,
    hint: "",
  })),
  impact: ["Leve", "Menor", "Moderado", "Mayor", "Catastrófico"].map((label, i) => ({
    level: i + 1,
    label,
    pct: (i + 1) * 20,
    hint: "",
  })),
  zones: [
    { zone: "low", label: "Baja", colour: "#4CAF50" },
    { zone: "moderate", label: "Moderada", colour: "#FFEB3B" },
    { zone: "high", label: "Alta", colour: "#FF9800" },
    { zone: "extreme", label: "Extrema", colour: "#E53935" },
  ],
  heat_map: Z,
  control_kinds: [
    { key: "preventive", label: "Preventivo", weight: 25 },
    { key: "detective", label: "Detectivo", weight: 15 },
    { key: "corrective", label: "Correctivo", weight: 10 },
  ],
  implementations: [
    { key: "automatic", label: "Automático", weight: 25 },
    { key: "manual", label: "Manual", weight: 15 },
  ],
  frequencies: [
    { key: "continuous", label: "Continua", weight: null },
    { key: "random", label: "Aleatoria", weight: null },
  ],
  treatments: [
    { key: "accept", label: "Aceptar", weight: null },
    { key: "reduce", label: "Reducir (mitigar)", weight: null },
  ],
  data_sources: [
    { key: "none", label: "Ninguno", weight: null },
    { key: "backups", label: "Copias de seguridad", weight: null },
  ],
  classifications: ["Fallas tecnológicas"],
  method: "Cada control pesa la suma de su tipo y su implementación.",
};

function risk(over: Partial<Risk> = {}): Risk {
  return {
    id: 1,
    code: "R-01",
    process: "Gestión de TIC — Mesa de ayuda",
    description: "Posibilidad de pérdida de información debido a la falta de copias por descuido",
    classification: "Fallas tecnológicas",
    causes: "",
    consequences: "",
    probability: 3,
    impact: 5,
    inherent_zone: "extreme",
    residual_probability: 3,
    residual_impact: 5,
    residual_probability_pct: 60,
    residual_impact_pct: 100,
    residual_zone: "extreme",
    treatment: "reduce",
    plan_responsible: null,
    plan_due: null,
    plan_description: null,
    plan_action_id: null,
    next_review: "2026-03-01",
    last_review: null,
    review_overdue: true,
    data_source: "backups",
    data: {
      source: "backups",
      label: "Última copia de seguridad verificada",
      value: "ninguna",
      ok: false,
    },
    controls: [],
    updated_by: "sistema",
    updated_at: "2026-03-01T10:00:00Z",
    ...over,
  };
}

function mapOf(risks: Risk[]): RiskMap {
  const cells: HeatCell[] = [];
  for (let p = 5; p >= 1; p--)
    for (let i = 1; i <= 5; i++)
      cells.push({
        probability: p,
        impact: i,
        zone: Z[p - 1][i - 1],
        inherent: risks.filter((r) => r.probability === p && r.impact === i).map((r) => r.code),
        residual: risks
          .filter((r) => r.residual_probability === p && r.residual_impact === i)
          .map((r) => r.code),
      });
  return { risks, cells };
}

const withControl = risk({
  residual_probability: 2,
  residual_probability_pct: 30,
  residual_zone: "high",
  residual_impact: 5,
  controls: [
    {
      id: 9,
      position: 1,
      description: "Copia diaria automática",
      kind: "preventive",
      implementation: "automatic",
      documented: true,
      frequency: "continuous",
      evidence: false,
      responsible: null,
      weight: 50,
    },
  ],
});

describe("Riesgos", () => {
  beforeEach(() => {
    vi.mocked(api.riskScales).mockResolvedValue(scales);
    vi.mocked(api.riskMap).mockResolvedValue(mapOf([risk()]));
  });

  it("shows the risk in its heat map cells and the zones from the core", async () => {
    render(Risks);
    const cell = await screen.findByTestId("heat-inherent-3-5");
    expect(cell.getAttribute("data-zone")).toBe("extreme");
    expect(within(cell).getByTestId("heat-code-inherent-R-01")).toBeTruthy();
    expect(screen.getByTestId("heat-residual-3-5").getAttribute("data-count")).toBe("1");
    expect(screen.getByTestId("heat-inherent-5-1").getAttribute("data-count")).toBe("0");
    expect(screen.getByTestId("risk-inherent-R-01").textContent).toBe("Extrema");
    expect(screen.getByTestId("risk-overdue-R-01").textContent).toBe("Revisión vencida");
    expect(screen.getByTestId("risk-row-R-01").textContent).toContain("01/03/2026");
  });

  it("adds a control and the residual position moves", async () => {
    vi.mocked(api.riskControlAdd).mockResolvedValue(withControl);
    render(Risks);
    await fireEvent.click(await screen.findByTestId("heat-code-inherent-R-01"));
    const detail = await screen.findByTestId("risk-detail");
    expect(within(detail).getByTestId("detail-data").textContent).toContain("ninguna");
    expect(within(detail).getByTestId("controls-empty")).toBeTruthy();

    // Empty description: refused in the form, nothing sent.
    await fireEvent.click(within(detail).getByTestId("control-add"));
    expect(await within(detail).findByRole("alert")).toBeTruthy();
    expect(api.riskControlAdd).not.toHaveBeenCalled();

    const user = userEvent.setup();
    await user.type(within(detail).getByTestId("control-description"), "Copia diaria automática");
    await user.selectOptions(within(detail).getByTestId("control-implementation"), "automatic");
    await user.click(within(detail).getByTestId("control-documented"));
    vi.mocked(api.riskMap).mockResolvedValue(mapOf([withControl]));
    await user.click(within(detail).getByTestId("control-add"));

    await waitFor(() => expect(api.riskControlAdd).toHaveBeenCalledTimes(1));
    expect(api.riskControlAdd).toHaveBeenCalledWith("R-01", {
      description: "Copia diaria automática",
      kind: "preventive",
      implementation: "automatic",
      documented: true,
      frequency: "continuous",
      evidence: false,
      responsible: null,
    });
    await waitFor(() =>
      expect(screen.getByTestId("heat-residual-2-5").getAttribute("data-count")).toBe("1"),
    );
    expect(screen.getByTestId("heat-residual-3-5").getAttribute("data-count")).toBe("0");
    // The inherent position stays.
    expect(screen.getByTestId("heat-inherent-3-5").getAttribute("data-count")).toBe("1");
    expect(screen.getByTestId("risk-residual-R-01").textContent).toBe("Alta");
    const d = screen.getByTestId("risk-detail");
    expect(within(d).getByTestId("control-1").textContent).toContain("Peso 50 %");
    expect(within(d).getByTestId("detail-residual-values").textContent).toContain("Baja (30 %)");
  });

  it("edits a control's attributes and removes it after confirming", async () => {
    vi.mocked(api.riskMap).mockResolvedValue(mapOf([withControl]));
    const corrective = risk({
      ...withControl,
      residual_probability: 3,
      residual_probability_pct: 60,
      residual_impact: 4,
      residual_impact_pct: 65,
      residual_zone: "high",
      controls: [
        {
          ...withControl.controls[0],
          kind: "corrective",
          weight: 35,
          responsible: "Técnico",
        },
      ],
    });
    vi.mocked(api.riskControlUpdate).mockResolvedValue(corrective);
    vi.mocked(api.riskControlDelete).mockResolvedValue(risk());
    vi.mocked(api.riskControlAdd).mockClear();
    render(Risks);
    await fireEvent.click(await screen.findByTestId("heat-code-inherent-R-01"));
    const detail = await screen.findByTestId("risk-detail");
    const user = userEvent.setup();
    await user.click(within(detail).getByTestId("control-edit-1"));
    expect(within(detail).getByTestId("control-editing").textContent).toContain("control 1");
    const desc = within(detail).getByTestId("control-description") as HTMLInputElement;
    expect(desc.value).toBe("Copia diaria automática");
    expect((within(detail).getByTestId("control-documented") as HTMLInputElement).checked).toBe(
      true,
    );
    await user.selectOptions(within(detail).getByTestId("control-kind"), "corrective");
    await user.type(within(detail).getByTestId("control-responsible"), "Técnico");
    vi.mocked(api.riskMap).mockResolvedValue(mapOf([corrective]));
    await user.click(within(detail).getByTestId("control-add"));
    await waitFor(() => expect(api.riskControlUpdate).toHaveBeenCalledTimes(1));
    expect(api.riskControlUpdate).toHaveBeenCalledWith(9, {
      description: "Copia diaria automática",
      kind: "corrective",
      implementation: "automatic",
      documented: true,
      frequency: "continuous",
      evidence: false,
      responsible: "Técnico",
    });
    expect(api.riskControlAdd).not.toHaveBeenCalled();
    // The residual position the core computed is shown: probability back, impact lowered.
    await waitFor(() =>
      expect(screen.getByTestId("heat-residual-3-4").getAttribute("data-count")).toBe("1"),
    );
    const d = screen.getByTestId("risk-detail");
    expect(within(d).queryByTestId("control-editing")).toBeNull();
    await user.click(within(d).getByTestId("control-remove-1"));
    expect(within(d).getByTestId("control-remove-box").textContent).toContain("control 1");
    expect(api.riskControlDelete).not.toHaveBeenCalled();
    await user.click(within(d).getByTestId("control-remove-confirm-1"));
    await waitFor(() => expect(api.riskControlDelete).toHaveBeenCalledWith(9));
  });

  it("creates a risk with the typed fields", async () => {
    vi.mocked(api.riskCreate).mockResolvedValue(risk({ code: "R-06" }));
    render(Risks);
    await fireEvent.click(await screen.findByTestId("risk-new"));
    const detail = await screen.findByTestId("risk-detail");
    const user = userEvent.setup();
    await user.type(
      within(detail).getByTestId("risk-description"),
      "Posibilidad de daño debido a picos de voltaje por falta de UPS",
    );
    await user.selectOptions(within(detail).getByTestId("risk-probability"), "4");
    await user.click(within(detail).getByTestId("risk-save"));
    await waitFor(() => expect(api.riskCreate).toHaveBeenCalledTimes(1));
    const input = vi.mocked(api.riskCreate).mock.calls[0][0];
    expect(input.code).toBeNull();
    expect(input.probability).toBe(4);
    expect(input.impact).toBe(3);
    expect(input.classification).toBe("Fallas tecnológicas");
    expect(input.next_review).toBeNull();
  });
});
