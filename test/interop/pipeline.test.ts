import { readFileSync } from 'node:fs';
import type { ModdleElement } from 'bpmn-moddle';
import { describe, expect, it, vi } from 'vitest';
import { createModdle, detectFlavour } from '../../engine/bpmn/moddle.js';
import { compareBpmn, type Difference } from '../../engine/interop/compare.js';
import { decodeXml } from '../../engine/interop/encoding.js';
import { convertBpmn, exportBpmn, importBpmn, withModel } from '../../engine/interop/pipeline.js';
import { XmlSyntaxError } from '../../engine/interop/xml-tree.js';
import { arrayWith } from '../support/matchers.js';

const fixtureBytes = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/interop/${name}`, import.meta.url)));
// ISO-8859-1 file with a foreign `camunda` prefix, Camunda 7 AND zeebe extensions, an unknown BPMN element,
// a duplicate id, dangling references, one attribute under two prefixes of the same namespace, comments and a
// processing instruction.
const hostile = fixtureBytes('hostile.bpmn');
const hostileText = decodeXml(hostile);

const summary = (differences: Difference[]) => differences.map((d) => `${d.severity} ${d.kind} ${d.path}`);
/** The element with this id anywhere under `definitions`; a test that names a missing one fails here. */
const findAll = (definitions: ModdleElement | null, id: string): ModdleElement => {
  const seen = new Set<unknown>();
  const visit = (element: unknown): ModdleElement | undefined => {
    if (!isModdleElement(element) || seen.has(element)) return undefined;
    seen.add(element);
    if (element.id === id) return element;
    for (const [key, value] of Object.entries(element)) {
      if (key.startsWith('$')) continue;
      for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
        const found = visit(item);
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = visit(definitions);
  if (!found) throw new Error(`no element ${id} in the model`);
  return found;
};
const isModdleElement = (value: unknown): value is ModdleElement => typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';

/** Lines of `after` that differ from `before` (same line count expected). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return b.filter((line, i) => line !== a[i]);
}

describe('the hostile fixture defeats plain bpmn-moddle', () => {
  it('loses the unknown element, the duplicate-id subtree, dangling references, a doubled attribute, comments and accented characters', async () => {
    // moddle logs the foreign `camunda` prefix it cannot write
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const moddle = createModdle('camunda');
    const { rootElement } = await moddle.fromXML(new TextDecoder().decode(hostile), 'bpmn:Definitions');
    const { xml } = await moddle.toXML(rootElement, { format: true });
    const kinds = summary(compareBpmn(hostile, xml));
    expect(kinds).toEqual(
      arrayWith([
        'loss element-lost definitions/process[@id=Orders]/futureActivity[@id=Future]',
        'loss element-lost definitions/process[@id=Orders]/subProcess[@id=Sub]/task[@id=Twice]',
        'loss attribute-lost definitions/process[@id=Orders]/intermediateCatchEvent[@id=Wait]/messageEventDefinition[@id=MED]@messageRef',
        'loss attribute-lost definitions/process[@id=Orders]/sequenceFlow[@id=Flow_Ghost]@sourceRef',
        'loss attribute-changed definitions/process[@id=Orders]/userTask[@id=Check]@name',
        'loss attribute-lost definitions/BPMNDiagram[@id=Diagram]/BPMNPlane[@id=Plane]/BPMNShape[@id=Check_di]@w4alias:colour',
        'notice comment-dropped ',
        'notice processing-instruction-dropped ',
      ]),
    );
  });
});

describe('Stratum opens and saves a file without losing anything', () => {
  it('round-trips the hostile fixture with no difference at all', async () => {
    const exported = await convertBpmn(hostile);
    expect(compareBpmn(hostile, exported)).toEqual([]);
    // byte-faithful apart from the encoding now being UTF-8
    expect(exported).toBe(hostileText.replace('encoding="ISO-8859-1"', 'encoding="UTF-8"'));
  });

  it('reads windows-1252 characters (€, —, „“) and writes them as UTF-8', async () => {
    const text = '<?xml version="1.0" encoding="windows-1252"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="urn:x"><process id="P"><task id="T" name="Preis 5 € — „geprüft“" /></process></definitions>\n';
    const cp1252: Record<string, number> = { '€': 0x80, '—': 0x97, '„': 0x84, '“': 0x93 };
    const bytes = Uint8Array.from(text, (c) => cp1252[c] ?? c.charCodeAt(0));
    const exported = await convertBpmn(bytes);
    expect(exported).toBe(text.replace('windows-1252', 'UTF-8'));
    expect(compareBpmn(bytes, exported)).toEqual([]);
  });

  it('reads the file with the vendor package it needs and reports what bpmn-moddle could not read', async () => {
    const document = await importBpmn(hostile);
    expect(document.flavour).toBe(detectFlavour(hostileText)); // the same package choice as the rest of the engine
    expect(document.definitions).not.toBeNull();
    expect(document.baseline).not.toBeNull();
    expect(document.warnings.join('\n')).toMatch(/unknown type <bpmn:FutureActivity>/);
    // the second element with the id Twice is modelled under an alias (id-aliases.ts), so a modeler draws it too
    expect(document.warnings.join('\n')).not.toMatch(/duplicate ID/);
    expect(document.idAliases.get('Twice_2')).toBe('Twice');
    expect(findAll(document.definitions, 'Twice_2').name).toBe('second of two');
    expect(findAll(document.definitions, 'Check').name).toBe('Prüfen');
  });

  it('keeps a file bpmn-moddle cannot read at all, and refuses to edit it', async () => {
    const foreign = '<?xml version="1.0"?>\n<!-- not BPMN -->\n<model xmlns="http://example.com/other" id="M"><node id="N" /></model>\n';
    const document = await importBpmn(foreign);
    expect(document.definitions).toBeNull();
    expect(document.unreadable).toMatch(/^not a BPMN 2.0 file: its root element is <model> in the namespace http:\/\/example.com\/other \(line 3\)/);
    expect(document.warnings[0]).toMatch(/cannot be edited/);
    expect(await exportBpmn(document)).toBe(foreign);
    await expect(withModel(document, () => undefined)).rejects.toThrow(/cannot be edited/);
  });

  it('keeps a DOCTYPE (with its entities unexpanded) and does not trouble moddle with it', async () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE definitions [ <!ENTITY co "ACME"> ]>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="urn:x">\n  <process id="P"><task id="T" name="by &co;"/><task id="U"/></process>\n</definitions>\n';
    const document = await importBpmn(xml);
    expect(document.warnings).toEqual([]);
    await withModel(document, (definitions) => {
      findAll(definitions, 'U').name = 'named';
    });
    const exported = await exportBpmn(document);
    expect(exported).toBe(xml.replace('<task id="U"/>', '<task id="U" name="named"/>'));
  });

  it('rejects text that is not well-formed XML, naming the line', async () => {
    await expect(importBpmn('<definitions>\n<process id="P">\n</definitions>')).rejects.toThrow(XmlSyntaxError);
    await expect(importBpmn('<definitions>\n<process id="P">\n</definitions>')).rejects.toThrow(/line 3/);
  });
});

describe('an edit changes only what was edited', () => {
  it('renaming a task changes that one attribute and nothing else', async () => {
    const document = await importBpmn(hostile);
    await withModel(document, (definitions) => {
      findAll(definitions, 'Check').name = 'Prüfen & freigeben';
    });
    const exported = await exportBpmn(document);
    expect(summary(compareBpmn(hostile, exported))).toEqual(['loss attribute-changed definitions/process[@id=Orders]/userTask[@id=Check]@name']);
    expect(changedLines(hostileText, exported)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '    <bpmn:userTask id="Check" name="Prüfen &amp; freigeben" camunda:assignee="activiti-user" c7:assignee="camunda-user" w4:type="User">',
    ]);
  });

  it('a second save applies only the second edit', async () => {
    const document = await importBpmn(hostile);
    await withModel(document, (definitions) => {
      findAll(definitions, 'Check').name = 'first';
    });
    await exportBpmn(document);
    await withModel(document, (definitions) => {
      findAll(definitions, 'Inner').name = 'second';
    });
    const exported = await exportBpmn(document);
    expect(summary(compareBpmn(hostile, exported)).sort()).toEqual([
      'loss attribute-changed definitions/process[@id=Orders]/subProcess[@id=Sub]/task[@id=Inner]@name',
      'loss attribute-changed definitions/process[@id=Orders]/userTask[@id=Check]@name',
    ]);
  });

  it('moving a shape changes only its bounds', async () => {
    const document = await importBpmn(hostile);
    await withModel(document, (definitions) => {
      const bounds = findAll(definitions, 'Check_di').bounds!;
      bounds.x = 260;
      bounds.y = 90;
    });
    const exported = await exportBpmn(document);
    expect(summary(compareBpmn(hostile, exported))).toEqual([
      'loss attribute-changed definitions/BPMNDiagram[@id=Diagram]/BPMNPlane[@id=Plane]/BPMNShape[@id=Check_di]/Bounds@x',
      'loss attribute-changed definitions/BPMNDiagram[@id=Diagram]/BPMNPlane[@id=Plane]/BPMNShape[@id=Check_di]/Bounds@y',
    ]);
    expect(exported).toContain('<dc:Bounds x="260" y="90" width="100.0" height="80.0" />');
  });

  it('changing a condition changes only its text, still written as CDATA', async () => {
    const document = await importBpmn(hostile);
    await withModel(document, (definitions) => {
      findAll(definitions, 'Flow_2').conditionExpression!.body = '=amount > 1000 and prepaid';
    });
    const exported = await exportBpmn(document);
    expect(summary(compareBpmn(hostile, exported))).toEqual(['loss text-changed definitions/process[@id=Orders]/sequenceFlow[@id=Flow_2]/conditionExpression']);
    expect(exported).toContain('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"><![CDATA[=amount > 1000 and prepaid]]></bpmn:conditionExpression>');
  });

  it('adding a task with its flow and shape adds exactly those elements, in the file’s own prefixes', async () => {
    const document = await importBpmn(hostile);
    await withModel(document, (definitions, moddle) => {
      const process = findAll(definitions, 'Orders');
      const wait = findAll(definitions, 'Wait');
      const task = moddle.create('bpmn:ServiceTask', { id: 'Ship', name: 'Versand' });
      const flow = moddle.create('bpmn:SequenceFlow', { id: 'Flow_3', sourceRef: wait, targetRef: task });
      task.incoming = [flow];
      wait.outgoing = [flow];
      process.flowElements!.push(task, flow);
      const plane = findAll(definitions, 'Plane');
      const shape = moddle.create('bpmndi:BPMNShape', { id: 'Ship_di', bpmnElement: task, bounds: moddle.create('dc:Bounds', { x: 500, y: 78, width: 100, height: 80 }) });
      plane.planeElement!.push(shape);
    });
    const exported = await exportBpmn(document);
    expect(summary(compareBpmn(hostile, exported)).sort()).toEqual([
      'loss element-added definitions/BPMNDiagram[@id=Diagram]/BPMNPlane[@id=Plane]/BPMNShape[@id=Ship_di]',
      'loss element-added definitions/process[@id=Orders]/intermediateCatchEvent[@id=Wait]/outgoing',
      'loss element-added definitions/process[@id=Orders]/sequenceFlow[@id=Flow_3]',
      'loss element-added definitions/process[@id=Orders]/serviceTask[@id=Ship]',
    ]);
    // the saved file reads back with the new elements wired up
    const reread = await importBpmn(exported);
    expect(findAll(reread.definitions, 'Flow_3').targetRef?.id).toBe('Ship');
    expect(findAll(reread.definitions, 'Ship_di').bpmnElement?.id).toBe('Ship');
    expect(reread.warnings.filter((w) => /Flow_3|Ship/.test(w))).toEqual([]);
  });

  it('deleting a flow removes it, its edge and its references, and nothing else', async () => {
    const document = await importBpmn(hostile);
    await withModel(document, (definitions) => {
      const process = findAll(definitions, 'Orders');
      const flow = findAll(definitions, 'Flow_1');
      process.flowElements!.splice(process.flowElements!.indexOf(flow), 1);
      findAll(definitions, 'Start').outgoing = [];
      findAll(definitions, 'Check').incoming = [];
      const plane = findAll(definitions, 'Plane');
      plane.planeElement = plane.planeElement!.filter((e) => e.id !== 'Flow_1_di');
    });
    const exported = await exportBpmn(document);
    expect(summary(compareBpmn(hostile, exported)).sort()).toEqual([
      'loss element-lost definitions/BPMNDiagram[@id=Diagram]/BPMNPlane[@id=Plane]/BPMNEdge[@id=Flow_1_di]',
      'loss element-lost definitions/process[@id=Orders]/sequenceFlow[@id=Flow_1]',
      'loss element-lost definitions/process[@id=Orders]/startEvent[@id=Start]/outgoing',
      'loss element-lost definitions/process[@id=Orders]/userTask[@id=Check]/incoming[2]',
    ]);
  });

  it('moving a task into a sub-process keeps everything moddle does not know about it', async () => {
    const document = await importBpmn(hostile);
    await withModel(document, (definitions) => {
      const process = findAll(definitions, 'Orders');
      const sub = findAll(definitions, 'Sub');
      const check = findAll(definitions, 'Check');
      process.flowElements!.splice(process.flowElements!.indexOf(check), 1);
      sub.flowElements!.push(check);
      check.name = 'Prüfen im Unterprozess';
    });
    const exported = await exportBpmn(document);
    expect(summary(compareBpmn(hostile, exported)).sort()).toEqual([
      'loss element-added definitions/process[@id=Orders]/subProcess[@id=Sub]/userTask[@id=Check]',
      'loss element-lost definitions/process[@id=Orders]/userTask[@id=Check]',
    ]);
    const moved = exported.slice(exported.indexOf('<bpmn:userTask id="Check"'), exported.indexOf('</bpmn:userTask>'));
    expect(exported.indexOf('<bpmn:userTask id="Check"')).toBeGreaterThan(exported.indexOf('<bpmn:subProcess id="Sub"'));
    expect(exported.indexOf('<bpmn:userTask id="Check"')).toBeLessThan(exported.indexOf('</bpmn:subProcess>'));
    // the original element, foreign-prefixed attribute, W4 styles and the dangling incoming included
    expect(moved).toContain('name="Prüfen im Unterprozess" camunda:assignee="activiti-user" c7:assignee="camunda-user" w4:type="User"');
    expect(moved).toContain('<w4:graphStyle><w4:basic><fill color="#ffffff" /></w4:basic></w4:graphStyle>');
    expect(moved).toContain('<bpmn:incoming>Flow_Elsewhere</bpmn:incoming>');
  });

  it('changing an id keeps the element where it was, with everything moddle does not know about it', async () => {
    const document = await importBpmn(hostile);
    await withModel(document, (definitions) => {
      findAll(definitions, 'Check').id = 'Verify';
    });
    const exported = await exportBpmn(document);
    expect(summary(compareBpmn(hostile, exported)).sort()).toEqual([
      'loss attribute-changed definitions/BPMNDiagram[@id=Diagram]/BPMNPlane[@id=Plane]/BPMNShape[@id=Check_di]@bpmnElement',
      'loss attribute-changed definitions/process[@id=Orders]/sequenceFlow[@id=Flow_1]@targetRef',
      'loss attribute-changed definitions/process[@id=Orders]/sequenceFlow[@id=Flow_2]@sourceRef',
      'loss element-added definitions/process[@id=Orders]/userTask[@id=Verify]',
      'loss element-lost definitions/process[@id=Orders]/userTask[@id=Check]',
    ]);
    expect(changedLines(hostileText, exported)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '    <bpmn:userTask id="Verify" name="Prüfen" camunda:assignee="activiti-user" c7:assignee="camunda-user" w4:type="User">',
      '    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Verify" />',
      '    <bpmn:sequenceFlow id="Flow_2" sourceRef="Verify" targetRef="Wait">',
      '      <bpmndi:BPMNShape id="Check_di" bpmnElement="Verify" w4:colour="blue" w4alias:colour="red">',
    ]);
  });

  it('an extension from a namespace the file does not declare yet is declared on the root', async () => {
    const plain = '<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://example.com">\n  <process id="P" isExecutable="true">\n    <serviceTask id="S" name="Ship" />\n  </process>\n</definitions>\n';
    const document = await importBpmn(plain);
    expect(document.flavour).toBe('zeebe');
    await withModel(document, (definitions, moddle) => {
      const task = findAll(definitions, 'S');
      task.extensionElements = moddle.create('bpmn:ExtensionElements', { values: [moddle.create('zeebe:TaskDefinition', { type: 'shipping' })] });
    });
    const exported = await exportBpmn(document);
    expect(exported).toMatch(/<definitions xmlns="http:\/\/www.omg.org\/spec\/BPMN\/20100524\/MODEL" id="D" targetNamespace="http:\/\/example.com" xmlns:zeebe="http:\/\/camunda.org\/schema\/zeebe\/1.0">/);
    // indented like the surrounding lines
    expect(exported).toContain('    <serviceTask id="S" name="Ship">\n      <extensionElements>\n        <zeebe:taskDefinition type="shipping"/>\n      </extensionElements>\n    </serviceTask>\n');
    const reread = await importBpmn(exported);
    expect(findAll(reread.definitions, 'S').extensionElements?.values?.[0]?.type).toBe('shipping');
  });

  it('a new extension never borrows a prefix the file binds to another namespace', async () => {
    const foreign = '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://example.com/not-zeebe" id="D" targetNamespace="http://example.com">\n  <process id="P" isExecutable="true" zeebe:note="theirs">\n    <serviceTask id="S" name="Ship" />\n  </process>\n</definitions>\n';
    const document = await importBpmn(foreign);
    expect(document.baseline).not.toBeNull();
    await withModel(document, (definitions, moddle) => {
      findAll(definitions, 'S').extensionElements = moddle.create('bpmn:ExtensionElements', { values: [moddle.create('zeebe:TaskDefinition', { type: 'shipping' })] });
    });
    const exported = await exportBpmn(document);
    expect(exported).toContain('xmlns:zeebe="http://example.com/not-zeebe"');
    expect(exported).toContain('zeebe:note="theirs"');
    expect(exported).toContain('xmlns:zeebe1="http://camunda.org/schema/zeebe/1.0"');
    expect(exported).toMatch(/<zeebe1:taskDefinition type="shipping" ?\/>/);
    // the zeebe element itself is in a namespace the original does not declare: a tool addition
    expect(summary(compareBpmn(foreign, exported))).toEqual(['loss element-added definitions/process[@id=P]/serviceTask[@id=S]/extensionElements']);
    const reread = await importBpmn(exported);
    expect(findAll(reread.definitions, 'S').extensionElements?.values?.[0]?.$type).toBe('zeebe:TaskDefinition');
  });

  it('merges XML saved by another moddle instance (as bpmn-js saves it) onto the original', async () => {
    const document = await importBpmn(hostile);
    // what the modeler does: import document.xmlForModdle into its own moddle, edit, save
    const modeler = createModdle(document.flavour);
    const { rootElement } = await modeler.fromXML(document.xmlForModdle, 'bpmn:Definitions');
    findAll(rootElement, 'Start').name = 'Bestellung da';
    const { xml } = await modeler.toXML(rootElement, { format: true });
    const exported = await exportBpmn(document, xml);
    expect(summary(compareBpmn(hostile, exported))).toEqual(['loss attribute-changed definitions/process[@id=Orders]/startEvent[@id=Start]@name']);
  });
});
