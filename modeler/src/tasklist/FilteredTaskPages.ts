// The list's Group and Order filters, applied by the server as Camunda Tasklist's are: each filter is its own
// first page of GET /api/tasks?mine=true, paged and polled like the unfiltered list, so it finds tasks beyond the
// pages loaded so far. The unfiltered pages stay kept while a filter is on: clearing it shows them again.
import { TASK_PAGE_SIZE, TaskPages } from './TaskPages';
import type { TasklistClient } from './TasklistClient';

export interface TaskFilter {
  /** One of the caller's groups (`candidateGroup`), or '' for all of them. */
  group: string;
  /** A whole order number (`businessKey`: the API matches it exactly), or '' for every order. */
  orderNo: string;
}

/** The API's business keys (`printableKey(200)` in server/schemas/common.ts): printable ASCII, no outer spaces. */
const ORDER_NUMBER = /^[!-~](?:[ -~]{0,198}[!-~])?$/;

/** Whether `value` can be an order number the API matches (a business key); anything else matches no task. */
export function isOrderNumber(value: string): boolean {
  return ORDER_NUMBER.test(value);
}

/**
 * The first page of the caller's open tasks that `filter` lets through; null when none can match: the API refuses
 * (400) an order number that cannot be a business key, and a person may type anything.
 */
export function firstTaskPage(filter: TaskFilter): string | null {
  if (filter.orderNo && !isOrderNumber(filter.orderNo)) return null;
  const query = new URLSearchParams({ mine: 'true' });
  if (filter.group) query.set('candidateGroup', filter.group);
  if (filter.orderNo) query.set('businessKey', filter.orderNo);
  query.set('limit', String(TASK_PAGE_SIZE));
  return `/api/tasks?${query}`;
}

export class FilteredTaskPages {
  private readonly unfiltered: TaskPages;
  private filteredPages: TaskPages | null = null;
  private inForce: TaskFilter = { group: '', orderNo: '' };

  constructor(private readonly client: Pick<TasklistClient, 'taskPage'>) {
    this.unfiltered = new TaskPages(client, firstTaskPage(this.inForce));
  }

  /** The pages of the filter in force. */
  get current(): TaskPages {
    return this.filteredPages ?? this.unfiltered;
  }

  /** The filter in force (the address shows it). */
  get filter(): TaskFilter {
    return { ...this.inForce };
  }

  get filtered(): boolean {
    return this.filteredPages !== null;
  }

  /**
   * Puts `filter` in force; false when it already was. A new filter starts with no pages loaded (each combination
   * is its own page set, read from its first page); no filter goes back to the unfiltered pages as they were loaded.
   */
  select(filter: TaskFilter): boolean {
    if (filter.group === this.inForce.group && filter.orderNo === this.inForce.orderNo) return false;
    this.inForce = { ...filter };
    this.filteredPages = filter.group || filter.orderNo ? new TaskPages(this.client, firstTaskPage(filter)) : null;
    return true;
  }
}
