import { isPlainObject } from './parseRegisterBody.js';
import { ServerError } from './serverErrors.js';

/**
 * Largest notification payload, as JSON: a 4096-byte push message less
 * the aes128gcm header (86 bytes), tag (16) and padding delimiter (1).
 * https://www.rfc-editor.org/rfc/rfc8291#section-4
 */
export const maxPayloadBytes = 3993;

/** Longest TTL push services keep a message: four weeks, in seconds. */
export const maxTtlSeconds = 2_419_200;

/** One action button of a notification. */
export interface NotificationAction {
  action: string;
  title: string;
  icon?: string;
}

/** What the service worker receives, as JSON. */
export interface NotificationPayload {
  title?: string;
  body?: string;
  icon?: string;
  data?: unknown;
  vibrate?: number[];
  actions?: NotificationAction[];
}

/** A checked `POST /pushdata/sendnotification` body. */
export interface SendBody {
  apiKey: string | undefined;
  payload: NotificationPayload;
  /** The payload as sent: JSON text. */
  payloadText: string;
  ttl: number;
  /** User ids to send to; undefined sends to every row. */
  users: string[] | undefined;
}

/**
 * Checks a send body (`apiKey`, `title`, `body`, `icon`, `data`,
 * `vibrate`, `actionButtons`, `ttl`, `filter.users`) and builds the
 * notification payload, with `actionButtons` as `actions`.
 *
 * Throws a `ServerError` (400) naming the first wrong field, or
 * `payload-too-large` when the payload would not fit in a push message.
 */
export function parseSendBody(body: unknown): SendBody {
  if (!isPlainObject(body)) throw invalid('Body must be a JSON object');

  const apiKey = optional(body, 'apiKey', isString(256));
  const payload: NotificationPayload = {
    title: optional(body, 'title', isString(256)),
    body: optional(body, 'body', isString(2048)),
    icon: optional(body, 'icon', isString(2048)),
    data: body.data,
    vibrate: optional(body, 'vibrate', isVibrate),
    actions: optional(body, 'actionButtons', isActions),
  };
  const ttl = optional(body, 'ttl', isTtl) ?? 300;

  // Filter
  let users: string[] | undefined;
  if (body.filter !== undefined && body.filter !== null) {
    if (!isPlainObject(body.filter))
      throw invalid('`filter` must be an object');
    users = optional(body.filter, 'users', isUsers, 'filter.users');
  }

  // Payload size
  const payloadText = JSON.stringify(payload);
  if (Buffer.byteLength(payloadText) > maxPayloadBytes) {
    throw new ServerError(
      'payload-too-large',
      400,
      `Notification payload is larger than ${maxPayloadBytes} bytes`,
    );
  }

  return { apiKey, payload, payloadText, ttl, users };
}

type Check<T> = { test: (value: unknown) => value is T; expected: string };

function optional<T>(
  source: Record<string, unknown>,
  key: string,
  check: Check<T>,
  label = key,
): T | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (!check.test(value))
    throw invalid(`\`${label}\` must be ${check.expected}`);

  return value;
}

function isString(max: number): Check<string> {
  return {
    test: (value): value is string =>
      typeof value === 'string' && value.length <= max,
    expected: `a string of at most ${max} characters`,
  };
}

const isVibrate: Check<number[]> = {
  test: (value): value is number[] =>
    Array.isArray(value) &&
    value.length <= 32 &&
    value.every((step) => Number.isInteger(step) && step >= 0),
  expected: 'a list of at most 32 whole milliseconds',
};

const isActions: Check<NotificationAction[]> = {
  test: (value): value is NotificationAction[] =>
    Array.isArray(value) &&
    value.length <= 4 &&
    value.every(
      (button) =>
        isPlainObject(button) &&
        typeof button.action === 'string' &&
        typeof button.title === 'string' &&
        (button.icon === undefined || typeof button.icon === 'string') &&
        Object.keys(button).every((key) =>
          ['action', 'title', 'icon'].includes(key),
        ),
    ),
  expected: 'a list of at most 4 `{ action, title, icon? }`',
};

const isTtl: Check<number> = {
  test: (value): value is number =>
    Number.isInteger(value) &&
    (value as number) >= 0 &&
    (value as number) <= maxTtlSeconds,
  expected: `whole seconds from 0 to ${maxTtlSeconds}`,
};

const isUsers: Check<string[]> = {
  test: (value): value is string[] =>
    Array.isArray(value) &&
    value.length <= 1000 &&
    value.every((user) => typeof user === 'string' && user.length <= 256),
  expected: 'a list of at most 1000 user ids (strings)',
};

function invalid(message: string): ServerError {
  return new ServerError('invalid-body', 400, message);
}
