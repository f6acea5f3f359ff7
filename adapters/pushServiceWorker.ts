/**
 * The project's service worker. Bundle it on its own (esbuild, format
 * `iife`) to `sw.js` and serve it from the root of the app, so its scope
 * covers the pages and `pushdata/` routes resolve against it.
 *
 * - `push`: shows the notification the payload describes and tells every
 *   open page with a {@link PushReceivedMessage}.
 * - `notificationclick`: closes it, then focuses the open page at
 *   `data.url` or opens it (same origin only).
 * - `pushsubscriptionchange`: registers the browser's new subscription with
 *   `POST <scope>pushdata/register`, naming the old endpoint, with the
 *   options a page last sent in a {@link PushOptionsMessage}.
 *
 * Only types are exported: importing values from here would run this
 * worker's code on a page.
 *
 * Note: the repo compiles with the DOM lib, and `/// <reference lib=
 * "webworker" />` would change globals for every file, so the few worker
 * types used are declared here.
 */

/** The JSON a push carries, as the reference server sends it. */
export interface PushPayload {
  title?: string;
  body?: string;
  icon?: string;
  data?: Record<string, unknown> & { url?: string };
  vibrate?: number[];
  actions?: { action: string; title: string; icon?: string }[];
}

/** What open pages receive when a push arrives. */
export interface PushReceivedMessage {
  type: 'push.received';
  payload: PushPayload;
}

/**
 * What a page posts to the worker after registering a subscription, so
 * that a later `pushsubscriptionchange` can register the new one the same
 * way. `headers` (an `Authorization` bearer token, say) are sent with that
 * request. When the message carries a `MessagePort` (`postMessage(message,
 * [port])`), the worker answers `{ type: 'push.options.stored' }` on it
 * once stored.
 */
export interface PushOptionsMessage {
  type: 'push.options';
  options: Record<string, unknown>;
  headers?: Record<string, string>;
}

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

interface PushEvent extends ExtendableEvent {
  readonly data: { json(): unknown; text(): string } | null;
}

interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
  readonly action: string;
}

interface PushSubscriptionChangeEvent extends ExtendableEvent {
  readonly newSubscription: PushSubscription | null;
  readonly oldSubscription: PushSubscription | null;
}

interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}

interface WindowClient {
  readonly url: string;
  focus(): Promise<WindowClient>;
  postMessage(message: unknown): void;
}

interface Clients {
  matchAll(options: {
    type: 'window';
    includeUncontrolled: boolean;
  }): Promise<WindowClient[]>;
  openWindow(url: string): Promise<WindowClient | null>;
  claim(): Promise<void>;
}

interface WorkerEvents {
  install: ExtendableEvent;
  activate: ExtendableEvent;
  message: ExtendableMessageEvent;
  push: PushEvent;
  notificationclick: NotificationEvent;
  pushsubscriptionchange: PushSubscriptionChangeEvent;
}

interface ServiceWorkerScope {
  readonly registration: ServiceWorkerRegistration;
  readonly clients: Clients;
  readonly location: Location;
  skipWaiting(): Promise<void>;
  addEventListener<K extends keyof WorkerEvents>(
    type: K,
    listener: (event: WorkerEvents[K]) => void,
  ): void;
}

/** `NotificationOptions` in the DOM lib lacks what Chromium still takes. */
interface ShowOptions extends NotificationOptions {
  vibrate?: number[];
  actions?: PushPayload['actions'];
}

interface StoredOptions {
  options: Record<string, unknown>;
  headers: Record<string, string>;
}

declare const self: ServiceWorkerScope;

const cacheName = 'pwa-push-permission';
const optionsKey = 'push-options.json';

// Take over at once, so the first visit can subscribe
self.addEventListener('install', (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  if (!isOptionsMessage(event.data)) return;

  const stored: StoredOptions = {
    options: event.data.options,
    headers: event.data.headers ?? {},
  };
  event.waitUntil(
    storeOptions(stored).then(() => {
      event.ports[0]?.postMessage({ type: 'push.options.stored' });
    }),
  );
});

self.addEventListener('push', (event) => {
  event.waitUntil(showPush(readPayload(event)));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(focusOrOpen(event.notification.data));
});

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(registerAgain(event));
});

function readPayload(event: PushEvent): PushPayload {
  if (!event.data) return {};

  try {
    const payload = event.data.json();
    if (payload && typeof payload === 'object') return payload as PushPayload;
  } catch {
    // A plain text push: show the text
  }

  return { body: event.data.text() };
}

async function showPush(payload: PushPayload): Promise<void> {
  const options: ShowOptions = {};
  if (payload.body !== undefined) options.body = payload.body;
  if (payload.icon !== undefined) options.icon = payload.icon;
  if (payload.data !== undefined) options.data = payload.data;
  if (payload.vibrate !== undefined) options.vibrate = payload.vibrate;
  if (payload.actions !== undefined) options.actions = payload.actions;

  await self.registration.showNotification(payload.title ?? '', options);

  // Tell open pages
  const message: PushReceivedMessage = { type: 'push.received', payload };
  const windows = await self.clients.matchAll({
    type: 'window',
    includeUncontrolled: true,
  });
  for (const client of windows) client.postMessage(message);
}

async function focusOrOpen(data: unknown): Promise<void> {
  const target = sameOriginUrl(data);
  const windows = await self.clients.matchAll({
    type: 'window',
    includeUncontrolled: true,
  });

  const open = target
    ? windows.find((client) => client.url === target)
    : windows[0];
  if (open) {
    await open.focus();

    return;
  }

  await self.clients.openWindow(target ?? self.registration.scope);
}

/** `data.url` resolved against the scope, when it stays on this origin. */
function sameOriginUrl(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const { url } = data as { url?: unknown };
  if (typeof url !== 'string') return undefined;

  try {
    const resolved = new URL(url, self.registration.scope);

    return resolved.origin === self.location.origin ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The browser replaced or dropped the subscription: get the new one (or
 * subscribe again with the old one's options, else with the server's key)
 * and register it with the last options a page stored.
 * https://w3c.github.io/push-api/#the-pushsubscriptionchange-event
 */
async function registerAgain(event: PushSubscriptionChangeEvent) {
  const subscription =
    event.newSubscription ??
    (await self.registration.pushManager.subscribe(
      event.oldSubscription?.options ?? {
        userVisibleOnly: true,
        applicationServerKey: await fetchServerKey(),
      },
    ));
  const stored = await readOptions();

  const body: Record<string, unknown> = {
    subscription: subscription.toJSON(),
    options: stored?.options ?? {},
  };
  if (event.oldSubscription) {
    body.previousEndpoint = event.oldSubscription.endpoint;
  }
  const response = await fetch(routeUrl('pushdata/register'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...stored?.headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(
      `Registration failed with status ${response.status}: POST /pushdata/register`,
    );
  }
}

async function fetchServerKey(): Promise<string> {
  const response = await fetch(routeUrl('pushdata/vapidpublickey'));
  if (!response.ok) {
    throw new Error(
      `Key fetch failed with status ${response.status}: GET /pushdata/vapidpublickey`,
    );
  }
  const { publicKey } = (await response.json()) as { publicKey: string };

  return publicKey;
}

function routeUrl(path: string): string {
  return new URL(path, self.registration.scope).href;
}

// Options live in the Cache API: small, async, and shared with pages
async function storeOptions(stored: StoredOptions): Promise<void> {
  const cache = await caches.open(cacheName);
  await cache.put(
    routeUrl(optionsKey),
    new Response(JSON.stringify(stored), {
      headers: { 'content-type': 'application/json' },
    }),
  );
}

async function readOptions(): Promise<StoredOptions | undefined> {
  const cache = await caches.open(cacheName);
  const response = await cache.match(routeUrl(optionsKey));

  return response ? ((await response.json()) as StoredOptions) : undefined;
}

function isOptionsMessage(data: unknown): data is PushOptionsMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { type?: unknown }).type === 'push.options' &&
    typeof (data as { options?: unknown }).options === 'object'
  );
}
