// A dependency-free W3C WebDriver client over Node's fetch, enough to drive the real
// Tauri window through tauri-driver (which forwards to WebKitWebDriver). The helpers the test
// files share (SQLite reads, screenshots, launch) are in helpers.mjs.
import { readdirSync, readFileSync } from 'node:fs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /** Starts the app. A fresh data folder opens the first-run wizard: by default it is
   *  skipped with its «Omitir» button (as a user may do) so every test starts in the main
   *  window; `{ firstRun: 'keep' }` leaves the wizard open (tests/e2e/setup.test.mjs). */
  static async create(base, application, timeoutMs = 60000, { firstRun = 'skip' } = {}) {
    const session = await Session.start(base, application, timeoutMs);
    if (firstRun === 'skip') await session.skipFirstRun();
    return session;
  }

  static async start(base, application, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${base}/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            capabilities: { alwaysMatch: { 'tauri:options': { application } } },
          }),
        });
        const body = await res.json();
        if (res.ok && body.value?.sessionId) return new Session(base, body.value.sessionId);
        lastError = new Error(JSON.stringify(body));
      } catch (e) {
        lastError = e;
      }
      await sleep(500);
    }
    throw new Error(`could not start a WebDriver session: ${lastError}`);
  }

  async cmd(method, path, body) {
    const res = await fetch(`${this.base}/session/${this.id}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
      err.status = res.status;
      err.webdriver = json.value?.error;
      throw err;
    }
    return json.value;
  }

  /** Waits for the main window or the first-run wizard; in the wizard presses «Omitir». */
  async skipFirstRun(timeoutMs = 30000) {
    const shown = await this.waitFor(
      'main window or first-run wizard',
      async () => {
        const els = await this.findAll('[data-testid="nav-casos"], [data-testid="setup-skip"]');
        return els.length > 0 ? els[0].attr('data-testid') : null;
      },
      timeoutMs,
    );
    if (shown === 'setup-skip') {
      await (await this.byTestId('setup-skip')).click();
      await this.byTestId('nav-casos', '', timeoutMs);
    }
  }

  async close() {
    await this.cmd('DELETE', '').catch(() => {});
  }

  async execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  async executeAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  /** Finds one element by CSS selector, waiting until it exists. */
  async find(css, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
        return new Element(this, v[ELEMENT] ?? Object.values(v)[0]);
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`element not found: ${css} (${e.message})`);
        await sleep(150);
      }
    }
  }

  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((x) => new Element(this, x[ELEMENT] ?? Object.values(x)[0]));
  }

  byTestId(id, extra = '') {
    return this.find(`[data-testid="${id}"]${extra}`);
  }

  /** Waits until `fn` returns a truthy value. */
  async waitFor(what, fn, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        last = await fn();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
      await sleep(200);
    }
  }

  /** Screenshot as PNG bytes, after two animation frames so it does not trail the DOM. */
  async screenshot() {
    await this.executeAsync(
      'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));',
    );
    const b64 = await this.cmd('GET', '/screenshot');
    return Buffer.from(b64, 'base64');
  }
}

export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }
  click() {
    return this.s.cmd('POST', `/element/${this.id}/click`, {});
  }
  clear() {
    return this.s.cmd('POST', `/element/${this.id}/clear`, {});
  }
  type(text) {
    return this.s.cmd('POST', `/element/${this.id}/value`, { text });
  }
  text() {
    return this.s.cmd('GET', `/element/${this.id}/text`);
  }
  attr(name) {
    return this.s.cmd('GET', `/element/${this.id}/attribute/${name}`);
  }
  prop(name) {
    return this.s.cmd('GET', `/element/${this.id}/property/${name}`);
  }
  displayed() {
    return this.s.cmd('GET', `/element/${this.id}/displayed`);
  }
  /** Sets an input's value the way a user would, for controls WebDriver cannot type into
   *  reliably (select): assigns and dispatches input + change events. */
  async setValue(value) {
    await this.s.execute(
      `const el = arguments[0]; const v = arguments[1];
       const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype
         : el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
       Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, v);
       el.dispatchEvent(new Event('input', { bubbles: true }));
       el.dispatchEvent(new Event('change', { bubbles: true }));`,
      [{ [ELEMENT]: this.id }, value],
    );
  }
  ref() {
    return { [ELEMENT]: this.id };
  }
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Pids of app processes started for `dataDir` (found by their MESA_DATA_DIR). */
export function appPids(app, dataDir) {
  const pids = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (env.includes(`MESA_DATA_DIR=${dataDir}`) && cmd.startsWith(app)) pids.push(Number(pid));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

/** Ends the session and tauri-driver and makes sure the app has exited: a leftover app keeps
 *  the test runner's output open, and the single-instance plugin would hand the next test
 *  file's launch over to it. */
export async function stopApp({ session, driver, app, dataDir }) {
  if (session) await session.close();
  if (driver) driver.kill();
  for (const signal of [null, 'SIGTERM', 'SIGKILL']) {
    const deadline = Date.now() + 5000;
    for (const pid of signal ? appPids(app, dataDir) : []) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    while (appPids(app, dataDir).length > 0 && Date.now() < deadline) await sleep(200);
    if (appPids(app, dataDir).length === 0) break;
  }
  await sleep(300);
}
