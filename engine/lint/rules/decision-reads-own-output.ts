// "A decision is made where it is asked for." A gateway directly after a user
// task decides on that task's outcome, so its conditions must read what the
// task itself declares as output (`=vicePresidentApproved`), never a variable
// an earlier step may already have set (`=approved`, still true from the
// director's step, would let an empty completion approve). And what a user task
// decides is the task's alone: no other element may write the same target, as
// an output or as the result variable of a business rule task's decision
// (which the runtime sets without any output mapping).
// The runtime evaluates a user task's outputs over its completion only (see
// docs/modelling.md, "Decisions").
// Outside the shipped library (Stratum's house rules, ../house-rules.ts) a user
// task that declares no outputs at all takes what the gateways after it read as
// its decision, which its completer must then send (../../bpmn/inferred-decision.ts):
// a warning naming the task and the variables, not a refusal, since Camunda
// runs such diagrams. The shipped library keeps the error.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements, describeElement } from '../../bpmn/process-model.js';
import { feelBody, isFeel, variablesReadBy } from '../../feel/feel-expression.js';
import { isJuel, juelToFeel } from '../../feel/juel.js';
import { declaredDecisionCall } from '../business-rule-task.js';
import { elementLabel, ElementLabel } from '../element-label.js';
import { followsHouseRules, type HouseRulesConfig } from '../house-rules.js';
import { is, isAny, type Reporter, type RuleFactory } from '../rule-api.js';

const decisionReadsOwnOutput: RuleFactory = (config?: HouseRulesConfig) => {
  function check(node: ModdleElement, reporter: Reporter) {
    const houseRules = followsHouseRules(node, config);
    if (isAny(node, ['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway'])) checkGateway(node, reporter, houseRules);
    if (is(node, 'bpmn:UserTask') && !houseRules) reportInferred(node, reporter);
    if (is(node, 'bpmn:Process')) checkTargets(node, reporter);
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#decision-reads-own-output-error-or-warning' } } };
};

export default decisionReadsOwnOutput;

// helpers

function checkGateway(gateway: ModdleElement, reporter: Reporter, houseRules: boolean) {
  const tasks = (gateway.incoming ?? []).map((flow) => flow.sourceRef).filter((source): source is ModdleElement => is(source, 'bpmn:UserTask'));
  if (tasks.length === 0) return;
  // under the house rules a decision is declared, never inferred
  const targets = new Set<string>(tasks.flatMap((task) => {
    const info = describeElement(task);
    return (info.outputs ?? []).map((output) => output.target).filter((target) => !houseRules || !info.inferredOutputs?.includes(target));
  }));
  const decidedBy = tasks.map((task) => elementLabel(task)).join(' or ');
  for (const flow of gateway.outgoing ?? []) {
    const feel = conditionAsFeel(flow.conditionExpression?.body);
    if (feel === undefined) continue;
    if (variablesReadBy(feel).some((name) => targets.has(name))) continue;
    const declared = [...targets];
    const fix = declared.length
      ? `read ${declared.map((name) => `"${name}"`).join(' or ')}, which the task declares`
      : 'declare the decision as the task\'s output (e.g. <zeebe:output source="=approved" target="vicePresidentApproved" />) and read that';
    reporter.report(
      flow.id,
      `${ElementLabel(flow)} decides on the outcome of ${decidedBy} but reads none of its outputs, ` +
        `so a value set earlier could stand in for a decision not made; ${fix}`,
    );
  }
}

function reportInferred(task: ModdleElement, reporter: Reporter) {
  const inferred = describeElement(task).inferredOutputs ?? [];
  if (inferred.length === 0) return;
  const names = inferred.map((name) => `"${name}"`).join(', ');
  reporter.report(
    task.id,
    `${ElementLabel(task)} declares no outputs, but the gateway after it decides on ${names}; Stratum takes ${names} as the task's decision, ` +
      `so completing it must send ${inferred.length > 1 ? 'them' : 'it'} (a completion without ${inferred.length > 1 ? 'one' : 'it'} is refused) ` +
      'and no value set earlier can stand in. Declare the decision to make this explicit (e.g. <camunda:formField id="approved" /> or a zeebe:output)',
    { severity: 'warn' },
  );
}

function checkTargets(process: ModdleElement, reporter: Reporter) {
  const elements = [...allFlowElements(process)];
  const decidedBy = new Map<string, ModdleElement>();
  // An inferred decision is sent with every completion of its task, so another writer cannot stand in for it.
  const declaredTargets = (element: ModdleElement) => {
    const info = describeElement(element);
    return (info.outputs ?? []).map(({ target }) => target).filter((target) => !info.inferredOutputs?.includes(target));
  };
  for (const element of elements) {
    if (!is(element, 'bpmn:UserTask')) continue;
    for (const target of declaredTargets(element)) if (!decidedBy.has(target)) decidedBy.set(target, element);
  }
  for (const element of elements) {
    for (const target of declaredTargets(element)) {
      const owner = decidedBy.get(target);
      if (!owner || owner === element) continue;
      reporter.report(
        element.id,
        `${ElementLabel(element)} writes "${target}", which ${elementLabel(owner)} declares as its decision; ` +
          'a decision is written only by the task that makes it: give this output another name',
      );
    }
    const result = declaredDecisionCall(element)?.resultVariable;
    const owner = result === undefined ? undefined : decidedBy.get(result);
    if (owner) {
      reporter.report(
        element.id,
        `${ElementLabel(element)} writes its decision's result to "${result}" (resultVariable), which ${elementLabel(owner)} declares as its decision; ` +
          'a decision is written only by the task that makes it: give the result variable another name',
      );
    }
  }
}

function conditionAsFeel(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  if (isFeel(body)) return feelBody(body);
  if (isJuel(body)) {
    try {
      return juelToFeel(body);
    } catch {
      return undefined; // feel-condition-syntax reports it
    }
  }
  return undefined;
}
