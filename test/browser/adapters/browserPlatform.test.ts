import { afterEach, describe, expect, inject, test } from 'vitest';
import { commands } from 'vitest/browser';
import { browserPlatform } from '../../../adapters/browserPlatform.js';
import { createPushPermission } from '../../../adapters/createPushPermission.js';
import { httpPushServer } from '../../../adapters/httpPushServer.js';
import {
  PermissionError,
  ServiceWorkerError,
  SubscribeError,
} from '../../../machines/pushPermissionErrors.js';

// The project's own worker, bundled and served by the Vite plugin
// (browserWorkerUrl; importing it would pull esbuild into the page)
const serviceWorkerUrl = '/__push__/sw.js';
const scope = '/__push__/platform/';

const signal = () => new AbortController().signal;

afterEach(async () => {
  await commands.setNotificationPermission('prompt');
});

describe('browserPlatform in Chromium', () => {
  test('checkSupport finds every API on the secure Vitest page', () => {
    expect(browserPlatform().checkSupport()).toEqual({ supported: true });
  });

  test.for([
    ['granted', 'granted'],
    ['denied', 'denied'],
    ['prompt', 'default'],
  ] as const)(
    'requestPermission answers %s as %s without a prompt',
    async ([state, answer]) => {
      await commands.setNotificationPermission(state);
      const platform = browserPlatform();

      expect(platform.readPermission()).toBe(answer);
      await expect(platform.requestPermission(signal())).resolves.toBe(answer);
    },
  );

  test('getSubscription registers the worker and finds no subscription', async () => {
    const platform = browserPlatform({
      serviceWorkerUrl,
      serviceWorkerScope: scope,
    });

    await expect(platform.getSubscription(signal())).resolves.toBeNull();
    const registration = await navigator.serviceWorker.getRegistration(scope);
    expect(registration?.active?.scriptURL).toMatch(/sw\.js$/);
    await expect(platform.unsubscribe(signal())).resolves.toBe(false);
  });

  test('getSubscription rejects with ServiceWorkerError for a missing script', async () => {
    const platform = browserPlatform({
      serviceWorkerUrl: '/adapters/missing/worker.js',
    });

    const failure = platform.getSubscription(signal());

    await expect(failure).rejects.toBeInstanceOf(ServiceWorkerError);
    await expect(failure).rejects.toMatchObject({
      code: 'service-worker-unavailable',
    });
  });
});

describe('the flow in Chromium against the real server', () => {
  const server = () => httpPushServer({ baseUrl: inject('pushServerUrl') });

  test('denied permission ends with permission-denied', async () => {
    await commands.setNotificationPermission('denied');
    const push = createPushPermission({
      serviceWorkerUrl,
      server: server(),
    });

    const output = await push.prompt({ idUser: 'u1' });

    expect(output.status).toBe('error');
    if (output.status !== 'error') return;
    expect(output.error).toBeInstanceOf(PermissionError);
    expect(output.error.code).toBe('permission-denied');
  });

  test('a closed prompt ends with permission-dismissed', async () => {
    await commands.setNotificationPermission('prompt');
    const push = createPushPermission({
      serviceWorkerUrl,
      server: server(),
    });

    const output = await push.prompt({ idUser: 'u1' });

    expect(output).toMatchObject({
      status: 'error',
      error: { code: 'permission-dismissed' },
    });
  });

  test('the real subscribe, which hangs here, ends with push-service-unreachable', async () => {
    await commands.setNotificationPermission('granted');
    const platform = browserPlatform({
      serviceWorkerUrl,
      serviceWorkerScope: '/__push__/hanging/',
    });
    const push = createPushPermission({
      platform,
      server: server(),
      settings: { subscribeTimeoutMs: 300 },
    });

    const output = await push.prompt({ idUser: 'u1' });

    expect(output.status).toBe('error');
    if (output.status !== 'error') return;
    expect(output.error).toBeInstanceOf(SubscribeError);
    expect(output.error.code).toBe('push-service-unreachable');
    // The machine's timeout ended it, not a rejection from subscribe()
    expect(output.error.cause).toBeUndefined();
  });
});
