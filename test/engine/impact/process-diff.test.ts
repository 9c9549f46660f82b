// The server's semantic diff (POST /api/impact, GET …/versions/{n}/diff, stratum impact) names a change that is not
// in a flow element itself — a message, an error, an escalation or a signal the elements refer to — and one inside
// an element's extension elements, in a designer's words, on every element it touches (test/support/diff-cases.ts).
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { diffLines, diffProcesses, processOf } from '../../../engine/impact/process-diff.js';
import { CLAIM_HANDLING, DIFF_CASES } from '../../support/diff-cases.js';

const KEY = 'claim-handling';
const processIn = async (xml: string) => processOf((await parseBpmn(xml)).definitions, KEY);
const sorted = <T extends { elementId: string; property: string }>(items: T[]) => [...items].sort((a, b) => `${a.elementId} ${a.property}`.localeCompare(`${b.elementId} ${b.property}`));
const diffOf = async (before: string, after: string) => diffProcesses(KEY, await processIn(before), await processIn(after));

describe('the server\'s diff of two versions', () => {
  it.each(DIFF_CASES.map((diffCase) => [diffCase.label, diffCase] as const))('names %s', async (_label, { before, after, expected }) => {
    const diff = await diffOf(before, after);
    const named = diff.elements.flatMap((element) => element.properties.map((property) => ({ elementId: element.elementId, change: element.change, ...property })));
    expect(sorted(named)).toEqual(sorted(expected.map((property) => ({ ...property, change: 'changed' }))));
    expect(diff.unchanged).toBe(false);
  });

  it('reads a changed message on each line of stratum impact, with the element it touches', async () => {
    const lines = diffLines(await diffOf(DIFF_CASES[1].before, DIFF_CASES[1].after));
    expect([...lines].sort()).toEqual([
      'changed BoundaryEvent_DocumentsDuringReview (boundary event "Documents arrived during review"): correlation key =claimNo → =policyNo',
      'changed IntermediateCatchEvent_Documents (intermediate catch event "Documents received"): correlation key =claimNo → =policyNo',
    ]);
  });

  it('lists a new element\'s extension elements among its properties', async () => {
    const diff = diffProcesses(KEY, undefined, await processIn(CLAIM_HANDLING));
    const propertiesOf = (id: string) => Object.fromEntries(diff.elements.find((element) => element.elementId === id)!.properties.map((property) => [property.property, property.after]));
    expect(propertiesOf('UserTask_Review')).toMatchObject({ 'candidate groups': 'claims-office', assignee: '=claimOwner', form: 'claim-review' });
    expect(propertiesOf('ServiceTask_Assess')).toMatchObject({ 'job type': 'assess-claim', retries: '3', headers: 'model = 2024' });
    expect(propertiesOf('CallActivity_Payout')).toMatchObject({ 'variables back from the called process': 'its outputs only', 'variables passed to the called process': 'all' });
    expect(propertiesOf('BoundaryEvent_PayoutLate')).toMatchObject({ escalation: 'PAYOUT_LATE' });
  });
});

describe('the server\'s diff of a Camunda 7 call activity', () => {
  const camunda7 = (mappings: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://stratum.example/bpmn">
  <bpmn:process id="claim-handling" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:callActivity id="CallActivity_Payout" name="Pay out" calledElement="claim-payout"><bpmn:extensionElements>${mappings}</bpmn:extensionElements></bpmn:callActivity>
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="CallActivity_Payout" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="CallActivity_Payout" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;

  it('names what camunda:in and camunda:out pass, where before everything passed', async () => {
    const diff = await diffOf(camunda7(''), camunda7('<camunda:in source="claimNo" target="claimNo" /><camunda:in sourceExpression="${amount * 2}" target="limit" /><camunda:out variables="all" />'));
    expect(diff.elements).toEqual([{
      elementId: 'CallActivity_Payout', type: 'bpmn:CallActivity', name: 'Pay out', change: 'changed',
      properties: [{ property: 'variables passed to the called process', before: 'all', after: 'claimNo ← claimNo, limit ← =amount * 2' }],
    }]);
  });
});

describe('a timer in a designer\'s words', () => {
  const withTimer = (definition: string) => CLAIM_HANDLING.replace('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">PT48H</bpmn:timeDuration>', definition);
  const timerOf = async (definition: string) => {
    const diff = diffProcesses(KEY, undefined, await processIn(withTimer(definition)));
    return diff.elements.find((element) => element.elementId === 'BoundaryEvent_ReviewOverdue')!.properties.find((property) => property.property === 'timer')?.after;
  };

  it.each([
    ['<bpmn:timeDuration>PT1H30M</bpmn:timeDuration>', 'after 1 hour 30 minutes (PT1H30M)'],
    ['<bpmn:timeDuration>P2W</bpmn:timeDuration>', 'after 2 weeks (P2W)'],
    ['<bpmn:timeDuration>=reviewDelay</bpmn:timeDuration>', 'after =reviewDelay'],
    ['<bpmn:timeDate>2026-01-01T09:00:00Z</bpmn:timeDate>', 'at 2026-01-01T09:00:00Z'],
    ['<bpmn:timeCycle>R3/PT10M</bpmn:timeCycle>', 'every 10 minutes, 3 times (R3/PT10M)'],
    ['<bpmn:timeCycle>R/P1D</bpmn:timeCycle>', 'every 1 day (R/P1D)'],
    ['<bpmn:timeCycle>0 0 9 * * MON</bpmn:timeCycle>', 'on the schedule 0 0 9 * * MON'],
  ])('%s reads %s', async (definition, words) => {
    expect(await timerOf(definition)).toBe(words);
  });
});
