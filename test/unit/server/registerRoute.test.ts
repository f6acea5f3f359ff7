import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestSubscription } from '../../support/serverTestSubscription.js';
import {
  startTestServer,
  type TestServer,
} from '../../support/startTestServer.js';

let server: TestServer;

beforeEach(async () => {
  // No allowed hosts: the SSRF check applies to every endpoint here
  server = await startTestServer({ allowedPushHosts: [] });
});

afterEach(async () => {
  await server.close();
});

function register(body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}/pushdata/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

let counter = 0;

function validBody(endpoint?: string) {
  const subscription = createTestSubscription(
    endpoint ?? `https://push.example.com/send/${++counter}`,
  );

  return { subscription: subscription.json, options: { idUser: 'u1' } };
}

// The load tests get a generous ceiling: CI machines may be busy
describe('POST /pushdata/register', () => {
  it('stores a new subscription with its options and answers 201', async () => {
    const body = validBody();

    const response = await register(body);

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ status: 'created' });
    const rows = server.store.listSubscriptions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      endpoint: body.subscription.endpoint,
      p256dh: body.subscription.keys.p256dh,
      auth: body.subscription.keys.auth,
      userId: 'u1',
      options: { idUser: 'u1' },
    });
  });

  it('updates the row of a known endpoint and answers 200', async () => {
    const first = validBody();
    await register(first);
    const again = validBody(first.subscription.endpoint);

    const response = await register({
      ...again,
      options: { idUser: 'u1', device: 'phone' },
    });

    expect(response.status).toBe(200);
    const rows = server.store.listSubscriptions();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.p256dh).toBe(again.subscription.keys.p256dh);
    expect(rows[0]?.options).toEqual({ idUser: 'u1', device: 'phone' });
  });

  it('deletes previousEndpoint in the same request', async () => {
    const old = validBody();
    const other = validBody();
    await register(old);
    await register(other);
    const replacement = validBody();

    const response = await register({
      ...replacement,
      previousEndpoint: old.subscription.endpoint,
    });

    expect(response.status).toBe(201);
    expect(
      server.store
        .listSubscriptions()
        .map((row) => row.endpoint)
        .sort(),
    ).toEqual(
      [other.subscription.endpoint, replacement.subscription.endpoint].sort(),
    );
  });

  it('keeps previousEndpoint when it belongs to another user', async () => {
    const theirs = validBody();
    await register({ ...theirs, options: { idUser: 'someone-else' } });

    await register({
      ...validBody(),
      previousEndpoint: theirs.subscription.endpoint,
    });

    expect(server.store.countSubscriptions()).toBe(2);
  });

  it('stores exactly 500 rows for 500 concurrent distinct registrations', async () => {
    const bodies = Array.from({ length: 500 }, () => validBody());

    const responses = await Promise.all(bodies.map((body) => register(body)));

    expect(responses.map((response) => response.status)).toEqual(
      bodies.map(() => 201),
    );
    expect(server.store.countSubscriptions()).toBe(500);
  }, 30_000);

  it('stores one row for the same endpoint registered 100 times at once', async () => {
    const body = validBody();

    const responses = await Promise.all(
      Array.from({ length: 100 }, () => register(body)),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(99);
    expect(server.store.countSubscriptions()).toBe(1);
  }, 30_000);

  it('logs one line per request, never endpoints or keys', async () => {
    const body = validBody();
    await register(body);
    await register({ ...body, options: [] });

    const requests = server.logs.filter((line) => line.message === 'request');
    expect(requests.map((line) => line.fields)).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/pushdata/register',
        status: 201,
      }),
      expect.objectContaining({ status: 400 }),
    ]);
    const logged = JSON.stringify(server.logs);
    expect(logged).not.toContain(body.subscription.endpoint);
    expect(logged).not.toContain(body.subscription.keys.p256dh);
    expect(logged).not.toContain(body.subscription.keys.auth);
    expect(logged).not.toContain(server.settings.apiKey);
  });
});

describe('POST /pushdata/register refuses bad input', () => {
  const valid = validBody();
  const sub = valid.subscription;
  const withEndpoint = (endpoint: unknown) => ({
    ...valid,
    subscription: { ...sub, endpoint },
  });
  const withKeys = (keys: Record<string, unknown>) => ({
    ...valid,
    subscription: { ...sub, keys: { ...sub.keys, ...keys } },
  });
  const offCurve = Buffer.from(sub.keys.p256dh, 'base64url');
  offCurve[40] = (offCurve[40] ?? 0) ^ 1;
  const nested = `${'['.repeat(50)}${']'.repeat(50)}`;

  const cases: [string, unknown, number, string, RequestInit?][] = [
    ['a body that is not JSON', '{"subscription":', 400, 'invalid-json'],
    [
      'a body of another content type',
      valid,
      415,
      'unsupported-media-type',
      { headers: { 'content-type': 'text/plain' } },
    ],
    [
      'a body over 8 KB',
      { ...valid, padding: 'x'.repeat(9000) },
      413,
      'body-too-large',
    ],
    ['deeply nested JSON', `{"subscription":${nested}}`, 400, 'invalid-body'],
    [
      'a __proto__ key',
      `{"options":{"__proto__":{"polluted":true}},"subscription":${JSON.stringify(sub)}}`,
      400,
      'invalid-body',
    ],
    ['an array body', [valid], 400, 'invalid-body'],
    ['a missing subscription', { options: {} }, 400, 'invalid-subscription'],
    ['a numeric endpoint', withEndpoint(42), 400, 'invalid-subscription'],
    [
      'options that is an array',
      { ...valid, options: [] },
      400,
      'invalid-options',
    ],
    [
      'options that is a string',
      { ...valid, options: 'x' },
      400,
      'invalid-options',
    ],
    [
      'options over 2 KB',
      { ...valid, options: { note: 'x'.repeat(3000) } },
      400,
      'invalid-options',
    ],
    [
      'a numeric options.idUser',
      { ...valid, options: { idUser: 7 } },
      400,
      'invalid-options',
    ],
    [
      'an endpoint that is not a URL',
      withEndpoint('not a url'),
      400,
      'invalid-endpoint',
    ],
    [
      'an http endpoint',
      withEndpoint('http://push.example.com/x'),
      400,
      'invalid-endpoint',
    ],
    [
      'an endpoint with credentials',
      withEndpoint('https://user:pw@push.example.com/x'),
      400,
      'invalid-endpoint',
    ],
    [
      'a loopback endpoint',
      withEndpoint('https://127.0.0.1/x'),
      400,
      'forbidden-endpoint',
    ],
    [
      'a loopback endpoint in hex form',
      withEndpoint('https://0x7f000001/x'),
      400,
      'forbidden-endpoint',
    ],
    [
      'an IPv6 loopback endpoint',
      withEndpoint('https://[::1]/x'),
      400,
      'forbidden-endpoint',
    ],
    [
      'an IPv4-mapped IPv6 endpoint',
      withEndpoint('https://[::ffff:10.0.0.1]/x'),
      400,
      'forbidden-endpoint',
    ],
    [
      'a localhost endpoint',
      withEndpoint('https://localhost/x'),
      400,
      'forbidden-endpoint',
    ],
    [
      'a private endpoint',
      withEndpoint('https://10.1.2.3/x'),
      400,
      'forbidden-endpoint',
    ],
    [
      'a 192.168 endpoint',
      withEndpoint('https://192.168.1.1/x'),
      400,
      'forbidden-endpoint',
    ],
    [
      'a link-local metadata endpoint',
      withEndpoint('https://169.254.169.254/latest'),
      400,
      'forbidden-endpoint',
    ],
    [
      'a metadata host name',
      withEndpoint('https://metadata.google.internal/x'),
      400,
      'forbidden-endpoint',
    ],
    [
      'a single-label host',
      withEndpoint('https://intranet/x'),
      400,
      'forbidden-endpoint',
    ],
    [
      'p256dh not base64url',
      withKeys({ p256dh: 'a+b/c' }),
      400,
      'invalid-subscription',
    ],
    [
      'p256dh of 33 bytes',
      withKeys({ p256dh: Buffer.alloc(33, 4).toString('base64url') }),
      400,
      'invalid-subscription',
    ],
    [
      'p256dh off the curve',
      withKeys({ p256dh: offCurve.toString('base64url') }),
      400,
      'invalid-subscription',
    ],
    [
      'auth of 12 bytes',
      withKeys({ auth: Buffer.alloc(12).toString('base64url') }),
      400,
      'invalid-subscription',
    ],
    [
      'auth missing',
      withKeys({ auth: undefined }),
      400,
      'invalid-subscription',
    ],
    [
      'a string expirationTime',
      { ...valid, subscription: { ...sub, expirationTime: 'soon' } },
      400,
      'invalid-subscription',
    ],
    [
      'a numeric previousEndpoint',
      { ...valid, previousEndpoint: 5 },
      400,
      'invalid-body',
    ],
  ];

  it.each(cases)(
    'answers 4xx for %s and stores nothing',
    async (_name, body, status, code, init) => {
      const existing = validBody();
      await register(existing);
      const before = server.store.listSubscriptions();

      const response = await register(body, init);

      expect(response.status).toBe(status);
      const answer = (await response.json()) as {
        error: { code: string; message: string };
      };
      expect(answer.error.code).toBe(code);
      expect(answer.error.message).not.toContain('example.com');
      expect(server.store.listSubscriptions()).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});

describe('POST /pushdata/register with a chunked body', () => {
  function streamed(text: string): RequestInit {
    const bytes = new TextEncoder().encode(text);

    return {
      body: new ReadableStream({
        start(controller) {
          // Several chunks and no Content-Length
          for (let at = 0; at < bytes.length; at += 1000) {
            controller.enqueue(bytes.subarray(at, at + 1000));
          }
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit;
  }

  it('accepts a valid body', async () => {
    const response = await register('', streamed(JSON.stringify(validBody())));

    expect(response.status).toBe(201);
    expect(server.store.countSubscriptions()).toBe(1);
  });

  it('answers 413 once the streamed body passes 8 KB', async () => {
    const body = { ...validBody(), padding: 'x'.repeat(9000) };

    const response = await register('', streamed(JSON.stringify(body)));

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      error: { code: 'body-too-large' },
    });
    expect(server.store.countSubscriptions()).toBe(0);
  });
});

describe('DELETE /pushdata/register', () => {
  it('removes the row of the endpoint', async () => {
    const kept = validBody();
    const dropped = validBody();
    await register(kept);
    await register(dropped);

    const response = await fetch(`${server.url}/pushdata/register`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: dropped.subscription.endpoint }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ removed: true });
    expect(server.store.listSubscriptions().map((row) => row.endpoint)).toEqual(
      [kept.subscription.endpoint],
    );
  });

  it('answers 400 for a body without an endpoint', async () => {
    await register(validBody());

    const response = await fetch(`${server.url}/pushdata/register`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(server.store.countSubscriptions()).toBe(1);
  });
});

describe('unknown routes', () => {
  it('answers 404 with a JSON error for an unknown path', async () => {
    const response = await fetch(`${server.url}/pushdata/nothing`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: 'not-found' },
    });
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const response = await fetch(`${server.url}/pushdata/register`, {
      method: 'PUT',
    });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, DELETE');
    expect(await response.json()).toMatchObject({
      error: { code: 'method-not-allowed' },
    });
  });
});
