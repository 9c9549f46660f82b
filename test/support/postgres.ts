// PostgreSQL for tests: a fresh schema per store, each dropped after the file that made it.
// Unreachable PostgreSQL makes these tests skip with a message, unless
// STRATUM_REQUIRE_POSTGRES=1 (CI), where it is a failure.
import pg from 'pg';
import { describe, it } from 'vitest';
import { cleanUpAfterEachFile } from './cleanup.js';

export const databaseUrl = process.env.STRATUM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const postgresRequired = process.env.STRATUM_REQUIRE_POSTGRES === '1';

const runId = `stratum_test_${process.pid}_${Date.now().toString(36)}`;
/** This file's schemas, dropped after it. */
const schemas: string[] = [];
let schemasMade = 0;
// one pool for the worker's life (files share it); idle, it does not keep the worker's process alive
export const postgresAdmin = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 3000, allowExitOnIdle: true });
postgresAdmin.on('error', () => undefined);

/** Why PostgreSQL cannot be used, or null when it can. */
export const postgresUnreachable: string | null = await postgresAdmin.query('SELECT 1').then(
  () => null,
  (error: Error) => `${error.message || String(error)} (${databaseUrl.replace(/:[^:@/]*@/, ':***@')})`,
);

cleanUpAfterEachFile(async () => {
  if (postgresUnreachable) return;
  for (const schema of schemas.splice(0)) await postgresAdmin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

export async function freshSchema(): Promise<string> {
  const schema = `${runId}_${++schemasMade}`;
  schemas.push(schema);
  await postgresAdmin.query(`CREATE SCHEMA ${schema}`);
  return schema;
}

/**
 * Drops `schema` under a server that is still using it (a test of a store that stops answering). DROP SCHEMA takes
 * its tables' locks one by one while the workers' background work (timers, outbox) holds some: PostgreSQL may pick
 * the drop as a deadlock's victim (40P01, seen in CI), so it is tried again.
 */
export async function dropSchemaUnderLoad(schema: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await postgresAdmin.query(`DROP SCHEMA ${schema} CASCADE`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt === 5) throw error;
    }
  }
}

/** A DATABASE_URL whose connections resolve tables in `schema` (for a server or openStore, as inSchema is for a pool). */
export function schemaUrl(schema: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** pg pool options whose connections resolve tables in `schema`. */
export const inSchema = (schema: string, max = 6) => ({ connectionString: databaseUrl, options: `-c search_path=${schema}`, max });

/** Registers `suite` when PostgreSQL is reachable; otherwise a skip (or, when required, a failing test). */
export function describePostgres(name: string, suite: () => void) {
  if (!postgresUnreachable) {
    describe(name, suite);
  } else if (postgresRequired) {
    describe(name, () => {
      it('needs a reachable PostgreSQL (STRATUM_REQUIRE_POSTGRES=1)', () => {
        throw new Error(`PostgreSQL is unreachable: ${postgresUnreachable}`);
      });
    });
  } else {
    console.warn(`${name}: skipped, PostgreSQL is unreachable: ${postgresUnreachable}. Set STRATUM_TEST_DATABASE_URL, or STRATUM_REQUIRE_POSTGRES=1 to fail instead.`);
    describe.skip(`${name} (skipped: PostgreSQL unreachable)`, () => {
      it('runs', () => undefined);
    });
  }
}
