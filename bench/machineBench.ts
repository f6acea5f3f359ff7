import { performance } from 'node:perf_hooks';
import { createActor, fromPromise, setup, toPromise } from 'xstate';
import {
  type PushPlatform,
  type PushServer,
  providePushMachine,
} from '../machines/index.js';
import {
  createFakePorts,
  fakeSubscription,
  vapidKeys,
} from '../test/support/fakePorts.js';
import { printTable } from './printTable.js';

/**
 * The machine's own cost: flows on instant fakes beside a plain async
 * function making the same calls, and a flow with simulated latencies
 * beside a strictly sequential one and the parallel limit.
 */

const flows = 5000;
const latency = { prompt: 800, key: 120, subscribe: 250, register: 120 };

/** The same calls, in order, without a machine: the floor. */
async function plainFlow(platform: PushPlatform, server: PushServer) {
  const signal = new AbortController().signal;
  const support = platform.checkSupport();
  if (!support.supported) return { status: 'error' as const };

  if (platform.readPermission() !== 'granted') {
    const permission = await platform.requestPermission(signal);
    if (permission !== 'granted') return { status: 'error' as const };
  }

  const key = await server.fetchPublicKey(signal);
  const existing = await platform.getSubscription(signal);
  const subscription =
    existing?.subscription ?? (await platform.subscribe(key, signal));
  await server.register({ subscription, options: {} }, signal);

  return { status: 'done' as const, subscription };
}

/**
 * XState's own floor for a flow of this size: the same number of invoked
 * promise actors (8) in a row, with no guards, actions or timers.
 */
const floorMachine = setup({
  actors: { step: fromPromise(async () => undefined) },
}).createMachine({
  initial: 's0',
  states: {
    ...Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [
        `s${i}`,
        { invoke: { src: 'step', onDone: i === 7 ? 'end' : `s${i + 1}` } },
      ]),
    ),
    end: { type: 'final' },
  },
});

async function machineFlow(machine: ReturnType<typeof providePushMachine>) {
  const actor = createActor(machine, { input: { options: {} } });
  const result = toPromise(actor);
  actor.start();

  return result;
}

/**
 * CPU milliseconds per flow (user + system), so that other processes on
 * a shared machine do not count against either side.
 */
async function timePerFlow(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 500; i++) await run();

  const start = process.cpuUsage();
  for (let i = 0; i < flows; i++) await run();
  const used = process.cpuUsage(start);

  return (used.user + used.system) / 1000 / flows;
}

function sleep<T>(ms: number, value: T, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

function slowPorts() {
  return createFakePorts({
    requestPermission: (signal) => sleep(latency.prompt, 'granted', signal),
    fetchPublicKey: (signal) => sleep(latency.key, vapidKeys.publicKey, signal),
    subscribe: (_, signal) =>
      sleep(latency.subscribe, fakeSubscription(), signal),
    register: (_, signal) => sleep(latency.register, undefined, signal),
  });
}

/** Ports that answer at once and record nothing, so GC stays quiet. */
function instantPorts(): { platform: PushPlatform; server: PushServer } {
  const subscription = fakeSubscription();
  const key = vapidKeys.publicKey;

  return {
    platform: {
      checkSupport: () => ({ supported: true }),
      readPermission: () => 'default',
      requestPermission: async () => 'granted',
      getSubscription: async () => null,
      unsubscribe: async () => true,
      subscribe: async () => subscription,
    },
    server: {
      fetchPublicKey: async () => key,
      register: async () => {},
      unregister: async () => {},
    },
  };
}

async function wallTime(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();

  return performance.now() - start;
}

export default async function machineBench(): Promise<void> {
  const instant = instantPorts();
  const plain = await timePerFlow(() =>
    plainFlow(instant.platform, instant.server),
  );
  const provided = providePushMachine(instant);
  const machine = await timePerFlow(() => machineFlow(provided));
  const floor = await timePerFlow(() => {
    const actor = createActor(floorMachine);
    const result = toPromise(actor);
    actor.start();

    return result;
  });

  // One run each, side by side on the same timers
  const slow = slowPorts();
  const [ours, sequential] = await Promise.all([
    wallTime(() => machineFlow(providePushMachine(slow))),
    wallTime(() => plainFlow(slow.platform, slow.server)),
  ]);
  const limit =
    Math.max(latency.prompt, latency.key) +
    latency.subscribe +
    latency.register;

  printTable('Machine overhead (instant fakes, per flow)', [
    {
      name: `flow, ${flows} runs`,
      ours: machine,
      baseline: plain,
      unit: 'ms',
      note: 'CPU time; baseline: plain async function, same calls',
    },
    {
      name: 'flow beside XState floor',
      ours: machine,
      baseline: floor,
      unit: 'ms',
      note: 'baseline: 8 bare invoked promise actors in a row',
    },
    {
      name: 'machine overhead per flow',
      ours: machine - plain,
      limit: 0.3,
      unit: 'ms',
    },
  ]);
  printTable(
    'Flow with simulated latencies (prompt 800, key 120, subscribe 250, register 120 ms)',
    [
      {
        name: 'machine (key fetched during the prompt)',
        ours,
        baseline: sequential,
        limit: limit * 1.02,
        unit: 'ms',
        note: `baseline: strictly sequential; limit: ${limit} ms + 2%`,
      },
    ],
  );
}
