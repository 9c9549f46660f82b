// A held wait's line on a wait card and in the Instances tab says what holds it, as the server's `held` does: an
// open order change, a failed instance, or a failed caller, with the incident to retry; a wait nobody holds reads as before.
import { describe, expect, it } from 'vitest';
import type { WaitingElement } from '../../../../engine/api.js';
import { describeWait } from '../../../../modeler/src/features/instances/InstanceHighlighter.js';

const planning = (held: WaitingElement['held']): WaitingElement => ({
  instanceId: 'child-1', processKey: 'sales-order-management', elementId: 'ServiceTask_PlanProduction', name: 'Plan production', type: 'job',
  jobType: 'production-planning', held,
});

describe('a wait line', () => {
  it('says nothing of a hold when nothing holds the wait', () => {
    expect(describeWait(planning(null))).toBe('Plan production: job production-planning');
  });

  it('names the open order change that holds a planning job', () => {
    expect(describeWait(planning({ reason: 'order-change-open', changeId: 'OC-7' }))).toBe('Plan production: job production-planning — held: order change OC-7 open');
  });

  it('names the failed instance and its incident (a job out of retries fails its instance)', () => {
    expect(describeWait(planning({ reason: 'instance-failed', instanceId: 'child-1', incidentId: 'INC-3' })))
      .toBe('Plan production: job production-planning — held: instance failed (incident INC-3)');
  });

  it('names the failed caller of a task and its incident', () => {
    const task: WaitingElement = {
      instanceId: 'grandchild-1', processKey: 'credit-order-approval', elementId: 'UserTask_Director', name: 'Director approval', type: 'task',
      candidateGroups: ['sales-director'], held: { reason: 'caller-failed', instanceId: 'child-1', incidentId: 'INC-4' },
    };
    expect(describeWait(task)).toBe('Director approval: task for sales-director — held: calling instance child-1 failed (incident INC-4)');
  });
});
