import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { describe, expect, test } from 'vitest';
import { createPushPermission } from '../../../adapters/createPushPermission.js';
import type { PushPlatform, PushServer } from '../../../machines/pushPorts.js';
import { connectInspector } from '../../../ui/connectInspector.js';
import { deferred, testKey, testSubscription } from './controlledFlow.js';

/** Top-level state names in the snapshots the inspector received. */
function statesSeen(events: StatelyInspectionEvent[]): string[] {
  const names: string[] = [];
  for (const event of events) {
    if (event.type !== '@xstate.snapshot') continue;
    const { value } = event.snapshot as { value?: unknown };
    const name =
      typeof value === 'string'
        ? value
        : Object.keys((value ?? {}) as object)[0];
    if (name && names.at(-1) !== name) names.push(name);
  }

  return names;
}

describe('connectInspector', () => {
  test('the inspection events of a whole flow arrive through the Stately browser inspector', async () => {
    const events: StatelyInspectionEvent[] = [];
    const arrivedDone = deferred<void>();
    const key = deferred<string>();
    const inspect = connectInspector({
      send(event) {
        events.push(event);
        const value =
          event.type === '@xstate.snapshot' &&
          (event.snapshot as { value?: unknown }).value;
        if (value === 'done') arrivedDone.resolve();
      },
    });

    // A platform and server that succeed; the key waits for the prompt
    const platform: PushPlatform = {
      checkSupport: () => ({ supported: true }),
      readPermission: () => 'default',
      requestPermission: async () => 'granted',
      getSubscription: async () => null,
      unsubscribe: async () => false,
      subscribe: async () => testSubscription,
    };
    const server: PushServer = {
      fetchPublicKey: () => key.promise,
      register: async () => {},
      unregister: async () => {},
    };
    const push = createPushPermission({ platform, server, inspect });

    const actor = push.start({ idUser: 'BF_USER_ID' });
    await new Promise<void>((resolve) => {
      const sub = actor.subscribe((snapshot) => {
        if (!snapshot.matches('fetchingKey')) return;
        sub.unsubscribe();
        resolve();
      });
    });
    key.resolve(testKey);
    await arrivedDone.promise;

    // The states of the flow, in order, as the inspector saw them
    expect(statesSeen(events)).toEqual([
      'checkingSupport',
      'requestingPermission',
      'fetchingKey',
      'subscribing',
      'registering',
      'done',
    ]);

    // The machine registered under its id, and the actor events by name
    const root = events.find(
      (event) =>
        event.type === '@xstate.actor' &&
        event.name === 'pwaPromptPushPermission',
    );
    expect(root).toBeDefined();
    const eventTypes = events
      .filter((event) => event.type === '@xstate.event')
      .map((event) => (event as { event: { type: string } }).event.type);
    expect(eventTypes).toContain('xstate.done.actor.checkSupport');
    expect(eventTypes).toContain('xstate.done.actor.registerSubscription');
    expect(events.every((event) => typeof event._version === 'string')).toBe(
      true,
    );
  });
});
