// Real-window test of the improvement plan (issue 18): open a finding from «Plan de
// mejoramiento» (Gestión), add an action ending in a few days and a follow-up, see the action on
// Inicio as due soon, and export the plan (MESA_EXPORT_DIR, no dialog). The database is checked
// with sqlite3. tauri-driver + WebKitWebDriver under Xvfb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, cli, tempDir, shot, clickVisible, launch, sqlite, waitNotice } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-plans-');
const exportDir = tempDir('mesa-e2e-plans-export-');
const port = 5600 + Math.floor(Math.random() * 400);
let driver;
let s;

// Today and today + 5 days in Bogotá (UTC−5, no DST), as dd/mm/aaaa.
const bogotaNow = new Date(Date.now() - 5 * 3600 * 1000);
const pad = (n) => String(n).padStart(2, '0');
const day = (offset) => {
  const d = new Date(Date.UTC(bogotaNow.getUTCFullYear(), bogotaNow.getUTCMonth(), bogotaNow.getUTCDate() + offset));
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};
const year = bogotaNow.getUTCFullYear();

/** Scrolls the field to the middle of the window (forms low on the finding's page), clears it
 *  and types `value`. */
async function fill(s, testId, value) {
  const el = await s.byTestId(testId);
  await s.execute('arguments[0].scrollIntoView({ block: "center" });', [el.ref()]);
  await el.clear();
  await el.type(value);
}

before(async () => {
  assert.ok(existsSync(cli), `CLI missing: ${cli} (cargo build -p mesa-cli)`);
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir, MESA_EXPORT_DIR: exportDir } }));
  await s.byTestId('nav-casos', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

test('open a finding in «Plan de mejoramiento»', async () => {
  await s.byTestId('nav-gestion');
  await (await s.byTestId('nav-plan-mejora')).click();
  await s.byTestId('plan-screen');
  await s.byTestId('plan-empty');
  await clickVisible(s, 'plan-new-finding');
  await s.waitFor('fuentes', async () => (await s.findAll('[data-testid="finding-source"] option')).length === 6);
  await fill(s, 'finding-description', 'Tiempos de respuesta incumplidos en el último trimestre');
  await (await s.byTestId('finding-source')).setValue('auditoria');
  await fill(s, 'finding-source-ref', 'Informe de auditoría interna');
  await fill(s, 'finding-cause', 'Un solo técnico atiende toda la entidad');
  await clickVisible(s, 'finding-save');
  await waitNotice(s, /Hallazgo H-\d{4}-001 registrado/);
  await s.waitFor('detalle del hallazgo', async () =>
    (await (await s.byTestId('finding-number')).text()).includes(`H-${year}-001`),
  );
  assert.match(await (await s.byTestId('finding-state')).text(), /Abierta/);
});

test('add an action and a follow-up', async () => {
  await clickVisible(s, 'plan-add-action');
  await fill(s, 'action-description', 'Definir turnos de atención');
  await fill(s, 'action-unit', 'Documento');
  await fill(s, 'action-quantity', '1');
  await fill(s, 'action-start', day(0));
  await fill(s, 'action-end', day(5));
  await s.waitFor('personal', async () => (await s.findAll('[data-testid="action-owner"] option')).length >= 2);
  await (await s.byTestId('action-owner')).setValue('Ingeniero de sistemas');
  await clickVisible(s, 'action-save');
  await waitNotice(s, /Acción de mejora agregada/);
  const act = await s.byTestId('plan-action');
  assert.match(await act.text(), /Definir turnos de atención/);
  assert.match(await act.text(), /vence en 5 días/);

  await clickVisible(s, 'plan-add-follow-up');
  await fill(s, 'follow-up-progress', '40');
  await fill(s, 'follow-up-comment', 'Borrador del cuadro de turnos listo');
  await clickVisible(s, 'follow-up-save');
  await waitNotice(s, /Seguimiento registrado/);
  await s.waitFor('en ejecución', async () =>
    (await (await s.byTestId('plan-action-state')).text()).includes('En ejecución'),
  );
  assert.match(await (await s.byTestId('plan-follow-up')).text(), /Borrador del cuadro de turnos listo/);
  const sql = sqlite(join(dataDir, 'mesa.db'));
  const rows = sql('SELECT a.owner, f.progress, f.comment FROM plan_followups f JOIN plan_actions a ON a.id = f.action_id', []);
  assert.deepEqual(rows, [['Ingeniero de sistemas', 40, 'Borrador del cuadro de turnos listo']]);
  await shot(s, 'plan-finding-detail');
});

test('the action due in 5 days is on Inicio', async () => {
  await (await s.byTestId('nav-inicio')).click();
  const card = await s.byTestId('dash-plan-due');
  await s.waitFor('acción por vencer en Inicio', async () =>
    (await (await s.byTestId('plan-due-soon')).text()).includes('Definir turnos de atención'),
  );
  assert.match(await card.text(), /vence en 5 días/);
  await shot(s, 'plan-due-inicio');
  await clickVisible(s, 'plan-due-soon');
  await s.waitFor('abre el hallazgo', async () =>
    (await (await s.byTestId('finding-number')).text()).includes(`H-${year}-001`),
  );
});

test('export the plan to Excel and PDF', async () => {
  await clickVisible(s, 'finding-back');
  await s.byTestId('plan-finding-row');
  await clickVisible(s, 'plan-export-xlsx');
  await waitNotice(s, /Plan de mejoramiento guardado/);
  await clickVisible(s, 'plan-export-pdf');
  await s.waitFor('archivos', async () => {
    const names = readdirSync(exportDir);
    return names.some((n) => n.endsWith('.xlsx')) && names.some((n) => n.endsWith('.pdf'));
  });
  const pdf = readdirSync(exportDir).find((n) => n.endsWith('.pdf'));
  await s.waitFor('pdf completo', async () => readFileSync(join(exportDir, pdf)).subarray(0, 4).toString() === '%PDF');
});

test('correct the finding and its action; delete an action without follow-ups', async () => {
  await clickVisible(s, 'plan-open-finding');
  await s.waitFor('detalle del hallazgo', async () =>
    (await (await s.byTestId('finding-number')).text()).includes(`H-${year}-001`),
  );
  // The finding, corrected with its own form (prefilled).
  await clickVisible(s, 'finding-edit');
  await fill(s, 'finding-description', 'Tiempos de respuesta incumplidos en el trimestre');
  await clickVisible(s, 'finding-save');
  await waitNotice(s, /Hallazgo H-\d{4}-001 corregido/);
  await s.waitFor('descripción corregida', async () =>
    (await (await s.byTestId('finding-description-text')).text()).includes('en el trimestre'),
  );
  // The action, corrected: its unit.
  await clickVisible(s, 'plan-action-edit');
  await fill(s, 'action-unit', 'Documento aprobado');
  await clickVisible(s, 'action-save');
  await waitNotice(s, /Acción de mejora corregida/);
  const sql = sqlite(join(dataDir, 'mesa.db'));
  assert.deepEqual(sql("SELECT unit FROM plan_actions", []), [['Documento aprobado']]);
  // Both changes are in the audit trail, old → new.
  assert.deepEqual(
    sql(
      `SELECT table_name, field, old_value, new_value FROM audit_log
        WHERE action = 'update' AND table_name IN ('plan_findings', 'plan_actions') ORDER BY id`,
      [],
    ),
    [
      ['plan_findings', 'description', 'Tiempos de respuesta incumplidos en el último trimestre', 'Tiempos de respuesta incumplidos en el trimestre'],
      ['plan_actions', 'unit', 'Documento', 'Documento aprobado'],
    ],
  );
  // The action with a follow-up cannot be deleted; a new one without follow-ups can.
  assert.equal(await (await s.byTestId('plan-action-delete')).prop('disabled'), true);
  await clickVisible(s, 'plan-add-action');
  await fill(s, 'action-description', 'Acción registrada por error');
  await fill(s, 'action-start', day(0));
  await fill(s, 'action-end', day(10));
  await (await s.byTestId('action-owner')).setValue('Ingeniero de sistemas');
  await clickVisible(s, 'action-save');
  await waitNotice(s, /Acción de mejora agregada/);
  await s.waitFor('dos acciones', async () => (await s.findAll('[data-testid="plan-action"]')).length === 2);
  const deletes = await s.findAll('[data-testid="plan-action-delete"]');
  await clickVisible(s, deletes[deletes.length - 1]);
  await clickVisible(s, 'plan-action-delete-confirm');
  await waitNotice(s, /Acción de mejora eliminada/);
  await s.waitFor('una acción', async () => (await s.findAll('[data-testid="plan-action"]')).length === 1);
  assert.deepEqual(sql("SELECT count(*) FROM plan_actions", []), [[1]]);
  await shot(s, 'plan-finding-corrected');
});
