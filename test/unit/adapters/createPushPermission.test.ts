import { describe, expect, test, vi } from 'vitest';
import { toPromise } from 'xstate';
import { createPushPermission } from '../../../adapters/createPushPermission.js';
import {
  createFakePorts,
  fakeSubscription,
  hangUntilAborted,
  vapidKeys,
} from '../../support/fakePorts.js';

describe('createPushPermission with stand-in ports', () => {
  test('start returns the running actor while a flow runs', async () => {
    const ports = createFakePorts({
      register: (_, signal) => hangUntilAborted(signal),
    });
    const push = createPushPermission(ports);

    const first = push.start({ idUser: 'a' });
    const again = push.start({ idUser: 'b' });
    first.send({ type: 'user.cancel' });
    const output = await toPromise(first);
    const next = push.start({ idUser: 'c' });

    expect(again).toBe(first);
    expect(output).toMatchObject({
      status: 'error',
      error: { code: 'aborted' },
    });
    expect(next).not.toBe(first);
    next.send({ type: 'user.cancel' });
  });

  test('prompt joins the running flow and registers once', async () => {
    const ports = createFakePorts();
    const push = createPushPermission(ports);

    const [first, second] = await Promise.all([
      push.prompt({ idUser: 'a' }),
      push.prompt({ idUser: 'b' }),
    ]);

    expect(second).toEqual(first);
    expect(ports.callsOf('register')).toHaveLength(1);
    expect(ports.callsOf('register')[0]?.args[0]).toMatchObject({
      options: { idUser: 'a' },
    });
  });

  test('settings reach the machine: a hung subscribe times out', async () => {
    const ports = createFakePorts({
      subscribe: (_, signal) => hangUntilAborted(signal),
    });
    const push = createPushPermission({
      ...ports,
      settings: { subscribeTimeoutMs: 1 },
    });

    const output = await push.prompt();

    expect(output).toMatchObject({
      status: 'error',
      error: { code: 'push-service-unreachable' },
    });
    expect(ports.callsOf('subscribe')[0]?.signal?.aborted).toBe(true);
  });

  test('run rejects other actions and bad options with a TypeError', () => {
    const push = createPushPermission(createFakePorts());

    expect(() => push.run({ action: 'nope' } as never)).toThrow(
      /`action.action`/,
    );
    expect(() =>
      push.run({
        action: 'pwaPromptPushPermission',
        options: [] as never,
      }),
    ).toThrow(/`options`/);
  });

  test('unsubscribe drops the browser subscription, then its row', async () => {
    const existing = {
      subscription: fakeSubscription('old'),
      applicationServerKey: vapidKeys.publicKey,
    };
    const ports = createFakePorts({ getSubscription: async () => existing });
    const push = createPushPermission(ports);

    await expect(push.unsubscribe()).resolves.toBe(true);
    expect(ports.names()).toEqual([
      'getSubscription',
      'unsubscribe',
      'unregister',
    ]);
    expect(ports.callsOf('unregister')[0]?.args).toEqual([
      existing.subscription.endpoint,
    ]);
  });

  test('an unsupported browser is alerted through the hook', async () => {
    const alerts: string[] = [];
    const ports = createFakePorts({
      checkSupport: () => ({ supported: false, reason: 'no-push-manager' }),
    });
    const push = createPushPermission({
      ...ports,
      alert: (message) => alerts.push(message),
    });

    await push.prompt();

    expect(alerts).toHaveLength(1);
    expect(ports.names()).toEqual(['checkSupport']);
  });
});

describe('createPushPermission logging', () => {
  test('tells the logger each state and the outcome, without endpoints', async () => {
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const ports = createFakePorts({ readPermission: () => 'granted' });
    const push = createPushPermission({
      ...ports,
      logger: { debug: (message, fields) => lines.push([message, fields]) },
    });

    await push.prompt({ idUser: 'a' });

    expect(lines.map(([, fields]) => fields?.state ?? fields?.status)).toEqual([
      'checkingSupport',
      { requestingPermission: 'readingPermission' },
      'fetchingKey',
      { subscribing: 'findingExisting' },
      { subscribing: 'creating' },
      { registering: 'sending' },
      'done',
    ]);
    expect(lines.at(-1)).toEqual([
      'push flow ended',
      { status: 'done', reused: false },
    ]);
    expect(JSON.stringify(lines)).not.toContain('push.example.net');
    expect(JSON.stringify(lines)).not.toContain(vapidKeys.publicKey);
  });

  test('logs the error code of a failed flow', async () => {
    const lines: Record<string, unknown>[] = [];
    const push = createPushPermission({
      ...createFakePorts({ readPermission: () => 'denied' }),
      logger: { debug: (_, fields) => lines.push(fields ?? {}) },
    });

    await push.prompt();

    expect(lines.at(-1)).toEqual({
      status: 'error',
      code: 'permission-denied',
    });
  });

  test('logs nothing without a logger', async () => {
    const spy = vi.spyOn(console, 'debug');
    const push = createPushPermission(createFakePorts());

    await push.prompt();

    expect(spy).not.toHaveBeenCalled();
  });
});

describe('createPushPermission with bad config', () => {
  const bad: [string, unknown, RegExp][] = [
    ['null config', null, /`config`/],
    ['a numeric baseUrl', { baseUrl: 8787 }, /`config.baseUrl`/],
    [
      'an object serviceWorkerUrl',
      { serviceWorkerUrl: {} },
      /`config.serviceWorkerUrl`/,
    ],
    ['a string alert', { alert: 'alert' }, /`config.alert`/],
    ['a logger without debug', { logger: { info() {} } }, /`config.logger`/],
    ['headers as an object', { headers: { a: 'b' } }, /`config.headers`/],
    [
      'a negative timeout',
      { settings: { keyTimeoutMs: -1 } },
      /`settings.keyTimeoutMs`/,
    ],
    ['retries as text', { settings: { retries: '3' } }, /`settings.retries`/],
  ];

  for (const [label, config, message] of bad) {
    test(`throws a TypeError for ${label}`, () => {
      expect(() => createPushPermission(config as never)).toThrow(TypeError);
      expect(() => createPushPermission(config as never)).toThrow(message);
    });
  }
});
