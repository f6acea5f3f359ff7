import { type AnyActorRef, fromPromise } from 'xstate';
import { providePushMachine } from '../../../machines/promptPushPermission.js';
import type {
  ExistingSubscription,
  PushPlatform,
  PushServer,
  PushSubscriptionData,
  SupportResult,
} from '../../../machines/pushPorts.js';

/** A promise the test settles by hand. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });

  return { promise, resolve, reject };
}

// A valid uncompressed P-256 point in base64url
export const testKey =
  'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM';

export const testSubscription: PushSubscriptionData = {
  endpoint: 'https://push.invalid/ui-test',
  expirationTime: null,
  keys: { p256dh: testKey, auth: 'tBHItJI5svbpez7KI4CCXg' },
};

/** One deferred per machine actor, made on first use. */
export interface ControlledFlow {
  checkSupport: Deferred<SupportResult>;
  readPermission: Deferred<NotificationPermission>;
  requestPermission: Deferred<NotificationPermission>;
  fetchKey: Deferred<string>;
  getSubscription: Deferred<ExistingSubscription | null>;
  unsubscribe: Deferred<boolean>;
  subscribe: Deferred<PushSubscriptionData>;
  registerSubscription: Deferred<void>;
}

export function controlledFlow(): ControlledFlow {
  return {
    checkSupport: deferred(),
    readPermission: deferred(),
    requestPermission: deferred(),
    fetchKey: deferred(),
    getSubscription: deferred(),
    unsubscribe: deferred(),
    subscribe: deferred(),
    registerSubscription: deferred(),
  };
}

/**
 * The real machine with every actor replaced by the flow's deferred
 * promises, and the alert wired to `alert`.
 */
export function controlledMachine(
  flow: ControlledFlow,
  alert?: (message: string) => void,
) {
  const unused = {} as PushPlatform & PushServer;
  const machine = providePushMachine({
    platform: unused,
    server: unused,
    ...(alert ? { alert } : {}),
  });

  return machine.provide({
    actors: {
      checkSupport: fromPromise(() => flow.checkSupport.promise),
      readPermission: fromPromise(() => flow.readPermission.promise),
      requestPermission: fromPromise(() => flow.requestPermission.promise),
      fetchKey: fromPromise(() => flow.fetchKey.promise),
      getSubscription: fromPromise(() => flow.getSubscription.promise),
      unsubscribe: fromPromise(() => flow.unsubscribe.promise),
      subscribe: fromPromise(() => flow.subscribe.promise),
      registerSubscription: fromPromise(
        () => flow.registerSubscription.promise,
      ),
    },
  });
}

/** Resolves once the actor's snapshot matches a state value. */
export function untilState(actor: AnyActorRef, state: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const snapshot = actor.getSnapshot();
      if (snapshot.matches(state)) {
        subscription.unsubscribe();
        resolve();
      }
    };
    const subscription = actor.subscribe({ next: check, complete: check });
    check();
  });
}
