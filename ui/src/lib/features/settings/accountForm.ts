// Reglas de los formularios de cuentas que la interfaz revisa antes de enviar (el núcleo las
// vuelve a revisar y es quien decide: `people::accounts::MIN_PASSWORD_CHARS`).
import { api } from "../../api";
import type { Account } from "../../bindings/Account";
import { t } from "../../i18n/es";
import { loadSession, session } from "../../session.svelte";

/** Smallest password the core accepts (`MIN_PASSWORD_CHARS`, served in the session). */
export function minPassword(): number {
  return session.info?.min_password_chars ?? 1;
}

export type AdminFields = {
  login: string;
  name: string;
  cargo: string;
  password: string;
  repeat: string;
};

export function emptyAdminFields(): AdminFields {
  return { login: "", name: "", cargo: "", password: "", repeat: "" };
}

/** What is wrong with a password and its repetition, or null. `optional`: empty is fine. */
export function passwordProblem(password: string, repeat: string, optional = false): string | null {
  if (optional && password === "" && repeat === "") return null;
  if ([...password].length < minPassword()) return t.accounts.tooShort(minPassword());
  if (password !== repeat) return t.accounts.mismatch;
  return null;
}

/** What is missing or wrong in the first administrator's form, or null. */
export function adminProblem(f: AdminFields): string | null {
  if (f.login.trim() === "") return t.accounts.required(t.accounts.login);
  if (f.name.trim() === "") return t.accounts.required(t.accounts.name);
  return passwordProblem(f.password, f.repeat);
}

/** Creates the first administrator (logins are on from then on; the app is logged in as it)
 *  and reloads the session. */
export async function createFirstAdmin(f: AdminFields): Promise<Account> {
  const account = await api.accountCreate(
    { login: f.login.trim(), name: f.name.trim(), cargo: f.cargo.trim(), role: "administrador" },
    f.password,
  );
  await loadSession();
  return account;
}
