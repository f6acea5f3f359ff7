import { ECDH } from 'node:crypto';
import { checkPushEndpoint, maxEndpointLength } from './pushEndpointGuard.js';
import { ServerError } from './serverErrors.js';

/** Largest `options` metadata stored with a row, as JSON. */
export const maxOptionsBytes = 2048;

/** A checked `POST /pushdata/register` body. */
export interface RegisterBody {
  subscription: {
    endpoint: string;
    expirationTime: number | null;
    keys: { p256dh: string; auth: string };
  };
  options: Record<string, unknown>;
  previousEndpoint?: string;
}

const base64url = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Checks a register body: a subscription with an allowed endpoint (see
 * `checkPushEndpoint`), a `p256dh` key that is a 65-byte point on P-256
 * and a 16-byte `auth` secret, both base64url; `options` a plain object
 * of at most `maxOptionsBytes` as JSON; `previousEndpoint` a string.
 *
 * Throws a `ServerError` (400) naming the first wrong field.
 */
export function parseRegisterBody(
  body: unknown,
  allowedHosts: readonly string[],
): RegisterBody {
  if (!isPlainObject(body)) throw invalidBody('Body must be a JSON object');

  // Subscription
  const subscription = body.subscription;
  if (!isPlainObject(subscription)) {
    throw invalidSubscription('`subscription` must be an object');
  }
  const { endpoint, expirationTime, keys } = subscription;
  if (typeof endpoint !== 'string') {
    throw invalidSubscription('`subscription.endpoint` must be a string');
  }
  checkPushEndpoint(endpoint, allowedHosts);
  if (
    expirationTime !== undefined &&
    expirationTime !== null &&
    !(Number.isSafeInteger(expirationTime) && Number(expirationTime) >= 0)
  ) {
    throw invalidSubscription(
      '`subscription.expirationTime` must be a time in ms or null',
    );
  }
  if (!isPlainObject(keys)) {
    throw invalidSubscription('`subscription.keys` must be an object');
  }
  const p256dh = checkP256dh(keys.p256dh);
  const auth = checkAuth(keys.auth);

  // Options
  const options = body.options ?? {};
  if (!isPlainObject(options)) {
    throw new ServerError(
      'invalid-options',
      400,
      '`options` must be a plain object',
    );
  }
  if (Buffer.byteLength(JSON.stringify(options)) > maxOptionsBytes) {
    throw new ServerError(
      'invalid-options',
      400,
      `\`options\` is larger than ${maxOptionsBytes} bytes as JSON`,
    );
  }

  // Previous endpoint
  const previousEndpoint = body.previousEndpoint;
  if (
    previousEndpoint !== undefined &&
    previousEndpoint !== null &&
    (typeof previousEndpoint !== 'string' ||
      previousEndpoint.length > maxEndpointLength)
  ) {
    throw invalidBody('`previousEndpoint` must be a string');
  }

  return {
    subscription: {
      endpoint,
      expirationTime: (expirationTime as number | null | undefined) ?? null,
      keys: { p256dh, auth },
    },
    options,
    ...(typeof previousEndpoint === 'string' ? { previousEndpoint } : {}),
  };
}

/**
 * Checks a `DELETE /pushdata/register` body: `{ endpoint: string }`.
 * Throws a `ServerError` (400) otherwise.
 */
export function parseUnregisterBody(body: unknown): { endpoint: string } {
  if (
    !isPlainObject(body) ||
    typeof body.endpoint !== 'string' ||
    body.endpoint === '' ||
    body.endpoint.length > maxEndpointLength
  ) {
    throw invalidBody('Body must be `{ endpoint: string }`');
  }

  return { endpoint: body.endpoint };
}

/** True for `{}`-made objects: no arrays, class instances or null. */
export function isPlainObject(
  value: unknown,
): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;

  const prototype = Object.getPrototypeOf(value);

  return prototype === Object.prototype || prototype === null;
}

function checkP256dh(value: unknown): string {
  const bytes = decode(value);
  if (bytes === undefined || bytes.length !== 65 || bytes[0] !== 0x04) {
    throw invalidSubscription(
      '`subscription.keys.p256dh` must be base64url of a 65-byte P-256 point',
    );
  }

  // Off-curve points would make every later encryption fail
  try {
    ECDH.convertKey(bytes, 'prime256v1');
  } catch (error) {
    throw invalidSubscription(
      '`subscription.keys.p256dh` is not a point on P-256',
      error,
    );
  }

  return value as string;
}

function checkAuth(value: unknown): string {
  const bytes = decode(value);
  if (bytes === undefined || bytes.length !== 16) {
    throw invalidSubscription(
      '`subscription.keys.auth` must be base64url of 16 bytes',
    );
  }

  return value as string;
}

function decode(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !base64url.test(value)) return undefined;

  return Buffer.from(value, 'base64url');
}

function invalidBody(message: string): ServerError {
  return new ServerError('invalid-body', 400, message);
}

function invalidSubscription(message: string, cause?: unknown): ServerError {
  return new ServerError('invalid-subscription', 400, message, { cause });
}
