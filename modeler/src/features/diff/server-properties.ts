import type { ServerDiff } from '../../api/client';
import type { VersionComparison } from './VersionDiff';

/**
 * The comparison with what the server's semantic diff says of changed elements: bpmn-js-differ sees a change of an
 * extension element (called process, job type, candidate groups …) only as "changed", the server names the property.
 */
export function withServerProperties(comparison: VersionComparison, diff: ServerDiff | undefined): VersionComparison {
  if (!diff) return comparison;
  const serverChanged = diff.elements.filter((element) => element.change === 'changed');
  const attributesOf = (id: string) => serverChanged.find((element) => element.elementId === id)?.properties
    .map((property) => ({ name: property.property, oldValue: property.before ?? '—', newValue: property.after ?? '—' })) ?? [];
  const changed = comparison.changed.map((item) => (item.attributes?.length ? item : { ...item, attributes: attributesOf(item.id) }));
  const known = new Set([...changed.map((item) => item.id), ...comparison.conditions.map((condition) => condition.flowId)]);
  for (const element of serverChanged) {
    if (!known.has(element.elementId)) changed.push({ id: element.elementId, type: element.type.replace(/^bpmn:/, ''), name: element.name, attributes: attributesOf(element.elementId) });
  }
  return { ...comparison, changed };
}
