/**
 * Every way the push permission flow can fail, as one `code` union.
 */
export type PushErrorCode =
  | 'unsupported'
  | 'permission-denied'
  | 'permission-dismissed'
  | 'key-fetch-failed'
  | 'invalid-key'
  | 'service-worker-unavailable'
  | 'push-service-unreachable'
  | 'subscribe-failed'
  | 'register-failed'
  | 'aborted';

/** Why a browser cannot do Web Push. */
export type UnsupportedReason =
  | 'no-notification'
  | 'no-push-manager'
  | 'no-service-worker'
  | 'insecure-context'
  | 'ios-not-installed';

/** The serialisable shape of a flow error, as `toJSON` gives it. */
export interface PushErrorData {
  name: string;
  code: PushErrorCode;
  message: string;
  reason?: UnsupportedReason;
  status?: number;
}

/**
 * Base class of every error the flow ends with. `code` tells which step
 * failed and how; `cause` keeps what was thrown underneath.
 */
export class PushPermissionError extends Error {
  override name: string = 'PushPermissionError';
  readonly code: PushErrorCode;

  constructor(code: PushErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /**
   * Plain data for snapshots and the inspector: `reason` and `status` when
   * the subclass has them; the cause is left out.
   */
  toJSON(): PushErrorData {
    const { reason, status } = this as Partial<PushErrorData>;

    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(reason === undefined ? {} : { reason }),
      ...(status === undefined ? {} : { status }),
    };
  }
}

/** The browser cannot do Web Push; `reason` says what is missing. */
export class UnsupportedError extends PushPermissionError {
  override name = 'UnsupportedError' as const;
  declare readonly code: 'unsupported';
  readonly reason: UnsupportedReason;

  constructor(reason: UnsupportedReason, options?: ErrorOptions) {
    super('unsupported', unsupportedMessages[reason], options);
    this.reason = reason;
  }
}

/** Notification permission was refused (`denied`) or the prompt closed. */
export class PermissionError extends PushPermissionError {
  override name = 'PermissionError' as const;
  declare readonly code: 'permission-denied' | 'permission-dismissed';

  constructor(code: 'permission-denied' | 'permission-dismissed') {
    super(
      code,
      code === 'permission-denied'
        ? 'Notification permission is blocked for this site'
        : 'The notification prompt was closed without an answer',
    );
  }
}

/** The VAPID public key could not be fetched, or is not a P-256 key. */
export class KeyError extends PushPermissionError {
  override name = 'KeyError' as const;
  declare readonly code: 'key-fetch-failed' | 'invalid-key';
  readonly status: number | undefined;

  constructor(
    code: 'key-fetch-failed' | 'invalid-key',
    message: string,
    options?: ErrorOptions & { status?: number },
  ) {
    super(code, message, options);
    this.status = options?.status;
  }
}

/** No service worker registration became active in time. */
export class ServiceWorkerError extends PushPermissionError {
  override name = 'ServiceWorkerError' as const;
  declare readonly code: 'service-worker-unavailable';

  constructor(message: string, options?: ErrorOptions) {
    super('service-worker-unavailable', message, options);
  }
}

/** `pushManager.subscribe()` failed, or its push service did not answer. */
export class SubscribeError extends PushPermissionError {
  override name = 'SubscribeError' as const;
  declare readonly code: 'push-service-unreachable' | 'subscribe-failed';

  constructor(
    code: 'push-service-unreachable' | 'subscribe-failed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** The server refused or never took the subscription. */
export class RegisterError extends PushPermissionError {
  override name = 'RegisterError' as const;
  declare readonly code: 'register-failed';
  readonly status: number | undefined;

  constructor(message: string, options?: ErrorOptions & { status?: number }) {
    super('register-failed', message, options);
    this.status = options?.status;
  }
}

/** The flow was cancelled by `user.cancel` before it finished. */
export class AbortedError extends PushPermissionError {
  override name = 'AbortedError' as const;
  declare readonly code: 'aborted';

  constructor(message = 'The push permission flow was cancelled') {
    super('aborted', message);
  }
}

/**
 * A failed HTTP exchange, as the HTTP adapter reports it to the machine.
 * `status` is undefined when no response arrived (network error, timeout);
 * the machine retries those, 5xx and 429, and nothing else.
 */
export class HttpError extends Error {
  override name = 'HttpError' as const;
  readonly status: number | undefined;
  /** Milliseconds the server asked to wait (`Retry-After`), if it did. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options?: ErrorOptions & { status?: number; retryAfterMs?: number },
  ) {
    super(message, options);
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

const errorNames = new Set([
  'PushPermissionError',
  'UnsupportedError',
  'PermissionError',
  'KeyError',
  'ServiceWorkerError',
  'SubscribeError',
  'RegisterError',
  'AbortedError',
]);

/**
 * True for any error of this library. Checks `name` and `code` as well as
 * `instanceof`, so errors from another realm (an iframe, a worker) pass.
 */
export function isPushPermissionError(
  value: unknown,
): value is PushPermissionError {
  if (value instanceof PushPermissionError) return true;
  if (typeof value !== 'object' || value === null) return false;

  const { name, code } = value as { name?: unknown; code?: unknown };

  return typeof name === 'string' && errorNames.has(name) && isCode(code);
}

/** True for an {@link HttpError}, across realms too. */
export function isHttpError(value: unknown): value is HttpError {
  if (value instanceof HttpError) return true;

  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'HttpError'
  );
}

const codes: ReadonlySet<string> = new Set<PushErrorCode>([
  'unsupported',
  'permission-denied',
  'permission-dismissed',
  'key-fetch-failed',
  'invalid-key',
  'service-worker-unavailable',
  'push-service-unreachable',
  'subscribe-failed',
  'register-failed',
  'aborted',
]);

function isCode(value: unknown): value is PushErrorCode {
  return typeof value === 'string' && codes.has(value);
}

/** What the user is told when their browser cannot do push. */
export const unsupportedMessages: Record<UnsupportedReason, string> = {
  'no-notification': 'This browser cannot show notifications.',
  'no-push-manager': 'This browser does not support push notifications.',
  'no-service-worker':
    'This browser cannot run the service worker that push notifications need.',
  'insecure-context':
    'Push notifications need a secure (https) connection to this site.',
  'ios-not-installed':
    'To get notifications on iPhone or iPad, add this app to your Home Screen first, then open it from there.',
};
