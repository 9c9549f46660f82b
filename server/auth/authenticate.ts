// Bearer-token authentication and group checks, as express middleware.
import type { NextFunction, Request, Response } from 'express';
import type { ServerRoles } from '../../engine/api.js';
import { HttpProblem } from '../problem.js';
import type { User, UserDirectory } from './users.js';

/** Groups with a meaning to the server (task groups are the engine's business). */
export const GROUPS = {
  designer: 'designer',
  integration: 'integration',
  /** May retry incidents (resume failed orders after a fix). */
  operations: 'operations',
} as const;

/**
 * What an assignment expression never hands a task to (StratumOptions.serverRoles): the groups above, and the
 * users who hold nothing else. The users file is read once at start, so this is too.
 */
export function serverRoles(users: UserDirectory): ServerRoles {
  const groups = Object.values(GROUPS);
  return { groups, accounts: users.accountsOnlyIn(groups) };
}

// RFC 9110 §11.1: the scheme is case-insensitive (clients send `bearer` too), then 1*SP before the credentials.
const BEARER = /^Bearer +([\x21-\x7E]{1,512})$/i;

const unauthorized = (detail: string, invalidToken = false) =>
  new HttpProblem(401, detail, {}, { 'WWW-Authenticate': `Bearer realm="stratum"${invalidToken ? ', error="invalid_token"' : ''}` });

/** Sets `res.locals.user`, or answers 401. */
export function authenticate(users: UserDirectory) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // Node keeps the first of repeated Authorization headers and drops the others: two credentials are refused,
    // never one of them served (RFC 6750 §3.1, invalid_request)
    const sent = req.headersDistinct.authorization?.length ?? 0;
    if (sent > 1) {
      return next(new HttpProblem(400, `Send one Authorization header; this request has ${sent}.`, {}, { 'WWW-Authenticate': 'Bearer realm="stratum", error="invalid_request"' }));
    }
    const header = req.get('authorization');
    if (!header) return next(unauthorized('Send a bearer token: Authorization: Bearer <token>.'));
    const match = BEARER.exec(header);
    if (!match) return next(unauthorized('The Authorization header is not a bearer token.', true));
    const user = users.authenticate(match[1]);
    if (!user) return next(unauthorized('The bearer token is not valid.', true));
    res.locals.user = user;
    next();
  };
}

/** Answers 403 unless the authenticated user is in `group`. */
export function requireGroup(group: string) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const user = res.locals.user as User | undefined;
    if (!user) return next(unauthorized('Send a bearer token: Authorization: Bearer <token>.'));
    if (!user.groups.includes(group)) {
      return next(new HttpProblem(403, `This call needs membership in the group "${group}"; ${user.name} is not a member.`));
    }
    next();
  };
}

/** Answers 403 unless the authenticated user is in one of `groups` (the handler asks for the one it needs). */
export function requireAnyGroup(groups: readonly string[]) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const user = res.locals.user as User | undefined;
    if (!user) return next(unauthorized('Send a bearer token: Authorization: Bearer <token>.'));
    if (!groups.some((group) => user.groups.includes(group))) {
      return next(new HttpProblem(403, `This call needs membership in one of the groups ${groups.map((group) => `"${group}"`).join(', ')}; ${user.name} is in none.`));
    }
    next();
  };
}

/** Throws 403 unless `user` is in `group`: what a part of a request (`what`) needs beyond the call's own access. */
export function requireMembership(user: User, group: string, what: string): void {
  if (!user.groups.includes(group)) {
    throw new HttpProblem(403, `${what} needs membership in the group "${group}"; ${user.name} is not a member.`);
  }
}

export function currentUser(res: Response): User {
  const user = res.locals.user as User | undefined;
  if (!user) throw unauthorized('Send a bearer token: Authorization: Bearer <token>.');
  return user;
}
