import { type FetchError, ofetch } from 'ofetch';
import { HttpError } from '../machines/pushPermissionErrors.js';
import type { PushServer, RegisterRequest } from '../machines/pushPorts.js';

/** Paths of the push routes, relative to `baseUrl`. */
export interface PushRoutes {
  /** Default `/pushdata/vapidpublickey`. */
  publicKey?: string;
  /** Default `/pushdata/register` (POST to register, DELETE to drop). */
  register?: string;
}

/** Where the push routes live and how to call them. */
export interface HttpPushServerOptions {
  /** Origin (and path prefix) of the server; `''` means this page's. */
  baseUrl: string;
  /** Route paths, when the server does not use the contract's. */
  routes?: PushRoutes;
  /** Extra headers per request, e.g. `Authorization: Bearer <jwt>`. */
  headers?: () => HeadersInit | Promise<HeadersInit>;
  /** Cookie mode of every request; the browser default when unset. */
  credentials?: RequestCredentials;
  /** The `fetch` to use; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}

const defaultRoutes = {
  publicKey: '/pushdata/vapidpublickey',
  register: '/pushdata/register',
} as const;

/**
 * The reference server's push routes over HTTP (ofetch). Every call passes
 * the machine's `AbortSignal` to `fetch`, so cancelling the flow closes
 * the connection.
 *
 * Rejects with an `HttpError`: `status` set for a non-2xx answer (with
 * `retryAfterMs` from `Retry-After`), undefined when no answer came.
 * It never retries: the machine's policy does.
 *
 * `fetchPublicKey` resolves with `publicKey` of the JSON answer, or with
 * `''` when the answer has none, so that the machine reports `invalid-key`.
 *
 * @throws TypeError when `baseUrl` is not a string.
 */
export function httpPushServer(options: HttpPushServerOptions): PushServer {
  if (typeof options?.baseUrl !== 'string') {
    throw new TypeError('`baseUrl` must be a string (`""` for this origin)');
  }

  const routes = { ...defaultRoutes, ...options.routes };
  const client = ofetch.create(
    { baseURL: options.baseUrl, retry: 0, credentials: options.credentials },
    options.fetch ? { fetch: options.fetch } : {},
  );

  async function call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    route: string,
    signal: AbortSignal,
    body?: Record<string, unknown>,
  ): Promise<T> {
    const headers = options.headers ? await options.headers() : undefined;

    try {
      return await client<T>(route, { method, body, headers, signal });
    } catch (error) {
      throw toHttpError(error, `${method} ${route}`);
    }
  }

  return {
    async fetchPublicKey(signal) {
      const body = await call<unknown>('GET', routes.publicKey, signal);
      const key = (body as { publicKey?: unknown } | null)?.publicKey;

      return typeof key === 'string' ? key : '';
    },

    async register(request: RegisterRequest, signal) {
      await call('POST', routes.register, signal, { ...request });
    },

    async unregister(endpoint, signal) {
      await call('DELETE', routes.register, signal, { endpoint });
    },
  };
}

/** Turns what ofetch threw into an `HttpError` naming the route. */
function toHttpError(error: unknown, route: string): HttpError {
  const response = (error as Partial<FetchError> | null)?.response;
  if (!response) {
    return new HttpError(`Request got no response: ${route}`, {
      cause: error,
    });
  }

  return new HttpError(
    `Request failed with status ${response.status}: ${route}`,
    {
      cause: error,
      status: response.status,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    },
  );
}

/**
 * Milliseconds a `Retry-After` value asks for: delay-seconds or an
 * HTTP date (RFC 9110, section 10.2.3). Undefined when absent or invalid;
 * a date in the past gives 0.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined;

  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;

  // Every HTTP date names its weekday; Date.parse alone takes '-5' as a year
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;

  return Math.max(0, date - now);
}
