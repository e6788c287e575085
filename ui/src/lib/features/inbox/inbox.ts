// The Bandeja's view logic: which stored mails each filter shows, and the form's values as the
// changes `mail_register` takes. The rules (what awaits triage, how a mail prefills a case) are
// the core's; here only the choice of view.
import type { InboxEntry } from "../../bindings/InboxEntry";
import type { NewTicket } from "../../bindings/NewTicket";
import type { RegisterOverrides } from "../../bindings/RegisterOverrides";

export const FILTERS = [
  "pending",
  "review",
  "registered",
  "followups",
  "discarded",
  "ignored",
  "all",
] as const;
export type InboxFilter = (typeof FILTERS)[number];

/** The core's states each filter shows (`null`: every state). */
const STATES: Record<InboxFilter, string[] | null> = {
  // Everything awaiting triage, as the core's Bandeja (and the sidebar's count).
  pending: ["nuevo", "revisar_respuesta", "demasiado_grande"],
  review: ["revisar_respuesta"],
  registered: ["registrado"],
  followups: ["seguimiento"],
  discarded: ["descartado"],
  ignored: ["ignorado"],
  all: null,
};

/** Whether the filter needs every stored mail (`mail_inbox(all = true)`) or only what awaits
 * triage. */
export function needsAll(filter: InboxFilter): boolean {
  return filter !== "pending" && filter !== "review";
}

export function applyFilter(list: InboxEntry[], filter: InboxFilter): InboxEntry[] {
  const states = STATES[filter];
  return states === null ? list : list.filter((e) => states.includes(e.state));
}

/** A mail can still be registered or discarded (the core refuses the rest). */
export function canRegister(e: InboxEntry): boolean {
  return e.state === "nuevo" || e.state === "revisar_respuesta" || e.state === "descartado";
}
export function canDiscard(e: InboxEntry): boolean {
  return e.state === "nuevo" || e.state === "revisar_respuesta" || e.state === "demasiado_grande";
}

/** The survey to review is that of a case (the core linked the reply to it). */
export function isSurveyReview(e: InboxEntry): boolean {
  return e.state === "revisar_respuesta" && e.number !== null;
}

/** The form's values (prefilled from `mail_draft`, maybe changed) as `mail_register`'s
 * changes. Received time, e-mail and channel come from the mail and are not sent. */
export function overridesFrom(f: {
  requester: string;
  department: string;
  location: string;
  phone: string;
  description: string;
  service_type: string;
  urgency: number | string;
  impact: number | string;
}): RegisterOverrides {
  const opt = (s: string) => (s.trim() === "" ? null : s.trim());
  return {
    requester: opt(f.requester),
    department: opt(f.department),
    location: opt(f.location),
    phone: opt(f.phone),
    description: opt(f.description),
    service_type: opt(f.service_type),
    urgency: Number(f.urgency),
    impact: Number(f.impact),
  };
}

/** `received_at` of a draft (RFC 3339 with offset) as the form's `YYYY-MM-DDTHH:MM` in Bogotá
 * (the core answers Bogotá time already). */
export function draftReceived(d: NewTicket): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})/.exec(d.received_at ?? "");
  return m ? m[1] : "";
}

/** Scores typed for a survey: one integer 1–5 per question, else `null`. */
export function surveyScores(values: (string | number)[], questions: number): number[] | null {
  if (values.length < questions || questions === 0) return null;
  const out: number[] = [];
  for (let i = 0; i < questions; i++) {
    const n = Number(values[i]);
    if (!Number.isInteger(n) || n < 1 || n > 5) return null;
    out.push(n);
  }
  return out;
}
