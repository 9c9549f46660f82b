// Which processes run inside orders is derived once (order-border.ts): the processes taking orders, everything
// they call at any depth, and the order processes above a process. Lint, the fast replay and a call reached at
// run time read it over their own shapes of the call graph and must draw the same border.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { openStore } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import type { RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { orderEntryFindings } from '../../../engine/lint/order-call-tree.js';
import { processSuppliesOf, reachable } from '../../../engine/lint/variable-supply.js';
import { callBorderRefusal } from '../../../engine/orders/call-border.js';
import { orderBorder, orderProcessesAbove, type OrderGraphProcess } from '../../../engine/orders/order-border.js';
import type { InstanceRow, Store } from '../../../engine/store/types.js';

/**
 * entry takes orders and calls second-entry, which takes orders too; loop-a and loop-b call each other and self
 * calls itself, all inside orders; bridge calls leaf from outside; outside calls helper, and lone itself, outside.
 */
const LIBRARY: OrderGraphProcess[] = [
  { key: 'entry', calls: ['middle', 'second-entry'], takesOrders: true },
  { key: 'middle', calls: ['leaf', 'loop-a'] },
  { key: 'loop-a', calls: ['loop-b'] },
  { key: 'loop-b', calls: ['loop-a'] },
  { key: 'second-entry', calls: ['self'], takesOrders: true },
  { key: 'self', calls: ['self'] },
  { key: 'leaf', calls: [] },
  { key: 'bridge', calls: ['leaf'] },
  { key: 'outside', calls: ['helper'] },
  { key: 'helper', calls: [] },
  { key: 'lone', calls: ['lone'] },
];
const IN_ORDERS = ['entry', 'leaf', 'loop-a', 'loop-b', 'middle', 'second-entry', 'self'];
const ABOVE: Record<string, string[]> = {
  entry: ['entry'], middle: ['entry'], 'loop-a': ['entry'], 'loop-b': ['entry'], 'second-entry': ['entry', 'second-entry'],
  self: ['entry', 'second-entry'], leaf: ['entry'], bridge: [], outside: [], helper: [], lone: [],
};

describe('the order border', () => {
  it('takes the processes taking orders as roots and runs everything they call inside orders, through a cycle, a self-call and a called order process', () => {
    const border = orderBorder(LIBRARY);
    expect(border.takingOrders).toEqual(['entry', 'second-entry']);
    expect([...border.inOrders].sort()).toEqual(IN_ORDERS);
  });

  it('names the order processes above a process: itself when it takes orders, none outside orders', () => {
    const border = orderBorder(LIBRARY);
    for (const { key } of LIBRARY) {
      expect(border.above(key), key).toEqual(ABOVE[key]);
      expect(border.above(key).length > 0, key).toBe(border.inOrders.has(key));
    }
    expect(border.above('not-deployed')).toEqual([]);
  });

  it('lazily, asks only the process and its callers at any depth whether they take orders, and answers the same', async () => {
    for (const { key } of LIBRARY) {
      const asked: string[] = [];
      const lazy = LIBRARY.map((process) => ({
        key: process.key, calls: process.calls, takesOrders: () => { asked.push(process.key); return Promise.resolve(process.takesOrders === true); },
      }));
      expect(await orderProcessesAbove(key, lazy), key).toEqual(ABOVE[key]);
      const callers = reachable(key, (called) => LIBRARY.filter((process) => process.calls.includes(called)).map((process) => process.key));
      expect(asked.sort(), key).toEqual([...callers].sort());
    }
  });
});

describe('lint, the fast replay and a call at run time, on one library', () => {
  // lone calls itself outside orders: it would run forever, as on bpmn-engine, so it is left out of the stored library
  const stored = LIBRARY.filter((process) => process.key !== 'lone');
  /** One process from another tool per library process, calling only it: the roots of the orders replayed. */
  const via = (key: string) => `via-${key}`;
  const processes = [...stored, ...stored.map(({ key }) => ({ key: via(key), calls: [key] }))];
  let dataDir: string;
  let store: Store;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stratum-order-border-'));
    store = await openStore({ dataDir });
    for (const process of processes) {
      const xml = processXml(process);
      await store.transaction((tx) => tx.insertVersion({
        key: process.key, version: 1, name: process.key, xml, hash: createHash('sha256').update(xml).digest('hex'), calls: [...process.calls],
        deploymentId: `legacy-${process.key}`, deployedBy: 'legacy-tool', deployedAt: new Date().toISOString(), note: null,
      }));
    }
  });
  afterAll(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('agree on which calls cross the border, which order processes each call runs under, and which orders meet it', async () => {
    // lint: what each stored process supplies, as deploying reads it
    const supplies = (await Promise.all(processes.map(async (process) => processSuppliesOf((await parseBpmn(processXml(process))).definitions)))).flat();
    const linted = new Set(orderEntryFindings([], supplies).map((finding) => finding.file));
    // run time: a call from an instance of via-… (which belongs to no order) to the process it calls
    const library = await CandidateLibrary.open(store, []);
    const view = { getInstance: () => Promise.resolve(undefined), latestCalls: () => store.read((tx) => tx.latestCalls()) };
    const refusal = (key: string) => callBorderRefusal(view, root(via(key)), 'Call_0', { key, version: 1 }, (at, version) => library.definition(at, version));
    const fast = new FastReplay(library);

    const refused = new Map<string, string>();
    for (const { key } of stored) {
      const found = await refusal(key);
      if (found) refused.set(key, found.reason.border);
      if (found?.reason.border === 'runs-inside-orders') expect(found.message, key).toContain(`(called from ${ABOVE[key].join(', ')})`);
      expect(linted.has(`${via(key)} (deployed)`), key).toBe(found !== undefined);
    }
    expect(Object.fromEntries(refused)).toEqual({
      entry: 'takes-orders', 'second-entry': 'takes-orders', middle: 'runs-inside-orders', 'loop-a': 'runs-inside-orders',
      'loop-b': 'runs-inside-orders', self: 'runs-inside-orders', leaf: 'runs-inside-orders',
    });

    // the fast replay leaves to bpmn-engine every order whose tree meets the border somewhere
    const played: string[] = [];
    for (const { key } of stored) {
      const meets = [...reachable(key, (caller) => stored.find((process) => process.key === caller)?.calls ?? [])].some((called) => refused.has(called));
      const route = await fast.replay(recordedOrder(via(key)));
      expect(route === undefined, key).toBe(meets);
      if (route) played.push(key);
    }
    expect(played.sort()).toEqual(['helper', 'outside']);
  });
});

// helpers

/**
 * A process calling `calls` one after the other; a process taking orders declares it. A call back into a process
 * that calls it (loop-b to loop-a, self to self) sits behind a condition never true, so a run that does not meet
 * the border ends; the call graph keeps it.
 */
function processXml({ key, calls, takesOrders }: OrderGraphProcess): string {
  const property = takesOrders ? '<bpmn:extensionElements><zeebe:properties><zeebe:property name="takesOrders" value="true" /></zeebe:properties></bpmn:extensionElements>' : '';
  const callsOf = (caller: string) => LIBRARY.find((process) => process.key === caller)?.calls ?? [];
  const back = (called: string) => reachable(called, callsOf).has(key);
  const steps = ['Start', ...calls.map((called, index) => (back(called) ? `Gate_${index}` : `Call_${index}`)), 'End'];
  const elements = calls.map((called, index) => {
    const call = `<bpmn:callActivity id="Call_${index}" name="Call ${called}"><bpmn:extensionElements><zeebe:calledElement processId="${called}" /></bpmn:extensionElements></bpmn:callActivity>`;
    if (!back(called)) return call;
    return `<bpmn:exclusiveGateway id="Gate_${index}" default="Flow_${index + 1}" />${call}<bpmn:endEvent id="End_${index}" />` +
      `<bpmn:sequenceFlow id="Back_${index}" sourceRef="Gate_${index}" targetRef="Call_${index}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=false</bpmn:conditionExpression></bpmn:sequenceFlow>` +
      `<bpmn:sequenceFlow id="Ended_${index}" sourceRef="Call_${index}" targetRef="End_${index}" />`;
  });
  const flows = steps.slice(1).map((target, index) => `<bpmn:sequenceFlow id="Flow_${index}" sourceRef="${steps[index]}" targetRef="${target}" />`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${key}" targetNamespace="http://example.com/other-tool">
  <bpmn:process id="${key}" isExecutable="true">${property}
    <bpmn:startEvent id="Start" />${elements.join('')}<bpmn:endEvent id="End" />${flows.join('')}
  </bpmn:process>
</bpmn:definitions>`;
}

/** A running root instance of `key` (a root is its own root: the border reads no other instance). */
function root(key: string): InstanceRow {
  const now = new Date().toISOString();
  return {
    id: `i-${key}`, processKey: key, version: 1, businessKey: null, parentId: null, parentElementId: null, parentExecutionId: null, rootId: `i-${key}`,
    status: 'running', state: null, variables: {}, incident: null, revision: 1, startedBy: null, createdAt: now, updatedAt: now, endedAt: null,
  };
}

/** An ended order of `key` that recorded nothing: its replay starts the latest version and runs through. */
function recordedOrder(key: string): RecordedOrder {
  return {
    orderNo: `SO-${key}`, rootId: `i-${key}`, processKey: key, startedAt: new Date().toISOString(), startedBy: null, startVariables: {}, actions: [],
    actual: { status: 'completed', completed: [], waiting: [] },
  };
}
