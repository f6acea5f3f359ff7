import type { UnsupportedReason } from './pushPermissionErrors.js';

/**
 * The two things the machine talks to, as plain interfaces. `adapters/`
 * implements them for real browsers and HTTP; tests implement them with
 * fakes. Every call that can take time receives an `AbortSignal` and must
 * stop its work when it aborts.
 */

/** The serialisable form of a `PushSubscription` (`toJSON()`). */
export interface PushSubscriptionData {
  endpoint: string;
  expirationTime: number | null;
  keys: { p256dh: string; auth: string };
}

/** What the support check found. */
export type SupportResult =
  | { supported: true }
  | { supported: false; reason: UnsupportedReason };

/** A subscription that already exists in the browser. */
export interface ExistingSubscription {
  subscription: PushSubscriptionData;
  /** base64url of `options.applicationServerKey`, null when unknown. */
  applicationServerKey: string | null;
}

/** The register request body (server contract, `POST /pushdata/register`). */
export interface RegisterRequest {
  subscription: PushSubscriptionData;
  options: Record<string, unknown>;
  previousEndpoint?: string;
}

/** The browser's Notification, service worker and PushManager APIs. */
export interface PushPlatform {
  /** Which API is missing, if any. Never throws. */
  checkSupport(): SupportResult;
  /** The current permission, without prompting. */
  readPermission(): NotificationPermission;
  /** Shows the browser prompt and resolves with the answer. */
  requestPermission(signal: AbortSignal): Promise<NotificationPermission>;
  /**
   * The subscription of the service worker registration, or null.
   * Rejects with a `ServiceWorkerError` when no registration is active.
   */
  getSubscription(signal: AbortSignal): Promise<ExistingSubscription | null>;
  /** Drops the current subscription; resolves false when there was none. */
  unsubscribe(signal: AbortSignal): Promise<boolean>;
  /** Subscribes with the VAPID public key (base64url). */
  subscribe(
    applicationServerKey: string,
    signal: AbortSignal,
  ): Promise<PushSubscriptionData>;
}

/**
 * The reference server's push routes. Failures reject with an `HttpError`
 * (status undefined when no response came).
 */
export interface PushServer {
  /** `GET /pushdata/vapidpublickey`, resolving with the base64url key. */
  fetchPublicKey(signal: AbortSignal): Promise<string>;
  /** `POST /pushdata/register`. */
  register(request: RegisterRequest, signal: AbortSignal): Promise<void>;
  /** `DELETE /pushdata/register`. */
  unregister(endpoint: string, signal: AbortSignal): Promise<void>;
}
