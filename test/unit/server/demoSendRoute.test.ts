import { afterEach, describe, expect, it } from 'vitest';
import { SettingsError } from '../../../server/index.js';
import {
  type FakePushEndpoint,
  startFakePushEndpoint,
} from '../../support/serverFakePushEndpoint.js';
import { createTestSubscription } from '../../support/serverTestSubscription.js';
import {
  startTestServer,
  type TestServer,
} from '../../support/startTestServer.js';

// The push service is a test double (serverFakePushEndpoint).
let pushService: FakePushEndpoint | undefined;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  await pushService?.close();
  server = undefined;
  pushService = undefined;
});

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('POST /pushdata/demo/sendtest', () => {
  it('sends a test notification to that user only, without an API key', async () => {
    pushService = await startFakePushEndpoint();
    server = await startTestServer({ demoSendRoute: true });
    const mine = createTestSubscription(`${pushService.url}/ok/mine`);
    const theirs = createTestSubscription(`${pushService.url}/ok/theirs`);
    for (const [subscription, idUser] of [
      [mine, 'me'],
      [theirs, 'them'],
    ] as const) {
      const response = await post(`${server.url}/pushdata/register`, {
        subscription: subscription.json,
        options: { idUser },
      });
      expect(response.status).toBe(201);
    }

    const response = await post(`${server.url}/pushdata/demo/sendtest`, {
      idUser: 'me',
    });

    expect(await response.json()).toEqual({ sent: 1, failed: 0, removed: 0 });
    expect(pushService.received.map((push) => push.path)).toEqual(['/ok/mine']);
    const [push] = pushService.received;
    expect(JSON.parse(mine.decrypt(push?.body as Buffer))).toMatchObject({
      title: 'Test notification',
    });
  });

  it('rejects a missing or hostile idUser with 400', async () => {
    server = await startTestServer({ demoSendRoute: true });

    for (const body of [
      {},
      { idUser: 5 },
      { idUser: '' },
      { idUser: 'x'.repeat(300) },
      [],
    ]) {
      const response = await post(`${server.url}/pushdata/demo/sendtest`, body);

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'invalid-body' },
      });
    }
  });

  it('does not exist unless the setting turns it on', async () => {
    server = await startTestServer();

    const response = await post(`${server.url}/pushdata/demo/sendtest`, {
      idUser: 'me',
    });

    expect(response.status).toBe(404);
  });

  it('cannot be turned on outside open mode', async () => {
    await expect(
      startTestServer({
        demoSendRoute: true,
        auth: { mode: 'jwt', secret: 's'.repeat(40) },
      }),
    ).rejects.toBeInstanceOf(SettingsError);
  });
});
