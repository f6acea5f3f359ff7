import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The files `buildDemo` writes, relative to its output folder. */
export const demoFiles = [
  'index.html',
  'demo.js',
  'sw.js',
  'pushButton.css',
  'demo.css',
] as const;

/**
 * Builds the demo into `outDir` (default `dist/demo`): bundles the page
 * to `demo.js` and the project service worker to `sw.js`, and copies the
 * HTML and CSS. Resolves with the absolute output folder; rejects with
 * esbuild's error when a bundle does not build.
 */
export async function buildDemo(outDir = join(root, 'dist/demo')) {
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });

  // Bundles
  const common = {
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    sourcemap: true,
    logLevel: 'warning',
  } as const;
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(root, 'ui/demo/demoPage.ts')],
      outfile: join(out, 'demo.js'),
    }),
    build({
      ...common,
      entryPoints: [join(root, 'adapters/pushServiceWorker.ts')],
      outfile: join(out, 'sw.js'),
    }),
  ]);

  // Static files
  await Promise.all([
    copyFile(join(root, 'ui/demo/index.html'), join(out, 'index.html')),
    copyFile(join(root, 'ui/demo/demo.css'), join(out, 'demo.css')),
    copyFile(join(root, 'ui/pushButton.css'), join(out, 'pushButton.css')),
  ]);

  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildDemo(process.argv[2]);
  console.log(`Built the demo into ${out}`);
}
