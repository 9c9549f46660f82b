// A POST sent in two parts, to catch a server between a request's headers and its body (a stop that begins
// in between must still serve it): the headers go out now, the caller sends the body later with `req.end(body)`.
import { request, type ClientRequest } from 'node:http';

export interface PostInParts {
  req: ClientRequest;
  answer: Promise<{ status: number; retryAfter?: string; body: string }>;
}

/** A POST of `body` to `path` on its own connection; nothing of the body is sent yet. */
export function postInParts(port: number, path: string, body: string, headers: Record<string, string> = {}): PostInParts {
  const req = request({
    host: '127.0.0.1', port, method: 'POST', path, agent: false,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
  });
  const answer = new Promise<{ status: number; retryAfter?: string; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: text }));
    });
    req.on('error', reject);
  });
  return { req, answer };
}

/**
 * The same with `Expect: 100-continue`, once the server has answered 100 Continue: it has read the headers and let
 * the request in, so it is under way (no guess at timing).
 */
export async function postUnderWay(port: number, path: string, body: string, headers: Record<string, string> = {}): Promise<PostInParts> {
  const post = postInParts(port, path, body, { ...headers, expect: '100-continue' });
  post.req.flushHeaders();
  await new Promise((resolve) => post.req.once('continue', resolve));
  return post;
}
