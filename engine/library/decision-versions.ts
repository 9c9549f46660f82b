// DMN decisions deployed beside BPMN: each decision of a .dmn file is versioned
// by its id (Camunda's "latest" binding calls the newest version), and the
// whole file is kept as deployed, so it is served back byte for byte.
import { createHash } from 'node:crypto';
import type { DecisionDetail, DecisionSummary, DeployResult } from '../api.js';
import type { DmnModel } from '../dmn/dmn-model.js';
import type { DecisionVersionRow, StoreTx } from '../store/types.js';

export interface DeployedDmnFile {
  name: string;
  xml: string;
  model: DmnModel;
}

/**
 * A new version of every decision whose file changed; a decision whose latest version has the same file is a no-op,
 * except one that a process stored by this deployment pins with binding "deployment" (`boundByDeployment`): that
 * task evaluates the version deployed with its process, so the decision gets one in this deployment even unchanged,
 * as library/versioned-keys.ts does for a callee bound by deployment.
 */
export async function insertChangedDecisions(
  tx: StoreTx,
  files: DeployedDmnFile[],
  deployment: { deploymentId: string; deployedBy: string; deployedAt: string; note: string | null },
  boundByDeployment: ReadonlySet<string> = new Set(),
): Promise<DeployResult['decisions']> {
  if (files.length === 0) return [];
  const latest = new Map((await tx.latestDecisionVersions()).map((row) => [row.decisionId, row]));
  const results: DeployResult['decisions'] = [];
  for (const file of files) {
    const hash = createHash('sha256').update(file.xml).digest('hex');
    for (const decision of file.model.decisions.values()) {
      const before = latest.get(decision.id);
      if (before?.hash === hash && !boundByDeployment.has(decision.id)) {
        results.push({ id: decision.id, version: before.version, changed: false });
        continue;
      }
      const row: DecisionVersionRow = {
        decisionId: decision.id,
        version: (before?.version ?? 0) + 1,
        name: decision.name ?? null,
        fileName: file.name,
        xml: file.xml,
        hash,
        ...deployment,
      };
      await tx.insertDecisionVersion(row);
      results.push({ id: row.decisionId, version: row.version, changed: true });
    }
  }
  return results;
}

export function decisionSummary(row: DecisionVersionRow): DecisionSummary {
  return { id: row.decisionId, name: row.name, latestVersion: row.version, fileName: row.fileName, deployedAt: row.deployedAt };
}

export function decisionDetail(versions: DecisionVersionRow[]): DecisionDetail | undefined {
  const latest = versions.at(-1);
  if (!latest) return undefined;
  return {
    ...decisionSummary(latest),
    versions: versions.map((row) => ({
      version: row.version, fileName: row.fileName, deployedAt: row.deployedAt, deployedBy: row.deployedBy, note: row.note, deploymentId: row.deploymentId,
    })),
  };
}
