import type { VersionComparison } from '../diff/VersionDiff.js';

/** The stand-in a process with no deployed version is compared with: an empty process of its key. */
export function emptyProcess(key: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
    `id="Empty" targetNamespace="http://bpmn.io/schema/bpmn"><bpmn:process id="${key}" /></bpmn:definitions>`;
}

/**
 * A new process compared with its stand-in: every element is added. What the differ matched to the stand-in
 * (a participant pointing at the process, say) is added too, without the stand-in's empty values as old ones;
 * the process itself, the stand-in's only element, is no change.
 */
export function asNewProcess(comparison: VersionComparison, key: string): VersionComparison {
  const matched = comparison.changed.filter((item) => item.id !== key).map(({ id, type, name }) => ({ id, type, name }));
  return { ...comparison, added: [...comparison.added, ...matched], changed: [] };
}
