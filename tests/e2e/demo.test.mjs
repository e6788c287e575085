// Real-window test of what a new user meets after loading the demo data: Inicio's «Casos
// abiertos por tipo de servicio» shows every service type's full name (nothing cut off), Equipos
// lists the demo inventory, and in Ajustes the logo is chosen through the file picker
// (`MESA_PICK_FILE` stands in for the native dialog), previewed and removed.
// tauri-driver + WebKitWebDriver under Xvfb, on a temporary data directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, cli, tempDir, sqlite, shot, clickVisible, waitNotice, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-demo-');
const sql = sqlite(join(dataDir, 'mesa.db'));
const logo = join(tempDir('mesa-e2e-logo-'), 'logo entidad.png');
// a valid 1×1 PNG
writeFileSync(
  logo,
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64'),
);
const port = 6400 + Math.floor(Math.random() * 400);
let driver;
let s;

before(async () => {
  execFileSync(cli, ['--data-dir', dataDir, 'demo', '--cases', '2000']);
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir, MESA_PICK_FILE: logo } }));
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

test('Inicio shows the full name of every service type in the chart', async () => {
  await (await s.byTestId('nav-inicio')).click();
  await s.byTestId('dash-by-type');
  const expected = sql(
    "SELECT DISTINCT service_type FROM tickets WHERE status NOT IN ('resolved', 'closed', 'cancelled') AND service_type IS NOT NULL",
  ).map((r) => r[0]);
  assert.ok(expected.length >= 5, `${expected.length} tipos abiertos`);
  const labels = await s.waitFor('labels', async () => {
    const l = await s.findAll('[data-testid="dash-by-type-label"]');
    return l.length === expected.length ? l : null;
  });
  const texts = await Promise.all(labels.map((l) => l.text()));
  assert.deepEqual([...texts].sort(), [...expected].sort());
  // each label is whole inside its panel: not clipped on either side, not overflowing
  const boxes = await s.execute(
    `const panel = document.querySelector('[data-testid="dash-by-type"]').getBoundingClientRect();
     return [...document.querySelectorAll('[data-testid="dash-by-type-label"]')].map((e) => {
       const r = e.getBoundingClientRect();
       return { text: e.textContent, left: r.left - panel.left, right: panel.right - r.right,
                overflow: e.scrollWidth - e.clientWidth };
     });`,
  );
  for (const b of boxes) {
    assert.ok(b.left >= 0 && b.right >= 0 && b.overflow <= 0, JSON.stringify(b));
  }
  await shot(s, 'inicio-tipos-de-servicio');
});

test('Equipos lists the demo inventory', async () => {
  await (await s.byTestId('nav-equipos')).click();
  const rows = await s.waitFor('asset rows', async () => {
    const r = await s.findAll('[data-testid="asset-row"]');
    return r.length > 0 ? r : null;
  });
  assert.ok(rows.length >= 40, `${rows.length} equipos`);
  await shot(s, 'equipos-demostracion');
  await (await s.byTestId('nav-mantenimiento')).click();
  await shot(s, 'mantenimiento-demostracion');
});

test('Ajustes: the logo is chosen in the file picker, previewed and removed', async () => {
  await (await s.byTestId('nav-ajustes')).click();
  await s.byTestId('logo-state');
  assert.equal((await s.findAll('[data-testid="logo-path"]')).length, 0, 'no path to type');
  await clickVisible(s, 'logo-pick');
  await waitNotice(s, /Logo cargado/);
  const img = await s.byTestId('logo-preview');
  assert.match(await img.attr('src'), /^data:image\/png;base64,iVBORw0KGgo/);
  const natural = await s.execute('return arguments[0].naturalWidth;', [img.ref()]);
  assert.equal(natural, 1, 'the preview image decodes');
  assert.deepEqual(sql("SELECT length(value) > 0 FROM settings WHERE key = 'entity_logo_png'"), [[1]]);
  await shot(s, 'ajustes-logo');
  await clickVisible(s, 'logo-remove');
  await waitNotice(s, /Logo quitado/);
  await s.byTestId('logo-state');
  assert.deepEqual(sql("SELECT value FROM settings WHERE key = 'entity_logo_png'"), [['']]);
});
