import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { RegistryErrors } from '../../errors/registry-errors';

/** Which targets the operator allows beyond public https ones. */
export interface TargetPolicy {
  /** Private, loopback, link-local and unique-local addresses (default false). */
  readonly allowPrivate: boolean;
  /** Plain `http://` targets (default false). */
  readonly allowHttp: boolean;
}

export const SAFE_TARGETS: TargetPolicy = Object.freeze({ allowPrivate: false, allowHttp: false });

/*
 * Addresses a webhook must not reach unless the operator allows it: this
 * host, its networks and the cloud metadata services (169.254.169.254) are
 * what a forged target would aim at (SSRF). Node's own BlockList does the
 * matching, so no parser of ours decides what an address is.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  // IPv4-mapped and NAT64 forms would smuggle a blocked IPv4 address through.
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is private, loopback, link-local or otherwise internal. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Checks a target URL as given: absolute, `https:` (or `http:` when
 * allowed), no credentials in it, and — for an IP literal — not internal.
 * Host names are checked again at every connection (see safeLookup).
 */
export function checkTargetUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RegistryErrors.WebhookUrlInvalid({ url: raw, problem: 'is not an absolute URL' });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new RegistryErrors.WebhookUrlInvalid({
      url: raw,
      problem: policy.allowHttp
        ? 'must use https: or http:'
        : 'must use https: (plain http targets need the operator option --webhooks-allow-http)',
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new RegistryErrors.WebhookUrlInvalid({
      url: raw,
      problem: 'must not carry a user name or password; receivers check the signature instead',
    });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !policy.allowPrivate && isInternalAddress(host)) {
    throw new RegistryErrors.WebhookTargetRefused({ url: raw, address: host });
  }
  return url;
}

/**
 * A `lookup` for http(s).request that resolves the host and refuses the
 * connection when any address is internal: checked when connecting, so a
 * name that later resolves elsewhere (DNS rebinding) is caught too.
 */
export function safeLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => isInternalAddress(a.address));
      if (refused && !policy.allowPrivate) {
        const err = new Error(
          `${hostname} resolves to ${refused.address}, an internal address; the registry does not deliver there unless started with --webhooks-allow-private`,
        ) as NodeJS.ErrnoException;
        err.code = 'IMPRINT_TARGET_REFUSED';
        return callback(err, '', 0);
      }
      if (options.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
