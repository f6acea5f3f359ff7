import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** A request the site's `/pushdata/register` route received. */
export interface SiteRegistration {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/** A running site; see {@link startPushTestSite}. */
export interface PushTestSite {
  /** `http://127.0.0.1:PORT/`, a secure context for Firefox. */
  readonly url: string;
  /** Bodies POSTed to `/pushdata/register`, oldest first. */
  readonly registrations: readonly SiteRegistration[];
  /** Resolves with the next POST to `/pushdata/register`. */
  nextRegistration(): Promise<SiteRegistration>;
  close(): Promise<void>;
}

const workerSource = fileURLToPath(
  new URL('../../adapters/pushServiceWorker.ts', import.meta.url),
);

const page = `<!doctype html>
<meta charset="utf-8">
<title>push test</title>
<p>push test page</p>
`;

/**
 * Bundles the project's service worker with esbuild and serves it as
 * `/sw.js` beside a blank page at `/`, on 127.0.0.1 and a free port. Its
 * `POST /pushdata/register` answers 201 and records what it got (the
 * worker calls it on `pushsubscriptionchange`); `GET
 * /pushdata/vapidpublickey` answers `publicKey` when one was given.
 */
export async function startPushTestSite(
  options: { publicKey?: string } = {},
): Promise<PushTestSite> {
  const bundle = await build({
    entryPoints: [workerSource],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'firefox115',
    logLevel: 'silent',
  });
  const worker = bundle.outputFiles[0]?.text ?? '';
  const registrations: SiteRegistration[] = [];
  const waiters: ((registration: SiteRegistration) => void)[] = [];

  const server = createServer((request, response) => {
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type }).end(body);
    };

    switch (`${request.method} ${request.url}`) {
      case 'GET /':
        return send(200, 'text/html; charset=utf-8', page);
      case 'GET /sw.js':
        return send(200, 'text/javascript', worker);
      case 'GET /pushdata/vapidpublickey':
        if (!options.publicKey) return send(404, 'text/plain', '');

        return send(
          200,
          'application/json',
          JSON.stringify({ publicKey: options.publicKey }),
        );
      case 'POST /pushdata/register':
        readJson(request).then((body) => {
          const registration = { headers: request.headers, body };
          registrations.push(registration);
          waiters.shift()?.(registration);
          send(201, 'application/json', '{}');
        });

        return;
      default:
        request.resume();

        return send(404, 'text/plain', '');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    registrations,
    nextRegistration() {
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString());
  } catch {
    return undefined;
  }
}
