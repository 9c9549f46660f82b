// The process variables a person or a condition sees, apart from the engine's set-up
// (execution-environment.ts) so multi-instance.ts, which that set-up registers, can use it without a circle.
import { LOCAL_INPUTS_VARIABLE } from './local-inputs.js';

/** Keys bpmn-elements copies from its run message into process variables, and Stratum's own hidden one (local-inputs.ts). */
const ENGINE_VARIABLE_NOISE = new Set(['fields', 'content', 'properties', LOCAL_INPUTS_VARIABLE]);

/** Process variables without bpmn-elements' internal copies of its run message (nor the activities' local inputs). */
export function visibleVariables(variables: Record<string, unknown>): Record<string, unknown> {
  const visible: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(variables ?? {})) {
    if (!ENGINE_VARIABLE_NOISE.has(key)) visible[key] = value;
  }
  return visible;
}

/** Whether a condition or a person sees process variable `name`, and its value: null when it is not set or is noise. */
export function visibleValue(variables: Record<string, unknown>, name: string): unknown {
  return !ENGINE_VARIABLE_NOISE.has(name) && Object.hasOwn(variables ?? {}, name) ? variables[name] : null;
}
