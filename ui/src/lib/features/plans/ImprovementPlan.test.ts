import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { catalogs } from "../../../test/fixtures";
import { api } from "../../api";
import type { Finding } from "../../bindings/Finding";
import type { FindingSummary } from "../../bindings/FindingSummary";
import type { PlanAction } from "../../bindings/PlanAction";
import type { PlanCatalog } from "../../bindings/PlanCatalog";
import { app } from "../../state.svelte";
import ImprovementPlan from "./ImprovementPlan.svelte";
import PlanDueCard from "../home/PlanDueCard.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

// As the core serves it (labels included): the UI keeps no copy of these lists.
const CATALOG: PlanCatalog = {
  sources: [
    { value: "indicador", label: "Indicador" },
    { value: "auditoria", label: "Auditoría" },
    { value: "otro", label: "Otro" },
  ],
  states: [
    { value: "abierta", label: "Abierta" },
    { value: "en_ejecucion", label: "En ejecución" },
    { value: "cumplida", label: "Cumplida" },
    { value: "vencida", label: "Vencida" },
  ],
  due_days: 15,
};

const SUMMARY: FindingSummary = {
  number: "H-2026-001",
  description: "<b>Tiempos</b> de respuesta incumplidos",
  source: "auditoria",
  source_label: "Auditoría",
  source_ref: "Informe 2026-01",
  found_on: "2026-03-02",
  state: "vencida",
  state_label: "Vencida",
  actions: 2,
  actions_done: 1,
  progress: 62.5,
  next_end: "2026-03-13",
};

function action(over: Partial<PlanAction> = {}): PlanAction {
  return {
    id: 7,
    finding_number: "H-2026-001",
    finding_description: "Tiempos de respuesta incumplidos",
    description: "Definir turnos de atención",
    objective: null,
    goal: "Publicar el cuadro de turnos",
    unit: "Documento",
    quantity: 1,
    starts_on: "2026-03-02",
    ends_on: "2026-03-13",
    weeks: 1.6,
    owner: "Técnico de sistemas",
    state: "en_ejecucion",
    state_label: "En ejecución",
    progress: 40,
    days_left: 9,
    follow_ups: [
      {
        id: 3,
        action_id: 7,
        done_on: "2026-03-03",
        progress: 40,
        comment: "Borrador listo",
        created_at: "2026-03-03T09:00:00-05:00",
        created_by: "Técnico de sistemas",
        attachments: [],
      },
    ],
    verified_at: null,
    verified_by: null,
    verification_note: null,
    justification: null,
    created_at: "2026-03-02T09:00:00-05:00",
    created_by: "Técnico de sistemas",
    ...over,
  };
}

const FINDING: Finding = {
  id: 1,
  number: "H-2026-001",
  description: "Tiempos de respuesta incumplidos",
  source: "auditoria",
  source_label: "Auditoría",
  source_ref: "Informe 2026-01",
  found_on: "2026-03-02",
  effect: "Quejas",
  causes: ["Un solo técnico", "Sin turnos"],
  state: "en_ejecucion",
  state_label: "En ejecución",
  progress: 40,
  actions: [action()],
  created_at: "2026-03-02T09:00:00-05:00",
  created_by: "Técnico de sistemas",
};

beforeEach(() => {
  vi.clearAllMocks();
  app.catalogs = catalogs;
  app.error = null;
  app.view = { name: "plan-mejora" };
  vi.mocked(api.improvementCatalog).mockResolvedValue(CATALOG);
  vi.mocked(api.improvementFindings).mockResolvedValue([SUMMARY]);
  vi.mocked(api.improvementFinding).mockResolvedValue(FINDING);
});

describe("ImprovementPlan", () => {
  it("lists findings and filters by state and source with the core's lists", async () => {
    render(ImprovementPlan, {});
    const row = await screen.findByTestId("plan-finding-row");
    expect(row).toHaveTextContent("H-2026-001");
    expect(row).toHaveTextContent("02/03/2026");
    // User text is text, never HTML.
    expect(row).toHaveTextContent("<b>Tiempos</b> de respuesta incumplidos");
    expect(within(row).getByTestId("plan-finding-state")).toHaveTextContent("Vencida");
    const states = screen.getByTestId("plan-filter-state") as HTMLSelectElement;
    await waitFor(() => expect(states.options).toHaveLength(5));
    expect([...states.options].map((o) => o.text)).toContain("En ejecución");
    await userEvent.selectOptions(states, "vencida");
    await waitFor(() =>
      expect(api.improvementFindings).toHaveBeenLastCalledWith({ state: "vencida", source: null }),
    );
    await userEvent.selectOptions(screen.getByTestId("plan-filter-source"), "auditoria");
    await waitFor(() =>
      expect(api.improvementFindings).toHaveBeenLastCalledWith({
        state: "vencida",
        source: "auditoria",
      }),
    );
    await userEvent.click(within(row).getByTestId("plan-open-finding"));
    expect(app.view).toEqual({ name: "plan-mejora", number: "H-2026-001" });
  });

  it("creates a finding with its causes and opens it", async () => {
    vi.mocked(api.improvementFindingCreate).mockResolvedValue({ ...FINDING, number: "H-2026-002" });
    render(ImprovementPlan, {});
    await userEvent.click(await screen.findByTestId("plan-new-finding"));
    await userEvent.click(await screen.findByTestId("finding-save"));
    expect(screen.getByTestId("finding-error")).toHaveTextContent("descripción");
    expect(api.improvementFindingCreate).not.toHaveBeenCalled();
    await userEvent.type(screen.getByTestId("finding-description"), "Copias sin verificar");
    await userEvent.selectOptions(screen.getByTestId("finding-source"), "indicador");
    await userEvent.type(screen.getAllByTestId("finding-cause")[0], "Sin responsable");
    await userEvent.click(screen.getByTestId("finding-add-cause"));
    await userEvent.type(screen.getAllByTestId("finding-cause")[1], "Sin calendario");
    await userEvent.click(screen.getByTestId("finding-save"));
    await waitFor(() => expect(api.improvementFindingCreate).toHaveBeenCalled());
    const input = vi.mocked(api.improvementFindingCreate).mock.calls[0][0];
    expect(input.description).toBe("Copias sin verificar");
    expect(input.source).toBe("indicador");
    expect(input.causes).toEqual(["Sin responsable", "Sin calendario"]);
    await waitFor(() => expect(app.view).toEqual({ name: "plan-mejora", number: "H-2026-002" }));
  });

  it("shows a finding, records a follow-up and sends the verification", async () => {
    vi.mocked(api.improvementFollowUpAdd).mockResolvedValue({
      ...FINDING.actions[0].follow_ups[0],
      id: 4,
      progress: 100,
    });
    vi.mocked(api.improvementActionVerify).mockResolvedValue(action({ state: "cumplida" }));
    render(ImprovementPlan, { number: "H-2026-001" });
    expect(await screen.findByTestId("finding-number")).toHaveTextContent("H-2026-001");
    expect(screen.getByTestId("finding-causes")).toHaveTextContent("Un solo técnico");
    expect(screen.getByTestId("finding-source-ref-text").textContent).toBe(" — Informe 2026-01");
    const act = screen.getByTestId("plan-action");
    expect(within(act).getByTestId("plan-action-state")).toHaveTextContent("En ejecución");
    expect(act).toHaveTextContent("vence en 9 días");
    await userEvent.click(within(act).getByTestId("plan-add-follow-up"));
    await userEvent.type(screen.getByTestId("follow-up-progress"), "100");
    await userEvent.type(screen.getByTestId("follow-up-comment"), "Publicado");
    await userEvent.click(screen.getByTestId("follow-up-save"));
    await waitFor(() => expect(api.improvementFollowUpAdd).toHaveBeenCalled());
    const [id, input] = vi.mocked(api.improvementFollowUpAdd).mock.calls[0];
    expect(id).toBe(7);
    expect(input.progress).toBe(100);
    expect(input.comment).toBe("Publicado");
    await userEvent.click(within(act).getByTestId("plan-verify"));
    await userEvent.type(screen.getByTestId("verify-note"), "Revisado");
    await userEvent.click(screen.getByTestId("verify-save"));
    await waitFor(() =>
      expect(api.improvementActionVerify).toHaveBeenCalledWith(7, {
        note: "Revisado",
        justification: null,
      }),
    );
  });
});

describe("ImprovementPlan: corrections and deletions", () => {
  it("corrects the finding with the same form, prefilled, and sends every field", async () => {
    vi.mocked(api.improvementFindingUpdate).mockResolvedValue({
      ...FINDING,
      source: "indicador",
    });
    render(ImprovementPlan, { number: "H-2026-001" });
    await userEvent.click(await screen.findByTestId("finding-edit"));
    const form = await screen.findByTestId("finding-form");
    expect(form).toHaveTextContent("Corregir hallazgo H-2026-001");
    const desc = within(form).getByTestId("finding-description") as HTMLTextAreaElement;
    expect(desc.value).toBe("Tiempos de respuesta incumplidos");
    const causes = within(form).getAllByTestId("finding-cause") as HTMLInputElement[];
    expect(causes.map((c) => c.value)).toEqual(["Un solo técnico", "Sin turnos"]);
    await waitFor(() =>
      expect((within(form).getByTestId("finding-source") as HTMLSelectElement).value).toBe(
        "auditoria",
      ),
    );
    await userEvent.selectOptions(within(form).getByTestId("finding-source"), "indicador");
    await userEvent.clear(causes[1]);
    await userEvent.type(causes[1], "No hay turnos");
    await userEvent.click(within(form).getByTestId("finding-save"));
    await waitFor(() => expect(api.improvementFindingUpdate).toHaveBeenCalled());
    const [n, input] = vi.mocked(api.improvementFindingUpdate).mock.calls[0];
    expect(n).toBe("H-2026-001");
    expect(input).toEqual({
      description: "Tiempos de respuesta incumplidos",
      source: "indicador",
      source_ref: "Informe 2026-01",
      found_on: "2026-03-02",
      effect: "Quejas",
      causes: ["Un solo técnico", "No hay turnos"],
    });
    expect(api.improvementFindingCreate).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.queryByTestId("finding-form")).toBeNull());
  });

  it("corrects an action prefilled with its data", async () => {
    vi.mocked(api.improvementActionUpdate).mockResolvedValue(action({ ends_on: "2026-04-15" }));
    render(ImprovementPlan, { number: "H-2026-001" });
    const act = await screen.findByTestId("plan-action");
    await userEvent.click(within(act).getByTestId("plan-action-edit"));
    const form = within(act).getByTestId("action-form");
    expect((within(form).getByTestId("action-description") as HTMLTextAreaElement).value).toBe(
      "Definir turnos de atención",
    );
    expect((within(form).getByTestId("action-owner") as HTMLSelectElement).value).toBe(
      "Técnico de sistemas",
    );
    await userEvent.clear(within(form).getByTestId("action-goal"));
    await userEvent.click(within(form).getByTestId("action-save"));
    await waitFor(() => expect(api.improvementActionUpdate).toHaveBeenCalled());
    const [id, input] = vi.mocked(api.improvementActionUpdate).mock.calls[0];
    expect(id).toBe(7);
    expect(input).toEqual({
      description: "Definir turnos de atención",
      objective: null,
      goal: null,
      unit: "Documento",
      quantity: 1,
      starts_on: "2026-03-02",
      ends_on: "2026-03-13",
      owner: "Técnico de sistemas",
    });
    expect(api.improvementActionAdd).not.toHaveBeenCalled();
  });

  it("deletes after an in-page confirmation; an action with follow-ups cannot be", async () => {
    const second = action({ id: 8, description: "Sin empezar", follow_ups: [], progress: 0 });
    vi.mocked(api.improvementFinding).mockResolvedValue({
      ...FINDING,
      actions: [action(), second],
    });
    vi.mocked(api.improvementActionDelete).mockResolvedValue(null);
    vi.mocked(api.improvementFindingDelete).mockResolvedValue(null);
    render(ImprovementPlan, { number: "H-2026-001" });
    const [withFollowUps, empty] = await screen.findAllByTestId("plan-action");
    expect(within(withFollowUps).getByTestId("plan-action-delete")).toBeDisabled();
    // The button only asks; nothing is sent before confirming.
    await userEvent.click(within(empty).getByTestId("plan-action-delete"));
    expect(within(empty).getByTestId("plan-action-delete-box")).toHaveTextContent("Sin empezar");
    expect(api.improvementActionDelete).not.toHaveBeenCalled();
    await userEvent.click(within(empty).getByTestId("plan-action-delete-confirm"));
    await waitFor(() => expect(api.improvementActionDelete).toHaveBeenCalledWith(8));
    await userEvent.click(screen.getByTestId("finding-delete"));
    expect(screen.getByTestId("finding-delete-box")).toHaveTextContent("H-2026-001");
    expect(api.improvementFindingDelete).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("finding-delete-confirm"));
    await waitFor(() => expect(api.improvementFindingDelete).toHaveBeenCalledWith("H-2026-001"));
    await waitFor(() => expect(app.view).toEqual({ name: "plan-mejora" }));
  });
});

describe("PlanDueCard", () => {
  it("shows overdue and due-soon actions and opens the finding", async () => {
    vi.mocked(api.improvementDue).mockResolvedValue({
      today: "2026-03-04",
      days: 15,
      overdue: [action({ id: 1, state: "vencida", days_left: -2, ends_on: "2026-03-02" })],
      due_soon: [action({ id: 2, days_left: 9 })],
    });
    render(PlanDueCard, {});
    const late = await screen.findByTestId("plan-due-overdue");
    expect(late).toHaveTextContent("H-2026-001");
    expect(late).toHaveTextContent("02/03/2026, venció hace 2 días");
    expect(screen.getByTestId("plan-due-soon")).toHaveTextContent("vence en 9 días");
    expect(screen.getByTestId("plan-due-soon-title")).toHaveTextContent(
      "Vencen en los próximos 15 días: 1",
    );
    await userEvent.click(late);
    expect(app.view).toEqual({ name: "plan-mejora", number: "H-2026-001" });
  });

  it("says when nothing is due", async () => {
    vi.mocked(api.improvementDue).mockResolvedValue({
      today: "2026-03-04",
      days: 15,
      overdue: [],
      due_soon: [],
    });
    render(PlanDueCard, {});
    expect(await screen.findByTestId("plan-due-empty")).toBeInTheDocument();
  });
});
