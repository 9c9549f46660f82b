// A business rule task that calls a DMN decision (zeebe:calledDecision,
// camunda:decisionRef) evaluates it in the engine, within the step, and
// completes at once with the result variable set; one without a decision
// (a job type, a topic) stays whatever element type it was. A decision that
// cannot give a result fails the task: an incident naming decision and inputs.
import * as elements from 'bpmn-elements';
import { decisionCallOf, runDecisionCall, type DecisionSource } from '../dmn/decision-call.js';

type VisibleVariables = (variables: Record<string, unknown>) => Record<string, unknown>;

export function decisionTaskOr(otherwise: (activityDef: any, context: any) => any, visibleVariables: VisibleVariables) {
  function Behaviour(this: any, activity: any) {
    DecisionTaskBehaviour.call(this, activity, visibleVariables);
  }
  Behaviour.prototype = DecisionTaskBehaviour.prototype;
  return function DecisionTaskOrOther(activityDef: any, context: any) {
    let calls = false;
    try {
      calls = decisionCallOf(activityDef.behaviour) !== undefined;
    } catch {
      calls = true; // a bad mapping: let the behaviour fail the task with the reason
    }
    if (!calls) return otherwise(activityDef, context);
    return new (elements as any).Activity(Behaviour, activityDef, context);
  };
}

function DecisionTaskBehaviour(this: any, activity: any, visibleVariables: VisibleVariables) {
  this.id = activity.id;
  this.type = activity.type;
  this.activity = activity;
  this.broker = activity.broker;
  this.environment = activity.environment;
  this.visibleVariables = visibleVariables;
}

DecisionTaskBehaviour.prototype.execute = function execute(this: any, executeMessage: any) {
  const content = executeMessage.content;
  try {
    const call = decisionCallOf(this.activity.behaviour)!;
    const source: DecisionSource | undefined = this.environment.services?.decisions;
    if (!source || source.empty) throw new Error(`business rule task ${this.id} calls decision ${call.decisionRef}, but no decisions are deployed`);
    const output = runDecisionCall(call, source, this.visibleVariables(this.environment.variables));
    this.environment.assignVariables(output);
    return this.broker.publish('execution', 'execute.completed', { ...content, output, state: 'complete' });
  } catch (error) {
    const failure = new elements.ActivityError((error as Error).message, executeMessage, error);
    return this.broker.publish('execution', 'execute.error', { ...content, error: failure }, { mandatory: true });
  }
};
