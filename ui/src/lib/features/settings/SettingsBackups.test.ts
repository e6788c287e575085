import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { BackupInfo } from "../../bindings/BackupInfo";
import { app } from "../../state.svelte";
import { safety } from "../../safety.svelte";
import SettingsBackups from "./SettingsBackups.svelte";
import SafetyBanner from "../../components/SafetyBanner.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

function backup(over: Partial<BackupInfo> = {}): BackupInfo {
  return {
    path: "/datos/backups/mesa-20260302T140000Z-daily.db",
    file_name: "mesa-20260302T140000Z-daily.db",
    kind: "daily",
    created_at: "2026-03-02T09:00:00-05:00",
    size_bytes: 3 * 1048576,
    sha256: "ab",
    schema_version: 3,
    app_version: "0.1.0",
    counts: { cases: 1234, equipment: 3, plans: 1, tables: {} },
    attachments: null,
    ...over,
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
  vi.mocked(api.safetyStatus).mockResolvedValue({
    damaged: null,
    latest_good_backup: null,
    last_backup_at: null,
    backups_dir: "/datos/backups",
  });
});

describe("Copias de seguridad", () => {
  it("lists backups with date, size and what they hold", async () => {
    vi.mocked(api.backupList).mockResolvedValue([backup()]);
    render(SettingsBackups);
    const row = await screen.findByTestId("backup-row");
    expect(row.textContent).toContain("02/03/2026");
    expect(row.textContent).toContain("diaria");
    expect(row.textContent).toContain("3 MB");
    expect(row.textContent).toContain("1.234 casos, 3 equipos, 1 plan");
  });

  it("shows what the backup holds and restores only after confirmation", async () => {
    const user = userEvent.setup();
    const b = backup({ counts: { cases: 40, equipment: null, plans: null, tables: {} } });
    vi.mocked(api.backupList).mockResolvedValue([b]);
    vi.mocked(api.backupVerify).mockResolvedValue(b);
    vi.mocked(api.backupRestore).mockResolvedValue({
      restored: b,
      safety_copy: null,
      damaged_copy: null,
    });
    render(SettingsBackups);
    await user.click(await screen.findByTestId("backup-restore"));
    const holds = await screen.findByTestId("restore-confirm-holds");
    expect(holds.textContent).toBe("40 casos");
    // The confirmation takes the focus (it may open below the fold of a long list).
    expect(document.activeElement).toBe(screen.getByTestId("restore-confirm"));
    expect(api.backupRestore).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("restore-confirm-yes"));
    await waitFor(() => expect(api.backupRestore).toHaveBeenCalledWith(b.path));
    await waitFor(() => expect(app.notice).toContain("restaurada"));
  });

  it("a refused file shows the Spanish error and restores nothing", async () => {
    const user = userEvent.setup();
    vi.mocked(api.backupList).mockResolvedValue([]);
    vi.mocked(api.backupVerify).mockRejectedValue({
      code: "backup_foreign",
      message: "El archivo «/x.db» es una base de datos de otra aplicación. No se cambió nada.",
    });
    render(SettingsBackups);
    await user.type(screen.getByTestId("backup-file"), "/x.db");
    await user.click(screen.getByTestId("backup-file-restore"));
    await waitFor(() => expect(app.error).toContain("otra aplicación"));
    expect(screen.queryByTestId("restore-confirm")).toBeNull();
    expect(api.backupRestore).not.toHaveBeenCalled();
  });

  it("creates a backup in a chosen folder", async () => {
    const user = userEvent.setup();
    vi.mocked(api.backupList).mockResolvedValue([]);
    vi.mocked(api.backupCreate).mockResolvedValue(
      backup({ kind: "manual", path: "/media/usb/m.db" }),
    );
    render(SettingsBackups);
    await user.type(screen.getByTestId("backup-folder"), "/media/usb");
    await user.click(screen.getByTestId("backup-create-to"));
    await waitFor(() => expect(api.backupCreate).toHaveBeenCalledWith("/media/usb"));
  });
});

describe("Base de datos dañada", () => {
  it("offers the latest good backup and restores it", async () => {
    const user = userEvent.setup();
    safety.status = {
      damaged: "La base de datos «/datos/mesa.db» está dañada (file is not a database).",
      latest_good_backup: backup(),
      last_backup_at: "2026-03-02T09:00:00-05:00",
      backups_dir: "/datos/backups",
    };
    vi.mocked(api.restoreLatestBackup).mockResolvedValue({
      restored: backup(),
      safety_copy: null,
      damaged_copy: "/datos/backups/danada.db",
    });
    vi.mocked(api.catalogs).mockResolvedValue({
      departments: [],
      service_types: [],
      staff: [],
      survey_questions: [],
      channels: [],
      asset_kinds: [],
      decommission_causes: [],
      infra_areas: [],
    });
    render(SafetyBanner);
    const banner = screen.getByTestId("damaged-banner");
    expect(banner.textContent).toContain("dañada");
    expect(screen.getByTestId("damaged-latest").textContent).toContain("1.234 casos");
    await user.click(screen.getByTestId("restore-latest"));
    await waitFor(() => expect(api.restoreLatestBackup).toHaveBeenCalled());
    await waitFor(() => expect(screen.queryByTestId("damaged-banner")).toBeNull());
  });
});
