import {
  type Actor,
  createActor,
  type InspectionEvent,
  toPromise,
} from 'xstate';
import {
  assertPlainObject,
  providePushMachine,
} from '../machines/promptPushPermission.js';
import { assertPushAction, type PushAction } from '../machines/pushAction.js';
import type {
  PushPermissionMachine,
  PushPermissionOutput,
} from '../machines/pushPermissionMachine.js';
import type { PushPlatform, PushServer } from '../machines/pushPorts.js';
import {
  type PushFlowSettings,
  resolveSettings,
} from '../machines/pushSettings.js';
import { browserPlatform } from './browserPlatform.js';
import { httpPushServer } from './httpPushServer.js';
import { shareOptionsWithWorker } from './shareOptionsWithWorker.js';

/** How an app wires the flow to its browser and its server. */
export interface CreatePushPermissionConfig {
  /** Origin (and prefix) of the push routes; this page's by default. */
  baseUrl?: string;
  /** The service worker script to register. Default `/sw.js`. */
  serviceWorkerUrl?: string;
  /** Timeouts and retries; see `defaultSettings`. */
  settings?: Partial<PushFlowSettings>;
  /** Tells the user push is unsupported. Default `window.alert`. */
  alert?: (message: string) => void;
  /** Extra headers per request, e.g. an `Authorization` bearer token. */
  headers?: () => HeadersInit | Promise<HeadersInit>;
  /** Cookie mode of the requests. */
  credentials?: RequestCredentials;
  /** Receives the machine's inspection events. */
  inspect?: (event: InspectionEvent) => void;
  /**
   * Told each state a flow enters and how it ended, with no endpoints or
   * keys. The library logs nothing without it. `console` fits.
   */
  logger?: PushLogger;
  /** Replaces the browser platform (tests, other runtimes). */
  platform?: PushPlatform;
  /** Replaces the HTTP client of the push routes. */
  server?: PushServer;
}

/** Where a flow's progress lines go. */
export interface PushLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** A running flow. */
export type PushPermissionActor = Actor<PushPermissionMachine>;

/** What `createPushPermission` gives an app. */
export interface PushPermission {
  /** The machine with the platform and server provided. */
  machine: PushPermissionMachine;
  /**
   * Starts a flow and returns its started actor, for a UI to subscribe
   * to; returns the running one instead while a flow runs.
   */
  start(options?: Record<string, unknown>): PushPermissionActor;
  /** Runs a flow (or joins the running one) and resolves how it ended. */
  prompt(options?: Record<string, unknown>): Promise<PushPermissionOutput>;
  /** The `pwaPromptPushPermission` action-object handler. */
  run(action: PushAction): Promise<PushPermissionOutput>;
  /**
   * Drops the browser's subscription and its row on the server. Resolves
   * false when there was none; rejects with the platform's or the
   * server's error.
   */
  unsubscribe(signal?: AbortSignal): Promise<boolean>;
}

/**
 * Wires the machine to this browser (`browserPlatform`) and the server's
 * push routes (`httpPushServer`), ready for app code, a UI or an action
 * processor.
 *
 * Note: a flow that joins a running one registers with the first one's
 * `options`.
 *
 * @throws TypeError naming the option when `config` holds a value of the
 * wrong type or a bad setting.
 * @throws TypeError from `start`, `prompt` and `run` when `options` is
 * not a plain object, or `run`'s action is not `pwaPromptPushPermission`.
 */
export function createPushPermission(
  config: CreatePushPermissionConfig = {},
): PushPermission {
  checkConfig(config);
  const serviceWorkerUrl = config.serviceWorkerUrl ?? '/sw.js';
  const platform =
    config.platform ??
    browserPlatform({
      serviceWorkerUrl,
      serviceWorkerTimeoutMs: config.settings?.serviceWorkerTimeoutMs,
    });
  const http =
    config.server ??
    httpPushServer({
      baseUrl: config.baseUrl ?? '',
      headers: config.headers,
      credentials: config.credentials,
    });

  // Registering also tells the worker the options, for the day the
  // browser rotates the subscription (pushsubscriptionchange)
  const server: PushServer = {
    fetchPublicKey: (signal) => http.fetchPublicKey(signal),
    unregister: (endpoint, signal) => http.unregister(endpoint, signal),
    async register(request, signal) {
      await http.register(request, signal);

      const headers = config.headers
        ? Object.fromEntries(new Headers(await config.headers()))
        : undefined;
      await shareOptionsWithWorker(serviceWorkerUrl, {
        options: request.options,
        ...(headers ? { headers } : {}),
      });
    },
  };
  const alert =
    config.alert ?? ((message: string) => globalThis.alert?.(message));
  const machine = providePushMachine({ platform, server, alert });
  let running: PushPermissionActor | undefined;

  function start(options: Record<string, unknown> = {}) {
    assertPlainObject(options, 'options');
    if (running?.getSnapshot().status === 'active') return running;

    const actor = createActor(machine, {
      input: { options, settings: config.settings },
      inspect: config.inspect,
    });
    running = actor;
    if (config.logger) logFlow(actor, config.logger);
    actor.start();

    return actor;
  }

  // Not async: a bad `options` throws at the call, as documented
  function prompt(options?: Record<string, unknown>) {
    return toPromise(start(options));
  }

  return {
    machine,
    start,
    prompt,

    run(action) {
      assertPushAction(action);

      return prompt(action.options ?? {});
    },

    async unsubscribe(signal = new AbortController().signal) {
      const existing = await platform.getSubscription(signal);
      if (existing === null) return false;

      await platform.unsubscribe(signal);
      await server.unregister(existing.subscription.endpoint, signal);

      return true;
    },
  };
}

function checkConfig(config: CreatePushPermissionConfig): void {
  if (typeof config !== 'object' || config === null) {
    throw new TypeError('`config` must be an object');
  }
  for (const name of ['baseUrl', 'serviceWorkerUrl'] as const) {
    if (config[name] !== undefined && typeof config[name] !== 'string') {
      throw new TypeError(`\`config.${name}\` must be a string`);
    }
  }
  if (
    config.logger !== undefined &&
    typeof config.logger?.debug !== 'function'
  ) {
    throw new TypeError('`config.logger` must have a `debug` function');
  }
  for (const name of ['alert', 'headers', 'inspect'] as const) {
    if (config[name] !== undefined && typeof config[name] !== 'function') {
      throw new TypeError(`\`config.${name}\` must be a function`);
    }
  }

  // Bad settings fail here, not later inside the first flow
  resolveSettings(config.settings);
}

/** One line per state entered, and one for the outcome. */
function logFlow(actor: PushPermissionActor, logger: PushLogger): void {
  let last = '';

  actor.subscribe({
    next(snapshot) {
      const state = JSON.stringify(snapshot.value);
      if (state === last) return;
      last = state;

      if (snapshot.status !== 'done') {
        logger.debug('push flow state', { state: snapshot.value });
        return;
      }

      const output = snapshot.output;
      logger.debug('push flow ended', {
        status: output?.status,
        ...(output?.status === 'error' ? { code: output.error.code } : {}),
        ...(output?.status === 'done' ? { reused: output.reused } : {}),
      });
    },
    error: () => {},
  });
}
