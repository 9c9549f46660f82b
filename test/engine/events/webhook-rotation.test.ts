// Replacing a subscription's secret (POST /api/webhooks with its id, or the STRATUM_WEBHOOKS file): for a grace
// period (24 hours by default, as Svix keeps) each delivery's `webhook-signature` carries a `v1,` signature made
// with the new secret and one made with the old, so the Standard Webhooks verifier accepts it with either
// secret and a receiver can switch over without losing events; after the grace period, the new one alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum, type WebhookDeliveryOptions } from '../../../engine/index.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import type { Store } from '../../../engine/store/types.js';
import { describePostgres, freshSchema, inSchema } from '../../support/postgres.js';
import { enter, erp, ManualClock, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { WebhookReceiver, type Received } from '../../support/webhook-receiver.js';

const OLD_SECRET = `whsec_${Buffer.from('the secret the ERP was given first, 32 b').toString('base64')}`;
const NEW_SECRET = `whsec_${Buffer.from('the secret it switches to, 32 bytes long').toString('base64')}`;
const HOUR = 60 * 60_000;

const dirs: string[] = [];
const opened: Stratum[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const stratum of opened.splice(0)) await stratum.close();
  for (const receiver of receivers.splice(0)) await receiver.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// helpers

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-rotation-'));
  dirs.push(dir);
  return openStore({ dataDir: dir });
}

async function postgresStore(): Promise<Store> {
  const store = new PostgresStore(inSchema(await freshSchema()));
  await store.migrate();
  return store;
}

async function open(store: Store, webhooks: WebhookDeliveryOptions = {}) {
  const clock = new ManualClock();
  const stratum = await openStratum({ store, clock, orderEntry: { rates: SAMPLE_RATES }, webhooks: { allowPrivateTargets: true, ...webhooks } });
  opened.push(stratum);
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  return { stratum, clock };
}

/** A receiver that accepts only the new secret (it switched first): what arrives is kept with its headers. */
async function receiver(): Promise<WebhookReceiver> {
  const started = await new WebhookReceiver(NEW_SECRET).start();
  receivers.push(started);
  return started;
}

/** Whether the Standard Webhooks verifier, given `secret`, accepts what arrived. */
function verifiesWith(secret: string, arrived: Received): boolean {
  try {
    new Webhook(secret).verify(arrived.body, arrived.headers);
    return true;
  } catch {
    return false;
  }
}

async function deliveredFor(stratum: Stratum, hooks: WebhookReceiver, orderNo: string): Promise<Received> {
  await enter(stratum.runtime, order(orderNo, 100));
  while (await stratum.outbox.deliverNow()) { /* until nothing is due */ }
  const arrived = hooks.received.filter((entry) => entry.event.subject === orderNo);
  expect(arrived).toHaveLength(1);
  return arrived[0];
}

function describeRotation(name: string, storeOf: () => Promise<Store>) {
  describe(`rotating a webhook secret on ${name}`, () => {
    it('signs with the new and the old secret for 24 hours after the secret is replaced, then with the new one alone', async () => {
      const { stratum, clock } = await open(await storeOf());
      const hooks = await receiver();
      const first = await stratum.outbox.subscribe({ id: 'erp', url: hooks.url, secret: OLD_SECRET }, erp);
      expect(first.previousSecretUntil).toBeNull();
      const before = await deliveredFor(stratum, hooks, 'ROT-0');
      expect(before.headers['webhook-signature'].split(' ')).toHaveLength(1);
      expect(verifiesWith(OLD_SECRET, before)).toBe(true);

      const rotated = await stratum.outbox.subscribe({ id: 'erp', url: hooks.url, secret: NEW_SECRET }, erp);
      expect(rotated.previousSecretUntil).toBe(new Date(clock.now().getTime() + 24 * HOUR).toISOString());
      expect((await stratum.outbox.subscription('erp'))?.previousSecretUntil).toBe(rotated.previousSecretUntil);
      const during = await deliveredFor(stratum, hooks, 'ROT-1');
      expect(during.headers['webhook-signature'].split(' ')).toEqual([expect.stringMatching(/^v1,/), expect.stringMatching(/^v1,/)]);
      expect(verifiesWith(NEW_SECRET, during)).toBe(true);
      expect(verifiesWith(OLD_SECRET, during)).toBe(true);
      expect(during.verified).toBe(true);

      // a replacement that keeps the secret (the types change) keeps the grace period running, not anew
      clock.advance(23 * HOUR);
      await stratum.outbox.subscribe({ id: 'erp', url: hooks.url, secret: NEW_SECRET, types: ['stratum.order.in-planning'] }, erp);
      await stratum.outbox.subscribe({ id: 'erp', url: hooks.url, secret: NEW_SECRET }, erp);
      expect((await stratum.outbox.subscription('erp'))?.previousSecretUntil).toBe(rotated.previousSecretUntil);
      const late = await deliveredFor(stratum, hooks, 'ROT-2');
      expect(verifiesWith(OLD_SECRET, late)).toBe(true);

      clock.advance(HOUR + 1);
      expect((await stratum.outbox.subscription('erp'))?.previousSecretUntil).toBeNull();
      const after = await deliveredFor(stratum, hooks, 'ROT-3');
      expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
      expect(verifiesWith(NEW_SECRET, after)).toBe(true);
      expect(verifiesWith(OLD_SECRET, after)).toBe(false);
    });

    it('takes the grace period it is given, and none with 0', async () => {
      const store = await storeOf();
      const { stratum, clock } = await open(store, { secretGraceMs: 2 * HOUR });
      const hooks = await receiver();
      await stratum.outbox.subscribe({ id: 'erp', url: hooks.url, secret: OLD_SECRET }, erp);
      await stratum.outbox.subscribe({ id: 'erp', url: hooks.url, secret: NEW_SECRET }, erp);
      clock.advance(2 * HOUR - 60_000);
      expect(verifiesWith(OLD_SECRET, await deliveredFor(stratum, hooks, 'GRACE-1'))).toBe(true);
      clock.advance(60_000);
      expect(verifiesWith(OLD_SECRET, await deliveredFor(stratum, hooks, 'GRACE-2'))).toBe(false);

      const none = await open(await storeOf(), { secretGraceMs: 0 });
      const other = await receiver();
      await none.stratum.outbox.subscribe({ id: 'erp', url: other.url, secret: OLD_SECRET }, erp);
      expect((await none.stratum.outbox.subscribe({ id: 'erp', url: other.url, secret: NEW_SECRET }, erp)).previousSecretUntil).toBeNull();
      const arrived = await deliveredFor(none.stratum, other, 'NONE-1');
      expect([verifiesWith(NEW_SECRET, arrived), verifiesWith(OLD_SECRET, arrived)]).toEqual([true, false]);
    });

    it('gives a secret replaced in the STRATUM_WEBHOOKS file the same grace period', async () => {
      const { stratum, clock } = await open(await storeOf());
      const hooks = await receiver();
      await stratum.outbox.configure([{ id: 'erp-file', url: hooks.url, secret: OLD_SECRET }]);
      await stratum.outbox.configure([{ id: 'erp-file', url: hooks.url, secret: NEW_SECRET }]);
      const during = await deliveredFor(stratum, hooks, 'FILE-1');
      expect([verifiesWith(NEW_SECRET, during), verifiesWith(OLD_SECRET, during)]).toEqual([true, true]);
      // the next start reads the same file: the grace period runs on
      clock.advance(12 * HOUR);
      await stratum.outbox.configure([{ id: 'erp-file', url: hooks.url, secret: NEW_SECRET }]);
      expect(verifiesWith(OLD_SECRET, await deliveredFor(stratum, hooks, 'FILE-2'))).toBe(true);
      clock.advance(12 * HOUR);
      expect(verifiesWith(OLD_SECRET, await deliveredFor(stratum, hooks, 'FILE-3'))).toBe(false);
    });
  });
}

describeRotation('SQLite', sqliteStore);
describePostgres('webhook secrets on PostgreSQL', () => describeRotation('PostgreSQL', postgresStore));
