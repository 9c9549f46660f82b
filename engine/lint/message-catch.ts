// Which elements catch a message, as the lint rules that read a catch's
// properties see them: intermediate and boundary events with a message event
// definition, and receive tasks. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { is } from './rule-api.js';

export function isMessageCatch(node: ModdleElement): boolean {
  return is(node, 'bpmn:ReceiveTask')
    || ((is(node, 'bpmn:IntermediateCatchEvent') || is(node, 'bpmn:BoundaryEvent'))
      && (node.eventDefinitions ?? []).some((definition: ModdleElement) => is(definition, 'bpmn:MessageEventDefinition')));
}
