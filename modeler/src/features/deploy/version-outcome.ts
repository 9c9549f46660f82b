import type { ImpactReport } from '../../api/client';

/**
 * What deploying a process does to its versions. The server stores version n+1 only for XML that differs from the
 * latest version's, byte for byte; identical XML is a no-op that keeps version n (engine/library/process-library.ts).
 */
export type VersionOutcome =
  | { kind: 'new'; version: number }
  | { kind: 'next'; from: number; to: number }
  | { kind: 'unchanged'; version: number };

/** A process of the deployment, as far as its outcome goes. */
export interface OutcomeInput {
  key: string;
  /** The latest deployed version this browser knows of; null for a new process. */
  latestVersion: number | null;
  xml: string;
}

/**
 * The outcome as the server will decide it. The impact report (POST /api/impact with the same files) lists exactly
 * the processes that would get a new version, by the deployment's own rule; without one, the rule is applied here:
 * `latestXml` is the latest deployed version's XML as the server serves it back (null for a new process).
 */
export function versionOutcome(process: OutcomeInput, latestXml: string | null, report?: ImpactReport): VersionOutcome {
  const impact = report?.processes.find((candidate) => candidate.key === process.key);
  if (impact) {
    return impact.previousVersion === null
      ? { kind: 'new', version: impact.version }
      : { kind: 'next', from: impact.previousVersion, to: impact.version };
  }
  if (process.latestVersion === null) return { kind: 'new', version: 1 };
  // left out of a report, or the very bytes deployed: the server keeps the latest version
  if (report || latestXml === process.xml) return { kind: 'unchanged', version: process.latestVersion };
  return { kind: 'next', from: process.latestVersion, to: process.latestVersion + 1 };
}

/**
 * The latest deployed version of a process as the server sees it: the impact report's `previousVersion` where the
 * report lists the process (null: new), else `known`, the library this browser loaded (refreshed when the dialog
 * opened). The report is asked for after that refresh, so a deployment from elsewhere in between shows in it.
 */
export function deployedLatest(key: string, known: number | null, report?: ImpactReport): number | null {
  const impact = report?.processes.find((candidate) => candidate.key === key);
  return impact ? impact.previousVersion : known;
}

/** The deploy dialog's first line: which version is the latest, and what a changed diagram becomes. */
export function deployIntro(key: string, latest: number | null, basedOn: number | null): string {
  if (latest === null) return `${key} is not in the library yet; it becomes version 1.`;
  const based = basedOn !== null && basedOn !== latest ? ` (your edits are based on version ${basedOn})` : '';
  return `Version ${latest} of ${key} is the latest${based}; a changed diagram becomes version ${latest + 1}.`;
}

/** The heading of a process in the deploy dialog: `order-to-cash: version 3 → 4`, `… unchanged (version 3)`, or new. */
export function processHeading(key: string, outcome: VersionOutcome): string {
  switch (outcome.kind) {
    case 'new': return `${key}: new process, becomes version ${outcome.version}`;
    case 'next': return `${key}: version ${outcome.from} → ${outcome.to}`;
    case 'unchanged': return `${key}: unchanged (version ${outcome.version})`;
  }
}

/**
 * The line under the heading when no element changed (History's semantic comparison), saying what deploying does
 * all the same: a new version for a changed layout or any other difference in the XML, none for the same XML.
 */
export function noElementChangeLine(outcome: VersionOutcome, layoutChanged: boolean): string {
  switch (outcome.kind) {
    case 'unchanged': return `No changes: deploying keeps version ${outcome.version}.`;
    case 'new': return `No elements yet: deploying makes version ${outcome.version}.`;
    case 'next': return layoutChanged
      ? `Only the layout changed: deploying makes version ${outcome.to} all the same.`
      : `No element or layout changed, but the XML differs from version ${outcome.from}: deploying makes version ${outcome.to}.`;
  }
}

/**
 * What the status line says of a `.bpmn` file opened from disk whose process is in the library: whether deploying it
 * makes a new version, by the server's rule (a file with the very bytes of the latest version keeps it).
 */
export function openedFileOutcome(key: string, outcome: VersionOutcome): string {
  switch (outcome.kind) {
    case 'unchanged': return `library process ${key}, same as deployed version ${outcome.version}: deploying keeps it`;
    case 'next': return `library process ${key}, deploying makes version ${outcome.to}`;
    case 'new': return `new process ${key}, deploying makes version ${outcome.version}`;
  }
}
