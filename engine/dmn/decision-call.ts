// What a business rule task asks of a decision, read from the element (a
// bpmn-moddle element or bpmn-engine's serialized behaviour, which carry the
// same properties):
//   Camunda 8: <zeebe:calledDecision decisionId="…" resultVariable="…"/>
//              (decisionId may be `=FEEL`); the result is Camunda 8's shape.
//   Camunda 7: camunda:decisionRef="…" camunda:resultVariable="…"
//              camunda:mapDecisionResult="singleEntry|singleResult|collectEntries|resultList".
// And what running it writes: `{ [resultVariable]: result }`.
// Browser-safe.
import { compileExpression } from '../expressions/compile-expression.js';
import { isFeel } from '../feel/feel-expression.js';
import { camunda7Result, DECISION_RESULT_MAPPINGS, type DecisionResultMapping } from './camunda7-result.js';
import { DecisionIdFailed, DecisionNotDeployed, DmnEvaluationError } from './dmn-error.js';
import type { DmnModel } from './dmn-model.js';
import { camunda8Result, evaluateDecision, type DecisionResult, type DmnDialect } from './evaluate-decision.js';

export interface DecisionCall {
  dialect: DmnDialect;
  /** The decision id, or `=FEEL` that computes it (Camunda 8). */
  decisionRef: string;
  /** Where the result goes; Camunda 7 allows none (the result is then dropped). */
  resultVariable?: string;
  /** Camunda 7's mapDecisionResult (default resultList). */
  mapping?: DecisionResultMapping;
  /** The version it pins (absent: `latest`, the newest deployed version when the task runs). */
  binding?: DecisionBinding;
}

/**
 * Which version of the decision a task evaluates, other than the latest: Camunda 8's `bindingType` deployment or
 * versionTag, Camunda 7's `decisionRefBinding` deployment, version or versionTag (runtime/bound-decision.ts).
 */
export type DecisionBinding = { type: 'deployment' } | { type: 'version'; version: number } | { type: 'versionTag'; versionTag: string };

/**
 * Finds the deployed DMN model that holds a decision: its latest version, or the one `binding` pins (a source that
 * cannot find the pinned version throws a DecisionNotDeployed naming decision and binding).
 */
export interface DecisionSource {
  modelFor(decisionId: string, binding?: DecisionBinding): DmnModel | undefined;
  /** The deployed version modelFor gives (for the audit trail); undefined where versions are not known. */
  versionOf?(decisionId: string, binding?: DecisionBinding): number | undefined;
  /** Told of every decision a business rule task evaluated, so its step can record why it decided. */
  evaluated?(evaluation: DecisionEvaluation): void;
  /** True when no decisions are deployed at all (a source handed in per step may have none). */
  readonly empty?: boolean;
}

/** One decision a business rule task evaluated: what it asked, the version it got, the result and what it wrote. */
export interface DecisionEvaluation {
  elementId: string;
  call: DecisionCall;
  decisionId: string;
  version?: number;
  result: DecisionResult;
  output: Record<string, unknown>;
}

/**
 * A business rule task as moddle reads it, or as bpmn-elements keeps it (an
 * activity's `behaviour`): its extension elements and Camunda 7 attributes.
 */
interface TaskElement {
  id?: string;
  extensionElements?: { values?: { $type?: string; [property: string]: unknown }[] };
  $attrs?: Record<string, unknown>;
  [property: string]: unknown;
}

/** A decision call as the task declares it, with what Camunda 7 would refuse in it. */
export interface DeclaredDecisionCall extends DecisionCall {
  /**
   * A camunda:mapDecisionResult Camunda 7 does not know (an empty one included: Camunda 7 refuses the
   * task at deploy). `mapping` is then absent.
   */
  unknownMapping?: string;
  /**
   * A version binding that cannot be honoured, as written (an unknown `bindingType`, `versionTag` without a tag,
   * a `camunda:decisionRefVersion` that is no version number, a pin on a decision id computed by `=FEEL`): such a
   * call is refused, never run on another version than the one it pins. `binding` is then absent.
   */
  unsupportedBinding?: string;
}

/**
 * The decision call of a business rule task, or undefined when it calls none (a job, a Java class).
 * Throws a DmnEvaluationError for a mapDecisionResult Camunda 7 does not know, which fails the task.
 */
export function decisionCallOf(element: TaskElement | undefined): DecisionCall | undefined {
  const declared = declaredDecisionCallOf(element);
  if (declared?.unsupportedBinding !== undefined) {
    throw new DmnEvaluationError(
      `business rule task ${element?.id ?? ''} binds decision ${declared.decisionRef} by ${declared.unsupportedBinding}, which Stratum cannot honour`,
      declared.decisionRef,
    );
  }
  if (declared?.unknownMapping === undefined) return declared;
  throw new DmnEvaluationError(
    `business rule task ${element?.id ?? ''} maps the decision result as "${declared.unknownMapping}"; Camunda 7 knows ${DECISION_RESULT_MAPPINGS.join(', ')}`,
    declared.decisionRef,
  );
}

/** The decision call as the task declares it, refusing nothing (the lint reports what Camunda 7 would refuse). */
export function declaredDecisionCallOf(element: TaskElement | undefined): DeclaredDecisionCall | undefined {
  const values = element?.extensionElements?.values ?? [];
  const zeebe = values.find((value) => value.$type === 'zeebe:CalledDecision');
  const decisionId = zeebe?.decisionId;
  if (typeof decisionId === 'string' && decisionId) {
    const resultVariable = zeebe?.resultVariable;
    // Camunda 8.6's bindingType and versionTag (zeebe-bpmn-moddle may not know them yet: then they are $attrs)
    const bindingType = zeebe?.bindingType ?? (zeebe?.$attrs as Record<string, unknown> | undefined)?.bindingType;
    const versionTag = zeebe?.versionTag ?? (zeebe?.$attrs as Record<string, unknown> | undefined)?.versionTag;
    const type = typeof bindingType === 'string' ? bindingType.trim() : undefined;
    const tag = typeof versionTag === 'string' ? versionTag.trim() : '';
    const binding: DecisionBinding | undefined = type === 'deployment' ? { type } : type === 'versionTag' && tag ? { type, versionTag: tag } : undefined;
    const written = `bindingType="${type ?? ''}"${tag ? ` versionTag="${tag}"` : ''}`;
    return {
      dialect: 'camunda8', decisionRef: decisionId,
      ...(typeof resultVariable === 'string' && resultVariable && { resultVariable }),
      ...bindingOrUnsupported(decisionId, type, binding, written),
    };
  }
  const decisionRef = camundaProperty(element, 'decisionRef');
  if (!decisionRef) return undefined;
  const resultVariable = camundaProperty(element, 'resultVariable');
  // Camunda 7 maps with resultList when the attribute is absent, and refuses any other value, "" included
  const mapping = camundaAttribute(element, 'mapDecisionResult');
  const known = mapping === undefined || DECISION_RESULT_MAPPINGS.includes(mapping as DecisionResultMapping);
  // Camunda 7's decisionRefBinding: latest (the default), deployment, version (decisionRefVersion), versionTag
  const type = camundaProperty(element, 'decisionRefBinding');
  const pin = type === 'version' ? camundaProperty(element, 'decisionRefVersion') : type === 'versionTag' ? camundaProperty(element, 'decisionRefVersionTag') : undefined;
  const binding: DecisionBinding | undefined = type === 'deployment' ? { type }
    : type === 'version' && pin && /^[1-9]\d*$/.test(pin) ? { type, version: Number(pin) }
      : type === 'versionTag' && pin ? { type, versionTag: pin } : undefined;
  const written = `camunda:decisionRefBinding="${type ?? ''}"${pin ? ` (${pin})` : ''}`;
  return {
    dialect: 'camunda7',
    decisionRef,
    ...(resultVariable && { resultVariable }),
    ...(known && mapping && { mapping: mapping as DecisionResultMapping }),
    ...(!known && { unknownMapping: mapping }),
    ...bindingOrUnsupported(decisionRef, type, binding, written),
  };
}

/** A binding as the call keeps it: none for `latest`, the binding, or what cannot be honoured as written. */
function bindingOrUnsupported(
  decisionRef: string, type: string | undefined, binding: DecisionBinding | undefined, written: string,
): { binding?: DecisionBinding; unsupportedBinding?: string } {
  if (!type || type === 'latest') return {};
  // a computed id has no versions to pin before it is evaluated (the runtime resolves pins per step, up front)
  if (binding && !isFeel(decisionRef)) return { binding };
  return { unsupportedBinding: written };
}

/** Evaluates the called decision over the variables; the variables it sets. */
export function runDecisionCall(call: DecisionCall, source: DecisionSource, variables: Record<string, unknown>): Record<string, unknown> {
  return runDecision(call, calledDecisionId(call, variables), source, variables).output;
}

/** The id of the decision a call asks for: its `=FEEL` decision id evaluated over the variables (DecisionIdFailed when it cannot be). */
export function calledDecisionId(call: DecisionCall, variables: Record<string, unknown>): string {
  return isFeel(call.decisionRef) ? decisionIdOf(call.decisionRef, variables) : call.decisionRef;
}

/** Evaluates decision `decisionId` (calledDecisionId of `call`) over the variables: its result and the variables it sets. */
export function runDecision(
  call: DecisionCall, decisionId: string, source: DecisionSource, variables: Record<string, unknown>,
): { result: DecisionResult; output: Record<string, unknown> } {
  const model = source.modelFor(decisionId, call.binding);
  if (!model) throw new DecisionNotDeployed(decisionId);
  const result = evaluateDecision(model, decisionId, variables, { dialect: call.dialect });
  if (!call.resultVariable) return { result, output: {} };
  const value = call.dialect === 'camunda8' ? camunda8Result(result) : camunda7Result(result, call.mapping);
  return { result, output: { [call.resultVariable]: value } };
}

// helpers

/** A decision id expression must give a non-empty string (Zeebe converts nothing): null would ask for a decision "null". */
function decisionIdOf(expression: string, variables: Record<string, unknown>): string {
  let value: unknown;
  try {
    value = compileExpression(expression).evaluate(variables);
  } catch (error) {
    throw new DecisionIdFailed(expression, error);
  }
  if (typeof value === 'string' && value) return value;
  throw new DecisionIdFailed(expression, `it gave ${JSON.stringify(value ?? null)}, not a decision id`);
}

/** A Camunda 7 attribute that is set and not empty. */
function camundaProperty(element: TaskElement | undefined, name: string): string | undefined {
  return camundaAttribute(element, name) || undefined;
}

/**
 * A Camunda 7 attribute as written, "" included: a property with camunda-bpmn-moddle (on a moddle element an
 * absent one reads as its default, if it has one), an unknown `camunda:` attribute without it.
 */
function camundaAttribute(element: TaskElement | undefined, name: string): string | undefined {
  const known = element?.[name];
  if (typeof known === 'string') return known;
  const attrs = element?.$attrs ?? {};
  const key = Object.keys(attrs).find((candidate) => candidate.startsWith('camunda') && candidate.endsWith(`:${name}`));
  const value = key ? attrs[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}
