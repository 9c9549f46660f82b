import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareBpmn, formatDifferences } from '../../engine/interop/compare.js';
import { decodeXml } from '../../engine/interop/encoding.js';
import { convertBpmn, exportBpmn, importBpmn, withModel } from '../../engine/interop/pipeline.js';
import { compiledPath } from '../support/compiled-sources.js';
import { corpusDir, corpusFiles, repoRoot, requireCorpus } from './support/shared-corpus.js';

const read = (file: string) => new Uint8Array(readFileSync(join(corpusDir, file)));

function lossesOf(file: string, original: Uint8Array, exported: string): string {
  const differences = compareBpmn(original, exported);
  const notices = differences.filter((d) => d.severity === 'notice');
  if (notices.length) console.log(`${file} (notices):\n${formatDifferences(notices)}`);
  return formatDifferences(differences.filter((d) => d.severity === 'loss'));
}

describe('every corpus file opens and saves without loss (compared with the original file)', () => {
  if (!requireCorpus('the round-trip corpus test')) return;
  const files = corpusFiles();

  it('finds the corpus files', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.some((f) => f.startsWith('miwg/')) && files.some((f) => f.startsWith('vendors/')) && files.some((f) => f.startsWith('executable/'))).toBe(true);
  });

  for (const file of files) {
    it(file, async () => {
      const original = read(file);
      const exported = await convertBpmn(original);
      const losses = lossesOf(file, original, exported);
      expect(losses, `${file} lost:\n${losses}`).toBe('');
    });
  }
});

describe('in every corpus file, renaming one element changes that name and nothing else', () => {
  if (!requireCorpus('the corpus-wide edit test')) return;
  for (const file of corpusFiles()) {
    it(file, async () => {
      const original = read(file);
      const document = await importBpmn(original);
      expect(document.definitions, document.warnings.join('\n')).not.toBeNull();
      let edited: { id: string; had: boolean } | undefined;
      await withModel(document, (definitions) => {
        const element = (definitions.rootElements ?? [])
          .flatMap((root) => root.flowElements ?? root.participants ?? [])
          .find((candidate) => candidate.id);
        if (!element) return;
        edited = { id: element.id, had: element.name !== undefined };
        element.name = `${element.name ?? ''} (edited)`;
      });
      if (!edited) return; // nothing nameable in this file
      const differences = compareBpmn(original, await exportBpmn(document));
      expect(differences.map((d) => `${d.kind} ${d.path.split('/').pop()}`)).toHaveLength(1);
      expect(differences[0].kind).toBe(edited.had ? 'attribute-changed' : 'attribute-added');
      expect(differences[0].path.endsWith(`[@id=${edited.id}]@name`), differences[0].path).toBe(true);
    });
  }
});

describe('stratum convert (CLI) on corpus files', () => {
  if (!requireCorpus('the CLI round-trip test')) return;
  const source = join(repoRoot, 'engine', 'cli', 'stratum.ts');
  const cliAvailable = existsSync(source);
  if (!cliAvailable) console.warn(`skipping CLI round trip: ${source} does not exist yet`);
  // compiled from the sources (test/support/compiled-sources.ts): tsx took seconds per run on a busy machine
  const cli = cliAvailable ? compiledPath('engine/cli/stratum.ts') : source;
  const work = mkdtempSync(join(tmpdir(), 'stratum-convert-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'convert', ...args], { cwd: repoRoot, encoding: 'utf8' });

  // ISO-8859-1, windows-1252, a foreign `camunda` prefix, a comment before the root, zeebe extensions
  const sample = ['miwg/A.1.0.bpmn', 'vendors/enterprise-architect-12.0.1207/A.4.0-roundtrip.bpmn', 'miwg/C.1.0.bpmn', 'miwg/C.3.0.bpmn', 'executable/camunda8/payment.bpmn'];
  for (const file of sample) {
    it.skipIf(!cliAvailable)(`${file} through -o and through stdout`, () => {
      const out = join(work, file.replace(/\//g, '_'));
      const written = run(join(corpusDir, file), '-o', out);
      expect(written.stderr).toBe('');
      expect(written.status).toBe(0);
      const original = read(file);
      const fromFile = readFileSync(out, 'utf8');
      expect(lossesOf(file, original, fromFile)).toBe('');
      const printed = run(join(corpusDir, file));
      expect(printed.status).toBe(0);
      // stdout always ends with a newline (line-based CLI output), the file keeps the original's ending
      expect(printed.stdout.replace(/\n$/, '')).toBe(fromFile.replace(/\n$/, ''));
    });
  }

  it.skipIf(!cliAvailable)('--check reports nothing for a lossless save; --help explains the command', () => {
    const checked = run(join(corpusDir, 'miwg/C.3.0.bpmn'), '--check', '-o', join(work, 'checked.bpmn'));
    expect(checked.status).toBe(0);
    expect(checked.stderr).toBe('');
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: stratum convert');
  });

  it.skipIf(!cliAvailable)('exits 2 naming the output file when it cannot be written', () => {
    const result = run(join(corpusDir, 'miwg/A.1.0.bpmn'), '-o', join(work, 'no-such-folder', 'out.bpmn'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('out.bpmn');
  });

  it.skipIf(!cliAvailable)('names the file and exits 2 when it cannot be read, 1 when it is not XML', () => {
    const missing = run(join(work, 'missing.bpmn'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('missing.bpmn');
    const broken = join(work, 'broken.bpmn');
    spawnSync('sh', ['-c', `printf '<definitions>\\n<process>' > '${broken}'`]);
    const result = run(broken);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('broken.bpmn');
    expect(run().status).toBe(2);
  });
});

describe('renaming one task in a vendor file changes only that name', () => {
  if (!requireCorpus('the corpus edit test')) return;
  const cases = [
    { file: 'vendors/signavio-19.9.0/C.1.0-roundtrip.bpmn', type: 'bpmn:Task' },
    { file: 'executable/camunda7/invoice.v2.bpmn', type: 'bpmn:UserTask' },
    { file: 'executable/camunda8/customer-onboarding-extended.bpmn', type: 'bpmn:UserTask' },
    { file: 'miwg/C.8.0.bpmn', type: 'bpmn:SendTask' },
  ];
  for (const { file, type } of cases) {
    it(file, async () => {
      const original = read(file);
      const document = await importBpmn(original);
      let taskId = '';
      await withModel(document, (definitions) => {
        const processes = definitions.rootElements!.filter((e) => e.$type === 'bpmn:Process');
        const task = processes.flatMap((p) => p.flowElements ?? []).find((e) => e.$type === type)!;
        taskId = task.id;
        task.name = `${task.name ?? ''} (geändert)`;
      });
      const exported = await exportBpmn(document);
      const differences = compareBpmn(original, exported);
      expect(differences.map((d) => `${d.kind} ${d.path.split('/').pop()}`)).toEqual([`attribute-changed ${type.slice(5, 6).toLowerCase()}${type.slice(6)}[@id=${taskId}]@name`]);
      // the text diff touches only the line(s) of that attribute (and a declared non-UTF-8 encoding)
      const before = decodeXml(original).split('\n');
      const after = exported.split('\n');
      expect(after.length).toBe(before.length);
      const changed = after.map((line, i) => (line === before[i] ? null : i)).filter((i): i is number => i !== null);
      const declarationLine = /encoding=["'](?!utf-?8)/i.test(before[0]) ? [0] : [];
      const taskLines = changed.filter((i) => !declarationLine.includes(i));
      expect(taskLines).toHaveLength(1);
      expect(after[taskLines[0]]).toContain(`id="${taskId}"`);
      expect(after[taskLines[0]]).toContain('(geändert)');
    });
  }
});
