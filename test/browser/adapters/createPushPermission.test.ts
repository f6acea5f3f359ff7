import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import { commands } from 'vitest/browser';
import { browserPlatform } from '../../../adapters/browserPlatform.js';
import { createPushPermission } from '../../../adapters/createPushPermission.js';
import { unsupportedMessages } from '../../../machines/pushPermissionErrors.js';
import { pushTestLane, replaceSubscribe } from './pushTestLane.js';

const serviceWorkerUrl = '/__push__/sw.js';

let subscribe: ReturnType<typeof replaceSubscribe>;

beforeEach(async () => {
  await commands.setNotificationPermission('granted');
  subscribe = replaceSubscribe();
});

afterEach(async () => {
  subscribe.restore();
  await commands.setNotificationPermission('prompt');
});

describe('createPushPermission in Chromium against the real server', () => {
  test('prompt reaches done and the row is in SQLite with its options', async () => {
    const lane = pushTestLane();
    const baseUrl = inject('pushServerUrl');
    const publicKey = (await (
      await fetch(`${baseUrl}/pushdata/vapidpublickey`)
    ).json()) as { publicKey: string };
    const push = createPushPermission({ baseUrl, serviceWorkerUrl });

    const output = await push.prompt({
      lane: lane.id,
      idUser: 'BF_USER_ID',
      topic: 'news',
    });

    expect(output.status).toBe('done');
    if (output.status !== 'done') return;
    expect(output.reused).toBe(false);
    expect(subscribe.keys).toEqual([publicKey.publicKey]);
    const rows = await lane.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      endpoint: output.subscription.endpoint,
      p256dh: output.subscription.keys.p256dh,
      userId: 'BF_USER_ID',
      options: { lane: lane.id, idUser: 'BF_USER_ID', topic: 'news' },
    });
  });

  test('registering hands the options to the service worker', async () => {
    const lane = pushTestLane();
    const push = createPushPermission({
      baseUrl: inject('pushServerUrl'),
      serviceWorkerUrl,
      headers: () => ({ authorization: 'Bearer t1' }),
    });

    const output = await push.prompt({ lane: lane.id, idUser: 'kept' });

    // The worker keeps them in the Cache API, under its scope
    expect(output.status).toBe('done');
    const registration =
      await navigator.serviceWorker.getRegistration(serviceWorkerUrl);
    const cache = await caches.open('pwa-push-permission');
    const stored = await cache.match(
      new URL('push-options.json', registration?.scope).href,
    );
    expect(await stored?.json()).toEqual({
      options: { lane: lane.id, idUser: 'kept' },
      headers: { authorization: 'Bearer t1' },
    });
  });

  test('a second prompt while one runs joins it', async () => {
    const lane = pushTestLane();
    const push = createPushPermission({
      baseUrl: inject('pushServerUrl'),
      serviceWorkerUrl,
    });

    const first = push.prompt({ lane: lane.id });
    const second = push.prompt({ lane: 'other' });

    expect(await second).toEqual(await first);
    expect(subscribe.keys).toHaveLength(1);
    expect(await lane.rows()).toHaveLength(1);
  });

  test('run takes the action object and rejects other actions', async () => {
    const lane = pushTestLane();
    const push = createPushPermission({
      baseUrl: inject('pushServerUrl'),
      serviceWorkerUrl,
    });

    expect(() =>
      push.run({ action: 'other' } as unknown as Parameters<
        typeof push.run
      >[0]),
    ).toThrow(TypeError);
    const output = await push.run({
      action: 'pwaPromptPushPermission',
      options: { lane: lane.id },
    });

    expect(output.status).toBe('done');
    expect(await lane.rows()).toHaveLength(1);
  });

  test('an insecure page ends with unsupported and alerts the user', async () => {
    const alerts: string[] = [];
    const push = createPushPermission({
      platform: browserPlatform({
        win: { ...window, isSecureContext: false, navigator },
      }),
      alert: (message) => alerts.push(message),
    });

    const output = await push.prompt();

    expect(output).toMatchObject({
      status: 'error',
      error: { code: 'unsupported', reason: 'insecure-context' },
    });
    expect(alerts).toEqual([unsupportedMessages['insecure-context']]);
  });

  test('a second prompt reuses the subscription; unsubscribe drops the row', async () => {
    subscribe.restore();
    subscribe = replaceSubscribe({ keep: true });
    const lane = pushTestLane();
    const push = createPushPermission({
      baseUrl: inject('pushServerUrl'),
      serviceWorkerUrl,
    });

    const first = await push.prompt({ lane: lane.id });
    const second = await push.prompt({ lane: lane.id, again: true });
    const rowsBefore = await lane.rows();
    const removed = await push.unsubscribe();

    expect(first).toMatchObject({ status: 'done', reused: false });
    expect(second).toMatchObject({ status: 'done', reused: true });
    expect(subscribe.keys).toHaveLength(1);
    expect(rowsBefore).toHaveLength(1);
    expect(rowsBefore[0]?.options).toEqual({ lane: lane.id, again: true });
    expect(removed).toBe(true);
    expect(await lane.rows()).toEqual([]);
    await expect(push.unsubscribe()).resolves.toBe(false);
  });

  test('unsubscribe is false when the browser has no subscription', async () => {
    const push = createPushPermission({
      baseUrl: inject('pushServerUrl'),
      serviceWorkerUrl,
    });

    await expect(push.unsubscribe()).resolves.toBe(false);
  });
});
