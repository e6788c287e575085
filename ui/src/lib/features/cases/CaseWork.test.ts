import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { catalogs, makeTicket } from "../../../test/fixtures";
import { api } from "../../api";
import type { FollowUp } from "../../bindings/FollowUp";
import type { Ticket } from "../../bindings/Ticket";
import { app, emptyFilters, navigate } from "../../state.svelte";
import CaseDetail from "./CaseDetail.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const get = vi.mocked(api.ticketGet);
const edit = vi.mocked(api.ticketEdit);
const followUp = vi.mocked(api.ticketFollowUp);

function serve(ticket: Ticket, follow_ups: FollowUp[] = [], editable = true) {
  get.mockResolvedValue({
    ticket,
    events: [],
    allowed_actions: [],
    editable,
    follow_ups,
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
  app.view = { name: "detalle", number: "MA-2026-0001" };
});

describe("Editar", () => {
  it("sends only the changed fields, with the reason, then reloads", async () => {
    const user = userEvent.setup();
    serve(makeTicket({ requester: "Ana Gutierez", service_type: null }));
    edit.mockResolvedValue(makeTicket());
    render(CaseDetail, { number: "MA-2026-0001" });
    await user.click(await screen.findByTestId("detail-edit"));
    const name = screen.getByTestId("edit-requester") as HTMLInputElement;
    expect(name.value).toBe("Ana Gutierez");
    await user.clear(name);
    await user.type(name, "Ana Gutiérrez");
    const type = screen.getByTestId("edit-type") as HTMLSelectElement;
    await user.selectOptions(type, type.options[1].value);
    await user.type(screen.getByTestId("edit-reason"), "mal escrito");
    await user.click(screen.getByTestId("edit-save"));
    await waitFor(() => expect(edit).toHaveBeenCalledTimes(1));
    const [number, version, sent] = edit.mock.calls[0];
    expect(number).toBe("MA-2026-0001");
    // The version the form was filled from goes back: a change made meanwhile is refused.
    expect(version).toBe(7);
    expect(sent.requester).toBe("Ana Gutiérrez");
    expect(sent.service_type).toBe(type.options[1].value);
    expect(sent.reason).toBe("mal escrito");
    expect(sent.department).toBeNull();
    expect(sent.received_at).toBeNull();
    expect(sent.urgency).toBeNull();
    await waitFor(() => expect(screen.queryByTestId("case-edit")).toBeNull());
    expect(get).toHaveBeenCalledTimes(2);
  });

  it("Esc cancels; with unsaved changes it asks first, and leaving the screen asks too", async () => {
    const user = userEvent.setup();
    serve(makeTicket());
    render(CaseDetail, { number: "MA-2026-0001" });
    await user.click(await screen.findByTestId("detail-edit"));
    const form = screen.getByTestId("case-edit");
    await fireEvent.keyDown(form, { key: "Escape" });
    expect(screen.queryByTestId("case-edit")).toBeNull();

    await user.click(screen.getByTestId("detail-edit"));
    await user.type(screen.getByTestId("edit-phone"), "3001234567");
    await fireEvent.keyDown(screen.getByTestId("case-edit"), { key: "Escape" });
    expect(screen.getByTestId("edit-unsaved")).toBeInTheDocument();
    await user.click(screen.getByTestId("edit-keep"));
    expect(screen.getByTestId("case-edit")).toBeInTheDocument();

    navigate({ name: "casos" });
    expect(app.view.name).toBe("detalle");
    expect(await screen.findByTestId("edit-unsaved")).toBeInTheDocument();
    await user.click(screen.getByTestId("edit-discard"));
    expect(app.view.name).toBe("casos");
    expect(edit).not.toHaveBeenCalled();
  });

  it("is not offered on a closed case, nor the follow-up box", async () => {
    serve(makeTicket({ status: "closed" }), [], false);
    render(CaseDetail, { number: "MA-2026-0001" });
    await screen.findByTestId("detail-status");
    expect(screen.queryByTestId("detail-edit")).toBeNull();
    expect(screen.queryByTestId("follow-up-form")).toBeNull();
  });
});

describe("Seguimientos", () => {
  const note = (over: Partial<FollowUp>): FollowUp => ({
    id: 1,
    at: "2026-03-02T10:00:00-05:00",
    actor: "Técnico de sistemas",
    visibility: "public",
    text: "Mañana pasamos",
    minutes: null,
    contact: false,
    ...over,
  });

  it("marks internal notes clearly", async () => {
    serve(makeTicket(), [
      note({ id: 1 }),
      note({ id: 2, visibility: "internal", text: "Equipo sin garantía", minutes: 30 }),
    ]);
    render(CaseDetail, { number: "MA-2026-0001" });
    const items = await screen.findAllByTestId("follow-up");
    expect(items).toHaveLength(2);
    expect(items[1].dataset.visibility).toBe("internal");
    expect(items[1]).toHaveTextContent("Nota interna");
    expect(items[1]).toHaveTextContent("30 min");
    expect(items[0]).not.toHaveTextContent("Nota interna");
  });

  it("saves an internal note with minutes and contact on Ctrl+Enter", async () => {
    const user = userEvent.setup();
    serve(makeTicket());
    followUp.mockResolvedValue(note({}));
    render(CaseDetail, { number: "MA-2026-0001" });
    const box = await screen.findByTestId("follow-up-text");
    await user.click(screen.getByTestId("follow-up-internal"));
    await user.click(screen.getByTestId("follow-up-contact"));
    await user.type(screen.getByTestId("follow-up-minutes"), "20");
    await user.type(box, "Llamé a la usuaria");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() =>
      expect(followUp).toHaveBeenCalledWith("MA-2026-0001", {
        text: "Llamé a la usuaria",
        visibility: "internal",
        minutes: 20,
        contact: true,
        at: null,
      }),
    );
    await waitFor(() => expect((box as HTMLTextAreaElement).value).toBe(""));
    expect(get).toHaveBeenCalledTimes(2);
  });
});
