import type { ImpactReport } from '../../api/client.js';

type Inside = ImpactReport['processes'][number]['runningOrders']['inside'];

/**
 * What the running orders inside a process keep, as the deploy dialog says it after their numbers: a running
 * instance finishes on the version it started, which need not be the latest (`they stay on version 1`, or with
 * orders on several versions `each stays on the version it started: 1, 2`).
 */
export function insideStays(inside: Inside, latestVersion: number): string {
  const versions = [...new Set(inside.orders.map((order) => order.version))].sort((a, b) => a - b);
  if (versions.length > 1) return `each stays on the version it started: ${versions.join(', ')}`;
  return `they stay on version ${versions[0] ?? latestVersion}`;
}
