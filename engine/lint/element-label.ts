// How a finding names an element for a process designer: its kind as the
// modeler shows it and its name, e.g. `user task "Approve order"`, or its id
// when it has no name. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';

/** `bpmn:ExclusiveGateway` → `exclusive gateway`. */
function kindOf(node: ModdleElement): string {
  const local = String(node?.$type ?? 'element').replace(/^[a-z]+:/, '');
  return local.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** An element's name on one line (runs of white space as one space), or '' without one. */
export function displayName(node: ModdleElement): string {
  return typeof node?.name === 'string' ? node.name.replace(/\s+/g, ' ').trim() : '';
}

/** `exclusive gateway "Amount?"`, or `exclusive gateway Gateway_1` without a name. */
export function elementLabel(node: ModdleElement): string {
  const name = displayName(node);
  return name ? `${kindOf(node)} "${name}"` : `${kindOf(node)} ${node?.id ?? '(without id)'}`;
}

/** The same with a capital first letter, to start a sentence. */
export function ElementLabel(node: ModdleElement): string {
  const label = elementLabel(node);
  return label.charAt(0).toUpperCase() + label.slice(1);
}
