// Webhook targets that cannot reach inside (issue 13, item 2): a subscription
// URL at a loopback, link-local, private or metadata address is refused when it
// is made, and a delivery is refused when its host resolves inside at the time
// of sending (DNS rebinding); redirects are not followed. An operator setting
// (allowPrivateTargets, STRATUM_WEBHOOKS_ALLOW_PRIVATE) allows receivers inside.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';
import { StratumError } from '../../../engine/errors.js';
import { checkWebhookUrl, forbiddenAddress } from '../../../engine/events/webhook-targets.js';
import { enter, erp, ManualClock, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('a secret the ERP and Stratum share, 32 bytes!').toString('base64')}`;
const INSIDE = { allowPrivate: false };

const dirs: string[] = [];
const opened: Stratum[] = [];
const servers: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const stratum of opened.splice(0)) await stratum.close();
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// helpers

async function open(dir: string, allowPrivateTargets: boolean): Promise<Stratum> {
  const stratum = await openStratum({ store: await openStore({ dataDir: dir }), clock: new ManualClock(), orderEntry: { rates: SAMPLE_RATES }, webhooks: { allowPrivateTargets } });
  opened.push(stratum);
  return stratum;
}

async function freshDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-targets-'));
  dirs.push(dir);
  const stratum = await open(dir, true);
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  return dir;
}

async function receiver(): Promise<WebhookReceiver> {
  const started = await new WebhookReceiver(SECRET).start();
  servers.push(started);
  return started;
}

/** A receiver that answers every request with a redirect to `location`. */
async function redirecting(location: string): Promise<{ url: string; hits: number }> {
  const state = { url: '', hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits++;
    req.resume();
    res.writeHead(307, { location }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  servers.push({ stop: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return state;
}

async function refusalOf(call: Promise<unknown>): Promise<StratumError> {
  const outcome = await call.then(() => null, (error: unknown) => error);
  if (!(outcome instanceof StratumError)) throw new Error(`expected a StratumError, got ${String(outcome)}`);
  return outcome;
}

describe('which addresses are inside', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.8.9.10', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'], ['fd12:3456::1', 'private'],
    ['169.254.10.20', 'link-local'], ['fe80::1', 'link-local'],
    ['169.254.169.254', 'metadata'], ['fd00:ec2::254', 'metadata'], ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['239.1.1.1', 'multicast or reserved'],
    // IPv4 inside IPv6 in the hex form URLs and resolvers write: mapped, translated (SIIT), NAT64, compatible, 6to4
    ['::ffff:7f00:1', 'loopback'], ['::ffff:0:7f00:1', 'loopback'], ['64:ff9b::7f00:1', 'loopback'], ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::a00:5', 'private'], ['::7f00:1', 'loopback'], ['2002:a9fe:a9fe::1', 'metadata'], ['2002:c0a8:101::', 'private'],
    // a NAT64 of the network's own (RFC 8215) and site-local addresses reach inside; nothing public lies outside 2000::/3
    ['64:ff9b:1::a00:1', 'private'], ['fec0::1', 'private'], ['100::1', 'multicast or reserved'], ['4000::1', 'multicast or reserved'],
    // special-purpose IPv4 that is no public receiver: protocol assignments, benchmarking, documentation
    ['192.0.0.170', 'multicast or reserved'], ['198.18.0.1', 'multicast or reserved'], ['198.19.255.254', 'multicast or reserved'],
    ['192.0.2.1', 'multicast or reserved'], ['198.51.100.7', 'multicast or reserved'], ['203.0.113.9', 'multicast or reserved'],
    ['2001:db8::1', 'multicast or reserved'], ['64:ff9b::c612:1', 'multicast or reserved'],
  ])('%s is %s', (address, kind) => {
    expect(forbiddenAddress(address)).toBe(kind);
  });

  it.each(['93.184.216.34', '172.32.0.1', '192.169.0.1', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::808:808', '2002:808:808::1', '198.20.0.1', '192.0.3.1'])('%s is public', (address) => {
    expect(forbiddenAddress(address)).toBeNull();
  });
});

describe('checking a subscription URL', () => {
  it.each([
    ['http://127.0.0.1:8080/hooks', /127\.0\.0\.1, a loopback address/],
    ['http://localhost:8080/hooks', /a loopback address/],
    ['http://[::1]/hooks', /::1, a loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /a metadata address/],
    ['http://metadata.google.internal/computeMetadata/v1/', /cloud metadata service/],
    ['https://10.0.0.5/hooks', /a private address/],
    ['http://[fd00::5]/hooks', /a private address/],
    ['http://[::ffff:127.0.0.1]:5432/', /::ffff:7f00:1, a loopback address/],
    ['http://[64:ff9b::169.254.169.254]/latest/meta-data/', /64:ff9b::a9fe:a9fe, a metadata address/],
    ['http://[::127.0.0.1]:5432/', /::7f00:1, a loopback address/],
    ['http://2130706433:5432/', /127\.0\.0\.1, a loopback address/],
    ['http://0x7f.1/hooks', /127\.0\.0\.1, a loopback address/],
    ['http://0177.0.0.1/hooks', /127\.0\.0\.1, a loopback address/],
    ['http://0/hooks', /0\.0\.0\.0, an unspecified address/],
    ['ftp://example.com/hooks', /must be http or https/],
  ])('refuses %s with a 400 naming the URL', async (url, why) => {
    const refusal = await refusalOf(checkWebhookUrl(url, INSIDE));
    expect(refusal.code).toBe('bad-request');
    expect(refusal.message).toContain(url);
    expect(refusal.message).toMatch(why);
    expect(refusal.details?.errors).toEqual([{ field: '/url', message: refusal.message }]);
  });

  it('takes an inside address when the operator allows it, and a public address always', async () => {
    await expect(checkWebhookUrl('http://127.0.0.1:8080/hooks', { allowPrivate: true })).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://93.184.216.34/hooks', INSIDE)).resolves.toBeUndefined();
  });
});

describe('subscribing and delivering', () => {
  it('refuses a subscription and a configured one at a loopback receiver, and stores neither', async () => {
    const stratum = await open(await freshDir(), false);
    const hooks = await receiver();
    expect((await refusalOf(stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp))).code).toBe('bad-request');
    const configured = await refusalOf(stratum.outbox.configure([{ id: 'file-hook', url: hooks.url, secret: SECRET }]));
    expect(configured.details?.errors?.[0]?.field).toBe('/subscriptions/file-hook/url');
    expect(await stratum.outbox.subscriptions()).toEqual([]);
  });

  it('refuses at delivery time a host that resolves inside now, though it was taken when subscribed (DNS rebinding)', async () => {
    const dir = await freshDir();
    const hooks = await receiver();
    // subscribed while allowed, as a name that resolved outside would have been
    const before = await open(dir, true);
    const byName = await before.outbox.subscribe({ url: hooks.url.replace('127.0.0.1', 'localhost'), secret: SECRET }, erp);
    const byAddress = await before.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    await before.close();
    opened.splice(opened.indexOf(before), 1);

    const stratum = await open(dir, false);
    await enter(stratum.runtime, order('REBIND-1', 100));
    expect(await stratum.outbox.deliverNow()).toBe(2);
    expect(hooks.received).toEqual([]);
    for (const subscription of [byName, byAddress]) {
      const [delivery] = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, limit: 1 })).items;
      expect(delivery.status).toBe('pending');
      expect(delivery.log).toHaveLength(1);
      expect(delivery.log[0].statusCode).toBeNull();
      expect(delivery.log[0].error).toMatch(/^refused: the receiver's address (127\.0\.0\.1|::1) is a loopback address/);
    }
  });

  it('does not follow a redirect: the attempt fails with the 3xx and the target is never called', async () => {
    const stratum = await open(await freshDir(), true);
    const target = await receiver();
    const redirect = await redirecting(target.url);
    const subscription = await stratum.outbox.subscribe({ url: redirect.url, secret: SECRET }, erp);
    await enter(stratum.runtime, order('REDIRECT-1', 100));
    await stratum.outbox.deliverNow();
    expect(redirect.hits).toBe(1);
    expect(target.received).toEqual([]);
    const [delivery] = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, limit: 1 })).items;
    expect(delivery).toMatchObject({ status: 'pending', lastStatus: 307 });
    expect(delivery.log[0].error).toMatch(/^HTTP 307/);
  });
});
