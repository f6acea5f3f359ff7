import { isHttpError } from './pushPermissionErrors.js';

/** Timeouts and retry policy of the flow, all in milliseconds. */
export interface PushFlowSettings {
  /** Longest wait for an answer to the permission prompt. */
  permissionTimeoutMs: number;
  /** Longest wait for the VAPID key response, per attempt. */
  keyTimeoutMs: number;
  /** Longest wait for an active service worker registration. */
  serviceWorkerTimeoutMs: number;
  /** Longest wait for `pushManager.subscribe()` or `unsubscribe()`. */
  subscribeTimeoutMs: number;
  /** Longest wait for the register response, per attempt. */
  registerTimeoutMs: number;
  /** Retries after the first attempt, for transient failures only. */
  retries: number;
  /** First backoff delay; doubles with each retry. */
  retryBaseDelayMs: number;
  /** Cap of the backoff; a `Retry-After` beyond it is not waited for. */
  retryMaxDelayMs: number;
}

export const defaultSettings: Readonly<PushFlowSettings> = Object.freeze({
  permissionTimeoutMs: 300_000,
  keyTimeoutMs: 10_000,
  serviceWorkerTimeoutMs: 10_000,
  subscribeTimeoutMs: 20_000,
  registerTimeoutMs: 10_000,
  retries: 3,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 10_000,
});

/**
 * Fills in defaults and checks every value.
 *
 * @throws TypeError naming the setting when a value is not a finite,
 * non-negative number (or a whole number, for `retries`).
 */
export function resolveSettings(
  settings: Partial<PushFlowSettings> = {},
): PushFlowSettings {
  if (typeof settings !== 'object' || settings === null) {
    throw new TypeError('`settings` must be an object');
  }

  const resolved = { ...defaultSettings };

  for (const key of Object.keys(
    defaultSettings,
  ) as (keyof PushFlowSettings)[]) {
    const value = settings[key];
    if (value === undefined) continue;

    const valid =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= 0 &&
      (key !== 'retries' || Number.isInteger(value));
    if (!valid) {
      throw new TypeError(
        `\`settings.${key}\` must be a non-negative ${key === 'retries' ? 'whole number' : 'number of milliseconds'}`,
      );
    }

    resolved[key] = value;
  }

  return resolved;
}

/** What the machine remembers of a failed attempt, for the next one. */
export interface RetryState {
  /** Attempts made so far. */
  attempts: number;
  /** How long to wait before the next attempt. */
  delayMs: number;
}

/**
 * True when a failure may pass if tried again: no response at all
 * (network error, timeout), a 5xx, or a 429.
 */
export function isTransientFailure(error: unknown): boolean {
  if (!isHttpError(error)) return false;

  const { status } = error;

  return status === undefined || status >= 500 || status === 429;
}

/**
 * The wait before attempt `attempts + 1`, or undefined when the failure
 * must not be retried: not transient, out of attempts, or a `Retry-After`
 * longer than `retryMaxDelayMs`.
 */
export function nextRetryDelay(
  settings: PushFlowSettings,
  attempts: number,
  error: unknown,
): number | undefined {
  if (!isTransientFailure(error)) return undefined;
  if (attempts > settings.retries) return undefined;

  const backoff = Math.min(
    settings.retryBaseDelayMs * 2 ** (attempts - 1),
    settings.retryMaxDelayMs,
  );

  // Retry-After is a floor: the server knows when it can take us again
  const retryAfter = isHttpError(error) ? error.retryAfterMs : undefined;
  if (retryAfter === undefined) return backoff;
  if (retryAfter > settings.retryMaxDelayMs) return undefined;

  return Math.max(backoff, retryAfter);
}

/**
 * The longest a flow can run with these settings when every call hangs
 * or fails slowly: the bound the flow is proven to end within.
 */
export function flowTimeBound(settings: PushFlowSettings): number {
  const tries = settings.retries + 1;
  const waits = settings.retries * settings.retryMaxDelayMs;
  const key = tries * settings.keyTimeoutMs + waits;
  const register = tries * settings.registerTimeoutMs + waits;

  return (
    Math.max(settings.permissionTimeoutMs, key) +
    settings.serviceWorkerTimeoutMs +
    2 * settings.subscribeTimeoutMs +
    register
  );
}
