import { type ChildProcess, spawn } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { printTable } from './printTable.js';

const durationSeconds = 10;
const connections = 50;

/**
 * `POST /pushdata/register` with a distinct endpoint per request, beside
 * `GET /healthz` (a route that does no work) on the same server, each for
 * 10 s over loopback. The server runs as `npm start` runs it (its own
 * process, JSON log lines on stdout, drained here) so the load generator
 * does not share its event loop.
 */
export default async function registerBench(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'push-bench-'));
  const { url, child } = await startServerProcess(dataDir);

  try {
    const register = await run(url, registerRequest());
    const idle = await run(url, { method: 'GET', path: '/healthz' });

    const note = (result: autocannon.Result) =>
      `${result.requests.total} requests, ${result.non2xx + result.errors} failed`;
    printTable(
      `Register route, ${connections} connections, ${durationSeconds} s (baseline: GET /healthz)`,
      [
        {
          name: 'throughput',
          ours: register.requests.average,
          baseline: idle.requests.average,
          unit: 'req/s',
          higherIsBetter: true,
          note: `ours ${note(register)}; baseline ${note(idle)}`,
        },
        {
          name: 'latency p50',
          ours: register.latency.p50,
          baseline: idle.latency.p50,
          unit: 'ms',
        },
        {
          name: 'latency p99',
          ours: register.latency.p99,
          baseline: idle.latency.p99,
          unit: 'ms',
        },
      ],
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** One POST per request, each with a new endpoint and a valid key. */
function registerRequest(): autocannon.Request {
  const ecdh = createECDH('prime256v1');
  const p256dh = ecdh.generateKeys().toString('base64url');
  const auth = randomBytes(16).toString('base64url');
  let counter = 0;

  return {
    method: 'POST',
    path: '/pushdata/register',
    headers: { 'content-type': 'application/json' },
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({
        subscription: {
          endpoint: `https://push.example.com/bench/${++counter}`,
          expirationTime: null,
          keys: { p256dh, auth },
        },
        options: { idUser: `user-${counter % 1000}` },
      }),
    }),
  };
}

function run(
  url: string,
  request: autocannon.Request,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration: durationSeconds,
    requests: [request],
  });
}

/** Starts `server/main.ts` on port 0 and reads its URL from stdout. */
function startServerProcess(
  dataDir: string,
): Promise<{ url: string; child: ChildProcess }> {
  const main = fileURLToPath(new URL('../server/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, PUSH_PORT: '0', PUSH_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) {
        // Keep draining the log lines, unread
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve({ url, child });
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`Push server exited with ${code} before listening`)),
    );
  });
}
