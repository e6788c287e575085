// Fechas escritas por el usuario: siempre dd/mm/aaaa (y dd/mm/aaaa hh:mm, 24 h), sin depender de
// la configuración regional del sistema. Funciones puras usadas por DateField.svelte.
//
// Valores internos (los que ya usan los formularios y la API):
//   fecha       'YYYY-MM-DD'
//   fecha-hora  'YYYY-MM-DDTHH:MM' (hora de pared de Bogotá)

const pad = (n: number) => String(n).padStart(2, "0");

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function isoDate(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || y < MIN_YEAR || y > MAX_YEAR) return null;
  if (m < 1 || m > 12) return null;
  if (d < 1 || d > daysInMonth(y, m)) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

// d/m/aaaa with '/', '-' or '.' as separator; year of 2 (→ 20yy) or 4 digits.
const DMY = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})$/;
// ddmmaaaa typed without separators.
const DMY_COMPACT = /^(\d{2})(\d{2})(\d{4})$/;
// aaaa-mm-dd (pasted from elsewhere); unambiguous because the year comes first with 4 digits.
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

function parseDatePart(s: string): string | null {
  let m = DMY.exec(s);
  if (m) {
    const y = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    return isoDate(y, Number(m[2]), Number(m[1]));
  }
  m = DMY_COMPACT.exec(s);
  if (m) return isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  m = ISO.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return null;
}

// 14:30 · 14.30 · 2:30 pm · 2:30 p. m. · 2:30 p.m. · 2 pm · 12:05 a. m.
const TIME = /^(\d{1,2})(?:[:.h](\d{2}))?\s*(?:([ap])\.?\s*m\.?)?$/;

/** Time text → 'HH:MM' (24 h), or null. */
export function parseTime(text: string): string | null {
  const m = TIME.exec(text.trim().toLowerCase());
  if (!m) return null;
  let h = Number(m[1]);
  const min = m[2] === undefined ? null : Number(m[2]);
  const mer = m[3];
  if (min === null && !mer) return null; // «14» alone is not a time yet
  if (min !== null && min > 59) return null;
  if (mer) {
    if (h < 1 || h > 12) return null;
    if (mer === "a") h = h === 12 ? 0 : h;
    else h = h === 12 ? 12 : h + 12;
  } else if (h > 23) return null;
  return `${pad(h)}:${pad(min ?? 0)}`;
}

/** Text typed as a date → 'YYYY-MM-DD', or null when it is not a real date. */
export function parseDate(text: string): string | null {
  return parseDatePart(text.trim());
}

/** Text typed as a date and time → 'YYYY-MM-DDTHH:MM', or null (the time is required). */
export function parseDateTime(text: string): string | null {
  const s = text.trim();
  // The date is the first token; the time is the rest (after spaces, a comma or a 'T').
  const m = /^(\S+?)(?:\s*,\s*|\s+|T)(.+)$/.exec(s);
  if (!m) return null;
  const date = parseDatePart(m[1]);
  const time = parseTime(m[2]);
  return date && time ? `${date}T${time}` : null;
}

/** True when the text looks finished (4-digit year, and a time with minutes when `time`), so
 *  it can be committed while typing without sending half-typed dates such as «1/1/20». */
export function looksComplete(text: string, time: boolean): boolean {
  const s = text.trim();
  const datePart = time ? (s.split(/\s+|,|T/)[0] ?? "") : s;
  if (!/\d{4}/.test(datePart)) return false;
  return time ? parseDateTime(s) !== null : parseDate(s) !== null;
}

/** 'YYYY-MM-DD' (or the date part of 'YYYY-MM-DDTHH:MM') → 'dd/mm/aaaa'; '' if not a date. */
export function formatDateInput(value: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value ?? "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}

/** 'YYYY-MM-DDTHH:MM' → 'dd/mm/aaaa hh:mm'; '' if not a date-time. */
export function formatDateTimeInput(value: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value ?? "");
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : "";
}

/** Adds `days` to the date part of 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM', keeping the time. */
export function addDays(value: string, days: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2})?$/.exec(value);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  const out = isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  return out ? out + (m[4] ?? "") : null;
}
