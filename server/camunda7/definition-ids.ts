// Camunda 7 names a process definition `<key>:<version>` (fetchAndLock, incidents, tasks): the version of each
// instance an answer names, read once per order rather than once per row.
import type { Runtime } from '../../engine/api.js';

/** `key:version` of each instance of `rows` (an incident's, a task's), by instance id: one read per order. */
export async function definitionIds(runtime: Runtime, rows: readonly { instanceId: string; businessKey: string | null }[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const businessKey of new Set(rows.map((row) => row.businessKey))) {
    if (businessKey === null) continue;
    const { items } = await runtime.findInstances({ businessKey, limit: 200 });
    for (const instance of items) ids.set(instance.id, `${instance.processKey}:${instance.version}`);
  }
  for (const row of rows) {
    if (ids.has(row.instanceId)) continue;
    const instance = await runtime.getInstance(row.instanceId);
    if (instance) ids.set(instance.id, `${instance.processKey}:${instance.version}`);
  }
  return ids;
}
