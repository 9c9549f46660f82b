// A message moves every instance waiting for it under its key, each once; a sender that asks for exactly one
// (Camunda 7's `all: false`, MessageRequest.exactlyOne) gets a refusal when several wait, and nothing moves.
// The result names each instance moved and how: at a catch (its wait) or started by a message start event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';
import { StratumError } from '../../../engine/errors.js';
import { anyText, objectWith } from '../../support/matchers.js';

const DIAGRAMS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_reminder" targetNamespace="http://stratum.example/test">
  <bpmn:message id="Msg_reminder" name="reminder" />
  <bpmn:message id="Msg_memo" name="memo" />
  <bpmn:process id="reminder" name="Reminder" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Await" />
    <bpmn:intermediateCatchEvent id="Await"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing><bpmn:messageEventDefinition messageRef="Msg_reminder" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Await" targetRef="FollowUp" />
    <bpmn:userTask id="FollowUp" name="Follow up">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="warehouse" /></bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F3" sourceRef="FollowUp" targetRef="Done" />
    <bpmn:endEvent id="Done"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmn:process id="memo" name="Memo" isExecutable="true">
    <bpmn:startEvent id="Filed"><bpmn:outgoing>G1</bpmn:outgoing><bpmn:messageEventDefinition messageRef="Msg_memo" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="G1" sourceRef="Filed" targetRef="Read" />
    <bpmn:userTask id="Read" name="Read memo">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="warehouse" /></bpmn:extensionElements>
      <bpmn:incoming>G1</bpmn:incoming><bpmn:outgoing>G2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="G2" sourceRef="Read" targetRef="Read_Done" />
    <bpmn:endEvent id="Read_Done"><bpmn:incoming>G2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

let dataDir: string;
let stratum: Stratum;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-exactly-one-'));
  stratum = await openStratum({ store: await openStore({ dataDir }) });
  await stratum.library.deploy([{ name: 'reminder.bpmn', xml: DIAGRAMS }], { user: 'test' });
});
afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// helpers

const start = async (businessKey: string) => (await stratum.runtime.start('reminder', { businessKey, user: 'test' })).instance.id;
const waitsAtCatch = async (id: string) => (await stratum.runtime.getInstance(id))!.waiting.some((wait) => wait.elementId === 'Await');

async function refusal(call: Promise<unknown>): Promise<StratumError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(StratumError);
  return error as StratumError;
}

describe('a message that asks for exactly one instance', () => {
  it('is refused when two instances wait for it under its key, and moves neither', async () => {
    const [first, second] = [await start('R-1'), await start('R-1')];
    const refused = await refusal(stratum.runtime.correlateMessage({ name: 'reminder', businessKey: 'R-1', actor: 'erp', exactlyOne: true }));
    expect(refused.code).toBe('conflict');
    expect(refused.details).toMatchObject({ problem: 'ambiguous-correlation', businessKey: 'R-1' });
    expect([...(refused.details!.instanceIds as string[])].sort()).toEqual([first, second].sort());
    expect(await waitsAtCatch(first)).toBe(true);
    expect(await waitsAtCatch(second)).toBe(true);
    const history = [...(await stratum.runtime.getInstance(first))!.history, ...(await stratum.runtime.getInstance(second))!.history];
    expect(history.filter((entry) => entry.event === 'message.refused').map((entry) => entry.data?.reason)).toEqual(['ambiguous-correlation']);
  });

  it('moves the one instance that waits, and names its catch', async () => {
    const only = await start('R-2');
    const result = await stratum.runtime.correlateMessage({ name: 'reminder', businessKey: 'R-2', exactlyOne: true });
    expect(result.moved).toEqual([{ kind: 'catch', waitId: anyText(), instance: objectWith({ id: only }) }]);
    expect(await waitsAtCatch(only)).toBe(false);
  });

  it('names an instance a message start event started as a start', async () => {
    const result = await stratum.runtime.correlateMessage({ name: 'memo', businessKey: 'M-1', exactlyOne: true });
    expect(result.moved).toEqual([{ kind: 'start', waitId: null, instance: objectWith({ processKey: 'memo', businessKey: 'M-1' }) }]);
  });
});

describe('a message that does not ask for exactly one', () => {
  it('moves each instance waiting for it under its key, each once', async () => {
    const [first, second] = [await start('R-3'), await start('R-3')];
    const result = await stratum.runtime.correlateMessage({ name: 'reminder', businessKey: 'R-3' });
    expect(result.moved.map((move) => move.instance.id).sort()).toEqual([first, second].sort());
    expect(result.moved.every((move) => move.kind === 'catch')).toBe(true);
    expect(result.reached.map((view) => view.id).sort()).toEqual([first, second].sort());
  });
});
