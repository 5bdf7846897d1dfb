import ipaddr from 'ipaddr.js';

/**
 * Cloud metadata and host-control endpoints, refused even with WEBHOOK_ALLOW_PRIVATE (no webhook is ever
 * meant for them). Most sit in ranges refused anyway; Azure's 168.63.129.16 is public unicast.
 */
const METADATA = new Set(
  ['169.254.169.254', '169.254.170.2', '169.254.169.253', '100.100.100.200', '168.63.129.16', 'fd00:ec2::254'].map(
    (a) => ipaddr.parse(a).toNormalizedString(),
  ),
);

/** ipaddr.js range names, as people say them. */
const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  uniqueLocal: 'unique-local IPv6',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  reserved: 'reserved',
  ipv4Mapped: 'IPv4-mapped',
  rfc6145: 'IPv4-translated',
  rfc6052: 'NAT64',
  '6to4': '6to4',
  teredo: 'Teredo',
  discard: 'discard-only',
  benchmarking: 'benchmarking',
};

/**
 * Why an address may not receive webhooks, or null if it may. Only public unicast addresses pass
 * (ipaddr.js keeps the special-purpose ranges of IANA's registries); IPv4-mapped and IPv4-compatible
 * IPv6 addresses are judged as the IPv4 address they carry, and tunnelling ranges that embed an IPv4
 * address (6to4, Teredo, NAT64) are refused outright.
 */
export function addressRefusal(address: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.process(address);
  if (METADATA.has(ip.toNormalizedString())) return `${ip.toString()} is a cloud metadata address`;
  if (allowPrivate) return null;
  const range = ip.range();
  if (range === 'unicast') return null;
  return `${ip.toString()} is a ${RANGE_NAMES[range] ?? range} address`;
}

/** The address in the form sockets take (an IPv4-mapped IPv6 address as plain IPv4). */
export function connectable(address: string): { address: string; family: 4 | 6 } {
  const ip = ipaddr.process(address);
  return { address: ip.toString(), family: ip.kind() === 'ipv4' ? 4 : 6 };
}
