// parseBpmn reads every file of one flavour with one moddle instance (engine/bpmn/moddle.ts): what one document
// reads must never change how the next one reads.
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';

const BPMN = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const ZEEBE = 'http://camunda.org/schema/zeebe/1.0';
const CAMUNDA = 'http://camunda.org/schema/1.0/bpmn';

/** A process with one user task; `namespaces` and `task` add what a test needs. */
function definitions(id: string, namespaces: string, task: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="${BPMN}" ${namespaces} id="Defs_${id}" targetNamespace="http://example.com/${id}">
  <bpmn:process id="${id}" isExecutable="true">${task}</bpmn:process>
</bpmn:definitions>`;
}

type Element = { $type: string; $model: unknown; $attrs?: Record<string, unknown>; [key: string]: unknown };

async function firstTask(xml: string): Promise<Element & { extensionElements?: { values: Element[] } }> {
  const { definitions: parsed } = await parseBpmn(xml);
  const [process] = parsed.rootElements as { flowElements: Element[] }[];
  return process.flowElements[0];
}

describe('one moddle per flavour', () => {
  it('reads two files of one flavour with one instance, and the other flavour with its own', async () => {
    const zeebe = await firstTask(definitions('a', `xmlns:zeebe="${ZEEBE}"`, '<bpmn:userTask id="T" />'));
    const zeebeAgain = await firstTask(definitions('b', `xmlns:zeebe="${ZEEBE}"`, '<bpmn:userTask id="T" />'));
    const camunda = await firstTask(definitions('c', `xmlns:camunda="${CAMUNDA}"`, '<bpmn:userTask id="T" />'));
    expect(zeebeAgain.$model).toBe(zeebe.$model);
    expect(camunda.$model).not.toBe(zeebe.$model);
  });

  it('reads each flavour\'s extensions typed, whichever flavour came before', async () => {
    const camundaTask = definitions('c7', `xmlns:camunda="${CAMUNDA}"`, '<bpmn:userTask id="T" camunda:assignee="dora" />');
    const zeebeTask = definitions('c8', `xmlns:zeebe="${ZEEBE}"`,
      '<bpmn:userTask id="T"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="dora" /></bpmn:extensionElements></bpmn:userTask>');
    for (const order of [[camundaTask, zeebeTask], [zeebeTask, camundaTask], [camundaTask, zeebeTask]]) {
      for (const xml of order) {
        const task = await firstTask(xml);
        if (xml === camundaTask) expect(task.assignee).toBe('dora');
        else expect(task.extensionElements!.values[0].$type).toBe('zeebe:AssignmentDefinition');
      }
    }
  });

  it('keeps an unknown vendor\'s element and attribute to the file that declares them', async () => {
    const vendor = await firstTask(definitions('v', 'xmlns:acme="http://acme.example/bpmn"',
      '<bpmn:userTask id="T" acme:priority="high"><bpmn:extensionElements><acme:sla hours="4" /></bpmn:extensionElements></bpmn:userTask>'));
    expect(vendor.$attrs!['acme:priority']).toBe('high');
    expect(vendor.extensionElements!.values[0]).toMatchObject({ $type: 'acme:sla', hours: '4' });

    // the same prefix bound to another vendor's namespace: that vendor's element, not the first one's
    const other = await firstTask(definitions('w', 'xmlns:acme="http://other.example/bpmn"',
      '<bpmn:userTask id="T"><bpmn:extensionElements><acme:sla minutes="30" /></bpmn:extensionElements></bpmn:userTask>'));
    const [sla] = other.extensionElements!.values as (Element & { $descriptor: { ns: { uri?: string } } })[];
    expect(sla).toMatchObject({ $type: 'acme:sla', minutes: '30' });
    expect(sla.hours).toBeUndefined();
    // and a file without the vendor reads no trace of it
    const plain = await firstTask(definitions('p', '', '<bpmn:userTask id="T" />'));
    expect(plain.$attrs).toEqual({});
    expect(plain.extensionElements).toBeUndefined();
  });
});
