// Real-window test of the first run: a fresh data folder opens the setup wizard (entidad,
// personal, calendario, listo); it is completed with demo data, the cases appear in «Casos»
// with the new prefix and a «Datos de demostración» badge; the wizard is not shown again
// after a restart; the demo data is removed from Ajustes (after a backup).
// tauri-driver + WebKitWebDriver under Xvfb, on a temporary data directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, sleep, stopApp as stopAppFor } from './webdriver.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const app = process.env.MESA_APP ?? join(root, 'target/debug/mesa-de-ayuda-ti');
const shots = join(root, 'target/e2e');
const dataDir = mkdtempSync(join(tmpdir(), 'mesa-e2e-setup-'));
const dbPath = join(dataDir, 'mesa.db');
let port = 6000 + Math.floor(Math.random() * 400);
let driver;
let s;

function sql(query, params = []) {
  const py = `import sqlite3, json, sys
c = sqlite3.connect(sys.argv[1])
print(json.dumps(c.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))`;
  return JSON.parse(execFileSync('python3', ['-c', py, dbPath, query, JSON.stringify(params)]).toString());
}

async function shot(name) {
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(shots, `${name}.png`), await s.screenshot());
}

async function fill(testId, value) {
  const el = await s.byTestId(testId);
  await el.clear();
  await el.type(value);
}

/** Starts the app and leaves the first-run wizard (if any) open. */
async function startApp() {
  port += 7;
  driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(port + 1000)], {
    env: { ...process.env, MESA_DATA_DIR: dataDir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  s = await Session.create(`http://127.0.0.1:${port}`, app, 60000, { firstRun: 'keep' });
}

async function stopApp() {
  await stopAppFor({ session: s, driver, app, dataDir });
  s = null;
  driver = null;
}

/** Scrolls the element to the middle of the window and clicks it (sections low in Ajustes). */
async function press(testId) {
  const el = await s.byTestId(testId);
  await s.execute('arguments[0].scrollIntoView({ block: "center" });', [el.ref()]);
  await el.click();
}

async function notice(re) {
  return s.waitFor(`aviso ${re}`, async () => {
    const n = await s.findAll('[data-testid="notice"]');
    return n[0] && re.test(await n[0].text());
  });
}

before(async () => {
  assert.ok(existsSync(app), `app binary missing: ${app} (build it with npx tauri build --debug --no-bundle)`);
  await startApp();
});

after(async () => {
  await stopApp();
});

test('a fresh data folder opens the wizard; completing it with demo data shows the cases', async () => {
  await s.byTestId('setup-wizard', '', 30000);
  assert.equal((await s.findAll('[data-testid="nav-casos"]')).length, 0, 'no main window behind the wizard');
  await shot('asistente-entidad');

  // 1. Entidad
  await s.waitFor('settings loaded', async () => (await (await s.byTestId('setup-entity-name')).prop('value')) !== '');
  await fill('setup-entity-name', 'Alcaldía de Pueblo Bello');
  await fill('setup-entity-nit', '800.096.605-1');
  await fill('setup-prefix', 'SIS');
  await (await s.byTestId('setup-next')).click();
  // 2. Personal
  await fill('setup-tecnico', 'Édgar Cuello');
  await fill('setup-ingeniero', 'Diana Zuleta');
  await (await s.byTestId('setup-next')).click();
  // 3. Calendario
  await s.byTestId('setup-calendar-help');
  await (await s.byTestId('setup-next')).click();
  // 4. Listo, with demo data
  const demo = await s.byTestId('setup-demo');
  await demo.click();
  assert.equal(await demo.prop('checked'), true);
  await shot('asistente-listo');
  await (await s.byTestId('setup-finish')).click();
  await s.byTestId('nav-casos', '', 120000);

  assert.deepEqual(
    sql("SELECT key, value FROM settings WHERE key IN ('entity_name', 'entity_nit', 'ticket_prefix', 'setup_done', 'demo_data') ORDER BY key"),
    [
      ['demo_data', '1'],
      ['entity_name', 'Alcaldía de Pueblo Bello'],
      ['entity_nit', '800.096.605-1'],
      ['setup_done', '1'],
      ['ticket_prefix', 'SIS'],
    ],
  );
  const staff = sql("SELECT name, role FROM staff WHERE role IN ('tecnico', 'ingeniero') ORDER BY level").map((r) => r.join(':'));
  assert.deepEqual(staff, ['Édgar Cuello:tecnico', 'Diana Zuleta:ingeniero']);
  const [[cases, demoCases]] = sql("SELECT count(*), sum(json_extract(extra, '$.demo') = 'sí') FROM tickets");
  assert.ok(cases >= 500, `${cases} demo cases`);
  assert.equal(demoCases, cases);

  assert.match(await (await s.byTestId('demo-badge')).text(), /Datos de demostración/);
  assert.match(await (await s.byTestId('status-demo')).text(), /Datos de demostración/);
  await (await s.byTestId('nav-casos')).click();
  await s.byTestId('case-list');
  const first = await s.waitFor('case rows', async () => (await s.findAll('[data-testid="case-row"]'))[0]);
  assert.match(await first.attr('data-number'), /^SIS-\d{4}-\d{4}$/);
  await shot('casos-demostracion');
});

test('after a restart the wizard is not shown again', async () => {
  await stopApp();
  await startApp();
  await s.byTestId('nav-casos', '', 30000);
  assert.equal((await s.findAll('[data-testid="setup-wizard"]')).length, 0);
  await s.byTestId('demo-badge');
});

test('the demo data is removed from Ajustes after a backup', async () => {
  await (await s.byTestId('nav-ajustes')).click();
  await press('demo-clear');
  await press('demo-clear-confirm');
  await notice(/Se borraron [\d.]+ casos de demostración; la numeración vuelve a empezar en 0001/);
  await s.waitFor('badge gone', async () => (await s.findAll('[data-testid="demo-badge"]')).length === 0);
  assert.deepEqual(sql('SELECT count(*) FROM tickets'), [[0]]);
  assert.deepEqual(sql("SELECT count(*) FROM settings WHERE key = 'demo_data'"), [[0]]);
  const backups = readdirSync(join(dataDir, 'backups')).filter((f) => /-pre-demo-clear(-\d+)?\.db$/.test(f));
  assert.equal(backups.length, 1, readdirSync(join(dataDir, 'backups')).join(', '));
  // Demo data can be loaded again now that there are no cases.
  assert.equal(await (await s.byTestId('demo-load')).prop('disabled'), false);
  await sleep(100);
});
