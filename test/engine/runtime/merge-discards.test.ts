// A discarded path ends at the first merge it reaches (merge-discards.ts): the
// engine no longer discards everything behind a merge for every dead path into it.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileExecutable } from '../../../engine/runtime/definition-cache.js';
import { createEngine } from '../../../engine/runtime/execution-environment.js';
import { DIAGRAMS_DIR, order } from '../../support/stratum-fixture.js';

const process = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://example.com">
  <bpmn:process id="merging" isExecutable="true">
    ${body}
  </bpmn:process>
</bpmn:definitions>`;

const flow = (id: string, from: string, to: string, condition?: string) => condition
  ? `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression>${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>`
  : `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;

// A split whose paths meet again at a merge, with three elements behind the merge before a user task waits.
const MERGE_THEN_WAIT = process(`
  <bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'split')}
  <bpmn:exclusiveGateway id="split" default="toSmall" />
  ${flow('toBig', 'split', 'big', '=amount &gt; 10')}
  ${flow('toSmall', 'split', 'small')}
  <bpmn:intermediateThrowEvent id="big" />
  <bpmn:intermediateThrowEvent id="small" />
  ${flow('f2', 'big', 'merge')}
  ${flow('f3', 'small', 'merge')}
  <bpmn:exclusiveGateway id="merge" />
  ${flow('f4', 'merge', 'behind1')}
  <bpmn:intermediateThrowEvent id="behind1" />
  ${flow('f5', 'behind1', 'behind2')}
  <bpmn:intermediateThrowEvent id="behind2" />
  ${flow('f6', 'behind2', 'approve')}
  <bpmn:userTask id="approve" />
  ${flow('f7', 'approve', 'end')}
  <bpmn:endEvent id="end" />`);

// Every path into the merge is dead when `skip` is true: the process ends at `skipped`.
const DEAD_MERGE = process(`
  <bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'first')}
  <bpmn:exclusiveGateway id="first" default="toSecond" />
  ${flow('toSkipped', 'first', 'skipped', '=skip')}
  ${flow('toSecond', 'first', 'second')}
  <bpmn:endEvent id="skipped" />
  <bpmn:exclusiveGateway id="second" default="toB" />
  ${flow('toA', 'second', 'a', '=amount &gt; 10')}
  ${flow('toB', 'second', 'b')}
  <bpmn:intermediateThrowEvent id="a" />
  <bpmn:intermediateThrowEvent id="b" />
  ${flow('f2', 'a', 'merge')}
  ${flow('f3', 'b', 'merge')}
  <bpmn:exclusiveGateway id="merge" />
  ${flow('f4', 'merge', 'behind')}
  <bpmn:intermediateThrowEvent id="behind" />
  ${flow('f5', 'behind', 'end')}
  <bpmn:endEvent id="end" />`);

/** Starts `key` of `xml` to its first wait (or end); counts each element's enters and discards. */
async function run(key: string, xml: string, variables: Record<string, unknown>) {
  const definition = await compileExecutable(key, 1, xml);
  const engine = createEngine('i-1', definition.sourceContext);
  const listener = new EventEmitter();
  const counts = { entered: new Map<string, number>(), discarded: new Map<string, number>() };
  const count = (map: Map<string, number>) => (api: { id: string }) => map.set(api.id, (map.get(api.id) ?? 0) + 1);
  listener.on('activity.enter', count(counts.entered));
  listener.on('activity.discard', count(counts.discarded));
  let ended = false;
  engine.once('end', () => (ended = true));
  await engine.execute({ listener, variables });
  await new Promise((resolve) => setImmediate(resolve));
  const waiting = (engine.execution?.getPostponed() ?? []).map((api: { id: string }) => api.id);
  return { ...counts, waiting, ended };
}

describe('a discarded path ends at the first merge it reaches', () => {
  it('discards the path not chosen up to the merge, and nothing behind it', async () => {
    const { entered, discarded, waiting } = await run('merging', MERGE_THEN_WAIT, { amount: 5 });
    expect(waiting).toEqual(['approve']);
    expect(discarded.get('big')).toBe(1);
    // the merge takes the discard (its flow is done) and the token
    expect(discarded.get('merge')).toBe(1);
    expect(entered.get('merge')).toBe(1);
    for (const id of ['behind1', 'behind2', 'approve']) {
      expect(discarded.get(id) ?? 0, id).toBe(0);
      expect(entered.get(id), id).toBe(1);
    }
  });

  it('still ends a process when every path into a merge is dead', async () => {
    const { entered, discarded, ended, waiting } = await run('merging', DEAD_MERGE, { skip: true, amount: 5 });
    expect(ended).toBe(true);
    expect(waiting).toEqual([]);
    expect(entered.get('skipped')).toBe(1);
    expect(discarded.get('a')).toBe(1);
    expect(discarded.get('b')).toBe(1);
    for (const id of ['behind', 'end']) expect(discarded.get(id) ?? 0, id).toBe(0);
  });

  it('runs the same process to its end when the merge is reached', async () => {
    const { entered, ended } = await run('merging', DEAD_MERGE, { skip: false, amount: 50 });
    expect(ended).toBe(true);
    for (const id of ['a', 'merge', 'behind', 'end']) expect(entered.get(id), id).toBe(1);
  });

  it('leaves the credit approval of a posted order undiscarded in sales-order-management', async () => {
    const xml = readFileSync(`${DIAGRAMS_DIR}sales-order-management.bpmn`, 'utf8');
    const { entered, discarded, waiting } = await run('sales-order-management', xml, order('SO-1', 1_200_000).variables);
    expect(waiting.sort()).toEqual(['CallActivity_ApproveCreditOrder', 'IntermediateCatchEvent_OrderChanged']);
    expect(entered.get('CallActivity_ApproveCreditOrder')).toBe(1);
    // behind "Special change handled", which the branch without a special change reaches discarded
    for (const id of ['Gateway_PaymentTerms', 'CallActivity_ApproveCreditOrder', 'Gateway_ReleaseToPlanning', 'ServiceTask_ShipOrder']) {
      expect(discarded.get(id) ?? 0, id).toBe(0);
    }
    // the prepaid branches are dead paths before any merge: discarded, once each
    expect(discarded.get('CallActivity_PrepaidEntryControl')).toBe(1);
    expect(discarded.get('CallActivity_PrepaidShipmentControl')).toBe(1);
  });
});
