import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSemanticallyEmpty } from '../../../../modeler/src/features/diff/ComparisonList.js';
import { withServerProperties } from '../../../../modeler/src/features/diff/server-properties.js';
import { compareVersions, itemLabel, type VersionComparison } from '../../../../modeler/src/features/diff/VersionDiff.js';
import { CLAIM_HANDLING, DIFF_CASES } from '../../../support/diff-cases.js';

const v1 = readFileSync(join(import.meta.dirname, '../../../../diagrams/credit-order-approval.bpmn'), 'utf8');

describe('comparing two versions', () => {
  it('lists a changed condition as text, old and new', async () => {
    const v2 = v1.replace('=reportingAmount &gt; 1000000</bpmn:conditionExpression>', '=reportingAmount &gt;= 1000000</bpmn:conditionExpression>');
    const comparison = await compareVersions(v1, v2);
    expect(comparison.conditions).toEqual([
      { flowId: 'Flow_AmountTier_Above1000000', label: 'more than 1,000,000', oldCondition: '=reportingAmount > 1000000', newCondition: '=reportingAmount >= 1000000' },
    ]);
    expect(comparison.added).toEqual([]);
    expect(comparison.removed).toEqual([]);
  });

  it('names renamed elements as changed, with the attribute', async () => {
    const v2 = v1.replace('name="Approve order (sales director)"', 'name="Approve order (director)"');
    const comparison = await compareVersions(v1, v2);
    const task = comparison.changed.find((item) => item.id === 'UserTask_ApproveBySalesDirector');
    expect(task?.attributes).toContainEqual({ name: 'name', oldValue: 'Approve order (sales director)', newValue: 'Approve order (director)' });
  });

  it('names a re-routed flow\'s old and new target by their ids, not by the differ\'s reference notation', async () => {
    const v2 = v1.replace(/(<bpmn:sequenceFlow id="Flow_AmountTier_UpTo500000"[^>]*targetRef=")[^"]+"/, '$1UserTask_ApproveBySalesDirector"');
    const comparison = await compareVersions(v1, v2);
    const flow = comparison.changed.find((item) => item.id === 'Flow_AmountTier_UpTo500000');
    expect(flow?.attributes).toContainEqual({ name: 'targetRef', oldValue: 'IntermediateThrowEvent_ApproveAutomatically', newValue: 'UserTask_ApproveBySalesDirector' });
  });

  it('finds added and removed elements', async () => {
    const v2 = v1.replace('<bpmn:endEvent id="EndEvent_ApprovedAutomatically"', '<bpmn:task id="Task_CheckCreditLimit" name="Check credit limit" />\n    <bpmn:endEvent id="EndEvent_ApprovedAutomatically"');
    expect((await compareVersions(v1, v2)).added).toEqual([{ id: 'Task_CheckCreditLimit', type: 'Task', name: 'Check credit limit' }]);
    expect((await compareVersions(v2, v1)).removed).toEqual([{ id: 'Task_CheckCreditLimit', type: 'Task', name: 'Check credit limit' }]);
  });

  it('reports nothing for the same XML', async () => {
    const comparison = await compareVersions(v1, v1);
    expect([comparison.added, comparison.removed, comparison.changed, comparison.conditions]).toEqual([[], [], [], []]);
  });

  it('names an unnamed flow by its condition or by where it leads, its type and id only as secondary text', async () => {
    const flows = `<bpmn:sequenceFlow id="Flow_0abc12" sourceRef="Gateway_AmountTier" targetRef="UserTask_ApproveBySalesDirector" />
    <bpmn:sequenceFlow id="Flow_1big" sourceRef="Gateway_AmountTier" targetRef="UserTask_ApproveBySalesDirector"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=amount &gt; 1000000</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="EndEvent_ApprovedAutomatically"`;
    const v2 = v1.replace('<bpmn:endEvent id="EndEvent_ApprovedAutomatically"', flows);
    const comparison = await compareVersions(v1, v2);
    const added = new Map(comparison.added.map((item) => [item.id, itemLabel(item)]));
    expect(added.get('Flow_0abc12')).toBe('from Amount tier? to Approve order (sales director) (SequenceFlow Flow_0abc12)');
    expect(added.get('Flow_1big')).toBe('=amount > 1000000 (SequenceFlow Flow_1big)');
    // beside its condition, old → new, a flow is named by where it leads
    expect(comparison.conditions.find((change) => change.flowId === 'Flow_1big')?.label).toBe('from Amount tier? to Approve order (sales director)');
  });
});

describe('comparing two versions of a diagram with ids in any script', () => {
  const vendor = readFileSync(join(import.meta.dirname, '../../fixtures/non-ascii-ids.bpmn'), 'utf8');

  it('names what changed by the file\'s ids, never moddle\'s aliases', async () => {
    const v2 = vendor
      .replace('=betrag &gt; 1000</bpmn:conditionExpression>', '=betrag &gt; 5000</bpmn:conditionExpression>')
      .replace('name="Betrag erfassen"', 'name="Betrag prüfen"')
      .replace('<bpmn:endEvent id="終了" name="終了" />', '<bpmn:task id="記帳" name="記帳する" />\n    <bpmn:endEvent id="終了" name="終了" />');
    const comparison = await compareVersions(vendor, v2);
    expect(comparison.conditions).toEqual([{ flowId: 'Fluss_groß', label: 'groß', oldCondition: '=betrag > 1000', newCondition: '=betrag > 5000' }]);
    expect(comparison.changed.find((item) => item.id === 'مهمة_1')?.attributes).toContainEqual({ name: 'name', oldValue: 'Betrag erfassen', newValue: 'Betrag prüfen' });
    expect(comparison.added).toEqual([{ id: '記帳', type: 'Task', name: '記帳する' }]);
    expect(JSON.stringify(comparison)).not.toMatch(/_x[0-9A-F]{4}_/);
  });

  it('names a re-routed flow\'s ends by the file\'s ids', async () => {
    const v2 = vendor.replace('<bpmn:sequenceFlow id="Fluss_klein" name="klein" sourceRef="Größe" targetRef="Ende_klein" />', '<bpmn:sequenceFlow id="Fluss_klein" name="klein" sourceRef="Größe" targetRef="Ende_groß" />');
    const flow = (await compareVersions(vendor, v2)).changed.find((item) => item.id === 'Fluss_klein');
    expect(flow?.attributes).toContainEqual({ name: 'targetRef', oldValue: 'Ende_klein', newValue: 'Ende_groß' });
  });
});

describe('comparing two versions of one process of a file with several', () => {
  const vendor = readFileSync(join(import.meta.dirname, '../../fixtures/non-ascii-ids.bpmn'), 'utf8');
  // Prüfen's task renamed and condition moved; 確認_1's task renamed
  const v2 = vendor
    .replace('name="Betrag erfassen"', 'name="Betrag prüfen"')
    .replace('=betrag &gt; 1000</bpmn:conditionExpression>', '=betrag &gt; 5000</bpmn:conditionExpression>')
    .replace('name="承認する"', 'name="承認を記録する"');
  const ids = (comparison: VersionComparison) => [...comparison.changed, ...comparison.added, ...comparison.removed, ...comparison.layoutChanged].map((item) => item.id);

  it('lists that process\'s changes only', async () => {
    const kakunin = await compareVersions(vendor, v2, '確認_1');
    expect(ids(kakunin)).toEqual(['承認']);
    expect(kakunin.conditions).toEqual([]);
    const pruefen = await compareVersions(vendor, v2, 'Prüfen');
    expect(ids(pruefen)).toEqual(['مهمة_1']);
    expect(pruefen.conditions.map((condition) => condition.flowId)).toEqual(['Fluss_groß']);
  });

  // two pools and a third process: a message flow belongs to the processes it connects, the collaboration to none
  const pools = (names: { order: string; ship: string; bill: string; pool: string; toShipping: string; toBilling: string }) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="Collaboration_1" name="${names.pool}">
    <bpmn:participant id="Pool_Order" name="Order" processRef="order" />
    <bpmn:participant id="Pool_Shipping" name="Shipping" processRef="shipping" />
    <bpmn:participant id="Pool_Billing" name="Billing" processRef="billing" />
    <bpmn:messageFlow id="Message_ToShipping" name="${names.toShipping}" sourceRef="Task_Order" targetRef="Pool_Shipping" />
    <bpmn:messageFlow id="Message_ToBilling" name="${names.toBilling}" sourceRef="Task_Ship" targetRef="Task_Bill" />
  </bpmn:collaboration>
  <bpmn:process id="order" isExecutable="true"><bpmn:task id="Task_Order" name="${names.order}" /></bpmn:process>
  <bpmn:process id="shipping" isExecutable="true"><bpmn:task id="Task_Ship" name="${names.ship}" /></bpmn:process>
  <bpmn:process id="billing" isExecutable="true"><bpmn:task id="Task_Bill" name="${names.bill}" /></bpmn:process>
</bpmn:definitions>`;
  const before = pools({ order: 'Take order', ship: 'Ship', bill: 'Bill', pool: 'Sales', toShipping: 'order', toBilling: 'shipped' });

  it('keeps a message flow with the processes it connects, and the collaboration with none of them', async () => {
    const after = pools({ order: 'Take order', ship: 'Ship', bill: 'Send bill', pool: 'Sales and shipping', toShipping: 'order taken', toBilling: 'goods shipped' });
    expect(ids(await compareVersions(before, after, 'order'))).toEqual(['Message_ToShipping']);
    expect(ids(await compareVersions(before, after, 'shipping')).sort()).toEqual(['Message_ToBilling', 'Message_ToShipping']);
    expect(ids(await compareVersions(before, after, 'billing')).sort()).toEqual(['Message_ToBilling', 'Task_Bill']);
    // without a process, the whole file (the collaboration too)
    expect(ids(await compareVersions(before, after))).toEqual(expect.arrayContaining(['Collaboration_1', 'Task_Bill', 'Message_ToShipping']));
  });

  it('lists a pool\'s change with the process it shows', async () => {
    const after = before.replace('name="Shipping"', 'name="Dispatch"');
    expect(ids(await compareVersions(before, after, 'shipping'))).toEqual(['Pool_Shipping']);
    expect(ids(await compareVersions(before, after, 'order'))).toEqual([]);
  });
});

describe('comparing two versions that change more than flow elements (without the server)', () => {
  const sorted = (items: { elementId: string; property: string }[]) => [...items].sort((a, b) => `${a.elementId} ${a.property}`.localeCompare(`${b.elementId} ${b.property}`));

  it.each(DIFF_CASES.map((diffCase) => [diffCase.label, diffCase] as const))('names %s on every element it touches', async (_label, { before, after, expected }) => {
    const comparison = await compareVersions(before, after, 'claim-handling');
    const named = comparison.changed.flatMap((item) => (item.attributes ?? []).map((attribute) => ({
      elementId: item.id, property: attribute.name, before: attribute.oldValue, after: attribute.newValue,
    })));
    // the History lists "—" for a property an element does not have
    expect(sorted(named)).toEqual(sorted(expected.map((property) => ({ ...property, before: property.before ?? '—', after: property.after ?? '—' }))));
    expect(isSemanticallyEmpty(comparison)).toBe(false);
  });

  it('keeps what the differ names beside what changed inside the element', async () => {
    const after = CLAIM_HANDLING.replace('name="Assess claim"', 'name="Assess the claim"').replace('type="assess-claim"', 'type="assess-claim-v2"');
    const comparison = await compareVersions(CLAIM_HANDLING, after, 'claim-handling');
    expect(comparison.changed.find((item) => item.id === 'ServiceTask_Assess')?.attributes).toEqual([
      { name: 'name', oldValue: 'Assess claim', newValue: 'Assess the claim' },
      { name: 'job type', oldValue: 'assess-claim', newValue: 'assess-claim-v2' },
    ]);
  });
});

describe('the server\'s diff beside the differ\'s', () => {
  it('adds what the server names inside an element to what the differ named, each property once', () => {
    const comparison: VersionComparison = {
      added: [], removed: [], layoutChanged: [], conditions: [],
      changed: [{ id: 'ServiceTask_Assess', type: 'ServiceTask', name: 'Assess the claim', attributes: [{ name: 'name', oldValue: 'Assess claim', newValue: 'Assess the claim' }] }],
    };
    const merged = withServerProperties(comparison, {
      key: 'claim-handling', process: [], unchanged: false,
      elements: [
        { elementId: 'ServiceTask_Assess', type: 'bpmn:ServiceTask', name: 'Assess the claim', change: 'changed', properties: [
          { property: 'name', before: 'Assess claim', after: 'Assess the claim' },
          { property: 'job type', before: 'assess-claim', after: 'assess-claim-v2' },
        ] },
        { elementId: 'IntermediateCatchEvent_Documents', type: 'bpmn:IntermediateCatchEvent', name: 'Documents received', change: 'changed', properties: [
          { property: 'correlation key', before: '=claimNo', after: null },
        ] },
      ],
    });
    expect(merged.changed).toEqual([
      { id: 'ServiceTask_Assess', type: 'ServiceTask', name: 'Assess the claim', attributes: [
        { name: 'name', oldValue: 'Assess claim', newValue: 'Assess the claim' },
        { name: 'job type', oldValue: 'assess-claim', newValue: 'assess-claim-v2' },
      ] },
      { id: 'IntermediateCatchEvent_Documents', type: 'IntermediateCatchEvent', name: 'Documents received', attributes: [{ name: 'correlation key', oldValue: '=claimNo', newValue: '—' }] },
    ]);
  });
});
