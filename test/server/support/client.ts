// A small HTTP client for the tests: every response is checked against the
// OpenAPI contract before the test sees it.
import type { InstanceSummary } from '../../../engine/api.js';
import type { Problem } from '../../../server/problem.js';
import { Contract } from './contract.js';

// `T` is what the test expects the body to be (the engine's view types, or a
// small interface of the test's own); unnamed, the body is `unknown`.
export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  contentType: string;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  json?: unknown;
  body?: string | Buffer | FormData;
  headers?: Record<string, string>;
  /** Skip the contract check (for raw protocol tests that check it themselves). */
  unchecked?: boolean;
}

export const TOKENS = {
  designer: 'test-designer-token',
  erp: 'test-integration-token',
  director: 'test-director-token',
  vp: 'test-vp-token',
  procurement: 'test-procurement-token',
  production: 'test-production-token',
  inspection: 'test-inspection-token',
  operations: 'test-operations-token',
  nobody: 'test-nobody-token',
} as const;

/** Users file contents for the tests (the tokens above). */
export const TEST_USERS = {
  users: [
    { name: 'dora', token: TOKENS.designer, groups: ['designer'] },
    { name: 'erp', token: TOKENS.erp, groups: ['integration'] },
    { name: 'dirk', token: TOKENS.director, groups: ['sales-director'] },
    { name: 'vera', token: TOKENS.vp, groups: ['vice-president'] },
    { name: 'paul', token: TOKENS.procurement, groups: ['procurement'] },
    { name: 'pia', token: TOKENS.production, groups: ['production'] },
    { name: 'ines', token: TOKENS.inspection, groups: ['inspection'] },
    { name: 'otto', token: TOKENS.operations, groups: ['operations'] },
    { name: 'nobody', token: TOKENS.nobody, groups: [] },
  ],
};

const sharedContract = new Contract();

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly contract: Contract = sharedContract,
  ) {}

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body: body as BodyInit | undefined });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (/json/.test(contentType) && text) parsed = JSON.parse(text);
    if (!options.unchecked && method !== 'HEAD') {
      this.contract.check(method, new URL(this.baseUrl + path).pathname, response.status, contentType, parsed);
    }
    return { status: response.status, headers: response.headers, contentType, body: parsed as T, text };
  }

  get<T = unknown>(path: string, token?: string, options: RequestOptions = {}) {
    return this.request<T>('GET', path, { ...options, ...(token ? { token } : {}) });
  }

  post<T = unknown>(path: string, token: string | undefined, json?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, ...(token ? { token } : {}), ...(json !== undefined ? { json } : {}) });
  }

  /**
   * The JSON body of a successful answer, typed as the test expects it. The
   * body has passed the OpenAPI contract check; an answer that is not 2xx
   * fails the test with its problem detail instead of being read as `T`.
   */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request<unknown>(method, path, options);
    if (response.status < 200 || response.status > 299) {
      const detail = (response.body as { detail?: unknown } | null)?.detail;
      throw new Error(`${method} ${path} answered ${response.status}${typeof detail === 'string' ? `: ${detail}` : ''}`);
    }
    return response.body as T;
  }
}

/**
 * The body of a problem answer (RFC 9457), for a test that reads what a
 * refusal says. Fails the test when the answer is not application/problem+json;
 * the contract check has validated it against the Problem schema.
 */
export function problemOf(response: ApiResponse<unknown>): Problem {
  if (!response.contentType.startsWith('application/problem+json')) {
    throw new Error(`expected a problem answer, got ${response.status} ${response.contentType}: ${response.text.slice(0, 500)}`);
  }
  return response.body as Problem;
}

/**
 * The status a refusal of the input must have on the route that answered: Camunda 7's routes (`/engine-rest`)
 * answer 400 where the others answer 422, as Camunda 7 does (server/problem.ts), and carry the detail as `message`,
 * which this checks too. Other statuses are the same on every route.
 */
export function expectedRefusalStatus(response: ApiResponse<unknown>, status: number): number {
  const instance = response.contentType.startsWith('application/problem+json') ? problemOf(response).instance : undefined;
  if (!instance?.startsWith('/engine-rest/')) return status;
  if (problemOf(response).message !== problemOf(response).detail) throw new Error(`a Camunda 7 problem without its detail as message: ${response.text.slice(0, 500)}`);
  return status === 422 ? 400 : status;
}

/** GET /api/instances: a page of instances with the total and the next page's cursor. */
export interface InstancePage {
  items: InstanceSummary[];
  total: number;
  limit: number;
  offset: number;
  next: string | null;
}
