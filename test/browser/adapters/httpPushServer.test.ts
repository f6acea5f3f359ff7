import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { createPushPermission } from '../../../adapters/createPushPermission.js';
import { httpPushServer } from '../../../adapters/httpPushServer.js';
import {
  HttpError,
  KeyError,
  RegisterError,
} from '../../../machines/pushPermissionErrors.js';
import { pushTestLane, replaceSubscribe } from './pushTestLane.js';

const serviceWorkerUrl = '/__push__/sw.js';
const keyRoute = '/pushdata/vapidpublickey';
const registerRoute = '/pushdata/register';
const signal = () => new AbortController().signal;

let subscribe: ReturnType<typeof replaceSubscribe>;

beforeEach(async () => {
  await commands.setNotificationPermission('granted');
  subscribe = replaceSubscribe();
});

afterEach(async () => {
  subscribe.restore();
  await commands.setNotificationPermission('prompt');
});

/** A flow through the lane's front, with short retry delays. */
function flowThrough(lane: ReturnType<typeof pushTestLane>) {
  return createPushPermission({
    baseUrl: lane.baseUrl,
    serviceWorkerUrl,
    settings: { retryBaseDelayMs: 5, retryMaxDelayMs: 50 },
  });
}

describe('httpPushServer over real HTTP', () => {
  test('fetchPublicKey resolves with the key of the real server', async () => {
    const lane = pushTestLane();
    const server = httpPushServer({ baseUrl: lane.baseUrl });

    const key = await server.fetchPublicKey(signal());

    expect(key).toMatch(/^[A-Za-z0-9_-]{87}$/);
  });

  test('a 503 rejects with HttpError and the Retry-After in ms', async () => {
    const lane = pushTestLane();
    await lane.queue(`GET ${keyRoute}`, {
      kind: 'answer',
      status: 503,
      headers: { 'retry-after': '2' },
    });
    const server = httpPushServer({ baseUrl: lane.baseUrl });

    const failure = server.fetchPublicKey(signal());

    await expect(failure).rejects.toBeInstanceOf(HttpError);
    await expect(failure).rejects.toMatchObject({
      status: 503,
      retryAfterMs: 2000,
    });
    expect(await lane.seen()).toHaveLength(1);
  });

  test('garbage for the key ends the flow with invalid-key', async () => {
    const lane = pushTestLane();
    await lane.queue(`GET ${keyRoute}`, {
      kind: 'answer',
      status: 200,
      body: '<html>not a key</html>',
      headers: { 'content-type': 'text/html' },
    });

    const output = await flowThrough(lane).prompt({ lane: lane.id });

    expect(output.status).toBe('error');
    if (output.status !== 'error') return;
    expect(output.error).toBeInstanceOf(KeyError);
    expect(output.error.code).toBe('invalid-key');
    expect(await lane.rows()).toEqual([]);
  });

  test('register retries a 500 and stores the row on the 200', async () => {
    const lane = pushTestLane();
    await lane.queue(`POST ${registerRoute}`, {
      kind: 'answer',
      status: 500,
      body: '{"error":{"code":"internal","message":"boom"}}',
    });

    const output = await flowThrough(lane).prompt({
      lane: lane.id,
      idUser: 'retry-user',
    });

    expect(output.status).toBe('done');
    const registers = (await lane.seen()).filter(
      (seen) => seen.path === registerRoute,
    );
    expect(registers.map((seen) => [seen.outcome, seen.status])).toEqual([
      ['answered', 500],
      ['forwarded', 201],
    ]);
    const rows = await lane.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.userId).toBe('retry-user');
  });

  test('register does not retry a 400 and ends with its status', async () => {
    const lane = pushTestLane();
    await lane.queue(`POST ${registerRoute}`, {
      kind: 'answer',
      status: 400,
      body: '{"error":{"code":"invalid-body","message":"no"}}',
    });

    const output = await flowThrough(lane).prompt({ lane: lane.id });

    expect(output.status).toBe('error');
    if (output.status !== 'error') return;
    expect(output.error).toBeInstanceOf(RegisterError);
    expect(output.error).toMatchObject({
      code: 'register-failed',
      status: 400,
    });
    const registers = (await lane.seen()).filter(
      (seen) => seen.path === registerRoute,
    );
    expect(registers).toHaveLength(1);
    expect(await lane.rows()).toEqual([]);
  });
});

describe('cancelling a request in flight', () => {
  test.for([
    ['key', `GET ${keyRoute}`, keyRoute],
    ['register', `POST ${registerRoute}`, registerRoute],
  ] as const)(
    'cancel while the %s request is held open closes the connection',
    async ([, route, path]) => {
      const lane = pushTestLane();
      await lane.queue(route, { kind: 'hold' });
      const actor = flowThrough(lane).start({ lane: lane.id });

      await lane.seen('held', path);
      actor.send({ type: 'user.cancel' });
      const seen = await lane.seen('closed', path);

      expect(actor.getSnapshot().output).toMatchObject({
        status: 'error',
        error: { code: 'aborted' },
      });
      expect(seen.filter((request) => request.path === path)).toEqual([
        { method: route.split(' ')[0], path, outcome: 'held' },
        { method: route.split(' ')[0], path, outcome: 'closed' },
      ]);
      expect(await lane.rows()).toEqual([]);
    },
  );
});
