import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { catalogs } from "../../../test/fixtures";
import { api } from "../../api";
import type { InboxEntry } from "../../bindings/InboxEntry";
import type { MailDetail } from "../../bindings/MailDetail";
import { app } from "../../state.svelte";
import Inbox from "./Inbox.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

function entry(over: Partial<InboxEntry>): InboxEntry {
  return {
    id: 1,
    from: "nubia@entidad.gov.co",
    from_name: "Nubia Cuello",
    subject: "No imprime",
    received_at: "2026-12-01T08:05:00-05:00",
    attachments: 1,
    state: "nuevo",
    kind: "request",
    message_id: "r1@entidad.gov.co",
    number: null,
    note: null,
    discard_reason: null,
    imported: false,
    size: 2048,
    ...over,
  };
}

function detail(e: InboxEntry, body: string): MailDetail {
  return {
    entry: e,
    to: "sistemas@entidad.gov.co",
    cc: "",
    in_reply_to: null,
    date_header: "2026-12-01T06:00:00-05:00",
    body,
    attachment_list: [
      { index: 0, name: "pantallazo.pdf", content_type: "application/pdf", size: 900 },
    ],
    warnings: [],
  };
}

const request = entry({});
const review = entry({
  id: 2,
  subject: "RE: [MA-2026-0003] solucionado",
  state: "revisar_respuesta",
  number: "MA-2026-0003",
  note: "respuesta de encuesta incompleta o ambigua: revísela y registre la encuesta",
  attachments: 0,
});

beforeEach(() => {
  vi.clearAllMocks();
  app.catalogs = catalogs;
  app.error = null;
  app.notice = null;
  app.view = { name: "bandeja" };
  vi.mocked(api.mailInbox).mockResolvedValue([request, review]);
  vi.mocked(api.mailDetail).mockImplementation(async (id: number) =>
    id === 1
      ? detail(request, "La impresora del piso 2 no imprime.")
      : detail(review, "Todo bien, gracias."),
  );
});

describe("Inbox", () => {
  it("lists what awaits triage with the arrival time and shows a mail as text", async () => {
    const user = userEvent.setup();
    render(Inbox);
    const rows = await screen.findAllByTestId("inbox-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("01/12/2026 08:05");
    await user.click(screen.getByText("No imprime"));
    expect(await screen.findByTestId("inbox-body")).toHaveTextContent(
      "La impresora del piso 2 no imprime.",
    );
    expect(screen.getByTestId("inbox-detail-received")).toHaveTextContent("01/12/2026 08:05");
    expect(screen.getByText("pantallazo.pdf")).toBeInTheDocument();
    await user.click(screen.getByTestId("inbox-register"));
    expect(app.view).toEqual({ name: "nuevo", mail: 1 });
  });

  it("asks for the reason before discarding and sends it", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailDiscard).mockResolvedValue(null);
    render(Inbox);
    await user.click(await screen.findByText("No imprime"));
    await user.click(await screen.findByTestId("inbox-discard"));
    await user.click(screen.getByTestId("inbox-discard-confirm"));
    expect(await screen.findByText("Escriba el motivo del descarte.")).toBeInTheDocument();
    expect(api.mailDiscard).not.toHaveBeenCalled();
    await user.type(screen.getByTestId("inbox-discard-reason"), "publicidad");
    await user.click(screen.getByTestId("inbox-discard-confirm"));
    await waitFor(() => expect(api.mailDiscard).toHaveBeenCalledWith(1, "publicidad"));
  });

  it("records a survey reply to review beside the mail, one score per question", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailSurvey).mockResolvedValue("MA-2026-0003");
    render(Inbox);
    await user.click(await screen.findByText("RE: [MA-2026-0003] solucionado"));
    expect(await screen.findByTestId("inbox-survey")).toBeInTheDocument();
    expect(screen.getByTestId("inbox-body")).toHaveTextContent("Todo bien, gracias.");
    expect(screen.queryByTestId("inbox-register")).toBeNull();
    await user.click(screen.getByTestId("inbox-survey-save"));
    expect(
      await screen.findByText("Elija un puntaje (1 a 5) para cada pregunta."),
    ).toBeInTheDocument();
    expect(api.mailSurvey).not.toHaveBeenCalled();
    await user.selectOptions(screen.getByTestId("inbox-survey-score-0"), "5");
    await user.selectOptions(screen.getByTestId("inbox-survey-score-1"), "4");
    await user.click(screen.getByTestId("inbox-survey-save"));
    await waitFor(() => expect(api.mailSurvey).toHaveBeenCalledWith(2, [5, 4], null));
    expect(app.notice).toBe("Encuesta registrada; el caso MA-2026-0003 quedó cerrado.");
  });

  it("«Revisar correo» shows what the check did and lists the mail again", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailCheckNow).mockResolvedValue({
      fetched: 1,
      stored: 1,
      already_stored: 0,
      ignored: 0,
      too_large: 0,
      remaining: 0,
      sent: 0,
      failed: 0,
      lines: ["Buzón sistemas@entidad.gov.co/INBOX: 1 correo(s) leído(s)", "Notificaciones: 0"],
    });
    render(Inbox);
    await screen.findAllByTestId("inbox-row");
    const before = vi.mocked(api.mailInbox).mock.calls.length;
    await user.click(screen.getByTestId("inbox-check"));
    expect(await screen.findByTestId("inbox-check-result")).toHaveTextContent(
      "1 correo(s) leído(s)",
    );
    expect(api.onMailProgress).toHaveBeenCalled();
    expect(vi.mocked(api.mailInbox).mock.calls.length).toBeGreaterThan(before);
  });
});
