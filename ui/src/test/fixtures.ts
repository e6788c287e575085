import type { Catalogs } from "../lib/bindings/Catalogs";
import type { Ticket } from "../lib/bindings/Ticket";

export function makeTicket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    number: "MA-2026-0001",
    legacy_number: null,
    received_at: "2026-03-02T09:15:00-05:00",
    registered_at: "2026-03-02T09:20:00-05:00",
    requester: "Ana Pérez",
    department: "Tesorería",
    location: "Piso 2",
    phone: "1234",
    email: "ana@example.gov.co",
    channel: "correo",
    origin: "interna",
    service_type: "Impresoras",
    level: 1,
    priority: "media",
    urgency: 2,
    impact: 2,
    assignee: null,
    status: "new",
    response_due_at: "2026-03-03T15:15:00-05:00",
    resolution_due_at: "2026-03-05T09:15:00-05:00",
    first_response_at: null,
    resolved_at: null,
    closed_at: null,
    close_reason: null,
    description: "La impresora no imprime",
    solution: null,
    asset_tag: null,
    survey: null,
    survey_due_at: null,
    source: null,
    extra: {},
    overdue: false,
    due_soon: false,
    version: 7,
    ...overrides,
  };
}

export const catalogs: Catalogs = {
  departments: ["Tesorería", "Secretaría General", "Planeación"],
  service_types: [
    {
      name: "Impresoras",
      default_level: 1,
      response_minutes: 720,
      resolution_minutes: 960,
      default_assignee: "Carlos Ruiz",
    },
    {
      name: "Redes",
      default_level: 2,
      response_minutes: 240,
      resolution_minutes: 1440,
      default_assignee: null,
    },
  ],
  staff: [
    { name: "Carlos Ruiz", role: "tecnico", level: 1, active: true },
    { name: "Laura Gómez", role: "ingeniero", level: 2, active: true },
    { name: "Retirado", role: "tecnico", level: 1, active: false },
  ],
  survey_questions: ["¿Le atendieron a tiempo?", "¿Quedó solucionado?"],
  channels: ["correo", "teléfono", "presencial"],
  asset_kinds: ["Computador de escritorio", "Portátil", "Impresora", "UPS", "Firewall", "Otro"],
  decommission_causes: ["Obsolescencia tecnológica", "Daño irreparable"],
  infra_areas: ["Refrigeración", "Telefonía IP"],
};

/** The roles as core serves them in the session (`people::roles()`). */
export const roles: import("../lib/bindings/RoleInfo").RoleInfo[] = [
  { role: "administrador", label: "Administrador" },
  { role: "tecnico", label: "Técnico" },
  { role: "auxiliar", label: "Auxiliar / contratista" },
  { role: "consulta", label: "Consulta" },
];
