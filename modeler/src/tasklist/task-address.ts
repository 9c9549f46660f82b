// What the task list's address holds (/tasks?group=vice-president&order=SO-1001&task=…): the Group and Order
// filters and the open task, so a filtered list can be bookmarked or sent, and a reload or Back/Forward shows it
// again. An address is typed or pasted by people: a value that cannot be one is left out with a sentence saying so,
// never sent to the server.
import { isOrderNumber, type TaskFilter } from './FilteredTaskPages';

export interface TaskAddress {
  filter: TaskFilter;
  /** The open task's id, or null for the list alone. */
  taskId: string | null;
}

export interface ReadTaskAddress extends TaskAddress {
  /** A sentence per value left out, for the status line. */
  leftOut: string[];
}

/**
 * The filters and open task `search` (location.search) names, for a person whose task groups are `groups` and whose
 * server roles are `roles` (GET /api/me's `taskGroups` and `roles`): a role is left out, no task matching it.
 */
export function readTaskAddress(search: string, groups: readonly string[], roles: readonly string[] = []): ReadTaskAddress {
  const query = new URLSearchParams(search);
  const leftOut: string[] = [];
  const group = query.get('group')?.trim() ?? '';
  const orderNo = query.get('order')?.trim() ?? '';
  const taskId = query.get('task');
  const filter: TaskFilter = { group: '', orderNo: '' };
  if (groups.includes(group)) filter.group = group;
  else if (roles.includes(group)) leftOut.push(`"${shorten(group)}" is a server role, never offered a task: showing all your groups.`);
  else if (group) leftOut.push(`You are not in the group "${shorten(group)}": showing all your groups.`);
  if (isOrderNumber(orderNo)) filter.orderNo = orderNo;
  else if (orderNo) leftOut.push(`"${shorten(orderNo)}" is not an order number: showing every order.`);
  // a task that is not open (or no task at all) is told when the page asks for it
  return { filter, taskId: taskId || null, leftOut };
}

/** The query string of `address` ('' for the whole list, nothing open), in the order people read it. */
export function taskAddressQuery(address: TaskAddress): string {
  const query = new URLSearchParams();
  if (address.filter.group) query.set('group', address.filter.group);
  if (address.filter.orderNo) query.set('order', address.filter.orderNo);
  if (address.taskId) query.set('task', address.taskId);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/**
 * Whether `after` only continues typing the order number of `before` (a character more or less, as the field asks
 * once typing pauses): that replaces the address's step instead of adding one, so Back does not walk through
 * "SO-1", "SO-10", "SO-100". Clearing the field, another number or another group is a step of its own.
 */
export function continuesTyping(before: TaskFilter, after: TaskFilter): boolean {
  const { orderNo: was } = before;
  const { orderNo: now } = after;
  return before.group === after.group && was !== '' && now !== '' && (now.startsWith(was) || was.startsWith(now));
}

// helpers

// a pasted address may hold anything: the sentence quotes a readable start of it
function shorten(value: string): string {
  const visible = value.replace(/[\p{Cc}\p{Cf}]/gu, '');
  return visible.length > 40 ? `${visible.slice(0, 40)}…` : visible;
}
