import {
  createServer,
  request as forward,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SubscriptionRow } from '../../server/index.js';

/** What the front does with one request instead of forwarding it. */
export type Fault =
  | {
      kind: 'answer';
      status: number;
      body?: string;
      headers?: Record<string, string>;
    }
  | { kind: 'hold' };

/** One request the front saw for a test. */
export interface SeenRequest {
  method: string;
  path: string;
  /** `forwarded`, `answered` (a fault), `held`, or `closed` (held, then
   * the client closed the connection). */
  outcome: 'forwarded' | 'answered' | 'held' | 'closed';
  status?: number;
}

/** A started front. */
export interface FaultyServer {
  url: string;
  close(): Promise<void>;
}

interface Lane {
  faults: Map<string, Fault[]>;
  seen: SeenRequest[];
  waiters: Set<() => void>;
}

/**
 * A test-only HTTP front for the push server, on 127.0.0.1, port 0.
 *
 * Requests to `/t/<lane>/<path>` go to `<target>/<path>` unless a fault
 * is queued for `<METHOD> /<path>` on that lane; each test uses its own
 * lane, so parallel tests do not meet. Preflights are always forwarded.
 *
 * Control routes, answered with CORS `*` so a browser test can call them:
 * - `POST /control/<lane>/faults` `{ route: 'POST /pushdata/register',
 *   faults: Fault[] }` queues faults, used once each in order;
 * - `GET /control/<lane>/seen?until=<outcome>&path=<path>` answers the
 *   requests seen, after waiting until one matches, when `until` is given;
 * - `GET /control/<lane>/rows` answers the stored rows whose
 *   `options.lane` is the lane (read from the store through `readRows`).
 */
export async function startFaultyServer(
  target: string,
  readRows: () => SubscriptionRow[],
): Promise<FaultyServer> {
  const lanes = new Map<string, Lane>();
  const lane = (id: string) => {
    let found = lanes.get(id);
    if (!found) {
      found = { faults: new Map(), seen: [], waiters: new Set() };
      lanes.set(id, found);
    }

    return found;
  };
  const note = (into: Lane, seen: SeenRequest) => {
    into.seen.push(seen);
    for (const wake of into.waiters) wake();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front');
    const [, area, id = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;

    if (area === 'control') {
      control(lane(id), req, res, path, url, readRows, id).catch(
        (error: unknown) => answer(res, 500, { error: String(error) }),
      );

      return;
    }
    if (area !== 't') {
      answer(res, 404, { error: 'not a lane' });

      return;
    }

    const into = lane(id);
    const queued =
      req.method === 'OPTIONS'
        ? undefined
        : into.faults.get(`${req.method} ${path}`)?.shift();
    const method = req.method ?? 'GET';

    if (queued?.kind === 'answer') {
      req.resume();
      note(into, { method, path, outcome: 'answered', status: queued.status });
      res.writeHead(queued.status, {
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'Retry-After',
        ...queued.headers,
      });
      res.end(queued.body ?? '');

      return;
    }
    if (queued?.kind === 'hold') {
      req.resume();
      note(into, { method, path, outcome: 'held' });
      res.on('close', () => note(into, { method, path, outcome: 'closed' }));

      return;
    }

    const pipe = forward(
      `${target}${path}${url.search}`,
      { method, headers: req.headers },
      (upstream) => {
        if (method !== 'OPTIONS') {
          note(into, {
            method,
            path,
            outcome: 'forwarded',
            status: upstream.statusCode,
          });
        }
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      },
    );
    pipe.on('error', () => answer(res, 502, { error: 'upstream failed' }));
    req.pipe(pipe);
  });

  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () => closeServer(server),
  };
}

async function control(
  lane: Lane,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
  readRows: () => SubscriptionRow[],
  id: string,
): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'content-type',
    });
    res.end();

    return;
  }

  if (req.method === 'POST' && path === '/faults') {
    const { route, faults } = JSON.parse(await readBody(req)) as {
      route: string;
      faults: Fault[];
    };
    lane.faults.set(route, [...(lane.faults.get(route) ?? []), ...faults]);
    answer(res, 200, { queued: lane.faults.get(route)?.length });

    return;
  }

  if (req.method === 'GET' && path === '/seen') {
    const until = url.searchParams.get('until');
    const onPath = url.searchParams.get('path');
    const matches = () =>
      until === null ||
      lane.seen.some(
        (seen) =>
          seen.outcome === until && (onPath === null || seen.path === onPath),
      );

    // Long poll: the test waits for the event, not for a clock
    while (!matches()) {
      await new Promise<void>((wake) => {
        const once = () => {
          lane.waiters.delete(once);
          wake();
        };
        lane.waiters.add(once);
        res.once('close', once);
      });
      if (res.destroyed) return;
    }
    answer(res, 200, lane.seen);

    return;
  }

  if (req.method === 'GET' && path === '/rows') {
    answer(
      res,
      200,
      readRows().filter((row) => row.options.lane === id),
    );

    return;
  }

  answer(res, 404, { error: 'no such control route' });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;

  res.writeHead(status, {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
  });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);

  return Buffer.concat(chunks).toString('utf8');
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
