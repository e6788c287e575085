// Real-window tests of data safety (issue 7): create a backup from Ajustes and see it listed
// with what it holds; restore it through the UI after its confirmation (a pre-restore copy is
// kept); the audit history of a case and of an equipment; the Ley 1581 screen (export a
// person's data, anonymise them); and a damaged database at start: the banner offers the latest
// good backup and restoring through it works. tauri-driver + WebKitWebDriver under Xvfb, its
// own temp data dir; MESA_EXPORT_DIR makes «save» write there without the native dialog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, stopApp as stopAppFor } from './webdriver.mjs';
import {
  app,
  tempDir,
  sqlite,
  shot,
  fill,
  clickVisible,
  waitNotice,
  goToCases,
  registerCase,
  openCase,
  launch,
} from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-backup-');
const exportDir = tempDir('mesa-e2e-backup-export-');
const dbPath = join(dataDir, 'mesa.db');
const backupsDir = join(dataDir, 'backups');
let port = 5700 + Math.floor(Math.random() * 500);
let driver;
let s;
const cases = {};

const sqlOn = (file, query, params = []) => sqlite(file)(query, params);
const sql = sqlite(dbPath);
/** PRAGMA quick_check says ok (false also when SQLite refuses to read the file). */
function healthy() {
  try {
    return JSON.stringify(sql('PRAGMA quick_check')) === '[["ok"]]';
  } catch {
    return false;
  }
}
const backups = () => (existsSync(backupsDir) ? readdirSync(backupsDir).sort() : []);

async function startApp() {
  port += 7;
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir, MESA_EXPORT_DIR: exportDir } }));
  await s.byTestId('nav-casos', '', 30000);
}

/** Ends the session and makes sure the app has exited (the database file is closed). */
async function stopApp() {
  await stopAppFor({ session: s, driver, app, dataDir });
  s = null;
  driver = null;
  await sleep(200);
}

async function goToSettings() {
  await (await s.byTestId('nav-ajustes')).click();
  await s.byTestId('backups');
}

before(async () => {
  await startApp();
});

after(async () => {
  await stopApp();
});

test('create a backup in Ajustes, restore it after the confirmation; a pre-restore copy is kept', async () => {
  cases.a = await registerCase(s, {
    requester: 'Ana Copias Ramírez',
    department: 'Tesorería',
    email: 'ana.copias@indupal.gov.co',
    description: 'No abre el sistema de nómina',
  });
  await goToSettings();
  await (await s.byTestId('backup-create')).click();
  await waitNotice(s, /Copia creada y verificada/);
  const manual = '[data-testid="backup-row"][data-kind="manual"]';
  const row = await s.waitFor('copia manual listada', async () => (await s.findAll(manual))[0]);
  const rowText = await row.text();
  assert.match(rowText, /1 caso, 0 equipos, 0 planes/);
  assert.match(rowText, /manual/);
  assert.match(rowText, /\d{2}\/\d{2}\/\d{4}/, 'date dd/mm/aaaa');
  assert.match(rowText, /\d+ (KB|MB)/, 'size');
  const manualFile = backups().find((f) => /^mesa-.*-manual\.db$/.test(f));
  assert.ok(manualFile, `manual backup file in ${backupsDir}: ${backups()}`);
  assert.deepEqual(sqlOn(join(backupsDir, manualFile), 'SELECT number FROM tickets'), [[cases.a]]);
  await shot(s, 'backup-listed');

  cases.b = await registerCase(s, { requester: 'Bruno Después', department: 'Planeación', description: 'Caso posterior a la copia' });
  assert.equal(sql('SELECT count(*) FROM tickets')[0][0], 2);

  await goToSettings();
  await (await s.waitFor('botón restaurar', async () => (await s.findAll(`${manual} [data-testid="backup-restore"]`))[0])).click();
  // The confirmation shows what the backup holds before anything is replaced.
  const holds = await s.byTestId('restore-confirm-holds');
  assert.equal((await holds.text()).trim(), '1 caso, 0 equipos, 0 planes');
  assert.match(await (await s.byTestId('restore-confirm')).text(), /se reemplazará por la copia/);
  assert.equal(sql('SELECT count(*) FROM tickets')[0][0], 2, 'nothing changes before confirming');
  await shot(s, 'backup-restore-confirm');
  await (await s.byTestId('restore-confirm-yes')).click();
  await waitNotice(s, /restaurada/);

  assert.deepEqual(sql('SELECT number FROM tickets ORDER BY id'), [[cases.a]], 'the second case is gone');
  assert.deepEqual(sql('PRAGMA integrity_check'), [['ok']]);
  const pre = backups().filter((f) => /^mesa-.*-pre-restore\.db$/.test(f));
  assert.equal(pre.length, 1, `one pre-restore copy: ${backups()}`);
  assert.deepEqual(
    sqlOn(join(backupsDir, pre[0]), 'SELECT number FROM tickets ORDER BY id'),
    [[cases.a], [cases.b]],
    'the pre-restore copy holds the database as it was',
  );
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE table_name = 'database' AND field = 'restaurada'")[0][0], 1);
  // The app shows the restored data: the second case cannot be found any more.
  await goToCases(s);
  await fill(s, 'case-search', cases.b);
  await s.waitFor('sin resultados', async () => (await (await s.byTestId('case-total')).text()).includes('0 casos'));
});

test('a case and an equipment show their audit history (when, who, field, old → new)', async () => {
  await openCase(s, cases.a);
  await (await s.byTestId('action-start')).click();
  await (await s.byTestId('action-confirm')).click();
  await s.waitFor('en proceso', async () => (await (await s.byTestId('detail-status')).text()).includes('En proceso'));
  const history = await s.byTestId('audit-history');
  assert.equal(await history.prop('open'), false, 'collapsed by default');
  await (await s.find('[data-testid="audit-history"] summary')).click();
  const upd = await s.waitFor('cambio de estado', async () =>
    (await s.findAll('[data-testid="audit-history-row"][data-action="update"][data-field="status"]'))[0],
  );
  const text = await upd.text();
  assert.match(text, /Nuevo → En proceso/);
  assert.match(text, /Técnico de sistemas/);
  assert.match(text, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  const created = await s.find('[data-testid="audit-history-row"][data-action="create"]');
  assert.match(await created.text(), /Ana Copias Ramírez/);
  await shot(s, 'audit-history-case');

  await (await s.byTestId('nav-equipos')).click();
  await (await s.byTestId('asset-new')).click();
  await fill(s, 'asset-tag', 'IND-0500');
  await fill(s, 'asset-kind', 'Impresora');
  await fill(s, 'asset-department', 'Tesorería');
  await fill(s, 'asset-custodian', 'Iván Muñoz');
  await (await s.byTestId('asset-save')).click();
  await s.waitFor('hoja de vida', async () => (await (await s.byTestId('asset-record-tag')).text()).trim() === 'IND-0500');
  await (await s.find('[data-testid="audit-history"] summary')).click();
  const row = await s.waitFor('creación del equipo', async () =>
    (await s.findAll('[data-testid="audit-history-row"][data-action="create"]'))[0],
  );
  assert.match(await row.text(), /IND0500/);
  assert.match(await row.text(), /Iván Muñoz/);
});

test('Ley 1581: export everything about a person, then anonymise them after the confirmation', async () => {
  await goToSettings();
  await fill(s, 'privacy-search', 'ana.copias@');
  await clickVisible(s, 'privacy-search-go');
  const sel = await s.byTestId('privacy-selected');
  assert.match(await sel.text(), /Ana Copias Ramírez/);
  assert.match(await sel.text(), /1 caso/);
  const json = join(exportDir, 'Datos personales Ana Copias Ramírez.json');
  const xlsx = join(exportDir, 'Datos personales Ana Copias Ramírez.xlsx');
  await clickVisible(s, 'privacy-export-json');
  await s.waitFor('JSON exportado', async () => existsSync(json));
  await s.waitFor('botón activo', async () => (await (await s.byTestId('privacy-export-xlsx')).prop('disabled')) === false);
  await clickVisible(s, 'privacy-export-xlsx');
  await s.waitFor('XLSX exportado', async () => existsSync(xlsx));
  const ex = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(ex.emails, ['ana.copias@indupal.gov.co']);
  assert.equal(ex.cases.length, 1);
  assert.equal(ex.cases[0].number, cases.a);
  const sheets = execFileSync('python3', [
    '-c',
    'import zipfile,sys,re; print(re.findall(r\'name="([^"]+)"\', zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode()))',
    xlsx,
  ]).toString();
  assert.match(sheets, /Resumen/);
  assert.match(sheets, /Casos/);
  await waitNotice(s, /entréguelo solo al titular/);

  await clickVisible(s, 'privacy-anonymize');
  const confirm = await s.byTestId('privacy-confirm');
  const ctext = await confirm.text();
  assert.match(ctext, new RegExp(`En 1 caso \\(${cases.a}\\)`));
  assert.match(ctext, /copias de seguridad anteriores conservan los datos/);
  assert.equal(sql('SELECT requester FROM tickets WHERE number = ?', [cases.a])[0][0], 'Ana Copias Ramírez');
  await shot(s, 'privacy-confirm');
  await clickVisible(s, 'privacy-confirm-yes');
  await waitNotice(s, /Titular anonimizado 1/);
  assert.deepEqual(sql('SELECT requester, email FROM tickets WHERE number = ?', [cases.a]), [['Titular anonimizado 1', null]]);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'anonymize'")[0][0], 2);
  assert.equal(
    sql("SELECT count(*) FROM audit_log WHERE old_value LIKE '%Copias Ram%' OR new_value LIKE '%Copias Ram%' OR old_value LIKE '%ana.copias%' OR new_value LIKE '%ana.copias%'")[0][0],
    0,
    'no personal data left in the audit trail',
  );
});

test('a damaged database at start: the banner offers the latest good backup and restoring it works', async () => {
  cases.c = await registerCase(s, { requester: 'Carmen Última', department: 'Tesorería', description: 'Antes del daño' });
  await goToSettings();
  const manuals = () => backups().filter((f) => /-manual(-\d+)?\.db$/.test(f)).length;
  const before = manuals();
  await (await s.byTestId('backup-create')).click();
  await waitNotice(s, /Copia creada y verificada/);
  await s.waitFor('segunda copia manual', async () => manuals() === before + 1);
  await stopApp();

  // Damage the file: garbage over the tickets table's root page (mid-file).
  sql('PRAGMA wal_checkpoint(TRUNCATE)');
  const [[pageSize]] = sql('PRAGMA page_size');
  const [[rootpage]] = sql("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'tickets'");
  assert.ok(rootpage > 1);
  const fd = openSync(dbPath, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  closeSync(fd);
  assert.ok(!healthy(), 'the file is now damaged');
  assert.equal(backups().filter((f) => f.startsWith('danada-')).length, 0);

  await startApp();
  const banner = await s.waitFor('aviso de base dañada', async () => (await s.findAll('[data-testid="damaged-banner"]'))[0], 30000);
  assert.match(await banner.text(), /La base de datos está dañada/);
  // One message: the failed loads behind it do not add the general error banner.
  await sleep(1000);
  assert.equal((await s.findAll('[data-testid="error-banner"]')).length, 0, 'no second banner');
  const latest = await s.byTestId('damaged-latest');
  assert.match(await latest.text(), /Última copia buena: \d{2}\/\d{2}\/\d{4}.*\(2 casos, 1 equipo, 0 planes\)/);
  await shot(s, 'damaged-banner');
  await (await s.byTestId('restore-latest')).click();
  await s.waitFor('aviso desaparece', async () => (await s.findAll('[data-testid="damaged-banner"]')).length === 0, 30000);
  await waitNotice(s, /restaurada/);

  assert.deepEqual(sql('PRAGMA integrity_check'), [['ok']]);
  assert.deepEqual(sql('SELECT number FROM tickets ORDER BY id'), [[cases.a], [cases.c]]);
  assert.equal(backups().filter((f) => /^danada-.*\.db$/.test(f)).length, 1, `damaged copy kept aside: ${backups()}`);
  // The app works again on the restored database.
  await openCase(s, cases.c);
  assert.equal((await (await s.byTestId('detail-requester')).text()).trim(), 'Carmen Última');
});
