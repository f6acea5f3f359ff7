import { describe, expect, it } from 'vitest';
import { createActor, type InspectionEvent, setup, toPromise } from 'xstate';
import {
  type PushPermissionOutput,
  promptPushPermission,
  providePushMachine,
  pushPermissionMachine,
  runPushAction,
} from '../../../machines/index.js';
import { createFakePorts, hangUntilAborted } from '../../support/fakePorts.js';
import { settle } from '../../support/flowHarness.js';

describe('promptPushPermission', () => {
  it('resolves with the outcome union', async () => {
    const ports = createFakePorts();

    const output = await promptPushPermission({ idUser: 'u1' }, ports);

    expect(output).toMatchObject({ status: 'done', reused: false });
  });

  it('a second call while one runs joins it: one prompt, one result', async () => {
    let answer: (permission: NotificationPermission) => void = () => {};
    const ports = createFakePorts({
      requestPermission: () => new Promise((resolve) => (answer = resolve)),
    });

    const first = promptPushPermission({ idUser: 'u1' }, ports);
    const second = promptPushPermission({ idUser: 'u1' }, ports);
    await settle();
    answer('granted');

    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(ports.callsOf('requestPermission')).toHaveLength(1);
    expect(ports.callsOf('register')).toHaveLength(1);
  });

  it('starts a new flow once the previous one has ended', async () => {
    const ports = createFakePorts();

    await promptPushPermission({}, ports);
    await promptPushPermission({}, ports);

    expect(ports.callsOf('register')).toHaveLength(2);
  });

  it('ends with aborted when its signal aborts mid-flow', async () => {
    const ports = createFakePorts({
      requestPermission: (signal) => hangUntilAborted(signal),
    });
    const controller = new AbortController();

    const flow = promptPushPermission(
      {},
      { ...ports, signal: controller.signal },
    );
    await settle();
    controller.abort();

    expect(await flow).toMatchObject({ error: { code: 'aborted' } });
    expect(ports.callsOf('requestPermission')[0]?.signal?.aborted).toBe(true);
  });

  it('ends with aborted at once for an already aborted signal', async () => {
    const ports = createFakePorts();

    const output = await promptPushPermission(
      {},
      { ...ports, signal: AbortSignal.abort() },
    );

    expect(output).toMatchObject({ error: { code: 'aborted' } });
  });

  const badOptions: [string, unknown][] = [
    ['null', null],
    ['an array', ['idUser']],
    ['a string', 'idUser=1'],
    ['a class instance', new Date()],
    [
      'circular',
      (() => {
        const value: Record<string, unknown> = {};
        value.self = value;
        return value;
      })(),
    ],
    ['too large', { blob: 'x'.repeat(5000) }],
    ['holding a BigInt', { n: 1n }],
  ];

  for (const [label, options] of badOptions) {
    it(`throws a TypeError naming \`options\` when options is ${label}`, () => {
      const ports = createFakePorts();

      expect(() =>
        promptPushPermission(options as Record<string, unknown>, ports),
      ).toThrow(/`options`/);
      expect(() =>
        promptPushPermission(options as Record<string, unknown>, ports),
      ).toThrow(TypeError);
      expect(ports.calls).toEqual([]);
    });
  }

  it('throws a TypeError naming the setting for a bad setting', () => {
    const ports = createFakePorts();

    for (const value of [-1, Number.NaN, Infinity, '10', null]) {
      expect(() =>
        promptPushPermission(
          {},
          { ...ports, settings: { keyTimeoutMs: value as number } },
        ),
      ).toThrow(/`settings.keyTimeoutMs`/);
    }
    expect(() =>
      promptPushPermission({}, { ...ports, settings: { retries: 1.5 } }),
    ).toThrow(/`settings.retries`/);
  });

  it('throws a TypeError for a missing platform or server', () => {
    const { platform, server } = createFakePorts();

    expect(() => promptPushPermission({}, { server } as never)).toThrow(
      /`config.platform`/,
    );
    expect(() => promptPushPermission({}, { platform } as never)).toThrow(
      /`config.server`/,
    );
  });
});

describe('runPushAction', () => {
  it('runs the pwaPromptPushPermission action with its options', async () => {
    const ports = createFakePorts();

    const output = await runPushAction(
      { action: 'pwaPromptPushPermission', options: { idUser: 'BF' } },
      ports,
    );

    expect(output.status).toBe('done');
    expect(ports.callsOf('register')[0]?.args[0]).toMatchObject({
      options: { idUser: 'BF' },
    });
  });

  const badActions: unknown[] = [
    { action: 'pwaPromptPushPermissions' },
    { action: 'showNotification', options: {} },
    { options: {} },
    { action: 42 },
    null,
    'pwaPromptPushPermission',
    { action: 'pwaPromptPushPermission', options: [] },
  ];

  for (const action of badActions) {
    it(`rejects ${JSON.stringify(action)} with a TypeError`, () => {
      const ports = createFakePorts();

      expect(() => runPushAction(action as never, ports)).toThrow(TypeError);
      expect(ports.calls).toEqual([]);
    });
  }
});

describe('embedded in a parent machine', () => {
  function parentWith(overrides: Parameters<typeof createFakePorts>[0]) {
    const ports = createFakePorts(overrides);
    const push = providePushMachine(ports);

    return setup({
      types: { output: {} as { enabled: boolean; code?: string } },
      actors: { push },
    }).createMachine({
      id: 'app',
      initial: 'enabling',
      context: { code: undefined as string | undefined },
      states: {
        enabling: {
          invoke: {
            src: 'push',
            input: { options: { idUser: 'parent' } },
            onDone: [
              {
                guard: ({ event }) => event.output.status === 'done',
                target: 'enabled',
              },
              {
                target: 'disabled',
                actions: ({ context, event }) => {
                  const output = event.output as PushPermissionOutput;
                  if (output.status === 'error') {
                    context.code = output.error.code;
                  }
                },
              },
            ],
          },
        },
        enabled: { type: 'final' },
        disabled: { type: 'final' },
      },
      output: ({ context, self }) => ({
        enabled: self.getSnapshot().value === 'enabled',
        code: context.code,
      }),
    });
  }

  it('branches on a done output in onDone', async () => {
    const actor = createActor(parentWith({})).start();

    const snapshot = await new Promise<string>((resolve) =>
      actor.subscribe((s) => {
        if (s.status === 'done') resolve(String(s.value));
      }),
    );

    expect(snapshot).toBe('enabled');
  });

  it('branches on an error output in onDone', async () => {
    const actor = createActor(
      parentWith({ readPermission: () => 'denied' }),
    ).start();

    await toPromise(actor).catch(() => {});

    expect(actor.getSnapshot().value).toBe('disabled');
  });

  it('stopping the parent aborts the child flow', async () => {
    const requests: AbortSignal[] = [];
    const actor = createActor(
      parentWith({
        requestPermission: (signal) => {
          requests.push(signal);
          return hangUntilAborted(signal);
        },
      }),
    ).start();
    await settle();

    actor.stop();

    expect(requests[0]?.aborted).toBe(true);
  });
});

describe('inspected', () => {
  it('shows a snapshot for every state of a flow', async () => {
    const events: InspectionEvent[] = [];
    const ports = createFakePorts();
    const actor = createActor(providePushMachine(ports), {
      input: { options: { idUser: 'u1' } },
      inspect: (event) => events.push(event),
    });

    actor.start();
    await toPromise(actor);

    const states = events
      .filter((event) => event.type === '@xstate.snapshot')
      .filter((event) => event.actorRef === actor)
      .map((event) =>
        JSON.stringify((event.snapshot as unknown as { value: unknown }).value),
      );
    for (const state of [
      '"checkingSupport"',
      '{"requestingPermission":"readingPermission"}',
      '{"requestingPermission":"prompting"}',
      '{"subscribing":"findingExisting"}',
      '{"subscribing":"creating"}',
      '{"registering":"sending"}',
      '"done"',
    ]) {
      expect(states).toContain(state);
    }
  });

  it('keeps context serialisable, errors included', async () => {
    const ports = createFakePorts({ readPermission: () => 'denied' });
    const actor = createActor(providePushMachine(ports), { input: {} });

    actor.start();
    await toPromise(actor);

    const context = JSON.parse(JSON.stringify(actor.getSnapshot().context));
    expect(context.error).toEqual({
      name: 'PermissionError',
      code: 'permission-denied',
      message: 'Notification permission is blocked for this site',
    });
  });

  it('names every implementation in the JSON config', () => {
    const json = JSON.stringify(pushPermissionMachine.toJSON());
    const { actors, actions, guards, delays } =
      pushPermissionMachine.implementations;
    const declared = new Set([
      ...Object.keys(actors),
      ...Object.keys(actions),
      ...Object.keys(guards),
      ...Object.keys(delays),
    ]);

    // An inline function shows up as null or as an unnamed entry
    const used: unknown[] = [];
    (function walk(value: unknown) {
      if (Array.isArray(value)) return value.forEach(walk);
      if (typeof value !== 'object' || value === null) return;
      const node = value as Record<string, unknown>;
      for (const key of ['actions', 'entry', 'exit']) {
        for (const action of [node[key] ?? []].flat()) {
          used.push(
            typeof action === 'string'
              ? action
              : (action as { type?: unknown })?.type,
          );
        }
      }
      if (node.guard !== undefined) {
        const guard = node.guard as { type?: unknown } | string;
        used.push(typeof guard === 'string' ? guard : guard?.type);
      }
      if (node.type === 'xstate.invoke') used.push(node.src);
      Object.values(node).forEach(walk);
    })(JSON.parse(json));

    expect(used.length).toBeGreaterThan(50);
    // `after` adds XState's own raise/cancel pairs, which are named too
    const unnamed = used.filter(
      (name) =>
        typeof name !== 'string' ||
        (!declared.has(name) && !name.startsWith('xstate.')),
    );
    expect(unnamed).toEqual([]);
    expect(json).toContain('"id":"pwaPromptPushPermission"');
    const afterDelays = [...json.matchAll(/"delay":"?(\w+)"?/g)].map(
      (match) => match[1],
    );
    expect(afterDelays.length).toBeGreaterThan(3);
    expect(afterDelays.filter((name) => !(name && name in delays))).toEqual([]);
  });

  it('its implementations are all declared in setup()', () => {
    const { actors, actions, guards, delays } =
      pushPermissionMachine.implementations;

    expect(Object.keys(actors)).toHaveLength(8);
    expect(Object.keys(actions).length).toBeGreaterThan(15);
    expect(Object.keys(guards).length).toBeGreaterThan(5);
    expect(Object.keys(delays)).toHaveLength(7);
  });
});
