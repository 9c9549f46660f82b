import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { processSuppliesOf, supplyAtEachProcess, type ProcessSupply } from '../../../engine/lint/variable-supply.js';
import { FIXTURES } from './lint-fixture.js';

const process = (key: string, supplies: string[], calls: string[] = [], declaresStart = false): ProcessSupply => ({ key, supplies, calls, declaresStart });

describe('what each process of a call graph can read', () => {
  it('a caller has what its callees at any depth write; a callee has what its callers at any depth have', () => {
    const supply = supplyAtEachProcess([
      process('root', ['orderNo'], ['middle'], true),
      process('middle', ['approved'], ['leaf', 'sibling']),
      process('leaf', ['shipped']),
      process('sibling', ['paid']),
    ]);
    expect([...supply.get('root')!.variables].sort()).toEqual(['approved', 'orderNo', 'paid', 'shipped']);
    // the leaf gets everything its callers have, sibling's output included (flow-insensitive)
    expect([...supply.get('leaf')!.variables].sort()).toEqual(['approved', 'orderNo', 'paid', 'shipped']);
    expect(supply.get('leaf')!.entries).toEqual(['root']);
  });

  it('a process accepts any start variables unless it declares them or all its callers accept none', () => {
    const supply = supplyAtEachProcess([
      process('declared', [], ['shared', 'only-declared'], true),
      process('open', [], ['shared']),
      process('shared', []),
      process('only-declared', []),
    ]);
    expect(supply.get('declared')!.closed).toBe('declares');
    expect(supply.get('open')!.closed).toBeUndefined();
    expect(supply.get('shared')!.closed).toBeUndefined();
    expect(supply.get('only-declared')!.closed).toBe('callers');
  });

  it('variables of a callee whose call activities hand back only their outputs stay in the callee, and are named as withheld', () => {
    const supply = supplyAtEachProcess([
      { ...process('root', ['amount'], ['change', 'report'], true), callsHandingBackOutputsOnly: ['change'] },
      process('change', ['changeApproved', 'reportingAmount'], ['audit']),
      process('audit', ['audited']),
      process('report', ['reported']),
    ]);
    expect([...supply.get('root')!.variables].sort()).toEqual(['amount', 'reported']);
    expect(Object.fromEntries(supply.get('root')!.withheld)).toEqual({ audited: ['audit'], changeApproved: ['change'], reportingAmount: ['change'] });
    // the callee has what its caller has, and what its own callees hand back
    expect([...supply.get('change')!.variables].sort()).toEqual(['amount', 'audited', 'changeApproved', 'reported', 'reportingAmount']);
    expect(supply.get('change')!.withheld.size).toBe(0);
  });

  it('a callee whose call activities pass only what their camunda:in elements name has those and its own variables, and names the call for the others', () => {
    const review = 'call activity "Review" of process "middle"';
    const supply = supplyAtEachProcess([
      process('root', ['orderNo'], ['middle']),
      { ...process('middle', ['amount'], ['leaf']), callInputs: [{ key: 'leaf', creates: ['reviewAmount'], narrowedBy: { 'camunda:in': [review] } }] },
      process('leaf', ['reviewed']),
    ]);
    const leaf = supply.get('leaf')!;
    expect([...leaf.variables].sort()).toEqual(['reviewAmount', 'reviewed']);
    expect(Object.fromEntries(leaf.notPassed)).toEqual({ amount: { 'camunda:in': [review] }, orderNo: { 'camunda:in': [review] } });
    // the root's start variables do not get past the call activity
    expect(leaf.closed).toBe('narrowed');
    expect(leaf.narrowedBy).toEqual({ 'camunda:in': [review] });
    expect(leaf.entries).toEqual([]);
    // what the callee writes, and what the call creates in it, still come back
    expect([...supply.get('root')!.variables].sort()).toEqual(['amount', 'orderNo', 'reviewAmount', 'reviewed']);
    expect(supply.get('middle')!.notPassed.size).toBe(0);
  });

  it('camunda:in source/target: the target has what the caller has of the source; a source only a start variable may bring is named with where it enters', () => {
    const review = 'call activity "Review" of process "root"';
    const passes = [{ source: 'amount', target: 'reviewAmount', by: review }, { source: 'invoiceNumber', target: 'invoiceNumber', by: review }];
    const supply = supplyAtEachProcess([
      { ...process('root', ['amount'], ['child']), callInputs: [{ key: 'child', creates: [], passes, narrowedBy: { 'camunda:in': [review] } }] },
      process('child', [], ['grandchild']),
      process('grandchild', []),
    ]);
    for (const key of ['child', 'grandchild']) {
      expect([...supply.get(key)!.variables]).toEqual(['reviewAmount']);
      expect(Object.fromEntries(supply.get(key)!.fromStart)).toEqual({ invoiceNumber: [{ name: 'invoiceNumber', entries: ['root'], renamedBy: [] }] });
    }
    // the call hands back every variable, the target included
    expect([...supply.get('root')!.variables].sort()).toEqual(['amount', 'reviewAmount']);
  });

  it('a callee whose call activities set Camunda 8 propagateAllParentVariables="false" has only their inputs and its own variables, as at run time, and names the call for the others', () => {
    const approve = 'call activity "Approve" of process "root"';
    const supply = supplyAtEachProcess([
      { ...process('root', ['amount', 'orderNo'], ['child']), callInputs: [{ key: 'child', creates: ['approvalAmount'], narrowedBy: { propagateAllParentVariables: [approve] } }] },
      process('child', ['approved'], ['grandchild']),
      process('grandchild', []),
    ]);
    for (const key of ['child', 'grandchild']) {
      const callee = supply.get(key)!;
      expect([...callee.variables].sort()).toEqual(['approvalAmount', 'approved']);
      expect(Object.fromEntries(callee.notPassed)).toEqual({ amount: { propagateAllParentVariables: [approve] }, orderNo: { propagateAllParentVariables: [approve] } });
    }
    // the root's start variables do not get past the call activity
    expect(supply.get('child')!).toMatchObject({ closed: 'narrowed', narrowedBy: { propagateAllParentVariables: [approve] }, entries: [] });
    expect(supply.get('grandchild')!.closed).toBe('callers');
    expect([...supply.get('root')!.variables].sort()).toEqual(['amount', 'approvalAmount', 'approved', 'orderNo']);
  });

  it('call activities narrowed both ways to one callee are named each with what narrows it', () => {
    const review = 'call activity "Review" of process "root"';
    const approve = 'call activity "Approve" of process "root"';
    const supply = supplyAtEachProcess([
      { ...process('root', ['amount'], ['child']), callInputs: [{ key: 'child', creates: [], narrowedBy: { 'camunda:in': [review], propagateAllParentVariables: [approve] } }] },
      process('child', []),
    ]);
    expect(Object.fromEntries(supply.get('child')!.notPassed)).toEqual({ amount: { 'camunda:in': [review], propagateAllParentVariables: [approve] } });
  });

  it('processes only reachable through a call cycle stay open, and the cycle ends', () => {
    const supply = supplyAtEachProcess([process('a', ['x'], ['b']), process('b', ['y'], ['a'])]);
    expect(supply.get('a')!.closed).toBeUndefined();
    expect([...supply.get('b')!.variables].sort()).toEqual(['x', 'y']);
  });
});

describe('what a process supplies to the library (deployed versions, the modeler\'s lint)', () => {
  const REVIEW = 'call activity "Review invoice" of process "invoice-camunda"';
  const definitionsOf = async (file: string) => (await parseBpmn(readFileSync(`${FIXTURES}condition-variables-supplied/${file}`, 'utf8'))).definitions;

  it.each([
    ['Camunda 8', 'valid-decision-result.bpmn'],
    ['Camunda 7', 'valid-decision-result-camunda.bpmn'],
  ])('%s: a business rule task\'s result variable, besides the declared outputs', async (_dialect, file) => {
    const [process] = processSuppliesOf(await definitionsOf(file));
    expect(process.supplies).toEqual(['amount', 'tier']);
  });

  it('a Camunda 8 multi-instance activity\'s outputCollection', async () => {
    const [process] = processSuppliesOf(await definitionsOf('valid-output-collection.bpmn'));
    expect(process.supplies).toEqual(['inStock', 'items', 'stockChecks']);
  });

  it.each([
    ['Camunda 7 camunda:in', 'invalid-narrowed-call-camunda.bpmn', 'invoice-camunda', {
      key: 'review-camunda', creates: [],
      passes: [{ source: 'invoiceNumber', target: 'invoiceNumber', by: REVIEW }, { source: 'amount', target: 'reviewAmount', by: REVIEW }],
      narrowedBy: { 'camunda:in': [REVIEW] },
    }],
    ['Camunda 8 propagateAllParentVariables="false"', 'invalid-parent-narrowed-call.bpmn', 'order',
      { key: 'order-approval', creates: ['approvalAmount'], narrowedBy: { propagateAllParentVariables: ['call activity "Approve order" of process "order"'] } }],
  ])('%s: what the call activity creates in the callee, and that it narrows what the callee gets', async (_dialect, file, caller, callInputs) => {
    const supplies = processSuppliesOf(await definitionsOf(file));
    expect(supplies.find((supply) => supply.key === caller)?.callInputs).toEqual([callInputs]);
  });

  it.each([
    ['Camunda 8 propagateAllChildVariables="false"', 'invalid-outputs-only-call.bpmn', 'change', 'approval'],
    ['Camunda 7 camunda:out', 'invalid-outputs-only-call-camunda.bpmn', 'change-camunda', 'approval-camunda'],
  ])('%s: the callee among the calls handing back only outputs, the outputs among the supplies', async (_dialect, file, caller, callee) => {
    const supplies = processSuppliesOf(await definitionsOf(file));
    expect(supplies.find((supply) => supply.key === caller)).toEqual({
      key: caller, supplies: ['amount', 'changeApproved'], declaresStart: true, calls: [callee], callsHandingBackOutputsOnly: [callee],
      callCatches: [{ calls: callee, label: '"Re-approve"', codes: [] }],
    });
    expect(supplies.find((supply) => supply.key === callee)).not.toHaveProperty('callsHandingBackOutputsOnly');
  });
});
