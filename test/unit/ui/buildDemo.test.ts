import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDemo, demoFiles } from '../../../scripts/buildDemo.js';
import {
  type RunningServer,
  startPushServer,
} from '../../../server/startPushServer.js';

let work: string;
let server: RunningServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'push-demo-test-'));
  const staticDir = await buildDemo(join(work, 'demo'));
  server = await startPushServer({
    staticDir,
    auth: { mode: 'open' },
    port: 0,
    dataDir: join(work, 'data'),
    logger: { info() {}, warn() {}, error() {} },
  });
}, 30_000);

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('buildDemo', () => {
  test('the reference server serves every built file of the demo', async () => {
    for (const file of demoFiles) {
      const response = await fetch(`${server.url}/${file}`);
      expect(response.status, file).toBe(200);
    }
  });

  test('the page loads the bundle, the bundle holds the machine and the button', async () => {
    const page = await (await fetch(`${server.url}/`)).text();
    const bundle = await (await fetch(`${server.url}/demo.js`)).text();
    const worker = await (await fetch(`${server.url}/sw.js`)).text();
    const css = await (await fetch(`${server.url}/pushButton.css`)).text();

    expect(page).toContain('<script type="module" src="demo.js">');
    expect(page).toContain('id="push"');
    expect(bundle).toContain('pwaPromptPushPermission');
    expect(bundle).toContain('push-button__button');
    expect(bundle).not.toMatch(/^import /m);
    expect(worker).toContain('addEventListener("push"');
    expect(css).toContain('--push-accent');
  });
});
