// Which diagram the modeler opens for a process of a file that holds a diagram per process or per pool.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importBpmn } from '../../../engine/interop/index.js';
import { diagramOfProcess } from '../../../modeler/src/bpmn/process-diagram.js';
import { interopAvailable, interopFile } from '../../support/shared-interop.js';

const read = (xml: string) => importBpmn(xml, { readModel: false });
const definitions = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="Definitions_1">${body}</definitions>`;

describe('the diagram of a process', () => {
  it('is the diagram whose plane is the process, under the canvas\'s alias of its id', async () => {
    const file = await read(readFileSync(join(import.meta.dirname, '../fixtures/non-ascii-ids.bpmn'), 'utf8'));
    expect(file.idAliases.size).toBeGreaterThan(0);
    const second = diagramOfProcess(file, '確認_1');
    expect(second).toMatch(/^[\w.-]+$/);
    expect(file.idAliases.get(second!)).toBe('図_1');
    expect(diagramOfProcess(file, 'Prüfen')).toBe('Diagramm_1');
  });

  it('is the diagram of the collaboration (or the pool) that holds the process, when the process has none of its own', async () => {
    const file = await read(definitions(`
      <collaboration id="Sales"><participant id="Pool_sales" processRef="Process_sales" /></collaboration>
      <collaboration id="Billing"><participant id="Pool_billing" processRef="Process_billing" /></collaboration>
      <process id="Process_sales" /><process id="Process_billing" /><process id="Process_archive" />
      <bpmndi:BPMNDiagram id="Diagram_sales"><bpmndi:BPMNPlane id="Plane_sales" bpmnElement="Sales" /></bpmndi:BPMNDiagram>
      <bpmndi:BPMNDiagram id="Diagram_billing"><bpmndi:BPMNPlane id="Plane_billing" bpmnElement=" Billing " /></bpmndi:BPMNDiagram>
      <bpmndi:BPMNDiagram id="Diagram_archive"><bpmndi:BPMNPlane id="Plane_archive" bpmnElement="Pool_archive" /></bpmndi:BPMNDiagram>
      <collaboration id="Archive"><participant id="Pool_archive" processRef="Process_archive" /></collaboration>`));
    expect(diagramOfProcess(file, 'Process_sales')).toBe('Diagram_sales');
    expect(diagramOfProcess(file, 'Process_billing')).toBe('Diagram_billing');
    expect(diagramOfProcess(file, 'Process_archive')).toBe('Diagram_archive');
  });

  it('prefers the process\'s own diagram to a collaboration\'s that also shows it', async () => {
    const file = await read(definitions(`
      <collaboration id="All"><participant id="Pool_a" processRef="A" /><participant id="Pool_b" processRef="B" /></collaboration>
      <process id="A" /><process id="B" />
      <bpmndi:BPMNDiagram id="Diagram_all"><bpmndi:BPMNPlane bpmnElement="All" /></bpmndi:BPMNDiagram>
      <bpmndi:BPMNDiagram id="Diagram_b"><bpmndi:BPMNPlane bpmnElement="B" /></bpmndi:BPMNDiagram>`));
    expect(diagramOfProcess(file, 'A')).toBe('Diagram_all');
    expect(diagramOfProcess(file, 'B')).toBe('Diagram_b');
  });

  it('leaves the choice to bpmn-js when there is one diagram, none names the process, or the one that does has no id', async () => {
    const one = await read(definitions('<process id="A" /><bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane bpmnElement="A" /></bpmndi:BPMNDiagram>'));
    expect(diagramOfProcess(one, 'A')).toBeUndefined();
    const two = await read(definitions(`<process id="A" /><process id="B" /><process id="C" />
      <bpmndi:BPMNDiagram id="D_a"><bpmndi:BPMNPlane bpmnElement="A" /></bpmndi:BPMNDiagram>
      <bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement="B" /></bpmndi:BPMNDiagram>`));
    expect(diagramOfProcess(two, 'C')).toBeUndefined();
    expect(diagramOfProcess(two, 'B')).toBeUndefined();
  });

  it.skipIf(!interopAvailable)('opens each pool of MIWG C.4.0 (four collaborations, a diagram each) at its own diagram', async () => {
    const file = await read(interopFile('miwg/C.4.0.bpmn').xml);
    expect(diagramOfProcess(file, '_42cba3a9-a8ab-40b5-b9a4-2e8f32be364e')).toBe('_1484687a-1f56-4a0b-8eac-a76d5806a31e'); // Money Bank
    expect(diagramOfProcess(file, '_f0035388-f829-470c-b82b-0b15c3da3399')).toBe('_2197e5f3-4fb0-4665-aeb8-338e750d4939'); // IT
    expect(diagramOfProcess(file, '_da743a6f-d9e5-4fcf-8a96-d2fd5cfb73d4')).toBe('_a90a886a-6aa2-4cce-9593-8729f9f15e12'); // Payroll
    expect(diagramOfProcess(file, '_3486bf55-0a7f-4ff1-be15-1555669f58ad')).toBe('_8a47c0f3-6b5d-44cc-afca-f79008ba1ebf'); // Facilities
  });
});
