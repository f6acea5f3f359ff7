import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  httpPushServer,
  parseRetryAfter,
} from '../../../adapters/httpPushServer.js';
import { HttpError } from '../../../machines/pushPermissionErrors.js';
import {
  startTestServer,
  type TestServer,
} from '../../support/startTestServer.js';

const signal = () => new AbortController().signal;

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  test.for([
    ['120', 120_000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    [null, undefined],
  ] as const)('reads %s as %s ms', ([value, expected]) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('httpPushServer against the reference server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('fetchPublicKey resolves with the server key', async () => {
    const client = httpPushServer({ baseUrl: server.url });

    await expect(client.fetchPublicKey(signal())).resolves.toBe(
      server.settings.vapidPublicKey,
    );
  });

  test('register sends the body and the headers hook, unregister drops', async () => {
    const seen: (string | null)[] = [];
    const client = httpPushServer({
      baseUrl: server.url,
      headers: async () => ({ 'x-test': 'yes' }),
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers).get('x-test'));

        return fetch(input, init);
      },
    });
    const endpoint = 'http://127.0.0.1:9/push/unit-register';
    const subscription = {
      endpoint,
      expirationTime: null,
      keys: {
        p256dh:
          'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
        auth: 'BTBZMqHH6r4Tts7J_aSIgg',
      },
    };

    await client.register(
      { subscription, options: { idUser: 'unit' } },
      signal(),
    );
    const row = server.store
      .listSubscriptions()
      .find((stored) => stored.endpoint === endpoint);
    await client.unregister(endpoint, signal());

    expect(row?.options).toEqual({ idUser: 'unit' });
    expect(server.store.listSubscriptions()).toEqual([]);
    expect(seen).toEqual(['yes', 'yes']);
  });

  test('a 400 rejects with HttpError and its status, once', async () => {
    let calls = 0;
    const client = httpPushServer({
      baseUrl: server.url,
      fetch: (input, init) => {
        calls++;

        return fetch(input, init);
      },
    });

    const failure = client.register(
      { subscription: {} as never, options: {} },
      signal(),
    );

    await expect(failure).rejects.toBeInstanceOf(HttpError);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      message: 'Request failed with status 400: POST /pushdata/register',
    });
    expect(calls).toBe(1);
  });

  test('routes can be renamed', async () => {
    const client = httpPushServer({
      baseUrl: server.url,
      routes: { publicKey: '/healthz' },
    });

    // `{ ok: true }` has no publicKey: the machine will say invalid-key
    await expect(client.fetchPublicKey(signal())).resolves.toBe('');
  });
});

describe('httpPushServer without an answer', () => {
  test('a refused connection rejects with status undefined, once', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) =>
      closed.listen(0, '127.0.0.1', resolve),
    );
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    let calls = 0;
    const client = httpPushServer({
      baseUrl: `http://127.0.0.1:${port}`,
      fetch: (input, init) => {
        calls++;

        return fetch(input, init);
      },
    });

    const failure = client.fetchPublicKey(signal());

    await expect(failure).rejects.toBeInstanceOf(HttpError);
    await expect(failure).rejects.toMatchObject({ status: undefined });
    expect(calls).toBe(1);
  });

  test('a missing baseUrl is a TypeError naming it', () => {
    expect(() => httpPushServer({} as never)).toThrow(/`baseUrl`/);
  });
});
