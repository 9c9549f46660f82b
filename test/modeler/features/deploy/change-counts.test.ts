import { describe, expect, it } from 'vitest';
import { changeCounts } from '../../../../modeler/src/features/deploy/change-counts.js';
import { conditionsHeading } from '../../../../modeler/src/features/diff/ComparisonList.js';
import type { VersionComparison } from '../../../../modeler/src/features/diff/VersionDiff.js';

const condition = { flowId: 'Flow_Above', label: 'above 500,000', oldCondition: null, newCondition: '=reportingAmount > 500000' };
const task = { id: 'Task_Review', type: 'UserTask', name: 'Vice-president review' };

describe('the deploy dialog\'s line over a process\'s changes', () => {
  it('counts a new process\'s conditions among its added elements: nothing of a new process changed', () => {
    const comparison = { added: [task, { id: 'Flow_Above', type: 'SequenceFlow' }], removed: [], changed: [], layoutChanged: [], conditions: [condition] } as unknown as VersionComparison;
    expect(changeCounts(comparison, true)).toBe('2 added, 1 of them with a condition');
    expect(conditionsHeading(true)).toBe('Conditions');
  });

  it('counts changed conditions of a deployed process first, as before', () => {
    const comparison = { added: [task], removed: [], changed: [], layoutChanged: [], conditions: [{ ...condition, oldCondition: '=reportingAmount > 1000000' }] } as unknown as VersionComparison;
    expect(changeCounts(comparison, false)).toBe('1 condition(s) changed, 1 added');
    expect(conditionsHeading(false)).toBe('Changed conditions');
  });
});
