// The list of open tasks the approver may complete, oldest first (the server's
// pages, docs/tasklist.md), with the order's facts. The group and order filters
// are asked of the server (FilteredTaskPages.ts): the list shows what it sends.
// When there are more, it says so and offers the next page. A task a failed
// instance holds stays listed, marked on hold.
import { el, replaceChildren } from '../dom/element';
import { KeyedChildren, type KeyedChange } from '../dom/keyed-children';
import type { TaskFilter } from './FilteredTaskPages';
import type { Me, TaskView } from './TasklistClient';
import { approvalTier, customerName, orderAmounts, paymentTerms, waitedFor } from './order-facts';
import { claimState } from './task-claim-state';
import { taskCountSentence } from './task-count';
import { fourEyesSentence } from './task-four-eyes';
import { holdSentence } from './task-hold';
import { noTaskRole, type NoTaskRole } from './no-task-role';

/** The order filter asks the server once typing pauses this long (or at once on Enter). */
const ORDER_FILTER_PAUSE_MS = 600;

export class TaskListView {
  readonly element: HTMLElement;
  private readonly groupFilter: HTMLSelectElement;
  private readonly orderFilter: HTMLInputElement;
  private readonly list: HTMLElement;
  /** The list's items by task id, kept across refreshes (a screen reader hears what changed, not the whole list). */
  private readonly items: KeyedChildren;
  private readonly empty = el('li', { className: 'empty' });
  private readonly count: HTMLElement;
  private readonly loadMore: HTMLButtonElement;
  private readonly heading: HTMLElement;
  private tasks: TaskView[] = [];
  private more = false;
  private filtered = false;
  private selectedId: string | null = null;
  /** The signed-in user: a task assigned to them is marked. */
  private user = '';
  /** Why no task is offered to the signed-in user, when none of their groups is an approvers' group. */
  private noRole: NoTaskRole | null = null;
  private typing: number | undefined;

  constructor(
    private readonly onOpen: (task: TaskView) => void,
    onLoadMore: () => Promise<void>,
    private readonly onFilter: (filter: TaskFilter) => void,
  ) {
    this.groupFilter = el('select', { id: 'filter-group', name: 'group', onchange: () => this.filter() });
    // the API matches a whole order number (businessKey), so a part typed so far is not sent until typing pauses
    this.orderFilter = el('input', {
      id: 'filter-order', name: 'order', type: 'search', placeholder: 'Whole order number', autocomplete: 'off',
      maxlength: 200, 'aria-describedby': 'filter-order-hint',
      oninput: () => {
        window.clearTimeout(this.typing);
        this.typing = window.setTimeout(() => this.filter(), ORDER_FILTER_PAUSE_MS);
      },
    });
    this.count = el('p', { className: 'task-count', role: 'status', 'aria-live': 'polite' });
    this.list = el('ul', { className: 'task-items', 'aria-label': 'Open tasks' });
    this.items = new KeyedChildren(this.list, withoutClock);
    this.loadMore = el('button', {
      type: 'button', className: 'load-more', 'data-action': 'load-more', hidden: true,
      onclick: () => {
        const before = this.tasks.length;
        const focused = document.activeElement === this.loadMore;
        this.loadMore.disabled = true;
        void onLoadMore().finally(() => {
          this.loadMore.disabled = false;
          // the keyboard goes on with the first task the page added (the button is gone after the last page)
          const still = document.activeElement === this.loadMore || document.activeElement === document.body;
          if (focused && still && this.tasks.length > before) this.links()[before]?.focus();
        });
      },
    }, 'Load more');
    this.heading = el('h1', { id: 'task-list-title', tabindex: '-1' }, 'Tasks');
    this.element = el('section', { className: 'task-list', 'aria-labelledby': 'task-list-title' },
      this.heading,
      el('form', {
        className: 'filters', role: 'search',
        onsubmit: (event: Event) => {
          event.preventDefault();
          this.filter();
        },
      },
        el('label', { for: 'filter-group' }, 'Group'), this.groupFilter,
        el('label', { for: 'filter-order' }, 'Order'), this.orderFilter,
        el('p', { id: 'filter-order-hint', className: 'filter-hint' }, 'Order matches the whole order number, as entered.')),
      this.count,
      this.list,
      this.loadMore);
  }

  /** The Group filter offers the groups tasks may be offered to, never a server role (which no task matches). */
  setGroups(me: Pick<Me, 'roles' | 'taskGroups'>): void {
    this.noRole = noTaskRole(me);
    replaceChildren(this.groupFilter,
      el('option', { value: '' }, 'All my groups'),
      me.taskGroups.map((group) => el('option', { value: group }, group)));
  }

  setUser(name: string): void {
    this.user = name;
  }

  /** Shows `filter` in the fields (from the address), without asking for it: the caller puts it in force. */
  setFilter(filter: TaskFilter): void {
    window.clearTimeout(this.typing);
    this.groupFilter.value = filter.group;
    this.orderFilter.value = filter.orderNo;
  }

  /**
   * The loaded tasks in the server's order, whether the server has more beyond them, and whether a filter chose them.
   * Says which tasks' items it added, changed (what they show) or removed, by task id.
   */
  setTasks(tasks: TaskView[], more: boolean, filtered: boolean): KeyedChange {
    this.tasks = tasks;
    this.more = more;
    this.filtered = filtered;
    this.loadMore.hidden = !more;
    this.list.removeAttribute('aria-busy');
    return this.render();
  }

  /** A filter's first page is on its way: the list shown is not its answer. */
  searching(): void {
    this.count.textContent = 'Searching…';
    this.list.setAttribute('aria-busy', 'true');
    this.loadMore.hidden = true;
  }

  select(id: string | null): void {
    this.selectedId = id;
    for (const item of this.list.querySelectorAll<HTMLElement>('[data-task-id]')) {
      if (item.dataset.taskId !== id) item.removeAttribute('aria-current');
      else if (item.getAttribute('aria-current') !== 'true') item.setAttribute('aria-current', 'true');
    }
  }

  /** Puts the keyboard at the top of the list (after sign-in, or when no task is left to return to). */
  focusHeading(): void {
    this.heading.focus();
  }

  /** Waited-for times move on between polls. */
  tick(): void {
    for (const time of this.list.querySelectorAll<HTMLElement>('[data-since]')) time.textContent = waitedFor(time.dataset.since!);
  }

  private filter(): void {
    window.clearTimeout(this.typing);
    this.onFilter({ group: this.groupFilter.value, orderNo: this.orderFilter.value.trim() });
  }

  private render(): KeyedChange {
    const focused = this.focusedTask();
    // a live region: written only when its sentence changes, so an unchanged count is not read out again
    const count = taskCountSentence({ loaded: this.tasks.length, more: this.more, filtered: this.filtered });
    if (this.count.textContent !== count) this.count.textContent = count;
    const change = this.items.update(this.tasks.map((task) => ({ key: task.id, build: () => this.item(task) })));
    if (this.tasks.length) {
      this.empty.remove();
    } else {
      this.showEmpty();
      if (!this.empty.isConnected) this.list.append(this.empty);
    }
    this.select(this.selectedId);
    if (focused) this.refocus(focused);
    return change;
  }

  /**
   * What an empty list says: to a person no task is offered to (an operator), why, and where their work is; written
   * only when it changes, so the link is not rebuilt under the keyboard.
   */
  private showEmpty(): void {
    const noRole = this.filtered ? null : this.noRole;
    const state = this.filtered ? 'filtered' : noRole ? 'no-task-role' : 'none';
    if (this.empty.dataset.empty === state) return;
    this.empty.dataset.empty = state;
    if (!noRole) return replaceChildren(this.empty, this.filtered ? 'None of your open tasks match.' : 'No open tasks for you.');
    replaceChildren(this.empty, noRole.sentence, noRole.link ? [' ', el('a', { href: noRole.link.href, 'data-action': 'your-work' }, noRole.link.text)] : null);
  }

  private links(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>('[data-task-id]')];
  }

  /** The task link the keyboard is on, and its place in the list. */
  private focusedTask(): { id: string; index: number } | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || active.dataset.taskId === undefined || !this.list.contains(active)) return undefined;
    return { id: active.dataset.taskId, index: this.links().indexOf(active) };
  }

  /**
   * A refresh changed the list under the keyboard: it stays on the same task (its link is kept, but a move in the
   * list blurs it), or, when that task left the list (decided, by this user or another), on the one now in its
   * place; on the heading when none is left.
   */
  private refocus({ id, index }: { id: string; index: number }): void {
    const links = this.links();
    const target = links.find((link) => link.dataset.taskId === id) ?? links[Math.min(index, links.length - 1)] ?? this.heading;
    if (document.activeElement !== target) target.focus();
  }

  private item(task: TaskView): HTMLElement {
    const { amount, reporting } = orderAmounts(task.order);
    const { tier } = approvalTier(task);
    const link = el('a', {
      href: `?task=${encodeURIComponent(task.id)}`, className: 'task-link', 'data-task-id': task.id,
      onclick: (event: Event) => {
        const mouse = event as MouseEvent;
        if (mouse.ctrlKey || mouse.metaKey || mouse.shiftKey) return;
        event.preventDefault();
        // the link outlives this task object: open the task as the list has it now
        this.onOpen(this.tasks.find((current) => current.id === task.id) ?? task);
      },
    },
      el('span', { className: 'task-title' }, tier),
      el('span', { className: 'task-order' }, `${task.businessKey ?? '—'} · ${task.order ? customerName(task.order) : (task.processName ?? task.processKey)}`),
      el('span', { className: 'task-amount' }, amount, reporting ? el('span', { className: 'reporting' }, ` (${reporting})`) : null),
      el('span', { className: 'task-meta' },
        el('span', { className: 'terms' }, paymentTerms(task.order?.paymentTerms)),
        el('span', { className: 'groups' }, task.candidateGroups.join(', ')),
        el('span', { className: 'waited' }, 'waiting ', el('time', { 'data-since': task.createdAt, datetime: task.createdAt }, waitedFor(task.createdAt)))),
      task.held ? el('span', { className: 'task-hold', 'data-held': task.held.reason }, holdSentence(task.held)) : null,
      task.fourEyes ? el('span', { className: 'task-four-eyes', 'data-four-eyes': task.fourEyes.reason }, fourEyesSentence(task)) : null,
      claimState(task, this.user).mine ? el('span', { className: 'task-assigned', 'data-assigned': 'me' }, 'Assigned to you') : null);
    return el('li', { className: 'task-item', ...(task.held && { 'data-held': task.held.reason }), ...(task.fourEyes && { 'data-four-eyes': task.fourEyes.reason }) }, link);
  }
}

// helpers

/** What an item shows, without the waited-for time that tick() moves on by itself. */
function withoutClock(item: HTMLElement): string {
  const copy = item.cloneNode(true) as HTMLElement;
  for (const time of copy.querySelectorAll('[data-since]')) time.textContent = '';
  return copy.outerHTML;
}
