// Stratum runs service, send and business-rule tasks as external jobs: a worker
// fetches and locks jobs of a type and completes them. Without a job type no
// worker could ever find the job and the instance would wait forever.
// A job type may be computed (`="plan-" + region`, as in Camunda 8); its FEEL is
// checked by feel-condition-syntax. Camunda 7 Java delegates, expressions and
// connectors have a job type derived from them (bpmn/camunda7-jobs.ts); a task
// that calls a DMN decision evaluates it (supported-elements checks it) and is skipped here.
// Its declared retries (zeebe:taskDefinition retries) must be a count a job can spend: 1 to 2^31-1, as Zeebe's
// int32, written or as a FEEL number literal. Anything else (-1, 0, "abc", 99999999999, a FEEL expression Stratum
// does not evaluate) used to be read as the default 3 or a job never handed out, and past 2^31-1 PostgreSQL's
// integer column refused the step that created the job.
import type { ModdleElement } from 'bpmn-moddle';
import { declaredJobRetries, describeElement, extensionValues, MAX_JOB_RETRIES } from '../../bpmn/process-model.js';
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
    const retries = extensionValues(node, 'zeebe:TaskDefinition')[0]?.retries;
    if (declaredJobRetries(retries) === null) {
      reporter.report(
        node.id,
        `${elementLabel(node)} declares retries="${String(retries).trim()}": a job's retries are a count from 1 to ${MAX_JOB_RETRIES} ` +
          '(as Zeebe\'s), written as a number or a FEEL number literal (=5); Stratum evaluates no other retries expression',
      );
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#service-task-job-type-error' } } };
};

export default serviceTaskJobType;

// helpers

function refusedElsewhere(node: ModdleElement): boolean {
  return extensionValues(node, 'zeebe:CalledDecision').length > 0 || Boolean(node.decisionRef ?? node.$attrs?.['camunda:decisionRef']);
}
