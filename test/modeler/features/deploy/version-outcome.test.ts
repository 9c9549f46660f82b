// The deploy dialog heads each process with what deploying it does to its versions, as the server decides it:
// changed XML becomes version n+1, the very XML of the latest version is a no-op that keeps version n.
import { describe, expect, it } from 'vitest';
import type { ImpactReport } from '../../../../modeler/src/api/client.js';
import * as words from '../../../../modeler/src/features/deploy/version-outcome.js';
import type { OutcomeInput, VersionOutcome } from '../../../../modeler/src/features/deploy/version-outcome.js';

/** Typed here: the modeler's own imports (without .js) do not resolve for the tests' type checks. */
const versionOutcome: (process: OutcomeInput, latestXml: string | null, report?: ImpactReport) => VersionOutcome = words.versionOutcome;
const processHeading: (key: string, outcome: VersionOutcome) => string = words.processHeading;
const noElementChangeLine: (outcome: VersionOutcome, layoutChanged: boolean) => string = words.noElementChangeLine;
const openedFileOutcome: (key: string, outcome: VersionOutcome) => string = words.openedFileOutcome;
const deployedLatest: (key: string, known: number | null, report?: ImpactReport) => number | null = words.deployedLatest;
const deployIntro: (key: string, latest: number | null, basedOn: number | null) => string = words.deployIntro;

const DEPLOYED = '<bpmn:definitions id="v1"><bpmn:process id="invoice-check" /></bpmn:definitions>';
const MOVED = '<bpmn:definitions id="v1"><bpmn:process id="invoice-check" /><!-- moved a shape --></bpmn:definitions>';

type ProcessImpact = ImpactReport['processes'][number];

/** The impact report of a deployment, listing the processes that would get a new version (as POST /api/impact does). */
function report(processes: Pick<ProcessImpact, 'key' | 'version' | 'previousVersion'>[]): ImpactReport {
  return {
    processes: processes.map((process): ProcessImpact => ({
      ...process,
      diff: { key: process.key, process: [], elements: [], unchanged: true },
      whereUsed: [],
      runningOrders: { inside: { count: 0, orders: [] }, willPickUp: { count: 0, orders: [] }, couldPickUpOnChange: { count: 0, orders: [] } },
    })),
    decisions: [],
    replay: { orders: 0, changed: 0, blocked: 0, groups: [], ranOnOlderVersion: { count: 0, groups: [] }, durationMs: 0, paths: { fast: 0, engine: 0 }, baselineReplays: 0 },
    findings: [],
    relatedConditions: [],
    messages: [],
    blocking: false,
  };
}

const deployed = (xml: string): OutcomeInput => ({ key: 'invoice-check', latestVersion: 1, xml });

describe('the heading of a process in the deploy dialog', () => {
  it('heads a process whose XML is that of its latest version as unchanged, at that version, never as version n → n+1', () => {
    const outcome = versionOutcome(deployed(DEPLOYED), DEPLOYED, report([]));
    expect(outcome).toEqual({ kind: 'unchanged', version: 1 });
    expect(processHeading('invoice-check', outcome)).toBe('invoice-check: unchanged (version 1)');
    expect(noElementChangeLine(outcome, false)).toBe('No changes: deploying keeps version 1.');
  });

  it('heads a process the impact report lists with the version the server would create', () => {
    const outcome = versionOutcome(deployed(MOVED), DEPLOYED, report([{ key: 'invoice-check', version: 2, previousVersion: 1 }]));
    expect(processHeading('invoice-check', outcome)).toBe('invoice-check: version 1 → 2');
  });

  it('believes the report over the browser\'s library, which another designer\'s deployment may have outdated', () => {
    // the browser still knows version 1; the server has 2 (deployed from another browser) and would make 3
    expect(processHeading('invoice-check', versionOutcome(deployed(MOVED), DEPLOYED, report([{ key: 'invoice-check', version: 3, previousVersion: 2 }]))))
      .toBe('invoice-check: version 2 → 3');
  });

  it('without a report, applies the server\'s rule itself: the very bytes of the latest version keep it, any other byte makes n+1', () => {
    expect(versionOutcome(deployed(DEPLOYED), DEPLOYED)).toEqual({ kind: 'unchanged', version: 1 });
    expect(versionOutcome(deployed(MOVED), DEPLOYED)).toEqual({ kind: 'next', from: 1, to: 2 });
    // a line ending is a byte too: the server hashes the XML as sent
    expect(versionOutcome(deployed(DEPLOYED.replace('><bpmn:process', '>\r\n<bpmn:process')), DEPLOYED)).toEqual({ kind: 'next', from: 1, to: 2 });
  });

  it('heads a process not deployed yet as new, becoming version 1', () => {
    const fresh: OutcomeInput = { key: 'payment-check', latestVersion: null, xml: DEPLOYED };
    expect(processHeading('payment-check', versionOutcome(fresh, null))).toBe('payment-check: new process, becomes version 1');
    expect(processHeading('payment-check', versionOutcome(fresh, null, report([{ key: 'payment-check', version: 1, previousVersion: null }]))))
      .toBe('payment-check: new process, becomes version 1');
  });

  it('says a changed layout alone still makes a new version (the server versions the XML, layout and all)', () => {
    expect(noElementChangeLine({ kind: 'next', from: 1, to: 2 }, true)).toBe('Only the layout changed: deploying makes version 2 all the same.');
    expect(noElementChangeLine({ kind: 'next', from: 1, to: 2 }, false))
      .toBe('No element or layout changed, but the XML differs from version 1: deploying makes version 2.');
  });
});

describe('the status line after a .bpmn file of a library process is opened from disk', () => {
  it('says a file with the very bytes of the latest deployed version is the same, and deploying it keeps that version', () => {
    expect(openedFileOutcome('invoice-check', versionOutcome(deployed(DEPLOYED), DEPLOYED)))
      .toBe('library process invoice-check, same as deployed version 1: deploying keeps it');
  });

  it('says a file differing from the latest deployed version by any byte makes the next version', () => {
    expect(openedFileOutcome('invoice-check', versionOutcome(deployed(MOVED), DEPLOYED)))
      .toBe('library process invoice-check, deploying makes version 2');
  });
});

describe('the deploy dialog\'s latest version when another client deployed after this browser loaded the library', () => {
  // the browser loaded version 1; a CI pipeline deployed version 2 through POST /api/deployments since
  const fromCi = report([{ key: 'invoice-check', version: 3, previousVersion: 2 }]);

  it('takes the latest version from the impact report, which the server answers as it is now', () => {
    expect(deployedLatest('invoice-check', 1, fromCi)).toBe(2);
    expect(deployIntro('invoice-check', deployedLatest('invoice-check', 1, fromCi), 1))
      .toBe('Version 2 of invoice-check is the latest (your edits are based on version 1); a changed diagram becomes version 3.');
  });

  it('takes a process deployed first by another client as deployed, not as new', () => {
    expect(deployedLatest('payment-check', null, report([{ key: 'payment-check', version: 2, previousVersion: 1 }]))).toBe(1);
  });

  it('keeps the library\'s latest version for a process the report leaves out (unchanged) or without a report', () => {
    expect(deployedLatest('invoice-check', 2, report([]))).toBe(2);
    expect(deployedLatest('invoice-check', 2)).toBe(2);
    expect(deployIntro('invoice-check', 2, 2)).toBe('Version 2 of invoice-check is the latest; a changed diagram becomes version 3.');
    expect(deployIntro('payment-check', null, null)).toBe('payment-check is not in the library yet; it becomes version 1.');
  });
});
