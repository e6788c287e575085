import { describe, expect, it } from "vitest";
import {
  addDays,
  formatDateInput,
  formatDateTimeInput,
  isLeapYear,
  looksComplete,
  parseDate,
  parseDateTime,
  parseTime,
} from "./dateInput";

describe("parseDate", () => {
  it("reads the forms people type, always day first", () => {
    expect(parseDate("5/3/2026")).toBe("2026-03-05");
    expect(parseDate("05/03/2026")).toBe("2026-03-05");
    expect(parseDate("05-03-2026")).toBe("2026-03-05");
    expect(parseDate("5.3.2026")).toBe("2026-03-05");
    expect(parseDate(" 05 / 03 / 2026 ")).toBe("2026-03-05");
    expect(parseDate("05032026")).toBe("2026-03-05");
    expect(parseDate("2026-03-05")).toBe("2026-03-05");
    expect(parseDate("12/01/2026")).toBe("2026-01-12");
  });

  it("takes a two-digit year as 20yy", () => {
    expect(parseDate("5.3.26")).toBe("2026-03-05");
    expect(parseDate("31/12/99")).toBe("2099-12-31");
    expect(parseDate("1/1/00")).toBe("2000-01-01");
  });

  it("knows leap years", () => {
    expect(parseDate("29/02/2024")).toBe("2024-02-29");
    expect(parseDate("29/02/2025")).toBeNull();
    expect(parseDate("29/02/2000")).toBe("2000-02-29");
    expect(parseDate("29/02/2100")).toBeNull();
    expect(isLeapYear(2024)).toBe(true);
    expect(isLeapYear(1900)).toBe(false);
  });

  it("rejects dates that do not exist and text that is not a date", () => {
    for (const bad of [
      "31/02/2026",
      "31/04/2026",
      "13/13/2026",
      "0/3/2026",
      "5/0/2026",
      "32/01/2026",
      "5/3/202",
      "5/3/2",
      "5/3",
      "ayer",
      "",
      "05/03/2026 10:00",
      "2026-02-30",
      "05/03/0026",
      "1/1/20261",
    ]) {
      expect(parseDate(bad), bad).toBeNull();
    }
  });
});

describe("parseTime", () => {
  it("reads 24 h and a. m./p. m. forms", () => {
    expect(parseTime("14:30")).toBe("14:30");
    expect(parseTime("9:05")).toBe("09:05");
    expect(parseTime("14.30")).toBe("14:30");
    expect(parseTime("2:30 p. m.")).toBe("14:30");
    expect(parseTime("2:30 pm")).toBe("14:30");
    expect(parseTime("2:30PM")).toBe("14:30");
    expect(parseTime("2:30 p.m.")).toBe("14:30");
    expect(parseTime("2 pm")).toBe("14:00");
    expect(parseTime("12:15 p. m.")).toBe("12:15");
    expect(parseTime("12:15 a. m.")).toBe("00:15");
    expect(parseTime("9:00 a. m.")).toBe("09:00");
    expect(parseTime("0:00")).toBe("00:00");
    expect(parseTime("23:59")).toBe("23:59");
  });

  it("rejects impossible times", () => {
    for (const bad of ["24:00", "14:60", "13:00 pm", "0:30 am", "14", "2:3", "mediodía", ""]) {
      expect(parseTime(bad), bad).toBeNull();
    }
  });
});

describe("parseDateTime", () => {
  it("reads a date followed by a time", () => {
    expect(parseDateTime("05/03/2026 14:30")).toBe("2026-03-05T14:30");
    expect(parseDateTime("5/3/2026 2:30 p. m.")).toBe("2026-03-05T14:30");
    expect(parseDateTime("5-3-26 2:30 pm")).toBe("2026-03-05T14:30");
    expect(parseDateTime("05/03/2026, 09:15")).toBe("2026-03-05T09:15");
    expect(parseDateTime("2026-03-05T09:15")).toBe("2026-03-05T09:15");
  });

  it("needs a real date and a time", () => {
    for (const bad of [
      "05/03/2026",
      "31/02/2026 10:00",
      "05/03/2026 25:00",
      "05/03/2026 ayer",
      "14:30",
      "",
    ]) {
      expect(parseDateTime(bad), bad).toBeNull();
    }
  });
});

describe("formatting and round trip", () => {
  it("shows values as dd/mm/aaaa and dd/mm/aaaa hh:mm", () => {
    expect(formatDateInput("2026-03-05")).toBe("05/03/2026");
    expect(formatDateInput("")).toBe("");
    expect(formatDateInput(null)).toBe("");
    expect(formatDateInput("basura")).toBe("");
    expect(formatDateTimeInput("2026-03-05T14:30")).toBe("05/03/2026 14:30");
    expect(formatDateTimeInput("2026-03-05")).toBe("");
  });

  it("parses what it formats and formats what it parses", () => {
    for (const iso of ["2026-03-05", "2024-02-29", "1999-12-31", "2000-01-01"]) {
      expect(parseDate(formatDateInput(iso))).toBe(iso);
    }
    for (const v of ["2026-03-05T14:30", "2026-12-31T00:00", "2024-02-29T23:59"]) {
      expect(parseDateTime(formatDateTimeInput(v))).toBe(v);
    }
    expect(formatDateInput(parseDate("5.3.26"))).toBe("05/03/2026");
    expect(formatDateTimeInput(parseDateTime("5/3/2026 2:30 p. m."))).toBe("05/03/2026 14:30");
  });
});

describe("looksComplete", () => {
  it("waits for a 4-digit year (and the minutes) before committing while typing", () => {
    expect(looksComplete("1/1/20", false)).toBe(false);
    expect(looksComplete("1/1/202", false)).toBe(false);
    expect(looksComplete("1/1/2026", false)).toBe(true);
    expect(looksComplete("31/02/2026", false)).toBe(false);
    expect(looksComplete("05/03/2026", true)).toBe(false);
    expect(looksComplete("05/03/2026 1", true)).toBe(false);
    expect(looksComplete("05/03/2026 14:30", true)).toBe(true);
    expect(looksComplete("5/3/26 14:30", true)).toBe(false);
  });
});

describe("addDays", () => {
  it("moves across months, years and leap days, keeping the time", () => {
    expect(addDays("2026-03-05", 1)).toBe("2026-03-06");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(addDays("2026-03-05T14:30", -1)).toBe("2026-03-04T14:30");
    expect(addDays("mañana", 1)).toBeNull();
  });
});
