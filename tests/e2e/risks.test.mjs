// The risk map in the real window (issue 18): open «Riesgos», see the heat map with a prefilled
// risk in its cell, add a control to it and see its residual position move.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, tempDir, sqlite, shot, fill, clickVisible, waitNotice, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-risks-');
const sql = sqlite(join(dataDir, 'mesa.db'));
const port = 4444 + Math.floor(Math.random() * 500);
let driver;
let s;

before(async () => {
  ({ driver, session: s } = await launch({
    port,
    env: { MESA_DATA_DIR: dataDir },
  }));
  await s.byTestId('nav-riesgos', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

async function codesIn(mode, p, i) {
  const cell = await s.byTestId(`heat-${mode}-${p}-${i}`);
  return Number(await cell.attr('data-count'));
}

test('heat map, add a control, the residual position moves', async () => {
  await clickVisible(s, 'nav-riesgos');
  await s.byTestId('heatmap-inherent', '', 20000);
  // R-02 (response times): probability Alta (4) × impact Moderado (3), zone Alta.
  await s.byTestId('heat-code-inherent-R-02');
  assert.equal(await codesIn('inherent', 4, 3), 1);
  assert.equal(await codesIn('residual', 4, 3), 1);
  assert.equal(await (await s.byTestId('risk-inherent-R-02')).text(), 'Alta');
  await shot(s, 'riesgos-mapa');

  await clickVisible(s, 'risk-open-R-02');
  await s.byTestId('risk-detail');
  await s.byTestId('controls-empty');
  await fill(s, 'control-description', 'Alerta automática de casos por vencer');
  await (await s.byTestId('control-kind')).setValue('preventive');
  await (await s.byTestId('control-implementation')).setValue('automatic');
  await clickVisible(s, 'control-add');
  await waitNotice(s, /Control agregado/);

  // 80 % × (1 − 50 %) = 40 % → Baja (2): residual (2, 3), zone Moderada; inherent stays.
  await s.waitFor('posición residual', async () => (await codesIn('residual', 2, 3)) === 1);
  assert.equal(await codesIn('residual', 4, 3), 0);
  assert.equal(await codesIn('inherent', 4, 3), 1);
  await s.byTestId('heat-code-residual-R-02');
  assert.equal(await (await s.byTestId('risk-residual-R-02')).text(), 'Moderada');
  assert.ok((await (await s.byTestId('control-1')).text()).includes('Peso 50 %'));
  await shot(s, 'riesgos-control');

  assert.deepEqual(
    sql(
      `SELECT c.kind, c.implementation, c.position FROM risk_controls c
         JOIN risks r ON r.id = c.risk_id WHERE r.code = 'R-02'`,
    ),
    [['preventive', 'automatic', 1]],
  );
});

test('edit the control and remove it: the residual position follows', async () => {
  await clickVisible(s, 'control-edit-1');
  await s.byTestId('control-editing');
  await (await s.byTestId('control-implementation')).setValue('manual');
  await clickVisible(s, 'control-add');
  await waitNotice(s, /Control actualizado/);
  // 80 % × (1 − (25 + 15) %) = 48 % → Media (3): residual (3, 3), zone Moderada, beside the
  // seeded R-03 (3 × 3 without controls).
  await s.waitFor('posición residual editada', async () => (await codesIn('residual', 3, 3)) === 2);
  assert.equal(await codesIn('residual', 2, 3), 0);
  assert.ok((await (await s.byTestId('control-1')).text()).includes('Peso 40 %'));
  assert.deepEqual(
    sql(
      `SELECT c.kind, c.implementation FROM risk_controls c
         JOIN risks r ON r.id = c.risk_id WHERE r.code = 'R-02'`,
    ),
    [['preventive', 'manual']],
  );
  // Removing asks first; then the residual is the inherent position again.
  await clickVisible(s, 'control-remove-1');
  await clickVisible(s, 'control-remove-confirm-1');
  await waitNotice(s, /Control quitado/);
  await s.waitFor('sin controles', async () => (await codesIn('residual', 4, 3)) === 1);
  await s.byTestId('controls-empty');
  assert.deepEqual(
    sql(`SELECT count(*) FROM risk_controls c JOIN risks r ON r.id = c.risk_id WHERE r.code = 'R-02'`),
    [[0]],
  );
  await shot(s, 'riesgos-control-editado');
});
