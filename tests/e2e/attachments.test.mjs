// Real-window test of attachments (issue 13): open a case, attach a file through the picker
// (MESA_PICK_FILE answers the open dialog), see it listed and on the timeline, check its row in
// the database and its blob on disk (content-addressed by SHA-256), save a copy
// (MESA_EXPORT_DIR answers the save dialog) and remove it with a reason. tauri-driver +
// WebKitWebDriver under Xvfb, its own temp data dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, stopApp as stopAppFor } from './webdriver.mjs';
import { app, tempDir, sqlite, shot, fill, clickVisible, waitNotice, registerCase, openCase, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-attach-');
const exportDir = tempDir('mesa-e2e-attach-export-');
const srcDir = tempDir('mesa-e2e-attach-src-');
const dbPath = join(dataDir, 'mesa.db');
const picked = join(srcDir, 'pantallazo del error.pdf');
const content = Buffer.from('%PDF-1.4\n% pantallazo del error de nómina\n%%EOF\n');
writeFileSync(picked, content);
const sha = createHash('sha256').update(content).digest('hex');
const sql = sqlite(dbPath);
const port = 6300 + Math.floor(Math.random() * 500);
let driver;
let s;

before(async () => {
  ({ driver, session: s } = await launch({
    port,
    env: { MESA_DATA_DIR: dataDir, MESA_EXPORT_DIR: exportDir, MESA_PICK_FILE: picked },
  }));
  await s.byTestId('nav-casos', '', 30000);
});

after(async () => {
  await stopAppFor({ session: s, driver, app, dataDir });
  await sleep(200);
});

test('attach a file to a case through the picker: listed, on the timeline, row and blob on disk', async () => {
  const number = await registerCase(s, {
    requester: 'Nubia Cuello',
    department: 'Tesorería',
    description: 'El sistema de nómina muestra un error al liquidar',
  });
  await openCase(s, number);
  await s.byTestId('attachment-empty');
  await clickVisible(s, 'attachment-add');
  const row = await s.waitFor('attachment row', async () =>
    (await s.findAll('[data-testid="attachment-row"][data-name="pantallazo del error.pdf"]'))[0],
  );
  const text = await row.text();
  assert.match(text, /Documento PDF/);
  assert.match(text, /bytes/);
  await waitNotice(s, /pantallazo del error\.pdf/);
  await s.waitFor('timeline entry', async () => {
    for (const e of await s.findAll('[data-testid="timeline-entry"]')) {
      if (/Adjunto agregado/.test(await e.text())) return true;
    }
    return false;
  });
  await shot(s, 'attachments-listed');

  // The row and the blob.
  const rows = sql(
    `SELECT a.name, a.size, a.media_type, a.sha256, a.removed_at FROM attachments a
     JOIN tickets t ON t.id = a.ticket_id WHERE t.number = ?`,
    [number],
  );
  assert.deepEqual(rows, [['pantallazo del error.pdf', content.length, 'application/pdf', sha, null]]);
  const blob = join(dataDir, 'attachments', sha.slice(0, 2), sha.slice(2));
  assert.ok(existsSync(blob), blob);
  assert.deepEqual(readFileSync(blob), content);

  // «Guardar copia» writes it where the user chose (here MESA_EXPORT_DIR).
  await clickVisible(s, 'attachment-save');
  const copy = join(exportDir, 'pantallazo del error.pdf');
  await s.waitFor('copy saved', async () => existsSync(copy));
  assert.deepEqual(readFileSync(copy), content);

  // «Quitar» asks the reason; the row stays, marked, and the blob goes (nothing else refers to it).
  await clickVisible(s, 'attachment-remove');
  await fill(s, 'attachment-remove-reason', 'Se adjuntó al caso equivocado');
  await clickVisible(s, 'attachment-remove-yes');
  await s.waitFor('removed', async () => (await s.findAll('[data-testid="attachment-removed"]')).length === 1);
  assert.equal(sql('SELECT remove_reason FROM attachments')[0][0], 'Se adjuntó al caso equivocado');
  assert.ok(!existsSync(blob));
});
