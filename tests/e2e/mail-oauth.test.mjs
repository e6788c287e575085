// Real-window test of OAuth2 mail accounts connected from the app (issue 16), against real
// servers on loopback: Dovecot with its oauth2 passdb + aiosmtpd + the OAuth2 token stub, started
// by `crates/mailnet/examples/mail_servers.rs --oauth` (build it with
// `cargo build -p mesa-mailnet --example mail_servers`; MESA_MAIL_SERVERS or the `examples/`
// folder next to the CLI binary) and driven over its stdin. The test plays the browser: it reads
// the authorization URL the app shows (MESA_OAUTH_NO_BROWSER keeps the app from opening a real
// one), GETs it at the stub, which redirects to the app's loopback port like a provider would.
// In the window: Ajustes → Correo with «Microsoft 365 (OAuth2)», the stub's endpoints in
// «Opciones avanzadas», «Conectar» → connected and «Probar conexión» passes → «Revisar correo»
// fetches an APPENDed mail over XOAUTH2; Microsoft's device code flow shows its code and connects;
// the administrator revokes the app at the stub → «Revisar correo» fails and the banner «Vuelva a
// conectar la cuenta de correo» appears across the app → its «Conectar» → the banner goes away
// and mail flows again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { sleep, stopApp as stopAppFor } from './webdriver.mjs';
import { app, cli, tempDir, shot, clickVisible, waitNotice, launch, mesaIn } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-mail-oauth-');
const mailDir = tempDir('mesa-e2e-mail-oauth-eml-');
const serversBin = process.env.MESA_MAIL_SERVERS ?? join(dirname(cli), 'examples', 'mail_servers');
const port = 6800 + Math.floor(Math.random() * 400);
let driver;
let s;
let servers;
let hello;
let lines;

async function startServers() {
  servers = spawn(serversBin, ['--oauth'], { stdio: ['pipe', 'pipe', 'inherit'] });
  lines = createInterface({ input: servers.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  assert.ok(!first.done, `mail_servers (${serversBin}) ended without its ports`);
  return JSON.parse(first.value);
}

/** One command to the servers, one answer line (`ok …`). */
async function serverSays(command) {
  servers.stdin.write(`${command}\n`);
  const r = await lines.next();
  assert.ok(!r.done && r.value.startsWith('ok'), `mail_servers «${command}»: ${r.value}`);
  return r.value;
}

function request(n, subject) {
  const file = join(mailDir, `solicitud-${n}.eml`);
  writeFileSync(
    file,
    `From: Ana Correo <ana.oauth${n}@indupal.gov.co>\r\nTo: ${hello.user}\r\nSubject: ${subject}\r\n` +
      `Message-ID: <e2e-oauth-${n}-${Date.now()}@indupal.gov.co>\r\nDate: Wed, 02 Dec 2026 09:58:00 -0500\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBuenos días, ${subject.toLowerCase()}.\r\n`,
  );
  return file;
}

const inboxSubjects = () => JSON.parse(mesaIn(dataDir, ['mail', 'inbox', '--json'])).map((e) => e.subject);

async function text(id) {
  return (await s.byTestId(id)).text();
}

async function fill(testId, value) {
  const el = await s.byTestId(testId);
  await s.execute('arguments[0].scrollIntoView({ block: "center" });', [el.ref()]);
  await el.clear();
  await el.type(value);
}

async function select(testId, value) {
  const el = await s.byTestId(testId);
  await s.execute(
    'arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event("change", { bubbles: true }));',
    [el.ref(), value],
  );
}

/** Plays the browser: GETs the authorization URL shown in `testId` at the stub, which redirects
 *  to the app's loopback port; returns the page the app answered there. */
async function authorizeIn(testId) {
  const url = await s.waitFor(`dirección de autorización (${testId})`, async () => {
    const el = await s.findAll(`[data-testid="${testId}"]`);
    const t = el[0] ? (await el[0].text()).trim() : '';
    return t.startsWith('http://127.0.0.1') ? t : null;
  }, 30000);
  assert.match(url, /code_challenge_method=S256/);
  assert.match(url, new RegExp(`redirect_uri=http%3A%2F%2F127\\.0\\.0\\.1%3A\\d+`));
  assert.match(url, /login_hint=sistemas%40entidad\.gov\.co/);
  const page = await fetch(url, { redirect: 'follow' });
  return page.text();
}

async function connectState(want) {
  return s.waitFor(`conexión ${want}`, async () => {
    const el = await s.findAll('[data-testid="mail-oauth-status"]');
    if (!el[0]) return null;
    const state = await s.execute('return arguments[0].dataset.state;', [el[0].ref()]);
    if (state === 'failed' && want !== 'failed') throw new Error(`la conexión falló: ${await el[0].text()}`);
    return state === want ? el[0].text() : null;
  }, 60000);
}

async function checkNow() {
  await clickVisible(s, 'mail-check-now');
}

before(async () => {
  hello = await startServers();
  ({ driver, session: s } = await launch({
    port,
    env: { MESA_DATA_DIR: dataDir, MESA_OAUTH_NO_BROWSER: '1' },
  }));
  await s.byTestId('nav-casos', '', 30000);
});

after(async () => {
  await stopAppFor({ session: s, driver, app, dataDir });
  if (servers) {
    servers.stdin.end('quit\n');
    await sleep(500);
    servers.kill();
  }
});

test('Microsoft 365 (OAuth2) from Ajustes: «Conectar» in the browser, then mail over XOAUTH2', async () => {
  await (await s.byTestId('nav-ajustes')).click();
  // The stored account (none) is loaded first: choices made before would be replaced.
  await s.find('[data-testid="mail-settings"][data-loaded="true"]', 30000);
  await select('mail-auth', 'oauth2_microsoft');
  // The provider's servers are proposed; the test points them at the loopback servers.
  assert.equal(await (await s.byTestId('mail-imap-host')).prop('value'), 'outlook.office365.com');
  assert.equal((await s.findAll('[data-testid="mail-password"]')).length, 0);
  await fill('mail-address', hello.user);
  await select('mail-security', 'none');
  await fill('mail-imap-host', '127.0.0.1');
  await fill('mail-imap-port', String(hello.imap_port));
  await fill('mail-smtp-host', '127.0.0.1');
  await fill('mail-smtp-port', String(hello.smtp_port));
  await fill('mail-interval', '60');
  await fill('mail-client-id', 'mesa-test-client');
  await s.execute('arguments[0].open = true;', [(await s.byTestId('mail-oauth-advanced')).ref()]);
  const stub = `http://127.0.0.1:${hello.token_port}`;
  await fill('mail-auth-endpoint', `${stub}/authorize`);
  await fill('mail-token-endpoint', `${stub}/token`);
  await fill('mail-device-endpoint', `${stub}/devicecode`);
  await clickVisible(s, 'mail-save');
  await waitNotice(s, /Cuenta de correo guardada/);
  assert.match(await text('mail-oauth-connected'), /todavía no está conectada/);

  await clickVisible(s, 'mail-oauth-connect');
  assert.match(await text('mail-oauth-message'), /Esperando la autorización/);
  await shot(s, 'mail-oauth-waiting');
  const page = await authorizeIn('mail-oauth-url');
  assert.match(page, /quedó conectada/);
  const done = await connectState('connected');
  assert.match(done, /conectada/);
  assert.match(done, /IMAP: conexión correcta/);
  assert.match(done, /SMTP: conexión y autenticación correctas/);
  await s.waitFor('la fecha de conexión', async () =>
    /Cuenta conectada el \d\d\/\d\d\/\d{4}/.test(await text('mail-oauth-connected')));
  await shot(s, 'mail-oauth-connected');
  // No token in the database: only the application (provider, client id, endpoints).
  const status = JSON.parse(mesaIn(dataDir, ['mail', 'status', '--json']));
  assert.equal(status.account.auth, 'oauth2_microsoft');
  assert.equal(status.oauth.token_endpoint, `${stub}/token`);
  assert.ok(status.oauth.connected_at);
  assert.equal(status.reconnect, null);

  await serverSays(`append ${request(1, 'Impresora atascada en Jurídica')}`);
  await checkNow();
  await waitNotice(s, /Buzón revisado: \d correo\(s\) nuevo/, 60000);
  assert.ok(inboxSubjects().includes('Impresora atascada en Jurídica'));
});

test('Microsoft device code: the code and the page are shown, and the account connects', async () => {
  await clickVisible(s, 'mail-oauth-connect-device');
  assert.equal(await text('mail-oauth-code'), 'ABCD-EFGH');
  assert.match(await text('mail-oauth-message'), /escriba el código ABCD-EFGH/);
  assert.match(await text('mail-oauth-url'), /^https:\/\/microsoft\.com\/devicelogin$/);
  await shot(s, 'mail-oauth-device-code');
  // The stub answers authorization_pending once, then the tokens.
  await connectState('connected');
});

test('«Cancelar» stops a connection that waits for the browser', async () => {
  await clickVisible(s, 'mail-oauth-connect');
  await s.byTestId('mail-oauth-url');
  await clickVisible(s, 'mail-oauth-cancel');
  assert.match(await connectState('cancelled'), /Se canceló/);
});

test('a revoked authorization raises the banner; its «Conectar» connects again and it goes away', async () => {
  await serverSays('revoke');
  await serverSays(`append ${request(2, 'Sin red en Almacén')}`);
  await checkNow();
  const banner = await s.byTestId('mail-reconnect-banner', '', 60000);
  assert.match(await banner.text(), /Vuelva a conectar la cuenta de correo/);
  assert.match(await text('mail-reconnect-detail'), /invalid_grant/);
  assert.equal(JSON.parse(mesaIn(dataDir, ['mail', 'status', '--json'])).reconnect.message,
    'Vuelva a conectar la cuenta de correo');
  await (await s.byTestId('nav-casos')).click();
  await s.byTestId('mail-reconnect-banner');
  await shot(s, 'mail-oauth-reconnect-banner');

  await clickVisible(s, 'mail-reconnect-connect');
  const page = await authorizeIn('mail-reconnect-url');
  assert.match(page, /quedó conectada/);
  // Connected, tested, and the collector's check that follows takes the banner away.
  await s.waitFor('el banner se va', async () => (await s.findAll('[data-testid="mail-reconnect-banner"]')).length === 0, 60000);
  await s.waitFor('el correo pendiente llega', () => inboxSubjects().includes('Sin red en Almacén'), 60000);
  assert.equal(JSON.parse(mesaIn(dataDir, ['mail', 'status', '--json'])).reconnect, null);
});
