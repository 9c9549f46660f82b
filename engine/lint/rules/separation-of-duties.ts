// Four eyes is declared on the process: `zeebe:property name="separationOfDuties"`
// lists the ids of the user tasks one person may decide at most one of per
// order. A typo would silently switch the control off for that task, so every
// listed id must be a user task of the same process. One task alone is a
// control too: whoever started the order never decides it, and one person
// decides one iteration of it when it is a multi-instance task. `distinctDeciders` (tasks each decided by another
// person within one instance) is checked the same way; one task is a control there too, since the requester of what
// the instance handles (the change's, or for a special change entered with the order its starter) never decides it.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements, DISTINCT_DECIDERS, distinctDecidersOf, SEPARATION_OF_DUTIES, separatedTasksOf } from '../../bpmn/process-model.js';
import { elementLabel, ElementLabel } from '../element-label.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';

const separationOfDuties: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (!is(node, 'bpmn:Process')) return;
    const lists = [[SEPARATION_OF_DUTIES, separatedTasksOf(node)], [DISTINCT_DECIDERS, distinctDecidersOf(node)]] as const;
    if (lists.every(([, listed]) => listed.length === 0)) return;
    const byId = new Map([...allFlowElements(node)].map((element) => [element.id, element]));
    for (const [property, listed] of lists) {
      for (const id of listed) {
        const element = byId.get(id);
        if (!element) {
          reporter.report(node.id, `${ElementLabel(node)} separates "${id}" (${property}), but it has no element with this id; list the ids of its user tasks`);
        } else if (!is(element, 'bpmn:UserTask')) {
          reporter.report(node.id, `${ElementLabel(node)} separates ${elementLabel(element)} (${property}), which is not a user task; only user tasks are decided by people`);
        }
      }
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#separation-of-duties-error' } } };
};

export default separationOfDuties;
