import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareBpmn, type Difference } from '../../engine/interop/compare.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/interop/compare/${name}`, import.meta.url), 'utf8');
const base = fixture('base.bpmn');

/** The base document with one textual edit; fails loudly if the edit does not apply. */
function edited(from: string, to: string, source = base): string {
  expect(source.includes(from), `fixture contains ${from}`).toBe(true);
  return source.replace(from, to);
}

const summary = (differences: Difference[]) => differences.map((d) => `${d.severity} ${d.kind} ${d.path}`);

describe('compareBpmn judges a round trip against the original file', () => {
  it('finds nothing between a document and itself', () => {
    expect(compareBpmn(base, base)).toEqual([]);
  });

  it('tolerates other prefixes, attribute order, indentation, CDATA, defaults, dc:Point, number formatting, formalExpression as expression and exporter', () => {
    expect(summary(compareBpmn(base, fixture('tolerated.bpmn')))).toEqual([]);
  });

  it('reports a lost element with its id', () => {
    const exported = edited(
      base.slice(base.indexOf('    <bpmn:intermediateCatchEvent'), base.indexOf('</bpmn:intermediateCatchEvent>') + 31),
      '',
    );
    expect(summary(compareBpmn(base, exported))).toEqual(['loss element-lost definitions/process[@id=P1]/intermediateCatchEvent[@id=Wait]']);
  });

  it('reports a lost attribute', () => {
    const differences = compareBpmn(base, edited(' name="Approve order"', ''));
    expect(summary(differences)).toEqual(['loss attribute-lost definitions/process[@id=P1]/userTask[@id=T1]@name']);
    expect(differences[0].original).toBe('Approve order');
  });

  it('reports a lost non-default value of a defaulted attribute but not the default itself', () => {
    expect(compareBpmn(base, edited(' startQuantity="1"', ''))).toEqual([]);
    const twice = edited(' startQuantity="1"', ' startQuantity="2"');
    expect(summary(compareBpmn(twice, base))).toEqual(['loss attribute-changed definitions/process[@id=P1]/userTask[@id=T1]@startQuantity']);
    expect(summary(compareBpmn(twice, edited(' startQuantity="1"', '')))).toEqual(['loss attribute-lost definitions/process[@id=P1]/userTask[@id=T1]@startQuantity']);
  });

  it('reports a changed reference', () => {
    const differences = compareBpmn(base, edited('sourceRef="Start" targetRef="T1"', 'sourceRef="Start" targetRef="Wait"'));
    expect(summary(differences)).toEqual(['loss attribute-changed definitions/process[@id=P1]/sequenceFlow[@id=Flow_1]@targetRef']);
    expect([differences[0].original, differences[0].exported]).toEqual(['T1', 'Wait']);
  });

  it('accepts a dangling reference kept as written and reports one that is dropped or rewritten', () => {
    const kept = edited('<bpmn:messageEventDefinition id="MED_1" messageRef="tns:Message_Elsewhere" />', '<bpmn:messageEventDefinition messageRef="tns:Message_Elsewhere" id="MED_1"></bpmn:messageEventDefinition>');
    expect(compareBpmn(base, kept)).toEqual([]);
    expect(summary(compareBpmn(base, edited(' messageRef="tns:Message_Elsewhere"', '')))).toEqual([
      'loss attribute-lost definitions/process[@id=P1]/intermediateCatchEvent[@id=Wait]/messageEventDefinition[@id=MED_1]@messageRef',
    ]);
    expect(summary(compareBpmn(base, edited('messageRef="tns:Message_Elsewhere"', 'messageRef="Message_Elsewhere"')))).toEqual([
      'loss attribute-changed definitions/process[@id=P1]/intermediateCatchEvent[@id=Wait]/messageEventDefinition[@id=MED_1]@messageRef',
    ]);
  });

  it('matches reference elements by the id they hold: reordering is a notice, a changed reference a loss', () => {
    const original = edited('      <bpmn:incoming>Flow_1</bpmn:incoming>\n', '      <bpmn:incoming>Flow_1</bpmn:incoming>\n      <bpmn:incoming>Flow_X</bpmn:incoming>\n');
    const reordered = edited('<bpmn:incoming>Flow_1</bpmn:incoming>\n      <bpmn:incoming>Flow_X</bpmn:incoming>', '<bpmn:incoming>Flow_X</bpmn:incoming>\n      <bpmn:incoming>Flow_1</bpmn:incoming>', original);
    expect(summary(compareBpmn(original, reordered))).toEqual(['notice order-changed definitions/process[@id=P1]/userTask[@id=T1]']);
    const retargeted = edited('<bpmn:incoming>Flow_X</bpmn:incoming>', '<bpmn:incoming>Flow_Y</bpmn:incoming>', original);
    expect(summary(compareBpmn(original, retargeted))).toEqual([
      'loss element-lost definitions/process[@id=P1]/userTask[@id=T1]/incoming[2]',
      'loss element-added definitions/process[@id=P1]/userTask[@id=T1]/incoming',
    ]);
  });

  it('reports changed text, whitespace-normalised', () => {
    expect(compareBpmn(base, edited('first.</bpmn:documentation>', '\n      first.  </bpmn:documentation>'))).toEqual([]);
    expect(summary(compareBpmn(base, edited('first.</bpmn:documentation>', 'last.</bpmn:documentation>')))).toEqual([
      'loss text-changed definitions/process[@id=P1]/userTask[@id=T1]/documentation',
    ]);
    expect(summary(compareBpmn(base, edited('&gt; 1000', '&gt; 100')))).toEqual([
      'loss text-changed definitions/process[@id=P1]/sequenceFlow[@id=Flow_2]/conditionExpression',
    ]);
  });

  it('reports a line break lost from a name', () => {
    expect(summary(compareBpmn(base, edited('name="Order&#10;received"', 'name="Order received"')))).toEqual([
      'loss attribute-changed definitions/process[@id=P1]/startEvent[@id=Start]@name',
    ]);
  });

  it('compares diagram interchange numerically and reports changed bounds and waypoints', () => {
    expect(compareBpmn(base, edited('x="100.0"', 'x="1e2"'))).toEqual([]);
    expect(summary(compareBpmn(base, edited('x="100.0"', 'x="101"')))).toEqual([
      'loss attribute-changed definitions/BPMNDiagram[@id=Diagram_1]/BPMNPlane[@id=Plane_1]/BPMNShape[@id=T1_di]/Bounds@x',
    ]);
    expect(summary(compareBpmn(base, edited('x="100" y="120"', 'x="110" y="120"')))).toEqual([
      'loss attribute-changed definitions/BPMNDiagram[@id=Diagram_1]/BPMNPlane[@id=Plane_1]/BPMNEdge[@id=Flow_1_di]/waypoint[2]@x',
    ]);
    expect(summary(compareBpmn(base, edited('<di:waypoint xsi:type="dc:Point" x="100" y="120" />', '')))).toEqual([
      'loss element-lost definitions/BPMNDiagram[@id=Diagram_1]/BPMNPlane[@id=Plane_1]/BPMNEdge[@id=Flow_1_di]/waypoint[2]',
    ]);
  });

  it('reports lost extension elements, including unprefixed children, and lost extension attributes', () => {
    expect(summary(compareBpmn(base, edited('<vendor:note lang="en">kept</vendor:note>', '')))).toEqual([
      'loss element-lost definitions/process[@id=P1]/extensionElements/vendor:meta/vendor:note',
    ]);
    expect(summary(compareBpmn(base, edited('<plain xmlns="http://example.com/vendor">unprefixed child</plain>', '')))).toEqual([
      'loss element-lost definitions/process[@id=P1]/extensionElements/vendor:meta/plain',
    ]);
    // losing the default namespace declaration moves the child out of the vendor's namespace
    expect(summary(compareBpmn(base, edited('<plain xmlns="http://example.com/vendor">', '<plain>')))).toEqual([
      'loss element-lost definitions/process[@id=P1]/extensionElements/vendor:meta/plain',
      'loss element-added definitions/process[@id=P1]/extensionElements/vendor:meta/plain',
    ]);
    expect(summary(compareBpmn(base, edited(' vendor:shadow="true"', '')))).toEqual([
      'loss attribute-lost definitions/BPMNDiagram[@id=Diagram_1]/BPMNPlane[@id=Plane_1]/BPMNShape[@id=T1_di]@vendor:shadow',
    ]);
    expect(summary(compareBpmn(base, edited(' vendor:owner="sales"', '')))).toEqual(['loss attribute-lost definitions/process[@id=P1]@vendor:owner']);
  });

  it('matches diagrams, planes and other elements tools regenerate ids for by position, reporting the changed id', () => {
    expect(summary(compareBpmn(base, edited('<bpmndi:BPMNDiagram id="Diagram_1">', '<bpmndi:BPMNDiagram id="BPMNDiagram_1">')))).toEqual([
      'loss attribute-changed definitions/BPMNDiagram[@id=Diagram_1]@id',
    ]);
    expect(summary(compareBpmn(base, edited('<bpmn:userTask id="T1"', '<bpmn:userTask id="T2"')))).toEqual([
      'loss element-lost definitions/process[@id=P1]/userTask[@id=T1]',
      'loss element-added definitions/process[@id=P1]/userTask[@id=T2]',
    ]);
  });

  it('reports a namespace prefix rebound to another URI', () => {
    const differences = compareBpmn(base, edited('xmlns:tns="http://example.com/target"', 'xmlns:tns="http://example.com/elsewhere"'));
    expect(summary(differences)).toEqual(['loss namespace-rebound definitions@xmlns:tns']);
  });

  it('ignores attributes and elements a tool adds in namespaces the original does not declare', () => {
    const exported = edited('<bpmn:userTask id="T1"', '<bpmn:userTask xmlns:tool="http://tool.example/x" tool:layout="auto" id="T1"');
    expect(compareBpmn(base, exported)).toEqual([]);
  });

  it('reports elements and attributes added in the BPMN namespace', () => {
    expect(summary(compareBpmn(base, edited('<bpmn:userTask id="T1"', '<bpmn:userTask implementation="##unspecified" default="Flow_2" id="T1"')))).toEqual([
      'loss attribute-added definitions/process[@id=P1]/userTask[@id=T1]@default',
    ]);
    expect(summary(compareBpmn(base, edited('</bpmn:process>', '<bpmn:task id="Extra" /></bpmn:process>')))).toEqual([
      'loss element-added definitions/process[@id=P1]/task[@id=Extra]',
    ]);
  });

  it('reports a dropped comment, a removed unused namespace and a changed child order as notices only', () => {
    expect(summary(compareBpmn(base, edited('<!-- drawn by hand for the comparison tests -->\n', '')))).toEqual(['notice comment-dropped ']);
    expect(summary(compareBpmn(base, edited(' xmlns:unused="http://example.com/unused"', '')))).toEqual(['notice unused-namespace-removed definitions@xmlns:unused']);
    const flow1 = '    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="T1" />\n';
    const swapped = edited(flow1, '', base).replace('  </bpmn:process>', `${flow1}  </bpmn:process>`);
    expect(summary(compareBpmn(base, swapped))).toEqual(['notice order-changed definitions/process[@id=P1]']);
  });

  it('decodes each side with its declared encoding (ISO-8859-1, windows-1252)', () => {
    const text = (encoding: string) =>
      `<?xml version="1.0" encoding="${encoding}"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"><process id="P"><task id="T" name="Prüfung 5 € — ok"/></process></definitions>`;
    const latin1 = Uint8Array.from(text('ISO-8859-1').replace('€', 'E').replace('—', '-'), (c) => c.charCodeAt(0));
    expect(compareBpmn(latin1, text('UTF-8').replace('€', 'E').replace('—', '-'))).toEqual([]);
    const cp1252Table: Record<string, number> = { '€': 0x80, '—': 0x97 };
    const cp1252 = Uint8Array.from(text('windows-1252'), (c) => cp1252Table[c] ?? c.charCodeAt(0));
    expect(compareBpmn(cp1252, text('UTF-8'))).toEqual([]);
    const misread = new TextDecoder('utf-8').decode(latin1);
    expect(summary(compareBpmn(latin1, misread.replace('ISO-8859-1', 'UTF-8')))).toEqual(['loss attribute-changed definitions/process[@id=P]/task[@id=T]@name']);
  });
});
