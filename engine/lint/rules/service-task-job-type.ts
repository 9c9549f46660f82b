// Stratum runs service, send and business-rule tasks as external jobs: a worker
// fetches and locks jobs of a type and completes them. Without a job type no
// worker could ever find the job and the instance would wait forever.
// A job type may be computed (`="plan-" + region`, as in Camunda 8); its FEEL is
// checked by feel-condition-syntax. Tasks that call Java (no-javascript) or a DMN decision (supported-elements)
// are refused by those rules and skipped here.
import type { ModdleElement } from 'bpmn-moddle';
import { describeElement, extensionValues } from '../../bpmn/process-model.js';
import { elementLabel } from '../element-label.js';
import { isAny, type Reporter, type RuleFactory } from '../rule-api.js';

const JOB_TASKS = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'];

const serviceTaskJobType: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (!isAny(node, JOB_TASKS) || refusedElsewhere(node)) return;

    const jobType = describeElement(node).jobType?.trim();
    if (!jobType) {
      const camundaHint = node.type === 'external' ? ' (camunda:type="external" needs a camunda:topic)' : '';
      reporter.report(
        node.id,
        `Stratum runs service tasks as external jobs; give ${elementLabel(node)} a job type${camundaHint}: ` +
          '<zeebe:taskDefinition type="…" /> or camunda:type="external" camunda:topic="…"',
      );
    }
  }

  return { check };
};

export default serviceTaskJobType;

// helpers

function refusedElsewhere(node: ModdleElement): boolean {
  const java = ['class', 'delegateExpression', 'expression'].some((attribute) => node.get(attribute) ?? node.$attrs?.[`camunda:${attribute}`]);
  const connector = extensionValues(node, 'camunda:Connector').length > 0;
  const decision = extensionValues(node, 'zeebe:CalledDecision').length > 0 || Boolean(node.decisionRef);
  return java || connector || decision;
}
