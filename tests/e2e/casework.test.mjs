// Real-window tests of work on a case after registration: reclassify a case with «Editar» and
// see its deadline change on the Colombian business calendar, then add an internal note and a
// public follow-up and see them (marked) in the case and in SQLite. tauri-driver +
// WebKitWebDriver under Xvfb, temp data dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, cli, tempDir, sqlite, shot, fill, clickVisible, openCase, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-casework-');
const sql = sqlite(join(dataDir, 'mesa.db'));
const port = 5700 + Math.floor(Math.random() * 400);
let driver;
let s;
let number;

function mesa(...args) {
  return execFileSync(cli, ['--data-dir', dataDir, ...args], { env: { ...process.env, MESA_DATA_DIR: dataDir } })
    .toString()
    .trim();
}

before(async () => {
  // Registered in a hurry: no type, the name misspelled. Received Friday 20 March 2026 at
  // 3 p.m.; Monday 23 is a holiday (San José).
  number = mesa(
    'ticket', 'new', '--requester', 'Ana Gutierez', '--department', 'Tesorería',
    '--description', 'El video beam de la sala no proyecta', '--received-at', '2026-03-20 15:00',
  );
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir } }));
  await s.byTestId('nav-casos', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

const text = async (id) => (await (await s.byTestId(id)).text()).trim();

test('reclassify a case with Editar and see its deadline change', async () => {
  await openCase(s, number);
  assert.match(await text('detail-resolution-due'), /31\/03\/2026/);
  await (await s.byTestId('detail-edit')).click();
  await fill(s, 'edit-requester', 'Ana Gutiérrez');
  await (await s.byTestId('edit-type')).setValue('Apoyo para alistamiento de equipos en reuniones');
  await fill(s, 'edit-reason', 'clasificado al revisar el correo');
  await shot(s, 'caso-editar');
  await clickVisible(s, 'edit-save');
  // 8 business hours from Friday 3 p.m.: Fri 15–18, (Mon holiday), Tue 08–12 and 14–15.
  await s.waitFor('nuevo plazo', async () => /24\/03\/2026/.test(await text('detail-resolution-due')));
  assert.equal(await text('detail-type'), 'Apoyo para alistamiento de equipos en reuniones');
  assert.equal(await text('detail-requester'), 'Ana Gutiérrez');
  const timeline = await text('timeline');
  assert.match(timeline, /Dato corregido/);
  assert.match(timeline, /Plazo recalculado/);
  assert.match(timeline, /clasificado al revisar el correo/);
  assert.deepEqual(sql('SELECT requester, service_type, resolution_due_at FROM tickets WHERE number = ?', [number]), [
    ['Ana Gutiérrez', 'Apoyo para alistamiento de equipos en reuniones', '2026-03-24T20:00:00Z'],
  ]);
});

test('add an internal note and a public follow-up', async () => {
  await fill(s, 'follow-up-text', 'Revisé el inventario: el video beam es IND-0042');
  await clickVisible(s, 'follow-up-internal');
  await fill(s, 'follow-up-minutes', '15');
  await clickVisible(s, 'follow-up-save');
  await s.waitFor('nota interna', async () => (await s.findAll('[data-testid="follow-up"]')).length === 1);
  // The internal note is not an attention: the response clock still runs.
  assert.deepEqual(sql('SELECT first_response_at FROM tickets WHERE number = ?', [number]), [[null]]);

  await fill(s, 'follow-up-text', 'Mañana a las 8 pasamos a revisar la conexión');
  await clickVisible(s, 'follow-up-public');
  await clickVisible(s, 'follow-up-save');
  await s.waitFor('seguimiento público', async () => (await s.findAll('[data-testid="follow-up"]')).length === 2);
  const items = await s.findAll('[data-testid="follow-up"]');
  assert.equal(await items[0].attr('data-visibility'), 'internal');
  assert.match(await items[0].text(), /Nota interna/);
  assert.match(await items[0].text(), /15 min/);
  assert.equal(await items[1].attr('data-visibility'), 'public');
  await shot(s, 'caso-seguimientos');
  const rows = sql(
    `SELECT f.visibility, f.minutes, f.actor FROM ticket_followups f JOIN tickets t ON t.id = f.ticket_id
     WHERE t.number = ? ORDER BY f.id`,
    [number],
  );
  assert.deepEqual(rows, [
    ['internal', 15, 'Técnico de sistemas'],
    ['public', null, 'Técnico de sistemas'],
  ]);
  // The public follow-up is the first attention.
  const [[first]] = sql('SELECT first_response_at FROM tickets WHERE number = ?', [number]);
  assert.ok(first, 'first attention recorded');
});
