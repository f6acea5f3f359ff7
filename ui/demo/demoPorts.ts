import { HttpError } from '../../machines/pushPermissionErrors.js';
import type {
  PushPlatform,
  PushServer,
  PushSubscriptionData,
} from '../../machines/pushPorts.js';

/** The states `?demoState=` can force, for screenshots and docs. */
export type DemoState =
  | 'working'
  | 'done'
  | 'blocked'
  | 'dismissed'
  | 'unreachable'
  | 'ios'
  | 'server-error';

export const demoStates: readonly DemoState[] = [
  'working',
  'done',
  'blocked',
  'dismissed',
  'unreachable',
  'ios',
  'server-error',
];

// A valid P-256 point, so the machine's key check passes
const demoKey =
  'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM';

const demoSubscription: PushSubscriptionData = {
  endpoint: 'https://push.invalid/demo',
  expirationTime: null,
  keys: { p256dh: demoKey, auth: 'tBHItJI5svbpez7KI4CCXg' },
};

function hang<T>(signal: AbortSignal): Promise<T> {
  return new Promise<T>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), {
      once: true,
    });
  });
}

/**
 * Stand-in platform and server that drive the real machine to one
 * state: a demo-only hook (`?demoState=`) for screenshots, since a
 * browser without a push service cannot reach `done` offline. Nothing
 * here touches the real browser APIs or the server.
 */
export function demoPorts(state: DemoState): {
  platform: PushPlatform;
  server: PushServer;
} {
  const platform: PushPlatform = {
    checkSupport: () =>
      state === 'ios'
        ? { supported: false, reason: 'ios-not-installed' }
        : { supported: true },
    readPermission: () => (state === 'blocked' ? 'denied' : 'default'),
    requestPermission: async () =>
      state === 'dismissed' ? 'default' : 'granted',
    getSubscription: async () => null,
    unsubscribe: async () => false,
    subscribe: async (_key, signal) => {
      if (state === 'working') return hang(signal);
      if (state === 'unreachable') {
        throw new DOMException('Push service not available', 'AbortError');
      }

      return demoSubscription;
    },
  };
  const server: PushServer = {
    fetchPublicKey: async () => demoKey,
    register: async () => {
      if (state === 'server-error') {
        throw new HttpError('Bad request', { status: 400 });
      }
    },
    unregister: async () => {},
  };

  return { platform, server };
}
