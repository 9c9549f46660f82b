import { describe, expect, it } from 'vitest';
import { changeCounts } from '../../../../modeler/src/features/deploy/change-counts.js';
import { conditionsHeading } from '../../../../modeler/src/features/diff/ComparisonList.js';
import type { VersionComparison } from '../../../../modeler/src/features/diff/VersionDiff.js';

const condition = { flowId: 'Flow_Above', label: 'above 500,000', oldCondition: null, newCondition: '=reportingAmount > 500000' };
const task = { id: 'Task_Review', type: 'UserTask', name: 'Vice-president review' };
const flow = { id: 'Flow_Above', type: 'SequenceFlow', name: null };

describe('the deploy dialog\'s line over a process\'s changes', () => {
  it('counts a new process\'s conditions among its added elements: nothing of a new process changed', () => {
    const comparison = { added: [task, flow], removed: [], changed: [], layoutChanged: [], conditions: [condition] } as unknown as VersionComparison;
    expect(changeCounts(comparison, true)).toBe('2 added, 1 of them with a condition');
    expect(conditionsHeading(true)).toBe('Conditions');
  });

  it('counts a flow whose condition alone changed among the changed elements, as a condition', () => {
    const comparison = { added: [task], removed: [], changed: [], layoutChanged: [], conditions: [{ ...condition, oldCondition: '=reportingAmount > 1000000' }] } as unknown as VersionComparison;
    expect(changeCounts(comparison, false)).toBe('1 added, 1 changed, 1 of them a condition');
    expect(conditionsHeading(false)).toBe('Changed conditions');
  });

  it('counts a re-conditioned flow the diff also lists as changed once: 2 changed, 1 of them a condition, not 1 condition and 2 changed', () => {
    const comparison = {
      added: [], removed: [], layoutChanged: [],
      changed: [{ ...flow, attributes: [{ name: 'name', oldValue: '—', newValue: 'yes' }] }, { ...task, attributes: [{ name: 'name', oldValue: 'Review', newValue: 'Vice-president review' }] }],
      conditions: [{ ...condition, oldCondition: '=reportingAmount > 1000000' }],
    } as unknown as VersionComparison;
    expect(changeCounts(comparison, false)).toBe('2 changed, 1 of them a condition');
  });

  it('counts a flow added with a condition to a deployed process among the added, and a removed one among the removed', () => {
    const removedFlow = { id: 'Flow_Old', type: 'SequenceFlow', name: null };
    const comparison = {
      added: [task, flow], removed: [removedFlow], changed: [], layoutChanged: [],
      conditions: [condition, { ...condition, flowId: 'Flow_Old', oldCondition: '=amount > 1', newCondition: null }],
    } as unknown as VersionComparison;
    expect(changeCounts(comparison, false)).toBe('2 added, 1 of them with a condition, 1 removed, 1 of them with a condition');
  });
});
