// The «Mover a un servidor PostgreSQL» form of Ajustes → Servidor: its empty state and the
// checks made before asking the back end (which checks again and explains the server's answer).

export interface ServerFormState {
  host: string;
  port: string | number;
  database: string;
  user: string;
  password: string;
}

export function emptyServerForm(): ServerFormState {
  return { host: "", port: "5432", database: "mesa_ayuda", user: "", password: "" };
}

/** Spanish problems of the form (empty when it can be sent). */
export function serverFormProblems(f: ServerFormState): string[] {
  const out: string[] = [];
  if (!f.host.trim()) out.push("Escriba el equipo servidor (nombre o dirección IP).");
  const port = Number(String(f.port).trim());
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    out.push("El puerto debe ser un número entre 1 y 65535 (PostgreSQL usa 5432).");
  if (!f.database.trim()) out.push("Escriba el nombre de la base de datos.");
  if (!f.user.trim()) out.push("Escriba el usuario de PostgreSQL.");
  if (!f.password) out.push("Escriba la contraseña del usuario de PostgreSQL.");
  return out;
}
