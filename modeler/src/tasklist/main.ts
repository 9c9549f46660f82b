// The task list for approvers (/tasks): sign in, see the open tasks one may
// complete, open one, decide. Its own entry (tasks.html), so none of this is
// in the modeler's bundle and the modeler is not in this one.
import '../styles/tasklist.css';
import { el, replaceChildren } from '../dom/element';
import { signIn, signOut } from './SignIn';
import { FilteredTaskPages, type TaskFilter } from './FilteredTaskPages';
import { continuesTyping, readTaskAddress, taskAddressQuery } from './task-address';
import { TaskDetailView } from './TaskDetailView';
import { TaskListView } from './TaskListView';
import { listNews } from './list-news';
import type { TaskPages } from './TaskPages';
import { TaskProblem, TasklistClient, type Me, type TaskView } from './TasklistClient';

const POLL_MS = 2_500;
const HIDDEN_POLL_MS = 15_000;

const client = new TasklistClient();
const root = document.getElementById('tasklist')!;
// three live lines: what became of one's decision, what changed in the list since, and what the address named
// that the page left out
const decided = el('span', { 'data-say': 'decision' });
const listNewsLine = el('span', { 'data-say': 'list' });
const addressNote = el('span', { 'data-say': 'address' });
const status = el('p', { className: 'status-line', role: 'status', 'aria-live': 'polite' }, decided, listNewsLine, addressNote);

/**
 * What was filled in the open task when the server stopped accepting the token: its form is filled with it again
 * once the same person has signed in again and the task opens (from the address, which the sign-in keeps).
 */
let kept: { user: string; taskId: string; values: Record<string, unknown> } | null = null;

async function start(message?: string): Promise<void> {
  const me = await signIn(client, root, message);
  if (kept?.user !== me.name) kept = null;
  showTasks(me);
}

/** What was kept for `taskId`, once. */
function takeKept(taskId: string): Record<string, unknown> | undefined {
  if (kept?.taskId !== taskId) return undefined;
  const { values } = kept;
  kept = null;
  return values;
}

function showTasks(me: Me): void {
  say('', decided);
  say('', listNewsLine);
  say('', addressNote);
  let known: TaskView[] = [];
  let timer: number | undefined;
  let stopped = false;
  // the open task found no longer open: not asked for again
  let goneTaskId: string | null = null;
  const search = new FilteredTaskPages(client);
  // the pages the list shows: after a filter changed, its pages are shown even when the refresh found no change
  let shown: TaskPages | null = null;
  const list = new TaskListView((task) => void openTask(task, true), loadMore, filterTasks);
  const detail = new TaskDetailView(client, me.name, me.groups, {
    onClosed(message) {
      // decided or gone: Back to its address before the next poll answers shows what became of it, not its form again
      const closed = detail.openTaskId;
      known = known.filter((task) => task.id !== closed);
      say(message, decided);
      closeTask(true);
      void poll();
    },
    onBack: () => closeTask(true),
    onClaimChanged: () => void poll(),
    onTokenRefused: () => tokenRefused(),
  });
  list.setGroups(me);
  list.setUser(me.name);
  const layout = el('div', { className: 'tasklist-layout' }, list.element, detail.element);
  replaceChildren(root,
    el('header', { className: 'tasklist-header' },
      el('a', { className: 'brand', href: './' }, 'Stratum'),
      el('span', { className: 'page-name' }, 'Tasks'),
      el('span', { className: 'who', 'data-user': me.name }, `${me.name} · ${me.groups.join(', ') || 'no groups'}`),
      el('button', { type: 'button', 'data-action': 'sign-out', onclick: () => {
        stopped = true;
        window.clearTimeout(timer);
        signOut(client);
        history.replaceState(null, '', location.pathname);
        void start();
      } }, 'Sign out')),
    status,
    layout);
  list.focusHeading();

  // the address is the filter in force and the open task: each change a person makes is a step Back undoes
  function addressOf(taskId: string | null): string {
    return location.pathname + taskAddressQuery({ filter: search.filter, taskId });
  }

  async function openTask(task: TaskView, push: boolean): Promise<void> {
    if (push) history.pushState({ task: task.id }, '', addressOf(task.id));
    list.select(task.id);
    layout.dataset.open = 'true';
    try {
      await detail.open(task, takeKept(task.id));
    } catch (error) {
      report(error);
    }
  }

  function closeTask(push: boolean): void {
    const id = detail.openTaskId;
    detail.close();
    delete layout.dataset.open;
    list.select(null);
    if (push) history.pushState(null, '', addressOf(null));
    // the keyboard goes back to the task in the list (a decided task's place: the list keeps it there when it leaves)
    const link = id ? root.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(id)}"]`) : null;
    if (link) link.focus();
    else list.focusHeading();
  }

  // the filters first (a bookmark, a reload, Back or Forward), then the task the address names
  function filterFromAddress(): void {
    const address = readTaskAddress(location.search, me.taskGroups, me.roles);
    list.setFilter(address.filter);
    applyFilter(address.filter);
    say(address.leftOut.join(' '), addressNote);
    // a value left out leaves the address too, so a bookmark made now holds only what the list shows
    if (address.leftOut.length) history.replaceState(history.state, '', addressOf(address.taskId));
  }

  async function openFromAddress(): Promise<void> {
    const id = readTaskAddress(location.search, me.taskGroups, me.roles).taskId;
    if (!id) return closeTask(false);
    if (id === detail.openTaskId) return;
    const task = known.find((candidate) => candidate.id === id) ?? await client.task(id).catch(() => undefined);
    if (task) return openTask(task, false);
    // decided (Back after deciding it, or by someone else): show what was decided; ended otherwise: no longer open
    const completion = await client.completion(id).catch(() => undefined);
    if (readTaskAddress(location.search, me.taskGroups, me.roles).taskId !== id) return; // the address moved on meanwhile
    if (!completion) return say('That task is no longer open.');
    list.select(null);
    layout.dataset.open = 'true';
    detail.showDecided(completion);
  }

  async function poll(): Promise<void> {
    window.clearTimeout(timer);
    if (stopped) return;
    const pages = search.current;
    // a task is news only when every task was loaded before: otherwise it may be one moving up from the next page
    const allLoaded = pages === shown && !pages.hasMore;
    try {
      const changed = await pages.refresh();
      // the filter changed meanwhile: the poll that change started shows its list
      if (pages !== search.current) return;
      if (changed || pages !== shown) {
        const tasks = pages.tasks;
        const sameList = pages === shown;
        const { changed: changedIds } = list.setTasks(tasks, pages.hasMore, search.filtered);
        // another filter's list is no news: only a refresh of the list shown says what came, changed or left
        say(sameList ? listNews(known, tasks, changedIds, { addedAreNews: allLoaded, openTaskId: detail.openTaskId }) : '', listNewsLine);
        known = tasks;
        shown = pages;
        const open = detail.openTaskId;
        const current = open ? tasks.find((task) => task.id === open) : undefined;
        if (current) detail.refresh(current);
        // a filtered list leaves out open tasks: only the whole list tells that a task is gone (or claimed by someone else)
        else if (open && !pages.hasMore && !search.filtered) void claimedOrGone(open);
        else if (open && open !== goneTaskId) void stillOpen(open);
      } else {
        list.tick();
      }
    } catch (error) {
      if (pages !== search.current) return;
      failed(error);
    }
    if (!stopped) timer = window.setTimeout(() => void poll(), document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  // the next page, asked for: its tasks are not news, so the status line stays as it is
  async function loadMore(): Promise<void> {
    const pages = search.current;
    try {
      if (!await pages.loadMore() || pages !== search.current) return;
      known = pages.tasks;
      list.setTasks(known, pages.hasMore, search.filtered);
    } catch (error) {
      failed(error);
    }
  }

  // a filter a person set: a new address, so Back goes to the list as it was filtered before
  function filterTasks(filter: TaskFilter): void {
    const before = search.filter;
    if (!applyFilter(filter)) return;
    say('', addressNote);
    // typing on in the Order field refines the same step (task-address.ts)
    if (continuesTyping(before, filter)) history.replaceState(history.state, '', addressOf(detail.openTaskId));
    else history.pushState(history.state, '', addressOf(detail.openTaskId));
    void poll();
  }

  // Group and Order ask the server (each filter is its own page set); clearing them shows the whole list as loaded
  function applyFilter(filter: TaskFilter): boolean {
    if (!search.select(filter)) return false;
    const pages = search.current;
    say('', listNewsLine);
    if (pages.loaded) {
      known = pages.tasks;
      shown = pages;
      list.setTasks(known, pages.hasMore, search.filtered);
    } else {
      known = [];
      list.searching();
    }
    return true;
  }

  // an open task beyond the loaded pages (opened from its address) or that a filter leaves out is asked for on its own:
  // among its instance's open tasks, so one decided meanwhile is no 404 in the console
  async function stillOpen(id: string): Promise<void> {
    const instanceId = detail.openTaskInstanceId;
    try {
      const task = instanceId ? (await client.tasksOfInstance(instanceId)).find((one) => one.id === id) : await client.task(id);
      if (id !== detail.openTaskId) return;
      if (task) detail.refresh(task);
      else markGone(id);
    } catch (error) {
      if (!(error instanceof TaskProblem) || error.status !== 404) return failed(error);
      if (id === detail.openTaskId) markGone(id);
    }
  }

  // the whole list no longer has the open task: decided, or someone else claimed it (mine=true leaves it out then)
  async function claimedOrGone(id: string): Promise<void> {
    const instanceId = detail.openTaskInstanceId;
    try {
      const task = instanceId ? (await client.tasksOfInstance(instanceId)).find((one) => one.id === id) : undefined;
      if (id !== detail.openTaskId) return;
      if (task) detail.refresh(task);
      else markGone(id);
    } catch (error) {
      failed(error);
    }
  }

  function markGone(id: string): void {
    goneTaskId = id;
    detail.markGone();
  }

  function failed(error: unknown): void {
    if (error instanceof TaskProblem && error.status === 401) return tokenRefused();
    report(error);
  }

  // the token is no longer accepted: sign in again, keeping what was filled in the open task (nothing was sent)
  function tokenRefused(): void {
    if (stopped) return;
    stopped = true;
    window.clearTimeout(timer);
    const draft = detail.draft;
    kept = draft && Object.keys(draft.values).length ? { user: me.name, ...draft } : null;
    void start(kept
      ? 'The server no longer accepts your token. Sign in again: your decision was not sent, and what you filled in is kept for you to send.'
      : 'The server no longer accepts your token. Sign in again.');
  }

  window.onpopstate = () => {
    filterFromAddress();
    void poll();
    void openFromAddress();
  };
  // Escape closes the open task, as ← All tasks does; a field that uses Escape itself (a dropdown) keeps it
  document.onkeydown = (event) => {
    if (event.key !== 'Escape' || event.defaultPrevented || stopped || layout.dataset.open !== 'true') return;
    const target = event.target as Node;
    if (target !== document.body && !detail.element.contains(target)) return;
    event.preventDefault();
    closeTask(true);
  };
  document.onvisibilitychange = () => {
    if (!document.hidden) void poll();
  };
  filterFromAddress();
  void poll().then(() => openFromAddress()).then(() => {
    document.body.dataset.ready = 'true';
  });
}

function say(message: string, line: HTMLElement = listNewsLine): void {
  // a live region: written only when its words change, so the same sentence is not read out again
  if (line.textContent !== message) line.textContent = message;
  status.dataset.empty = String(!status.textContent);
}

function report(error: unknown): void {
  say(error instanceof TaskProblem ? `The server could not be asked: ${error.detail ?? error.title}` : String(error));
}

void start();
