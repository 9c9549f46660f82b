// Sending .bpmn files to a Stratum server's API as a multipart upload (the
// body POST /api/deployments and POST /api/impact share), and reading its answer.
import { basename } from 'node:path';
import type { BpmnFileBytes } from './bpmn-files.js';

/** `path` under the server's URL (which may carry a path prefix), or why the URL will not do. */
export function apiUrl(server: string | undefined, path: string): URL | string {
  if (!server) return 'name the server with --server <url>';
  let base: URL;
  try {
    base = new URL(server.endsWith('/') ? server : `${server}/`);
  } catch {
    return `--server "${server}" is not a URL (e.g. https://stratum.example.com)`;
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return `--server "${server}" must be an http or https URL`;
  if (base.username || base.password) return '--server must not carry credentials; pass the token with --token or STRATUM_TOKEN';
  return new URL(path, base);
}

export interface ServerAnswer {
  status: number;
  json?: unknown;
  text: string;
}

/** Posts the files (by base name) as multipart `files`; throws with a readable reason when the server cannot be reached. */
export async function uploadFiles(endpoint: URL, token: string, files: BpmnFileBytes[], timeoutMs: number): Promise<ServerAnswer> {
  const form = new FormData();
  for (const file of files) form.append('files', new Blob([file.bytes], { type: 'application/octet-stream' }), basename(file.path));
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json, application/problem+json' },
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new Error(`cannot reach ${endpoint.origin}: ${networkReason(error, timeoutMs)}`);
  }
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let json: unknown;
  if (/^application\/(problem\+)?json/.test(type)) {
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, json, text };
}

/** One line saying why the server refused (a problem+json answer or the first line of the text). */
export function refusal(answer: ServerAnswer): string {
  const problem = (answer.json ?? {}) as { title?: string; detail?: string };
  const detail = problem.detail ?? answer.text.trim().split('\n')[0]?.slice(0, 200) ?? '';
  return `${answer.status}${problem.title ? ` ${problem.title}` : ''}${detail ? `: ${detail}` : ''}`;
}

function networkReason(error: unknown, timeoutMs: number): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
