import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startPushServer } from '../server/startPushServer.js';
import { replaceMarkedBlock } from '../ui/replaceMarkedBlock.js';
import { buildDemo } from './buildDemo.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** One screenshot: the page query, whether to click, the step to await. */
export interface Shot {
  file: string;
  caption: string;
  query: string;
  click: boolean;
  step: string;
}

/**
 * The visible states. All but `idle` use the page's demo-only
 * `?demoState=` hook: offline, Chromium cannot reach its push service,
 * so the real flow cannot get past `subscribing`.
 */
export const shots: readonly Shot[] = [
  {
    file: 'idle.png',
    caption: 'Before the flow',
    query: '',
    click: false,
    step: 'idle',
  },
  {
    file: 'working.png',
    caption: 'While it runs: the button is disabled',
    query: '?demoState=working',
    click: true,
    step: 'subscribing',
  },
  {
    file: 'done.png',
    caption: 'Subscribed and registered',
    query: '?demoState=done',
    click: true,
    step: 'done',
  },
  {
    file: 'blocked.png',
    caption: 'Permission blocked: how to unblock',
    query: '?demoState=blocked',
    click: true,
    step: 'error',
  },
  {
    file: 'unreachable.png',
    caption: 'No push service: check the network or the browser',
    query: '?demoState=unreachable',
    click: true,
    step: 'error',
  },
  {
    file: 'ios.png',
    caption: 'iPhone not installed, alert shown inline',
    query: '?demoState=ios&alert=inline',
    click: true,
    step: 'error',
  },
];

/** What README.md holds between the `screenshots` markers. */
export function readmeScreenshotsBlock(): string {
  const rows = shots.map(
    (shot) =>
      `| ${shot.caption} | ![${shot.caption}](docs/screenshots/${shot.file}) |`,
  );

  return [
    '### The demo in each state',
    '',
    'Taken in headless Chromium by `npm run screenshots`. All but the first',
    "use the demo page's `?demoState=` hook, which runs the real machine",
    'against stand-in browser and server calls (offline, Chromium cannot',
    'reach its push service, so the real flow stops at `subscribing` and',
    'ends in `push-service-unreachable`). The button, its options and',
    'theming are described in [docs/ui.md](docs/ui.md).',
    '',
    '| state | screenshot |',
    '| --- | --- |',
    ...rows,
  ].join('\n');
}

/**
 * Builds the demo, serves it on a free port with a throwaway data
 * folder, and saves one PNG per entry of `shots` into `outDir`.
 * Rejects when Chromium is missing or a state never shows.
 */
export async function takeScreenshots(
  outDir = join(root, 'docs/screenshots'),
): Promise<string[]> {
  const work = await mkdtemp(join(tmpdir(), 'push-shots-'));
  const executablePath = execFileSync('sh', ['-c', 'command -v chromium'], {
    encoding: 'utf8',
  }).trim();
  const staticDir = await buildDemo(join(work, 'demo'));
  const server = await startPushServer({
    staticDir,
    auth: { mode: 'open' },
    port: 0,
    dataDir: join(work, 'data'),
    logger: { info() {}, warn() {}, error() {} },
  });
  const browser = await puppeteer.launch({
    executablePath,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
    ],
  });

  try {
    await mkdir(outDir, { recursive: true });
    const page = await browser.newPage();
    await page.setViewport({ width: 760, height: 560 });
    const written: string[] = [];

    for (const shot of shots) {
      await page.goto(`${server.url}/${shot.query}`);
      await page.waitForSelector('.push-button[data-step="idle"]');
      if (shot.click) await page.click('.push-button__button');
      await page.waitForSelector(`.push-button[data-step="${shot.step}"]`);

      // The page's focus ring would differ from run to run
      await page.evaluate(() => (document.activeElement as HTMLElement).blur());
      const main = await page.waitForSelector('main');
      const file = join(outDir, shot.file);
      await main?.screenshot({ path: file as `${string}.png` });
      written.push(file);
    }

    return written;
  } finally {
    await browser.close();
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await takeScreenshots();
  const readmePath = join(root, 'README.md');
  const readme = await readFile(readmePath, 'utf8');
  await writeFile(
    readmePath,
    replaceMarkedBlock(readme, 'screenshots', readmeScreenshotsBlock()),
  );
  console.log(`Saved ${files.length} screenshots; README updated`);
}
