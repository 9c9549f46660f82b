// The .dmn files of a deployment (or of `stratum validate`): read with the DMN
// evaluator's own reader, so a file that deploys is one the runtime can
// evaluate. Their decision ids are what business rule tasks may call, besides
// the decisions already deployed. Browser-safe.
import { DmnParseError, parseDmn, type DmnModel } from '../dmn/dmn-model.js';
import type { Finding } from '../errors.js';
import { tooDeeplyNested, tooDeepMessage } from '../bpmn/nesting-depth.js';
import { illegalCharacterMessage, illegalXmlCharacter } from '../bpmn/xml-characters.js';
import { strayAmpersand, strayAmpersandMessage } from '../bpmn/xml-ampersands.js';

export interface DmnSource {
  /** File name, set on the findings. */
  name: string;
  xml: string;
}

export interface ReadDmn {
  /** The files that were read, with their decisions. */
  models: { file: DmnSource; model: DmnModel }[];
  findings: Finding[];
}

const DMN_NAMESPACE = /xmlns(?::[\w.-]+)?\s*=\s*["']https?:\/\/www\.omg\.org\/spec\/DMN\//;
const BPMN_NAMESPACE = /xmlns(?::[\w.-]+)?\s*=\s*["']http:\/\/www\.omg\.org\/spec\/BPMN\/20100524\/MODEL["']/;

/** A .dmn file, or an .xml file that is a DMN document rather than BPMN. */
export function isDmnSource(file: DmnSource): boolean {
  if (/\.dmn$/i.test(file.name)) return true;
  return /\.xml$/i.test(file.name) && DMN_NAMESPACE.test(file.xml) && !BPMN_NAMESPACE.test(file.xml);
}

/** Reads DMN files; a file that does not read, has no decision, or repeats another file's decision id is an error. */
export async function readDmnSources(files: DmnSource[]): Promise<ReadDmn> {
  const models: ReadDmn['models'] = [];
  const findings: Finding[] = [];
  const definedIn = new Map<string, string>();
  for (const file of files) {
    const finding = (elementId: string | null, rule: string, message: string): Finding => ({ file: file.name, elementId, rule, severity: 'error', message });
    if (/<!DOCTYPE|<!ENTITY/i.test(file.xml)) {
      findings.push(finding(null, 'xml-doctype', 'the document declares a DOCTYPE; DMN files must not contain DOCTYPE or entity declarations (they are never expanded)'));
      continue;
    }
    const deep = tooDeeplyNested(file.xml);
    if (deep) {
      findings.push(finding(deep.id, 'xml-nesting', tooDeepMessage(deep)));
      continue;
    }
    const illegal = illegalXmlCharacter(file.xml);
    if (illegal) {
      findings.push(finding(null, 'xml-characters', illegalCharacterMessage(illegal)));
      continue;
    }
    const stray = strayAmpersand(file.xml);
    if (stray) {
      findings.push(finding(null, 'dmn-parse', strayAmpersandMessage(stray)));
      continue;
    }
    let model: DmnModel;
    try {
      model = await parseDmn(file.xml);
    } catch (error) {
      const message = error instanceof DmnParseError ? error.message : `not a readable DMN document: ${(error as Error).message}`;
      findings.push(finding(error instanceof DmnParseError ? error.elementId ?? null : null, 'dmn-parse', message.replace(/\s+/g, ' ').trim()));
      continue;
    }
    if (model.decisions.size === 0) {
      findings.push(finding(null, 'no-decision', 'the file contains no decision'));
      continue;
    }
    for (const decisionId of model.decisions.keys()) {
      const other = definedIn.get(decisionId);
      if (other !== undefined) {
        findings.push(finding(decisionId, 'duplicate-decision',
          `decision "${decisionId}" is also defined in ${other}; a decision id names one decision and must be unique in a deployment`));
      }
      definedIn.set(decisionId, file.name);
    }
    models.push({ file, model });
  }
  return { models, findings };
}
