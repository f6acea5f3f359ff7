import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  type TestServer,
} from '../../support/startTestServer.js';

let folder: string;
let server: TestServer;

beforeAll(async () => {
  // A demo folder, and a secret beside it that must stay out of reach
  folder = await mkdtemp(join(tmpdir(), 'push-static-'));
  const site = join(folder, 'site');
  await mkdir(join(site, 'nested'), { recursive: true });
  await writeFile(join(site, 'index.html'), '<h1>demo</h1>');
  await writeFile(join(site, 'app.js'), 'export const a = 1;');
  await writeFile(
    join(site, 'sw.js'),
    'self.addEventListener("push", () => {});',
  );
  await writeFile(join(site, 'nested', 'index.html'), '<p>nested</p>');
  await writeFile(join(folder, 'secret.txt'), 'top secret');
  await symlink(join(folder, 'secret.txt'), join(site, 'link.txt'));
  server = await startTestServer({ staticDir: site });
});

afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

/** GET with the path sent as written (fetch would normalise `..`). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);

  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static demo folder', () => {
  it('serves index.html at /', async () => {
    const response = await fetch(`${server.url}/`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toBe('<h1>demo</h1>');
  });

  it.each([
    ['/app.js', /^text\/javascript/],
    ['/sw.js', /^text\/javascript/],
    ['/nested/', /^text\/html/],
  ])('serves %s with its content type', async (path, type) => {
    const response = await fetch(`${server.url}${path}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(type);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/nested/..%5c..%5csecret.txt',
    '/link.txt',
    '/app.js%00.html',
    '/missing.js',
  ])('answers 404 for %s without leaking files outside', async (path) => {
    const response = await rawGet(path);

    expect(response.status).toBe(404);
    expect(response.body).not.toContain('top secret');
  });
});

describe('without a static folder', () => {
  it('serves a page saying the demo bundle is not built', async () => {
    const bare = await startTestServer();

    try {
      const response = await fetch(`${bare.url}/`);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('demo bundle is not built');
    } finally {
      await bare.close();
    }
  });

  it('answers GET /healthz', async () => {
    const bare = await startTestServer();

    try {
      const response = await fetch(`${bare.url}/healthz`);

      expect(await response.json()).toEqual({ ok: true });
    } finally {
      await bare.close();
    }
  });
});
