import { fireEvent, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import Harness from "../../test/DateFieldHarness.svelte";

const field = () => screen.getByTestId("field") as HTMLInputElement;
const bound = () => screen.getByTestId("bound").textContent;
/** Types over the whole text, as after selecting it (the field is never empty in between). */
const overwrite = () => ({ initialSelectionStart: 0, initialSelectionEnd: field().value.length });

describe("DateField (date)", () => {
  it("is a labelled numeric text box showing the bound 'YYYY-MM-DD' as dd/mm/aaaa", () => {
    render(Harness, { initial: "2026-03-05" });
    expect(screen.getByLabelText("Fecha")).toBe(field());
    expect(field()).toHaveAttribute("type", "text");
    expect(field()).toHaveAttribute("inputmode", "numeric");
    expect(field()).toHaveAttribute("placeholder", "dd/mm/aaaa");
    expect(field()).toHaveValue("05/03/2026");
    expect(field()).not.toHaveAttribute("aria-invalid");
  });

  it("binds a complete typed date at once and reformats it on leaving the field", async () => {
    const user = userEvent.setup();
    render(Harness);
    await user.type(field(), "5/3/2026");
    expect(bound()).toBe("2026-03-05");
    expect(field()).toHaveValue("5/3/2026");
    await user.click(screen.getByTestId("other"));
    expect(field()).toHaveValue("05/03/2026");
  });

  it("does not bind half-typed years; a two-digit year is taken on blur as 20yy", async () => {
    const user = userEvent.setup();
    render(Harness);
    await user.type(field(), "5.3.26");
    expect(bound()).toBe("");
    await user.tab();
    expect(bound()).toBe("2026-03-05");
    expect(field()).toHaveValue("05/03/2026");
  });

  it("takes the value with Enter, before the form is submitted", async () => {
    const user = userEvent.setup();
    render(Harness);
    await user.type(field(), "05-03-26{Enter}");
    expect(bound()).toBe("2026-03-05");
    expect(field()).toHaveValue("05/03/2026");
  });

  it("marks an impossible date invalid and keeps the previous valid value", async () => {
    const user = userEvent.setup();
    render(Harness, { initial: "2026-03-05" });
    await user.type(field(), "31/02/2026", overwrite());
    await user.tab();
    expect(field()).toHaveAttribute("aria-invalid", "true");
    const error = screen.getByTestId("field-error");
    expect(error).toHaveTextContent("Fecha no válida (dd/mm/aaaa).");
    expect(field().getAttribute("aria-describedby")).toBe(error.id);
    expect(field().validity.valid).toBe(false);
    expect(screen.getByTestId("valid").textContent).toBe("false");
    expect(field()).toHaveValue("31/02/2026");
    expect(bound()).toBe("2026-03-05");

    await user.clear(field());
    await user.type(field(), "29/02/2024");
    expect(bound()).toBe("2024-02-29");
    expect(field()).not.toHaveAttribute("aria-invalid");
    expect(screen.queryByTestId("field-error")).toBeNull();
    expect(field().validity.valid).toBe(true);
    expect(screen.getByTestId("valid").textContent).toBe("true");
  });

  it("rejects 29/02 of a common year, 13/13 and text", async () => {
    for (const bad of ["29/02/2025", "13/13/2026", "ayer"]) {
      const { unmount } = render(Harness);
      await fireEvent.change(field(), { target: { value: bad } });
      expect(field(), bad).toHaveAttribute("aria-invalid", "true");
      expect(bound(), bad).toBe("");
      unmount();
    }
  });

  it("an emptied field binds '' (so an emptied filter is cleared)", async () => {
    const user = userEvent.setup();
    render(Harness, { initial: "2026-03-05" });
    await user.clear(field());
    expect(bound()).toBe("");
  });

  it("ArrowUp / ArrowDown move a complete date by one day", async () => {
    const user = userEvent.setup();
    render(Harness, { initial: "2024-02-28" });
    await user.click(field());
    await user.keyboard("{ArrowUp}");
    expect(bound()).toBe("2024-02-29");
    await user.keyboard("{ArrowUp}");
    expect(field()).toHaveValue("01/03/2024");
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(bound()).toBe("2024-02-27");
  });

  it("follows the bound value when the caller changes it", async () => {
    const user = userEvent.setup();
    render(Harness, { initial: "2026-03-05", external: "2025-12-31" });
    await user.clear(field());
    await user.type(field(), "basura");
    await user.tab();
    expect(field()).toHaveAttribute("aria-invalid", "true");
    await user.click(screen.getByTestId("set"));
    expect(field()).toHaveValue("31/12/2025");
    expect(field()).not.toHaveAttribute("aria-invalid");
  });
});

describe("DateField (date and time)", () => {
  it("shows and binds 'YYYY-MM-DDTHH:MM' as dd/mm/aaaa hh:mm, 24 h", async () => {
    const user = userEvent.setup();
    render(Harness, { time: true, initial: "2026-03-05T09:15" });
    expect(field()).toHaveValue("05/03/2026 09:15");
    expect(field()).toHaveAttribute("placeholder", "dd/mm/aaaa hh:mm");
    await user.clear(field());
    await user.type(field(), "5/3/2026 2:30 p. m.");
    await user.tab();
    expect(bound()).toBe("2026-03-05T14:30");
    expect(field()).toHaveValue("05/03/2026 14:30");
  });

  it("needs the time, and rejects impossible hours", async () => {
    const user = userEvent.setup();
    render(Harness, { time: true, initial: "2026-03-05T09:15" });
    for (const bad of ["06/03/2026", "06/03/2026 25:00"]) {
      await user.type(field(), bad, overwrite());
      await user.tab();
      expect(field(), bad).toHaveAttribute("aria-invalid", "true");
      expect(screen.getByTestId("field-error")).toHaveTextContent(
        "Fecha y hora no válidas (dd/mm/aaaa hh:mm).",
      );
      expect(bound(), bad).toBe("2026-03-05T09:15");
    }
  });
});
