// Real-window tests of «Importar» (issue 4): a legacy CSV typed in «Ruta del archivo», the
// preview (dry run: nothing written), the import with the counts of the fixture's truth.json,
// the imported cases in «Casos» with their old numbers, the undo of the batch (checked in the
// SQLite file), and the problems list of a messy file exported to XLSX. tauri-driver +
// WebKitWebDriver under Xvfb, temp data dir; MESA_EXPORT_DIR makes «save» write there without
// the native dialog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stopApp } from './webdriver.mjs';
import { root, app, tempDir, sqlite, shot, fill, waitNotice, launch } from './helpers.mjs';

const dataDir = tempDir('mesa-e2e-import-');
const exportDir = tempDir('mesa-e2e-import-export-');
const sql = sqlite(join(dataDir, 'mesa.db'));
const fixture = join(root, 'tests/fixtures/legacy/casos_exportados.csv');
const truth = JSON.parse(readFileSync(join(root, 'tests/fixtures/legacy/truth.json'), 'utf8')).files['casos_exportados.csv'];
const port = 5700 + Math.floor(Math.random() * 500);
let driver;
let s;

async function textOf(testId) {
  return (await (await s.byTestId(testId)).text()).trim();
}

before(async () => {
  ({ driver, session: s } = await launch({ port, env: { MESA_DATA_DIR: dataDir, MESA_EXPORT_DIR: exportDir } }));
  await s.find('[data-testid="nav-importar"]', 30000);
});

after(async () => {
  await stopApp({ session: s, driver, app, dataDir });
});

test('import a legacy CSV through the window, see its cases, undo the batch', async () => {
  const expected = truth.real_case_rows;
  assert.ok(expected > 0);
  await (await s.byTestId('nav-importar')).click();
  await s.byTestId('import-batches-empty');
  await fill(s, 'import-path', fixture);
  await (await s.byTestId('import-preview')).click();
  await s.find('[data-testid="import-report"]', 30000);

  // Preview: detected format, header row, mapping, first mapped rows, dry-run counts.
  assert.equal(await (await s.byTestId('import-format')).attr('data-format'), 'csv');
  assert.equal(await (await s.byTestId('import-header-row')).attr('data-row'), String(truth.header_record));
  const fields = [];
  for (const c of await s.findAll('[data-testid="import-column"]')) fields.push(await c.attr('data-field'));
  for (const f of ['legacy_number', 'received_at', 'requester', 'department', 'description', 'status']) {
    assert.ok(fields.includes(f), `columna para ${f}: ${fields}`);
  }
  const sample = truth.samples[0];
  const firstRow = await s.find(`[data-testid="import-preview-row"][data-row="${sample.source.record}"]`);
  assert.match(await firstRow.text(), new RegExp(sample.requester));
  const legacyCell = await s.find(
    `[data-testid="import-preview-row"][data-row="${sample.source.record}"] [data-field="legacy_number"]`,
  );
  assert.equal((await legacyCell.text()).trim(), sample.source.id);
  assert.equal(await textOf('import-count-imported'), String(expected));
  assert.equal(truth.duplicates, 'none');
  assert.equal(await textOf('import-count-duplicates'), '0');
  // The dry run wrote nothing.
  assert.equal(sql('SELECT count(*) FROM tickets')[0][0], 0);
  assert.equal(sql('SELECT count(*) FROM import_batches')[0][0], 0);
  await shot(s, 'import-preview');

  // Commit: the result screen with the counts of truth.json.
  await (await s.byTestId('import-commit')).click();
  await s.find('[data-testid="import-result"]', 60000);
  assert.equal(await textOf('import-result-imported'), String(expected));
  assert.equal(await textOf('import-result-duplicates'), '0');
  for (const [status, n] of Object.entries(truth.status_counts)) {
    const el = await s.find(`[data-testid="import-result-status"] [data-status="${status}"]`);
    assert.equal(await el.attr('data-count'), String(n), `estado ${status}`);
  }
  const [[batchId]] = sql('SELECT id FROM import_batches');
  assert.equal(sql('SELECT count(*) FROM tickets WHERE import_batch = ?', [batchId])[0][0], expected);
  for (const smp of truth.samples) {
    const rows = sql('SELECT requester FROM tickets WHERE legacy_number = ?', [smp.source.id]);
    assert.deepEqual(rows, [[smp.requester]], `caso ${smp.source.id}`);
  }
  await shot(s, 'import-result');

  // «Ver los casos»: the imported cases are listed; one opened shows its old number.
  await (await s.byTestId('import-see')).click();
  await s.byTestId('case-list');
  await s.waitFor('total de casos', async () => (await textOf('case-total')).includes(String(expected)));
  const row = await s.waitFor('fila importada', async () => (await s.findAll('[data-testid="case-row"]'))[0]);
  const number = await row.attr('data-number');
  assert.match(number, /^IMP-/);
  const [[legacy]] = sql('SELECT legacy_number FROM tickets WHERE number = ?', [number]);
  assert.ok(legacy);
  await s.execute("arguments[0].dispatchEvent(new MouseEvent('dblclick', { bubbles: true }))", [row.ref()]);
  await s.waitFor('número anterior', async () => (await textOf('detail-legacy-number')) === legacy);
  await shot(s, 'import-case-detail');

  // Undo the batch (with confirmation): the cases are gone from the database and the list.
  await (await s.byTestId('nav-importar')).click();
  const batchRow = await s.find(`[data-testid="import-batch"][data-batch="${batchId}"]`);
  assert.equal(await batchRow.attr('data-undone'), 'false');
  await (await s.byTestId('import-undo')).click();
  await s.byTestId('import-undo-confirm');
  await (await s.byTestId('import-undo-yes')).click();
  await s.waitFor(
    'lote deshecho',
    async () => (await (await s.find(`[data-testid="import-batch"][data-batch="${batchId}"]`)).attr('data-undone')) === 'true',
    30000,
  );
  assert.equal(sql('SELECT count(*) FROM tickets')[0][0], 0);
  assert.notEqual(sql('SELECT undone_at FROM import_batches WHERE id = ?', [batchId])[0][0], null);
  await (await s.byTestId('nav-casos')).click();
  await s.byTestId('case-empty');
  await shot(s, 'import-undone');
});

test('a messy file: problems listed with row and column, exported to XLSX, nothing written', async () => {
  const messy = join(dataDir, 'relacion con problemas.csv');
  writeFileSync(
    messy,
    'N°;Fecha;Solicitante;Dependencia;Descripción;Estado\r\n' +
      '1;03/02/2023;Ana Díaz;Tesorería;Sin red;Abierto\r\n' +
      '2;ayer;Luis Pérez;Almacén;No imprime;Cerrado\r\n' +
      '3;04/02/2023;;Almacén;;Abierto\r\n' +
      '4;05/02/2023;Marta Gil;Contabilidad;Correo lleno;Solucionado\r\n',
  );
  await (await s.byTestId('nav-importar')).click();
  await fill(s, 'import-path', messy);
  await (await s.byTestId('import-preview')).click();
  await s.find('[data-testid="import-report"]', 30000);
  // Nothing lost: row 4 (number, date, dependencia, status) is a case, flagged with what it lacks.
  assert.equal(await textOf('import-count-imported'), '4');
  assert.equal(await textOf('import-count-errors'), '0');
  const rows = await s.byTestId('import-sheet-rows');
  assert.equal(await rows.attr('data-rows'), '4');
  assert.equal(await rows.attr('data-cases'), '4');
  const warnings = await s.findAll('[data-testid="import-problem"][data-kind="warning"]');
  const texts = await Promise.all(warnings.map((w) => w.text()));
  assert.ok(texts.some((t) => t.includes('Fecha') && t.includes('3')), texts.join(' | '));
  assert.ok(
    texts.some((t) => t.includes('sin solicitante y sin descripción') && t.includes('4')),
    texts.join(' | '),
  );
  await (await s.byTestId('import-export-problems')).click();
  const name = 'Problemas de importación relacion con problemas.xlsx';
  await s.waitFor('xlsx guardado', async () => readdirSync(exportDir).includes(name));
  // Read the workbook back (shared strings of the real XLSX).
  const py = `import zipfile, sys
z = zipfile.ZipFile(sys.argv[1])
print(z.read('xl/sharedStrings.xml').decode('utf-8'))`;
  const strings = execFileSync('python3', ['-c', py, join(exportDir, name)]).toString();
  assert.match(strings, /sin solicitante y sin descripción/);
  assert.match(strings, /Mensaje/);
  // The mapping as shown is saved as JSON (reusable with the next file or `mesa import --mapping`).
  await (await s.byTestId('import-mapping-save')).click();
  const mapName = 'Mapeo relacion con problemas.json';
  await s.waitFor('mapeo guardado', async () => readdirSync(exportDir).includes(mapName));
  const saved = JSON.parse(readFileSync(join(exportDir, mapName), 'utf8'));
  assert.equal(saved.kind, 'cases');
  assert.equal(saved.columns['Solicitante'], 'requester');
  assert.equal(saved.columns['Descripción'], 'description');
  assert.equal(sql('SELECT count(*) FROM tickets')[0][0], 0);
});

test('a long import can be cancelled from the progress bar: nothing is stored', async () => {
  // 80,000 cases: long enough in the debug build to press «Cancelar» while it runs.
  const big = join(dataDir, 'relacion grande.csv');
  const lines = ['Radicado;Fecha de recibido;Solicitante;Dependencia;Descripción;Estado'];
  for (let i = 1; i <= 80000; i++) {
    lines.push(`G-${i};${String(1 + (i % 28)).padStart(2, '0')}/03/2024 08:${String(i % 60).padStart(2, '0')};Persona ${i};Almacén;Falla ${i};Cerrado`);
  }
  writeFileSync(big, lines.join('\r\n') + '\r\n');
  const batchesBefore = sql('SELECT count(*) FROM import_batches')[0][0];
  const ticketsBefore = sql('SELECT count(*) FROM tickets')[0][0];
  await (await s.byTestId('nav-importar')).click();
  await fill(s, 'import-path', big);
  await (await s.byTestId('import-preview')).click();
  // The previous file's preview stays on screen until this one is ready.
  await s.waitFor('vista previa de 80.000 casos', async () => {
    const n = await s.findAll('[data-testid="import-count-imported"]');
    return n.length > 0 && (await n[0].text()).trim() === '80.000';
  }, 120000);
  await (await s.byTestId('import-commit')).click();
  await (await s.find('[data-testid="import-cancel"]', 30000)).click();
  await waitNotice(s, /cancelada/, 120000);
  await shot(s, 'import-cancelled');
  assert.equal((await s.findAll('[data-testid="import-progress"]')).length, 0);
  assert.equal((await s.findAll('[data-testid="import-result"]')).length, 0);
  assert.equal(sql('SELECT count(*) FROM import_batches')[0][0], batchesBefore);
  assert.equal(sql('SELECT count(*) FROM tickets')[0][0], ticketsBefore);
  assert.deepEqual(sql('PRAGMA integrity_check'), [['ok']]);
});
