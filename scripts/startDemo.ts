import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPushServer } from '../server/startPushServer.js';
import { buildDemo } from './buildDemo.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * `npm start`: builds the demo into `dist/demo` and serves it with the
 * reference server in open auth mode (the local demo only), SQLite under
 * `./data`, on `PORT` or `PUSH_PORT` (default 8787), with the demo-only
 * send route of the test notification button. Stops on SIGINT and
 * SIGTERM.
 */
export async function startDemo() {
  const staticDir = await buildDemo(join(root, 'dist/demo'));
  const port = Number(process.env.PORT ?? process.env.PUSH_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError('`PORT` must be a port number (0 to 65535)');
  }

  const server = await startPushServer({
    staticDir,
    auth: { mode: 'open' },
    demoSendRoute: true,
    port,
    dataDir: join(root, 'data'),
  });
  console.log(`Push demo on ${server.url}/ (add ?inspect for the inspector)`);

  // Stop once, on the first signal
  const stop = async () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await server.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  return server;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await startDemo();
}
