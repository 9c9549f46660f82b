// A user task is offered to its candidate groups; a group no user is in is
// almost always a typo, and a task offered only to such groups would wait for
// ever. Config `{ knownGroups }`: the groups that have at least one member
// (from the server's users file, or `stratum validate --users`); without it
// nothing is checked. The severity is the caller's: an error where the users
// file is the real one, a warning in demo mode. Computed groups (`=…`) are
// user-task-candidate-groups' finding.
import type { ModdleElement } from 'bpmn-moddle';
import { describeElement } from '../../bpmn/process-model.js';
import { ElementLabel } from '../element-label.js';
import { isAny, type Reporter, type RuleFactory } from '../rule-api.js';

interface CandidateGroupMembersConfig {
  /** Groups with at least one member. */
  knownGroups?: string[];
}

const candidateGroupMembers: RuleFactory = (config?: CandidateGroupMembersConfig) => {
  const known = Array.isArray(config?.knownGroups) ? new Set(config.knownGroups) : undefined;

  function check(node: ModdleElement, reporter: Reporter) {
    if (!known || !isAny(node, ['bpmn:UserTask', 'bpmn:ManualTask'])) return;
    const groups = (describeElement(node).candidateGroups ?? []).filter((group) => !group.startsWith('='));
    const empty = groups.filter((group) => !known.has(group));
    if (empty.length === 0) return;
    const staffed = groups.filter((group) => known.has(group));
    const consequence = staffed.length
      ? `only members of ${quoteList(staffed)} can complete it`
      : 'nobody could complete it';
    for (const group of empty) {
      reporter.report(
        node.id,
        `${ElementLabel(node)} is offered to candidate group "${group}", which no user is in, so ${consequence}; ` +
          'correct the group name, or give the group members in the users file (STRATUM_USERS)',
      );
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#candidate-group-members-error-or-warning' } } };
};

export default candidateGroupMembers;

// helpers

function quoteList(names: string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
