import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakePushEndpoint,
  startFakePushEndpoint,
} from '../../support/serverFakePushEndpoint.js';
import {
  createTestSubscription,
  type TestSubscription,
} from '../../support/serverTestSubscription.js';
import {
  startTestServer,
  type TestServer,
} from '../../support/startTestServer.js';

// The push service here is a test double (serverFakePushEndpoint): it
// records requests and answers by path, it is not a real push service.
let pushService: FakePushEndpoint;
let server: TestServer;

beforeEach(async () => {
  pushService = await startFakePushEndpoint();
  server = await startTestServer({ sendTimeoutMs: 200 });
});

afterEach(async () => {
  await server.close();
  await pushService.close();
});

async function subscribe(
  path: string,
  idUser?: string,
): Promise<TestSubscription> {
  const subscription = createTestSubscription(`${pushService.url}${path}`);
  const response = await fetch(`${server.url}/pushdata/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      subscription: subscription.json,
      options: idUser === undefined ? {} : { idUser },
    }),
  });
  expect(response.status).toBe(201);

  return subscription;
}

function send(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.url}/pushdata/sendnotification`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function endpoints(): string[] {
  return server.store
    .listSubscriptions()
    .map((row) => new URL(row.endpoint).pathname)
    .sort();
}

describe('POST /pushdata/sendnotification', () => {
  it('sends an encrypted, VAPID-signed payload with actions and TTL 300', async () => {
    const subscription = await subscribe('/ok/1', 'alice');

    const response = await send({
      apiKey: server.settings.apiKey,
      title: 'Hello',
      body: 'World',
      icon: '/icon.png',
      data: { url: '/inbox' },
      vibrate: [100, 50],
      actionButtons: [{ action: 'open', title: 'Open' }],
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sent: 1, failed: 0, removed: 0 });
    const [push] = pushService.received;
    expect(push?.method).toBe('POST');
    expect(push?.headers.ttl).toBe('300');
    expect(push?.headers['content-encoding']).toBe('aes128gcm');
    expect(
      JSON.parse(subscription.decrypt(push?.body ?? Buffer.alloc(0))),
    ).toEqual({
      title: 'Hello',
      body: 'World',
      icon: '/icon.png',
      data: { url: '/inbox' },
      vibrate: [100, 50],
      actions: [{ action: 'open', title: 'Open' }],
    });

    // VAPID: the token is for the push service's origin, with our key
    const vapid = /^vapid t=([^,]+), k=(.+)$/.exec(
      String(push?.headers.authorization),
    );
    expect(vapid?.[2]).toBe(server.settings.vapidPublicKey);
    expect(decodeJwt(vapid?.[1] ?? '')).toMatchObject({
      aud: pushService.url,
      sub: server.settings.vapidSubject,
    });
  });

  it('honours a given ttl', async () => {
    await subscribe('/ok/1');

    await send({ apiKey: server.settings.apiKey, title: 't', ttl: 60 });

    expect(pushService.received[0]?.headers.ttl).toBe('60');
  });

  it('sends only to the users of filter.users', async () => {
    await subscribe('/ok/alice', 'alice');
    await subscribe('/ok/bob', 'bob');
    await subscribe('/ok/carol', 'carol');

    const response = await send({
      apiKey: server.settings.apiKey,
      title: 't',
      filter: { users: ['alice', 'carol'] },
    });

    expect(await response.json()).toEqual({ sent: 2, failed: 0, removed: 0 });
    expect(pushService.received.map((push) => push.path).sort()).toEqual([
      '/ok/alice',
      '/ok/carol',
    ]);
  });

  it('removes rows the push service answers 404 or 410 for', async () => {
    await subscribe('/ok/1');
    await subscribe('/gone/1');
    await subscribe('/notfound/1');

    const response = await send({ apiKey: server.settings.apiKey, title: 't' });

    expect(await response.json()).toEqual({ sent: 1, failed: 0, removed: 2 });
    expect(endpoints()).toEqual(['/ok/1']);
  });

  it('reports a 500 and a hanging push service as failed, deletes nothing and still sends the rest', async () => {
    await subscribe('/fail/1');
    await subscribe('/hang/1');
    await subscribe('/ok/1');
    await subscribe('/ok/2');

    const response = await send({ apiKey: server.settings.apiKey, title: 't' });

    expect(await response.json()).toEqual({ sent: 2, failed: 2, removed: 0 });
    expect(endpoints()).toEqual(['/fail/1', '/hang/1', '/ok/1', '/ok/2']);
  });

  it('counts a subscription whose host is no longer allowed as failed without calling it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'push-send-'));
    const first = await startTestServer({ dataDir });
    const subscription = createTestSubscription(`${pushService.url}/ok/1`);
    await fetch(`${first.url}/pushdata/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: subscription.json, options: {} }),
    });
    await first.close();
    const strict = await startTestServer({ dataDir, allowedPushHosts: [] });

    try {
      const response = await fetch(`${strict.url}/pushdata/sendnotification`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: strict.settings.apiKey, title: 't' }),
      });

      expect(await response.json()).toEqual({
        sent: 0,
        failed: 1,
        removed: 0,
      });
      expect(pushService.received).toHaveLength(0);
      expect(strict.store.countSubscriptions()).toBe(1);
    } finally {
      await strict.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps at most sendConcurrency requests in flight', async () => {
    await server.close();
    server = await startTestServer({ sendConcurrency: 2 });
    for (let index = 0; index < 6; index++) await subscribe(`/ok/${index}`);
    let inFlight = 0;
    let most = 0;
    const realFetch = globalThis.fetch;
    // Count only the server's push requests, which go to the fake service
    globalThis.fetch = async (input, init) => {
      const isPush = String(input).startsWith(pushService.url);
      if (isPush) most = Math.max(most, ++inFlight);
      try {
        return await realFetch(input, init);
      } finally {
        if (isPush) inFlight--;
      }
    };

    try {
      const response = await send({
        apiKey: server.settings.apiKey,
        title: 't',
      });

      expect(await response.json()).toEqual({
        sent: 6,
        failed: 0,
        removed: 0,
      });
      expect(most).toBe(2);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('POST /pushdata/sendnotification answers 401 or 400 for', () => {
  const cases: [string, Record<string, unknown>, number, string][] = [
    ['a missing apiKey', { title: 't' }, 401, 'unauthorized'],
    [
      'a wrong apiKey',
      { apiKey: 'wrong-key-wrong-key', title: 't' },
      401,
      'unauthorized',
    ],
    ['a numeric apiKey', { apiKey: 12, title: 't' }, 401, 'unauthorized'],
  ];

  it.each(cases)('%s and sends nothing', async (_name, body, status, code) => {
    await subscribe('/ok/1');

    const response = await send(body);

    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
    expect(pushService.received).toHaveLength(0);
    expect(endpoints()).toEqual(['/ok/1']);
  });

  const badFields: [string, Record<string, unknown>, string][] = [
    ['a numeric title', { title: 5 }, 'invalid-body'],
    ['vibrate of strings', { vibrate: ['a'] }, 'invalid-body'],
    [
      'malformed actionButtons',
      { actionButtons: [{ title: 1 }] },
      'invalid-body',
    ],
    ['a negative ttl', { ttl: -1 }, 'invalid-body'],
    ['filter.users of numbers', { filter: { users: [1] } }, 'invalid-body'],
    [
      'a payload too big to push',
      { data: 'x'.repeat(4000) },
      'payload-too-large',
    ],
  ];

  it.each(badFields)(
    '%s with 400 and sends nothing',
    async (_name, fields, code) => {
      await subscribe('/ok/1');

      const response = await send({
        apiKey: server.settings.apiKey,
        ...fields,
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code } });
      expect(pushService.received).toHaveLength(0);
    },
  );
});
