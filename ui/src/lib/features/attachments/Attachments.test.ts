import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { Attachment } from "../../bindings/Attachment";
import { app } from "../../state.svelte";
import Attachments from "./Attachments.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

function att(over: Partial<Attachment> = {}): Attachment {
  return {
    id: 1,
    name: "pantallazo.png",
    size: 2_621_440,
    media_type: "image/png",
    type_label: "Imagen PNG",
    sha256: "a".repeat(64),
    executable: false,
    can_open: true,
    is_photo: false,
    is_image: true,
    added_at: "2026-03-10T09:00:00-05:00",
    added_by: "Técnico de sistemas",
    removed_at: null,
    removed_by: null,
    remove_reason: null,
    ...over,
  };
}

const owner = { kind: "ticket", key: "MA-2026-0001" } as const;

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
});

describe("Attachments", () => {
  it("lists name, size, type, who and when, with the limit from Ajustes", async () => {
    render(Attachments, { owner, attachments: [att()], onchanged: vi.fn() });
    const row = screen.getByTestId("attachment-row");
    expect(row).toHaveTextContent("pantallazo.png");
    expect(row).toHaveTextContent("2,5 MB");
    expect(row).toHaveTextContent("Imagen PNG");
    expect(row).toHaveTextContent("Técnico de sistemas");
    expect(row).toHaveTextContent("10/03/2026");
    await waitFor(() =>
      expect(screen.getByTestId("attachment-drop")).toHaveTextContent("Hasta 25 MB por archivo."),
    );
  });

  it("never offers to open an executable, and says why; it can still be saved", async () => {
    const user = userEvent.setup();
    vi.mocked(api.attachmentSaveCopy).mockResolvedValue("/tmp/arreglo.bat");
    render(Attachments, {
      owner,
      attachments: [
        att({
          id: 2,
          name: "arreglo.bat",
          executable: true,
          can_open: false,
          is_image: false,
          type_label: "Script",
        }),
      ],
      onchanged: vi.fn(),
    });
    const open = screen.getByTestId("attachment-open");
    expect(open).toBeDisabled();
    expect(open).toHaveAttribute("title", expect.stringContaining("no se abre"));
    expect(screen.getByTestId("attachment-executable")).toBeInTheDocument();
    await user.click(screen.getByTestId("attachment-save"));
    await waitFor(() => expect(api.attachmentSaveCopy).toHaveBeenCalledWith(owner, 2));
    expect(api.attachmentOpen).not.toHaveBeenCalled();
    await waitFor(() => expect(app.notice).toContain("/tmp/arreglo.bat"));
  });

  it("attaches through the file picker and reloads", async () => {
    const user = userEvent.setup();
    const onchanged = vi.fn();
    vi.mocked(api.attachmentPick).mockResolvedValue(att({ id: 3, name: "acta.pdf" }));
    render(Attachments, { owner, attachments: [], onchanged });
    expect(screen.getByTestId("attachment-empty")).toBeInTheDocument();
    await user.click(screen.getByTestId("attachment-add"));
    await waitFor(() => expect(api.attachmentPick).toHaveBeenCalledWith(owner));
    await waitFor(() => expect(onchanged).toHaveBeenCalled());
    expect(app.notice).toContain("acta.pdf");
  });

  it("removing asks for the reason first", async () => {
    const user = userEvent.setup();
    const onchanged = vi.fn();
    vi.mocked(api.attachmentRemove).mockResolvedValue(att());
    render(Attachments, { owner, attachments: [att({ id: 7 })], onchanged });
    await user.click(screen.getByTestId("attachment-remove"));
    const form = screen.getByTestId("attachment-remove-form");
    await user.click(within(form).getByTestId("attachment-remove-yes"));
    expect(api.attachmentRemove).not.toHaveBeenCalled();
    expect(screen.getByTestId("attachment-remove-reason")).toHaveAttribute("aria-invalid", "true");
    await user.type(screen.getByTestId("attachment-remove-reason"), "Se adjuntó por error");
    await user.click(screen.getByTestId("attachment-remove-yes"));
    await waitFor(() =>
      expect(api.attachmentRemove).toHaveBeenCalledWith(owner, 7, "Se adjuntó por error"),
    );
    expect(onchanged).toHaveBeenCalled();
  });

  it("a removed attachment shows who and why, with no actions; read-only hides adding", () => {
    render(Attachments, {
      owner,
      editable: false,
      attachments: [
        att({
          removed_at: "2026-03-11T10:00:00-05:00",
          removed_by: "Ana",
          remove_reason: "Duplicado",
          can_open: false,
        }),
      ],
      onchanged: vi.fn(),
    });
    expect(screen.getByTestId("attachment-removed")).toHaveTextContent(
      "Quitado por Ana: Duplicado",
    );
    expect(screen.queryByTestId("attachment-open")).toBeNull();
    expect(screen.queryByTestId("attachment-add")).toBeNull();
    expect(screen.queryByTestId("attachment-drop")).toBeNull();
  });

  it("on equipment an image can become the photo", async () => {
    const user = userEvent.setup();
    const onchanged = vi.fn();
    vi.mocked(api.assetSetPhoto).mockResolvedValue(att({ is_photo: true }));
    render(Attachments, {
      owner: { kind: "asset", key: "IND0083" },
      attachments: [
        att({ id: 4, name: "equipo.png" }),
        att({ id: 5, name: "f.pdf", is_image: false }),
      ],
      onchanged,
    });
    const buttons = screen.getAllByTestId("attachment-set-photo");
    expect(buttons).toHaveLength(1);
    await user.click(buttons[0]);
    await waitFor(() => expect(api.assetSetPhoto).toHaveBeenCalledWith("IND0083", 4));
    expect(onchanged).toHaveBeenCalled();
  });
});
