// Every start asks who may start what (entry-guard.ts: a called, retired or order-taking process never starts
// directly). Those guards read the library's call graph, never its XML: a library that grows by versions and
// processes does not make each order, start or message that starts an instance read all of it. A call activity
// that starts its child reads the version to start, not its XML (the compiled definition is cached).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';
import type { Store, StoreTx } from '../../../engine/store/types.js';
import { enter, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';

/** The reads that return whole versions with their XML. */
const XML_READS = ['latestVersions', 'versionsOf', 'latestVersion', 'getVersion'] as const;

const MESSAGE_START = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_alert" targetNamespace="http://stratum.example/test">
  <bpmn:message id="Msg_alert" name="stock-alert" />
  <bpmn:process id="stock-alert" name="Stock alert" isExecutable="true">
    <bpmn:startEvent id="Alerted"><bpmn:outgoing>F1</bpmn:outgoing><bpmn:messageEventDefinition messageRef="Msg_alert" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Alerted" targetRef="Check" />
    <bpmn:userTask id="Check" name="Check stock">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="warehouse" /></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="Checked" />
    <bpmn:endEvent id="Checked"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

let dataDir: string;
let stratum: Stratum;
const reads = new Map<string, number>();

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-guard-reads-'));
  stratum = await openStratum({ store: counting(await openStore({ dataDir })), orderEntry: { rates: SAMPLE_RATES } });
  const review = readFileSync(fileURLToPath(new URL('../../fixtures/engine/parallel-separated-review.bpmn', import.meta.url)), 'utf8');
  await stratum.library.deploy([...shippedDiagrams(), { name: 'parallel-separated-review.bpmn', xml: review }, { name: 'stock-alert.bpmn', xml: MESSAGE_START }], { user: 'test' });
  // each definition compiled once (the definition cache), as a running server has them
  await enter(stratum.runtime, order('WARM', 700_000));
  await stratum.runtime.start('parallel-review', { businessKey: 'WARM-REVIEW', user: 'test' });
  await stratum.runtime.correlateMessage({ name: 'stock-alert', businessKey: 'WARM-ALERT' });
});
afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** How often `call` read whole versions (with their XML). */
async function xmlReadsOf(call: () => Promise<unknown>): Promise<Record<string, number>> {
  reads.clear();
  await call();
  return Object.fromEntries(XML_READS.map((name) => [name, reads.get(name) ?? 0]));
}

const none = Object.fromEntries(XML_READS.map((name) => [name, 0]));

describe('the start guards read the call graph, not the XML', () => {
  it('order entry, through the call activities to the first approval', async () => {
    expect(await xmlReadsOf(() => enter(stratum.runtime, order('SO-1', 700_000)))).toEqual(none);
  });

  it('a generic start (called, retired and order-taking processes checked)', async () => {
    expect(await xmlReadsOf(() => stratum.runtime.start('parallel-review', { businessKey: 'R-1', user: 'test' }))).toEqual(none);
    // the guard still refuses a called process
    await expect(stratum.runtime.start('credit-order-approval', { businessKey: 'R-2', user: 'test' })).rejects.toMatchObject({ code: 'conflict', details: { reason: 'called-process' } });
  });

  it('a message that starts an instance', async () => {
    let reached: unknown;
    expect(await xmlReadsOf(async () => ({ reached } = await stratum.runtime.correlateMessage({ name: 'stock-alert', businessKey: 'A-1' })))).toEqual(none);
    expect(reached).toHaveLength(1);
  });
});

// helpers

function counting(store: Store): Store {
  const count = (tx: StoreTx): StoreTx => new Proxy(tx, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (typeof property === 'string') return (...args: unknown[]) => {
        reads.set(property, (reads.get(property) ?? 0) + 1);
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') return (work: (tx: StoreTx) => Promise<unknown>) => target.transaction((tx) => work(count(tx)));
      if (property === 'read') return (work: (tx: StoreTx) => Promise<unknown>) => target.read((tx) => work(count(tx)));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
