import { describe, expect, it } from 'vitest';
import { getShortestPaths, getStateNodes } from 'xstate/graph';
import {
  HttpError,
  KeyError,
  PermissionError,
  pushPermissionMachine,
  RegisterError,
  ServiceWorkerError,
  SubscribeError,
  UnsupportedError,
  type UnsupportedReason,
  unsupportedMessages,
} from '../../../machines/index.js';
import {
  fakeSubscription,
  hangUntilAborted,
  otherVapidKeys,
  vapidKeys,
} from '../../support/fakePorts.js';
import {
  advance,
  allTransitions,
  createTransitionRecorder,
  type FlowOptions,
  settle,
  startFlow,
} from '../../support/flowHarness.js';

// Every flow in this file records its transitions; the last test checks
// that together they took every transition of the machine's graph.
const recorder = createTransitionRecorder();
const run = (flow: FlowOptions = {}) =>
  startFlow({ ...flow, inspect: recorder.inspect });

async function errorOf(flow: FlowOptions = {}) {
  const output = await run(flow).result;
  if (output.status !== 'error') throw new Error('expected an error');

  return output.error;
}

describe('permission', () => {
  it('skips the prompt when permission is already granted', async () => {
    const { result, ports } = run({
      overrides: { readPermission: () => 'granted' },
    });

    const output = await result;

    expect(output.status).toBe('done');
    expect(ports.names()).not.toContain('requestPermission');
    expect(ports.names()).toContain('fetchPublicKey');
  });

  it('ends with permission-denied without prompting when denied', async () => {
    const flow = run({ overrides: { readPermission: () => 'denied' } });

    const output = await flow.result;

    expect(output).toMatchObject({ status: 'error' });
    const error = output.status === 'error' ? output.error : null;
    expect(error).toBeInstanceOf(PermissionError);
    expect(error?.code).toBe('permission-denied');
    expect(flow.ports.names()).not.toContain('requestPermission');
    expect(flow.ports.names()).not.toContain('fetchPublicKey');
  });

  it('ends with permission-dismissed when the prompt answers default', async () => {
    const error = await errorOf({
      overrides: { requestPermission: async () => 'default' },
    });

    expect(error).toBeInstanceOf(PermissionError);
    expect(error.code).toBe('permission-dismissed');
  });

  it('ends with permission-denied when the prompt answers denied', async () => {
    const error = await errorOf({
      overrides: { requestPermission: async () => 'denied' },
    });

    expect(error.code).toBe('permission-denied');
  });

  it('ends with permission-dismissed when the prompt stays open too long', async () => {
    const flow = run({
      settings: { permissionTimeoutMs: 60_000 },
      overrides: {
        requestPermission: (signal) => hangUntilAborted(signal),
        fetchPublicKey: (signal) => hangUntilAborted(signal),
      },
    });
    await advance(flow.clock, 60_000);

    expect(await flow.result).toMatchObject({
      error: { code: 'permission-dismissed' },
    });
    expect(flow.ports.callsOf('requestPermission')[0]?.signal?.aborted).toBe(
      true,
    );
    expect(flow.ports.callsOf('fetchPublicKey')[0]?.signal?.aborted).toBe(true);
  });

  it('treats a throwing prompt as dismissed', async () => {
    const error = await errorOf({
      overrides: {
        requestPermission: async () => {
          throw new Error('prompt failed');
        },
      },
    });

    expect(error.code).toBe('permission-dismissed');
  });

  it('prompts when reading the permission throws', async () => {
    const flow = run({
      overrides: {
        readPermission: () => {
          throw new Error('no permission API');
        },
      },
    });

    expect((await flow.result).status).toBe('done');
    expect(flow.ports.names()).toContain('requestPermission');
  });
});

describe('unsupported', () => {
  const reasons: UnsupportedReason[] = [
    'no-notification',
    'no-push-manager',
    'no-service-worker',
    'insecure-context',
    'ios-not-installed',
  ];

  for (const reason of reasons) {
    it(`alerts once and ends unsupported for ${reason}`, async () => {
      const flow = run({
        overrides: { checkSupport: () => ({ supported: false, reason }) },
      });

      const output = await flow.result;

      expect(flow.alerts).toEqual([unsupportedMessages[reason]]);
      expect(output.status).toBe('error');
      const error = output.status === 'error' ? output.error : null;
      expect(error).toBeInstanceOf(UnsupportedError);
      expect(error).toMatchObject({ code: 'unsupported', reason });
      expect(flow.ports.names()).toEqual(['checkSupport']);
    });
  }

  it('ends unsupported without an alert when the check throws', async () => {
    const flow = run({
      overrides: {
        checkSupport: () => {
          throw new Error('broken');
        },
      },
    });

    const error = await flow.result;

    expect(error).toMatchObject({ error: { code: 'unsupported' } });
    expect(flow.alerts).toEqual([]);
  });
});

describe('key request', () => {
  it('starts while the prompt is open and is cancelled when refused', async () => {
    let answer: (permission: NotificationPermission) => void = () => {};
    const flow = run({
      overrides: {
        requestPermission: () => new Promise((resolve) => (answer = resolve)),
        fetchPublicKey: (signal) => hangUntilAborted(signal),
      },
    });
    await settle();

    // The prompt is still open and the key request is already out
    const [keyCall] = flow.ports.callsOf('fetchPublicKey');
    expect(flow.actor.getSnapshot().matches('requestingPermission')).toBe(true);
    expect(keyCall?.signal?.aborted).toBe(false);

    answer('denied');
    const output = await flow.result;

    expect(output).toMatchObject({ error: { code: 'permission-denied' } });
    expect(keyCall?.signal?.aborted).toBe(true);
  });

  it('uses a key that arrived while the prompt was open', async () => {
    let answer: (permission: NotificationPermission) => void = () => {};
    const flow = run({
      overrides: {
        requestPermission: () => new Promise((resolve) => (answer = resolve)),
      },
    });
    await settle();
    expect(flow.actor.getSnapshot().context.publicKey).toBe(
      vapidKeys.publicKey,
    );

    answer('granted');

    expect((await flow.result).status).toBe('done');
    expect(flow.ports.callsOf('fetchPublicKey')).toHaveLength(1);
  });

  it('waits in fetchingKey for a key still on its way', async () => {
    let deliver: (key: string) => void = () => {};
    const flow = run({
      overrides: {
        fetchPublicKey: () => new Promise((resolve) => (deliver = resolve)),
      },
    });
    await settle();
    expect(flow.actor.getSnapshot().value).toBe('fetchingKey');

    deliver(vapidKeys.publicKey);

    expect((await flow.result).status).toBe('done');
  });

  const badKeys: [string, unknown][] = [
    ['not base64url', '!!!not-a-key!!!'],
    ['64 bytes', Buffer.alloc(64, 4).toString('base64url')],
    ['compressed', `A${vapidKeys.publicKey.slice(1, 44)}`],
    ['not on the curve', `${vapidKeys.publicKey.slice(0, -4)}AAAA`],
    ['not a string', { publicKey: vapidKeys.publicKey }],
    ['empty', ''],
  ];

  for (const [label, key] of badKeys) {
    it(`ends with invalid-key before subscribing for a key ${label}`, async () => {
      const flow = run({
        overrides: { fetchPublicKey: async () => key as string },
      });

      const output = await flow.result;

      expect(output.status === 'error' && output.error).toBeInstanceOf(
        KeyError,
      );
      expect(output).toMatchObject({ error: { code: 'invalid-key' } });
      expect(flow.ports.names()).not.toContain('subscribe');
      expect(flow.ports.names()).not.toContain('getSubscription');
    });
  }

  it('ends with key-fetch-failed on a 404, without retrying', async () => {
    const flow = run({
      overrides: {
        fetchPublicKey: async () => {
          throw new HttpError('Not Found', { status: 404 });
        },
      },
    });

    const output = await flow.result;

    expect(output).toMatchObject({
      error: { code: 'key-fetch-failed', status: 404 },
    });
    expect(flow.ports.callsOf('fetchPublicKey')).toHaveLength(1);
  });

  it('retries a 503 with backoff and then succeeds', async () => {
    let calls = 0;
    const flow = run({
      settings: { retryBaseDelayMs: 100 },
      overrides: {
        fetchPublicKey: async () => {
          calls++;
          if (calls < 3) throw new HttpError('busy', { status: 503 });
          return vapidKeys.publicKey;
        },
      },
    });
    await settle();
    expect(calls).toBe(1);

    await advance(flow.clock, 99);
    expect(calls).toBe(1);
    await advance(flow.clock, 1);
    expect(calls).toBe(2);
    await advance(flow.clock, 199);
    expect(calls).toBe(2);
    await advance(flow.clock, 1);

    expect((await flow.result).status).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after the configured retries', async () => {
    const flow = run({
      settings: { retries: 2, retryBaseDelayMs: 10 },
      overrides: {
        fetchPublicKey: async () => {
          throw new HttpError('offline');
        },
      },
    });
    for (let i = 0; i < 5; i++) await advance(flow.clock, 1000);

    const output = await flow.result;

    expect(output).toMatchObject({ error: { code: 'key-fetch-failed' } });
    expect(flow.ports.callsOf('fetchPublicKey')).toHaveLength(3);
  });

  it('times out a hanging key request, aborts it and retries', async () => {
    const flow = run({
      settings: { keyTimeoutMs: 1000, retries: 1, retryBaseDelayMs: 10 },
      overrides: { fetchPublicKey: (signal) => hangUntilAborted(signal) },
    });
    await advance(flow.clock, 1000);
    const [first] = flow.ports.callsOf('fetchPublicKey');
    expect(first?.signal?.aborted).toBe(true);

    await advance(flow.clock, 10);
    expect(flow.ports.callsOf('fetchPublicKey')).toHaveLength(2);
    await advance(flow.clock, 1000);

    const output = await flow.result;
    expect(output).toMatchObject({ error: { code: 'key-fetch-failed' } });
  });
});

describe('subscription', () => {
  it('reuses a subscription made with the same key', async () => {
    const existing = fakeSubscription('old');
    const flow = run({
      overrides: {
        getSubscription: async () => ({
          subscription: existing,
          applicationServerKey: vapidKeys.publicKey,
        }),
      },
    });

    const output = await flow.result;

    expect(output).toEqual({
      status: 'done',
      subscription: existing,
      reused: true,
      previousEndpoint: null,
    });
    expect(flow.ports.names()).not.toContain('subscribe');
    expect(flow.ports.names()).not.toContain('unsubscribe');
  });

  it('replaces a subscription made with another key', async () => {
    const stale = fakeSubscription('stale');
    const flow = run({
      overrides: {
        getSubscription: async () => ({
          subscription: stale,
          applicationServerKey: otherVapidKeys.publicKey,
        }),
      },
    });

    const output = await flow.result;

    const names = flow.ports.names();
    expect(names.indexOf('unsubscribe')).toBeLessThan(
      names.indexOf('subscribe'),
    );
    expect(flow.ports.callsOf('subscribe')[0]?.args).toEqual([
      vapidKeys.publicKey,
    ]);
    const [register] = flow.ports.callsOf('register');
    expect(register?.args[0]).toMatchObject({
      previousEndpoint: stale.endpoint,
      options: { idUser: 'u1' },
    });
    expect(output).toMatchObject({
      reused: false,
      previousEndpoint: stale.endpoint,
    });
  });

  it('ends with push-service-unreachable when subscribe never settles', async () => {
    const flow = run({
      settings: { subscribeTimeoutMs: 5000 },
      overrides: { subscribe: (_, signal) => hangUntilAborted(signal) },
    });
    await advance(flow.clock, 4999);
    expect(flow.actor.getSnapshot().matches('subscribing')).toBe(true);

    await advance(flow.clock, 1);

    const output = await flow.result;
    expect(output.status === 'error' && output.error).toBeInstanceOf(
      SubscribeError,
    );
    expect(output).toMatchObject({
      error: { code: 'push-service-unreachable' },
    });
    expect(flow.ports.callsOf('subscribe')[0]?.signal?.aborted).toBe(true);
  });

  it('maps an AbortError from subscribe to push-service-unreachable', async () => {
    const error = await errorOf({
      overrides: {
        subscribe: async () => {
          throw new DOMException('no push service', 'AbortError');
        },
      },
    });

    expect(error.code).toBe('push-service-unreachable');
  });

  it('maps a NotAllowedError from subscribe to permission-denied', async () => {
    const error = await errorOf({
      overrides: {
        subscribe: async () => {
          throw new DOMException('blocked', 'NotAllowedError');
        },
      },
    });

    expect(error.code).toBe('permission-denied');
  });

  it('maps any other subscribe failure to subscribe-failed', async () => {
    const error = await errorOf({
      overrides: {
        subscribe: async () => {
          throw new DOMException('bad', 'InvalidStateError');
        },
      },
    });

    expect(error).toBeInstanceOf(SubscribeError);
    expect(error.code).toBe('subscribe-failed');
  });

  it('ends with subscribe-failed when unsubscribing the stale one fails', async () => {
    const error = await errorOf({
      overrides: {
        getSubscription: async () => ({
          subscription: fakeSubscription('stale'),
          applicationServerKey: null,
        }),
        unsubscribe: async () => {
          throw new Error('cannot');
        },
      },
    });

    expect(error.code).toBe('subscribe-failed');
  });

  it('times out a hanging unsubscribe as push-service-unreachable', async () => {
    const flow = run({
      settings: { subscribeTimeoutMs: 50 },
      overrides: {
        getSubscription: async () => ({
          subscription: fakeSubscription('stale'),
          applicationServerKey: otherVapidKeys.publicKey,
        }),
        unsubscribe: (signal) => hangUntilAborted(signal),
      },
    });
    await advance(flow.clock, 50);

    expect(await flow.result).toMatchObject({
      error: { code: 'push-service-unreachable' },
    });
  });

  it('ends with service-worker-unavailable when the registration fails', async () => {
    const error = await errorOf({
      overrides: {
        getSubscription: async () => {
          throw new Error('no registration');
        },
      },
    });

    expect(error).toBeInstanceOf(ServiceWorkerError);
    expect(error.code).toBe('service-worker-unavailable');
  });

  it('ends with service-worker-unavailable when no worker becomes active', async () => {
    const flow = run({
      settings: { serviceWorkerTimeoutMs: 300 },
      overrides: { getSubscription: (signal) => hangUntilAborted(signal) },
    });
    await advance(flow.clock, 300);

    expect(await flow.result).toMatchObject({
      error: { code: 'service-worker-unavailable' },
    });
  });
});

describe('register', () => {
  it('sends the subscription with the options as metadata', async () => {
    const flow = run({ options: { idUser: 'BF_USER_ID', team: 'x' } });

    const output = await flow.result;

    expect(output).toMatchObject({ status: 'done', reused: false });
    expect(flow.ports.callsOf('register')[0]?.args[0]).toEqual({
      subscription: fakeSubscription('new'),
      options: { idUser: 'BF_USER_ID', team: 'x' },
    });
  });

  const transient: [string, () => HttpError][] = [
    ['a network error', () => new HttpError('offline')],
    ['a 500', () => new HttpError('boom', { status: 500 })],
    ['a 429', () => new HttpError('slow down', { status: 429 })],
  ];

  for (const [label, failure] of transient) {
    it(`retries ${label} with backoff up to the configured count`, async () => {
      const flow = run({
        settings: { retries: 2, retryBaseDelayMs: 100 },
        overrides: {
          register: async () => {
            throw failure();
          },
        },
      });
      await settle();
      expect(flow.ports.callsOf('register')).toHaveLength(1);

      await advance(flow.clock, 100);
      expect(flow.ports.callsOf('register')).toHaveLength(2);
      await advance(flow.clock, 199);
      expect(flow.ports.callsOf('register')).toHaveLength(2);
      await advance(flow.clock, 1);

      const output = await flow.result;
      expect(flow.ports.callsOf('register')).toHaveLength(3);
      expect(output.status === 'error' && output.error).toBeInstanceOf(
        RegisterError,
      );
      expect(output).toMatchObject({ error: { code: 'register-failed' } });
    });
  }

  it('honours Retry-After on a 429 when it is longer than the backoff', async () => {
    let calls = 0;
    const flow = run({
      settings: { retryBaseDelayMs: 100 },
      overrides: {
        register: async () => {
          calls++;
          if (calls === 1) {
            throw new HttpError('slow down', {
              status: 429,
              retryAfterMs: 3000,
            });
          }
        },
      },
    });
    await advance(flow.clock, 2999);
    expect(calls).toBe(1);

    await advance(flow.clock, 1);

    expect(await flow.result).toMatchObject({ status: 'done' });
    expect(calls).toBe(2);
  });

  it('does not wait for a Retry-After beyond the backoff cap', async () => {
    const flow = run({
      settings: { retryMaxDelayMs: 1000 },
      overrides: {
        register: async () => {
          throw new HttpError('later', { status: 503, retryAfterMs: 60_000 });
        },
      },
    });

    expect(await flow.result).toMatchObject({
      error: { code: 'register-failed', status: 503 },
    });
    expect(flow.ports.callsOf('register')).toHaveLength(1);
  });

  it('does not retry a 400', async () => {
    const flow = run({
      overrides: {
        register: async () => {
          throw new HttpError('bad', { status: 400 });
        },
      },
    });

    expect(await flow.result).toMatchObject({
      error: { code: 'register-failed', status: 400 },
    });
    expect(flow.ports.callsOf('register')).toHaveLength(1);
  });

  it('does not retry an error that is not an HTTP failure', async () => {
    const flow = run({
      overrides: {
        register: async () => {
          throw new TypeError('bug');
        },
      },
    });

    expect(await flow.result).toMatchObject({
      error: { code: 'register-failed' },
    });
    expect(flow.ports.callsOf('register')).toHaveLength(1);
  });

  it('times out a hanging register, aborts it and retries', async () => {
    const flow = run({
      settings: { registerTimeoutMs: 500, retries: 1, retryBaseDelayMs: 10 },
      overrides: { register: (_, signal) => hangUntilAborted(signal) },
    });
    await advance(flow.clock, 500);
    expect(flow.ports.callsOf('register')[0]?.signal?.aborted).toBe(true);

    await advance(flow.clock, 10);
    expect(flow.ports.callsOf('register')).toHaveLength(2);
    await advance(flow.clock, 500);

    expect(await flow.result).toMatchObject({
      error: { code: 'register-failed' },
    });
  });
});

describe('cancel', () => {
  it('user.cancel aborts every actor in flight and ends aborted', async () => {
    const flow = run({
      overrides: {
        requestPermission: (signal) => hangUntilAborted(signal),
        fetchPublicKey: (signal) => hangUntilAborted(signal),
      },
    });
    await settle();

    flow.actor.send({ type: 'user.cancel' });

    expect(await flow.result).toMatchObject({ error: { code: 'aborted' } });
    for (const name of ['requestPermission', 'fetchPublicKey'] as const) {
      expect(flow.ports.callsOf(name)[0]?.signal?.aborted).toBe(true);
    }
  });

  it('user.cancel during a retry wait ends aborted without another try', async () => {
    const flow = run({
      overrides: {
        register: async () => {
          throw new HttpError('busy', { status: 503 });
        },
      },
    });
    await settle();
    expect(
      flow.actor.getSnapshot().matches({ registering: 'waitingToRetry' }),
    ).toBe(true);

    flow.actor.send({ type: 'user.cancel' });
    await advance(flow.clock, 60_000);

    expect(await flow.result).toMatchObject({ error: { code: 'aborted' } });
    expect(flow.ports.callsOf('register')).toHaveLength(1);
  });

  it('user.cancel while the key waits to be retried stops the timer', async () => {
    const flow = run({
      overrides: {
        requestPermission: (signal) => hangUntilAborted(signal),
        fetchPublicKey: async () => {
          throw new HttpError('busy', { status: 502 });
        },
      },
    });
    await settle();

    flow.actor.send({ type: 'user.cancel' });
    await advance(flow.clock, 60_000);

    expect(await flow.result).toMatchObject({ error: { code: 'aborted' } });
    expect(flow.ports.callsOf('fetchPublicKey')).toHaveLength(1);
  });

  it('stopping the actor aborts the signal of every actor in flight', async () => {
    const flow = run({
      overrides: {
        requestPermission: (signal) => hangUntilAborted(signal),
        fetchPublicKey: (signal) => hangUntilAborted(signal),
      },
    });
    flow.result.catch(() => {});
    await settle();

    flow.actor.stop();

    for (const name of ['requestPermission', 'fetchPublicKey'] as const) {
      expect(flow.ports.callsOf(name)[0]?.signal?.aborted).toBe(true);
    }
  });

  it('stopping during register aborts the register request', async () => {
    const flow = run({
      overrides: { register: (_, signal) => hangUntilAborted(signal) },
    });
    flow.result.catch(() => {});
    await settle();

    flow.actor.stop();

    expect(flow.ports.callsOf('register')[0]?.signal?.aborted).toBe(true);
  });
});

describe('graph', () => {
  it('reaches every state of the machine along some path', () => {
    const stale = {
      subscription: fakeSubscription('stale'),
      applicationServerKey: otherVapidKeys.publicKey,
    };
    const outcomes: Record<string, unknown[]> = {
      checkSupport: [
        { supported: true },
        { supported: false, reason: 'no-push-manager' },
      ],
      readPermission: ['granted', 'denied', 'default'],
      requestPermission: ['granted', 'denied', 'default'],
      getSubscription: [null, stale],
      unsubscribe: [true],
      subscribe: [fakeSubscription('new')],
      registerSubscription: [undefined],
      keyRequest: [vapidKeys.publicKey, 'not-a-key'],
    };

    // Each actor the state runs may resolve with any listed outcome, or
    // reject; the key request may finish in any state
    const events = (snapshot: { children: Record<string, unknown> }) =>
      Object.keys(snapshot.children).flatMap((id) => [
        ...(outcomes[id] ?? []).map((output) => ({
          type: `xstate.done.actor.${id}`,
          output,
        })),
        { type: `xstate.error.actor.${id}`, error: new HttpError('x') },
      ]);

    const paths = getShortestPaths(pushPermissionMachine, {
      input: {},
      events: events as never,
      serializeState: (snapshot) =>
        JSON.stringify([
          snapshot.value,
          snapshot.context.publicKey !== null,
          snapshot.context.keyError?.code ?? null,
        ]),
    });

    const reached = new Set(
      paths.flatMap((path) =>
        path.state._nodes.map((node: { id: string }) => node.id),
      ),
    );
    const states = getStateNodes(pushPermissionMachine.root).map(
      (node) => node.id,
    );
    expect(states.filter((id) => !reached.has(id))).toEqual([]);
  });

  it('every transition of the machine is taken by a test in this file', () => {
    const all = allTransitions(pushPermissionMachine);
    const missing = all.filter((key) => !recorder.taken.has(key));

    expect(all.length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});
