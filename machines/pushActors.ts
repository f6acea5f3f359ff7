import { fromPromise } from 'xstate';
import type {
  ExistingSubscription,
  PushPlatform,
  PushServer,
  PushSubscriptionData,
  RegisterRequest,
  SupportResult,
} from './pushPorts.js';

/**
 * The machine's actors, as thin wrappers over a platform and a server.
 * Each passes the `AbortSignal` xstate gives it, so stopping the flow
 * cancels the call in flight. Give the result to `machine.provide()`.
 */
export function pushActors(platform: PushPlatform, server: PushServer) {
  return {
    checkSupport: fromPromise<SupportResult>(async () =>
      platform.checkSupport(),
    ),
    readPermission: fromPromise<NotificationPermission>(async () =>
      platform.readPermission(),
    ),
    requestPermission: fromPromise<NotificationPermission>(({ signal }) =>
      platform.requestPermission(signal),
    ),
    fetchKey: fromPromise<string>(({ signal }) =>
      server.fetchPublicKey(signal),
    ),
    getSubscription: fromPromise<ExistingSubscription | null>(({ signal }) =>
      platform.getSubscription(signal),
    ),
    unsubscribe: fromPromise<boolean>(({ signal }) =>
      platform.unsubscribe(signal),
    ),
    subscribe: fromPromise<
      PushSubscriptionData,
      { applicationServerKey: string }
    >(({ input, signal }) =>
      platform.subscribe(input.applicationServerKey, signal),
    ),
    registerSubscription: fromPromise<void, RegisterRequest>(
      ({ input, signal }) => server.register(input, signal),
    ),
  };
}
