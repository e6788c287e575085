// Real-window test of «Informes»: two cases registered with the CLI in the app's data dir (one
// solved), the month's report shows their indicators and SVG charts, the analysis is saved, and
// «Guardar PDF» writes the report (MESA_EXPORT_DIR, no dialog), checked with pdftotext; the case
// list exports its filtered cases to CSV. tauri-driver + WebKitWebDriver under Xvfb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, cli, tempDir, shot, clickVisible, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-reports-');
const exportDir = tempDir('mesa-e2e-reports-export-');
const port = 5600 + Math.floor(Math.random() * 400);
let driver;
let s;

function mesa(...args) {
  return execFileSync(cli, ['--data-dir', dataDir, '--json', ...args]).toString();
}

before(async () => {
  assert.ok(existsSync(cli), `CLI missing: ${cli} (cargo build -p mesa-cli)`);
  // Two cases received now: one solved with its products, one still open.
  const a = JSON.parse(
    mesa('ticket', 'new', '--requester', 'Iván Muñoz', '--department', 'Tesorería', '--description', 'El equipo no enciende'),
  ).number;
  mesa('ticket', 'start', a);
  mesa('ticket', 'resolve', a, '--solution', 'Se cambió la fuente de poder', '--products', 'Fuente nueva instalada');
  mesa('ticket', 'new', '--requester', 'Ana Gutiérrez', '--department', 'Almacén', '--description', 'Sin acceso a la red');
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir, MESA_EXPORT_DIR: exportDir } }));
  await s.byTestId('nav-informes', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

const value = async (key) => (await (await s.byTestId(`ind-${key}-value`)).text()).trim();

test('the month report shows the indicators and charts', async () => {
  await (await s.byTestId('nav-informes')).click();
  await s.byTestId('report-indicators');
  await s.waitFor('casos recibidos = 2', async () => (await value('received')) === '2');
  assert.equal(await value('resolved'), '1');
  assert.equal(await value('backlog'), '1');
  // Both first attentions (start) and the resolution happened right after receipt: on time.
  assert.equal(await value('response'), '100,0 % (1 de 1)');
  assert.match(await (await s.byTestId('report-activities')).text(), /: 1$/);
  const bars = await s.findAll('[data-testid="chart-department"] svg rect');
  assert.equal(bars.length, 2, 'one bar per dependencia');
  const chartText = await (await s.byTestId('chart-department')).text();
  assert.match(chartText, /Tesorería/);
  assert.match(chartText, /Almacén/);
  await shot(s, 'reports-preview');
});

test('save the analysis and export the PDF', async () => {
  const area = await s.byTestId('report-analysis');
  await area.clear();
  await area.type('Mes tranquilo; ¿ñandú? ¡sí!');
  const act = await s.byTestId('report-actions');
  await act.clear();
  await act.type('Revisar la red del almacén');
  await clickVisible(s, 'report-pdf');
  const pdf = await s.waitFor('pdf guardado', async () =>
    readdirSync(exportDir).find((f) => f.startsWith('Informe de mesa de ayuda') && f.endsWith('.pdf')),
  );
  await s.waitFor('aviso', async () => (await (await s.byTestId('notice')).text()).includes(pdf));
  const text = execFileSync('pdftotext', ['-layout', join(exportDir, pdf), '-']).toString();
  for (const needle of [
    'Informe de mesa de ayuda',
    'Gestión de TIC — Mesa de ayuda',
    'FO-TIC-07',
    'Casos recibidos',
    'Tesorería',
    'Almacén',
    'Se cambió la fuente de poder',
    'Fuente nueva instalada',
    'Mes tranquilo; ¿ñandú? ¡sí!',
    'Revisar la red del almacén',
    'Elaboró',
    'Página 1 de',
  ]) {
    assert.ok(text.includes(needle), `falta «${needle}» en el PDF`);
  }
  assert.match(text, /Casos recibidos\s+2\s/);
  // Stored with the report.
  const list = JSON.parse(mesa('report', 'list'));
  assert.equal(list.length, 1);
  assert.equal(list[0].analysis, 'Mes tranquilo; ¿ñandú? ¡sí!');
});

test('the case list exports its filtered cases to CSV', async () => {
  await (await s.byTestId('nav-casos')).click();
  await (await s.byTestId('cases-export-csv')).click();
  const csv = await s.waitFor('csv guardado', async () => readdirSync(exportDir).find((f) => f.endsWith('.csv')));
  const bytes = readFileSync(join(exportDir, csv));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM UTF-8');
  const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
  assert.equal(lines.length, 3, 'header + 2 cases');
  assert.ok(lines[0].startsWith('Número;'));
  assert.ok(lines.some((l) => l.includes('Iván Muñoz')));
});
