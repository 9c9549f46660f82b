// The start variables a process declares: a none start event's zeebe:ioMapping
// outputs, evaluated over the start payload only (like a user task's outputs
// over its completion). The variables the sources read are the declared start
// variables; a start that hands in any other is refused. A process without
// such outputs takes any variables, as Camunda does.
import type { ProcessModel } from '../bpmn/process-model.js';
import { StratumError } from '../errors.js';
import { evaluateFeel, feelBody, isFeel, variablesReadBy } from '../feel/feel-expression.js';

export interface StartDeclaration {
  startEventId: string;
  outputs: { source: string; target: string }[];
  /** The payload variables the outputs read. */
  declared: string[];
}

/** The declaration of a process's none start event, or undefined when it declares nothing. */
export function startDeclarationOf(model: ProcessModel): StartDeclaration | undefined {
  const startEvent = model.noneStartEventId ? model.elements.get(model.noneStartEventId) : undefined;
  if (!startEvent?.outputs?.length) return undefined;
  const declared = new Set<string>();
  for (const { source } of startEvent.outputs) {
    if (isFeel(source)) for (const name of variablesReadBy(feelBody(source))) declared.add(name);
  }
  return { startEventId: startEvent.id, outputs: startEvent.outputs, declared: [...declared].sort() };
}

/**
 * The process variables a start with `payload` begins with. Throws
 * StratumError('invalid') naming each undeclared variable as `/variables/<name>`.
 */
export function mapStartVariables(model: ProcessModel, declaration: StartDeclaration, payload: Record<string, unknown>): Record<string, unknown> {
  const undeclared = Object.keys(payload).filter((name) => !declaration.declared.includes(name));
  if (undeclared.length) {
    const accepted = declaration.declared.length ? declaration.declared.join(', ') : 'none';
    throw new StratumError('invalid', `${model.key} does not start with ${undeclared.join(', ')}: its start event ${declaration.startEventId} declares ${accepted}`, {
      errors: undeclared.map((name) => ({
        field: `/variables/${pointerSegment(name)}`,
        message: `is not a start variable of ${model.key} (its start event declares ${accepted})`,
      })),
    });
  }
  // A declared variable the caller left out is null, as for a task's completion.
  const scope: Record<string, unknown> = Object.fromEntries(declaration.declared.map((name) => [name, null]));
  Object.assign(scope, payload);
  const variables: Record<string, unknown> = {};
  for (const { source, target } of declaration.outputs) {
    try {
      variables[target] = isFeel(source) ? evaluateFeel(feelBody(source), scope) : source;
    } catch (error) {
      throw new StratumError('invalid', `output mapping ${target} of start event ${declaration.startEventId}: ${(error as Error).message}`, {
        errors: variablesReadBy(isFeel(source) ? feelBody(source) : '').map((name) => ({
          field: `/variables/${pointerSegment(name)}`,
          message: `the start event's output ${target} cannot be computed from it`,
        })),
      });
    }
  }
  return variables;
}

const pointerSegment = (name: string) => name.replaceAll('~', '~0').replaceAll('/', '~1');
