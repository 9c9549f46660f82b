// Configuration from the environment.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../engine/errors.js';
import { defaultReplayWorkers } from '../../engine/impact/replay-pool.js';
import { REPLAY_NICE, replayNice } from '../../engine/impact/replay-priority.js';
import { cacheBudgetBytes } from '../../engine/runtime/cache-budget.js';
import { walCheckpointSettings } from '../../engine/store/wal-checkpoint-settings.js';
import { idleSettings, parseSize, readConfig } from '../../server/config.js';
import { DEFAULT_ADMISSION } from '../../server/http/admission.js';
import { DEFAULT_HTTP_TIMEOUTS } from '../../server/http/client-errors.js';

const defaults = { admission: DEFAULT_ADMISSION, timeouts: DEFAULT_HTTP_TIMEOUTS, workers: availableParallelism(), routing: 'order', primaryPriority: 5, idleScavenges: true };

describe('readConfig', () => {
  it('defaults to port 3000, ./data, diagrams/, 5 MB bodies and demo mode on loopback', () => {
    expect(readConfig({})).toEqual({
      port: 3000, host: '127.0.0.1', dataDir: './data', demo: true, diagramsDir: 'diagrams', bodyLimitBytes: 5 * 1024 * 1024, logLevel: 'info', ...defaults,
      orderProcessKey: 'order-to-cash', requireDeploymentNote: false,
    });
  });

  it('reads STRATUM_RATES and STRATUM_ORDER_PROCESS', () => {
    expect(readConfig({ STRATUM_RATES: '/etc/stratum/rates.json', STRATUM_ORDER_PROCESS: 'lead-to-cash' })).toMatchObject({
      ratesFile: '/etc/stratum/rates.json', orderProcessKey: 'lead-to-cash',
    });
  });

  it('reads PORT, STRATUM_DATA, DATABASE_URL, STRATUM_USERS, STRATUM_DIAGRAMS and STRATUM_BODY_LIMIT', () => {
    expect(readConfig({ PORT: '8080', STRATUM_DATA: '/var/lib/stratum', DATABASE_URL: 'postgres://db/stratum', STRATUM_USERS: '/etc/stratum/users.json', STRATUM_DIAGRAMS: '/srv/bpmn', STRATUM_BODY_LIMIT: '1mb' })).toEqual({
      port: 8080, host: '0.0.0.0', dataDir: '/var/lib/stratum', databaseUrl: 'postgres://db/stratum', usersFile: '/etc/stratum/users.json', demo: false, diagramsDir: '/srv/bpmn', bodyLimitBytes: 1024 * 1024, logLevel: 'info', ...defaults,
      orderProcessKey: 'order-to-cash', requireDeploymentNote: true,
      // steps on PostgreSQL wait for the database: several overlap
      admission: { ...DEFAULT_ADMISSION, concurrency: 4 },
    });
  });

  it('reads the write admission limits and the HTTP timeouts', () => {
    const config = readConfig({
      STRATUM_WRITE_CONCURRENCY: '2', STRATUM_WRITE_QUEUE: '0', STRATUM_WRITE_QUEUE_WAIT_MS: '500',
      STRATUM_HEADERS_TIMEOUT_MS: '3000', STRATUM_REQUEST_TIMEOUT_MS: '9000', STRATUM_KEEP_ALIVE_TIMEOUT_MS: '1000',
    });
    expect(config.admission).toEqual({ concurrency: 2, queueLength: 0, queueWaitMs: 500 });
    expect(config.timeouts).toEqual({ headersTimeoutMs: 3000, requestTimeoutMs: 9000, keepAliveTimeoutMs: 1000 });
    expect(() => readConfig({ STRATUM_WRITE_CONCURRENCY: '0' })).toThrow(/STRATUM_WRITE_CONCURRENCY must be a whole number of at least 1/);
    expect(() => readConfig({ STRATUM_WRITE_QUEUE: 'many' })).toThrow(/STRATUM_WRITE_QUEUE/);
    expect(() => readConfig({ STRATUM_HEADERS_TIMEOUT_MS: '20000', STRATUM_REQUEST_TIMEOUT_MS: '10000' })).toThrow(/must not exceed/);
  });

  it('refuses a setting that names something (a group, process, file, folder, URL or address) set but blank, naming it', () => {
    const named = [
      'STRATUM_DEFAULT_TASK_GROUP', 'STRATUM_ORDER_PROCESS', 'STRATUM_USERS', 'STRATUM_RATES', 'STRATUM_WEBHOOKS',
      'STRATUM_DATA', 'STRATUM_DIAGRAMS', 'DATABASE_URL', 'HOST',
    ];
    for (const variable of named) {
      for (const blank of ['', '  ']) {
        const refusal = (() => {
          try {
            readConfig({ [variable]: blank });
            return undefined;
          } catch (error) {
            return error as ConfigurationError;
          }
        })();
        expect(refusal, `${variable}=${JSON.stringify(blank)}`).toBeInstanceOf(ConfigurationError);
        expect(refusal).toMatchObject({ variable, message: expect.stringMatching(new RegExp(`^${variable} is set but blank: name `)) as unknown });
      }
    }
  });

  it('takes a number, size, duration or word set but blank as unset: the default, never 0', () => {
    const blank = ' ';
    expect(readConfig({
      PORT: blank, STRATUM_HEALTH_PORT: blank, STRATUM_WORKERS: blank, STRATUM_WRITE_QUEUE: blank, STRATUM_BODY_LIMIT: blank, STRATUM_MESSAGE_TTL: blank,
      STRATUM_WEBHOOKS_RETENTION_DAYS: blank, STRATUM_WEBHOOKS_DEAD_LETTER_RETENTION_DAYS: blank, STRATUM_WEBHOOKS_SECRET_GRACE_HOURS: blank,
      STRATUM_WEBHOOKS_ALLOW_PRIVATE: blank,
      STRATUM_METRICS_TIMEOUT_MS: blank, STRATUM_DEPLOY_NOTE: blank, STRATUM_PRIMARY_PRIORITY: blank,
      STRATUM_ROUTING: blank, STRATUM_IDLE_GC: blank, LOG_LEVEL: blank,
    })).toEqual(readConfig({}));
  });

  it('keeps dead letters for the days STRATUM_WEBHOOKS_DEAD_LETTER_RETENTION_DAYS names, 0 for ever, the engine\'s 30 days unless set', () => {
    expect(readConfig({ STRATUM_WEBHOOKS_DEAD_LETTER_RETENTION_DAYS: '7' }).webhooksDeadLetterRetentionDays).toBe(7);
    expect(readConfig({ STRATUM_WEBHOOKS_DEAD_LETTER_RETENTION_DAYS: '0' }).webhooksDeadLetterRetentionDays).toBe(0);
    expect(readConfig({}).webhooksDeadLetterRetentionDays).toBeUndefined();
  });

  it('signs with a replaced webhook secret for the hours STRATUM_WEBHOOKS_SECRET_GRACE_HOURS names, 0 for none, the engine\'s 24 unless set', () => {
    expect(readConfig({ STRATUM_WEBHOOKS_SECRET_GRACE_HOURS: '48' }).webhooksSecretGraceHours).toBe(48);
    expect(readConfig({ STRATUM_WEBHOOKS_SECRET_GRACE_HOURS: '0' }).webhooksSecretGraceHours).toBe(0);
    expect(readConfig({}).webhooksSecretGraceHours).toBeUndefined();
  });

  it('runs one worker per core unless STRATUM_WORKERS names how many', () => {
    expect(readConfig({ STRATUM_WORKERS: '3' }).workers).toBe(3);
    expect(readConfig({ STRATUM_ROUTING: 'off' }).routing).toBe('off');
    expect(readConfig({ STRATUM_ROUTING: 'order' }).routing).toBe('order');
    expect(() => readConfig({ STRATUM_ROUTING: 'instance' })).toThrow(/STRATUM_ROUTING must be order or off/);
    expect(() => readConfig({ STRATUM_WORKERS: '0' })).toThrow(/STRATUM_WORKERS must be a whole number of at least 1/);
    expect(() => readConfig({ STRATUM_WORKERS: 'all' })).toThrow(/STRATUM_WORKERS/);
  });

  it('reads LOG_LEVEL as one of pino\'s levels, and refuses any other naming it', () => {
    expect(readConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(readConfig({ LOG_LEVEL: '' }).logLevel).toBe('info');
    expect(() => readConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "verbose"/);
  });

  it('scavenges while idle unless STRATUM_IDLE_GC=off', () => {
    expect(readConfig({}).idleScavenges).toBe(true);
    expect(readConfig({ STRATUM_IDLE_GC: 'on' }).idleScavenges).toBe(true);
    expect(readConfig({ STRATUM_IDLE_GC: 'off' }).idleScavenges).toBe(false);
    expect(() => readConfig({ STRATUM_IDLE_GC: 'no' })).toThrow(/STRATUM_IDLE_GC must be on or off/);
  });

  it('reads how long the primary\'s /metrics waits for each worker (STRATUM_METRICS_TIMEOUT_MS), the default left to it when unset', () => {
    expect(readConfig({ STRATUM_METRICS_TIMEOUT_MS: '500' }).metricsTimeoutMs).toBe(500);
    expect(readConfig({}).metricsTimeoutMs).toBeUndefined();
    expect(() => readConfig({ STRATUM_METRICS_TIMEOUT_MS: '0' })).toThrow(/STRATUM_METRICS_TIMEOUT_MS must be a whole number of at least 1/);
  });

  it('reads how many nice steps the primary runs ahead of its workers (STRATUM_PRIMARY_PRIORITY), 5 unless set, 0 to 19', () => {
    expect(readConfig({}).primaryPriority).toBe(5);
    expect(readConfig({ STRATUM_PRIMARY_PRIORITY: '0' }).primaryPriority).toBe(0);
    expect(readConfig({ STRATUM_PRIMARY_PRIORITY: '19' }).primaryPriority).toBe(19);
    expect(() => readConfig({ STRATUM_PRIMARY_PRIORITY: '20' })).toThrow(/STRATUM_PRIMARY_PRIORITY must be a whole number from 0 to 19 \(nice steps\), not 20/);
    expect(() => readConfig({ STRATUM_PRIMARY_PRIORITY: '-5' })).toThrow(/STRATUM_PRIMARY_PRIORITY must be a whole number of at least 0/);
  });

  it('refuses to bind demo mode to anything but loopback', () => {
    expect(() => readConfig({ HOST: '0.0.0.0' })).toThrow(/demo mode/);
    expect(readConfig({ HOST: '::1' }).host).toBe('::1');
  });

  it('reads STRATUM_MESSAGE_TTL as milliseconds or an ISO 8601 duration, and refuses others', () => {
    expect(readConfig({ STRATUM_MESSAGE_TTL: 'PT10M' }).messageTimeToLiveMs).toBe(600_000);
    expect(readConfig({ STRATUM_MESSAGE_TTL: '90000' }).messageTimeToLiveMs).toBe(90_000);
    expect(readConfig({ STRATUM_MESSAGE_TTL: '0' }).messageTimeToLiveMs).toBe(0);
    for (const value of ['1h', 'P1M', 'P400D', '-5']) expect(() => readConfig({ STRATUM_MESSAGE_TTL: value }), value).toThrow(/STRATUM_MESSAGE_TTL/);
  });

  it('reads STRATUM_HEALTH_PORT, a management port for one server process or for the primary of several', () => {
    expect(readConfig({ STRATUM_HEALTH_PORT: '9090', STRATUM_WORKERS: '1' })).toMatchObject({ port: 3000, healthPort: 9090, workers: 1 });
    expect(readConfig({ STRATUM_HEALTH_PORT: '0', STRATUM_WORKERS: '1' }).healthPort).toBe(0);
    expect(readConfig({}).healthPort).toBeUndefined();
    expect(readConfig({ STRATUM_HEALTH_PORT: '9090', STRATUM_WORKERS: '2' })).toMatchObject({ healthPort: 9090, workers: 2 });
    expect(() => readConfig({ STRATUM_HEALTH_PORT: '3000', STRATUM_WORKERS: '1' })).toThrow(/must differ from PORT/);
    expect(() => readConfig({ STRATUM_HEALTH_PORT: 'health', STRATUM_WORKERS: '1' })).toThrow(/STRATUM_HEALTH_PORT must be a port number/);
  });

  it('refuses a port that is not a port', () => {
    expect(() => readConfig({ PORT: 'http' })).toThrow(/PORT/);
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});

describe('number settings', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** Each variable readConfig reads as a whole number (ports too), with a value it takes. */
  const WHOLE_NUMBERS: Record<string, string> = {
    PORT: '8080', STRATUM_HEALTH_PORT: '9090', STRATUM_WORKERS: '2', STRATUM_WRITE_CONCURRENCY: '2', STRATUM_WRITE_QUEUE: '10',
    STRATUM_WRITE_QUEUE_WAIT_MS: '500', STRATUM_HEADERS_TIMEOUT_MS: '3000', STRATUM_REQUEST_TIMEOUT_MS: '90000',
    STRATUM_KEEP_ALIVE_TIMEOUT_MS: '1000', STRATUM_METRICS_TIMEOUT_MS: '500', STRATUM_WEBHOOKS_RETENTION_DAYS: '7',
    STRATUM_WEBHOOKS_DEAD_LETTER_RETENTION_DAYS: '7', STRATUM_WEBHOOKS_SECRET_GRACE_HOURS: '48', STRATUM_PRIMARY_PRIORITY: '3',
  };
  // what Number() read as another number than the operator meant: hexadecimal, binary, octal, exponents, a fraction, a sign
  const NOT_DECIMAL_DIGITS = ['0x10', '0b11', '0o7', '1e3', '12.0', '+12', '1_000', '١٢'];

  it('takes each whole number and port only in decimal digits, refusing 0x10, 1e3, 12.0 with the line naming the variable', () => {
    for (const [variable, value] of Object.entries(WHOLE_NUMBERS)) {
      // edge spaces are trimmed, as a blank value's are
      expect(() => readConfig({ [variable]: ` ${value}\t` }), variable).not.toThrow();
      for (const typo of NOT_DECIMAL_DIGITS) {
        const refusal = (() => {
          try {
            readConfig({ [variable]: typo });
            return undefined;
          } catch (error) {
            return error as ConfigurationError;
          }
        })();
        expect(refusal, `${variable}=${typo}`).toBeInstanceOf(ConfigurationError);
        expect(refusal?.variable).toBe(variable);
        expect(refusal?.message).toMatch(new RegExp(`^${variable} must be a (port number|whole number of at least \\d), not `));
        expect(refusal?.message.endsWith(`, not ${typo}`)).toBe(true);
      }
    }
    expect(readConfig({ PORT: ' 8080 ', STRATUM_WORKERS: '03' })).toMatchObject({ port: 8080, workers: 3 });
  });

  it('reads STRATUM_SQLITE_CHECKPOINT, STRATUM_REPLAY_WORKERS, STRATUM_REPLAY_NICE and the cache budgets in decimal digits too', () => {
    expect(walCheckpointSettings(' 500 ')).toMatchObject({ pages: 500 });
    for (const typo of NOT_DECIMAL_DIGITS) expect(() => walCheckpointSettings(typo), typo).toThrow(/^STRATUM_SQLITE_CHECKPOINT must be off or a whole number of pages/);
    for (const typo of NOT_DECIMAL_DIGITS) {
      vi.stubEnv('STRATUM_REPLAY_WORKERS', typo);
      expect(() => defaultReplayWorkers(4), typo).toThrow(/^STRATUM_REPLAY_WORKERS must be a whole number ≥ 0, not /);
    }
    vi.stubEnv('STRATUM_REPLAY_WORKERS', '3');
    expect(defaultReplayWorkers(8)).toBe(3);
    for (const typo of [...NOT_DECIMAL_DIGITS, '20', '-1', 'low']) {
      vi.stubEnv('STRATUM_REPLAY_NICE', typo);
      expect(() => replayNice(), typo).toThrow(new ConfigurationError('STRATUM_REPLAY_NICE', `STRATUM_REPLAY_NICE must be a whole number from 0 to 19, not ${typo}`));
    }
    vi.stubEnv('STRATUM_REPLAY_NICE', ' 10 ');
    expect(replayNice()).toBe(10);
    vi.stubEnv('STRATUM_REPLAY_NICE', '');
    expect(replayNice()).toBe(REPLAY_NICE);
    // megabytes may have a fraction, written as a decimal
    vi.stubEnv('STRATUM_ENGINE_CACHE_MB', '0.5');
    expect(cacheBudgetBytes('STRATUM_ENGINE_CACHE_MB', 0.05, 40)).toBe(512 * 1024);
    for (const typo of ['0x10', '1e3', '0b11', '.5', '+1']) {
      vi.stubEnv('STRATUM_ENGINE_CACHE_MB', typo);
      expect(() => cacheBudgetBytes('STRATUM_ENGINE_CACHE_MB', 0.05, 40), typo).toThrow(/^STRATUM_ENGINE_CACHE_MB must be a number of megabytes ≥ 0, not /);
    }
  });
});

describe('idleSettings', () => {
  const url = 'postgres://db/stratum';
  /** What main.ts warns of for `env`, read as it reads it. */
  const idleIn = (env: NodeJS.ProcessEnv) => idleSettings(env, readConfig(env));

  it('names the SQLite settings DATABASE_URL makes do nothing, and why, with the SQLite file STRATUM_DATA holds', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stratum-config-'));
    try {
      const checkpoint = { variable: 'STRATUM_SQLITE_CHECKPOINT', reason: 'STRATUM_SQLITE_CHECKPOINT=500 is ignored: DATABASE_URL is set, so the store is PostgreSQL, which has no SQLite WAL to checkpoint' };
      expect(idleIn({ DATABASE_URL: url, STRATUM_DATA: dataDir, STRATUM_SQLITE_CHECKPOINT: '500' })).toEqual([
        { variable: 'STRATUM_DATA', reason: `STRATUM_DATA=${dataDir} is ignored: DATABASE_URL is set, so the store is PostgreSQL, not a SQLite file in that folder` },
        checkpoint,
      ]);
      // a store left behind in the folder: its orders are not where this server reads and writes
      writeFileSync(join(dataDir, 'stratum.db'), '');
      expect(idleIn({ DATABASE_URL: url, STRATUM_DATA: dataDir })).toEqual([{
        variable: 'STRATUM_DATA',
        reason: `STRATUM_DATA=${dataDir} is ignored: DATABASE_URL is set, so the store is PostgreSQL; the SQLite file ${join(dataDir, 'stratum.db')} there is neither read nor written, and what it holds is not in PostgreSQL`,
      }]);
      // the server still starts: readConfig refuses neither
      expect(readConfig({ DATABASE_URL: url, STRATUM_DATA: dataDir, STRATUM_SQLITE_CHECKPOINT: '500' }).databaseUrl).toBe(url);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('names none on SQLite, nor a SQLite setting left blank (its default)', () => {
    expect(idleIn({ STRATUM_DATA: '/var/lib/stratum', STRATUM_SQLITE_CHECKPOINT: '500' })).toEqual([]);
    expect(idleIn({ DATABASE_URL: url, STRATUM_SQLITE_CHECKPOINT: ' ' })).toEqual([]);
  });

  it('names STRATUM_ROUTING, STRATUM_METRICS_TIMEOUT_MS and STRATUM_PRIMARY_PRIORITY beside one server process, which has no workers to route to, wait for or run ahead of', () => {
    const alone = 'one server process serves every request itself (STRATUM_WORKERS=1)';
    expect(idleIn({ STRATUM_WORKERS: '1', STRATUM_ROUTING: 'off', STRATUM_METRICS_TIMEOUT_MS: '500', STRATUM_PRIMARY_PRIORITY: '3' })).toEqual([
      { variable: 'STRATUM_ROUTING', reason: `STRATUM_ROUTING=off is ignored: ${alone}, with no workers to route requests to` },
      { variable: 'STRATUM_METRICS_TIMEOUT_MS', reason: `STRATUM_METRICS_TIMEOUT_MS=500 is ignored: ${alone}, and answers /metrics with its own, waiting for no worker's` },
      { variable: 'STRATUM_PRIMARY_PRIORITY', reason: `STRATUM_PRIMARY_PRIORITY=3 is ignored: ${alone}, with no primary to run ahead of workers` },
    ]);
    expect(idleIn({ STRATUM_WORKERS: '2', STRATUM_PRIMARY_PRIORITY: '3' })).toEqual([]);
    // with the SQLite ones beside DATABASE_URL, each its line; a management port does not make a pool
    expect(idleIn({ STRATUM_WORKERS: '1', STRATUM_ROUTING: 'order', STRATUM_HEALTH_PORT: '9090', DATABASE_URL: url, STRATUM_SQLITE_CHECKPOINT: 'off' }).map(({ variable }) => variable))
      .toEqual(['STRATUM_SQLITE_CHECKPOINT', 'STRATUM_ROUTING']);
    // unset, STRATUM_WORKERS is one per core: on a machine of one core, one server too
    expect(idleSettings({ STRATUM_ROUTING: 'order' }, { workers: 1, routing: 'order' })).toEqual([{
      variable: 'STRATUM_ROUTING',
      reason: 'STRATUM_ROUTING=order is ignored: one server process serves every request itself (STRATUM_WORKERS is unset, one per core, and this machine has one core), with no workers to route requests to',
    }]);
    // the server still starts
    expect(readConfig({ STRATUM_WORKERS: '1', STRATUM_ROUTING: 'off', STRATUM_METRICS_TIMEOUT_MS: '500' })).toMatchObject({ workers: 1, routing: 'off', metricsTimeoutMs: 500 });
  });

  it('names STRATUM_METRICS_TIMEOUT_MS where several workers have no primary /metrics (STRATUM_ROUTING=off, no STRATUM_HEALTH_PORT)', () => {
    expect(idleIn({ STRATUM_WORKERS: '2', STRATUM_ROUTING: 'off', STRATUM_METRICS_TIMEOUT_MS: '500' })).toEqual([{
      variable: 'STRATUM_METRICS_TIMEOUT_MS',
      reason: 'STRATUM_METRICS_TIMEOUT_MS=500 is ignored: with STRATUM_ROUTING=off and no STRATUM_HEALTH_PORT the primary serves no /metrics (each worker answers its own), so it waits for none',
    }]);
    // the primary's /metrics waits for the workers': routed on the API port, or on the management port
    expect(idleIn({ STRATUM_WORKERS: '2', STRATUM_ROUTING: 'order', STRATUM_METRICS_TIMEOUT_MS: '500' })).toEqual([]);
    expect(idleIn({ STRATUM_WORKERS: '2', STRATUM_ROUTING: 'off', STRATUM_HEALTH_PORT: '9090', STRATUM_METRICS_TIMEOUT_MS: '500' })).toEqual([]);
    // several workers: the routing chooses how they share the port; blank is the default, not named
    expect(idleIn({ STRATUM_WORKERS: '2', STRATUM_ROUTING: 'off' })).toEqual([]);
    expect(idleIn({ STRATUM_WORKERS: '1', STRATUM_ROUTING: ' ', STRATUM_METRICS_TIMEOUT_MS: '' })).toEqual([]);
  });
});

describe('parseSize', () => {
  it('reads bytes, kb and mb and refuses nonsense or tiny limits', () => {
    expect(parseSize('1048576', 1)).toBe(1048576);
    expect(parseSize('512kb', 1)).toBe(512 * 1024);
    expect(parseSize('5MB', 1)).toBe(5 * 1024 * 1024);
    expect(parseSize(undefined, 77)).toBe(77);
    expect(() => parseSize('lots', 1)).toThrow(/STRATUM_BODY_LIMIT/);
    expect(() => parseSize('10', 1)).toThrow(/at least/);
  });
});
