import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import webpush from 'web-push';
import WebSocket from 'ws';
import type { SubscriptionRow } from '../server/index.js';
import {
  type LocalPushService,
  startLocalPushService,
} from '../test/support/localPushService.js';
import { createTestSubscription } from '../test/support/serverTestSubscription.js';
import {
  startTestServer,
  type TestServer,
} from '../test/support/startTestServer.js';
import { printTable } from './printTable.js';

const subscriptionCount = 1000;
const rounds = 3;
const registerConcurrency = 32;
const notification = { title: 'Bench', body: 'One of a thousand' };

/** What one round measured. */
interface Round {
  /** Wall time of the whole send, ms. */
  ms: number;
  /** Each push request's time, as measured around its `fetch`, ms. */
  latencies: number[];
  /** Push requests the push service accepted (201). */
  accepted: number;
}

/**
 * `POST /pushdata/sendnotification` to 1,000 subscriptions on the local
 * push service, beside the floor: a plain loop of web-push's
 * `generateRequestDetails` and `fetch` to the same endpoints, with the
 * server's `sendConcurrency`. Server, push service and floor share this
 * process, so both sides pay for the push service alike. Each side runs
 * once to warm up, then `rounds` times; the median round is shown, p99
 * over every request of the measured rounds.
 */
export default async function sendBench(): Promise<void> {
  const service = await startLocalPushService();
  const server = await startTestServer({
    allowedPushHosts: [new URL(service.origin).host],
  });
  const browser = await connectBrowser(service, server.settings.vapidPublicKey);

  try {
    await registerAll(server, browser);
    const rows = server.store.listSubscriptions();
    if (rows.length !== subscriptionCount) {
      throw new Error(`Expected ${subscriptionCount} rows, got ${rows.length}`);
    }

    // Warm up, then alternate so neither side gets a quieter moment
    await sendRoute(server, browser);
    await plainLoop(server, rows, browser);
    const ours: Round[] = [];
    const floor: Round[] = [];
    for (let round = 0; round < rounds; round++) {
      ours.push(await sendRoute(server, browser));
      floor.push(await plainLoop(server, rows, browser));
    }

    report(server, ours, floor);
  } finally {
    browser.close();
    await server.close();
    await service.close();
  }
}

/**
 * A WebSocket client that plays Firefox: hello, then one channel per
 * subscription, made with the server's VAPID key.
 */
interface FakeBrowser {
  /** Endpoints of the channels it registered. */
  endpoints: string[];
  /** Resolves once `total` notifications have arrived since it started. */
  delivered(total: number): Promise<void>;
  close(): void;
}

async function connectBrowser(service: LocalPushService, key: string) {
  const socket = new WebSocket(service.url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });

  let notifications = 0;
  let waiting: { total: number; resolve: () => void } | undefined;
  const registers = new Map<string, (endpoint: string) => void>();
  let helloDone: () => void = () => {};
  const hello = new Promise<void>((resolve) => {
    helloDone = resolve;
  });

  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as Record<string, unknown>;
    if (message.messageType === 'hello') helloDone();
    if (message.messageType === 'register') {
      registers.get(String(message.channelID))?.(String(message.pushEndpoint));
    }
    if (message.messageType === 'notification') {
      notifications++;
      if (waiting && notifications >= waiting.total) waiting.resolve();
    }
  });

  // Hello, then every register at once, as a browser may pipeline them
  socket.send(JSON.stringify({ messageType: 'hello', use_webpush: true }));
  await hello;
  const endpoints = await Promise.all(
    Array.from({ length: subscriptionCount }, () => {
      const channelID = randomUUID();
      const registered = new Promise<string>((resolve) => {
        registers.set(channelID, resolve);
      });
      socket.send(JSON.stringify({ messageType: 'register', channelID, key }));

      return registered;
    }),
  );

  const browser: FakeBrowser = {
    endpoints,
    delivered: (total) =>
      notifications >= total
        ? Promise.resolve()
        : new Promise((resolve) => {
            waiting = { total, resolve };
          }),
    close: () => socket.close(),
  };

  return browser;
}

/** `POST /pushdata/register` for each endpoint, with browser-like keys. */
async function registerAll(server: TestServer, browser: FakeBrowser) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < browser.endpoints.length; i = next++) {
      const endpoint = browser.endpoints[i] as string;
      const response = await fetch(`${server.url}/pushdata/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          subscription: createTestSubscription(endpoint).json,
          options: { idUser: `bench-user-${i}` },
        }),
      });
      if (response.status !== 201) {
        throw new Error(`Register answered ${response.status}`);
      }
    }
  };

  await Promise.all(Array.from({ length: registerConcurrency }, worker));
}

let expectedDeliveries = 0;

/** One send through the server's route, every fetch timed. */
async function sendRoute(
  server: TestServer,
  browser: FakeBrowser,
): Promise<Round> {
  const latencies: number[] = [];
  const restore = timeEachFetch(latencies, server.url);

  let ms: number;
  let result: { sent?: number };
  try {
    const started = performance.now();
    const response = await fetch(`${server.url}/pushdata/sendnotification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: server.settings.apiKey, ...notification }),
    });
    result = (await response.json()) as { sent?: number };
    ms = performance.now() - started;
  } finally {
    restore();
  }

  expectedDeliveries += subscriptionCount;
  await browser.delivered(expectedDeliveries);

  return { ms, latencies, accepted: result.sent ?? 0 };
}

/** The floor: the same requests without the server around them. */
async function plainLoop(
  server: TestServer,
  rows: readonly SubscriptionRow[],
  browser: FakeBrowser,
): Promise<Round> {
  const { settings } = server;
  const payload = JSON.stringify(notification);
  const latencies: number[] = [];
  let accepted = 0;
  let next = 0;

  const worker = async () => {
    for (let row = rows[next++]; row !== undefined; row = rows[next++]) {
      const details = webpush.generateRequestDetails(
        {
          endpoint: row.endpoint,
          keys: { p256dh: row.p256dh, auth: row.auth },
        },
        payload,
        {
          vapidDetails: {
            subject: settings.vapidSubject,
            publicKey: settings.vapidPublicKey,
            privateKey: settings.vapidPrivateKey,
          },
          TTL: 300,
          contentEncoding: 'aes128gcm',
        },
      );
      const headers = Object.fromEntries(
        Object.entries(details.headers)
          .filter(([name]) => name.toLowerCase() !== 'content-length')
          .map(([name, value]) => [name, String(value)]),
      );

      const started = performance.now();
      const response = await fetch(details.endpoint, {
        method: 'POST',
        headers,
        body: Uint8Array.from(details.body ?? []),
      });
      latencies.push(performance.now() - started);
      await response.body?.cancel();
      if (response.status === 201) accepted++;
    }
  };

  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.sendConcurrency }, () => worker()),
  );
  const ms = performance.now() - started;

  expectedDeliveries += subscriptionCount;
  await browser.delivered(expectedDeliveries);

  return { ms, latencies, accepted };
}

/**
 * Wraps the global `fetch` so each call made by the server's send (any
 * call not to the server itself) records how long it took to answer.
 * Returns the function that puts the original back.
 */
function timeEachFetch(latencies: number[], serverUrl: string) {
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(serverUrl)) return original(input, init);

    const started = performance.now();
    const response = await original(input, init);
    latencies.push(performance.now() - started);

    return response;
  };

  return () => {
    globalThis.fetch = original;
  };
}

function report(server: TestServer, ours: Round[], floor: Round[]) {
  const rate = (round: Round) => (round.accepted / round.ms) * 1000;
  const oursRate = median(ours.map(rate));
  const floorRate = median(floor.map(rate));
  const concurrency = server.settings.sendConcurrency;
  const accepted = (list: Round[]) =>
    list.map((round) => round.accepted).join('/');

  printTable(
    `Send route to ${subscriptionCount} subscriptions on the local push service, concurrency ${concurrency} (baseline: generateRequestDetails + fetch loop)`,
    [
      {
        name: 'throughput',
        ours: oursRate,
        baseline: floorRate,
        limit: floorRate * 0.8,
        unit: 'notifications/s',
        higherIsBetter: true,
        note: `median of ${rounds} rounds after a warm-up; accepted ${accepted(ours)} vs ${accepted(floor)}`,
      },
      {
        name: 'push request p50',
        ours: latency(ours, 0.5),
        baseline: latency(floor, 0.5),
        unit: 'ms',
      },
      {
        name: 'push request p99',
        ours: latency(ours, 0.99),
        baseline: latency(floor, 0.99),
        unit: 'ms',
        note: 'timed around each fetch to the push service',
      },
      {
        name: 'whole send',
        ours: median(ours.map((round) => round.ms)),
        baseline: median(floor.map((round) => round.ms)),
        unit: 'ms',
        note: 'ours includes the HTTP call to the route and the row query',
      },
    ],
  );
}

/** A percentile of every push request's latency over the rounds. */
function latency(rounds: Round[], fraction: number): number {
  return percentile(
    rounds.flatMap((round) => round.latencies),
    fraction,
  );
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil(fraction * sorted.length) - 1),
  );

  return sorted[index] ?? Number.NaN;
}
