// Formato de fechas y números para Colombia (America/Bogota, dd/mm/aaaa, 24 h).

export const TIME_ZONE = "America/Bogota";

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

const dateTimeFmt = new Intl.DateTimeFormat("es-CO", {
  timeZone: TIME_ZONE,
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

const dateFmt = new Intl.DateTimeFormat("es-CO", {
  timeZone: TIME_ZONE,
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
});

const numberFmt = new Intl.NumberFormat("es-CO");

function parts(fmt: Intl.DateTimeFormat, d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(d)) out[p.type] = p.value;
  return out;
}

function parse(value: string): Date | null {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** '2026-03-02T09:15:00-05:00' → '02/03/2026 09:15'; '2022-03-15' → '15/03/2022'; null → ''. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "";
  const m = DATE_ONLY.exec(value);
  if (m) return `${m[3]}/${m[2]}/${m[1]}`;
  const d = parse(value);
  if (!d) return value;
  const p = parts(dateTimeFmt, d);
  const hour = p.hour === "24" ? "00" : p.hour;
  return `${p.day}/${p.month}/${p.year} ${hour}:${p.minute}`;
}

/** Only the date part, dd/mm/aaaa, in Bogotá time. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "";
  const m = DATE_ONLY.exec(value);
  if (m) return `${m[3]}/${m[2]}/${m[1]}`;
  const d = parse(value);
  if (!d) return value;
  const p = parts(dateFmt, d);
  return `${p.day}/${p.month}/${p.year}`;
}

/** Value of a date-time field (DateField with `time`): 'YYYY-MM-DDTHH:MM' in Bogotá time. */
export function toLocalInput(date: Date = new Date()): string {
  const p = parts(dateTimeFmt, date);
  const hour = p.hour === "24" ? "00" : p.hour;
  return `${p.year}-${p.month}-${p.day}T${hour}:${p.minute}`;
}

/** Today's date in Bogotá, 'YYYY-MM-DD'. */
export function todayBogota(date: Date = new Date()): string {
  return toLocalInput(date).slice(0, 10);
}

/** 'YYYY-MM-DDTHH:MM' (Bogotá, UTC−5 fixed) → Date. */
export function localInputToDate(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  return parse(`${value}:00-05:00`);
}

/** A wall-clock date or date-time without zone, as mapped by the importer
 * ('2024-03-02T08:01:00' or '2024-03-02') → '02/03/2024 08:01' / '02/03/2024'. No time-zone
 * conversion: it is the time the file says. Anything else is returned unchanged. */
export function formatWallTime(value: string | null | undefined): string {
  if (!value) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2})?)?$/.exec(value);
  if (!m) return value;
  const date = `${m[3]}/${m[2]}/${m[1]}`;
  return m[4] ? `${date} ${m[4]}:${m[5]}` : date;
}

export function formatNumber(n: number): string {
  return numberFmt.format(n);
}
