import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { catalogs, makeTicket } from "../../../test/fixtures";
import { api } from "../../api";
import type { TicketLink } from "../../bindings/TicketLink";
import { t } from "../../i18n/es";
import { app, emptyFilters } from "../../state.svelte";
import CaseDetail from "./CaseDetail.svelte";
import LinksPanel from "./LinksPanel.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const kinds = vi.mocked(api.linkKinds);
const link = vi.mocked(api.ticketLink);
const unlink = vi.mocked(api.ticketUnlink);
const get = vi.mocked(api.ticketGet);
const act = vi.mocked(api.ticketAction);
const resolveAll = vi.mocked(api.ticketResolveWithChildren);

function makeLink(over: Partial<TicketLink> = {}): TicketLink {
  return {
    role: "related",
    number: "MA-2026-0002",
    status: "new",
    requester: "Luis Pérez",
    actor: "Técnico de sistemas",
    at: "2026-03-02T10:00:00-05:00",
    removable: true,
    ...over,
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  kinds.mockResolvedValue(["duplicate", "related", "parent"]);
  app.catalogs = catalogs;
  app.error = null;
  app.notice = null;
  app.filters = emptyFilters();
  app.view = { name: "detalle", number: "MA-2026-0001" };
});

describe("LinksPanel", () => {
  it("lists each link with its kind, number, status; opens the other case; removes only what may be removed", async () => {
    const user = userEvent.setup();
    const onchanged = vi.fn();
    unlink.mockResolvedValue({} as never);
    render(LinksPanel, {
      number: "MA-2026-0001",
      links: [
        makeLink({
          role: "duplicated_by",
          number: "MA-2026-0003",
          status: "cancelled",
          removable: false,
        }),
        makeLink({ role: "child", number: "MA-2026-0004", status: "in_progress" }),
      ],
      onchanged,
    });
    const rows = screen.getAllByTestId("link-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Tiene como duplicado");
    expect(rows[0]).toHaveTextContent("MA-2026-0003");
    expect(rows[0]).toHaveTextContent("Anulado");
    expect(rows[1]).toHaveTextContent("Caso hijo");
    expect(rows[1]).toHaveTextContent("En proceso");
    // The duplicate link stays: only the child link can be removed.
    const removes = screen.getAllByTestId("link-remove");
    expect(removes).toHaveLength(1);
    await user.click(removes[0]);
    await waitFor(() => expect(unlink).toHaveBeenCalledWith("MA-2026-0001", "MA-2026-0004"));
    await waitFor(() => expect(onchanged).toHaveBeenCalled());
    expect(app.notice).toBe(t.links.removed);

    await user.click(screen.getAllByTestId("link-open")[0]);
    expect(app.view).toEqual({ name: "detalle", number: "MA-2026-0003" });
  });

  it("offers the kinds served by the core and links with the chosen one", async () => {
    const user = userEvent.setup();
    kinds.mockResolvedValue(["related", "parent"]);
    link.mockResolvedValue({} as never);
    const onchanged = vi.fn();
    render(LinksPanel, { number: "MA-2026-0001", links: [], onchanged });
    expect(screen.getByTestId("links-empty")).toHaveTextContent(t.links.empty);
    const select = screen.getByTestId("link-kind") as HTMLSelectElement;
    await waitFor(() => expect(select.options).toHaveLength(2));
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ["related", t.links.kinds.related],
      ["parent", t.links.kinds.parent],
    ]);

    await user.click(screen.getByTestId("link-submit"));
    expect(await screen.findByTestId("link-error")).toHaveTextContent(t.links.errOther);
    expect(link).not.toHaveBeenCalled();

    await user.selectOptions(select, "parent");
    await user.type(screen.getByTestId("link-other"), "  MA-2026-0007 ");
    await user.click(screen.getByTestId("link-submit"));
    await waitFor(() =>
      expect(link).toHaveBeenCalledWith("MA-2026-0001", "parent", "MA-2026-0007"),
    );
    await waitFor(() => expect(onchanged).toHaveBeenCalled());
    expect((screen.getByTestId("link-other") as HTMLInputElement).value).toBe("");
  });

  it("warns that marking a duplicate cancels this case", async () => {
    const user = userEvent.setup();
    render(LinksPanel, { number: "MA-2026-0001", links: [], onchanged: vi.fn() });
    const select = screen.getByTestId("link-kind") as HTMLSelectElement;
    await waitFor(() => expect(select.options).toHaveLength(3));
    expect(screen.queryByTestId("link-duplicate-warning")).toBeNull();
    await user.selectOptions(select, "duplicate");
    expect(screen.getByTestId("link-duplicate-warning")).toHaveTextContent("se anula");
  });
});

describe("resolving a parent case", () => {
  it("offers to resolve its open children and sends them along", async () => {
    const user = userEvent.setup();
    const links = [
      makeLink({ role: "child", number: "MA-2026-0002", status: "assigned" }),
      makeLink({ role: "child", number: "MA-2026-0003", status: "resolved" }),
      makeLink({ role: "child", number: "MA-2026-0004", status: "on_hold" }),
      makeLink({ role: "related", number: "MA-2026-0005", status: "new" }),
    ];
    get.mockResolvedValue({
      ticket: makeTicket({ status: "in_progress" }),
      events: [],
      allowed_actions: ["resolve"],
      editable: true,
      follow_ups: [],
      attachments: [],
      visit: null,
      links,
      mails: [],
    });
    resolveAll.mockResolvedValue({
      ticket: makeTicket({ status: "resolved" }),
      children: ["MA-2026-0002", "MA-2026-0004"],
    });
    render(CaseDetail, { number: "MA-2026-0001" });
    await user.click(await screen.findByTestId("action-resolve"));
    const box = screen.getByTestId("action-resolve-children") as HTMLInputElement;
    expect(box.closest("label")).toHaveTextContent(t.links.resolveChildren(2));
    expect(box.checked).toBe(false);
    await user.click(box);
    await user.type(screen.getByTestId("action-solution"), "Se reemplazó el switch");
    await user.click(screen.getByTestId("action-confirm"));
    await waitFor(() =>
      expect(resolveAll).toHaveBeenCalledWith("MA-2026-0001", "Se reemplazó el switch", null, null),
    );
    expect(act).not.toHaveBeenCalled();
    await waitFor(() => expect(app.notice).toBe(t.links.resolvedChildren(2)));
  });

  it("has no children checkbox without open children, and resolves normally", async () => {
    const user = userEvent.setup();
    get.mockResolvedValue({
      ticket: makeTicket({ status: "in_progress" }),
      events: [],
      allowed_actions: ["resolve"],
      editable: true,
      follow_ups: [],
      attachments: [],
      visit: null,
      links: [makeLink({ role: "child", status: "closed" })],
      mails: [],
    });
    act.mockResolvedValue(makeTicket({ status: "resolved" }));
    render(CaseDetail, { number: "MA-2026-0001" });
    await user.click(await screen.findByTestId("action-resolve"));
    expect(screen.queryByTestId("action-resolve-children")).toBeNull();
    await user.type(screen.getByTestId("action-solution"), "Listo");
    await user.click(screen.getByTestId("action-confirm"));
    await waitFor(() => expect(act).toHaveBeenCalled());
    expect(resolveAll).not.toHaveBeenCalled();
  });
});
