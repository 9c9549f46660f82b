// What a worker must serve for a set of files: every job type their service,
// send and business-rule tasks and job-carrying events publish (Camunda 8
// task definitions, Camunda 7 external topics, and the types derived from Java
// delegates, expressions and connectors: bpmn/camunda7-jobs.ts), with where
// each comes from. `stratum validate` prints it.
import type { ModdleElement } from 'bpmn-moddle';
import { parseBpmn } from '../bpmn/moddle.js';
import { compileProcessModels } from '../bpmn/process-model.js';
import type { BpmnSource } from '../lint/lint-bpmn.js';

export interface JobTypeUse {
  type: string;
  file: string;
  processKey: string;
  elementId: string;
  /** The headers the worker receives (the Camunda 7 attribute a type was derived from, zeebe:taskHeaders). */
  headers: Record<string, string>;
}

/** The job types of the .bpmn files, in file and document order; files that do not parse are left out (lint reports them). */
export async function jobTypesOf(files: BpmnSource[]): Promise<JobTypeUse[]> {
  const uses: JobTypeUse[] = [];
  for (const file of files) {
    if (/\.dmn$/i.test(file.name)) continue;
    let definitions: ModdleElement;
    try {
      definitions = (await parseBpmn(file.xml)).definitions;
    } catch {
      continue;
    }
    // a pool marked isExecutable="false" is documentation: nothing in it is deployed, so no worker serves it
    for (const model of compileProcessModels(definitions).filter((candidate) => candidate.isExecutable)) {
      for (const info of model.elements.values()) {
        if (!info.jobType) continue;
        uses.push({ type: info.jobType, file: file.name, processKey: model.key, elementId: info.id, headers: info.jobHeaders ?? {} });
      }
    }
  }
  return uses;
}

/** One line per job type: `  <type>  <file>:<element>[, …] [from camunda:class="…"]`. */
export function formatJobTypes(uses: JobTypeUse[]): string[] {
  if (uses.length === 0) return [];
  const byType = new Map<string, JobTypeUse[]>();
  for (const use of uses) byType.set(use.type, [...(byType.get(use.type) ?? []), use]);
  const lines = [`Job types a worker must serve (${byType.size}):`];
  for (const [type, all] of byType) {
    const where = all.map((use) => `${use.file}:${use.elementId}`).join(', ');
    const origins = [...new Set(all.flatMap((use) => originOf(use.headers)))];
    const computed = type.startsWith('=') ? ' (computed when the job is created)' : '';
    lines.push(`  ${type}${computed}  ${where}${origins.length ? `  from ${origins.join(', ')}` : ''}`);
  }
  return lines;
}

function originOf(headers: Record<string, string>): string[] {
  return (['class', 'delegateExpression', 'expression', 'connectorId'] as const)
    .filter((name) => headers[name] !== undefined)
    .map((name) => `camunda:${name === 'connectorId' ? 'connector' : name}="${headers[name]}"`);
}
