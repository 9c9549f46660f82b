import type { ApiClient, ImpactReport } from '../../api/client';
import { el } from '../../dom/element';
import { compareVersions, type VersionComparison } from '../diff/VersionDiff';
import { comparisonList, isSemanticallyEmpty } from '../diff/ComparisonList';
import { withServerProperties } from '../diff/server-properties';
import { changeCounts } from './change-counts';
import { asNewProcess, emptyProcess } from './new-process';
import type { PlannedProcess } from './DeployPlan';
import { deployedLatest, noElementChangeLine, processHeading, versionOutcome } from './version-outcome';

/**
 * What each file of a deployment changes against its latest deployed version, with the
 * History diff's semantic comparison: every added, removed and changed element by name.
 * What bpmn-js-differ sees only as "changed" (extension elements: called process, job type,
 * candidate groups …) gets its properties from the server's diff in the impact report.
 */
export async function changesOf(processes: PlannedProcess[], api: ApiClient, report?: ImpactReport): Promise<HTMLElement> {
  const parts = await Promise.all(processes.map(async (planned) => {
    // compared with the version the server would replace, which a deployment from elsewhere may have made newer
    const process = { ...planned, latestVersion: deployedLatest(planned.key, planned.latestVersion, report) };
    let comparison: VersionComparison;
    let latestXml: string | null = null;
    try {
      latestXml = process.latestVersion === null ? null : await api.getVersionXml(process.key, process.latestVersion);
      comparison = await compareVersions(latestXml ?? emptyProcess(process.key), process.xml, process.key);
      if (process.latestVersion === null) comparison = asNewProcess(comparison, process.key);
      else comparison = withServerProperties(comparison, report?.processes.find((candidate) => candidate.key === process.key)?.diff);
    } catch (error) {
      return el('div', { className: 'deploy-process', 'data-key': process.key },
        el('h3', {}, process.key), el('p', { className: 'empty' }, `The changes could not be read: ${(error as Error).message}`));
    }
    const outcome = versionOutcome(process, latestXml, report);
    const newProcess = process.latestVersion === null;
    return el('div', { className: 'deploy-process', 'data-key': process.key },
      el('h3', {}, processHeading(process.key, outcome)),
      el('p', { className: 'deploy-counts' }, isSemanticallyEmpty(comparison)
        ? noElementChangeLine(outcome, comparison.layoutChanged.length > 0)
        : changeCounts(comparison, newProcess)),
      comparisonList(comparison, undefined, { newProcess }));
  }));
  return el('div', { className: 'deploy-changes' }, parts);
}
