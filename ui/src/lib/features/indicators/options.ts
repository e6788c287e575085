// Listas de los indicadores (tipos, frecuencias, direcciones, semáforos) servidas por el núcleo
// una sola vez; y el formato de sus valores.
import { api } from "../../api";
import type { IndicatorChoice } from "../../bindings/IndicatorChoice";
import type { IndicatorOptions } from "../../bindings/IndicatorOptions";

let cached: Promise<IndicatorOptions> | null = null;

export function loadIndicatorOptions(): Promise<IndicatorOptions> {
  if (!cached) {
    cached = api.indicatorOptions().catch((e: unknown) => {
      cached = null;
      throw e;
    });
  }
  return cached;
}

/** Forgets the cached lists (tests). */
export function resetIndicatorOptions() {
  cached = null;
}

export function choiceLabel(list: IndicatorChoice[] | undefined, value: string | null): string {
  if (value === null) return "";
  return list?.find((c) => c.value === value)?.label ?? value;
}

const valueFmt = new Intl.NumberFormat("es-CO", { maximumFractionDigits: 2 });

/** 66.666 and "%" → "66,67 %"; null → "". */
export function formatValue(v: number | null, unit: string): string {
  if (v === null) return "";
  const n = valueFmt.format(v);
  return unit ? `${n} ${unit}` : n;
}

/** "90,5" or "90.5" → 90.5; anything else → null. */
export function parseDecimal(s: string): number | null {
  const t = s.trim().replace(/\s/g, "").replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}
