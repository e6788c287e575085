import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { t } from "../../i18n/es";
import TypeBars from "./TypeBars.svelte";

const LONG = "Actualización y soporte de aplicativos área financiera";

describe("TypeBars (Inicio: casos abiertos por tipo de servicio)", () => {
  it("shows every service type's full name, with its count and a tooltip", () => {
    render(TypeBars, {
      props: {
        items: [
          { service_type: LONG, count: 12 },
          { service_type: "Administración de correo electrónico institucional", count: 3 },
          { service_type: "", count: 1 },
        ],
      },
    });
    const labels = screen.getAllByTestId("dash-by-type-label").map((e) => e.textContent);
    expect(labels).toEqual([
      LONG,
      "Administración de correo electrónico institucional",
      t.dashboard.noType,
    ]);
    const first = screen.getAllByTestId("dash-by-type-row")[0];
    expect(first.getAttribute("title")).toBe(`${LONG}: 12`);
    expect(screen.getByText(LONG).getAttribute("title")).toBe(LONG);
    expect(first.textContent).toContain("12");
    // bars are scaled to the largest count
    const bars = [...screen.getByTestId("dash-by-type").querySelectorAll<HTMLElement>(".bar")];
    expect(bars.map((b) => b.style.width)).toEqual(["100%", "25%", `${100 / 12}%`]);
  });
});
