// Camunda 7 code on a task becomes an external job: Stratum never runs code
// from a diagram, so a worker serves what Camunda 7 would have called in its
// own JVM. The job type is derived the way Camunda's 7-to-8 Diagram Converter
// derives it (docs/interop.md, "Code becomes a job"):
//
//   camunda:delegateExpression / camunda:expression
//     ${bean} or #{bean}                 → bean
//     ${bean.property}                   → beanProperty
//     any other expression (a method call such as #{service.post(id)})
//                                        → camunda-7-adapter (the job type of Camunda's
//                                          7 adapter worker, which reads the header)
//   camunda:class  org.example.ArchiveInvoiceService → archiveInvoiceService
//   camunda:connector with connectorId http-connector → http-connector
//
// The original attribute always reaches the worker as a header of the same
// name (`class`, `delegateExpression`, `expression`, `connectorId`), with
// `resultVariable` when the diagram names one. A connector's input parameters
// (text, ${…}, maps and lists) become the job's input variables; its output
// parameters (${…} over what the worker completes with) are the job's declared
// outputs. A script anywhere in them is never run (no-javascript refuses it).
// Browser-safe.
import { compileExpression } from '../expressions/compile-expression.js';
import { isJuel } from '../feel/juel.js';

/** The job type of Camunda's 7 adapter, for a delegate expression that is more than a bean name. */
export const CAMUNDA_7_ADAPTER_JOB_TYPE = 'camunda-7-adapter';

const DELEGATE_ATTRIBUTES = ['delegateExpression', 'expression', 'class'] as const;
type DelegateAttribute = (typeof DELEGATE_ATTRIBUTES)[number];

export interface Camunda7Job {
  type: string;
  /** What the diagram said, handed to the worker as custom headers. */
  headers: Record<string, string>;
  /** A connector's input parameters as FEEL sources (`=…`) or literal text. */
  inputs?: { source: string; target: string }[];
  /** A connector's output parameters: FEEL over the worker's completion. */
  outputs?: { source: string; target: string }[];
}

type AttributeOf = (element: unknown, name: string) => string | undefined;

// The parts of the moddle tree read here (camunda-bpmn-moddle's types).
interface ParameterDefinition {
  $type: string;
  entries?: { key?: string; value?: string; definition?: ParameterDefinition }[];
  items?: ParameterDefinition[];
  value?: string;
}
interface Parameter {
  name: string;
  value?: string;
  definition?: ParameterDefinition;
}
/** `camunda:inputOutput`, on an activity or inside its connector. */
export interface InputOutput {
  inputParameters?: Parameter[];
  outputParameters?: Parameter[];
}
interface Connector {
  connectorId?: unknown;
  inputOutput?: InputOutput;
}
interface CodeElement {
  eventDefinitions?: { $type: string }[];
}

/**
 * The job a Camunda 7 service, send or business-rule task (or a message throw
 * event, through its event definition) publishes for its Java code or
 * connector; undefined when it has none.
 */
export function camunda7JobOf(element: CodeElement, attribute: AttributeOf, connector: Connector | undefined): Camunda7Job | undefined {
  const owner = codeOwner(element, attribute);
  if (owner) {
    for (const name of DELEGATE_ATTRIBUTES) {
      const value = attribute(owner, name)?.trim();
      if (!value) continue;
      const resultVariable = attribute(owner, 'resultVariable')?.trim();
      return { type: delegateJobType(name, value), headers: { [name]: value, ...(resultVariable && { resultVariable }) } };
    }
  }
  const connectorId = typeof connector?.connectorId === 'string' ? connector.connectorId.trim() : '';
  if (!connectorId) return undefined;
  const { inputs, outputs } = camunda7Mappings(connector?.inputOutput);
  return { type: connectorId, headers: { connectorId }, ...(inputs.length && { inputs }), ...(outputs.length && { outputs }) };
}

type Mapping = { source: string; target: string };

/** A parameter whose `${…}` does not translate to FEEL (a method call, …): refused at deploy (feel-condition-syntax). */
export interface ParameterProblem {
  parameter: string;
  kind: 'input' | 'output';
  detail: string;
}

/**
 * Camunda 7 input/output parameters as Stratum's input and output mappings: each
 * input a FEEL source (`=…`, JUEL translated) or literal text, evaluated in order
 * into the activity's local variables (later inputs read earlier ones); each output
 * `=FEEL` over the activity's results, written to the process. Scripts are left out
 * (no-javascript refuses them), as are parameters that do not translate (`problems`).
 */
export function camunda7Mappings(inputOutput: InputOutput | undefined): { inputs: Mapping[]; outputs: Mapping[]; problems: ParameterProblem[] } {
  const problems: ParameterProblem[] = [];
  const read = (kind: 'input' | 'output') => (parameter: Parameter): Mapping[] => {
    let source: string | undefined;
    try {
      source = parameterSource(parameter);
    } catch (error) {
      problems.push({ parameter: parameter.name, kind, detail: (error as Error).message });
      return [];
    }
    if (source === undefined) return [];
    return [{ source: kind === 'output' && !source.startsWith('=') ? `=${feelString(source)}` : source, target: parameter.name }];
  };
  return {
    inputs: (inputOutput?.inputParameters ?? []).flatMap(read('input')),
    outputs: (inputOutput?.outputParameters ?? []).flatMap(read('output')),
    problems,
  };
}

/** The Diagram Converter's rule: a bean name, a bean and property, the adapter for anything else, a class's simple name. */
export function delegateJobType(attribute: DelegateAttribute, value: string): string {
  if (attribute === 'class') {
    const simpleName = value.slice(value.lastIndexOf('.') + 1);
    return simpleName.charAt(0).toLowerCase() + simpleName.slice(1);
  }
  const simple = /^[$#]\{\s*([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\s*\}$/.exec(value);
  const [, bean, property] = simple ?? [];
  if (bean) return property ? `${bean}${property.charAt(0).toUpperCase()}${property.slice(1)}` : bean;
  return CAMUNDA_7_ADAPTER_JOB_TYPE;
}

/** Whether a Camunda 7 expression calls a method (a bean's), which Stratum cannot evaluate. */
export function callsMethod(text: string): boolean {
  return isJuel(text) && /[A-Za-z_]\w*\s*\.\s*[A-Za-z_]\w*\s*\(/.test(text.replace(/\.(equals|getVariable|prop|stringValue|numberValue|boolValue)\s*\(/g, ''));
}

// helpers

/** The element with the code: the task itself, or a message throw/end event's event definition. */
function codeOwner(element: CodeElement, attribute: AttributeOf): unknown {
  if (DELEGATE_ATTRIBUTES.some((name) => attribute(element, name))) return element;
  const definition = (element.eventDefinitions ?? []).find((candidate) => candidate.$type === 'bpmn:MessageEventDefinition');
  return definition && DELEGATE_ATTRIBUTES.some((name) => attribute(definition, name)) ? definition : undefined;
}

/** An input/output parameter as a FEEL source (`=…`) or literal text; undefined for a script (never run). */
function parameterSource(parameter: Parameter): string | undefined {
  const definition = parameter.definition;
  if (definition) {
    const feel = definitionFeel(definition);
    return feel === undefined ? undefined : `=${feel}`;
  }
  const text = typeof parameter.value === 'string' ? parameter.value : '';
  // an empty parameter is a variable whose value is null, as in Camunda 7
  if (!text.trim()) return '=null';
  return isJuel(text.trim()) ? `=${compileExpression(text.trim()).feel}` : text;
}

function definitionFeel(definition: ParameterDefinition): string | undefined {
  switch (definition.$type) {
    case 'camunda:Map': {
      const entries: string[] = [];
      for (const entry of definition.entries ?? []) {
        const value = entry.definition ? definitionFeel(entry.definition) : textFeel(entry.value);
        if (value === undefined) return undefined;
        entries.push(`${feelString(entry.key ?? '')}: ${value}`);
      }
      return `{${entries.join(', ')}}`;
    }
    case 'camunda:List': {
      const items: string[] = [];
      for (const item of definition.items ?? []) {
        const value = item.$type === 'camunda:Value' ? textFeel(item.value) : definitionFeel(item);
        if (value === undefined) return undefined;
        items.push(value);
      }
      return `[${items.join(', ')}]`;
    }
    default:
      return undefined; // camunda:Script
  }
}

function textFeel(text: unknown): string {
  const value = typeof text === 'string' ? text.trim() : '';
  return isJuel(value) ? `(${compileExpression(value).feel})` : feelString(typeof text === 'string' ? text : '');
}

function feelString(text: string): string {
  return JSON.stringify(text);
}
