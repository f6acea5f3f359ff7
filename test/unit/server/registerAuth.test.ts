import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerSettings } from '../../../server/index.js';
import { createTestSubscription } from '../../support/serverTestSubscription.js';
import {
  startTestServer,
  type TestServer,
} from '../../support/startTestServer.js';

const secret = 'a-secret-shared-with-the-app-backend-0123456789';
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(overrides: Partial<ServerSettings>) {
  server = await startTestServer(overrides);

  return server;
}

function token(sub: string, key = secret): Promise<string> {
  return new SignJWT({ sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(key));
}

let counter = 0;

function register(
  url: string,
  options: Record<string, unknown>,
  authorization?: string,
  endpoint = `https://push.example.com/${++counter}`,
) {
  return fetch(`${url}/pushdata/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({
      subscription: createTestSubscription(endpoint).json,
      options,
    }),
  });
}

async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error: { code: string } };

  return body.error.code;
}

describe('register in jwt mode', () => {
  it('stores the row under the token subject', async () => {
    const { url, store } = await start({ auth: { mode: 'jwt', secret } });

    const response = await register(
      url,
      { device: 'phone' },
      `Bearer ${await token('alice')}`,
    );

    expect(response.status).toBe(201);
    expect(store.listSubscriptions()[0]?.userId).toBe('alice');
  });

  it('accepts an options.idUser equal to the subject', async () => {
    const { url, store } = await start({ auth: { mode: 'jwt', secret } });

    const response = await register(
      url,
      { idUser: 'alice' },
      `Bearer ${await token('alice')}`,
    );

    expect(response.status).toBe(201);
    expect(store.listSubscriptions()[0]?.userId).toBe('alice');
  });

  it('answers 403 and stores nothing when options.idUser names another user', async () => {
    const { url, store } = await start({ auth: { mode: 'jwt', secret } });

    const response = await register(
      url,
      { idUser: 'bob' },
      `Bearer ${await token('alice')}`,
    );

    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('forbidden');
    expect(store.countSubscriptions()).toBe(0);
  });

  it.each([
    ['no token', undefined],
    ['a malformed header', 'Basic abc'],
    ['garbage', 'Bearer not.a.jwt'],
    [
      'an unsigned token',
      `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"alice"}').toString('base64url')}.`,
    ],
  ])('answers 401 and stores nothing for %s', async (_name, header) => {
    const { url, store } = await start({ auth: { mode: 'jwt', secret } });

    const response = await register(url, { idUser: 'alice' }, header);

    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('unauthorized');
    expect(store.countSubscriptions()).toBe(0);
  });

  it('answers 401 for a token signed with another secret', async () => {
    const { url, store } = await start({ auth: { mode: 'jwt', secret } });
    const forged = await token(
      'alice',
      'another-secret-of-enough-length-0123456',
    );

    const response = await register(url, {}, `Bearer ${forged}`);

    expect(response.status).toBe(401);
    expect(store.countSubscriptions()).toBe(0);
  });

  it('lets a user delete only their own rows', async () => {
    const { url, store } = await start({ auth: { mode: 'jwt', secret } });
    const alice = `Bearer ${await token('alice')}`;
    const bob = `Bearer ${await token('bob')}`;
    await register(url, {}, alice, 'https://push.example.com/alice');

    const remove = (authorization: string) =>
      fetch(`${url}/pushdata/register`, {
        method: 'DELETE',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ endpoint: 'https://push.example.com/alice' }),
      });

    expect(await (await remove(bob)).json()).toEqual({ removed: false });
    expect(store.countSubscriptions()).toBe(1);
    expect(await (await remove(alice)).json()).toEqual({ removed: true });
    expect(store.countSubscriptions()).toBe(0);
  });

  it('does not warn about open mode', async () => {
    const { logs } = await start({ auth: { mode: 'jwt', secret } });

    expect(logs.filter((line) => line.level === 'warn')).toEqual([]);
  });
});

describe('register with an authenticate hook', () => {
  it('uses the identity the hook resolves with, and 401 for null', async () => {
    const { url, store } = await start({
      auth: {
        mode: 'authenticate',
        authenticate: async (request) => {
          const user = request.headers.get('authorization');

          return user === 'let-me-in' ? { userId: 'carol' } : null;
        },
      },
    });

    const refused = await register(url, {}, 'nope');
    const accepted = await register(url, {}, 'let-me-in');

    expect(refused.status).toBe(401);
    expect(accepted.status).toBe(201);
    expect(store.listSubscriptions().map((row) => row.userId)).toEqual([
      'carol',
    ]);
  });
});

describe('register in open mode', () => {
  it('trusts options.idUser and warns at start-up', async () => {
    const { url, store, logs } = await start({ auth: { mode: 'open' } });

    await register(url, { idUser: 'dave' });

    expect(store.listSubscriptions()[0]?.userId).toBe('dave');
    expect(
      logs.some(
        (line) => line.level === 'warn' && /open auth mode/i.test(line.message),
      ),
    ).toBe(true);
  });
});
