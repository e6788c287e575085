// Real-window test of the indicator sheets (issue 18): four cases entered with the CLI in the
// previous month (two attended within the response target, two late → 50 %), so «IND-01» is
// critical with the seeded thresholds (90 / 80). In «Gestión → Indicadores» the target and
// thresholds are lowered to 50 / 40; Inicio then shows the indicator satisfactory for the last
// closed period, and the database holds the new sheet. «Gestión → Informe de gestión» for the
// year shows the light, keeps the analysis and conclusions typed, and exports the PDF. tauri-driver + WebKitWebDriver under Xvfb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, cli, tempDir, shot, fill, clickVisible, launch, sqlite, waitNotice } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-indicators-');
const exportDir = tempDir('mesa-e2e-indicators-export-');
const port = 5600 + Math.floor(Math.random() * 400);
let driver;
let s;

// The third Tuesday of the previous month (Bogotá) and the Tuesday after: both in that month.
const bogotaNow = new Date(Date.now() - 5 * 3600 * 1000);
const first = new Date(Date.UTC(bogotaNow.getUTCFullYear(), bogotaNow.getUTCMonth() - 1, 1));
const firstTuesday = 1 + ((2 - first.getUTCDay() + 7) % 7);
const pad = (n) => String(n).padStart(2, '0');
const ym = `${first.getUTCFullYear()}-${pad(first.getUTCMonth() + 1)}`;
const day = (d) => `${ym}-${pad(d)}`;
const d1 = day(firstTuesday + 14);
const d2 = day(firstTuesday + 21);

function mesa(now, ...args) {
  return execFileSync(cli, ['--data-dir', dataDir, '--json', '--now', now, ...args]).toString();
}

function attendedCase(received, started) {
  const n = JSON.parse(
    mesa(received, 'ticket', 'new', '--requester', 'Ana Gutiérrez', '--department', 'Tesorería',
      '--description', 'Sin red en el piso 2', '--received-at', received.replace('T', ' ')),
  ).number;
  mesa(started, 'ticket', 'start', n);
}

before(async () => {
  assert.ok(existsSync(cli), `CLI missing: ${cli} (cargo build -p mesa-cli)`);
  attendedCase(`${d1}T08:00`, `${d1}T09:00`);
  attendedCase(`${d1}T08:00`, `${d1}T10:00`);
  attendedCase(`${d1}T08:00`, `${d2}T09:00`);
  attendedCase(`${d1}T08:00`, `${d2}T10:00`);
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir, MESA_EXPORT_DIR: exportDir } }));
  await s.byTestId('nav-inicio', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

async function lightOnInicio() {
  await (await s.byTestId('nav-inicio')).click();
  const el = await s.byTestId('dash-indicator-light-IND-01');
  return el.attr('data-light');
}

test('Inicio shows IND-01 critical at the seeded target', async () => {
  await s.waitFor('semáforo crítico', async () => (await lightOnInicio()) === 'critical');
  const row = await s.byTestId('dash-indicator-IND-01');
  assert.match(await row.text(), /50 %/);
  assert.ok(await s.byTestId('dash-indicators'));
});

test('set the target in Indicadores, see the light change on Inicio', async () => {
  await (await s.byTestId('nav-indicadores')).click();
  await clickVisible(s, 'indicator-open-IND-01');
  await s.byTestId('indicator-sheet');
  await clickVisible(s, 'indicator-edit');
  await fill(s, 'ind-target', '50');
  await fill(s, 'ind-satisfactory', '50');
  await fill(s, 'ind-acceptable', '40');
  await clickVisible(s, 'ind-save');
  await waitNotice(s, /Hoja de vida guardada/);
  await s.waitFor('meta mostrada', async () =>
    /50 %/.test(await (await s.byTestId('indicator-target')).text()),
  );
  await s.byTestId('indicator-trend');
  await shot(s, 'indicators-sheet');
  await s.waitFor('semáforo satisfactorio', async () => (await lightOnInicio()) === 'satisfactory');
  await shot(s, 'indicators-inicio');
  const sql = sqlite(join(dataDir, 'mesa.db'));
  assert.deepEqual(
    sql("SELECT target, satisfactory, acceptable FROM indicators WHERE code = 'IND-01'"),
    [[50, 50, 40]],
  );
});

test('Informe de gestión: the year with its light, texts saved, PDF exported', async () => {
  await (await s.byTestId('nav-informe-gestion')).click();
  await s.byTestId('management-report');
  // Quarters come first (8), then the years: this year, then the previous one.
  const yearIndex = first.getUTCFullYear() === bogotaNow.getUTCFullYear() ? 8 : 9;
  await (await s.byTestId('management-period')).setValue(String(yearIndex));
  await s.waitFor('informe del año', async () =>
    (await (await s.byTestId('management-label')).text()).includes(`Año ${first.getUTCFullYear()}`),
  );
  await s.waitFor('IND-01 al 50 %', async () =>
    /50 %/.test(await (await s.byTestId('management-value-IND-01')).text()),
  );
  const light = await s.byTestId('management-light-IND-01');
  assert.equal(await light.attr('data-light'), 'satisfactory');
  await fill(s, 'management-analysis-IND-01', 'Se cumplió la meta ajustada.');
  await fill(s, 'management-conclusions', 'Año estable en la mesa de ayuda.');
  await clickVisible(s, 'management-save');
  await waitNotice(s, /Análisis y conclusiones guardados/);
  const sql = sqlite(join(dataDir, 'mesa.db'));
  const [[analysis, conclusions]] = sql(
    'SELECT analysis, conclusions FROM management_reports',
  );
  assert.equal(JSON.parse(analysis)['IND-01'], 'Se cumplió la meta ajustada.');
  assert.equal(conclusions, 'Año estable en la mesa de ayuda.');
  await shot(s, 'management-report');
  await clickVisible(s, 'management-export-pdf');
  await waitNotice(s, /Informe de gestión guardado en/);
  const pdf = readdirSync(exportDir).find((f) => f.endsWith('.pdf'));
  assert.ok(pdf, `no PDF in ${exportDir}`);
  const text = execFileSync('pdftotext', [join(exportDir, pdf), '-']).toString();
  assert.match(text, /Informe de gestión/);
  assert.match(text, /Se cumplió la meta ajustada\./);
  assert.ok(readFileSync(join(exportDir, pdf)).subarray(0, 4).toString() === '%PDF');
});
