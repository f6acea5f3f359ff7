import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'puppeteer-core';
import { buildDemo } from '../../scripts/buildDemo.js';
import type { ServerLogger } from '../../server/index.js';
import type { PushFlowStep } from '../../ui/pushStatusMessage.js';

/** File the page imports to reach the library; see `buildE2eDemo`. */
export const pageLibraryFile = 'e2ePageLibrary.js';

const pageLibrarySource = fileURLToPath(
  new URL('./e2ePageLibrary.ts', import.meta.url),
);

/**
 * Builds the demo into `outDir` with `buildDemo`, and beside it
 * `e2ePageLibrary.js`: an ES module that exports `createPushPermission`,
 * for tests that call the library on the page (the demo keeps its own
 * instance to itself). Resolves with the absolute output folder.
 */
export async function buildE2eDemo(outDir: string): Promise<string> {
  const out = await buildDemo(outDir);
  await build({
    entryPoints: [pageLibrarySource],
    outfile: `${out}/${pageLibraryFile}`,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    logLevel: 'warning',
  });

  return out;
}

/** How a flow on the demo page ended, as its button shows it. */
export interface DemoOutcome {
  /** `data-step` of the button's root: `done` or `error`. */
  step: PushFlowStep;
  /** The status line's text. */
  status: string;
}

/**
 * Types `idUser` into the demo's user id field, clicks the real push
 * button and waits until the flow ends (`data-step` is `done` or
 * `error`). Load the page afresh before each call: a page still showing
 * the last flow's end would be read at once.
 */
export async function runDemoFlow(
  page: Page,
  idUser: string,
): Promise<DemoOutcome> {
  await page.waitForSelector('.push-button[data-step="idle"]');
  await page.$eval(
    '#user-id',
    (field, value) => {
      (field as HTMLInputElement).value = value;
    },
    idUser,
  );

  await page.click('.push-button__button');
  await page.waitForFunction(() => {
    const root = document.querySelector<HTMLElement>('.push-button');
    const step = root?.dataset.step;

    return step === 'done' || step === 'error';
  });

  return page.evaluate(() => ({
    step: (document.querySelector<HTMLElement>('.push-button')?.dataset.step ??
      'idle') as PushFlowStep,
    status: document.querySelector('.push-button__status')?.textContent ?? '',
  }));
}

/**
 * Calls the library's `createPushPermission().unsubscribe()` on the page
 * (from the module `buildE2eDemo` adds) and resolves with its answer.
 */
export async function unsubscribeInPage(page: Page): Promise<boolean> {
  // A string, not a function: the test runner rewrites `import()` in
  // the test's own code, and this one must run in the page
  const answer = await page.evaluate(
    `import('/${pageLibraryFile}').then((library) =>
      library.createPushPermission().unsubscribe())`,
  );

  if (typeof answer !== 'boolean') {
    throw new TypeError(`unsubscribe() resolved ${String(answer)}`);
  }

  return answer;
}

/**
 * The endpoint of the page's push subscription, or `null` when it has
 * none or no service worker is registered (where `pushPage`'s
 * `currentSubscription` would wait for one forever).
 */
export function subscribedEndpoint(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    const subscription = await registration?.pushManager.getSubscription();

    return subscription?.endpoint ?? null;
  });
}

/** A logged server request: what the server's one line per request says. */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/** A server logger that keeps request lines and can wait for one. */
export interface RequestLog {
  /** Pass as the server's `logger`. */
  logger: ServerLogger;
  /** Every request logged so far, oldest first. */
  readonly requests: readonly LoggedRequest[];
  /** Requests logged for one method and path. */
  count(method: string, path: string): number;
  /**
   * Resolves with the next request logged for the method and path (the
   * line is written once the answer is ready).
   */
  next(method: string, path: string): Promise<LoggedRequest>;
}

/**
 * Records the server's request lines, for tests that must wait on a
 * request the page or its service worker makes by itself. Other lines
 * (the open mode warning) are dropped.
 */
export function createRequestLog(): RequestLog {
  const requests: LoggedRequest[] = [];
  const waiters: {
    method: string;
    path: string;
    resolve: (request: LoggedRequest) => void;
  }[] = [];

  const info = (message: string, fields?: Record<string, unknown>) => {
    if (message !== 'request' || !fields) return;

    const request: LoggedRequest = {
      method: String(fields.method),
      path: String(fields.path),
      status: Number(fields.status),
    };
    requests.push(request);
    const at = waiters.findIndex(
      (w) => w.method === request.method && w.path === request.path,
    );
    if (at !== -1) waiters.splice(at, 1)[0]?.resolve(request);
  };

  return {
    logger: { info, warn: () => {}, error: () => {} },
    requests,
    count: (method, path) =>
      requests.filter((r) => r.method === method && r.path === path).length,
    next: (method, path) =>
      new Promise((resolve) => waiters.push({ method, path, resolve })),
  };
}
