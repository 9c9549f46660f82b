// What a decision point (a gateway, or an activity with conditional flows) decided and why, for the audit trail:
// the flow it took, that flow's condition or that it was the default, and the values of the variables its
// conditions read when they were evaluated (the amount compared). bpmn-engine publishes `flow.take` and
// `flow.discard` for each outgoing flow of one evaluation; the discarded flows' conditions are part of why (a
// default flow is taken because all of them were false), so their inputs join the entry of the taken flow.
import type { ElementApi } from './engine-adapter.js';
import { variablesReadBy } from '../feel/feel-expression.js';
import { visibleValue } from './visible-variables.js';

/** The entry data of one decision; `inputs` grows as the evaluation's other flows are seen. */
export interface FlowDecision {
  flowId: string;
  flowName: string | null;
  targetId: string;
  default: boolean;
  condition: string | null;
  inputs: Record<string, unknown>;
}

interface FlowEvent {
  sourceId: string;
  evaluationId: string;
  decision: FlowDecision;
}

/** Collects a step's decisions; `taken` is called once per decision, with data that later discards may still add to. */
export class FlowDecisions {
  /** Inputs read by the discarded flows of an evaluation whose taken flow was not seen yet. */
  private readonly pending = new Map<string, Record<string, unknown>>();
  private readonly decided = new Map<string, FlowDecision>();

  constructor(private readonly taken: (sourceId: string, decision: FlowDecision) => void) {}

  take(api: ElementApi): void {
    const event = flowEvent(api);
    // an unconditional flow that is not a default decides nothing (a start event's, a parallel gateway's)
    if (!event || (event.decision.condition === null && !event.decision.default)) return;
    Object.assign(event.decision.inputs, this.pending.get(event.evaluationId));
    this.pending.delete(event.evaluationId);
    this.decided.set(event.evaluationId, event.decision);
    this.taken(event.sourceId, event.decision);
  }

  discard(api: ElementApi): void {
    const event = flowEvent(api);
    if (!event || event.decision.condition === null) return;
    const decision = this.decided.get(event.evaluationId);
    if (decision) Object.assign(decision.inputs, event.decision.inputs);
    else this.pending.set(event.evaluationId, { ...this.pending.get(event.evaluationId), ...event.decision.inputs });
  }
}

// helpers

interface FlowOwner {
  behaviour?: { conditionExpression?: { body?: unknown } };
}

function flowEvent(api: ElementApi): FlowEvent | undefined {
  const content = api.content ?? {};
  const { sourceId, targetId, evaluationId } = content;
  if (typeof sourceId !== 'string' || typeof targetId !== 'string' || typeof evaluationId !== 'string') return undefined;
  const body = (api as ElementApi & { owner?: FlowOwner }).owner?.behaviour?.conditionExpression?.body;
  const condition = typeof body === 'string' ? body : null;
  // only the few variables the condition reads, not a copy of all of them for each flow
  const inputs: Record<string, unknown> = {};
  if (condition !== null) for (const name of variablesReadBy(condition)) inputs[name] = visibleValue(api.environment.variables, name);
  const name = typeof content.name === 'string' ? content.name : null;
  return { sourceId, evaluationId, decision: { flowId: api.id, flowName: name, targetId, default: content.isDefault === true, condition, inputs } };
}
