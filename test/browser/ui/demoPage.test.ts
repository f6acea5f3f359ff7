import { afterEach, describe, expect, test, vi } from 'vitest';
import { startDemoPage } from '../../../ui/demo/demoPage.js';
import { stepMessages } from '../../../ui/pushStatusMessage.js';

let host: HTMLElement | undefined;

afterEach(() => {
  vi.restoreAllMocks();
  host?.remove();
  delete document.documentElement.dataset.demoState;
});

/** The demo's markup, as in ui/demo/index.html. */
function demoMarkup() {
  host = document.createElement('main');
  host.innerHTML = `
    <input id="user-id" value="BF_USER_ID" />
    <div id="push"></div>
    <section id="send-test" hidden>
      <button id="send-test-button" type="button">Send</button>
      <p id="send-test-result"></p>
    </section>`;
  document.body.append(host);

  return host;
}

/** Resolves once the button's root shows `step` (a DOM event, no timer). */
function untilStep(root: HTMLElement, step: string): Promise<void> {
  const element = () => root.querySelector<HTMLElement>('.push-button');
  if (element()?.dataset.step === step) return Promise.resolve();

  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (element()?.dataset.step !== step) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(root, { attributes: true, subtree: true });
  });
}

function parts(root: HTMLElement) {
  return {
    button: root.querySelector(
      'button.push-button__button',
    ) as HTMLButtonElement,
    status: root.querySelector('.push-button__status') as HTMLElement,
  };
}

describe('the demo page', () => {
  test('mounts the button idle, with the send-test button hidden', () => {
    const root = demoMarkup();
    startDemoPage(document, '');

    const { button, status } = parts(root);
    expect(button.disabled).toBe(false);
    expect(status.textContent).toBe(stepMessages.idle);
    expect((root.querySelector('#send-test') as HTMLElement).hidden).toBe(true);
  });

  test('?demoState=done runs createPushPermission to done', async () => {
    const root = demoMarkup();
    startDemoPage(document, '?demoState=done');

    parts(root).button.click();
    expect(parts(root).button.disabled).toBe(true);
    await untilStep(root, 'done');

    expect(parts(root).status.textContent).toBe(stepMessages.done);
    expect(document.documentElement.dataset.demoState).toBe('done');
    expect((root.querySelector('#send-test') as HTMLElement).hidden).toBe(
      false,
    );
  });

  test('?demoState=ios&alert=inline shows the unsupported alert inline', async () => {
    const root = demoMarkup();
    startDemoPage(document, '?demoState=ios&alert=inline');

    parts(root).button.click();
    await untilStep(root, 'error');

    expect(parts(root).status.textContent).toMatch(/Home Screen/);
    expect((root.querySelector('#send-test') as HTMLElement).hidden).toBe(true);
  });

  test('?sendTest shows the test notification button', () => {
    const root = demoMarkup();
    startDemoPage(document, '?sendTest');

    expect((root.querySelector('#send-test') as HTMLElement).hidden).toBe(
      false,
    );
  });

  test('the send-test button posts the user id to the demo route and reports it', async () => {
    const fetch = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(Response.json({ sent: 1, failed: 0, removed: 0 }));
    const root = demoMarkup();
    startDemoPage(document, '?sendTest');
    const result = root.querySelector('#send-test-result') as HTMLElement;
    const reported = new Promise<void>((resolve) => {
      const observer = new MutationObserver(() => {
        if (!result.textContent?.startsWith('Sent to')) return;
        observer.disconnect();
        resolve();
      });
      observer.observe(result, { childList: true, characterData: true });
    });

    (root.querySelector('#send-test-button') as HTMLButtonElement).click();
    await reported;

    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('/pushdata/demo/sendtest');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ idUser: 'BF_USER_ID' });
    expect(result.textContent).toBe(
      'Sent to 1 device; it should arrive in a moment.',
    );
  });
});
