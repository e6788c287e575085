// La sesión: si hay cuentas, quién ingresó, qué puede hacer su rol y el bloqueo por
// inactividad. Las reglas están en el núcleo; aquí solo se guarda lo que este responde.
import { api } from "./api";
import type { Permission } from "./bindings/Permission";
import type { SessionInfo } from "./bindings/SessionInfo";

export const session = $state({
  /** The first answer of `session_info` arrived (or failed: then the app behaves as without
   *  accounts, and the error shows in the window). */
  loaded: false,
  info: null as SessionInfo | null,
  /** The screen locked for inactivity (the open screen stays underneath). */
  locked: false,
  /** Login of the account that was in when the screen locked. */
  lockedLogin: null as string | null,
});

export async function loadSession(): Promise<void> {
  session.info = await api.sessionInfo();
}

/** With accounts and nobody logged in, the login screen is shown. */
export function needsLogin(): boolean {
  return !!session.info?.accounts_enabled && !session.info.principal;
}

/** Whether the session may do `p` (the core checks again on every write). */
export function can(p: Permission): boolean {
  if (!session.info) return true;
  return session.info.permissions.includes(p);
}

/** Whether the session may work on a case assigned to `assignee`. */
export function canWorkOn(assignee: string | null | undefined): boolean {
  if (can("case_work")) return true;
  const me = session.info?.principal?.name;
  return can("case_work_own") && !!me && !!assignee && assignee.toLowerCase() === me.toLowerCase();
}

/** Ends the session; `lock`: for inactivity, keeping the screen. */
export async function endSession(lock: boolean): Promise<void> {
  const login = session.info?.principal?.login ?? null;
  try {
    await api.logout(lock);
  } finally {
    session.locked = lock;
    session.lockedLogin = lock ? login : null;
    await loadSession();
  }
}

/** Starts the idle timer: after `idle_lock_seconds` without keyboard or mouse, locks. Returns
 *  the function that stops it. */
export function startIdleLock(): () => void {
  let last = Date.now();
  const touch = () => (last = Date.now());
  const events = ["mousemove", "mousedown", "keydown", "wheel", "touchstart"] as const;
  for (const e of events) window.addEventListener(e, touch, { passive: true });
  const timer = setInterval(() => {
    const info = session.info;
    if (!info?.accounts_enabled || !info.principal || session.locked) {
      last = Date.now();
      return;
    }
    if (Date.now() - last >= info.idle_lock_seconds * 1000) void endSession(true);
  }, 1000);
  return () => {
    clearInterval(timer);
    for (const e of events) window.removeEventListener(e, touch);
  };
}
