// Answers written straight on a Node response, where no express app runs: the
// primary's order router, its /healthz and /metrics, and the management port's
// thread. Each carries what the API's answers carry (Cache-Control: no-store,
// nosniff); a problem is the API's problem+json (problem.ts).
import type { ServerResponse } from 'node:http';
import { asCamunda7Problem, HttpProblem, isCamunda7Path, PROBLEM_CONTENT_TYPE } from '../problem.js';

export function sendText(res: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, contentType: string, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, contentType, JSON.stringify(body), headers);
}

export function sendProblem(res: ServerResponse, found: HttpProblem, url: string, headers: Record<string, string> = {}): void {
  const problem = isCamunda7Path(url) ? asCamunda7Problem(found) : found;
  sendJson(res, problem.status, PROBLEM_CONTENT_TYPE, problem.toProblem(url.length <= 500 ? url : undefined), { ...problem.headers, ...headers });
}

/** The methods of /healthz and /metrics, wherever they are answered: as the API port's Allow names them. */
const PROBE_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

/**
 * A request for /healthz or /metrics with a method other than GET or HEAD, answered as the API port answers it:
 * OPTIONS 204 with `Allow` (no token, no body), anything else 405 with the same `Allow`. False for GET and HEAD,
 * which the caller answers.
 */
export function answeredOtherMethod(res: ServerResponse, method: string, path: string, url: string, headers: Record<string, string> = {}): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  const allow = PROBE_METHODS.join(', ');
  if (method === 'OPTIONS') {
    res.writeHead(204, { Allow: allow, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
    res.end();
  } else {
    sendProblem(res, new HttpProblem(405, `${path} allows ${allow}.`, { allow: [...PROBE_METHODS] }, { Allow: allow }), url, headers);
  }
  return true;
}
