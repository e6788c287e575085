import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import type { ServerStatus } from "../../bindings/ServerStatus";
import type { SessionInfo } from "../../bindings/SessionInfo";
import { app } from "../../state.svelte";
import { session } from "../../session.svelte";
import SettingsServer from "./SettingsServer.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const sqlite: ServerStatus = {
  engine: "sqlite",
  sqlite_path: "/datos/mesa.db",
  host: null,
  port: null,
  database: null,
  user: null,
  server: null,
  password_stored: false,
  connected: true,
  engine_version: "3.46.0",
  schema_version: 19,
  error: null,
  migrated_at: null,
  migrated_from: null,
};

const onServer: ServerStatus = {
  ...sqlite,
  engine: "postgresql",
  host: "10.0.0.5",
  port: 5432,
  database: "mesa_ayuda",
  user: "mesa",
  server: "mesa@10.0.0.5:5432/mesa_ayuda",
  password_stored: true,
  engine_version: "15.18",
  schema_version: 4,
  migrated_at: "2026-12-02T16:00:00Z",
  migrated_from: "/datos/mesa.db",
};

function asRole(permissions: SessionInfo["permissions"]) {
  session.info = {
    accounts_enabled: true,
    principal: { login: "x", name: "X", cargo: "", role: "administrador" },
    role_label: "",
    permissions,
    idle_lock_minutes: 15,
    idle_lock_seconds: 900,
    roles: [],
    min_password_chars: 8,
    actor: "X",
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  app.error = null;
  app.notice = null;
  asRole(["settings"]);
  vi.mocked(api.sessionInfo).mockResolvedValue(session.info!);
  vi.mocked(api.catalogs).mockResolvedValue(null as never);
});

async function fillForm() {
  const user = userEvent.setup();
  await user.type(await screen.findByTestId("server-host"), "10.0.0.5");
  await user.clear(screen.getByTestId("server-database"));
  await user.type(screen.getByTestId("server-database"), "mesa_ayuda");
  await user.type(screen.getByTestId("server-user"), "mesa");
  await user.type(screen.getByTestId("server-password"), "clave");
  return user;
}

describe("Ajustes → Servidor", () => {
  it("shows the SQLite file, previews the counts and moves, then shows the server", async () => {
    vi.mocked(api.serverStatus).mockResolvedValueOnce(sqlite).mockResolvedValue(onServer);
    vi.mocked(api.serverPreview).mockResolvedValue({
      from: "/datos/mesa.db",
      to: "mesa@10.0.0.5:5432/mesa_ayuda",
      tables: [
        { table: "departments", rows: 12 },
        { table: "tickets", rows: 1500 },
      ],
      total_rows: 1512,
      server_ready: true,
      server_version: "15.18",
      server_problem: null,
    });
    vi.mocked(api.serverMove).mockResolvedValue({
      tables: [],
      total_rows: 1512,
      sampled_rows: 50,
      server_version: "15.18",
      to: "mesa@10.0.0.5:5432/mesa_ayuda",
      from: "/datos/mesa.db",
      seconds: 2.5,
    });
    render(SettingsServer);
    expect(await screen.findByTestId("server-file")).toHaveTextContent("/datos/mesa.db");
    const user = await fillForm();
    await user.click(screen.getByTestId("server-preview"));
    expect(api.serverPreview).toHaveBeenCalledWith({
      host: "10.0.0.5",
      port: 5432,
      database: "mesa_ayuda",
      user: "mesa",
      password: "clave",
    });
    const tickets = await screen.findByText("tickets");
    expect(tickets.closest("tr")).toHaveTextContent("1.500");
    expect(screen.getByTestId("server-ready")).toHaveTextContent(
      "Servidor listo: PostgreSQL 15.18",
    );
    await user.click(screen.getByTestId("server-move"));
    await waitFor(() =>
      expect(screen.getByTestId("server-status")).toHaveAttribute("data-engine", "postgresql"),
    );
    expect(app.notice).toMatch(/Copiadas 1\.512 filas a mesa@10\.0\.0\.5:5432\/mesa_ayuda/);
    expect(screen.getByTestId("server-address")).toHaveTextContent("10.0.0.5:5432/mesa_ayuda");
    expect(screen.getByTestId("server-use-local")).toBeInTheDocument();
  });

  it("a server that is not ready says why and cannot be moved to", async () => {
    vi.mocked(api.serverStatus).mockResolvedValue(sqlite);
    vi.mocked(api.serverPreview).mockResolvedValue({
      from: "/datos/mesa.db",
      to: "mesa@10.0.0.5:5432/mesa_ayuda",
      tables: [{ table: "tickets", rows: 3 }],
      total_rows: 3,
      server_ready: false,
      server_version: null,
      server_problem:
        "Servidor PostgreSQL: la base de datos de destino no está vacía (tiene 40 tablas)",
    });
    render(SettingsServer);
    const user = await fillForm();
    await user.click(screen.getByTestId("server-preview"));
    expect(await screen.findByTestId("server-problem")).toHaveTextContent("no está vacía");
    expect(screen.getByTestId("server-move")).toBeDisabled();
  });

  it("asks for the missing fields before calling the back end", async () => {
    vi.mocked(api.serverStatus).mockResolvedValue(sqlite);
    render(SettingsServer);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("server-preview"));
    expect(await screen.findByText(/Escriba el equipo servidor/)).toBeInTheDocument();
    expect(api.serverPreview).not.toHaveBeenCalled();
  });

  it("without the settings permission only the status is shown", async () => {
    asRole([]);
    vi.mocked(api.serverStatus).mockResolvedValue(onServer);
    render(SettingsServer);
    expect(await screen.findByTestId("server-engine")).toHaveTextContent("PostgreSQL");
    expect(screen.getByText(/Solo un administrador/)).toBeInTheDocument();
    expect(screen.queryByTestId("server-use-local")).toBeNull();
    expect(screen.queryByTestId("server-host")).toBeNull();
  });
});
