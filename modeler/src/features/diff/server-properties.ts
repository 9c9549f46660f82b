import type { ServerDiff } from '../../api/client.js';
import type { DiffItem, VersionComparison } from './VersionDiff.js';

/**
 * What the differ names itself of a changed element (its name, where a flow leads, a condition, listed apart): the
 * semantic diff's property of the same meaning is not listed again beside it.
 */
const DIFFER_NAMES = new Set(['type', 'name', 'from', 'to', 'condition', 'default', 'attached to']);

/**
 * The comparison with what a semantic diff (engine/impact/process-diff.ts: the modeler's own, or the server's from
 * the impact report or `GET /api/processes/{key}/versions/{n}/diff`) says of changed elements: bpmn-js-differ sees a
 * change inside an element's extension elements (called process, job type, candidate groups, form …) only as
 * "changed", and one to what elements share (a message renamed, its correlation key, an error code) not at all; the
 * semantic diff names the property on every element it touches. Each property is listed once, after the differ's.
 */
export function withServerProperties(comparison: VersionComparison, diff: ServerDiff | undefined): VersionComparison {
  if (!diff) return comparison;
  const semanticOf = new Map<string, DiffItem>();
  for (const element of diff.elements.filter((candidate) => candidate.change === 'changed')) {
    semanticOf.set(element.elementId, { id: element.elementId, type: element.type.replace(/^bpmn:/, ''), name: element.name, attributes: attributesOf(element.properties) });
  }
  if (diff.process.length) semanticOf.set(diff.key, { id: diff.key, type: 'Process', name: null, attributes: attributesOf(diff.process) });
  const changed = comparison.changed.map((item) => {
    const semantic = semanticOf.get(item.id)?.attributes ?? [];
    const listed = new Set((item.attributes ?? []).map((attribute) => attribute.name));
    const more = semantic.filter((attribute) => !listed.has(attribute.name) && !DIFFER_NAMES.has(attribute.name));
    return more.length ? { ...item, attributes: [...(item.attributes ?? []), ...more] } : item;
  });
  const known = new Set([...changed.map((item) => item.id), ...comparison.conditions.map((condition) => condition.flowId)]);
  for (const [id, item] of semanticOf) {
    const attributes = (item.attributes ?? []).filter((attribute) => !DIFFER_NAMES.has(attribute.name));
    if (!known.has(id) && attributes.length) changed.push({ ...item, attributes });
  }
  return { ...comparison, changed };
}

// helpers

function attributesOf(properties: ServerDiff['process']): NonNullable<DiffItem['attributes']> {
  return properties.map((property) => ({ name: property.property, oldValue: property.before ?? '—', newValue: property.after ?? '—' }));
}
