import {
  type AnyStateMachine,
  createActor,
  type InspectionEvent,
  SimulatedClock,
  toPromise,
} from 'xstate';
import { getStateNodes } from 'xstate/graph';
import {
  type PushFlowSettings,
  type PushPermissionOutput,
  providePushMachine,
} from '../../machines/index.js';
import { createFakePorts, type FakeOverrides } from './fakePorts.js';

/** Lets pending promise callbacks and actor events run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Moves a simulated clock forward once pending work has settled. */
export async function advance(clock: SimulatedClock, ms: number) {
  await settle();
  clock.increment(ms);
  await settle();
}

interface TransitionLike {
  source: { id: string };
  eventType: string;
  guard?: unknown;
  target?: readonly { id: string }[];
}

/** A stable name for one transition of the machine definition. */
export function transitionKey(transition: TransitionLike): string {
  const guard = transition.guard as { type?: string } | string | undefined;
  const guardName = typeof guard === 'string' ? guard : (guard?.type ?? '');
  const eventType = transition.eventType.replace(/\.0\./, '.');
  const targets = (transition.target ?? []).map((node) => node.id).join(',');

  return `${transition.source.id} --${eventType}[${guardName}]--> ${targets}`;
}

/** Every transition the machine's graph holds, by `transitionKey`. */
export function allTransitions(machine: AnyStateMachine): string[] {
  const nodes = [machine.root, ...getStateNodes(machine.root)];
  const keys = nodes.flatMap((node) => [
    ...[...node.transitions.values()].flat(),
    ...(node.always ?? []),
  ]);

  return keys.map((transition) => transitionKey(transition));
}

/** Collects the transitions that running actors take. */
export function createTransitionRecorder() {
  const taken = new Set<string>();

  return {
    taken,
    inspect(event: InspectionEvent) {
      if (event.type !== '@xstate.microstep') return;
      for (const transition of event._transitions) {
        taken.add(transitionKey(transition));
      }
    },
  };
}

export interface FlowOptions {
  overrides?: FakeOverrides;
  settings?: Partial<PushFlowSettings>;
  options?: Record<string, unknown>;
  inspect?: (event: InspectionEvent) => void;
}

/**
 * Starts the machine on fake ports and a simulated clock. The result
 * promise resolves with the flow's output.
 */
export function startFlow(flow: FlowOptions = {}) {
  const ports = createFakePorts(flow.overrides);
  const clock = new SimulatedClock();
  const alerts: string[] = [];
  const machine = providePushMachine({
    platform: ports.platform,
    server: ports.server,
    alert: (message) => alerts.push(message),
  });
  const actor = createActor(machine, {
    input: {
      options: flow.options ?? { idUser: 'u1' },
      settings: flow.settings,
    },
    clock,
    inspect: flow.inspect,
  });
  const result: Promise<PushPermissionOutput> = toPromise(actor);
  actor.start();

  return { actor, ports, clock, alerts, result };
}
