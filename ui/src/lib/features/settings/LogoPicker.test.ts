import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import { t } from "../../i18n/es";
import { app } from "../../state.svelte";
import LogoPicker from "./LogoPicker.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const PNG = "data:image/png;base64,iVBORw0KGgo=";

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
});

describe("LogoPicker (Ajustes: logo de la entidad)", () => {
  it("chooses the logo in the file picker, previews it and removes it", async () => {
    const user = userEvent.setup();
    vi.mocked(api.logoImage).mockResolvedValue(null);
    render(LogoPicker);
    expect(await screen.findByTestId("logo-state")).toHaveTextContent(t.logoPicker.none);
    expect(screen.queryByTestId("logo-remove")).toBeNull();
    // no text box to type a path: only the picker button
    expect(screen.queryByRole("textbox")).toBeNull();

    vi.mocked(api.logoPick).mockResolvedValue(true);
    vi.mocked(api.logoImage).mockResolvedValue(PNG);
    await user.click(screen.getByTestId("logo-pick"));
    const img = await screen.findByTestId("logo-preview");
    expect(img).toHaveAttribute("src", PNG);
    expect(img).toHaveAttribute("alt", t.logoPicker.previewAlt);
    expect(app.notice).toBe(t.logoPicker.loaded);

    vi.mocked(api.logoSet).mockResolvedValue(null);
    vi.mocked(api.logoImage).mockResolvedValue(null);
    await user.click(screen.getByTestId("logo-remove"));
    await waitFor(() => expect(screen.queryByTestId("logo-preview")).toBeNull());
    expect(api.logoSet).toHaveBeenCalledWith(null);
    expect(app.notice).toBe(t.logoPicker.removed);
  });

  it("changes nothing when the picker is cancelled, and shows the core's refusal", async () => {
    const user = userEvent.setup();
    vi.mocked(api.logoImage).mockResolvedValue(null);
    render(LogoPicker);
    await screen.findByTestId("logo-state");
    vi.mocked(api.logoPick).mockResolvedValue(false);
    await user.click(screen.getByTestId("logo-pick"));
    await waitFor(() => expect(api.logoPick).toHaveBeenCalledTimes(1));
    expect(api.logoImage).toHaveBeenCalledTimes(1);
    expect(app.notice).toBeNull();

    vi.mocked(api.logoPick).mockRejectedValue({
      code: "validation",
      message: "logo: no es una imagen PNG válida",
    });
    await user.click(screen.getByTestId("logo-pick"));
    await waitFor(() => expect(app.error).not.toBeNull());
    expect(screen.queryByTestId("logo-preview")).toBeNull();
  });
});
