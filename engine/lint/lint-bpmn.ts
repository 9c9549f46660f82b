// Deploy-time validation: the Stratum ruleset (config.ts) run by bpmnlint over
// a parsed document, with findings that name the element. A document that does
// not parse, or that declares a DOCTYPE (entity expansion must never happen),
// gives one finding instead. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import bpmnlint from 'bpmnlint';
import { completeFlowReferences } from '../bpmn/flow-references.js';
import { isExecutableProcess } from '../bpmn/process-model.js';
import { BpmnParseError, parseBpmn, type ParsedBpmn } from '../bpmn/moddle.js';
import { tooDeeplyNested, tooDeepMessage } from '../bpmn/nesting-depth.js';
import { illegalCharacterMessage, illegalXmlCharacter } from '../bpmn/xml-characters.js';
import { strayAmpersand, strayAmpersandMessage } from '../bpmn/xml-ampersands.js';
import type { Finding } from '../errors.js';
import { stratumLintConfigWith, stratumResolver, withReportSeverities, type LintContext } from './config.js';
import { isDmnSource, readDmnSources } from './dmn-sources.js';
import { ElementLabel } from './element-label.js';
import { elementsById } from './rule-api.js';
import { lookalikeKeyFindings } from './lookalike-keys.js';
import { houseRuleProcessKeys, orderCallTree, orderEntryFindings } from './order-call-tree.js';
import { mergeSupplies, processSuppliesOf, type ProcessSupply } from './variable-supply.js';

export interface LintOptions extends LintContext {
  /**
   * Keys of the processes a call activity may name besides those in the same
   * document (the deployed library, and the other files of the deployment).
   * Without it, call activities are only checked for naming a process at all.
   */
  knownProcessKeys?: string[];
  /**
   * What the deployed library's processes supply (variable-supply.ts), so a
   * condition may read what a caller or a called process supplies. lintSources
   * adds the files being deployed. Without it, a document alone is the world.
   */
  processSupplies?: ProcessSupply[];
}

const { Linter } = bpmnlint;
const STRATUM_PREFIX = 'stratum/';

/** Runs the Stratum ruleset over parsed definitions. */
export async function lintDefinitions(definitions: ModdleElement, options: LintOptions = {}): Promise<Finding[]> {
  // bpmnlint's global and no-bpmndi rules crash on a document without root
  // elements or diagrams; moddle's get() gives such collections as empty lists.
  if (typeof definitions?.get === 'function') {
    definitions.get('rootElements');
    definitions.get('diagrams');
  }
  const linter = new Linter({ config: stratumLintConfigWith(options), resolver: stratumResolver });
  const elements = elementsById(definitions);
  const results = await linter.lint(definitions);
  // bpmnlint's own messages reworded first, so a warning's reason (withReportSeverities) ends every message alike
  for (const [ruleName, reports] of Object.entries(results)) {
    if (ruleName.startsWith(STRATUM_PREFIX)) continue;
    for (const report of reports) {
      if (report.category === 'rule-error' || typeof report.id !== 'string' || !report.id) continue;
      report.message = explainBuiltIn(ruleName, elements.get(report.id), report.message);
    }
  }
  withReportSeverities(results);

  const findings: Finding[] = [];
  for (const [ruleName, reports] of Object.entries(results)) {
    const rule = ruleName.startsWith(STRATUM_PREFIX) ? ruleName.slice(STRATUM_PREFIX.length) : ruleName;
    for (const report of reports) {
      const elementId: string | null = typeof report.id === 'string' && report.id ? report.id : null;
      if (report.category === 'rule-error') {
        findings.push({ elementId, rule, severity: 'error', message: ruleCrashMessage(rule, report.message) });
        continue;
      }
      findings.push({ elementId, rule, severity: report.category === 'error' ? 'error' : 'warning', message: report.message });
    }
  }
  return sortFindings(withoutDiagramSummarised(definitions, findings));
}

/**
 * Findings for a document parsed with parseBpmn: its import warnings, then the
 * ruleset's findings. Fills in omitted <incoming>/<outgoing> first, as deploy does.
 */
export async function lintParsed(parsed: ParsedBpmn, options: LintOptions = {}): Promise<Finding[]> {
  completeFlowReferences(parsed.definitions);
  const importFindings = parsed.warnings.map((warning) => importFinding(warning, parsed.warningElements.get(warning)));
  return sortFindings([...importFindings, ...(await lintDefinitions(parsed.definitions, options))]);
}

/** What a rule that threw says, at deploy and in the modeler's Problems panel: the document went unchecked by it. */
export function ruleCrashMessage(rule: string, error: string): string {
  return `The check "${rule}" failed on this document: ${error}`;
}

/** Parses and lints BPMN XML. Never throws for a bad document: that is a finding. */
export async function lintXml(xml: string, options: LintOptions = {}): Promise<Finding[]> {
  const refused = doctypeFinding(xml) ?? nestingFinding(xml) ?? characterFinding(xml) ?? ampersandFinding(xml);
  if (refused) return [refused];
  let parsed: ParsedBpmn;
  try {
    parsed = await parseBpmn(xml);
  } catch (error) {
    return [parseFinding(error)];
  }
  return lintParsed(parsed, options);
}

export interface BpmnSource {
  /** File name, set on the findings. */
  name: string;
  xml: string;
}

/**
 * Lints files that are deployed (or validated) together: a call activity may
 * name a process of any of them, besides `knownProcessKeys` (the library).
 * Also refuses a file without a process (`no-process`) and a process id defined
 * in two files (`duplicate-process`). Every finding carries its file name.
 */
export async function lintFiles(files: BpmnSource[], options: LintOptions = {}): Promise<Finding[]> {
  // .dmn files deploy beside the BPMN: their decisions are what business rule tasks may call
  const dmn = await readDmnSources(files.filter(isDmnSource));
  const knownDecisionIds = [...(options.knownDecisionIds ?? []), ...dmn.models.flatMap(({ model }) => [...model.decisions.keys()])];
  const bpmn = await lintSources(await parseSources(files.filter((file) => !isDmnSource(file))), { ...options, knownDecisionIds });
  return sortFindingsByFile([...dmn.findings, ...bpmn], files);
}

/** A file read for linting: its parsed model, or the findings that kept it from being parsed. */
export interface ParsedSource {
  file: BpmnSource;
  parsed?: ParsedBpmn;
  findings?: Finding[];
}

/** Parses files for `lintSources` (a DOCTYPE, elements nested too deep or characters XML does not allow are refused before parsing); callers that need the models keep them. */
export function parseSources(files: BpmnSource[]): Promise<ParsedSource[]> {
  return Promise.all(
    files.map(async (file): Promise<ParsedSource> => {
      const refused = doctypeFinding(file.xml) ?? nestingFinding(file.xml) ?? characterFinding(file.xml) ?? ampersandFinding(file.xml);
      if (refused) return { file, findings: [refused] };
      try {
        return { file, parsed: await parseBpmn(file.xml) };
      } catch (error) {
        return { file, findings: [parseFinding(error)] };
      }
    }),
  );
}

/** `lintFiles` for files already parsed with `parseSources`. */
export async function lintSources(documents: ParsedSource[], options: LintOptions = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const keys = new Set(options.knownProcessKeys ?? []);
  const definedIn = new Map<string, string>();
  for (const document of documents) {
    if (!document.parsed) continue;
    const roots = document.parsed.definitions.rootElements ?? [];
    const processes = roots.filter(isExecutableProcess);
    if (processes.length === 0) findings.push({ file: document.file.name, ...noProcessFinding(roots, document.parsed.warnings) });
    for (const process of processes) {
      const other = definedIn.get(process.id);
      if (other !== undefined) {
        findings.push({
          file: document.file.name,
          elementId: process.id,
          rule: 'duplicate-process',
          severity: 'error',
          message: `process "${process.id}" is also defined in ${other}; a process id is its key and must be unique in a deployment`,
        });
      }
      definedIn.set(process.id, document.file.name);
      keys.add(process.id);
    }
  }
  // The files deployed together replace the deployed versions of their keys.
  const deployed = documents.flatMap((document) => (document.parsed ? processSuppliesOf(document.parsed.definitions) : []));
  const processSupplies = mergeSupplies(options.processSupplies ?? [], deployed);
  const houseRules = { houseRules: options.requireTaskGroups === true, libraryProcessKeys: options.libraryProcessKeys ?? [] };
  const roots = [...(options.libraryProcessKeys ?? []), ...documents.flatMap((document) => (document.parsed ? houseRuleProcessKeys(document.parsed.definitions, houseRules) : []))];
  const orderProcessKeys = [...new Set([...(options.orderProcessKeys ?? []), ...orderCallTree(roots, processSupplies)])].sort();
  for (const document of documents) {
    const own = document.parsed
      ? await lintParsed(document.parsed, {
        ...options, knownProcessKeys: [...keys], deploymentProcessKeys: [...definedIn.keys()], processSupplies, ...(orderProcessKeys.length && { orderProcessKeys }),
      })
      : document.findings!;
    findings.push(...own.map((finding) => ({ file: document.file.name, ...finding })));
  }
  const ownKeys = documents.flatMap((document) => (document.parsed ? processSuppliesOf(document.parsed.definitions).map(({ key }) => ({ key, file: document.file.name })) : []));
  findings.push(...lookalikeKeyFindings(ownKeys, options.knownProcessKeys ?? []));
  const parsedDocuments = documents.flatMap((document) => (document.parsed ? [{ name: document.file.name, definitions: document.parsed.definitions }] : []));
  findings.push(...orderEntryFindings(parsedDocuments, processSupplies, options.processSupplies));
  return sortFindingsByFile(findings, documents.map((document) => document.file));
}

/**
 * Why a file deploys nothing: no process at all (naming what it holds instead: a choreography, a conversation), or
 * only processes marked `isExecutable="false"` (Zeebe refuses such a file too: "at least one executable process").
 */
function noProcessFinding(roots: ModdleElement[], warnings: string[]): Finding {
  const descriptive = roots.filter((root) => root.$type === 'bpmn:Process');
  if (descriptive.length) {
    const named = descriptive.map((process) => `"${process.id}"`).join(', ');
    return {
      elementId: descriptive[0].id,
      rule: 'no-process',
      severity: 'error',
      message: `the file contains no executable process: ${descriptive.length === 1 ? 'process' : 'processes'} ${named} ${descriptive.length === 1 ? 'is' : 'are'} marked isExecutable="false" (documentation, which Stratum keeps but does not run); set isExecutable="true" on the process to deploy`,
    };
  }
  if (warnings.some((warning) => /unparsable content <[^>]*process>/i.test(warning))) {
    return { elementId: null, rule: 'no-process', severity: 'error', message: 'the file contains no process that can be read (see the xml-import finding)' };
  }
  const others = roots.filter((root) => NOT_RUN[root.$type]);
  if (others.length) {
    const named = others.map((root) => `${NOT_RUN[root.$type]} "${root.id}"`).join(', ');
    return { elementId: others[0].id ?? null, rule: 'no-process', severity: 'error', message: `the file contains no process, only ${named}; Stratum runs processes, and a choreography or conversation has none to run` };
  }
  return { elementId: null, rule: 'no-process', severity: 'error', message: 'the file contains no process' };
}

/** Root elements that describe an exchange but hold no process Stratum could run. */
const NOT_RUN: Record<string, string> = {
  'bpmn:Choreography': 'the choreography',
  'bpmn:GlobalChoreographyTask': 'the global choreography task',
  'bpmn:Collaboration': 'the collaboration',
  'bpmn:GlobalConversation': 'the global conversation',
};

/** A DOCTYPE (and with it any entity declaration) is refused before parsing. */
export function doctypeFinding(xml: string): Finding | undefined {
  if (!/<!DOCTYPE/i.test(xml)) return undefined;
  return {
    elementId: null,
    rule: 'xml-doctype',
    severity: 'error',
    message: 'the document declares a DOCTYPE; BPMN files must not contain DOCTYPE or entity declarations (they are never expanded). Remove the <!DOCTYPE …> line',
  };
}

/** Elements nested deeper than any diagram nests them are refused before parsing (bpmn/nesting-depth.ts). */
export function nestingFinding(xml: string): Finding | undefined {
  const deep = tooDeeplyNested(xml);
  if (!deep) return undefined;
  return {
    elementId: deep.id,
    rule: 'xml-nesting',
    severity: 'error',
    message: `${tooDeepMessage(deep)}; move the inner part into a process of its own and call it`,
  };
}

/** A character XML does not allow, as itself or as a reference, is refused before parsing (bpmn/xml-characters.ts). */
export function characterFinding(xml: string): Finding | undefined {
  const found = illegalXmlCharacter(xml);
  return found && { elementId: null, rule: 'xml-characters', severity: 'error', message: illegalCharacterMessage(found) };
}

/** An `&` that begins no reference XML defines makes the file no XML (bpmn/xml-ampersands.ts). */
export function ampersandFinding(xml: string): Finding | undefined {
  const found = strayAmpersand(xml);
  return found && { elementId: null, rule: 'xml-parse', severity: 'error', message: strayAmpersandMessage(found) };
}

// helpers

function parseFinding(error: unknown): Finding {
  const message = error instanceof BpmnParseError ? error.message : `not a readable BPMN 2.0 document: ${(error as Error).message}`;
  return { elementId: null, rule: 'xml-parse', severity: 'error', message: oneLine(message) };
}

function importFinding(warning: string, foundIn: string | undefined): Finding {
  // A duplicate id would make the runtime confuse two elements, and an element
  // with an id that is no XML name (`1abc`, `a b`; names in any script are read,
  // bpmn/file-ids.ts) is dropped with everything inside it: both change what
  // runs, so they are errors.
  const dropsContent = /duplicate id|illegal id/i.test(warning);
  const illegalId = /illegal ID <([^>]*)>/i.exec(warning)?.[1];
  const duplicateId = /duplicate ID <([^>]*)>/i.exec(warning)?.[1];
  return {
    elementId: illegalId ?? duplicateId ?? foundIn ?? null,
    rule: 'xml-import',
    severity: dropsContent ? 'error' : 'warning',
    message: illegalId
      ? `the id "${illegalId}" is not a valid BPMN id (an XML name: a letter of any script or "_" first, then letters, digits, "_", "-" and ".", no spaces), so the element cannot be read: ${oneLine(warning)}`
      : duplicateId
        ? `the id "${duplicateId}" is used by two elements, and references to it can only name the first; give each element an id of its own: ${oneLine(warning)}`
        : oneLine(warning),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\s+/g, ' ').trim();
}


/** bpmnlint's messages ("Element is missing label/name") rephrased to name the element and say why it matters. */
function explainBuiltIn(rule: string, element: ModdleElement | undefined, message: string): string {
  if (!element) return message;
  const label = ElementLabel(element);
  switch (rule) {
    case 'start-event-required':
      return `${label} has no start event; add one so instances can start`;
    case 'end-event-required':
      return `${label} has no end event; add one so instances visibly finish`;
    case 'no-disconnected':
      return `${label} is not connected to the flow, so it can never run; connect it or remove it`;
    case 'no-implicit-split':
      return `${label} has several outgoing flows without conditions, so all of them are taken at once; split with a parallel gateway (or an exclusive gateway with conditions)`;
    case 'label-required':
      return `${label} has no name; name it so people can read the diagram`;
    case 'no-bpmndi':
      return `${label} has no diagram shape (BPMN DI), so the modeler cannot show it`;
    case 'no-implicit-start':
      return `${label} has no incoming flow and is not a start event; connect it`;
    case 'no-implicit-end':
      return `${label} has no outgoing flow and is not an end event; connect it to an end event`;
    default:
      return `${label}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  }
}

/** A file without any diagram gets one no-bpmndi warning, not one per element. */
function withoutDiagramSummarised(definitions: ModdleElement, findings: Finding[]): Finding[] {
  if ((definitions.diagrams ?? []).length > 0) return findings;
  const missingShapes = findings.filter((finding) => finding.rule === 'no-bpmndi');
  if (missingShapes.length === 0) return findings;
  return [
    ...findings.filter((finding) => finding.rule !== 'no-bpmndi'),
    {
      elementId: null,
      rule: 'no-bpmndi',
      severity: missingShapes[0].severity,
      message: 'the file has no diagram (BPMN DI), so the modeler cannot show it; open and save it in a BPMN modeler to lay it out',
    },
  ];
}

/** Grouped by file in the order given, errors first within each file. */
function sortFindingsByFile(findings: Finding[], files: BpmnSource[]): Finding[] {
  const order = new Map(files.map((file, index) => [file.name, index]));
  const rank = (finding: Finding) => (finding.severity === 'error' ? 0 : 1);
  return [...findings].sort((a, b) => (order.get(a.file!) ?? 0) - (order.get(b.file!) ?? 0) || rank(a) - rank(b));
}

function sortFindings(findings: Finding[]): Finding[] {
  const rank = (finding: Finding) => (finding.severity === 'error' ? 0 : 1);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}
