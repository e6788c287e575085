import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { catalogs, makeTicket } from "../../../test/fixtures";
import { api } from "../../api";
import type { TicketQuery } from "../../bindings/TicketQuery";
import { app, emptyFilters } from "../../state.svelte";
import CaseList from "./CaseList.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const list = vi.mocked(api.ticketList);

function pageFor(total: number) {
  return async (q: TicketQuery) => {
    const items = [];
    for (let i = q.offset; i < Math.min(total, q.offset + q.limit); i++) {
      items.push(
        makeTicket({
          number: `MA-2026-${String(i + 1).padStart(6, "0")}`,
          requester: `Solicitante ${i + 1}`,
          overdue: i === 0,
          due_soon: i === 1,
          status: i === 2 ? "in_progress" : "new",
        }),
      );
    }
    return { total, items };
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  app.catalogs = catalogs;
  app.error = null;
  app.filters = emptyFilters();
  app.listPosition = null;
});

describe("CaseList", () => {
  it("renders rows from a page with Spanish labels, dates and colouring", async () => {
    list.mockImplementation(pageFor(3));
    render(CaseList, { onopen: vi.fn() });
    await waitFor(() => expect(screen.getAllByTestId("case-row")).toHaveLength(3));
    const rows = screen.getAllByTestId("case-row");
    expect(rows[0]).toHaveAttribute("data-number", "MA-2026-000001");
    expect(rows[0]).toHaveTextContent("Solicitante 1");
    expect(rows[0]).toHaveTextContent("02/03/2026 09:15");
    expect(rows[0]).toHaveTextContent("Nuevo");
    expect(rows[2]).toHaveTextContent("En proceso");
    expect(rows[0].querySelector(".overdue")).not.toBeNull();
    expect(rows[1].querySelector(".due-soon")).not.toBeNull();
    expect(screen.getByTestId("case-total")).toHaveTextContent("3 casos");
    expect(list).toHaveBeenCalledWith(
      expect.objectContaining({ limit: 100, offset: 0, sort: "number", desc: true }),
    );
  });

  it("renders only a bounded number of DOM rows for 200 000 cases and loads pages on scroll", async () => {
    list.mockImplementation(pageFor(200_000));
    render(CaseList, { onopen: vi.fn() });
    await waitFor(() => expect(screen.getAllByTestId("case-row").length).toBeGreaterThan(0));
    expect(screen.getByTestId("case-total")).toHaveTextContent("200.000 casos");
    const domRows = document.querySelectorAll(
      '[data-testid="case-row"], [data-testid="case-row-loading"]',
    );
    expect(domRows.length).toBeLessThanOrEqual(60);
    expect(list).toHaveBeenCalledTimes(1);

    const scroller = screen.getByTestId("case-list");
    Object.defineProperty(scroller, "scrollTop", { value: 150_000 * 30, configurable: true });
    await fireEvent.scroll(scroller);
    await waitFor(() =>
      expect(document.querySelector('[data-number="MA-2026-150001"]')).not.toBeNull(),
    );
    expect(list).toHaveBeenCalledWith(
      expect.objectContaining({ offset: 150_000 - (150_000 % 100) - 0, limit: 100 }),
    );
    const after = document.querySelectorAll(
      '[data-testid="case-row"], [data-testid="case-row-loading"]',
    );
    expect(after.length).toBeLessThanOrEqual(60);
  });

  it("restores the scroll position when coming back with the same query", async () => {
    list.mockImplementation(pageFor(200_000));
    const first = render(CaseList, { onopen: vi.fn() });
    await waitFor(() => expect(screen.getAllByTestId("case-row").length).toBeGreaterThan(0));
    const scroller = screen.getByTestId("case-list");
    Object.defineProperty(scroller, "scrollTop", {
      value: 1000 * 30,
      configurable: true,
      writable: true,
    });
    await fireEvent.scroll(scroller);
    await waitFor(() =>
      expect(document.querySelector('[data-number="MA-2026-001001"]')).not.toBeNull(),
    );
    first.unmount();
    expect(app.listPosition).toMatchObject({ scrollTop: 30_000 });

    render(CaseList, { onopen: vi.fn() });
    await waitFor(() =>
      expect(document.querySelector('[data-number="MA-2026-001001"]')).not.toBeNull(),
    );
  });

  it("shows a Spanish empty state", async () => {
    list.mockResolvedValue({ total: 0, items: [] });
    render(CaseList, { onopen: vi.fn() });
    expect(await screen.findByTestId("case-empty")).toHaveTextContent(
      "Todavía no hay casos registrados",
    );
    expect(screen.getByTestId("case-total")).toHaveTextContent("0 casos");
  });

  it("opens a case with double-click and with Enter", async () => {
    list.mockImplementation(pageFor(5));
    const onopen = vi.fn();
    render(CaseList, { onopen });
    await waitFor(() => expect(screen.getAllByTestId("case-row")).toHaveLength(5));
    await fireEvent.dblClick(screen.getAllByTestId("case-row")[1]);
    expect(onopen).toHaveBeenLastCalledWith("MA-2026-000002");
    await fireEvent.keyDown(screen.getAllByTestId("case-row")[3], { key: "Enter" });
    expect(onopen).toHaveBeenLastCalledWith("MA-2026-000004");
  });

  it("sends filters and toggles sorting from the column headers", async () => {
    list.mockImplementation(pageFor(5));
    render(CaseList, { onopen: vi.fn() });
    await waitFor(() => expect(list).toHaveBeenCalledTimes(1));

    await fireEvent.click(screen.getByTestId("sort-requester"));
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: "requester", desc: false }),
      ),
    );
    await fireEvent.click(screen.getByTestId("sort-requester"));
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: "requester", desc: true }),
      ),
    );

    await fireEvent.change(screen.getByTestId("filter-status"), { target: { selectedIndex: 4 } });
    flushSync();
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ status: "on_hold" })),
    );

    await fireEvent.click(screen.getByTestId("filter-overdue"));
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ overdue: true, offset: 0 })),
    );

    await fireEvent.change(screen.getByTestId("filter-from"), { target: { value: "1/2/2026" } });
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ from: "2026-02-01" })),
    );
    expect(screen.getByTestId("filter-from")).toHaveValue("01/02/2026");
  });

  it("searches as you type, debounced", async () => {
    list.mockImplementation(pageFor(5));
    render(CaseList, { onopen: vi.fn() });
    await waitFor(() => expect(list).toHaveBeenCalledTimes(1));
    const box = screen.getByTestId("case-search");
    await fireEvent.input(box, { target: { value: "im" } });
    await fireEvent.input(box, { target: { value: "impresora" } });
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ search: "impresora" })),
    );
    expect(list.mock.calls.some(([q]) => q.search === "im")).toBe(false);
  });

  it("refetches visible rows without losing them when cases change", async () => {
    list.mockImplementation(pageFor(5));
    render(CaseList, { onopen: vi.fn() });
    await waitFor(() => expect(screen.getAllByTestId("case-row")).toHaveLength(5));
    list.mockImplementation(pageFor(6));
    app.revision += 1;
    await waitFor(() => expect(list).toHaveBeenCalledTimes(2));
    expect(screen.getAllByTestId("case-row").length).toBeGreaterThanOrEqual(5);
    await waitFor(() => expect(screen.getAllByTestId("case-row")).toHaveLength(6));
    expect(screen.getByTestId("case-total")).toHaveTextContent("6 casos");
  });

  it("shows back-end errors in the banner state", async () => {
    list.mockRejectedValue({ code: "db", message: "No se pudo leer la base de datos." });
    render(CaseList, { onopen: vi.fn() });
    await waitFor(() => expect(app.error).toBe("No se pudo leer la base de datos."));
  });
});
