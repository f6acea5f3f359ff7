import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The page served at `/` when no `staticDir` is set. */
export const placeholderPage = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Push server</title>
<h1>Push server is running</h1>
<p>The demo bundle is not built. Build it and start the server with
<code>PUSH_STATIC_DIR</code> pointing at its folder.</p>
</html>
`;

/**
 * Answers a GET or HEAD of `urlPath` from the folder `root`: `/` and
 * folders serve their `index.html`. Resolves with undefined when there is
 * no such file, or when the path (after decoding and following links)
 * would leave `root`.
 */
export async function serveStaticFile(
  root: string,
  urlPath: string,
  method: 'GET' | 'HEAD',
): Promise<Response | undefined> {
  // Decode and refuse escapes before touching the disk
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split(/[\\/]/).includes('..')) {
    return undefined;
  }

  // Resolve inside the root, links included
  try {
    const base = await realpath(resolve(root));
    let file = await realpath(join(base, decoded));
    if (file !== base && !file.startsWith(base + sep)) return undefined;

    if ((await stat(file)).isDirectory()) {
      file = await realpath(join(file, 'index.html'));
      if (!file.startsWith(base + sep)) return undefined;
    }
    const info = await stat(file);
    if (!info.isFile()) return undefined;

    const type =
      contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers = {
      'content-type': type,
      'content-length': String(info.size),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    };
    if (method === 'HEAD') return new Response(null, { headers });

    return new Response(await readFile(file), { headers });
  } catch {
    return undefined;
  }
}
