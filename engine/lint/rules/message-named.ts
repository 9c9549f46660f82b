// A waiting message event or receive task is reached by POST /api/messages
// {name, businessKey}: it must reference a <message> with a fixed name.
import type { ModdleElement } from 'bpmn-moddle';
import { ElementLabel } from '../element-label.js';
import { is, isAny, type Reporter, type RuleFactory } from '../rule-api.js';

const CATCHING = ['bpmn:StartEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent'];

const messageNamed: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    let message: ModdleElement | undefined;
    if (is(node, 'bpmn:ReceiveTask')) {
      message = node.messageRef;
    } else if (isAny(node, CATCHING)) {
      const definition = (node.eventDefinitions ?? []).find((d) => is(d, 'bpmn:MessageEventDefinition'));
      if (!definition) return;
      message = definition.messageRef;
    } else {
      return;
    }

    if (!message) {
      reporter.report(node.id, `${ElementLabel(node)} waits for a message but does not say which; choose a message with a name (e.g. "PaymentReceived")`);
      return;
    }
    const name = typeof message.name === 'string' ? message.name.trim() : '';
    if (!name) {
      reporter.report(node.id, `${ElementLabel(node)} waits for message ${message.id}, which has no name; give the message the name senders use (e.g. "PaymentReceived")`);
    } else if (name.startsWith('=')) {
      reporter.report(node.id, `${ElementLabel(node)} waits for a message whose name is computed ("${name}"); Stratum correlates messages by a fixed name`);
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#message-named-error' } } };
};

export default messageNamed;
