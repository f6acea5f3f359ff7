import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type LocalPushService,
  startLocalPushService,
} from '../../support/localPushService.js';
import { createTestSubscription } from '../../support/serverTestSubscription.js';
import {
  startTestServer,
  type TestServer,
} from '../../support/startTestServer.js';

// The local push service (test/support/localPushService.ts) checks VAPID
// as a real one does; a WebSocket client here plays Firefox's part.
let pushService: LocalPushService;
let server: TestServer;
let socket: WebSocket;
const messages: Record<string, unknown>[] = [];

beforeEach(async () => {
  pushService = await startLocalPushService();
  server = await startTestServer({ sendTimeoutMs: 500 });
  socket = new WebSocket(pushService.url);
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Record<string, unknown>);
  });
  await new Promise((resolve) => socket.once('open', resolve));
});

afterEach(async () => {
  socket.close();
  messages.length = 0;
  await server.close();
  await pushService.close();
});

function nextMessage(type: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const look = () => {
      const index = messages.findIndex((m) => m.messageType === type);
      if (index === -1) return void socket.once('message', look);

      resolve(messages.splice(index, 1)[0] ?? {});
    };
    look();
  });
}

/** Subscribes as a browser would, with the server's VAPID key. */
async function browserSubscribe(): Promise<string> {
  socket.send(JSON.stringify({ messageType: 'hello', use_webpush: true }));
  await nextMessage('hello');
  socket.send(
    JSON.stringify({
      messageType: 'register',
      channelID: randomUUID(),
      key: server.settings.vapidPublicKey,
    }),
  );
  const answer = await nextMessage('register');

  return String(answer.pushEndpoint);
}

describe('send through the local push service', () => {
  it('passes its VAPID checks and delivers a payload the browser can decrypt', async () => {
    const subscription = createTestSubscription(await browserSubscribe());
    await fetch(`${server.url}/pushdata/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: subscription.json, options: {} }),
    });

    const response = await fetch(`${server.url}/pushdata/sendnotification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiKey: server.settings.apiKey,
        title: 'Hi',
        actionButtons: [{ action: 'ok', title: 'OK' }],
      }),
    });
    const notification = await nextMessage('notification');

    expect(await response.json()).toEqual({ sent: 1, failed: 0, removed: 0 });
    expect(pushService.received.map((push) => push.status)).toEqual([201]);
    const body = Buffer.from(String(notification.data), 'base64url');
    expect(JSON.parse(subscription.decrypt(body))).toEqual({
      title: 'Hi',
      actions: [{ action: 'ok', title: 'OK' }],
    });
  });

  it('removes the row when the push service answers 410, keeps it on 500 and on a hang', async () => {
    const endpoints = [
      await browserSubscribe(),
      await browserSubscribe(),
      await browserSubscribe(),
    ];
    for (const endpoint of endpoints) {
      await fetch(`${server.url}/pushdata/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          subscription: createTestSubscription(endpoint).json,
          options: {},
        }),
      });
    }
    const ids = endpoints.map((endpoint) => endpoint.split('/').pop());
    pushService.setFailure(410, ids[0]);
    pushService.setFailure(500, ids[1]);
    pushService.setFailure('hang', ids[2]);

    const response = await fetch(`${server.url}/pushdata/sendnotification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: server.settings.apiKey, title: 't' }),
    });

    expect(await response.json()).toEqual({ sent: 0, failed: 2, removed: 1 });
    expect(
      server.store
        .listSubscriptions()
        .map((row) => row.endpoint)
        .sort(),
    ).toEqual([endpoints[1], endpoints[2]].sort());
  });
});
