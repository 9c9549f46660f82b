// Server configuration from the environment (see docs/api.md).
import { timeToLiveMs } from '../engine/runtime/time-to-live.js';
import { DEFAULT_BODY_LIMIT } from './app.js';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** Users file; undefined = demo mode with server/demo-users.json, loopback only. */
  usersFile?: string;
  demo: boolean;
  diagramsDir: string;
  bodyLimitBytes: number;
  logLevel: string;
  /** Time-to-live of a message that names none (STRATUM_MESSAGE_TTL); the engine's default (one hour) when absent. */
  messageTimeToLiveMs?: number;
  /** The exchange-rate table file; undefined = server/rates.sample.json (sample rates). */
  ratesFile?: string;
  /** The process POST /api/orders starts; it must declare zeebe:property takesOrders=true. */
  orderProcessKey: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${env.PORT}`);
  const demo = !env.STRATUM_USERS;
  const requestedHost = env.HOST || (demo ? '127.0.0.1' : '0.0.0.0');
  if (demo && !LOOPBACK.has(requestedHost)) {
    throw new Error(`HOST=${requestedHost} needs a users file: without STRATUM_USERS the server runs in demo mode and binds to loopback only`);
  }
  return {
    port,
    host: requestedHost,
    dataDir: env.STRATUM_DATA || './data',
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(demo ? {} : { usersFile: env.STRATUM_USERS }),
    demo,
    diagramsDir: env.STRATUM_DIAGRAMS || 'diagrams',
    bodyLimitBytes: parseSize(env.STRATUM_BODY_LIMIT, DEFAULT_BODY_LIMIT),
    logLevel: env.LOG_LEVEL || 'info',
    ...(env.STRATUM_MESSAGE_TTL ? { messageTimeToLiveMs: messageTimeToLive(env.STRATUM_MESSAGE_TTL) } : {}),
    ...(env.STRATUM_RATES ? { ratesFile: env.STRATUM_RATES } : {}),
    orderProcessKey: env.STRATUM_ORDER_PROCESS || 'order-to-cash',
  };
}

/** `5242880`, `512kb`, `5mb` → bytes. */
export function parseSize(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!match) throw new Error(`STRATUM_BODY_LIMIT must be a size like 5mb or 1048576, not ${text}`);
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b']!;
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes < 1024) throw new Error(`STRATUM_BODY_LIMIT must be at least 1kb, not ${text}`);
  return bytes;
}

/** `3600000` or `PT1H` → ms, as a message's timeToLive. */
function messageTimeToLive(text: string): number {
  try {
    return timeToLiveMs(/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim(), 'STRATUM_MESSAGE_TTL');
  } catch (error) {
    throw new Error((error as Error).message);
  }
}
