import type { TicketStatus } from "./bindings/TicketStatus";

export type ActionId =
  | "assign"
  | "start"
  | "hold"
  | "resume"
  | "escalate"
  | "resolve"
  | "verify"
  | "reject"
  | "cancel"
  | "survey"
  | "survey-mail";

/** Actions the UI offers for each status (the back end validates again). */
export const VALID_ACTIONS: Record<TicketStatus, ActionId[]> = {
  new: ["assign", "start", "escalate", "cancel"],
  assigned: ["start", "escalate", "hold", "cancel"],
  in_progress: ["hold", "escalate", "resolve", "cancel"],
  on_hold: ["resume", "cancel"],
  resolved: ["verify", "reject", "survey", "survey-mail"],
  closed: [],
  cancelled: [],
};

export function validActions(status: TicketStatus): ActionId[] {
  return VALID_ACTIONS[status] ?? [];
}
