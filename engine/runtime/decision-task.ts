// A business rule task that calls a DMN decision (zeebe:calledDecision,
// camunda:decisionRef) evaluates it in the engine, within the step, and
// completes at once with the result variable set; one without a decision
// (a job type, a topic) stays whatever element type it was. A decision that
// cannot give a result fails the task: an incident naming decision and inputs.
import * as elements from 'bpmn-elements';
import type { Activity, ElementBroker, ElementMessage, ElementType, Environment } from 'bpmn-elements';
import { calledDecisionId, decisionCallOf, runDecision, type DecisionSource } from '../dmn/decision-call.js';
import { DecisionIdFailed, DecisionNotDeployed, DmnEvaluationError } from '../dmn/dmn-error.js';
import type { IncidentReason } from '../store/types.js';
import { reasoned } from './incident-reasons.js';
import { localInputsOf } from './local-inputs.js';

type VisibleVariables = (variables: Record<string, unknown>) => Record<string, unknown>;

export function decisionTaskOr(otherwise: ElementType, visibleVariables: VisibleVariables): ElementType {
  class Behaviour extends DecisionTaskBehaviour {
    constructor(activity: Activity) {
      super(activity, visibleVariables);
    }
  }
  return function DecisionTaskOrOther(activityDef, context) {
    let calls = false;
    try {
      calls = decisionCallOf(activityDef.behaviour) !== undefined;
    } catch {
      calls = true; // a bad mapping: let the behaviour fail the task with the reason
    }
    if (!calls) return otherwise(activityDef, context);
    return new elements.Activity(Behaviour, activityDef, context);
  };
}

/** The decisions the engine was created with (execution-environment.ts puts them among its services). */
function decisionSourceOf(environment: Environment): DecisionSource | undefined {
  const decisions = environment.services?.decisions;
  return typeof decisions === 'object' && decisions !== null && 'modelFor' in decisions ? (decisions as DecisionSource) : undefined;
}

class DecisionTaskBehaviour {
  readonly id: string;
  readonly type: string;
  readonly activity: Activity;
  readonly broker: ElementBroker;
  readonly environment: Environment;
  readonly visibleVariables: VisibleVariables;

  constructor(activity: Activity, visibleVariables: VisibleVariables) {
    this.id = activity.id;
    this.type = activity.type;
    this.activity = activity;
    this.broker = activity.broker;
    this.environment = activity.environment;
    this.visibleVariables = visibleVariables;
  }

  execute(executeMessage: ElementMessage) {
    const content = executeMessage.content;
    let decisionId: string | undefined;
    try {
      const call = decisionCallOf(this.activity.behaviour)!;
      // the task's input mappings are local variables the decision reads (local-inputs.ts)
      const variables = { ...this.visibleVariables(this.environment.variables), ...localInputsOf(this.environment, String(content.executionId)) };
      // the id expression first, deployed decisions or not: one that fails is decision-id-failed, and
      // a decision not deployed is named by the id it asked for, never by the expression
      decisionId = calledDecisionId(call, variables);
      const source = decisionSourceOf(this.environment);
      if (!source || source.empty) {
        throw new DecisionNotDeployed(decisionId, `business rule task ${this.id} calls decision ${decisionId}, but no decisions are deployed`);
      }
      const { result, output } = runDecision(call, decisionId, source, variables);
      const version = source.versionOf?.(decisionId, call.binding);
      source.evaluated?.({ elementId: this.id, call, decisionId, ...(version !== undefined && { version }), result, output });
      this.environment.assignVariables(output);
      return this.broker.publish('execution', 'execute.completed', { ...content, output, state: 'complete' });
    } catch (error) {
      // bpmn-elements keeps the tagged error as the ActivityError's `inner` (incident-reasons.ts reads it there)
      const reason = decisionReason(error, decisionId);
      const failure = new elements.ActivityError((error as Error).message, executeMessage, reason ? reasoned(error, reason) : error);
      return this.broker.publish('execution', 'execute.error', { ...content, error: failure }, { mandatory: true });
    }
  }
}

// helpers

/**
 * Its id expression failed (Camunda's EXTRACT_VALUE_ERROR), not deployed (CALLED_DECISION_ERROR), or any other
 * failure once the task's decision is known (no result, a result mapping: DECISION_EVALUATION_ERROR); none before
 * (the task's decision call itself could not be read).
 */
function decisionReason(error: unknown, decisionId: string | undefined): IncidentReason | undefined {
  if (error instanceof DecisionIdFailed) return { kind: 'decision-id-failed' };
  if (error instanceof DecisionNotDeployed) return { kind: 'decision-not-found', decisionId: error.decisionId };
  if (error instanceof DmnEvaluationError) return { kind: 'decision-failed', decisionId: error.decisionId };
  return decisionId === undefined ? undefined : { kind: 'decision-failed', decisionId };
}
