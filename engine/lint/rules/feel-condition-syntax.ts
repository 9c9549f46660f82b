// Every expression Stratum evaluates is FEEL and is checked once, here, at deploy:
// sequence-flow conditions, zeebe input/output mapping sources, message
// correlation keys, job types, and `=` candidate groups / called process ids.
// (Timers take no expressions: timer-definition.) Camunda 7 `${…}` conditions must translate to FEEL. A condition
// that is neither FEEL nor `${…}` is refused: bpmn-engine would treat it as a
// script or a truthy string.
import { checkFeelSyntax, feelBody, isFeel } from '../../feel/feel-expression.js';
import { isJuel, juelToFeel } from '../../feel/juel.js';
import { extensionValues } from '../../bpmn/process-model.js';
import { elementLabel } from '../element-label.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';
import { isScriptLanguage } from '../expression-language.js';

const feelConditionSyntax: RuleFactory = () => {
  function check(node: any, reporter: Reporter) {
    if (is(node, 'bpmn:SequenceFlow') && node.conditionExpression) {
      checkCondition(node, node.conditionExpression, reporter);
    }

    for (const mapping of extensionValues(node, 'zeebe:IoMapping')) {
      for (const input of mapping.inputParameters ?? []) {
        checkFeel(node, input.source, `input mapping for "${input.target}"`, reporter);
      }
      for (const output of mapping.outputParameters ?? []) {
        checkFeel(node, output.source, `output mapping for "${output.target}"`, reporter);
      }
    }

    if (is(node, 'bpmn:Message')) {
      for (const subscription of extensionValues(node, 'zeebe:Subscription')) {
        checkFeel(node, subscription.correlationKey, 'correlation key', reporter);
      }
    }


    for (const assignment of extensionValues(node, 'zeebe:AssignmentDefinition')) {
      checkFeel(node, assignment.candidateGroups, 'candidate groups', reporter);
    }
    for (const task of extensionValues(node, 'zeebe:TaskDefinition')) {
      checkFeel(node, task.type, 'job type', reporter);
    }
    for (const called of extensionValues(node, 'zeebe:CalledElement')) {
      checkFeel(node, called.processId, 'called process id', reporter);
    }
  }

  return { check };
};

export default feelConditionSyntax;

// helpers

function checkCondition(flow: any, expression: any, reporter: Reporter) {
  // Scripts (a script language or a script resource) are no-javascript's finding.
  if (isScriptLanguage(expression.language) || expression.resource || expression.$attrs?.['camunda:resource']) return;
  const text: string = typeof expression.body === 'string' ? expression.body : '';
  const shown = text.trim();
  const where = `The condition of ${elementLabel(flow)}`;
  const quoted = `The condition "${shown}" of ${elementLabel(flow)}`;

  if (!shown) {
    reporter.report(flow.id, `${where} is empty; write a FEEL condition starting with "=", e.g. "=approved"`, ['conditionExpression']);
    return;
  }
  if (isFeel(text)) {
    const result = checkFeelSyntax(feelBody(text));
    if (!result.ok) reporter.report(flow.id, `${where} is not valid FEEL: ${result.message} in "${shown}"`, ['conditionExpression']);
    return;
  }
  if (isJuel(text)) {
    let feel: string;
    try {
      feel = juelToFeel(text);
    } catch (error) {
      reporter.report(
        flow.id,
        `${quoted} cannot be translated to FEEL (${(error as Error).message}); rewrite it in FEEL, starting with "="`,
        ['conditionExpression'],
      );
      return;
    }
    const result = checkFeelSyntax(feel);
    if (!result.ok) reporter.report(flow.id, `${quoted} translates to invalid FEEL "${feel}": ${result.message}`, ['conditionExpression']);
    return;
  }
  reporter.report(
    flow.id,
    `${quoted} is not a FEEL expression; FEEL conditions start with "=", e.g. "=${shown}"`,
    ['conditionExpression'],
  );
}

function checkFeel(node: any, text: unknown, what: string, reporter: Reporter) {
  if (typeof text !== 'string' || !isFeel(text)) return;
  const result = checkFeelSyntax(feelBody(text));
  if (!result.ok) {
    reporter.report(node.id, `The ${what} of ${elementLabel(node)} is not valid FEEL: ${result.message} in "${text.trim()}"`);
  }
}

