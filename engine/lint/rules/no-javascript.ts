// JavaScript never runs in Stratum: bpmn-engine evaluates scripts in node:vm,
// which is no sandbox, so a deployed diagram could run any code on the server.
// Java cannot run here either: Camunda 7 delegates, expressions and connectors
// on tasks become external jobs (bpmn/camunda7-jobs.ts), but listeners (Java or
// script) and scripts anywhere are refused, each with what to model instead.
import type { ModdleElement } from 'bpmn-moddle';
import { extensionValues } from '../../bpmn/process-model.js';
import { elementLabel, ElementLabel } from '../element-label.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';
import { isScriptLanguage } from '../expression-language.js';

const noJavascript: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (is(node, 'bpmn:ScriptTask')) {
      const language = node.scriptFormat ? ` (${node.scriptFormat})` : '';
      reporter.report(
        node.id,
        `${ElementLabel(node)} is a script task${language}; Stratum never runs scripts. ` +
          'Use a service task with a job type for work, or a zeebe:output mapping with a FEEL source to set a variable',
      );
    }

    if (is(node, 'bpmn:SequenceFlow') && node.conditionExpression) {
      const expression = node.conditionExpression;
      if (isScriptLanguage(expression.language)) {
        reporter.report(
          node.id,
          `The condition of ${elementLabel(node)} is written in ${expression.language}; Stratum never runs scripts. ` +
            'Write the condition in FEEL, starting with "=", and remove the language attribute',
          ['conditionExpression'],
        );
      } else if (expression.resource || expression.$attrs?.['camunda:resource']) {
        reporter.report(node.id, `The condition of ${elementLabel(node)} loads a script resource; write the condition in FEEL, starting with "="`, ['conditionExpression']);
      }
    }

    for (const connector of extensionValues(node, 'camunda:Connector')) {
      // a connector runs as a job (camunda7-jobs.ts); only a script among its parameters cannot
      for (const parameter of [...(connector.inputOutput?.inputParameters ?? []), ...(connector.inputOutput?.outputParameters ?? [])]) {
        const definition = parameter.definition;
        if (definition && containsScript(definition)) {
          reporter.report(
            node.id,
            `The ${parameter.name ? `parameter "${parameter.name}"` : 'parameter'} of the connector "${connector.connectorId ?? ''}" on ${elementLabel(node)} ` +
              `is a ${definition.scriptFormat ?? ''} script${definition.resource ? ` (${definition.resource})` : ''}; Stratum never runs scripts. ` +
              'Let the worker of the connector\'s job return the value instead',
          );
        }
      }
    }

    for (const type of ['camunda:ExecutionListener', 'camunda:TaskListener']) {
      for (const listener of extensionValues(node, type)) {
        const kind = type === 'camunda:TaskListener' ? 'task listener' : 'execution listener';
        const article = kind.startsWith('e') ? 'an' : 'a';
        reporter.report(node.id, `${ElementLabel(node)} has ${article} ${kind} (${describeListener(listener)}), which Stratum does not run; remove it`);
      }
    }

    for (const inputOutput of extensionValues(node, 'camunda:InputOutput')) {
      for (const parameter of [...(inputOutput.inputParameters ?? []), ...(inputOutput.outputParameters ?? [])]) {
        if (is(parameter.definition, 'camunda:Script')) {
          reporter.report(
            node.id,
            `The ${parameter.name ? `parameter "${parameter.name}"` : 'input/output parameter'} of ${elementLabel(node)} is a ${parameter.definition?.scriptFormat ?? ''} script; Stratum never runs scripts`,
          );
        }
      }
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#no-javascript-error' } } };
};

export default noJavascript;

// helpers


function containsScript(definition: ModdleElement | undefined): boolean {
  if (!definition) return false;
  if (is(definition, 'camunda:Script')) return true;
  return [...(definition.entries ?? []).map((entry) => entry.definition), ...(definition.items ?? [])].some(containsScript);
}

function describeListener(listener: ModdleElement): string {
  const script = listener.script;
  if (script) return typeof script !== 'string' && script.scriptFormat ? `a ${script.scriptFormat} script` : 'a script';
  if (listener.class) return `Java class ${listener.class}`;
  if (listener.delegateExpression) return `delegate expression ${listener.delegateExpression}`;
  if (listener.expression) return `expression ${listener.expression}`;
  return 'no implementation';
}
