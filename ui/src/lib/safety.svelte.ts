// Estado de la seguridad de los datos: base dañada y fecha de la última copia (barra de estado).
import { api } from "./api";
import type { SafetyStatus } from "./bindings/SafetyStatus";

export const safety = $state({ status: null as SafetyStatus | null });

export async function loadSafety(): Promise<void> {
  try {
    safety.status = await api.safetyStatus();
  } catch {
    safety.status = null;
  }
}
