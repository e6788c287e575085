// Real drag and drop onto the app's window (issues 13 and 16): files are dragged with the
// pointer (xdotool, XTEST) from a real GTK drag source (tests/e2e/drag_source.py, what a file
// manager offers: `text/uri-list`) to the window under Xvfb, so the drop goes through X11's XDND,
// GTK, the webview and Tauri's drag-drop event exactly as a user's drop does; WebDriver cannot
// drop files. Checked: saved mails (`.eml`, Outlook `.msg`) dropped on the window land in the
// Bandeja (other files are left alone), and a file dropped on an open case becomes its attachment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, stopApp as stopAppFor } from './webdriver.mjs';
import { app, root, tempDir, sqlite, shot, waitNotice, registerCase, openCase, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-drop-');
const srcDir = tempDir('mesa-e2e-drop-src-');
const sql = sqlite(join(dataDir, 'mesa.db'));
const port = 8300 + Math.floor(Math.random() * 500);
let driver;
let s;

before(async () => {
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir } }));
  await s.byTestId('nav-casos', '', 30000);
});

after(async () => {
  await stopAppFor({ session: s, driver, app, dataDir });
  await sleep(200);
});

function xdo(...args) {
  const r = spawnSync('xdotool', args.map(String), { encoding: 'utf8' });
  assert.equal(r.status, 0, `xdotool ${args.join(' ')}: ${r.stderr}`);
}

/** The next line the drag source prints, or a failure after `ms`. */
function nextLine(lines, ms, what) {
  return Promise.race([
    lines.next().then(({ value, done }) => {
      assert.ok(!done, `la fuente de arrastre terminó antes de «${what}»`);
      return value;
    }),
    sleep(ms).then(() => assert.fail(`la fuente de arrastre no dijo «${what}» en ${ms} ms`)),
  ]);
}

/** Drags `files` from the GTK drag source (bottom right of the screen) to (x, y) on the app's
 *  window with the real pointer: press, move in steps past GTK's drag threshold, release. */
async function dragFiles(files, { x = 420, y = 420 } = {}) {
  const src = spawn('/usr/bin/python3', [join(root, 'tests/e2e/drag_source.py'), '1150', '680', ...files], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const lines = createInterface({ input: src.stdout })[Symbol.asyncIterator]();
    const ready = await nextLine(lines, 20000, 'ready');
    const [word, sx, sy] = ready.split(' ');
    assert.equal(word, 'ready', ready);
    xdo('mousemove', sx, sy);
    await sleep(300);
    xdo('mousedown', 1);
    await sleep(200);
    const steps = 20;
    for (let i = 1; i <= steps; i += 1) {
      xdo('mousemove', Math.round(+sx + ((x - sx) * i) / steps), Math.round(+sy + ((y - sy) * i) / steps));
      await sleep(50);
    }
    await sleep(500);
    xdo('mouseup', 1);
    assert.equal(await nextLine(lines, 20000, 'dragged'), 'dragged');
  } finally {
    src.kill();
  }
}

test('saved mails (.eml, Outlook .msg) dragged onto the window land in the Bandeja; other files are left alone', async () => {
  const eml = join(srcDir, 'solicitud arrastrada.eml');
  writeFileSync(
    eml,
    'From: Pedro Gil <pedro@entidad.gov.co>\r\nTo: sistemas@entidad.gov.co\r\n' +
      'Subject: =?utf-8?q?No_abre_el_correo_institucional_en_el_tel=C3=A9fono?=\r\n' +
      'Message-ID: <arrastre-real-1@entidad.gov.co>\r\nDate: Wed, 2 Dec 2026 08:10:00 -0500\r\n' +
      'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
      'Desde ayer el teléfono no sincroniza el correo.\r\n',
  );
  const other = join(srcDir, 'notas.txt');
  writeFileSync(other, 'no es un correo\n');
  const msg = join(srcDir, 'reenviado desde Outlook.msg');
  copyFileSync(join(root, 'tests/fixtures/mail/outlook-attachments.msg'), msg);
  await dragFiles([eml, other, msg]);
  await waitNotice(s, /2 correo\(s\) importado\(s\) a la Bandeja\./);
  const r = await s.waitFor('fila arrastrada', async () => {
    for (const row of await s.findAll('[data-testid="inbox-row"]')) {
      if (/No abre el correo institucional en el teléfono/.test(await row.text())) return row;
    }
    return null;
  });
  // A file has no server arrival time: its Date header.
  assert.match(await r.text(), /02\/12\/2026 08:10/);
  assert.deepEqual(
    sql("SELECT subject, state FROM mail_messages WHERE message_id = 'arrastre-real-1@entidad.gov.co'"),
    [['No abre el correo institucional en el teléfono', 'nuevo']],
  );
  // The Outlook .msg (saved before sending: no transport headers), with its three attachments.
  const m = await s.waitFor('fila del .msg', async () => {
    for (const row of await s.findAll('[data-testid="inbox-row"]')) {
      if (/Please check all aspects in documents/.test(await row.text())) return row;
    }
    return null;
  });
  assert.match(await m.text(), /09\/06\/2020 02:07\s*3\s*Nuevo/);
  assert.equal(sql('SELECT count(*) FROM mail_messages')[0][0], 2, 'notas.txt no se importó');
  await shot(s, 'drop-eml');
});

test('a file dragged onto an open case becomes its attachment', async () => {
  const number = await registerCase(s, {
    requester: 'Nubia Cuello',
    department: 'Tesorería',
    description: 'La impresora de Tesorería imprime rayado',
  });
  await openCase(s, number);
  await s.byTestId('attachment-empty');
  const file = join(srcDir, 'hoja de prueba.pdf');
  const content = Buffer.from('%PDF-1.4\n% hoja de prueba rayada\n%%EOF\n');
  writeFileSync(file, content);
  await dragFiles([file]);
  await s.waitFor('adjunto arrastrado', async () =>
    (await s.findAll('[data-testid="attachment-row"][data-name="hoja de prueba.pdf"]'))[0],
  );
  assert.deepEqual(
    sql(
      `SELECT a.name, a.size, a.sha256 FROM attachments a JOIN tickets t ON t.id = a.ticket_id
        WHERE t.number = ?`,
      [number],
    ),
    [['hoja de prueba.pdf', content.length, createHash('sha256').update(content).digest('hex')]],
  );
  assert.equal(sql('SELECT count(*) FROM mail_messages')[0][0], 2, 'en el caso, no a la Bandeja');
  await shot(s, 'drop-attachment');
});
