import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import webpush from 'web-push';
import { createPushApp } from './createPushApp.js';
import {
  type ResolvedServerSettings,
  resolveSettings,
  type ServerSettings,
} from './serverSettings.js';
import { SubscriptionStore } from './subscriptionStore.js';

/** A started server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** The settings in force, keys included. */
  settings: ResolvedServerSettings;
  /** The open SQLite store, for tests and tools. */
  store: SubscriptionStore;
  /**
   * Stops listening, ends open connections (a send in flight is cut off)
   * and closes the store. Calling it again resolves with the first call.
   */
  close(): Promise<void>;
}

/**
 * Starts the push server: opens (or creates) the SQLite file in
 * `dataDir`, loads its VAPID keys and API key or creates and stores them
 * on first start, and listens on `host:port`.
 *
 * Keys given in `settings` win over stored ones and replace them, which
 * is how keys are rotated: start again with other keys.
 *
 * Rejects with a `SettingsError` naming a malformed setting, or with the
 * listen error (e.g. the port is taken).
 */
export async function startPushServer(
  settings: Partial<ServerSettings> = {},
): Promise<RunningServer> {
  const base = resolveSettings(settings);
  const store = new SubscriptionStore(base.dataDir);

  try {
    const resolved = { ...base, ...loadSecrets(store, base) };
    if (resolved.auth.mode === 'open') {
      resolved.logger.warn(
        'Open auth mode: registrations are stored under the client-claimed options.idUser. Use it for the local demo only; set an auth secret for deployments.',
      );
    }

    const app = createPushApp(resolved, store);
    const server = await listen(app.fetch, resolved);
    const { port } = server.address() as AddressInfo;
    const host = resolved.host.includes(':')
      ? `[${resolved.host}]`
      : resolved.host;

    // Closing twice waits for the first close
    let closing: Promise<void> | undefined;

    return {
      url: `http://${host}:${port}`,
      settings: resolved,
      store,
      close: () => {
        closing ??= closeServer(server, store);

        return closing;
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}

/** Keys from the settings (stored), else from the store, else new. */
function loadSecrets(
  store: SubscriptionStore,
  settings: ServerSettings,
): Pick<
  ResolvedServerSettings,
  'vapidPublicKey' | 'vapidPrivateKey' | 'apiKey'
> {
  const stored = {
    vapidPublicKey: store.readMeta('vapidPublicKey'),
    vapidPrivateKey: store.readMeta('vapidPrivateKey'),
    apiKey: store.readMeta('apiKey'),
  };

  let keys: { publicKey: string; privateKey: string };
  if (settings.vapidPublicKey && settings.vapidPrivateKey) {
    keys = {
      publicKey: settings.vapidPublicKey,
      privateKey: settings.vapidPrivateKey,
    };
  } else if (stored.vapidPublicKey && stored.vapidPrivateKey) {
    keys = {
      publicKey: stored.vapidPublicKey,
      privateKey: stored.vapidPrivateKey,
    };
  } else {
    keys = webpush.generateVAPIDKeys();
  }
  const apiKey =
    settings.apiKey ?? stored.apiKey ?? randomBytes(24).toString('base64url');

  const secrets = {
    vapidPublicKey: keys.publicKey,
    vapidPrivateKey: keys.privateKey,
    apiKey,
  };
  store.writeMeta(secrets);

  return secrets;
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  settings: ServerSettings,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch,
      port: settings.port,
      hostname: settings.host,
    }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server, store: SubscriptionStore): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      store.close();
      if (error) reject(error);
      else resolve();
    });
    server.closeAllConnections();
  });
}
