import { afterEach, describe, expect, it, vi } from 'vitest';
import webpush from 'web-push';
import type { SubscriptionRow } from '../../../server/index.js';
import { sendNotifications } from '../../../server/index.js';
import { createTestSubscription } from '../../support/serverTestSubscription.js';

// No public push service is reachable here: `fetch` is replaced by a spy
// that answers 201, and DNS by a stand-in `resolveHost`.
afterEach(() => {
  vi.restoreAllMocks();
});

function row(endpoint: string): SubscriptionRow {
  const { json } = createTestSubscription(endpoint);

  return {
    endpoint,
    p256dh: json.keys.p256dh,
    auth: json.keys.auth,
    expirationTime: null,
    userId: 'u',
    options: {},
    createdAt: 0,
    updatedAt: 0,
  };
}

function send(rows: SubscriptionRow[], addresses: string[]) {
  const vapid = webpush.generateVAPIDKeys();
  const resolveHost = vi.fn(async () => addresses);

  const result = sendNotifications(rows, {
    vapid: { subject: 'mailto:a@example.com', ...vapid },
    payloadText: '{"title":"t"}',
    ttl: 60,
    timeoutMs: 1000,
    concurrency: 4,
    allowedPushHosts: [],
    onGone: () => {},
    resolveHost,
  });

  return { result, resolveHost };
}

describe('sendNotifications resolves push hosts before sending', () => {
  for (const address of ['10.1.2.3', '127.0.0.1', '169.254.169.254', '::1']) {
    it(`skips a public name that resolves to ${address}`, async () => {
      const fetchSpy = vi
        .spyOn(globalThis, 'fetch')
        .mockResolvedValue(new Response(null, { status: 201 }));

      const { result, resolveHost } = send(
        [row('https://push.example.net/send/1')],
        ['93.184.216.34', address],
      );

      expect(await result).toEqual({ sent: 0, failed: 1, removed: 0 });
      expect(resolveHost).toHaveBeenCalledWith('push.example.net');
      expect(fetchSpy).not.toHaveBeenCalled();
    });
  }

  it('sends to a name that resolves to public addresses only', async () => {
    const fetchSpy = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(new Response(null, { status: 201 }));

    const { result } = send(
      [row('https://push.example.net/send/1')],
      ['93.184.216.34'],
    );

    expect(await result).toEqual({ sent: 1, failed: 0, removed: 0 });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it('counts a name that does not resolve as failed', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');

    const { result } = send([row('https://push.example.net/send/1')], []);

    expect(await result).toEqual({ sent: 0, failed: 1, removed: 0 });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
