// Real-window test of the Bandeja (issue 16) against real mail servers on loopback: Dovecot and
// an aiosmtpd receiver delivering into the same Maildir, started by the example
// `crates/mailnet/examples/mail_servers.rs` (build it with
// `cargo build -p mesa-mailnet --example mail_servers`) and driven over its stdin. The account is
// configured with the CLI before the app starts. The flow: a request APPENDed with an
// arrival time → «Revisar correo» → in the Bandeja with that time → «Registrar» (prefilled form)
// → the case number; the acknowledgment reaches the SMTP receiver; a reply → a public follow-up
// on the case; an out-of-office reply creates nothing and shows as ignored; resolved, a survey
// reply «1. 5 2. 4 3. 5» stores the survey and closes the case; an ambiguous survey reply lands
// in «Revisar respuesta» and is recorded from there; an imported `.eml` (the command the drop
// handler calls, invoked from the page; the real drag and drop is tests/e2e/drop.test.mjs)
// lands in the Bandeja.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sleep, stopApp as stopAppFor } from './webdriver.mjs';
import { app, tempDir, sqlite, shot, fill, clickVisible, waitNotice, openCase, launch, mesaIn } from './helpers.mjs';

// Next to the app binary (target/debug/examples/), or MESA_MAIL_SERVERS.
const serversBin = process.env.MESA_MAIL_SERVERS ?? join(dirname(app), 'examples/mail_servers');
const dataDir = tempDir('mesa-e2e-mail-');
const emlDir = tempDir('mesa-e2e-mail-eml-');
const dbPath = join(dataDir, 'mesa.db');
const sql = sqlite(dbPath);
const port = 7300 + Math.floor(Math.random() * 500);
let driver;
let s;
let servers;
let hello;
let answers;

/** One command to the mail servers' stdin; its one-line answer. */
async function srv(line) {
  servers.stdin.write(`${line}\n`);
  const { value } = await answers.next();
  assert.match(value, /^ok/, `${line}: ${value}`);
  return value;
}

let seq = 0;
/** Writes a plain-text mail to a file and APPENDs it to INBOX with the arrival time `at`. */
async function append({ from, subject, body, extra = '', at }) {
  seq += 1;
  const file = join(emlDir, `m${seq}.eml`);
  writeFileSync(
    file,
    `From: ${from}\r\nTo: ${hello.user}\r\nSubject: ${subject}\r\nMessage-ID: <e2e-${seq}-${Date.now()}@entidad.gov.co>\r\n` +
      `Date: Tue, 1 Dec 2026 06:00:00 -0500\r\n${extra}MIME-Version: 1.0\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`,
  );
  await srv(`append ${file} ${at}`);
}

/** Files the SMTP receiver delivered anywhere in the Maildir that contain `needle`. */
function delivered(needle) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\/(new|cur)\//.test(p)) {
        const text = readFileSync(p, 'utf8');
        if (text.includes(needle)) out.push(text);
      }
    }
  };
  walk(hello.maildir);
  return out;
}

function header(mail, name) {
  const line = mail
    .split(/\r?\n/)
    .slice(0, mail.split(/\r?\n/).indexOf(''))
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : null;
}

/** «Revisar correo» in the Bandeja, waiting for its summary. */
async function checkMail() {
  await (await s.byTestId('nav-bandeja')).click();
  const before = (await s.findAll('[data-testid="inbox-check-result"]')).length;
  await (await s.byTestId('inbox-check')).click();
  await s.waitFor(
    'revisión terminada',
    async () => {
      const btn = await s.byTestId('inbox-check');
      const text = await btn.text();
      const result = await s.findAll('[data-testid="inbox-check-result"]');
      return text === 'Revisar correo' && (result.length > 0 || before > 0);
    },
    60000,
  );
  const banner = await s.findAll('[data-testid="error-banner"]');
  if (banner.length > 0) assert.fail(`error al revisar: ${await banner[0].text()}`);
}

async function setFilter(value) {
  const sel = await s.byTestId('inbox-filter');
  await s.execute(
    'arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event("change", { bubbles: true }));',
    [sel.ref(), value],
  );
}

/** The Bandeja row whose text matches `re` (waits for it). */
async function row(re) {
  return s.waitFor(`fila ${re}`, async () => {
    for (const r of await s.findAll('[data-testid="inbox-row"]')) if (re.test(await r.text())) return r;
    return null;
  });
}

/** Opens a Bandeja row's mail (its subject button: WebKit does not click a table row). */
async function openRow(r) {
  await s.execute('arguments[0].scrollIntoView({ block: "center" }); arguments[0].querySelector("button").click();', [r.ref()]);
  const subject = await s.execute('return arguments[0].querySelector("button").textContent.trim();', [r.ref()]);
  await s.waitFor(`detalle ${subject}`, async () => {
    const d = await s.findAll('[data-testid="inbox-detail-subject"]');
    return d.length > 0 && (await d[0].text()).trim() === subject;
  });
}

before(async () => {
  assert.ok(existsSync(serversBin), `mail_servers missing: ${serversBin} (cargo build -p mesa-mailnet --example mail_servers)`);
  servers = spawn(serversBin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  answers = createInterface({ input: servers.stdout })[Symbol.asyncIterator]();
  hello = JSON.parse((await answers.next()).value);
  // Three survey questions, so «1. 5 2. 4 3. 5» is a complete answer; then the mailbox.
  mesaIn(dataDir, ['catalog', 'questions', 'Oportunidad', 'Calidad', 'Trato']);
  mesaIn(
    dataDir,
    [
      'mail', 'account',
      '--imap', `127.0.0.1:${hello.imap_port}`,
      '--smtp', `127.0.0.1:${hello.smtp_port}`,
      '--security', 'none', '--user', hello.user, '--password-stdin',
    ],
    { input: `${hello.password}\n` },
  );
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir } }));
  await s.byTestId('nav-bandeja', '', 30000);
});

after(async () => {
  await stopAppFor({ session: s, driver, app, dataDir });
  if (servers) {
    servers.stdin.write('quit\n');
    await new Promise((r) => {
      const t = setTimeout(() => (servers.kill(), r()), 10000);
      servers.on('exit', () => (clearTimeout(t), r()));
    });
  }
  await sleep(200);
});

test('a mail request: Bandeja with its arrival time, registered, acknowledged, followed up, surveyed by reply', async () => {
  await append({
    from: 'Nubia Cuello <nubia@entidad.gov.co>',
    subject: 'No imprime la impresora de Tesorería',
    body: 'Buenos días, la impresora del segundo piso no imprime desde ayer.',
    at: '2026-12-01T08:05:00-05:00',
  });
  await checkMail();
  const r = await row(/No imprime la impresora de Tesorería/);
  // The server's arrival time (INTERNALDATE), not the Date header (06:00).
  assert.match(await r.text(), /01\/12\/2026 08:05/);
  await s.waitFor('contador de la Bandeja', async () => (await (await s.byTestId('nav-bandeja')).text()).includes('1'));
  await openRow(r);
  assert.match(await (await s.byTestId('inbox-body')).text(), /segundo piso no imprime/);
  assert.match(await (await s.byTestId('inbox-detail-received')).text(), /01\/12\/2026 08:05/);
  await shot(s, 'mail-inbox');

  // «Registrar»: the form prefilled by the core.
  await (await s.byTestId('inbox-register')).click();
  await s.byTestId('case-from-mail');
  assert.equal(await (await s.byTestId('case-requester')).prop('value'), 'Nubia Cuello');
  assert.equal(await (await s.byTestId('case-email')).prop('value'), 'nubia@entidad.gov.co');
  assert.equal(await (await s.byTestId('case-received-at')).prop('value'), '01/12/2026 08:05');
  assert.match(await (await s.byTestId('case-description')).prop('value'), /No imprime la impresora[\s\S]*segundo piso/);
  assert.equal(await (await s.byTestId('case-department')).prop('value'), 'Por definir');
  await fill(s, 'case-department', 'Tesorería');
  await fill(s, 'case-location', 'Piso 2');
  await clickVisible(s, 'case-save');
  const number = (await (await s.byTestId('case-created-number')).text()).trim();
  assert.match(number, /^MA-2026-\d{4}$/);
  assert.deepEqual(sql('SELECT received_at, channel, department, email FROM tickets WHERE number = ?', [number]), [
    ['2026-12-01T13:05:00Z', 'correo', 'Tesorería', 'nubia@entidad.gov.co'],
  ]);
  await shot(s, 'mail-registered');

  // The acknowledgment goes out on the next check and reaches the SMTP receiver.
  await checkMail();
  await s.waitFor('acuse enviado', async () =>
    sql("SELECT count(*) FROM mail_outbox WHERE kind = 'acuse' AND state = 'enviado'")[0][0] === 1,
  );
  const acks = delivered(number);
  assert.equal(acks.length, 1, 'un acuse en el Maildir');
  assert.ok(header(acks[0], 'Subject').includes(number));
  const ackId = header(acks[0], 'Message-ID');

  // A reply of the requester: a public follow-up on the case; an out-of-office reply: nothing.
  await append({
    from: 'Nubia Cuello <nubia@entidad.gov.co>',
    subject: `RE: [${number}] recibido`,
    body: 'Ya la reinicié y sigue igual.\r\n\r\nEl mar, 1 dic 2026, Mesa escribió:\r\n> acuse',
    extra: `In-Reply-To: ${ackId}\r\nReferences: ${ackId}\r\n`,
    at: '2026-12-01T09:30:00-05:00',
  });
  await append({
    from: 'Luis Pardo <luis@entidad.gov.co>',
    subject: 'Respuesta automática: fuera de la oficina',
    body: 'Estoy de vacaciones hasta el lunes.',
    extra: 'Auto-Submitted: auto-replied\r\n',
    at: '2026-12-01T09:31:00-05:00',
  });
  await checkMail();
  await setFilter('followups');
  const reply = await row(/RE: \[MA-2026-\d{4}\] recibido/);
  await openRow(reply);
  assert.equal((await (await s.byTestId('inbox-case-link')).text()).trim(), number);
  await setFilter('ignored');
  const ooo = await row(/fuera de la oficina/);
  await openRow(ooo);
  assert.match(await (await s.byTestId('inbox-why')).text(), /respuesta automática/);
  assert.equal(sql('SELECT count(*) FROM tickets')[0][0], 1, 'the auto-reply created no case');
  await shot(s, 'mail-ignored');
  // The follow-up, seen on the case in the window (through the link of the reply).
  await setFilter('followups');
  await openRow(await row(/recibido/));
  await (await s.byTestId('inbox-case-link')).click();
  await s.waitFor('detalle del caso', async () => (await (await s.byTestId('detail-number')).text()).includes(number));
  await s.waitFor('seguimiento del correo', async () =>
    /Ya la reinicié y sigue igual/.test(await (await s.byTestId('follow-ups')).text()),
  );

  // Resolved (the CLI on the same data folder); the notice goes out on the next check; the
  // survey answered by reply closes the case.
  mesaIn(dataDir, ['ticket', 'resolve', number, '--solution', 'Se cambió el tóner de la impresora']);
  await checkMail();
  await s.waitFor('aviso de solución enviado', async () =>
    sql("SELECT count(*) FROM mail_outbox WHERE kind = 'resuelto' AND state = 'enviado'")[0][0] === 1,
  );
  const noticeId = `<${sql("SELECT message_id FROM mail_outbox WHERE kind = 'resuelto'")[0][0]}>`;
  await append({
    from: 'nubia@entidad.gov.co',
    subject: `RE: [${number}] solucionado`,
    body: '1. 5 2. 4 3. 5\r\n\r\n> preguntas',
    extra: `In-Reply-To: ${noticeId}\r\nReferences: ${ackId} ${noticeId}\r\n`,
    at: '2026-12-01T11:00:00-05:00',
  });
  await checkMail();
  assert.deepEqual(sql('SELECT status FROM tickets WHERE number = ?', [number]), [['closed']]);
  assert.deepEqual(
    sql('SELECT s.scores FROM surveys s JOIN tickets t ON t.id = s.ticket_id WHERE t.number = ?', [number]).length,
    1,
  );
  await openCase(s, number);
  await s.waitFor('caso cerrado', async () => /Cerrado/.test(await (await s.byTestId('detail-status')).text()));
  await shot(s, 'mail-surveyed');
});

test('an ambiguous survey reply waits in «Revisar respuesta» and is recorded beside the mail', async () => {
  await append({
    from: 'Marta Ríos <marta@entidad.gov.co>',
    subject: 'El escáner no funciona',
    body: 'El escáner de Contabilidad no enciende.',
    at: '2026-12-01T10:00:00-05:00',
  });
  await checkMail();
  await setFilter('pending');
  await openRow(await row(/El escáner no funciona/));
  await (await s.byTestId('inbox-register')).click();
  await s.byTestId('case-from-mail');
  await fill(s, 'case-department', 'Contabilidad');
  await clickVisible(s, 'case-save');
  const number = (await (await s.byTestId('case-created-number')).text()).trim();
  mesaIn(dataDir, ['ticket', 'resolve', number, '--solution', 'Se cambió el cable de poder']);
  await checkMail();
  await s.waitFor('aviso enviado', async () =>
    sql(
      "SELECT count(*) FROM mail_outbox o JOIN tickets t ON t.id = o.ticket_id WHERE t.number = ? AND o.kind = 'resuelto' AND o.state = 'enviado'",
      [number],
    )[0][0] === 1,
  );
  const noticeId = `<${sql("SELECT o.message_id FROM mail_outbox o JOIN tickets t ON t.id = o.ticket_id WHERE t.number = ? AND o.kind = 'resuelto'", [number])[0][0]}>`;
  await append({
    from: 'marta@entidad.gov.co',
    subject: `RE: [${number}] solucionado`,
    body: 'Todo quedó funcionando, muchas gracias por la ayuda.',
    extra: `In-Reply-To: ${noticeId}\r\n`,
    at: '2026-12-01T12:00:00-05:00',
  });
  await checkMail();
  await setFilter('review');
  await openRow(await row(/RE: \[MA-2026-\d{4}\] solucionado/));
  await s.byTestId('inbox-survey');
  assert.match(await (await s.byTestId('inbox-body')).text(), /Todo quedó funcionando/);
  await shot(s, 'mail-review');
  for (const [i, v] of ['5', '5', '4'].entries()) {
    const sel = await s.byTestId(`inbox-survey-score-${i}`);
    await s.execute(
      'arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event("change", { bubbles: true }));',
      [sel.ref(), v],
    );
  }
  await fill(s, 'inbox-survey-comment', 'Respondió sin puntajes; quedó satisfecha');
  await clickVisible(s, 'inbox-survey-save');
  await waitNotice(s, new RegExp(`Encuesta registrada; el caso ${number} quedó cerrado`));
  assert.deepEqual(sql('SELECT status FROM tickets WHERE number = ?', [number]), [['closed']]);
  assert.equal(sql("SELECT count(*) FROM mail_messages WHERE state = 'revisar_respuesta'")[0][0], 0);
});

test('a dropped .eml goes through the mailbox intake into the Bandeja', async () => {
  const file = join(emlDir, 'arrastrado.eml');
  writeFileSync(
    file,
    'From: Pedro Gil <pedro@entidad.gov.co>\r\nTo: sistemas@entidad.gov.co\r\nSubject: Sin acceso a la VPN\r\n' +
      'Message-ID: <arrastrado-1@entidad.gov.co>\r\nDate: Tue, 1 Dec 2026 07:45:00 -0500\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n\r\nNo puedo entrar a la VPN desde la casa.\r\n',
  );
  await (await s.byTestId('nav-bandeja')).click();
  const lines = await s.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke('mail_import_files', { paths: [arguments[0]] })
       .then((r) => done(JSON.stringify(r)), (e) => done(JSON.stringify(e)));`,
    [file],
  );
  assert.match(lines, /"ok":true/, lines);
  assert.match(lines, /Bandeja de entrada/, lines);
  await setFilter('all');
  await setFilter('pending');
  const r = await row(/Sin acceso a la VPN/);
  // An imported file has no server arrival time: its Date header.
  assert.match(await r.text(), /01\/12\/2026 07:45/);
  await shot(s, 'mail-dropped');
});
