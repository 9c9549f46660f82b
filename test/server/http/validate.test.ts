// Request validators compile at their first use or when the started server compiles the rest in turns, not
// while the app is built: a server answers sooner after a start.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.js';
import { UserDirectory } from '../../../server/auth/users.js';
import { compileInTurns, validator, type Validator } from '../../../server/http/validate.js';
import { TEST_USERS } from '../support/client.js';
import { FakeStratum } from '../support/fake-stratum.js';

/** A schema ajv refuses to compile (strict mode: an unknown type). */
const UNCOMPILABLE = { type: 'nonsense' };

describe('a request validator', () => {
  it('compiles its schema at the first check, not when it is made', () => {
    const check = validator<unknown>(UNCOMPILABLE, 'body');
    expect(() => check({})).toThrow(/schema is invalid/);
  });

  it('checks as before once compiled ahead', () => {
    const check = validator<{ n: number }>({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }, 'body');
    check.compile();
    expect(check({ n: 1 })).toEqual({ n: 1 });
    expect(() => check({ n: 'one' })).toThrow(expect.objectContaining({ status: 422, extensions: { errors: [{ field: '/n', message: 'must be integer' }] } }));
  });

  it('names the missing parameter of a dependentRequired rule (sortBy without sortOrder), not the query as a whole', () => {
    const check = validator<unknown>({ type: 'object', properties: { sortBy: { type: 'string' }, sortOrder: { type: 'string' } }, dependentRequired: { sortBy: ['sortOrder'] } }, 'query');
    expect(() => check({ sortBy: 'incidentId' })).toThrow(
      expect.objectContaining({ status: 400, extensions: { errors: [{ field: 'query.sortOrder', message: 'is required when sortBy is given' }] } }),
    );
  });
});

describe('compileInTurns', () => {
  it('compiles one validator per event-loop turn, so a request between two compiles waits for one only', async () => {
    const log: string[] = [];
    let compiling = true;
    // stands for the event loop's other work: one entry per turn while the compiles run
    const turn = () => {
      log.push('turn');
      if (compiling) setImmediate(turn);
    };
    setImmediate(turn);
    const fake = (name: string): Validator<unknown> => Object.assign((value: unknown) => value, { compile: () => void log.push(name) });
    await compileInTurns([fake('a'), fake('b'), fake('c')]);
    compiling = false;
    expect(log.slice(0, 5)).toEqual(['a', 'turn', 'b', 'turn', 'c']);
  });

  it('compiles every operation\'s schemas of the app', async () => {
    const { compileValidators, dispose } = createApp({
      stratum: new FakeStratum(),
      users: UserDirectory.fromJson(TEST_USERS),
      logger: pino({ level: 'silent' }),
      modelerDir: null,
    });
    try {
      await expect(compileValidators()).resolves.toBeUndefined();
    } finally {
      dispose();
    }
  });
});
