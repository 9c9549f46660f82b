// IPv6 addresses that stand for an IPv4 one: a connection to them reaches
// the IPv4 address (mapped on a dual-stack socket; through a translator or
// relay otherwise), so a webhook target check judges them as that address.
// URLs and resolvers write them in hex (`[::ffff:127.0.0.1]` becomes
// `::ffff:7f00:1`), so the check cannot look for a dotted tail.

/** The IPv4 address an IPv6 address embeds, or null. `address` must be a valid IPv6 address. */
export function embeddedIpv4(address: string): string | null {
  const h = hextets(address);
  const zeros = (from: number, to: number) => h.slice(from, to).every((hextet) => hextet === 0);
  // ::ffff:a.b.c.d mapped, ::ffff:0:a.b.c.d translated (SIIT), 64:ff9b::a.b.c.d NAT64 (RFC 6052), ::a.b.c.d compatible
  if ((zeros(0, 5) && h[5] === 0xffff) || (zeros(0, 4) && h[4] === 0xffff && h[5] === 0)
    || (h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6)) || zeros(0, 6)) return dotted(h[6], h[7]);
  // 2002:AABB:CCDD::/48 is the 6to4 prefix of AA.BB.CC.DD
  if (h[0] === 0x2002) return dotted(h[1], h[2]);
  return null;
}

/** Global unicast (2000::/3): the only IPv6 space with public receivers; the rest is special or unassigned. */
export function isGlobalUnicast(address: string): boolean {
  const first = hextets(address)[0];
  return first >= 0x2000 && first < 0x4000;
}

// helpers

function hextets(address: string): number[] {
  const [head, tail] = address.replace(/%.*$/, '').split('::');
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function groupsOf(part: string): number[] {
  if (!part) return [];
  return part.split(':').flatMap((group) => {
    if (!group.includes('.')) return [parseInt(group, 16)];
    const [a, b, c, d] = group.split('.').map(Number);
    return [a * 256 + b, c * 256 + d];
  });
}

function dotted(high: number, low: number): string {
  return [Math.floor(high / 256), high % 256, Math.floor(low / 256), low % 256].join('.');
}
