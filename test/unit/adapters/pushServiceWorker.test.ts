import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// The worker's events cannot be driven in headless Firefox (no way to click
// a notification), so here it runs in a Node realm with a stand-in scope.

const scope = 'https://app.test/app/';
let workerCode = '';

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [
      fileURLToPath(
        new URL('../../../adapters/pushServiceWorker.ts', import.meta.url),
      ),
    ],
    bundle: true,
    write: false,
    format: 'iife',
    logLevel: 'silent',
  });
  workerCode = bundle.outputFiles[0]?.text ?? '';
});

interface FakeWindow {
  url: string;
  focus: ReturnType<typeof vi.fn>;
  postMessage: ReturnType<typeof vi.fn>;
}

function fakeWindow(url: string): FakeWindow {
  const window: FakeWindow = {
    url,
    focus: vi.fn(async () => window),
    postMessage: vi.fn(),
  };

  return window;
}

/** Runs the bundled worker against a stand-in service worker scope. */
function startWorker(
  options: { windows?: FakeWindow[]; fetch?: typeof fetch } = {},
) {
  const listeners = new Map<string, (event: object) => void>();
  const stored = new Map<string, string>();
  const subscribe = vi.fn(async (init: unknown) => ({
    endpoint: 'https://push.test/new',
    init,
    toJSON: () => ({ endpoint: 'https://push.test/new' }),
  }));
  const self = {
    registration: {
      scope,
      showNotification: vi.fn(async () => {}),
      pushManager: { subscribe },
    },
    clients: {
      matchAll: vi.fn(async () => options.windows ?? []),
      openWindow: vi.fn(async () => null),
      claim: vi.fn(async () => {}),
    },
    location: new URL(`${scope}sw.js`),
    skipWaiting: vi.fn(async () => {}),
    addEventListener(type: string, listener: (event: object) => void) {
      listeners.set(type, listener);
    },
  };
  const caches = {
    open: async () => ({
      put: async (url: string, response: Response) => {
        stored.set(url, await response.text());
      },
      match: async (url: string) => {
        const text = stored.get(url);

        return text === undefined ? undefined : new Response(text);
      },
    }),
  };
  const fetchMock = vi.fn(
    options.fetch ?? (async () => new Response('{}', { status: 201 })),
  );
  runInContext(
    workerCode,
    createContext({ self, caches, fetch: fetchMock, URL, Response }),
  );

  /** Dispatches an event and waits for what it passed to waitUntil. */
  async function dispatch(type: string, fields: object) {
    const pending: Promise<unknown>[] = [];
    listeners.get(type)?.({
      ...fields,
      waitUntil: (promise: Promise<unknown>) => pending.push(promise),
    });
    await Promise.all(pending);
  }

  return { self, dispatch, fetch: fetchMock, subscribe };
}

function pushData(text: string) {
  return { text: () => text, json: () => JSON.parse(text) };
}

describe('pushServiceWorker', () => {
  it('takes over on install and activate', async () => {
    const worker = startWorker();

    await worker.dispatch('install', {});
    await worker.dispatch('activate', {});

    expect(worker.self.skipWaiting).toHaveBeenCalled();
    expect(worker.self.clients.claim).toHaveBeenCalled();
  });

  it('push shows the payload and tells every open page', async () => {
    const pages = [fakeWindow(`${scope}a`), fakeWindow(`${scope}b`)];
    const worker = startWorker({ windows: pages });
    const payload = {
      title: 'Hi',
      body: 'There',
      icon: '/icon.png',
      data: { url: '/x' },
      vibrate: [100, 50],
      actions: [{ action: 'open', title: 'Open' }],
    };

    await worker.dispatch('push', { data: pushData(JSON.stringify(payload)) });

    const { title, ...options } = payload;
    expect(worker.self.registration.showNotification).toHaveBeenCalledWith(
      title,
      options,
    );
    for (const page of pages) {
      expect(page.postMessage).toHaveBeenCalledWith({
        type: 'push.received',
        payload,
      });
    }
  });

  it('push shows plain text as the body', async () => {
    const worker = startWorker();

    await worker.dispatch('push', { data: pushData('just text') });

    expect(worker.self.registration.showNotification).toHaveBeenCalledWith('', {
      body: 'just text',
    });
  });

  it('notificationclick focuses the open page named in data.url', async () => {
    const other = fakeWindow(`${scope}home`);
    const target = fakeWindow(`${scope}orders/7`);
    const worker = startWorker({ windows: [other, target] });
    const close = vi.fn();

    await worker.dispatch('notificationclick', {
      notification: { close, data: { url: 'orders/7' } },
      action: '',
    });

    expect(close).toHaveBeenCalled();
    expect(target.focus).toHaveBeenCalled();
    expect(other.focus).not.toHaveBeenCalled();
    expect(worker.self.clients.openWindow).not.toHaveBeenCalled();
  });

  it('notificationclick opens data.url when no page shows it', async () => {
    const worker = startWorker({ windows: [fakeWindow(`${scope}home`)] });

    await worker.dispatch('notificationclick', {
      notification: { close: vi.fn(), data: { url: '/app/orders/7' } },
      action: '',
    });

    expect(worker.self.clients.openWindow).toHaveBeenCalledWith(
      `${scope}orders/7`,
    );
  });

  it('notificationclick never opens another origin', async () => {
    const worker = startWorker();

    await worker.dispatch('notificationclick', {
      notification: { close: vi.fn(), data: { url: 'https://evil.test/' } },
      action: '',
    });

    expect(worker.self.clients.openWindow).toHaveBeenCalledWith(scope);
  });

  it('pushsubscriptionchange registers the new subscription with stored options', async () => {
    const worker = startWorker();
    const reply = new MessageChannel();
    const stored = new Promise((resolve) => {
      reply.port1.onmessage = (event) => resolve(event.data);
    });
    await worker.dispatch('message', {
      data: {
        type: 'push.options',
        options: { idUser: 'u1' },
        headers: { authorization: 'Bearer t' },
      },
      ports: [reply.port2],
    });
    const newSubscription = {
      endpoint: 'https://push.test/rotated',
      toJSON: () => ({ endpoint: 'https://push.test/rotated' }),
    };

    await worker.dispatch('pushsubscriptionchange', {
      newSubscription,
      oldSubscription: { endpoint: 'https://push.test/old' },
    });

    expect(await stored).toEqual({ type: 'push.options.stored' });
    reply.port1.close();
    expect(worker.subscribe).not.toHaveBeenCalled();
    const [url, init] = worker.fetch.mock.calls[0] ?? [];
    expect(url).toBe(`${scope}pushdata/register`);
    expect(init?.method).toBe('POST');
    expect(init?.headers).toEqual({
      'content-type': 'application/json',
      authorization: 'Bearer t',
    });
    expect(JSON.parse(String(init?.body))).toEqual({
      subscription: { endpoint: 'https://push.test/rotated' },
      options: { idUser: 'u1' },
      previousEndpoint: 'https://push.test/old',
    });
  });

  it('pushsubscriptionchange subscribes again with the old options', async () => {
    const worker = startWorker();
    const oldOptions = { userVisibleOnly: true, applicationServerKey: 'k' };

    await worker.dispatch('pushsubscriptionchange', {
      newSubscription: null,
      oldSubscription: {
        endpoint: 'https://push.test/old',
        options: oldOptions,
      },
    });

    expect(worker.subscribe).toHaveBeenCalledWith(oldOptions);
    const body = JSON.parse(String(worker.fetch.mock.calls[0]?.[1]?.body));
    expect(body).toEqual({
      subscription: { endpoint: 'https://push.test/new' },
      options: {},
      previousEndpoint: 'https://push.test/old',
    });
  });

  it('pushsubscriptionchange fails its event when the server refuses', async () => {
    const worker = startWorker({
      fetch: async () => new Response('', { status: 500 }),
    });

    const handled = worker.dispatch('pushsubscriptionchange', {
      newSubscription: { endpoint: 'e', toJSON: () => ({ endpoint: 'e' }) },
      oldSubscription: null,
    });

    await expect(handled).rejects.toThrow(
      'Registration failed with status 500: POST /pushdata/register',
    );
  });
});
