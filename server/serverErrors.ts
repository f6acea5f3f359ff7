import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error code the server answers with, in `{ error: { code } }`. */
export type ServerErrorCode =
  | 'invalid-json'
  | 'unsupported-media-type'
  | 'body-too-large'
  | 'invalid-body'
  | 'invalid-subscription'
  | 'invalid-endpoint'
  | 'forbidden-endpoint'
  | 'invalid-options'
  | 'payload-too-large'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'invalid-setting'
  | 'internal';

/** The JSON body of every error answer. */
export interface ServerErrorBody {
  error: { code: ServerErrorCode; message: string };
}

/**
 * Base class of every error the server raises. `status` is the HTTP status
 * the request gets; the message never holds endpoints or keys, since it is
 * sent to the client.
 */
export class ServerError extends Error {
  override name: string = 'ServerError';
  readonly code: ServerErrorCode;
  readonly status: ContentfulStatusCode;

  constructor(
    code: ServerErrorCode,
    status: ContentfulStatusCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.status = status;
  }

  /** The answer body for this error. */
  toBody(): ServerErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** A server setting is missing or malformed; `setting` names it. */
export class SettingsError extends ServerError {
  override name = 'SettingsError' as const;
  readonly setting: string;

  constructor(setting: string, problem: string, options?: ErrorOptions) {
    super(
      'invalid-setting',
      500,
      `Invalid setting \`${setting}\`: ${problem}`,
      {
        ...options,
      },
    );
    this.setting = setting;
  }
}

/** True for a `ServerError`, also across realms (checks `name` too). */
export function isServerError(value: unknown): value is ServerError {
  return (
    value instanceof ServerError ||
    (value instanceof Error &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { status?: unknown }).status === 'number' &&
      (value.name === 'ServerError' || value.name === 'SettingsError'))
  );
}

/** Turns anything thrown into a `ServerError`, keeping it as the cause. */
export function toServerError(value: unknown): ServerError {
  if (isServerError(value)) return value;

  return new ServerError('internal', 500, 'Internal server error', {
    cause: value,
  });
}
