import webpush from 'web-push';
import type {
  ExistingSubscription,
  PushPlatform,
  PushServer,
  PushSubscriptionData,
  RegisterRequest,
} from '../../machines/index.js';

/**
 * Test doubles for the machine's two ports. They stand in for the browser
 * and the server in Node unit tests only; the browser and e2e suites use
 * the real adapters. Every call is recorded with the signal it received.
 */
export interface FakeCall {
  name: keyof PushPlatform | keyof PushServer;
  signal: AbortSignal | undefined;
  args: unknown[];
}

export type FakeOverrides = Partial<PushPlatform> & Partial<PushServer>;

export interface FakePorts {
  platform: PushPlatform;
  server: PushServer;
  calls: FakeCall[];
  /** Names of the calls made, in order. */
  names(): string[];
  /** The calls of one name. */
  callsOf(name: FakeCall['name']): FakeCall[];
}

export const vapidKeys = webpush.generateVAPIDKeys();
export const otherVapidKeys = webpush.generateVAPIDKeys();

export function fakeSubscription(id = 'a'): PushSubscriptionData {
  return {
    endpoint: `https://push.example.net/send/${id}`,
    expirationTime: null,
    keys: {
      p256dh:
        'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
    },
  };
}

/** A promise that never settles but rejects when the signal aborts. */
export function hangUntilAborted<T>(signal: AbortSignal): Promise<T> {
  return new Promise<T>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), {
      once: true,
    });
  });
}

/** A platform and a server on the happy path, with per-call overrides. */
export function createFakePorts(overrides: FakeOverrides = {}): FakePorts {
  const calls: FakeCall[] = [];

  function record<K extends FakeCall['name']>(
    name: K,
    signal: AbortSignal | undefined,
    args: unknown[],
  ) {
    calls.push({ name, signal, args });
  }

  const platform: PushPlatform = {
    checkSupport() {
      record('checkSupport', undefined, []);
      return overrides.checkSupport?.() ?? { supported: true };
    },
    readPermission() {
      record('readPermission', undefined, []);
      return overrides.readPermission?.() ?? 'default';
    },
    async requestPermission(signal) {
      record('requestPermission', signal, []);
      return overrides.requestPermission?.(signal) ?? 'granted';
    },
    async getSubscription(signal) {
      record('getSubscription', signal, []);
      return overrides.getSubscription
        ? overrides.getSubscription(signal)
        : (null as ExistingSubscription | null);
    },
    async unsubscribe(signal) {
      record('unsubscribe', signal, []);
      return overrides.unsubscribe?.(signal) ?? true;
    },
    async subscribe(key, signal) {
      record('subscribe', signal, [key]);
      return overrides.subscribe?.(key, signal) ?? fakeSubscription('new');
    },
  };

  const server: PushServer = {
    async fetchPublicKey(signal) {
      record('fetchPublicKey', signal, []);
      return overrides.fetchPublicKey?.(signal) ?? vapidKeys.publicKey;
    },
    async register(request: RegisterRequest, signal) {
      record('register', signal, [request]);
      return overrides.register?.(request, signal);
    },
    async unregister(endpoint, signal) {
      record('unregister', signal, [endpoint]);
      return overrides.unregister?.(endpoint, signal);
    },
  };

  return {
    platform,
    server,
    calls,
    names: () => calls.map((call) => call.name),
    callsOf: (name) => calls.filter((call) => call.name === name),
  };
}
