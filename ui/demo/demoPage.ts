import { createPushPermission } from '../../adapters/createPushPermission.js';
import { connectInspector } from '../connectInspector.js';
import { mountPushButton } from '../mountPushButton.js';
import { type DemoState, demoPorts, demoStates } from './demoPorts.js';

/**
 * The local demo page. Query parameters:
 *
 * - `?inspect`: connects the Stately inspector (opens its hosted page,
 *   which needs internet; without it the flow runs as usual).
 * - `?alert=inline`: shows the unsupported alert in the status line.
 * - `?demoState=working|done|blocked|dismissed|unreachable|ios|server-error`:
 *   a demo-only hook that runs the real machine against stand-in ports
 *   so each state can be shown (and screenshotted) offline.
 * - `?sendTest`: shows "send me a test notification" from the start;
 *   otherwise it shows once the flow is `done`. It posts `{ idUser }` to
 *   the demo-only `/pushdata/demo/sendtest` that `npm start` enables.
 *
 * `search` stands in for the page's query string (tests).
 *
 * @throws Error when the page lacks `#push` or `#user-id`.
 */
export function startDemoPage(
  doc: Document = document,
  search: string = doc.location.search,
): void {
  const params = new URLSearchParams(search);
  const host = doc.querySelector('#push');
  const userField = doc.querySelector<HTMLInputElement>('#user-id');
  if (!host || !userField) throw new Error('The demo markup is missing');

  const forced = params.get('demoState') as DemoState | null;
  const ports =
    forced !== null && demoStates.includes(forced)
      ? demoPorts(forced)
      : undefined;
  const inspect = params.has('inspect') ? connectInspector() : undefined;

  // The button's alert hook is wired in before the button exists
  let alertInline: ((message: string) => void) | undefined;
  const push = createPushPermission({
    ...ports,
    ...(inspect ? { inspect } : {}),
    alert: (message) => alertInline?.(message),
  });

  const button = mountPushButton(host, {
    start: (options) => push.start(options),
    options: () => ({ idUser: userField.value.trim() || 'demo-user' }),
    alert: params.get('alert') === 'inline' ? 'inline' : 'window',
    onChange: (view) => {
      if (view.step === 'done') showSendTest(doc, userField);
    },
  });
  alertInline = button.alert;

  if (params.has('sendTest')) showSendTest(doc, userField);
  if (ports) doc.documentElement.dataset.demoState = forced ?? '';
}

function showSendTest(doc: Document, userField: HTMLInputElement) {
  const section = doc.querySelector<HTMLElement>('#send-test');
  const button = doc.querySelector<HTMLButtonElement>('#send-test-button');
  const result = doc.querySelector<HTMLElement>('#send-test-result');
  if (!section || !button || !result || !section.hidden) return;

  section.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.textContent = 'Sending…';
    try {
      const response = await fetch('/pushdata/demo/sendtest', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ idUser: userField.value.trim() }),
      });
      result.textContent = await sendResultText(response);
    } catch {
      result.textContent = 'The server could not be reached.';
    } finally {
      button.disabled = false;
    }
  });
}

/** Plain words for the demo send route's answer. */
async function sendResultText(response: Response): Promise<string> {
  if (response.status === 404) {
    return 'This server has no demo send route: start it with npm start.';
  }
  if (!response.ok) return `The server answered ${response.status}.`;

  const { sent } = (await response.json()) as { sent?: number };
  if (!sent) return 'No subscription of this user to send to yet.';

  return `Sent to ${sent} device${sent === 1 ? '' : 's'}; it should arrive in a moment.`;
}

if (typeof document !== 'undefined' && document.querySelector('#push')) {
  startDemoPage();
}
