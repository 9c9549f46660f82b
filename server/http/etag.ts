// Conditional GETs for what a client polls (the task list, an order, an instance): the ETag is a hash
// of what would be sent, so a poll that finds nothing new costs a 304 and no body.
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Reply } from './handler.js';

/** `reply` with its ETag, or a bodiless 304 when the client already holds exactly this answer. */
export function conditional(req: Request, reply: Reply): Reply {
  const hash = createHash('sha256').update(JSON.stringify([reply.json, reply.headers ?? {}])).digest('base64url').slice(0, 27);
  const etag = `"${hash}"`;
  const headers = { ...reply.headers, ETag: etag };
  if (matches(req.get('if-none-match'), etag)) return { status: 304, headers };
  return { ...reply, headers };
}

// helpers

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
