// Real-window test of accounts and roles (issue 14). The accounts and a case are created with
// the real CLI (the first administrator needs no login; the others are created acting as it).
// In the window: the login screen (wrong password, then right), a técnico acts under his own
// name and does not see the restore action, and a direct call to restore is refused by core;
// a consulta account sees everything read-only. tauri-driver + WebKitWebDriver under Xvfb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, stopApp as stopAppFor } from './webdriver.mjs';
import { app, mesaIn, tempDir, shot, fill, clickVisible, openCase, goToCases, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-people-');
const port = 6800 + Math.floor(Math.random() * 400);
let driver;
let s;
let number;

const mesa = (args, opts) => mesaIn(dataDir, args, opts);

const JEFE = ['jefe', 'clave-del-jefe'];
const TOMAS = ['tomas', 'clave-de-tomas'];
const CONTROL = ['control', 'clave-de-control'];

before(async () => {
  mesa(['account', 'new', 'jefe', '--name', 'Ana Jefe', '--cargo', 'Jefe de la Oficina TIC', '--role', 'administrador', '--password-stdin'], { input: `${JEFE[1]}\n` });
  mesa(['account', 'new', 'tomas', '--name', 'Tomás Técnico', '--role', 'tecnico', '--password-stdin'], { user: JEFE, input: `${TOMAS[1]}\n` });
  mesa(['account', 'new', 'control', '--name', 'Carlos Control', '--role', 'consulta', '--password-stdin'], { user: JEFE, input: `${CONTROL[1]}\n` });
  mesa(['settings', 'set', '--entity-name', 'INDUPAL'], { user: JEFE });
  const out = mesa(['--json', 'ticket', 'new', '--requester', 'Luis Pérez', '--department', 'Tesorería', '--description', 'No imprime la factura'], { user: JEFE });
  number = JSON.parse(out).number;
  // Setup done by the administrator, so a técnico's first window is the main one.
  mesa(['settings', 'setup-done'], { user: JEFE });
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir }, firstRun: 'keep' }));
  await s.byTestId('login-screen', '', 30000);
});

after(async () => {
  await stopAppFor({ session: s, driver, app, dataDir });
  await sleep(200);
});

async function login([user, password]) {
  await s.byTestId('login-screen', '', 15000);
  await fill(s, 'login-user', user);
  await fill(s, 'login-password', password);
  await (await s.byTestId('login-submit')).click();
  await s.byTestId('nav-casos', '', 15000);
}

async function logout() {
  await clickVisible(s, 'logout');
  await s.byTestId('login-screen', '', 15000);
}

test('a wrong password is refused with a Spanish message, the right one enters', async () => {
  await fill(s, 'login-user', 'tomas');
  await fill(s, 'login-password', 'equivocada');
  await (await s.byTestId('login-submit')).click();
  const err = await s.byTestId('login-error');
  assert.match(await err.text(), /Usuario o contraseña incorrectos/);
  await shot(s, 'people-login-error');
  await fill(s, 'login-password', TOMAS[1]);
  await (await s.byTestId('login-submit')).click();
  await s.byTestId('nav-casos', '', 15000);
  assert.equal((await (await s.byTestId('user-name')).text()).trim(), 'Tomás Técnico');
});

test('a técnico acts under his name, does not see restore, and a direct restore is refused', async () => {
  await openCase(s, number);
  await clickVisible(s, 'action-start');
  await (await s.byTestId('action-confirm')).click();
  await s.waitFor('timeline entry by Tomás', async () => {
    for (const e of await s.findAll('[data-testid="timeline-entry"]')) {
      const t = await e.text();
      if (/Tomás Técnico/.test(t)) return true;
    }
    return false;
  });
  await (await s.byTestId('nav-ajustes')).click();
  await s.byTestId('backups');
  // The CLI took the daily backup: a row is listed, without its restore button.
  await s.byTestId('backup-row');
  for (const b of await s.findAll('[data-testid="backup-restore"], [data-testid="backup-file-restore"]')) {
    assert.equal(await b.displayed(), false);
  }
  // The general settings are shown but cannot be changed.
  const gate = await s.byTestId('settings-gate');
  assert.equal(await s.execute('return arguments[0].disabled', [gate.ref()]), true);
  // A direct call to the command is refused by core.
  const refused = await s.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke('backup_restore', { file: '/tmp/x.db' })
       .then(() => done('aceptado'), (e) => done(JSON.stringify(e)));`,
  );
  assert.match(refused, /forbidden/);
  assert.match(refused, /Su rol \(Técnico\) no permite restaurar/);
  await shot(s, 'people-tecnico-settings');
  await logout();
});

test('a consulta account sees everything read-only', async () => {
  await login(CONTROL);
  await s.byTestId('read-only-banner');
  assert.equal((await s.findAll('[data-testid="nav-importar"]')).length, 0);
  await goToCases(s);
  assert.equal((await s.findAll('[data-testid="new-case-button"]')).length, 0);
  await openCase(s, number);
  // The case is shown with its timeline, without actions nor the edit button.
  assert.ok((await s.findAll('[data-testid="timeline-entry"]')).length >= 2);
  assert.equal((await s.findAll('[data-testid^="action-"]')).length, 0);
  assert.equal((await s.findAll('[data-testid="detail-edit"]')).length, 0);
  await (await s.byTestId('nav-equipos')).click();
  const add = await s.byTestId('asset-new');
  assert.equal(await add.displayed(), false);
  await shot(s, 'people-consulta');
  // Core refuses a write even if called directly.
  const refused = await s.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke('ticket_action', { number: ${JSON.stringify(number)}, version: 0, action: { kind: 'hold', reason: 'x' } })
       .then(() => done('aceptado'), (e) => done(JSON.stringify(e)));`,
  );
  assert.match(refused, /forbidden/);
  await logout();
});

test('the access log holds the failed login, the logins and the logouts', async () => {
  const out = mesa(['--json', 'access-log', '--limit', '0'], { user: JEFE });
  const events = JSON.parse(out).map((e) => `${e.login}:${e.event}`);
  for (const want of ['tomas:failed', 'tomas:login', 'tomas:logout', 'control:login', 'control:logout']) {
    assert.ok(events.includes(want), `${want} in ${events}`);
  }
});
