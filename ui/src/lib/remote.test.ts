import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { applyRemoteChanges, debounced, REMOTE_DEBOUNCE_MS } from "./remote";
import { app } from "./state.svelte";
import { inbox } from "./features/inbox/inboxState.svelte";

vi.mock("./api", async () => (await import("../test/mockApi")).apiMock());

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("datos-cambiados", () => {
  it("a burst of notices reloads once, with every payload of the burst", () => {
    const fire = vi.fn();
    const push = debounced<number>(fire, REMOTE_DEBOUNCE_MS);
    push(1);
    vi.advanceTimersByTime(REMOTE_DEBOUNCE_MS - 1);
    push(2);
    push(3);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(REMOTE_DEBOUNCE_MS);
    expect(fire).toHaveBeenCalledTimes(1);
    expect(fire).toHaveBeenCalledWith([1, 2, 3]);
    push(4);
    vi.advanceTimersByTime(REMOTE_DEBOUNCE_MS);
    expect(fire).toHaveBeenLastCalledWith([4]);
  });

  it("cases reload the lists and the open case; mail also the Bandeja", () => {
    const rev = app.revision;
    const remote = app.remoteRevision;
    const box = inbox.revision;
    applyRemoteChanges([{ changes: [{ table: "tickets", id: 4 }], reconnected: false }]);
    expect(app.revision).toBe(rev + 1);
    expect(app.remoteRevision).toBe(remote + 1);
    expect(inbox.revision).toBe(box);
    applyRemoteChanges([
      { changes: [{ table: "tickets", id: 5 }], reconnected: false },
      { changes: [{ table: "mail_messages", id: 9 }], reconnected: false },
    ]);
    expect(app.revision).toBe(rev + 2);
    expect(inbox.revision).toBe(box + 1);
    applyRemoteChanges([{ changes: [], reconnected: true }]);
    expect(inbox.revision).toBe(box + 2);
  });
});
