// Días de la agenda como texto 'AAAA-MM-DD' (días de Bogotá): aritmética sin zona horaria.
import { formatDateTime, todayBogota } from "../../format";

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function toDate(day: string): Date {
  const m = ISO_DAY.exec(day);
  if (!m) return new Date(NaN);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** 'AAAA-MM-DD' + n días. */
export function addDays(day: string, n: number): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** 0 = domingo … 6 = sábado. */
export function weekday(day: string): number {
  return toDate(day).getUTCDay();
}

/** El lunes de la semana de `day`. */
export function weekStart(day: string): string {
  return addDays(day, -((weekday(day) + 6) % 7));
}

/** El día de Bogotá de un instante RFC 3339. */
export function dayOf(instant: string): string {
  return todayBogota(new Date(instant));
}

/** La hora (hh:mm, 24 h) de Bogotá de un instante RFC 3339. */
export function timeOf(instant: string): string {
  return formatDateTime(instant).slice(11);
}
