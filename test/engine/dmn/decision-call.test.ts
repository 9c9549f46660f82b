import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { declaredDecisionCallOf } from '../../../engine/dmn/decision-call.js';
import { decisionCallOf, parseDmn, runDecisionCall } from '../../../engine/dmn/index.js';

const read = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
// the runtime hands decisionCallOf an activity's behaviour, the moddle element's plain properties: read the element as one
type Behaviour = Parameters<typeof decisionCallOf>[0];
const task = async (file: string) => (await parseBpmn(read(`engine/${file}`))).moddleContext.elementsById.Decide as unknown as Behaviour;

describe('what a business rule task asks of a decision', () => {
  it('reads zeebe:calledDecision (Camunda 8)', async () => {
    expect(decisionCallOf(await task('dish-camunda8.bpmn'))).toEqual({ dialect: 'camunda8', decisionRef: 'dish', resultVariable: 'dish' });
  });

  it('reads camunda:decisionRef, resultVariable and mapDecisionResult (Camunda 7)', async () => {
    expect(decisionCallOf(await task('beverages-camunda7.bpmn'))).toEqual({
      dialect: 'camunda7', decisionRef: 'beverages', resultVariable: 'beverages', mapping: 'collectEntries',
    });
  });

  it('reads Camunda 7 attributes kept as unknown attributes, and refuses an unknown mapping', () => {
    const element = { id: 'T', $attrs: { 'camunda:decisionRef': 'dish', 'camunda:mapDecisionResult': 'firstEntry' } };
    expect(() => decisionCallOf(element)).toThrow('business rule task T maps the decision result as "firstEntry"; Camunda 7 knows singleEntry, singleResult, collectEntries, resultList');
    expect(decisionCallOf({ id: 'T', $attrs: { 'camunda:decisionRef': 'dish' } })).toEqual({ dialect: 'camunda7', decisionRef: 'dish' });
  });

  it('refuses an empty mapping as Camunda 7 does (absent is resultList); declaredDecisionCallOf reads either without refusing', () => {
    const empty = { id: 'T', $attrs: { 'camunda:decisionRef': 'dish', 'camunda:resultVariable': 'dish', 'camunda:mapDecisionResult': '' } };
    expect(() => decisionCallOf(empty)).toThrow('business rule task T maps the decision result as ""');
    expect(declaredDecisionCallOf(empty)).toEqual({ dialect: 'camunda7', decisionRef: 'dish', resultVariable: 'dish', unknownMapping: '' });
    expect(declaredDecisionCallOf({ id: 'T', $attrs: { 'camunda:decisionRef': 'dish', 'camunda:mapDecisionResult': 'singleEntry' } }))
      .toEqual({ dialect: 'camunda7', decisionRef: 'dish', mapping: 'singleEntry' });
  });

  it('reads the version a call pins (Camunda 8 bindingType, Camunda 7 decisionRefBinding), and refuses one it cannot honour', async () => {
    const c8 = async (binding: string) => (await parseBpmn(read('engine/dish-camunda8.bpmn').replace('resultVariable="dish" />', `resultVariable="dish" ${binding} />`)))
      .moddleContext.elementsById.Decide as unknown as Behaviour;
    const c7 = async (binding: string) => (await parseBpmn(read('engine/beverages-camunda7.bpmn').replace('camunda:decisionRef="beverages"', `camunda:decisionRef="beverages" ${binding}`)))
      .moddleContext.elementsById.Decide as unknown as Behaviour;
    expect(decisionCallOf(await c8('bindingType="deployment"'))).toMatchObject({ decisionRef: 'dish', binding: { type: 'deployment' } });
    expect(decisionCallOf(await c8('bindingType="versionTag" versionTag="v1"'))).toMatchObject({ binding: { type: 'versionTag', versionTag: 'v1' } });
    expect(decisionCallOf(await c7('camunda:decisionRefBinding="version" camunda:decisionRefVersion="3"'))).toMatchObject({ binding: { type: 'version', version: 3 } });
    expect(decisionCallOf(await c7('camunda:decisionRefBinding="versionTag" camunda:decisionRefVersionTag="2026-q1"'))).toMatchObject({ binding: { type: 'versionTag', versionTag: '2026-q1' } });
    expect(decisionCallOf(await c7('camunda:decisionRefBinding="deployment"'))).toMatchObject({ binding: { type: 'deployment' } });
    expect(decisionCallOf(await c7('camunda:decisionRefBinding="latest"'))?.binding).toBeUndefined();
    // never the latest in place of a pin that cannot be read
    const noTag = await c8('bindingType="versionTag"');
    expect(declaredDecisionCallOf(noTag)).toMatchObject({ unsupportedBinding: 'bindingType="versionTag"' });
    expect(() => decisionCallOf(noTag)).toThrow('business rule task Decide binds decision dish by bindingType="versionTag", which Stratum cannot honour');
    const expression = await c7('camunda:decisionRefBinding="version" camunda:decisionRefVersion="${v}"');
    expect(() => decisionCallOf(expression)).toThrow('camunda:decisionRefBinding="version" (${v})');
  });

  it('calls none for a job (zeebe:taskDefinition) or a plain task', () => {
    expect(decisionCallOf({ id: 'T', extensionElements: { values: [{ $type: 'zeebe:TaskDefinition', type: 'score' }] } })).toBeUndefined();
    expect(decisionCallOf({ id: 'T' })).toBeUndefined();
  });

  it('computes a Camunda 8 decision id given as FEEL', async () => {
    const model = await parseDmn(read('dmn/first-discount.dmn'));
    const call = { dialect: 'camunda8' as const, decisionRef: '="disc" + "ount"', resultVariable: 'discount' };
    expect(runDecisionCall(call, { modelFor: (id) => (id === 'discount' ? model : undefined) }, { customerType: 'Business', orderSize: 1 })).toEqual({ discount: 0.1 });
  });
});
