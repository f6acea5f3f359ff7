import { createActor, type InspectionEvent, toPromise } from 'xstate';
import { pushActors } from './pushActors.js';
import {
  type PushPermissionInput,
  type PushPermissionOutput,
  pushPermissionMachine,
} from './pushPermissionMachine.js';
import type { PushPlatform, PushServer } from './pushPorts.js';
import { type PushFlowSettings, resolveSettings } from './pushSettings.js';

/** How a flow reaches the browser and the server. */
export interface PushPermissionConfig {
  platform: PushPlatform;
  server: PushServer;
  /** Timeouts and retries for this flow. */
  settings?: Partial<PushFlowSettings>;
  /** Shows the unsupported message; apps pass `window.alert` or a UI hook. */
  alert?: (message: string) => void;
  /** Receives the machine's inspection events (`@statelyai/inspect`). */
  inspect?: (event: InspectionEvent) => void;
  /** Cancels the flow; it then ends with `aborted`. */
  signal?: AbortSignal;
}

/** The machine with a platform, a server and an alert wired in. */
export function providePushMachine(
  config: Pick<PushPermissionConfig, 'platform' | 'server' | 'alert'>,
) {
  const alert = config.alert;

  return pushPermissionMachine.provide({
    actors: pushActors(config.platform, config.server),
    actions: {
      alertUnsupported: (_, params) => alert?.(params.message),
    },
  });
}

// One flow per platform at a time: a second call joins the one running
const running = new WeakMap<PushPlatform, Promise<PushPermissionOutput>>();

/**
 * Runs the whole flow once and resolves with how it ended. Never rejects
 * for a flow failure: those come back as `{ status: 'error', error }`.
 * A call made while another runs on the same platform joins it.
 *
 * Note: a joining call's `options` and `settings` are ignored; the
 * running flow registers with the first call's.
 *
 * @throws TypeError when `options` is not a plain object or a setting is
 * not a non-negative number.
 */
export function promptPushPermission(
  options: Record<string, unknown>,
  config: PushPermissionConfig,
): Promise<PushPermissionOutput> {
  assertPlainObject(options, 'options');
  if (typeof config?.platform !== 'object' || config.platform === null) {
    throw new TypeError('`config.platform` must be a PushPlatform');
  }
  if (typeof config.server !== 'object' || config.server === null) {
    throw new TypeError('`config.server` must be a PushServer');
  }

  const settings = resolveSettings(config.settings);

  const joined = running.get(config.platform);
  if (joined) return joined;

  const input: PushPermissionInput = { options, settings };
  const actor = createActor(providePushMachine(config), {
    input,
    inspect: config.inspect,
  });
  const cancel = () => actor.send({ type: 'user.cancel' });
  config.signal?.addEventListener('abort', cancel, { once: true });

  const flow = toPromise(actor).finally(() => {
    running.delete(config.platform);
    config.signal?.removeEventListener('abort', cancel);
  });
  running.set(config.platform, flow);
  actor.start();
  if (config.signal?.aborted) cancel();

  return flow;
}

/**
 * Throws a TypeError naming `name` unless the value is a plain object
 * whose JSON is at most `maxBytes` long.
 */
export function assertPlainObject(
  value: unknown,
  name: string,
  maxBytes = 4096,
): asserts value is Record<string, unknown> {
  const prototype =
    typeof value === 'object' && value !== null
      ? Object.getPrototypeOf(value)
      : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`\`${name}\` must be a plain object`);
  }

  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`\`${name}\` must be JSON-serialisable`, {
      cause: error,
    });
  }
  if (new TextEncoder().encode(json).length > maxBytes) {
    throw new TypeError(
      `\`${name}\` must be at most ${maxBytes} bytes as JSON`,
    );
  }
}
