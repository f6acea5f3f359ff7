import { inject } from 'vitest';
import { encodeBase64Url } from '../../../machines/vapidKey.js';
import type { SubscriptionRow } from '../../../server/index.js';
import type { Fault, SeenRequest } from '../../support/faultyServer.js';

/**
 * One test's own path through the fault-injecting front: its base URL,
 * its queued faults, what the front saw and the rows stored for it (rows
 * whose `options.lane` is this lane's id).
 */
export function pushTestLane() {
  const id = crypto.randomUUID();
  const front = inject('faultyServerUrl');
  const control = `${front}/control/${id}`;

  return {
    id,
    baseUrl: `${front}/t/${id}`,

    async queue(route: string, ...faults: Fault[]) {
      await send(`${control}/faults`, {
        method: 'POST',
        body: JSON.stringify({ route, faults }),
      });
    },

    /** Requests seen; with `until`, once one with that outcome came. */
    seen(until?: SeenRequest['outcome'], path?: string) {
      const query = new URLSearchParams();
      if (until) query.set('until', until);
      if (path) query.set('path', path);

      return send<SeenRequest[]>(`${control}/seen?${query}`);
    },

    rows: () => send<SubscriptionRow[]>(`${control}/rows`),
  };
}

async function send<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`Control call failed: ${response.status}`);

  return (await response.json()) as T;
}

/**
 * Replaces `PushManager.prototype.subscribe`, the one call that cannot
 * work offline in Chromium, with one that answers a subscription of a
 * loopback endpoint and real P-256 keys. Returns the keys it was asked
 * for and a function that puts the real one back.
 */
export function replaceSubscribe() {
  const real = PushManager.prototype.subscribe;
  const keys: string[] = [];

  PushManager.prototype.subscribe = async (options) => {
    const key = new Uint8Array(options?.applicationServerKey as ArrayBuffer);
    keys.push(encodeBase64Url(key));

    return fakeSubscription(key);
  };

  return {
    keys,
    restore: () => {
      PushManager.prototype.subscribe = real;
    },
  };
}

async function fakeSubscription(key: Uint8Array): Promise<PushSubscription> {
  const pair = await crypto.subtle.generateKey(
    { name: 'ECDH', namedCurve: 'P-256' },
    true,
    ['deriveBits'],
  );
  const p256dh = new Uint8Array(
    await crypto.subtle.exportKey('raw', pair.publicKey),
  );
  const json = {
    endpoint: `http://127.0.0.1:9/push/${crypto.randomUUID()}`,
    expirationTime: null,
    keys: {
      p256dh: encodeBase64Url(p256dh),
      auth: encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))),
    },
  };

  return {
    endpoint: json.endpoint,
    expirationTime: null,
    options: { applicationServerKey: key.buffer, userVisibleOnly: true },
    toJSON: () => json,
    getKey: () => null,
    unsubscribe: async () => true,
  } as unknown as PushSubscription;
}
