import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, toPromise } from 'xstate';
import {
  AbortedError,
  flowTimeBound,
  HttpError,
  isPushPermissionError,
  KeyError,
  PermissionError,
  type PushPermissionOutput,
  providePushMachine,
  RegisterError,
  resolveSettings,
  ServiceWorkerError,
  SubscribeError,
  UnsupportedError,
} from '../../../machines/index.js';
import {
  createFakePorts,
  type FakeOverrides,
  fakeSubscription,
  otherVapidKeys,
  vapidKeys,
} from '../../support/fakePorts.js';
import { settle } from '../../support/flowHarness.js';

/** What one asynchronous call does: when, and how it ends. */
type Outcome =
  | { kind: 'resolve'; value: unknown; after: number }
  | { kind: 'reject'; error: unknown; after: number }
  | { kind: 'hang' };

const anyError = fc.oneof(
  fc
    .option(fc.integer({ min: 100, max: 599 }), { nil: undefined })
    .chain((status) =>
      fc
        .option(fc.integer({ min: 0, max: 5000 }), { nil: undefined })
        .map(
          (retryAfterMs) =>
            new HttpError('failed', { status, retryAfterMs }) as unknown,
        ),
    ),
  fc.constantFrom(
    new DOMException('x', 'AbortError'),
    new DOMException('x', 'NotAllowedError'),
    new DOMException('x', 'InvalidStateError'),
    new ServiceWorkerError('none'),
    new TypeError('bug'),
  ),
  fc.anything(),
);

function outcome(values: fc.Arbitrary<unknown>): fc.Arbitrary<Outcome> {
  const after = fc.integer({ min: 0, max: 3000 });

  return fc.oneof(
    fc.record({ kind: fc.constant('resolve' as const), value: values, after }),
    fc.record({ kind: fc.constant('reject' as const), error: anyError, after }),
    fc.constant({ kind: 'hang' as const }),
  );
}

const existing = fc.constantFrom(
  null,
  {
    subscription: fakeSubscription('same'),
    applicationServerKey: vapidKeys.publicKey,
  },
  {
    subscription: fakeSubscription('stale'),
    applicationServerKey: otherVapidKeys.publicKey,
  },
  { subscription: fakeSubscription('unknown'), applicationServerKey: null },
);

/** Every port call gets a sequence of outcomes, one per attempt. */
const scenario = fc.record({
  support: fc.oneof(
    fc.constant({ supported: true } as const),
    fc
      .constantFrom(
        'no-notification',
        'no-push-manager',
        'no-service-worker',
        'insecure-context',
        'ios-not-installed',
      )
      .map((reason) => ({ supported: false as const, reason })),
  ),
  supportThrows: fc.boolean(),
  permission: fc.constantFrom<NotificationPermission>(
    'granted',
    'denied',
    'default',
  ),
  prompt: outcome(fc.constantFrom('granted', 'denied', 'default')),
  key: fc.array(
    outcome(fc.constantFrom(vapidKeys.publicKey, 'garbage', 42, null)),
    { minLength: 1, maxLength: 6 },
  ),
  getSubscription: outcome(existing),
  unsubscribe: outcome(fc.boolean()),
  subscribe: outcome(fc.constant(fakeSubscription('new'))),
  register: fc.array(outcome(fc.constant(undefined)), {
    minLength: 1,
    maxLength: 6,
  }),
  cancelAt: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
  settings: fc.record({
    permissionTimeoutMs: fc.integer({ min: 0, max: 5000 }),
    keyTimeoutMs: fc.integer({ min: 0, max: 2000 }),
    serviceWorkerTimeoutMs: fc.integer({ min: 0, max: 2000 }),
    subscribeTimeoutMs: fc.integer({ min: 0, max: 2000 }),
    registerTimeoutMs: fc.integer({ min: 0, max: 2000 }),
    retries: fc.integer({ min: 0, max: 4 }),
    retryBaseDelayMs: fc.integer({ min: 0, max: 500 }),
    retryMaxDelayMs: fc.integer({ min: 0, max: 2000 }),
  }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function play<T>(
  clock: SimulatedClock,
  step: Outcome | undefined,
  signal: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), {
      once: true,
    });
    if (step === undefined || step.kind === 'hang') return;

    clock.setTimeout(() => {
      if (step.kind === 'resolve') resolve(step.value as T);
      else reject(step.error);
    }, step.after);
  });
}

function portsFor(s: Scenario, clock: SimulatedClock): FakeOverrides {
  let keyAttempt = 0;
  let registerAttempt = 0;

  return {
    checkSupport: () => {
      if (s.supportThrows) throw new Error('broken');
      return s.support;
    },
    readPermission: () => s.permission,
    requestPermission: (signal) => play(clock, s.prompt, signal),
    fetchPublicKey: (signal) => play(clock, s.key[keyAttempt++], signal),
    getSubscription: (signal) => play(clock, s.getSubscription, signal),
    unsubscribe: (signal) => play(clock, s.unsubscribe, signal),
    subscribe: (_, signal) => play(clock, s.subscribe, signal),
    register: (_, signal) => play(clock, s.register[registerAttempt++], signal),
  };
}

const classOf = {
  unsupported: UnsupportedError,
  'permission-denied': PermissionError,
  'permission-dismissed': PermissionError,
  'key-fetch-failed': KeyError,
  'invalid-key': KeyError,
  'service-worker-unavailable': ServiceWorkerError,
  'push-service-unreachable': SubscribeError,
  'subscribe-failed': SubscribeError,
  'register-failed': RegisterError,
  aborted: AbortedError,
} as const;

/** Throws unless the output is exactly one member of the union. */
function assertFitsUnion(output: PushPermissionOutput) {
  if (output.status === 'done') {
    expect(Object.keys(output).sort()).toEqual([
      'previousEndpoint',
      'reused',
      'status',
      'subscription',
    ]);
    expect(typeof output.subscription.endpoint).toBe('string');
    expect(typeof output.reused).toBe('boolean');
    expect(
      output.previousEndpoint === null ||
        typeof output.previousEndpoint === 'string',
    ).toBe(true);
    return;
  }

  expect(output.status).toBe('error');
  expect(Object.keys(output).sort()).toEqual(['error', 'status']);
  expect(isPushPermissionError(output.error)).toBe(true);
  expect(output.error).toBeInstanceOf(classOf[output.error.code]);
  expect(output.error.message.length).toBeGreaterThan(0);
}

describe('any outcome of any call', () => {
  it('ends in done or error within the time bound, with output in the union', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const clock = new SimulatedClock();
        const ports = createFakePorts(portsFor(s, clock));
        const actor = createActor(providePushMachine(ports), {
          input: { options: { idUser: 'p' }, settings: s.settings },
          clock,
        });
        const result = toPromise(actor);
        const bound = flowTimeBound(resolveSettings(s.settings));
        if (s.cancelAt !== undefined) {
          clock.setTimeout(
            () => actor.send({ type: 'user.cancel' }),
            s.cancelAt,
          );
        }

        actor.start();

        // Step the clock up to the bound; the flow must be over by then
        const step = 250;
        for (let now = 0; now <= bound + step; now += step) {
          await settle(2);
          if (actor.getSnapshot().status !== 'active') break;
          clock.increment(step);
        }
        await settle(2);

        const snapshot = actor.getSnapshot();
        expect(snapshot.status).toBe('done');
        expect(['done', 'error']).toContain(snapshot.value);
        assertFitsUnion(await result);

        // Nothing is left running: every signal handed out has aborted
        // or its call has settled
        expect(snapshot.children).toEqual({});
      }),
      { numRuns: 150 },
    );
  });
});
