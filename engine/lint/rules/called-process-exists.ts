// A call activity starts the latest deployed version of the process it names,
// so that process must be deployed already or come in the same deployment.
// Config `{ knownProcessKeys }` lists the deployed keys; without it (in the
// modeler, without the library at hand) only a fixed process id is required.
import type { ModdleElement } from 'bpmn-moddle';
import { extensionValues, isExecutableProcess } from '../../bpmn/process-model.js';
import { ElementLabel } from '../element-label.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';

interface CalledProcessExistsConfig {
  /** Keys of the processes already deployed. */
  knownProcessKeys?: string[];
}

const calledProcessExists: RuleFactory = (config?: CalledProcessExistsConfig) => {
  const known = Array.isArray(config?.knownProcessKeys) ? new Set(config.knownProcessKeys) : undefined;

  function check(node: ModdleElement, reporter: Reporter) {
    if (!is(node, 'bpmn:CallActivity')) return;

    const called = extensionValues(node, 'zeebe:CalledElement')[0];
    if (called?.processIdExpression) {
      reporter.report(node.id, `${ElementLabel(node)} computes the process it calls with an expression; Stratum needs a fixed process id`);
      return;
    }
    const processId: string = (called?.processId || node.calledElement || '').trim();
    if (!processId) {
      reporter.report(
        node.id,
        `${ElementLabel(node)} does not name the process it calls; set its called element (zeebe:calledElement processId)`,
      );
      return;
    }
    if (processId.startsWith('=') || /^[$#]\{/.test(processId)) {
      reporter.report(
        node.id,
        `${ElementLabel(node)} computes the process it calls ("${processId}"); Stratum needs a fixed process id, since levels follow the call graph`,
      );
      return;
    }
    if (!known || known.has(processId) || processesOfDocument(node).has(processId)) return;
    reporter.report(
      node.id,
      `${ElementLabel(node)} calls process "${processId}", which is neither deployed nor part of this deployment; deploy "${processId}" first or together with it`,
    );
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#called-process-exists-error' } } };
};

export default calledProcessExists;

// helpers

function processesOfDocument(node: ModdleElement): Set<string> {
  let root = node;
  while (root.$parent) root = root.$parent;
  // a process marked isExecutable="false" is documentation, never deployed: no call can start it
  const ids = (root.rootElements ?? []).filter(isExecutableProcess).map((process) => process.id);
  return new Set(ids);
}
