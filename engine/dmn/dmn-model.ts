// A DMN 1.3 file read with dmn-moddle into the few shapes the evaluator needs:
// decisions with their required decisions and their logic (a decision table or
// a literal expression). Browser-safe: no Node-only imports, so the modeler's
// simulation can evaluate the same decisions the engine does.
import { migrateDiagram } from '@bpmn-io/dmn-migrate';
import { DmnModdle, type DmnElement, type DmnParseResult } from 'dmn-moddle';
import { astralReferencesAsCharacters } from '../bpmn/astral-references.js';

export type HitPolicy = 'UNIQUE' | 'FIRST' | 'PRIORITY' | 'ANY' | 'COLLECT' | 'RULE ORDER' | 'OUTPUT ORDER';
export type Aggregation = 'SUM' | 'MIN' | 'MAX' | 'COUNT';
/** The language of an expression: FEEL unless the file says otherwise (Camunda 7 also writes `juel`). */
export type ExpressionText = { text: string; language?: string };

interface DecisionInput {
  id: string;
  label?: string;
  expression: ExpressionText;
  /** Camunda 7's `camunda:inputVariable`: the name the input value has in its rules' tests (default `cellInput`). */
  inputVariable: string;
  /** The input expression's typeRef (`number`, `string`, Camunda 7's `integer` …), as written. */
  typeRef?: string;
}

interface DecisionOutput {
  id: string;
  /** The key of this output in a rule's result; the output's label when it has no name. */
  name: string;
  label?: string;
  /** The output's allowed values in order (`"high","medium","low"`): PRIORITY and OUTPUT ORDER rank by it. */
  outputValues?: string;
  /** DMN 1.3's `defaultOutputEntry`: the output's value when no rule matches. */
  defaultEntry?: ExpressionText;
}

interface DecisionRule {
  id: string;
  inputEntries: ExpressionText[];
  outputEntries: ExpressionText[];
}

export interface DecisionTable {
  kind: 'table';
  hitPolicy: HitPolicy;
  aggregation?: Aggregation;
  inputs: DecisionInput[];
  outputs: DecisionOutput[];
  rules: DecisionRule[];
}

interface LiteralExpressionLogic {
  kind: 'literal';
  expression: ExpressionText;
  /** The decision's `<variable name>`: the result's name (Camunda 7 entry key, Camunda 8 required-decision name). */
  variableName?: string;
}

export interface Decision {
  id: string;
  name?: string;
  /** Ids of the decisions this one requires (informationRequirement/requiredDecision), evaluated before it. */
  requires: string[];
  logic: DecisionTable | LiteralExpressionLogic;
  /**
   * The decision's version tag: Camunda 8's `<zeebe:versionTag value>` among its extension elements, Camunda 7's
   * `camunda:versionTag` attribute. What a business rule task bound by `versionTag` asks for.
   */
  versionTag?: string;
}

export interface DmnModel {
  id: string;
  name?: string;
  decisions: Map<string, Decision>;
}

export class DmnParseError extends Error {
  constructor(
    message: string,
    /** The element the problem is in (a decision, a rule), when the reader knows it. */
    readonly elementId?: string,
  ) {
    super(message);
    this.name = 'DmnParseError';
  }
}

const HIT_POLICIES = new Set<HitPolicy>(['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER', 'OUTPUT ORDER']);
const AGGREGATIONS = new Set<Aggregation>(['SUM', 'MIN', 'MAX', 'COUNT']);

const DMN13_URI = 'https://www.omg.org/spec/DMN/20191111/MODEL/';

/**
 * Reads a DMN document; anything the evaluator could not run is an error naming
 * the decision. DMN 1.1 and 1.2 files (Camunda Modeler before version 4) are
 * migrated to DMN 1.3 first, in memory, with bpmn.io's dmn-migrate.
 */
export async function parseDmn(xml: string): Promise<DmnModel> {
  let result: DmnParseResult;
  try {
    const text = astralReferencesAsCharacters(xml.trim());
    const dmn13 = text.includes(DMN13_URI) ? text : await migrateDiagram(text);
    result = await new DmnModdle().fromXML(dmn13, 'dmn:Definitions');
  } catch (error) {
    throw new DmnParseError(`not a readable DMN document: ${(error as Error).message}`);
  }
  const definitions = result.rootElement;
  if (!definitions || definitions.$type !== 'dmn:Definitions') {
    throw new DmnParseError('not a DMN 1.3 document: the root element must be dmn:definitions');
  }
  refuseDroppedContent(result.warnings ?? []);
  const decisions = new Map<string, Decision>();
  for (const element of definitions.drgElement ?? []) {
    if (element.$type !== 'dmn:Decision') continue;
    try {
      decisions.set(element.id, readDecision(element));
    } catch (error) {
      // a deployment's finding names the element: the decision whose table could not be read
      if (error instanceof DmnParseError && error.elementId === undefined) throw new DmnParseError(error.message, element.id);
      throw error;
    }
  }
  for (const decision of decisions.values()) {
    for (const required of decision.requires) {
      if (!decisions.has(required)) throw new DmnParseError(`decision ${decision.id} requires decision ${required}, which is not in the file`, decision.id);
    }
  }
  refuseRequirementCycles(decisions);
  return { id: definitions.id, ...(definitions.name && { name: definitions.name }), decisions };
}

// helpers

/**
 * dmn-moddle drops what it cannot read with only a warning: the second of two rules with one id, an element
 * with an id that is no XML name, a misspelled element. A table missing a rule decides otherwise than the file
 * says (an approval tier's rule gone), so each is refused naming the id or the line, as BPMN's duplicate ids are.
 */
function refuseDroppedContent(warnings: readonly { message: string }[]): void {
  for (const { message } of warnings) {
    const text = message.replace(/\s*\n\s*/g, ' ').trim();
    const duplicate = /duplicate ID <([^>]*)>/i.exec(text)?.[1];
    if (duplicate !== undefined) throw new DmnParseError(`the id "${duplicate}" is used by two elements, so the second is not read (a rule of a table would be lost); give each element an id of its own`, duplicate);
    const illegal = /illegal ID <([^>]*)>/i.exec(text)?.[1];
    if (illegal !== undefined) throw new DmnParseError(`the id "${illegal}" is not an XML name, so its element is not read: ${text}`, illegal);
    if (/unparsable content/i.test(text)) throw new DmnParseError(`an element cannot be read and would be left out: ${text}`);
  }
}

/** A decision that requires itself, directly or through others, has no result: refused when read, not when an order reaches it. */
function refuseRequirementCycles(decisions: Map<string, Decision>): void {
  const done = new Set<string>();
  const visit = (decision: Decision, path: string[]): void => {
    if (done.has(decision.id)) return;
    const start = path.indexOf(decision.id);
    if (start >= 0) {
      const cycle = [...path.slice(start), decision.id];
      throw new DmnParseError(`decision ${decision.id} requires itself (${cycle.join(' → ')}), so it can never be evaluated`, decision.id);
    }
    for (const required of decision.requires) visit(decisions.get(required)!, [...path, decision.id]);
    done.add(decision.id);
  };
  for (const decision of decisions.values()) visit(decision, []);
}

function versionTagOf(element: DmnElement): string | undefined {
  const values = element.extensionElements?.values ?? [];
  const zeebe = values.find((value) => value.$type?.toLowerCase() === 'zeebe:versiontag')?.value;
  if (typeof zeebe === 'string' && zeebe.trim()) return zeebe.trim();
  const camunda = Object.entries(element.$attrs ?? {}).find(([name]) => name.endsWith(':versionTag'))?.[1];
  return typeof camunda === 'string' && camunda.trim() ? camunda.trim() : undefined;
}

function readDecision(element: DmnElement): Decision {
  const where = `decision ${element.id}`;
  const requires = (element.informationRequirement ?? [])
    .map((requirement) => requirement.requiredDecision?.href)
    .filter((href: unknown): href is string => typeof href === 'string')
    .map((href: string) => href.replace(/^#/, ''));
  const logic = element.decisionLogic;
  const versionTag = versionTagOf(element);
  const base = { id: element.id, ...(element.name && { name: element.name }), requires, ...(versionTag && { versionTag }) };
  if (logic?.$type === 'dmn:DecisionTable') return { ...base, logic: readTable(logic, where) };
  if (logic?.$type === 'dmn:LiteralExpression') {
    return {
      ...base,
      logic: { kind: 'literal', expression: expressionOf(logic, `${where}: literal expression`), ...(element.variable?.name && { variableName: element.variable.name }) },
    };
  }
  throw new DmnParseError(`${where} has ${logic ? `a ${logic.$type}` : 'no decision logic'}; only decision tables and literal expressions can be evaluated`);
}

function readTable(table: DmnElement, where: string): DecisionTable {
  const hitPolicy = (table.hitPolicy ?? 'UNIQUE') as HitPolicy;
  if (!HIT_POLICIES.has(hitPolicy)) throw new DmnParseError(`${where} has the unknown hit policy "${hitPolicy}"`);
  const aggregation = table.aggregation as Aggregation | undefined;
  if (aggregation !== undefined) {
    if (!AGGREGATIONS.has(aggregation)) throw new DmnParseError(`${where} has the unknown aggregation "${aggregation}"`);
    if (hitPolicy !== 'COLLECT') throw new DmnParseError(`${where} aggregates (${aggregation}) under hit policy ${hitPolicy}; only COLLECT aggregates`);
  }
  const inputs: DecisionInput[] = (table.input ?? []).map((input) => ({
    id: input.id,
    ...(input.label && { label: input.label }),
    expression: expressionOf(input.inputExpression, `${where}: input ${input.label ?? input.id}`),
    inputVariable: input.$attrs?.['camunda:inputVariable'] || 'cellInput',
    ...(input.inputExpression?.typeRef?.trim() && { typeRef: input.inputExpression.typeRef.trim() }),
  }));
  const outputs: DecisionOutput[] = (table.output ?? []).map((output) => ({
    id: output.id,
    name: output.name || output.label || output.id,
    ...(output.label && { label: output.label }),
    ...(output.outputValues?.text?.trim() && { outputValues: output.outputValues.text }),
    ...(output.defaultOutputEntry?.text?.trim() && { defaultEntry: expressionOf(output.defaultOutputEntry, `${where}: default output entry of ${output.name || output.id}`) }),
  }));
  if (outputs.length === 0) throw new DmnParseError(`${where} has no output`);
  if (aggregation && outputs.length > 1) throw new DmnParseError(`${where} aggregates (${aggregation}) ${outputs.length} outputs; an aggregation needs exactly one`);
  const rules: DecisionRule[] = (table.rule ?? []).map((rule) => {
    const inputEntries = (rule.inputEntry ?? []).map((entry) => ({ text: entry.text ?? '', ...(entry.expressionLanguage && { language: entry.expressionLanguage }) }));
    const outputEntries = (rule.outputEntry ?? []).map((entry) => ({ text: entry.text ?? '', ...(entry.expressionLanguage && { language: entry.expressionLanguage }) }));
    if (inputEntries.length !== inputs.length || outputEntries.length !== outputs.length) {
      throw new DmnParseError(`${where}: rule ${rule.id} has ${inputEntries.length} input and ${outputEntries.length} output entries for ${inputs.length} inputs and ${outputs.length} outputs`);
    }
    return { id: rule.id, inputEntries, outputEntries };
  });
  return { kind: 'table', hitPolicy, ...(aggregation && { aggregation }), inputs, outputs, rules };
}

function expressionOf(expression: DmnElement | undefined, where: string): ExpressionText {
  const text = expression?.text;
  if (typeof text !== 'string' || !text.trim()) throw new DmnParseError(`${where} has no expression`);
  return { text, ...(expression?.expressionLanguage && { language: expression?.expressionLanguage }) };
}
