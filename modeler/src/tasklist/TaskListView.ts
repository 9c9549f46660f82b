// The list of open tasks the approver may complete, oldest first (the server's
// pages, docs/tasklist.md), with the order's facts; filtered by group and order
// number among the loaded tasks. When there are more, it says so and offers
// the next page. A task a failed instance holds stays listed, marked on hold.
import { el, replaceChildren } from '../dom/element';
import type { TaskView } from './TasklistClient';
import { approvalTier, customerName, orderAmounts, paymentTerms, waitedFor } from './order-facts';
import { holdSentence } from './task-hold';

export class TaskListView {
  readonly element: HTMLElement;
  private readonly groupFilter: HTMLSelectElement;
  private readonly orderFilter: HTMLInputElement;
  private readonly list: HTMLElement;
  private readonly count: HTMLElement;
  private readonly loadMore: HTMLButtonElement;
  private tasks: TaskView[] = [];
  private more = false;
  private selectedId: string | null = null;

  constructor(private readonly onOpen: (task: TaskView) => void, onLoadMore: () => Promise<void>) {
    this.groupFilter = el('select', { id: 'filter-group', name: 'group', onchange: () => this.render() });
    this.orderFilter = el('input', {
      id: 'filter-order', name: 'order', type: 'search', placeholder: 'Order number', autocomplete: 'off',
      oninput: () => this.render(),
    });
    this.count = el('p', { className: 'task-count', role: 'status', 'aria-live': 'polite' });
    this.list = el('ul', { className: 'task-items', 'aria-label': 'Open tasks' });
    this.loadMore = el('button', {
      type: 'button', className: 'load-more', 'data-action': 'load-more', hidden: true,
      onclick: () => {
        this.loadMore.disabled = true;
        void onLoadMore().finally(() => { this.loadMore.disabled = false; });
      },
    }, 'Load more');
    this.element = el('section', { className: 'task-list', 'aria-labelledby': 'task-list-title' },
      el('h1', { id: 'task-list-title' }, 'Tasks'),
      el('div', { className: 'filters', role: 'search' },
        el('label', { for: 'filter-group' }, 'Group'), this.groupFilter,
        el('label', { for: 'filter-order' }, 'Order'), this.orderFilter),
      this.count,
      this.list,
      this.loadMore);
  }

  setGroups(groups: string[]): void {
    replaceChildren(this.groupFilter,
      el('option', { value: '' }, 'All my groups'),
      groups.map((group) => el('option', { value: group }, group)));
  }

  /** The loaded tasks in the server's order, and whether the server has more beyond them. */
  setTasks(tasks: TaskView[], more: boolean): void {
    this.tasks = tasks;
    this.more = more;
    this.loadMore.hidden = !more;
    this.render();
  }

  select(id: string | null): void {
    this.selectedId = id;
    for (const item of this.list.querySelectorAll<HTMLElement>('[data-task-id]')) {
      if (item.dataset.taskId === id) item.setAttribute('aria-current', 'true');
      else item.removeAttribute('aria-current');
    }
  }

  /** Waited-for times move on between polls. */
  tick(): void {
    for (const time of this.list.querySelectorAll<HTMLElement>('[data-since]')) time.textContent = waitedFor(time.dataset.since!);
  }

  private render(): void {
    const group = this.groupFilter.value;
    const order = this.orderFilter.value.trim().toLowerCase();
    const shown = this.tasks.filter((task) =>
      (!group || task.candidateGroups.includes(group)) && (!order || (task.businessKey ?? '').toLowerCase().includes(order)));
    this.count.textContent = this.countSentence(shown.length);
    const empty = this.more ? 'None of the tasks loaded so far match.' : 'No open tasks for you.';
    replaceChildren(this.list, shown.length ? shown.map((task) => this.item(task)) : el('li', { className: 'empty' }, empty));
    this.select(this.selectedId);
  }

  // the list may be cut after the loaded pages: say so, never let a page pass for all there is
  private countSentence(shown: number): string {
    const loaded = this.tasks.length;
    if (this.more) return shown === loaded ? `Showing the ${loaded} oldest open tasks; there are more.` : `${shown} of the ${loaded} oldest open tasks shown; there are more.`;
    return shown === loaded ? `${shown} open ${shown === 1 ? 'task' : 'tasks'}` : `${shown} of ${loaded} open tasks`;
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
        this.onOpen(task);
      },
    },
      el('span', { className: 'task-title' }, tier),
      el('span', { className: 'task-order' }, `${task.businessKey ?? '—'} · ${task.order ? customerName(task.order) : (task.processName ?? task.processKey)}`),
      el('span', { className: 'task-amount' }, amount, reporting ? el('span', { className: 'reporting' }, ` (${reporting})`) : null),
      el('span', { className: 'task-meta' },
        el('span', { className: 'terms' }, paymentTerms(task.order?.paymentTerms)),
        el('span', { className: 'groups' }, task.candidateGroups.join(', ')),
        el('span', { className: 'waited' }, 'waiting ', el('time', { 'data-since': task.createdAt, datetime: task.createdAt }, waitedFor(task.createdAt)))),
      task.held ? el('span', { className: 'task-hold', 'data-held': task.held.reason }, holdSentence(task.held)) : null);
    return el('li', { className: 'task-item', ...(task.held && { 'data-held': task.held.reason }) }, link);
  }
}
