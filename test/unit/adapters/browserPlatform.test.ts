import { describe, expect, test } from 'vitest';
import {
  browserPlatform,
  checkSupport,
  type PlatformWindow,
} from '../../../adapters/browserPlatform.js';
import { ServiceWorkerError } from '../../../machines/pushPermissionErrors.js';

const iPhone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const desktop =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

/** A window with every push API, changed by `overrides`. */
function fakeWindow(
  overrides: Partial<PlatformWindow> = {},
  navigator: Partial<PlatformWindow['navigator']> = {},
): PlatformWindow {
  return {
    isSecureContext: true,
    Notification: {
      permission: 'default',
      requestPermission: async () => 'granted' as const,
    },
    PushManager: class {},
    matchMedia: () => ({ matches: false }),
    ...overrides,
    navigator: {
      userAgent: desktop,
      maxTouchPoints: 0,
      platform: 'Linux x86_64',
      serviceWorker: {
        getRegistration: async () => undefined,
        register: async () => {
          throw new Error('not in this test');
        },
      },
      ...navigator,
    },
  };
}

describe('checkSupport', () => {
  test('a window with every API is supported', () => {
    expect(checkSupport(fakeWindow())).toEqual({ supported: true });
  });

  test.for([
    ['insecure-context', fakeWindow({ isSecureContext: false })],
    ['no-notification', fakeWindow({ Notification: undefined })],
    ['no-push-manager', fakeWindow({ PushManager: undefined })],
    ['no-service-worker', fakeWindow({}, { serviceWorker: undefined })],
    ['ios-not-installed', fakeWindow({}, { userAgent: iPhone })],
    [
      'ios-not-installed',
      fakeWindow({}, { platform: 'MacIntel', maxTouchPoints: 5 }),
    ],
  ] as const)('reports %s', ([reason, win]) => {
    expect(checkSupport(win)).toEqual({ supported: false, reason });
  });

  test('an insecure iPhone page is reported as insecure first', () => {
    const win = fakeWindow({ isSecureContext: false }, { userAgent: iPhone });

    expect(checkSupport(win)).toEqual({
      supported: false,
      reason: 'insecure-context',
    });
  });

  test('an iPhone app opened from the Home Screen is supported', () => {
    const byMedia = fakeWindow(
      { matchMedia: (query) => ({ matches: query.includes('standalone') }) },
      { userAgent: iPhone },
    );
    const byNavigator = fakeWindow({}, { userAgent: iPhone, standalone: true });

    expect(checkSupport(byMedia)).toEqual({ supported: true });
    expect(checkSupport(byNavigator)).toEqual({ supported: true });
  });

  test('a Mac without touch is not taken for an iPad', () => {
    const win = fakeWindow({}, { platform: 'MacIntel', maxTouchPoints: 0 });

    expect(checkSupport(win)).toEqual({ supported: true });
  });
});

describe('browserPlatform with a stand-in window', () => {
  test('requestPermission takes the callback form of old Safari', async () => {
    const win = fakeWindow({
      Notification: {
        permission: 'default',
        requestPermission: (callback) => {
          callback?.('denied');

          return undefined;
        },
      },
    });

    const answer = browserPlatform({ win }).requestPermission(
      new AbortController().signal,
    );

    await expect(answer).resolves.toBe('denied');
  });

  test('requestPermission rejects with the reason once aborted', async () => {
    const win = fakeWindow({
      Notification: {
        permission: 'default',
        requestPermission: () => new Promise(() => {}),
      },
    });
    const controller = new AbortController();

    const answer = browserPlatform({ win }).requestPermission(
      controller.signal,
    );
    controller.abort(new Error('cancelled'));

    await expect(answer).rejects.toThrow('cancelled');
  });

  test('a registration that never activates rejects in time', async () => {
    const worker = new EventTarget() as ServiceWorker;
    const registration = {
      active: null,
      installing: worker,
      waiting: null,
    } as unknown as ServiceWorkerRegistration;
    const platform = browserPlatform({
      registration,
      serviceWorkerTimeoutMs: 5,
      win: fakeWindow(),
    });

    const lookup = platform.getSubscription(new AbortController().signal);

    await expect(lookup).rejects.toBeInstanceOf(ServiceWorkerError);
    await expect(lookup).rejects.toMatchObject({
      code: 'service-worker-unavailable',
    });
  });

  test('a registration failure becomes a ServiceWorkerError', async () => {
    const platform = browserPlatform({ win: fakeWindow() });

    const lookup = platform.subscribe('BAAA', new AbortController().signal);

    await expect(lookup).rejects.toMatchObject({
      name: 'ServiceWorkerError',
      cause: new Error('not in this test'),
    });
  });
});

describe('browserPlatform with bad options', () => {
  const bad: [string, unknown, RegExp][] = [
    ['null', null, /`options`/],
    ['an empty script URL', { serviceWorkerUrl: '' }, /`serviceWorkerUrl`/],
    [
      'a URL object',
      { serviceWorkerUrl: new URL('http://x/sw.js') },
      /`serviceWorkerUrl`/,
    ],
    ['a numeric scope', { serviceWorkerScope: 1 }, /`serviceWorkerScope`/],
    [
      'a negative timeout',
      { serviceWorkerTimeoutMs: -5 },
      /`serviceWorkerTimeoutMs`/,
    ],
    [
      'an infinite timeout',
      { serviceWorkerTimeoutMs: Infinity },
      /`serviceWorkerTimeoutMs`/,
    ],
  ];

  for (const [label, options, message] of bad) {
    test(`throws a TypeError for ${label}`, () => {
      expect(() => browserPlatform(options as never)).toThrow(TypeError);
      expect(() => browserPlatform(options as never)).toThrow(message);
    });
  }
});
