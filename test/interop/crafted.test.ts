// Hand-made adversarial files (test/fixtures/interop-crafted/, README there)
// through every round trip Stratum offers: the engine API (`convertBpmn`,
// `withModel` + `exportBpmn`), the modeler bridge and `stratum convert`. Each
// save is judged with compareBpmn against the ORIGINAL file and, without
// Stratum's own parser, by libxml2 reading both files as the same document.
// Bad input (bad/) gets a message naming the file and the line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModdleElement } from 'bpmn-moddle';
import bpmnPackage from 'bpmn-moddle/resources/bpmn/json/bpmn.json' with { type: 'json' };
import { afterAll, describe, expect, it } from 'vitest';
import { compareBpmn, formatDifferences, type Difference } from '../../engine/interop/compare.js';
import { decodeXml, MalformedEncodingError } from '../../engine/interop/encoding.js';
import { loadIntoModeler, saveFromModeler } from '../../engine/interop/modeler-bridge.js';
import { MODDLE_SPELLINGS } from '../../engine/interop/moddle-spelling.js';
import { convertBpmn, exportBpmn, importBpmn, withModel } from '../../engine/interop/pipeline.js';
import { XmlSyntaxError } from '../../engine/interop/xml-tree.js';
import { compiledPath } from '../support/compiled-sources.js';
import { textMatching } from '../support/matchers.js';
import { CRAFTED_DIR, craftedFixtures } from './support/crafted-fixtures.js';
import { ModdleModeler } from './support/moddle-modeler.js';
import { corpusDir, repoRoot } from './support/shared-corpus.js';

const fixtures = craftedFixtures();
const bytesOf = (file: string) => fixtures.find((fixture) => fixture.file === file)!.bytes;
const badBytes = (file: string) => new Uint8Array(readFileSync(join(CRAFTED_DIR, 'bad', file)));

/** The file as Stratum must save it unedited: its decoded text, UTF-8 named in the declaration, no byte-order mark. */
const expectedSave = (bytes: Uint8Array) =>
  decodeXml(bytes).replace(/^\uFEFF/, '').replace(/^(<\?xml[^>]*?encoding\s*=\s*["'])([^"']*)/, (whole, head: string, name: string) => (/^utf-?8$/i.test(name) ? whole : `${head}UTF-8`));

const summary = (differences: Difference[]) => differences.map((d) => `${d.kind} ${d.path}`);

/** Every moddle element under `root` (each once). */
function elementsOf(root: ModdleElement | null): ModdleElement[] {
  const found: ModdleElement[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown) => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (typeof (value as { $type?: unknown }).$type === 'string') found.push(value as ModdleElement);
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith('$')) continue;
      for (const item of Array.isArray(child) ? (child as unknown[]) : [child]) visit(item);
    }
  };
  visit(root);
  return found;
}

const namedSemanticElements = (definitions: ModdleElement | null) =>
  elementsOf(definitions).filter((element) => element.id && typeof element.name === 'string' && !element.$type.startsWith('bpmndi:'));

// ---- an independent reader: libxml2 ----

const xmllintFound = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;

/** The document as libxml2 reads and writes it again (UTF-8, without the declaration), or null when it refuses it. */
function asLibxml2ReadsIt(xml: string | Uint8Array): string | null {
  const result = spawnSync('xmllint', ['--nonet', '--encode', 'UTF-8', '-'], { input: xml, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) return null;
  return result.stdout.toString('utf8').replace(/^<\?xml[^>]*\?>\n/, '');
}

/** libxml2's complaints under the BPMN 2.0 XSD, one per line, without line numbers (they shift when elements are added). */
function schemaComplaints(xml: string): Set<string> {
  const schema = join(corpusDir, 'xsd', 'BPMN20.xsd');
  const result = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, '-'], { input: xml, encoding: 'utf8' });
  return new Set(result.stderr.split('\n').filter((line) => /validity error/.test(line)).map((line) => line.replace(/^-:\d+: /, '')));
}

describe('crafted files open and save without edits, byte for byte', () => {
  it('finds the crafted files', () => expect(fixtures.length).toBeGreaterThanOrEqual(21));

  for (const { file, bytes } of fixtures) {
    it(file, async () => {
      const saved = await convertBpmn(bytes);
      expect(saved).toBe(expectedSave(bytes));
      const differences = compareBpmn(bytes, saved);
      expect(differences, formatDifferences(differences)).toEqual([]);
    });
  }
});

describe.skipIf(!xmllintFound)('libxml2 reads each crafted file and its save as the same document', () => {
  for (const { file, bytes } of fixtures) {
    it(file, async () => {
      const saved = await convertBpmn(bytes);
      const original = asLibxml2ReadsIt(bytes);
      if (file === 'encoding-utf-16-declared-utf-8-written.bpmn') {
        // libxml2 refuses a UTF-16 declaration on single-byte text; Stratum reads it as UTF-8 (and saves it so)
        expect(original).toBeNull();
        expect(asLibxml2ReadsIt(saved)).toBe(asLibxml2ReadsIt(expectedSave(bytes)));
        return;
      }
      expect(original).not.toBeNull();
      expect(asLibxml2ReadsIt(saved)).toBe(original);
    });
  }
});

describe('renaming every named element in a crafted file changes those names and nothing else', () => {
  for (const { file, bytes } of fixtures) {
    it(file, async () => {
      const document = await importBpmn(bytes);
      const named = namedSemanticElements(document.definitions);
      // every file names its process or its tasks: a model without them was not read
      expect(named.length, document.warnings.join('\n')).toBeGreaterThan(0);
      await withModel(document, () => {
        for (const element of named) element.name = `${element.name} (renamed)`;
      });
      const differences = compareBpmn(bytes, await exportBpmn(document));
      const others = differences.filter((d) => !(d.kind === 'attribute-changed' && d.path.endsWith('@name') && d.exported?.endsWith(' (renamed)')));
      expect(others, formatDifferences(others)).toEqual([]);
      expect(differences).toHaveLength(named.length);
    });
  }
});

describe('adding a task with its flow and DI, changing a condition, documenting a task and moving a shape', () => {
  for (const { file, bytes } of fixtures) {
    const text = expectedSave(bytes);
    it(file, async () => {
      const document = await importBpmn(bytes);
      const process = elementsOf(document.definitions).find((e) => e.$type === 'bpmn:Process' && (e.flowElements ?? []).some((f) => /Task$/.test(f.$type)));
      if (!process) return; // the conversation and choreography file has no process to draw into
      let changedFlow: string | undefined;
      let documented: string | undefined;
      let moved: string | undefined;
      await withModel(document, (definitions, moddle) => {
        const elements = elementsOf(definitions);
        const source = process.flowElements!.find((f) => /Task$/.test(f.$type))!;
        const task = moddle.create('bpmn:ServiceTask', { id: 'Added_Task', name: 'Added' });
        const flow = moddle.create('bpmn:SequenceFlow', { id: 'Added_Flow', sourceRef: source, targetRef: task });
        flow.conditionExpression = moddle.create('bpmn:FormalExpression', { body: '=x > 1 & y < 2' });
        task.incoming = [flow];
        source.outgoing = [...(source.outgoing ?? []), flow];
        process.flowElements!.push(task, flow);
        source.documentation = [...(source.documentation ?? []), moddle.create('bpmn:Documentation', { text: 'added <b>&</b>' })];
        documented = source.id;
        const shape = elements.find((e) => e.$type === 'bpmndi:BPMNShape' && e.bpmnElement === source)!;
        shape.bounds!.x = Number(shape.bounds!.x) + 7;
        moved = shape.id;
        shape.$parent!.planeElement!.push(
          moddle.create('bpmndi:BPMNShape', { id: 'Added_Task_di', bpmnElement: task, bounds: moddle.create('dc:Bounds', { x: 10, y: 500, width: 100, height: 80 }) }),
          moddle.create('bpmndi:BPMNEdge', { id: 'Added_Flow_di', bpmnElement: flow, waypoint: [moddle.create('dc:Point', { x: -1.5, y: 2 }), moddle.create('dc:Point', { x: 10, y: 500 })] }),
        );
        const conditional = elements.find((e) => e.$type === 'bpmn:SequenceFlow' && e.conditionExpression);
        if (conditional) {
          conditional.conditionExpression!.body = 'changed < & > ]]> end';
          changedFlow = conditional.id;
        }
      });
      const saved = await exportBpmn(document);
      // ids moddle refuses are modelled under an alias (id-aliases.ts); the file has the original
      const inFile = (id: string | undefined) => (id === undefined ? id : (document.idAliases.get(id) ?? id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      [documented, moved, changedFlow] = [inFile(documented), inFile(moved), inFile(changedFlow)];
      const expected = [
        `element-added .*/serviceTask\\[@id=Added_Task\\]`,
        `element-added .*/sequenceFlow\\[@id=Added_Flow\\]`,
        `element-added .*\\[@id=${documented}\\]/outgoing`,
        `element-added .*\\[@id=${documented}\\]/documentation`,
        `element-added .*/BPMNShape\\[@id=Added_Task_di\\]`,
        `element-added .*/BPMNEdge\\[@id=Added_Flow_di\\]`,
        `attribute-changed .*/BPMNShape\\[@id=${moved}\\]/Bounds@x`,
        ...(changedFlow ? [`text-changed .*/sequenceFlow\\[@id=${changedFlow}\\]/conditionExpression`] : []),
      ];
      const differences = summary(compareBpmn(bytes, saved));
      for (const pattern of expected) expect(differences, pattern).toContainEqual(textMatching(new RegExp(`^${pattern}$`)));
      expect(differences).toHaveLength(expected.length);
      expect(document.warnings.filter((w) => /not found in the original/.test(w))).toEqual([]);

      // the saved file reads back with the new elements wired up
      const reread = await importBpmn(saved);
      const all = elementsOf(reread.definitions);
      expect(all.find((e) => e.id === 'Added_Flow')?.targetRef?.id).toBe('Added_Task');
      expect(all.find((e) => e.id === 'Added_Task_di')?.bpmnElement?.id).toBe('Added_Task');
      // lines added are written with the file's own line ending
      expect(saved.split('\r\n').length > 1).toBe(text.split('\r\n').length > 1);
      if (text.includes('\r\n')) expect(saved.replace(/\r\n/g, '')).not.toContain('\n');
      // and the edit brings no schema complaint the original did not have
      if (xmllintFound) {
        const before = schemaComplaints(text);
        expect([...schemaComplaints(saved)].filter((complaint) => !before.has(complaint))).toEqual([]);
      }
    });
  }
});

describe('through the modeler bridge (a stand-in for bpmn-js that imports xmlForModdle)', () => {
  for (const { file, bytes } of fixtures) {
    it(file, async () => {
      const document = await importBpmn(bytes, { readModel: false });
      const modeler = new ModdleModeler(document.flavour);
      await loadIntoModeler(modeler, document);
      expect(await saveFromModeler(modeler, document)).toBe(expectedSave(bytes));
      const named = namedSemanticElements(modeler.definitions!);
      expect(named.length).toBeGreaterThan(0);
      for (const element of named) element.name = `${element.name} (renamed)`;
      const differences = compareBpmn(bytes, await saveFromModeler(modeler, document));
      expect(differences.every((d) => d.kind === 'attribute-changed' && d.path.endsWith('@name')), formatDifferences(differences)).toBe(true);
      expect(differences).toHaveLength(named.length);
    });
  }
});

describe('stratum convert on crafted and bad files', () => {
  const cli = compiledPath('engine/cli/stratum.ts');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'convert', ...args], { cwd: repoRoot, encoding: 'utf8' });
  const work = mkdtempSync(join(tmpdir(), 'stratum-crafted-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const { file, bytes } of fixtures) {
    it(`converts ${file} with --check finding nothing`, () => {
      const result = run(join(CRAFTED_DIR, file), '--check');
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.replace(/\n$/, '')).toBe(expectedSave(bytes).replace(/\n$/, ''));
    });
  }

  const refused: [file: string, message: RegExp][] = [
    ['truncated.bpmn', /the text ends inside the start tag <bpmn2:process> \(cut off\?\) \(line 5\)/],
    ['mismatched-end-tag.bpmn', /end tag <\/bpmn:process> does not match <bpmn:task> \(line 5\)/],
    ['two-roots.bpmn', /more than one root element \(line 3\)/],
    ['attribute-without-quotes.bpmn', /attribute id in <bpmn:process> is not quoted \(line 3\)/],
    ['html-error-page.bpmn', /end tag <\/p> does not match <br> \(line 2\)/],
    ['empty.bpmn', /no root element/],
    ['binary-png.bpmn', /not valid UTF-8 at line 1 \(byte 0x89\)/],
    ['latin1-undeclared.bpmn', /not valid UTF-8 at line 4 \(byte 0xf6\), and no other encoding is declared/],
    ['undeclared-prefix.bpmn', /the prefix bpmn of <bpmn:definitions> is not declared .* \(line 2\)/],
    ['not-bpmn-dmn.bpmn', /not a BPMN 2\.0 file: its root element is <definitions> in the namespace https:\/\/www\.omg\.org\/spec\/DMN\/20191111\/MODEL\/ \(line 2\)/],
    ['bpmn-beta-namespace.bpmn', /not a BPMN 2\.0 file: its root element is <definitions> in the namespace http:\/\/schema\.omg\.org\/spec\/BPMN\/2\.0 \(line 2\)/],
  ];
  for (const [file, message] of refused) {
    it(`refuses bad/${file}, naming the file and where`, () => {
      const path = join(CRAFTED_DIR, 'bad', file);
      const output = join(work, `${file}.out`);
      const result = run(path, '-o', output);
      expect(result.status).toBe(1);
      expect(existsSync(output)).toBe(false);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`${path}: `);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    });
  }
});

describe('what the crafted files found', () => {
  it('reads UTF-16 without a byte-order mark (XML 1.0 appendix F)', async () => {
    const document = await importBpmn(bytesOf('encoding-utf-16le-no-bom.bpmn'));
    expect(elementsOf(document.definitions).find((e) => e.id === 'Task_1')?.name).toBe('Größe ändern, Ångström, façade, ½ × 3 ÷ 2 € 日本 😀');
  });

  it('reads single-byte text declared as UTF-16 (as .NET writes it) as UTF-8', async () => {
    const document = await importBpmn(bytesOf('encoding-utf-16-declared-utf-8-written.bpmn'));
    expect(elementsOf(document.definitions).find((e) => e.id === 'Task_1')?.name).toBe('Größe prüfen');
  });

  it('refuses bytes that are not valid UTF-8 instead of replacing them', async () => {
    await expect(importBpmn(badBytes('latin1-undeclared.bpmn'))).rejects.toThrow(MalformedEncodingError);
    expect(() => decodeXml(Uint8Array.of(0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x0a, 0xc3, 0x28, 0x2f, 0x3e))).toThrow(/line 2 \(byte 0xc3\), although its byte-order mark says UTF-8/);
    expect(() => decodeXml(new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8"?>\n<a n="\uFFFD"/>'))).not.toThrow();
  });

  it('models elements whose ids moddle refuses (CJK, Arabic) and writes their ids back when saving edits', async () => {
    const bytes = bytesOf('content-international.bpmn');
    const document = await importBpmn(bytes);
    expect(document.warnings.filter((w) => /illegal ID/.test(w))).toEqual([]);
    await withModel(document, (definitions, moddle) => {
      const process = definitions.rootElements![0];
      const start = process.flowElements!.find((e) => e.name === '注文受付 📦')!;
      const end = process.flowElements!.find((e) => e.$type === 'bpmn:EndEvent')!;
      const flow = moddle.create('bpmn:SequenceFlow', { id: 'Shortcut', sourceRef: start, targetRef: end });
      start.outgoing!.push(flow);
      end.incoming!.push(flow);
      process.flowElements!.push(flow);
    });
    const saved = await exportBpmn(document);
    expect(saved).toContain('<bpmn2:sequenceFlow id="Shortcut" sourceRef="開始" targetRef="終了"');
    expect(saved).toContain('<bpmn2:outgoing>Shortcut</bpmn2:outgoing>');
    expect(summary(compareBpmn(bytes, saved)).sort()).toEqual([
      'element-added definitions/process[@id=受注処理]/endEvent[@id=終了]/incoming',
      'element-added definitions/process[@id=受注処理]/sequenceFlow[@id=Shortcut]',
      'element-added definitions/process[@id=受注処理]/startEvent[@id=開始]/outgoing',
    ]);
  });

  it('models every element of an id used twice (a shape with its task’s id) and saves edits to it', async () => {
    const bytes = bytesOf('ids-duplicated.bpmn');
    const document = await importBpmn(bytes);
    expect(document.warnings.filter((w) => /duplicate ID/.test(w))).toEqual([]);
    const shapes = elementsOf(document.definitions).filter((e) => e.$type === 'bpmndi:BPMNShape');
    expect(shapes.map((shape) => `${document.idAliases.get(shape.id) ?? shape.id} shows ${shape.bpmnElement?.id}`)).toEqual(['Start shows Start', 'Check shows Check', 'Sub shows Sub']);
    await withModel(document, () => {
      shapes[1].bounds!.y = 200;
    });
    const saved = await exportBpmn(document);
    expect(summary(compareBpmn(bytes, saved))).toEqual(['attribute-changed definitions/BPMNDiagram[@id=Dia_Dup]/BPMNPlane[@id=Plane_Dup]/BPMNShape[@id=Check]/Bounds@y']);
    expect(saved).toContain('<bpmndi:BPMNShape id="Check" bpmnElement="Check">\n        <dc:Bounds x="200" y="200" width="100" height="80"/>');
  });

  it('leaves the ids of vendor elements alone: moddle does not check them (Camunda form fields reuse ids)', async () => {
    const xml = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D">'
      + '<bpmn:process id="P"><bpmn:userTask id="A"><bpmn:extensionElements><camunda:formData><camunda:formField id="amount" type="long"/><camunda:formField id="Prüfung" type="boolean"/></camunda:formData></bpmn:extensionElements></bpmn:userTask>'
      + '<bpmn:userTask id="B"><bpmn:extensionElements><camunda:formData><camunda:formField id="amount" type="long"/></camunda:formData></bpmn:extensionElements></bpmn:userTask></bpmn:process></bpmn:definitions>';
    const document = await importBpmn(xml);
    expect(document.idAliases.size).toBe(0);
    const fields = elementsOf(document.definitions).filter((e) => e.$type === 'camunda:FormField').map((field) => field.id);
    expect(fields).toEqual(['amount', 'Prüfung', 'amount']);
  });

  it('resolves references written with spaces around the id, and deleting a flow removes its padded references', async () => {
    const bytes = bytesOf('references-padded.bpmn');
    const document = await importBpmn(bytes);
    expect(document.warnings.filter((w) => /unresolved reference/.test(w))).toEqual([]);
    const all = elementsOf(document.definitions);
    const flow = all.find((e) => e.id === 'Flow_1')!;
    expect([flow.sourceRef?.id, flow.targetRef?.id, (all.find((e) => e.id === 'DocRef')?.dataObjectRef as ModdleElement | undefined)?.id]).toEqual(['Start', 'Task_1', 'Doc']);
    expect(all.find((e) => e.id === 'Plane_Pad')?.bpmnElement?.id).toBe('Proc_Pad');
    await withModel(document, (definitions) => {
      const process = definitions.rootElements![0];
      process.flowElements!.splice(process.flowElements!.indexOf(flow), 1);
      all.find((e) => e.id === 'Start')!.outgoing = [];
      all.find((e) => e.id === 'Task_1')!.incoming = [];
      const plane = all.find((e) => e.id === 'Plane_Pad')!;
      plane.planeElement = plane.planeElement!.filter((e) => e.id !== 'Flow_1_di');
    });
    const saved = await exportBpmn(document);
    expect(summary(compareBpmn(bytes, saved)).sort()).toEqual([
      'element-lost definitions/BPMNDiagram[@id=Dia_Pad]/BPMNPlane[@id=Plane_Pad]/BPMNEdge[@id=Flow_1_di]',
      'element-lost definitions/process[@id=Proc_Pad]/sequenceFlow[@id=Flow_1]',
      'element-lost definitions/process[@id=Proc_Pad]/startEvent[@id=Start]/outgoing',
      'element-lost definitions/process[@id=Proc_Pad]/task[@id=Task_1]/incoming',
    ]);
  });

  it('edits elements bpmn-moddle writes under another name (messagePath, complexBehaviorDefinition condition and event) in place', async () => {
    const bytes = bytesOf('semantics-root-elements.bpmn');
    const document = await importBpmn(bytes);
    await withModel(document, (definitions) => {
      const property = elementsOf(definitions).find((e) => e.id === 'CP_OrderNo')!;
      const retrieval = (property.correlationPropertyRetrievalExpression as ModdleElement[])[0];
      (retrieval.messagePath as ModdleElement).body = '/order/@number';
    });
    const saved = await exportBpmn(document);
    expect(summary(compareBpmn(bytes, saved))).toEqual(['text-changed definitions/correlationProperty[@id=CP_OrderNo]/correlationPropertyRetrievalExpression/messagePath']);
    expect(saved).toContain('<bpmn:messagePath xsi:type="bpmn:tFormalExpression">/order/@number</bpmn:messagePath>');

    const activities = bytesOf('semantics-activities.bpmn');
    const edited = await importBpmn(activities);
    await withModel(edited, (definitions) => {
      const behaviour = elementsOf(definitions).find((e) => e.id === 'CBD_1')!;
      behaviour.condition!.body = 'nrOfCompletedInstances = 3';
      (behaviour.event as ModdleElement).name = 'three done';
    });
    expect(summary(compareBpmn(activities, await exportBpmn(edited))).sort()).toEqual([
      'attribute-changed definitions/process[@id=Proc_Act]/userTask[@id=Review]/multiInstanceLoopCharacteristics[@id=MI_1]/complexBehaviorDefinition[@id=CBD_1]/event[@id=CBD_Event]@name',
      'text-changed definitions/process[@id=Proc_Act]/userTask[@id=Review]/multiInstanceLoopCharacteristics[@id=MI_1]/complexBehaviorDefinition[@id=CBD_1]/condition',
    ]);
  });

  it('knows every element bpmn-moddle writes under its type name instead of the schema’s (from bpmn.json)', () => {
    const lowerFirst = (name: string) => name[0].toLowerCase() + name.slice(1);
    const simple = new Set(['String', 'Boolean', 'Integer', 'Real', 'Element']);
    const found: Record<string, Record<string, string>> = {};
    for (const type of bpmnPackage.types) {
      for (const property of (type.properties ?? []) as { name: string; type: string; isMany?: boolean; isAttr?: boolean; isReference?: boolean; isBody?: boolean; xml?: unknown }[]) {
        if (property.isAttr || property.isReference || property.isBody || property.isMany || property.xml || simple.has(property.type)) continue;
        const written = lowerFirst(property.type.split(':').pop()!);
        // Lane.partitionElement is any element, written under its own type's name; a plural name
        // (Collaboration.conversationAssociations, a list bpmn.json does not mark isMany) is written per item
        if (written === property.name || `${written}s` === property.name || property.type === 'BaseElement') continue;
        (found[lowerFirst(type.name)] ??= {})[written] = property.name;
      }
    }
    expect(MODDLE_SPELLINGS).toEqual(found);
  });

  it('refuses a prefix declared nowhere, naming element and line, also when a modeler reads the model itself', async () => {
    await expect(importBpmn(badBytes('undeclared-prefix.bpmn'))).rejects.toThrow(XmlSyntaxError);
    const vendorAttribute = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">\n  <bpmn:process id="P">\n    <bpmn:task id="T" foo:colour="red"/>\n  </bpmn:process>\n</bpmn:definitions>';
    await expect(importBpmn(vendorAttribute, { readModel: false })).rejects.toThrow('the prefix foo of attribute foo:colour of <bpmn:task> is not declared (no xmlns:foo="…" in scope) (line 3)');
  });

  it('keeps an undefined entity and a bare ampersand as written (moddle reads them; nothing is lost)', async () => {
    for (const file of ['undefined-entity.bpmn', 'unescaped-ampersand.bpmn']) {
      const bytes = badBytes(file);
      expect(await convertBpmn(bytes)).toBe(decodeXml(bytes));
    }
  });

  it('a non-BPMN file is kept but not modelled, and says why', async () => {
    const document = await importBpmn(badBytes('not-bpmn-dmn.bpmn'));
    expect(document.definitions).toBeNull();
    expect(document.unreadable).toMatch(/^not a BPMN 2\.0 file/);
  });

  it('editing a documentation written with XHTML replaces the markup with the edited text, leaving none of it behind', async () => {
    const bytes = bytesOf('content-markup.bpmn');
    const document = await importBpmn(bytes);
    await withModel(document, (definitions) => {
      const end = elementsOf(definitions).find((e) => e.id === 'End')!;
      (end.documentation as ModdleElement[])[0].text = 'Ends here.';
    });
    const saved = await exportBpmn(document);
    expect(saved).toContain('<bpmn:documentation textFormat="text/html" xmlns:h="http://www.w3.org/1999/xhtml">Ends here.</bpmn:documentation>');
    const end = 'definitions/process[@id=Proc_Content]/endEvent[@id=End]/documentation';
    expect(summary(compareBpmn(bytes, saved))).toEqual([`text-changed ${end}`, `element-lost ${end}/h:b`, `element-lost ${end}/h:i`, `element-lost ${end}/h:br`]);
  });

  it('changing a task’s type keeps the file’s element and shape, with what the modeler’s copy could not carry', async () => {
    const bytes = bytesOf('vendor-extensions-everywhere.bpmn');
    const document = await importBpmn(bytes);
    await withModel(document, (definitions, moddle) => {
      // what bpmn-js's "change type" does: a new element with the same id, given the properties its packages
      // define (here zeebe's task definition, not the generic extensions and attributes), and a new shape
      const all = elementsOf(definitions);
      const old = all.find((e) => e.id === 'Ship')!;
      const process = old.$parent!;
      const known = (old.extensionElements!.values as ModdleElement[]).filter((value) => value.$type === 'zeebe:TaskDefinition');
      const retyped = moddle.create('bpmn:UserTask', {
        id: 'Ship', name: old.name, incoming: old.incoming, outgoing: old.outgoing,
        extensionElements: moddle.create('bpmn:ExtensionElements', { values: known }),
      });
      process.flowElements![process.flowElements!.indexOf(old)] = retyped;
      for (const element of all) {
        if (element.sourceRef === old) element.sourceRef = retyped;
        if (element.targetRef === old) element.targetRef = retyped;
      }
      const shape = all.find((e) => e.id === 'Ship_di')!;
      const plane = shape.$parent!;
      const redrawn = moddle.create('bpmndi:BPMNShape', { id: 'Activity_new_di', bpmnElement: retyped, bounds: shape.bounds });
      plane.planeElement![plane.planeElement!.indexOf(shape)] = redrawn;
    });
    const saved = await exportBpmn(document);
    expect(summary(compareBpmn(bytes, saved))).toEqual([
      'element-lost definitions/process[@id=Proc_Vendor]/serviceTask[@id=Ship]',
      'element-added definitions/process[@id=Proc_Vendor]/userTask[@id=Ship]',
      'element-lost definitions/BPMNDiagram[@id=Dia]/BPMNPlane[@id=Plane]/BPMNShape[@id=Ship_di]',
      'element-added definitions/BPMNDiagram[@id=Dia]/BPMNPlane[@id=Plane]/BPMNShape[@id=Activity_new_di]',
    ]);
    const task = saved.slice(saved.indexOf('<bpmn:userTask id="Ship"'), saved.indexOf('</bpmn:userTask>'));
    // zeebe's template attribute belongs to the old type (bpmn-js drops it on purpose); the rest is the file's
    expect(task).toMatch(/^<bpmn:userTask id="Ship" name="Ship" camunda:asyncBefore="true" xmlns:bizagi="http:\/\/www.bizagi.com\/bpmn20" bizagi:type="Service">/);
    expect(task).toContain('<camunda:inputOutput><camunda:inputParameter name="legacy">${x}</camunda:inputParameter></camunda:inputOutput>');
    expect(task).toContain('<bizagi:BizagiProperty name="bgColor" value="White"/>');
    expect(task).toContain('<x:unknown xmlns:x="urn:x-only-here" x:a="1"><inner>text</inner><x:deeper x:b="2"/></x:unknown>');
    expect(task).toContain('<!-- a vendor element directly in a flow element (not schema-valid, written by some tools) -->\n      <signavio:inline key="v"/>');
    expect(saved).toContain('<bpmndi:BPMNShape id="Activity_new_di" bpmnElement="Ship" triso:userConstraints="true">\n        <dc:Bounds x="200" y="78" width="100" height="80"/>\n        <di:extension><triso:shapeStyle fill="#eee"/></di:extension>');
  });

  it('adds lines to a CRLF file with CRLF line endings and its tab indentation', async () => {
    const bytes = bytesOf('content-crlf-tabs.bpmn');
    const document = await importBpmn(bytes);
    await withModel(document, (definitions, moddle) => {
      const process = definitions.rootElements![0];
      process.flowElements!.push(moddle.create('bpmn:Task', { id: 'Later', name: 'Later' }));
    });
    const saved = await exportBpmn(document);
    expect(saved).toContain('\t\t<bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Task_1"/>\r\n\t\t<bpmn:task id="Later" name="Later"/>\r\n\t</bpmn:process>\r\n');
    expect(saved.replace(/\r\n/g, '')).not.toContain('\n');
  });
});
