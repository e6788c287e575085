// The one way to call the back end: `call` wraps Tauri's `invoke` and turns every failure into
// an `AppError`. The typed functions per command are generated into `commands.ts` (`make
// bindings`); `api.ts` exposes them to the components.
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { CommandName } from "./commands";
import { t } from "./i18n/es";

/** An `ApiError` whose code is one of the known codes (`ErrorCode`, generated from the core's
 * `ERROR_CODES`): comparing it with a misspelt code fails `npm run check`. */
export type AppError = ApiError & { code: ErrorCode };

export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as ApiError).code === "string" &&
    typeof (e as ApiError).message === "string"
  );
}

/** Normalises anything thrown by `invoke` into an ApiError with a Spanish message. */
export function toApiError(e: unknown): AppError {
  // The back end only sends the codes of `ErrorCode` (checked on the Rust side).
  if (isApiError(e)) return { code: e.code as ErrorCode, message: e.message };
  if (typeof e === "string" && e.trim() !== "") return { code: "unknown", message: e };
  return { code: "unknown", message: t.app.unknownError };
}

/** Whether `e` is an error with the given code (typed: a misspelt code does not compile). */
export function isCode(e: unknown, code: ErrorCode): boolean {
  return isApiError(e) && e.code === code;
}

export async function call<T>(cmd: CommandName, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}
