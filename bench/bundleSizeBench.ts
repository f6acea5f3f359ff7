import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { type BenchRow, printTable } from './printTable.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Everything an app imports from the client: machine and adapters
const clientEntry = `
export * from './machines/index.js';
export * from './adapters/index.js';
`;

// What an app that calls createPushPermission ships
const appEntry = `export { createPushPermission } from './adapters/index.js';`;

// The two libraries alone, as far as the client's exports pull them in
const librariesEntry = `
export * from 'xstate';
export { ofetch } from 'ofetch';
`;

/** Anchors from issue 4, measured the same way elsewhere. */
const anchors = {
  firebaseGetToken: 15.9,
  pusherBeams: 8.6,
  xstateAndOfetch: 17.4,
  libraryFreeFunction: 0.5,
};

interface Size {
  minified: number;
  gzip: number;
  brotli: number;
}

/**
 * Bundles `contents` (browser ESM, minified, tree-shaken) with the given
 * packages left external, and measures it raw, gzip -9 and brotli max.
 */
async function measure(
  contents: string,
  external: string[],
  externalMachines = false,
): Promise<Size> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    external,
    logLevel: 'silent',
    plugins: externalMachines ? [machinesExternal] : [],
  });
  const code = Buffer.from(result.outputFiles[0]?.contents ?? []);

  return {
    minified: kb(code.length),
    gzip: kb(gzipSync(code, { level: 9 }).length),
    brotli: kb(
      brotliCompressSync(code, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
      }).length,
    ),
  };
}

// Leaves `machines/` out, to weigh the adapters on their own
const machinesExternal: Plugin = {
  name: 'machines-external',
  setup(build) {
    build.onResolve({ filter: /\/machines\// }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

function kb(bytes: number): number {
  return Math.round((bytes / 1024) * 100) / 100;
}

/**
 * Client bundle size: the whole client, our own code alone (xstate and
 * ofetch external) and our code plus ofetch (the cost to an app that
 * already ships xstate), beside the anchors of issue 4.
 */
export default async function bundleSizeBench(): Promise<void> {
  const whole = await measure(clientEntry, []);
  const own = await measure(clientEntry, ['xstate', 'ofetch']);
  const withOfetch = await measure(clientEntry, ['xstate']);
  const app = await measure(appEntry, []);
  const appOwn = await measure(appEntry, ['xstate', 'ofetch']);
  const adapters = await measure(appEntry, ['xstate', 'ofetch'], true);
  const libraries = await measure(librariesEntry, []);

  const raw = (size: Size) =>
    `${size.minified} KB minified, ${size.brotli} KB brotli`;
  const rows: BenchRow[] = [
    {
      name: 'whole client (all exports), gzip',
      ours: whole.gzip,
      baseline: anchors.firebaseGetToken,
      limit: 20,
      unit: 'KB',
      note: `${raw(whole)}; baseline: Firebase getToken path`,
    },
    {
      name: 'own code alone (all exports), gzip',
      ours: own.gzip,
      baseline: anchors.libraryFreeFunction,
      limit: 3,
      unit: 'KB',
      note: `${raw(own)}; baseline: a library-free function`,
    },
    {
      name: 'app importing createPushPermission, gzip',
      ours: app.gzip,
      baseline: anchors.firebaseGetToken,
      limit: 20,
      unit: 'KB',
      note: `${raw(app)}; whole client, tree-shaken to one import`,
    },
    {
      name: 'own code of that app, gzip',
      ours: appOwn.gzip,
      baseline: anchors.libraryFreeFunction,
      limit: 3,
      unit: 'KB',
      note: `${raw(appOwn)}; machine + adapters`,
    },
    {
      name: 'adapters alone, gzip',
      ours: adapters.gzip,
      baseline: anchors.libraryFreeFunction,
      unit: 'KB',
      note: `${raw(adapters)}; machines/, xstate, ofetch external`,
    },
    {
      name: 'own code + ofetch, gzip',
      ours: withOfetch.gzip,
      baseline: anchors.pusherBeams,
      unit: 'KB',
      note: `${raw(withOfetch)}; baseline: Pusher Beams web`,
    },
    {
      name: 'xstate + ofetch, gzip',
      ours: libraries.gzip,
      baseline: anchors.xstateAndOfetch,
      unit: 'KB',
      note: `${raw(libraries)}; measured here; baseline: issue 4's figure`,
    },
  ];

  printTable(
    'Client bundle size (esbuild, minified browser ESM; gzip -9, brotli 11)',
    rows,
  );
}
