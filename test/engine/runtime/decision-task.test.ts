// Business rule tasks that call a DMN decision evaluate it inside the step
// (the runtime does not hand deployed decisions to steps yet: see docs/interop.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDmn, type DecisionSource } from '../../../engine/dmn/index.js';
import { lintXml } from '../../../engine/lint/lint-bpmn.js';
import { compileExecutable } from '../../../engine/runtime/definition-cache.js';
import { runInstanceStep } from '../../../engine/runtime/instance-step.js';
import type { InstanceRow } from '../../../engine/store/types.js';
import { textContaining } from '../../support/matchers.js';

const read = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');

async function decisionsOf(...files: string[]): Promise<DecisionSource> {
  const models = await Promise.all(files.map((file) => parseDmn(read(`dmn/${file}`))));
  return { modelFor: (decisionId) => models.find((model) => model.decisions.has(decisionId)) };
}

function start(file: string, key: string, variables: Record<string, unknown>, decisions?: DecisionSource) {
  return startXml(read(`engine/${file}`), key, variables, decisions);
}

async function startXml(xml: string, key: string, variables: Record<string, unknown>, decisions?: DecisionSource) {
  const definition = await compileExecutable(key, 1, xml);
  const now = new Date('2026-01-05T09:00:00Z');
  const instance: InstanceRow = {
    id: 'i-1', processKey: key, version: 1, businessKey: 'B-1', parentId: null, parentElementId: null, parentExecutionId: null, rootId: 'i-1',
    status: 'running', state: null, variables: {}, incident: null, revision: 0, startedBy: null,
    createdAt: now.toISOString(), updatedAt: now.toISOString(), endedAt: null,
  };
  return runInstanceStep({ definition, instance, previousWaits: [], now, actor: null, action: { type: 'start', variables }, ...(decisions && { decisions }) });
}

describe('business rule tasks calling a DMN decision', () => {
  it('Camunda 8: zeebe:calledDecision writes the decision result to resultVariable and goes on', async () => {
    const result = await start('dish-camunda8.bpmn', 'dish-c8', { season: 'Fall', guestCount: 4 }, await decisionsOf('unique-dish.dmn'));
    expect(result.status).toBe('running');
    expect(result.variables.dish).toBe('Spareribs');
    expect(result.waits.map((wait) => wait.elementId)).toEqual(['Cook']);
  });

  it('Camunda 7: camunda:decisionRef with mapDecisionResult="collectEntries", required decisions included', async () => {
    const decisions = await decisionsOf('required-decisions.dmn');
    const result = await start('beverages-camunda7.bpmn', 'beverages-c7', { month: 10, guestCount: 4, guestsWithChildren: false }, decisions);
    expect(result.variables.beverages).toEqual(['Red wine', 'Water']);
    expect(result.waits.map((wait) => wait.elementId)).toEqual(['Serve']);
  });

  it('fails the instance with an incident naming the decision and its inputs when two rules match under UNIQUE', async () => {
    const result = await start('dish-camunda8.bpmn', 'dish-c8', { season: 'Winter', guestCount: 8 }, await decisionsOf('unique-dish.dmn'));
    expect(result.status).toBe('failed');
    expect(result.incident).toEqual({
      elementId: 'Decide',
      message: 'decision "Dish" (dish): rules winter-few, winter-or-spring-overlap all match, but hit policy UNIQUE allows one for season = "Winter", guestCount = 8',
      reason: { kind: 'decision-failed', decisionId: 'dish' },
    });
    expect(result.incidentInputs).toEqual([{ name: 'season', problem: 'is "Winter"' }, { name: 'guestCount', problem: 'is 8' }]);
  });

  it('fails when the decision is not deployed', async () => {
    const result = await start('dish-camunda8.bpmn', 'dish-c8', { season: 'Fall', guestCount: 4 }, await decisionsOf('first-discount.dmn'));
    expect(result.incident).toEqual({ elementId: 'Decide', message: 'decision dish is not deployed', reason: { kind: 'decision-not-found', decisionId: 'dish' } });
    const none = await start('dish-camunda8.bpmn', 'dish-c8', { season: 'Fall', guestCount: 4 });
    expect(none.incident).toEqual({
      elementId: 'Decide', message: 'business rule task Decide calls decision dish, but no decisions are deployed', reason: { kind: 'decision-not-found', decisionId: 'dish' },
    });
  });

  // The id expression is evaluated before anything is looked up: with no decisions deployed at all the
  // incident named the unevaluated expression as the decision (decision-not-found "=…").
  describe('a decision id expression, with no decisions deployed at all', () => {
    const byExpression = read('engine/dish-camunda8.bpmn').replace('decisionId="dish"', 'decisionId="=&quot;dish-&quot; + season"');

    it('that cannot be evaluated: decision-id-failed, no decision was asked', async () => {
      const result = await startXml(byExpression, 'dish-c8', { guestCount: 4 });
      expect(result.incident).toMatchObject({ elementId: 'Decide', reason: { kind: 'decision-id-failed' } });
      expect(result.incident!.message).toMatch(/^decision id ="dish-" \+ season: .*season/);
    });

    it('that can: decision-not-found naming the decision it asked for', async () => {
      const result = await startXml(byExpression, 'dish-c8', { season: 'Fall', guestCount: 4 });
      expect(result.incident).toEqual({
        elementId: 'Decide', message: 'business rule task Decide calls decision dish-Fall, but no decisions are deployed',
        reason: { kind: 'decision-not-found', decisionId: 'dish-Fall' },
      });
    });
  });
});

// camunda:mapDecisionResult: what the lint (decision-result-mapping) accepts runs, and what it refuses, as Camunda 7
// refuses it at deploy, fails the task. The dish decision gives one result with one entry for October.
describe('Camunda 7 mapDecisionResult, as the lint and the runtime read it', () => {
  const withMapping = (decisionRef: string, mapping: string | undefined) => read('engine/beverages-camunda7.bpmn')
    .replace('camunda:decisionRef="beverages"', `camunda:decisionRef="${decisionRef}"`)
    .replace(' camunda:mapDecisionResult="collectEntries"', mapping === undefined ? '' : ` camunda:mapDecisionResult="${mapping}"`);
  const october = { month: 10, guestCount: 4, guestsWithChildren: false };
  const mappingFindings = async (xml: string) => (await lintXml(xml)).filter((finding) => finding.rule === 'decision-result-mapping');

  it.each([
    ['singleEntry', 'Spareribs'],
    ['singleResult', { desiredDish: 'Spareribs' }],
    ['collectEntries', ['Spareribs']],
    ['resultList', [{ desiredDish: 'Spareribs' }]],
    [undefined, [{ desiredDish: 'Spareribs' }]],
  ])('mapDecisionResult=%j is accepted at deploy and maps the result', async (mapping, expected) => {
    const xml = withMapping('dish', mapping);
    expect(await mappingFindings(xml)).toEqual([]);
    const result = await startXml(xml, 'beverages-c7', october, await decisionsOf('required-decisions.dmn'));
    expect(result.incident).toBeNull();
    expect(result.variables.beverages).toEqual(expected);
  });

  it('a known mapping the result does not fit is accepted at deploy and fails the task at run time (two beverages, one entry asked)', async () => {
    const xml = withMapping('beverages', 'singleEntry');
    expect(await mappingFindings(xml)).toEqual([]);
    const result = await startXml(xml, 'beverages-c7', october, await decisionsOf('required-decisions.dmn'));
    expect(result.incident).toEqual({
      elementId: 'Decide', message: textContaining('it gave 2 results, so mapDecisionResult="singleEntry" cannot map it'), reason: { kind: 'decision-failed', decisionId: 'beverages' },
    });
  });

  it.each(['firstEntry', 'SingleEntry', ''])('mapDecisionResult=%j is refused at deploy, and fails the task if it runs', async (mapping) => {
    const xml = withMapping('dish', mapping);
    expect((await mappingFindings(xml)).map((finding) => [finding.elementId, finding.severity])).toEqual([['Decide', 'error']]);
    const result = await startXml(xml, 'beverages-c7', october, await decisionsOf('required-decisions.dmn'));
    expect(result.status).toBe('failed');
    expect(result.incident).toEqual({
      elementId: 'Decide',
      message: `business rule task Decide maps the decision result as "${mapping}"; Camunda 7 knows singleEntry, singleResult, collectEntries, resultList`,
      reason: { kind: 'decision-failed', decisionId: 'dish' },
    });
  });
});
