// Linked cases in the real window (issue 13): mark a case as duplicate of another from the
// «Casos relacionados» panel; it is cancelled with the link and both cases show it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, cli, tempDir, sqlite, shot, fill, clickVisible, waitNotice, openCase, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-links-');
const sql = sqlite(join(dataDir, 'mesa.db'));
const port = 4444 + Math.floor(Math.random() * 500);
let driver;
let s;

function mesa(...args) {
  return execFileSync(cli, ['--data-dir', dataDir, ...args], {
    env: { ...process.env, MESA_DATA_DIR: dataDir },
  })
    .toString()
    .trim();
}

before(async () => {
  ({ driver, session: s } = await launch({
    port,
    env: { MESA_DATA_DIR: dataDir },
  }));
  await s.byTestId('nav-casos', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

test('mark a duplicate in the window: it is cancelled and both cases show the link', async () => {
  const newCase = (requester) =>
    mesa('ticket', 'new', '--requester', requester, '--department', 'Tesorería', '--description', 'Sin red en el piso 2');
  const original = newCase('Ana Gutiérrez');
  const dup = newCase('Luis Pérez');

  await openCase(s, dup);
  await s.byTestId('links');
  await s.waitFor('tipos de vínculo', async () => (await s.findAll('[data-testid="link-kind"] option')).length === 3);
  await (await s.byTestId('link-kind')).setValue('duplicate');
  await s.byTestId('link-duplicate-warning');
  await fill(s, 'link-other', original);
  await clickVisible(s, 'link-submit');
  await waitNotice(s, /vinculados/);
  await s.waitFor('anulado', async () => (await (await s.byTestId('detail-status')).text()).includes('Anulado'));
  const row = await s.byTestId('link-row');
  const text = await row.text();
  assert.ok(text.includes('Duplicado de') && text.includes(original), text);
  assert.equal((await s.findAll('[data-testid="link-remove"]')).length, 0);
  await shot(s, 'caso-duplicado');

  assert.deepEqual(sql('SELECT status FROM tickets WHERE number = ?', [dup]), [['cancelled']]);
  assert.deepEqual(
    sql(
      `SELECT note FROM ticket_events WHERE kind = 'cancel'
         AND ticket_id = (SELECT id FROM tickets WHERE number = ?)`,
      [dup],
    ),
    [[`Duplicado de ${original}`]],
  );

  // The original shows it too: open it from the link.
  await clickVisible(s, 'link-open');
  await s.waitFor('original', async () => (await (await s.byTestId('detail-number')).text()).includes(original));
  await s.waitFor('vínculo en el original', async () => {
    const rows = await s.findAll('[data-testid="link-row"]');
    return rows[0] && (await rows[0].text()).includes(dup);
  });
  assert.ok((await (await s.byTestId('link-row')).text()).includes('Tiene como duplicado'));
  assert.ok((await (await s.byTestId('detail-status')).text()).includes('Nuevo'));
  await shot(s, 'caso-original');
});
