import { describe, expect, it } from "vitest";
import { parseCalendar } from "./calendarForm";

describe("parseCalendar", () => {
  it("turns the weekday texts into intervals, padding hours", () => {
    const days = ["8:00-12:00, 14:00-18:00", "08:00-12:00", "", "", "", "", ""];
    const cfg = parseCalendar(days, true, "2026-12-24\n\n", "2026-12-31T12:00 2026-12-31T18:00");
    expect(cfg).toEqual({
      days: [
        [
          ["08:00", "12:00"],
          ["14:00", "18:00"],
        ],
        [["08:00", "12:00"]],
        [],
        [],
        [],
        [],
        [],
      ],
      closed_days: ["2026-12-24"],
      closed_ranges: [["2026-12-31T12:00", "2026-12-31T18:00"]],
      observe_holidays: true,
    });
  });

  it("reports the day and text of a bad interval in Spanish", () => {
    const cfg = parseCalendar(["", "", "8 a 12", "", "", "", ""], true, "", "");
    expect(cfg).toBe("Miércoles: «8 a 12» no es un horario válido (use HH:MM-HH:MM).");
  });

  it("refuses a closed period without an end", () => {
    expect(parseCalendar(["", "", "", "", "", "", ""], false, "", "2026-12-31T12:00")).toContain(
      "no es un periodo válido",
    );
  });
});
