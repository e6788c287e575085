import { describe, expect, it } from "vitest";
import type { InboxEntry } from "../../bindings/InboxEntry";
import {
  applyFilter,
  canDiscard,
  canRegister,
  draftReceived,
  isSurveyReview,
  needsAll,
  overridesFrom,
  surveyScores,
} from "./inbox";

function entry(id: number, state: string, number: string | null = null): InboxEntry {
  return {
    id,
    from: "ana@entidad.gov.co",
    from_name: "Ana",
    subject: `Correo ${id}`,
    received_at: "2026-12-01T08:05:00-05:00",
    attachments: 0,
    state,
    kind: state === "ignorado" ? "auto_reply" : "request",
    message_id: null,
    number,
    note: null,
    discard_reason: null,
    imported: false,
    size: 100,
  };
}

const all = [
  entry(1, "nuevo"),
  entry(2, "revisar_respuesta", "MA-2026-0001"),
  entry(3, "demasiado_grande"),
  entry(4, "registrado", "MA-2026-0002"),
  entry(5, "seguimiento", "MA-2026-0001"),
  entry(6, "descartado"),
  entry(7, "ignorado"),
];

describe("the Bandeja's filters", () => {
  it("show each state where it belongs and everything under «Todos»", () => {
    const ids = (f: Parameters<typeof applyFilter>[1]) => applyFilter(all, f).map((e) => e.id);
    expect(ids("pending")).toEqual([1, 2, 3]);
    expect(ids("review")).toEqual([2]);
    expect(ids("registered")).toEqual([4]);
    expect(ids("followups")).toEqual([5]);
    expect(ids("discarded")).toEqual([6]);
    expect(ids("ignored")).toEqual([7]);
    expect(ids("all")).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("ask the back end for every stored mail only when the view needs decided ones", () => {
    expect(needsAll("pending")).toBe(false);
    expect(needsAll("review")).toBe(false);
    expect(needsAll("ignored")).toBe(true);
    expect(needsAll("all")).toBe(true);
  });

  it("offer «Registrar» and «Descartar» only where the core accepts them", () => {
    expect(all.filter(canRegister).map((e) => e.id)).toEqual([1, 2, 6]);
    expect(all.filter(canDiscard).map((e) => e.id)).toEqual([1, 2, 3]);
    expect(all.filter(isSurveyReview).map((e) => e.id)).toEqual([2]);
    expect(isSurveyReview(entry(8, "revisar_respuesta", null))).toBe(false);
  });
});

describe("registering from the form", () => {
  it("sends what the form holds, blanks as null, numbers as numbers", () => {
    expect(
      overridesFrom({
        requester: " Nubia Cuello ",
        department: "Tesorería",
        location: "",
        phone: "  ",
        description: "No imprime",
        service_type: "",
        urgency: "3",
        impact: 1,
      }),
    ).toEqual({
      requester: "Nubia Cuello",
      department: "Tesorería",
      location: null,
      phone: null,
      description: "No imprime",
      service_type: null,
      urgency: 3,
      impact: 1,
    });
  });

  it("keeps the arrival time of the draft to the minute, in Bogotá", () => {
    const d = {
      requester: "",
      department: "",
      description: "",
      received_at: "2026-12-01T08:05:00-05:00",
      location: null,
      phone: null,
      email: null,
      channel: "correo",
      origin: null,
      service_type: null,
      asset_tag: null,
      urgency: null,
      impact: null,
    };
    expect(draftReceived(d)).toBe("2026-12-01T08:05");
    expect(draftReceived({ ...d, received_at: null })).toBe("");
  });
});

describe("survey scores typed beside the reply", () => {
  it("need one whole score 1–5 per question", () => {
    expect(surveyScores(["5", "4", "5"], 3)).toEqual([5, 4, 5]);
    expect(surveyScores(["5", "", "5"], 3)).toBeNull();
    expect(surveyScores(["5", "6", "5"], 3)).toBeNull();
    expect(surveyScores(["5", "4"], 3)).toBeNull();
    expect(surveyScores([], 0)).toBeNull();
  });
});
