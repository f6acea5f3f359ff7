import { BlockList, isIP } from 'node:net';
import { ServerError } from './serverErrors.js';

/** Longest endpoint accepted; real push services stay far below. */
export const maxEndpointLength = 2048;

// Two lists: one BlockList would match every IPv4 address against the
// IPv4-mapped IPv6 range below
const blockedV4 = new BlockList();
const blockedV6 = new BlockList();

// IPv4: this network, private, shared (CGNAT), loopback, link-local (with
// cloud metadata at 169.254.169.254), benchmark, multicast, reserved
for (const [network, prefix] of [
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
  blockedV4.addSubnet(network, prefix, 'ipv4');
}

// IPv6: unspecified, loopback, IPv4-mapped and NAT64 (they reach IPv4
// addresses), unique local, link-local, multicast
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blockedV6.addSubnet(network, prefix, 'ipv6');
}

const internalNames =
  /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/**
 * Parses a push endpoint and refuses what a server should not call: not a
 * URL, not `https:`, with credentials, or at a loopback, private,
 * link-local, metadata or single-label host. Hosts in `allowedHosts`
 * (`host` or `host:port`) skip the address check and may use `http:`.
 *
 * Throws a `ServerError` (`invalid-endpoint` or `forbidden-endpoint`);
 * messages never repeat the endpoint.
 *
 * Note: names are checked as written here; `sendNotifications` resolves
 * them again before each send and skips private addresses, but `fetch`
 * resolves once more, so a rebinding in between is still possible.
 * Deployments that care should also filter egress at the network level.
 */
export function checkPushEndpoint(
  endpoint: string,
  allowedHosts: readonly string[],
  field = 'subscription.endpoint',
): URL {
  if (endpoint.length > maxEndpointLength) {
    throw invalid(`\`${field}\` is longer than ${maxEndpointLength}`);
  }

  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (error) {
    throw invalid(`\`${field}\` is not a URL`, error);
  }

  if (url.username !== '' || url.password !== '') {
    throw invalid(`\`${field}\` must not carry credentials`);
  }
  if (isAllowedHost(url, allowedHosts)) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw invalid(`\`${field}\` must be an http(s) URL`);
    }

    return url;
  }
  if (url.protocol !== 'https:') {
    throw invalid(`\`${field}\` must be an https URL`);
  }
  if (isForbiddenHost(url.hostname)) {
    throw new ServerError(
      'forbidden-endpoint',
      400,
      `\`${field}\` points at a local, private or metadata address`,
    );
  }

  return url;
}

/** True when the host is listed, with or without its port. */
export function isAllowedHost(
  url: URL,
  allowedHosts: readonly string[],
): boolean {
  const port = url.port === '' ? defaultPort(url.protocol) : url.port;
  const host = url.hostname.toLowerCase();

  return allowedHosts.some((entry) => {
    const wanted = entry.toLowerCase();

    return wanted === host || wanted === `${host}:${port}`;
  });
}

/** True for a loopback, private, link-local or internal host name. */
export function isForbiddenHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const version = isIP(host);

  if (version === 4) return blockedV4.check(host, 'ipv4');
  if (version === 6) return blockedV6.check(host, 'ipv6');

  return !host.includes('.') || internalNames.test(host);
}

function defaultPort(protocol: string): string {
  return protocol === 'http:' ? '80' : '443';
}

function invalid(message: string, cause?: unknown): ServerError {
  return new ServerError('invalid-endpoint', 400, message, { cause });
}
