import type { PushOptionsMessage } from './pushServiceWorker.js';

/**
 * Hands the flow's `options` (and the request headers) to the active
 * service worker, which keeps them so that a later
 * `pushsubscriptionchange` registers the browser's new subscription with
 * the same metadata. Resolves true once the worker confirms it stored
 * them; false when there is no worker or it did not answer in time.
 * Never rejects: the subscription is already registered by then.
 */
export async function shareOptionsWithWorker(
  scriptUrl: string,
  message: Omit<PushOptionsMessage, 'type'>,
  timeoutMs = 2000,
): Promise<boolean> {
  try {
    const container = globalThis.navigator?.serviceWorker;
    const registration = await container?.getRegistration(scriptUrl);
    const worker = registration?.active;
    if (!worker) return false;

    // The worker answers on the port once the options are in its cache
    const channel = new MessageChannel();
    const stored = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      channel.port1.onmessage = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    worker.postMessage({ type: 'push.options', ...message }, [channel.port2]);

    const answered = await stored;
    channel.port1.close();

    return answered;
  } catch {
    return false;
  }
}
