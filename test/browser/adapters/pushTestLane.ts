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
 * loopback endpoint and real P-256 keys. With `keep`, `getSubscription`
 * is replaced too and answers that subscription until it unsubscribes,
 * as a browser would. Returns the keys subscribe was asked for and a
 * function that puts the real calls back.
 */
export function replaceSubscribe({ keep = false } = {}) {
  const prototype = PushManager.prototype;
  const real = {
    subscribe: prototype.subscribe,
    getSubscription: prototype.getSubscription,
  };
  const keys: string[] = [];
  let kept: PushSubscription | null = null;

  prototype.subscribe = async (options) => {
    const key = new Uint8Array(options?.applicationServerKey as ArrayBuffer);
    keys.push(encodeBase64Url(key));
    const subscription = await fakeSubscription(key, () => {
      kept = null;
    });
    if (keep) kept = subscription;

    return subscription;
  };
  if (keep) prototype.getSubscription = async () => kept;

  return {
    keys,
    restore: () => {
      prototype.subscribe = real.subscribe;
      prototype.getSubscription = real.getSubscription;
    },
  };
}

async function fakeSubscription(
  key: Uint8Array,
  onUnsubscribe: () => void,
): Promise<PushSubscription> {
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
    unsubscribe: async () => {
      onUnsubscribe();

      return true;
    },
  } as unknown as PushSubscription;
}
