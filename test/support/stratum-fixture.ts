// A Stratum on a fresh SQLite folder, a controllable clock and the shipped diagrams.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRateTable, openStore, openStratum, type OrderEntry, type Runtime, type ServerRoles, type Stratum } from '../../engine/index.js';
import { serverRoles } from '../../server/auth/authenticate.js';
import { UserDirectory } from '../../server/auth/users.js';
import demoUsers from '../../server/demo-users.json' with { type: 'json' };

export const DIAGRAMS_DIR = fileURLToPath(new URL('../../diagrams/', import.meta.url));

/** The rate table a fresh `npm start` uses (server/rates.sample.json): CNY is the reporting currency. */
export const SAMPLE_RATES = loadRateTable(fileURLToPath(new URL('../../server/rates.sample.json', import.meta.url)));

export class ManualClock {
  constructor(private current = new Date('2026-01-05T09:00:00.000Z')) {}
  now = () => new Date(this.current);
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface Fixture {
  stratum: Stratum;
  clock: ManualClock;
  dataDir: string;
  reopen(): Promise<Stratum>;
  dispose(): Promise<void>;
}

export function shippedDiagrams() {
  return readdirSync(DIAGRAMS_DIR)
    .filter((name) => name.endsWith('.bpmn'))
    .map((name) => ({ name, xml: readFileSync(join(DIAGRAMS_DIR, name), 'utf8') }));
}

/**
 * The server's roles as the demo server hands them to the engine (server/start.ts): its role groups, and the
 * accounts of server/demo-users.json that hold nothing else (designer, erp, ops).
 */
export const SERVER_ROLES: ServerRoles = serverRoles(UserDirectory.fromJson(demoUsers, 'server/demo-users.json', { minTokenLength: 4 }));

export async function openFixture(options: { deployShipped?: boolean; serverRoles?: ServerRoles } = {}): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-test-'));
  const clock = new ManualClock();
  const open = async () => openStratum({
    store: await openStore({ dataDir }), clock, orderEntry: { rates: SAMPLE_RATES },
    ...(options.serverRoles && { serverRoles: options.serverRoles }),
  });
  const fixture: Fixture = {
    stratum: await open(),
    clock,
    dataDir,
    async reopen() {
      await fixture.stratum.close();
      fixture.stratum = await open();
      return fixture.stratum;
    },
    async dispose() {
      await fixture.stratum.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (options.deployShipped !== false) {
    await fixture.stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  }
  return fixture;
}

export const director = { name: 'dora', groups: ['sales-director'] };
export const vicePresident = { name: 'victor', groups: ['vice-president'] };
/** The ERP's integration user, who completes jobs (its workers label themselves with a workerId). */
export const erp = { name: 'erp', groups: ['integration'] };

/**
 * An order in the reporting currency (CNY), so `amount` is what the thresholds
 * compare: `entry` is what order entry takes, `variables` what the order
 * process then holds (for harnesses that run bpmn-engine without Stratum).
 */
export function order(orderNo: string, amount: number, paymentTerms = 'credit', specialChange: unknown = null) {
  const entry = { orderNo, customer: { name: 'ACME' }, amount, currency: 'CNY', paymentTerms, specialChange } as OrderEntry;
  return {
    businessKey: orderNo,
    entry,
    variables: { ...entry, reportingAmount: amount, reportingCurrency: 'CNY', exchangeRate: 1, rateDate: '2026-01-05' } as Record<string, unknown>,
  };
}

/** Enters an order through order entry, as the ERP would. */
export function enter(runtime: Runtime, placed: { entry: OrderEntry }, user = 'erp') {
  return runtime.enterOrder(placed.entry, { user });
}
