// Real-window test of Ajustes → Correo and the background collector (issue 16), against real
// servers on loopback: Dovecot + aiosmtpd started by `crates/mailnet/examples/mail_servers.rs`
// (build it with `cargo build -p mesa-mailnet --example mail_servers`; MESA_MAIL_SERVERS or the
// `examples/` folder next to the CLI binary). In the window: «Probar conexión» with a wrong
// password gives the Spanish diagnosis, with the right one both sides pass; the account is
// saved (the password only to the OS credential store); «Revisar correo» stores an APPENDed
// mail and the periodic check (1 minute) stores the next one (read back with
// `mesa mail inbox --json`); a wrong password saved on the account raises the reconnect banner,
// and fixing it from the banner's button makes it go away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { sleep, stopApp as stopAppFor } from './webdriver.mjs';
import { app, cli, tempDir, shot, clickVisible, waitNotice, launch, mesaIn } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-mail-');
const mailDir = tempDir('mesa-e2e-mail-eml-');
const serversBin = process.env.MESA_MAIL_SERVERS ?? join(dirname(cli), 'examples', 'mail_servers');
let port = 6300 + Math.floor(Math.random() * 500);
let driver;
let s;
let servers;
let hello;
let lines;

/** Starts the loopback servers and reads their ports (one JSON line). */
async function startServers() {
  servers = spawn(serversBin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
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
    `From: Ana Correo <ana.correo${n}@indupal.gov.co>\r\nTo: ${hello.user}\r\nSubject: ${subject}\r\n` +
      `Message-ID: <e2e-${n}-${Date.now()}@indupal.gov.co>\r\nDate: Tue, 01 Dec 2026 09:58:00 -0500\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBuenos días, ${subject.toLowerCase()}.\r\n`,
  );
  return file;
}

const inboxSubjects = () => JSON.parse(mesaIn(dataDir, ['mail', 'inbox', '--json'])).map((e) => e.subject);

async function text(id) {
  return (await s.byTestId(id)).text();
}

/** `fill` after scrolling the field into view (the Correo section is low in Ajustes). */
async function fill(s, testId, value) {
  const el = await s.byTestId(testId);
  await s.execute('arguments[0].scrollIntoView({ block: "center" });', [el.ref()]);
  await el.clear();
  await el.type(value);
}

async function fillAccount(password) {
  await fill(s, 'mail-address', hello.user);
  await (await s.byTestId('mail-security')).setValue('none');
  await fill(s, 'mail-imap-host', '127.0.0.1');
  await fill(s, 'mail-imap-port', String(hello.imap_port));
  await fill(s, 'mail-smtp-host', '127.0.0.1');
  await fill(s, 'mail-smtp-port', String(hello.smtp_port));
  await fill(s, 'mail-interval', '1');
  await fill(s, 'mail-password', password);
}

async function testConnection() {
  await clickVisible(s, 'mail-test');
  return s.waitFor('informe de la prueba', async () => {
    const r = await s.findAll('[data-testid="mail-test-report"]');
    return r[0] ? r[0].text() : null;
  }, 60000);
}

before(async () => {
  hello = await startServers();
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir } }));
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

test('Probar conexión: a wrong password gives the Spanish diagnosis; the right one passes', async () => {
  await (await s.byTestId('nav-ajustes')).click();
  await s.byTestId('mail-settings');
  await fillAccount('no-es-la-clave');
  const bad = await testConnection();
  assert.match(bad, /La prueba de conexión falló/);
  assert.match(await text('mail-test-imap'), /IMAP: falló/);
  assert.match(bad, /rechazó el usuario o la contraseña/);
  await shot(s, 'mail-settings-wrong-password');

  await fill(s, 'mail-password', hello.password);
  const good = await s.waitFor('prueba correcta', async () => {
    const r = await testConnection();
    return /La conexión IMAP y SMTP funciona/.test(r) ? r : null;
  }, 60000);
  assert.match(good, /IMAP: conexión correcta/);
  assert.match(good, /SMTP: conexión y autenticación correctas/);

  await clickVisible(s, 'mail-save');
  await waitNotice(s, /Cuenta de correo guardada/);
  // The password field is empty again: it is never shown back.
  assert.equal(await (await s.byTestId('mail-password')).prop('value'), '');
});

test('«Revisar correo» and the periodic check store APPENDed mail', async () => {
  await serverSays(`append ${request(1, 'No imprime la impresora de Tesorería')}`);
  await clickVisible(s, 'mail-check-now');
  // (The collector's own timer may have taken it first: then the click finds nothing new.)
  await waitNotice(s, /Buzón revisado: \d correo\(s\) nuevo/, 60000);
  assert.ok(inboxSubjects().includes('No imprime la impresora de Tesorería'));
  assert.match(await text('mail-last-check'), /Última revisión: \d\d\/\d\d\/\d{4}/);
  assert.equal(await serverSays('count INBOX'), 'ok 0');

  // Nobody clicks: the collector's own timer (1 minute) stores the next one.
  await serverSays(`append ${request(2, 'Sin internet en Almacén')}`);
  await s.waitFor('la revisión periódica', () => inboxSubjects().includes('Sin internet en Almacén'), 150000);
});

test('a wrong password on the account raises the reconnect banner until it is fixed', async () => {
  await fill(s, 'mail-password', 'clave-cambiada');
  await clickVisible(s, 'mail-save');
  await waitNotice(s, /Cuenta de correo guardada/);
  // Saving wakes the collector: its check fails and the banner appears across the app.
  const banner = await s.byTestId('mail-reconnect-banner', '', 60000).catch(async (e) => {
    throw new Error(`${e.message}; Ajustes → Correo dice: ${await text('mail-status')}`);
  });
  assert.match(await banner.text(), /Vuelva a escribir la contraseña de la cuenta de correo/);
  await (await s.byTestId('nav-casos')).click();
  await s.byTestId('mail-reconnect-banner');
  await shot(s, 'mail-reconnect-banner');

  await clickVisible(s, 'mail-reconnect-go');
  await s.byTestId('mail-settings');
  await fill(s, 'mail-password', hello.password);
  await clickVisible(s, 'mail-save');
  await s.waitFor('el banner se va', async () => (await s.findAll('[data-testid="mail-reconnect-banner"]')).length === 0, 60000);
  await serverSays(`append ${request(3, 'Pantalla azul en Contabilidad')}`);
  await clickVisible(s, 'mail-check-now');
  await waitNotice(s, /Buzón revisado: \d correo\(s\) nuevo/, 60000);
  assert.ok(inboxSubjects().includes('Pantalla azul en Contabilidad'));
});
