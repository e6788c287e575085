// Real-window test of the idle lock (issue 14): with MESA_IDLE_LOCK_SECONDS shortening the
// setting (whose smallest value is one minute), an administrator opens «Equipos», stays idle,
// the lock screen covers the window with the screen kept underneath, and after logging in
// again the same screen is there. tauri-driver + WebKitWebDriver under Xvfb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, stopApp as stopAppFor } from './webdriver.mjs';
import { app, mesaIn, tempDir, shot, fill, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-lock-');
const port = 7300 + Math.floor(Math.random() * 400);
let driver;
let s;

const mesa = (args, opts) => mesaIn(dataDir, args, opts);

const JEFE = ['jefe', 'clave-del-jefe'];

before(async () => {
  mesa(['account', 'new', 'jefe', '--name', 'Ana Jefe', '--role', 'administrador', '--password-stdin'], { input: `${JEFE[1]}\n` });
  mesa(['settings', 'setup-done'], { user: JEFE });
  ({ driver, session: s } = await launch({
    port,
    env: { MESA_DATA_DIR: dataDir, MESA_IDLE_LOCK_SECONDS: '8' },
    firstRun: 'keep',
  }));
  await s.byTestId('login-screen', '', 30000);
});

after(async () => {
  await stopAppFor({ session: s, driver, app, dataDir });
  await sleep(200);
});

test('the idle lock returns to the login and back to the same screen', async () => {
  await fill(s, 'login-user', JEFE[0]);
  await fill(s, 'login-password', JEFE[1]);
  await (await s.byTestId('login-submit')).click();
  try {
    await s.byTestId('nav-equipos', '', 30000);
  } catch (e) {
    await shot(s, 'people-lock-after-login');
    throw new Error(`${e.message}; pantalla: ${await s.execute('return document.body.innerText')}`);
  }
  await (await s.byTestId('nav-equipos')).click();
  await s.byTestId('asset-new');
  // Idle: the lock screen covers the window; «Equipos» stays underneath.
  await s.byTestId('lock-screen', '', 20000);
  assert.equal((await s.findAll('[data-testid="asset-new"]')).length, 1);
  await shot(s, 'people-locked');
  // While locked, the back end refuses reads (the session ended).
  const refused = await s.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke('catalogs')
       .then(() => done('aceptado'), (e) => done(JSON.stringify(e)));`,
  );
  assert.match(refused, /login_required/);
  assert.equal((await (await s.byTestId('login-user')).prop('value')), 'jefe');
  await fill(s, 'login-password', JEFE[1]);
  await (await s.byTestId('login-submit')).click();
  await s.waitFor('lock screen gone', async () => (await s.findAll('[data-testid="lock-screen"]')).length === 0);
  const nav = await s.byTestId('nav-equipos');
  assert.equal(await nav.attr('aria-current'), 'page');
  await s.byTestId('asset-new');
  const log = JSON.parse(mesa(['--json', 'access-log', '--limit', '0'], { user: JEFE }));
  assert.ok(log.some((e) => e.login === 'jefe' && e.event === 'lock'), JSON.stringify(log));
});
