import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { catalogs, makeTicket } from "../../../test/fixtures";
import { api } from "../../api";
import type { ActionKind } from "../../bindings/ActionKind";
import type { Ticket } from "../../bindings/Ticket";
import type { TicketStatus } from "../../bindings/TicketStatus";
import { app, emptyFilters } from "../../state.svelte";
import CaseDetail from "./CaseDetail.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const get = vi.mocked(api.ticketGet);
const act = vi.mocked(api.ticketAction);

/** What the core sends as `allowed_actions` for each status (its rule, `action_allowed`). */
const ALLOWED: Record<TicketStatus, ActionKind[]> = {
  new: ["assign", "start", "escalate", "resolve", "cancel"],
  assigned: ["assign", "start", "hold", "escalate", "resolve", "cancel"],
  in_progress: ["assign", "hold", "escalate", "resolve", "cancel"],
  on_hold: ["assign", "resume", "resolve", "cancel"],
  resolved: ["verify", "reject", "survey"],
  closed: [],
  cancelled: [],
};

function serve(
  ticket: Ticket,
  events = [] as Parameters<typeof get.mockResolvedValue>[0]["events"],
  allowed_actions: ActionKind[] = ALLOWED[ticket.status],
) {
  const editable = ticket.status !== "closed" && ticket.status !== "cancelled";
  get.mockResolvedValue({
    ticket,
    events,
    allowed_actions,
    editable,
    follow_ups: [],
    attachments: [],
    visit: null,
    links: [],
    mails: [],
  });
}

beforeEach(() => {
  vi.clearAllMocks();
  app.catalogs = catalogs;
  app.error = null;
  app.filters = emptyFilters();
});

/** The buttons shown: exactly the actions the core allows (plus the survey e-mail). */
const EXPECTED: Record<TicketStatus, string[]> = {
  new: ["assign", "start", "escalate", "resolve", "cancel"],
  assigned: ["assign", "start", "hold", "escalate", "resolve", "cancel"],
  in_progress: ["assign", "hold", "escalate", "resolve", "cancel"],
  on_hold: ["assign", "resume", "resolve", "cancel"],
  resolved: ["verify", "reject", "survey", "survey-mail"],
  closed: [],
  cancelled: [],
};

describe("CaseDetail actions", () => {
  it("keeps no copy of the lifecycle: a verified closed case that may still take its survey offers it", async () => {
    serve(makeTicket({ status: "closed" }), [], ["survey"]);
    render(CaseDetail, { number: "MA-2026-0001" });
    await screen.findByTestId("detail-status");
    expect(screen.getByTestId("action-survey")).toBeInTheDocument();
    expect(screen.getByTestId("action-survey-mail")).toBeInTheDocument();
  });

  for (const [status, expected] of Object.entries(EXPECTED) as [TicketStatus, string[]][]) {
    it(`offers only the valid actions for status ${status}`, async () => {
      serve(makeTicket({ status }));
      render(CaseDetail, { number: "MA-2026-0001" });
      await screen.findByTestId("detail-status");
      const shown = [...document.querySelectorAll("[data-testid^='action-']")]
        .map((el) => el.getAttribute("data-testid")!.slice("action-".length))
        .sort();
      expect(shown).toEqual([...expected].sort());
    });
  }

  it("resolves with solution, products and time, then refreshes", async () => {
    const user = userEvent.setup();
    serve(makeTicket({ status: "in_progress" }));
    act.mockResolvedValue(makeTicket({ status: "resolved" }));
    render(CaseDetail, { number: "MA-2026-0001" });
    await user.click(await screen.findByTestId("action-resolve"));
    await user.click(screen.getByTestId("action-confirm"));
    expect(await screen.findByTestId("action-error")).toHaveTextContent(
      "Describa la solución aplicada.",
    );
    expect(act).not.toHaveBeenCalled();

    await user.type(screen.getByTestId("action-solution"), "Se cambió el tóner");
    await user.type(screen.getByTestId("action-products"), "Tóner 85A");
    await user.type(screen.getByTestId("action-time-spent"), "45");
    serve(makeTicket({ status: "resolved" }));
    await user.click(screen.getByTestId("action-confirm"));
    await waitFor(() =>
      expect(act).toHaveBeenCalledWith("MA-2026-0001", 7, {
        kind: "resolve",
        solution: "Se cambió el tóner",
        products: "Tóner 85A",
        time_spent_minutes: 45,
      }),
    );
    await waitFor(() =>
      expect(screen.getByTestId("detail-status")).toHaveTextContent("Solucionado"),
    );
    expect(get).toHaveBeenCalledTimes(2);
  });

  it("assigns to an active staff member", async () => {
    const user = userEvent.setup();
    serve(makeTicket({ status: "new" }));
    act.mockResolvedValue(makeTicket({ status: "assigned" }));
    render(CaseDetail, { number: "MA-2026-0001" });
    await user.click(await screen.findByTestId("action-assign"));
    const to = screen.getByTestId("action-to") as HTMLSelectElement;
    expect([...to.options].map((o) => o.value)).not.toContain("Retirado");
    await user.selectOptions(to, "Laura Gómez");
    await user.click(screen.getByTestId("action-confirm"));
    await waitFor(() =>
      expect(act).toHaveBeenCalledWith("MA-2026-0001", 7, { kind: "assign", to: "Laura Gómez" }),
    );
  });

  it("records a survey with one score per question", async () => {
    const user = userEvent.setup();
    serve(makeTicket({ status: "resolved" }));
    act.mockResolvedValue(makeTicket({ status: "closed" }));
    render(CaseDetail, { number: "MA-2026-0001" });
    await user.click(await screen.findByTestId("action-survey"));
    await user.selectOptions(screen.getByTestId("survey-score-0"), "5");
    await user.click(screen.getByTestId("action-confirm"));
    expect(await screen.findByTestId("action-error")).toHaveTextContent(
      "Califique todas las preguntas",
    );
    await user.selectOptions(screen.getByTestId("survey-score-1"), "4");
    await user.type(screen.getByTestId("survey-comment"), "Muy bien");
    await user.click(screen.getByTestId("action-confirm"));
    await waitFor(() =>
      expect(act).toHaveBeenCalledWith("MA-2026-0001", 7, {
        kind: "survey",
        scores: [5, 4],
        comment: "Muy bien",
      }),
    );
  });

  it("shows the back-end message when an action is refused", async () => {
    const user = userEvent.setup();
    serve(makeTicket({ status: "on_hold" }));
    act.mockRejectedValue({ code: "invalid_transition", message: "El caso ya no está en espera." });
    render(CaseDetail, { number: "MA-2026-0001" });
    await user.click(await screen.findByTestId("action-resume"));
    await user.click(screen.getByTestId("action-confirm"));
    await waitFor(() => expect(app.error).toBe("El caso ya no está en espera."));
  });
});

describe("CaseDetail content", () => {
  it("renders user-typed text literally (no HTML injection)", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    serve(
      makeTicket({
        description: evil,
        requester: "<b>Ana</b>",
        extra: { "<i>campo</i>": evil },
        solution: "<script>alert(2)</script>",
      }),
      [
        {
          at: "2026-03-02T09:20:00-05:00",
          actor: "<u>yo</u>",
          kind: "create",
          field: null,
          old_value: null,
          new_value: null,
          note: evil,
        },
      ],
    );
    const { container } = render(CaseDetail, { number: "MA-2026-0001" });
    const desc = await screen.findByTestId("detail-description");
    expect(desc.textContent).toBe(evil);
    expect(screen.getByTestId("detail-requester").textContent).toBe("<b>Ana</b>");
    expect(screen.getByTestId("detail-solution").textContent).toBe("<script>alert(2)</script>");
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("b")).toBeNull();
    expect(container.querySelector("i")).toBeNull();
    expect(container.querySelector("u")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(screen.getByTestId("timeline")).toHaveTextContent(evil);
  });

  it("shows fields, deadlines colouring, survey, extra, source and a Spanish timeline", async () => {
    serve(
      makeTicket({
        number: "MA-2026-0009",
        status: "closed",
        overdue: true,
        legacy_number: "2022-015",
        received_at: "2022-03-15",
        survey: { scores: [5, 3], comment: "Gracias", answered_at: "2026-03-04T10:00:00-05:00" },
        extra: { Observaciones: "Equipo prestado" },
        source: { file: "casos2022.xlsx", sheet: "Hoja1", row: 17 },
      }),
      [
        {
          at: "2026-03-02T09:20:00-05:00",
          actor: "Carlos Ruiz",
          kind: "create",
          field: null,
          old_value: null,
          new_value: null,
          note: null,
        },
        {
          at: "2026-03-02T10:00:00-05:00",
          actor: "Carlos Ruiz",
          kind: "start",
          field: "status",
          old_value: "new",
          new_value: "in_progress",
          note: null,
        },
      ],
    );
    render(CaseDetail, { number: "MA-2026-0009" });
    expect(await screen.findByTestId("detail-number")).toHaveTextContent("MA-2026-0009");
    expect(screen.getByTestId("detail-received-at")).toHaveTextContent("15/03/2022");
    expect(screen.getByTestId("detail-resolution-due")).toHaveClass("overdue");
    expect(screen.getByTestId("detail-survey")).toHaveTextContent("¿Le atendieron a tiempo?");
    expect(screen.getByTestId("detail-survey")).toHaveTextContent("Gracias");
    expect(screen.getByTestId("detail-extra")).toHaveTextContent("Equipo prestado");
    expect(screen.getByTestId("detail-source")).toHaveTextContent("casos2022.xlsx");
    const entries = screen.getAllByTestId("timeline-entry");
    expect(entries).toHaveLength(2);
    expect(entries[0]).toHaveTextContent("02/03/2026 09:20");
    expect(entries[0]).toHaveTextContent("Caso registrado");
    expect(entries[1]).toHaveTextContent("Estado: Nuevo → En proceso");
    expect(screen.getByTestId("no-actions")).toBeInTheDocument();
  });

  it("opens the survey e-mail through the api module", async () => {
    serve(makeTicket({ status: "resolved" }));
    vi.mocked(api.openSurveyMail).mockResolvedValue(undefined);
    render(CaseDetail, { number: "MA-2026-0001" });
    await fireEvent.click(await screen.findByTestId("action-survey-mail"));
    await waitFor(() => expect(api.openSurveyMail).toHaveBeenCalledWith("MA-2026-0001"));
  });
});
