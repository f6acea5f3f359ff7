import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake push service received. */
export interface ReceivedPush {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A running fake push service. */
export interface FakePushEndpoint {
  /** Base URL, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** Requests received so far, in arrival order. */
  received: ReceivedPush[];
  close(): Promise<void>;
}

/**
 * A test double for a push service (not a real one: it does not speak the
 * Mozilla protocol, it only answers push requests). The first path segment
 * picks the answer: `/ok/…` 201, `/gone/…` 410, `/notfound/…` 404,
 * `/fail/…` 500, `/hang/…` never answers. Every request is recorded once
 * its body has arrived.
 */
export async function startFakePushEndpoint(): Promise<FakePushEndpoint> {
  const received: ReceivedPush[] = [];
  const statuses: Record<string, number> = {
    ok: 201,
    gone: 410,
    notfound: 404,
    fail: 500,
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({
        path,
        method: request.method ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });

      const status = statuses[path.split('/')[1] ?? ''];
      if (status === undefined) return; // hang: leave it open

      response.writeHead(status).end();
    });
  });

  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
