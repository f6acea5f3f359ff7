import { jwtVerify } from 'jose';
import { ServerError } from './serverErrors.js';
import type { AuthSettings } from './serverSettings.js';

/**
 * The user id a register request may store, from its proven identity:
 *
 * - open mode: the claimed `options.idUser`, or null when absent;
 * - jwt mode: the `sub` of an HS256 bearer token;
 * - authenticate mode: what the hook resolves with.
 *
 * Rejects with a `ServerError`: 401 when no identity is proven, 403 when
 * `claimedUserId` is given and differs from it, 400 when it is not a
 * string.
 */
export async function identifyRequest(
  request: Request,
  auth: AuthSettings,
  claimedUserId: unknown,
): Promise<string | null> {
  if (
    claimedUserId !== undefined &&
    claimedUserId !== null &&
    typeof claimedUserId !== 'string'
  ) {
    throw new ServerError(
      'invalid-options',
      400,
      '`options.idUser` must be a string',
    );
  }
  const claimed = claimedUserId ?? null;

  if (auth.mode === 'open') return claimed;

  const userId = await provenUserId(request, auth);
  if (claimed !== null && claimed !== userId) {
    throw new ServerError(
      'forbidden',
      403,
      '`options.idUser` does not match the authenticated user',
    );
  }

  return userId;
}

/**
 * The user id proven by the request in jwt or authenticate mode; rejects
 * with a 401 `ServerError` when there is none.
 */
export async function provenUserId(
  request: Request,
  auth: Exclude<AuthSettings, { mode: 'open' }>,
): Promise<string> {
  if (auth.mode === 'authenticate') {
    const identity = await auth.authenticate(request);
    if (identity === null || typeof identity.userId !== 'string') {
      throw unauthorized('The request is not authenticated');
    }

    return identity.userId;
  }

  const header = request.headers.get('authorization') ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (token === undefined) throw unauthorized('A bearer token is required');

  try {
    const { payload } = await jwtVerify(
      token,
      new TextEncoder().encode(auth.secret),
      { algorithms: ['HS256'] },
    );
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new Error('The token has no `sub`');
    }

    return payload.sub;
  } catch (error) {
    throw unauthorized('The bearer token is not valid', error);
  }
}

function unauthorized(message: string, cause?: unknown): ServerError {
  return new ServerError('unauthorized', 401, message, { cause });
}
