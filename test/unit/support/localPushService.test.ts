import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { WebSocket } from 'ws';
import {
  type LocalPushService,
  startLocalPushService,
} from '../../support/localPushService.js';
import {
  type PushSubscriptionJson,
  sendPushRequest,
} from '../../support/pushRequest.js';

type Message = Record<string, unknown>;

/** A WebSocket client that talks like Firefox's push connection. */
async function connectBrowser(url: string) {
  const socket = new WebSocket(url, 'push-notification');
  const inbox: Message[] = [];
  const waiting: ((message: Message) => void)[] = [];
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as Message;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });

  const next = () =>
    new Promise<Message>((resolve) => {
      const message = inbox.shift();
      if (message) resolve(message);
      else waiting.push(resolve);
    });
  const request = (message: Message) => {
    socket.send(JSON.stringify(message));

    return next();
  };

  return { socket, next, request };
}

/** Keys a browser would make for a subscription. */
function clientKeys() {
  const ecdh = createECDH('prime256v1');

  return {
    p256dh: ecdh.generateKeys().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
}

/** Firefox pads the key it registers with. */
function padded(key: string) {
  return key.padEnd(Math.ceil(key.length / 4) * 4, '=');
}

describe('startLocalPushService', () => {
  let service: LocalPushService;
  const vapidKeys = webpush.generateVAPIDKeys();

  beforeAll(async () => {
    service = await startLocalPushService();
  });

  afterAll(async () => {
    await service.close();
  });

  async function subscribe(key: string | undefined = vapidKeys.publicKey) {
    const browser = await connectBrowser(service.url);
    const hello = await browser.request({
      messageType: 'hello',
      use_webpush: true,
      broadcasts: {},
    });
    const channelID = crypto.randomUUID();
    const registered = await browser.request({
      messageType: 'register',
      channelID,
      ...(key ? { key: padded(key) } : {}),
    });
    const subscription: PushSubscriptionJson = {
      endpoint: String(registered.pushEndpoint),
      keys: clientKeys(),
    };
    const id = subscription.endpoint.split('/').pop() ?? '';

    return { browser, hello, registered, channelID, subscription, id };
  }

  it('answers hello with a uaid and status 200', async () => {
    const { hello, browser } = await subscribe();

    expect(hello).toMatchObject({
      messageType: 'hello',
      status: 200,
      use_webpush: true,
    });
    expect(hello.uaid).toMatch(/^[0-9a-f]{32}$/);
    browser.socket.close();
  });

  it('keeps the uaid a returning browser says hello with', async () => {
    const browser = await connectBrowser(service.url);
    const uaid = 'a'.repeat(32);
    const hello = await browser.request({ messageType: 'hello', uaid });

    expect(hello.uaid).toBe(uaid);
    browser.socket.close();
  });

  it('answers pings with an empty object', async () => {
    const { browser } = await subscribe();

    expect(await browser.request({})).toEqual({});
    browser.socket.close();
  });

  it('registers a channel with an endpoint on the push service', async () => {
    const { registered, channelID, id, browser } = await subscribe();

    expect(registered).toMatchObject({
      messageType: 'register',
      channelID,
      status: 200,
    });
    expect(registered.pushEndpoint).toBe(`${service.origin}/wpush/${id}`);
    expect(service.subscriptions.find((s) => s.id === id)).toMatchObject({
      channelID,
      key: vapidKeys.publicKey,
      state: 'active',
    });
    browser.socket.close();
  });

  it('gives a repeated register of one channel the same endpoint', async () => {
    const { browser, registered, channelID } = await subscribe();
    const count = service.subscriptions.length;

    const again = await browser.request({
      messageType: 'register',
      channelID,
      key: padded(vapidKeys.publicKey),
    });

    expect(again.pushEndpoint).toBe(registered.pushEndpoint);
    expect(service.subscriptions).toHaveLength(count);
    browser.socket.close();
  });

  it('delivers a Web Push request to the socket and records the ack', async () => {
    const { browser, subscription, channelID, id } = await subscribe();

    const status = await sendPushRequest(subscription, '{"title":"Hi"}', {
      vapidKeys,
    });
    const notification = await browser.next();

    expect(status).toBe(201);
    expect(notification).toMatchObject({
      messageType: 'notification',
      channelID,
      headers: { encoding: 'aes128gcm' },
    });
    const body = Buffer.from(String(notification.data), 'base64url');
    const last = service.received.at(-1);
    expect(last).toMatchObject({ endpointId: id, status: 201 });
    expect(body.length).toBe(last?.bodyLength);
    expect(last?.headers['content-encoding']).toBe('aes128gcm');

    const acked = service.nextAck();
    browser.socket.send(
      JSON.stringify({
        messageType: 'ack',
        updates: [{ channelID, version: notification.version, code: 100 }],
      }),
    );
    expect(await acked).toEqual({
      messageType: 'ack',
      channelID,
      version: notification.version,
      code: 100,
    });
    browser.socket.close();
  });

  it('queues a push for a browser that is away until it says hello', async () => {
    const { browser, hello, subscription, channelID } = await subscribe();
    browser.socket.close();
    await new Promise((resolve) => browser.socket.once('close', resolve));

    const status = await sendPushRequest(subscription, 'later', { vapidKeys });
    const back = await connectBrowser(service.url);
    await back.request({ messageType: 'hello', uaid: hello.uaid });

    expect(status).toBe(201);
    expect(await back.next()).toMatchObject({
      messageType: 'notification',
      channelID,
    });
    back.socket.close();
  });

  it('rejects a request signed with another key with 403', async () => {
    const { browser, subscription } = await subscribe();
    const other = webpush.generateVAPIDKeys();

    const status = await sendPushRequest(subscription, 'x', {
      vapidKeys: other,
    });

    expect(status).toBe(403);
    expect(service.received.at(-1)?.status).toBe(403);
    browser.socket.close();
  });

  it('rejects a token whose signature does not match k with 401', async () => {
    const { browser, subscription } = await subscribe();
    const other = webpush.generateVAPIDKeys();
    const details = webpush.generateRequestDetails(subscription, 'x', {
      contentEncoding: 'aes128gcm',
      vapidDetails: { subject: 'mailto:a@example.com', ...other },
    });
    const token = /t=([^,]+)/.exec(details.headers.Authorization ?? '')?.[1];

    const status = await sendPushRequest(subscription, 'x', {
      vapidKeys,
      headers: { Authorization: `vapid t=${token}, k=${vapidKeys.publicKey}` },
    });

    expect(status).toBe(401);
    browser.socket.close();
  });

  it('rejects a request without Authorization with 401', async () => {
    const { browser, subscription } = await subscribe();

    const status = await sendPushRequest(subscription, 'x', {
      vapidKeys,
      headers: { Authorization: '' },
    });

    expect(status).toBe(401);
    browser.socket.close();
  });

  it('rejects another encoding, a missing TTL and a big body', async () => {
    const { browser, subscription } = await subscribe();
    const send = (headers: Record<string, string>, payload = 'x') =>
      sendPushRequest(subscription, payload, { vapidKeys, headers });

    expect(await send({ 'Content-Encoding': 'aesgcm' })).toBe(415);
    expect(await send({ TTL: '' })).toBe(400);
    expect(await send({}, 'x'.repeat(4000))).toBe(413);
    expect(await send({})).toBe(201);
    browser.socket.close();
  });

  it('answers 404 for an unknown endpoint', async () => {
    const { browser, subscription } = await subscribe();
    const unknown = {
      ...subscription,
      endpoint: `${service.origin}/wpush/nobody`,
    };

    expect(await sendPushRequest(unknown, 'x', { vapidKeys })).toBe(404);
    browser.socket.close();
  });

  it('answers 410 after the browser unregistered the channel', async () => {
    const { browser, subscription, channelID, id } = await subscribe();

    const gone = service.nextUnregister();
    const reply = await browser.request({
      messageType: 'unregister',
      channelID,
    });

    expect(await gone).toMatchObject({ id, state: 'unsubscribed' });
    expect(reply).toMatchObject({ messageType: 'unregister', status: 200 });
    expect(await sendPushRequest(subscription, 'x', { vapidKeys })).toBe(410);
    expect(service.subscriptions.find((s) => s.id === id)?.state).toBe(
      'unsubscribed',
    );
    browser.socket.close();
  });

  it('answers 410 and 500 in failure modes for one endpoint', async () => {
    const { browser, subscription, id } = await subscribe();
    const other = await subscribe();
    const send = (to: PushSubscriptionJson) =>
      sendPushRequest(to, 'x', { vapidKeys });

    service.setFailure(410, id);
    expect(await send(subscription)).toBe(410);
    expect(await send(subscription)).toBe(410);
    expect(await send(other.subscription)).toBe(201);

    service.setFailure(500, id);
    expect(await send(subscription)).toBe(500);

    service.setFailure(undefined, id);
    expect(await send(subscription)).toBe(201);
    browser.socket.close();
    other.browser.socket.close();
  });

  it('fails only the next request with failNext', async () => {
    const { browser, subscription } = await subscribe();
    const send = () => sendPushRequest(subscription, 'x', { vapidKeys });

    service.failNext(500);
    expect(await send()).toBe(500);
    expect(await send()).toBe(201);
    browser.socket.close();
  });

  it('hangs a request until the sender gives up', async () => {
    const { browser, subscription, id } = await subscribe();
    service.failNext('hang', id);
    const controller = new AbortController();

    const sent = sendPushRequest(subscription, 'x', {
      vapidKeys,
      signal: controller.signal,
    });
    await expect.poll(() => service.received.at(-1)?.endpointId).toBe(id);
    controller.abort();

    await expect(sent).rejects.toThrow(/abort/i);
    expect(service.received.at(-1)?.status).toBeNull();
    browser.socket.close();
  });

  it('gives a forgotten browser a new uaid and answers 410 for it', async () => {
    const { browser, hello, subscription } = await subscribe();
    const closed = new Promise((resolve) =>
      browser.socket.once('close', resolve),
    );

    service.forgetBrowsers();
    await closed;
    const back = await connectBrowser(service.url);
    const again = await back.request({
      messageType: 'hello',
      uaid: hello.uaid,
    });

    expect(again.uaid).toMatch(/^[0-9a-f]{32}$/);
    expect(again.uaid).not.toBe(hello.uaid);
    expect(await sendPushRequest(subscription, 'x', { vapidKeys })).toBe(410);
    back.socket.close();
  });

  it('ends hung requests and sockets on close', async () => {
    const own = await startLocalPushService();
    const browser = await connectBrowser(own.url);
    await browser.request({ messageType: 'hello' });
    const registered = await browser.request({
      messageType: 'register',
      channelID: 'c1',
      key: vapidKeys.publicKey,
    });
    own.setFailure('hang');
    const subscription = {
      endpoint: String(registered.pushEndpoint),
      keys: clientKeys(),
    };
    const sent = sendPushRequest(subscription, 'x', { vapidKeys });
    const socketClosed = new Promise((resolve) =>
      browser.socket.once('close', resolve),
    );
    const failed = expect(sent).rejects.toThrow(/fetch failed/);
    await expect.poll(() => own.received.length).toBe(1);

    await own.close();

    await failed;
    await socketClosed;
  });
});
