import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { HelpdeskReport } from "../../bindings/HelpdeskReport";
import type { Indicators } from "../../bindings/Indicators";
import { app } from "../../state.svelte";
import Reports from "./Reports.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const rate = (num: number, den: number) => ({ num, den, pct: den ? (num * 100) / den : null });
const q = (question: string, distribution: number[], mean: number | null) => ({
  question,
  answers: distribution.reduce((a, b) => a + b, 0),
  mean,
  distribution,
});

function indicators(from: string, to: string, received: number): Indicators {
  return {
    from,
    to,
    received,
    by_type: [{ key: "Mantenimiento de equipos de cómputo", count: received }],
    by_department: [
      { key: "Tesorería", count: 4 },
      { key: "Almacén", count: received - 4 },
    ],
    by_channel: [],
    by_level: [],
    by_assignee: [],
    by_origin: [],
    resolved: 4,
    closed: 3,
    closed_verified: 2,
    closed_auto: 1,
    closed_imported: 0,
    auto_closed: rate(1, 3),
    cancelled: 1,
    backlog: 2,
    response_on_time: rate(2, 4),
    response_waiting_late: 1,
    resolution_on_time: rate(3, 4),
    resolution_waiting_late: 1,
    first_response_time: { cases: 3, mean_hours: 7, median_hours: 3 },
    resolution_time: { cases: 3, mean_hours: 15.5, median_hours: 15.5 },
    escalated: rate(1, 6),
    reopened: rate(1, 6),
    survey_response: rate(2, 4),
    questions: [q("Oportunidad de la atención", [0, 0, 1, 0, 1], 4)],
    overall: q("Satisfacción general", [0, 1, 2, 2, 3], 3.875),
    date_only_excluded: 1,
    maintenance: null,
    decommissioned: [],
    time_by_type: [{ key: "Mantenimiento de equipos de cómputo", minutes: 90, cases: 2 }],
    time_by_technician: [{ key: "Técnico de sistemas", minutes: 90, cases: 2 }],
    time_total_minutes: 90,
  };
}

function report(from: string, to: string): HelpdeskReport {
  return {
    current: indicators(from, to, 6),
    previous: indicators("2026-02-01", "2026-02-28", 5),
    activities_by_type: [],
    activities: [],
    analysis: "Análisis guardado",
    actions: "",
    generated_at: "2026-04-01T10:00:00-05:00",
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
  vi.mocked(api.reportPreview).mockImplementation(async (from: string, to: string) =>
    report(from, to),
  );
  vi.mocked(api.onExportProgress).mockResolvedValue(() => {});
});

describe("Informes", () => {
  it("shows the indicators, the stored analysis and SVG charts", async () => {
    render(Reports);
    await waitFor(() => expect(screen.getByTestId("ind-received-value").textContent).toBe("6"));
    expect(screen.getByTestId("ind-response-value").textContent).toBe("50,0 % (2 de 4)");
    expect(screen.getByTestId("ind-first-mean-value").textContent).toBe("7,0");
    expect(screen.getByTestId("ind-satisfaction-value").textContent).toBe("3,88");
    expect((screen.getByTestId("report-analysis") as HTMLTextAreaElement).value).toBe(
      "Análisis guardado",
    );
    expect(screen.getByTestId("chart-department").querySelectorAll("rect")).toHaveLength(2);
    expect(screen.getByTestId("chart-scores").querySelectorAll("rect")).toHaveLength(5);
    const time = screen.getByTestId("chart-time-technician");
    expect(time.querySelectorAll("rect")).toHaveLength(1);
    expect(time.textContent).toContain("Técnico de sistemas");
    expect(time.textContent).toContain("1,5 h");
    expect(screen.getByText(/solo la fecha de recepción/)).toBeTruthy();
  });

  it("asks for the quarter and the custom period picked", async () => {
    const user = userEvent.setup();
    render(Reports);
    await screen.findByTestId("report-indicators");
    await user.selectOptions(screen.getByTestId("report-kind"), "quarter");
    await user.selectOptions(screen.getByTestId("report-quarter"), "2");
    const year = (screen.getByTestId("report-year") as HTMLSelectElement).value;
    await waitFor(() =>
      expect(api.reportPreview).toHaveBeenLastCalledWith(`${year}-04-01`, `${year}-06-30`),
    );
    await user.selectOptions(screen.getByTestId("report-kind"), "year");
    await waitFor(() =>
      expect(api.reportPreview).toHaveBeenLastCalledWith(`${year}-01-01`, `${year}-12-31`),
    );
    await user.selectOptions(screen.getByTestId("report-kind"), "custom");
    const from = screen.getByTestId("report-from");
    const to = screen.getByTestId("report-to");
    await user.clear(from);
    await user.type(from, "1/2/2026");
    await user.clear(to);
    await user.type(to, "15.3.26");
    await user.tab();
    expect(to).toHaveValue("15/03/2026");
    await waitFor(() =>
      expect(api.reportPreview).toHaveBeenLastCalledWith("2026-02-01", "2026-03-15"),
    );
    // A half-typed or impossible date never reaches the back end.
    expect(
      vi
        .mocked(api.reportPreview)
        .mock.calls.some(
          ([f, t]) => !/^\d{4}-\d{2}-\d{2}$/.test(f) || !/^\d{4}-\d{2}-\d{2}$/.test(t),
        ),
    ).toBe(false);
  });

  it("saves the typed analysis before exporting the PDF", async () => {
    const user = userEvent.setup();
    vi.mocked(api.reportSave).mockResolvedValue({} as never);
    vi.mocked(api.reportExport).mockResolvedValue("/tmp/Informe.pdf");
    render(Reports);
    await screen.findByTestId("report-indicators");
    const area = screen.getByTestId("report-actions");
    await user.type(area, "Capacitar");
    await user.click(screen.getByTestId("report-pdf"));
    await waitFor(() => expect(api.reportExport).toHaveBeenCalled());
    const [from, to] = vi.mocked(api.reportPreview).mock.calls.at(-1)!;
    expect(api.reportSave).toHaveBeenCalledWith(from, to, "Análisis guardado", "Capacitar");
    expect(api.reportExport).toHaveBeenCalledWith(from, to, "pdf", false);
    await waitFor(() => expect(app.notice).toContain("/tmp/Informe.pdf"));
  });
});
