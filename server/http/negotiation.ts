// What an operation's successful answers can be, for the Accept header (RFC 9110 §12.5.1) and the Allow header
// of OPTIONS and 405 answers (RFC 9110 §10.2.1).
import type { Request } from 'express';
import type { Operation } from '../operations.js';
import { HttpProblem } from '../problem.js';

const JSON_TYPE = 'application/json';
/** A JSON answer also satisfies a client that only asked for problem details: it reads both the same way. */
const JSON_ACCEPTED = [JSON_TYPE, 'application/problem+json'];
const XML_TYPE = 'application/xml';
/** An XML answer is also `text/xml` (RFC 7303 §9.2: the same documents; older tools and .NET clients ask for it). */
const XML_ACCEPTED = [XML_TYPE, 'text/xml'];

/** The types a client may accept for an answer of `type`. */
const acceptedFor = (type: string): string[] => type === JSON_TYPE ? JSON_ACCEPTED : producedTypes(type);

/** The media types an answer documented as `type` may be sent as (the OpenAPI document lists each). */
export function producedTypes(type: string): string[] {
  return type === XML_TYPE ? XML_ACCEPTED : [type];
}

/** The XML media type to answer with: `text/xml` for a client that prefers it, else `application/xml`. */
export function xmlMediaType(req: Request): string {
  return req.get('accept') !== undefined && req.accepts(XML_ACCEPTED) === 'text/xml' ? 'text/xml' : XML_TYPE;
}

/** The media types a client may accept to get this operation's answer; empty when no success answer has a body. */
export function acceptableTypes(op: Operation): string[] {
  const types = new Set<string>();
  for (const [status, spec] of Object.entries(op.responses)) {
    if (Number(status) >= 300) continue;
    if (spec.schema) for (const type of JSON_ACCEPTED) types.add(type);
    else if (spec.content) for (const type of acceptedFor(spec.content.type)) types.add(type);
  }
  return [...types];
}

/**
 * 406 when the Accept header excludes every type of `types` (wildcards and quality values count; no Accept header
 * takes anything). The problem itself is problem+json whatever the client asked for, as RFC 9457 clients expect.
 */
export function assertAcceptable(req: Request, types: readonly string[]): void {
  if (!types.length || req.get('accept') === undefined || req.accepts([...types])) return;
  const produced = types.filter((type) => type !== 'application/problem+json');
  throw new HttpProblem(406, `${req.path.slice(0, 200)} answers ${produced.join(', ')}; the Accept header (${(req.get('accept') ?? '').slice(0, 200)}) takes none of them.`, {
    acceptable: produced,
  });
}

/** The Allow value of a path whose operations use `methods`: HEAD wherever GET is, and OPTIONS everywhere. */
export function allowedMethods(methods: readonly Operation['method'][]): string[] {
  const allowed = methods.map((method) => method.toUpperCase());
  if (allowed.includes('GET')) allowed.push('HEAD');
  allowed.push('OPTIONS');
  return allowed;
}
