// What the task list tells a person none of whose groups is ever offered a task (an operator, a designer, a
// system account): why the list is empty, and where their own work is, instead of an empty list and no word.

export interface NoTaskRole {
  sentence: string;
  /** Where their work is, in the modeler (relative to /tasks). */
  link: { href: string; text: string } | null;
}

/**
 * Null when the user has a task group (tasks may be offered to it); else why no task is theirs, and where to go.
 * `me` is GET /api/me's answer: `roles` its server-role groups, `taskGroups` the others (the server keeps the list).
 */
export function noTaskRole(me: { roles: readonly string[]; taskGroups: readonly string[] }): NoTaskRole | null {
  if (me.taskGroups.length) return null;
  const groups = me.roles;
  const why = groups.length
    ? `You are in no approvers' group (${groups.join(', ')} ${groups.length === 1 ? 'is a server role' : 'are server roles'}), so no task is offered to you here.`
    : 'You are in no group, so no task is offered to you here.';
  if (groups.includes('operations')) {
    return { sentence: `${why} Your work is the incidents of failed orders, in the modeler's Incidents tab.`, link: { href: './#incidents', text: 'Open the Incidents tab' } };
  }
  if (groups.includes('designer')) {
    return { sentence: `${why} Your work is the process library, in the modeler.`, link: { href: './', text: 'Open the modeler' } };
  }
  return { sentence: `${why} If you should decide tasks, ask whoever keeps the server's users to add you to an approvers' group.`, link: null };
}
