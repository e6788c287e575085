import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { catalogs } from "../../../test/fixtures";
import { api } from "../../api";
import type { AgendaItem } from "../../bindings/AgendaItem";
import type { Visit } from "../../bindings/Visit";
import { app } from "../../state.svelte";
import Agenda from "./Agenda.svelte";
import TodayVisitsCard from "./TodayVisitsCard.svelte";
import VisitPanel from "./VisitPanel.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const agenda = vi.mocked(api.agenda);

function visit(starts: string, ends: string, over: Partial<Visit> = {}): Visit {
  return {
    id: 1,
    starts_at: starts,
    ends_at: ends,
    minutes: 60,
    place: "Piso 2, oficina 204",
    who: "Técnico de sistemas",
    note: null,
    sequence: 0,
    scheduled_by: "Técnico de sistemas",
    scheduled_at: "2026-03-02T10:00:00-05:00",
    ...over,
  };
}

function item(number: string, requester: string, v: Visit): AgendaItem {
  return {
    number,
    requester,
    department: "Tesorería",
    location: null,
    phone: null,
    service_type: null,
    assignee: null,
    status: "assigned",
    visit: v,
  };
}

// Wednesday 4 March 2026; its week runs Monday 2 → Sunday 8.
const TODAY = "2026-03-04";
const WEEK = [
  item(
    "MA-2026-0002",
    "Bernardo Díaz",
    visit("2026-03-02T08:00:00-05:00", "2026-03-02T09:00:00-05:00"),
  ),
  item(
    "MA-2026-0001",
    "<b>Ana</b> Gutiérrez",
    visit("2026-03-04T23:30:00-05:00", "2026-03-05T00:30:00-05:00", { place: null }),
  ),
];

beforeEach(() => {
  vi.clearAllMocks();
  app.catalogs = catalogs;
  app.error = null;
  app.view = { name: "agenda" };
  agenda.mockResolvedValue(WEEK);
});

describe("Agenda", () => {
  it("shows the week of today (Monday to Sunday) with each visit on its Bogotá day", async () => {
    render(Agenda, { today: TODAY });
    await waitFor(() => expect(agenda).toHaveBeenCalledWith("2026-03-02", "2026-03-08"));
    expect(screen.getByTestId("agenda-range")).toHaveTextContent(
      "Semana del 02/03/2026 al 08/03/2026",
    );
    const days = await screen.findAllByTestId("agenda-day");
    expect(days).toHaveLength(7);
    expect(days.map((d) => d.getAttribute("data-day"))).toEqual([
      "2026-03-02",
      "2026-03-03",
      "2026-03-04",
      "2026-03-05",
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
    ]);
    expect(days[0]).toHaveTextContent("lunes");
    const monday = within(days[0]).getAllByTestId("agenda-visit");
    expect(monday).toHaveLength(1);
    expect(monday[0]).toHaveTextContent("08:00–09:00");
    expect(monday[0]).toHaveTextContent("MA-2026-0002");
    expect(monday[0]).toHaveTextContent("Lugar: Piso 2, oficina 204");
    // 23:30 in Bogotá is still Wednesday (04:30 UTC on Thursday).
    const wednesday = within(days[2]).getAllByTestId("agenda-visit");
    expect(wednesday[0]).toHaveTextContent("23:30–00:30");
    expect(within(days[3]).queryAllByTestId("agenda-visit")).toHaveLength(0);
    expect(days[3]).toHaveTextContent("Sin visitas");
    expect(days[2]).toHaveClass("today");
    // User text is text.
    expect(wednesday[0]).toHaveTextContent("<b>Ana</b> Gutiérrez");
    expect(wednesday[0].querySelector("b")).toBeNull();
  });

  it("moves by week and by day with previous, next and today", async () => {
    const user = userEvent.setup();
    render(Agenda, { today: TODAY });
    await waitFor(() => expect(agenda).toHaveBeenLastCalledWith("2026-03-02", "2026-03-08"));
    await user.click(screen.getByTestId("agenda-next"));
    await waitFor(() => expect(agenda).toHaveBeenLastCalledWith("2026-03-09", "2026-03-15"));
    await user.click(screen.getByTestId("agenda-prev"));
    await user.click(screen.getByTestId("agenda-prev"));
    await waitFor(() => expect(agenda).toHaveBeenLastCalledWith("2026-02-23", "2026-03-01"));

    await user.click(screen.getByTestId("agenda-today"));
    await user.click(screen.getByTestId("agenda-mode-day"));
    await waitFor(() => expect(agenda).toHaveBeenLastCalledWith("2026-03-04", "2026-03-04"));
    expect(screen.getByTestId("agenda-range")).toHaveTextContent("miércoles 04/03/2026");
    expect(screen.getAllByTestId("agenda-day")).toHaveLength(1);
    await user.click(screen.getByTestId("agenda-prev"));
    await waitFor(() => expect(agenda).toHaveBeenLastCalledWith("2026-03-03", "2026-03-03"));
    await user.click(screen.getByTestId("agenda-next"));
    await user.click(screen.getByTestId("agenda-next"));
    await waitFor(() => expect(agenda).toHaveBeenLastCalledWith("2026-03-05", "2026-03-05"));
    await user.click(screen.getByTestId("agenda-mode-week"));
    await waitFor(() => expect(agenda).toHaveBeenLastCalledWith("2026-03-02", "2026-03-08"));
  });

  it("opens the case of a visit", async () => {
    render(Agenda, { today: TODAY });
    const visits = await screen.findAllByTestId("agenda-visit");
    await fireEvent.click(visits[1]);
    expect(app.view).toEqual({ name: "detalle", number: "MA-2026-0001" });
  });

  it("says when there are no visits and shows the back-end error", async () => {
    agenda.mockResolvedValueOnce([]);
    render(Agenda, { today: "2026-12-31" });
    expect(await screen.findByTestId("agenda-empty")).toHaveTextContent(
      "No hay visitas programadas",
    );
    expect(agenda).toHaveBeenCalledWith("2026-12-28", "2027-01-03");
    agenda.mockRejectedValueOnce({ code: "validation", message: "Dato inválido en «hasta»" });
    await userEvent.setup().click(screen.getByTestId("agenda-next"));
    await waitFor(() => expect(app.error).toBe("Dato inválido en «hasta»"));
  });
});

describe("TodayVisitsCard", () => {
  it("lists today's visits and opens the Agenda", async () => {
    agenda.mockResolvedValue([WEEK[1]]);
    render(TodayVisitsCard, { today: TODAY });
    await waitFor(() => expect(agenda).toHaveBeenCalledWith(TODAY, TODAY));
    const rows = await screen.findAllByTestId("dash-visit");
    expect(rows[0]).toHaveTextContent("23:30 MA-2026-0001");
    expect(screen.getByTestId("dash-visits-count")).toHaveTextContent("1 visita");
    await fireEvent.click(screen.getByTestId("dash-open-agenda"));
    expect(app.view).toEqual({ name: "agenda" });
  });
});

describe("VisitPanel", () => {
  it("schedules a visit with the typed date, duration, place and who", async () => {
    const user = userEvent.setup();
    const onchanged = vi.fn();
    vi.mocked(api.visitSchedule).mockResolvedValue(
      visit("2026-03-05T09:00:00-05:00", "2026-03-05T10:30:00-05:00", { minutes: 90 }),
    );
    render(VisitPanel, {
      number: "MA-2026-0001",
      visit: null,
      open: true,
      location: "Piso 2",
      assignee: null,
      onchanged,
    });
    expect(screen.getByTestId("visit-none")).toBeInTheDocument();
    await user.click(screen.getByTestId("visit-schedule"));
    await user.click(screen.getByTestId("visit-confirm"));
    expect(screen.getByTestId("visit-error")).toHaveTextContent("fecha y la hora");
    expect(api.visitSchedule).not.toHaveBeenCalled();

    await user.type(screen.getByTestId("visit-at"), "05/03/2026 09:00");
    const minutes = screen.getByTestId("visit-minutes");
    await user.clear(minutes);
    await user.type(minutes, "90");
    await user.type(screen.getByTestId("visit-place-input"), "Archivo central");
    await user.selectOptions(screen.getByTestId("visit-who-input"), "Carlos Ruiz");
    await user.click(screen.getByTestId("visit-confirm"));
    await waitFor(() =>
      expect(api.visitSchedule).toHaveBeenCalledWith("MA-2026-0001", {
        at: "2026-03-05T09:00",
        minutes: 90,
        place: "Archivo central",
        who: "Carlos Ruiz",
        note: null,
      }),
    );
    expect(onchanged).toHaveBeenCalled();
    expect(app.notice).toBe("Visita programada para el 05/03/2026 09:00.");
  });

  it("shows the visit, cancels it only with a reason and downloads the .ics", async () => {
    const user = userEvent.setup();
    const onchanged = vi.fn();
    vi.mocked(api.visitCancel).mockResolvedValue(undefined as never);
    vi.mocked(api.visitIcsSave).mockResolvedValue("/tmp/visita-MA-2026-0001.ics");
    render(VisitPanel, {
      number: "MA-2026-0001",
      visit: visit("2026-03-05T09:00:00-05:00", "2026-03-05T10:00:00-05:00"),
      open: true,
      onchanged,
    });
    expect(screen.getByTestId("visit-when")).toHaveTextContent("05/03/2026 09:00–10:00");
    expect(screen.getByTestId("visit-place")).toHaveTextContent("Piso 2, oficina 204");
    expect(screen.getByTestId("visit-reschedule")).toBeInTheDocument();

    await user.click(screen.getByTestId("visit-ics"));
    await waitFor(() => expect(api.visitIcsSave).toHaveBeenCalledWith("MA-2026-0001"));
    expect(app.notice).toContain("/tmp/visita-MA-2026-0001.ics");

    await user.click(screen.getByTestId("visit-cancel"));
    await user.click(screen.getByTestId("visit-confirm"));
    expect(screen.getByTestId("visit-error")).toHaveTextContent("motivo");
    await user.type(screen.getByTestId("visit-reason"), "Se resolvió por teléfono");
    await user.click(screen.getByTestId("visit-confirm"));
    await waitFor(() =>
      expect(api.visitCancel).toHaveBeenCalledWith("MA-2026-0001", "Se resolvió por teléfono"),
    );
    expect(onchanged).toHaveBeenCalled();
  });

  it("offers no scheduling on a closed case", () => {
    render(VisitPanel, { number: "MA-2026-0001", visit: null, open: false, onchanged: vi.fn() });
    expect(screen.queryByTestId("visit-schedule")).toBeNull();
    expect(screen.getByTestId("visit-not-open")).toBeInTheDocument();
  });
});
