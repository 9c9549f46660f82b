// Reads which process a call activity starts: zeebe:calledElement processId, else the plain calledElement.
import type { ModdleElement } from './moddle-element';

export function calledProcessKey(businessObject: ModdleElement | undefined): string | null {
  if (!businessObject || businessObject.$type !== 'bpmn:CallActivity') return null;
  const values = ((businessObject.extensionElements as { values?: ModdleElement[] } | undefined)?.values) ?? [];
  const zeebe = values.find((value) => value.$type === 'zeebe:CalledElement');
  const key = (zeebe?.processId as string | undefined) || (businessObject.calledElement as string | undefined);
  return key && key.trim() ? key.trim() : null;
}

/** A FEEL processId (`=…`) names no fixed process and cannot be followed. */
export function isStaticKey(key: string): boolean {
  return !key.startsWith('=');
}
