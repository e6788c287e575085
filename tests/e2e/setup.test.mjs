// Real-window test of the first run: a fresh data folder opens the setup wizard (entidad,
// personal, cuenta de administrador — skipped here, logins stay off —, calendario, listo); it
// is completed with demo data, the cases appear in «Casos» with the new prefix and a «Datos de
// demostración» badge; the wizard is not shown again after a restart; the demo data is removed
// from Ajustes (after a backup).
// tauri-driver + WebKitWebDriver under Xvfb, on a temporary data directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, stopApp as stopAppFor } from './webdriver.mjs';
import { app, tempDir, sqlite, shot, fill, clickVisible, waitNotice, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-setup-');
const sql = sqlite(join(dataDir, 'mesa.db'));
let port = 6000 + Math.floor(Math.random() * 400);
let driver;
let s;

/** Starts the app and leaves the first-run wizard (if any) open. */
async function startApp() {
  port += 7;
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir }, firstRun: 'keep' }));
}

async function stopApp() {
  await stopAppFor({ session: s, driver, app, dataDir });
  s = null;
  driver = null;
}

before(async () => {
  await startApp();
});

after(async () => {
  await stopApp();
});

test('a fresh data folder opens the wizard; completing it with demo data shows the cases', async () => {
  await s.byTestId('setup-wizard', '', 30000);
  assert.equal((await s.findAll('[data-testid="nav-casos"]')).length, 0, 'no main window behind the wizard');
  await shot(s, 'asistente-entidad');

  // 1. Entidad
  await s.waitFor('settings loaded', async () => (await (await s.byTestId('setup-entity-name')).prop('value')) !== '');
  await fill(s, 'setup-entity-name', 'Alcaldía de Pueblo Bello');
  await fill(s, 'setup-entity-nit', '800.096.605-1');
  await fill(s, 'setup-prefix', 'SIS');
  await (await s.byTestId('setup-next')).click();
  // 2. Personal
  await fill(s, 'setup-tecnico', 'Édgar Cuello');
  await fill(s, 'setup-ingeniero', 'Diana Zuleta');
  await (await s.byTestId('setup-next')).click();
  // 3. Cuenta de administrador: recommended, skipped here (logins stay off)
  await s.byTestId('setup-admin-help');
  await (await s.byTestId('setup-admin-skip')).click();
  // 4. Calendario
  await s.byTestId('setup-calendar-help');
  await (await s.byTestId('setup-next')).click();
  // 5. Listo, with demo data
  const demo = await s.byTestId('setup-demo');
  await demo.click();
  assert.equal(await demo.prop('checked'), true);
  await shot(s, 'asistente-listo');
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
  assert.deepEqual(sql('SELECT count(*) FROM accounts'), [[0]], 'the administrator step was skipped');
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
  await shot(s, 'casos-demostracion');
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
  await clickVisible(s, 'demo-clear');
  await clickVisible(s, 'demo-clear-confirm');
  await waitNotice(s, /Se borraron [\d.]+ casos de demostración; la numeración vuelve a empezar en 0001/);
  await s.waitFor('badge gone', async () => (await s.findAll('[data-testid="demo-badge"]')).length === 0);
  assert.deepEqual(sql('SELECT count(*) FROM tickets'), [[0]]);
  assert.deepEqual(sql("SELECT count(*) FROM settings WHERE key = 'demo_data'"), [[0]]);
  const backups = readdirSync(join(dataDir, 'backups')).filter((f) => /-pre-demo-clear(-\d+)?\.db$/.test(f));
  assert.equal(backups.length, 1, readdirSync(join(dataDir, 'backups')).join(', '));
  // Demo data can be loaded again now that there are no cases.
  assert.equal(await (await s.byTestId('demo-load')).prop('disabled'), false);
  await sleep(100);
});
