import { execFileSync } from 'node:child_process';
import { webdriverio } from '@vitest/browser-webdriverio';
import { defineConfig } from 'vitest/config';
import { setNotificationPermission } from './test/support/browserCommands.js';
import { browserWorkerPlugin } from './test/support/browserWorkerPlugin.js';

/** Path of a Debian-installed binary, or undefined when it is missing. */
function which(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return undefined;
  }
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        plugins: [browserWorkerPlugin()],
        // Pre-bundled up front: a dependency found mid-run makes Vite
        // reload the page under a running test
        optimizeDeps: {
          include: ['xstate', 'ofetch', '@statelyai/inspect'],
        },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/browserGlobalSetup.ts'],
          // Permissions belong to the origin: one file at a time
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            commands: { setNotificationPermission },
            provider: webdriverio({
              capabilities: {
                browserName: 'chrome',
                'goog:chromeOptions': {
                  binary: which('chromium'),
                  args: [
                    '--headless=new',
                    '--no-sandbox',
                    '--disable-dev-shm-usage',
                    '--disable-background-networking',
                    '--disable-component-update',
                    '--disable-sync',
                    '--no-first-run',
                  ],
                },
                'wdio:chromedriverOptions': {
                  binary: which('chromedriver'),
                },
              },
            }),
            instances: [{ browser: 'chrome' }],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
