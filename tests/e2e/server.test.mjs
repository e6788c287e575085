// Real-window tests of several workstations on one PostgreSQL database (issue 17), against a
// throw-away cluster on loopback started by `crates/core/examples/pg_server.rs` (build it with
// `cargo build -p mesa-core --features postgres --example pg_server`; MESA_PG_SERVER or the
// `examples/` folder next to the app binary):
// 1. Ajustes → Servidor moves a demo database to the server: «Vista previa» shows the table
//    counts, «Mover los datos» copies it and the status then shows PostgreSQL.
// 2. A second window (another data folder pointing at the same database) lists the same
//    cases, and a case registered in the first appears in the second's list without a restart
//    (LISTEN/NOTIFY → `datos-cambiados`).
// 3. «Volver a la base local» answers (the server's writer and readers are dropped off Tauri's
//    async workers: dropping a `postgres` client there panicked and the window never heard back).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { stopApp } from './webdriver.mjs';
import { app, tempDir, shot, clickVisible, launch, mesaIn, goToCases, registerCase, recordNotices, takeNotice } from './helpers.mjs';

const dataA = tempDir('mesa-e2e-pg-a-');
const dataB = tempDir('mesa-e2e-pg-b-');
const serverBin = process.env.MESA_PG_SERVER ?? join(dirname(app), 'examples/pg_server');
const port = 6900 + Math.floor(Math.random() * 400);
let pg;
let lines;
let target;
let a;
let b;

/** Clears and types into a field after scrolling it into view (Servidor is low in Ajustes). */
async function fill(s, testId, value) {
  const el = await s.byTestId(testId);
  await s.execute('arguments[0].scrollIntoView({ block: "center" });', [el.ref()]);
  await el.clear();
  await el.type(value);
}

/** Waits until a recorded notice matches `re` (the window's error banner fails at once). */
async function waitRecordedNotice(s, what, re, errorShot, timeoutMs) {
  let failure;
  const found = await s.waitFor(
    what,
    async () => {
      const err = (await s.findAll('[data-testid="error-banner"]'))[0];
      if (err && !failure) {
        await shot(s, errorShot);
        failure = new Error(`error en la ventana: ${await err.text()}`);
      }
      if (failure) return failure;
      return takeNotice(s, re);
    },
    timeoutMs,
  );
  if (found instanceof Error) throw found;
  return found;
}

async function pgSays(command) {
  pg.stdin.write(`${command}\n`);
  const r = await lines.next();
  assert.ok(!r.done, `pg_server «${command}» ended`);
  const v = JSON.parse(r.value);
  assert.ok(!v.error, `pg_server «${command}»: ${v.error}`);
  return v;
}

before(async () => {
  pg = spawn(serverBin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  lines = createInterface({ input: pg.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  assert.ok(!first.done, `pg_server (${serverBin}) ended without its port`);
  target = await pgSays('empty');
  mesaIn(dataA, ['demo', '--cases', '40', '--seed', '5']);
  a = await launch({ port, env: { MESA_DATA_DIR: dataA } });
});

after(async () => {
  if (b) await stopApp({ ...b, app, dataDir: dataB });
  if (a) await stopApp({ ...a, app, dataDir: dataA });
  pg?.stdin.end('quit\n');
});

test('Ajustes → Servidor: vista previa con los conteos, mover los datos y el estado muestra PostgreSQL', async () => {
  const s = a.session;
  await (await s.byTestId('nav-ajustes')).click();
  const status = await s.byTestId('server-status');
  assert.equal(await status.attr('data-engine'), 'sqlite');
  await fill(s, 'server-host', '127.0.0.1');
  await fill(s, 'server-port', String(target.port));
  await fill(s, 'server-database', target.database);
  await fill(s, 'server-user', target.user);
  await fill(s, 'server-password', target.password);
  await clickVisible(s, 'server-preview');
  await new Promise((r) => setTimeout(r, 3000));
  await shot(s, 'server-after-preview-click');
  const row = await s.waitFor('fila tickets de la vista previa', async () => {
    const err = (await s.findAll('[data-testid="error-banner"]'))[0];
    if (err) throw new Error(`error en la ventana: ${await err.text()}`);
    return (await s.findAll('[data-testid="server-plan-row"][data-table="tickets"]'))[0];
  });
  assert.equal(await row.attr('data-rows'), '40');
  assert.match(await (await s.byTestId('server-ready')).text(), /Servidor listo: PostgreSQL/);
  await shot(s, 'server-preview');
  await recordNotices(s);
  await clickVisible(s, 'server-move');
  await waitRecordedNotice(
    s,
    'aviso de la copia',
    /Copiadas .* filas .* Este equipo usa ahora el servidor/,
    'server-move-error',
    60000,
  );
  await s.waitFor('estado PostgreSQL', async () =>
    (await (await s.byTestId('server-status')).attr('data-engine')) === 'postgresql',
  );
  assert.match(await (await s.byTestId('server-address')).text(), new RegExp(`127.0.0.1:${target.port}/${target.database}`));
  assert.match(await (await s.byTestId('server-connection')).text(), /Correcta/);
  await shot(s, 'server-moved');
  // The case list now reads the server: the 40 demo cases are there.
  await goToCases(s);
  const total = mesaIn(dataA, ['server', 'status', '--json']);
  assert.equal(JSON.parse(total).engine, 'postgresql');
});

test('dos ventanas sobre el mismo servidor: un caso registrado en una aparece en la otra sin reiniciar', async () => {
  // Workstation B points at the same database; its password is already in this user's OS
  // credential store under the same key (the move stored it).
  writeFileSync(
    join(dataB, 'servidor.json'),
    JSON.stringify({ engine: 'postgresql', host: '127.0.0.1', port: target.port, dbname: target.database, user: target.user }),
  );
  // Its own session bus: the single-instance plugin would otherwise hand this launch to A.
  b = await launch({ port: port + 10, env: { MESA_DATA_DIR: dataB, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/mesa-e2e' } });
  const sb = b.session;
  await goToCases(sb);
  await sb.waitFor('los casos del servidor en B', async () => (await sb.findAll('[data-testid="case-row"]')).length > 0);

  const number = await registerCase(a.session, {
    requester: 'Rosa Servidor Compartido',
    department: 'Secretaría General',
    description: 'La impresora del segundo piso no imprime (caso desde otro equipo)',
  });
  await fill(sb, 'case-search', 'Rosa Servidor');
  await sb.waitFor(
    `caso ${number} en la lista de B`,
    async () => (await sb.findAll(`[data-testid="case-row"][data-number="${number}"]`)).length === 1,
    20000,
  );
  await shot(sb, 'server-second-window');
});

test('volver a la base local: el estado muestra SQLite otra vez y la ventana sigue respondiendo', async () => {
  const s = a.session;
  await (await s.byTestId('nav-ajustes')).click();
  await s.waitFor('estado PostgreSQL antes de volver', async () =>
    (await (await s.byTestId('server-status')).attr('data-engine')) === 'postgresql',
  );
  // The confirmation is the browser's own dialog: accepted here.
  await s.execute('window.confirm = () => true;', []);
  await recordNotices(s);
  await clickVisible(s, 'server-use-local');
  await waitRecordedNotice(s, 'aviso de la vuelta a SQLite', /usa otra vez su base SQLite/, 'server-use-local-error', 30000);
  await s.waitFor('estado SQLite', async () =>
    (await (await s.byTestId('server-status')).attr('data-engine')) === 'sqlite',
  );
  // The local file again: the 40 demo cases, not the one registered on the server.
  assert.equal(JSON.parse(mesaIn(dataA, ['server', 'status', '--json'])).engine, 'sqlite');
  await goToCases(s);
  await s.waitFor('los casos locales', async () => (await s.findAll('[data-testid="case-row"]')).length > 0);
  await shot(s, 'server-back-to-local');
});
