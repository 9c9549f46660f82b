// Typed fetch client for Stratum's HTTP API (DESIGN.md, "HTTP API").
// Every non-2xx answer becomes an ApiProblem built from the server's problem+json body.
import type {
  DecisionSummary,
  Finding,
  ImpactReport,
  IncidentView,
  InstanceSummary,
  InstanceView,
  ProcessDetail,
  ProcessSummary,
  RefusedAttemptView,
} from '../../../engine/api.js';
import { decodeXml } from '../../../engine/interop/encoding.js';
import { VersionXmlCache } from './version-xml-cache';

export type { DecisionSummary, Finding, ImpactReport, IncidentView, InstanceSummary, InstanceView, ProcessDetail, ProcessSummary, RefusedAttemptView };
/** The server's semantic diff of two versions of a process, as the impact report and GET …/versions/{n}/diff give it. */
export type ServerDiff = ImpactReport['processes'][number]['diff'];
export type { RefusedEvent, WaitingElement } from '../../../engine/api.js';
/** Why an incident was raised, for a program (docs/api.md, "Incidents"). */
export type IncidentReason = NonNullable<IncidentView['reason']>;
/** Why an instance failed, or (in a 422) would fail. */
export type StepIncident = NonNullable<InstanceView['incident']>;

export interface DeployResponse {
  deployed: { key: string; version: number; changed: boolean }[];
  /** The decisions of the deployment's .dmn files, each versioned on its own. */
  decisions: { id: string; version: number; changed: boolean }[];
  warnings: Finding[];
}

/** GET /api/me: who the token belongs to. */
export interface Me {
  name: string;
  groups: string[];
  /** Those of `groups` that grant server roles (`designer`, `integration`, `operations`): what the user may do. */
  roles: string[];
  /** The other groups: those tasks may be offered to. */
  taskGroups: string[];
}

/** GET /api/groups: the task groups that have members; `demo` when the server runs on its demo users. */
export interface TaskGroups {
  groups: string[];
  demo: boolean;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  findings?: Finding[];
  [extra: string]: unknown;
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly findings: Finding[];
  /** The whole problem, for members a refusal adds (`reason`, `rootCauseIncidentId`, `incident` …). */
  readonly body: ProblemBody;

  constructor(status: number, body: ProblemBody) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.name = 'ApiProblem';
    this.status = status;
    this.title = body.title || `HTTP ${status}`;
    this.detail = body.detail;
    this.findings = Array.isArray(body.findings) ? body.findings : [];
    this.body = body;
  }
}

export interface InstanceList {
  items: InstanceSummary[];
  /** How many match the query, beyond the page. */
  total: number;
}

/** GET /api/incidents: one page of open incidents, oldest first; `nextCursor` asks for the next. */
export interface IncidentPage {
  items: IncidentView[];
  nextCursor: string | null;
}

/** GET /api/audit/refused: one page of refused attempts, newest first; `next` asks for the page after it. */
export interface RefusedAttemptPage {
  items: RefusedAttemptView[];
  limit: number;
  next: string | null;
}

/** One file of a deployment: a .bpmn, or a .dmn with decisions. */
export interface BpmnUpload {
  name: string;
  xml: string;
}

export class ApiClient {
  private token: string | null = null;
  /** Deployed versions never change: their XML is read once while kept (version-xml-cache.ts). Nothing else is kept. */
  private readonly versionXml = new VersionXmlCache();
  /** Called when the server no longer accepts the token (401). */
  onUnauthorized: (() => void) | null = null;

  constructor(private readonly baseUrl = '') {}

  setToken(token: string | null): void {
    // another user (or nobody) must not be handed what this token read
    if (token !== this.token) this.versionXml.clear();
    this.token = token;
  }

  hasToken(): boolean {
    return !!this.token;
  }

  listProcesses(): Promise<ProcessSummary[]> {
    return this.json<ProcessSummary[] | { items: ProcessSummary[] }>('GET', '/api/processes').then(unwrapItems);
  }

  getProcess(key: string): Promise<ProcessDetail> {
    return this.json('GET', `/api/processes/${encodeURIComponent(key)}`);
  }

  /** The XML deployed as this version, byte for byte: read once while kept, one request for concurrent askers. */
  getVersionXml(key: string, version: number): Promise<string> {
    return this.versionXml.get(key, version, () => this.xml(`/api/processes/${encodeURIComponent(key)}/versions/${version}/xml`));
  }

  /** GET /api/processes/{key}/versions/{n}/diff?to=m: the server's semantic diff from version n to m. */
  getVersionDiff(key: string, from: number, to: number): Promise<ServerDiff> {
    return this.json('GET', `/api/processes/${encodeURIComponent(key)}/versions/${from}/diff?to=${to}`);
  }

  /** GET /api/decisions: the deployed DMN decisions, each with its latest version. */
  listDecisions(): Promise<DecisionSummary[]> {
    return this.json('GET', '/api/decisions');
  }

  /** GET /api/decisions/{id}/versions/{n}/xml: the .dmn file that version came in, as deployed. */
  getDecisionXml(id: string, version: number): Promise<string> {
    return this.xml(`/api/decisions/${encodeURIComponent(id)}/versions/${version}/xml`);
  }

  /** POST /api/deployments: the files deploy together (they may call each other) or not at all. */
  deploy(files: BpmnUpload[], note: string): Promise<DeployResponse> {
    return this.json('POST', '/api/deployments', uploadOf(files, note));
  }

  /** POST /api/impact: what deploying these files would do (nothing is stored). */
  impact(files: BpmnUpload[], { replay = true } = {}): Promise<ImpactReport> {
    return this.json('POST', `/api/impact${replay ? '' : '?replay=false'}`, uploadOf(files));
  }

  /** GET /api/groups: designers only (403 for anyone else). */
  listGroups(): Promise<TaskGroups> {
    return this.json('GET', '/api/groups');
  }

  me(): Promise<Me> {
    return this.json('GET', '/api/me');
  }

  findInstances(query: InstanceQuery): Promise<InstanceSummary[]> {
    return this.listInstances(query).then((list) => list.items);
  }

  /** GET /api/instances: one page and the total the server counts for the same query. */
  async listInstances(query: InstanceQuery): Promise<InstanceList> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(name, String(value));
    }
    const answer = await this.json<InstanceSummary[] | Partial<InstanceList>>('GET', `/api/instances?${params}`);
    const items = Array.isArray(answer) ? answer : answer.items ?? [];
    return { items, total: Array.isArray(answer) ? items.length : answer.total ?? items.length };
  }

  getInstance(id: string): Promise<InstanceView> {
    return this.json('GET', `/api/instances/${encodeURIComponent(id)}`);
  }

  /** GET /api/incidents: open incidents, oldest first, a page at a time. */
  listIncidents(query: { limit?: number; cursor?: string } = {}): Promise<IncidentPage> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    return this.json('GET', `/api/incidents?${params}`);
  }

  getIncident(id: string): Promise<IncidentView> {
    return this.json('GET', `/api/incidents/${encodeURIComponent(id)}`);
  }

  /** POST /api/incidents/{id}/retry: operations only; a refusal (403, 409, 422) is an ApiProblem. */
  async retryIncident(id: string, variables?: Record<string, unknown>): Promise<void> {
    await this.request('POST', `/api/incidents/${encodeURIComponent(id)}/retry`, JSON.stringify(variables ? { variables } : {}), 'application/json');
  }

  /** GET /api/audit/refused?…: operations only (403 for anyone else); `query` is the filter and page (audit-query.ts). */
  listRefusedAttempts(query: URLSearchParams): Promise<RefusedAttemptPage> {
    return this.json('GET', `/api/audit/refused?${query}`);
  }

  /**
   * Probes the token: resolves, with who it belongs to, when the server accepts it. GET /api/me, as the task list
   * signs in: the library (GET /api/processes) is loaded once signed in, by the library's watch, and not a second
   * time for the probe; the answer goes with SESSION_READY to whoever needs the user, and is not asked for again.
   */
  async checkToken(): Promise<Me> {
    const hook = this.onUnauthorized;
    this.onUnauthorized = null;
    try {
      return await this.me();
    } finally {
      this.onUnauthorized = hook;
    }
  }

  private async request(method: string, path: string, body?: string | FormData, contentType?: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json, application/xml' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (contentType) headers['content-type'] = contentType;
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, { method, headers, body });
    } catch (error) {
      throw new ApiProblem(0, { title: 'Server unreachable', detail: (error as Error).message });
    }
    if (!response.ok) {
      const problem = new ApiProblem(response.status, await readProblem(response));
      if (response.status === 401 && this.token) this.onUnauthorized?.();
      throw problem;
    }
    return response;
  }

  private async json<T>(method: string, path: string, body?: string | FormData, contentType?: string): Promise<T> {
    const response = await this.request(method, path, body, contentType);
    return (await response.json()) as T;
  }

  /**
   * A deployed file's text, decoded as the server sends it: in the encoding it was deployed in (ISO-8859-1,
   * windows-1252, UTF-16). `Response.text()` reads every body as UTF-8, which turned a Latin-1 file's accents into
   * U+FFFD, and a save then deployed them so.
   */
  private async xml(path: string): Promise<string> {
    return decodeXml(await (await this.request('GET', path)).arrayBuffer());
  }
}

type InstanceQuery = { processKey?: string; businessKey?: string; status?: string; limit?: number };

// helpers

/** Multipart: parts named `files`, and the note. */
function uploadOf(files: BpmnUpload[], note?: string): FormData {
  const form = new FormData();
  for (const file of files) form.append('files', new Blob([file.xml], { type: 'application/xml' }), file.name);
  if (note !== undefined) form.append('note', note);
  return form;
}

async function readProblem(response: Response): Promise<ProblemBody> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') return { status: response.status, ...(parsed as ProblemBody) };
  } catch {
    // not JSON: fall through to a plain problem
  }
  return { status: response.status, title: response.statusText || `HTTP ${response.status}`, detail: text.slice(0, 300) || undefined };
}

function unwrapItems<T>(value: T[] | { items: T[] }): T[] {
  return Array.isArray(value) ? value : value.items;
}
