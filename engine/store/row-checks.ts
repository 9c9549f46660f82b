import { StratumError } from '../errors.js';
import type { InstanceFilter, WaitRow } from './types.js';

// Checks both stores make before writing, so that a caller's mistake is a
// clear error instead of rows filed under the wrong instance.

export function checkWaitsOfInstance(instanceId: string, waits: WaitRow[]): void {
  const seen = new Set<string>();
  for (const wait of waits) {
    if (wait.instanceId !== instanceId) {
      throw new StratumError(
        'invalid',
        `replaceWaits(${instanceId}): wait ${wait.id} belongs to instance ${wait.instanceId}`,
      );
    }
    if (seen.has(wait.id)) {
      throw new StratumError('invalid', `replaceWaits(${instanceId}): wait id ${wait.id} appears twice`);
    }
    seen.add(wait.id);
  }
}

/** The page of a filter as (limit, offset); limit null means all rows. */
export function pageOf(filter: InstanceFilter): { limit: number | null; offset: number } {
  const { limit, offset } = filter;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new StratumError('invalid', `limit must be a non-negative integer, got ${limit}`);
  }
  if (offset !== undefined && !(Number.isInteger(offset) && offset >= 0)) {
    throw new StratumError('invalid', `offset must be a non-negative integer, got ${offset}`);
  }
  return { limit: limit ?? null, offset: offset ?? 0 };
}

/** The filter without its page: a count covers every page. */
export function everyPage(filter: InstanceFilter): InstanceFilter {
  const { after: _after, limit: _limit, offset: _offset, ...conditions } = filter;
  return conditions;
}

export function checkLimit(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0)) {
    throw new StratumError('invalid', `${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * A wait's candidate rows, one table per kind (without the store's table prefix): each candidate once, in the given
 * order, carrying the wait's createdAt so that a group's or a person's tasks page in order from one index.
 */
export const CANDIDATE_ROWS = [
  { table: 'wait_groups', column: 'grp', names: (wait: WaitRow) => distinct(wait.candidateGroups) },
  { table: 'wait_users', column: 'user_name', names: (wait: WaitRow) => distinct(wait.candidateUsers) },
] as const;

function distinct(names: string[] | null): string[] {
  return names ? [...new Set(names)] : [];
}

/** Order of jobs handed to workers: oldest first, then by id. */
export function byCreatedAtThenId(a: WaitRow, b: WaitRow): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
