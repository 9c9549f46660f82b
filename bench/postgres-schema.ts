// PostgreSQL for benchmarks: a fresh schema on STRATUM_BENCH_DATABASE_URL
// (default: the local test database), its connection URL resolving tables in
// it, dropped afterwards. Unreachable PostgreSQL is a reason to skip, not an error.
import pg from 'pg';

const POSTGRES_URL = process.env.STRATUM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchSchema {
  /** A postgres:// URL whose connections resolve tables in the fresh schema. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh schema named after `label`, or the reason PostgreSQL cannot be used. */
export async function freshBenchSchema(label: string): Promise<BenchSchema | { skipped: string }> {
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, connectionTimeoutMillis: 3000 });
  admin.on('error', () => undefined);
  const schema = `stratum_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } catch (error) {
    await admin.end();
    return { skipped: `PostgreSQL unreachable: ${(error as Error).message}` };
  }
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
