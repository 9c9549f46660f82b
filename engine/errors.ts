// Typed errors of the engine API. The server maps `code` to an HTTP status;
// the CLI prints `message`. `details` lists findings or fields when there are several.

export type ErrorCode =
  | 'not-found' // 404
  | 'conflict' // 409: no longer open, idempotency key reused with another body, concurrent change (see `lostRace`)
  | 'forbidden' // 403
  | 'invalid' // 422: a deployment or request that is well-formed but not acceptable
  | 'bad-request' // 400
  | 'unavailable'; // 503: the library cannot serve the call as configured (e.g. no order process deployed)

export interface Finding {
  /** The file the finding is about, when several were deployed together. */
  file?: string;
  elementId: string | null;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
}

/** A refused field of the call's input, as a JSON pointer into it (`/currency`, `/variables/amount`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The kind of race a transaction lost: `revision`, an instance changed since it was read; `duplicate`, a row
 * with the same key inserted meanwhile; `resolved`, an incident retried meanwhile; `rollback`, PostgreSQL rolled
 * the transaction back (a deadlock or serialization failure).
 */
export type LostRaceKind = 'revision' | 'duplicate' | 'resolved' | 'rollback';

/**
 * A setting from the environment that cannot be used (`PORT=abc`, `LOG_LEVEL=loud`, a file it names that cannot be
 * read): the server does not start, and its one log line names the variable and says why, without a stack trace.
 */
export class ConfigurationError extends Error {
  /** `findings`: what refused the diagrams folder (STRATUM_DIAGRAMS), each as deploy reports it. */
  constructor(readonly variable: string, message: string, readonly details?: { findings: Finding[] }) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/**
 * The store was written by a newer Stratum: its schema version is past this build's migrations. Opening it is
 * refused before anything is written; the server's one log line names both versions and what to do.
 */
export class NewerStoreError extends Error {
  constructor(readonly storeVersion: number, readonly buildVersion: number, store: string) {
    super(
      `${store} has schema version ${storeVersion}, newer than this Stratum knows (${buildVersion}): `
      + 'run the newer Stratum that migrated it, or restore the backup taken before that upgrade (docs/api.md, Upgrading)',
    );
    this.name = 'NewerStoreError';
  }
}

/** The store's server could not be reached or refused the connection (PostgreSQL down, wrong host, login or database). */
export class StoreConnectError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'StoreConnectError';
  }
}

/**
 * The store's server stopped answering a transaction or read under way, or gave it no connection: its connection
 * ended (pg_terminate_backend, a PostgreSQL restart or failover, a cut network) or could not be opened. PostgreSQL
 * rolled the transaction back, unless the connection ended while it committed, when the caller cannot know whether
 * it was kept; either way running it again is safe where the call is idempotent (an order's number). The server
 * answers 503 with Retry-After.
 */
export class StoreUnavailableError extends Error {
  constructor(cause: Error) {
    super(`the store did not answer: ${cause.message}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

export class StratumError extends Error {
  /**
   * A lost race, not a refusal: the transaction read data another one changed or inserted before it committed
   * (a revision check, a concurrent duplicate insert, a deadlock or serialization failure), so running it again
   * reads the winner's data and may succeed. Stays inside the engine: no HTTP answer shows it.
   */
  readonly retryable: boolean;
  /** Which race was lost, when `retryable` (counted by `/metrics`, never shown to the caller). */
  readonly race?: LostRaceKind;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** `errors`: the fields at fault; `reason`: a stable word for the kind of refusal (e.g. `called-process`). */
    readonly details?: { findings?: Finding[]; errors?: FieldProblem[]; reason?: string; [key: string]: unknown },
    options: { race?: LostRaceKind } = {},
  ) {
    super(message);
    this.name = 'StratumError';
    this.retryable = options.race !== undefined;
    if (options.race) this.race = options.race;
  }
}

export const notFound = (message: string) => new StratumError('not-found', message);
export const conflict = (message: string, details?: StratumError['details']) => new StratumError('conflict', message, details);
/** A conflict that a lost race caused (see `StratumError.retryable`); every other conflict is a refusal. */
export const lostRace = (race: LostRaceKind, message: string, details?: StratumError['details']) =>
  new StratumError('conflict', message, details, { race });
/** The rule of every retry loop: only a lost race is worth running again; a refusal would refuse again. */
export const isRetryableConflict = (error: unknown): error is StratumError =>
  error instanceof StratumError && error.code === 'conflict' && error.retryable;
export const forbidden = (message: string, details?: StratumError['details']) => new StratumError('forbidden', message, details);
