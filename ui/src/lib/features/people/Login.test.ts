import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { roles as fixtureRoles } from "../../../test/fixtures";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../api";
import Login from "./Login.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const principal = { login: "tomas", name: "Tomás Técnico", cargo: "Técnico", role: "tecnico" };

beforeEach(() => {
  vi.clearAllMocks();
  vi.mocked(api.sessionInfo).mockResolvedValue({
    accounts_enabled: true,
    principal: principal as never,
    role_label: "Técnico",
    permissions: ["case_register"],
    idle_lock_minutes: 15,
    idle_lock_seconds: 900,
    roles: fixtureRoles,
    min_password_chars: 8,
    actor: "Tomás Técnico",
  });
});

describe("Login", () => {
  it("submits with Enter and enters", async () => {
    vi.mocked(api.login).mockResolvedValue(principal as never);
    const onenter = vi.fn();
    render(Login, { onenter });
    await fireEvent.input(screen.getByTestId("login-user"), { target: { value: "tomas" } });
    await fireEvent.input(screen.getByTestId("login-password"), { target: { value: "secreta-1" } });
    await fireEvent.submit(screen.getByTestId("login-password").closest("form")!);
    await waitFor(() => expect(onenter).toHaveBeenCalledWith("tomas"));
    expect(api.login).toHaveBeenCalledWith("tomas", "secreta-1");
  });

  it("shows the core's message on a wrong password", async () => {
    vi.mocked(api.login).mockRejectedValue({
      code: "login_failed",
      message: "Usuario o contraseña incorrectos.",
    });
    render(Login, { onenter: vi.fn() });
    await fireEvent.input(screen.getByTestId("login-user"), { target: { value: "tomas" } });
    await fireEvent.input(screen.getByTestId("login-password"), { target: { value: "mala" } });
    await fireEvent.click(screen.getByTestId("login-submit"));
    expect(await screen.findByTestId("login-error")).toHaveTextContent("incorrectos");
  });

  it("warns when caps lock is on", async () => {
    render(Login, { onenter: vi.fn() });
    const pw = screen.getByTestId("login-password");
    const ev = new KeyboardEvent("keyup", { key: "A", bubbles: true });
    Object.defineProperty(ev, "getModifierState", { value: (k: string) => k === "CapsLock" });
    pw.dispatchEvent(ev);
    expect(await screen.findByTestId("login-caps")).toBeInTheDocument();
  });

  it("asks for a new password at the first login and checks the repetition", async () => {
    vi.mocked(api.login).mockRejectedValue({
      code: "password_not_set",
      message: "La cuenta «tomas» aún no tiene contraseña",
    });
    vi.mocked(api.loginFirstPassword).mockResolvedValue(principal as never);
    const onenter = vi.fn();
    render(Login, { onenter });
    await fireEvent.input(screen.getByTestId("login-user"), { target: { value: "tomas" } });
    await fireEvent.input(screen.getByTestId("login-password"), { target: { value: "x" } });
    await fireEvent.click(screen.getByTestId("login-submit"));
    const repeat = await screen.findByTestId("login-repeat");
    await fireEvent.input(screen.getByTestId("login-password"), {
      target: { value: "nueva-clave-1" },
    });
    await fireEvent.input(repeat, { target: { value: "otra-clave-2" } });
    await fireEvent.click(screen.getByTestId("login-submit"));
    expect(await screen.findByTestId("login-error")).toHaveTextContent("no coinciden");
    await fireEvent.input(repeat, { target: { value: "nueva-clave-1" } });
    await fireEvent.click(screen.getByTestId("login-submit"));
    await waitFor(() => expect(onenter).toHaveBeenCalledWith("tomas"));
    expect(api.loginFirstPassword).toHaveBeenCalledWith("tomas", "nueva-clave-1");
  });
});
