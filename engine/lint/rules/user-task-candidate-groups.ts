// Stratum offers a user task to groups: approvers query open tasks by candidate
// group and may complete a task only when they are in one of its groups. A user
// task without candidate groups could never be completed, so it is refused.
// The runtime offers manual tasks the same way, so they need groups too;
// an assignee or candidate users alone do not help (Stratum has no per-user
// task routing). Groups must be names, not a FEEL expression computed at run time.
import type { ModdleElement } from 'bpmn-moddle';
import { describeElement, extensionValues } from '../../bpmn/process-model.js';
import { ElementLabel } from '../element-label.js';
import { is, isAny, type Reporter, type RuleFactory } from '../rule-api.js';

const userTaskCandidateGroups: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (!isAny(node, ['bpmn:UserTask', 'bpmn:ManualTask'])) return;

    const groups = describeElement(node).candidateGroups ?? [];
    if (groups.length === 0) {
      const hint = assigneeOf(node)
        ? ' (an assignee alone is not enough: Stratum offers tasks to groups)'
        : is(node, 'bpmn:ManualTask')
          ? ' (Stratum offers manual tasks to groups like user tasks; a user task is clearer)'
          : '';
      reporter.report(
        node.id,
        `${ElementLabel(node)} has no candidate groups${hint}; name the groups that may complete it, ` +
          'e.g. <zeebe:assignmentDefinition candidateGroups="sales-director" /> or camunda:candidateGroups',
      );
      return;
    }
    const computed = groups.find((group) => group.startsWith('='));
    if (computed) {
      reporter.report(
        node.id,
        `${ElementLabel(node)} computes its candidate groups ("${computed}"); list the group names, e.g. candidateGroups="procurement, production" or =["procurement","production"]`,
      );
    }
  }

  return { check };
};

export default userTaskCandidateGroups;

// helpers

function assigneeOf(node: ModdleElement): string | undefined {
  const zeebe = extensionValues(node, 'zeebe:AssignmentDefinition')[0];
  return zeebe?.assignee || zeebe?.candidateUsers || node.assignee || node.candidateUsers || undefined;
}
