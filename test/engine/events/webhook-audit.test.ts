// The audit of webhook subscriptions: who created, replaced or deleted each one (an operator through the API, or
// the STRATUM_WEBHOOKS file read at start), when, and what changed — the URL with its credentials masked, the
// types, and the secret only as a fingerprint — kept after the subscription is deleted, with the refused
// attempts naming it (replacing or deleting a file subscription); on SQLite and PostgreSQL.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum, type WebhookDeliveryOptions } from '../../../engine/index.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import type { Store } from '../../../engine/store/types.js';
import { describePostgres, freshSchema, inSchema } from '../../support/postgres.js';
import { ManualClock, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';

const FIRST_SECRET = `whsec_${Buffer.from('the secret the ERP was given first, 32 b').toString('base64')}`;
const SECOND_SECRET = `whsec_${Buffer.from('the secret it switches to, 32 bytes long').toString('base64')}`;
const otto = { name: 'otto', groups: ['operations'] };
const olga = { name: 'olga', groups: ['operations'] };
const MINUTE = 60_000;

const dirs: string[] = [];
const opened: Stratum[] = [];
afterEach(async () => {
  for (const stratum of opened.splice(0)) await stratum.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// helpers

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-webhook-audit-'));
  dirs.push(dir);
  return openStore({ dataDir: dir });
}

async function postgresStore(): Promise<Store> {
  const store = new PostgresStore(inSchema(await freshSchema()));
  await store.migrate();
  return store;
}

async function open(store: Store, webhooks: WebhookDeliveryOptions = { allowPrivateTargets: true }) {
  const clock = new ManualClock();
  const stratum = await openStratum({ store, clock, orderEntry: { rates: SAMPLE_RATES }, webhooks });
  opened.push(stratum);
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  return { stratum, clock };
}

const fingerprint = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 12);

async function changesOf(stratum: Stratum, id: string) {
  return (await stratum.outbox.subscriptionChanges(id, { after: 0, limit: 100 }))!.items;
}

function describeAudit(name: string, storeOf: () => Promise<Store>) {
  describe(`the audit of webhook subscriptions on ${name}`, () => {
    it('keeps who created, replaced and deleted a subscription, when, and what changed, without the secret or the URL\'s password', async () => {
      const { stratum, clock } = await open(await storeOf());
      const start = clock.now();
      await stratum.outbox.subscribe({ id: 'erp', url: 'http://erp:first-pw@127.0.0.1:9/hooks', secret: FIRST_SECRET }, otto);
      clock.advance(MINUTE);
      await stratum.outbox.subscribe({
        id: 'erp', url: 'http://erp:second-pw@127.0.0.1:9/hooks', secret: SECOND_SECRET, types: ['stratum.order.fulfilled'],
      }, olga);
      clock.advance(MINUTE);
      // the URL sent back as GET shows it, to change the types alone: neither URL nor secret changed
      await stratum.outbox.subscribe({ id: 'erp', url: 'http://erp:***@127.0.0.1:9/hooks', secret: SECOND_SECRET }, otto);
      clock.advance(MINUTE);
      await stratum.outbox.unsubscribe('erp', olga);

      const changes = await changesOf(stratum, 'erp');
      const at = (minutes: number) => new Date(start.getTime() + minutes * MINUTE).toISOString();
      expect(changes.map(({ seq, ...change }) => change)).toEqual([
        {
          subscriptionId: 'erp', at: at(0), actor: 'otto', action: 'created', source: 'api', changes: {
            url: { from: null, to: 'http://erp:***@127.0.0.1:9/hooks' }, types: { from: null, to: [] }, secret: { from: null, to: fingerprint(FIRST_SECRET) },
          },
        },
        {
          subscriptionId: 'erp', at: at(1), actor: 'olga', action: 'replaced', source: 'api', changes: {
            url: { from: 'http://erp:***@127.0.0.1:9/hooks', to: 'http://erp:***@127.0.0.1:9/hooks', credentialsChanged: true },
            types: { from: [], to: ['stratum.order.fulfilled'] }, secret: { from: fingerprint(FIRST_SECRET), to: fingerprint(SECOND_SECRET) },
          },
        },
        { subscriptionId: 'erp', at: at(2), actor: 'otto', action: 'replaced', source: 'api', changes: { types: { from: ['stratum.order.fulfilled'], to: [] } } },
        {
          subscriptionId: 'erp', at: at(3), actor: 'olga', action: 'deleted', source: 'api', changes: {
            url: { from: 'http://erp:***@127.0.0.1:9/hooks', to: null }, types: { from: [], to: null }, secret: { from: fingerprint(SECOND_SECRET), to: null },
          },
        },
      ]);
      const kept = JSON.stringify(changes);
      for (const secret of [FIRST_SECRET, SECOND_SECRET, FIRST_SECRET.slice('whsec_'.length), 'first-pw', 'second-pw']) expect(kept).not.toContain(secret);
      // numbered in order, and paged
      expect(changes.map((change) => change.seq)).toEqual([...changes.map((change) => change.seq)].sort((a, b) => a - b));
      const first = await stratum.outbox.subscriptionChanges('erp', { after: 0, limit: 3 });
      expect(first!.items).toHaveLength(3);
      expect(first!.next).toBe(changes[2].seq);
      expect(await stratum.outbox.subscriptionChanges('erp', { after: first!.next!, limit: 3 })).toEqual({ items: [changes[3]], next: null });
      // a subscription that never was has no audit
      expect(await stratum.outbox.subscriptionChanges('never', { after: 0, limit: 10 })).toBeUndefined();
    });

    it('keeps what the STRATUM_WEBHOOKS file changed at each start as `system`, and nothing for a start that changed nothing', async () => {
      const { stratum, clock } = await open(await storeOf());
      const file = { id: 'erp-file', url: 'http://127.0.0.1:9/hooks', secret: FIRST_SECRET };
      await stratum.outbox.configure([file]);
      clock.advance(MINUTE);
      await stratum.outbox.configure([file]);
      await stratum.outbox.configure([{ ...file, types: ['stratum.order.rejected'] }]);
      clock.advance(MINUTE);
      await stratum.outbox.configure([]);
      const changes = await changesOf(stratum, 'erp-file');
      expect(changes.map(({ actor, action, source, changes: changed }) => ({ actor, action, source, changed: Object.keys(changed) }))).toEqual([
        { actor: 'system', action: 'created', source: 'config', changed: ['url', 'types', 'secret'] },
        { actor: 'system', action: 'replaced', source: 'config', changed: ['types'] },
        { actor: 'system', action: 'deleted', source: 'config', changed: ['url', 'types', 'secret'] },
      ]);
    });

    it('keeps the refused attempts naming a subscription: replacing a file subscription, pointing one inside the network', async () => {
      const { stratum } = await open(await storeOf(), { allowPrivateTargets: false });
      await stratum.outbox.configure([{ id: 'erp-file', url: 'https://93.184.215.14/hooks', secret: FIRST_SECRET }]);
      await expect(stratum.outbox.subscribe({ id: 'erp-file', url: 'https://93.184.215.14/other', secret: SECOND_SECRET }, otto)).rejects.toMatchObject({ code: 'conflict' });
      await expect(stratum.outbox.subscribe({ id: 'sneaky', url: 'http://admin:pw@169.254.169.254/latest', secret: SECOND_SECRET }, olga)).rejects.toMatchObject({ code: 'bad-request' });
      expect((await changesOf(stratum, 'erp-file')).slice(1).map(({ seq, at, ...change }) => change)).toEqual([{
        subscriptionId: 'erp-file', actor: 'otto', action: 'refused', source: 'config', reason: 'config-subscription', changes: {
          url: { from: 'https://93.184.215.14/hooks', to: 'https://93.184.215.14/other' }, secret: { from: fingerprint(FIRST_SECRET), to: fingerprint(SECOND_SECRET) },
        },
      }]);
      expect((await changesOf(stratum, 'sneaky')).map(({ seq, at, ...change }) => change)).toEqual([{
        subscriptionId: 'sneaky', actor: 'olga', action: 'refused', source: 'api', reason: 'webhook-target', changes: {
          url: { from: null, to: 'http://admin:***@169.254.169.254/latest' }, types: { from: null, to: [] }, secret: { from: null, to: fingerprint(SECOND_SECRET) },
        },
      }]);
      // the refused subscription was not made
      expect(await stratum.outbox.subscription('sneaky')).toBeUndefined();
    });

    it('refuses deleting a file subscription, which the next start would make again: kept as refused with who and when, nothing deleted', async () => {
      const { stratum, clock } = await open(await storeOf());
      const file = { id: 'erp-file', url: 'http://127.0.0.1:9/hooks?token=file-t0ken', secret: FIRST_SECRET };
      await stratum.outbox.configure([file]);
      clock.advance(MINUTE);
      const refusedAt = clock.now().toISOString();
      await expect(stratum.outbox.unsubscribe('erp-file', olga)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'config-subscription' } });
      expect(await stratum.outbox.subscription('erp-file')).toMatchObject({ id: 'erp-file', source: 'config' });
      const changes = await changesOf(stratum, 'erp-file');
      expect(changes.map(({ actor, action }) => [actor, action])).toEqual([['system', 'created'], ['olga', 'refused']]);
      expect(changes[1]).toEqual({
        seq: changes[1].seq, subscriptionId: 'erp-file', at: refusedAt, actor: 'olga', action: 'refused', source: 'config', reason: 'config-subscription', changes: {
          url: { from: 'http://127.0.0.1:9/hooks?token=***', to: null }, types: { from: [], to: null }, secret: { from: fingerprint(FIRST_SECRET), to: null },
        },
      });
      // the next start finds it as the file has it: nothing to make again
      await stratum.outbox.configure([file]);
      expect(await changesOf(stratum, 'erp-file')).toHaveLength(2);
      // a subscription made through the API is still deleted
      await stratum.outbox.subscribe({ id: 'erp-api', url: 'http://127.0.0.1:9/hooks', secret: FIRST_SECRET }, otto);
      await stratum.outbox.unsubscribe('erp-api', olga);
      expect(await stratum.outbox.subscription('erp-api')).toBeUndefined();
      await expect(stratum.outbox.unsubscribe('never', olga)).rejects.toMatchObject({ code: 'not-found' });
    });

    it('keeps a token of the URL\'s query masked in answers and the audit, and in place when the masked URL comes back for the same receiver', async () => {
      const store = await storeOf();
      const { stratum } = await open(store);
      const storedUrl = async () => (await store.read((tx) => tx.outbox.getSubscription('erp')))?.url;
      const created = await stratum.outbox.subscribe({ id: 'erp', url: 'http://127.0.0.1:9/hooks?token=t0k-first&v=1', secret: FIRST_SECRET }, otto);
      expect(created.url).toBe('http://127.0.0.1:9/hooks?token=***&v=1');
      // sent back as shown, with another version: the token stays
      await stratum.outbox.subscribe({ id: 'erp', url: 'http://127.0.0.1:9/hooks?token=***&v=2', secret: FIRST_SECRET }, olga);
      expect(await storedUrl()).toBe('http://127.0.0.1:9/hooks?token=t0k-first&v=2');
      // the masked token for another receiver, or beside a masked key the stored URL has not: refused, nothing changes
      for (const url of ['http://127.0.0.2:9/hooks?token=***&v=2', 'http://127.0.0.1:9/other?token=***', 'http://127.0.0.1:9/hooks?token=***&api_key=***']) {
        await expect(stratum.outbox.subscribe({ id: 'erp', url, secret: FIRST_SECRET }, olga), url)
          .rejects.toMatchObject({ code: 'invalid', details: { reason: 'masked-credential', errors: [{ field: '/url' }] } });
      }
      await expect(stratum.outbox.subscribe({ url: 'http://127.0.0.1:9/hooks?token=***', secret: FIRST_SECRET }, olga)).rejects.toMatchObject({ code: 'invalid' });
      expect(await storedUrl()).toBe('http://127.0.0.1:9/hooks?token=t0k-first&v=2');
      await stratum.outbox.subscribe({ id: 'erp', url: 'http://127.0.0.1:9/hooks?token=t0k-second&v=2', secret: FIRST_SECRET }, otto);
      const changes = await changesOf(stratum, 'erp');
      expect(changes.map((change) => change.changes.url)).toEqual([
        { from: null, to: 'http://127.0.0.1:9/hooks?token=***&v=1' },
        { from: 'http://127.0.0.1:9/hooks?token=***&v=1', to: 'http://127.0.0.1:9/hooks?token=***&v=2' },
        { from: 'http://127.0.0.1:9/hooks?token=***&v=2', to: 'http://127.0.0.1:9/hooks?token=***&v=2', credentialsChanged: true },
      ]);
      expect(JSON.stringify([changes, await stratum.outbox.subscriptions(), await stratum.outbox.subscription('erp')])).not.toContain('t0k-');
    });
  });
}

describeAudit('SQLite', sqliteStore);
describePostgres('webhook audit on PostgreSQL', () => describeAudit('PostgreSQL', postgresStore));

describePostgres('webhook subscription changes on PostgreSQL shared by two servers', () => {
  /** A secret of its own for each write of the race (Standard Webhooks: whsec_ and 32 random-looking bytes). */
  const secretOf = (round: number, which: string) => `whsec_${Buffer.from(`round ${String(round).padStart(3, '0')}, secret ${which}`.padEnd(32, '.')).toString('base64')}`;

  it('runs two servers\' changes of one subscription one after the other: the audit chains, each replaced secret keeps its grace, one creation per id', async () => {
    const schema = await freshSchema();
    const clock = new ManualClock();
    const server = async () => {
      const store = new PostgresStore(inSchema(schema));
      await store.migrate();
      const stratum = await openStratum({ store, clock, orderEntry: { rates: SAMPLE_RATES }, webhooks: { allowPrivateTargets: true } });
      opened.push(stratum);
      return { stratum, store };
    };
    const [first, second] = [await server(), await server()];
    const url = 'http://127.0.0.1:9/hooks';
    for (let round = 0; round < 30; round++) {
      const id = `race-${round}`;
      // two creations of one new id, then two replacements of it, each pair at the same instant
      await Promise.all([first.stratum.outbox.subscribe({ id, url, secret: secretOf(round, 'a') }, otto), second.stratum.outbox.subscribe({ id, url, secret: secretOf(round, 'b') }, olga)]);
      await Promise.all([first.stratum.outbox.subscribe({ id, url, secret: secretOf(round, 'c') }, otto), second.stratum.outbox.subscribe({ id, url, secret: secretOf(round, 'd') }, olga)]);
      const changes = await changesOf(first.stratum, id);
      expect(changes.map((change) => change.action), id).toEqual(['created', 'replaced', 'replaced', 'replaced']);
      // each entry's secret is replaced "from" the one the entry before it set
      for (let index = 1; index < changes.length; index++) {
        expect(changes[index].changes.secret?.from, `${id} #${index}`).toBe(changes[index - 1].changes.secret?.to);
      }
      // the secret set by the write before the last is still signed with for the grace period
      const row = await first.store.read((tx) => tx.outbox.getSubscription(id));
      expect(row?.previousSecret && fingerprint(row.previousSecret), id).toBe(changes.at(-2)!.changes.secret?.to);
      expect(row?.previousSecretUntil, id).not.toBeNull();
      expect(fingerprint(row!.secret), id).toBe(changes.at(-1)!.changes.secret?.to);
    }
  });
});
