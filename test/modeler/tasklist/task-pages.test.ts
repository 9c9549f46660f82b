// The task list's pages (modeler/src/tasklist/TaskPages.ts) against a fake server that pages as GET /api/tasks
// does (docs/api.md, "Pages"): oldest first, keyset cursors in `Link: rel="next"`, an ETag per page and a 304 for
// a matching If-None-Match. A person with more open tasks than a page reaches all of them; a refresh keeps the
// loaded pages, costs a 304 per unchanged page, and drops a task decided elsewhere from whichever page it was on.
// The Group and Order filters (FilteredTaskPages.ts) ask the same server, each its own set of pages.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilteredTaskPages, firstTaskPage, isOrderNumber } from '../../../modeler/src/tasklist/FilteredTaskPages.js';
import { TASK_PAGE_SIZE, TaskPages } from '../../../modeler/src/tasklist/TaskPages.js';
import { TasklistClient, type TaskView } from '../../../modeler/src/tasklist/TasklistClient.js';

/**
 * GET /api/tasks?mine=true over an in-memory list, answering as the server does (`candidateGroup` one of the
 * task's groups, `businessKey` the whole order number), and counting what it sends.
 */
class FakeTaskServer {
  private open: TaskView[] = [];
  private clock = Date.parse('2026-03-02T08:00:00.000Z');
  private made = 0;
  readonly answers: { url: string; status: number }[] = [];
  /** Where the Link header points; a test may point it elsewhere. */
  linkBase = '/api/tasks';

  /** Opens `count` tasks for `group`, one second apart, after those already open. */
  add(count: number, group = 'vice-president'): TaskView[] {
    const added = Array.from({ length: count }, () => this.task(new Date(this.clock += 1000).toISOString(), group));
    this.open.push(...added);
    return added;
  }

  /** A task offered to the caller now that was created earlier (a reassignment): it sorts among the old ones. */
  offerOld(createdAt: string): TaskView {
    const task = this.task(createdAt);
    this.open.push(task);
    return task;
  }

  /** Someone else decided it, or it was claimed away: no longer the caller's. */
  decide(id: string): void {
    this.open = this.open.filter((task) => task.id !== id);
  }

  /** The caller's open tasks in the server's order (those of `group` only, when given). */
  ids(group?: string): string[] {
    return this.sorted().filter((task) => !group || task.candidateGroups.includes(group)).map((task) => task.id);
  }

  bodies(): string[] {
    return this.answers.filter((answer) => answer.status === 200).map((answer) => answer.url);
  }

  readonly fetch = (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input, 'http://tasklist.test');
    expect(url.pathname).toBe('/api/tasks');
    expect(url.searchParams.get('mine')).toBe('true');
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const after = url.searchParams.get('after');
    const position = after ? (JSON.parse(Buffer.from(after, 'base64url').toString()) as [string, string]) : null;
    const group = url.searchParams.get('candidateGroup');
    const businessKey = url.searchParams.get('businessKey');
    // as the server's query schema: a business key is printable ASCII (printableKey(200))
    if (businessKey !== null && !/^[!-~](?:[ -~]{0,198}[!-~])?$/.test(businessKey)) {
      this.answers.push({ url: input, status: 400 });
      return Promise.resolve(new Response(JSON.stringify({ title: 'Bad Request', status: 400 }), { status: 400, headers: { 'content-type': 'application/problem+json' } }));
    }
    const rest = this.sorted().filter((task) => (!position || compare([task.createdAt, task.id], position) > 0)
      && (!group || task.candidateGroups.includes(group)) && (!businessKey || task.businessKey === businessKey));
    const page = rest.slice(0, limit);
    const headers: Record<string, string> = {};
    if (rest.length > limit) {
      const last = page.at(-1)!;
      url.searchParams.set('after', Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url'));
      headers.link = `<${this.linkBase}${url.search}>; rel="next"`;
    }
    const body = JSON.stringify(page);
    headers.etag = `"${createHash('sha256').update(body + (headers.link ?? '')).digest('base64url').slice(0, 27)}"`;
    const unchanged = (init.headers as Record<string, string>)['if-none-match'] === headers.etag;
    this.answers.push({ url: input, status: unchanged ? 304 : 200 });
    return Promise.resolve(unchanged ? new Response(null, { status: 304, headers }) : new Response(body, { status: 200, headers }));
  };

  private sorted(): TaskView[] {
    return [...this.open].sort((a, b) => compare([a.createdAt, a.id], [b.createdAt, b.id]));
  }

  private task(createdAt: string, group = 'vice-president'): TaskView {
    const id = `i${++this.made}:t`;
    return { id, createdAt, instanceId: id.split(':')[0], businessKey: `SO-${id}`, candidateGroups: [group] } as unknown as TaskView;
  }
}

/** Typed here: the modeler's own imports (without .js) do not resolve for the tests' type checks. */
interface LoadedPages {
  readonly tasks: TaskView[];
  readonly hasMore: boolean;
  readonly loaded: boolean;
  refresh(): Promise<boolean>;
  loadMore(): Promise<boolean>;
}

interface Filter {
  group: string;
  orderNo: string;
}

// the stores' order: by code point
function compare(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

describe('the task list pages through the open tasks', () => {
  let server: FakeTaskServer;
  let pages: LoadedPages;
  const ids = () => pages.tasks.map((task) => task.id);
  /** What is listed is always the start of the server's list: in its order, each task once, none skipped. */
  const expectStartOfServerList = () => expect(ids()).toEqual(server.ids().slice(0, pages.tasks.length));

  beforeEach(() => {
    server = new FakeTaskServer();
    vi.stubGlobal('fetch', server.fetch);
    pages = new TaskPages(new TasklistClient());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('shows the first 50 of 1,050 open tasks, says there are more, and reaches every one by loading more', async () => {
    server.add(1_050);
    expect(await pages.refresh()).toBe(true);
    expect(server.answers[0].url).toBe(`/api/tasks?mine=true&limit=${TASK_PAGE_SIZE}`);
    expect(pages.tasks).toHaveLength(50);
    expect(pages.hasMore).toBe(true);
    expectStartOfServerList();

    let loads = 0;
    while (await pages.loadMore()) loads++;
    expect(loads).toBe(20);
    expect(pages.hasMore).toBe(false);
    expect(ids()).toEqual(server.ids());
    // each page was read once, each from the previous page's Link
    expect(server.answers).toHaveLength(21);
    expect(new Set(server.answers.map((answer) => answer.url)).size).toBe(21);
  });

  it('keeps the loaded pages on a refresh that finds nothing new: a 304 for each, no body', async () => {
    server.add(120);
    await pages.refresh();
    await pages.loadMore();
    const loaded = ids();
    server.answers.length = 0;

    expect(await pages.refresh()).toBe(false);
    expect(server.answers.map((answer) => answer.status)).toEqual([304, 304]);
    expect(ids()).toEqual(loaded);
    expect(loaded).toHaveLength(100);
    expect(pages.hasMore).toBe(true);
  });

  it('drops a task someone else decided from the second page, reading only that page again', async () => {
    server.add(120);
    await pages.refresh();
    await pages.loadMore();
    const decided = ids()[70];
    server.decide(decided);
    server.answers.length = 0;

    expect(await pages.refresh()).toBe(true);
    expect(ids()).not.toContain(decided);
    expect(server.answers.map((answer) => answer.status)).toEqual([304, 200]);
    expect(pages.tasks).toHaveLength(100);
    expectStartOfServerList();
  });

  it('drops a task decided on the first page without reading the second page again or listing a task twice', async () => {
    server.add(120);
    await pages.refresh();
    await pages.loadMore();
    const decided = ids()[3];
    server.decide(decided);
    server.answers.length = 0;

    await pages.refresh();
    expect(ids()).not.toContain(decided);
    expect(server.answers.map((answer) => answer.status)).toEqual([200, 304]);
    expect(new Set(ids()).size).toBe(pages.tasks.length);
    expectStartOfServerList();
  });

  it('loses no task when the last task of a page is decided: the next page then starts where that page ends', async () => {
    server.add(160);
    await pages.refresh();
    await pages.loadMore();
    await pages.loadMore();
    const decided = [ids()[49], ids()[99]];
    for (const id of decided) server.decide(id);

    await pages.refresh();
    // each page filled up again from the one after it
    expect(pages.tasks).toHaveLength(150);
    expect(ids()).not.toContain(decided[0]);
    expect(ids()).not.toContain(decided[1]);
    expectStartOfServerList();
  });

  it('loses no task when an older task offered to the caller meanwhile pushes a page\'s last task onto the next', async () => {
    const [first] = server.add(120);
    await pages.refresh();
    await pages.loadMore();
    const pushedOut = ids()[49];
    const offered = server.offerOld(new Date(Date.parse(first.createdAt) + 500).toISOString());

    await pages.refresh();
    expect(ids()[1]).toBe(offered.id);
    expect(ids()).toContain(pushedOut);
    expect(pages.tasks).toHaveLength(100);
    expectStartOfServerList();
  });

  it('lists a new task when all are loaded, and offers it as more when the loaded pages are full', async () => {
    server.add(30);
    await pages.refresh();
    const [fresh] = server.add(1);
    expect(await pages.refresh()).toBe(true);
    expect(ids().at(-1)).toBe(fresh.id);
    expect(pages.hasMore).toBe(false);

    server.add(25);
    await pages.refresh();
    expect(pages.tasks).toHaveLength(50);
    expect(pages.hasMore).toBe(true);
    expect(await pages.loadMore()).toBe(true);
    expect(ids()).toEqual(server.ids());
  });

  it('forgets the later pages when everything left fits on the first', async () => {
    const tasks = server.add(60);
    await pages.refresh();
    await pages.loadMore();
    for (const task of tasks.slice(0, 20)) server.decide(task.id);
    server.answers.length = 0;

    await pages.refresh();
    expect(ids()).toEqual(server.ids());
    expect(pages.hasMore).toBe(false);
    expect(server.answers).toHaveLength(1);
    await pages.refresh();
    expect(server.answers.map((answer) => answer.status)).toEqual([200, 304]);
  });

  it('runs a refresh and a load-more asked for at once one after the other', async () => {
    server.add(120);
    await pages.refresh();
    const decided = ids()[10];
    server.decide(decided);
    await Promise.all([pages.refresh(), pages.loadMore(), pages.refresh()]);
    expect(pages.tasks).toHaveLength(100);
    expect(ids()).not.toContain(decided);
    expectStartOfServerList();
  });

  it('follows no Link that leads off this server\'s task list: the token goes with the request', async () => {
    server.add(60);
    server.linkBase = 'https://elsewhere.example/api/tasks';
    await pages.refresh();
    expect(pages.hasMore).toBe(false);
    expect(await pages.loadMore()).toBe(false);
    expect(server.answers).toHaveLength(1);
  });
});

describe('the task list filters on the server, each filter its own pages', () => {
  let server: FakeTaskServer;
  let search: { readonly current: LoadedPages; readonly filtered: boolean; select(filter: Filter): boolean };
  const ids = () => search.current.tasks.map((task) => task.id);
  const bySalesDirector = { group: 'sales-director', orderNo: '' };

  beforeEach(() => {
    server = new FakeTaskServer();
    vi.stubGlobal('fetch', server.fetch);
    search = new FilteredTaskPages(new TasklistClient());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('asks for the caller\'s tasks of one group and of one whole order number, 50 at a time', () => {
    expect(firstTaskPage({ group: '', orderNo: '' })).toBe(`/api/tasks?mine=true&limit=${TASK_PAGE_SIZE}`);
    expect(firstTaskPage({ group: 'sales-director', orderNo: 'SO 7/1' })).toBe('/api/tasks?mine=true&candidateGroup=sales-director&businessKey=SO+7%2F1&limit=50');
  });

  it('finds a group\'s tasks that lie beyond the first unfiltered page, and pages through them as the whole list', async () => {
    server.add(80, 'vice-president');
    server.add(70, 'sales-director');
    await search.current.refresh();
    expect(search.current.tasks.some((task) => task.candidateGroups.includes('sales-director'))).toBe(false);

    expect(search.select(bySalesDirector)).toBe(true);
    expect(search.filtered).toBe(true);
    expect(search.current.loaded).toBe(false);
    await search.current.refresh();
    expect(ids()).toEqual(server.ids('sales-director').slice(0, 50));
    expect(search.current.hasMore).toBe(true);
    expect(await search.current.loadMore()).toBe(true);
    expect(ids()).toEqual(server.ids('sales-director'));
    expect(search.current.hasMore).toBe(false);
    // the next page came from the filtered page's Link: the filter stays on every page
    expect(server.answers.at(-1)!.url).toMatch(/^\/api\/tasks\?mine=true&candidateGroup=sales-director&limit=50&after=/);
  });

  it('finds an order\'s task by its whole number among more tasks than the loaded pages hold', async () => {
    const tasks = server.add(120);
    await search.current.refresh();
    const wanted = tasks[110];
    expect(ids()).not.toContain(wanted.id);

    search.select({ group: '', orderNo: wanted.businessKey! });
    await search.current.refresh();
    expect(ids()).toEqual([wanted.id]);
    expect(search.current.hasMore).toBe(false);
  });

  it('shows the whole list as it was loaded when the filter is cleared, and the next poll costs a 304 per page', async () => {
    server.add(80, 'vice-president');
    server.add(70, 'sales-director');
    await search.current.refresh();
    await search.current.loadMore();
    const whole = ids();
    search.select(bySalesDirector);
    await search.current.refresh();
    server.answers.length = 0;

    expect(search.select({ group: '', orderNo: '' })).toBe(true);
    expect(search.filtered).toBe(false);
    expect(search.current.loaded).toBe(true);
    expect(ids()).toEqual(whole);
    expect(search.current.hasMore).toBe(true);
    expect(await search.current.refresh()).toBe(false);
    expect(server.answers.map((answer) => answer.status)).toEqual([304, 304]);
  });

  it('polls a filtered list as the whole one: loaded pages stay, a 304 for each unchanged one, a decided task leaves', async () => {
    server.add(30, 'vice-president');
    server.add(70, 'sales-director');
    search.select(bySalesDirector);
    await search.current.refresh();
    await search.current.loadMore();
    const decided = ids()[60];
    server.decide(decided);
    server.decide(server.ids('vice-president')[0]);
    server.answers.length = 0;

    expect(await search.current.refresh()).toBe(true);
    expect(server.answers.map((answer) => answer.status)).toEqual([304, 200]);
    expect(ids()).not.toContain(decided);
    expect(ids()).toEqual(server.ids('sales-director'));
    server.answers.length = 0;
    expect(await search.current.refresh()).toBe(false);
    expect(server.answers.map((answer) => answer.status)).toEqual([304, 304]);
  });

  it('tells an order number the API can match from what it cannot', () => {
    expect(isOrderNumber('SO-1001')).toBe(true);
    expect(isOrderNumber('7')).toBe(true);
    expect(isOrderNumber('SO 7/1')).toBe(true);
    expect(isOrderNumber('9'.repeat(200))).toBe(true);
    expect(isOrderNumber('9'.repeat(201))).toBe(false);
    expect(isOrderNumber('Müller')).toBe(false);
    expect(isOrderNumber(' SO-1')).toBe(false);
    expect(isOrderNumber('')).toBe(false);
  });

  it('asks nothing for an order number the API would refuse (400): no task matches it, on every poll', async () => {
    server.add(10);
    expect(firstTaskPage({ group: 'vice-president', orderNo: 'Müller' })).toBeNull();
    search.select({ group: '', orderNo: 'Müller' });
    expect(await search.current.refresh()).toBe(true);
    expect(search.current.tasks).toEqual([]);
    expect(search.current.hasMore).toBe(false);
    expect(await search.current.refresh()).toBe(false);
    expect(await search.current.loadMore()).toBe(false);
    expect(server.answers).toEqual([]);
  });

  it('keeps a filter\'s pages while the same filter is asked for again, and starts afresh for another', async () => {
    server.add(10, 'sales-director');
    search.select(bySalesDirector);
    const pages = search.current;
    await pages.refresh();
    expect(search.select({ ...bySalesDirector })).toBe(false);
    expect(search.current).toBe(pages);
    expect(search.select({ group: 'sales-director', orderNo: 'SO-i3:t' })).toBe(true);
    expect(search.current).not.toBe(pages);
    expect(search.current.loaded).toBe(false);
  });
});
