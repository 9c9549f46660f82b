// A call activity starts the latest deployed version of the process it names,
// so that process must be deployed already or come in the same deployment.
// Config `{ knownProcessKeys }` lists the deployed keys; without it (in the
// modeler, without the library at hand) only a fixed process id is required.
// A call with bindingType="deployment" starts the version deployed with its
// caller, so its process must come in the same deployment
// (`deploymentProcessKeys`), as Camunda 8 refuses it otherwise.
import type { ModdleElement } from 'bpmn-moddle';
import { extensionValues, isExecutableProcess } from '../../bpmn/process-model.js';
import { ElementLabel } from '../element-label.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';

interface CalledProcessExistsConfig {
  /** Keys of the processes already deployed. */
  knownProcessKeys?: string[];
  /** Keys of the processes of the deployment the document comes in. */
  deploymentProcessKeys?: string[];
}

const calledProcessExists: RuleFactory = (config?: CalledProcessExistsConfig) => {
  const known = Array.isArray(config?.knownProcessKeys) ? new Set(config.knownProcessKeys) : undefined;
  const deployedTogether = Array.isArray(config?.deploymentProcessKeys) ? new Set(config.deploymentProcessKeys) : undefined;

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
    if (processesOfDocument(node).has(processId)) return;
    if (called?.bindingType === 'deployment' && deployedTogether && !deployedTogether.has(processId)) {
      reporter.report(
        node.id,
        `${ElementLabel(node)} calls process "${processId}" with bindingType="deployment", which starts the version deployed together with this one, but "${processId}" is not part of this deployment; deploy it together with this process (unchanged, it gets a version of this deployment), or bind the call to "latest"`,
      );
      return;
    }
    if (!known || known.has(processId)) return;
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
