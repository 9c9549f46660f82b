// The caller's open tasks, a page at a time in the server's order (oldest first,
// docs/api.md "Pages"): the first page, then each next page the person asks for.
// A refresh asks for every loaded page again with its ETag, so the pages stay
// loaded, an unchanged page costs a bodiless 304, and a task someone else
// decided leaves whichever page it was on.
import type { TaskPage, TasklistClient, TaskView } from './TasklistClient';

/** Tasks per page: enough to work through, small enough to come quickly. */
export const TASK_PAGE_SIZE = 50;

export class TaskPages {
  private pages: TaskPage[] = [];
  // a refresh and a load-more both rewrite the pages: one after the other, never interleaved
  private turn: Promise<unknown> = Promise.resolve();

  /** `firstPage` null: no task can match (an order number the API would refuse), so the list is empty without asking. */
  constructor(
    private readonly client: Pick<TasklistClient, 'taskPage'>,
    private readonly firstPage: string | null = `/api/tasks?mine=true&limit=${TASK_PAGE_SIZE}`,
  ) {}

  /** The loaded tasks in the server's order, each once (neighbouring pages may overlap after a refresh). */
  get tasks(): TaskView[] {
    const byId = new Map<string, TaskView>();
    for (const page of this.pages) for (const task of page.tasks) if (!byId.has(task.id)) byId.set(task.id, task);
    return [...byId.values()];
  }

  /** Whether the first page has been read (an empty list is loaded too). */
  get loaded(): boolean {
    return this.pages.length > 0;
  }

  /** Whether the server has tasks beyond the loaded pages. */
  get hasMore(): boolean {
    return (this.pages.at(-1)?.next ?? null) !== null;
  }

  /** Reads the first page, or every loaded page again; true when any of them changed. */
  refresh(): Promise<boolean> {
    return this.inTurn(() => this.revalidate());
  }

  /** Appends the page the last one's `Link: rel="next"` names; false when there is none. */
  loadMore(): Promise<boolean> {
    return this.inTurn(async () => {
      const next = this.pages.at(-1)?.next;
      if (!next) return false;
      this.pages.push(await this.read(next));
      return true;
    });
  }

  private async revalidate(): Promise<boolean> {
    if (this.pages.length === 0) {
      this.pages = [this.firstPage === null ? { url: '', etag: null, tasks: [], next: null } : await this.read(this.firstPage)];
      return true;
    }
    if (this.firstPage === null) return false;
    let changed = false;
    for (let index = 0; index < this.pages.length; index++) {
      const held = this.pages[index];
      const answer = await this.client.taskPage(held.url, held.etag);
      if (answer === 'unchanged') continue;
      changed = true;
      this.pages[index] = answer;
      const following = this.pages[index + 1];
      if (!following) break;
      // everything left now fits on this page: the later pages would only repeat it
      if (answer.next === null) {
        this.pages.length = index + 1;
        break;
      }
      // A page keeps its address (after its predecessor's last task) while that task stays on the page before.
      // When it left, the page before may now end earlier (a task offered to the caller meanwhile pushed its last
      // ones out): the following page then starts where this one ends now, so no task falls between the two.
      const boundary = held.tasks.at(-1);
      if (!boundary || !answer.tasks.some((task) => task.id === boundary.id)) {
        this.pages[index + 1] = { ...following, url: answer.next, etag: null };
      }
    }
    return changed;
  }

  private async read(url: string): Promise<TaskPage> {
    const answer = await this.client.taskPage(url, null);
    // without If-None-Match the server always answers with the page
    if (answer === 'unchanged') throw new Error(`GET ${url} answered 304 without If-None-Match`);
    return answer;
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }
}
