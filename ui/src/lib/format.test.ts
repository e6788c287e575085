import { describe, expect, it } from "vitest";
import {
  formatDate,
  formatDateTime,
  formatNumber,
  localInputToDate,
  toLocalInput,
  todayBogota,
} from "./format";

describe("formatDateTime", () => {
  it("shows RFC 3339 instants as dd/mm/aaaa hh:mm in Bogotá", () => {
    expect(formatDateTime("2026-03-02T09:15:00-05:00")).toBe("02/03/2026 09:15");
  });
  it("converts UTC instants to Bogotá time", () => {
    expect(formatDateTime("2026-03-02T14:15:00Z")).toBe("02/03/2026 09:15");
    expect(formatDateTime("2026-01-01T03:30:00Z")).toBe("31/12/2025 22:30");
  });
  it("uses 24-hour clock", () => {
    expect(formatDateTime("2026-07-20T18:05:00-05:00")).toBe("20/07/2026 18:05");
    expect(formatDateTime("2026-07-20T00:00:00-05:00")).toBe("20/07/2026 00:00");
  });
  it("shows date-only legacy values without time and without shifting the day", () => {
    expect(formatDateTime("2022-03-15")).toBe("15/03/2022");
  });
  it("returns empty text for null/empty", () => {
    expect(formatDateTime(null)).toBe("");
    expect(formatDateTime(undefined)).toBe("");
    expect(formatDateTime("")).toBe("");
  });
  it("returns unparseable input unchanged", () => {
    expect(formatDateTime("ayer")).toBe("ayer");
  });
});

describe("formatDate", () => {
  it("shows only the Bogotá date", () => {
    expect(formatDate("2022-03-15")).toBe("15/03/2022");
    expect(formatDate("2026-03-03T02:00:00Z")).toBe("02/03/2026");
  });
});

describe("datetime-local helpers", () => {
  it("formats a Date as Bogotá 'YYYY-MM-DDTHH:MM'", () => {
    expect(toLocalInput(new Date("2026-03-02T14:15:30Z"))).toBe("2026-03-02T09:15");
    expect(todayBogota(new Date("2026-03-03T02:00:00Z"))).toBe("2026-03-02");
  });
  it("parses 'YYYY-MM-DDTHH:MM' as Bogotá time", () => {
    expect(localInputToDate("2026-03-02T09:15")?.toISOString()).toBe("2026-03-02T14:15:00.000Z");
    expect(localInputToDate("bad")).toBeNull();
  });
});

describe("formatNumber", () => {
  it("uses es-CO thousands separators", () => {
    expect(formatNumber(200000)).toBe("200.000");
  });
});

describe("formatWallTime", () => {
  it("shows the importer's wall-clock values as dd/mm/aaaa without shifting the zone", async () => {
    const { formatWallTime } = await import("./format");
    expect(formatWallTime("2024-03-02T08:01:00")).toBe("02/03/2024 08:01");
    expect(formatWallTime("2024-03-02T23:59")).toBe("02/03/2024 23:59");
    expect(formatWallTime("2022-12-31")).toBe("31/12/2022");
    expect(formatWallTime("")).toBe("");
    expect(formatWallTime(null)).toBe("");
    expect(formatWallTime("ayer")).toBe("ayer");
  });
});
