import { createPublicKey, randomUUID, verify } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * How the push service misbehaves for a Web Push request: answer 410 Gone
 * (the subscription expired), answer 500, or hang (never answer until the
 * service closes).
 */
export type PushFailure = 410 | 500 | 'hang';

/** A subscription the browser made over the WebSocket. */
export interface LocalSubscription {
  /** Last path segment of the endpoint: `/wpush/<id>`. */
  readonly id: string;
  readonly uaid: string;
  readonly channelID: string;
  readonly endpoint: string;
  /** VAPID public key (base64url, no padding) it was made with, if any. */
  readonly key: string | undefined;
  readonly state: 'active' | 'unsubscribed';
}

/** A Web Push request the service received on `/wpush/<id>`. */
export interface ReceivedPush {
  readonly endpointId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyLength: number;
  /** Status answered, or `null` while the request hangs. */
  readonly status: number | null;
}

/** What the browser answered for a delivered notification. */
export interface PushAck {
  readonly messageType: 'ack' | 'nack';
  readonly channelID: string | undefined;
  readonly version: string;
  readonly code: number | undefined;
}

/** A running push service; see {@link startLocalPushService}. */
export interface LocalPushService {
  /** `ws://127.0.0.1:PORT/`, the value for Firefox's `dom.push.serverURL`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`, the `aud` VAPID tokens must name. */
  readonly origin: string;
  /** Every Web Push request received, oldest first. */
  readonly received: readonly ReceivedPush[];
  /** Every subscription made, oldest first (a snapshot). */
  readonly subscriptions: readonly LocalSubscription[];
  /** Every ack and nack the browser sent, oldest first. */
  readonly acks: readonly PushAck[];
  /**
   * Makes every later valid request fail this way, for one endpoint id or
   * for all; `undefined` restores normal delivery.
   */
  setFailure(failure: PushFailure | undefined, endpointId?: string): void;
  /**
   * Makes only the next valid request fail, for one endpoint id or any.
   * An endpoint's own settings win over the global ones, and a pending
   * `failNext` over a lasting `setFailure`.
   */
  failNext(failure: PushFailure, endpointId?: string): void;
  /**
   * Acts as a push service that lost its data: drops every browser
   * connection, answers 410 for every subscription so far, and gives each
   * browser that says hello again a new uaid. Firefox then drops its
   * subscriptions and fires `pushsubscriptionchange` in their workers.
   */
  forgetBrowsers(): void;
  /** Resolves with the next ack or nack the browser sends. */
  nextAck(): Promise<PushAck>;
  /**
   * Resolves with the subscription the browser unregisters next (Firefox
   * does not wait for the answer before `unsubscribe()` resolves).
   */
  nextUnregister(): Promise<LocalSubscription>;
  /** Stops listening, ends hung requests and drops every socket. */
  close(): Promise<void>;
}

interface Subscription {
  id: string;
  uaid: string;
  channelID: string;
  key: string | undefined;
  state: 'active' | 'unsubscribed';
}

interface NotificationMessage {
  messageType: 'notification';
  channelID: string;
  version: string;
  data: string;
  headers: { encoding: string };
}

const maxBodyBytes = 4096;
const maxTokenLifetimeSeconds = 24 * 60 * 60;
const anyEndpoint = '*';

/**
 * Starts a push service on 127.0.0.1, on a free port, that Firefox can use
 * instead of Mozilla's: one HTTP server speaks Mozilla's WebSocket push
 * protocol (`hello`, `register`, `unregister`, `ack`, `nack`, pings) and
 * takes Web Push requests on `POST /wpush/<id>`.
 *
 * A Web Push request must carry `Content-Encoding: aes128gcm` (else 415),
 * a `TTL` header (else 400), a body of at most 4096 bytes (else 413) and,
 * when the subscription was made with a VAPID key, `Authorization: vapid
 * t=<jwt>, k=<key>` whose ES256 token verifies with `k`, names this origin
 * as `aud` and has not expired (else 401); `k` must be the subscription's
 * key (else 403). Unknown ids get 404, unsubscribed ones 410. A valid
 * request is answered 201 and its body handed to the browser, at once when
 * it is connected, or when it says `hello` again (unless `TTL` is 0).
 *
 * Note: nothing is persisted; a browser profile used with another instance
 * keeps endpoints on a port that no longer answers.
 */
export async function startLocalPushService(): Promise<LocalPushService> {
  const subscriptions = new Map<string, Subscription>();
  const sockets = new Map<string, WebSocket>();
  const queued = new Map<string, NotificationMessage[]>();
  const received: ReceivedPush[] = [];
  const acks: PushAck[] = [];
  const ackWaiters: ((ack: PushAck) => void)[] = [];
  const unregisterWaiters: ((gone: LocalSubscription) => void)[] = [];
  const failures = new Map<string, PushFailure>();
  const nextFailures = new Map<string, PushFailure>();
  const hung = new Set<ServerResponse>();
  const forgotten = new Set<string>();
  let origin = '';

  function view(subscription: Subscription): LocalSubscription {
    return { ...subscription, endpoint: `${origin}/wpush/${subscription.id}` };
  }

  // Failure mode for one request
  function takeFailure(id: string): PushFailure | undefined {
    for (const key of [id, anyEndpoint]) {
      const next = nextFailures.get(key);
      if (next !== undefined) {
        nextFailures.delete(key);

        return next;
      }
      const lasting = failures.get(key);
      if (lasting !== undefined) return lasting;
    }

    return undefined;
  }

  function deliver(subscription: Subscription, body: Buffer, ttl: number) {
    const message: NotificationMessage = {
      messageType: 'notification',
      channelID: subscription.channelID,
      version: randomUUID(),
      data: body.toString('base64url'),
      headers: { encoding: 'aes128gcm' },
    };
    const socket = sockets.get(subscription.uaid);
    if (socket) {
      socket.send(JSON.stringify(message));
    } else if (ttl > 0) {
      const list = queued.get(subscription.uaid) ?? [];
      list.push(message);
      queued.set(subscription.uaid, list);
    }
  }

  async function handlePush(
    id: string,
    request: IncomingMessage,
    response: ServerResponse,
  ) {
    const body = await readBody(request);
    const headers = flatHeaders(request);
    const entry = {
      endpointId: id,
      headers,
      bodyLength: body.length,
      status: null as number | null,
    };
    received.push(entry);
    const answer = (status: number) => {
      entry.status = status;
      response.writeHead(status, { 'content-length': 0 }).end();
    };

    // Route and validate
    const subscription = subscriptions.get(id);
    if (!subscription) return answer(404);
    if (subscription.state === 'unsubscribed') return answer(410);
    const invalid = checkRequest(headers, body, subscription.key, origin);
    if (invalid) return answer(invalid);

    // Misbehave on request
    const failure = takeFailure(id);
    if (failure === 'hang') {
      hung.add(response);
      response.on('close', () => hung.delete(response));

      return;
    }
    if (failure !== undefined) return answer(failure);

    deliver(subscription, body, Number(headers.ttl));

    return answer(201);
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    const match = /^\/wpush\/([\w-]+)$/.exec(url.pathname);
    if (request.method === 'POST' && match?.[1]) {
      handlePush(match[1], request, response).catch(() => {
        response.destroy();
      });

      return;
    }

    request.resume();
    response.writeHead(404, { 'content-length': 0 }).end();
  });

  // WebSocket protocol
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    let uaid: string | undefined;
    const send = (message: object) => socket.send(JSON.stringify(message));

    socket.on('message', (raw) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(raw.toString());
      } catch {
        socket.close(1002, 'Invalid JSON');

        return;
      }

      switch (message.messageType) {
        case 'hello': {
          const asked = message.uaid;
          const known = typeof asked === 'string' && !forgotten.has(asked);
          uaid = known && asked ? asked : newId();
          sockets.get(uaid)?.close(4000, 'Replaced by a newer connection');
          sockets.set(uaid, socket);
          send({
            messageType: 'hello',
            uaid,
            status: 200,
            use_webpush: true,
            broadcasts: {},
          });
          for (const pending of queued.get(uaid) ?? []) send(pending);
          queued.delete(uaid);

          return;
        }
        case 'register': {
          if (!uaid) return socket.close(1002, 'register before hello');
          const channelID = String(message.channelID);
          const key = normalizeKey(message.key);
          if (key === null) {
            return send({ messageType: 'register', channelID, status: 400 });
          }

          // Firefox may send one register twice around a new uaid; like
          // autopush, the same channel and key give the same endpoint
          const same = [...subscriptions.values()].find(
            (s) =>
              s.uaid === uaid &&
              s.channelID === channelID &&
              s.key === key &&
              s.state === 'active',
          );
          const id = same?.id ?? newId();
          subscriptions.set(id, { id, uaid, channelID, key, state: 'active' });

          return send({
            messageType: 'register',
            channelID,
            status: 200,
            pushEndpoint: `${origin}/wpush/${id}`,
          });
        }
        case 'unregister': {
          const channelID = String(message.channelID);
          for (const subscription of subscriptions.values()) {
            if (
              subscription.uaid === uaid &&
              subscription.channelID === channelID &&
              subscription.state === 'active'
            ) {
              subscription.state = 'unsubscribed';
              unregisterWaiters.shift()?.(view(subscription));
            }
          }

          return send({ messageType: 'unregister', channelID, status: 200 });
        }
        case 'ack':
        case 'nack': {
          const type = message.messageType;
          const updates = Array.isArray(message.updates)
            ? (message.updates as Record<string, unknown>[])
            : [message];
          for (const update of updates) {
            const ack: PushAck = {
              messageType: type,
              channelID: optionalString(update.channelID),
              version: String(update.version),
              code: typeof update.code === 'number' ? update.code : undefined,
            };
            acks.push(ack);
            ackWaiters.shift()?.(ack);
          }

          return;
        }
        case undefined:
        case 'ping':
          // Firefox pings with an empty object and wants one back
          return send({});
        default:
          // broadcast_subscribe and anything newer: nothing to do here
          return;
      }
    });

    socket.on('close', () => {
      if (uaid && sockets.get(uaid) === socket) sockets.delete(uaid);
    });
  });

  // Listen on a free port
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `ws://127.0.0.1:${port}/`,
    origin,
    received,
    acks,
    get subscriptions() {
      return [...subscriptions.values()].map(view);
    },
    setFailure(failure, endpointId = anyEndpoint) {
      if (failure === undefined) failures.delete(endpointId);
      else failures.set(endpointId, failure);
    },
    failNext(failure, endpointId = anyEndpoint) {
      nextFailures.set(endpointId, failure);
    },
    forgetBrowsers() {
      for (const subscription of subscriptions.values()) {
        subscription.state = 'unsubscribed';
        forgotten.add(subscription.uaid);
      }
      for (const [uaid, socket] of sockets) {
        forgotten.add(uaid);
        socket.terminate();
      }
      queued.clear();
    },
    nextAck() {
      return new Promise((resolve) => ackWaiters.push(resolve));
    },
    nextUnregister() {
      return new Promise((resolve) => unregisterWaiters.push(resolve));
    },
    async close() {
      for (const response of hung) response.destroy();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Status for a Web Push request that breaks a rule, or 0 when valid. */
function checkRequest(
  headers: Record<string, string>,
  body: Buffer,
  key: string | undefined,
  origin: string,
): number {
  if (headers['content-encoding']?.toLowerCase() !== 'aes128gcm') return 415;
  if (!/^\d+$/.test(headers.ttl ?? '')) return 400;
  if (body.length > maxBodyBytes) return 413;
  if (key === undefined) return 0;

  // VAPID: vapid t=<jwt>, k=<key>
  const vapid = parseVapid(headers.authorization);
  if (!vapid) return 401;
  if (!verifyToken(vapid.token, vapid.key, origin)) return 401;
  if (normalizeKey(vapid.key) !== key) return 403;

  return 0;
}

function parseVapid(header: string | undefined) {
  const match = /^vapid\s+(.*)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;

  const params = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const at = part.indexOf('=');
    if (at > 0) params.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const token = params.get('t');
  const key = params.get('k');

  return token && key ? { token, key } : undefined;
}

/**
 * Whether a VAPID JWT is signed (ES256) by the key, is meant for this
 * origin and has not expired (RFC 8292, section 2).
 */
function verifyToken(token: string, key: string, origin: string): boolean {
  try {
    const [head, claims, signature] = token.split('.');
    if (!head || !claims || !signature) return false;
    const header = JSON.parse(Buffer.from(head, 'base64url').toString());
    if (header.alg !== 'ES256') return false;

    // Signature
    const point = Buffer.from(key, 'base64url');
    if (point.length !== 65 || point[0] !== 4) return false;
    const publicKey = createPublicKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
    });
    const signed = verify(
      'sha256',
      Buffer.from(`${head}.${claims}`),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) return false;

    // Claims
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString());
    const now = Date.now() / 1000;

    return (
      payload.aud === origin &&
      typeof payload.exp === 'number' &&
      payload.exp > now &&
      payload.exp <= now + maxTokenLifetimeSeconds
    );
  } catch {
    return false;
  }
}

/**
 * A key as base64url without padding; Firefox pads the one it registers
 * with. `undefined` when there is none, `null` when it is not a P-256 point.
 */
function normalizeKey(key: unknown): string | undefined | null {
  if (key === undefined || key === null || key === '') return undefined;
  if (typeof key !== 'string') return null;

  const point = Buffer.from(key, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return null;

  return point.toString('base64url');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);

  return Buffer.concat(chunks);
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }

  return headers;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function newId(): string {
  return randomUUID().replaceAll('-', '');
}
