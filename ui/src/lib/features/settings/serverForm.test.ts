import { describe, expect, it } from "vitest";
import { emptyServerForm, serverFormProblems } from "./serverForm";

describe("serverFormProblems", () => {
  it("asks for every missing field in Spanish", () => {
    const p = serverFormProblems({ ...emptyServerForm(), database: "" });
    expect(p).toEqual([
      "Escriba el equipo servidor (nombre o dirección IP).",
      "Escriba el nombre de la base de datos.",
      "Escriba el usuario de PostgreSQL.",
      "Escriba la contraseña del usuario de PostgreSQL.",
    ]);
  });

  it("refuses a port outside 1–65535 and accepts a complete form", () => {
    const ok = { host: "10.0.0.5", port: "5433", database: "mesa", user: "mesa", password: "x" };
    expect(serverFormProblems(ok)).toEqual([]);
    for (const port of ["0", "70000", "abc", "54.3"]) {
      expect(serverFormProblems({ ...ok, port })).toHaveLength(1);
    }
  });
});
