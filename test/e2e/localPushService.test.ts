import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { launchFirefox } from '../support/firefox.js';
import {
  type LocalPushService,
  startLocalPushService,
} from '../support/localPushService.js';
import {
  currentSubscription,
  listenForPushMessages,
  storePushOptions,
  subscribeInPage,
  waitForPushes,
} from '../support/pushPage.js';
import {
  type PushSubscriptionJson,
  sendPushRequest,
} from '../support/pushRequest.js';
import {
  type PushTestSite,
  startPushTestSite,
} from '../support/pushTestSite.js';

function endpointId(endpoint: string): string {
  return endpoint.split('/').pop() ?? '';
}

describe('Firefox with the local push service', () => {
  const vapidKeys = webpush.generateVAPIDKeys();
  let service: LocalPushService;
  let site: PushTestSite;
  let profileDir: string;
  let browser: Browser | undefined;
  let page: Page;
  let subscription: PushSubscriptionJson;

  /** (Re)starts Firefox on the same profile and opens the site. */
  async function restartOnProfile() {
    await browser?.close();
    browser = await launchFirefox({
      pushServiceUrl: service.url,
      profileDir,
    });
    page = await browser.newPage();
    await page.goto(site.url);
    await listenForPushMessages(page);
  }

  /** Sends one real push and waits for the page to be told of it. */
  async function pushAndWait(to: PushSubscriptionJson, title: string) {
    const status = await sendPushRequest(to, JSON.stringify({ title }), {
      vapidKeys,
    });
    const { messages } = await waitForPushes(page, 1);

    return { status, title: messages[0]?.payload.title };
  }

  beforeAll(async () => {
    service = await startLocalPushService();
    site = await startPushTestSite({ publicKey: vapidKeys.publicKey });
    profileDir = await mkdtemp(join(tmpdir(), 'push-e2e-firefox-'));
    await restartOnProfile();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await service?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  it('subscribes through the local push service with the VAPID key', async () => {
    subscription = await subscribeInPage(page, vapidKeys.publicKey);

    expect(subscription.endpoint).toMatch(
      new RegExp(`^${service.origin}/wpush/`),
    );
    expect(subscription.keys.p256dh).toBeTruthy();
    expect(service.subscriptions).toEqual([
      expect.objectContaining({
        endpoint: subscription.endpoint,
        key: vapidKeys.publicKey,
        state: 'active',
      }),
    ]);
  });

  it('shows a real encrypted push and tells the open page', async () => {
    const payload = {
      title: 'Order shipped',
      body: 'Your parcel is on its way',
      data: { url: '/orders/7' },
    };
    const acked = service.nextAck();

    const status = await sendPushRequest(
      subscription,
      JSON.stringify(payload),
      { vapidKeys },
    );
    const { messages, notifications } = await waitForPushes(page, 1);

    expect(status).toBe(201);
    expect(messages).toEqual([{ type: 'push.received', payload }]);
    expect(notifications).toEqual([
      { title: payload.title, body: payload.body, data: payload.data },
    ]);
    // Firefox acks 100 once decrypted and delivered to the worker
    expect(await acked).toMatchObject({ messageType: 'ack', code: 100 });
  });

  it('answers 410 to the sender when told the subscription is gone', async () => {
    const id = endpointId(subscription.endpoint);
    service.setFailure(410, id);

    const status = await sendPushRequest(subscription, '{"title":"late"}', {
      vapidKeys,
    });

    expect(status).toBe(410);
    expect(service.received.at(-1)).toMatchObject({
      endpointId: id,
      status: 410,
    });
    service.setFailure(undefined, id);
  });

  it('keeps the subscription when Firefox starts again on the profile', async () => {
    await restartOnProfile();

    const endpoint = (await currentSubscription(page))?.endpoint;
    const { status, title } = await pushAndWait(subscription, 'Welcome back');

    expect(endpoint).toBe(subscription.endpoint);
    expect(status).toBe(201);
    expect(title).toBe('Welcome back');
  });

  it('registers the new subscription when the push service forgot it', async () => {
    const options = { idUser: 'user-7' };
    const stored = await storePushOptions(page, {
      type: 'push.options',
      options,
      headers: { authorization: 'Bearer test-token' },
    });
    const registered = site.nextRegistration();

    service.forgetBrowsers();
    const { headers, body } = await registered;

    expect(stored).toEqual({ type: 'push.options.stored' });
    expect(headers.authorization).toBe('Bearer test-token');
    expect(body).toEqual({
      subscription: {
        endpoint: expect.stringMatching(`^${service.origin}/wpush/`),
        expirationTime: null,
        keys: { p256dh: expect.any(String), auth: expect.any(String) },
      },
      options,
      previousEndpoint: subscription.endpoint,
    });
    const renewed = (body as { subscription: PushSubscriptionJson })
      .subscription;
    expect(renewed.endpoint).not.toBe(subscription.endpoint);
    expect(service.subscriptions.at(-1)).toMatchObject({
      endpoint: renewed.endpoint,
      key: vapidKeys.publicKey,
      state: 'active',
    });
    expect(
      await sendPushRequest(subscription, '{"title":"old"}', { vapidKeys }),
    ).toBe(410);
  });

  it('keeps a renewed subscription over the next start', async () => {
    const { body } = site.registrations.at(-1) ?? {};
    const renewed = (body as { subscription: PushSubscriptionJson })
      .subscription;
    const count = service.subscriptions.length;
    await restartOnProfile();

    const endpoint = (await currentSubscription(page))?.endpoint;
    const { status, title } = await pushAndWait(renewed, 'Still here');

    expect(endpoint).toBe(renewed.endpoint);
    expect(status).toBe(201);
    expect(title).toBe('Still here');
    expect(service.subscriptions).toHaveLength(count);
  });

  it('unregisters from the push service on unsubscribe', async () => {
    const { endpoint } = (await currentSubscription(page)) ?? {};
    const gone = service.nextUnregister();

    const unsubscribed = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();

      return subscription?.unsubscribe();
    });

    expect(unsubscribed).toBe(true);
    expect(await gone).toMatchObject({ endpoint, state: 'unsubscribed' });
    expect(await currentSubscription(page)).toBeNull();
  });
});

describe('Firefox with notifications blocked by a pref', () => {
  let service: LocalPushService;
  let site: PushTestSite;
  let browser: Browser | undefined;

  beforeAll(async () => {
    service = await startLocalPushService();
    site = await startPushTestSite();
    browser = await launchFirefox({
      pushServiceUrl: service.url,
      prefs: { 'permissions.default.desktop-notification': 2 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await service?.close();
  });

  it('denies permission and refuses to subscribe', async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(site.url);
    const { publicKey } = webpush.generateVAPIDKeys();

    const permission = await page.evaluate(() => Notification.permission);
    const failure = await page.evaluate(async (key) => {
      await navigator.serviceWorker.register('/sw.js');
      const registration = await navigator.serviceWorker.ready;
      try {
        await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key,
        });

        return 'subscribed';
      } catch (error) {
        return (error as Error).name;
      }
    }, publicKey);

    expect(permission).toBe('denied');
    expect(failure).toBe('NotAllowedError');
    expect(service.subscriptions).toEqual([]);
  });
});
