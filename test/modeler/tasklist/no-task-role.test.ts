// What the task list tells a person whose groups are only server roles (no-task-role.ts): why no task is theirs,
// and where their own work is.
import { describe, expect, it } from 'vitest';
import { noTaskRole } from '../../../modeler/src/tasklist/no-task-role.js';

describe('noTaskRole', () => {
  it('sends an operator to the modeler\'s Incidents tab', () => {
    expect(noTaskRole(['operations'])).toEqual({
      sentence: 'You are in no approvers\' group (operations is a server role), so no task is offered to you here. Your work is the incidents of failed orders, in the modeler\'s Incidents tab.',
      link: { href: './#incidents', text: 'Open the Incidents tab' },
    });
  });

  it('sends an operator who also designs to the Incidents tab, naming both roles', () => {
    expect(noTaskRole(['designer', 'operations'])).toEqual({
      sentence: 'You are in no approvers\' group (designer, operations are server roles), so no task is offered to you here. Your work is the incidents of failed orders, in the modeler\'s Incidents tab.',
      link: { href: './#incidents', text: 'Open the Incidents tab' },
    });
  });

  it('sends a designer to the modeler', () => {
    expect(noTaskRole(['designer'])?.link).toEqual({ href: './', text: 'Open the modeler' });
  });

  it('tells a system account or a person in no group how to get tasks, with no link', () => {
    expect(noTaskRole(['integration'])).toEqual({
      sentence: 'You are in no approvers\' group (integration is a server role), so no task is offered to you here. If you should decide tasks, ask whoever keeps the server\'s users to add you to an approvers\' group.',
      link: null,
    });
    expect(noTaskRole([])?.sentence).toMatch(/^You are in no group, so no task is offered to you here\. /);
  });

  it('says nothing to anyone in a group tasks may be offered to, the admin with every group too', () => {
    expect(noTaskRole(['vice-president'])).toBeNull();
    expect(noTaskRole(['task-users'])).toBeNull();
    expect(noTaskRole(['designer', 'integration', 'operations', 'sales-director'])).toBeNull();
  });
});
