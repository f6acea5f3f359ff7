import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import type { ServerSettings } from '../../server/index.js';
import { pushStatusMessage } from '../../ui/pushStatusMessage.js';
import {
  buildE2eDemo,
  createRequestLog,
  runDemoFlow,
  subscribedEndpoint,
  unsubscribeInPage,
} from '../support/e2eDemoSite.js';
import { launchFirefox } from '../support/firefox.js';
import {
  type LocalPushService,
  startLocalPushService,
} from '../support/localPushService.js';
import {
  currentSubscription,
  listenForPushMessages,
  waitForPushes,
} from '../support/pushPage.js';
import type { PushSubscriptionJson } from '../support/pushRequest.js';
import {
  startTestServer,
  type TestServer,
} from '../support/startTestServer.js';

// The built demo, served by the reference server in open mode, in
// Firefox pointed at the local push service: every test clicks the real
// button, and nothing between the page and the push service is faked.

const idUser = 'e2e-user-7';
const doneText = pushStatusMessage({ step: 'done' });
const reusedText = pushStatusMessage({ step: 'done', reused: true });

let service: LocalPushService;
let server: TestServer;
let demoDir: string;
let dataDir: string;
let port = 0;
const requestLog = createRequestLog();
const register = '/pushdata/register';

/** Starts the server on the data folder and, after the first, the port. */
async function startServer(keys: Partial<ServerSettings> = {}) {
  server = await startTestServer({
    port,
    dataDir,
    staticDir: demoDir,
    auth: { mode: 'open' },
    demoSendRoute: true,
    allowedPushHosts: [new URL(service.origin).host],
    logger: requestLog.logger,
    ...keys,
  });
  port = Number(new URL(server.url).port);
}

/** `localhost` is a secure context, as the flow needs. */
async function openDemo(browser: Browser): Promise<Page> {
  const [page = await browser.newPage()] = await browser.pages();
  await page.goto(`http://localhost:${port}/`);

  return page;
}

function rows() {
  return server.store.listSubscriptions();
}

/** Requests of any method that reached the register route. */
function registerRequests(): number {
  return requestLog.requests.filter((r) => r.path === register).length;
}

async function send(body: Record<string, unknown>) {
  const response = await fetch(`${server.url}/pushdata/sendnotification`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey: server.settings.apiKey, ...body }),
  });

  return { status: response.status, result: await response.json() };
}

function endpointId(subscription: PushSubscriptionJson | null): string {
  return subscription?.endpoint.split('/').pop() ?? '';
}

beforeAll(async () => {
  service = await startLocalPushService();
  demoDir = await buildE2eDemo(await mkdtemp(join(tmpdir(), 'push-e2e-demo-')));
  dataDir = await mkdtemp(join(tmpdir(), 'push-e2e-data-'));
  await startServer();
});

afterAll(async () => {
  await server?.close();
  await service?.close();
  for (const dir of [demoDir, dataDir]) {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

describe('demo page in Firefox, one profile over several visits', () => {
  let profileDir: string;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    profileDir = await mkdtemp(join(tmpdir(), 'push-e2e-profile-'));
    browser = await launchFirefox({ pushServiceUrl: service.url, profileDir });
    page = await openDemo(browser);
  });

  afterAll(async () => {
    await browser?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  it('demo button reaches done and the server stores the subscription with its options', async () => {
    const outcome = await runDemoFlow(page, idUser);
    const subscription = await currentSubscription(page);

    expect(outcome).toEqual({ step: 'done', status: doneText });
    expect(subscription?.endpoint).toMatch(`${service.origin}/wpush/`);
    expect(service.subscriptions).toEqual([
      expect.objectContaining({
        endpoint: subscription?.endpoint,
        key: server.settings.vapidPublicKey,
        state: 'active',
      }),
    ]);
    expect(rows()).toEqual([
      expect.objectContaining({
        endpoint: subscription?.endpoint,
        p256dh: subscription?.keys.p256dh,
        auth: subscription?.keys.auth,
        userId: idUser,
        options: { idUser },
      }),
    ]);
  });

  it('send route delivers to the user and the service worker shows it', async () => {
    const notification = {
      title: 'Order shipped',
      body: 'Your parcel is on its way',
      data: { url: '/orders/7' },
    };
    await listenForPushMessages(page);
    const acked = service.nextAck();

    const elsewhere = await send({
      ...notification,
      filter: { users: ['someone-else'] },
    });
    const mine = await send({ ...notification, filter: { users: [idUser] } });
    const { notifications } = await waitForPushes(page, 1);

    expect(elsewhere).toEqual({
      status: 200,
      result: { sent: 0, failed: 0, removed: 0 },
    });
    expect(mine).toEqual({
      status: 200,
      result: { sent: 1, failed: 0, removed: 0 },
    });
    expect(notifications).toEqual([notification]);
    expect(await acked).toMatchObject({ messageType: 'ack', code: 100 });
  });

  it("demo's test button sends the user a notification the worker shows", async () => {
    await page.goto(`http://localhost:${port}/?sendTest`);
    await listenForPushMessages(page);
    await page.$eval(
      '#user-id',
      (field, value) => {
        (field as HTMLInputElement).value = value;
      },
      idUser,
    );
    const sent = requestLog.next('POST', '/pushdata/demo/sendtest');

    await page.click('#send-test-button');
    const { messages, notifications } = await waitForPushes(page, 1);
    await page.waitForFunction(() => {
      const text = document.querySelector('#send-test-result')?.textContent;

      return text !== '' && text !== 'Sending…';
    });

    expect(await sent).toMatchObject({ status: 200 });
    expect(messages).toEqual([
      {
        type: 'push.received',
        payload: expect.objectContaining({ title: 'Test notification' }),
      },
    ]);
    expect(notifications).toContainEqual(
      expect.objectContaining({ title: 'Test notification' }),
    );
    expect(
      await page.$eval('#send-test-result', (result) => result.textContent),
    ).toMatch(/^Sent/);
  });

  it('second visit on the same profile reuses the subscription', async () => {
    const before = await currentSubscription(page);
    const made = service.subscriptions.length;
    const registers = requestLog.count('POST', register);
    await browser?.close();
    browser = await launchFirefox({ pushServiceUrl: service.url, profileDir });
    page = await openDemo(browser);

    const outcome = await runDemoFlow(page, idUser);

    expect(outcome).toEqual({ step: 'done', status: reusedText });
    expect((await currentSubscription(page))?.endpoint).toBe(before?.endpoint);
    expect(service.subscriptions).toHaveLength(made);
    expect(rows()).toEqual([
      expect.objectContaining({ endpoint: before?.endpoint, userId: idUser }),
    ]);
    // Registered again, as an update of the same row
    expect(
      requestLog.requests.filter((r) => r.path === register).slice(registers),
    ).toEqual([{ method: 'POST', path: register, status: 200 }]);
  });

  it('rotated VAPID key: the next visit resubscribes and the old row is gone', async () => {
    const old = await currentSubscription(page);
    const oldKey = server.settings.vapidPublicKey;
    const keys = webpush.generateVAPIDKeys();
    await server.close();
    await startServer({
      vapidPublicKey: keys.publicKey,
      vapidPrivateKey: keys.privateKey,
    });
    await page.reload();
    const unregistered = service.nextUnregister();

    const outcome = await runDemoFlow(page, idUser);
    const renewed = await currentSubscription(page);

    expect(server.settings.vapidPublicKey).toBe(keys.publicKey);
    expect(outcome).toEqual({ step: 'done', status: doneText });
    expect(await unregistered).toMatchObject({
      endpoint: old?.endpoint,
      key: oldKey,
    });
    expect(renewed?.endpoint).not.toBe(old?.endpoint);
    expect(service.subscriptions.at(-1)).toMatchObject({
      endpoint: renewed?.endpoint,
      key: keys.publicKey,
      state: 'active',
    });
    expect(rows()).toEqual([
      expect.objectContaining({ endpoint: renewed?.endpoint, userId: idUser }),
    ]);
  });

  it('subscription dropped by the push service is registered again under the same user', async () => {
    const old = await currentSubscription(page);
    const registered = requestLog.next('POST', register);

    // Firefox says hello again, gets a new uaid, drops its subscriptions
    // and fires pushsubscriptionchange in the worker
    service.forgetBrowsers();
    const answer = await registered;
    const renewed = await currentSubscription(page);

    expect(answer.status).toBe(201);
    expect(renewed?.endpoint).not.toBe(old?.endpoint);
    expect(service.subscriptions.at(-1)).toMatchObject({
      endpoint: renewed?.endpoint,
      key: server.settings.vapidPublicKey,
      state: 'active',
    });
    // The options the page handed to the worker, and the old row dropped
    expect(rows()).toEqual([
      expect.objectContaining({
        endpoint: renewed?.endpoint,
        userId: idUser,
        options: { idUser },
      }),
    ]);
  });

  it('send route removes the row the push service answers 410 for', async () => {
    const id = endpointId(await currentSubscription(page));
    service.setFailure(410, id);

    try {
      const answer = await send({
        title: 'Gone',
        body: 'Nobody reads this',
        filter: { users: [idUser] },
      });

      expect(answer).toEqual({
        status: 200,
        result: { sent: 0, failed: 0, removed: 1 },
      });
      expect(service.received.at(-1)).toMatchObject({
        endpointId: id,
        status: 410,
      });
      expect(rows()).toEqual([]);
    } finally {
      service.setFailure(undefined, id);
    }
  });

  it("library's unsubscribe drops the browser's subscription and its row", async () => {
    // The last test dropped the row; a click registers it again
    await page.reload();
    expect(await runDemoFlow(page, idUser)).toEqual({
      step: 'done',
      status: reusedText,
    });
    const subscription = await currentSubscription(page);
    expect(rows()).toHaveLength(1);
    const unregistered = service.nextUnregister();
    const deleted = requestLog.next('DELETE', register);

    const answer = await unsubscribeInPage(page);

    expect(answer).toBe(true);
    expect(await currentSubscription(page)).toBeNull();
    expect(await unregistered).toMatchObject({
      endpoint: subscription?.endpoint,
    });
    expect(await deleted).toMatchObject({ status: 200 });
    expect(rows()).toEqual([]);
  });
});

describe('demo page in Firefox, notifications blocked in the profile', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchFirefox({
      pushServiceUrl: service.url,
      prefs: { 'permissions.default.desktop-notification': 2 },
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('demo button ends in permission-denied without registering', async () => {
    const page = await openDemo(browser as Browser);
    const rowCount = rows().length;
    const made = service.subscriptions.length;
    const registers = registerRequests();

    const outcome = await runDemoFlow(page, idUser);

    expect(await page.evaluate(() => Notification.permission)).toBe('denied');
    expect(outcome).toEqual({
      step: 'error',
      status: pushStatusMessage({
        step: 'error',
        error: { code: 'permission-denied' },
      }),
    });
    expect(await subscribedEndpoint(page)).toBeNull();
    expect(registerRequests()).toBe(registers);
    expect(rows()).toHaveLength(rowCount);
    expect(service.subscriptions).toHaveLength(made);
  });
});
