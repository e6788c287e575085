// End-to-end tests of the real app window: tauri-driver + WebKitWebDriver under Xvfb launch
// the real binary on a temporary data directory. Run with `make e2e` (see README).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, cli, tempDir, sqlite, shot, fill, goToCases, registerCase, openCase, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-');
const sql = sqlite(join(dataDir, 'mesa.db'));
const port = 4444 + Math.floor(Math.random() * 500);
let driver;
let s;

function mesa(...args) {
  return execFileSync(cli, ['--data-dir', dataDir, ...args], { env: { ...process.env, MESA_DATA_DIR: dataDir } })
    .toString()
    .trim();
}

async function act(action, fields = {}) {
  await (await s.byTestId(`action-${action}`)).click();
  for (const [id, value] of Object.entries(fields)) {
    const el = await s.byTestId(id);
    const tag = (await el.prop('tagName')).toLowerCase();
    if (tag === 'select') await el.setValue(value);
    else {
      await el.clear();
      await el.type(value);
    }
  }
  await (await s.byTestId('action-confirm')).click();
}

async function statusInDb(number) {
  return sql('SELECT status, close_reason FROM tickets WHERE number = ?', [number])[0];
}

before(async () => {
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir } }));
  await s.byTestId('nav-casos', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

test('the window is Spanish and uses the temporary data dir', async () => {
  const lang = await s.execute('return document.documentElement.lang');
  assert.equal(lang, 'es');
  await (await s.byTestId('nav-ajustes')).click();
  const body = await s.execute('return document.body.innerText');
  assert.ok(body.includes(dataDir), 'settings show the data folder in use');
  await shot(s, 'ajustes');
});

test('register a case through the form, see it listed, find the row in SQLite', async () => {
  // «Recibido el» is typed as text, day first, whatever the system locale: three days ago
  // (Bogotá) at 2:30 p. m., written the short way people type it (d/m/aaaa, 12 h).
  const day = new Date(Date.now() - 5 * 3600_000 - 3 * 86400_000);
  const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
  const pad = (n) => String(n).padStart(2, '0');
  const number = await registerCase(s, {
    requester: 'Yolanda Peñaloza',
    department: 'Tesorería',
    description: 'La impresora de tesorería no imprime los comprobantes',
    receivedAt: `${d}/${m}/${y} 2:30 p. m.`,
  });
  assert.deepEqual(sql('SELECT received_at FROM tickets WHERE number = ?', [number]), [
    [`${y}-${pad(m)}-${pad(d)}T19:30:00Z`],
  ]);
  await shot(s, 'caso-registrado');
  await goToCases(s);
  const row = await s.waitFor('row in list', async () =>
    (await s.findAll(`[data-testid="case-row"][data-number="${number}"]`))[0],
  );
  assert.ok(await row.displayed());
  await shot(s, 'lista-de-casos');
  const rows = sql('SELECT requester, department, description, status FROM tickets WHERE number = ?', [number]);
  assert.deepEqual(rows, [
    ['Yolanda Peñaloza', 'Tesorería', 'La impresora de tesorería no imprime los comprobantes', 'new'],
  ]);
});

test('user text is shown as text, never as HTML', async () => {
  const payload = '<img src=x onerror=alert(1)>';
  const number = await registerCase(s, { requester: 'Prueba XSS', department: 'Sistemas', description: payload });
  await openCase(s, number);
  const detail = await s.byTestId('case-detail');
  assert.ok((await detail.text()).includes(payload), 'payload visible literally');
  const imgs = await s.execute('return document.querySelectorAll("[data-testid=case-detail] img").length');
  assert.equal(imgs, 0);
});

test('register → assign → escalate → resolve → survey → closed', async () => {
  const number = await registerCase(s, {
    requester: 'Carlos Maestre',
    department: 'Contabilidad',
    description: 'El aplicativo financiero no genera el reporte',
    email: 'carlos.maestre@indupal.gov.co',
  });
  await openCase(s, number);
  await act('assign', { 'action-to': 'Técnico de sistemas' });
  await s.waitFor('assigned', async () => (await statusInDb(number))[0] === 'assigned');
  await act('escalate', { 'action-to': 'Ingeniero de sistemas', 'action-reason': 'Requiere ingeniero del aplicativo' });
  await s.waitFor('escalated', async () => sql('SELECT level, assignee FROM tickets WHERE number = ?', [number])[0][0] === 2);
  await act('start');
  await s.waitFor('in progress', async () => (await statusInDb(number))[0] === 'in_progress');
  await act('resolve', { 'action-solution': 'Se regeneró el índice del reporte' });
  await s.waitFor('resolved', async () => (await statusInDb(number))[0] === 'resolved');
  await shot(s, 'caso-solucionado');
  const n = (await s.execute('return document.querySelectorAll("[data-testid^=survey-score-]").length')) || 4;
  await (await s.byTestId('action-survey')).click();
  for (let i = 0; i < n; i++) await (await s.byTestId(`survey-score-${i}`)).setValue('5');
  await fill(s, 'survey-comment', 'Muy buena atención');
  await (await s.byTestId('action-confirm')).click();
  await s.waitFor('closed', async () => {
    const [st, reason] = await statusInDb(number);
    return st === 'closed' && reason === 'survey';
  });
  const timeline = await s.findAll('[data-testid="timeline-entry"]');
  assert.ok(timeline.length >= 6, `timeline has ${timeline.length} entries`);
  await shot(s, 'caso-cerrado');
  const level = sql("SELECT old_value, new_value, note FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.number = ? AND e.kind = 'escalate'", [number]);
  assert.equal(level.length, 1);
  assert.deepEqual(level[0].slice(0, 2), ['1', '2']);
});

test('a resolved case whose survey is unanswered closes automatically (mesa autoclose --now)', async () => {
  const number = await registerCase(s, { requester: 'Nubia Oñate', department: 'Almacén', description: 'Correo no sincroniza' });
  await openCase(s, number);
  await act('start');
  await s.waitFor('in progress', async () => (await statusInDb(number))[0] === 'in_progress');
  await act('resolve', { 'action-solution': 'Se reconfiguró la cuenta' });
  await s.waitFor('resolved', async () => (await statusInDb(number))[0] === 'resolved');
  const [[due]] = sql('SELECT survey_due_at FROM tickets WHERE number = ?', [number]);
  const before = new Date(Date.parse(due) - 60_000).toISOString();
  mesa('--now', before, 'autoclose');
  assert.equal((await statusInDb(number))[0], 'resolved', 'one minute before: still resolved');
  const afterDue = new Date(Date.parse(due) + 60_000).toISOString();
  const out = mesa('--now', afterDue, 'autoclose');
  assert.ok(out.includes(number), out);
  assert.deepEqual(await statusInDb(number), ['closed', 'auto']);
  await openCase(s, number);
  await s.waitFor('detail shows closed', async () => (await (await s.byTestId('case-detail')).text()).includes('Cerrado'));
  await shot(s, 'cierre-automatico');
});

test('Ajustes: the business calendar is editable and holidays are listed', async () => {
  await (await s.byTestId('nav-ajustes')).click();
  const year = await s.byTestId('holidays-year');
  await year.setValue('2025');
  await s.waitFor('2025 holidays', async () => {
    const text = await (await s.byTestId('holidays-list')).text();
    return text.includes('30/06/2025') && text.includes('17/11/2025');
  });
  const closed = await s.byTestId('calendar-closed-days');
  await closed.setValue('2026-12-24');
  await (await s.byTestId('settings-calendar-save')).click();
  await s.waitFor('calendar saved', async () => {
    const [[cfg]] = sql("SELECT value FROM settings WHERE key = 'calendar'");
    return cfg && JSON.parse(cfg).closed_days.includes('2026-12-24');
  });
  const bad = await s.byTestId('calendar-day-0');
  await bad.setValue('8 a 12');
  await (await s.byTestId('settings-calendar-save')).click();
  const err = await s.byTestId('calendar-error');
  assert.match(await err.text(), /Lunes: «8 a 12» no es un horario válido/);
  await shot(s, 'ajustes-calendario');
});
