import { beforeEach, describe, expect, it } from "vitest";
import type { SafetyStatus } from "./bindings/SafetyStatus";
import { safety } from "./safety.svelte";
import { app, clearError, showError, visibleError } from "./state.svelte";

const damaged = { code: "database_damaged", message: "La base de datos está dañada" };

describe("the error banner", () => {
  beforeEach(() => {
    clearError();
    safety.status = null;
  });

  it("leaves a damaged database to the safety banner, whichever arrives first", () => {
    // The error first (a screen's load fails), then the safety status.
    showError(damaged);
    expect(visibleError()).toBe("La base de datos está dañada");
    safety.status = { damaged: "archivo dañado" } as unknown as SafetyStatus;
    expect(visibleError()).toBeNull();
    // And after it.
    showError(damaged);
    expect(visibleError()).toBeNull();
    // Any other error still shows, e.g. a failed restore.
    showError({ code: "no_backup", message: "No hay copias de seguridad" });
    expect(visibleError()).toBe("No hay copias de seguridad");
    expect(app.errorCode).toBe("no_backup");
  });
});
