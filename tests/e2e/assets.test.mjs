// Real-window tests of «Equipos» and «Mantenimiento»: create an equipment, open its hoja de
// vida, generate its PDF, create the plan, program and log a maintenance, and see it marked
// executed (E) in the cronograma. tauri-driver + WebKitWebDriver under Xvfb, temp data dir;
// MESA_EXPORT_DIR makes «save document» write there without the native dialog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, tempDir, sqlite, shot, fill, clickVisible, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-assets-');
const exportDir = tempDir('mesa-e2e-export-');
const sql = sqlite(join(dataDir, 'mesa.db'));
const port = 5100 + Math.floor(Math.random() * 500);
const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Bogota', year: 'numeric' }).format(new Date()));
const month = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Bogota', month: 'numeric' }).format(new Date()));
let driver;
let s;

before(async () => {
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir, MESA_EXPORT_DIR: exportDir } }));
  await s.byTestId('nav-equipos', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

test('create an equipment and open its hoja de vida', async () => {
  await (await s.byTestId('nav-equipos')).click();
  await s.byTestId('asset-empty');
  await (await s.byTestId('asset-new')).click();
  await fill(s, 'asset-tag', 'ind-0777');
  await fill(s, 'asset-kind', 'Computador de escritorio');
  await fill(s, 'asset-brand', 'Lenovo');
  await fill(s, 'asset-model', 'ThinkCentre M70q');
  await fill(s, 'asset-serial', 'MJ0ABC12');
  await fill(s, 'asset-department', 'Tesorería');
  await fill(s, 'asset-custodian', 'Iván Muñoz');
  await (await s.byTestId('asset-save')).click();
  // The app opens the new equipment's hoja de vida, with the placa as typed (the normalised
  // form is the key used for matching).
  await s.waitFor('hoja de vida', async () => (await (await s.byTestId('asset-record-tag')).text()).trim() === 'ind-0777');
  assert.equal((await (await s.byTestId('asset-record-custodian')).text()).trim(), 'Iván Muñoz');
  assert.deepEqual(sql('SELECT tag, tag_display, kind, department, status FROM assets'), [
    ['IND0777', 'ind-0777', 'Computador de escritorio', 'Tesorería', 'good'],
  ]);
  // Back to the list, search, open again from the table.
  await (await s.byTestId('nav-equipos')).click();
  await fill(s, 'asset-search', '0777');
  await s.waitFor('fila', async () => (await s.findAll('[data-testid="asset-row"][data-tag="ind-0777"]')).length === 1);
  await (await s.byTestId('asset-open')).click();
  await s.waitFor('hoja de vida', async () => (await (await s.byTestId('asset-record-title')).text()).includes('ind-0777'));
  // Register a corrective maintenance directly in the life record.
  await (await s.byTestId('asset-action-event')).click();
  await (await s.byTestId('asset-event-kind')).setValue('corrective');
  await fill(s, 'asset-event-description', 'Cambio de fuente de poder');
  await (await s.byTestId('asset-event-save')).click();
  await s.waitFor('historia', async () =>
    (await s.findAll('[data-testid="asset-history-row"][data-kind="corrective"]')).length === 1,
  );
  // Attach a monitor (peripheral) and see it listed in the hoja de vida.
  await (await s.byTestId('peripheral-add')).click();
  await clickVisible(s, 'peripheral-save');
  await s.waitFor('falta el tipo', async () =>
    /Indique el tipo de periférico/.test(await (await s.byTestId('peripheral-error')).text()),
  );
  await fill(s, 'peripheral-kind', 'Monitor');
  await fill(s, 'peripheral-brand', 'Dell');
  await fill(s, 'peripheral-model', 'P2419H');
  await fill(s, 'peripheral-serial', 'CN0MON77');
  await fill(s, 'peripheral-tag', 'ind-0778');
  assert.equal((await s.findAll('[data-testid="peripheral-error"]')).length, 0);
  await clickVisible(s, 'peripheral-save');
  await s.waitFor('monitor en la lista', async () =>
    (await s.findAll('[data-testid="peripheral-row"][data-kind="Monitor"]')).length === 1,
  );
  const monitorRow = await (await s.findAll('[data-testid="peripheral-row"][data-kind="Monitor"]'))[0].text();
  assert.match(monitorRow, /Dell/);
  assert.match(monitorRow, /P2419H/);
  assert.match(monitorRow, /CN0MON77/);
  assert.match(monitorRow, /IND0778/);
  assert.equal((await s.findAll('[data-testid="peripheral-form"]')).length, 0);
  await s.waitFor('periférico en la historia', async () =>
    (await s.findAll('[data-testid="asset-history-row"][data-kind="peripheral"]')).length === 1,
  );
  assert.deepEqual(sql('SELECT kind, brand, model, serial, tag FROM asset_peripherals'), [
    ['Monitor', 'Dell', 'P2419H', 'CN0MON77', 'IND0778'],
  ]);
  // Generate the PDF (written to MESA_EXPORT_DIR, no dialog).
  await (await s.byTestId('asset-sheet-pdf')).click();
  await s.waitFor('pdf guardado', async () => readdirSync(exportDir).includes('Hoja de vida ind-0777.pdf'));
  const text = execFileSync('pdftotext', [join(exportDir, 'Hoja de vida ind-0777.pdf'), '-']).toString();
  assert.match(text, /Hoja de vida de equipo/);
  assert.match(text, /Cambio de fuente de poder/);
  assert.match(text, /Iván Muñoz/);
  assert.match(text, /Periféricos/);
  assert.match(text, /CN0MON77/);
  await shot(s, 'assets-hoja-de-vida');

  // Remove the monitor, with its reason: gone from the list, kept in the history.
  const removeBtn = await s.find('[data-testid="peripheral-row"][data-kind="Monitor"] [data-testid="peripheral-remove"]');
  await clickVisible(s, removeBtn);
  await fill(s, 'peripheral-remove-reason', 'Pantalla rota');
  await clickVisible(s, 'peripheral-remove-yes');
  await s.byTestId('peripheral-empty');
  await s.waitFor('retiro en la historia', async () =>
    (await s.findAll('[data-testid="asset-history-row"][data-kind="peripheral"]')).length === 2,
  );
  assert.equal(sql('SELECT count(*) FROM asset_peripherals')[0][0], 0);
  const [[removed]] = sql("SELECT description FROM asset_events WHERE description LIKE 'Periférico retirado%'");
  assert.match(removed, /Monitor Dell P2419H serie CN0MON77\. Motivo: Pantalla rota/);
});

test('program a maintenance, log it and see E in the cronograma', async () => {
  await (await s.byTestId('nav-mantenimiento')).click();
  await (await s.byTestId('maint-create-plan')).click();
  await (await s.byTestId('maint-add-item')).click();
  await (await s.byTestId('maint-item-target')).setValue('asset');
  await fill(s, 'maint-item-tag', 'IND 0777');
  await fill(s, 'maint-item-activity', 'Limpieza interna y revisión de software');
  await fill(s, 'maint-item-checklist', 'Limpieza interna\nActualizaciones');
  await (await s.byTestId('maint-item-frequency')).setValue('monthly');
  await (await s.byTestId('maint-item-start')).setValue(String(month));
  await (await s.byTestId('maint-item-save')).click();
  const cellSel = `[data-testid="maint-cell"][data-month="${month}"]`;
  const cell = await s.waitFor('celda P', async () => (await s.findAll(cellSel))[0]);
  assert.equal((await cell.text()).trim(), 'P');
  assert.equal(sql('SELECT count(*) FROM maintenance_occurrences')[0][0], 12 - month + 1);
  await cell.click();
  await s.byTestId('maint-log-form');
  await fill(s, 'maint-log-findings', 'Ventilador con polvo; se limpió');
  await (await s.byTestId('maint-log-save')).click();
  await s.waitFor('celda E', async () => {
    const c = (await s.findAll(cellSel))[0];
    return c && (await c.text()).trim() === 'E' && (await c.attr('data-state')) === 'executed';
  });
  const compliance = await (await s.byTestId('maint-compliance')).text();
  assert.match(compliance, /1 de 1 programadas ejecutadas \(100,0 %\)/);
  assert.deepEqual(sql('SELECT kind, findings FROM maintenance_logs'), [['preventive', 'Ventilador con polvo; se limpió']]);
  await shot(s, 'assets-cronograma');
  // The cronograma exports as XLSX and PDF.
  await (await s.byTestId('maint-export-xlsx')).click();
  await (await s.byTestId('maint-export-pdf')).click();
  await s.waitFor('exportados', async () => {
    const f = readdirSync(exportDir);
    return f.includes(`Cronograma de mantenimiento ${year}.xlsx`) && f.includes(`Cronograma de mantenimiento ${year}.pdf`);
  });
  // The maintenance appears in the hoja de vida.
  await (await s.byTestId('nav-equipos')).click();
  await (await s.byTestId('asset-open')).click();
  await s.waitFor('preventivo en la historia', async () =>
    (await s.findAll('[data-testid="asset-history-row"][data-kind="preventive"]')).length === 1,
  );
  // The home dashboard shows the maintenance card.
  await (await s.byTestId('nav-inicio')).click();
  await s.waitFor('tarjeta', async () => /\d/.test(await (await s.byTestId('dash-maint-week')).text()));
});
