import type { Page } from 'puppeteer-core';
import type {
  PushOptionsMessage,
  PushReceivedMessage,
} from '../../adapters/pushServiceWorker.js';
import type { PushSubscriptionJson } from './pushRequest.js';

// Helpers that drive push on a page of a puppeteer browser. Each one runs
// its function in the page, so only what it returns crosses over.

type Collected = { pushMessages: PushReceivedMessage[] };

/** A notification as `registration.getNotifications()` lists it. */
export interface ShownNotification {
  title: string;
  body: string;
  data: unknown;
}

/**
 * Starts collecting what the service worker posts to the page; call it on
 * every page load, before the push is sent.
 */
export function listenForPushMessages(page: Page): Promise<void> {
  return page.evaluate(() => {
    const collected = window as unknown as Collected;
    collected.pushMessages = [];
    navigator.serviceWorker.addEventListener('message', (event) => {
      collected.pushMessages.push(event.data);
    });
    navigator.serviceWorker.startMessages();
  });
}

/**
 * Registers `/sw.js` and subscribes with the VAPID public key (base64url).
 * Rejects with the browser's error message when subscribing fails.
 */
export async function subscribeInPage(
  page: Page,
  publicKey: string,
): Promise<PushSubscriptionJson> {
  const json = await page.evaluate(async (key) => {
    await navigator.serviceWorker.register('/sw.js');
    const registration = await navigator.serviceWorker.ready;
    const base64 = key.replaceAll('-', '+').replaceAll('_', '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: bytes,
    });

    return subscription.toJSON();
  }, publicKey);

  return json as PushSubscriptionJson;
}

/** The worker's current subscription, or `null` when it has none. */
export async function currentSubscription(
  page: Page,
): Promise<PushSubscriptionJson | null> {
  const json = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();

    return subscription ? subscription.toJSON() : null;
  });

  return json as PushSubscriptionJson | null;
}

/**
 * Posts a {@link PushOptionsMessage} to the active worker and resolves
 * with its answer once it has stored them.
 */
export function storePushOptions(
  page: Page,
  message: PushOptionsMessage,
): Promise<unknown> {
  return page.evaluate(async (message) => {
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const stored = new Promise((resolve) => {
      channel.port1.onmessage = (event) => resolve(event.data);
    });
    registration.active?.postMessage(message, [channel.port2]);

    return stored;
  }, message);
}

/**
 * Waits until the worker has told the page about `count` pushes (see
 * {@link listenForPushMessages}), then reads what it posted and the
 * notifications it shows.
 */
export async function waitForPushes(
  page: Page,
  count: number,
): Promise<{
  messages: PushReceivedMessage[];
  notifications: ShownNotification[];
}> {
  await page.waitForFunction(
    (count) => (window as unknown as Collected).pushMessages.length >= count,
    {},
    count,
  );

  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const shown = await registration.getNotifications();

    return {
      messages: (window as unknown as Collected).pushMessages,
      notifications: shown.map(({ title, body, data }) => ({
        title,
        body,
        data,
      })),
    };
  });
}
