// Primer uso: si falta la configuración inicial y si hay datos de demostración cargados.
import { api } from "./api";
import type { SetupStatus } from "./bindings/SetupStatus";

export const setup = $state({
  /** The first answer of `setup_status` arrived (until then the app shows only «Cargando…»). */
  loaded: false,
  /** Null when the status could not be read (e.g. the database did not open): the normal
   *  window is shown, where the error and the restore option appear. */
  status: null as SetupStatus | null,
});

export async function loadSetup(): Promise<void> {
  try {
    setup.status = await api.setupStatus();
  } catch {
    setup.status = null;
  } finally {
    setup.loaded = true;
  }
}

/** The wizard is shown only when the back end says the setup was never done. */
export function needsSetup(): boolean {
  return setup.loaded && setup.status !== null && !setup.status.setup_done;
}
