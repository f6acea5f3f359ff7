import type { BrowserCommand } from 'vitest/node';

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Sets this origin's notification permission in the browser. */
    setNotificationPermission: (state: PermissionState) => Promise<void>;
  }
}

/**
 * Sets the notification permission through WebdriverIO's
 * `setPermissions` (WebDriver "Set Permission"); `prompt` makes
 * `Notification.requestPermission()` resolve `default` at once.
 */
export const setNotificationPermission: BrowserCommand<
  [state: PermissionState]
> = async ({ browser }, state) => {
  await browser.setPermissions({ name: 'notifications' }, state);
};
