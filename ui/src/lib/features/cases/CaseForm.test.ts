import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { catalogs, makeTicket } from "../../../test/fixtures";
import { api } from "../../api";
import { app, emptyFilters } from "../../state.svelte";
import CaseForm from "./CaseForm.svelte";

vi.mock("../../api", async () => (await import("../../../test/mockApi")).apiMock());

const create = vi.mocked(api.ticketCreate);

beforeEach(() => {
  vi.clearAllMocks();
  app.catalogs = catalogs;
  app.error = null;
  app.filters = emptyFilters();
  app.view = { name: "nuevo" };
});

describe("CaseForm", () => {
  it("shows Spanish errors and does not call the back end when required fields are empty", async () => {
    render(CaseForm);
    await fireEvent.click(screen.getByTestId("case-save"));
    expect(await screen.findByText("Escriba el nombre del solicitante.")).toBeInTheDocument();
    expect(screen.getByText("Escriba la dependencia del solicitante.")).toBeInTheDocument();
    expect(screen.getByText("Describa lo que solicita o lo que ocurre.")).toBeInTheDocument();
    expect(screen.getByTestId("case-requester")).toHaveAttribute("aria-invalid", "true");
    expect(create).not.toHaveBeenCalled();
  });

  it("rejects only the empty requester when the rest is filled", async () => {
    const user = userEvent.setup();
    render(CaseForm);
    await user.type(screen.getByTestId("case-department"), "Tesorería");
    await user.type(screen.getByTestId("case-description"), "No enciende");
    await user.click(screen.getByTestId("case-save"));
    expect(await screen.findByText("Escriba el nombre del solicitante.")).toBeInTheDocument();
    expect(screen.queryByText("Escriba la dependencia del solicitante.")).toBeNull();
    expect(create).not.toHaveBeenCalled();
  });

  it("has labels for its fields and defaults (canal correo, urgencia/impacto 2, recibido ahora)", () => {
    render(CaseForm);
    expect(screen.getByLabelText(/Solicitante/)).toBe(screen.getByTestId("case-requester"));
    expect(screen.getByLabelText(/Dependencia/)).toBe(screen.getByTestId("case-department"));
    expect((screen.getByTestId("case-channel") as HTMLSelectElement).value).toBe("correo");
    expect((screen.getByTestId("case-urgency") as HTMLSelectElement).value).toBe("2");
    expect((screen.getByTestId("case-impact") as HTMLSelectElement).value).toBe("2");
    expect(screen.getByLabelText(/Recibido el/)).toBe(screen.getByTestId("case-received-at"));
    expect((screen.getByTestId("case-received-at") as HTMLInputElement).value).toMatch(
      /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/,
    );
  });

  it("submits the NewTicket and shows the new number", async () => {
    const user = userEvent.setup();
    create.mockResolvedValue(makeTicket({ number: "MA-2026-0042" }));
    render(CaseForm);

    await user.type(screen.getByTestId("case-requester"), "  Ana Pérez ");
    await user.type(screen.getByTestId("case-department"), "Tesorería");
    await user.type(screen.getByTestId("case-location"), "Piso 2");
    await user.type(screen.getByTestId("case-phone"), "1234");
    await user.type(screen.getByTestId("case-email"), "ana@example.gov.co");
    await user.selectOptions(screen.getByTestId("case-channel"), "teléfono");
    await user.selectOptions(screen.getByTestId("case-origin"), "externa");
    await user.selectOptions(screen.getByTestId("case-type"), "Redes");
    await user.type(screen.getByTestId("case-asset"), "PL-001");
    await user.selectOptions(screen.getByTestId("case-urgency"), "1");
    await user.selectOptions(screen.getByTestId("case-impact"), "3");
    await user.type(screen.getByTestId("case-description"), "Sin red en la oficina");
    const received = screen.getByTestId("case-received-at");
    await user.clear(received);
    await user.type(received, "2/3/2026 9:15 a. m.");
    await user.click(screen.getByTestId("case-save"));

    await waitFor(() => expect(create).toHaveBeenCalledTimes(1));
    expect(create).toHaveBeenCalledWith({
      requester: "Ana Pérez",
      department: "Tesorería",
      description: "Sin red en la oficina",
      received_at: "2026-03-02T09:15",
      location: "Piso 2",
      phone: "1234",
      email: "ana@example.gov.co",
      channel: "teléfono",
      origin: "externa",
      service_type: "Redes",
      asset_tag: "PL-001",
      urgency: 1,
      impact: 3,
    });
    expect(received).toHaveValue("02/03/2026 09:15");
    const number = await screen.findByTestId("case-created-number");
    expect(number.textContent).toBe("MA-2026-0042");
    expect(app.revision).toBeGreaterThan(0);
  });

  it("sends nulls for empty optional fields and saves with Enter in a single-line input", async () => {
    const user = userEvent.setup();
    create.mockResolvedValue(makeTicket({ number: "MA-2026-0007" }));
    render(CaseForm);
    await user.type(screen.getByTestId("case-department"), "Planeación");
    await user.type(screen.getByTestId("case-description"), "Clave bloqueada");
    await user.type(screen.getByTestId("case-requester"), "Juan{Enter}");
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1));
    const input = create.mock.calls[0][0];
    expect(input).toMatchObject({
      requester: "Juan",
      location: null,
      phone: null,
      email: null,
      asset_tag: null,
      service_type: null,
      channel: "correo",
      origin: "interna",
      urgency: 2,
      impact: 2,
    });
    expect(await screen.findByTestId("case-created-number")).toHaveTextContent("MA-2026-0007");
  });

  it("saves with Ctrl+Enter in the description", async () => {
    const user = userEvent.setup();
    create.mockResolvedValue(makeTicket({ number: "MA-2026-0008" }));
    render(CaseForm);
    await user.type(screen.getByTestId("case-requester"), "Juan");
    await user.type(screen.getByTestId("case-department"), "Planeación");
    await user.type(
      screen.getByTestId("case-description"),
      "Pantalla rota{Control>}{Enter}{/Control}",
    );
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1));
  });

  it("suggests previous requesters and fills their data only when one is picked", async () => {
    const user = userEvent.setup();
    vi.mocked(api.ticketList).mockResolvedValue({
      total: 3,
      items: [
        makeTicket({
          requester: "Ana Pérez",
          department: "Tesorería",
          location: "Piso 2",
          phone: "1234",
          email: "ana@x.gov.co",
        }),
        makeTicket({ requester: "ana pérez", department: "Otra" }),
        makeTicket({ requester: "Juan Ana", department: "Planeación", description: "ana" }),
        makeTicket({ requester: "Pedro", department: "Hacienda", description: "dice Ana" }),
      ],
    });
    render(CaseForm);
    await user.type(screen.getByTestId("case-requester"), "Ana");
    const list = await screen.findByTestId("requester-suggestions");
    expect(vi.mocked(api.ticketList)).toHaveBeenCalledWith(
      expect.objectContaining({ search: "Ana", limit: 30, offset: 0 }),
    );
    const options = list.querySelectorAll("button");
    expect(options).toHaveLength(2); // de-duplicated, and "Pedro" does not match the requester
    expect((screen.getByTestId("case-department") as HTMLInputElement).value).toBe("");
    await user.click(options[0]);
    expect((screen.getByTestId("case-requester") as HTMLInputElement).value).toBe("Ana Pérez");
    expect((screen.getByTestId("case-department") as HTMLInputElement).value).toBe("Tesorería");
    expect((screen.getByTestId("case-location") as HTMLInputElement).value).toBe("Piso 2");
    expect((screen.getByTestId("case-phone") as HTMLInputElement).value).toBe("1234");
    expect((screen.getByTestId("case-email") as HTMLInputElement).value).toBe("ana@x.gov.co");
    expect(screen.queryByTestId("requester-suggestions")).toBeNull();
  });

  it("shows the back-end message in the error banner state when saving fails", async () => {
    const user = userEvent.setup();
    create.mockRejectedValue({ code: "validation", message: "La dependencia no existe." });
    render(CaseForm);
    await user.type(screen.getByTestId("case-requester"), "Juan");
    await user.type(screen.getByTestId("case-department"), "X");
    await user.type(screen.getByTestId("case-description"), "Algo");
    await user.click(screen.getByTestId("case-save"));
    await waitFor(() => expect(app.error).toBe("La dependencia no existe."));
    expect(screen.queryByTestId("case-created-number")).toBeNull();
  });
});

describe("CaseForm from a mail of the Bandeja", () => {
  const draft = {
    requester: "Nubia Cuello",
    department: "Por definir",
    description: "No imprime\n\nLa impresora del piso 2 no imprime.",
    received_at: "2026-12-01T08:05:00-05:00",
    location: null,
    phone: "Ext. 214",
    email: "nubia@entidad.gov.co",
    channel: "correo",
    origin: null,
    service_type: null,
    asset_tag: null,
    urgency: null,
    impact: null,
  };

  it("is prefilled by the core, keeps the mail's arrival and address, and registers the mail", async () => {
    const user = userEvent.setup();
    vi.mocked(api.mailDraft).mockResolvedValue(draft);
    vi.mocked(api.mailRegister).mockResolvedValue("MA-2026-0007");
    render(CaseForm, { props: { mail: 12 } });
    await waitFor(() =>
      expect((screen.getByTestId("case-requester") as HTMLInputElement).value).toBe("Nubia Cuello"),
    );
    expect(api.mailDraft).toHaveBeenCalledWith(12);
    expect((screen.getByTestId("case-received-at") as HTMLInputElement).value).toBe(
      "01/12/2026 08:05",
    );
    expect(screen.getByTestId("case-received-at")).toHaveAttribute("readonly");
    expect(screen.getByTestId("case-email")).toHaveAttribute("readonly");
    expect((screen.getByTestId("case-phone") as HTMLInputElement).value).toBe("Ext. 214");
    const dep = screen.getByTestId("case-department");
    await user.clear(dep);
    await user.type(dep, "Tesorería");
    await user.click(screen.getByTestId("case-save"));
    expect(await screen.findByTestId("case-created-number")).toHaveTextContent("MA-2026-0007");
    expect(api.mailRegister).toHaveBeenCalledWith(12, {
      requester: "Nubia Cuello",
      department: "Tesorería",
      location: null,
      phone: "Ext. 214",
      description: "No imprime\n\nLa impresora del piso 2 no imprime.",
      service_type: null,
      urgency: 2,
      impact: 2,
    });
    expect(create).not.toHaveBeenCalled();
  });
});
