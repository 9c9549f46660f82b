// Who may work a user or manual task, as Camunda assigns it: an assignee,
// candidate users or candidate groups (names, or an expression evaluated when
// the task is created; engine/runtime/task-assignment.ts). A task with none of
// them is offered to the default task group (STRATUM_DEFAULT_TASK_GROUP): a
// warning, so a Camunda diagram deploys. The shipped library follows Stratum's
// house rules (../house-rules.ts: its namespace, order entry, or a deployed
// library key; config `{ houseRules: true }` forces them): there every task
// names its candidate groups, as names, so levels and four eyes can be read
// from the diagram, and anything else is an error.
import type { ModdleElement } from 'bpmn-moddle';
import { callsMethod } from '../../bpmn/camunda7-jobs.js';
import { describeElement } from '../../bpmn/process-model.js';
import { ElementLabel } from '../element-label.js';
import { followsHouseRules, type HouseRulesConfig } from '../house-rules.js';
import { is, isAny, type Reporter, type RuleFactory } from '../rule-api.js';

const userTaskCandidateGroups: RuleFactory = (config?: HouseRulesConfig) => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (!isAny(node, ['bpmn:UserTask', 'bpmn:ManualTask'])) return;
    const requireGroups = followsHouseRules(node, config);

    const info = describeElement(node);
    // an expression calling a bean's method assigns nobody: Stratum runs no code to evaluate it
    const methodCalls = [info.assignee ?? '', ...(info.candidateUsers ?? []), ...(info.candidateGroups ?? [])].filter(callsMethod);
    for (const call of methodCalls) {
      reporter.report(
        node.id,
        `${ElementLabel(node)} is assigned by "${call}", which calls a method Stratum cannot run; it assigns nobody` +
          (requireGroups ? '. Name the groups that may complete the task' : ', so unless the task is assigned otherwise it is offered to the default task group (STRATUM_DEFAULT_TASK_GROUP)'),
        ...(requireGroups ? [] : [{ severity: 'warn' }]),
      );
    }
    const groups = (info.candidateGroups ?? []).filter((group) => !callsMethod(group));
    const users = (info.assignee !== undefined && !callsMethod(info.assignee)) || (info.candidateUsers ?? []).some((user) => !callsMethod(user));
    if (methodCalls.length > 0 && groups.length === 0 && !users) return;
    if (groups.length === 0) {
      if (users && !requireGroups) return;
      const hint = users
        ? ' (an assignee or candidate users alone are not enough in the shipped library: it offers tasks to groups)'
        : is(node, 'bpmn:ManualTask')
          ? ' (Stratum offers manual tasks to groups like user tasks; a user task is clearer)'
          : '';
      const fallback = requireGroups ? '' : '; until then it is offered to the default task group (STRATUM_DEFAULT_TASK_GROUP)';
      reporter.report(
        node.id,
        `${ElementLabel(node)} has no candidate groups${hint}; name the groups that may complete it, ` +
          `e.g. <zeebe:assignmentDefinition candidateGroups="sales-director" /> or camunda:candidateGroups${fallback}`,
        ...(requireGroups ? [] : [{ severity: 'warn' }]),
      );
      return;
    }
    const computed = groups.find((group) => /^(=|[$#]\{)/.test(group));
    if (computed && requireGroups) {
      reporter.report(
        node.id,
        `${ElementLabel(node)} computes its candidate groups ("${computed}"); list the group names, e.g. candidateGroups="procurement, production" or =["procurement","production"]`,
      );
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#user-task-candidate-groups-error-for-the-library-warning-elsewhere' } } };
};

export default userTaskCandidateGroups;
