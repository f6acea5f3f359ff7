import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'vite';

/** Where the Vitest page finds the project's service worker. */
export const browserWorkerUrl = '/__push__/sw.js';

const source = fileURLToPath(
  new URL('../../adapters/pushServiceWorker.ts', import.meta.url),
);

/**
 * A Vite plugin that serves `adapters/pushServiceWorker.ts`, bundled as
 * the app would ship it (esbuild, `iife`), at {@link browserWorkerUrl} on
 * the Vitest page's origin, where a service worker must come from. Vite's
 * own transform keeps module syntax, which a classic worker cannot run.
 */
export function browserWorkerPlugin(): Plugin {
  return {
    name: 'push-browser-worker',
    configureServer(server) {
      server.middlewares.use(browserWorkerUrl, (_req, res, next) => {
        build({
          entryPoints: [source],
          bundle: true,
          format: 'iife',
          write: false,
          target: 'es2022',
        }).then(
          (result) => {
            res.setHeader('content-type', 'text/javascript');
            res.setHeader('cache-control', 'no-store');
            res.end(result.outputFiles[0]?.text ?? '');
          },
          (error: unknown) => next(error),
        );
      });
    },
  };
}
