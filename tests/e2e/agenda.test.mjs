// Real-window test of the scheduled visit and the Agenda (issue 13): a case registered with the
// CLI gets a visit in its detail (tomorrow 10:00, Bogotá), the timeline and the database show it,
// «Descargar .ics» writes the event (MESA_EXPORT_DIR, no dialog) and the Agenda in the sidebar
// shows the visit on its day and opens the case. tauri-driver + WebKitWebDriver under Xvfb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { app, cli, tempDir, shot, fill, clickVisible, launch, openCase, sqlite, waitNotice } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-agenda-');
const exportDir = tempDir('mesa-e2e-agenda-export-');
const port = 5600 + Math.floor(Math.random() * 400);
let driver;
let s;
let number;

// Tomorrow in Bogotá (UTC−5, no DST): its date as dd/mm/aaaa and as YYYYMMDD.
const bogotaNow = new Date(Date.now() - 5 * 3600 * 1000);
const tomorrow = new Date(Date.UTC(bogotaNow.getUTCFullYear(), bogotaNow.getUTCMonth(), bogotaNow.getUTCDate() + 1));
const pad = (n) => String(n).padStart(2, '0');
const dmy = `${pad(tomorrow.getUTCDate())}/${pad(tomorrow.getUTCMonth() + 1)}/${tomorrow.getUTCFullYear()}`;
const ymd = `${tomorrow.getUTCFullYear()}${pad(tomorrow.getUTCMonth() + 1)}${pad(tomorrow.getUTCDate())}`;
const isoDay = `${tomorrow.getUTCFullYear()}-${pad(tomorrow.getUTCMonth() + 1)}-${pad(tomorrow.getUTCDate())}`;

function mesa(...args) {
  return execFileSync(cli, ['--data-dir', dataDir, '--json', ...args]).toString();
}

before(async () => {
  assert.ok(existsSync(cli), `CLI missing: ${cli} (cargo build -p mesa-cli)`);
  number = JSON.parse(
    mesa(
      'ticket', 'new',
      '--requester', 'Ángela Muñoz',
      '--department', 'Tesorería',
      '--location', 'Piso 2, oficina 204',
      '--description', 'La impresora no imprime; revisar tóner, rodillos y cable',
    ),
  ).number;
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir, MESA_EXPORT_DIR: exportDir } }));
  await s.byTestId('nav-casos', '', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

test('schedule a visit on the case detail', async () => {
  await openCase(s, number);
  await s.byTestId('visit-none');
  await clickVisible(s, 'visit-schedule');
  await fill(s, 'visit-at', `${dmy} 10:00`);
  await fill(s, 'visit-minutes', '45');
  await clickVisible(s, 'visit-confirm');
  await waitNotice(s, /Visita programada/);
  await s.waitFor('visita mostrada', async () =>
    (await (await s.byTestId('visit-when')).text()).includes(`${dmy} 10:00–10:45`),
  );
  assert.equal((await (await s.byTestId('visit-place')).text()).trim(), 'Piso 2, oficina 204');
  const timeline = await (await s.byTestId('timeline')).text();
  assert.match(timeline, /Visita programada/);
  const sql = sqlite(join(dataDir, 'mesa.db'));
  const rows = sql(
    'SELECT v.starts_at, v.minutes FROM ticket_visits v JOIN tickets t ON t.id = v.ticket_id WHERE t.number = ?',
    [number],
  );
  assert.equal(rows.length, 1);
  // 10:00 in Bogotá is 15:00 UTC.
  assert.equal(rows[0][0], `${isoDay}T15:00:00Z`);
  assert.equal(rows[0][1], 45);
  await shot(s, 'agenda-visit-panel');
});

test('download the .ics', async () => {
  await clickVisible(s, 'visit-ics');
  const name = `visita-${number}.ics`;
  await s.waitFor('ics guardado', async () => readdirSync(exportDir).includes(name));
  await waitNotice(s, /Evento de calendario guardado/);
  const text = readFileSync(join(exportDir, name), 'utf8');
  assert.ok(text.startsWith('BEGIN:VCALENDAR\r\n'));
  assert.ok(text.endsWith('END:VCALENDAR\r\n'));
  for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  const unfolded = text.replace(/\r\n /g, '');
  assert.match(unfolded, /BEGIN:VTIMEZONE\r\nTZID:America\/Bogota\r\n/);
  assert.ok(unfolded.includes(`DTSTART;TZID=America/Bogota:${ymd}T100000\r\n`), unfolded);
  assert.ok(unfolded.includes(`DTEND;TZID=America/Bogota:${ymd}T104500\r\n`), unfolded);
  assert.ok(unfolded.includes(`SUMMARY:Visita técnica ${number} — Ángela Muñoz\r\n`), unfolded);
  assert.ok(unfolded.includes('LOCATION:Piso 2\\, oficina 204\r\n'), unfolded);
  assert.ok(unfolded.includes('La impresora no imprime\\; revisar tóner\\, rodillos y cable'), unfolded);
});

test('the Agenda in the sidebar shows the visit and opens its case', async () => {
  await (await s.byTestId('nav-agenda')).click();
  await s.byTestId('agenda');
  await (await s.byTestId('agenda-mode-day')).click();
  await (await s.byTestId('agenda-next')).click();
  await s.waitFor('día de mañana', async () =>
    (await (await s.byTestId('agenda-range')).text()).includes(dmy),
  );
  const visit = await s.waitFor('visita en la agenda', async () =>
    (await s.findAll(`[data-testid="agenda-visit"][data-number="${number}"]`))[0],
  );
  const text = await visit.text();
  assert.match(text, /10:00–10:45/);
  assert.match(text, /Ángela Muñoz/);
  await shot(s, 'agenda-day');
  // The week view holds it too.
  await (await s.byTestId('agenda-mode-week')).click();
  await s.waitFor('semana', async () =>
    (await s.findAll(`[data-testid="agenda-day"][data-day="${isoDay}"] [data-testid="agenda-visit"]`)).length === 1,
  );
  const inWeek = (await s.findAll(`[data-testid="agenda-visit"][data-number="${number}"]`))[0];
  await inWeek.click();
  await s.waitFor('detalle', async () => (await (await s.byTestId('detail-number')).text()).includes(number));
});
