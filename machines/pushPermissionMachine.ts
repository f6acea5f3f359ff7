import {
  assign,
  cancel,
  enqueueActions,
  fromPromise,
  type NonReducibleUnknown,
  setup,
} from 'xstate';
import {
  AbortedError,
  HttpError,
  isHttpError,
  isPushPermissionError,
  KeyError,
  PermissionError,
  type PushPermissionError,
  RegisterError,
  ServiceWorkerError,
  SubscribeError,
  UnsupportedError,
} from './pushPermissionErrors.js';
import type {
  ExistingSubscription,
  PushSubscriptionData,
  RegisterRequest,
  SupportResult,
} from './pushPorts.js';
import {
  nextRetryDelay,
  type PushFlowSettings,
  type RetryState,
  resolveSettings,
} from './pushSettings.js';
import { isSameKey, isVapidPublicKey } from './vapidKey.js';

/** What a flow starts with. */
export interface PushPermissionInput {
  /** BetterForms `options`: sent to the server as the row's metadata. */
  options?: Record<string, unknown>;
  /** Timeouts and retries; defaults in `defaultSettings`. */
  settings?: Partial<PushFlowSettings>;
}

/** Every error the flow can end with. */
export type PushFlowError =
  | UnsupportedError
  | PermissionError
  | KeyError
  | ServiceWorkerError
  | SubscribeError
  | RegisterError
  | AbortedError;

/** Every way the flow ends: one union, discriminated by `status`. */
export type PushPermissionOutput =
  | {
      status: 'done';
      subscription: PushSubscriptionData;
      /** True when the browser's existing subscription was kept. */
      reused: boolean;
      /** The endpoint replaced because it was made with another key. */
      previousEndpoint: string | null;
    }
  | { status: 'error'; error: PushFlowError };

export interface PushPermissionContext {
  options: Record<string, unknown>;
  settings: PushFlowSettings;
  publicKey: string | null;
  keyError: KeyError | null;
  keyRetry: RetryState;
  registerRetry: RetryState;
  previousEndpoint: string | null;
  subscription: PushSubscriptionData | null;
  reused: boolean;
  error: PushFlowError | null;
}

export type PushPermissionEvent =
  | { type: 'user.cancel' }
  | { type: 'key.timeout' }
  | { type: 'key.retry' }
  | { type: 'xstate.done.actor.keyRequest'; output: unknown }
  | { type: 'xstate.error.actor.keyRequest'; error: unknown };

/** Stand-in for an actor that the app or the adapters must provide. */
function required<T, I = NonReducibleUnknown>(name: string) {
  return fromPromise<T, I>(async () => {
    throw new TypeError(
      `The \`${name}\` actor is not provided: give it with machine.provide({ actors })`,
    );
  });
}

const noRetry: RetryState = { attempts: 0, delayMs: 0 };

/** The error a rejected subscribe or unsubscribe call ends with. */
function toSubscribeError(error: unknown): PushFlowError {
  if (isPushPermissionError(error)) return error as PushFlowError;

  // Firefox rejects with AbortError when its push service is out of reach
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError') {
    return new SubscribeError(
      'push-service-unreachable',
      'The browser could not reach its push service',
      { cause: error },
    );
  }
  if (name === 'NotAllowedError')
    return new PermissionError('permission-denied');

  return new SubscribeError('subscribe-failed', 'Subscribing to push failed', {
    cause: error,
  });
}

/** The error a failed key request ends with. */
function toKeyError(error: unknown): KeyError {
  const status = isHttpError(error) ? error.status : undefined;
  const detail = status === undefined ? 'no response' : `status ${status}`;

  return new KeyError(
    'key-fetch-failed',
    `Fetching the VAPID public key failed with ${detail}: GET /pushdata/vapidpublickey`,
    { cause: error, status },
  );
}

/** The error a failed register request ends with. */
function toRegisterError(error: unknown): RegisterError {
  const status = isHttpError(error) ? error.status : undefined;
  const detail = status === undefined ? 'no response' : `status ${status}`;

  return new RegisterError(
    `Registration failed with ${detail}: POST /pushdata/register`,
    { cause: error, status },
  );
}

const timedOut = () => new HttpError('The request timed out');

/**
 * The `pwaPromptPushPermission` flow: check support, ask permission (the
 * key request runs alongside the prompt), subscribe or reuse, register.
 * Every platform and HTTP call is an actor to provide; see `pushActors`.
 */
export const pushPermissionMachine = setup({
  types: {} as {
    input: PushPermissionInput;
    output: PushPermissionOutput;
    context: PushPermissionContext;
    events: PushPermissionEvent;
  },
  actors: {
    checkSupport: required<SupportResult>('checkSupport'),
    readPermission: required<NotificationPermission>('readPermission'),
    requestPermission: required<NotificationPermission>('requestPermission'),
    fetchKey: required<string>('fetchKey'),
    getSubscription: required<ExistingSubscription | null>('getSubscription'),
    unsubscribe: required<boolean>('unsubscribe'),
    subscribe: required<PushSubscriptionData, { applicationServerKey: string }>(
      'subscribe',
    ),
    registerSubscription: required<void, RegisterRequest>(
      'registerSubscription',
    ),
  },
  actions: {
    /** Tells the user their browser cannot do push (window.alert in apps). */
    alertUnsupported: (_, _params: { message: string }) => {},

    setUnsupported: assign({
      error: (_, params: { result: SupportResult }) =>
        new UnsupportedError(
          params.result.supported ? 'no-push-manager' : params.result.reason,
        ),
    }),
    setPermissionDenied: assign({
      error: () => new PermissionError('permission-denied'),
    }),
    setPermissionDismissed: assign({
      error: () => new PermissionError('permission-dismissed'),
    }),
    setPermissionFailure: assign({
      error: (_, params: { error: unknown }) =>
        isPushPermissionError(params.error)
          ? (params.error as PushFlowError)
          : new PermissionError('permission-dismissed'),
    }),

    startKeyRequest: enqueueActions(({ enqueue }) => {
      enqueue.assign({
        keyRetry: ({ context }) => ({
          ...context.keyRetry,
          attempts: context.keyRetry.attempts + 1,
        }),
      });
      enqueue.spawnChild('fetchKey', { id: 'keyRequest' });
      enqueue.raise(
        { type: 'key.timeout' },
        { delay: 'keyTimeout', id: 'keyTimer' },
      );
    }),
    stopKeyRequest: enqueueActions(({ enqueue }) => {
      enqueue.cancel('keyTimer');
      enqueue.cancel('keyRetryTimer');
      enqueue.stopChild('keyRequest');
    }),
    clearKeyTimer: cancel('keyTimer'),
    storeKey: assign((_, params: { key: unknown }) =>
      isVapidPublicKey(params.key)
        ? { publicKey: params.key }
        : {
            keyError: new KeyError(
              'invalid-key',
              'The server sent a VAPID public key that is not an uncompressed P-256 point in base64url: GET /pushdata/vapidpublickey',
            ),
          },
    ),
    scheduleKeyRetry: enqueueActions(
      ({ context, enqueue }, params: { error: unknown }) => {
        const delayMs =
          nextRetryDelay(
            context.settings,
            context.keyRetry.attempts,
            params.error,
          ) ?? 0;

        enqueue.assign({ keyRetry: { ...context.keyRetry, delayMs } });
        enqueue.raise(
          { type: 'key.retry' },
          { delay: 'keyRetryDelay', id: 'keyRetryTimer' },
        );
      },
    ),
    storeKeyFailure: assign({
      keyError: (_, params: { error: unknown }) => toKeyError(params.error),
    }),
    setKeyError: assign({ error: ({ context }) => context.keyError }),

    rememberStaleEndpoint: assign({
      previousEndpoint: (_, params: { existing: ExistingSubscription }) =>
        params.existing.subscription.endpoint,
    }),
    reuseSubscription: assign({
      subscription: (_, params: { existing: ExistingSubscription }) =>
        params.existing.subscription,
      reused: true,
    }),
    storeSubscription: assign({
      subscription: (_, params: { subscription: PushSubscriptionData }) =>
        params.subscription,
    }),
    setServiceWorkerError: assign({
      error: (_, params: { error: unknown }) =>
        isPushPermissionError(params.error)
          ? (params.error as PushFlowError)
          : new ServiceWorkerError(
              'No active service worker registration could be found',
              { cause: params.error },
            ),
    }),
    setSubscribeFailure: assign({
      error: (_, params: { error: unknown }) => toSubscribeError(params.error),
    }),
    setPushServiceUnreachable: assign({
      error: () =>
        new SubscribeError(
          'push-service-unreachable',
          'The browser did not reach its push service in time',
        ),
    }),

    countRegisterAttempt: assign({
      registerRetry: ({ context }) => ({
        ...context.registerRetry,
        attempts: context.registerRetry.attempts + 1,
      }),
    }),
    noteRegisterFailure: assign({
      registerRetry: ({ context }, params: { error: unknown }) => ({
        ...context.registerRetry,
        delayMs:
          nextRetryDelay(
            context.settings,
            context.registerRetry.attempts,
            params.error,
          ) ?? 0,
      }),
    }),
    setRegisterError: assign({
      error: (_, params: { error: unknown }) => toRegisterError(params.error),
    }),

    setAborted: assign({ error: () => new AbortedError() }),
  },
  guards: {
    isSupported: (_, params: { result: SupportResult }) =>
      params.result.supported,
    isPermissionGranted: (_, params: { permission: NotificationPermission }) =>
      params.permission === 'granted',
    isPermissionDenied: (_, params: { permission: NotificationPermission }) =>
      params.permission === 'denied',
    hasKey: ({ context }) => context.publicKey !== null,
    hasKeyFailed: ({ context }) => context.keyError !== null,
    canRetryKey: ({ context }, params: { error: unknown }) =>
      nextRetryDelay(
        context.settings,
        context.keyRetry.attempts,
        params.error,
      ) !== undefined,
    hasMatchingKey: (
      { context },
      params: { existing: ExistingSubscription | null },
    ) =>
      params.existing !== null &&
      isSameKey(params.existing.applicationServerKey, context.publicKey),
    hasStaleSubscription: (
      _,
      params: { existing: ExistingSubscription | null },
    ) => params.existing !== null,
    canRetryRegister: ({ context }, params: { error: unknown }) =>
      nextRetryDelay(
        context.settings,
        context.registerRetry.attempts,
        params.error,
      ) !== undefined,
  },
  delays: {
    permissionTimeout: ({ context }) => context.settings.permissionTimeoutMs,
    keyTimeout: ({ context }) => context.settings.keyTimeoutMs,
    keyRetryDelay: ({ context }) => context.keyRetry.delayMs,
    serviceWorkerTimeout: ({ context }) =>
      context.settings.serviceWorkerTimeoutMs,
    subscribeTimeout: ({ context }) => context.settings.subscribeTimeoutMs,
    registerTimeout: ({ context }) => context.settings.registerTimeoutMs,
    registerRetryDelay: ({ context }) => context.registerRetry.delayMs,
  },
}).createMachine({
  id: 'pwaPromptPushPermission',
  context: ({ input }) => ({
    options: input.options ?? {},
    settings: resolveSettings(input.settings),
    publicKey: null,
    keyError: null,
    keyRetry: noRetry,
    registerRetry: noRetry,
    previousEndpoint: null,
    subscription: null,
    reused: false,
    error: null,
  }),
  initial: 'checkingSupport',

  // The key request is a spawned child: it starts with the permission
  // prompt and may finish in any state before `subscribing`.
  on: {
    'user.cancel': {
      target: '.error',
      actions: 'setAborted',
    },
    'xstate.done.actor.keyRequest': {
      actions: [
        'clearKeyTimer',
        { type: 'storeKey', params: ({ event }) => ({ key: event.output }) },
      ],
    },
    'xstate.error.actor.keyRequest': [
      {
        guard: {
          type: 'canRetryKey',
          params: ({ event }) => ({ error: event.error }),
        },
        actions: [
          'clearKeyTimer',
          {
            type: 'scheduleKeyRetry',
            params: ({ event }) => ({ error: event.error }),
          },
        ],
      },
      {
        actions: [
          'clearKeyTimer',
          {
            type: 'storeKeyFailure',
            params: ({ event }) => ({ error: event.error }),
          },
        ],
      },
    ],
    'key.timeout': [
      {
        guard: { type: 'canRetryKey', params: () => ({ error: timedOut() }) },
        actions: [
          'stopKeyRequest',
          { type: 'scheduleKeyRetry', params: () => ({ error: timedOut() }) },
        ],
      },
      {
        actions: [
          'stopKeyRequest',
          { type: 'storeKeyFailure', params: () => ({ error: timedOut() }) },
        ],
      },
    ],
    'key.retry': { actions: 'startKeyRequest' },
  },

  states: {
    checkingSupport: {
      invoke: {
        id: 'checkSupport',
        src: 'checkSupport',
        onDone: [
          {
            guard: {
              type: 'isSupported',
              params: ({ event }) => ({ result: event.output }),
            },
            target: 'requestingPermission',
          },
          {
            target: 'error',
            actions: [
              {
                type: 'setUnsupported',
                params: ({ event }) => ({ result: event.output }),
              },
              {
                type: 'alertUnsupported',
                params: ({ context }) => ({
                  message: context.error?.message ?? '',
                }),
              },
            ],
          },
        ],
        onError: {
          target: 'error',
          actions: {
            type: 'setUnsupported',
            params: () => ({ result: { supported: true } as const }),
          },
        },
      },
    },

    requestingPermission: {
      initial: 'readingPermission',
      states: {
        readingPermission: {
          invoke: {
            id: 'readPermission',
            src: 'readPermission',
            onDone: [
              {
                guard: {
                  type: 'isPermissionGranted',
                  params: ({ event }) => ({ permission: event.output }),
                },
                target: '#pwaPromptPushPermission.fetchingKey',
                actions: 'startKeyRequest',
              },
              {
                guard: {
                  type: 'isPermissionDenied',
                  params: ({ event }) => ({ permission: event.output }),
                },
                target: '#pwaPromptPushPermission.error',
                actions: 'setPermissionDenied',
              },
              { target: 'prompting' },
            ],
            onError: { target: 'prompting' },
          },
        },

        // A prompt left open past the limit counts as dismissed
        prompting: {
          entry: 'startKeyRequest',
          after: {
            permissionTimeout: {
              target: '#pwaPromptPushPermission.error',
              actions: 'setPermissionDismissed',
            },
          },
          invoke: {
            id: 'requestPermission',
            src: 'requestPermission',
            onDone: [
              {
                guard: {
                  type: 'isPermissionGranted',
                  params: ({ event }) => ({ permission: event.output }),
                },
                target: '#pwaPromptPushPermission.fetchingKey',
              },
              {
                guard: {
                  type: 'isPermissionDenied',
                  params: ({ event }) => ({ permission: event.output }),
                },
                target: '#pwaPromptPushPermission.error',
                actions: 'setPermissionDenied',
              },
              {
                target: '#pwaPromptPushPermission.error',
                actions: 'setPermissionDismissed',
              },
            ],
            onError: {
              target: '#pwaPromptPushPermission.error',
              actions: {
                type: 'setPermissionFailure',
                params: ({ event }) => ({ error: event.error }),
              },
            },
          },
        },
      },
    },

    // Waits for the key request started with the prompt; a key that came
    // while the prompt was open passes straight through.
    fetchingKey: {
      always: [
        { guard: 'hasKeyFailed', target: 'error', actions: 'setKeyError' },
        { guard: 'hasKey', target: 'subscribing' },
      ],
    },

    subscribing: {
      initial: 'findingExisting',
      states: {
        findingExisting: {
          invoke: {
            id: 'getSubscription',
            src: 'getSubscription',
            onDone: [
              {
                guard: {
                  type: 'hasMatchingKey',
                  params: ({ event }) => ({ existing: event.output }),
                },
                target: '#pwaPromptPushPermission.registering',
                actions: {
                  type: 'reuseSubscription',
                  params: ({ event }) => ({
                    existing: event.output as ExistingSubscription,
                  }),
                },
              },
              {
                guard: {
                  type: 'hasStaleSubscription',
                  params: ({ event }) => ({ existing: event.output }),
                },
                target: 'unsubscribingStale',
                actions: {
                  type: 'rememberStaleEndpoint',
                  params: ({ event }) => ({
                    existing: event.output as ExistingSubscription,
                  }),
                },
              },
              { target: 'creating' },
            ],
            onError: {
              target: '#pwaPromptPushPermission.error',
              actions: {
                type: 'setServiceWorkerError',
                params: ({ event }) => ({ error: event.error }),
              },
            },
          },
          after: {
            serviceWorkerTimeout: {
              target: '#pwaPromptPushPermission.error',
              actions: {
                type: 'setServiceWorkerError',
                params: () => ({
                  error: new ServiceWorkerError(
                    'The service worker did not become active in time',
                  ),
                }),
              },
            },
          },
        },

        // A subscription made with another key cannot be reused, and
        // subscribing over it fails (InvalidStateError): drop it first.
        unsubscribingStale: {
          invoke: {
            id: 'unsubscribe',
            src: 'unsubscribe',
            onDone: { target: 'creating' },
            onError: {
              target: '#pwaPromptPushPermission.error',
              actions: {
                type: 'setSubscribeFailure',
                params: ({ event }) => ({ error: event.error }),
              },
            },
          },
          after: {
            subscribeTimeout: {
              target: '#pwaPromptPushPermission.error',
              actions: 'setPushServiceUnreachable',
            },
          },
        },

        creating: {
          invoke: {
            id: 'subscribe',
            src: 'subscribe',
            input: ({ context }) => ({
              applicationServerKey: context.publicKey ?? '',
            }),
            onDone: {
              target: '#pwaPromptPushPermission.registering',
              actions: {
                type: 'storeSubscription',
                params: ({ event }) => ({ subscription: event.output }),
              },
            },
            onError: {
              target: '#pwaPromptPushPermission.error',
              actions: {
                type: 'setSubscribeFailure',
                params: ({ event }) => ({ error: event.error }),
              },
            },
          },
          // Chromium's subscribe() never settles without its push service
          after: {
            subscribeTimeout: {
              target: '#pwaPromptPushPermission.error',
              actions: 'setPushServiceUnreachable',
            },
          },
        },
      },
    },

    registering: {
      initial: 'sending',
      states: {
        sending: {
          entry: 'countRegisterAttempt',
          invoke: {
            id: 'registerSubscription',
            src: 'registerSubscription',
            input: ({ context }) => ({
              subscription: context.subscription as PushSubscriptionData,
              options: context.options,
              ...(context.previousEndpoint === null
                ? {}
                : { previousEndpoint: context.previousEndpoint }),
            }),
            onDone: { target: '#pwaPromptPushPermission.done' },
            onError: [
              {
                guard: {
                  type: 'canRetryRegister',
                  params: ({ event }) => ({ error: event.error }),
                },
                target: 'waitingToRetry',
                actions: {
                  type: 'noteRegisterFailure',
                  params: ({ event }) => ({ error: event.error }),
                },
              },
              {
                target: '#pwaPromptPushPermission.error',
                actions: {
                  type: 'setRegisterError',
                  params: ({ event }) => ({ error: event.error }),
                },
              },
            ],
          },
          after: {
            registerTimeout: [
              {
                guard: {
                  type: 'canRetryRegister',
                  params: () => ({ error: timedOut() }),
                },
                target: 'waitingToRetry',
                actions: {
                  type: 'noteRegisterFailure',
                  params: () => ({ error: timedOut() }),
                },
              },
              {
                target: '#pwaPromptPushPermission.error',
                actions: {
                  type: 'setRegisterError',
                  params: () => ({ error: timedOut() }),
                },
              },
            ],
          },
        },

        waitingToRetry: {
          after: { registerRetryDelay: { target: 'sending' } },
        },
      },
    },

    done: { type: 'final' },
    // Whatever led here, a key request still out is stopped with it
    error: { type: 'final', entry: 'stopKeyRequest' },
  },

  output: ({ context }): PushPermissionOutput =>
    context.error === null
      ? {
          status: 'done',
          subscription: context.subscription as PushSubscriptionData,
          reused: context.reused,
          previousEndpoint: context.previousEndpoint,
        }
      : { status: 'error', error: context.error },
});

export type PushPermissionMachine = typeof pushPermissionMachine;
export type { PushPermissionError };
