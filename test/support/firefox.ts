import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Options for {@link launchFirefox}. */
export interface LaunchFirefoxOptions {
  /** `ws://` URL of the push service, e.g. `LocalPushService.url`. */
  pushServiceUrl: string;
  /**
   * Profile folder to use and keep; a later launch with the same folder
   * finds the service workers, subscriptions and permissions it left. A
   * fresh temporary profile, removed on close, when left out.
   */
  profileDir?: string;
  /** More prefs, or replacements for the ones set here. */
  prefs?: Record<string, unknown>;
}

/** Path of Debian's firefox-esr; `undefined` when it is not installed. */
export function firefoxPath(): string | undefined {
  for (const name of ['firefox-esr', 'firefox']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], {
        encoding: 'utf8',
      }).trim();
      if (found) return found;
    } catch {
      // Not installed under this name
    }
  }

  return undefined;
}

/**
 * Prefs that point Firefox's push at a local service and let a service
 * worker show notifications headless.
 */
export function pushPrefs(pushServiceUrl: string): Record<string, unknown> {
  return {
    'dom.push.serverURL': pushServiceUrl,
    'dom.push.testing.allowInsecureServerURL': true,
    // Browser automation turns the push connection off; subscribe then
    // fails with AbortError
    'dom.push.connection.enabled': true,
    // 1 allows, 2 blocks (subscribe fails with NotAllowedError)
    'permissions.default.desktop-notification': 1,
    // Reconnect at once (default 5 s) when the push service drops us
    'dom.push.retryBaseInterval': 100,
    // Headless, the system backend makes showNotification fail with
    // NS_ERROR_FAILURE
    'alerts.useSystemBackend': false,
  };
}

/** Prefs that keep Firefox from reaching out to the internet. */
const quietPrefs: Record<string, unknown> = {
  'app.update.auto': false,
  'app.update.enabled': false,
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'browser.discovery.enabled': false,
  'browser.newtabpage.activity-stream.feeds.section.topstories': false,
  'browser.newtabpage.activity-stream.feeds.snippets': false,
  'browser.ping-centre.telemetry': false,
  'browser.region.network.url': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.google.updateURL': '',
  'browser.safebrowsing.update.enabled': false,
  'captivedetect.canonicalURL': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'geo.provider.network.url': '',
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.trr.mode': 5,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
};

/**
 * Launches Debian's firefox-esr headless through puppeteer-core over
 * WebDriver BiDi (no geckodriver), with push pointed at `pushServiceUrl`
 * and notifications allowed. Rejects when firefox-esr is not installed
 * or does not start. Close the returned browser when done.
 */
export async function launchFirefox(
  options: LaunchFirefoxOptions,
): Promise<Browser> {
  const executablePath = firefoxPath();
  if (!executablePath) {
    throw new Error(
      'Firefox is not installed: apt-get install firefox-esr (tests download no browser)',
    );
  }

  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath,
    headless: true,
    ...(options.profileDir ? { userDataDir: options.profileDir } : {}),
    extraPrefsFirefox: {
      ...quietPrefs,
      ...pushPrefs(options.pushServiceUrl),
      ...options.prefs,
    },
  });

  // Keep what Firefox writes to the profile, like a user's browser would
  if (options.profileDir) await dropPrefsBackups(options.profileDir);

  return browser;
}

/**
 * puppeteer backs up `prefs.js` and `user.js` of a given profile at launch
 * and puts the backups back on close, which throws away prefs Firefox set
 * meanwhile, among them `dom.push.userAgentID`. On the next start Firefox
 * then says hello with a stale uaid, gets a new one and drops every push
 * subscription. Without the backups there is nothing to put back.
 */
async function dropPrefsBackups(profileDir: string): Promise<void> {
  await Promise.all(
    ['prefs.js.puppeteer', 'user.js.puppeteer'].map((name) =>
      rm(join(profileDir, name), { force: true }),
    ),
  );
}
