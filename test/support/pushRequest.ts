import webpush from 'web-push';

/** A subscription as `PushSubscription.toJSON()` gives it. */
export interface PushSubscriptionJson {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** Options for {@link sendPushRequest}. */
export interface PushRequestOptions {
  /** VAPID key pair that signs the request. */
  vapidKeys: { publicKey: string; privateKey: string };
  /** Seconds the push service may keep it; 60 unless given. */
  ttl?: number;
  /** Headers to add or replace after web-push built the request. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Encrypts `payload` for the subscription (aes128gcm), signs it with VAPID
 * and POSTs it to the endpoint with `fetch`; web-push's own sender only
 * speaks https. Resolves with the push service's status; rejects when the
 * request fails or is aborted.
 */
export async function sendPushRequest(
  subscription: PushSubscriptionJson,
  payload: string,
  options: PushRequestOptions,
): Promise<number> {
  const details = webpush.generateRequestDetails(subscription, payload, {
    TTL: options.ttl ?? 60,
    contentEncoding: 'aes128gcm',
    vapidDetails: {
      subject: 'mailto:tests@example.com',
      ...options.vapidKeys,
    },
  });
  const response = await fetch(details.endpoint, {
    method: 'POST',
    headers: { ...details.headers, ...options.headers },
    body: new Uint8Array(details.body),
    signal: options.signal ?? null,
  });
  await response.arrayBuffer();

  return response.status;
}
