// Configuration from the environment.
import { describe, expect, it } from 'vitest';
import { parseSize, readConfig } from '../../server/config.js';

describe('readConfig', () => {
  it('defaults to port 3000, ./data, diagrams/, 5 MB bodies and demo mode on loopback', () => {
    expect(readConfig({})).toEqual({
      port: 3000, host: '127.0.0.1', dataDir: './data', demo: true, diagramsDir: 'diagrams', bodyLimitBytes: 5 * 1024 * 1024, logLevel: 'info',
      orderProcessKey: 'order-to-cash',
    });
  });

  it('reads STRATUM_RATES and STRATUM_ORDER_PROCESS', () => {
    expect(readConfig({ STRATUM_RATES: '/etc/stratum/rates.json', STRATUM_ORDER_PROCESS: 'lead-to-cash' })).toMatchObject({
      ratesFile: '/etc/stratum/rates.json', orderProcessKey: 'lead-to-cash',
    });
  });

  it('reads PORT, STRATUM_DATA, DATABASE_URL, STRATUM_USERS, STRATUM_DIAGRAMS and STRATUM_BODY_LIMIT', () => {
    expect(readConfig({ PORT: '8080', STRATUM_DATA: '/var/lib/stratum', DATABASE_URL: 'postgres://db/stratum', STRATUM_USERS: '/etc/stratum/users.json', STRATUM_DIAGRAMS: '/srv/bpmn', STRATUM_BODY_LIMIT: '1mb' })).toEqual({
      port: 8080, host: '0.0.0.0', dataDir: '/var/lib/stratum', databaseUrl: 'postgres://db/stratum', usersFile: '/etc/stratum/users.json', demo: false, diagramsDir: '/srv/bpmn', bodyLimitBytes: 1024 * 1024, logLevel: 'info',
      orderProcessKey: 'order-to-cash',
    });
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

  it('refuses a port that is not a port', () => {
    expect(() => readConfig({ PORT: 'http' })).toThrow(/PORT/);
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/);
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
