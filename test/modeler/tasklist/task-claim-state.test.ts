// Who holds a task, as the task list shows it beside Assign to me / Unassign (task-claim-state.ts).
import { describe, expect, it } from 'vitest';
import { claimState } from '../../../modeler/src/tasklist/task-claim-state.js';

describe('claimState', () => {
  it('offers Assign to me on a task nobody holds', () => {
    expect(claimState({ assignee: null, claimedBy: null }, 'dirk')).toEqual({ words: 'Unassigned', action: 'claim', mine: false, claimedByOther: null });
  });

  it('offers Unassign on the user\'s own claim, and marks the task as theirs', () => {
    expect(claimState({ assignee: null, claimedBy: 'dirk' }, 'dirk')).toEqual({ words: 'Assigned to you', action: 'unclaim', mine: true, claimedByOther: null });
  });

  it('names whoever else claimed it, offers nothing, and says the user cannot decide it', () => {
    expect(claimState({ assignee: null, claimedBy: 'dana' }, 'dirk')).toEqual({ words: 'Assigned to dana', action: null, mine: false, claimedByOther: 'dana' });
  });

  it('shows the diagram\'s assignee as it is: nothing to claim or unclaim, and candidates may still decide', () => {
    expect(claimState({ assignee: 'dirk', claimedBy: null }, 'dirk')).toEqual({ words: 'Assigned to you', action: null, mine: true, claimedByOther: null });
    expect(claimState({ assignee: 'anna', claimedBy: null }, 'dirk')).toEqual({ words: 'Assigned to anna', action: null, mine: false, claimedByOther: null });
  });
});
