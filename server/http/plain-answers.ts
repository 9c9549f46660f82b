// Answers written straight on a Node response, where no express app runs: the
// primary's order router, its /healthz and /metrics, and the management port's
// thread. Each carries what the API's answers carry (Cache-Control: no-store,
// nosniff); a problem is the API's problem+json (problem.ts).
import type { ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, type HttpProblem } from '../problem.js';

export function sendText(res: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, contentType: string, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, contentType, JSON.stringify(body), headers);
}

export function sendProblem(res: ServerResponse, problem: HttpProblem, url: string, headers: Record<string, string> = {}): void {
  sendJson(res, problem.status, PROBLEM_CONTENT_TYPE, problem.toProblem(url.length <= 500 ? url : undefined), { ...problem.headers, ...headers });
}
