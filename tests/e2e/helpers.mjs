// Pieces shared by the real-window tests (tests/e2e/*.test.mjs): paths of the binaries, a
// temporary folder per file, SQLite reads of the app's database, screenshots into target/e2e,
// small UI actions (fill, click out of view, wait for the notice, cases) and the start of
// tauri-driver + the WebDriver session. Each helper takes the session it acts on.
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from './webdriver.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const app = process.env.MESA_APP ?? join(root, 'target/debug/mesa-de-ayuda-ti');
export const cli = process.env.MESA_CLI ?? join(root, 'target/debug/mesa');
const shots = join(root, 'target/e2e');

/** A new empty folder under the system temp dir, named `prefix` + random characters. */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `sql(query, params)` on the SQLite file `dbPath` (python3's sqlite3): the rows as arrays. */
export function sqlite(dbPath) {
  const py = `import sqlite3, json, sys
c = sqlite3.connect(sys.argv[1])
print(json.dumps(c.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))`;
  return (query, params = []) =>
    JSON.parse(execFileSync('python3', ['-c', py, dbPath, query, JSON.stringify(params)]).toString());
}

/** Saves a screenshot of the window as target/e2e/<name>.png. */
export async function shot(s, name) {
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(shots, `${name}.png`), await s.screenshot());
}

/** Clears the field and types `value` into it. */
export async function fill(s, testId, value) {
  const el = await s.byTestId(testId);
  await el.clear();
  await el.type(value);
}

/** Scrolls the element (a data-testid or an Element) to the middle of the window and clicks
 *  it (sections low in Ajustes, buttons under long forms). */
export async function clickVisible(s, target) {
  const el = typeof target === 'string' ? await s.byTestId(target) : target;
  await s.execute('arguments[0].scrollIntoView({ block: "center" });', [el.ref()]);
  await el.click();
}

/** Waits until the notice banner shows a text matching `re`. */
/** From now on, every text the notice banner shows is kept in the page (`window.__notices`):
 *  the banner hides itself after 6 s and the next notice replaces it, so a poll on a busy
 *  machine can miss it. `fresh` starts an empty record (else an existing one is kept). */
export async function recordNotices(s, fresh = true) {
  await s.execute(`
    if (!${fresh} && window.__noticeObserver) return;
    window.__notices = [];
    const seen = () => {
      for (const n of document.querySelectorAll('[data-testid="notice"]')) {
        const text = n.textContent.trim();
        if (text && window.__notices.at(-1) !== text) window.__notices.push(text);
      }
    };
    seen();
    window.__noticeObserver?.disconnect();
    window.__noticeObserver = new MutationObserver(seen);
    window.__noticeObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
  `);
}

/** The first notice matching `re` shown since the record started (it and the ones before it
 *  are taken off the record, so the same words from a later action are waited for anew). */
export async function takeNotice(s, re) {
  return s.execute(
    `const re = new RegExp(arguments[0], arguments[1]);
     const list = window.__notices ?? [];
     const i = list.findIndex((t) => re.test(t));
     if (i < 0) return null;
     const t = list[i];
     list.splice(0, i + 1);
     return t;`,
    [re.source, re.flags],
  );
}

export async function waitNotice(s, re, timeoutMs) {
  await recordNotices(s, false);
  return s.waitFor(
    `aviso ${re}`,
    async () => {
      const t = await takeNotice(s, re);
      if (t) return t;
      // A reload since the record started (the page's record is gone): record again.
      await recordNotices(s, false);
      const n = await s.findAll('[data-testid="notice"]');
      return n[0] && re.test(await n[0].text());
    },
    timeoutMs,
  );
}

export async function goToCases(s) {
  await (await s.byTestId('nav-casos')).click();
  await s.byTestId('case-list');
}

/** Registers a case through the form and returns the number the app shows. */
export async function registerCase(s, { requester, department, description, email, receivedAt }) {
  await goToCases(s);
  await (await s.byTestId('new-case-button')).click();
  await fill(s, 'case-requester', requester);
  await fill(s, 'case-department', department);
  if (email) await fill(s, 'case-email', email);
  await fill(s, 'case-description', description);
  if (receivedAt) await fill(s, 'case-received-at', receivedAt);
  await (await s.byTestId('case-save')).click();
  const number = (await (await s.byTestId('case-created-number')).text()).trim();
  assert.match(number, /^MA-\d{4}-\d{4,}$/);
  return number;
}

/** Finds the case in «Casos» and opens its detail (double click on its row). */
export async function openCase(s, number) {
  await goToCases(s);
  await fill(s, 'case-search', number);
  const row = await s.waitFor(`row ${number}`, async () =>
    (await s.findAll(`[data-testid="case-row"][data-number="${number}"]`))[0],
  );
  await s.execute('arguments[0].dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));', [row.ref()]);
  await s.waitFor('detail', async () => (await (await s.byTestId('detail-number')).text()).includes(number));
}

/** Starts tauri-driver on `port` (WebKitWebDriver on port + 1000) with `env` added to this
 *  process's environment, and a session on the app. `firstRun` as in Session.create: 'skip'
 *  presses «Omitir» in the first-run wizard, 'keep' leaves it open. Stop both with stopApp. */
export async function launch({ port, env = {}, firstRun = 'skip', application = app }) {
  assert.ok(existsSync(application), `app binary missing: ${application} (build it with npx tauri build --debug --no-bundle)`);
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(port + 1000)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    const session = await Session.create(`http://127.0.0.1:${port}`, application, 60000, { firstRun });
    return { driver, session };
  } catch (e) {
    driver.kill();
    throw e;
  }
}

/** Runs the real CLI on `dataDir` (as the account `user` = [login, password] when given, with
 *  `input` on stdin) and returns stdout; fails the test on a non-zero exit. */
export function mesaIn(dataDir, args, { user, input } = {}) {
  const env = { ...process.env, MESA_DATA_DIR: dataDir };
  delete env.MESA_USER;
  delete env.MESA_PASSWORD;
  if (user) Object.assign(env, { MESA_USER: user[0], MESA_PASSWORD: user[1] });
  const r = spawnSync(cli, ['--data-dir', dataDir, ...args], { env, input: input ?? '', encoding: 'utf8' });
  assert.equal(r.status, 0, `mesa ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
