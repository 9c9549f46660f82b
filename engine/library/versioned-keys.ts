// Which processes of one deployment get a new version. A changed process does; a file deployed as it is does not
// (deploy-changed-only), except a process that a stored one of the same deployment calls with
// bindingType="deployment": that call starts the version deployed with its caller, so the callee gets one in this
// deployment even unchanged, as Camunda 8 (8.6 on) versions a multi-resource deployment. Without it the caller
// found no callee of its deployment, and every order reaching the call failed with an incident.
import type { ProcessModel } from '../bpmn/process-model.js';

/** The keys to store: the changed ones and, transitively, the unchanged ones a stored process calls by deployment. */
export function versionedKeys(processes: { model: ProcessModel; changed: boolean }[]): Set<string> {
  const inDeployment = new Map(processes.map((process) => [process.model.key, process.model]));
  const versioned = new Set(processes.filter((process) => process.changed).map((process) => process.model.key));
  const pending = [...versioned];
  for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
    for (const callee of deploymentBoundCallees(inDeployment.get(key)!)) {
      if (!inDeployment.has(callee) || versioned.has(callee)) continue;
      versioned.add(callee);
      pending.push(callee);
    }
  }
  return versioned;
}

/** Keys a process calls with bindingType="deployment". */
function deploymentBoundCallees(model: ProcessModel): string[] {
  return [...model.elements.values()].flatMap((element) => (element.calledProcess && element.binding?.type === 'deployment' ? [element.calledProcess] : []));
}
