// The calls the task list makes. A page of tasks is asked for with the ETag it
// was last seen with (If-None-Match), so an unchanged page costs a bodiless 304.
import { ApiProblem, type InstanceView, type Me, type ProblemBody } from '../api/client';
import type { InstanceSummary, TaskCompletionView, TaskRefusal, TaskView } from '../../../engine/api.js';
import { taskRefusalIn } from './task-refusal';

export type { InstanceView, Me, TaskCompletionView, TaskView };

/** A problem with what the server said beyond the detail (`errors` of a 422, the `reason` and facts of a 403). */
export class TaskProblem extends ApiProblem {
  /** A 403's `reason` (`not-offered`, `four-eyes-…`), whatever the server sends. */
  readonly reason: string | undefined;
  /** The refusal the reason and its members name, when they are ones this task list knows. */
  readonly refusal: TaskRefusal | undefined;

  constructor(status: number, body: ProblemBody) {
    super(status, body);
    this.reason = typeof body.reason === 'string' ? body.reason : undefined;
    this.refusal = taskRefusalIn(body);
  }
}

/** One page of the caller's open tasks as the server sent it, with where the next one is. */
export interface TaskPage {
  /** The address it was read from (the first page's, or the previous page's `next`). */
  url: string;
  etag: string | null;
  tasks: TaskView[];
  /** `Link: rel="next"` of the answer: null on the last page. */
  next: string | null;
}

export class TasklistClient {
  private token: string | null = null;

  setToken(token: string | null): void {
    this.token = token;
  }

  me(): Promise<Me> {
    return this.json('GET', '/api/me');
  }

  /** The page of tasks at `url` (GET /api/tasks), or 'unchanged' while it is the one `etag` names. */
  async taskPage(url: string, etag: string | null): Promise<TaskPage | 'unchanged'> {
    const response = await this.request('GET', url, undefined, etag ? { 'if-none-match': etag } : {});
    if (response.status === 304) return 'unchanged';
    const tasks = (await response.json()) as TaskView[];
    return { url, etag: response.headers.get('etag'), tasks, next: nextTaskPage(response.headers.get('link')) };
  }

  task(id: string): Promise<TaskView> {
    return this.json('GET', `/api/tasks/${encodeURIComponent(id)}`);
  }

  /** How a task no longer open was decided (GET /api/tasks/{id}/completion): 404 when it ended without a decision. */
  completion(id: string): Promise<TaskCompletionView> {
    return this.json('GET', `/api/tasks/${encodeURIComponent(id)}/completion`);
  }

  /** The open tasks of one instance, whoever they are for (a list: a task gone is no 404 in the console). */
  tasksOfInstance(instanceId: string): Promise<TaskView[]> {
    return this.json('GET', `/api/tasks?instanceId=${encodeURIComponent(instanceId)}&limit=1000`);
  }

  instance(id: string): Promise<InstanceView> {
    return this.json('GET', `/api/instances/${encodeURIComponent(id)}`);
  }

  /** The order's top instance: its history covers the whole call tree. */
  async orderRoot(businessKey: string): Promise<InstanceSummary | undefined> {
    const page = await this.json<{ items: InstanceSummary[] }>('GET', `/api/instances?businessKey=${encodeURIComponent(businessKey)}&limit=200`);
    return page.items.find((instance) => instance.parentId === null);
  }

  complete(id: string, variables: Record<string, unknown>): Promise<InstanceView> {
    return this.json('POST', `/api/tasks/${encodeURIComponent(id)}/complete`, JSON.stringify({ variables }));
  }

  /** Assign to me (POST /api/tasks/{id}/claim): the task, claimed by the caller. */
  claim(id: string): Promise<TaskView> {
    return this.json('POST', `/api/tasks/${encodeURIComponent(id)}/claim`);
  }

  /** Unassign (POST /api/tasks/{id}/unclaim): the task, back to its groups. */
  unclaim(id: string): Promise<TaskView> {
    return this.json('POST', `/api/tasks/${encodeURIComponent(id)}/unclaim`);
  }

  private async request(method: string, path: string, body?: string, extra: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...extra };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body, cache: 'no-store' });
    } catch (error) {
      throw new TaskProblem(0, { title: 'Server unreachable', detail: (error as Error).message });
    }
    if (!response.ok && response.status !== 304) throw new TaskProblem(response.status, await readProblem(response));
    return response;
  }

  private async json<T>(method: string, path: string, body?: string): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }
}

// helpers

/**
 * The `rel="next"` target of a Link header (RFC 8288, as docs/api.md "Pages" sends it). Only another page of
 * /api/tasks on this server is followed: the token goes with the request, so never to an address elsewhere.
 */
function nextTaskPage(link: string | null): string | null {
  for (const value of link?.split(',') ?? []) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(value);
    if (match && /(^|;)\s*rel="?next"?\s*(;|$)/i.test(match[2]) && match[1].startsWith('/api/tasks?')) return match[1];
  }
  return null;
}

async function readProblem(response: Response): Promise<ProblemBody> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') return { status: response.status, ...(parsed as ProblemBody) };
  } catch {
    // not JSON
  }
  return { status: response.status, title: response.statusText || `HTTP ${response.status}`, detail: text.slice(0, 300) || undefined };
}
