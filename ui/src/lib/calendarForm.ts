// Parsing of the business-calendar form of Ajustes into the CalendarConfig the back end takes.
import type { CalendarConfig } from "./bindings/CalendarConfig";
import { t } from "./i18n/es";

/** Parses the calendar form; returns a Spanish error message or the config. */
export function parseCalendar(
  dayTexts: string[],
  observe: boolean,
  closedDayText: string,
  closedRangeText: string,
): CalendarConfig | string {
  const parsedDays: Array<Array<[string, string]>> = [];
  for (let i = 0; i < 7; i++) {
    const text = (dayTexts[i] ?? "").trim();
    const list: Array<[string, string]> = [];
    if (text !== "") {
      for (const part of text.split(",")) {
        const m = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(part);
        if (!m) return t.settings.badInterval(t.settings.weekdays[i], part.trim());
        list.push([m[1].padStart(5, "0"), m[2].padStart(5, "0")]);
      }
    }
    parsedDays.push(list);
  }
  const ranges: Array<[string, string]> = [];
  for (const line of closedRangeText
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")) {
    const parts = line.split(/\s+/);
    if (parts.length !== 2) return t.settings.badRange(line);
    ranges.push([parts[0], parts[1]]);
  }
  return {
    days: parsedDays,
    closed_days: closedDayText
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== ""),
    closed_ranges: ranges,
    observe_holidays: observe,
  };
}
