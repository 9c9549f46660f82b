// What the task list tells a person whose groups are only server roles (no-task-role.ts, from GET /api/me's
// `roles` and `taskGroups`): why no task is theirs, and where their own work is.
import { describe, expect, it } from 'vitest';
import { noTaskRole } from '../../../modeler/src/tasklist/no-task-role.js';

describe('noTaskRole', () => {
  it('sends an operator to the modeler\'s Incidents tab', () => {
    expect(noTaskRole({ roles: ['operations'], taskGroups: [] })).toEqual({
      sentence: 'You are in no approvers\' group (operations is a server role), so no task is offered to you here. Your work is the incidents of failed orders, in the modeler\'s Incidents tab.',
      link: { href: './#incidents', text: 'Open the Incidents tab' },
    });
  });

  it('sends an operator who also designs to the Incidents tab, naming both roles', () => {
    expect(noTaskRole({ roles: ['designer', 'operations'], taskGroups: [] })).toEqual({
      sentence: 'You are in no approvers\' group (designer, operations are server roles), so no task is offered to you here. Your work is the incidents of failed orders, in the modeler\'s Incidents tab.',
      link: { href: './#incidents', text: 'Open the Incidents tab' },
    });
  });

  it('sends a designer to the modeler', () => {
    expect(noTaskRole({ roles: ['designer'], taskGroups: [] })?.link).toEqual({ href: './', text: 'Open the modeler' });
  });

  it('tells a system account or a person in no group how to get tasks, with no link', () => {
    expect(noTaskRole({ roles: ['integration'], taskGroups: [] })).toEqual({
      sentence: 'You are in no approvers\' group (integration is a server role), so no task is offered to you here. If you should decide tasks, ask whoever keeps the server\'s users to add you to an approvers\' group.',
      link: null,
    });
    expect(noTaskRole({ roles: [], taskGroups: [] })?.sentence).toMatch(/^You are in no group, so no task is offered to you here\. /);
  });

  it('takes the server\'s word for what a server role is, keeping no list of its own', () => {
    // a role the server names that the page has no sentence for is still a role, not a task group
    expect(noTaskRole({ roles: ['auditing'], taskGroups: [] })?.sentence).toMatch(/^You are in no approvers' group \(auditing is a server role\)/);
    // and a group the server offers tasks to is one, whatever its name
    expect(noTaskRole({ roles: [], taskGroups: ['operations-approvers'] })).toBeNull();
  });

  it('says nothing to anyone in a group tasks may be offered to, the admin with every group too', () => {
    expect(noTaskRole({ roles: [], taskGroups: ['vice-president'] })).toBeNull();
    expect(noTaskRole({ roles: [], taskGroups: ['task-users'] })).toBeNull();
    expect(noTaskRole({ roles: ['designer', 'integration', 'operations'], taskGroups: ['sales-director'] })).toBeNull();
  });
});
