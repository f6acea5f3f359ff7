import { ServiceWorkerError } from '../machines/pushPermissionErrors.js';
import type {
  ExistingSubscription,
  PushPlatform,
  PushSubscriptionData,
  SupportResult,
} from '../machines/pushPorts.js';
import { decodeBase64Url, encodeBase64Url } from '../machines/vapidKey.js';

/** The parts of `window` the platform reads; tests pass stand-ins. */
export interface PlatformWindow {
  isSecureContext: boolean;
  navigator: Pick<Navigator, 'userAgent' | 'maxTouchPoints'> & {
    platform?: string;
    /** iOS Safari: true when opened from the Home Screen. */
    standalone?: boolean;
    serviceWorker?: Pick<
      ServiceWorkerContainer,
      'getRegistration' | 'register'
    >;
  };
  Notification?: Pick<typeof Notification, 'permission'> & {
    requestPermission(
      callback?: (permission: NotificationPermission) => void,
    ): Promise<NotificationPermission> | undefined;
  };
  PushManager?: unknown;
  matchMedia?: (query: string) => { matches: boolean };
}

/** Where the service worker registration comes from. */
export interface BrowserPlatformOptions {
  /** Script to register when none is registered. Default `/sw.js`. */
  serviceWorkerUrl?: string;
  /** Scope to register it with; the script's folder by default. */
  serviceWorkerScope?: string;
  /** Longest wait for the registration to be active. Default 10 000. */
  serviceWorkerTimeoutMs?: number;
  /** A registration the app made itself, or a function giving one. */
  registration?:
    | ServiceWorkerRegistration
    | (() => Promise<ServiceWorkerRegistration>);
  /** The window to use; the global one by default. */
  win?: PlatformWindow;
}

/**
 * The machine's platform in a browser: Notification, the service worker
 * registration and its PushManager.
 *
 * `getSubscription`, `subscribe` and `unsubscribe` first get an active
 * registration (the given one, the one registered for the scope, or a new
 * one of `serviceWorkerUrl`) and reject with a `ServiceWorkerError` when
 * none becomes active within `serviceWorkerTimeoutMs`. Every call rejects
 * with the signal's reason once its signal aborts.
 *
 * @throws TypeError naming the option when `serviceWorkerUrl` or
 * `serviceWorkerScope` is not a string, or `serviceWorkerTimeoutMs` is
 * not a non-negative number.
 */
export function browserPlatform(
  options: BrowserPlatformOptions = {},
): PushPlatform {
  checkOptions(options);
  const win = options.win ?? (globalThis as unknown as PlatformWindow);
  const scriptUrl = options.serviceWorkerUrl ?? '/sw.js';
  const timeoutMs = options.serviceWorkerTimeoutMs ?? 10_000;
  let active: Promise<ServiceWorkerRegistration> | undefined;

  // One lookup for every call; a failed one is tried again next time
  function registration(signal: AbortSignal) {
    active ??= findRegistration(win, options, scriptUrl)
      .then((found) => whenActive(found, timeoutMs))
      .catch((error: unknown) => {
        active = undefined;
        throw toServiceWorkerError(error);
      });

    return abortable(active, signal);
  }

  async function currentSubscription(signal: AbortSignal) {
    const found = await registration(signal);

    return abortable(found.pushManager.getSubscription(), signal);
  }

  return {
    checkSupport: () => checkSupport(win),

    readPermission: () => win.Notification?.permission ?? 'denied',

    requestPermission(signal) {
      const api = win.Notification;
      if (!api) return Promise.resolve('denied');

      // Safari before 15 takes a callback and returns undefined
      const answer = new Promise<NotificationPermission>((resolve, reject) => {
        api.requestPermission(resolve)?.then(resolve, reject);
      });

      return abortable(answer, signal);
    },

    async getSubscription(signal): Promise<ExistingSubscription | null> {
      const subscription = await currentSubscription(signal);
      if (subscription === null) return null;

      const key = subscription.options?.applicationServerKey;

      return {
        subscription: toData(subscription),
        applicationServerKey: key ? encodeBase64Url(new Uint8Array(key)) : null,
      };
    },

    async unsubscribe(signal) {
      const subscription = await currentSubscription(signal);
      if (subscription === null) return false;

      return abortable(subscription.unsubscribe(), signal);
    },

    async subscribe(applicationServerKey, signal) {
      const key = decodeBase64Url(applicationServerKey);
      if (key === null) {
        throw new TypeError('`applicationServerKey` must be base64url');
      }
      const found = await registration(signal);

      // Note: in Chromium without its push service this never settles;
      // the machine's subscribe timeout aborts the signal
      const subscription = await abortable(
        found.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key as Uint8Array<ArrayBuffer>,
        }),
        signal,
      );

      return toData(subscription);
    },
  };
}

/**
 * Which Web Push prerequisite is missing, checked in the order that
 * names the real cause: an insecure page lacks the APIs too, and iOS
 * Safari offers push only to apps opened from the Home Screen.
 * https://webkit.org/blog/13878/web-push-for-web-apps-on-ios-and-ipados/
 */
export function checkSupport(win: PlatformWindow): SupportResult {
  if (!win.isSecureContext) {
    return { supported: false, reason: 'insecure-context' };
  }
  if (isAppleMobile(win) && !isStandalone(win)) {
    return { supported: false, reason: 'ios-not-installed' };
  }
  if (!win.navigator.serviceWorker) {
    return { supported: false, reason: 'no-service-worker' };
  }
  if (!win.Notification) {
    return { supported: false, reason: 'no-notification' };
  }
  if (!win.PushManager) return { supported: false, reason: 'no-push-manager' };

  return { supported: true };
}

function isAppleMobile(win: PlatformWindow): boolean {
  const { userAgent, platform, maxTouchPoints } = win.navigator;

  // iPadOS 13+ reports a Mac; only its touch points tell
  return (
    /\b(iPhone|iPad|iPod)\b/.test(userAgent) ||
    (platform === 'MacIntel' && maxTouchPoints > 1)
  );
}

function isStandalone(win: PlatformWindow): boolean {
  return (
    win.navigator.standalone === true ||
    win.matchMedia?.('(display-mode: standalone)').matches === true
  );
}

async function findRegistration(
  win: PlatformWindow,
  options: BrowserPlatformOptions,
  scriptUrl: string,
): Promise<ServiceWorkerRegistration> {
  const given = options.registration;
  if (typeof given === 'function') return given();
  if (given) return given;

  const container = win.navigator.serviceWorker;
  if (!container) {
    throw new ServiceWorkerError('This browser has no service workers');
  }

  const scope = options.serviceWorkerScope;
  const existing = await container.getRegistration(scope ?? scriptUrl);

  return existing ?? container.register(scriptUrl, scope ? { scope } : {});
}

/**
 * Resolves once the registration has an active worker; `ready` is not
 * used because it waits for a registration that controls this page.
 */
function whenActive(
  registration: ServiceWorkerRegistration,
  timeoutMs: number,
): Promise<ServiceWorkerRegistration> {
  if (registration.active) return Promise.resolve(registration);

  return new Promise((resolve, reject) => {
    const worker = registration.installing ?? registration.waiting;
    const timer = setTimeout(() => {
      finish();
      reject(
        new ServiceWorkerError(
          `The service worker did not become active within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const onChange = () => {
      if (registration.active) {
        finish();
        resolve(registration);
      } else if (worker?.state === 'redundant') {
        finish();
        reject(new ServiceWorkerError('The service worker failed to install'));
      }
    };
    const finish = () => {
      clearTimeout(timer);
      worker?.removeEventListener('statechange', onChange);
    };

    worker?.addEventListener('statechange', onChange);
    onChange();
  });
}

function toServiceWorkerError(error: unknown): ServiceWorkerError {
  if (error instanceof ServiceWorkerError) return error;

  return new ServiceWorkerError('The service worker could not be registered', {
    cause: error,
  });
}

function toData(subscription: PushSubscription): PushSubscriptionData {
  const json = subscription.toJSON();

  return {
    endpoint: json.endpoint ?? subscription.endpoint,
    expirationTime: json.expirationTime ?? null,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
  };
}

/** The promise, or the signal's reason once it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);

  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

function checkOptions(options: BrowserPlatformOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('`options` must be an object');
  }
  for (const name of ['serviceWorkerUrl', 'serviceWorkerScope'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new TypeError(`\`${name}\` must be a non-empty string`);
    }
  }

  const timeout = options.serviceWorkerTimeoutMs;
  if (
    timeout !== undefined &&
    (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0)
  ) {
    throw new TypeError(
      '`serviceWorkerTimeoutMs` must be a non-negative number of milliseconds',
    );
  }
}
