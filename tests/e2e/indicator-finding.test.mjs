// Real-window test (issue 18): «IND-01» critical in the two last closed months (one case each,
// attended two days late) → Inicio suggests a finding; accepting it with a cause registers the
// finding in the improvement plan (source: indicator, its cause) and opens it there (adding
// actions and follow-ups is plans.test.mjs). tauri-driver + WebKitWebDriver under Xvfb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, cli, tempDir, fill, clickVisible, launch, sqlite, waitNotice, shot } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-indicator-finding-');
const port = 5600 + Math.floor(Math.random() * 400);
let driver;
let s;

const pad = (n) => String(n).padStart(2, '0');
const bogotaNow = new Date(Date.now() - 5 * 3600 * 1000);
/** The third Tuesday of the month `back` months before this one, and two days later. */
function lateCaseDays(back) {
  const first = new Date(Date.UTC(bogotaNow.getUTCFullYear(), bogotaNow.getUTCMonth() - back, 1));
  const tuesday = 1 + ((2 - first.getUTCDay() + 7) % 7) + 14;
  const ym = `${first.getUTCFullYear()}-${pad(first.getUTCMonth() + 1)}`;
  return [`${ym}-${pad(tuesday)}`, `${ym}-${pad(tuesday + 2)}`];
}

function mesa(now, ...args) {
  return execFileSync(cli, ['--data-dir', dataDir, '--json', '--now', now, ...args]).toString();
}

before(async () => {
  assert.ok(existsSync(cli), `CLI missing: ${cli} (cargo build -p mesa-cli)`);
  for (const back of [1, 2]) {
    const [received, started] = lateCaseDays(back);
    const n = JSON.parse(
      mesa(`${received}T08:00`, 'ticket', 'new', '--requester', 'Luis Mejía', '--department',
        'Almacén', '--description', 'La impresora no responde', '--received-at', `${received} 08:00`),
    ).number;
    mesa(`${started}T09:00`, 'ticket', 'start', n);
  }
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir } }));
  await s.byTestId('nav-inicio', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

test('a red indicator two months running opens a finding from Inicio', async () => {
  await s.byTestId('dash-suggestion-IND-01', '', 20000);
  await clickVisible(s, 'suggestion-accept-IND-01');
  await s.byTestId('finding-draft');
  await fill(s, 'finding-draft-cause', 'Un solo técnico para toda la entidad');
  await clickVisible(s, 'finding-draft-open');
  await waitNotice(s, /H-\d{4}-001/);
  await s.waitFor('hallazgo abierto en el plan', async () =>
    /H-\d{4}-001/.test(await (await s.byTestId('finding-number')).text()),
  );
  await shot(s, 'indicator-finding');
  const sql = sqlite(join(dataDir, 'mesa.db'));
  const [[source, ref]] = sql('SELECT source, source_ref FROM plan_findings');
  assert.equal(source, 'indicador');
  assert.match(ref, /IND-01/);
  assert.deepEqual(sql('SELECT description FROM plan_causes'), [['Un solo técnico para toda la entidad']]);
});
