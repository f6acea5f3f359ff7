import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import webpush from 'web-push';
import {
  checkPushEndpoint,
  isAllowedHost,
  isForbiddenHost,
} from './pushEndpointGuard.js';
import type { SubscriptionRow } from './subscriptionStore.js';

/** VAPID identity the requests are signed with. */
export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

/** How one send runs. */
export interface SendOptions {
  vapid: VapidDetails;
  /** JSON text to encrypt for each subscription. */
  payloadText: string;
  /** Seconds the push service keeps an undelivered message. */
  ttl: number;
  /** Time limit of one push request. */
  timeoutMs: number;
  /** Push requests in flight at once. */
  concurrency: number;
  /** Hosts exempt from the endpoint check, as in the settings. */
  allowedPushHosts: readonly string[];
  /** Called for a subscription the push service says is gone (404/410). */
  onGone: (endpoint: string) => void;
  /** Resolves a host name to its addresses; DNS by default. */
  resolveHost?: (hostname: string) => Promise<string[]>;
}

async function resolveWithDns(hostname: string): Promise<string[]> {
  const found = await lookup(hostname, { all: true });

  return found.map((entry) => entry.address);
}

/** What a send did: counts only, never endpoints. */
export interface SendResult {
  /** Accepted by the push service (2xx). */
  sent: number;
  /** Refused, errored, timed out or not attempted. */
  failed: number;
  /** Gone (404/410) and deleted; not counted as failed. */
  removed: number;
}

/**
 * Encrypts and signs one push request per row with web-push's
 * `generateRequestDetails` and sends it with `fetch`, at most
 * `concurrency` at a time, each within `timeoutMs`. web-push's own sender
 * speaks https only; `fetch` also reaches allowed `http:` test services.
 *
 * Never rejects: a failing row is counted, the others still go out.
 */
export async function sendNotifications(
  rows: readonly SubscriptionRow[],
  options: SendOptions,
): Promise<SendResult> {
  const result: SendResult = { sent: 0, failed: 0, removed: 0 };
  let next = 0;

  const worker = async (): Promise<void> => {
    for (let row = rows[next++]; row !== undefined; row = rows[next++]) {
      const outcome = await sendOne(row, options);
      if (outcome === 'gone') options.onGone(row.endpoint);
      result[outcome === 'gone' ? 'removed' : outcome]++;
    }
  };

  const workers = Math.min(options.concurrency, rows.length);
  await Promise.all(Array.from({ length: workers }, worker));

  return result;
}

async function sendOne(
  row: SubscriptionRow,
  options: SendOptions,
): Promise<'sent' | 'failed' | 'gone'> {
  try {
    // Rows stored before the allowed hosts changed are checked again
    const url = checkPushEndpoint(row.endpoint, options.allowedPushHosts);

    // A public name may resolve to a private address (DNS rebinding)
    if (
      !isAllowedHost(url, options.allowedPushHosts) &&
      isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0
    ) {
      const resolve = options.resolveHost ?? resolveWithDns;
      const addresses = await resolve(url.hostname);
      if (addresses.length === 0 || addresses.some(isForbiddenHost)) {
        return 'failed';
      }
    }

    const details = webpush.generateRequestDetails(
      {
        endpoint: row.endpoint,
        keys: { p256dh: row.p256dh, auth: row.auth },
      },
      options.payloadText,
      {
        vapidDetails: options.vapid,
        TTL: options.ttl,
        contentEncoding: 'aes128gcm',
      },
    );

    // fetch sets the length itself
    const headers = Object.fromEntries(
      Object.entries(details.headers)
        .filter(([name]) => name.toLowerCase() !== 'content-length')
        .map(([name, value]) => [name, String(value)]),
    );
    const response = await fetch(details.endpoint, {
      method: details.method,
      headers,
      body: Uint8Array.from(details.body ?? []),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel();

    if (response.status === 404 || response.status === 410) return 'gone';

    return response.ok ? 'sent' : 'failed';
  } catch {
    return 'failed';
  }
}
