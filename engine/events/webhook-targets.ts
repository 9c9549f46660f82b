// Where webhooks may go: a subscription URL must not reach inside the network
// Stratum runs in (loopback, link-local, private and shared ranges, unique local
// IPv6, cloud metadata endpoints) unless the operator allows it
// (STRATUM_WEBHOOKS_ALLOW_PRIVATE). Checked twice: when a subscription is made
// (its name resolved then), and on every delivery, where the connection goes to
// the address that was checked, resolved at that moment: a name that resolved
// to a public address at subscription time and to 127.0.0.1 now (DNS rebinding)
// is refused. Redirects are never followed (the POST below does not follow them).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { StratumError } from '../errors.js';
import { embeddedIpv4, isGlobalUnicast } from './embedded-ipv4.js';
import { redactedUrl } from './redacted-url.js';

export type ForbiddenKind = 'metadata' | 'loopback' | 'link-local' | 'private' | 'unspecified' | 'multicast or reserved';

/** The ranges, most specific first (a metadata address is link-local or private too, and named as metadata). */
const RANGES: [ForbiddenKind, [string, number, 'ipv4' | 'ipv6'][]][] = [
  ['metadata', [['169.254.169.254', 32, 'ipv4'], ['100.100.100.200', 32, 'ipv4'], ['fd00:ec2::254', 128, 'ipv6']]],
  ['loopback', [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]],
  ['link-local', [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]],
  // fec0::/10: site-local (deprecated, still routed inside some networks); 64:ff9b:1::/48: a NAT64 of the network's own (RFC 8215)
  ['private', [
    ['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['100.64.0.0', 10, 'ipv4'],
    ['fc00::', 7, 'ipv6'], ['fec0::', 10, 'ipv6'], ['64:ff9b:1::', 48, 'ipv6'],
  ]],
  ['unspecified', [['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']]],
  // 192.0.0.0/24 protocol assignments, 198.18.0.0/15 benchmarking (used inside some networks), the documentation ranges
  ['multicast or reserved', [
    ['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'], ['192.0.0.0', 24, 'ipv4'], ['198.18.0.0', 15, 'ipv4'],
    ['192.0.2.0', 24, 'ipv4'], ['198.51.100.0', 24, 'ipv4'], ['203.0.113.0', 24, 'ipv4'], ['ff00::', 8, 'ipv6'], ['2001:db8::', 32, 'ipv6'],
  ]],
];
const BLOCKS = RANGES.map(([kind, subnets]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return [kind, list] as const;
});
/** Host names of metadata services that are not addresses. */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

/**
 * What kind of inside address this is, or null for a public one. IPv4 inside IPv6 (mapped, translated,
 * NAT64, compatible, 6to4) is judged as the IPv4 address; other IPv6 outside global unicast is reserved.
 */
export function forbiddenAddress(address: string): ForbiddenKind | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return kindOf(bare, 'ipv4');
  if (family !== 6) return null;
  const embedded = embeddedIpv4(bare);
  return kindOf(bare, 'ipv6') ?? (embedded ? kindOf(embedded, 'ipv4') : isGlobalUnicast(bare) ? null : 'multicast or reserved');
}

export interface TargetPolicy {
  /** STRATUM_WEBHOOKS_ALLOW_PRIVATE: inside addresses are allowed (a receiver on the same host or network). */
  allowPrivate: boolean;
}

/**
 * A subscription's URL, checked when it is made: http or https, and (unless allowed) a host that is no
 * inside address and whose name resolves only to public ones. Refused with a 400 naming the URL.
 */
export async function checkWebhookUrl(url: string, policy: TargetPolicy, field = '/url'): Promise<void> {
  const refuse = (why: string) => {
    const message = `webhook URL ${redactedUrl(url)} ${why}`;
    return new StratumError('bad-request', message, { errors: [{ field, message }], reason: 'webhook-target' });
  };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse('is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw refuse('must be http or https');
  if (policy.allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (METADATA_NAMES.has(host.toLowerCase().replace(/\.$/, ''))) throw refuse('names a cloud metadata service');
  const addresses = isIP(host) ? [host] : await resolveAll(host).catch(() => {
    throw refuse('does not resolve');
  });
  for (const address of addresses) {
    const kind = forbiddenAddress(address);
    if (kind) throw refuse(`reaches ${address}, ${described(kind)}; set STRATUM_WEBHOOKS_ALLOW_PRIVATE=1 to allow receivers inside the network`);
  }
}

/** Thrown (and recorded as the attempt's error) when a delivery's host resolves to an inside address now. */
export class ForbiddenTargetError extends Error {
  constructor(readonly address: string, readonly kind: ForbiddenKind) {
    super(`refused: the receiver's address ${address} is ${described(kind)} (STRATUM_WEBHOOKS_ALLOW_PRIVATE is not set)`);
    this.name = 'ForbiddenTargetError';
  }
}

export interface PostAnswer {
  status: number;
  /** The start of the body (for a failed attempt's error). */
  text: string;
}

/**
 * One POST without redirects. Unless the policy allows inside addresses, the host is resolved here and
 * every address it resolves to is checked; the connection goes to a checked one.
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, signal: AbortSignal, policy: TargetPolicy): Promise<PostAnswer> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host) ? forbiddenAddress(host) : null;
  if (!policy.allowPrivate && literal) return Promise.reject(new ForbiddenTargetError(host, literal));
  if (!policy.allowPrivate && METADATA_NAMES.has(host.toLowerCase().replace(/\.$/, ''))) return Promise.reject(new ForbiddenTargetError(host, 'metadata'));
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostAnswer>((resolve, reject) => {
    const outgoing = request(target, {
      method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, signal,
      ...(!policy.allowPrivate && { lookup: checkedLookup }),
    }, (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      if (status >= 200 && status <= 299) {
        // accepted once the status arrives: a body that never ends (until the timeout cuts it off) must not
        // turn an accepted event into a failed attempt, sent again and again
        response.resume();
        response.on('error', () => undefined);
        resolve({ status, text: '' });
        return;
      }
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (text.length < 200) text += chunk;
      });
      response.on('end', () => resolve({ status, text: text.slice(0, 200) }));
      response.on('error', () => resolve({ status, text: text.slice(0, 200) }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

// helpers

/** "a loopback address", "an unspecified address". */
function described(kind: ForbiddenKind): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} address`;
}

function kindOf(address: string, family: 'ipv4' | 'ipv6'): ForbiddenKind | null {
  for (const [kind, list] of BLOCKS) if (list.check(address, family)) return kind;
  return null;
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) reject(error);
      else resolve(addresses.map((entry) => entry.address));
    });
  });
}

/** dns.lookup for the connection: every address the name has now must be public, else the connection is refused. */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, '', 0);
      return;
    }
    for (const entry of addresses) {
      const kind = forbiddenAddress(entry.address);
      if (kind) {
        callback(new ForbiddenTargetError(entry.address, kind), '', 0);
        return;
      }
    }
    if (options.all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
    else if (addresses[0]) callback(null, addresses[0].address, addresses[0].family);
    else callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
  });
};
