import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { t } from "./es";

const SRC = join(__dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "bindings" && name !== "test") out.push(...sourceFiles(p));
    } else if ((name.endsWith(".svelte") || name.endsWith(".ts")) && !name.endsWith(".test.ts")) {
      out.push(p);
    }
  }
  return out;
}

function resolve(path: string[]): unknown {
  let cur: unknown = t;
  for (const key of path) {
    if (typeof cur === "function") return cur; // t.cases.total(n)
    if (cur === null || typeof cur !== "object" || !(key in (cur as object))) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

describe("message catalog", () => {
  const files = sourceFiles(SRC);

  it("finds the components", () => {
    expect(files.some((f) => f.endsWith("CaseForm.svelte"))).toBe(true);
  });

  it("has every key referenced by components and modules", () => {
    const missing: string[] = [];
    let count = 0;
    for (const file of files) {
      if (file.endsWith(join("i18n", "es.ts"))) continue;
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)/g)) {
        count++;
        if (resolve(m[1].split(".")) === undefined) missing.push(`${file}: t.${m[1]}`);
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it("has no empty messages", () => {
    const empty: string[] = [];
    const walk = (o: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === "string" && v.trim() === "") empty.push(prefix + k);
        else if (v && typeof v === "object") walk(v as Record<string, unknown>, `${prefix}${k}.`);
      }
    };
    walk(t as unknown as Record<string, unknown>, "t.");
    expect(empty).toEqual([]);
  });

  it("components contain no hard-coded visible text outside the catalog", () => {
    const offenders: string[] = [];
    for (const file of files.filter((f) => f.endsWith(".svelte"))) {
      let text = readFileSync(file, "utf8")
        .replace(/<script[\s\S]*?<\/script>/g, "")
        .replace(/<style[\s\S]*?<\/style>/g, "");
      // drop {...} expressions (with nesting)
      let out = "";
      let depth = 0;
      for (const ch of text) {
        if (ch === "{") depth++;
        else if (ch === "}") depth = Math.max(0, depth - 1);
        else if (depth === 0) out += ch;
      }
      text = out.replace(/<[^>]*>/g, " ");
      const words = text.match(/[A-Za-zÁÉÍÓÚÑáéíóúñ]{2,}/g);
      if (words) offenders.push(`${file}: ${words.join(" ")}`);
    }
    expect(offenders).toEqual([]);
  });

  it("labels every ticket status in Spanish", () => {
    expect(t.status).toEqual({
      new: "Nuevo",
      assigned: "Asignado",
      in_progress: "En proceso",
      on_hold: "En espera",
      resolved: "Solucionado",
      closed: "Cerrado",
      cancelled: "Anulado",
    });
  });
});
