// A Camunda 7 business rule task that calls a decision maps the decision's
// result into camunda:resultVariable as camunda:mapDecisionResult says:
// singleEntry, singleResult, collectEntries or resultList (the default when the
// attribute is absent). Camunda 7 refuses to deploy any other value, "" included
// ("No decision result mapper found for name …"), and Stratum's runtime would
// fail the task when it runs (decision-call.ts reads the call for both, so they
// agree). The mapping of a task that calls no decision is never read.
import type { ModdleElement } from 'bpmn-moddle';
import { DECISION_RESULT_MAPPINGS } from '../../dmn/camunda7-result.js';
import { declaredDecisionCall } from '../business-rule-task.js';
import { ElementLabel } from '../element-label.js';
import type { Reporter, RuleFactory } from '../rule-api.js';

const decisionResultMapping: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    const unknown = declaredDecisionCall(node)?.unknownMapping;
    if (unknown === undefined) return;
    reporter.report(
      node.id,
      `${ElementLabel(node)} maps its decision's result as camunda:mapDecisionResult="${unknown}", which Camunda 7 does not know: ` +
        `Camunda 7 refuses to deploy it, and Stratum would fail the task. Use ${knownMappings()} (the default, also when the attribute is left out)`,
      ['mapDecisionResult'],
    );
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#decision-result-mapping-error' } } };
};

export default decisionResultMapping;

// helpers

/** `singleEntry, singleResult, collectEntries or resultList`. */
function knownMappings(): string {
  return `${DECISION_RESULT_MAPPINGS.slice(0, -1).join(', ')} or ${DECISION_RESULT_MAPPINGS[DECISION_RESULT_MAPPINGS.length - 1]}`;
}
