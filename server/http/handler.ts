// What a route handler receives and returns. Handlers never touch express:
// the pipeline in app.ts authenticates, validates and sends.
import type { Request } from 'express';
import type { CallerRoute } from '../../engine/api.js';
import type { User } from '../auth/users.js';
import type { RouteHint } from '../routing.js';

/** The authenticated user and the route family (`/api`, `/engine-rest`, `/v2`) their call came by. */
type Caller = User & { via: CallerRoute };

/** The route family of an operation's path, as the history names it. */
export function routeOf(path: string): CallerRoute {
  if (path.startsWith('/engine-rest/')) return 'camunda7';
  if (path.startsWith('/v2/')) return 'camunda8';
  return 'api';
}

export interface Input<Body = unknown, Query = unknown, Params = Record<string, unknown>> {
  body: Body;
  query: Query;
  params: Params;
  headers: Record<string, string | undefined>;
  /** Undefined only on public operations. `via`: the route family of the operation, for the history. */
  user: Caller | undefined;
  req: Request;
}

export interface Reply {
  status: number;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as is with `contentType`. */
  text?: string;
  /** Sent as is with `contentType` (exact bytes, e.g. a deployed file). */
  bytes?: Uint8Array;
  contentType?: string;
  /** Send `contentType` exactly as given (no charset added): clients that compare it literally. */
  exactContentType?: boolean;
  headers?: Record<string, string>;
  /**
   * The order of each instance (or incident) the answer names, for the order router (routing.ts), when the answer
   * itself does not say it (Camunda's shapes, incident ids). Otherwise the router learns it from `json`.
   */
  orders?: RouteHint[];
}

// Handlers narrow their own input; the validators guarantee the shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (input: Input<any, any, any>) => Promise<Reply>;

/**
 * A write with work of its own to do before it takes a write's turn: work that stores nothing and may take long
 * (parsing and linting a deployment), so live writes are not held up behind it. `inTurn` stores, in the turn.
 */
export interface StagedHandler<Prepared = unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  beforeTurn(input: Input<any, any, any>): Promise<Prepared>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inTurn(input: Input<any, any, any>, prepared: Prepared): Promise<Reply>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handlers = Record<string, Handler | StagedHandler<any>>;

export const ok = (json: unknown): Reply => ({ status: 200, json });
