import type { ActionKind } from "./bindings/ActionKind";

/** A button of the case's action panel: an action of the core, or the survey e-mail. */
export type ActionId = ActionKind | "survey-mail";

/**
 * The buttons for the actions the core allows on a case (`TicketDetail.allowed_actions`, the
 * lifecycle rule lives in Rust: `mesa_core::model::action_allowed`). The survey can also be
 * sent by e-mail wherever it can be recorded.
 */
export function actionButtons(allowed: readonly ActionKind[]): ActionId[] {
  return allowed.flatMap((k): ActionId[] => (k === "survey" ? ["survey", "survey-mail"] : [k]));
}
